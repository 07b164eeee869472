package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	runkind "github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

func init() { runkind.Register(runtest.Walk("testwalk")) }

// TestKindCommand: a kind's command trains, writes results.json, its CSV
// and PNG figures; stopped and resumed, it ends with the checkpoint of an
// uninterrupted run; eval of its checkpoint gives the kind's evaluation.
func TestKindCommand(t *testing.T) {
	dir := t.TempDir()
	if keep := os.Getenv("RNNLAB_KEEP"); keep != "" { // to look at the figures
		dir = keep
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if st, o, e := runCmd(t, "testwalk", "--out", a, "--steps", "30", "--size", "0.5", "--quiet"); st != 0 {
		t.Fatalf("status %d\n%s\n%s", st, o, e)
	}
	var res struct {
		Kind    string `json:"kind"`
		Step    int    `json:"step"`
		Figures []string
		Metrics []struct {
			Name  string
			Value *float64
		}
	}
	raw, err := os.ReadFile(filepath.Join(a, "results.json"))
	if err != nil || json.Unmarshal(raw, &res) != nil || res.Kind != "testwalk" || res.Step != 30 || len(res.Figures) != 3 {
		t.Fatalf("results.json: %v %s", err, raw)
	}
	for _, f := range []string{"walk.png", "heat.png", "raster.png"} {
		fh, err := os.Open(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Something is drawn: not every pixel of the plot area is white.
		if bw := img.Bounds(); nonWhite(img, bw.Dx()/4, bw.Dy()/4, 3*bw.Dx()/4, 3*bw.Dy()/4) == 0 {
			t.Errorf("%s is blank in its middle", f)
		}
	}
	if csv, _ := os.ReadFile(filepath.Join(a, "walk.csv")); !strings.HasPrefix(string(csv), "step,x\n1,") {
		t.Errorf("walk.csv: %q", csv)
	}
	run1, _ := os.ReadFile(filepath.Join(a, "run.json"))
	if !strings.Contains(string(run1), `"kind": "testwalk"`) || !strings.Contains(string(run1), `"size": 0.5`) {
		t.Errorf("run.json: %s", run1)
	}

	// The run file through rnnlab train, stopped and resumed.
	file := filepath.Join(dir, "walk.json")
	writeFile(t, file, `{"kind": "testwalk", "testwalk": {"steps": 30, "size": 0.5}}`)
	if st, o, e := runCmd(t, "train", "--config", file, "--out", b, "--stop-at", "12", "--quiet"); st != 0 || !strings.Contains(o, "continue with 'rnnlab train --out") {
		t.Fatalf("stop: status %d\n%s\n%s", st, o, e)
	}
	if st, o, e := runCmd(t, "train", "--out", b, "--resume", "--quiet"); st != 0 || !strings.Contains(o, "resuming") {
		t.Fatalf("resume: status %d\n%s\n%s", st, o, e)
	}
	ca, _ := os.ReadFile(filepath.Join(a, checkpointName))
	cb, _ := os.ReadFile(filepath.Join(b, checkpointName))
	if len(ca) == 0 || !bytes.Equal(ca, cb) {
		t.Errorf("the stopped and resumed run's checkpoint differs from the uninterrupted one's (%d, %d bytes)", len(ca), len(cb))
	}

	e := filepath.Join(dir, "e", "eval.json")
	os.MkdirAll(filepath.Dir(e), 0o755)
	if st, o, er := runCmd(t, "eval", "--checkpoint", filepath.Join(a, checkpointName), "--json", e); st != 0 || !strings.Contains(o, "testwalk run at step 30 of 30") {
		t.Fatalf("eval: status %d\n%s\n%s", st, o, er)
	}
	for _, f := range []string{"eval.json", "eval-walk.png", "eval-walk.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "e", f)); err != nil {
			t.Errorf("eval wrote no %s", f)
		}
	}
}

// TestKindErrors: each wrong use names the problem and what to do.
func TestKindErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	writeFile(t, bad, "{\"kind\": \"testwalk\",\n \"testwalk\": {\"stpes\": 3}}")
	ok := filepath.Join(dir, "ok.json")
	writeFile(t, ok, `{"kind": "testwalk", "testwalk": {"steps": 5}}`)
	foreign := filepath.Join(dir, "foreign.json")
	writeFile(t, foreign, `{"kind": "testwalk", "model": {"latents": 3}}`)
	unknown := filepath.Join(dir, "unknown.json")
	writeFile(t, unknown, `{"kind": "tsak"}`)
	done := filepath.Join(dir, "done")
	if st, _, e := runCmd(t, "testwalk", "--out", done, "--quiet"); st != 0 {
		t.Fatal(e)
	}
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"train", "--config", bad, "--out", filepath.Join(dir, "x")}, 2, "bad.json:2:15: testwalk: unknown key \"stpes\"; did you mean \"testwalk.steps\"?"},
		{[]string{"testwalk", "--config", bad, "--out", filepath.Join(dir, "x")}, 2, "bad.json:2:15"},
		{[]string{"train", "--config", ok, "--latents", "4"}, 2, "--latents are flags of series runs; set them in the run file's \"testwalk\" section, or use 'rnnlab testwalk'"},
		{[]string{"train", "--config", foreign}, 2, "\"model\" belongs to series runs; this run file's kind is \"testwalk\""},
		{[]string{"train", "--config", unknown}, 2, "unknown run kind \"tsak\""},
		{[]string{"testwalk", "--steps", "0", "--out", filepath.Join(dir, "y")}, 2, "testwalk.steps must be ≥ 1 (got 0)"},
		{[]string{"testwalk", "--out", done, "--resume", "--steps", "40"}, 2, "--resume continues the run stored in the checkpoint, so its settings (--steps) cannot change"},
		{[]string{"testwalk", "--out", done}, 1, "already holds a checkpoint; continue it with --resume"},
		{[]string{"eval", "--checkpoint", filepath.Join(done, checkpointName), "--steps", "5"}, 2, "is the checkpoint of a testwalk run: --steps apply to series runs only"},
		{[]string{"generate", "--checkpoint", filepath.Join(done, checkpointName)}, 1, "this is the checkpoint of a testwalk run, not of a series reconstruction"},
		{[]string{"testwalk", "--save-every", "0s"}, 2, "--save-every 0s: must be a positive duration"},
	} {
		st, o, e := runCmd(t, c.args...)
		if st != c.status || !strings.Contains(o+e, c.want) {
			t.Errorf("rnnlab %s: status %d (want %d)\n%s%s\nwant %q", strings.Join(c.args, " "), st, c.status, o, e, c.want)
		}
	}
	// rnnlab config --kind prints a run file the kind's driver takes.
	st, doc, e := runCmd(t, "config", "--kind", "testwalk")
	if st != 0 || !strings.Contains(doc, `"kind": "testwalk"`) {
		t.Fatalf("config --kind: %d %s %s", st, doc, e)
	}
	printed := filepath.Join(dir, "printed.json")
	writeFile(t, printed, doc)
	if st, o, e := runCmd(t, "train", "--config", printed, "--out", filepath.Join(dir, "printed"), "--quiet"); st != 0 {
		t.Errorf("train the printed run file: %d\n%s%s", st, o, e)
	}
	if st, o, _ := runCmd(t, "kinds"); st != 0 || !strings.Contains(o, "series") || !strings.Contains(o, "rnnlab testwalk") {
		t.Errorf("kinds: %d %s", st, o)
	}
}

