package lif

import (
	"runtime"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

type regime struct {
	rate, cvE, sync, imbalance float64
	neurons                    int
}

// runBrunel simulates cfg from membrane potentials uniform in [V_rest, θ)
// for warm + T ms and measures the last T ms: mean rate, the mean ISI CV of
// the excitatory neurons, the synchrony of the 0.5-ms population count and
// the E/I imbalance of the input to the excitatory population.
func runBrunel(t testing.TB, cfg Config, warm, T float64, seed uint64) regime {
	n, err := New(cfg, rng.New(seed))
	if err != nil {
		t.Fatal(err)
	}
	rv := rng.New(seed + 100)
	for i := range n.V {
		n.V[i] = rv.Uniform(cfg.VRest, cfg.VTh)
	}
	for n.Time() < warm {
		n.Step(nil)
	}
	var sm SpikeMonitor
	rm := RateMonitor{Bin: 5}
	var bm BalanceMonitor
	for n.Time() < warm+T {
		n.Step(nil)
		sm.Record(n)
		rm.Record(n)
		bm.Record(n)
	}
	cv, k := sm.ISICV(0, n.NE, 3)
	return regime{rate: rm.MeanRate(), cvE: cv, sync: rm.Synchrony(), imbalance: bm.Imbalance(), neurons: k}
}

// TestBrunelRegimes runs Brunel's (2000) model A scaled to N = 5 000 with
// ε = 0.1 kept (C = 500, J = 0.25 mV so that J·C_E and the mean input are
// Brunel's; see Brunel) after 100 ms of transient.
//
// Inhibition-dominated, g = 8, νext = 2 νthr (Brunel's AI region, Fig. 2),
// 1.5 s measured: firing is asynchronous-irregular at a low rate (measured
// 14.7 Hz; we require 5–30) with ISI CV near 1 (measured 1.0; we require
// 0.8–1.3), and the inhibitory input cancels most of the excitatory one
// (imbalance |E + ext − I|/(E + ext) measured 0.15; we require < 0.25, while
// each part is ~7× the net input).
//
// Excitation-dominated, g = 3, νext = 2 νthr (Brunel's Fig. 8A, SR), 200 ms:
// neurons fire near their maximal rate 1/τ_rp (we require > 200 Hz),
// regularly (CV < 0.05) and in synchrony (population-count CV at least 1.2×
// the g = 8 set's).
//
// Caveat recorded in docs/spiking.md: the 0.5-ms population count of the
// AI set still fluctuates far above the Poisson level (CV ~0.6 against 0.09
// for independent neurons), a fast population oscillation of the finite
// network; with Brunel's unscaled N = 12 500, J = 0.1 mV the ISI CV at g = 6,
// νext = 1.5 νthr is 0.58.
func TestBrunelRegimes(t *testing.T) {
	if testing.Short() || runtime.GOOS == "js" {
		t.Skip("9 s of simulation (natively ~10 s; js/wasm bit-identity is the golden tests' job)")
	}
	ai := runBrunel(t, Brunel(8, 2, 0.4), 100, 1500, 1)
	sr := runBrunel(t, Brunel(3, 2, 0.4), 100, 200, 1)
	t.Logf("AI g=8: %+v", ai)
	t.Logf("SR g=3: %+v", sr)
	if ai.rate < 5 || ai.rate > 30 {
		t.Errorf("g = 8: rate %.1f Hz, want 5–30", ai.rate)
	}
	if ai.cvE < 0.8 || ai.cvE > 1.3 || ai.neurons < 3500 {
		t.Errorf("g = 8: ISI CV %.2f over %d neurons, want 0.8–1.3 over most of the 4 000", ai.cvE, ai.neurons)
	}
	if ai.imbalance > 0.25 {
		t.Errorf("g = 8: E/I imbalance %.2f, want < 0.25", ai.imbalance)
	}
	if sr.rate < 200 || sr.cvE > 0.05 {
		t.Errorf("g = 3: rate %.0f Hz, CV %.3f, want > 200 Hz and regular (CV < 0.05)", sr.rate, sr.cvE)
	}
	if sr.sync < 1.2*ai.sync {
		t.Errorf("g = 3 synchrony %.2f not clearly above g = 8's %.2f", sr.sync, ai.sync)
	}
}
