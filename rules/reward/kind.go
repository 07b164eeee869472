package reward

import (
	"encoding/base64"
	"flag"
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
)

// Rules, as a run file names them.
const (
	RuleMiconi   = "miconi"   // Miconi 2017 (net.cpp's METHOD DELTAX)
	RuleNodePert = "nodepert" // node perturbation, Fiete & Seung 2006 (METHOD NODEPERT)
)

// Criterion is net.cpp's analysis: more than CriterionCorrect of the last
// CriterionWindow trials with an error below 1 (TrialsToCriterion).
const (
	CriterionWindow  = 100
	CriterionCorrect = 95
)

// Spec is the "reward" section of a run file: DNMS learned by a reward
// rule without backpropagation, as in dnms/net.cpp. Every key but rule,
// trials, block and stop_at_criterion is a field of Config, with the same
// name and net.cpp's default.
//
//	{"kind": "reward", "reward": {"rule": "miconi", "trials": 4000, "seed": 3}}
type Spec struct {
	// Rule is "miconi" (the paper's rule, net.cpp's DELTAX) or "nodepert".
	Rule string `json:"rule"`
	// Trials is the budget of trials (4000, the protocol).
	Trials int `json:"trials"`
	// Block is the number of trials one Advance runs (100).
	Block int `json:"block"`
	// StopAtCriterion ends the run at the end of the block in which the
	// criterion is reached (false: run the whole budget).
	StopAtCriterion bool `json:"stop_at_criterion"`
	// Eta is the learning rate; 0 means the rule's own (0.1 for miconi,
	// 0.001 for nodepert, net.cpp's).
	Eta        float64 `json:"eta"`
	Seed       uint64  `json:"seed"`
	N          int     `json:"units"`
	G          float64 `json:"g"`
	Dt         float64 `json:"dt"`
	Tau        float64 `json:"tau"`
	PerturbP   float64 `json:"perturb_p"`
	PerturbAmp float64 `json:"perturb_amp"`
	TraceX     float64 `json:"trace_x"`
	TraceR     float64 `json:"trace_r"`
	MaxDW      float64 `json:"max_dw"`
	LearnAfter int     `json:"learn_after"`
	Task       DNMS    `json:"task"`
}

// DefaultSpec is a 4000-trial run of Miconi's rule with net.cpp's settings.
func DefaultSpec() *Spec {
	c := Defaults(DeltaX)
	return &Spec{Rule: RuleMiconi, Trials: 4000, Block: 100, Seed: c.Seed,
		N: c.N, G: c.G, Dt: c.Dt, Tau: c.Tau, PerturbP: c.PerturbP, PerturbAmp: c.PerturbAmp,
		TraceX: c.TraceX, TraceR: c.TraceR, MaxDW: c.MaxDW, LearnAfter: c.LearnAfter, Task: c.Task}
}

// Config is the network's configuration the section describes (Eta 0
// replaced by the rule's).
func (s *Spec) Config() Config {
	method := DeltaX
	if s.Rule == RuleNodePert {
		method = NodePert
	}
	c := Defaults(method)
	if s.Eta != 0 {
		c.Eta = s.Eta
	}
	c.Seed, c.N, c.G, c.Dt, c.Tau = s.Seed, s.N, s.G, s.Dt, s.Tau
	c.PerturbP, c.PerturbAmp, c.TraceX, c.TraceR = s.PerturbP, s.PerturbAmp, s.TraceX, s.TraceR
	c.MaxDW, c.LearnAfter, c.Task = s.MaxDW, s.LearnAfter, s.Task
	return c
}

// Validate reports the first impossible setting, naming its key.
func (s *Spec) Validate() error {
	switch {
	case s.Rule != RuleMiconi && s.Rule != RuleNodePert:
		return fmt.Errorf("reward.rule = %q: choose %q (Miconi 2017, net.cpp's DELTAX) or %q (node perturbation, Fiete & Seung 2006)", s.Rule, RuleMiconi, RuleNodePert)
	case s.Trials < 1:
		return fmt.Errorf("reward.trials must be ≥ 1 (got %d); the issue's protocol is 4000", s.Trials)
	case s.Block < 1:
		return fmt.Errorf("reward.block must be ≥ 1 trial (got %d); 100 is usual", s.Block)
	case s.Eta < 0 || math.IsNaN(s.Eta) || math.IsInf(s.Eta, 0):
		return fmt.Errorf("reward.eta must be > 0, or 0 for the rule's own (got %v)", s.Eta)
	}
	return s.Config().Validate()
}

