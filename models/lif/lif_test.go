package lif

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// single is one excitatory neuron with no synapses (N = 1 has no autapse to
// make), τ_m = 20 ms, θ = 20 mV, V_reset = V_rest = 0, t_ref = 2 ms.
func single(drive, tauSyn float64) Config {
	return Config{N: 1, FracExc: 1, Dt: 0.1, TauMemE: 20, TauSyn: tauSyn,
		VTh: 20, Refractory: 2, P: 1, J: 0.1, DelayMin: 1, DelayMax: 1,
		Drive: Drive{ConstE: drive}}
}

// TestFICurve: a neuron driven by a constant R·I fires with period
// t_ref + τ_m ln(RI/(RI − θ)); on the grid of h each interval is
// round(t_ref/h) + ⌈T/h⌉ steps (package doc), so the simulated mean
// interspike interval lies within one step h of the analytic period.
func TestFICurve(t *testing.T) {
	for _, ri := range []float64{20.5, 25, 30, 40, 80} {
		n, err := New(single(ri, 5), rng.New(1))
		if err != nil {
			t.Fatal(err)
		}
		var sm SpikeMonitor
		for n.Time() < 2000 {
			n.Step(nil)
			sm.Record(n)
		}
		if sm.Count() < 3 {
			t.Fatalf("RI = %v: %d spikes", ri, sm.Count())
		}
		isi := float64(sm.Step[sm.Count()-1]-sm.Step[0]) / float64(sm.Count()-1) * n.Dt
		want := 2 + 20*math.Log(ri/(ri-20))
		if math.Abs(isi-want) > n.Dt+1e-9 {
			t.Errorf("RI = %v mV: mean ISI %.4f ms, analytic %.4f ms (rate %.3f vs %.3f Hz)", ri, isi, want, 1e3/isi, 1e3/want)
		}
	}
}

// TestSilence: with no drive, no noise and V starting at rest nothing fires,
// and a subthreshold drive (R·I = θ − 1 mV) never reaches threshold.
func TestSilence(t *testing.T) {
	for _, ri := range []float64{0, 19} {
		cfg := Brunel(5, 2, 0.2)
		cfg.Drive = Drive{ConstE: ri, ConstI: ri}
		n, err := New(cfg, rng.New(3))
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 5000; k++ {
			n.Step(nil)
			if len(n.Spikes()) > 0 {
				t.Fatalf("RI = %v: spike at step %d", ri, k)
			}
		}
	}
}

// TestExactIntegration: with the threshold out of reach, V follows the
// closed-form solution of τ_m V' = −(V − V_rest) + I + I_ext, τ_s I' = −I:
// V(t) = V_rest + I_ext(1 − e^{−t/τm}) + (V0 − V_rest)e^{−t/τm}
// + I0 τs/(τs − τm)(e^{−t/τs} − e^{−t/τm}) (the last term I0 (t/τm) e^{−t/τm}
// when τs = τm), to rounding (1e-12 relative) over 2000 steps.
func TestExactIntegration(t *testing.T) {
	for _, ts := range []float64{5, 20, 0.5} {
		cfg := single(7, ts)
		cfg.VRest, cfg.VReset, cfg.VTh = -3, -3, 1e9
		n, err := New(cfg, rng.New(1))
		if err != nil {
			t.Fatal(err)
		}
		const v0, i0 = 12, 9
		n.V[0], n.I[0] = v0, i0
		for k := 1; k <= 2000; k++ {
			n.Step(nil)
			tt := float64(k) * cfg.Dt
			em := math.Exp(-tt / 20)
			syn := i0 * tt / 20 * em
			if ts != 20 {
				syn = i0 * ts / (ts - 20) * (math.Exp(-tt/ts) - em)
			}
			want := -3 + 7*(1-em) + (v0+3)*em + syn
			if d := math.Abs(n.V[0] - want); d > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("τs = %v, t = %.1f ms: V = %.15g, closed form %.15g", ts, tt, n.V[0], want)
			}
			if want := i0 * math.Exp(-tt/ts); math.Abs(n.I[0]-want) > 1e-12*i0 {
				t.Fatalf("τs = %v, t = %.1f ms: I = %v, closed form %v", ts, tt, n.I[0], want)
			}
		}
	}
}

