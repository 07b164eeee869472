package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigRecipes prints the ECG recipes and rejects an unknown one.
func TestConfigRecipes(t *testing.T) {
	st, o, e := runCmd(t, "config", "--recipe", "ecg")
	if st != 0 {
		t.Fatalf("config --recipe ecg: %d %s", st, e)
	}
	var cfg Config
	if err := json.Unmarshal([]byte(o), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Model.Kind != "clipped-shplrnn" || cfg.Model.Latents != 5 || cfg.Model.Hidden != 250 || cfg.Model.Observation != "identity" ||
		cfg.Train.Forcing != "sparse" || cfg.Train.Interval != 10 || len(cfg.Data.Delays) != 5 || cfg.Data.Resample != 120 || cfg.Eval.Stsp != "gmm" {
		t.Fatalf("ecg recipe: %+v", cfg)
	}
	st, o, _ = runCmd(t, "config", "--recipe", "ecg-gtf")
	if st != 0 || !strings.Contains(o, `"affine"`) || !strings.Contains(o, `"generalized"`) || !strings.Contains(o, `"alpha": 0.3`) {
		t.Fatalf("ecg-gtf recipe: %s", o)
	}
	st, o, _ = runCmd(t, "config", "--recipe", "ecg-dend")
	if st != 0 || !strings.Contains(o, `"clipped-dendplrnn"`) || !strings.Contains(o, `"bases": 50`) || !strings.Contains(o, `"seq_len": 500`) {
		t.Fatalf("ecg-dend recipe: %s", o)
	}
	if st, _, e := runCmd(t, "config", "--recipe", "nope"); st != 2 || !strings.Contains(e, "ecg-dend") {
		t.Fatalf("unknown recipe: %d %s", st, e)
	}
}

// TestTrainECGRecord trains briefly on one minute of MIT-BIH record 100
// read as a WFDB source, over the ecg recipe, and evaluates the checkpoint
// with behaviour detection and the trace plot.
func TestTrainECGRecord(t *testing.T) {
	rec := needSharedRecord(t, "ecg/100")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, `{
  "model": {"hidden": 20},
  "data": {"source": "`+rec+`", "end": 60, "embed": "auto", "delays": null, "resample": 0, "test_fraction": 0.3},
  "train": {"steps": 6, "seq_len": 30, "batch": 2, "eval_every": 3, "checkpoint_every": 3},
  "eval": {"max_steps": 3000, "transient": 500, "pe_points": 100}
}`)
	out := filepath.Join(dir, "run")
	st, o, e := runCmd(t, "train", "--recipe", "ecg", "--config", cfg, "--out", out, "--quiet")
	// "auto" picks more dimensions than the recipe's 5 latents on this
	// stretch; the command says so.
	if st == 0 || !strings.Contains(e, "smaller than the data's") {
		t.Fatalf("auto embedding over 5 latents: %d %s %s", st, o, e)
	}
	// With explicit delays the recipe's 5 latents fit.
	writeFile(t, cfg, `{
  "model": {"hidden": 20},
  "data": {"source": "`+rec+`", "end": 60, "test_fraction": 0.3, "resample": 0, "delays": [0, 22, 44, 66, 88]},
  "train": {"steps": 6, "seq_len": 30, "batch": 2, "eval_every": 3, "checkpoint_every": 3},
  "eval": {"max_steps": 3000, "transient": 500, "pe_points": 100}
}`)
	st, o, e = runCmd(t, "train", "--recipe", "ecg", "--config", cfg, "--out", out, "--quiet")
	if st != 0 {
		t.Fatalf("train: %d %s", st, e)
	}
	if !strings.Contains(o, "WFDB 100 MLII") || !strings.Contains(o, "delay embedding [0 22 44 66 88]") || !strings.Contains(o, "baseline removed") {
		t.Fatalf("first lines do not say what was chosen:\n%s", o)
	}
	png := filepath.Join(dir, "traces.png")
	st, o, e = runCmd(t, "eval", "--checkpoint", filepath.Join(out, checkpointName), "--plot", png, "--json", filepath.Join(dir, "m.json"))
	if st != 0 || !strings.Contains(o, "behaviour:") || !strings.Contains(o, "D_stsp gmm") || !strings.Contains(o, "transient of 500") {
		t.Fatalf("eval: %d\n%s\n%s", st, o, e)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
		t.Fatalf("plot not written: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "m.json"))
	if !strings.Contains(string(b), `"var_ratio"`) || !strings.Contains(string(b), `"stsp": "gmm"`) {
		t.Fatalf("metrics JSON lacks the behaviour: %s", b)
	}
}
