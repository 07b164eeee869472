package lif

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestGolden pins the spike trains and final state of three networks, bit
// for bit, natively and under js/wasm: Brunel's model with Poisson drive and
// delta synapses, the tutorial reservoir (rectified-normal weights,
// exponential synapses) driven by a signal, and a network with heterogeneous
// delays drawn by probability.
func TestGolden(t *testing.T) {
	var b strings.Builder
	run := func(name string, cfg Config, steps int, input func(k int) []float64) {
		n, err := New(cfg, rng.New(7))
		if err != nil {
			t.Fatal(err)
		}
		var sm SpikeMonitor
		for k := 0; k < steps; k++ {
			if err := n.Step(input(k)); err != nil {
				t.Fatal(err)
			}
			sm.Record(n)
		}
		trains := make([]float64, 0, 2*sm.Count())
		for k := range sm.Neuron {
			trains = append(trains, float64(sm.Step[k]), float64(sm.Neuron[k]))
		}
		fmt.Fprintf(&b, "%s spikes=%d trains=%016x V=%016x I=%016x\n", name, sm.Count(),
			golden.HashBits(trains), golden.HashBits(n.V), golden.HashBits(n.I))
	}
	run("brunel", Brunel(5, 2, 0.2), 1000, func(int) []float64 { return nil })
	in := make([]float64, 3)
	tut := Tutorial(80, 3)
	tut.Drive.ConstE, tut.Drive.ConstI = 1.1, 1.05
	run("tutorial", tut, 2000, func(k int) []float64 {
		x := float64(k) * 0.01
		in[0], in[1], in[2] = math.Sin(x), math.Cos(1.3*x), 1
		return in
	})
	d := benchConfig(300, 0.2)
	d.DelayMin, d.DelayMax = 0.5, 3
	run("delays", d, 2000, func(int) []float64 { return nil })
	golden.Check(t, "testdata/golden.txt", b.String())
}
