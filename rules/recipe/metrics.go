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
	// the D_stsp estimator Dstsp is ("gtf", "dendplrnn" or "gmm"; "binned"
	// in metrics written before issue 9, the same as "gtf"), Protocol how
	// its generated states were made ("long" or "dendplrnn").
	Transient int    `json:"transient,omitempty"`
	Estimator string `json:"stsp,omitempty"`
	Protocol  string `json:"stsp_protocol,omitempty"`
	// DstspGTF and DstspDend are D_stsp by both binned estimators, the GTF
	// paper's (metric.StateSpaceBinned) and the dendritic PLRNN paper's
	// (metric.StateSpaceBinnedDend), on the same states as Dstsp, whatever
	// Estimator is, so that a figure can be put beside either paper's
	// (NaN when N > 5, where neither paper bins).
	DstspGTF  float64 `json:"d_stsp_gtf"`
	DstspDend float64 `json:"d_stsp_dendplrnn"`
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
	if b := m.Behaviour; b != nil && b.Kind != "" {
		s += " (" + b.Verdict() + ")"
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
	return json.Marshal(struct {
		plain
		Dstsp     any `json:"d_stsp"`
		DH        any `json:"d_h"`
		PE        any `json:"pe"`
		DstspGTF  any `json:"d_stsp_gtf"`
		DstspDend any `json:"d_stsp_dendplrnn"`
	}{plain(m), finite(m.Dstsp), finite(m.DH), finite(m.PE), finite(m.DstspGTF), finite(m.DstspDend)})
}

