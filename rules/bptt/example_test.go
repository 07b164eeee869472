package bptt_test

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// Train a shallow PLRNN on a fully observed oscillator with generalized
// teacher forcing and watch the loss fall.
func Example() {
	data := make([]float64, 2*3000)
	for t := 0; t < 3000; t++ {
		data[2*t], data[2*t+1] = math.Sin(0.2*float64(t)), math.Cos(0.2*float64(t))
	}
	m := plrnn.NewShallow(plrnn.Config{M: 2, Hidden: 20, Clipped: true}, rng.New(1))
	cfg := bptt.Config{SeqLen: 50, Batch: 8, Forcing: bptt.Generalized, Alpha: 0.1, LR: 3e-3, LREnd: 1e-4}
	tr, err := bptt.New(m, obs.NewIdentity(2, 2), data, cfg, 1000, rng.New(2))
	if err != nil {
		panic(err)
	}
	first, _ := tr.Step()
	var last float64
	for tr.Steps() < 1000 {
		if last, err = tr.Step(); err != nil {
			panic(err)
		}
	}
	fmt.Println("loss fell more than tenfold:", last < first/10)
	// Output: loss fell more than tenfold: true
}
