package tasktrain

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"
	"strconv"

	"github.com/rnnlab/rnnlab/analysis/fixedpoint"
	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/run"
)

// trialSeed is the seed of the recorded trials of a report (a stream apart
// from the networks', which are splits of rng.New(Seed)).
func trialSeed(seed uint64) uint64 { return seed ^ 0x9e3779b97f4a7c15 }

// fixedPointTrials is the number of evaluation trials whose held-epoch
// states start the fixed-point search, and fixedPointStarts the starts
// taken from each.
const (
	fixedPointTrials = 4
	fixedPointStarts = 6
)

// Details is the structured result of a task run (results.json).
type Details struct {
	Task     string `json:"task"`
	Method   string `json:"method"`
	Networks int    `json:"networks"`
	Rounds   int    `json:"rounds"`
	Steps    int    `json:"steps"`
	Stage    string `json:"stage"`
	// Criterion is the ensemble criterion (mean of the middle 80 % of the
	// sorted performances) of the last evaluation; nil before the first
	// round or when it is not a number.
	Criterion *float64 `json:"criterion"`
	Reached   bool     `json:"reached"`
	// StepsToCriterion is the ensemble's: the steps after which the
	// criterion first reached 0.99 (−1: not within the budget).
	StepsToCriterion int `json:"steps_to_criterion"`
	// NetworkSteps holds, per network, the steps after which its own
	// performance first reached 0.99 (−1: not yet).
	NetworkSteps []int        `json:"network_steps"`
	WallSeconds  float64      `json:"wall_seconds"`
	FixedPoints  *FixedPoints `json:"fixed_points,omitempty"`
}

// FixedPoints are network 0's fixed points with its input held at the
// delay period's (fixation and rule inputs on, noise off; for tasks
// without a delay, the fixation period's, the same input).
type FixedPoints struct {
	Epoch  string       `json:"epoch"`
	Input  []int        `json:"input"`
	Starts int          `json:"starts"`
	Points []FixedPoint `json:"points"`
}

