package tasktrain

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/optim"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// rrNetwork is one network of a rule-reversal ensemble.
type rrNetwork struct {
	Net  *rrNet
	Adam *Adam
	Rand *rng.Rand
	grad []float64
}

// ReversalEnsemble trains K rule-reversal networks side by side with one
// schedule (the same stages as Ensemble; Trials and EvalTrials count
// sequences).
type ReversalEnsemble struct {
	Cfg  Config
	Nets []*rrNetwork
	// Stage, StageRound, Round, Loss, Perf and Crit as in Ensemble.
	Stage, StageRound, Round int
	Loss, Perf               []float64
	Crit                     float64

	works  []*rrWork
	stageN int
}

// validateReversal checks a Config of the rule-reversal task.
func validateReversal(c Config) error {
	if err := c.Net.Validate(); err != nil {
		return fmt.Errorf("tasktrain: %w", err)
	}
	switch c.Method {
	case Base, CD, SCTT, DASC:
	default:
		return fmt.Errorf("tasktrain: method = %q, want base, cd, sctt or dasc", c.Method)
	}
	if c.Corrected {
		return fmt.Errorf("tasktrain: corrected is not offered for %s (its run has only the reference's form)", cogtask.RuleReversal)
	}
	if c.Networks < 1 || c.Trials < 1 || c.EvalTrials < 1 || c.StepsPerRound < 1 || c.Rounds < 1 || c.Skip < 1 || c.Stages < 1 {
		return fmt.Errorf("tasktrain: networks, trials, eval_trials, steps_per_round, rounds, skip and stages must be ≥ 1")
	}
	for s := 0; s <= c.stages(); s++ {
		if dt, _ := c.stage(s); !cogtask.RRFits(dt) {
			return fmt.Errorf("tasktrain: %s at dt = %v s: the epochs (int(0.5/dt) ± int(0.1/dt) steps, grace int(0.1/dt)) do not fit", cogtask.RuleReversal, dt)
		}
	}
	return nil
}

// NewReversalEnsemble validates cfg (Task must be cogtask.RuleReversal)
// and draws the networks, network i from the i-th split of rng.New(Seed).
func NewReversalEnsemble(cfg Config) (*ReversalEnsemble, error) {
	cfg = cfg.WithDefaults()
	if cfg.Task != cogtask.RuleReversal {
		return nil, fmt.Errorf("tasktrain: NewReversalEnsemble of task %q", cfg.Task)
	}
	if err := validateReversal(cfg); err != nil {
		return nil, err
	}
	e := &ReversalEnsemble{Cfg: cfg, stageN: cfg.stages()}
	root := rng.New(cfg.Seed)
	for i := 0; i < cfg.Networks; i++ {
		r := root.Split()
		n := newRRNet(cfg.Net, r)
		e.Nets = append(e.Nets, &rrNetwork{Net: n, Adam: NewAdam(len(n.theta)), Rand: r, grad: make([]float64, len(n.theta))})
	}
	K := cfg.Networks
	e.Loss, e.Perf = make([]float64, K), make([]float64, K)
	e.works = make([]*rrWork, min(cfg.Workers, K))
	for i := range e.works {
		e.works[i] = new(rrWork)
	}
	return e, nil
}

// Done reports the criterion reached or the budget spent.
func (e *ReversalEnsemble) Done() bool { return e.Crit >= Criterion || e.Round >= e.Cfg.Rounds }

// Steps is the number of Adam steps each network has made.
func (e *ReversalEnsemble) Steps() int { return e.Round * e.Cfg.StepsPerRound }

// advance moves past finished stages as Ensemble.advance (the rule-reversal
// scripts' loops have the same form: int(Rounds/2/S) rounds a stage, CD's
// optimizer new in the final phase).
func (e *ReversalEnsemble) advance() {
	c := &e.Cfg
	half := c.Rounds / 2
	for e.Stage < e.stageN {
		limit := int(float64(half) / float64(e.stageN))
		if e.StageRound < limit && (c.Method == CD || e.Round < half) {
			return
		}
		e.Stage++
		e.StageRound = 0
		// main_rulereversaltask_cd.py trains the coarse network with one
		// optimizer and the fine one with another: a new Adam where the
		// step changes (with 2 stages: at the coarse stage's end only)
		if c.Method == CD {
			prev, _ := c.stage(e.Stage - 1)
			if now, _ := c.stage(e.Stage); now != prev {
				for _, n := range e.Nets {
					n.Adam.Reset()
				}
			}
		}
	}
}

