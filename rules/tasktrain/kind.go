package tasktrain

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/run"
)

// KindName is the name of task-training runs in the run registry
// (rules/run): the run file's "kind", its section and the command.
const KindName = "task"

// Kind is the task-training kind of run: `rnnlab task --task dlydm1
// --method dasc --skip 20 --models 100`, or a run file
// {"kind": "task", "task": {…Spec…}}.
var Kind = run.Kind{
	Name:    KindName,
	Summary: "train ensembles of leaky rate RNNs on cognitive tasks by BPTT, CD, SCTT or DASC (Soo, Goudar & Wang 2023)",
	Command: KindName,
	// a round of 2 small networks at a coarser step: well under a second in WebAssembly
	Browser: "models=2&units=20&dt=0.02&trials=10&eval-trials=40&steps-per-round=5",
	New:     func() run.Spec { s := DefaultSpec(); return &s },
	Resume:  resume,
}

func init() { run.Register(Kind) }

// Spec is the "task" section of a run file: a Config with JSON keys and its
// defaults written out (the reference's main_standardtasks.py settings,
// with a smaller ensemble). Workers is not part of it: the edge lends
// goroutines (run.Env.Workers), and the results do not depend on them.
type Spec struct {
	// Task is one of the 20 standard tasks (cogtask.Names).
	Task string `json:"task"`
	// Method is "base", "cd", "sctt" or "dasc".
	Method string `json:"method"`
	// Skip is θ, the block length of SCTT and DASC in steps.
	Skip int `json:"skip"`
	// Stages is the number of β (SCTT, DASC) or α (CD) stages before base
	// training.
	Stages int `json:"stages"`
	// Beta is the initial β of SCTT and DASC, ramped linearly to 1.
	Beta float64 `json:"beta"`
	// Alpha is CD's initial dt multiplier, ramped down to 1.
	Alpha float64 `json:"alpha"`
	// Units is N; Tau and Dt are τ and the fine step in seconds;
	// Activation "relu", "softplus" or "tanh"; Dale switches Dale's law on.
	Units      int     `json:"units"`
	Tau        float64 `json:"tau"`
	Dt         float64 `json:"dt"`
	Activation string  `json:"activation"`
	Dale       bool    `json:"dale"`
	// Networks is the ensemble size K (the reference trains 100).
	Networks int `json:"networks"`
	// Trials per Adam step, trials per evaluation, Adam steps per round,
	// and the budget in rounds (the stages share its first half).
	Trials        int `json:"trials"`
	EvalTrials    int `json:"eval_trials"`
	StepsPerRound int `json:"steps_per_round"`
	Rounds        int `json:"rounds"`
	// LR is Adam's learning rate; 0 means the reference's 0.1/units.
	LR float64 `json:"lr"`
	// Clip is the largest gradient norm per network (0: off).
	Clip float64 `json:"clip"`
	// Corrected fixes the reference's quirks (docs/cogtask.md).
	Corrected bool `json:"corrected"`
	// Seed seeds every network's parameters, trials and noise.
	Seed uint64 `json:"seed"`
}

// DefaultSpec is the section at its defaults: base training of 10 networks
// of 50 units on go at dt = 5 ms, with the reference's rounds and budget.
func DefaultSpec() Spec {
	return Spec{Task: "go", Method: Base, Skip: 20, Stages: 2, Beta: 0, Alpha: 10,
		Units: 50, Tau: 0.1, Dt: 0.005, Activation: "relu",
		Networks: 10, Trials: 20, EvalTrials: 200, StepsPerRound: 10, Rounds: 4000, Seed: 1}
}

// Config is the trainer's configuration of the section (Workers 1).
func (s *Spec) Config() Config {
	return Config{Task: s.Task, Method: s.Method, Skip: s.Skip, Stages: s.Stages, Beta0: s.Beta, Alpha0: s.Alpha,
		Net:    leaky.Config{N: s.Units, Tau: s.Tau, Dt: s.Dt, Activation: s.Activation, Dale: s.Dale},
		Trials: s.Trials, EvalTrials: s.EvalTrials, StepsPerRound: s.StepsPerRound, Rounds: s.Rounds,
		LR: s.LR, Clip: s.Clip, Corrected: s.Corrected, Networks: s.Networks, Workers: 1, Seed: s.Seed}
}

