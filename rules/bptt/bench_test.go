package bptt

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// BenchmarkTrainStep measures one BPTT gradient step (sample, forward,
// backward, optimizer) at the dendritic PLRNN paper's Lorenz setting
// (Brenner et al. 2022: M = 22 latents, B = 20 bases, T = 200, batch 16,
// sparse forcing τ = 25) and the GTF paper's shallow PLRNN.
// Target (issue 2): ≤ 2.5 ms per step on one core.
func BenchmarkTrainStep(b *testing.B) {
	data := rotation(5000)
	data3 := make([]float64, 5000*3)
	for t := 0; t < 5000; t++ {
		data3[3*t], data3[3*t+1], data3[3*t+2] = data[2*t], data[2*t+1], data[2*t]*data[2*t+1]
	}
	cases := []struct {
		name string
		m    models.Trainable
		cfg  Config
	}{
		{"dendPLRNN/M=22,B=20,T=200,S=16,stf25", plrnn.NewDendritic(plrnn.Config{M: 22, Bases: 20}, rng.New(1)),
			Config{SeqLen: 200, Batch: 16, Forcing: Sparse, Interval: 25}},
		{"dendPLRNN/M=22,B=20,T=200,S=16,gtf", plrnn.NewDendritic(plrnn.Config{M: 22, Bases: 20, Clipped: true}, rng.New(1)),
			Config{SeqLen: 200, Batch: 16, Forcing: Generalized, Alpha: 0.1}},
		{"shPLRNN/M=3,L=50,T=200,S=16,gtf", plrnn.NewShallow(plrnn.Config{M: 3, Hidden: 50, Clipped: true}, rng.New(1)),
			Config{SeqLen: 200, Batch: 16, Forcing: Generalized, Alpha: 0.1}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			tr, err := New(c.m, obs.NewIdentity(3, c.m.Dim()), data3, c.cfg, 1<<30, rng.New(2))
			if err != nil {
				b.Fatal(err)
			}
			timeSteps(b, tr)
		})
	}
	_ = fmt.Sprint
}

// timeSteps runs training steps for the benchmark's loop, reports ms/step
// and returns the seconds per step.
func timeSteps(b *testing.B, tr *Trainer) float64 {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	sec := b.Elapsed().Seconds() / float64(n)
	b.ReportMetric(sec*1e3, "ms/step")
	return sec
}
