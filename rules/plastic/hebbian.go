package plastic

import (
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/optim"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/models/hebbian"
	"github.com/rnnlab/rnnlab/rules/run"
)

// HebbianKind is the "hebbian" kind of run: pattern completion by a
// network with a Hebbian trace (differentiable plasticity or
// backpropamine), trained by BPTT through the trace and Adam, one episode
// per unit.
var HebbianKind = run.Kind{
	Name:    "hebbian",
	Summary: "pattern completion by differentiable plasticity or backpropamine, trained by BPTT through the Hebbian trace",
	Command: "hebbian",
	New:     func() run.Spec { return HebbianDefaults() },
	Resume:  resumeHebbian,
}

// HebbianSpec is the "hebbian" section of a run file.
type HebbianSpec struct {
	// The pattern-completion task (hebbian.PatternCompletion; Miconi et al.
	// 2018 use 1000 bits, 5 patterns, 2 cycles, 6, 6, 4, 0.5). The defaults
	// are the shrunk task of docs/plasticity.md (8 bits, 2 patterns).
	Bits         int     `json:"bits"`
	Patterns     int     `json:"patterns"`
	Cycles       int     `json:"cycles"`
	PresTime     int     `json:"pres_time"`
	PresTimeTest int     `json:"pres_time_test"`
	Delay        int     `json:"delay"`
	ProbDegrade  float64 `json:"prob_degrade"`
	// InputGain multiplies every input (simple.py: 20; 0 means 1), Balanced
	// draws patterns with exactly half their bits at −1 (simple.py).
	InputGain float64 `json:"input_gain"`
	Balanced  bool    `json:"balanced"`
	// Rule is hebb (differentiable plasticity: Hebb ← (1−η)Hebb + η y yᵀ,
	// η trained) or backpropamine (a learned modulator, clipped trace).
	Rule string `json:"rule"`
	// Plastic trains the plasticity coefficients α; false holds α at 0 (the
	// non-plastic baseline of the same network).
	Plastic   bool    `json:"plastic"`
	Eta       float64 `json:"eta"`        // initial η (hebb; 0.1)
	Clip      float64 `json:"clip"`       // trace clip (backpropamine; 1)
	Gain      float64 `json:"gain"`       // W ~ N(0, gain²/M) (0.1)
	AlphaInit float64 `json:"alpha_init"` // α ~ U(0, alpha_init) (0.01)
	AlphaSD   float64 `json:"alpha_sd"`   // > 0: α ~ N(0, alpha_sd²) instead (simple.py: 0.01)
	// Episodes is the budget; LR Adam's learning rate (3e-3).
	Episodes int     `json:"episodes"`
	LR       float64 `json:"learning_rate"`
	// Seed draws the network, TaskSeed the training episodes, EvalSeed the
	// EvalEpisodes held-out episodes of an evaluation.
	Seed         uint64 `json:"seed"`
	TaskSeed     uint64 `json:"task_seed"`
	EvalEpisodes int    `json:"eval_episodes"`
	EvalSeed     uint64 `json:"eval_seed"`
	// Window is the number of episodes of the training curve's moving mean (100).
	Window int `json:"window"`
}

// HebbianDefaults returns the section's defaults (the measured setting of
// docs/plasticity.md: 3000 episodes, Adam 3·10⁻³).
func HebbianDefaults() *HebbianSpec {
	return &HebbianSpec{Bits: 8, Patterns: 2, Cycles: 2, PresTime: 3, PresTimeTest: 3, Delay: 2, ProbDegrade: 0.5,
		Rule: hebbian.RuleHebb, Plastic: true, Eta: 0.1, Clip: 1, Gain: 0.1, AlphaInit: 0.01,
		Episodes: 3000, LR: 3e-3, Seed: 1, TaskSeed: 101, EvalEpisodes: 200, EvalSeed: 999, Window: 100}
}

func (s *HebbianSpec) task() hebbian.PatternCompletion {
	return hebbian.PatternCompletion{Bits: s.Bits, Patterns: s.Patterns, Cycles: s.Cycles, PresTime: s.PresTime,
		PresTimeTest: s.PresTimeTest, Delay: s.Delay, ProbDegrade: s.ProbDegrade, InputGain: s.InputGain, Balanced: s.Balanced}
}

