package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	runkind "github.com/rnnlab/rnnlab/rules/run"
)

// testwalk is a kind of run the driver's tests register: a seeded random
// walk whose report has a line figure, a heat map, a raster and a table.
type walkSpec struct {
	Steps int     `json:"steps"`
	Size  float64 `json:"size"`
	Seed  uint64  `json:"seed"`
}

func (s *walkSpec) Validate() error {
	if s.Steps < 1 {
		return fmt.Errorf("testwalk.steps must be ≥ 1 (got %d)", s.Steps)
	}
	return nil
}

func (s *walkSpec) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.Steps, "steps", s.Steps, "steps of the walk")
	fs.Float64Var(&s.Size, "size", s.Size, "step size")
}

func (s *walkSpec) Start(runkind.Env) (runkind.Trainer, error) {
	return &walker{spec: *s, state: s.Seed}, nil
}

type walker struct {
	spec  walkSpec
	xs    []float64
	state uint64
}

func (w *walker) Advance() error {
	w.state = w.state*6364136223846793005 + 1442695040888963407
	x := 0.0
	if n := len(w.xs); n > 0 {
		x = w.xs[n-1]
	}
	if w.state>>63 == 1 {
		x += w.spec.Size
	} else {
		x -= w.spec.Size
	}
	w.xs = append(w.xs, x)
	return nil
}

func (w *walker) Done() bool { return len(w.xs) >= w.spec.Steps }

func (w *walker) Progress() runkind.Progress {
	return runkind.Progress{Step: len(w.xs), Total: w.spec.Steps, Unit: "step"}
}

func (w *walker) Evaluate() (*runkind.Report, error) {
	t := make([]float64, len(w.xs))
	rows := [][]string{}
	for i := range t {
		t[i] = float64(i + 1)
		rows = append(rows, []string{strconv.Itoa(i + 1), fmt.Sprint(w.xs[i])})
	}
	heat := &runkind.Heat{Rows: 2, Cols: len(w.xs), Values: append(append([]float64(nil), w.xs...), t...)}
	raster := &runkind.Raster{N: 4, Exc: 3, Span: float64(len(w.xs))}
	for i := range w.xs {
		raster.Time, raster.Index = append(raster.Time, float64(i)), append(raster.Index, i%4)
	}
	last := 0.0
	if n := len(w.xs); n > 0 {
		last = w.xs[n-1]
	}
	return &runkind.Report{Kind: "testwalk", Step: len(w.xs), Metrics: []runkind.Value{{Name: "x", Value: last}},
		Tables: []runkind.Table{{Name: "walk", Columns: []string{"step", "x"}, Rows: rows}},
		Figures: []runkind.Figure{{Name: "walk", Title: "the walk", XLabel: "step", YLabel: "x", Lines: []runkind.Line{{Label: "x", X: t, Y: w.xs}}},
			{Name: "heat", Title: "heat", Heat: heat}, {Name: "raster", Title: "raster", Raster: raster}}}, nil
}

func (w *walker) Save() (*runkind.Checkpoint, error) {
	spec := w.spec
	k, _ := runkind.Lookup("testwalk")
	doc, err := k.Encode(&spec)
	if err != nil {
		return nil, err
	}
	return &runkind.Checkpoint{Kind: "testwalk", Config: doc, Step: len(w.xs),
		Tensors: []safetensors.Tensor{{Name: "xs", DType: "F64", Shape: []int{len(w.xs)}, Data: w.xs}},
		Meta:    map[string]string{"state": strconv.FormatUint(w.state, 10)}}, nil
}

func init() {
	runkind.Register(runkind.Kind{Name: "testwalk", Summary: "a random walk (the driver's tests)", Command: "testwalk",
		New: func() runkind.Spec { return &walkSpec{Steps: 10, Size: 1, Seed: 1} },
		Resume: func(spec runkind.Spec, ck *runkind.Checkpoint, _ runkind.Env) (runkind.Trainer, error) {
			xs, err := ck.Tensor("xs", ck.Step)
			if err != nil && ck.Step > 0 {
				return nil, err
			}
			st, err := strconv.ParseUint(ck.Meta["state"], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("metadata state: %v", err)
			}
			return &walker{spec: *spec.(*walkSpec), xs: append([]float64(nil), xs...), state: st}, nil
		}})
}

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
