package lif

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// benchConfig is the benchmark network: N neurons, p = 0.1, dt = 0.1 ms,
// exponential synapses (τ_syn = 5 ms), τ_m = 20 ms, θ = 20 mV, V_r = 10 mV,
// τ_rp = 2 ms, D = 1.5 ms, g = 5, constant drive R·I = 24 mV and
// J = 0.4 mV·√(100/K), K = pN the mean in-degree (the balanced scaling
// J ∝ 1/√K of van Vreeswijk & Sompolinsky 1996 keeps the rate at 22–30 Hz
// from N = 1 000 to 10 000): the kind of network of the Brian2 comparison
// in the issue (~30 Hz).
func benchConfig(n int, p float64) Config {
	return Config{N: n, Dt: 0.1, TauMemE: 20, TauMemI: 20, TauSyn: 5,
		VRest: 0, VReset: 10, VTh: 20, Refractory: 2, P: p, J: 0.4 * math.Sqrt(100/(p*float64(n))), G: 5,
		DelayMin: 1.5, DelayMax: 1.5, Drive: Drive{ConstE: 24, ConstI: 24}}
}

func warmNet(b testing.TB, cfg Config) *Net {
	n, err := New(cfg, rng.New(1))
	if err != nil {
		b.Fatal(err)
	}
	rv := rng.New(2)
	for i := range n.V {
		n.V[i] = rv.Uniform(cfg.VReset, cfg.VTh)
	}
	for n.Time() < 200 {
		n.Step(nil)
	}
	return n
}

// BenchmarkStep reports simulated seconds per wall second, the mean rate and
// synaptic events (spike deliveries) per second, for N = 1 000 … 50 000
// (N = 50 000 has 2.5e8 synapses, 1 GB; it runs only with RNNLAB_BENCH_BIG=1).
func BenchmarkStep(b *testing.B) {
	for _, N := range []int{1000, 2000, 10000, 50000} {
		b.Run(fmt.Sprintf("N=%d", N), func(b *testing.B) {
			if N > 10000 && os.Getenv("RNNLAB_BENCH_BIG") == "" {
				b.Skip("1 GB of synapses: set RNNLAB_BENCH_BIG=1")
			}
			n := warmNet(b, benchConfig(N, 0.1))
			var spikes, events int
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n.Step(nil)
				for _, j := range n.Spikes() {
					events += n.RowStart[j+1] - n.RowStart[j]
				}
				spikes += len(n.Spikes())
			}
			sec := b.Elapsed().Seconds()
			sim := float64(b.N) * n.Dt * 1e-3
			b.ReportMetric(sim/sec, "sim-s/s")
			b.ReportMetric(float64(spikes)/(sim*float64(N)), "Hz")
			b.ReportMetric(float64(events)/sec, "events/s")
			b.ReportMetric(float64(n.bytesPerNeuron()), "B/neuron")
			b.ReportMetric(float64(n.bytesPerSynapse()), "B/synapse")
		})
	}
}
