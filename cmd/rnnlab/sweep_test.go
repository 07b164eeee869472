package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// tinySweepBase is a base config whose runs take a fraction of a second.
const tinySweepBase = `{"model": {"kind": "clipped-shplrnn", "latents": 3, "hidden": 10},
 "data": {"source": "lorenz63", "steps": 3000, "dt": 0.01, "seed": 2},
 "train": {"steps": 30, "seq_len": 20, "batch": 4, "eval_every": 0, "checkpoint_every": 10},
 "eval": {"max_steps": 500}}`

// tinyGrid is 2 learning rates × 2 seeds of tiny runs.
const tinyGrid = `{"base": ` + tinySweepBase + `, "train.lr": [1e-3, 3e-4], "seeds": [1, 2]}`

func runConfig(t *testing.T, d *sweepDoc, i int) Config {
	t.Helper()
	cfg, err := LoadConfig(filepath.Join(d.runDir(i), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestSweepExpansion checks the count and the stable order of the
// cartesian product (models, regularizers, dotted keys by name, seeds last
// and fastest), the regularizer presets, and a base given as a path.
func TestSweepExpansion(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "base.json"), tinySweepBase)
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, `{"base": "base.json",
 "seeds": [1, 2, 3],
 "train.lr": [1e-3, 3e-4],
 "models": ["plrnn", "clipped-shplrnn"],
 "model.latents": [3, 5],
 "regularizers": ["none", "all"]}`)
	d, err := expandGrid(grid, filepath.Join(dir, "sw"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 2*2*2*2*3 {
		t.Fatalf("%d runs, want 48", len(d.Runs))
	}
	var keys []string
	for _, a := range d.Axes {
		keys = append(keys, a.Key)
	}
	if got := strings.Join(keys, " "); got != "model.kind regularizer model.latents train.lr train.seed" {
		t.Errorf("axis order %q", got)
	}
	want := []string{
		"model.kind=plrnn regularizer=none model.latents=3 train.lr=1e-3 train.seed=1",
		"model.kind=plrnn regularizer=none model.latents=3 train.lr=1e-3 train.seed=2",
		"model.kind=plrnn regularizer=none model.latents=3 train.lr=1e-3 train.seed=3",
		"model.kind=plrnn regularizer=none model.latents=3 train.lr=3e-4 train.seed=1",
	}
	for i, w := range want {
		if got := d.label(i); got != w {
			t.Errorf("run %d: %q, want %q", i, got, w)
		}
	}
	if got := d.label(47); got != "model.kind=clipped-shplrnn regularizer=all model.latents=5 train.lr=3e-4 train.seed=3" {
		t.Errorf("last run: %q", got)
	}
	if d.Runs[47].Dir != "runs/047" {
		t.Errorf("run dir %q", d.Runs[47].Dir)
	}
	// The same grid expands to the same runs (the fingerprint is stable).
	d2, _ := expandGrid(grid, filepath.Join(dir, "sw"))
	if d2.Fingerprint != d.Fingerprint {
		t.Error("fingerprint not stable")
	}
	if _, err := prepareSweepDir(d, false); err != nil {
		t.Fatal(err)
	}
	// Each run's config carries its values; "all" sets ablate's keys.
	c := runConfig(t, d, 47)
	if c.Model.Kind != "clipped-shplrnn" || c.Model.Latents != 5 || c.Train.LR != 3e-4 || c.Train.Seed != 3 || c.Model.Hidden != 10 {
		t.Errorf("run 47 config: %+v", c)
	}
	if c.Train.TSD != "distill" || c.Train.LatentNoise != "adaptive" || c.Train.MARRatio != 0.5 || c.Train.MARLambda != 1e-3 || c.Train.TSDLambda != 0.1 {
		t.Errorf("preset all: %+v", c.Train)
	}
	if c := runConfig(t, d, 0); c.Train.TSD != "" || c.Train.MARRatio != 0 || c.Model.Kind != "plrnn" {
		t.Errorf("run 0 config: %+v", c)
	}
	// A base read over a named recipe.
	e, err := expandGridBytes([]byte(`{"recipe": "ecg", "base": {"train": {"batch": 3}}, "train.steps": [10]}`), dir)
	if err != nil {
		t.Fatal(err)
	}
	want0, _ := recipe.Recipe("ecg")
	want0.Train.Batch, want0.Train.Steps = 3, 10
	if got, err := recipe.DecodeConfigOver(DefaultConfig(), e.configs[0]); err != nil || !reflect.DeepEqual(got, want0) {
		t.Errorf("recipe base: %v\n%+v\nwant %+v", err, got, want0)
	}
	var doc sweepDoc
	b, _ := os.ReadFile(filepath.Join(dir, "sw", sweepFile))
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Runs) != 48 || string(doc.Runs[5].Values["train.lr"]) != "3e-4" {
		t.Errorf("sweep.json: %v %+v", err, doc.Runs[5])
	}
}

// TestSweepErrors checks the dotted keys and every error the brief names.
func TestSweepErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ grid, want string }{
		{`{"train.lrr": [1e-3]}`, `unknown config key "train.lrr" in the grid; did you mean "train.lr"?`},
		{`{"model.latent": [3]}`, `did you mean "model.latents"?`},
		{`{"lr": [1e-3]}`, `unknown grid key "lr"; did you mean "train.lr"?`},
		{`{"seeds": []}`, `axis "seeds" is empty`},
		{`{"train.lr": []}`, `axis "train.lr" is empty`},
		{`{"regularizers": ["marr"]}`, `did you mean "mar"?`},
		{`{"train.lr": ["fast"]}`, `train.lr = "fast"`},
		{`{"models": ["lstm"]}`, `unknown model "lstm"`},
		{`{"recipe": "ekg"}`, `ekg`},
		{`{"models": ["plrnn"], "model.kind": ["ctrnn"]}`, `vary the same key`},
	}
	for i, c := range cases {
		p := filepath.Join(dir, fmt.Sprintf("g%d.json", i))
		writeFile(t, p, c.grid)
		st, _, e := runCmd(t, "sweep", "--grid", p, "--out", filepath.Join(dir, "o"))
		if st == 0 || !strings.Contains(e, c.want) {
			t.Errorf("grid %s: status %d, %q; want %q", c.grid, st, e, c.want)
		}
	}
	// A dotted key sets exactly that key.
	m := map[string]any{}
	b, _ := json.Marshal(DefaultConfig())
	_ = json.Unmarshal(b, &m)
	if err := setDotted(m, "data.test_fraction", json.RawMessage("0.25")); err != nil {
		t.Fatal(err)
	}
	if m["data"].(map[string]any)["test_fraction"] != 0.25 {
		t.Error("setDotted did not set data.test_fraction")
	}
	if err := setDotted(m, "train", json.RawMessage("1")); err == nil {
		t.Error("a section accepted as a key")
	}

	// --run out of range, a sweep file without --run, overrides with --run.
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, tinyGrid)
	out := filepath.Join(dir, "sw")
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", out, "--slurm"); st != 0 {
		t.Fatal(e)
	}
	sweep := filepath.Join(out, sweepFile)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--run", "4"}, "--run 4 is out of range: " + sweep + " has runs 0 … 3"},
		{[]string{"--run", "-1"}, "out of range"},
		{nil, "is a sweep file: choose one of its runs with --run N"},
		{[]string{"--run", "0", "--lr", "1"}, "--lr cannot go with it"},
	} {
		st, _, e := runCmd(t, append([]string{"train", "--config", sweep}, c.args...)...)
		if st == 0 || !strings.Contains(e, c.want) {
			t.Errorf("train %v: status %d, %q; want %q", c.args, st, e, c.want)
		}
	}
	if st, _, e := runCmd(t, "train", "--config", grid, "--run", "0"); st == 0 || !strings.Contains(e, "not one") {
		t.Errorf("--run with a plain config: %d %q", st, e)
	}
	// A changed grid is refused, with the way to start fresh.
	writeFile(t, grid, strings.Replace(tinyGrid, "3e-4", "1e-4", 1))
	st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", out)
	if st == 0 || !strings.Contains(e, "different grid") || !strings.Contains(e, "run 2 was train.lr=3e-4 train.seed=1, now train.lr=1e-4 train.seed=1") || !strings.Contains(e, "rm -r "+out) {
		t.Errorf("changed grid: %d %q", st, e)
	}
	writeFile(t, grid, `{"base": `+tinySweepBase+`, "train.lr": [1e-3, 3e-4], "seeds": [1, 2, 3]}`)
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", out); st == 0 || !strings.Contains(e, "it has 4 runs, the grid now gives 6") {
		t.Errorf("grown grid: %d %q", st, e)
	}
}

