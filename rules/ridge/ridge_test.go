package ridge

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/linalg"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// data draws n samples of p features N(0, 1) + 0.5 and targets
// y = W* x + c* + noise·N(0, 1).
func data(n, p, q int, noise float64, seed uint64) (x, y, wStar, cStar []float64) {
	r := rng.New(seed)
	x, y = make([]float64, n*p), make([]float64, n*q)
	wStar, cStar = make([]float64, q*p), make([]float64, q)
	r.FillNorm(x, 1)
	for i := range x {
		x[i] += 0.5
	}
	r.FillNorm(wStar, 1)
	r.FillNorm(cStar, 1)
	for t := 0; t < n; t++ {
		for k := 0; k < q; k++ {
			s := cStar[k] + noise*r.Norm()
			for j := 0; j < p; j++ {
				s += wStar[k*p+j] * x[t*p+j]
			}
			y[t*q+k] = s
		}
	}
	return
}

// TestDirectSolve: the Cholesky readout equals the solution of the
// augmented normal equations [XᵀX + λD, Xᵀ1; 1ᵀX, n] [w; c] = [Xᵀy; 1ᵀy]
// (D penalises w, not c) solved by Gaussian elimination (kernel/linalg),
// to 1e-10.
func TestDirectSolve(t *testing.T) {
	const n, p, q, lambda = 200, 7, 2, 3.5
	x, y, _, _ := data(n, p, q, 0.3, 1)
	r, err := Fit(x, p, y, q, lambda)
	if err != nil {
		t.Fatal(err)
	}
	m := p + 1
	for k := 0; k < q; k++ {
		a, b := make([]float64, m*m), make([]float64, m)
		for s := 0; s < n; s++ {
			row := append(append([]float64(nil), x[s*p:(s+1)*p]...), 1)
			for i := 0; i < m; i++ {
				for j := 0; j < m; j++ {
					a[i*m+j] += row[i] * row[j]
				}
				b[i] += row[i] * y[s*q+k]
			}
		}
		for j := 0; j < p; j++ {
			a[j*m+j] += lambda
		}
		if !linalg.Solve(a, b, m) {
			t.Fatal("singular")
		}
		for j := 0; j < p; j++ {
			if d := math.Abs(r.W[k*p+j] - b[j]); d > 1e-10 {
				t.Errorf("W[%d,%d] = %v, direct %v", k, j, r.W[k*p+j], b[j])
			}
		}
		if d := math.Abs(r.C[k] - b[p]); d > 1e-10 {
			t.Errorf("c[%d] = %v, direct %v", k, r.C[k], b[p])
		}
	}
}

// TestRecovers: noise-free data and λ = 0 give back W* and c* to 1e-9.
func TestRecovers(t *testing.T) {
	x, y, w, c := data(50, 5, 3, 0, 2)
	r, err := Fit(x, 5, y, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w {
		if math.Abs(r.W[i]-w[i]) > 1e-9 {
			t.Fatalf("W[%d] = %v, want %v", i, r.W[i], w[i])
		}
	}
	for i := range c {
		if math.Abs(r.C[i]-c[i]) > 1e-9 {
			t.Fatalf("c[%d] = %v, want %v", i, r.C[i], c[i])
		}
	}
}

// TestSelect: with 60 training samples of 50 features and noise 2, the least
// squares fit overfits, so validation picks a λ > 0 whose validation error
// is the smallest of the grid and below that of λ = 0.
func TestSelect(t *testing.T) {
	const p, q = 50, 1
	x, y, _, _ := data(560, p, q, 2, 3)
	lambdas := []float64{0, 1e-2, 1, 10, 100, 1e3}
	r, errs, err := Select(x[:60*p], y[:60*q], x[60*p:], y[60*q:], p, q, lambdas)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e < r.mse {
			t.Fatalf("λ = %v has validation error %v below the chosen %v's %v", lambdas[i], e, r.Lambda, r.mse)
		}
	}
	if r.Lambda == 0 || errs[0] <= r.mse {
		t.Fatalf("chose λ = %v (errors %v)", r.Lambda, errs)
	}
}

// TestErrors: bad input is refused with a message.
func TestErrors(t *testing.T) {
	x, y, _, _ := data(10, 2, 1, 0, 4)
	if _, err := Fit(x, 2, y, 1, -1); err == nil {
		t.Error("negative λ accepted")
	}
	x[3] = math.NaN()
	if _, err := Fit(x, 2, y, 1, 1); err == nil {
		t.Error("NaN feature accepted")
	}
	if _, err := Fit(x[:5], 2, y, 1, 1); err == nil {
		t.Error("ragged x accepted")
	}
}

// TestGolden pins the bits of a fit; it runs natively and under js/wasm,
// where the fit (plain loops, no BLAS) must give the same bits.
func TestGolden(t *testing.T) {
	x, y, _, _ := data(300, 20, 3, 0.5, 5)
	r, err := Fit(x, 20, y, 3, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/golden.txt", fmt.Sprintf("W=%016x C=%016x\n", golden.HashBits(r.W), golden.HashBits(r.C)))
}
