package dataset

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/ode"
)

// TestRosslerFixedPoints: the equilibria have zero derivative; for a = b = 0.2,
// c = 5.7 the inner one has x = (5.7 − √32.33)/2 = 0.0070262 (c² − 4ab = 32.33).
func TestRosslerFixedPoints(t *testing.T) {
	r := NewRossler()
	p := r.FixedPoints()
	if len(p) != 2 {
		t.Fatalf("%d fixed points, want 2", len(p))
	}
	d := make([]float64, 3)
	for _, q := range p {
		r.Deriv(d, q[:], nil)
		for _, v := range d {
			if math.Abs(v) > 1e-12 {
				t.Fatalf("f%v = %v, want 0", q, d)
			}
		}
	}
	if math.Abs(p[0][0]-0.0070262) > 1e-7 {
		t.Errorf("inner fixed point x = %v, want 0.0070262", p[0][0])
	}
}

// TestLyapunov estimates Lorenz-63's largest Lyapunov exponent by carrying a
// tangent vector with the exact RK4 step Jacobian (Benettin et al. 1980) over
// 500 time units; the reference value is 0.9056 (Sprott 2003). This checks
// the analytic Jacobian, ode.RK4.Jacobian and Generate together.
func TestLyapunov(t *testing.T) {
	const h, T = 0.01, 50000 // 500 time units
	m := ode.NewRK4(NewLorenz63(), h)
	x := Generate(NewLorenz63(), []float64{1, 1, 20}, h, 1, 5000, 1)
	v, w, y := []float64{1, 0, 0}, make([]float64, 3), make([]float64, 3)
	J := make([]float64, 9)
	var sum float64
	for s := 0; s < T; s++ {
		m.Jacobian(J, x, nil)
		for i := 0; i < 3; i++ {
			w[i] = J[i*3]*v[0] + J[i*3+1]*v[1] + J[i*3+2]*v[2]
		}
		n := math.Sqrt(w[0]*w[0] + w[1]*w[1] + w[2]*w[2])
		sum += math.Log(n)
		for i := range v {
			v[i] = w[i] / n
		}
		m.Step(y, x, nil)
		x, y = y, x
	}
	if l := sum / (T * h); math.Abs(l-0.9056) > 0.03 {
		t.Errorf("λ1 = %.4f, want 0.9056 ± 0.03", l)
	} else {
		t.Logf("λ1 = %.4f (reference 0.9056)", l)
	}
}

// TestZScore on a hand-computed series: column 0 is 1, 2, 3, 4 (mean 2.5,
// sample variance 5/3), column 1 is constant 7 (centred only).
func TestZScore(t *testing.T) {
	x := []float64{1, 7, 2, 7, 3, 7, 4, 7}
	mean, sd := ZScore(x, 2)
	s := math.Sqrt(5.0 / 3)
	if mean[0] != 2.5 || mean[1] != 7 || math.Abs(sd[0]-s) > 1e-15 || sd[1] != 0 {
		t.Fatalf("mean %v sd %v, want [2.5 7] [%v 0]", mean, sd, s)
	}
	want := []float64{-1.5 / s, 0, -0.5 / s, 0, 0.5 / s, 0, 1.5 / s, 0}
	for i := range x {
		if math.Abs(x[i]-want[i]) > 1e-15 {
			t.Fatalf("z-scored %v, want %v", x, want)
		}
	}
}

// TestSplit: ⌊frac·T⌋ training rows, the rest for testing, aliasing x, and
// appending to train leaves test intact.
func TestSplit(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} // 5 rows of 2
	train, test := Split(x, 2, 0.7)              // ⌊3.5⌋ = 3 rows
	if len(train) != 6 || len(test) != 4 || test[0] != 6 || &train[0] != &x[0] {
		t.Fatalf("Split = %v | %v", train, test)
	}
	_ = append(train, -1)
	if test[0] != 6 {
		t.Fatalf("append to train overwrote test")
	}
	if tr, te := Split(x, 2, 1); len(tr) != 10 || len(te) != 0 {
		t.Fatalf("Split(frac=1) = %d | %d values", len(tr), len(te))
	}
}

// TestGenerateEvery: subsampling keeps exactly every every-th state after
// the transient.
func TestGenerateEvery(t *testing.T) {
	x0 := []float64{1, 2, 3}
	all := Generate(NewRossler(), x0, 0.05, 60, 10, 1)
	sub := Generate(NewRossler(), x0, 0.05, 20, 10, 3)
	for r := 0; r < 20; r++ {
		for i := 0; i < 3; i++ {
			if sub[r*3+i] != all[(3*r+2)*3+i] {
				t.Fatalf("row %d: %v, want %v", r, sub[r*3:r*3+3], all[(3*r+2)*3:(3*r+3)*3])
			}
		}
	}
}
