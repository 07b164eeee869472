package tasktrain

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/rules/run"
)

// The rule-reversal task as a run of the "task" kind: `rnnlab task --task
// rulereversal --method dasc`. The section is the same Spec; trials and
// eval_trials count sequences (the reference: 40 and 40, a budget of 1000
// rounds: `--trials 40 --eval-trials 40 --rounds 1000`), the stages share
// the first half of the budget as for the standard tasks (the reference's
// int(500/stages) rounds a stage). The checkpoint holds the same tensors as
// a standard task run's (θ in the rule-reversal layout; "res" and
// "history.res" repeat the performance).

// reversalTrainer is a rule-reversal run: the ensemble and its history.
type reversalTrainer struct {
	spec       Spec
	e          *ReversalEnsemble
	perf, loss []float64 // per round r at [r·K:]
	stage      []int
	wall       float64
}

func newReversalTrainer(s Spec, env run.Env) (*reversalTrainer, error) {
	c := s.Config()
	c.Workers = max(env.Workers, 1)
	e, err := NewReversalEnsemble(c)
	if err != nil {
		return nil, fmt.Errorf("task: %v", err)
	}
	return &reversalTrainer{spec: s, e: e}, nil
}

// validateReversal is Spec.Validate's part for the rule-reversal task
// (after the checks common to every task).
func (s *Spec) validateReversal() error {
	if s.Corrected {
		return fmt.Errorf("task.corrected: the %s run has only the reference's form; leave task.corrected false", cogtask.RuleReversal)
	}
	if !cogtask.RRFits(s.Dt) {
		tm := cogtask.RRTiming(s.Dt)
		return fmt.Errorf("task.dt = %v s is too coarse for the %s trial (epochs of %d ± %d steps, grace %d); use a finer step", s.Dt, cogtask.RuleReversal, tm.Short, tm.Jitter, tm.Wait)
	}
	c := s.Config().WithDefaults()
	for st := 0; st < c.stages(); st++ {
		if dt, _ := c.stage(st); !cogtask.RRFits(dt) {
			tm := cogtask.RRTiming(dt)
			return fmt.Errorf("task.alpha = %v: CD's stage %d steps at task.dt·α = %v s, too coarse for the %s trial (epochs of %d ± %d steps, grace %d); lower task.alpha",
				s.Alpha, st+1, dt, cogtask.RuleReversal, tm.Short, tm.Jitter, tm.Wait)
		}
	}
	if err := validateReversal(c); err != nil {
		return fmt.Errorf("task: %v", err)
	}
	return nil
}

