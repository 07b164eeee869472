package ctrnn

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// BenchmarkRK4 measures an RK4 step and its VJP (with the θ-gradient) on a
// batch of 16 states, sweeping M; the metric is neuron-steps per second.
func BenchmarkRK4(b *testing.B) {
	const batch = 16
	for _, m := range []int{16, 64, 256} {
		mp := NewMap(Config{M: m, Tau: 1}, "rk4", 0.1, rng.New(1))
		x, y, g := make([]float64, batch*m), make([]float64, batch*m), make([]float64, batch*m)
		rng.New(2).FillNorm(x, 1)
		gtheta := make([]float64, len(mp.Params()))
		mp.VJP(g, gtheta, x, nil, y) // grow the scratch before timing
		b.Run(fmt.Sprintf("Step/M=%d", m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mp.Step(y, x, nil)
			}
			b.ReportMetric(float64(b.N*batch*m)/b.Elapsed().Seconds(), "neuron-steps/s")
		})
		b.Run(fmt.Sprintf("VJP/M=%d", m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mp.VJP(g, gtheta, x, nil, y)
			}
			b.ReportMetric(float64(b.N*batch*m)/b.Elapsed().Seconds(), "neuron-steps/s")
		})
	}
}
