package balanced_test

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/balanced"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// BenchmarkBPTT measures one BPTT training step (16 windows of 200 steps,
// sparse teacher forcing every 25 steps, on z-scored Lorenz-63 read from the
// first 3 units) of the autonomous E/I network at M = 64 (48 E + 16 I, the
// tutorial's size) and M = 256, Euler h = 1, τ_E 10, τ_I 5.
func BenchmarkBPTT(b *testing.B) {
	data := dataset.Lorenz63Data(5000, 0.01, 1)
	for _, m := range []int{64, 256} {
		b.Run(fmt.Sprintf("M=%d", m), func(b *testing.B) {
			cfg := balanced.Tutorial(0)
			cfg.NE, cfg.NI = m*3/4, m/4
			net, err := balanced.NewMap(cfg, "euler", 1, rng.New(1))
			if err != nil {
				b.Fatal(err)
			}
			tr, err := bptt.New(net, obs.NewIdentity(3, m), data,
				bptt.Config{SeqLen: 200, Batch: 16, Forcing: bptt.Sparse, Interval: 25}, 1<<30, rng.New(2))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := tr.Step(); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
