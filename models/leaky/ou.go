package leaky

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// NewOU returns the OU constants at step dt for time constant τ (seconds), as
// the reference initconstants: eps1 = 1 − dt/τ, eps2 = √(2dt/τ).
func NewOU(dt, tau float64) OU {
	return OU{A: 1 - dt/tau, B: math.Sqrt(2 * dt / tau)}
}

// Start fills eta with η₀ ~ N(0, 1) (Normal, in index order).
func (o OU) Start(eta []float64, r *rng.Rand) {
	for i := range eta {
		eta[i] = Normal(r)
	}
}

// Advance sets η ← A η + B ξ with ξ ~ N(0, 1) drawn from r in index order
// (Normal).
func (o OU) Advance(eta []float64, r *rng.Rand) {
	a, b := o.A, o.B
	for i, e := range eta {
		// Normal, its fast path inline
		bits := r.Uint64()
		j := bits & (zigC - 1)
		u := 2*(float64(bits>>11)/(1<<53)) - 1
		var z float64
		if math.Abs(u) < zigRatio[j] {
			z = float64(u * zigX[j])
		} else {
			z = normalSlow(r, u, j)
		}
		eta[i] = float64(a*e) + float64(b*z)
	}
}
