package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOldCheckpoints: checkpoints written before issue 9 (testdata/README.md)
// still evaluate to the bits that code reported, name their selected step,
// and resume to the last step's bits.
func TestOldCheckpoints(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "eval.json")
	if st, o, e := runCmd(t, "eval", "--checkpoint", "testdata/v1-finished.safetensors", "--json", js); st != 0 {
		t.Fatalf("eval: %d %q %q", st, o, e)
	}
	var ev struct {
		Dstsp      float64 `json:"d_stsp"`
		DH         float64 `json:"d_h"`
		PE         float64 `json:"pe"`
		ParamsStep int     `json:"params_step"`
		Trained    int     `json:"trained_steps"`
	}
	readJSON(t, js, &ev)
	if ev.Dstsp != 13.496131081587215 || ev.DH != 0.3957397147283261 || ev.PE != 1.0124506813011387 {
		t.Errorf("old checkpoint evaluates to D_stsp %v, D_H %v, PE %v; the code that wrote it reported 13.496131081587215, 0.3957397147283261, 1.0124506813011387", ev.Dstsp, ev.DH, ev.PE)
	}
	if ev.ParamsStep != 10 || ev.Trained != 40 {
		t.Errorf("params of step %d of %d, want the selected step 10 of 40", ev.ParamsStep, ev.Trained)
	}
	run := filepath.Join(dir, "run")
	os.MkdirAll(run, 0o755)
	old, _ := os.ReadFile("testdata/v1-step30.safetensors")
	writeFile(t, filepath.Join(run, checkpointName), string(old))
	if st, o, e := runCmd(t, "train", "--out", run, "--resume", "--quiet"); st != 0 {
		t.Fatalf("resume: %d %q %q", st, o, e)
	}
	var m runMetrics
	readJSON(t, filepath.Join(run, "metrics.json"), &m)
	if m.Last.Step != 40 || m.Last.Metrics.Dstsp != 13.496131081587215 || m.Last.Metrics.DH != 0.3952297819827076 || m.Last.Metrics.PE != 1.0123715168826302 {
		t.Errorf("resumed old run's last step %d: %+v; the old code trained it to D_stsp 13.496131081587215, D_H 0.3952297819827076, PE 1.0123715168826302", m.Last.Step, m.Last.Metrics)
	}
}

type runMetrics struct {
	Final, Selected, Last evalRecord
	History               []evalRecord
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestRunRecordSurvivesResume: metrics.json after a stop and a resume is
// the uninterrupted run's, history included; it names the selected step,
// which the checkpoint holds, and keeps the last step's metrics.
func TestRunRecordSurvivesResume(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, `{
  "model": {"kind": "clipped-shplrnn", "latents": 3, "hidden": 8},
  "data": {"source": "lorenz63", "steps": 5000, "dt": 0.01, "seed": 1, "test_fraction": 0.4, "validation_fraction": 0.2},
  "train": {"steps": 40, "seq_len": 20, "batch": 4, "eval_every": 10, "checkpoint_every": 10},
  "eval": {"bins": 10, "max_steps": 1000}
}`)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", a, "--quiet"); st != 0 {
		t.Fatalf("train: %s", e)
	}
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", b, "--quiet", "--stop-at", "25"); st != 0 {
		t.Fatalf("train to 25: %s", e)
	}
	if st, _, e := runCmd(t, "train", "--out", b, "--resume", "--quiet"); st != 0 {
		t.Fatalf("resume: %s", e)
	}
	ja, _ := os.ReadFile(filepath.Join(a, "metrics.json"))
	jb, _ := os.ReadFile(filepath.Join(b, "metrics.json"))
	if string(ja) != string(jb) {
		t.Errorf("metrics.json after a resume differs from the uninterrupted run's:\n%s\n%s", ja, jb)
	}
	var m runMetrics
	readJSON(t, filepath.Join(b, "metrics.json"), &m)
	var steps []int
	for _, h := range m.History {
		steps = append(steps, h.Step)
		if h.Validation == nil || h.Validation.On != "validation" {
			t.Errorf("step %d has no validation score", h.Step)
		}
	}
	if !slices.Equal(steps, []int{10, 20, 30, 40}) {
		t.Errorf("history of steps %v, want 10, 20, 30, 40", steps)
	}
	ck, _, err := readCheckpoint(filepath.Join(b, checkpointName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Last.Step != 40 || m.Selected.Step != ck.ParamsStep || m.Final.Step != m.Selected.Step || len(ck.History) != 4 {
		t.Errorf("last %d, selected %d, final %d, checkpoint params of step %d, %d records", m.Last.Step, m.Selected.Step, m.Final.Step, ck.ParamsStep, len(ck.History))
	}
	best := m.History[0]
	for _, h := range m.History {
		if h.Validation.Score < best.Validation.Score {
			best = h
		}
	}
	if m.Selected.Step != best.Step {
		t.Errorf("selected step %d, but step %d scores best on the validation part", m.Selected.Step, best.Step)
	}
	if (ck.ParamsStep != ck.Step) != (ck.LastModel != nil) {
		t.Errorf("params of step %d, trained %d, last-step parameters kept: %v", ck.ParamsStep, ck.Step, ck.LastModel != nil)
	}
}

// TestEvalEstimators: --stsp and --stsp-protocol choose the estimator and
// the protocol, and both binned values are reported whatever the choice.
func TestEvalEstimators(t *testing.T) {
	dir := t.TempDir()
	var long, dend struct {
		Dstsp     float64 `json:"d_stsp"`
		DstspGTF  float64 `json:"d_stsp_gtf"`
		DstspDend float64 `json:"d_stsp_dendplrnn"`
		Estimator string  `json:"stsp"`
		Protocol  string  `json:"stsp_protocol"`
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if st, o, e := runCmd(t, "eval", "--checkpoint", "testdata/v1-finished.safetensors", "--json", a); st != 0 {
		t.Fatalf("eval: %d %q %q", st, o, e)
	}
	st, o, e := runCmd(t, "eval", "--checkpoint", "testdata/v1-finished.safetensors", "--stsp", "dendplrnn", "--stsp-protocol", "dendplrnn", "--json", b)
	if st != 0 || !strings.Contains(o, "D_stsp dendplrnn (dendplrnn protocol)") {
		t.Fatalf("eval --stsp dendplrnn: %d %q %q", st, o, e)
	}
	readJSON(t, a, &long)
	readJSON(t, b, &dend)
	if long.Estimator != "gtf" || long.Protocol != "long" || long.Dstsp != long.DstspGTF || long.DstspDend == long.DstspGTF {
		t.Errorf("default: %+v", long)
	}
	if dend.Estimator != "dendplrnn" || dend.Protocol != "dendplrnn" || dend.Dstsp != dend.DstspDend || dend.DstspDend == long.DstspDend {
		t.Errorf("dendplrnn: %+v (long run: %+v)", dend, long)
	}
	if st, _, e := runCmd(t, "eval", "--checkpoint", "testdata/v1-finished.safetensors", "--stsp", "kde"); st == 0 || !strings.Contains(e, "gtf, dendplrnn or gmm") {
		t.Errorf("--stsp kde: status %d, %q", st, e)
	}
}
