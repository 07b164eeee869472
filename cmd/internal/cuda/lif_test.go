//go:build cuda

package cuda

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/lif"
)

// lifNet builds cfg's network from seed with V drawn uniformly between reset
// and threshold (seed+1), as models/lif's benchmarks start.
func lifNet(tb testing.TB, cfg lif.Config, seed uint64) *lif.Net {
	tb.Helper()
	n, err := lif.New(cfg, rng.New(seed))
	if err != nil {
		tb.Fatal(err)
	}
	s := n.State()
	rv := rng.New(seed + 1)
	for i := range s.V {
		s.V[i] = rv.Uniform(cfg.VReset, cfg.VTh)
	}
	if err := n.SetState(s); err != nil {
		tb.Fatal(err)
	}
	return n
}

// lifCases are N = 1 000 networks covering both synapse types and drives:
// Brunel's (2000) model A scaled to N = 1 000 (delta synapses, one delay,
// Poisson drive, asynchronous irregular at g = 5, νext = 2 ν_thr), and an
// exponential-synapse network (τ_syn = 5 ms, rectified-normal weights, delays
// 1–3 ms drawn per synapse, p = 0.1, constant drive), and the latter
// dense (p = 0.5, delays 1–1.2 ms).
func lifCases() map[string]lif.Config {
	exp := lif.Config{N: 1000, Dt: 0.1, TauMemE: 20, TauMemI: 10, TauSyn: 5,
		VRest: 0, VReset: 10, VTh: 20, Refractory: 2, P: 0.1, J: 0.4, G: 5, Weights: "rectnormal",
		DelayMin: 1, DelayMax: 3, Drive: lif.Drive{ConstE: 24, ConstI: 22}}
	// Dense: p = 0.5, so each step several spikes reach the same neuron in
	// the same ring slot and their order of addition shows in I's bits.
	dense := exp
	dense.P, dense.J, dense.DelayMax = 0.5, 0.4*math.Sqrt(100.0/500), 1.2
	return map[string]lif.Config{"brunel_poisson": lif.Brunel(5, 2, 0.08), "exp_const_delays": exp, "exp_dense": dense}
}

