package metric

import (
	"errors"
	"math"
	"testing"
)

func TestStateSpaceBinnedDendHand(t *testing.T) {
	// 1-D, 4 bins, xTrue = {−1, 1}: mean 0, σ = √2 (divisor T−1), box
	// [−2√2, 2√2), f = 4(x + 2√2)/(4√2) = x/√2 + 2: f(−1) = 1.29 → bin 1,
	// f(1) = 2.71 → bin 2. p counts (0, 1, 1, 0) over 4 cells.
	a := LaplaceAlpha
	sp := 2 + 4*a
	p1 := (1 + a) / sp
	for _, tc := range []struct {
		name string
		gen  []float64
		want float64
	}{
		{"same", []float64{1, -1}, 0},
		// q counts (0, 0, 2, 0): bin 1 gets α/S, bin 2 (2+α)/S, S = 2+4α.
		{"one bin", []float64{1, 1}, p1*math.Log(p1/(a/sp)) + p1*math.Log(p1/((2+a)/sp))},
		// −3 has f = −0.12, truncated to 0: dropped as index ≤ 0, like 5
		// (f = 5.5 ≥ 4, outside). −2.7 has f = 0.09, in bin 0: dropped too,
		// so q counts (0, 1, 0, 0) over S_q = 1+4α; the two cells empty in
		// both add 2(α/S_p)·ln(S_q/S_p).
		{"index ≤ 0 and outside dropped", []float64{-3, -1, -2.7, 5},
			p1*math.Log(p1/((1+a)/(1+4*a))) + p1*math.Log(p1/(a/(1+4*a))) + 2*a/sp*math.Log((1+4*a)/sp)},
	} {
		got, err := StateSpaceBinnedDend([]float64{-1, 1}, tc.gen, 1, 4)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: D_stsp = %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
}

func TestStateSpaceBinnedDend2D(t *testing.T) {
	// Truth rows (±1, ±1), all four: each column has mean 0 and σ = √(4/3)
	// = 1.1547, box ±2.309.
	truth := []float64{-1, -1, 1, 1, -1, 1, 1, -1}
	a := LaplaceAlpha
	// 2 bins: f = 2(x + 2.309)/4.619, so x = 1 → 1.43 (bin 1) and x = −1 →
	// 0.57 (bin 0, dropped): only the row (1, 1) counts, in cell (1, 1).
	// Generated (1, 1) and (0.5, 0.5) (f = 1.22) land there too, (−1, 1) is
	// dropped: q counts 2 there. 4 cells.
	sp, sq := 1+4*a, 2+4*a
	want := (1+a)/sp*math.Log((1+a)/sp/((2+a)/sq)) + 3*a/sp*math.Log(sq/sp)
	got, err := StateSpaceBinnedDend(truth, []float64{1, 1, 0.5, 0.5, -1, 1}, 2, 2)
	if err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("2 bins: D_stsp = %.15g, %v; want %.15g", got, err, want)
	}
	// 3 bins: f = 3(x + 2.309)/4.619: x = 1 → 2.15 (bin 2), x = −1 → 0.85
	// (dropped), x = 0 → 1.5 (bin 1). p: cell (2,2) → 1. Generated (0, 0),
	// (1, 0), (1, 1): cells (1,1), (2,1), (2,2), one each. 9 cells.
	sp, sq = 1+9*a, 3+9*a
	want = (1+a)/sp*math.Log(sq/sp) + 2*a/sp*math.Log(a/sp/((1+a)/sq)) + 6*a/sp*math.Log(sq/sp)
	got, err = StateSpaceBinnedDend(truth, []float64{0, 0, 1, 0, 1, 1}, 2, 3)
	if err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("3 bins: D_stsp = %.15g, %v; want %.15g", got, err, want)
	}
}

func TestStateSpaceBinnedDendNotCentred(t *testing.T) {
	// The box is ±2σ about 0, not about the mean: shifting both series by
	// 10σ leaves no ground-truth point inside (the GTF estimator, centred
	// on the data's range, is unchanged by the shift).
	truth := []float64{-1, 1, 0.5, -0.5}
	gen := []float64{-1, 0.5, 0.5, 1}
	shift := func(x []float64, c float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = v + c
		}
		return y
	}
	if _, err := StateSpaceBinnedDend(shift(truth, 10), shift(gen, 10), 1, 4); !errors.Is(err, ErrDegenerate) {
		t.Errorf("shifted data: err = %v, want ErrDegenerate", err)
	}
	g0, _ := StateSpaceBinned(truth, gen, 1, 4)
	g1, _ := StateSpaceBinned(shift(truth, 10), shift(gen, 10), 1, 4)
	if math.Abs(g0-g1) > 1e-12 {
		t.Errorf("GTF estimator moved with the shift: %g vs %g", g0, g1)
	}
	if _, err := StateSpaceBinnedDend(truth, []float64{9, 9}, 1, 4); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("generated outside: err = %v, want ErrOutOfRange", err)
	}
	if v, err := StateSpaceBinnedDend(truth, []float64{math.NaN(), 0}, 1, 4); !errors.Is(err, ErrDiverged) || !math.IsInf(v, 1) {
		t.Errorf("NaN generated: %g, %v; want +Inf, ErrDiverged", v, err)
	}
}
