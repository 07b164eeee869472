package plastic

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/fastbptt"
)

// Tasks, models and updaters of a plastic run.
const (
	TaskKeyRecall  = "key_recall"
	TaskResequence = "resequence"
	TaskPalindrome = "palindrome"
	TaskText       = "text"

	ModelEthereal = "ethereal"
	ModelPlain    = "plain"

	UpdaterDFA     = "dfa"
	UpdaterPerStep = "perstep"
	UpdaterBPTT    = "bptt"
)

// Spec is the "plastic" section of a run file. The architecture and the
// update rule start from a preset of ethereal.Presets; every pointer field
// left out (nil) keeps the preset's value.
type Spec struct {
	// Task is key_recall, resequence, palindrome or text.
	Task string `json:"task"`
	// Corpus is the text task's file (read through run.Env.ReadFile; UTF-8).
	Corpus string `json:"corpus,omitempty"`
	// Charset is the text task's alphabet; "" takes the corpus's characters.
	Charset string `json:"charset,omitempty"`
	// Length is the resequence task's sequence length, the palindrome's half
	// length, the text task's window in characters; 0 = the task's default
	// (12, 4, 32). Key recall ignores it.
	Length int `json:"length,omitempty"`
	// N is the resequence task's largest number of distinct characters (3).
	N int `json:"n,omitempty"`

	// Model is ethereal (per-sequence fast weights) or plain (the same
	// layers with one set of weights for the batch).
	Model string `json:"model"`
	// Updater is dfa, perstep or bptt.
	Updater string `json:"updater"`
	// Preset is learns (the default: a setting that learns key recall),
	// code, scripts or paper (docs/plasticity.md).
	Preset string `json:"preset"`

	Hidden          *int     `json:"hidden,omitempty"`           // hidden units (preset: 128; paper 256)
	Layers          *int     `json:"layers,omitempty"`           // plastic layers before i2h and i2o (3)
	Batch           *int     `json:"batch,omitempty"`            // sequences run together (4)
	PlastProportion *float64 `json:"plast_proportion,omitempty"` // fraction of masked fast-weight entries (0.2; plain: 0)
	Plasticity      *float64 `json:"plasticity,omitempty"`       // plasticity of the masked entries, upstream's plast_clip (0.005; paper 1e4)
	ForgetRate      *float64 `json:"forget_rate,omitempty"`      // forgetting of the masked entries per character (0; paper 0.7)
	LR              *float64 `json:"learning_rate,omitempty"`    // learning rate (0.005; paper 1e-4)
	GradClip        *float64 `json:"grad_clip,omitempty"`        // clamp of the masked entries' update, 0 = off (0.1; paper off)
	Normalize       *bool    `json:"normalize,omitempty"`        // divide every tensor by its L2 norm after each update (code: on)
	ClipWeights     *float64 `json:"clip_weights,omitempty"`     // clamp of the fast weights, 0 = off (code, scripts: 1)
	TrainHidden     *bool    `json:"train_hidden,omitempty"`     // also update i2h (learns: on; the code never does)

	// Batches is the budget in batches of sequences (3000: about 10⁵
	// sequence-characters of key recall with batch 4).
	Batches int `json:"batches"`
	// Seed draws the network's masks and biases; FeedbackSeed DFA's
	// feedback matrices; TaskSeed the training sequences.
	Seed         uint64 `json:"seed"`
	FeedbackSeed uint64 `json:"feedback_seed"`
	TaskSeed     uint64 `json:"task_seed"`
	// EvalBatches held-out batches drawn from EvalSeed make an evaluation,
	// each run from the trained state with the rule on (the fast weights
	// store a sequence only through the rule), the state restored after.
	EvalBatches int    `json:"eval_batches"`
	EvalSeed    uint64 `json:"eval_seed"`
	// Window is the number of batches of the moving averages the curves,
	// the progress and the criterion use (50).
	Window int `json:"window"`
	// Target is the accuracy criterion of chars_to_target (0.95).
	Target float64 `json:"target"`
	// RatioEvery measures the fast/slow gradient-norm ratio on every
	// RatioEvery-th batch (10; tracking costs time).
	RatioEvery int `json:"ratio_every"`
}

// Defaults returns the section's defaults: key recall, EtherealRNN, DFA,
// the learns preset, 3000 batches.
func Defaults() *Spec {
	return &Spec{Task: TaskKeyRecall, Model: ModelEthereal, Updater: UpdaterDFA, Preset: "learns",
		Batches: 3000, Seed: 1, FeedbackSeed: 1, TaskSeed: 1, EvalBatches: 100, EvalSeed: 12345,
		Window: 50, Target: 0.95, RatioEvery: 10}
}