func (s *HebbianSpec) config() hebbian.Config {
	m := s.Bits + 1
	return hebbian.Config{Units: m, Inputs: m, DirectInput: true, Rule: s.Rule, Eta: s.Eta, Clip: s.Clip,
		Gain: s.Gain, AlphaInit: s.AlphaInit, AlphaSD: s.AlphaSD, Seed: s.Seed}
}

// Validate implements run.Spec.
func (s *HebbianSpec) Validate() error {
	if s.Rule != hebbian.RuleHebb && s.Rule != hebbian.RuleBackpropamine {
		return fmt.Errorf("hebbian.rule = %q: want %s (differentiable plasticity) or %s", s.Rule, hebbian.RuleHebb, hebbian.RuleBackpropamine)
	}
	if err := s.task().Validate(); err != nil {
		return fmt.Errorf("hebbian.%v", err.Error()[len("hebbian: "):])
	}
	switch {
	case s.tapeBytes() > maxTapeBytes:
		return fmt.Errorf("hebbian.bits = %d: BPTT keeps the trace of every step, (steps+1)·(bits+1)² values = %.1f GiB for %d steps; use fewer bits or a shorter episode (at most %d GiB; Miconi's task, 1000 bits and 106 steps, needs 0.8)",
			s.Bits, float64(s.tapeBytes())/(1<<30), s.task().Steps(), maxTapeBytes>>30)
	case s.Rule == hebbian.RuleHebb && !(s.Eta >= 0 && s.Eta <= 1):
		return fmt.Errorf("hebbian.eta must be in [0, 1] (got %v)", s.Eta)
	case s.Rule == hebbian.RuleBackpropamine && !(s.Clip > 0):
		return fmt.Errorf("hebbian.clip must be > 0 for backpropamine (got %v)", s.Clip)
	case !(s.Gain >= 0) || !(s.AlphaInit >= 0) || !(s.AlphaSD >= 0):
		return fmt.Errorf("hebbian.gain, hebbian.alpha_init and hebbian.alpha_sd must be ≥ 0 (got %v, %v, %v)", s.Gain, s.AlphaInit, s.AlphaSD)
	case s.Episodes < 1:
		return fmt.Errorf("hebbian.episodes must be ≥ 1 (got %d)", s.Episodes)
	case !(s.LR > 0):
		return fmt.Errorf("hebbian.learning_rate must be > 0 (got %v)", s.LR)
	case s.EvalEpisodes < 1:
		return fmt.Errorf("hebbian.eval_episodes must be ≥ 1 (got %d)", s.EvalEpisodes)
	case s.Window < 1:
		return fmt.Errorf("hebbian.window must be ≥ 1 (got %d)", s.Window)
	}
	return nil
}

// maxTapeBytes bounds the memory of an episode's tape (hebbian.Tape).
const maxTapeBytes = 4 << 30

// tapeBytes is the size of the tape of one episode: the trace and state of
// every step.
func (s *HebbianSpec) tapeBytes() int {
	m := s.Bits + 1
	return 8 * (s.task().Steps() + 1) * (m*m + m)
}

// Flags implements run.Spec.
func (s *HebbianSpec) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.Bits, "bits", s.Bits, "bits of a pattern")
	fs.IntVar(&s.Patterns, "patterns", s.Patterns, "patterns per episode")
	fs.IntVar(&s.Cycles, "cycles", s.Cycles, "presentations of each pattern")
	fs.StringVar(&s.Rule, "rule", s.Rule, "hebb (differentiable plasticity) or backpropamine")
	fs.BoolVar(&s.Plastic, "plastic", s.Plastic, "train the plasticity α (false: α held at 0, the baseline)")
	fs.IntVar(&s.Episodes, "episodes", s.Episodes, "budget in episodes")
	fs.Float64Var(&s.LR, "lr", s.LR, "Adam's learning rate")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the network")
	fs.Uint64Var(&s.TaskSeed, "task-seed", s.TaskSeed, "seed of the training episodes")
	fs.IntVar(&s.EvalEpisodes, "eval-episodes", s.EvalEpisodes, "held-out episodes of an evaluation")
	fs.Uint64Var(&s.EvalSeed, "eval-seed", s.EvalSeed, "seed of the held-out episodes")
}

