package recipe

import (
	"fmt"
	"math"
	"slices"
)

// Behaviour is what a long generated trajectory does, compared with the
// data it should reproduce: whether it diverged, collapsed to a fixed point
// or a short cycle, and whether it has beat-like peaks at the data's rate.
type Behaviour struct {
	Diverged   bool    `json:"diverged"`
	FixedPoint bool    `json:"fixed_point"`
	Cycle      int     `json:"cycle,omitempty"`     // period of an exact cycle the end settles on (0: none found)
	ShortCycle bool    `json:"short_cycle"`         // a cycle shorter than half the data's beat interval
	NoBeats    bool    `json:"no_beats"`            // fewer than a quarter of the data's peaks
	VarRatio   float64 `json:"var_ratio"`           // variance of the last 10% / the data's variance
	PeakRate   float64 `json:"peak_rate"`           // beat-like peaks of x₁ per 1000 steps, generated
	DataRate   float64 `json:"data_peak_rate"`      // the same in the data
	Words      string  `json:"behaviour,omitempty"` // the verdict in words
}

// Collapsed reports a fixed point, a short cycle or the loss of beat-like
// peaks: the generated trajectory does not reproduce the oscillation.
func (b Behaviour) Collapsed() bool {
	return !b.Diverged && (b.FixedPoint || b.ShortCycle || b.NoBeats)
}

// Diagnosis thresholds.
const (
	DivergeFactor  = 10   // |x| beyond this many times the data's largest |x| is divergence
	FixedPointVar  = 0.01 // last-10% variance below this fraction of the data's is a fixed point
	CycleTolerance = 1e-6 // relative tolerance of an exact cycle (times the data's range)
	MaxCycle       = 5000 // longest exact cycle looked for
)

// Diagnose judges the generated T×n series gen against the data (T'×n):
//
//   - divergence: a non-finite value, or |x| > 10 × the data's max |x|;
//   - fixed point: the summed per-dimension variance of the last 10% of gen
//     is below 1% of the data's;
//   - cycle: the last 10% repeats exactly (to 10⁻⁶ of the data's range)
//     with some period p ≤ 5000; a cycle shorter than half the data's mean
//     beat interval is a short cycle;
//   - beats: upward crossings of x₁ through half-way between its median and
//     its 99.5th percentile in the data (with hysteresis: x₁ must fall back
//     below a quarter of the way before the next one counts), per 1000
//     steps, for gen and for the data; fewer than a quarter of the data's
//     rate is "no beat-like peaks".
func Diagnose(gen, data []float64, n int) Behaviour {
	var b Behaviour
	T := len(gen) / n
	if T < 10 || len(data) < 2*n {
		b.Words = "too short to judge"
		return b
	}
	var dmax float64
	for _, v := range data {
		dmax = math.Max(dmax, math.Abs(v))
	}
	for t := 0; t < T; t++ {
		for i := 0; i < n; i++ {
			v := gen[t*n+i]
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > DivergeFactor*dmax {
				b.Diverged = true
				what := "a non-finite value"
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					what = fmt.Sprintf("|x| = %.3g, %g× beyond the data's largest %.3g", math.Abs(v), float64(DivergeFactor), dmax)
				}
				b.Words = fmt.Sprintf("diverged: %s at step %d", what, t)
				return b
			}
		}
	}
	tail := gen[(T-T/10)*n:]
	dv, tv := totalVar(data, n), totalVar(tail, n)
	b.VarRatio = tv / dv
	b.FixedPoint = b.VarRatio < FixedPointVar

	// Beat-like peaks on the first coordinate, thresholds from the data.
	x1 := make([]float64, len(data)/n)
	for t := range x1 {
		x1[t] = data[t*n]
	}
	s := slices.Clone(x1)
	slices.Sort(s)
	med, top := s[len(s)/2], s[min(len(s)-1, int(0.995*float64(len(s))))]
	hi, lo := med+0.5*(top-med), med+0.25*(top-med)
	b.DataRate = 1000 * float64(crossings(data, n, hi, lo)) / float64(len(x1))
	b.PeakRate = 1000 * float64(crossings(gen, n, hi, lo)) / float64(T)
	b.NoBeats = b.DataRate > 0 && b.PeakRate < 0.25*b.DataRate

	lo0, hi0 := Bounds(data)
	b.Cycle = exactCycle(tail, n, CycleTolerance*(hi0-lo0))
	beat := 0.0
	if b.DataRate > 0 {
		beat = 1000 / b.DataRate
	}
	b.ShortCycle = b.Cycle > 0 && beat > 0 && float64(b.Cycle) < 0.5*beat

	rate := ""
	if b.DataRate > 0 {
		rate = fmt.Sprintf("%.2f large peaks of x₁ per 1000 steps (data %.2f, ratio %.2f)", b.PeakRate, b.DataRate, b.PeakRate/b.DataRate)
	}
	switch {
	case b.FixedPoint:
		b.Words = fmt.Sprintf("collapsed to a fixed point: the variance of the last 10%% is %.2g of the data's", b.VarRatio)
	case b.ShortCycle:
		b.Words = fmt.Sprintf("collapsed to a short %d-cycle (the data's beat interval is %.0f steps); %s", b.Cycle, beat, rate)
	case b.NoBeats:
		b.Words = fmt.Sprintf("no large peaks of x₁ (no beats, for an ECG): %s; variance of the last 10%% %.2f of the data's", rate, b.VarRatio)
	case b.Cycle > 0:
		b.Words = fmt.Sprintf("settles on a periodic orbit of period %d steps (%.2f data beat intervals); %s", b.Cycle, float64(b.Cycle)/math.Max(beat, 1), rate)
	default:
		b.Words = fmt.Sprintf("sustained aperiodic oscillation; %s; variance of the last 10%% %.2f of the data's", rate, b.VarRatio)
	}
	return b
}

// totalVar is the sum over dimensions of the variance of a T×n series.
func totalVar(x []float64, n int) float64 {
	var s float64
	for i := 0; i < n; i++ {
		_, v := ColumnMoments(x, n, i)
		s += v
	}
	return s
}

// ColumnMoments returns the mean and the (population) variance
// Σ_t (x_ti − mean)²/T of column i of a row-major T×n series.
func ColumnMoments(x []float64, n, i int) (mean, variance float64) {
	T := len(x) / n
	for t := 0; t < T; t++ {
		mean += x[t*n+i]
	}
	mean /= float64(T)
	for t := 0; t < T; t++ {
		d := x[t*n+i] - mean
		variance += d * d
	}
	return mean, variance / float64(T)
}

// crossings counts upward crossings of x₁ through hi, re-armed only after
// x₁ falls below lo.
func crossings(x []float64, n int, hi, lo float64) int {
	armed, c := true, 0
	for t := 0; t < len(x)/n; t++ {
		v := x[t*n]
		if armed && v > hi {
			c++
			armed = false
		} else if !armed && v < lo {
			armed = true
		}
	}
	return c
}

// exactCycle returns the smallest period p ≤ MaxCycle with which the series
// repeats to within tol in every coordinate over its whole length (which
// must hold at least two periods), or 0.
func exactCycle(x []float64, n int, tol float64) int {
	T := len(x) / n
	for p := 1; p <= MaxCycle && 2*p <= T; p++ {
		ok := true
		for k := p * n; k < len(x); k++ {
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