// Advance trains one round.
func (t *reversalTrainer) Advance() error {
	if t.e.Done() {
		return nil
	}
	start := time.Now()
	t.e.StepRound()
	t.wall += time.Since(start).Seconds()
	t.perf = append(t.perf, t.e.Perf...)
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
func (t *reversalTrainer) Done() bool { return t.e.Done() }

func (t *reversalTrainer) stageNote(st int) string {
	return stageNoteOf(t.e.Cfg, st)
}

// stageNoteOf describes stage st of c's schedule.
func stageNoteOf(c Config, st int) string {
	S := c.stages()
	if st >= S {
		if S == 0 {
			return "base training"
		}
		return "final base training"
	}
	dt, k := c.stage(st)
	if c.Method == CD {
		return fmt.Sprintf("stage %d/%d, dt = %.4g s", st+1, S, dt)
	}
	return fmt.Sprintf("stage %d/%d, β = %.3g, θ = %d", st+1, S, k.Beta, k.Theta)
}

// Progress: mean performance, criterion, mean loss; the note names the stage.
func (t *reversalTrainer) Progress() run.Progress {
	e := t.e
	p := run.Progress{Step: e.Round, Total: e.Cfg.Rounds, Unit: "round"}
	if e.Round == 0 {
		p.Note = t.stageNote(0)
		return p
	}
	p.Values = []run.Value{{Name: "perf", Value: mean(e.Perf)}, {Name: "crit", Value: e.Crit}, {Name: "loss", Value: mean(e.Loss)}}
	p.Note = t.stageNote(t.stage[len(t.stage)-1])
	if e.Crit >= Criterion {
		p.Note = fmt.Sprintf("criterion reached at round %d (%d steps)", e.Round, e.Steps())
	}
	return p
}

// firstReached is, per network, the steps after which its evaluation first
// reached the criterion level, or −1.
func firstReachedOf(perf []float64, K, spr int) []int {
	first := make([]int, K)
	for i := range first {
		first[i] = -1
		for r := 0; r*K < len(perf); r++ {
			if perf[r*K+i] >= Criterion {
				first[i] = (r + 1) * spr
				break
			}
		}
	}
	return first
}

// Evaluate reports steps to criterion, the curves and one recorded
// evaluation of network 0 (from a seed of its own: the run is unchanged).
func (t *reversalTrainer) Evaluate() (*run.Report, error) {
	e := t.e
	c := e.Cfg
	K, R := c.Networks, len(t.stage)
	rep := &run.Report{Kind: KindName, Step: e.Round}
	first := firstReachedOf(t.perf, K, c.StepsPerRound)
	d := &Details{Task: c.Task, Method: c.Method, Networks: K, Rounds: e.Round, Steps: e.Steps(),
		Reached: e.Crit >= Criterion, StepsToCriterion: -1, NetworkSteps: first, WallSeconds: t.wall}
	if R > 0 {
		d.Criterion = finite(e.Crit)
		d.Stage = t.stageNote(t.stage[R-1])
	}
	if d.Reached {
		d.StepsToCriterion = e.Steps()
	}
	rep.Details = d
	add := func(name string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			rep.Metrics = append(rep.Metrics, run.Value{Name: name, Value: v})
		}
	}
	add("rounds", float64(e.Round))
	add("steps", float64(e.Steps()))
	var reached []float64
	for _, f := range first {
		if f >= 0 {
			reached = append(reached, float64(f))
		}
	}
	if R > 0 {
		add("criterion", e.Crit)
		add("mean_performance", mean(e.Perf))
		add("mean_loss", mean(e.Loss))
	}
	if d.Reached {
		add("steps_to_criterion", float64(e.Steps()))
	}
	add("networks_reached", float64(len(reached)))
	if len(reached) > 0 {
		m, sem := meanSEM(reached)
		add("network_steps_mean", m)
		add("network_steps_sem", sem)
	}
	for i, f := range first {
		if f >= 0 {
			add("network_steps."+strconv.Itoa(i), float64(f))
		}
	}
	add("wall_seconds", t.wall)
	switch {
	case R == 0:
		rep.Notes = append(rep.Notes, "no round trained yet")
	case d.Reached:
		rep.Notes = append(rep.Notes, fmt.Sprintf("the ensemble criterion (middle-80 %% mean ≥ %v) was reached after %d steps (round %d)", Criterion, e.Steps(), e.Round))
	default:
		rep.Notes = append(rep.Notes, fmt.Sprintf("the ensemble criterion was not reached in %d of %d rounds (criterion %.4f; %d of %d networks reached %v on their own)",
			e.Round, c.Rounds, e.Crit, len(reached), K, Criterion))
	}
	perf := run.Table{Name: "performance", Columns: []string{"round", "step", "stage", "network", "performance", "loss"}}
	for r := 0; r < R; r++ {
		for i := 0; i < K; i++ {
			perf.Rows = append(perf.Rows, []string{strconv.Itoa(r + 1), strconv.Itoa((r + 1) * c.StepsPerRound), strconv.Itoa(t.stage[r]),
				strconv.Itoa(i), num(t.perf[r*K+i]), num(t.loss[r*K+i])})
		}
	}
	sum := run.Table{Name: "summary", Columns: []string{"network", "performance", "loss", "steps_to_criterion"}}
	for i := 0; i < K; i++ {
		st := ""
		if first[i] >= 0 {
			st = strconv.Itoa(first[i])
		}
		sum.Rows = append(sum.Rows, []string{strconv.Itoa(i), num(e.Perf[i]), num(e.Loss[i]), st})
	}
	rep.Tables = append(rep.Tables, perf, sum)
	rep.Figures = append(rep.Figures, curveFigure(c, t.perf, R), t.trialFigure(trialSeed(c.Seed)))
	return rep, nil
}

