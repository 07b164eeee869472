package recipe

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/behaviour"
)

// Behaviour is what a long generated trajectory does, compared with the
// data it should reproduce (analysis/behaviour): its asymptotic kind
// (diverged, fixed point, periodic with a period, aperiodic), its beats and
// R peaks on x₁ against the data's, and their beat-to-beat variability.
type Behaviour struct {
	// Kind is behaviour.Classify's name: "diverged", "fixed point",
	// "periodic" or "aperiodic"; Cycle its period when periodic (also 1 for
	// a fixed point reached exactly; 0: none found).
	Kind       string  `json:"kind"`
	Diverged   bool    `json:"diverged"`
	FixedPoint bool    `json:"fixed_point"`
	Cycle      int     `json:"cycle,omitempty"`
	ShortCycle bool    `json:"short_cycle"`    // a cycle shorter than half the data's mean R–R interval
	NoBeats    bool    `json:"no_beats"`       // fewer than a quarter of the data's R peaks
	VarRatio   float64 `json:"var_ratio"`      // variance of the last 10% / the data's variance
	PeakRate   float64 `json:"peak_rate"`      // R peaks (large peaks of x₁) per 1000 steps, generated
	DataRate   float64 `json:"data_peak_rate"` // the same in the data
	// Beats are x₁'s cycles at its own scale, BeatsWithR those reaching
	// the data's R level (behaviour.AnalyseBeats); BeatRate beats per 1000
	// steps.
	Beats      int     `json:"beats"`
	BeatsWithR int     `json:"beats_with_r"`
	BeatRate   float64 `json:"beat_rate"`
	// Beat-to-beat variability: coefficients of variation of the R–R
	// intervals and of the R amplitudes, generated and data, and the
	// generated mean R amplitude over the data's (1: full height). NaN
	// (null in JSON) with too few R peaks.
	RRCV      float64 `json:"rr_cv"`
	DataRRCV  float64 `json:"data_rr_cv"`
	AmpCV     float64 `json:"r_amp_cv"`
	DataAmpCV float64 `json:"data_r_amp_cv"`
	AmpRatio  float64 `json:"r_amp_ratio"`
	Words     string  `json:"behaviour,omitempty"` // the verdict in words
	// Peaks says the data are not an ECG: Words and Verdict speak of
	// large peaks and cycles instead of R peaks and beats (the measures
	// are the same).
	Peaks bool `json:"peak_words,omitempty"`
}

// Collapsed reports a fixed point, a short cycle or the loss of R peaks:
// the generated trajectory does not reproduce the oscillation.
func (b Behaviour) Collapsed() bool {
	return !b.Diverged && (b.FixedPoint || b.ShortCycle || b.NoBeats)
}

// Verdict is the behaviour's name in a few words: "diverged", "fixed
// point", "periodic (P steps)" or "aperiodic", then for beat-like data
// "beats with R peaks", "beats without R peaks", "R peaks in k of B beats"
// or "no beats".
func (b Behaviour) Verdict() string {
	s := b.Kind
	switch b.Kind {
	case "diverged", "fixed point", "":
		return s
	case "periodic":
		s = fmt.Sprintf("periodic (%d steps)", b.Cycle)
	}
	if b.DataRate == 0 {
		return s
	}
	if b.Peaks {
		if b.NoBeats {
			return s + ", no large peaks"
		}
		return s
	}
	switch {
	case b.Beats == 0:
		return s + ", no beats"
	case b.BeatsWithR == 0:
		return s + ", beats without R peaks"
	case b.BeatsWithR == b.Beats:
		return s + ", beats with R peaks"
	}
	return s + fmt.Sprintf(", R peaks in %d of %d beats", b.BeatsWithR, b.Beats)
}

// MarshalJSON writes the NaN of too few R peaks as null.
func (b Behaviour) MarshalJSON() ([]byte, error) {
	type plain Behaviour
	return json.Marshal(struct {
		plain
		RRCV      any `json:"rr_cv"`
		DataRRCV  any `json:"data_rr_cv"`
		AmpCV     any `json:"r_amp_cv"`
		DataAmpCV any `json:"data_r_amp_cv"`
		AmpRatio  any `json:"r_amp_ratio"`
	}{plain(b), finite(b.RRCV), finite(b.DataRRCV), finite(b.AmpCV), finite(b.DataAmpCV), finite(b.AmpRatio)})
}

