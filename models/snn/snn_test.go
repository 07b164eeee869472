package snn

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

var _ models.Differentiable = (*Net)(nil)

func randomState(n *Net, r *rng.Rand, rows int) []float64 {
	x := make([]float64, rows*2*n.N)
	for i := range x {
		if (i/n.N)%2 == 0 {
			x[i] = r.Norm() // currents
		} else {
			x[i] = r.Uniform(-0.5, 1.5) // potentials around θ = 1
		}
	}
	return x
}

// TestAdjoint: ⟨g, J v⟩ = ⟨VJP(g), v⟩ for the surrogate Jacobian, to
// rounding, and the batched VJP equals the row-by-row one.
func TestAdjoint(t *testing.T) {
	n, _ := New(Config{N: 7, K: 2, TauMem: 20, TauSyn: 5, Dt: 1}, rng.New(1))
	r := rng.New(2)
	x := randomState(n, r, 1)
	u := []float64{0.3, -1}
	M := 14
	J := make([]float64, M*M)
	n.Jacobian(J, x, u)
	g, v := make([]float64, M), make([]float64, M)
	r.FillNorm(g, 1)
	r.FillNorm(v, 1)
	var lhs, rhs float64
	for i := 0; i < M; i++ {
		for j := 0; j < M; j++ {
			lhs += g[i] * J[i*M+j] * v[j]
		}
	}
	gx := make([]float64, M)
	n.VJP(gx, nil, x, u, g)
	for j := range v {
		rhs += gx[j] * v[j]
	}
	if math.Abs(lhs-rhs) > 1e-12*math.Max(1, math.Abs(lhs)) {
		t.Fatalf("⟨g, Jv⟩ = %v, ⟨Jᵀg, v⟩ = %v", lhs, rhs)
	}
}

// TestParamGradient: the parameter gradient is exact (spikes do not depend
// on θ within one step), so it matches central differences of ⟨g, F(x; θ)⟩
// to 1e-8 for every parameter, on a batch of 3 states.
func TestParamGradient(t *testing.T) {
	n, _ := New(Config{N: 5, K: 2, TauMem: 20, TauSyn: 5, Dt: 1}, rng.New(3))
	r := rng.New(4)
	x := randomState(n, r, 3)
	u := make([]float64, 6)
	r.FillNorm(u, 1)
	g := make([]float64, len(x))
	r.FillNorm(g, 1)
	gtheta := make([]float64, len(n.Params()))
	gx := make([]float64, len(x))
	n.VJP(gx, gtheta, x, u, g)
	y := make([]float64, len(x))
	f := func() float64 {
		n.Step(y, x, u)
		var s float64
		for i := range y {
			s += g[i] * y[i]
		}
		return s
	}
	th := n.Params()
	for p := range th {
		old := th[p]
		th[p] = old + 1e-6
		fp := f()
		th[p] = old - 1e-6
		fm := f()
		th[p] = old
		if fd := (fp - fm) / 2e-6; math.Abs(fd-gtheta[p]) > 1e-8*math.Max(1, math.Abs(fd)) {
			t.Fatalf("∂/∂θ[%d] = %v, finite difference %v", p, gtheta[p], fd)
		}
	}
}

// TestStep: a neuron above threshold spikes, is reset and sends W to its
// targets' currents; below threshold V relaxes towards I with factor β.
func TestStep(t *testing.T) {
	n, _ := New(Config{N: 2, TauMem: 20, TauSyn: 5, Dt: 1}, nil)
	n.W[1*2+0] = 0.7                   // 0 → 1
	x := []float64{0.2, 0.4, 1.3, 0.5} // I0, I1, V0 ≥ θ, V1
	y := make([]float64, 4)
	n.Step(y, x, nil)
	a, b := math.Exp(-0.2), math.Exp(-0.05)
	want := []float64{a * 0.2, a*0.4 + 0.7, 0, b*0.5 + (1-b)*0.4}
	for i := range want {
		if math.Abs(y[i]-want[i]) > 1e-15 {
			t.Fatalf("y[%d] = %v, want %v", i, y[i], want[i])
		}
	}
	if _, err := New(Config{N: 2, TauMem: 20, Dt: 1}, nil); err == nil || !strings.Contains(err.Error(), "TauSyn") {
		t.Fatalf("missing TauSyn: %v", err)
	}
}
