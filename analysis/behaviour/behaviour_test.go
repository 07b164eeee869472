package behaviour

import (
	"math"
	"strings"
	"testing"
)

// spike is a beat train on x₁: a narrow Gaussian R peak of height h(k) at
// the times of beats (k-th beat at at[k]), on a small sine (P and T waves).
func spike(T int, at []int, h func(k int) float64) []float64 {
	x := make([]float64, T)
	for t := range x {
		x[t] = 0.2 * math.Sin(2*math.Pi*float64(t)/100)
	}
	for k, c := range at {
		for t := max(0, c-10); t < min(T, c+11); t++ {
			x[t] += h(k) * math.Exp(-math.Pow(float64(t-c)/2, 2))
		}
	}
	return x
}

func every(T, period, first int) []int {
	var at []int
	for c := first; c < T; c += period {
		at = append(at, c)
	}
	return at
}

func TestClassify(t *testing.T) {
	const T = 20000
	data := spike(T, every(T, 100, 50), func(int) float64 { return 4 })
	logistic := make([]float64, T)
	logistic[0] = 0.3
	for i := 1; i < T; i++ {
		logistic[i] = 4 * logistic[i-1] * (1 - logistic[i-1]) // chaotic: no period
	}
	fill := func(f func(i int) float64) []float64 {
		x := make([]float64, T)
		for i := range x {
			x[i] = f(i)
		}
		return x
	}
	for _, c := range []struct {
		name   string
		gen    []float64
		kind   Kind
		period int
	}{
		{"constant", fill(func(int) float64 { return 0.3 }), FixedPoint, 1},
		{"decaying to a point", fill(func(i int) float64 { return math.Exp(-float64(i)/3000) * math.Sin(float64(i)) }), FixedPoint, 0},
		{"period 7", fill(func(i int) float64 { return float64(i % 7) }), Periodic, 7},
		{"the data's beat, period 100", data, Periodic, 100},
		{"chaotic logistic map", logistic, Aperiodic, 0},
		{"quasi-periodic", fill(func(i int) float64 { return math.Sin(float64(i)/10) + math.Sin(float64(i)*math.Sqrt2/10) }), Aperiodic, 0},
		{"blow-up", fill(func(i int) float64 { return math.Exp(float64(i) / 1000) }), Diverged, 0},
		{"NaN", fill(func(i int) float64 { return math.Log(float64(10000 - i)) }), Diverged, 0},
	} {
		d := Classify(c.gen, data, 1, nil)
		if d.Kind != c.kind || d.Period != c.period {
			t.Errorf("%s: %s with period %d, want %s with period %d (%+v)", c.name, d.Kind, d.Period, c.kind, c.period, d)
		}
	}
	// The first non-finite value: log(0) = −Inf at i = 10000.
	if d := Classify(fill(func(i int) float64 { return math.Log(float64(10000 - i)) }), data, 1, nil); d.DivergedAt != 10000 || !d.NonFinite {
		t.Errorf("NaN: diverged at %d (non-finite %v), want 10000", d.DivergedAt, d.NonFinite)
	}
}