// Flags binds the common settings to the reward command's flags.
func (s *Spec) Flags(fs *flag.FlagSet) {
	fs.StringVar(&s.Rule, "rule", s.Rule, `learning rule: "miconi" (Miconi 2017) or "nodepert" (node perturbation)`)
	fs.IntVar(&s.Trials, "trials", s.Trials, "budget of DNMS trials")
	fs.IntVar(&s.Block, "block", s.Block, "trials per block (one progress line, one checkpoint unit)")
	fs.BoolVar(&s.StopAtCriterion, "stop-at-criterion", s.StopAtCriterion,
		"end at the block in which more than 95 of the last 100 trials are correct")
	fs.Float64Var(&s.Eta, "eta", s.Eta, "learning rate (0: the rule's own, 0.1 for miconi, 0.001 for nodepert)")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the network and its perturbations")
	fs.IntVar(&s.N, "units", s.N, "units in the network (net.cpp: 200)")
}

// Start builds the network and begins the run.
func (s *Spec) Start(run.Env) (run.Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	tr, err := NewTrainer(s.Config())
	if err != nil {
		return nil, err
	}
	return &dnmsRun{spec: *s, tr: tr}, nil
}

func init() {
	run.Register(run.Kind{
		Name:    "reward",
		Summary: "learn DNMS with Miconi's reward-modulated Hebbian rule or node perturbation (no backprop)",
		Command: "reward",
		Browser: "block=2", // a unit of 2 trials: well under a second in a browser
		New:     func() run.Spec { return DefaultSpec() },
		Resume:  resume,
	})
}

// dnmsRun is a reward run: Advance runs one block of trials.
type dnmsRun struct {
	spec   Spec
	tr     *Trainer
	blocks int
}

func (d *dnmsRun) Advance() error {
	n := min(d.spec.Block, d.spec.Trials-len(d.tr.Errors))
	for range n {
		if e := d.tr.Step(); math.IsNaN(e) || math.IsInf(e, 0) {
			return fmt.Errorf("reward: trial %d has error %v: the network diverged (lower reward.eta or reward.max_dw)", d.tr.Net.Trial, e)
		}
	}
	d.blocks++
	return nil
}

func (d *dnmsRun) Done() bool {
	if len(d.tr.Errors) >= d.spec.Trials {
		return true
	}
	_, ok := TrialsToCriterion(d.tr.Errors)
	return d.spec.StopAtCriterion && ok
}

func (d *dnmsRun) Progress() run.Progress {
	errs := d.tr.Errors
	last := errs[len(errs)-min(len(errs), d.spec.Block):]
	p := run.Progress{Step: d.blocks, Total: (d.spec.Trials + d.spec.Block - 1) / d.spec.Block, Unit: "block",
		Values: []run.Value{
			{Name: "percent_correct", Value: 100 * Correct(errs, CriterionWindow)},
			{Name: "error", Value: mean(last)},
			{Name: "trials", Value: float64(len(errs))},
		}}
	if n, ok := TrialsToCriterion(errs); ok {
		p.Note = fmt.Sprintf("criterion reached at trial %d", n)
	}
	return p
}

// Details is the structured result of a reward run (results.json).
type Details struct {
	Rule string  `json:"rule"`
	Eta  float64 `json:"eta"`
	Seed uint64  `json:"seed"`
	// CriterionTrial is the trial at which more than 95 of the last 100
	// were correct (0 if never); Reached says whether it was.
	CriterionTrial int  `json:"criterion_trial"`
	Reached        bool `json:"criterion_reached"`
	Trials         int  `json:"trials"`
	// Upstream is the reference for the same protocol.
	Upstream string `json:"upstream"`
}

// upstream is what net.cpp reached in the issue (5 seeds, 4000 trials).
const upstream = "dnms/net.cpp, 5 seeds, 4000 trials: criterion at 953, 1013, 2673, 3386, never (stuck at 50 %)"

// conditions names DNMS's conditions in trial order.
var conditions = [4]string{"AA", "AB", "BA", "BB"}

