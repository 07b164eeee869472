package recipe

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/metric"
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
}

// Short is a one-line summary for progress output.
func (m Metrics) Short() string {
	if m.Diverged {
		return "generated trajectory diverged"
	}
	return fmt.Sprintf("D_stsp %.3f D_H %.3f", m.Dstsp, m.DH)
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
// MaxSteps) from its first point and compares them with it.
func Evaluate(md Model, test Series, ec EvalConfig) Metrics {
	T := test.Rows() - 1
	if ec.MaxSteps > 0 && T > ec.MaxSteps {
		T = ec.MaxSteps
	}
	m := Metrics{Steps: T, Horizon: ec.Horizon}
	if T < 2 {
		m.Note = "held-out series too short to evaluate"
		m.Dstsp, m.DH, m.PE = math.NaN(), math.NaN(), math.NaN()
		return m
	}
	gen, _ := md.Generate(test.X[:test.N], T, false)
	truth := test.X[test.N : (T+1)*test.N]
	var err error
	s := &metric.Settings{Bins: ec.Bins, Smoothing: ec.Smoothing, Horizon: ec.Horizon}
	if m.Dstsp, err = metric.StateSpace(truth, gen, test.N, s); err != nil {
		m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		m.Note = err.Error()
	}
	if m.DH, err = metric.PowerSpectrumHellinger(truth, gen, test.N, ec.Smoothing); err != nil {
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
