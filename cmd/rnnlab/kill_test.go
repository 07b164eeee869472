package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestKilledRunResumes builds the real binary, kills a training run with
// SIGKILL after it has written a checkpoint, resumes it, and checks that the
// result equals an uninterrupted run with the same seed, bit for bit.
func TestKilledRunResumes(t *testing.T) {
	bin := rnnlabBin(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, `{
  "model": {"kind": "clipped-shplrnn", "latents": 3, "hidden": 30},
  "data": {"source": "lorenz63", "steps": 5000, "dt": 0.01, "seed": 4},
  "train": {"steps": 3000, "seq_len": 50, "batch": 8, "forcing": "generalized", "alpha": 0.1, "eval_every": 0, "checkpoint_every": 50, "seed": 5},
  "eval": {"max_steps": 500}
}`)
	straight, killed := filepath.Join(dir, "straight"), filepath.Join(dir, "killed")
	if out, err := exec.Command(bin, "train", "--config", cfg, "--out", straight, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("straight run: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "train", "--config", cfg, "--out", killed, "--quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(killed, checkpointName)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if c, _, err := readCheckpoint(ckpt); err == nil && c.Step >= 200 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no checkpoint past step 200 within 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(os.Kill)
	cmd.Wait()
	c, _, err := readCheckpoint(ckpt)
	if err != nil {
		t.Fatalf("checkpoint after SIGKILL is unreadable: %v", err)
	}
	if c.Step >= 3000 {
		t.Skipf("the run finished (step %d) before it could be killed", c.Step)
	}
	t.Logf("killed at checkpoint step %d", c.Step)
	if out, err := exec.Command(bin, "train", "--out", killed, "--resume", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	sameRun(t, filepath.Join(straight, checkpointName), ckpt)
}