// Evaluate reports the learning curve and one trial of each condition
// run on a copy of the network (its own generator, no learning), so the
// run's course does not change.
func (d *dnmsRun) Evaluate() (*run.Report, error) {
	errs := d.tr.Errors
	crit, reached := TrialsToCriterion(errs)
	cfg := d.tr.Net.Cfg
	rep := &run.Report{Kind: "reward", Step: d.blocks,
		Metrics: []run.Value{
			{Name: "trials_to_criterion", Value: float64(crit)},
			{Name: "criterion_reached", Value: b2f(reached)},
			{Name: "percent_correct", Value: 100 * Correct(errs, CriterionWindow)},
			{Name: "mean_error", Value: mean(errs[len(errs)-min(len(errs), CriterionWindow):])},
			{Name: "trials", Value: float64(len(errs))},
		},
		Details: Details{Rule: d.spec.Rule, Eta: cfg.Eta, Seed: cfg.Seed, CriterionTrial: crit, Reached: reached,
			Trials: len(errs), Upstream: upstream},
	}
	if reached {
		rep.Notes = append(rep.Notes, fmt.Sprintf("criterion (> %d of the last %d trials with error < 1) reached at trial %d", CriterionCorrect, CriterionWindow, crit))
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("criterion not reached in %d trials (%.0f %% of the last %d correct)", len(errs), 100*Correct(errs, CriterionWindow), CriterionWindow))
	}
	rep.Notes = append(rep.Notes, "upstream: "+upstream)

	// The curve, one row per trial.
	curve := run.Table{Name: "curve", Columns: []string{"trial", "condition", "error", "correct", "percent_correct_100"}}
	trial := make([]float64, len(errs))
	pct := make([]float64, len(errs))
	each := make([]float64, len(errs))
	runMean := make([]float64, len(errs))
	var c, sum float64
	for i, e := range errs {
		if e < 1 {
			c++
		}
		sum += e
		if i >= CriterionWindow {
			if errs[i-CriterionWindow] < 1 {
				c--
			}
			sum -= errs[i-CriterionWindow]
		}
		w := float64(min(i+1, CriterionWindow))
		trial[i], pct[i], each[i], runMean[i] = float64(i+1), 100*c/w, e, sum/w
		curve.Rows = append(curve.Rows, []string{strconv.Itoa(i + 1), conditions[i%4], fmtF(e), strconv.Itoa(int(b2f(e < 1))), fmtF(pct[i])})
	}
	rep.Tables = append(rep.Tables, curve)
	// The percent correct is drawn from the first full window of 100 trials
	// on (before it, it is the fraction of the few trials run).
	from := 0
	if len(errs) >= CriterionWindow {
		from = CriterionWindow - 1
	}
	correct := run.Figure{Name: "correct", Title: "DNMS, " + d.spec.Rule + ": percent correct of the last 100 trials",
		XLabel: "trial", YLabel: "% correct", Lines: []run.Line{{Label: "correct (last 100)", X: trial[from:], Y: pct[from:]}}}
	if len(errs) > 0 {
		correct.Lines = append(correct.Lines, run.Line{Label: "criterion (95 %)", X: []float64{1, float64(len(errs))}, Y: []float64{95, 95}})
	}
	rep.Figures = append(rep.Figures, correct, run.Figure{Name: "error", Title: "DNMS, " + d.spec.Rule + ": error |r₀ − target| over the last 200 ms",
		XLabel: "trial", YLabel: "error", Lines: []run.Line{{Label: "trial", X: trial, Y: each}, {Label: "mean of the last 100", X: trial, Y: runMean}}})

	act, out, err := d.probe()
	if err != nil {
		return nil, err
	}
	rep.Figures = append(rep.Figures, act, out)
	return rep, nil
}

