package behaviour

import (
	"fmt"
	"math"
	"slices"
)

// Kind is the asymptotic behaviour of a trajectory.
type Kind string

// The kinds Classify names.
const (
	Diverged   Kind = "diverged"
	FixedPoint Kind = "fixed point"
	Periodic   Kind = "periodic"
	Aperiodic  Kind = "aperiodic"
)

// Defaults of Settings.
const (
	DefaultDivergeFactor  = 10   // |x| beyond this many times the data's largest |x| is divergence
	DefaultFixedPointVar  = 0.01 // tail variance below this fraction of the data's: a fixed point
	DefaultCycleTolerance = 1e-6 // an exact cycle repeats to this fraction of the data's range
	DefaultMaxPeriod      = 5000 // longest period looked for
)

// Settings are Classify's thresholds; a nil *Settings or a zero field
// means the default.
type Settings struct {
	DivergeFactor  float64
	FixedPointVar  float64
	CycleTolerance float64
	MaxPeriod      int
}

func (s *Settings) resolved() Settings {
	r := Settings{DefaultDivergeFactor, DefaultFixedPointVar, DefaultCycleTolerance, DefaultMaxPeriod}
	if s != nil {
		if s.DivergeFactor > 0 {
			r.DivergeFactor = s.DivergeFactor
		}
		if s.FixedPointVar > 0 {
			r.FixedPointVar = s.FixedPointVar
		}
		if s.CycleTolerance > 0 {
			r.CycleTolerance = s.CycleTolerance
		}
		if s.MaxPeriod > 0 {
			r.MaxPeriod = s.MaxPeriod
		}
	}
	return r
}

// Dynamics is what Classify found.
type Dynamics struct {
	Kind Kind
	// Period is the smallest p ≤ MaxPeriod with which the last tenth
	// repeats exactly (0: none; 1 for a fixed point reached exactly).
	Period int
	// VarRatio is the summed per-dimension variance of the last tenth over
	// the data's.
	VarRatio float64
	// DivergedAt is the first step with a non-finite value or |x| beyond
	// DivergeFactor × the data's largest |x| (−1: none); NonFinite says
	// which of the two it was.
	DivergedAt int
	NonFinite  bool
	Value      float64 // the offending |x| (when finite)
	DataMax    float64 // the data's largest |x|
}

