package bptt

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// TestGoldenTraining pins the parameters reached after 40 training steps of
// each forcing scheme, bit for bit; `make test` runs it natively and under
// js/wasm, proving the same seed trains the same model on both targets.
func TestGoldenTraining(t *testing.T) {
	var b strings.Builder
	data := toySeries(400)
	cfgs := []Config{
		{SeqLen: 25, Batch: 4, Forcing: Sparse, Interval: 5, Noise: 0.05, ClipNorm: 1},
		{SeqLen: 25, Batch: 4, Forcing: Generalized, Adaptive: true, AlphaEvery: 3},
		{SeqLen: 25, Batch: 4, Forcing: Generalized, Alpha: 0.2, Optimizer: "adam", MARRatio: 0.5, MARLambda: 0.01},
	}
	for i, cfg := range cfgs {
		m := plrnn.NewDendritic(plrnn.Config{M: 5, Bases: 4, Clipped: true}, rng.New(uint64(i+1)))
		tr, err := New(m, obs.NewAffine(2, 5, rng.New(9)), data, cfg, 40, rng.New(3))
		if err != nil {
			t.Fatal(err)
		}
		var loss float64
		for s := 0; s < 40; s++ {
			if loss, err = tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Fprintf(&b, "%s %016x %016x alpha=%.17g loss=%.17g\n", cfg.Forcing, golden.HashBits(m.Params()), golden.HashBits(tr.Obs.Params()), tr.Alpha, loss)
	}
	golden.Check(t, "testdata/golden_training.txt", b.String())
}