// probe runs one trial of each condition, without learning, on a copy of
// the network whose generator is rng.New(seed ^ trial·φ), φ = 2⁶⁴/golden
// ratio (so the probe depends only on the seed and the trial reached). It
// returns the rates of every unit in the AB trial (a heat map, units ×
// time bins) and the output r₀(t) of the four conditions.
func (d *dnmsRun) probe() (run.Figure, run.Figure, error) {
	src := d.tr.Net
	cfg := src.Cfg
	n, err := New(cfg)
	if err != nil {
		return run.Figure{}, run.Figure{}, err
	}
	copy(n.J, src.J)
	copy(n.XBar, src.XBar)
	n.Baseline, n.Trial = src.Baseline, src.Trial
	n.Rand = rng.New(cfg.Seed ^ uint64(src.Trial)*0x9e3779b97f4a7c15)
	N, T := cfg.N, cfg.Task.TrialTime
	out := run.Figure{Name: "output", Title: fmt.Sprintf("output r₀ after %d trials", src.Trial), XLabel: "time (ms)", YLabel: "r₀"}
	tm := make([]float64, T)
	for t := range tm {
		tm[t] = float64(float64(t+1) * cfg.Dt)
	}
	var rates []float64
	for cond := range 4 {
		if cond == 1 {
			n.Rates = make([]float64, T*N)
		} else {
			n.Rates = nil
		}
		n.RunTrial(cond, false)
		if cond == 1 {
			rates = n.Rates
		}
		out.Lines = append(out.Lines, run.Line{Label: conditions[cond], X: tm, Y: append([]float64(nil), n.Out...)})
	}
	for _, tg := range []struct {
		label string
		v     float64
	}{{"target, match", cfg.Task.TargetMatch}, {"target, non-match", cfg.Task.TargetNon}} {
		from := float64(T-cfg.Task.EvalTime+1) * cfg.Dt
		out.Lines = append(out.Lines, run.Line{Label: tg.label, X: []float64{from, tm[T-1]}, Y: []float64{tg.v, tg.v}})
	}
	// Mean rate per unit and time bin (about 100 bins).
	bin := max(1, T/100)
	cols := (T + bin - 1) / bin
	h := &run.Heat{Rows: N, Cols: cols, Values: make([]float64, N*cols)}
	for i := range N {
		for b := range cols {
			var s float64
			k := 0
			for t := b * bin; t < min(T, (b+1)*bin); t++ {
				s += rates[t*N+i]
				k++
			}
			h.Values[i*cols+b] = s / float64(k)
		}
	}
	act := run.Figure{Name: "activity", Title: fmt.Sprintf("rates r_i(t), condition AB, after %d trials (units × %g ms bins)", src.Trial, float64(bin)*cfg.Dt),
		XLabel: fmt.Sprintf("time (%g ms bins)", float64(bin)*cfg.Dt), YLabel: "unit", Heat: h}
	return act, out, nil
}

// Save writes J, x̄, the baselines, every trial's error (the curve) and
// the generator; W_in is rebuilt from the seed.
func (d *dnmsRun) Save() (*run.Checkpoint, error) {
	s, err := d.tr.Net.Snapshot()
	if err != nil {
		return nil, err
	}
	spec := d.spec
	doc, err := kind().Encode(&spec)
	if err != nil {
		return nil, err
	}
	N := d.tr.Net.Cfg.N
	return &run.Checkpoint{Kind: "reward", Config: doc, Step: d.blocks,
		Tensors: []safetensors.Tensor{
			{Name: "J", DType: "F64", Shape: []int{N, N}, Data: s.J},
			{Name: "xbar", DType: "F64", Shape: []int{N}, Data: s.XBar},
			{Name: "baseline", DType: "F64", Shape: []int{4}, Data: s.Baseline[:]},
			{Name: "errors", DType: "F64", Shape: []int{len(d.tr.Errors)}, Data: append([]float64(nil), d.tr.Errors...)},
		},
		Meta: map[string]string{"rng": base64.StdEncoding.EncodeToString(s.Rand), "trials": strconv.Itoa(s.Trial)}}, nil
}

func kind() *run.Kind {
	k, err := run.Lookup("reward")
	if err != nil {
		panic(err) // registered by this package's init
	}
	return k
}

func resume(spec run.Spec, ck *run.Checkpoint, _ run.Env) (run.Trainer, error) {
	s := spec.(*Spec)
	tr, err := NewTrainer(s.Config())
	if err != nil {
		return nil, err
	}
	trials, err := strconv.Atoi(ck.Meta["trials"])
	if err != nil || trials < 0 {
		return nil, fmt.Errorf("metadata trials %q is not a trial count", ck.Meta["trials"])
	}
	N := s.N
	var st State
	if st.J, err = ck.Tensor("J", N*N); err != nil {
		return nil, err
	}
	if st.XBar, err = ck.Tensor("xbar", N); err != nil {
		return nil, err
	}
	b, err := ck.Tensor("baseline", 4)
	if err != nil {
		return nil, err
	}
	copy(st.Baseline[:], b)
	errs, err := ck.Tensor("errors", trials)
	if err != nil {
		return nil, err
	}
	if st.Rand, err = base64.StdEncoding.DecodeString(ck.Meta["rng"]); err != nil {
		return nil, fmt.Errorf("metadata rng is not base64: %v", err)
	}
	st.Trial = trials
	if err := tr.Net.Restore(st); err != nil {
		return nil, err
	}
	tr.Errors = append([]float64(nil), errs...)
	return &dnmsRun{spec: *s, tr: tr, blocks: ck.Step}, nil
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
