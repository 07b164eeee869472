package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnalyze trains a small model briefly and checks that the analysis
// report holds a full spectrum, the true system's reference spectrum (whose
// λ1 is Lorenz-63's 0.906 ± 0.05), dimensions and a JSON file and plot.
func TestAnalyze(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, `{
  "model": {"kind": "clipped-shplrnn", "latents": 3, "hidden": 20},
  "data": {"source": "lorenz63", "steps": 6000, "dt": 0.01, "seed": 2},
  "train": {"steps": 60, "seq_len": 30, "batch": 4, "eval_every": 0, "checkpoint_every": 0},
  "eval": {"max_steps": 1000}
}`)
	out := filepath.Join(dir, "run")
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", out, "--quiet"); st != 0 {
		t.Fatalf("train: %s", e)
	}
	js, png := filepath.Join(dir, "report.json"), filepath.Join(dir, "analysis.png")
	st, o, e := runCmd(t, "analyze", "--checkpoint", filepath.Join(out, checkpointName), "--steps", "20000", "--json", js, "--plot", png)
	if st != 0 {
		t.Fatalf("analyze: %d %q", st, e)
	}
	for _, want := range []string{"Lyapunov spectrum", "true system", "correlation dimension", "λ1"} {
		if !strings.Contains(o, want) {
			t.Errorf("report lacks %q:\n%s", want, o)
		}
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Lyapunov) != 3 || len(rep.TrueLyapunov) != 3 {
		t.Fatalf("spectra %v %v", rep.Lyapunov, rep.TrueLyapunov)
	}
	if l := rep.TrueLyapunov[0]; l < 0.85 || l > 0.96 {
		t.Errorf("true λ1 = %.3f, want 0.906 ± 0.05", l)
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
		t.Errorf("plot missing or empty")
	}
	if st, _, e := runCmd(t, "analyze", "--checkpoint", filepath.Join(out, checkpointName), "--steps", "10"); st == 0 || !strings.Contains(e, "too short") {
		t.Errorf("--steps 10 accepted: %q", e)
	}
}

// TestAnalyzeCTRNN: a model that is not piecewise linear gets its fixed
// points from the speed-minimising search instead.
func TestAnalyzeCTRNN(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ct.json")
	writeFile(t, cfg, `{"model": {"kind": "ctrnn", "latents": 5, "tau": 1, "integrator": "rk4", "step": 0.1},
 "data": {"source": "lorenz63", "steps": 4000, "dt": 0.01, "seed": 2},
 "train": {"steps": 30, "seq_len": 20, "batch": 4, "eval_every": 0, "checkpoint_every": 0},
 "eval": {"max_steps": 500}}`)
	out := filepath.Join(dir, "run")
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", out, "--quiet"); st != 0 {
		t.Fatalf("train: %s", e)
	}
	st, o, e := runCmd(t, "analyze", "--checkpoint", filepath.Join(out, checkpointName), "--steps", "3000")
	if st != 0 {
		t.Fatalf("analyze: %q", e)
	}
	if !strings.Contains(o, "fixed point") || !strings.Contains(o, "Lyapunov spectrum") {
		t.Fatalf("report:\n%s", o)
	}
}