func TestPeaksAndVariability(t *testing.T) {
	// Peaks at 50, 140, 250, 350 with heights 4, 3, 5, 4: R–R intervals 90,
	// 110, 100 (mean 100, sd 10, CV 0.1); heights mean 4, sd √(2/3),
	// CV 0.2041 (plus the small sine at each peak: sin(2π·c/100)·0.2 is 0
	// at c = 50, 250, 350 and 0.2·sin(2.8π) = 0.1176 at 140).
	const T = 400
	at := []int{50, 140, 250, 350}
	hs := []float64{4, 3, 5, 4}
	x := spike(T, at, func(k int) float64 { return hs[k] })
	lv := Levels{High: 2, Low: 1}
	times, heights := Peaks(x, 1, lv)
	if len(times) != 4 {
		t.Fatalf("found peaks at %v, want %v", times, at)
	}
	for k := range at {
		want := hs[k] + 0.2*math.Sin(2*math.Pi*float64(at[k])/100)
		if times[k] != at[k] || math.Abs(heights[k]-want) > 1e-12 {
			t.Errorf("peak %d: %d, %.6f; want %d, %.6f", k, times[k], heights[k], at[k], want)
		}
	}
	b := AnalyseBeats(x, 1, lv, 0)
	if b.RPeaks != 4 || math.Abs(b.RRMean-100) > 1e-12 || math.Abs(b.RRCV-0.1) > 1e-12 {
		t.Errorf("R–R: %d peaks, mean %g, CV %g; want 4, 100, 0.1", b.RPeaks, b.RRMean, b.RRCV)
	}
	h := []float64{4, 3 + 0.2*math.Sin(2.8*math.Pi), 5, 4}
	mean := (h[0] + h[1] + h[2] + h[3]) / 4
	var ss float64
	for _, v := range h {
		ss += (v - mean) * (v - mean)
	}
	if cv := math.Sqrt(ss/3) / mean; math.Abs(b.AmpCV-cv) > 1e-9 || math.Abs(b.AmpMean-mean) > 1e-9 {
		t.Errorf("amplitudes: mean %g, CV %g; want %g, %g", b.AmpMean, b.AmpCV, mean, cv)
	}
	if b.RPeakRate != 10 || b.FirstR != 50 || b.LastR != 350 {
		t.Errorf("rate %g per 1000, first %d, last %d; want 10, 50, 350", b.RPeakRate, b.FirstR, b.LastR)
	}
}

func TestDescribeBeats(t *testing.T) {
	const T = 20000
	data := spike(T, every(T, 100, 50), func(k int) float64 { return 4 + 0.5*math.Sin(float64(k)) })
	r := PeakLevels(data, 1)
	db := AnalyseBeats(data, 1, r, 0)
	if db.RPeaks != 200 {
		t.Fatalf("data: %d R peaks, want 200", db.RPeaks)
	}
	first := spike(T, []int{50}, func(int) float64 { return 4 }) // one R peak, then the small sine alone
	half := spike(T, every(T, 100, 50), func(int) float64 { return 1.5 })
	for _, c := range []struct {
		name         string
		gen          []float64
		beats, withR int
		words        string
	}{
		{"the data", data, 200, 200, "an R peak in every beat"},
		{"R peak only in the first beat", first, 200, 1, "R peaks in 1 of 200 beats, from step 50 to 50"},
		{"beats at a third of the height", half, 200, 0, "beats without R peaks"},
	} {
		d := Classify(c.gen, data, 1, nil)
		g := AnalyseBeats(c.gen, 1, r, 50)
		w := Describe(d, g, db)
		if g.Beats != c.beats || g.WithR != c.withR || !strings.Contains(w, c.words) {
			t.Errorf("%s: %d beats, %d with R (want %d, %d): %q, want it to say %q", c.name, g.Beats, g.WithR, c.beats, c.withR, w, c.words)
		}
	}
	// The data's own beat-to-beat variability: the R–R intervals are all
	// 100 (CV 0), the amplitudes vary (CV > 0).
	if db.RRCV != 0 || !(db.AmpCV > 0.05) {
		t.Errorf("data: R–R CV %g, amplitude CV %g; want 0 and > 0.05", db.RRCV, db.AmpCV)
	}
}

func TestRefractoryBeats(t *testing.T) {
	// Each 100-step beat has two bumps of equal height 30 steps apart (a
	// notch and a T wave, no R peak): without a refractory period both
	// count as beats; with half the beat interval, one per beat.
	const T = 10000
	x := make([]float64, T)
	for i := range x {
		for _, c := range []int{20, 50} {
			d := float64(i%100 - c)
			x[i] += math.Exp(-d * d / 20)
		}
	}
	r := Levels{High: 5, Low: 2} // an R level no bump reaches
	if b := AnalyseBeats(x, 1, r, 0); b.Beats != 200 || b.WithR != 0 {
		t.Errorf("no refractory period: %d beats (%d with R), want 200 (0)", b.Beats, b.WithR)
	}
	if b := AnalyseBeats(x, 1, r, 50); b.Beats != 100 {
		t.Errorf("refractory 50: %d beats, want 100", b.Beats)
	}
}