// Validate implements run.Spec.
func (s *Spec) Validate() error {
	switch s.Task {
	case TaskKeyRecall, TaskResequence, TaskPalindrome:
		if s.Corpus != "" || s.Charset != "" {
			return fmt.Errorf("plastic.corpus and plastic.charset are for task %q (task is %q)", TaskText, s.Task)
		}
	case TaskText:
		if s.Corpus == "" {
			return fmt.Errorf("plastic.corpus: task %q needs a UTF-8 text file (--corpus FILE)", TaskText)
		}
	default:
		return fmt.Errorf("plastic.task = %q: want %s, %s, %s or %s", s.Task, TaskKeyRecall, TaskResequence, TaskPalindrome, TaskText)
	}
	if s.Length < 0 {
		return fmt.Errorf("plastic.length must be ≥ 0 (got %d; 0 = the task's default)", s.Length)
	}
	if s.N < 0 || s.N > len(chartask.KeyRecallChars) {
		return fmt.Errorf("plastic.n must be in 0..%d (got %d; 0 = 3)", len(chartask.KeyRecallChars), s.N)
	}
	if s.Model != ModelEthereal && s.Model != ModelPlain {
		return fmt.Errorf("plastic.model = %q: want %s (per-sequence fast weights) or %s (one set of weights for the batch)", s.Model, ModelEthereal, ModelPlain)
	}
	switch s.Updater {
	case UpdaterDFA, UpdaterPerStep:
	case UpdaterBPTT:
		for key, set := range map[string]bool{"grad_clip": s.GradClip != nil, "normalize": s.Normalize != nil,
			"clip_weights": s.ClipWeights != nil, "train_hidden": s.TrainHidden != nil} {
			if set {
				return fmt.Errorf("plastic.%s does not apply to updater bptt (one plain SGD step per batch, i2h always trained); leave it out", key)
			}
		}
	default:
		return fmt.Errorf("plastic.updater = %q: want %s, %s or %s", s.Updater, UpdaterDFA, UpdaterPerStep, UpdaterBPTT)
	}
	if _, err := ethereal.PresetByName(2, s.Preset); err != nil {
		return fmt.Errorf("plastic.preset = %q: want learns, code, scripts or paper", s.Preset)
	}
	if p := s.Plasticity; p != nil && !(*p > 0) {
		return fmt.Errorf("plastic.plasticity must be > 0 (got %v): a plasticity of 0 freezes the masked fast weights, so nothing can be stored in them (the presets use 0.005, the paper 1e4)", *p)
	}
	if p := s.PlastProportion; p != nil && s.Model == ModelPlain && *p != 0 {
		return fmt.Errorf("plastic.plast_proportion = %v: a plain RNN has no fast-weight mask; leave it out or use model %s", *p, ModelEthereal)
	}
	for key, v := range map[string]*int{"hidden": s.Hidden, "batch": s.Batch} {
		if v != nil && *v < 1 {
			return fmt.Errorf("plastic.%s must be ≥ 1 (got %d)", key, *v)
		}
	}
	if s.Layers != nil && *s.Layers < 0 {
		return fmt.Errorf("plastic.layers must be ≥ 0 (got %d)", *s.Layers)
	}
	switch {
	case s.Batches < 1:
		return fmt.Errorf("plastic.batches must be ≥ 1 (got %d)", s.Batches)
	case s.EvalBatches < 1:
		return fmt.Errorf("plastic.eval_batches must be ≥ 1 (got %d)", s.EvalBatches)
	case s.Window < 1:
		return fmt.Errorf("plastic.window must be ≥ 1 (got %d)", s.Window)
	case !(s.Target > 0 && s.Target <= 1):
		return fmt.Errorf("plastic.target must be in (0, 1] (got %v)", s.Target)
	case s.RatioEvery < 1:
		return fmt.Errorf("plastic.ratio_every must be ≥ 1 (got %d)", s.RatioEvery)
	}
	cfg, u, _, err := s.resolve(2)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("plastic: %v", err)
	}
	if s.Updater != UpdaterBPTT {
		if err := u.Validate(); err != nil {
			return fmt.Errorf("plastic: %v", err)
		}
	}
	return nil
}

// resolve gives the network's architecture and update settings for a
// vocabulary of v characters: the preset with the section's overrides.
func (s *Spec) resolve(v int) (ethereal.Config, ethereal.UpdateConfig, fastbptt.Config, error) {
	p, err := ethereal.PresetByName(v, s.Preset)
	if err != nil {
		return ethereal.Config{}, ethereal.UpdateConfig{}, fastbptt.Config{}, fmt.Errorf("plastic.preset: %v", err)
	}
	c, u := p.Config, p.Update
	c.Seed = s.Seed
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setFloat := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	setInt(&c.Hidden, s.Hidden)
	setInt(&c.Layers, s.Layers)
	setInt(&c.Batch, s.Batch)
	setFloat(&c.PlastProportion, s.PlastProportion)
	setFloat(&c.PlastClip, s.Plasticity)
	setFloat(&c.ForgetRate, s.ForgetRate)
	setFloat(&u.LR, s.LR)
	setFloat(&u.GradClip, s.GradClip)
	setFloat(&u.ClipWeights, s.ClipWeights)
	if s.Normalize != nil {
		u.Normalize = *s.Normalize
	}
	if s.TrainHidden != nil {
		u.TrainHidden = *s.TrainHidden
	}
	if s.Model == ModelPlain {
		c.PlastProportion, c.Shared = 0, true
	}
	return c, u, fastbptt.Config{LR: u.LR}, nil
}