// trainStep makes one Adam step of network n on a fresh batch at stage
// step dt with mixing k and returns the loss.
func (w *rrWork) trainStep(n *rrNetwork, c *Config, dt float64, k Skipping) float64 {
	tm := cogtask.RRTiming(dt)
	b := cogtask.GenerateRuleReversalBatch(n.Rand, c.Trials)
	p := &rrPass{n: n.Net, b: b, tm: tm, dt: dt, k: k, r: n.Rand, taped: true, jitter: true}
	loss := w.run(p)
	clear(n.grad)
	w.backward(n.Net, b, tm, k, n.grad)
	if c.Clip > 0 {
		optim.ClipNorm(c.Clip, n.grad)
	}
	n.Adam.Update(n.Net.theta, n.grad, c.LR)
	return loss
}

// evaluate scores network n on EvalTrials fresh sequences at the fine dt.
func (w *rrWork) evaluate(n *rrNetwork, c *Config) float64 {
	b := cogtask.GenerateRuleReversalBatch(n.Rand, c.EvalTrials)
	p := &rrPass{n: n.Net, b: b, tm: cogtask.RRTiming(c.Net.Dt), dt: c.Net.Dt, r: n.Rand}
	return w.run(p)
}

// StepRound runs one round on every network (StepsPerRound Adam steps, one
// evaluation), spread over the workers; results do not depend on them.
func (e *ReversalEnsemble) StepRound() {
	if e.Done() {
		return
	}
	e.advance()
	c := &e.Cfg
	dt, k := c.stage(e.Stage)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range e.works {
		wg.Add(1)
		go func(w *rrWork) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(e.Nets) {
					return
				}
				n := e.Nets[i]
				sum := 0.0
				for s := 0; s < c.StepsPerRound; s++ {
					sum += w.trainStep(n, c, dt, k)
				}
				e.Loss[i] = sum / float64(c.StepsPerRound)
				e.Perf[i] = w.evaluate(n, c)
			}
		}(w)
	}
	wg.Wait()
	e.Round++
	e.StageRound++
	e.Crit = cogtask.Criterion(e.Perf)
}

// State returns a copy of the ensemble's state (Res is Perf: the task has
// one score).
func (e *ReversalEnsemble) State() State {
	s := State{Stage: e.Stage, StageRound: e.StageRound, Round: e.Round, Crit: e.Crit,
		Perf: append([]float64(nil), e.Perf...), Res: append([]float64(nil), e.Perf...),
		Loss: append([]float64(nil), e.Loss...)}
	for _, n := range e.Nets {
		rb, _ := n.Rand.MarshalBinary()
		s.Nets = append(s.Nets, NetworkState{
			Theta: append([]float64(nil), n.Net.theta...),
			AdamM: append([]float64(nil), n.Adam.M...), AdamV: append([]float64(nil), n.Adam.V...),
			AdamT: n.Adam.T, AdamB1t: n.Adam.B1t, AdamB2t: n.Adam.B2t, Rand: rb})
	}
	return s
}

// SetState restores a state made by State for the same Config.
func (e *ReversalEnsemble) SetState(s State) error {
	if len(s.Nets) != len(e.Nets) || len(s.Perf) != len(e.Nets) {
		return fmt.Errorf("tasktrain: checkpoint holds %d networks, the config %d (networks)", len(s.Nets), len(e.Nets))
	}
	for i, ns := range s.Nets {
		n := e.Nets[i]
		p := n.Net.theta
		if len(ns.Theta) != len(p) || len(ns.AdamM) != len(p) || len(ns.AdamV) != len(p) {
			return fmt.Errorf("tasktrain: checkpoint network %d has %d parameters, the config %d (units)", i, len(ns.Theta), len(p))
		}
		r := rng.New(0)
		if err := r.UnmarshalBinary(ns.Rand); err != nil {
			return fmt.Errorf("tasktrain: checkpoint network %d: %w", i, err)
		}
		copy(p, ns.Theta)
		copy(n.Adam.M, ns.AdamM)
		copy(n.Adam.V, ns.AdamV)
		n.Adam.T, n.Adam.B1t, n.Adam.B2t = ns.AdamT, ns.AdamB1t, ns.AdamB2t
		n.Rand = r
	}
	e.Stage, e.StageRound, e.Round, e.Crit = s.Stage, s.StageRound, s.Round, s.Crit
	copy(e.Perf, s.Perf)
	copy(e.Loss, s.Loss)
	return nil
}
