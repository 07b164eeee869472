package bptt

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// BenchmarkTrainStepSizes sweeps the dendritic PLRNN's training step over
// model sizes and batch sizes at the dendPLRNN paper's setting (B = 20
// bases, T = 200, sparse forcing τ = 25 of the N = 3 observed latents), the
// shape of the PyTorch peer in build/bench/torch_step.py. It reports ms/step and the step's GFLOP/s,
// counting the three dense products of every time step (forward W·φ,
// backward Wᵀg and the gradient g⊗φ): 3·2·S·M² flops per step.
func BenchmarkTrainStepSizes(b *testing.B) {
	const T, rows = 200, 4000
	for _, m := range []int{15, 22, 50, 100, 200} {
		data := lorenzLike(rows, 3)
		for _, s := range []int{16, 64} {
			b.Run(fmt.Sprintf("M=%d/S=%d", m, s), func(b *testing.B) {
				model := plrnn.NewDendritic(plrnn.Config{M: m, Bases: 20}, rng.New(1))
				tr, err := New(model, obs.NewIdentity(3, m), data, Config{SeqLen: T, Batch: s, Forcing: Sparse, Interval: 25, LR: 1e-4}, 1<<30, rng.New(2))
				if err != nil {
					b.Fatal(err)
				}
				sec := timeSteps(b, tr)
				flops := 3 * 2 * float64(T*s*m*m)
				b.ReportMetric(flops/sec/1e9, "GFLOP/s")
			})
		}
	}
}

// lorenzLike returns a smooth, bounded rows×n series (sines of different
// frequencies, the PyTorch peer's data) for the benchmarks.
func lorenzLike(rows, n int) []float64 {
	x := make([]float64, rows*n)
	for t := 0; t < rows; t++ {
		for i := 0; i < n; i++ {
			ph := 0.05*float64(1+i)*float64(t) + float64(i)
			x[t*n+i] = math.Sin(ph)
		}
	}
	return x
}
