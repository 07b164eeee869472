package tasktrain

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/optim"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// Methods of training.
const (
	Base = "base" // BPTT at the fine step
	CD   = "cd"   // coarsened discretisation: dt·α, α from Alpha0 down to 1 over the stages
	SCTT = "sctt" // skip connections through time: u ← β u + (1−β) u_block-start
	DASC = "dasc" // u ← β u + (1−β)(u_block-start + θ Δu)
)

// Criterion is the reference's success level of the ensemble criterion
// (cogtask.Criterion ≥ 0.99).
const Criterion = 0.99

// Config holds a task-training run. The zero value of a field means the
// default in its comment (the reference's main_standardtasks.py settings).
type Config struct {
	// Task is one of cogtask.Names (default "go").
	Task string
	// Net is the network; its K and Q are set to the task battery's 85 and 33
	// (defaults N = 50, τ = 0.1 s, dt = 0.005 s, ReLU, no Dale's law).
	Net leaky.Config
	// Method is "base" (default), "cd", "sctt" or "dasc".
	Method string
	// Skip is θ, the block length of SCTT and DASC in steps (default 20).
	Skip int
	// Stages is the number of β (SCTT, DASC) or α (CD) stages before the
	// final base training (default 2; the reference sweeps 1, 2, 6, 11, and
	// CD 2, 6, 11). Ignored by base.
	Stages int
	// Beta0 is the initial β of SCTT and DASC, ramped linearly to 1 over the
	// stages (0 is the reference's first sweep value and the default).
	Beta0 float64
	// Alpha0 is CD's initial dt multiplier (default 10).
	Alpha0 float64
	// Trials per training step (default 20), trials per evaluation (default
	// 200), Adam steps per round (default 10) and the round budget (default
	// 4000, i.e. 40 000 steps; the stages share the first half).
	Trials, EvalTrials, StepsPerRound, Rounds int
	// LR is Adam's learning rate (default 0.1/N).
	LR float64
	// Clip is the largest gradient norm per network (0: no clipping, as the
	// reference).
	Clip float64
	// Corrected selects the corrected forms of the reference's quirks: the
	// task quirks of cogtask.Options, DASC's derivative at the block start,
	// and CD's Adam state kept across stages (the reference restarts it).
	Corrected bool
	// Networks is the ensemble size K (default 1; the reference trains 100).
	Networks int
	// Workers is the number of goroutines (default runtime.GOMAXPROCS(0));
	// results do not depend on it.
	Workers int
	// Seed seeds everything: network i draws its parameters, trials, jitter
	// and noise from its own stream, the i-th split of rng.New(Seed).
	Seed uint64
}

