package spiking_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
	"github.com/rnnlab/rnnlab/rules/spiking"
)

func small() *spiking.Spec {
	s := spiking.Defaults()
	s.N, s.UnitMs, s.DurationMs, s.WindowMs = 400, 5, 60, 30
	return s
}

func start(t *testing.T, s *spiking.Spec) run.Trainer {
	t.Helper()
	tr, err := s.Start(run.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func advance(t *testing.T, tr run.Trainer, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConformance(t *testing.T) {
	k, err := run.Lookup("spiking")
	if err != nil {
		t.Fatal(err)
	}
	runtest.Conformance(t, k, small(), 3, 4)
	// a report with NaN statistics (no neuron spiked thrice) still encodes
	tr := start(t, small())
	advance(t, tr, 1)
	rep, _ := tr.Evaluate()
	if _, err := json.Marshal(rep.Details); err != nil {
		t.Errorf("the details of an early report: %v", err)
	}
}

// TestTunedRunResumes: a run tuned (g, drive, p, then N) between units
// resumes from its checkpoint bit for bit, and each tuning says what it did.
func TestTunedRunResumes(t *testing.T) {
	k, _ := run.Lookup("spiking")
	a := start(t, small())
	advance(t, a, 2)
	for _, kv := range [][2]string{{"g", "6"}, {"drive", "30"}, {"p", "0.2"}, {"n", "300"}} {
		msg, err := a.(run.Tuner).Tune(kv[0], kv[1])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, kv[0]+" = "+kv[1]) {
			t.Errorf("Tune(%s, %s) says %q", kv[0], kv[1], msg)
		}
		advance(t, a, 1)
	}
	if !strings.Contains(a.Progress().Note, "new network from seed 1") {
		t.Errorf("the note after n = 300 is %q", a.Progress().Note)
	}
	ck, err := a.Save()
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.Resume(mustSpec(t, k, ck.Config), ck, run.Env{})
	if err != nil {
		t.Fatal(err)
	}
	advance(t, a, 2)
	advance(t, b, 2)
	ra, _ := a.Evaluate()
	rb, _ := b.Evaluate()
	if fmt.Sprint(ra.Figures[0].Raster.Index) != fmt.Sprint(rb.Figures[0].Raster.Index) || ra.Metrics[5] != rb.Metrics[5] {
		t.Fatal("the resumed tuned run spikes differently")
	}
	if ra.Figures[0].Raster.N != 300 {
		t.Fatalf("raster of %d neurons after n = 300", ra.Figures[0].Raster.N)
	}
}

func mustSpec(t *testing.T, k *run.Kind, doc []byte) run.Spec {
	t.Helper()
	s, err := k.DecodeSection(doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTuneErrors: bad keys and values are refused by name and leave the run.
func TestTuneErrors(t *testing.T) {
	tr := start(t, small())
	advance(t, tr, 1)
	before, _ := tr.Save()
	for _, c := range []struct{ key, value, want string }{
		{"p", "0", "spiking.p = 0: the connection probability must be in (0, 1]"},
		{"p", "1.5", "(0, 1]"},
		{"n", "0", "spiking.n = 0"},
		{"drive", "NaN", "finite"},
		{"g", "x", `g = "x"`},
		{"seed", "2", `"seed" cannot change`},
	} {
		_, err := tr.(run.Tuner).Tune(c.key, c.value)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Tune(%s, %s) = %v, want %q", c.key, c.value, err, c.want)
		}
	}
	after, _ := tr.Save()
	if fmt.Sprint(before.Tensors) != fmt.Sprint(after.Tensors) || before.Meta["tunings"] != after.Meta["tunings"] {
		t.Fatal("a refused tuning changed the run")
	}
}

// TestRegimes: the default network fires asynchronously at tens of Hz
// (models/lif's benchmark network: 22–30 Hz; measured 29 Hz, 1-ms
// population-count CV 0.24) and, its constant drive being above threshold,
// fairly regularly (ISI CV measured 0.09); excitation-dominated (g = 1) it
// fires far faster.
func TestRegimes(t *testing.T) {
	if testing.Short() {
		t.Skip("1 s of a 2 000-neuron network")
	}
	s := spiking.Defaults()
	s.WindowMs = 500
	tr := start(t, s)
	advance(t, tr, 60) // 600 ms
	rep, _ := tr.Evaluate()
	m := map[string]float64{}
	for _, v := range rep.Metrics {
		m[v.Name] = v.Value
	}
	t.Logf("default: %v", m)
	if m["rate_e"] < 5 || m["rate_e"] > 60 || !(m["synchrony"] < 0.5) {
		t.Errorf("default network: rate_e %.1f Hz, synchrony %.2f; want 5–60 Hz and asynchronous (< 0.5)", m["rate_e"], m["synchrony"])
	}
	s.G = 1
	ex := start(t, s)
	advance(t, ex, 30)
	r2, _ := ex.Evaluate()
	if r2.Metrics[1].Value < 2*m["rate_e"] {
		t.Errorf("g = 1: rate_e %.1f Hz, not clearly above g = 5's %.1f", r2.Metrics[1].Value, m["rate_e"])
	}
}

// TestGolden fingerprints the spikes of a short run with a tuning in it,
// natively and under js/wasm (the same seed and settings give the same
// spikes on both).
func TestGolden(t *testing.T) {
	tr := start(t, small())
	advance(t, tr, 4)
	tr.(run.Tuner).Tune("g", "4")
	advance(t, tr, 4)
	rep, _ := tr.Evaluate()
	ra := rep.Figures[0].Raster
	idx := make([]float64, len(ra.Index))
	for k, i := range ra.Index {
		idx[k] = float64(i)
	}
	got := fmt.Sprintf("spikes %d in window %d index %016x time %016x rate_e %.17g\n", int(rep.Metrics[5].Value), len(ra.Index), golden.HashBits(idx), golden.HashBits(ra.Time), rep.Metrics[1].Value)
	if math.IsNaN(rep.Metrics[1].Value) {
		t.Fatal("NaN rate")
	}
	golden.Check(t, "testdata/golden.txt", got)
}
