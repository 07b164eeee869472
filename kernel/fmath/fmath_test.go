package fmath_test

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// ulps returns the distance in units in the last place between a and b.
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	d := math.Abs(a - b)
	m := math.Max(math.Abs(a), math.Abs(b))
	return d / (math.Nextafter(m, math.Inf(1)) - m)
}

// TestAgainstStdlib compares with the standard library, itself accurate to
// below one ulp, so two functions each within one ulp may differ by two.
func TestAgainstStdlib(t *testing.T) {
	r := rng.New(1)
	fns := []struct {
		name   string
		ours   func(float64) float64
		ref    func(float64) float64
		lo, hi float64
		maxULP float64
	}{
		{"Exp", fmath.Exp, math.Exp, -700, 700, 2},
		{"Exp small", fmath.Exp, math.Exp, -1, 1, 2},
		{"Log", fmath.Log, math.Log, 1e-300, 1e300, 1},
		{"Log near 1", fmath.Log, math.Log, 0.5, 2, 1},
		{"Expm1", fmath.Expm1, math.Expm1, -0.5, 0.5, 4},
		{"Expm1 tiny", fmath.Expm1, math.Expm1, -1e-9, 1e-9, 2},
		{"Tanh", fmath.Tanh, math.Tanh, -25, 25, 4},
		{"Tanh small", fmath.Tanh, math.Tanh, -1e-3, 1e-3, 4},
	}
	for _, f := range fns {
		worst := 0.0
		for i := 0; i < 20000; i++ {
			var x float64
			if f.name == "Log" {
				x = math.Exp(math.Log(f.lo) + r.Float64()*(math.Log(f.hi)-math.Log(f.lo)))
			} else {
				x = f.lo + r.Float64()*(f.hi-f.lo)
			}
			if u := ulps(f.ours(x), f.ref(x)); u > worst {
				worst = u
			}
		}
		if worst > f.maxULP {
			t.Errorf("%s: worst error %.1f ulp, want ≤ %.0f", f.name, worst, f.maxULP)
		}
	}
}

func TestSpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		name      string
		got, want float64
	}{
		{"fmath.Exp(0)", fmath.Exp(0), 1},
		{"fmath.Exp(1)", fmath.Exp(1), math.E},
		{"fmath.Exp(+Inf)", fmath.Exp(inf), inf},
		{"fmath.Exp(-Inf)", fmath.Exp(-inf), 0},
		{"fmath.Exp(800)", fmath.Exp(800), inf},
		{"fmath.Exp(-800)", fmath.Exp(-800), 0},
		{"fmath.Log(1)", fmath.Log(1), 0},
		{"fmath.Log(e)", fmath.Log(math.E), 1},
		{"fmath.Log(0)", fmath.Log(0), -inf},
		{"fmath.Log(+Inf)", fmath.Log(inf), inf},
		{"fmath.Tanh(0)", fmath.Tanh(0), 0},
		{"fmath.Tanh(30)", fmath.Tanh(30), 1},
		{"fmath.Tanh(-30)", fmath.Tanh(-30), -1},
		{"fmath.Sigmoid(0)", fmath.Sigmoid(0), 0.5},
		{"fmath.Expm1(0)", fmath.Expm1(0), 0},
		{"fmath.Expm1(-Inf)", fmath.Expm1(-inf), -1},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, f := range []func(float64) float64{fmath.Exp, fmath.Log, fmath.Expm1, fmath.Tanh, fmath.Sigmoid} {
		if !math.IsNaN(f(nan)) {
			t.Errorf("f(NaN) is not NaN")
		}
	}
	if !math.IsNaN(fmath.Log(-1)) {
		t.Errorf("fmath.Log(-1) is not NaN")
	}
}

func BenchmarkExp(b *testing.B) {
	b.ReportAllocs()
	x, s := 0.1, 0.0
	for b.Loop() {
		s += fmath.Exp(x)
		x += 1e-6
	}
	_ = s
}