// UnmarshalJSON reads what MarshalJSON writes, null (and a missing
// d_stsp_gtf or d_stsp_dendplrnn) as NaN.
func (m *Metrics) UnmarshalJSON(b []byte) error {
	type plain Metrics
	var v struct {
		plain
		Dstsp     *float64 `json:"d_stsp"`
		DH        *float64 `json:"d_h"`
		PE        *float64 `json:"pe"`
		DstspGTF  *float64 `json:"d_stsp_gtf"`
		DstspDend *float64 `json:"d_stsp_dendplrnn"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Metrics(v.plain)
	nan := math.NaN()
	m.Dstsp, m.DH, m.PE = orValue(v.Dstsp, nan), orValue(v.DH, nan), orValue(v.PE, nan)
	m.DstspGTF, m.DstspDend = orValue(v.DstspGTF, nan), orValue(v.DstspDend, nan)
	return nil
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
// series' first point and scores the last Steps() (Score); with
// eval.stsp_protocol "dendplrnn", D_stsp compares the runs of
// ProtocolRuns instead.
func (e *Evaluator) Evaluate(md Model) Metrics {
	if e.T < 2 {
		return e.Score(md, nil)
	}
	n := e.test.N
	gen, _ := md.Generate(e.test.X[:n], e.ec.Transient+e.T, false)
	gen = gen[e.ec.Transient*n:]
	if e.ec.StspProtocol == "dendplrnn" {
		truth, runs := e.ProtocolRuns(md)
		return e.score(md, gen, truth, runs, "dendplrnn")
	}
	return e.Score(md, gen)
}

// ProtocolRuns are the generated states of the dendritic PLRNN paper's
// D_stsp protocol (Brenner et al. 2022; reference code BPTT_TF/main_eval.py,
// EvaluateKLx): the evaluated stretch of Steps() held-out points is cut
// into R = 100 consecutive pieces of L = Steps()/R points (R = 10 when
// Steps() ≤ 10 000), and from the first point of each piece the model runs
// freely; each run is that point followed by its L − 1 generated steps, as
// the reference's generate_free_trajectory returns. truth is the R·L
// held-out points the runs are compared with, runs their concatenation.
// eval.transient does not apply (the reference discards nothing).
func (e *Evaluator) ProtocolRuns(md Model) (truth, runs []float64) {
	n, R := e.test.N, 100
	if e.T <= 10000 {
		R = 10
	}
	L := e.T / R
	if L < 1 {
		R, L = e.T, 1
	}
	truth = e.test.X[:R*L*n]
	runs = make([]float64, 0, R*L*n)
	for r := range R {
		x0 := e.test.X[r*L*n : (r*L+1)*n]
		runs = append(runs, x0...)
		if L > 1 {
			g, _ := md.Generate(x0, L-1, false)
			runs = append(runs, g...)
		}
	}
	return truth, runs
}

// Score compares gen, md's free-running trajectory of Steps() steps after
// the transient (Steps()×N values), with the held-out data; PE(n) uses md's
// one-step predictor from the held-out points.
func (e *Evaluator) Score(md Model, gen []float64) Metrics {
	var truth []float64
	if e.T >= 2 {
		truth = e.test.X[e.test.N : (e.T+1)*e.test.N]
	}
	return e.score(md, gen, truth, gen, "long")
}

// score is Score with D_stsp comparing stspGen with stspTruth (the long
// run and its stretch, or the protocol's runs).
func (e *Evaluator) score(md Model, gen, stspTruth, stspGen []float64, protocol string) Metrics {
	ec, test, T := e.ec, e.test, e.T
	m := Metrics{Steps: T, Horizon: ec.Horizon}
	if T < 2 {
		m.Note = "held-out series too short to evaluate"
		m.Dstsp, m.DH, m.PE = math.NaN(), math.NaN(), math.NaN()
		return m
	}
	m.Transient = ec.Transient
	m.Protocol = protocol
	truth := test.X[test.N : (T+1)*test.N]
	var err error
	bins := (&metric.Settings{Bins: ec.Bins}).Resolved().Bins
	m.DstspGTF, m.DstspDend = math.NaN(), math.NaN()
	var errG, errD error
	if test.N <= metric.BinningMaxDim {
		// Both binned estimators, whatever ec.Stsp chooses (cheap: two
		// sorts of T cell indices each).
		m.DstspGTF, errG = metric.StateSpaceBinned(stspTruth, stspGen, test.N, bins)
		m.DstspDend, errD = metric.StateSpaceBinnedDend(stspTruth, stspGen, test.N, bins)
		m.Diverged = m.Diverged || errors.Is(errG, metric.ErrDiverged) || errors.Is(errD, metric.ErrDiverged)
	}
	switch {
	case ec.Stsp == "gmm" || (ec.Stsp == "" && test.N > metric.BinningMaxDim):
		m.Estimator = "gmm"
		m.Dstsp, err = metric.StateSpaceGMM(stspTruth, stspGen, test.N, 1, metric.DefaultMaxT, metric.DefaultMCSamples, rng.New(0))
	case ec.Stsp == "dendplrnn" && test.N <= metric.BinningMaxDim:
		m.Estimator, m.Dstsp, err = "dendplrnn", m.DstspDend, errD
	case ec.Stsp == "dendplrnn":
		m.Estimator = "dendplrnn"
		m.Dstsp, err = metric.StateSpaceBinnedDend(stspTruth, stspGen, test.N, bins)
	case test.N <= metric.BinningMaxDim:
		m.Estimator, m.Dstsp, err = "gtf", m.DstspGTF, errG
	default:
		m.Estimator = "gtf"
		m.Dstsp, err = metric.StateSpaceBinned(stspTruth, stspGen, test.N, bins)
	}
	var b Behaviour
	if ec.ecgWords(test) {
		b = Diagnose(gen, truth, test.N)
	} else {
		b = DiagnosePeaks(gen, truth, test.N)
	}
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

// ecgWords says whether the behaviour is described in an ECG's terms (R
// peaks, beats): eval.words "ecg", or "" for a recording (a WFDB record or
// a series whose preprocessing rnnlab did, Series.Prep).
func (ec EvalConfig) ecgWords(test Series) bool {
	switch ec.Words {
	case "ecg":
		return true
	case "peaks":
		return false
	}
	return test.Prep != nil
}
