package reservoir

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/rnnlab/rnnlab/rules/run"
)

// TrueLambda1 is the largest Lyapunov exponent of Lorenz-63 at the classical
// parameters, per time unit (Sprott, Chaos and Time-Series Analysis, 2003,
// 0.9056).
const TrueLambda1 = 0.9056

// seedOffset keeps every model's streams independent of which other
// models are compared and in what order.
var seedOffset = map[string]uint64{"ctrnn": 100, "ei": 200, "ei-force": 250, "lif-ridge": 300, "lif-force": 400, "lif-bptt": 500}

// Trainer runs the comparison: the models one after another, each in
// units of work, the last unit of each scoring it.
type Trainer struct {
	spec  *Spec
	d     *series
	runs  []modelRun
	done  []int
	res   []*result
	secs  []float64
	step  int
	total int
}

// Start begins a fresh comparison.
func (s *Spec) Start(env run.Env) (run.Trainer, error) { return start(s) }

func start(s *Spec) (*Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	t := &Trainer{spec: s, d: lorenz(s)}
	for _, name := range s.Models {
		seed := s.Seed*1000 + seedOffset[name]
		var m modelRun
		var err error
		switch name {
		case "ctrnn":
			c := s.CTRNN.resolvedCTRNN()
			if c.Method == "bptt" {
				m, err = newBPTT(name, c, s, t.d, seed)
			} else {
				m, err = newForce(name, c, s, t.d, seed)
			}
		case "ei":
			if c := s.EI.resolvedEI(); c.Method == "bptt" {
				m, err = newBPTT(name, c, s, t.d, seed)
			} else {
				m, err = newForce(name, c, s, t.d, seed)
			}
		case "ei-force":
			m, err = newForce(name, s.EIForce.resolvedEI(), s, t.d, seed)
		case "lif-ridge":
			m, err = newRidge(s.LIFRidge.resolved(false), s, t.d, seed)
		case "lif-force":
			m, err = newSpikingForce(s.LIFForce.resolved(true), s, t.d, seed)
		case "lif-bptt":
			m, err = newSurrogate(s.LIFBPTT.resolved(), s, t.d, seed)
		}
		if err != nil {
			return nil, err
		}
		t.runs = append(t.runs, m)
		t.total += m.units()
	}
	t.done, t.res, t.secs = make([]int, len(t.runs)), make([]*result, len(t.runs)), make([]float64, len(t.runs))
	return t, nil
}

// current is the index of the model in training, or len(runs).
func (t *Trainer) current() int {
	for i, r := range t.res {
		if r == nil {
			return i
		}
	}
	return len(t.res)
}

// Advance does one unit of the current model's training (its last unit
// also scores it).
func (t *Trainer) Advance() error {
	i := t.current()
	if i == len(t.runs) {
		return nil
	}
	t0 := time.Now()
	fin, err := t.runs[i].advance()
	t.secs[i] += time.Since(t0).Seconds()
	if err != nil {
		return err
	}
	t.done[i]++
	t.step++
	if fin {
		t.res[i] = t.runs[i].result()
		t.runs[i] = nil
	}
	return nil
}

// Done says every model is trained and scored.
func (t *Trainer) Done() bool { return t.current() == len(t.runs) }

// Progress is the number of units done, the current model's training error
// and which model it is.
func (t *Trainer) Progress() run.Progress {
	p := run.Progress{Step: t.step, Total: t.total, Unit: "unit"}
	if i := t.current(); i < len(t.runs) {
		p.Values = []run.Value{t.runs[i].status()}
		p.Note = fmt.Sprintf("%s %d/%d", t.spec.Models[i], t.done[i], t.runs[i].units())
	} else {
		p.Note = "all models scored"
	}
	return p
}

// Save holds, per model, the units done and either its result or its
// training state; wall-clock seconds go to "time.<model>".
func (t *Trainer) Save() (*run.Checkpoint, error) {
	k, err := run.Lookup(Kind)
	if err != nil {
		return nil, err
	}
	cfg, err := k.Encode(t.spec)
	if err != nil {
		return nil, err
	}
	ck := &run.Checkpoint{Kind: Kind, Config: cfg, Step: t.step, Meta: map[string]string{}}
	for i, name := range t.spec.Models {
		w := &ckWriter{prefix: name + ".", ck: ck}
		w.int("units_done", t.done[i])
		ck.Meta["time."+name] = strconv.FormatFloat(t.secs[i], 'f', 3, 64)
		switch {
		case t.res[i] != nil:
			w.prefix = name + ".res."
			saveResult(w, t.res[i])
		case t.done[i] > 0:
			w.prefix = name + ".state."
			t.runs[i].save(w)
		}
	}
	return ck, nil
}

