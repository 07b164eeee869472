package ctrnn

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

func TestConformance(t *testing.T) {
	for _, k := range []int{0, 2} {
		for _, method := range []string{"euler", "rk4"} {
			m := NewMap(Config{M: 5, K: k, Tau: 2}, method, 0.2, rng.New(1))
			rng.New(2).FillNorm(m.Params()[25:], 0.5) // nonzero B and b
			modeltest.Conformance(t, m, nil)
		}
	}
}

// TestRelaxation: with W = 0 and constant b, τ dx/dt = −x + b relaxes as
// x(t) = b + (x0 − b) e^{−t/τ}; RK4 at h = 0.05 (h/τ = 0.1, local error ≈ (h/τ)⁵/120) matches it to 1e-6.
func TestRelaxation(t *testing.T) {
	n := New(Config{M: 2, Tau: 0.5}, nil)
	n.Bias[0], n.Bias[1] = 1, -2
	m := ode.NewRK4(n, 0.05)
	x := []float64{3, 0}
	traj := make([]float64, 40*2)
	models.Rollout(traj, m, x, nil, 40)
	for s := 1; s <= 40; s++ {
		tt := 0.05 * float64(s)
		for i, b := range []float64{1, -2} {
			want := b + (x[i]-b)*math.Exp(-tt/0.5)
			if got := traj[(s-1)*2+i]; math.Abs(got-want) > 1e-6 {
				t.Fatalf("t=%.2f unit %d: %v, want %v", tt, i, got, want)
			}
		}
	}
}