// TestDelay: one excitatory spike reaches its target after exactly the
// configured delay, as a jump J of V for delta synapses.
func TestDelay(t *testing.T) {
	cfg := Config{N: 2, FracExc: 1, TauMemE: 20, VTh: 20, Refractory: 2, P: 1, J: 0.5, DelayMin: 2.3, DelayMax: 2.3}
	n, err := New(cfg, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	n.V[0] = 25 // fires in step 0
	n.Step(nil)
	if len(n.Spikes()) != 2-1 || n.Spikes()[0] != 0 {
		t.Fatalf("spikes %v, want [0]", n.Spikes())
	}
	for k := 1; k <= 23; k++ {
		n.Step(nil)
		if got := n.V[1]; (k < 23) != (got == 0) {
			t.Fatalf("step %d: V1 = %v (delay 23 steps)", k, got)
		}
	}
	if n.V[1] != 0.5 {
		t.Fatalf("V1 = %v after the delay, want J = 0.5", n.V[1])
	}
}

// TestConnectivity: fixed in-degree gives every neuron exactly C_E
// excitatory and C_I inhibitory distinct presynaptic neurons without
// autapses; probability p gives p·N(N−1) synapses within 5 standard
// deviations of the binomial.
func TestConnectivity(t *testing.T) {
	c := Brunel(5, 2, 0.2) // N = 2500
	c.InDegree = 100
	n, err := New(c, rng.New(2))
	if err != nil {
		t.Fatal(err)
	}
	in, inE := make([]int, n.N), make([]int, n.N)
	for j := 0; j < n.N; j++ {
		prev := int32(-1)
		for s := n.RowStart[j]; s < n.RowStart[j+1]; s++ {
			tg := n.Target[s]
			if tg <= prev || int(tg) == j {
				t.Fatalf("row %d: targets not increasing or autapse at %d", j, tg)
			}
			prev = tg
			in[tg]++
			if j < n.NE {
				inE[tg]++
			}
		}
	}
	for i := range in {
		if in[i] != 100 || inE[i] != 80 {
			t.Fatalf("neuron %d: in-degree %d (%d excitatory), want 100 (80)", i, in[i], inE[i])
		}
	}
	c.InDegree, c.P = 0, 0.1
	n, _ = New(c, rng.New(3))
	pairs := float64(n.N * (n.N - 1))
	mean, sd := 0.1*pairs, math.Sqrt(pairs*0.1*0.9)
	if d := math.Abs(float64(n.Synapses()) - mean); d > 5*sd {
		t.Fatalf("%d synapses, want %.0f ± %.0f", n.Synapses(), mean, sd)
	}
}

// TestValidate: each bad setting ends with one error naming its key.
func TestValidate(t *testing.T) {
	ok := Brunel(5, 2, 0.2)
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*Config){
		"N":            func(c *Config) { c.N = 0 },
		"P":            func(c *Config) { c.InDegree, c.P = 0, 1.5 },
		"P ":           func(c *Config) { c.InDegree, c.P = 0, 0 },
		"Dt":           func(c *Config) { c.Dt, c.Refractory = 0.5, 0.2 },
		"Drive.ConstE": func(c *Config) { c.Drive.ConstE = math.Inf(1) },
		"TauSyn":       func(c *Config) { c.TauSyn = math.NaN() },
		"DelayMin":     func(c *Config) { c.DelayMin = 0.05 },
		"InDegree":     func(c *Config) { c.InDegree = 5000 },
		"Weights":      func(c *Config) { c.Weights = "lognormal" },
	}
	for key, mod := range cases {
		c := ok
		mod(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "key "+strings.TrimSpace(key)+" ") {
			t.Errorf("%s: error %v, want one naming the key", key, err)
		}
		if _, e2 := New(c, rng.New(1)); e2 == nil {
			t.Errorf("%s: New accepted the config", key)
		}
	}
	c := Tutorial(40, 3)
	n, err := New(c, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Step([]float64{0, math.NaN(), 0}); err == nil || !strings.Contains(err.Error(), "u[1]") {
		t.Fatalf("non-finite input: %v", err)
	}
	if n.Steps != 0 {
		t.Fatalf("a rejected step advanced the network")
	}
}

// TestTinyP: a connection probability far below 1/N² gives no synapse
// (the geometric gaps overflow no integer).
func TestTinyP(t *testing.T) {
	c := Brunel(5, 2, 0.2)
	c.InDegree, c.P = 0, 1e-300
	n, err := New(c, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	if n.Synapses() != 0 {
		t.Fatalf("%d synapses at p = 1e-300", n.Synapses())
	}
}
