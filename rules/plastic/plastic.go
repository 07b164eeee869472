package plastic

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/dfa"
	"github.com/rnnlab/rnnlab/rules/fastbptt"
	"github.com/rnnlab/rnnlab/rules/perstep"
	"github.com/rnnlab/rnnlab/rules/run"
)

// Kind is the "plastic" kind of run.
var Kind = run.Kind{
	Name:    "plastic",
	Summary: "online learning of a character task by an EtherealRNN (fast weights) or a plain RNN with DFA, per-step backprop or BPTT",
	Command: "plastic",
	Browser: "eval-batches=10", // an evaluation of 100 held-out batches takes seconds in a browser
	New:     func() run.Spec { return Defaults() },
	Resume:  resume,
}

func init() {
	run.Register(Kind)
	run.Register(HebbianKind)
}

// trainer is a plastic run in progress.
type trainer struct {
	spec Spec
	task chartask.Task
	net  *ethereal.Net
	tr   *ethereal.Trainer
	dfa  *dfa.Rule
	bptt *fastbptt.Rule
	step int
	// The curves, one entry per batch: loss (mean per-character
	// cross-entropy), correct and scored predictions, characters seen after
	// it, and the fast/slow gradient-norm ratio (NaN where not measured).
	loss, correct, scored, chars, ratio []float64
	// reached is the characters seen when the windowed accuracy first
	// reached the target (−1: not yet).
	reached int
}

// Start implements run.Spec.
func (s *Spec) Start(env run.Env) (run.Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	task, err := s.newTask(env)
	if err != nil {
		return nil, err
	}
	v := task.Charset().Size()
	cfg, u, bc, err := s.resolve(v)
	if err != nil {
		return nil, err
	}
	net, err := ethereal.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("plastic: %v", err)
	}
	t := &trainer{spec: *s, task: task, net: net, reached: -1}
	var rule ethereal.Learner
	switch s.Updater {
	case UpdaterDFA:
		t.dfa, err = dfa.New(net, u, s.FeedbackSeed)
		rule = t.dfa
	case UpdaterPerStep:
		rule, err = perstep.New(net, u)
	case UpdaterBPTT:
		t.bptt, err = fastbptt.New(net, bc)
		rule = t.bptt
	}
	if err != nil {
		return nil, fmt.Errorf("plastic: %v", err)
	}
	t.tr = ethereal.NewTrainer(net, rule, task, s.TaskSeed)
	t.tr.Scored = s.scored(task)
	return t, nil
}

// newTask builds the section's task; the text task reads its corpus.
func (s *Spec) newTask(env run.Env) (chartask.Task, error) {
	switch s.Task {
	case TaskResequence:
		t, err := chartask.NewResequence(s.taskN(), s.taskLength())
		if err != nil {
			return nil, fmt.Errorf("plastic.n, plastic.length: %v", err)
		}
		return t, nil
	case TaskPalindrome:
		t, err := chartask.NewPalindrome(s.taskLength())
		if err != nil {
			return nil, fmt.Errorf("plastic.length: %v", err)
		}
		return t, nil
	case TaskText:
		if env.ReadFile == nil {
			return nil, fmt.Errorf("plastic.corpus %q: this environment reads no files (the page); use task key_recall, resequence or palindrome", s.Corpus)
		}
		b, err := env.ReadFile(s.Corpus)
		if err != nil {
			return nil, fmt.Errorf("plastic.corpus: %v", err)
		}
		t, err := chartask.NewText(b, s.Charset, s.taskLength())
		if err != nil {
			return nil, fmt.Errorf("plastic.corpus %q: %v", s.Corpus, err)
		}
		return t, nil
	}
	return chartask.NewKeyRecall(), nil
}

// scored selects the predictions the accuracy counts: the recalled key; the
// mirrored half of a palindrome; a resequence's characters from position
// N+1 on (determined whatever the number of distinct characters); every
// character of a text.
func (s *Spec) scored(task chartask.Task) func(seq []int, i int) bool {
	switch s.Task {
	case TaskKeyRecall:
		cs := task.Charset()
		return func(seq []int, i int) bool { return chartask.IsRecall(cs, seq, i) }
	case TaskPalindrome:
		h := s.taskLength()
		return func(seq []int, i int) bool { return i+1 > h }
	case TaskResequence:
		n := s.taskN()
		return func(seq []int, i int) bool { return i+1 > n }
	}
	return func([]int, int) bool { return true }
}

// Advance implements run.Trainer: one batch of sequences.
func (t *trainer) Advance() error {
	measure := t.step%t.spec.RatioEvery == 0
	if measure && t.bptt == nil {
		// The previous batch's last update may still be deferred (unless a
		// Save or an Evaluate applied it): apply it before tracking, so that
		// the ratio counts this batch's updates alone whatever happened
		// between the batches (the bits are the same either way).
		t.net.Flush()
		t.net.TrackNorms(true)
	}
	st := t.tr.Step()
	ratio := math.NaN()
	if measure {
		if t.bptt != nil {
			ratio = t.bpttRatio()
		} else {
			ratio = t.net.NormRatio()
			t.net.TrackNorms(false)
		}
	}
	t.step++
	if math.IsNaN(st.Loss) || math.IsInf(st.Loss, 0) {
		return fmt.Errorf("plastic: the loss of batch %d is %v: the updates diverged; lower plastic.learning_rate or plastic.plasticity", t.step, st.Loss)
	}
	t.loss = append(t.loss, st.Loss)
	t.correct = append(t.correct, float64(st.Correct))
	t.scored = append(t.scored, float64(st.Scored))
	t.chars = append(t.chars, float64(t.tr.Seen))
	t.ratio = append(t.ratio, ratio)
	if t.reached < 0 && t.step >= t.spec.Window {
		if _, acc := t.windowed(t.step); acc >= t.spec.Target {
			t.reached = t.tr.Seen
		}
	}
	return nil
}

