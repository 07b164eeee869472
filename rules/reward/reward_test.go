package reward

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/fmath"
)

func TestDNMS(t *testing.T) {
	d := DefaultDNMS()
	u := make([]float64, 3)
	// AB: A (channel 1) in the first window, B (channel 2) in the second.
	for tt, want := range map[int][3]float64{0: {}, 1: {0, 1, 0}, 200: {0, 1, 0}, 201: {}, 399: {}, 400: {0, 0, 1}, 599: {0, 0, 1}, 600: {}} {
		d.Input(u, 1, tt)
		if [3]float64(u) != want {
			t.Errorf("AB input at %d = %v, want %v", tt, u, want)
		}
	}
	if d.Target(0) != -0.98 || d.Target(1) != 0.98 || d.Target(2) != 0.98 || d.Target(3) != -0.98 {
		t.Fatal("targets")
	}
	out := make([]float64, 1000)
	for i := range out {
		out[i] = 5 // only the last 200 count
	}
	for i := 800; i < 1000; i++ {
		out[i] = 0.98 - 0.5
	}
	if e := d.Error(out, 1); math.Abs(e-0.5) > 1e-12 {
		t.Fatalf("error = %v, want 0.5", e)
	}
	if err := (Config{}).Validate(); err == nil {
		t.Fatal("zero config accepted")
	}
	c := Defaults(DeltaX)
	c.Method = "hebb"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "method") {
		t.Fatal(err)
	}
}

func TestTrialsToCriterion(t *testing.T) {
	errs := make([]float64, 300)
	for i := range errs {
		errs[i] = 2
		if i >= 150 {
			errs[i] = 0.5
		}
	}
	// All correct from trial 150: 96 of the last 100 at trial 150+96.
	if n, ok := TrialsToCriterion(errs); !ok || n != 246 {
		t.Fatalf("criterion at %d (%v), want 246", n, ok)
	}
	if _, ok := TrialsToCriterion(errs[:200]); ok {
		t.Fatal("criterion reached too early")
	}
}

// TestEligibility runs a short trial and recomputes the DELTAX trace from its
// definition, Σ_t (r_j(t−1) δx_i(t))³, with the same noise.
func TestEligibility(t *testing.T) {
	cfg := Defaults(DeltaX)
	cfg.N, cfg.Task.TrialTime, cfg.Task.EvalTime = 20, 60, 10
	cfg.Task.Stim1Len, cfg.Task.Stim2Start, cfg.Task.Stim2Len = 10, 20, 10
	cfg.PerturbP = 0.05
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.RunTrial(1, false)
	a.RunTrial(2, false)
	// Replay trial 2 by hand from a's state before it.
	b, _ := New(cfg)
	b.RunTrial(1, false)
	N, T := cfg.N, cfg.Task.TrialTime
	x, r, xbar := b.X, b.R, b.XBar
	b.Rand.FillUniform(x, -0.1, 0.1)
	clampBiases(x)
	for i := range r {
		r[i] = fmath.Tanh(x[i])
	}
	e := make([]float64, N*N)
	u := make([]float64, 3)
	for tt := 0; tt < T; tt++ {
		cfg.Task.Input(u, 2, tt)
		rp := append([]float64(nil), r...)
		nx := make([]float64, N)
		for i := 0; i < N; i++ {
			s := 0.0
			for j := 0; j < N; j++ {
				s += b.J[i*N+j] * rp[j]
			}
			for k := 0; k < 3; k++ {
				s += b.Win[3*i+k] * u[k]
			}
			if b.Rand.Float64() < cfg.PerturbP && tt > 3 {
				s += cfg.PerturbAmp * (2*b.Rand.Float64() - 1)
			}
			nx[i] = x[i] + cfg.Dt/cfg.Tau*(s-x[i])
		}
		copy(x, nx)
		clampBiases(x)
		for i := range r {
			r[i] = math.Tanh(x[i])
		}
		for i := 0; i < N; i++ {
			dx := x[i] - xbar[i]
			xbar[i] = 0.05*xbar[i] + 0.95*x[i]
			if tt > 2 {
				for j := 0; j < N; j++ {
					v := rp[j] * dx
					e[i*N+j] += v * v * v
				}
			}
		}
	}
	var scale float64
	for _, v := range e {
		scale = math.Max(scale, math.Abs(v))
	}
	if scale == 0 {
		t.Fatal("empty trace")
	}
	for k := range e {
		if math.Abs(a.Elig[k]-e[k]) > 1e-9*scale {
			t.Fatalf("e[%d] = %v, by definition %v", k, a.Elig[k], e[k])
		}
	}
}

// TestWeightChange checks ΔJ = clip(−η R̄ e (R − R̄), ±MaxDW) and the
// baseline update after it.
func TestWeightChange(t *testing.T) {
	for _, m := range []string{DeltaX, NodePert} {
		cfg := Defaults(m)
		cfg.N, cfg.LearnAfter = 30, 1
		cfg.PerturbP = 0.02
		n, _ := New(cfg)
		n.RunTrial(0, true)
		n.RunTrial(1, true)
		j0 := append([]float64(nil), n.J...)
		// Give the condition a baseline so that ΔJ is not zero.
		base := 0.7
		n.Baseline[2] = base
		err := n.RunTrial(2, true)
		free := 0
		for k, e := range n.Elig {
			dj := -cfg.Eta * base * e * (err - base)
			if math.Abs(dj) > cfg.MaxDW {
				dj = math.Copysign(cfg.MaxDW, dj)
			} else if dj != 0 {
				free++
			}
			if got := n.J[k] - j0[k]; math.Abs(got-dj) > 1e-12 {
				t.Fatalf("%s: ΔJ[%d] = %v, want %v", m, k, got, dj)
			}
		}
		if free == 0 {
			t.Fatalf("%s: no unclipped change", m)
		}
		if want := 0.75*base + 0.25*err; math.Abs(n.Baseline[2]-want) > 1e-15 {
			t.Fatalf("%s: baseline %v, want %v", m, n.Baseline[2], want)
		}
	}
}

// TestGolden fingerprints 6 trials of a smaller network (learning from trial
// 2) natively and under js/wasm.
func TestGolden(t *testing.T) {
	var out string
	for _, m := range []string{DeltaX, NodePert} {
		cfg := Defaults(m)
		cfg.N, cfg.LearnAfter = 50, 2
		cfg.Task.TrialTime, cfg.Task.Stim2Start, cfg.Task.Stim2Len, cfg.Task.Stim1Len = 300, 150, 50, 50
		tr, err := NewTrainer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 6; k++ {
			tr.Step()
		}
		out += fmt.Sprintf("%s errors %v J %016x xbar %016x\n", m, tr.Errors, golden.HashBits(tr.Net.J), golden.HashBits(tr.Net.XBar))
	}
	golden.Check(t, "testdata/golden.txt", out)
}

// TestResume: a run restored from a snapshot continues with the same bits.
func TestResume(t *testing.T) {
	cfg := Defaults(DeltaX)
	cfg.N, cfg.LearnAfter = 30, 1
	cfg.Task.TrialTime, cfg.Task.Stim2Start, cfg.Task.Stim2Len, cfg.Task.Stim1Len = 200, 100, 50, 50
	a, _ := NewTrainer(cfg)
	for k := 0; k < 4; k++ {
		a.Step()
	}
	s, err := a.Net.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{a.Step(), a.Step()}
	b, _ := NewTrainer(cfg)
	if err := b.Net.Restore(s); err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		if got := b.Step(); got != w {
			t.Fatalf("trial %d after resume: error %v, want %v", k, got, w)
		}
	}
}