// UnmarshalJSON reads null variabilities as NaN.
func (b *Behaviour) UnmarshalJSON(data []byte) error {
	type plain Behaviour
	var v struct {
		plain
		RRCV      *float64 `json:"rr_cv"`
		DataRRCV  *float64 `json:"data_rr_cv"`
		AmpCV     *float64 `json:"r_amp_cv"`
		DataAmpCV *float64 `json:"data_r_amp_cv"`
		AmpRatio  *float64 `json:"r_amp_ratio"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*b = Behaviour(v.plain)
	nan := math.NaN()
	b.RRCV, b.DataRRCV, b.AmpCV = orValue(v.RRCV, nan), orValue(v.DataRRCV, nan), orValue(v.AmpCV, nan)
	b.DataAmpCV, b.AmpRatio = orValue(v.DataAmpCV, nan), orValue(v.AmpRatio, nan)
	return nil
}

// Diagnose judges the generated T×n series gen against the data (T'×n)
// with analysis/behaviour's defaults:
//
//   - divergence: a non-finite value, or |x| > 10 × the data's max |x|;
//   - fixed point: the last 10% repeats with period 1 (to 10⁻⁶ of the
//     data's range), or its summed per-dimension variance is below 1% of
//     the data's;
//   - periodic: the last 10% repeats exactly with some period p ≤ 5000; a
//     period shorter than half the data's mean R–R interval is a short
//     cycle; otherwise aperiodic;
//   - R peaks: upward crossings of x₁ through half-way between its median
//     and its 99.5th percentile in the data (with hysteresis: x₁ must fall
//     back below a quarter of the way before the next one counts), per 1000
//     steps, for gen and for the data; fewer than a quarter of the data's
//     rate is "no beats" (NoBeats); beats are the same crossings at gen's
//     own levels, at most one per half the data's mean R–R interval, so a
//     small oscillation has beats without R peaks and a P or T wave is not
//     a beat of its own;
//   - beat-to-beat variability: the coefficients of variation of the R–R
//     intervals and R amplitudes (behaviour.AnalyseBeats).
func Diagnose(gen, data []float64, n int) Behaviour { return diagnose(gen, data, n, false) }

// DiagnosePeaks is Diagnose for data that are not an ECG: the same
// measures, described as large peaks of x₁ and cycles.
func DiagnosePeaks(gen, data []float64, n int) Behaviour { return diagnose(gen, data, n, true) }

func diagnose(gen, data []float64, n int, peaks bool) Behaviour {
	b := Behaviour{RRCV: math.NaN(), DataRRCV: math.NaN(), AmpCV: math.NaN(), DataAmpCV: math.NaN(), AmpRatio: math.NaN(), Peaks: peaks}
	describe := behaviour.Describe
	if peaks {
		describe = behaviour.DescribePeaks
	}
	T := len(gen) / n
	if T < 10 || len(data) < 2*n {
		b.Words = "too short to judge"
		return b
	}
	d := behaviour.Classify(gen, data, n, nil)
	b.Kind = string(d.Kind)
	if d.Kind == behaviour.Diverged {
		b.Diverged = true
		b.Words = describe(d, behaviour.Beats{}, behaviour.Beats{})
		return b
	}
	b.VarRatio, b.Cycle = d.VarRatio, d.Period
	b.FixedPoint = d.Kind == behaviour.FixedPoint

	r := behaviour.PeakLevels(data, n)
	db := behaviour.AnalyseBeats(data, n, r, 0)
	refractory := 0
	if db.RRMean > 0 {
		refractory = int(0.5 * db.RRMean) // half the data's mean R–R interval
	}
	gb := behaviour.AnalyseBeats(gen, n, r, refractory)
	b.DataRate, b.PeakRate = db.RPeakRate, gb.RPeakRate
	b.NoBeats = b.DataRate > 0 && b.PeakRate < 0.25*b.DataRate
	b.Beats, b.BeatsWithR, b.BeatRate = gb.Beats, gb.WithR, gb.BeatRate
	b.RRCV, b.DataRRCV, b.AmpCV, b.DataAmpCV = gb.RRCV, db.RRCV, gb.AmpCV, db.AmpCV
	b.AmpRatio = gb.AmpMean / db.AmpMean
	if b.DataRate > 0 && d.Period > 0 {
		b.ShortCycle = float64(d.Period) < 0.5*1000/b.DataRate // half the mean R–R interval
	}
	b.Words = describe(d, gb, db)
	return b
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
