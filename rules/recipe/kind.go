package recipe

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/rules/bptt"
	"github.com/rnnlab/rnnlab/rules/run"
)

// SeriesKind is the name of the series-reconstruction kind of run in the
// run registry (rules/run): a latent model (PLRNN family, CT-RNN) trained
// by BPTT with teacher forcing to reproduce a series' dynamics. Its config
// is Config, whose sections (model, data, train, eval) stand at the top
// level of the run file, so every config written before kinds existed is a
// series run file.
const SeriesKind = run.DefaultKind

func init() {
	run.Register(run.Kind{
		Name:     SeriesKind,
		Summary:  "reconstruct a dynamical system from a series (PLRNN family, CT-RNN; BPTT with teacher forcing)",
		TopLevel: true,
		// 2000 steps of a shallow PLRNN with 20 hidden units on 5000 points,
		// small windows, evaluated every 500 steps over 2000.
		Browser: "data.steps=5000&model.hidden=20&train.steps=2000&train.seq_len=30&train.batch=8&train.eval_every=500&eval.max_steps=2000",
		New:     func() run.Spec { c := Default(); return &c },
		Resume:  resumeSeries,
	})
}

// Flags binds nothing: a series run's flags are rnnlab train's.
func (c *Config) Flags(*flag.FlagSet) {}

// Start begins a series run for the run registry's generic drivers (the
// page's run widget): one Advance is one BPTT step, with the periodic
// held-out evaluation and model selection of rnnlab train. Unlike rnnlab
// train it does not swap in the selected parameters at the end; the
// checkpoint keeps the selection.
func (c *Config) Start(env run.Env) (run.Trainer, error) {
	sr, err := newSeriesRun(*c, env)
	if err != nil {
		return nil, err
	}
	lo, hi := Bounds(sr.train.X)
	if sr.md, err = Build(c.Model, sr.series.N, lo, hi, c.Train.Seed, true); err != nil {
		return nil, err
	}
	return sr, sr.begin(nil)
}

func resumeSeries(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	c, md, err := CheckpointFromParts(ck.Tensors, ck.Meta)
	if err != nil {
		return nil, err
	}
	sr, err := newSeriesRun(c.Config, env)
	if err != nil {
		return nil, err
	}
	if c.ObsDim != sr.series.N {
		return nil, fmt.Errorf("the checkpoint was trained on %d-dimensional data, but the data now has %d dimensions", c.ObsDim, sr.series.N)
	}
	sr.md = md
	return sr, sr.begin(c)
}

// seriesRun is a series run driven one BPTT step at a time.
type seriesRun struct {
	cfg                     Config
	series                  Series
	train, validation, test Series
	md                      Model
	tr                      *bptt.Trainer
	evaluator               *Evaluator
	selector                *Selector
	losses                  []float64
	history                 []EvalRecord
	lastLoss                float64
	lastMetrics             *Metrics
}

func newSeriesRun(cfg Config, env run.Env) (*seriesRun, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	read := ReadFunc(env.ReadFile)
	if env.ReadFile == nil {
		read = func(name string) ([]byte, error) {
			return nil, fmt.Errorf("data.source %q is a file, and files cannot be read here: use a generated series (lorenz63, rossler)", name)
		}
	}
	s, err := LoadSeries(cfg.Data, read)
	if err != nil {
		return nil, err
	}
	sr := &seriesRun{cfg: cfg, series: s, lastLoss: math.NaN()}
	sr.train, sr.validation, sr.test = Parts(s, cfg.Data)
	return sr, nil
}

// begin makes the trainer, evaluator and selector, and puts them at the
// checkpoint's position (ck nil: a fresh run).
func (sr *seriesRun) begin(ck *Checkpoint) error {
	var err error
	if sr.tr, err = NewTrainer(sr.cfg, sr.md, sr.train); err != nil {
		return err
	}
	sr.evaluator = NewEvaluator(sr.test, sr.cfg.Eval)
	if sr.cfg.Train.SelectBest && sr.cfg.Train.EvalEvery > 0 {
		sr.selector = NewSelector(sr.cfg, sr.train, sr.validation)
	}
	if ck == nil {
		return nil
	}
	if err := ck.Resume(sr.tr); err != nil {
		return err
	}
	if sr.selector != nil {
		sr.selector.Restore(ck.Selected, sr.md)
	}
	sr.losses = append(sr.losses, ck.Loss...)
	sr.history = append(sr.history, ck.History...)
	if n := len(sr.losses); n > 0 {
		sr.lastLoss = sr.losses[n-1]
	}
	return nil
}