// curveFigure plots an ensemble's performance history (R rounds of
// c.Networks values) against the training step: lowest, median and highest
// network, mean, criterion and the 0.99 level.
func curveFigure(c Config, perfs []float64, R int) run.Figure {
	K := c.Networks
	f := run.Figure{Name: "performance", Title: fmt.Sprintf("%s, %s: performance of %d networks", c.Task, c.Method, K),
		XLabel: "training step", YLabel: "performance"}
	x := make([]float64, R)
	lo, med, hi, mu, crit := make([]float64, R), make([]float64, R), make([]float64, R), make([]float64, R), make([]float64, R)
	for r := 0; r < R; r++ {
		x[r] = float64((r + 1) * c.StepsPerRound)
		row := perfs[r*K : (r+1)*K]
		s := append([]float64(nil), row...)
		sort.Float64s(s)
		lo[r], hi[r] = s[0], s[K-1]
		med[r] = s[K/2]
		if K%2 == 0 {
			med[r] = (s[K/2-1] + s[K/2]) / 2
		}
		mu[r] = mean(row)
		crit[r] = cogtask.Criterion(row)
	}
	f.Lines = []run.Line{{Label: "lowest network", X: x, Y: lo}, {Label: "median network", X: x, Y: med},
		{Label: "highest network", X: x, Y: hi}, {Label: "mean", X: x, Y: mu},
		{Label: "criterion (middle-80 % mean)", X: x, Y: crit}}
	if R > 0 {
		f.Lines = append(f.Lines, run.Line{Label: "0.99", X: []float64{x[0], x[R-1]}, Y: []float64{Criterion, Criterion}})
	}
	return f
}

// trialFigure runs one evaluation sequence of network 0 from rng.New(seed)
// and plots the probability of choice 1 at every step (after the warm-up)
// with the ideal choice of each task-trial (each spans sample, response,
// reward and wait epochs).
func (t *reversalTrainer) trialFigure(seed uint64) run.Figure {
	e := t.e
	c := e.Cfg
	n := e.Nets[0].Net
	r := rng.New(seed)
	b := cogtask.GenerateRuleReversalBatch(r, 1)
	var w rrWork
	var xs, p1, ix, iy []float64
	w.onStep = func(tr, _ int, u []float64) {
		z0, z1 := rrLogits(n, u)
		k := float64(len(xs) + 1)
		xs = append(xs, k)
		p1 = append(p1, 1-rrProb0(z0, z1))
		ix = append(ix, k)
		iy = append(iy, float64(b.Ideal[tr]))
	}
	perf := w.run(&rrPass{n: n, b: b, tm: cogtask.RRTiming(c.Net.Dt), dt: c.Net.Dt, r: r})
	return run.Figure{Name: "trial-choice", Title: fmt.Sprintf("%s, network 0, one evaluation sequence (performance %.3f)", c.Task, perf),
		XLabel: "time step (after the warm-up)", YLabel: "P(choice 1)",
		Lines: []run.Line{{Label: "readout", X: xs, Y: p1}, {Label: "ideal choice of the task-trial (scored in its response epoch)", X: ix, Y: iy}}}
}

// rrProb0 is softmax(z0, z1)[0].
func rrProb0(z0, z1 float64) float64 { return 1 / (1 + math.Exp(z1-z0)) }

// Save writes θ, Adam, the streams, the schedule's position and the history
// (the standard task run's tensors).
func (t *reversalTrainer) Save() (*run.Checkpoint, error) {
	return saveCheckpoint(&t.spec, t.e.State(), history{perf: t.perf, res: t.perf, loss: t.loss, stage: t.stage}, t.wall)
}

// resumeReversal rebuilds a rule-reversal run from its checkpoint.
func resumeReversal(s Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	t, err := newReversalTrainer(s, env)
	if err != nil {
		return nil, err
	}
	st, h, wall, err := loadCheckpoint(ck, s.Networks, len(t.e.Nets[0].Net.theta), t.e.stageN)
	if err != nil {
		return nil, err
	}
	if err := t.e.SetState(st); err != nil {
		return nil, fmt.Errorf("task checkpoint: %v", err)
	}
	t.perf, t.loss, t.stage, t.wall = h.perf, h.loss, h.stage, wall
	return t, nil
}
