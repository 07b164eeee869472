package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/build/shareddata"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	shareddata.Summarize(os.Stdout)
	os.Exit(code)
}

// rnnlabBin builds the real binary once for all the tests that run it.
func rnnlabBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "rnnlab-bin"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "rnnlab")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// exitStatus runs the binary and returns its exit status and output.
func exitStatus(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("%v: %v", args, err)
	return 0, "", ""
}

// TestExitStatus runs the binary: 0 for success, --help and --version; 2
// for usage and validation errors; 1 for failures of files and data.
func TestExitStatus(t *testing.T) {
	bin := rnnlabBin(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, tinyConfig)
	badType := filepath.Join(dir, "bad.json")
	writeFile(t, badType, `{"train": {"steps": "many"}}`)
	notNPY := filepath.Join(dir, "x.npy")
	writeFile(t, notNPY, "not a numpy file")
	out := func(s string) string { return filepath.Join(dir, s) }
	cases := []struct {
		status int
		args   []string
	}{
		{0, []string{"--help"}},
		{0, []string{"train", "--help"}},
		{0, []string{"version"}},
		{0, []string{"config", "--recipe", "ecg"}},
		{2, nil},
		{2, []string{"fly"}},
		{2, []string{"train", "--colour", "red"}},
		{2, []string{"train", "--latents", "0"}},
		{2, []string{"train", "--config", badType, "--out", out("a")}},
		{2, []string{"train", "--model", "lstm", "--out", out("b")}},
		{2, []string{"eval"}},
		{2, []string{"sweep", "--submit", "--grid", cfg}},
		{1, []string{"train", "--config", out("none.json"), "--out", out("c")}},
		{1, []string{"train", "--config", cfg, "--data", notNPY, "--out", out("d")}},
		{1, []string{"eval", "--checkpoint", notNPY}},
		{1, []string{"train", "--resume", "--out", out("empty")}},
		{1, []string{"serve", "--dir", out("nowhere")}},
	}
	for _, c := range cases {
		st, _, e := exitStatus(t, bin, c.args...)
		if st != c.status {
			t.Errorf("rnnlab %s: exit status %d, want %d (%s)", strings.Join(c.args, " "), st, c.status, strings.TrimSpace(e))
		}
	}
}

// TestVersion: --version and version print the module path, its version
// and, when the toolchain recorded one, the VCS revision of the build.
func TestVersion(t *testing.T) {
	bin := rnnlabBin(t)
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"github.com/rnnlab/rnnlab"}
	for _, l := range strings.Split(string(info), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 3 && f[0] == "mod":
			want = append(want, f[2]) // the module version, "(devel)" in a work tree
		case len(f) >= 2 && strings.HasPrefix(f[1], "vcs.revision="):
			want = append(want, strings.TrimPrefix(f[1], "vcs.revision="))
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		st, o, _ := exitStatus(t, bin, args...)
		for _, w := range want {
			if st != 0 || !strings.Contains(o, w) {
				t.Errorf("rnnlab %s: status %d, %q lacks %q", args[0], st, o, w)
			}
		}
	}
}

// sigtermConfig trains long enough (about a second or more) that SIGTERM,
// sent at the first progress line (10%), lands mid-run; checkpoint_every 0
// writes no periodic checkpoint, so the only one is the signal's.
const sigtermConfig = `{
  "model": {"kind": "clipped-shplrnn", "latents": 3, "hidden": 30},
  "data": {"source": "lorenz63", "steps": 5000, "dt": 0.01, "seed": 4},
  "train": {"steps": 4000, "seq_len": 50, "batch": 8, "forcing": "generalized", "alpha": 0.1, "eval_every": 0, "checkpoint_every": 0, "seed": 5},
  "eval": {"max_steps": 500}
}`

