package bptt

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/ctrnn"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// TestStepAllocatesNothing checks that a training step allocates nothing in
// steady state, for each model family's tape (its own or the generic one)
// and with every pass the step can take: sparse and generalized forcing,
// adaptive α, TSD's second chain, latent noise.
func TestStepAllocatesNothing(t *testing.T) {
	data := lorenzLike(600, 3)
	cfgs := []Config{
		{SeqLen: 30, Batch: 5, Forcing: Sparse, Interval: 7},
		{SeqLen: 30, Batch: 5, Forcing: Generalized, Adaptive: true, AlphaEvery: 1},
		{SeqLen: 30, Batch: 5, Forcing: Generalized, Alpha: 0.2, TSD: "distill", TSDLambda: 0.1, LatentNoise: "adaptive"},
	}
	mk := []func() models.Trainable{
		func() models.Trainable { return plrnn.NewDendritic(plrnn.Config{M: 9, Bases: 4}, rng.New(1)) },
		func() models.Trainable {
			return plrnn.NewShallow(plrnn.Config{M: 3, Hidden: 20, Clipped: true}, rng.New(1))
		},
		func() models.Trainable { return plrnn.NewVanilla(plrnn.Config{M: 6}, rng.New(1)) },
		func() models.Trainable { return ctrnn.NewMap(ctrnn.Config{M: 5, Tau: 2}, "rk4", 0.1, rng.New(1)) },
	}
	for i, cfg := range cfgs {
		for j, newModel := range mk {
			m := newModel()
			t.Run(fmt.Sprintf("%T/cfg%d", m, i), func(t *testing.T) {
				tr, err := New(m, obs.NewIdentity(3, m.Dim()), data, cfg, 1000, rng.New(uint64(j+1)))
				if err != nil {
					t.Fatal(err)
				}
				for k := 0; k < 3; k++ { // warm up: lazily sized scratch
					if _, err := tr.Step(); err != nil {
						t.Fatal(err)
					}
				}
				if a := testing.AllocsPerRun(5, func() {
					if _, err := tr.Step(); err != nil {
						t.Fatal(err)
					}
				}); a != 0 {
					t.Errorf("a training step allocates %.1f times, want 0", a)
				}
			})
		}
	}
}
