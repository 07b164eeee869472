package lif_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/lif"
)

// A Brunel network scaled to 2 500 neurons, recorded by monitors from the
// outside while it steps.
func Example() {
	net, err := lif.New(lif.Brunel(5, 2, 0.2), rng.New(1))
	if err != nil {
		panic(err)
	}
	var spikes lif.SpikeMonitor
	rates := lif.RateMonitor{Bin: 10} // 1-ms bins
	for net.Time() < 200 {            // ms
		if err := net.Step(nil); err != nil {
			panic(err)
		}
		spikes.Record(net)
		rates.Record(net)
	}
	fmt.Printf("%d neurons, %d synapses, %d spikes in %.0f ms\n", net.N, net.Synapses(), spikes.Count(), net.Time())
	fmt.Printf("mean rate %.1f Hz\n", rates.MeanRate())
	// Output:
	// 2500 neurons, 625000 synapses, 23047 spikes in 200 ms
	// mean rate 46.1 Hz
}
