package lyap

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/ode"
)

// diag is the linear map x' = diag(a) x, whose exponents are log|a_i|
// exactly (sorted by |a_i|).
type diag struct{ a []float64 }

func (d diag) Dim() int { return len(d.a) }
func (d diag) Step(dst, x, u []float64) {
	for i := range x {
		dst[i] = d.a[i] * x[i]
	}
}
func (d diag) Jacobian(dst, x, u []float64) {
	n := len(d.a)
	clear(dst[:n*n])
	for i, v := range d.a {
		dst[i*n+i] = v
	}
}

func TestDiagonalMap(t *testing.T) {
	m := diag{[]float64{1.5, -0.9, 0.5}}
	got, err := Spectrum(m, []float64{1e-3, 1e-3, 1e-3}, 200, &Settings{Transient: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{math.Log(1.5), math.Log(0.9), math.Log(0.5)}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("λ = %v, want %v", got, want)
		}
	}
	// With a step of dt = 0.1 the same numbers are rates per unit time ×10.
	got, _ = Spectrum(m, []float64{1e-3, 1e-3, 1e-3}, 200, &Settings{Transient: 10, Dt: 0.1})
	if math.Abs(got[0]-10*math.Log(1.5)) > 1e-10 {
		t.Fatalf("per unit time: %v", got[0])
	}
}

// henon is the Hénon map x' = 1 − a x² + y, y' = b x with a = 1.4, b = 0.3
// (M. Hénon, Commun. Math. Phys. 50, 1976).
type henon struct{}

func (henon) Dim() int { return 2 }
func (henon) Step(dst, x, u []float64) {
	dst[0], dst[1] = 1-1.4*x[0]*x[0]+x[1], 0.3*x[0]
}
func (henon) Jacobian(dst, x, u []float64) {
	dst[0], dst[1], dst[2], dst[3] = -2.8*x[0], 1, 0.3, 0
}

// TestHenon: λ1 ≈ 0.419 and λ1 + λ2 = log|det J| = log 0.3 exactly
// (Sprott, Chaos and Time-Series Analysis, 2003, Table A.1: λ = 0.41922,
// −1.62319).
func TestHenon(t *testing.T) {
	got, err := Spectrum(henon{}, []float64{0.1, 0.1}, 200000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got[0]-0.41922) > 0.005 {
		t.Errorf("λ1 = %.5f, want 0.41922", got[0])
	}
	if math.Abs(got[0]+got[1]-math.Log(0.3)) > 1e-9 {
		t.Errorf("λ1+λ2 = %.12f, want log 0.3 = %.12f", got[0]+got[1], math.Log(0.3))
	}
	if d := KaplanYorke(got); math.Abs(d-1.258) > 0.005 {
		t.Errorf("Kaplan–Yorke dimension %.4f, want 1.258", d)
	}
}

// TestLorenz: the Lorenz-63 spectrum per unit time is (0.9056, 0, −14.5723)
// (Sprott 2003, Table A.1; Viswanath, PhD thesis 1998, gives λ1 = 0.9056)
// and sums to the divergence −(σ + 1 + β) = −13.6667.
func TestLorenz(t *testing.T) {
	if testing.Short() {
		t.Skip("integrates 1000 time units")
	}
	const h = 0.01
	m := ode.NewRK4(dataset.NewLorenz63(), h)
	got, err := Spectrum(m, []float64{1, 1, 20}, 100000, &Settings{Dt: h, Transient: 2000})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.9056, 0, -14.5723}
	tol := []float64{0.03, 0.01, 0.05}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol[i] {
			t.Errorf("λ%d = %.4f, want %.4f ± %.2f", i+1, got[i], want[i], tol[i])
		}
	}
	if s := got[0] + got[1] + got[2]; math.Abs(s+13.6667) > 0.01 {
		t.Errorf("sum %.4f, want −13.6667", s)
	}
	if d := KaplanYorke(got); math.Abs(d-2.062) > 0.01 {
		t.Errorf("Kaplan–Yorke dimension %.4f, want 2.062", d)
	}
}