// FixedPoint is one fixed point of the clamped network.
type FixedPoint struct {
	X      []float64 `json:"x"`
	Q      float64   `json:"q"`
	Stable bool      `json:"stable"`
	// Eigenvalues of the map's Jacobian (re, im), by decreasing modulus.
	Eigenvalues [][2]float64 `json:"eigenvalues"`
	// Timescale is the slowest decay time −dt/ln|λ₁| in seconds (nil for an
	// unstable point).
	Timescale *float64 `json:"timescale"`
	// Fixation is the fixation readout and Angle the decoded ring angle
	// (radians) at the point.
	Fixation float64 `json:"fixation"`
	Angle    float64 `json:"angle"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// meanSEM is the mean and standard error of the mean of x (NaN for none).
func meanSEM(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	m := mean(x)
	if len(x) == 1 {
		return m, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += float64((v - m) * (v - m))
	}
	return m, math.Sqrt(ss/float64(len(x)-1)) / math.Sqrt(float64(len(x)))
}

// Evaluate reports the run as it stands: steps to criterion, the curves of
// every round, one recorded trial of network 0 and its delay-period fixed
// points. It draws its trials from a seed of its own, so the training's
// course does not change.
func (t *trainer) Evaluate() (*run.Report, error) {
	e := t.e
	c := e.Cfg
	K, R := c.Networks, len(t.stage)
	rep := &run.Report{Kind: KindName, Step: e.Round}
	first := firstReachedOf(t.perf, K, c.StepsPerRound)
	d := t.scores().summarize(rep, first, t.wall)

	// tables
	perf := run.Table{Name: "performance", Columns: []string{"round", "step", "stage", "network", "performance", "res", "loss"}}
	for r := 0; r < R; r++ {
		for i := 0; i < K; i++ {
			perf.Rows = append(perf.Rows, []string{strconv.Itoa(r + 1), strconv.Itoa((r + 1) * c.StepsPerRound), strconv.Itoa(t.stage[r]),
				strconv.Itoa(i), num(t.perf[r*K+i]), num(t.res[r*K+i]), num(t.loss[r*K+i])})
		}
	}
	sum := run.Table{Name: "summary", Columns: []string{"network", "performance", "res", "loss", "steps_to_criterion"}}
	for i := 0; i < K; i++ {
		st := ""
		if first[i] >= 0 {
			st = strconv.Itoa(first[i])
		}
		sum.Rows = append(sum.Rows, []string{strconv.Itoa(i), num(e.Perf[i]), num(e.Res[i]), num(e.Loss[i]), st})
	}
	rep.Tables = append(rep.Tables, perf, sum)
	rep.Figures = append(rep.Figures, curveFigure(c, t.perf, R))

	// one trial of network 0, and the fixed points of its held epoch
	recs := make([]Record, fixedPointTrials)
	for j := range recs {
		recs[j] = e.Record(0, trialSeed(c.Seed)+uint64(j))
	}
	rep.Figures = append(rep.Figures, trialFigures(recs[0], e.fine, c.Net.Dt)...)
	fp, fpTable, fpFig := t.fixedPoints(recs)
	d.FixedPoints = fp
	rep.Tables = append(rep.Tables, fpTable)
	rep.Figures = append(rep.Figures, fpFig)
	rep.Notes = append(rep.Notes, fmt.Sprintf("network 0 has %d fixed point(s) with its input held at the %s period's (from %d starts)", len(fp.Points), fp.Epoch, fp.Starts))
	return rep, nil
}

// trialFigures draws one recorded trial: the inputs and the rates as heat
// maps (rows: channels or units, columns: time steps), the readout and its
// target likewise, the fixation channel against its target over time and
// the response ring at the trial's end against the target ring.
func trialFigures(rec Record, task *cogtask.Task, dt float64) []run.Figure {
	R := len(rec.Rates) / rec.N
	transpose := func(src []float64, rows int) *run.Heat {
		h := &run.Heat{Rows: rows, Cols: R, Values: make([]float64, rows*R)}
		for k := 0; k < R; k++ {
			for i := 0; i < rows; i++ {
				h.Values[i*R+k] = src[k*rows+i]
			}
		}
		return h
	}
	Q := cogtask.Outputs
	target := make([]float64, R*Q)
	resp := R - rec.Steps[len(rec.Steps)-1]
	for k := 0; k < R; k++ {
		src := rec.TargetFix
		if k >= resp {
			src = rec.TargetOut
		}
		copy(target[k*Q:(k+1)*Q], src)
	}
	xs := make([]float64, R)
	for k := range xs {
		xs[k] = float64(k+1) * dt
	}
	fix, fixT := make([]float64, R), make([]float64, R)
	for k := 0; k < R; k++ {
		fix[k], fixT[k] = rec.Readout[k*Q], target[k*Q]
	}
	ang := make([]float64, cogtask.Ring)
	for i := range ang {
		ang[i] = 360 * float64(i) / cogtask.Ring
	}
	last := rec.Readout[(R-1)*Q+1 : R*Q]
	lastT := rec.TargetOut[1:Q]
	title := fmt.Sprintf("%s, network 0, one evaluation trial (performance %.3f)", task.Name, rec.Score.Perf)
	return []run.Figure{
		{Name: "trial-inputs", Title: title + ": inputs", XLabel: "time step", YLabel: "input channel (0 fixation, 1–64 rings, 65+ rule)", Heat: transpose(rec.Input, cogtask.Inputs)},
		{Name: "trial-rates", Title: title + ": rates", XLabel: "time step", YLabel: "unit", Heat: transpose(rec.Rates, rec.N)},
		{Name: "trial-output", Title: title + ": readout", XLabel: "time step", YLabel: "output channel (0 fixation, 1–32 ring)", Heat: transpose(rec.Readout, Q)},
		{Name: "trial-target", Title: title + ": target", XLabel: "time step", YLabel: "output channel (0 fixation, 1–32 ring)", Heat: transpose(target, Q)},
		{Name: "trial-fixation", Title: title + ": fixation output", XLabel: "time (s)", YLabel: "fixation channel",
			Lines: []run.Line{{Label: "output", X: xs, Y: fix}, {Label: "target", X: xs, Y: fixT}}},
		{Name: "trial-ring", Title: title + ": response ring at the end", XLabel: "preferred angle (degrees)", YLabel: "output",
			Lines: []run.Line{{Label: "output", X: ang, Y: append([]float64(nil), last...)}, {Label: "target", X: ang, Y: append([]float64(nil), lastT...)}}},
	}
}

// heldEpoch is the recorded epoch whose input the fixed-point analysis
// holds: the delay (structures B and C), or the fixation period.
func heldEpoch(steps []int) (int, string) {
	if len(steps) > 3 {
		return 2, "delay"
	}
	return 0, "fixation"
}

// fixedPoints finds network 0's fixed points with the input held at the
// delay period's (analysis/fixedpoint on leaky.NewClamped), starting from
// the states the recorded trials pass through in that period, and plots
// them with the first trial's trajectory in its two leading principal
// components.
func (t *trainer) fixedPoints(recs []Record) (*FixedPoints, run.Table, run.Figure) {
	net := t.e.Nets[0].Model
	N, K := net.N, cogtask.Inputs
	ep, name := heldEpoch(recs[0].Steps)
	lo := startOf(recs[0].Steps, ep)
	T := recs[0].Steps[ep]
	h := append([]float64(nil), recs[0].Input[lo*K:(lo+1)*K]...)
	cl := leaky.NewClamped(net, h)
	var starts [][]float64
	for _, rec := range recs {
		for j := 0; j < fixedPointStarts; j++ {
			k := lo + (j+1)*T/fixedPointStarts - 1
			starts = append(starts, append([]float64(nil), rec.Rates[k*N:(k+1)*N]...))
		}
	}
	pts := fixedpoint.OfMap(cl, starts, nil)
	fp := &FixedPoints{Epoch: name, Starts: len(starts)}
	for i, v := range h {
		if v != 0 {
			fp.Input = append(fp.Input, i)
		}
	}
	tb := run.Table{Name: "fixedpoints", Columns: []string{"point", "q", "stable", "max_abs_eigenvalue", "timescale_s", "fixation_output", "decoded_angle", "mean_rate", "norm"}}
	y := make([]float64, net.Q)
	for i, p := range pts {
		net.Readout(y, p.X)
		q := FixedPoint{X: p.X, Q: p.Q, Stable: p.Stable, Fixation: y[0], Angle: t.e.fine.Decode(y[1:])}
		lam := math.NaN()
		for _, ev := range p.Eigenvalues {
			q.Eigenvalues = append(q.Eigenvalues, [2]float64{real(ev), imag(ev)})
		}
		if len(p.Eigenvalues) > 0 {
			lam = cmplx.Abs(p.Eigenvalues[0])
		}
		ts := ""
		if lam < 1 && lam > 0 {
			v := -net.Dt / math.Log(lam)
			q.Timescale = &v
			ts = num(v)
		}
		norm := 0.0
		for _, v := range p.X {
			norm += float64(v * v)
		}
		fp.Points = append(fp.Points, q)
		tb.Rows = append(tb.Rows, []string{strconv.Itoa(i), num(p.Q), strconv.FormatBool(p.Stable), num(lam), ts,
			num(y[0]), num(q.Angle), num(mean(p.X)), num(math.Sqrt(norm))})
	}
	// the first two principal components of the first trial's rates
	rates := recs[0].Rates
	R := len(rates) / N
	mu := make([]float64, N)
	for k := 0; k < R; k++ {
		for i := 0; i < N; i++ {
			mu[i] += rates[k*N+i] / float64(R)
		}
	}
	pcs := principal(rates, mu, R, N, 2)
	proj := func(x []float64, c []float64) float64 {
		s := 0.0
		for i := range x {
			s += float64((x[i] - mu[i]) * c[i])
		}
		return s
	}
	fig := run.Figure{Name: "fixedpoints", Title: fmt.Sprintf("%s: network 0's %s-period fixed points and one trial, in its two leading principal components", t.e.Cfg.Task, name),
		XLabel: "PC 1", YLabel: "PC 2"}
	tx, ty := make([]float64, R), make([]float64, R)
	for k := 0; k < R; k++ {
		tx[k], ty[k] = proj(rates[k*N:(k+1)*N], pcs[0]), proj(rates[k*N:(k+1)*N], pcs[1])
	}
	fig.Lines = append(fig.Lines, run.Line{Label: "trial", X: tx, Y: ty})
	for i, p := range pts {
		kind := "unstable"
		if p.Stable {
			kind = "stable"
		}
		fig.Lines = append(fig.Lines, run.Line{Label: fmt.Sprintf("fixed point %d (%s)", i, kind),
			X: []float64{proj(p.X, pcs[0])}, Y: []float64{proj(p.X, pcs[1])}})
	}
	return fp, tb, fig
}

// principal returns the n leading eigenvectors of the covariance of the R
// rows of x (N columns, mean mu) by power iteration with deflation: a
// deterministic projection for a plot.
func principal(x, mu []float64, R, N, n int) [][]float64 {
	C := make([]float64, N*N)
	for k := 0; k < R; k++ {
		for i := 0; i < N; i++ {
			a := x[k*N+i] - mu[i]
			for j := 0; j < N; j++ {
				C[i*N+j] += float64(a * (x[k*N+j] - mu[j]))
			}
		}
	}
	var vs [][]float64
	w := make([]float64, N)
	for c := 0; c < n; c++ {
		v := make([]float64, N)
		for i := range v {
			v[i] = 1 / math.Sqrt(float64(N)+float64(i+c))
		}
		for it := 0; it < 200; it++ {
			for i := 0; i < N; i++ {
				s := 0.0
				for j := 0; j < N; j++ {
					s += float64(C[i*N+j] * v[j])
				}
				w[i] = s
			}
			for _, u := range vs { // deflate
				d := 0.0
				for i := range w {
					d += float64(w[i] * u[i])
				}
				for i := range w {
					w[i] -= float64(d * u[i])
				}
			}
			norm := 0.0
			for _, a := range w {
				norm += float64(a * a)
			}
			norm = math.Sqrt(norm)
			if norm == 0 {
				break
			}
			for i := range v {
				v[i] = w[i] / norm
			}
		}
		vs = append(vs, v)
	}
	return vs
}

// scores is a task ensemble's standing after its rounds: the config, the
// rounds trained, the ensemble criterion, the last round's performance and
// loss of every network, and the stage of every round. Both task trainers
// (the battery's and the rule-reversal task's) report through it.
type scores struct {
	c          Config
	round      int
	crit       float64
	perf, loss []float64
	stage      []int
}

func (s scores) steps() int { return s.round * s.c.StepsPerRound }

// progress is the run's progress line: mean performance, criterion and mean
// loss of the last round; the note names the stage.
func (s scores) progress() run.Progress {
	p := run.Progress{Step: s.round, Total: s.c.Rounds, Unit: "round"}
	if s.round == 0 {
		p.Note = stageNoteOf(s.c, 0)
		return p
	}
	p.Values = []run.Value{{Name: "perf", Value: mean(s.perf)}, {Name: "crit", Value: s.crit}, {Name: "loss", Value: mean(s.loss)}}
	p.Note = stageNoteOf(s.c, s.stage[len(s.stage)-1])
	if s.crit >= Criterion {
		p.Note = fmt.Sprintf("criterion reached at round %d (%d steps)", s.round, s.steps())
	}
	return p
}

// summarize puts into rep the details, metrics and notes of steps to
// criterion: the ensemble's (the middle-80 % mean ≥ Criterion) and each
// network's own (first, −1 where not reached); it returns the details.
func (s scores) summarize(rep *run.Report, first []int, wall float64) *Details {
	c, K, R := s.c, s.c.Networks, len(s.stage)
	d := &Details{Task: c.Task, Method: c.Method, Networks: K, Rounds: s.round, Steps: s.steps(),
		Reached: s.crit >= Criterion, StepsToCriterion: -1, NetworkSteps: first, WallSeconds: wall}
	if R > 0 {
		d.Criterion = finite(s.crit)
		d.Stage = stageNoteOf(c, s.stage[R-1])
	}
	if d.Reached {
		d.StepsToCriterion = s.steps()
	}
	rep.Details = d
	add := func(name string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			rep.Metrics = append(rep.Metrics, run.Value{Name: name, Value: v})
		}
	}
	add("rounds", float64(s.round))
	add("steps", float64(s.steps()))
	var reached []float64
	for _, f := range first {
		if f >= 0 {
			reached = append(reached, float64(f))
		}
	}
	if R > 0 {
		add("criterion", s.crit)
		add("mean_performance", mean(s.perf))
		add("mean_loss", mean(s.loss))
	}
	if d.Reached {
		add("steps_to_criterion", float64(s.steps()))
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
	add("wall_seconds", wall)
	switch {
	case R == 0:
		rep.Notes = append(rep.Notes, "no round trained yet")
	case d.Reached:
		rep.Notes = append(rep.Notes, fmt.Sprintf("the ensemble criterion (middle-80 %% mean ≥ %v) was reached after %d steps (round %d)", Criterion, s.steps(), s.round))
	default:
		rep.Notes = append(rep.Notes, fmt.Sprintf("the ensemble criterion was not reached in %d of %d rounds (criterion %.4f; %d of %d networks reached %v on their own)",
			s.round, c.Rounds, s.crit, len(reached), K, Criterion))
	}
	return d
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

// firstReachedOf is, per network, the steps after which its evaluation first
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