func resume(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	s, ok := spec.(*Spec)
	if !ok {
		return nil, fmt.Errorf("reservoir: checkpoint section of type %T", spec)
	}
	t, err := start(s)
	if err != nil {
		return nil, err
	}
	for i, name := range s.Models {
		r := &ckReader{prefix: name + ".", ck: ck}
		t.done[i] = r.int("units_done")
		if r.err != nil {
			return nil, r.err
		}
		if v, err := strconv.ParseFloat(ck.Meta["time."+name], 64); err == nil {
			t.secs[i] = v
		}
		if _, fin := ck.Meta[name+".res.params"]; fin {
			r.prefix = name + ".res."
			t.res[i] = loadResult(r)
			t.runs[i] = nil
		} else if t.done[i] > 0 {
			r.prefix = name + ".state."
			if err := t.runs[i].load(r); err != nil {
				return nil, err
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		t.step += t.done[i]
	}
	if t.step != ck.Step {
		return nil, fmt.Errorf("reservoir: checkpoint step %d, but its models have done %d units", ck.Step, t.step)
	}
	return t, nil
}

// describe says how a model is built and trained, for the table.
func (t *Trainer) describe(name string) string {
	s := t.spec
	switch name {
	case "ctrnn":
		c := s.CTRNN.resolvedCTRNN()
		if c.Method == "bptt" {
			return fmt.Sprintf("CT-RNN %d units, BPTT (%s TF) %d steps", c.Units, c.Forcing, c.TrainSteps)
		}
		return fmt.Sprintf("CT-RNN %d units, FORCE", c.Units)
	case "ei", "ei-force":
		c := s.EI.resolvedEI()
		if name == "ei-force" {
			c = s.EIForce.resolvedEI()
		}
		if c.Method == "bptt" {
			return fmt.Sprintf("E/I %d E + %d I, Dale, BPTT (%s TF) %d steps", c.Exc, c.Inh, c.Forcing, c.TrainSteps)
		}
		return fmt.Sprintf("E/I %d E + %d I, Dale, FORCE", c.Exc, c.Inh)
	case "lif-ridge":
		c := s.LIFRidge.resolved(false)
		return fmt.Sprintf("LIF %d (%s), ridge", c.Neurons, c.Preset)
	case "lif-force":
		c := s.LIFForce.resolved(true)
		return fmt.Sprintf("LIF %d (%s), FORCE", c.Neurons, c.Preset)
	case "lif-bptt":
		c := s.LIFBPTT.resolved()
		return fmt.Sprintf("LIF %d dense, surrogate-gradient BPTT (%s TF) %d steps", c.Neurons, c.Forcing, c.TrainSteps)
	}
	return name
}

// Evaluate builds the comparison of the models scored so far: the table
// "comparison" (with a first row for the true series: λ1 estimated from
// it, and the D_stsp and D_H of the validation part against the test part,
// the floor a perfect model would reach; and a row for the persistence
// forecast x̂_{t+1} = x_t, the one-step baseline), the figures "attractors",
// "raster", "rates" and "training".
func (t *Trainer) Evaluate() (*run.Report, error) {
	rep := &run.Report{Kind: Kind, Step: t.step}
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "—"
		}
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	d, s := t.d, t.spec
	tab := run.Table{Name: "comparison", Columns: []string{"model", "setup", "one-step MSE", "one-step R²", "D_stsp", "D_H",
		"λ1 (series)", "λ1 (Jacobian)", "λ1 true", "parameters", "wall s", "note"}}
	free := len(d.all) / 3
	if s.Free < free {
		free = s.Free
	}
	trueL := lambda1(d.all[:free*3], 3, d.dt, s.Lyap.Theiler, s.Lyap.FitFrom, s.Lyap.FitTo)
	floorS, floorH := math.NaN(), math.NaN()
	if len(d.val) == len(d.test) {
		floorS, floorH = freeScores(d.val, d.test)
	}
	tab.Rows = append(tab.Rows, []string{"truth", fmt.Sprintf("Lorenz-63, %d samples, dt %g", s.Steps, s.Dt), "—", "—", f(floorS), f(floorH),
		f(trueL), "—", f(TrueLambda1), "—", "—", "D_stsp, D_H: validation vs test part (the floor)"})
	pm, pr := oneStep(d.test[:len(d.test)-3], d.test[3:])
	tab.Rows = append(tab.Rows, []string{"persistence", "x̂_{t+1} = x_t", f(pm), f(pr), "", "", "", "", "", "0", "—",
		"the one-step baseline: no model of the flow at all"})
	rep.Metrics = append(rep.Metrics, run.Value{Name: "truth.lambda1", Value: trueL}, run.Value{Name: "persistence.r2", Value: pr})
	att := run.Figure{Name: "attractors", Title: "free runs beside the true test part (x–z)", XLabel: "x", YLabel: "z"}
	att.Lines = append(att.Lines, xz("truth", d.test))
	train := run.Figure{Name: "training", Title: "training error per unit", XLabel: "unit", YLabel: "error", LogY: true}
	rates := run.Figure{Name: "rates", Title: "population rates during the free run", XLabel: "ms", YLabel: "Hz"}
	var raster *run.Figure
	for i, name := range s.Models {
		r := t.res[i]
		if r == nil {
			tab.Rows = append(tab.Rows, []string{name, t.describe(name), "", "", "", "", "", "", "", "", f(t.secs[i]),
				fmt.Sprintf("not scored yet (%d/%d units)", t.done[i], t.units(i))})
			continue
		}
		tab.Rows = append(tab.Rows, []string{name, t.describe(name), f(r.MSE), f(r.R2), f(r.DStsp), f(r.DH),
			f(r.Lambda1), f(r.Lambda1Jac), f(TrueLambda1), strconv.Itoa(r.Params), strconv.FormatFloat(t.secs[i], 'f', 1, 64), r.Note})
		for _, m := range []run.Value{{Name: "one_step_mse", Value: r.MSE}, {Name: "r2", Value: r.R2}, {Name: "dstsp", Value: r.DStsp},
			{Name: "dh", Value: r.DH}, {Name: "lambda1", Value: r.Lambda1}, {Name: "lambda1_jacobian", Value: r.Lambda1Jac}} {
			rep.Metrics = append(rep.Metrics, run.Value{Name: name + "." + m.Name, Value: m.Value})
		}
		att.Lines = append(att.Lines, xz(name, r.Gen[:len(d.test)]))
		if len(r.TrainErrors) > 0 {
			l := run.Line{Label: name}
			for k, v := range r.TrainErrors {
				l.X, l.Y = append(l.X, float64(k+1)), append(l.Y, v)
			}
			train.Lines = append(train.Lines, l)
		}
		if r.N > 0 {
			for _, pop := range []struct {
				label string
				v     []float64
			}{{name + " E", r.RateE}, {name + " I", r.RateI}} {
				l := run.Line{Label: pop.label}
				for k, v := range pop.v {
					l.X, l.Y = append(l.X, (float64(k)+0.5)*RateBinMs), append(l.Y, v)
				}
				rates.Lines = append(rates.Lines, l)
			}
			if raster == nil {
				ix := make([]int, len(r.RasterI))
				for k, v := range r.RasterI {
					ix[k] = int(v)
				}
				raster = &run.Figure{Name: "raster", Title: name + ": spikes of the first " + f(RasterMs) + " ms of the free run", XLabel: "ms", YLabel: "neuron",
					Raster: &run.Raster{Time: append([]float64(nil), r.RasterT...), Index: ix, N: r.N, Exc: r.NE, Span: RasterMs}}
			}
		}
	}
	rep.Tables = []run.Table{tab}
	rep.Figures = []run.Figure{att}
	if raster != nil {
		rep.Figures = append(rep.Figures, *raster, rates)
	}
	if len(train.Lines) > 0 {
		rep.Figures = append(rep.Figures, train)
	}
	rep.Notes = []string{
		"one-step: x_{t+1} predicted from the true x_t over the test part; free run: from the end of the validation part, the prediction fed back, compared with the test part",
		"λ1 (series): Rosenstein et al. 1993 on the whole free run; λ1 (Jacobian): analysis/lyap on the trained map (autonomous models only)",
	}
	return rep, nil
}

func (t *Trainer) units(i int) int {
	if t.runs[i] == nil {
		return t.done[i]
	}
	return t.runs[i].units()
}

// xz is the x–z projection of a series, cut at its first non-finite row.
func xz(label string, x []float64) run.Line {
	l := run.Line{Label: label}
	for k := 0; k+2 < len(x); k += 3 {
		if math.IsNaN(x[k]) || math.IsNaN(x[k+2]) || math.IsInf(x[k], 0) || math.IsInf(x[k+2], 0) {
			break
		}
		l.X, l.Y = append(l.X, x[k]), append(l.Y, x[k+2])
	}
	return l
}