// bpttRatio is √(Σ‖s ⊙ g‖² over the masked entries / Σ‖g‖² over the
// others) of the plastic layers' last BPTT gradient (s = plast_clip), the
// step's fast and slow parts.
func (t *trainer) bpttRatio() float64 {
	var f, s float64
	for k, l := range t.net.Plastic {
		g := t.bptt.G[k]
		m := l.Out * l.In
		sc := t.net.Cfg.PlastClip
		for b := 0; b < l.Sets; b++ {
			for e, masked := range l.Mask {
				v := g[b*m+e]
				if masked {
					v = float64(sc * v)
					f += float64(v * v)
				} else {
					s += float64(v * v)
				}
			}
		}
	}
	if s == 0 {
		return 0
	}
	return math.Sqrt(f / s)
}

// windowed is the mean loss and the pooled accuracy of the Window batches
// ending before batch end (fewer at the start).
func (t *trainer) windowed(end int) (loss, acc float64) {
	lo := max(0, end-t.spec.Window)
	var c, s float64
	for i := lo; i < end; i++ {
		loss += t.loss[i]
		c += t.correct[i]
		s += t.scored[i]
	}
	if end > lo {
		loss /= float64(end - lo)
	}
	if s > 0 {
		acc = c / s
	}
	return loss, acc
}

// Done implements run.Trainer.
func (t *trainer) Done() bool { return t.step >= t.spec.Batches }

// Progress implements run.Trainer.
func (t *trainer) Progress() run.Progress {
	loss, acc := t.windowed(t.step)
	p := run.Progress{Step: t.step, Total: t.spec.Batches, Unit: "batch",
		Values: []run.Value{{Name: "loss", Value: loss}, {Name: "accuracy", Value: acc}, {Name: "chars", Value: float64(t.tr.Seen)}}}
	if t.reached >= 0 {
		p.Note = fmt.Sprintf("accuracy %.0f %% reached at %d characters", 100*t.spec.Target, t.reached)
	}
	return p
}

// Save implements run.Trainer.
func (t *trainer) Save() (*run.Checkpoint, error) {
	spec := t.spec
	doc, err := Kind.Encode(&spec)
	if err != nil {
		return nil, err
	}
	rs, err := t.tr.Rand.MarshalBinary()
	if err != nil {
		return nil, err
	}
	state := t.net.Export(nil)
	ts := []safetensors.Tensor{tensor("net.state", state)}
	if t.dfa != nil {
		for k, f := range t.dfa.Feedback {
			ts = append(ts, tensor("dfa.feedback."+strconv.Itoa(k), f))
		}
		if f := t.dfa.FeedbackHidden; f != nil {
			ts = append(ts, tensor("dfa.feedback_hidden", f))
		}
	}
	for _, h := range t.curves() {
		ts = append(ts, tensor("history."+h.name, *h.v))
	}
	meta := map[string]string{"rng.task": hex.EncodeToString(rs), "chars_seen": strconv.Itoa(t.tr.Seen), "reached": strconv.Itoa(t.reached)}
	return &run.Checkpoint{Kind: Kind.Name, Config: doc, Step: t.step, Tensors: ts, Meta: meta}, nil
}

type curve struct {
	name string
	v    *[]float64
}

func (t *trainer) curves() []curve {
	return []curve{{"loss", &t.loss}, {"correct", &t.correct}, {"scored", &t.scored}, {"chars", &t.chars}, {"ratio", &t.ratio}}
}

func tensor(name string, v []float64) safetensors.Tensor {
	return safetensors.Tensor{Name: name, DType: "F64", Shape: []int{len(v)}, Data: v}
}

func resume(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	s := spec.(*Spec)
	tr, err := s.Start(env)
	if err != nil {
		return nil, err
	}
	t := tr.(*trainer)
	state, err := ck.Tensor("net.state", t.net.StateLen())
	if err != nil {
		return nil, err
	}
	if err := t.net.Import(state); err != nil {
		return nil, err
	}
	if t.dfa != nil {
		for k, f := range t.dfa.Feedback {
			v, err := ck.Tensor("dfa.feedback."+strconv.Itoa(k), len(f))
			if err != nil {
				return nil, err
			}
			copy(f, v)
		}
		if f := t.dfa.FeedbackHidden; f != nil {
			v, err := ck.Tensor("dfa.feedback_hidden", len(f))
			if err != nil {
				return nil, err
			}
			copy(f, v)
		}
	}
	for _, h := range t.curves() {
		v, err := ck.Tensor("history."+h.name, ck.Step)
		if err != nil {
			return nil, err
		}
		*h.v = append([]float64(nil), v...)
	}
	rs, err := hex.DecodeString(ck.Meta["rng.task"])
	if err == nil {
		err = t.tr.Rand.UnmarshalBinary(rs)
	}
	if err != nil {
		return nil, fmt.Errorf("metadata rng.task: %v", err)
	}
	if t.tr.Seen, err = strconv.Atoi(ck.Meta["chars_seen"]); err != nil {
		return nil, fmt.Errorf("metadata chars_seen %q: %v", ck.Meta["chars_seen"], err)
	}
	if t.reached, err = strconv.Atoi(ck.Meta["reached"]); err != nil {
		return nil, fmt.Errorf("metadata reached %q: %v", ck.Meta["reached"], err)
	}
	t.step = ck.Step
	return t, nil
}
