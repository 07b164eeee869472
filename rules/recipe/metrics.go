package recipe

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/metric"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Metrics are the long-horizon measures of a generated series against
// held-out data (analysis/metric): state-space divergence D_stsp, power-
// spectrum Hellinger distance D_H and the n-step prediction error PE(n).
type Metrics struct {
	Steps    int     `json:"steps"`
	Dstsp    float64 `json:"d_stsp"`
	DH       float64 `json:"d_h"`
	PE       float64 `json:"pe"`
	Horizon  int     `json:"pe_horizon"`
	Diverged bool    `json:"diverged"`
	Note     string  `json:"note,omitempty"`
	// Transient is how many generated steps were discarded first; Estimator
	// the D_stsp estimator used ("binned" or "gmm").
	Transient int    `json:"transient,omitempty"`
	Estimator string `json:"stsp,omitempty"`
	// Behaviour judges the generated trajectory (divergence, collapse to a
	// fixed point or a short cycle, beat-like peaks); see Diagnose.
	Behaviour *Behaviour `json:"behaviour,omitempty"`
}

// Collapsed reports a generated trajectory that collapsed (Behaviour).
func (m Metrics) Collapsed() bool { return m.Behaviour != nil && m.Behaviour.Collapsed() }

// Short is a one-line summary for progress output.
func (m Metrics) Short() string {
	if m.Diverged || (m.Behaviour != nil && m.Behaviour.Diverged) {
		return "generated trajectory diverged"
	}
	s := fmt.Sprintf("D_stsp %.3f D_H %.3f", m.Dstsp, m.DH)
	if b := m.Behaviour; b != nil {
		switch {
		case b.FixedPoint:
			s += " (fixed point)"
		case b.ShortCycle:
			s += fmt.Sprintf(" (%d-cycle)", b.Cycle)
		case b.NoBeats:
			s += " (no beats)"
		}
	}
	return s
}

// Long is the full summary line.
func (m Metrics) Long() string {
	s := fmt.Sprintf("D_stsp %.4f, D_H %.4f, PE(%d) %.4g", m.Dstsp, m.DH, m.Horizon, m.PE)
	if m.Diverged {
		s += " — the generated trajectory diverged"
	}
	if m.Note != "" {
		s += " (" + m.Note + ")"
	}
	if m.Behaviour != nil && m.Behaviour.Words != "" {
		s += "; " + m.Behaviour.Words
	}
	return s
}

// MarshalJSON writes non-finite values (a diverged model) as null.
func (m Metrics) MarshalJSON() ([]byte, error) {
	type plain Metrics
	fin := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	return json.Marshal(struct {
		plain
		Dstsp any `json:"d_stsp"`
		DH    any `json:"d_h"`
		PE    any `json:"pe"`
	}{plain(m), fin(m.Dstsp), fin(m.DH), fin(m.PE)})
}

// Evaluate generates as many steps as the held-out series has (at most
// MaxSteps) from its first point, after discarding ec.Transient steps, and
// compares them with it: D_stsp (ec.Stsp chooses the estimator), D_H, PE(n)
// from the held-out points, and the trajectory's behaviour (Diagnose).
func Evaluate(md Model, test Series, ec EvalConfig) Metrics {
	return NewEvaluator(test, ec).Evaluate(md)
}

// An Evaluator evaluates models against one held-out series with one
// EvalConfig, computing what depends on the series alone (the smoothed
// power spectra of D_H) once: the periodic evaluations during training
// reuse it. Evaluate(md) gives the bits of the function Evaluate.
type Evaluator struct {
	test Series
	ec   EvalConfig
	T    int // generated steps compared (after the transient)
	spec *metric.SpectrumReference
}

// NewEvaluator prepares the evaluation of models on test with ec.
func NewEvaluator(test Series, ec EvalConfig) *Evaluator {
	T := test.Rows() - 1
	if ec.MaxSteps > 0 && T > ec.MaxSteps {
		T = ec.MaxSteps
	}
	e := &Evaluator{test: test, ec: ec, T: T}
	if T >= 2 {
		e.spec = metric.NewSpectrumReference(test.X[test.N:(T+1)*test.N], test.N, ec.Smoothing)
	}
	return e
}

// Steps is the number of generated steps compared with the held-out data.
func (e *Evaluator) Steps() int { return e.T }

// Evaluate generates Transient + Steps() steps of md from the held-out
// series' first point and scores the last Steps() (Score).
func (e *Evaluator) Evaluate(md Model) Metrics {
	if e.T < 2 {
		return e.Score(md, nil)
	}
	n := e.test.N
	gen, _ := md.Generate(e.test.X[:n], e.ec.Transient+e.T, false)
	return e.Score(md, gen[e.ec.Transient*n:])
}

// Score compares gen, md's free-running trajectory of Steps() steps after
// the transient (Steps()×N values), with the held-out data; PE(n) uses md's
// one-step predictor from the held-out points.
func (e *Evaluator) Score(md Model, gen []float64) Metrics {
	ec, test, T := e.ec, e.test, e.T
	m := Metrics{Steps: T, Horizon: ec.Horizon}
	if T < 2 {
		m.Note = "held-out series too short to evaluate"
		m.Dstsp, m.DH, m.PE = math.NaN(), math.NaN(), math.NaN()
		return m
	}
	m.Transient = ec.Transient
	truth := test.X[test.N : (T+1)*test.N]
	var err error
	s := &metric.Settings{Bins: ec.Bins, Smoothing: ec.Smoothing, Horizon: ec.Horizon}
	m.Estimator = "binned"
	switch {
	case ec.Stsp == "gmm" || (ec.Stsp == "" && test.N > metric.BinningMaxDim):
		m.Estimator = "gmm"
		m.Dstsp, err = metric.StateSpaceGMM(truth, gen, test.N, 1, metric.DefaultMaxT, metric.DefaultMCSamples, rng.New(0))
	default:
		m.Dstsp, err = metric.StateSpaceBinned(truth, gen, test.N, s.Resolved().Bins)
	}
	b := Diagnose(gen, truth, test.N)
	m.Behaviour = &b
	if err != nil {
		m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		m.Note = err.Error()
	}
	if m.DH, err = e.spec.Hellinger(gen); err != nil {
		m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		m.Note = err.Error()
	}
	if T > ec.Horizon+1 {
		pe := T
		if ec.PEPoints > 0 {
			pe = min(T, ec.PEPoints+ec.Horizon)
		}
		if m.PE, err = metric.PredictionError(test.X[:(pe+1)*test.N], test.N, ec.Horizon, md.Predictor()); err != nil {
			m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		}
	}
	return m
}