// WithDefaults returns c with its zero fields set.
func (c Config) WithDefaults() Config {
	if c.Task == "" {
		c.Task = "go"
	}
	c.Net = c.Net.WithDefaults()
	c.Net.K, c.Net.Q = cogtask.Inputs, cogtask.Outputs
	if c.Method == "" {
		c.Method = Base
	}
	if c.Skip == 0 {
		c.Skip = 20
	}
	if c.Stages == 0 {
		c.Stages = 2
	}
	if c.Alpha0 == 0 {
		c.Alpha0 = 10
	}
	if c.Trials == 0 {
		c.Trials = 20
	}
	if c.EvalTrials == 0 {
		c.EvalTrials = 200
	}
	if c.StepsPerRound == 0 {
		c.StepsPerRound = 10
	}
	if c.Rounds == 0 {
		c.Rounds = 4000
	}
	if c.LR == 0 {
		c.LR = 0.1 / float64(c.Net.N)
	}
	if c.Networks == 0 {
		c.Networks = 1
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Validate reports the first bad field of c (after defaults), naming the key.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := c.Net.Validate(); err != nil {
		return err
	}
	if _, err := cogtask.Index(c.Task); err != nil {
		return err
	}
	switch c.Method {
	case Base, CD, SCTT, DASC:
	default:
		return fmt.Errorf("tasktrain: method = %s, want \"base\", \"cd\", \"sctt\" or \"dasc\"", strconv.Quote(c.Method))
	}
	switch {
	case c.Skip < 1:
		return fmt.Errorf("tasktrain: skip = %d, want a block length θ ≥ 1 (steps)", c.Skip)
	case c.Stages < 1:
		return fmt.Errorf("tasktrain: stages = %d, want ≥ 1", c.Stages)
	case !(c.Beta0 >= 0 && c.Beta0 <= 1):
		return fmt.Errorf("tasktrain: beta = %v, want an initial β in [0, 1]", c.Beta0)
	case !(c.Alpha0 >= 1):
		return fmt.Errorf("tasktrain: alpha = %v, want CD's initial dt multiplier ≥ 1", c.Alpha0)
	case c.Trials < 1 || c.EvalTrials < 1 || c.StepsPerRound < 1 || c.Rounds < 1:
		return fmt.Errorf("tasktrain: trials, eval_trials, steps_per_round and rounds must be ≥ 1 (got %d, %d, %d, %d)",
			c.Trials, c.EvalTrials, c.StepsPerRound, c.Rounds)
	case !(c.LR > 0):
		return fmt.Errorf("tasktrain: lr = %v, want > 0", c.LR)
	case c.Clip < 0:
		return fmt.Errorf("tasktrain: clip = %v, want ≥ 0 (0: off)", c.Clip)
	case c.Networks < 1:
		return fmt.Errorf("tasktrain: networks = %d, want ≥ 1", c.Networks)
	}
	// every stage's dt must leave the task room
	for s := 0; s < c.stages(); s++ {
		dt, _ := c.stage(s)
		if _, err := cogtask.New(c.Task, dt, cogtask.Options{}); err != nil {
			return fmt.Errorf("tasktrain: stage %d of %s: %w", s, c.Method, err)
		}
	}
	return nil
}

// stages is the number of stages before the final base phase.
func (c Config) stages() int {
	if c.Method == Base {
		return 0
	}
	return c.Stages
}

// stage returns the step and mixing of stage s (s = stages() is the final
// base phase), as the reference's scripts compute them:
// β = β0 + (1−β0)/(S−1)·s (1 for S = 1), α = α0/(S−1)·(S−1−s) (1 when 0).
func (c Config) stage(s int) (float64, Skipping) {
	dt := c.Net.Dt
	S := c.stages()
	if s >= S {
		return dt, Skipping{}
	}
	switch c.Method {
	case CD:
		alpha := 1.0
		if S > 1 {
			alpha = c.Alpha0 / float64(S-1) * float64(S-1-s)
		}
		if alpha == 0 {
			alpha = 1
		}
		return dt * alpha, Skipping{}
	case SCTT, DASC:
		beta := 1.0
		if S > 1 {
			beta = c.Beta0 + (1-c.Beta0)/float64(S-1)*float64(s)
		}
		return dt, Skipping{Theta: c.Skip, Beta: beta, DASC: c.Method == DASC, Corrected: c.Corrected}
	}
	return dt, Skipping{}
}

// Network is one network of an ensemble with its optimizer and random
// stream: everything that a checkpoint must hold of it.
type Network struct {
	Model *leaky.Net
	Adam  *Adam
	Rand  *rng.Rand
	grad  []float64
}

// newNetwork draws a network from its stream r.
func newNetwork(cfg leaky.Config, r *rng.Rand) *Network {
	m := leaky.New(cfg, r)
	p := len(m.Params())
	return &Network{Model: m, Adam: NewAdam(p), Rand: r, grad: make([]float64, p)}
}

// step makes one Adam step on a fresh batch of task t at step dt with
// mixing k, and returns the loss.
func (n *Network) step(w *work, t *cogtask.Task, c *Config, dt float64, k Skipping) float64 {
	b := t.Generate(n.Rand, c.Trials, true)
	clear(n.grad)
	loss := w.lossGrad(n.Model, b, dt, k, n.Rand, n.grad)
	if c.Clip > 0 {
		optim.ClipNorm(c.Clip, n.grad)
	}
	n.Adam.Update(n.Model.Params(), n.grad, c.LR)
	return loss
}

// evaluate scores the network on EvalTrials fresh trials of the fine-step
// task t.
func (n *Network) evaluate(w *work, t *cogtask.Task, c *Config) cogtask.Score {
	b := t.Generate(n.Rand, c.EvalTrials, false)
	return w.evaluate(n.Model, t, b, n.Rand)
}

// Ensemble trains K networks side by side on one task with one schedule.
type Ensemble struct {
	Cfg  Config
	Nets []*Network
	// Stage is the current stage (Stages for the final base phase),
	// StageRound the rounds done in it, Round the rounds done in all.
	Stage, StageRound, Round int
	// Loss is each network's mean training loss of the last round, Perf and
	// Res its last evaluation (cogtask.Score), Crit the ensemble criterion.
	Loss, Perf, Res []float64
	Crit            float64

	fine   *cogtask.Task
	tasks  []*cogtask.Task // per stage (CD: coarse), the final phase last
	works  []*work
	stageN int
}

// NewEnsemble validates cfg and draws the networks.
func NewEnsemble(cfg Config) (*Ensemble, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	opt := cogtask.Options{Corrected: cfg.Corrected}
	e := &Ensemble{Cfg: cfg, stageN: cfg.stages()}
	var err error
	if e.fine, err = cogtask.New(cfg.Task, cfg.Net.Dt, opt); err != nil {
		return nil, err
	}
	for s := 0; s <= e.stageN; s++ {
		dt, _ := cfg.stage(s)
		t, err := cogtask.New(cfg.Task, dt, opt)
		if err != nil {
			return nil, err
		}
		e.tasks = append(e.tasks, t)
	}
	root := rng.New(cfg.Seed)
	for i := 0; i < cfg.Networks; i++ {
		e.Nets = append(e.Nets, newNetwork(cfg.Net, root.Split()))
	}
	K := cfg.Networks
	e.Loss, e.Perf, e.Res = make([]float64, K), make([]float64, K), make([]float64, K)
	e.Crit = 0
	e.works = make([]*work, min(cfg.Workers, K))
	for i := range e.works {
		e.works[i] = new(work)
	}
	return e, nil
}

// Done reports whether the ensemble reached the criterion or the budget.
func (e *Ensemble) Done() bool { return e.Crit >= Criterion || e.Round >= e.Cfg.Rounds }

// advance moves past the stages whose loop condition no longer holds (the
// reference's while conditions: each stage ≤ int(Rounds/2 / S) rounds and,
// for SCTT and DASC, the stages together ≤ Rounds/2), restarting Adam at
// each CD stage as the reference does unless Corrected.
func (e *Ensemble) advance() {
	c := &e.Cfg
	half := c.Rounds / 2
	for e.Stage < e.stageN {
		limit := int(float64(half) / float64(e.stageN))
		if e.StageRound < limit && (c.Method == CD || e.Round < half) {
			return
		}
		e.Stage++
		e.StageRound = 0
		if c.Method == CD && !c.Corrected {
			for _, n := range e.Nets {
				n.Adam.Reset()
			}
		}
	}
}

// StepRound runs one round: StepsPerRound Adam steps and one evaluation on
// every network, spread over the workers, and updates the criterion. It does
// nothing once Done.
func (e *Ensemble) StepRound() {
	if e.Done() {
		return
	}
	e.advance()
	c := &e.Cfg
	dt, k := c.stage(e.Stage)
	task := e.tasks[e.Stage]
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range e.works {
		wg.Add(1)
		go func(w *work) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(e.Nets) {
					return
				}
				n := e.Nets[i]
				sum := 0.0
				for s := 0; s < c.StepsPerRound; s++ {
					sum += n.step(w, task, c, dt, k)
				}
				sc := n.evaluate(w, e.fine, c)
				e.Loss[i] = sum / float64(c.StepsPerRound)
				e.Perf[i], e.Res[i] = sc.Perf, sc.Res
			}
		}(w)
	}
	wg.Wait()
	e.Round++
	e.StageRound++
	e.Crit = cogtask.Criterion(e.Perf)
}

// Steps is the number of Adam steps each network has made.
func (e *Ensemble) Steps() int { return e.Round * e.Cfg.StepsPerRound }

// Train runs rounds until Done and returns the number of steps to the
// criterion, or −1 if the budget ran out first.
func (e *Ensemble) Train(progress func(*Ensemble)) int {
	for !e.Done() {
		e.StepRound()
		if progress != nil {
			progress(e)
		}
	}
	if e.Crit >= Criterion {
		return e.Steps()
	}
	return -1
}