// nonWhite counts the pixels that are not white in [x0, x1) × [y0, y1).
func nonWhite(img image.Image, x0, y0, x1, y1 int) int {
	n := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || b < 0xf000 {
				n++
			}
		}
	}
	return n
}

// TestKindSweep: a grid over a run file of another kind trains each run
// with the kind's driver and gathers the metrics of their results.json,
// mean ± s.e.m. over seeds; series-only axes and unknown keys are refused.
func TestKindSweep(t *testing.T) {
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, `{"base": {"kind": "testwalk", "testwalk": {"steps": 6}}, "testwalk.size": [0.5, 2], "seeds": [1, 2, 3]}`)
	out := filepath.Join(dir, "sw")
	st, o, e := runCmd(t, "sweep", "--grid", grid, "--out", out, "--jobs", "2")
	if st != 0 {
		t.Fatalf("sweep: %d\n%s\n%s", st, o, e)
	}
	if !strings.Contains(o, "6 of 6 runs finished") || !strings.Contains(o, "mean ± s.e.m. over seeds") {
		t.Fatalf("sweep output:\n%s", o)
	}
	csvText, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if lines := strings.Split(strings.TrimSpace(string(csvText)), "\n"); len(lines) != 7 || lines[0] != "run,testwalk.size,testwalk.seed,status,x" {
		t.Errorf("results.csv:\n%s", csvText)
	}
	// Each run is the kind's run of its values: run 5 is size 2, seed 3.
	var rf struct {
		Testwalk struct{ Steps, Size, Seed float64 } `json:"testwalk"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "runs", "005", "config.json"))
	if json.Unmarshal(b, &rf) != nil || rf.Testwalk != (struct{ Steps, Size, Seed float64 }{6, 2, 3}) {
		t.Errorf("run 5's config.json: %s", b)
	}
	for _, c := range []struct{ grid, want string }{
		{`{"base": {"kind": "testwalk"}, "models": ["plrnn"]}`, "recipe, models and regularizers are axes of series runs"},
		{`{"base": {"kind": "testwalk"}, "testwalk.sise": [1]}`, `unknown key "testwalk.sise" in the grid of testwalk runs; did you mean "testwalk.size"?`},
		{`{"base": {"kind": "testwalk"}, "testwalk.steps": [0]}`, "testwalk.steps must be ≥ 1 (got 0)"},
	} {
		writeFile(t, grid, c.grid)
		st, o, e := runCmd(t, "sweep", "--grid", grid, "--out", filepath.Join(dir, "bad"))
		if st != 2 || !strings.Contains(o+e, c.want) {
			t.Errorf("%s: status %d\n%s%s\nwant %q", c.grid, st, o, e, c.want)
		}
	}
}

// TestProgressLine: units, values, the rate and the time left at that rate.
func TestProgressLine(t *testing.T) {
	p := runkind.Progress{Step: 30, Total: 100, Unit: "batch", Values: []runkind.Value{{Name: "loss", Value: 0.5}}, Note: "stage 1/2"}
	got := progressLine(p, 10*time.Second, 20)
	want := "batch 30/100 (30%) loss 0.5, stage 1/2, 2 batches/s, ETA 35s (budget)"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
