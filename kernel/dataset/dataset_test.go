package dataset

import (
	"math"
	"testing"
)

func TestLorenzFixedPoints(t *testing.T) {
	l := NewLorenz63()
	d := make([]float64, 3)
	for _, p := range l.FixedPoints() {
		l.Deriv(d, p[:], nil)
		for _, v := range d {
			if math.Abs(v) > 1e-12 {
				t.Fatalf("f%v = %v, want 0", p, d)
			}
		}
	}
	// β(ρ−1) = 72 for the classical parameters.
	if q := l.FixedPoints()[1][0]; math.Abs(q*q-72) > 1e-12 {
		t.Fatalf("fixed point x² = %v, want 72", q*q)
	}
}

// TestJacobians compares the analytic Jacobians with central differences.
func TestJacobians(t *testing.T) {
	type flow interface {
		Deriv(dst, x, u []float64)
		DerivJacobian(dst, x, u []float64)
	}
	for _, f := range []flow{NewLorenz63(), NewRossler()} {
		x := []float64{1.3, -2.1, 17}
		J := make([]float64, 9)
		f.DerivJacobian(J, x, nil)
		p, m := make([]float64, 3), make([]float64, 3)
		for j := 0; j < 3; j++ {
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			xp[j] += 1e-6
			xm[j] -= 1e-6
			f.Deriv(p, xp, nil)
			f.Deriv(m, xm, nil)
			for i := 0; i < 3; i++ {
				if fd := (p[i] - m[i]) / 2e-6; math.Abs(fd-J[i*3+j]) > 1e-6 {
					t.Fatalf("%T J[%d,%d] = %v, fd %v", f, i, j, J[i*3+j], fd)
				}
			}
		}
	}
}

func TestSeries(t *testing.T) {
	for name, x := range map[string][]float64{"lorenz": Lorenz63Data(20000, 0.01, 1), "rossler": RosslerData(20000, 0.05, 1)} {
		if len(x) != 60000 {
			t.Fatalf("%s: %d values", name, len(x))
		}
		for j := 0; j < 3; j++ {
			var s, s2 float64
			for i := j; i < len(x); i += 3 {
				s += x[i]
				s2 += x[i] * x[i]
			}
			mean, v := s/20000, s2/19999
			if math.Abs(mean) > 1e-12 || math.Abs(v-1) > 1e-3 {
				t.Errorf("%s column %d: mean %v var %v, want 0 and 1", name, j, mean, v)
			}
		}
	}
	// Lorenz is chaotic but bounded: z-scored values stay within a few sd,
	// and the series visits both wings (x changes sign repeatedly).
	x := Lorenz63Data(20000, 0.01, 1)
	flips := 0
	for i := 3; i < len(x); i += 3 {
		if math.Abs(x[i]) > 4 {
			t.Fatalf("value %v beyond 4 sd", x[i])
		}
		if (x[i] > 0) != (x[i-3] > 0) {
			flips++
		}
	}
	if flips < 10 {
		t.Errorf("x changed sign only %d times in 200 time units", flips)
	}
}