// Validate reports the first impossible setting, naming its key
// ("task.<key>") and what to do.
func (s *Spec) Validate() error {
	if _, err := cogtask.Index(s.Task); err != nil && s.Task != cogtask.RuleReversal {
		return fmt.Errorf("task.task = %q is not a task: choose one of %s or %s", s.Task, strings.Join(cogtask.Names[:], ", "), cogtask.RuleReversal)
	}
	switch s.Method {
	case Base, CD, SCTT, DASC:
	default:
		return fmt.Errorf("task.method = %q is not a method: choose base, cd, sctt or dasc", s.Method)
	}
	positive := []struct {
		key string
		v   int
	}{{"skip", s.Skip}, {"stages", s.Stages}, {"networks", s.Networks}, {"trials", s.Trials},
		{"eval_trials", s.EvalTrials}, {"steps_per_round", s.StepsPerRound}, {"rounds", s.Rounds}}
	for _, p := range positive {
		if p.v < 1 {
			what := "must be ≥ 1"
			if p.key == "skip" {
				what = "is θ, the block length of SCTT and DASC in steps; it must be ≥ 1 (1: no skipping)"
			}
			return fmt.Errorf("task.%s = %d: %s", p.key, p.v, what)
		}
	}
	switch {
	case !(s.Beta >= 0 && s.Beta <= 1):
		return fmt.Errorf("task.beta = %v: the initial β of SCTT and DASC must lie in [0, 1] (the reference sweeps 0, 0.2, 0.5, 0.8; 1 is no mixing)", s.Beta)
	case !(s.Alpha >= 1):
		return fmt.Errorf("task.alpha = %v: CD's initial dt multiplier must be ≥ 1 (the reference uses 10)", s.Alpha)
	case s.Units < 5:
		return fmt.Errorf("task.units = %d: the network needs at least 5 units (inputs, readout and inhibitory groups non-empty)", s.Units)
	case !(s.Tau > 0) || math.IsInf(s.Tau, 0):
		return fmt.Errorf("task.tau = %v: τ must be a positive time in seconds (the reference: 0.1)", s.Tau)
	case !(s.Dt > 0) || !(s.Dt < s.Tau):
		return fmt.Errorf("task.dt = %v: the step must satisfy 0 < dt < task.tau = %v (seconds; the reference: 0.005)", s.Dt, s.Tau)
	case !(s.LR >= 0) || math.IsInf(s.LR, 0):
		return fmt.Errorf("task.lr = %v: the learning rate must be > 0, or 0 for the reference's 0.1/units", s.LR)
	case !(s.Clip >= 0) || math.IsInf(s.Clip, 0):
		return fmt.Errorf("task.clip = %v: the gradient-norm bound must be ≥ 0 (0: no clipping)", s.Clip)
	}
	switch s.Activation {
	case "relu", "softplus", "tanh":
	default:
		return fmt.Errorf("task.activation = %q: choose relu, softplus or tanh", s.Activation)
	}
	if s.Task == cogtask.RuleReversal {
		return s.validateReversal()
	}
	c := s.Config().WithDefaults()
	if tm := cogtask.TimingOf(s.Dt); !fits(s.Task, s.Dt) {
		return fmt.Errorf("task.dt = %v s is too coarse for the task's trial (epochs of %d steps, response %d with a grace of %d, jitter %d); use a finer step",
			s.Dt, tm.Short, tm.Test, tm.Wait, tm.Jitter)
	}
	for st := 0; st < c.stages(); st++ {
		if dt, _ := c.stage(st); !fits(s.Task, dt) {
			tm := cogtask.TimingOf(dt)
			return fmt.Errorf("task.alpha = %v: CD's stage %d steps at task.dt·α = %v s, too coarse for the task's trial (epochs of %d steps, response %d with a grace of %d, jitter %d); lower task.alpha",
				s.Alpha, st+1, dt, tm.Short, tm.Test, tm.Wait, tm.Jitter)
		}
	}
	if err := c.Validate(); err != nil { // a backstop: the checks above cover Config.Validate
		return fmt.Errorf("task: %v", err)
	}
	return nil
}

// fits reports whether the task's epochs fit at step dt (cogtask.New).
func fits(task string, dt float64) bool {
	_, err := cogtask.New(task, dt, cogtask.Options{})
	return err == nil
}

