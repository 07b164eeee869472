package tasktrain

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// synthetic is a batch of S trials with a warm-up of W steps and T recorded
// steps in two epochs (fixation half, response half), random inputs: the
// shape of the PyTorch reference step.
func synthetic(S, W, T int, r *rng.Rand) *cogtask.Batch {
	in := func() []float64 {
		x := make([]float64, S*cogtask.Inputs)
		r.FillUniform(x, 0, 1)
		return x
	}
	tgt := make([]float64, S*cogtask.Outputs)
	r.FillUniform(tgt, 0.05, 0.85)
	return &cogtask.Batch{Trials: S, Warmup: W, WarmInput: in(), Steps: []int{T / 2, T - T/2},
		Input: [][]float64{in(), in()}, TargetFix: tgt, TargetOut: tgt, Wait: T / 10, Test: T - T/2,
		NonMatch: make([]bool, S)}
}

// stepFlops is the multiply–add count of one training step: the recurrent
// products forward (warm-up and recorded) and, over the recorded steps,
// backward (state cotangent and weight gradient): 2·S·N²·(W + 3T).
func stepFlops(N, S, W, T int) float64 { return 2 * float64(S*N*N) * float64(W+3*T) }

// BenchmarkTrainStep measures one training step (forward with warm-up,
// backward, Adam) at the two sizes. PyTorch 1.13, one core, float32
// (the reference): 14.8 ms and 406 ms.
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range []struct{ N, S, W, T int }{{64, 32, 40, 100}, {256, 64, 200, 500}} {
		b.Run(fmt.Sprintf("N=%d,S=%d,T=%d+%d", c.N, c.S, c.T, c.W), func(b *testing.B) {
			r := rng.New(1)
			n := newNetwork(leaky.Config{N: c.N, K: cogtask.Inputs, Q: cogtask.Outputs}, r)
			bt := synthetic(c.S, c.W, c.T, r)
			cfg := Config{LR: 0.1 / float64(c.N)}
			var w work
			b.ReportAllocs()
			for b.Loop() {
				clear(n.grad)
				w.lossGrad(n.Model, bt, 0.005, Skipping{}, n.Rand, n.grad)
				n.Adam.Update(n.Model.Params(), n.grad, cfg.LR)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec*1000, "ms/step")
			b.ReportMetric(stepFlops(c.N, c.S, c.W, c.T)/sec/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkEnsembleStep measures one Adam step of each of 100 networks of
// N = 50 (20 trials, 600 recorded steps, no warm-up) spread over
// GOMAXPROCS workers (run with -cpu 1,2).
func BenchmarkEnsembleStep(b *testing.B) {
	const K, N, S, T = 100, 50, 20, 600
	r := rng.New(1)
	nets := make([]*Network, K)
	for i := range nets {
		nets[i] = newNetwork(leaky.Config{N: N, K: cogtask.Inputs, Q: cogtask.Outputs}, r.Split())
	}
	bt := synthetic(S, 0, T, r)
	P := runtime.GOMAXPROCS(0)
	works := make([]*work, P)
	for i := range works {
		works[i] = new(work)
	}
	b.ReportAllocs()
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for _, w := range works {
			wg.Add(1)
			go func(w *work) {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= K {
						return
					}
					n := nets[i]
					clear(n.grad)
					w.lossGrad(n.Model, bt, 0.005, Skipping{}, n.Rand, n.grad)
					n.Adam.Update(n.Model.Params(), n.grad, 0.1/N)
				}
			}(w)
		}
		wg.Wait()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(K/sec, "net-steps/s")
	b.ReportMetric(K*stepFlops(N, S, 0, T)/sec/1e9, "GFLOP/s")
}