// TestSweepRunSkipGather trains a 2 × 2 grid locally (one run interrupted
// beforehand, so it is resumed), checks that a second invocation trains
// nothing, and that --gather tables what finished and lists what is missing.
func TestSweepRunSkipGather(t *testing.T) {
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, tinyGrid)
	out := filepath.Join(dir, "sw")
	// --slurm writes the sweep without training; interrupt run 1 by hand.
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", out, "--slurm"); st != 0 {
		t.Fatal(e)
	}
	sweep := filepath.Join(out, sweepFile)
	if st, _, e := runCmd(t, "train", "--config", sweep, "--run", "1", "--stop-at", "10", "--quiet"); st != 0 {
		t.Fatal(e)
	}
	if s := runState(filepath.Join(out, "runs", "001")); s != stateInterrupted {
		t.Fatalf("run 1 is %s after --stop-at", s)
	}
	st, o, e := runCmd(t, "sweep", "--grid", grid, "--out", out, "--jobs", "2")
	if st != 0 {
		t.Fatalf("sweep: %s\n%s", e, o)
	}
	if !strings.Contains(o, "run 1 train.lr=1e-3 train.seed=2 (resumed)") || !strings.Contains(o, "4 of 4 runs finished") {
		t.Errorf("sweep output:\n%s", o)
	}
	log, _ := os.ReadFile(filepath.Join(out, "runs", "001", "train.log"))
	if !strings.Contains(string(log), "resuming") {
		t.Errorf("run 1 was not resumed: %s", log)
	}
	ck, _, err := readCheckpoint(filepath.Join(out, "runs", "001", checkpointName))
	if err != nil || ck.Step != 30 || ck.Config.Train.Seed != 2 || ck.Config.Train.LR != 1e-3 {
		t.Errorf("run 1 checkpoint: %v %+v", err, ck)
	}
	// The second invocation trains nothing.
	var before []time.Time
	for i := 0; i < 4; i++ {
		s, _ := os.Stat(filepath.Join(out, "runs", fmt.Sprintf("%03d", i), checkpointName))
		before = append(before, s.ModTime())
	}
	st, o, e = runCmd(t, "sweep", "--grid", grid, "--out", out)
	if st != 0 || !strings.Contains(o, "4 runs (4 already finished)") || strings.Contains(o, "run 0 ") {
		t.Errorf("second sweep: %d %s\n%s", st, e, o)
	}
	for i := 0; i < 4; i++ {
		s, _ := os.Stat(filepath.Join(out, "runs", fmt.Sprintf("%03d", i), checkpointName))
		if !s.ModTime().Equal(before[i]) {
			t.Errorf("finished run %d was trained again", i)
		}
	}
	// Gather after losing run 3: three rows finished, one missing.
	os.RemoveAll(filepath.Join(out, "runs", "003"))
	st, o, e = runCmd(t, "sweep", "--out", out, "--gather")
	if st != 0 {
		t.Fatal(e)
	}
	if !strings.Contains(o, "3 of 4 runs finished") || !strings.Contains(o, "missing: 3 (missing)") {
		t.Errorf("gather output:\n%s", o)
	}
	md, _ := os.ReadFile(filepath.Join(out, "results.md"))
	for _, w := range []string{
		"| run | train.lr | train.seed | status | D_stsp | D_H | PE(20) |",
		"| 3 | 3e-4 | 2 | missing | – | – | – |",
		"## mean ± s.e.m. over seeds",
		"| train.lr | runs | diverged | D_stsp | D_H | PE(20) |",
		"| 1e-3 | 2/2 | 0 |",
		"| 3e-4 | 1/2 | 0 |",
	} {
		if !strings.Contains(string(md), w) {
			t.Errorf("results.md lacks %q:\n%s", w, md)
		}
	}
	rows := readCSV(t, filepath.Join(out, "results.csv"))
	if len(rows) != 5 || strings.Join(rows[0], ",") != "run,train.lr,train.seed,status,d_stsp,d_h,pe" {
		t.Fatalf("results.csv: %v", rows)
	}
	m0, _ := readFinalMetrics(filepath.Join(out, "runs", "000"))
	if rows[1][3] != "finished" || rows[1][4] != csvFloat(m0.Dstsp) || rows[4][3] != "missing" || rows[4][4] != "" {
		t.Errorf("results.csv rows: %v", rows)
	}
	// Gather with a mean that is the mean of the two seeds' values.
	m1, _ := readFinalMetrics(filepath.Join(out, "runs", "001"))
	mean, se := meanSE([]float64{m0.DH, m1.DH})
	if w := fmt.Sprintf("%.4g ± %.2g", mean, se); !strings.Contains(string(md), w) {
		t.Errorf("results.md lacks the D_H mean %q", w)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestSweepSbatch checks the job-array script.
func TestSweepSbatch(t *testing.T) {
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, tinyGrid)
	out := filepath.Join(dir, "sw")
	t.Setenv("RNNLAB_BIN", "/opt/rnnlab/bin/rnnlab")
	st, o, e := runCmd(t, "sweep", "--grid", grid, "--out", out, "--slurm")
	if st != 0 {
		t.Fatal(e)
	}
	if !strings.Contains(o, "wrote "+filepath.Join(out, "sweep.sbatch")) {
		t.Errorf("output: %s", o)
	}
	b, err := os.ReadFile(filepath.Join(out, "sweep.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	cwd, _ := os.Getwd()
	for _, w := range []string{
		"#!/bin/bash\n",
		"\n#SBATCH --array=0-3\n",
		"\n#SBATCH --cpus-per-task=1\n",
		"\n#SBATCH --output=" + out + "/logs/%A_%a.out\n",
		"\n#SBATCH --chdir=" + cwd + "\n",
		"\n#SBATCH --requeue\n",
		"\n#SBATCH --signal=B:USR1@120\n",
		"\n#SBATCH --open-mode=append\n",
		"\n/opt/rnnlab/bin/rnnlab train --config " + out + "/sweep.json --run \"$SLURM_ARRAY_TASK_ID\" --quiet &\n",
		"\n\tscontrol requeue \"$SLURM_JOB_ID\"\n",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("sbatch lacks %q:\n%s", w, s)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, "logs")); err != nil || !fi.IsDir() {
		t.Error("logs/ not created")
	}
	if _, err := os.Stat(filepath.Join(out, "runs", "000")); err != nil {
		t.Error("run directories not written")
	}
	if runState(filepath.Join(out, "runs", "000")) != stateMissing {
		t.Error("--slurm trained locally")
	}
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", out, "--submit"); st != 2 || !strings.Contains(e, "--submit goes with --slurm") {
		t.Errorf("--submit alone: %d %q", st, e)
	}
}

