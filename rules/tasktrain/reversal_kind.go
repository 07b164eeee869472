package tasktrain

import (
	"fmt"
	"math"
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

// Progress: mean performance, criterion, mean loss; the note names the stage.
func (t *reversalTrainer) Progress() run.Progress {
	return t.scores().progress()
}

// scores is the ensemble's standing, as both task trainers report it.
func (t *reversalTrainer) scores() scores {
	e := t.e
	return scores{c: e.Cfg, round: e.Round, crit: e.Crit, perf: e.Perf, loss: e.Loss, stage: t.stage}
}

// Evaluate reports steps to criterion, the curves and one recorded
// evaluation of network 0 (from a seed of its own: the run is unchanged).
func (t *reversalTrainer) Evaluate() (*run.Report, error) {
	e := t.e
	c := e.Cfg
	K, R := c.Networks, len(t.stage)
	rep := &run.Report{Kind: KindName, Step: e.Round}
	first := firstReachedOf(t.perf, K, c.StepsPerRound)
	t.scores().summarize(rep, first, t.wall)
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