type hebbTrainer struct {
	spec   HebbianSpec
	task   hebbian.PatternCompletion
	net    *hebbian.Net
	opt    *optim.Adam
	r      *rng.Rand
	step   int
	losses []float64 // training error of every episode
	tape   *hebbian.Tape

	in, target, g []float64
}

// Start implements run.Spec.
func (s *HebbianSpec) Start(run.Env) (run.Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	net, err := hebbian.New(s.config())
	if err != nil {
		return nil, fmt.Errorf("hebbian: %v", err)
	}
	if !s.Plastic {
		clear(net.Alpha)
	}
	p := s.task()
	return &hebbTrainer{spec: *s, task: p, net: net, opt: optim.NewAdam(len(net.Theta)), r: rng.New(s.TaskSeed),
		in: make([]float64, p.Steps()*p.Units()), target: make([]float64, p.Bits), g: make([]float64, len(net.Theta)),
		tape: hebbian.NewTape(net, p.Steps())}, nil
}

// Advance implements run.Trainer: one episode, its BPTT gradient through
// the trace and one Adam step (α's gradient dropped when not Plastic; η
// kept in [0, 1]).
func (t *hebbTrainer) Advance() error {
	n := t.net
	t.task.Episode(t.in, t.target, t.r)
	clear(t.g)
	loss := t.tape.Loss(t.in, t.target, t.g)
	if !t.spec.Plastic {
		clear(t.g[n.M*n.M : 2*n.M*n.M])
	}
	t.opt.Update(n.Theta, t.g, t.spec.LR)
	if n.EtaIdx >= 0 {
		n.Theta[n.EtaIdx] = min(max(n.Theta[n.EtaIdx], 0), 1)
	}
	t.step++
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("hebbian: the error of episode %d is %v; lower hebbian.learning_rate", t.step, loss)
	}
	t.losses = append(t.losses, loss)
	return nil
}

// Done implements run.Trainer.
func (t *hebbTrainer) Done() bool { return t.step >= t.spec.Episodes }

func (t *hebbTrainer) windowed(end int) float64 {
	lo := max(0, end-t.spec.Window)
	if end == lo {
		return 0
	}
	var s float64
	for _, v := range t.losses[lo:end] {
		s += v
	}
	return s / float64(end-lo)
}

// Progress implements run.Trainer.
func (t *hebbTrainer) Progress() run.Progress {
	return run.Progress{Step: t.step, Total: t.spec.Episodes, Unit: "episode",
		Values: []run.Value{{Name: "error", Value: t.windowed(t.step)}}}
}

