package main

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command in-process and returns its status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	status := run(args, &out, &errb)
	return status, out.String(), errb.String()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const tinyConfig = `{
  "model": {"kind": "clipped-dendplrnn", "latents": 6, "bases": 3},
  "data": {"source": "lorenz63", "steps": 3000, "dt": 0.01, "seed": 2},
  "train": {"steps": 40, "seq_len": 20, "batch": 4, "eval_every": 20, "select_best": true, "latent_noise": "adaptive", "checkpoint_every": 10, "seed": 3},
  "eval": {"max_steps": 500}
}`

// TestTrainResumeIsExact trains 40 steps straight through, and 25 + 15 with
// a stop and a resume in between, and checks the checkpoints hold identical parameters
// and optimizer state.
func TestTrainResumeIsExact(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, tinyConfig)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", a, "--quiet"); st != 0 {
		t.Fatalf("train: status %d: %s", st, e)
	}
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", b, "--quiet", "--stop-at", "25"); st != 0 {
		t.Fatalf("train to 25: status %d: %s", st, e)
	}
	if st, _, e := runCmd(t, "train", "--out", b, "--resume", "--quiet"); st != 0 {
		t.Fatalf("resume: status %d: %s", st, e)
	}
	ca, _, err := readCheckpoint(filepath.Join(a, checkpointName))
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := readCheckpoint(filepath.Join(b, checkpointName))
	if err != nil {
		t.Fatal(err)
	}
	if ca.Step != 40 || cb.Step != 40 {
		t.Fatalf("steps %d and %d, want 40", ca.Step, cb.Step)
	}
	for i := range ca.ModelTheta {
		if ca.ModelTheta[i] != cb.ModelTheta[i] {
			t.Fatalf("parameter %d differs after resume: %v vs %v", i, ca.ModelTheta[i], cb.ModelTheta[i])
		}
	}
	for i := range ca.OptModel {
		if ca.OptModel[i] != cb.OptModel[i] {
			t.Fatalf("optimizer state %d differs after resume", i)
		}
	}
	for _, f := range []string{"metrics.json", "generated.npy", "attractor.png", "loss.png"} {
		if st, err := os.Stat(filepath.Join(a, f)); err != nil || st.Size() == 0 {
			t.Errorf("output %s missing or empty", f)
		}
	}
	// A second fresh train into the same directory is refused, not overwritten.
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", a, "--quiet"); st == 0 || !strings.Contains(e, "--resume") {
		t.Errorf("training over an existing checkpoint: status %d, %q", st, e)
	}
	// generate and eval work on the checkpoint.
	traj := filepath.Join(dir, "traj.npy")
	if st, o, e := runCmd(t, "generate", "--checkpoint", filepath.Join(a, checkpointName), "--steps", "300", "--out", traj); st != 0 || !strings.Contains(o, "300 steps") {
		t.Fatalf("generate: %d %q %q", st, o, e)
	}
	if st, o, e := runCmd(t, "eval", "--checkpoint", filepath.Join(a, checkpointName)); st != 0 || !strings.Contains(o, "D_stsp") {
		t.Fatalf("eval: %d %q %q", st, o, e)
	}
}

// TestBadInput checks that each kind of bad input ends with one clear
// message naming the problem (and no stack trace).
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := func(name, content string) string {
		p := filepath.Join(dir, name)
		writeFile(t, p, content)
		return p
	}
	nanNPY := filepath.Join(dir, "nan.npy")
	writeNaNNPY(t, nanNPY)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"fly"}, "unknown command"},
		{"unknown flag", []string{"train", "--colour", "red"}, "flag provided but not defined"},
		{"missing config", []string{"train", "--config", filepath.Join(dir, "none.json")}, "cannot read config"},
		{"broken JSON", []string{"train", "--config", bad("b.json", "{\"model\": {\"kind\": \n")}, "config"},
		{"typo key", []string{"train", "--config", bad("t.json", `{"model": {"knid": "plrnn"}}`)}, `unknown key "knid"`},
		{"unknown model", []string{"train", "--model", "lstm", "--out", filepath.Join(dir, "o1")}, `unknown model "lstm"`},
		{"missing data", []string{"train", "--data", filepath.Join(dir, "nope.npy"), "--out", filepath.Join(dir, "o2")}, "does not exist"},
		{"broken npy", []string{"train", "--data", bad("x.npy", "not a numpy file at all"), "--out", filepath.Join(dir, "o3")}, "x.npy"},
		{"NaN in data", []string{"train", "--data", nanNPY, "--out", filepath.Join(dir, "o4")}, "non-finite value"},
		{"not a checkpoint", []string{"eval", "--checkpoint", bad("c.safetensors", "garbage")}, "not a valid safetensors file"},
		{"no checkpoint", []string{"eval"}, "--checkpoint is required"},
		{"resume nothing", []string{"train", "--resume", "--out", filepath.Join(dir, "empty")}, "does not exist"},
	}
	for _, c := range cases {
		st, _, e := runCmd(t, c.args...)
		if st == 0 {
			t.Errorf("%s: succeeded, want failure", c.name)
			continue
		}
		if !strings.Contains(e, c.want) {
			t.Errorf("%s: message %q does not mention %q", c.name, e, c.want)
		}
		if strings.Contains(e, "goroutine") || strings.Contains(e, "panic") {
			t.Errorf("%s: stack trace in output: %q", c.name, e)
		}
	}
}

// writeNaNNPY writes a (50, 3) series with one NaN at row 7, column 1.
func writeNaNNPY(t *testing.T, path string) {
	t.Helper()
	x := make([]float64, 150)
	for i := range x {
		x[i] = float64(i % 7)
	}
	x[7*3+1] = math.NaN()
	if err := writeNPY(path, x, 3); err != nil {
		t.Fatal(err)
	}
}

// TestWriteAtomicKeepsOldFileOnError: a failed write leaves the previous
// file intact and no temporary file behind.
func TestWriteAtomicKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ckpt")
	writeFile(t, p, "old")
	err := writeAtomic(p, func(w io.Writer) error {
		w.Write([]byte("half"))
		return errors.New("disk on fire")
	})
	if err == nil {
		t.Fatal("error swallowed")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file now holds %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("temporary files left behind: %v", ents)
	}
	if err := writeAtomic(p, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "new" || st.Mode().Perm() != 0o644 {
		t.Fatalf("new file %q with mode %v", b, st.Mode())
	}
}