// taskLength is the Length a task uses (the default for 0).
func (s *Spec) taskLength() int {
	if s.Length > 0 {
		return s.Length
	}
	switch s.Task {
	case TaskResequence:
		return 12
	case TaskPalindrome:
		return 4
	}
	return 32
}

func (s *Spec) taskN() int {
	if s.N > 0 {
		return s.N
	}
	return 3
}

// Flags implements run.Spec.
func (s *Spec) Flags(fs *flag.FlagSet) {
	fs.StringVar(&s.Task, "task", s.Task, "character task: key_recall, resequence, palindrome or text")
	fs.StringVar(&s.Corpus, "corpus", s.Corpus, "text task: a UTF-8 text file")
	fs.StringVar(&s.Charset, "charset", s.Charset, "text task: the alphabet (default: the corpus's characters)")
	fs.IntVar(&s.Length, "length", s.Length, "resequence length, palindrome half length, text window (0: 12, 4, 32)")
	fs.IntVar(&s.N, "n", s.N, "resequence: at most n distinct characters (0: 3)")
	fs.StringVar(&s.Model, "model", s.Model, "ethereal (per-sequence fast weights) or plain (one set of weights for the batch)")
	fs.StringVar(&s.Updater, "updater", s.Updater, "dfa, perstep or bptt")
	fs.StringVar(&s.Preset, "preset", s.Preset, "learns, code, scripts or paper (docs/plasticity.md)")
	fs.Var(optInt{&s.Hidden}, "hidden", "hidden units (default: the preset's)")
	fs.Var(optInt{&s.Layers}, "layers", "plastic layers (default: the preset's)")
	fs.Var(optInt{&s.Batch}, "batch", "sequences per batch (default: the preset's)")
	fs.Var(optFloat{&s.PlastProportion}, "plast-proportion", "fraction of masked fast-weight entries (default: the preset's)")
	fs.Var(optFloat{&s.Plasticity}, "plasticity", "plasticity of the masked entries, > 0 (default: the preset's)")
	fs.Var(optFloat{&s.ForgetRate}, "forget-rate", "forgetting of the masked entries (default: the preset's)")
	fs.Var(optFloat{&s.LR}, "lr", "learning rate (default: the preset's)")
	fs.Var(optFloat{&s.GradClip}, "grad-clip", "clamp of the masked entries' update, 0 = off (default: the preset's)")
	fs.Var(optBool{&s.Normalize}, "normalize", "L2-normalise every tensor after each update (default: the preset's)")
	fs.Var(optFloat{&s.ClipWeights}, "clip-weights", "clamp of the fast weights, 0 = off (default: the preset's)")
	fs.Var(optBool{&s.TrainHidden}, "train-hidden", "also update i2h (default: the preset's)")
	fs.IntVar(&s.Batches, "batches", s.Batches, "budget in batches of sequences")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the network's masks and biases")
	fs.Uint64Var(&s.FeedbackSeed, "feedback-seed", s.FeedbackSeed, "seed of DFA's feedback matrices")
	fs.Uint64Var(&s.TaskSeed, "task-seed", s.TaskSeed, "seed of the training sequences")
	fs.IntVar(&s.EvalBatches, "eval-batches", s.EvalBatches, "held-out batches of an evaluation")
	fs.Uint64Var(&s.EvalSeed, "eval-seed", s.EvalSeed, "seed of the held-out sequences")
	fs.IntVar(&s.Window, "window", s.Window, "batches of the moving averages")
	fs.Float64Var(&s.Target, "target", s.Target, "accuracy criterion of chars_to_target")
	fs.IntVar(&s.RatioEvery, "ratio-every", s.RatioEvery, "measure the fast/slow gradient-norm ratio every n batches")
}

// optInt, optFloat and optBool are flags for the optional settings: unset,
// they leave the preset's value.
type optInt struct{ p **int }

func (o optInt) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.Itoa(**o.p)
}
func (o optInt) Set(v string) error {
	i, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("want an integer")
	}
	*o.p = &i
	return nil
}

type optFloat struct{ p **float64 }

func (o optFloat) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.FormatFloat(**o.p, 'g', -1, 64)
}
func (o optFloat) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return fmt.Errorf("want a number")
	}
	*o.p = &f
	return nil
}

type optBool struct{ p **bool }

func (o optBool) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.FormatBool(**o.p)
}
func (o optBool) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*o.p = &b
	return nil
}
func (o optBool) IsBoolFlag() bool { return true }