// Flags binds the section to the task command's flags.
func (s *Spec) Flags(fs *flag.FlagSet) {
	fs.StringVar(&s.Task, "task", s.Task, "the task: "+strings.Join(cogtask.Names[:], ", ")+" or "+cogtask.RuleReversal)
	fs.StringVar(&s.Method, "method", s.Method, "training scheme: base, cd (coarsened dt), sctt (skip connections through time) or dasc")
	fs.IntVar(&s.Skip, "skip", s.Skip, "θ: block length of SCTT and DASC in steps")
	fs.IntVar(&s.Stages, "stages", s.Stages, "number of β (SCTT, DASC) or α (CD) stages before base training")
	fs.Float64Var(&s.Beta, "beta", s.Beta, "initial β of SCTT and DASC in [0, 1], ramped to 1 over the stages")
	fs.Float64Var(&s.Alpha, "alpha", s.Alpha, "CD's initial dt multiplier, ramped down to 1")
	fs.IntVar(&s.Networks, "models", s.Networks, "ensemble size: networks trained side by side")
	fs.IntVar(&s.Units, "units", s.Units, "units N per network")
	fs.Float64Var(&s.Tau, "tau", s.Tau, "time constant τ in seconds")
	fs.Float64Var(&s.Dt, "dt", s.Dt, "Euler step in seconds (evaluation always at this step)")
	fs.StringVar(&s.Activation, "activation", s.Activation, "relu, softplus or tanh")
	fs.BoolVar(&s.Dale, "dale", s.Dale, "Dale's law: the last 20% of units inhibitory")
	fs.IntVar(&s.Trials, "trials", s.Trials, "trials per Adam step (rulereversal: sequences of 5 task-trials; the reference 40)")
	fs.IntVar(&s.EvalTrials, "eval-trials", s.EvalTrials, "trials per evaluation (one per round; rulereversal: sequences, the reference 40)")
	fs.IntVar(&s.StepsPerRound, "steps-per-round", s.StepsPerRound, "Adam steps per round")
	fs.IntVar(&s.Rounds, "rounds", s.Rounds, "budget in rounds (the stages share its first half)")
	fs.Float64Var(&s.LR, "lr", s.LR, "Adam learning rate (0: 0.1/units)")
	fs.Float64Var(&s.Clip, "clip", s.Clip, "gradient-norm bound per network (0: off)")
	fs.BoolVar(&s.Corrected, "corrected", s.Corrected, "fix the reference code's quirks (docs/cogtask.md)")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of every network's parameters, trials and noise")
}

// Start begins a fresh run.
func (s *Spec) Start(env run.Env) (run.Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Task == cogtask.RuleReversal {
		return newReversalTrainer(*s, env)
	}
	return newTrainer(*s, env)
}

// trainer is a task run: the ensemble and the history of its rounds (what
// the performance curves plot, kept in the checkpoint).
type trainer struct {
	spec Spec
	e    *Ensemble
	// per round r: Perf, Res, Loss of every network at [r·K:], the stage
	// the round trained in
	perf, res, loss []float64
	stage           []int
	wall            float64 // seconds spent in Advance, over all sessions
}

func newTrainer(s Spec, env run.Env) (*trainer, error) {
	c := s.Config()
	c.Workers = max(env.Workers, 1)
	e, err := NewEnsemble(c)
	if err != nil {
		return nil, fmt.Errorf("task: %v", err)
	}
	return &trainer{spec: s, e: e}, nil
}

// Advance trains one round: every network makes StepsPerRound Adam steps
// and one evaluation.
func (t *trainer) Advance() error {
	if t.e.Done() {
		return nil
	}
	start := time.Now()
	t.e.StepRound()
	t.wall += time.Since(start).Seconds()
	t.perf = append(t.perf, t.e.Perf...)
	t.res = append(t.res, t.e.Res...)
	t.loss = append(t.loss, t.e.Loss...)
	t.stage = append(t.stage, t.e.Stage)
	for i, l := range t.e.Loss {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("task: network %d's training loss is %v at round %d; lower task.lr or bound the gradient with task.clip", i, l, t.e.Round)
		}
	}
	return nil
}

// Done reports the criterion reached or the budget spent.
func (t *trainer) Done() bool { return t.e.Done() }

// Progress: mean performance, the ensemble criterion (middle-80 % mean) and
// the mean loss of the last round; the note names the stage.
func (t *trainer) Progress() run.Progress {
	return t.scores().progress()
}

// scores is the ensemble's standing, as both task trainers report it.
func (t *trainer) scores() scores {
	e := t.e
	return scores{c: e.Cfg, round: e.Round, crit: e.Crit, perf: e.Perf, loss: e.Loss, stage: t.stage}
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// Save writes the ensemble (θ, Adam, streams), the schedule's position and
// the history.
func (t *trainer) Save() (*run.Checkpoint, error) {
	return saveCheckpoint(&t.spec, t.e.State(), history{perf: t.perf, res: t.res, loss: t.loss, stage: t.stage}, t.wall)
}

// resume rebuilds a task run from its checkpoint, bit for bit.
func resume(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	s := *spec.(*Spec)
	if s.Task == cogtask.RuleReversal {
		return resumeReversal(s, ck, env)
	}
	t, err := newTrainer(s, env)
	if err != nil {
		return nil, err
	}
	st, h, wall, err := loadCheckpoint(ck, s.Networks, len(t.e.Nets[0].Model.Params()), t.e.stageN)
	if err != nil {
		return nil, err
	}
	if err := t.e.SetState(st); err != nil {
		return nil, fmt.Errorf("task checkpoint: %v", err)
	}
	t.perf, t.res, t.loss, t.stage, t.wall = h.perf, h.res, h.loss, h.stage, wall
	return t, nil
}
