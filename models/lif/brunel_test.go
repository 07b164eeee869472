package lif

import (
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

// TestBrunelRegimes runs Brunel's (2000) model A (fixed in-degree C = 1 250,
// J = 0.1 mV, D = 1.5 ms, delta synapses) with N scaled to 5 000 (C kept, so
// each neuron's input statistics are those of the full model) for 500 ms
// after 100 ms of transient.
//
// Inhibition-dominated, g = 6, νext = 1.5 νthr (in the AI region of Brunel's
// Fig. 2A): the mean-field rate is ~14 Hz (the full network gives 13.9 Hz),
// firing is irregular (ISI CV 0.52 measured; we require > 0.4) and the
// inhibitory input cancels 70 % of the excitatory one (imbalance 0.28, we
// require < 0.35: Brunel's mean input C_E J τ(νext − (gγ − 1)ν) stays near θ
// while each part is ~5× larger).
//
// Excitation-dominated, g = 3, νext = 2 νthr (Brunel's Fig. 8A, SR): neurons
// fire near their maximal rate 1/τ_rp (measured 334 Hz, we require > 200),
// regularly (CV < 0.05) and in synchrony (population-count CV 1.42 against
// 1.11 in the g = 6 set; we require 1.2×).
//
// Caveat recorded in docs/spiking.md: at N = 5 000 and N = 12 500 the
// inhibition-dominated runs show a fast population oscillation (count CV
// 0.6–1.0, against 0.08 for the uncoupled Poisson-driven network), so their
// CV stays near 0.5–0.7 rather than 1; the synchrony is checked only
// relative to the SR set.
func TestBrunelRegimes(t *testing.T) {
	if testing.Short() {
		t.Skip("6 s of simulation")
	}
	ai := runBrunel(t, Brunel(6, 1.5, 0.4), 100, 500, 1)
	sr := runBrunel(t, Brunel(3, 2, 0.4), 100, 200, 1)
	t.Logf("AI-side g=6: %+v", ai)
	t.Logf("SR g=3: %+v", sr)
	if ai.rate < 5 || ai.rate > 30 {
		t.Errorf("g = 6: rate %.1f Hz, want 5–30 (mean field ~14)", ai.rate)
	}
	if ai.cvE < 0.4 || ai.neurons < 3000 {
		t.Errorf("g = 6: ISI CV %.2f over %d neurons, want > 0.4 over most neurons", ai.cvE, ai.neurons)
	}
	if ai.imbalance > 0.35 {
		t.Errorf("g = 6: E/I imbalance %.2f, want < 0.35", ai.imbalance)
	}
	if sr.rate < 200 || sr.cvE > 0.05 {
		t.Errorf("g = 3: rate %.0f Hz, CV %.3f, want > 200 Hz and regular (CV < 0.05)", sr.rate, sr.cvE)
	}
	if sr.sync < 1.2*ai.sync {
		t.Errorf("g = 3 synchrony %.2f not clearly above g = 6's %.2f", sr.sync, ai.sync)
	}
}