// TestSlurmArray submits a 2-seed × 2-lr sweep to a real Slurm cluster
// (build/slurm/start.sh starts a one-node one here; `make test-slurm`),
// waits for the four array tasks through their log files and checkpoints,
// and gathers the table.
func TestSlurmArray(t *testing.T) {
	if os.Getenv("RNNLAB_SLURM") != "1" {
		t.Skip("needs a running Slurm cluster: run 'make test-slurm' (bash build/slurm/start.sh && RNNLAB_SLURM=1 go test -run TestSlurmArray ./cmd/rnnlab)")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Fatal("RNNLAB_SLURM=1 but sbatch is not on PATH: run build/slurm/start.sh first")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "rnnlab")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if p, err := exec.LookPath("go"); err == nil {
		goTool = p
	}
	if b, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, tinyGrid)
	out := filepath.Join(dir, "sweep")
	cmd := exec.Command(bin, "sweep", "--grid", grid, "--out", out, "--slurm", "--submit")
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	t.Logf("rnnlab sweep --slurm --submit:\n%s", b)
	if err != nil {
		t.Fatalf("sweep --slurm --submit: %v", err)
	}
	var job string
	for _, l := range strings.Split(string(b), "\n") {
		if _, err := fmt.Sscanf(l, "submitted job %s", &job); err == nil {
			break
		}
	}
	if job == "" {
		t.Fatal("no job id printed")
	}
	script, _ := os.ReadFile(filepath.Join(out, "sweep.sbatch"))
	if !strings.Contains(string(script), "\n"+bin+" train --config "+out+"/sweep.json --run \"$SLURM_ARRAY_TASK_ID\" --quiet &\n") {
		t.Errorf("the script does not call the built binary:\n%s", script)
	}
	logOf := func(i int) string { return filepath.Join(out, "logs", fmt.Sprintf("%s_%d.out", job, i)) }
	deadline := time.Now().Add(5 * time.Minute)
	for {
		done := 0
		for i := 0; i < 4; i++ {
			_, err := os.Stat(logOf(i))
			if err == nil && runState(filepath.Join(out, "runs", fmt.Sprintf("%03d", i))) == stateFinished {
				done++
			}
		}
		if done == 4 {
			break
		}
		if time.Now().After(deadline) {
			q, _ := exec.Command("squeue").CombinedOutput()
			j, _ := exec.Command("scontrol", "show", "job", job).CombinedOutput()
			exec.Command("scancel", job).Run()
			for i := 0; i < 4; i++ {
				l, _ := os.ReadFile(logOf(i))
				t.Logf("%s:\n%s", logOf(i), l)
			}
			t.Fatalf("%d of 4 array tasks finished within 5 minutes\nsqueue:\n%s\nscontrol show job:\n%s", done, q, j)
		}
		time.Sleep(time.Second)
	}
	// A task is done when Slurm says so, not when its files appear: wait for
	// the array to leave the queue, so no task is still writing while the
	// test reads the logs and removes its directory.
	for end := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		q, err := exec.Command("squeue", "--noheader", "--jobs", job).Output()
		if err != nil || strings.TrimSpace(string(q)) == "" {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("job %s still queued a minute after its outputs appeared:\n%s", job, q)
		}
	}
	for i := 0; i < 4; i++ {
		l, _ := os.ReadFile(logOf(i))
		if !regexp.MustCompile(`final, step \d+ \(held-out`).Match(l) {
			t.Errorf("task %d's log lacks the final metrics:\n%s", i, l)
		}
	}
	b, err = exec.Command(bin, "sweep", "--out", out, "--gather").CombinedOutput()
	t.Logf("rnnlab sweep --gather:\n%s", b)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "results.csv"))
	finished := 0
	for _, r := range rows[1:] {
		if r[3] == "finished" && r[4] != "" {
			finished++
		}
	}
	if len(rows) != 5 || finished != 4 {
		t.Errorf("results.csv has %d finished rows of %d, want 4 of 4:\n%v", finished, len(rows)-1, rows)
	}
	if !strings.Contains(string(b), "4 of 4 runs finished") {
		t.Error("gather did not report 4 of 4")
	}
}
