package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAblate runs the five-condition grid with two seeds on a tiny model and
// checks the table, the plot, and that a second call reuses finished runs.
func TestAblate(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "base.json")
	writeFile(t, cfg, `{"model": {"kind": "clipped-shplrnn", "latents": 3, "hidden": 10},
 "data": {"source": "lorenz63", "steps": 3000, "dt": 0.01, "seed": 2},
 "train": {"steps": 20, "seq_len": 20, "batch": 4, "eval_every": 0, "checkpoint_every": 0},
 "eval": {"max_steps": 500}}`)
	out := filepath.Join(dir, "abl")
	st, o, e := runCmd(t, "ablate", "--config", cfg, "--out", out, "--seeds", "2")
	if st != 0 {
		t.Fatalf("ablate: %q", e)
	}
	for _, name := range []string{"| none | 2 |", "| MAR | 2 |", "| TSD | 2 |", "| ALN | 2 |", "| MAR+TSD+ALN | 2 |"} {
		if !strings.Contains(o, name) {
			t.Errorf("table lacks %q:\n%s", name, o)
		}
	}
	if st, err := os.Stat(filepath.Join(out, "ablation.png")); err != nil || st.Size() < 1000 {
		t.Error("plot missing")
	}
	// The configs written for the runs carry the regularizer of their condition.
	b, _ := os.ReadFile(filepath.Join(out, "MAR_TSD_ALN-seed1", "config.json"))
	if !strings.Contains(string(b), `"tsd": "distill"`) || !strings.Contains(string(b), `"latent_noise": "adaptive"`) {
		t.Errorf("combined condition config: %s", b)
	}
	// Finished runs are skipped: the second call trains nothing new.
	before, _ := os.Stat(filepath.Join(out, "none-seed1", "run", checkpointName))
	if st, _, e := runCmd(t, "ablate", "--config", cfg, "--out", out, "--seeds", "2"); st != 0 {
		t.Fatalf("second ablate: %q", e)
	}
	after, _ := os.Stat(filepath.Join(out, "none-seed1", "run", checkpointName))
	if !before.ModTime().Equal(after.ModTime()) {
		t.Error("a finished run was trained again")
	}
}