// Evaluate implements run.Trainer: the mean error over the held-out
// episodes (no training), the curve, α and the trace at the end of the
// first held-out episode.
func (t *hebbTrainer) Evaluate() (*run.Report, error) {
	n, p := t.net, t.task
	r := rng.New(t.spec.EvalSeed)
	in, tg := make([]float64, len(t.in)), make([]float64, len(t.target))
	var sum, wrong float64
	var trace []float64
	for e := 0; e < t.spec.EvalEpisodes; e++ {
		p.Episode(in, tg, r)
		sum += t.tape.Loss(in, tg, nil)
		out := t.tape.Output()
		for i, v := range tg {
			if sign(out[i]) != v {
				wrong++
			}
		}
		if e == 0 {
			trace = append([]float64(nil), t.tape.Trace()...)
		}
	}
	testErr := sum / float64(t.spec.EvalEpisodes)
	bitErr := wrong / float64(t.spec.EvalEpisodes*p.Bits)
	rep := &run.Report{Kind: HebbianKind.Name, Step: t.step}
	rep.Metrics = []run.Value{{Name: "test_error", Value: testErr}, {Name: "train_error", Value: t.windowed(t.step)},
		{Name: "bit_error", Value: bitErr}}
	if n.EtaIdx >= 0 {
		rep.Metrics = append(rep.Metrics, run.Value{Name: "eta", Value: n.Theta[n.EtaIdx]})
	}
	rep.Notes = []string{fmt.Sprintf("mean squared error of the %d bits at the episode's last step over %d held-out episodes; "+
		"an output of 0 scores 1, copying the degraded input %.2f; bit_error is the fraction of bits whose sign is wrong (0 counts as wrong, as in Miconi's simple.py; copying the degraded input %.2f)",
		p.Bits, t.spec.EvalEpisodes, p.ProbDegrade, p.ProbDegrade)}
	var xs, ys []float64
	tb := run.Table{Name: "history", Columns: []string{"episode", "error"}}
	for i := range t.losses {
		xs = append(xs, float64(i+1))
		ys = append(ys, t.windowed(i+1))
		if (i+1)%t.spec.Window == 0 || i+1 == len(t.losses) {
			tb.Rows = append(tb.Rows, []string{strconv.Itoa(i + 1), num(ys[i])})
		}
	}
	label := t.spec.Rule
	if !t.spec.Plastic {
		label += ", α = 0"
	}
	rep.Tables = []run.Table{tb, {Name: "evaluation", Columns: []string{"episodes", "test_error", "train_error"},
		Rows: [][]string{{strconv.Itoa(t.step), num(testErr), num(t.windowed(t.step))}}}}
	rep.Figures = []run.Figure{
		{Name: "loss", Title: fmt.Sprintf("pattern completion: training error (mean of %d episodes)", t.spec.Window),
			XLabel: "episode", YLabel: "mean squared error", Lines: []run.Line{{Label: label, X: xs, Y: ys}}},
		{Name: "alpha", Title: "plasticity coefficients α", XLabel: "presynaptic unit", YLabel: "postsynaptic unit",
			Heat: &run.Heat{Rows: n.M, Cols: n.M, Values: append([]float64(nil), n.Alpha...)}},
		{Name: "trace", Title: "Hebbian trace at the end of held-out episode 0", XLabel: "unit", YLabel: "unit",
			Heat: &run.Heat{Rows: n.M, Cols: n.M, Values: trace}},
	}
	rep.Details = map[string]any{"test_error": testErr, "bit_error": bitErr, "episodes": t.step, "rule": t.spec.Rule, "plastic": t.spec.Plastic}
	return rep, nil
}

// Save implements run.Trainer.
func (t *hebbTrainer) Save() (*run.Checkpoint, error) {
	spec := t.spec
	doc, err := HebbianKind.Encode(&spec)
	if err != nil {
		return nil, err
	}
	rs, err := t.r.MarshalBinary()
	if err != nil {
		return nil, err
	}
	ts := []safetensors.Tensor{tensor("theta", t.net.Theta), tensor("adam", t.opt.State()), tensor("history.error", t.losses)}
	return &run.Checkpoint{Kind: HebbianKind.Name, Config: doc, Step: t.step, Tensors: ts,
		Meta: map[string]string{"rng.task": hex.EncodeToString(rs)}}, nil
}

func resumeHebbian(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	tr, err := spec.(*HebbianSpec).Start(env)
	if err != nil {
		return nil, err
	}
	t := tr.(*hebbTrainer)
	theta, err := ck.Tensor("theta", len(t.net.Theta))
	if err != nil {
		return nil, err
	}
	copy(t.net.Theta, theta)
	adam, err := ck.Tensor("adam", len(t.opt.State()))
	if err != nil {
		return nil, err
	}
	if err := t.opt.SetState(adam); err != nil {
		return nil, err
	}
	hist, err := ck.Tensor("history.error", ck.Step)
	if err != nil {
		return nil, err
	}
	t.losses = append([]float64(nil), hist...)
	rs, err := hex.DecodeString(ck.Meta["rng.task"])
	if err == nil {
		err = t.r.UnmarshalBinary(rs)
	}
	if err != nil {
		return nil, fmt.Errorf("metadata rng.task: %v", err)
	}
	t.step = ck.Step
	return t, nil
}

// sign is −1, 0 or 1.
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