// TestSIGTERMSavesAndResumes sends SIGTERM to a training run of the real
// binary: it must save a checkpoint, say how to continue, and exit 143;
// resuming must end bit for bit where an uninterrupted run ends.
func TestSIGTERMSavesAndResumes(t *testing.T) {
	bin := rnnlabBin(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, sigtermConfig)
	straight, termed := filepath.Join(dir, "straight"), filepath.Join(dir, "termed")
	if out, err := exec.Command(bin, "train", "--config", cfg, "--out", straight, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("straight run: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "train", "--config", cfg, "--out", termed)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The progress lines go to stderr: signal at the first, then keep the
	// rest for the message.
	sc := bufio.NewScanner(stderr)
	var rest strings.Builder
	signalled := false
	for sc.Scan() {
		if !signalled && strings.HasPrefix(sc.Text(), "step ") {
			cmd.Process.Signal(syscall.SIGTERM)
			signalled = true
			continue
		}
		rest.WriteString(sc.Text() + "\n")
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		c, _, _ := readCheckpoint(filepath.Join(termed, checkpointName))
		if c != nil && c.Step == 4000 {
			t.Skip("the run finished before SIGTERM arrived")
		}
		t.Fatalf("after SIGTERM: %v\n%s", err, rest.String())
	}
	if ee.ExitCode() != 143 {
		t.Errorf("exit status %d after SIGTERM, want 143\n%s", ee.ExitCode(), rest.String())
	}
	msg := rest.String()
	if !strings.Contains(msg, "interrupted by SIGTERM at step") || !strings.Contains(msg, "rnnlab train --out "+termed+" --resume") {
		t.Errorf("the message does not say what happened and how to continue:\n%s", msg)
	}
	c, _, err := readCheckpoint(filepath.Join(termed, checkpointName))
	if err != nil {
		t.Fatalf("no checkpoint after SIGTERM: %v", err)
	}
	if c.Step <= 0 || c.Step >= 4000 {
		t.Fatalf("checkpoint at step %d, want one inside the run", c.Step)
	}
	t.Logf("SIGTERM at step %d", c.Step)
	if _, err := os.Stat(filepath.Join(termed, "metrics.json")); err == nil {
		t.Error("an interrupted run wrote metrics.json (the mark of a finished run)")
	}
	if out, err := exec.Command(bin, "train", "--out", termed, "--resume", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	sameRun(t, filepath.Join(straight, checkpointName), filepath.Join(termed, checkpointName))
}

// sameRun checks that two checkpoints hold the same parameters, optimizer
// state and loss history, bit for bit.
func sameRun(t *testing.T, pa, pb string) {
	t.Helper()
	a, _, err := readCheckpoint(pa)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := readCheckpoint(pb)
	if err != nil {
		t.Fatal(err)
	}
	if a.Step != b.Step || len(a.ModelTheta) != len(b.ModelTheta) || len(a.OptModel) != len(b.OptModel) || len(a.Loss) != len(b.Loss) {
		t.Fatalf("runs differ in shape: steps %d/%d, %d/%d parameters, %d/%d losses", a.Step, b.Step, len(a.ModelTheta), len(b.ModelTheta), len(a.Loss), len(b.Loss))
	}
	for i := range a.ModelTheta {
		if a.ModelTheta[i] != b.ModelTheta[i] {
			t.Fatalf("resumed run differs from the uninterrupted one at parameter %d: %v vs %v", i, a.ModelTheta[i], b.ModelTheta[i])
		}
	}
	for i := range a.OptModel {
		if a.OptModel[i] != b.OptModel[i] {
			t.Fatalf("optimizer state %d differs", i)
		}
	}
	for i := range a.Loss {
		if a.Loss[i] != b.Loss[i] {
			t.Fatalf("loss %d differs: %v vs %v", i, a.Loss[i], b.Loss[i])
		}
	}
}

// TestSbatchScriptSignals runs the job-array script of `sweep --slurm` with
// bash, as Slurm would run one array task, with a stand-in scontrol that
// records its arguments. USR1 (what --signal=B:USR1@… sends ahead of the
// time limit) must make the run save and the task requeue itself; TERM
// (scancel) must make it save and stop; the requeued task must resume and
// end bit for bit where an uninterrupted run ends.
func TestSbatchScriptSignals(t *testing.T) {
	bin := rnnlabBin(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	base := strings.Replace(sigtermConfig, `"checkpoint_every": 0`, `"checkpoint_every": 100`, 1)
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, `{"base": `+base+`, "seeds": [5]}`)
	sweep := filepath.Join(dir, "sw")
	t.Setenv("RNNLAB_BIN", bin)
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", sweep, "--slurm"); st != 0 {
		t.Fatal(e)
	}
	fake := filepath.Join(dir, "fakebin")
	calls := filepath.Join(dir, "scontrol.calls")
	if err := os.MkdirAll(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(fake, "scontrol"), "#!/bin/sh\necho \"$@\" >> "+calls+"\n")
	os.Chmod(filepath.Join(fake, "scontrol"), 0o755)
	runDir := filepath.Join(sweep, "runs", "000")
	ckpt := filepath.Join(runDir, checkpointName)

	// task runs the script once; with sig, it signals the shell once the
	// run has a checkpoint past step after.
	task := func(sig syscall.Signal, after int) (int, string) {
		cmd := exec.Command("bash", filepath.Join(sweep, "sweep.sbatch"))
		cmd.Env = append(os.Environ(), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"), "SLURM_ARRAY_TASK_ID=0", "SLURM_JOB_ID=77")
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		if sig != 0 {
			for signalled := false; !signalled; {
				select {
				case err = <-done:
					t.Fatalf("the task ended before writing a checkpoint past step %d: %v\n%s", after, err, out.String())
				case <-time.After(10 * time.Millisecond):
				}
				if c, _, e := readCheckpoint(ckpt); e == nil && c.Step > after {
					cmd.Process.Signal(sig)
					signalled = true
				}
			}
		}
		err = <-done
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}
	recorded := func() string { b, _ := os.ReadFile(calls); return string(b) }

	st, log := task(syscall.SIGUSR1, 0)
	if st != 143 || !strings.Contains(log, "interrupted by SIGTERM") || !strings.Contains(log, "requeueing job 77") {
		t.Fatalf("USR1: exit %d, log:\n%s", st, log)
	}
	if recorded() != "requeue 77\n" || runState(runDir) != stateInterrupted {
		t.Fatalf("USR1: scontrol calls %q, run %s", recorded(), runState(runDir))
	}
	first, _, _ := readCheckpoint(ckpt)

	st, log = task(syscall.SIGTERM, first.Step)
	if st != 143 || !strings.Contains(log, "resuming") || strings.Contains(log, "requeueing") {
		t.Fatalf("TERM: exit %d, log:\n%s", st, log)
	}
	if recorded() != "requeue 77\n" || runState(runDir) != stateInterrupted {
		t.Fatalf("TERM (scancel) requeued the task: scontrol calls %q, run %s", recorded(), runState(runDir))
	}

	if st, log = task(0, 0); st != 0 || !strings.Contains(log, "resuming") || runState(runDir) != stateFinished {
		t.Fatalf("the requeued task: exit %d, run %s, log:\n%s", st, runState(runDir), log)
	}
	straight := filepath.Join(dir, "straight")
	if out, err := exec.Command(bin, "train", "--config", filepath.Join(runDir, "config.json"), "--out", straight, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("straight run: %v\n%s", err, out)
	}
	sameRun(t, filepath.Join(straight, checkpointName), ckpt)
}

// TestSweepSIGTERM: SIGTERM to a local sweep lets the run in flight save,
// starts no other, and exits 143; the same command then finishes it all.
func TestSweepSIGTERM(t *testing.T) {
	bin := rnnlabBin(t)
	dir := t.TempDir()
	base := strings.Replace(sigtermConfig, `"checkpoint_every": 0`, `"checkpoint_every": 100`, 1)
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, `{"base": `+base+`, "seeds": [5, 6]}`)
	sweep := filepath.Join(dir, "sw")
	cmd := exec.Command(bin, "sweep", "--grid", grid, "--out", sweep, "--jobs", "1")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	first := filepath.Join(sweep, "runs", "000")
	var err error
	for signalled := false; !signalled; {
		select {
		case err = <-done:
			t.Fatalf("the sweep ended before its first checkpoint: %v\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if _, e := os.Stat(filepath.Join(first, checkpointName)); e == nil {
			cmd.Process.Signal(syscall.SIGTERM)
			signalled = true
		}
	}
	err = <-done
	if runState(first) == stateFinished {
		t.Skip("the first run finished before SIGTERM arrived")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Fatalf("sweep after SIGTERM: %v, want exit status 143\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "interrupted and saved") || !strings.Contains(out.String(), "run the same command again") {
		t.Errorf("the sweep's output does not say what happened:\n%s", out.String())
	}
	if st := runState(first); st != stateInterrupted {
		t.Errorf("run 0 is %s, want interrupted (saved)", st)
	}
	if st := runState(filepath.Join(sweep, "runs", "001")); st != stateMissing {
		t.Errorf("run 1 is %s: it started after the signal\n%s", st, out.String())
	}
	if st, o, e := exitStatus(t, bin, "sweep", "--grid", grid, "--out", sweep, "--jobs", "1"); st != 0 || !strings.Contains(o, "2 of 2 runs finished") || !strings.Contains(o, "(resumed)") {
		t.Fatalf("the sweep again: %d\n%s%s", st, o, e)
	}
}