// Classify names the asymptotic behaviour of the generated T×n series gen
// (T ≥ 10) against the data (T'×n, T' ≥ 2):
//
//   - Diverged: a non-finite value, or |x| > DivergeFactor × the data's
//     largest |x|, anywhere in gen;
//   - FixedPoint: the last tenth repeats with period 1 (to CycleTolerance ×
//     the data's range), or its summed variance is below FixedPointVar of
//     the data's (a fixed point being approached);
//   - Periodic with period P: the last tenth, holding at least two periods,
//     repeats with period P ≤ MaxPeriod in every coordinate;
//   - Aperiodic: none of these: a sustained oscillation with no period up
//     to MaxPeriod in the last tenth.
//
// It panics if n < 1, T < 10 or the data has fewer than 2 rows.
func Classify(gen, data []float64, n int, s *Settings) Dynamics {
	st := s.resolved()
	T := len(gen) / max(n, 1)
	if n < 1 || T < 10 || len(data) < 2*n {
		panic(fmt.Sprintf("behaviour: Classify needs n ≥ 1, ≥ 10 generated and ≥ 2 data rows (n = %d, %d, %d values)", n, len(gen), len(data)))
	}
	d := Dynamics{DivergedAt: -1}
	for _, v := range data {
		d.DataMax = math.Max(d.DataMax, math.Abs(v))
	}
	for k, v := range gen[:T*n] {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > st.DivergeFactor*d.DataMax {
			d.Kind, d.DivergedAt = Diverged, k/n
			d.NonFinite = math.IsNaN(v) || math.IsInf(v, 0)
			d.Value = math.Abs(v)
			return d
		}
	}
	tail := gen[(T-T/10)*n : T*n]
	d.VarRatio = totalVar(tail, n) / totalVar(data, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range data {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	d.Period = ExactPeriod(tail, n, st.CycleTolerance*(hi-lo), st.MaxPeriod)
	switch {
	case d.Period == 1 || d.VarRatio < st.FixedPointVar && d.Period == 0:
		d.Kind = FixedPoint
	case d.Period > 1:
		d.Kind = Periodic
	default:
		d.Kind = Aperiodic
	}
	return d
}

// ExactPeriod returns the smallest period p ≤ maxPeriod with which the T×n
// series x repeats to within tol in every coordinate over its whole length
// (which must hold at least two periods), or 0.
func ExactPeriod(x []float64, n int, tol float64, maxPeriod int) int {
	T := len(x) / n
	for p := 1; p <= maxPeriod && 2*p <= T; p++ {
		ok := true
		for k := p * n; k < T*n; k++ {
			if math.Abs(x[k]-x[k-p*n]) > tol {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return 0
}

// totalVar is the sum over dimensions of the (population) variance of a
// T×n series.
func totalVar(x []float64, n int) float64 {
	T := len(x) / n
	var s float64
	for i := range n {
		var mean float64
		for t := range T {
			mean += x[t*n+i]
		}
		mean /= float64(T)
		var v float64
		for t := range T {
			dv := x[t*n+i] - mean
			v += dv * dv
		}
		s += v / float64(T)
	}
	return s
}

// Levels are the thresholds of a peak detector on x₁: a peak starts when
// x₁ rises above High and the detector re-arms when x₁ falls below Low; a
// rise that starts fewer than Refractory steps after the previous peak's
// start is not a new peak (0: none), as a heart cannot beat again within
// its refractory period.
type Levels struct {
	High, Low  float64
	Refractory int
}

// PeakLevels are the levels of the large peaks of x₁ (column 0 of the T×n
// series x): High half-way between x₁'s median and its 99.5th percentile,
// Low a quarter of the way. On an ECG lead these are R peaks.
func PeakLevels(x []float64, n int) Levels {
	x1 := make([]float64, len(x)/n)
	for t := range x1 {
		x1[t] = x[t*n]
	}
	slices.Sort(x1)
	med, top := x1[len(x1)/2], x1[min(len(x1)-1, int(0.995*float64(len(x1))))]
	return Levels{High: med + 0.5*(top-med), Low: med + 0.25*(top-med)}
}

// Peaks finds the peaks of x₁ (column 0 of the T×n series x): each upward
// crossing of lv.High starts one, which lasts until x₁ falls below lv.Low
// (hysteresis, so noise on the crossing does not count twice). It returns
// the time of each peak's maximum and that maximum.
func Peaks(x []float64, n int, lv Levels) (times []int, heights []float64) {
	in, skip, start := false, false, -1
	for t := range len(x) / n {
		v := x[t*n]
		switch {
		case !in && v > lv.High:
			in = true
			skip = start >= 0 && t-start < lv.Refractory
			if !skip {
				start = t
				times, heights = append(times, t), append(heights, v)
			}
		case in && v < lv.Low:
			in = false
		case in && !skip && v > heights[len(heights)-1]:
			times[len(times)-1], heights[len(heights)-1] = t, v
		}
	}
	return times, heights
}

// Beats describes the beats of x₁ and their R peaks.
type Beats struct {
	Steps int // length of the series
	// Beats are the cycles of x₁ at its own scale: the peaks of
	// PeakLevels(x) (so a small oscillation still has beats), at most one
	// per refractory period; WithR of them reach the R level (the data's
	// PeakLevels High).
	Beats, WithR int
	// RPeaks are the peaks at the R level (Peaks with the data's levels);
	// RPeakRate their number per 1000 steps. FirstR and LastR are the
	// steps of the first and the last (−1: none).
	RPeaks        int
	RPeakRate     float64
	BeatRate      float64 // beats per 1000 steps
	FirstR, LastR int
	// RRMean and RRCV are the mean and the coefficient of variation
	// (standard deviation / mean, divisor k−1) of the intervals between
	// consecutive R peaks, in steps (NaN below 3 R peaks: < 2 intervals);
	// AmpMean and AmpCV the same of the R peaks' heights (NaN below 2).
	RRMean, RRCV   float64
	AmpMean, AmpCV float64
}

// AnalyseBeats counts the beats and R peaks of x₁ (column 0 of the T×n
// series x) with r the R-peak levels (PeakLevels of the data), and
// measures their beat-to-beat variability. Beats closer than refractory
// steps count once (a P or T wave is not a beat of its own); Diagnose in
// rules/recipe uses half the data's mean R–R interval. R peaks have no
// refractory period beyond r's, so a doubled R peak shows.
func AnalyseBeats(x []float64, n int, r Levels, refractory int) Beats {
	T := len(x) / n
	b := Beats{Steps: T, FirstR: -1, LastR: -1, RRMean: math.NaN(), RRCV: math.NaN(), AmpMean: math.NaN(), AmpCV: math.NaN()}
	if T < 2 {
		return b
	}
	lv := PeakLevels(x, n)
	lv.Refractory = refractory
	_, own := Peaks(x, n, lv)
	b.Beats = len(own)
	for _, h := range own {
		if h > r.High {
			b.WithR++
		}
	}
	times, heights := Peaks(x, n, r)
	b.RPeaks = len(times)
	b.RPeakRate = 1000 * float64(len(times)) / float64(T)
	b.BeatRate = 1000 * float64(len(own)) / float64(T)
	if len(times) > 0 {
		b.FirstR, b.LastR = times[0], times[len(times)-1]
	}
	if len(times) >= 3 {
		rr := make([]float64, len(times)-1)
		for i := range rr {
			rr[i] = float64(times[i+1] - times[i])
		}
		b.RRMean, b.RRCV = meanCV(rr)
	}
	if len(heights) >= 2 {
		b.AmpMean, b.AmpCV = meanCV(heights)
	}
	return b
}

// meanCV returns the mean and the coefficient of variation sd/|mean|
// (divisor k−1) of v, k ≥ 2.
func meanCV(v []float64) (mean, cv float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/float64(len(v)-1)) / math.Abs(mean)
}

// Describe says in words what d and the beats g do against the data's beats
// data (AnalyseBeats of the data with the same levels), in an ECG's terms:
// e.g. "periodic, period 94 steps (0.99 of the data's mean R–R interval),
// an R peak in every beat (10.6 per 1000 steps, data 10.5); beat to beat:
// R–R CV 0.000 (data 0.081), R amplitude CV 0.000 (data 0.052), R
// amplitude 0.52 of the data's". The beats are described only where the
// data have R peaks.
func Describe(d Dynamics, g, data Beats) string { return describe(d, g, data, ECGWords) }

// DescribePeaks is Describe in the terms of any oscillation (large peaks
// of x₁ and the cycles between them), for data that are not an ECG.
func DescribePeaks(d Dynamics, g, data Beats) string { return describe(d, g, data, PeakWords) }

// Wording names the parts of an oscillation in a description.
type Wording struct {
	APeak, Peaks, Beat, Beats, Interval, Amplitude, Level string // APeak with its article: "an R peak"
}

// ECGWords and PeakWords are the wordings of Describe and DescribePeaks.
var (
	ECGWords  = Wording{APeak: "an R peak", Peaks: "R peaks", Beat: "beat", Beats: "beats", Interval: "R–R", Amplitude: "R amplitude", Level: "R level"}
	PeakWords = Wording{APeak: "a large peak", Peaks: "large peaks", Beat: "cycle", Beats: "cycles", Interval: "peak-to-peak", Amplitude: "peak height", Level: "peak level"}
)

func describe(d Dynamics, g, data Beats, w Wording) string {
	var s string
	switch d.Kind {
	case Diverged:
		if d.NonFinite {
			return fmt.Sprintf("diverged: a non-finite value at step %d", d.DivergedAt)
		}
		return fmt.Sprintf("diverged: |x| = %.3g at step %d, beyond %g× the data's largest %.3g", d.Value, d.DivergedAt, float64(DefaultDivergeFactor), d.DataMax)
	case FixedPoint:
		return fmt.Sprintf("fixed point: the variance of the last 10%% is %.2g of the data's", d.VarRatio)
	case Periodic:
		s = fmt.Sprintf("periodic, period %d steps", d.Period)
		if data.RRMean > 0 {
			s += fmt.Sprintf(" (%.2f of the data's mean %s interval)", float64(d.Period)/data.RRMean, w.Interval)
		}
	default:
		s = "aperiodic"
	}
	if data.RPeaks == 0 {
		return s + fmt.Sprintf("; variance of the last 10%% %.2f of the data's", d.VarRatio)
	}
	rate := fmt.Sprintf("%.2f %s (large peaks of x₁) per 1000 steps, data %.2f", g.RPeakRate, w.Peaks, data.RPeakRate)
	if w.Peaks == PeakWords.Peaks {
		rate = fmt.Sprintf("%.2f large peaks of x₁ per 1000 steps, data %.2f", g.RPeakRate, data.RPeakRate)
	}
	switch {
	case g.Beats == 0:
		s += fmt.Sprintf("; no %s (%s)", w.Beats, rate)
	case g.WithR == 0:
		s += fmt.Sprintf("; %s without %s: %.2f %s per 1000 steps, none reaching the data's %s (%s)", w.Beats, w.Peaks, g.BeatRate, w.Beats, w.Level, rate)
	case g.WithR == g.Beats:
		s += fmt.Sprintf("; %s with %s, %s in every %s (%s)", w.Beats, w.Peaks, w.APeak, w.Beat, rate)
	default:
		s += fmt.Sprintf("; %s in %d of %d %s, from step %d to %d (%s)", w.Peaks, g.WithR, g.Beats, w.Beats, g.FirstR, g.LastR, rate)
	}
	if g.RPeaks >= 2 {
		s += fmt.Sprintf("; %s to %s: %s CV %.3f (data %.3f), %s CV %.3f (data %.3f), %s %.2f of the data's",
			w.Beat, w.Beat, w.Interval, g.RRCV, data.RRCV, w.Amplitude, g.AmpCV, data.AmpCV, w.Amplitude, g.AmpMean/data.AmpMean)
	}
	return s
}
