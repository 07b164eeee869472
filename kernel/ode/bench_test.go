package ode_test

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// BenchmarkRK4 measures one RK4 step and one VJP of a dense linear flow on
// a batch of 16 states, sweeping the dimension M; the metric is state-steps
// per second.
func BenchmarkRK4(b *testing.B) {
	const batch = 16
	for _, m := range []int{4, 32, 128} {
		f := newLinear(m, 0, nil)
		rng.New(1).FillNorm(f.theta, 0.1)
		r := ode.NewRK4(f, 0.01)
		x, y := make([]float64, batch*m), make([]float64, batch*m)
		rng.New(2).FillNorm(x, 1)
		g := make([]float64, batch*m)
		r.VJP(g, f.theta, x, nil, y) // grow the scratch before timing
		b.Run(fmt.Sprintf("Step/M=%d", m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Step(y, x, nil)
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "state-steps/s")
		})
		b.Run(fmt.Sprintf("VJP/M=%d", m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.VJP(g, f.theta, x, nil, y)
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "state-steps/s")
		})
	}
}