func TestKaplanYorke(t *testing.T) {
	cases := []struct {
		l    []float64
		want float64
	}{
		{[]float64{-0.1, -1}, 0},
		{[]float64{0.5, -1}, 1.5},
		{[]float64{1, 0, -2}, 2.5},
		{[]float64{0.1, 0.1}, 2},
	}
	for _, c := range cases {
		if got := KaplanYorke(c.l); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("KaplanYorke(%v) = %v, want %v", c.l, got, c.want)
		}
	}
}

func TestDiverged(t *testing.T) {
	_, err := Spectrum(diag{[]float64{1e200, 1}}, []float64{1e200, 1}, 10, &Settings{Transient: 1})
	if err == nil {
		t.Fatal("diverging orbit not reported")
	}
}

// TestRossler: the Rössler system (a = b = 0.2, c = 5.7) has the spectrum
// (0.0714, 0, −5.3943) per unit time (Sprott 2003, Table A.1).
func TestRossler(t *testing.T) {
	if testing.Short() {
		t.Skip("integrates 3000 time units")
	}
	const h = 0.02
	m := ode.NewRK4(dataset.NewRossler(), h)
	got, err := Spectrum(m, []float64{1, 1, 0}, 150000, &Settings{Dt: h, Transient: 5000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Rössler spectrum %.4f", got)
	want := []float64{0.0714, 0, -5.3943}
	tol := []float64{0.01, 0.01, 0.05}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol[i] {
			t.Errorf("λ%d = %.4f, want %.4f ± %.2f", i+1, got[i], want[i], tol[i])
		}
	}
}

// TestJacobians: the product of the Jacobians along an orbit of the Hénon map
// has determinant (−0.3)^T, since det J = −b everywhere.
func TestJacobians(t *testing.T) {
	js := Jacobians(henon{}, []float64{0.1, 0.1}, 5)
	for _, J := range js {
		if det := J[0]*J[3] - J[1]*J[2]; math.Abs(det+0.3) > 1e-15 {
			t.Fatalf("det J = %v, want −0.3", det)
		}
	}
	if len(js) != 5 || math.Abs(js[0][0]+0.28) > 1e-15 {
		t.Fatalf("first Jacobian %v, want −2.8·0.1 = −0.28 at [0,0]", js[0])
	}
}

// TestQREvery: re-orthonormalising every r steps gives the same spectrum as
// every step — exactly for a diagonal map, to the estimator's own accuracy
// for Hénon and Lorenz-63 (whose exponents are known: see TestHenon and
// TestLorenz) — including the last partial interval.
func TestQREvery(t *testing.T) {
	d := diag{[]float64{0.5, -2, 1.1}}
	a, _ := Spectrum(d, []float64{1e-3, 1e-3, 1e-3}, 203, &Settings{Transient: 10})
	b, _ := Spectrum(d, []float64{1e-3, 1e-3, 1e-3}, 203, &Settings{Transient: 10, QREvery: 7})
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			t.Fatalf("diagonal map: every step %v, every 7 steps %v", a, b)
		}
	}
	h1, _ := Spectrum(henon{}, []float64{0.1, 0.1}, 100000, nil)
	h5, _ := Spectrum(henon{}, []float64{0.1, 0.1}, 100000, &Settings{QREvery: 5})
	if math.Abs(h1[0]-h5[0]) > 1e-6 || math.Abs((h5[0]+h5[1])-math.Log(0.3)) > 1e-9 {
		t.Fatalf("Hénon: every step %v, every 5 steps %v", h1, h5)
	}
	const h = 0.01
	m := ode.NewRK4(dataset.NewLorenz63(), h)
	l1, _ := Spectrum(m, []float64{1, 1, 20}, 20000, &Settings{Dt: h, Transient: 2000})
	l10, _ := Spectrum(m, []float64{1, 1, 20}, 20000, &Settings{Dt: h, Transient: 2000, QREvery: 10})
	for i := range l1 {
		if math.Abs(l1[i]-l10[i]) > 1e-6 {
			t.Fatalf("Lorenz: every step %v, every 10 steps %v", l1, l10)
		}
	}
}