// Advance is one BPTT step, then at every train.eval_every steps the
// held-out evaluation and (select_best) the validation score.
func (sr *seriesRun) Advance() error {
	loss, err := sr.tr.Step()
	if err != nil {
		return err
	}
	sr.losses = append(sr.losses, loss)
	sr.lastLoss = loss
	s := sr.tr.Steps()
	if e := sr.cfg.Train.EvalEvery; e > 0 && s%e == 0 {
		m := sr.evaluator.Evaluate(sr.md)
		rec := EvalRecord{Step: s, Metrics: m}
		if sr.selector != nil {
			c := sr.selector.Consider(s, sr.md)
			rec.Validation = &c
		}
		sr.history = append(sr.history, rec)
		sr.lastMetrics = &m
	}
	return nil
}

func (sr *seriesRun) Done() bool { return sr.tr.Steps() >= sr.cfg.Train.Steps }

func (sr *seriesRun) Progress() run.Progress {
	p := run.Progress{Step: sr.tr.Steps(), Total: sr.cfg.Train.Steps, Unit: "step",
		Values: []run.Value{{Name: "loss", Value: sr.lastLoss}, {Name: "alpha", Value: sr.tr.Alpha}}}
	if m := sr.lastMetrics; m != nil {
		p.Values = append(p.Values, run.Value{Name: "d_stsp", Value: m.Dstsp}, run.Value{Name: "d_h", Value: m.DH})
		p.Note = m.Short()
	}
	return p
}

// Evaluate scores the current parameters on the held-out part (D_stsp,
// D_H, PE) and draws the loss and a projection of the generated attractor
// beside the held-out data.
func (sr *seriesRun) Evaluate() (*run.Report, error) {
	m := sr.evaluator.Evaluate(sr.md)
	rep := &run.Report{Kind: SeriesKind, Step: sr.tr.Steps(), Details: map[string]any{"metrics": m, "history": sr.history},
		Metrics: []run.Value{{Name: "d_stsp", Value: m.Dstsp}, {Name: "d_h", Value: m.DH}, {Name: "pe", Value: m.PE}, {Name: "loss", Value: sr.lastLoss}}}
	steps := make([]float64, len(sr.losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	rep.Figures = append(rep.Figures, run.Figure{Name: "loss", Title: "training loss", XLabel: "step", YLabel: "loss", LogY: true,
		Lines: []run.Line{{Label: "loss", X: steps, Y: append([]float64(nil), sr.losses...)}}})
	n := sr.test.N
	if rows := sr.test.Rows(); rows > 1 && n >= 2 {
		span := min(rows, 5000)
		gen, _ := sr.md.Generate(sr.test.X[:n], span, false)
		j := min(2, n-1)
		proj := func(x []float64) run.Line {
			l := run.Line{X: make([]float64, span), Y: make([]float64, span)}
			for t := 0; t < span; t++ {
				l.X[t], l.Y[t] = x[t*n], x[t*n+j]
			}
			return l
		}
		truth, model := proj(sr.test.X), proj(gen)
		truth.Label, model.Label = "held-out data", "generated"
		rep.Figures = append(rep.Figures, run.Figure{Name: "attractor", Title: fmt.Sprintf("x₁–x%d, %d steps", j+1, span), XLabel: "x₁", YLabel: fmt.Sprintf("x%d", j+1), Lines: []run.Line{truth, model}})
	}
	rows := [][]string{}
	for _, h := range sr.history {
		rows = append(rows, []string{fmt.Sprint(h.Step), fmt.Sprint(h.Metrics.Dstsp), fmt.Sprint(h.Metrics.DH), fmt.Sprint(h.Metrics.PE)})
	}
	rep.Tables = append(rep.Tables, run.Table{Name: "history", Columns: []string{"step", "d_stsp", "d_h", "pe"}, Rows: rows})
	return rep, nil
}

// Save is the series checkpoint (the format rnnlab train writes).
func (sr *seriesRun) Save() (*run.Checkpoint, error) {
	sel := Selection{Step: -1}
	if sr.selector != nil {
		sel = sr.selector.Best
	}
	c, err := Snapshot(sr.cfg, sr.series.N, sr.md, sr.tr, sr.losses, sel)
	if err != nil {
		return nil, err
	}
	c.History = sr.history
	ts, meta, err := c.Parts()
	if err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(sr.cfg)
	if err != nil {
		return nil, err
	}
	return &run.Checkpoint{Kind: SeriesKind, Config: cfg, Step: sr.tr.Steps(), Tensors: ts, Meta: meta}, nil
}