// TestLIFMatchesCPU steps the same network (same seed) 300 ms on the CPU and
// on the device: every step's spikes (times and neurons) and the final V, I,
// refractory counts and ring buffer must be identical, bit for bit.
func TestLIFMatchesCPU(t *testing.T) {
	needDevice(t)
	const steps = 3000 // 300 ms at Dt = 0.1 ms
	for name, cfg := range lifCases() {
		t.Run(name, func(t *testing.T) {
			cpu := lifNet(t, cfg, 7)
			gpu, err := NewLIF(lifNet(t, cfg, 7), LIFOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer gpu.Close()
			want := make([][]int32, steps)
			total := 0
			for k := range want {
				if err := cpu.Step(nil); err != nil {
					t.Fatal(err)
				}
				want[k] = slices.Clone(cpu.Spikes())
				total += len(want[k])
			}
			if rate := float64(total) / (float64(cfg.N) * steps * cfg.Dt * 1e-3); rate < 1 {
				t.Fatalf("the CPU network fires at %.2f Hz: too quiet to test propagation", rate)
			}
			got := 0
			// Two calls, the second over a chunk boundary of its own, to
			// check that the device keeps its step count and ring between calls.
			for _, n := range []int{1234, steps - 1234} {
				if err := gpu.Run(n, func(k int64, neurons []int32) {
					if !slices.Equal(neurons, want[k]) && got < 5 {
						t.Errorf("step %d (t = %.1f ms): device spikes %v, CPU %v", k, float64(k+1)*cfg.Dt, neurons, want[k])
						got++
					}
				}); err != nil {
					t.Fatal(err)
				}
			}
			if gpu.Steps() != steps {
				t.Fatalf("device counts %d steps, want %d", gpu.Steps(), steps)
			}
			ds, err := gpu.State()
			if err != nil {
				t.Fatal(err)
			}
			cs := cpu.State()
			for _, a := range []struct {
				name     string
				dev, cpu []float64
			}{{"V", ds.V, cs.V}, {"I", ds.I, cs.I}, {"ring", ds.Ring, cs.Ring}} {
				for i := range a.cpu {
					if math.Float64bits(a.dev[i]) != math.Float64bits(a.cpu[i]) {
						t.Fatalf("%s[%d] = %v on the device, %v on the CPU", a.name, i, a.dev[i], a.cpu[i])
					}
				}
			}
			if !slices.Equal(ds.Ref, cs.Ref) || !slices.Equal(ds.RNG, cs.RNG) {
				t.Fatal("refractory counts or the Poisson stream differ between device and CPU")
			}
			t.Logf("%s: %d spikes in %d steps (%.1f Hz), identical", name, total, steps, float64(total)/(float64(cfg.N)*steps*cfg.Dt*1e-3))
		})
	}
}

// TestLIFAtomicRates: the atomic push gives the CPU's firing statistics
// (its order of additions is not the CPU's, so not its bits): the mean rate
// over 300 ms of the dense network within 3% of the CPU's (which fires at
// least once a step on average, so the bound is not vacuous).
func TestLIFAtomicRates(t *testing.T) {
	needDevice(t)
	cfg := lifCases()["exp_dense"]
	const steps = 3000
	cpu := lifNet(t, cfg, 7)
	want := 0
	for k := 0; k < steps; k++ {
		if err := cpu.Step(nil); err != nil {
			t.Fatal(err)
		}
		want += len(cpu.Spikes())
	}
	gpu, err := NewLIF(lifNet(t, cfg, 7), LIFOptions{Atomic: true})
	if err != nil {
		t.Fatal(err)
	}
	defer gpu.Close()
	got := 0
	if err := gpu.Run(steps, func(_ int64, neurons []int32) { got += len(neurons) }); err != nil {
		t.Fatal(err)
	}
	if want < steps || math.Abs(float64(got-want)) > 0.03*float64(want) {
		t.Fatalf("atomic propagation: %d spikes in %d steps, the CPU %d (want within 3%%)", got, steps, want)
	}
	t.Logf("atomic: %d spikes, CPU %d", got, want)
}

// TestLIFStateRoundTrip: a device state continues on the CPU as the CPU
// itself would.
func TestLIFStateRoundTrip(t *testing.T) {
	needDevice(t)
	cfg := lifCases()["brunel_poisson"]
	cpu := lifNet(t, cfg, 3)
	gpu, err := NewLIF(lifNet(t, cfg, 3), LIFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer gpu.Close()
	if err := gpu.Run(500, nil); err != nil {
		t.Fatal(err)
	}
	s, err := gpu.State()
	if err != nil {
		t.Fatal(err)
	}
	resumed := lifNet(t, cfg, 3)
	if err := resumed.SetState(s); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 1000; k++ {
		if k >= 500 {
			if err := resumed.Step(nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := cpu.Step(nil); err != nil {
			t.Fatal(err)
		}
		if k >= 500 && !slices.Equal(resumed.Spikes(), cpu.Spikes()) {
			t.Fatalf("step %d: resumed from the device %v, CPU %v", k, resumed.Spikes(), cpu.Spikes())
		}
	}
}

// TestLIFRefusesInputs: the input signal is not on the device; the error
// names the key.
func TestLIFRefusesInputs(t *testing.T) {
	n, err := lif.New(lif.Tutorial(80, 2), rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewLIF(n, LIFOptions{}); err == nil || !strings.Contains(err.Error(), "Drive.Inputs") {
		t.Fatalf("NewLIF of a network with inputs: %v, want an error naming Drive.Inputs", err)
	}
}

// lifBenchConfig is models/lif's benchmark network (exponential synapses,
// τ_syn = 5 ms, τ_m = 20 ms, θ = 20 mV, V_r = 10 mV, τ_rp = 2 ms, D = 1.5 ms,
// g = 5, constant drive 24 mV) with a fixed in-degree K = 1 000 and the
// balanced scaling J = 0.4 mV·√(100/K), at N neurons.
func lifBenchConfig(n int) lif.Config {
	const k = 1000
	return lif.Config{N: n, Dt: 0.1, TauMemE: 20, TauMemI: 20, TauSyn: 5,
		VRest: 0, VReset: 10, VTh: 20, Refractory: 2, InDegree: k, J: 0.4 * math.Sqrt(100.0/k), G: 5,
		DelayMin: 1.5, DelayMax: 1.5, Drive: lif.Drive{ConstE: 24, ConstI: 24}}
}

// BenchmarkLIFDevice times the device step: simulated seconds per wall
// second, the mean rate, and synaptic events (spike deliveries) per second,
// each iteration 100 ms (1 000 steps) after 200 ms of warm-up. N = 100 000
// (10⁸ synapses) runs on a real device only (RNNCUDA_LIF_N overrides the
// sizes, e.g. 2000 for the emulator).
func BenchmarkLIFDevice(b *testing.B) {
	needDevice(b)
	for _, N := range lifBenchSizes(b) {
		b.Run(fmt.Sprintf("N=%d", N), func(b *testing.B) {
			if ds, err := Devices(); err != nil || N > 20000 && strings.Contains(ds[0].Name, "emulator") {
				b.Skipf("N = %d on the CPU emulator (not a timing; RNNCUDA_LIF_N=2000 for a smoke run): %v", N, err)
			}
			net := lifNet(b, lifBenchConfig(N), 1)
			outDeg := make([]int, N)
			for j := range outDeg {
				outDeg[j] = net.RowStart[j+1] - net.RowStart[j]
			}
			for _, mode := range []struct {
				name string
				opt  LIFOptions
			}{{"gather", LIFOptions{}}, {"atomic", LIFOptions{Atomic: true}}} {
				b.Run(mode.name, func(b *testing.B) { benchLIF(b, net, outDeg, mode.opt) })
			}
		})
	}
}

// BenchmarkLIFCPU is BenchmarkLIFDevice's network on one CPU core
// (models/lif's Step, GOMAXPROCS=1 in the device script), the baseline of
// its speed-up; same sizes (RNNCUDA_LIF_N) and metrics.
func BenchmarkLIFCPU(b *testing.B) {
	for _, N := range lifBenchSizes(b) {
		b.Run(fmt.Sprintf("N=%d", N), func(b *testing.B) {
			net := lifNet(b, lifBenchConfig(N), 1)
			for k := 0; k < 2000; k++ {
				net.Step(nil)
			}
			var spikes, events int
			const steps = 1000
			b.ResetTimer()
			for b.Loop() {
				for k := 0; k < steps; k++ {
					net.Step(nil)
					for _, j := range net.Spikes() {
						events += net.RowStart[j+1] - net.RowStart[j]
					}
					spikes += len(net.Spikes())
				}
			}
			sec := b.Elapsed().Seconds()
			sim := float64(b.N) * steps * net.Dt * 1e-3
			b.ReportMetric(sim/sec, "sim-s/s")
			b.ReportMetric(float64(spikes)/(sim*float64(N)), "Hz")
			b.ReportMetric(float64(events)/sec, "events/s")
			b.ReportMetric(float64(net.Synapses()), "synapses")
		})
	}
}

// lifBenchSizes are the benchmarks' network sizes: 10 000 and 100 000, or
// RNNCUDA_LIF_N (comma-separated).
func lifBenchSizes(b *testing.B) []int {
	s := os.Getenv("RNNCUDA_LIF_N")
	if s == "" {
		return []int{10000, 100000}
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n < 1002 {
			b.Fatalf("RNNCUDA_LIF_N = %q: want comma-separated network sizes ≥ 1002 (K = 1 000 presynaptic neurons)", s)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func benchLIF(b *testing.B, net *lif.Net, outDeg []int, opt LIFOptions) {
	N := net.N
	gpu, err := NewLIF(net, opt)
	if err != nil {
		b.Fatal(err)
	}
	defer gpu.Close()
	if err := gpu.Run(2000, nil); err != nil {
		b.Fatal(err)
	}
	var spikes, events int
	count := func(_ int64, neurons []int32) {
		spikes += len(neurons)
		for _, j := range neurons {
			events += outDeg[j]
		}
	}
	const steps = 1000
	b.ResetTimer()
	for b.Loop() {
		if err := gpu.Run(steps, count); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	sim := float64(b.N) * steps * net.Dt * 1e-3
	b.ReportMetric(sim/sec, "sim-s/s")
	b.ReportMetric(float64(spikes)/(sim*float64(N)), "Hz")
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(net.Synapses()), "synapses")
}
