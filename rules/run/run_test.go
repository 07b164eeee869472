package run_test

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// walk is a toy kind: a random walk x ← x + step·(±1) from a seed.
type walkSpec struct {
	Steps int     `json:"steps"`
	Size  float64 `json:"size"`
	Seed  uint64  `json:"seed"`
}

func (s *walkSpec) Validate() error {
	if s.Steps < 1 {
		return fmt.Errorf("walk.steps must be ≥ 1 (got %d)", s.Steps)
	}
	return nil
}
func (s *walkSpec) Flags(fs *flag.FlagSet) { fs.IntVar(&s.Steps, "steps", s.Steps, "steps") }
func (s *walkSpec) Start(run.Env) (run.Trainer, error) {
	return &walker{spec: *s, state: s.Seed}, nil
}

type walker struct {
	spec  walkSpec
	step  int
	x     float64
	state uint64
}

func (w *walker) Advance() error {
	w.state = w.state*6364136223846793005 + 1442695040888963407
	if w.state>>63 == 1 {
		w.x += w.spec.Size
	} else {
		w.x -= w.spec.Size
	}
	w.step++
	return nil
}
func (w *walker) Done() bool { return w.step >= w.spec.Steps }
func (w *walker) Progress() run.Progress {
	return run.Progress{Step: w.step, Total: w.spec.Steps, Unit: "step", Values: []run.Value{{Name: "x", Value: w.x}}}
}
func (w *walker) Evaluate() (*run.Report, error) {
	return &run.Report{Kind: "walk", Step: w.step, Metrics: []run.Value{{Name: "x", Value: w.x}},
		Figures: []run.Figure{{Name: "x", Lines: []run.Line{{X: []float64{0}, Y: []float64{w.x}}}}}}, nil
}
func (w *walker) Save() (*run.Checkpoint, error) {
	spec := w.spec
	doc, _ := walkKind.Encode(&spec)
	return &run.Checkpoint{Kind: "walk", Config: doc, Step: w.step,
		Tensors: []safetensors.Tensor{{Name: "x", DType: "F64", Shape: []int{1}, Data: []float64{w.x}}},
		Meta:    map[string]string{"state": strconv.FormatUint(w.state, 10)}}, nil
}

var walkKind = &run.Kind{Name: "walk", Summary: "a random walk", New: func() run.Spec { return &walkSpec{Steps: 10, Size: 1, Seed: 1} },
	Resume: func(spec run.Spec, ck *run.Checkpoint, _ run.Env) (run.Trainer, error) {
		x, err := ck.Tensor("x", 1)
		if err != nil {
			return nil, err
		}
		st, err := strconv.ParseUint(ck.Meta["state"], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("metadata state: %v", err)
		}
		return &walker{spec: *spec.(*walkSpec), step: ck.Step, x: x[0], state: st}, nil
	}}

// flat is a top-level kind standing in for the series kind.
type flatSpec struct {
	Model struct {
		Latents int `json:"latents"`
	} `json:"model"`
	Train struct {
		Steps int `json:"steps"`
	} `json:"train"`
}

func (s *flatSpec) Validate() error                    { return nil }
func (s *flatSpec) Flags(*flag.FlagSet)                {}
func (s *flatSpec) Start(run.Env) (run.Trainer, error) { return nil, fmt.Errorf("no") }

func init() {
	run.Register(*walkKind)
	run.Register(run.Kind{Name: run.DefaultKind, TopLevel: true, New: func() run.Spec { s := &flatSpec{}; s.Model.Latents = 3; return s },
		Resume: func(run.Spec, *run.Checkpoint, run.Env) (run.Trainer, error) { return nil, fmt.Errorf("no") }})
}

func TestWalkConformance(t *testing.T) {
	k, _ := run.Lookup("walk")
	runtest.Conformance(t, k, &walkSpec{Steps: 9, Size: 0.5, Seed: 7}, 4, 5)
}

func TestDecode(t *testing.T) {
	k, spec, err := run.Decode([]byte(`{"model": {"latents": 5}}`))
	if err != nil || k.Name != run.DefaultKind || spec.(*flatSpec).Model.Latents != 5 {
		t.Fatalf("a file without kind: %v %v %#v", k, err, spec)
	}
	k, spec, err = run.Decode([]byte(`{"kind": "walk", "walk": {"steps": 3}}`))
	if err != nil || k.Name != "walk" || *spec.(*walkSpec) != (walkSpec{Steps: 3, Size: 1, Seed: 1}) {
		t.Fatalf("walk: %v %#v", err, spec)
	}
	for _, c := range []struct{ doc, want string }{
		{`{"kind": "wakl"}`, `unknown run kind "wakl": choose one of series, walk`},
		{`{"kind": 3}`, `kind: expected a string`},
		{`{"kind": "walk", "model": {}}`, `"model" belongs to series runs; this run file's kind is "walk"`},
		{`{"walk": {"steps": 3}}`, `"walk" is the section of walk runs, but this run file has no "kind"`},
		{"{\"kind\": \"walk\",\n \"walk\": {\"stpes\": 3}}", `line 2, column 11: walk: unknown key "stpes"; did you mean "walk.steps"?`},
		{`{"kind": "walk", "walk": {"steps": "3"}}`, `walk.steps: expected an integer`},
	} {
		_, _, err := run.Decode([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.doc, err, c.want)
		}
	}
}

func TestEncodeTopLevel(t *testing.T) {
	k, _ := run.Lookup(run.DefaultKind)
	s := k.New().(*flatSpec)
	s.Train.Steps = 7
	b, err := k.Encode(s)
	if err != nil || !strings.Contains(string(b), `"kind": "series"`) || !strings.Contains(string(b), `"steps": 7`) {
		t.Fatalf("%s %v", b, err)
	}
	_, back, err := run.Decode(b)
	if err != nil || back.(*flatSpec).Train.Steps != 7 {
		t.Fatalf("%v %#v", err, back)
	}
}

func TestCheckpointErrors(t *testing.T) {
	if _, _, err := run.Resume([]byte("junk"), run.Env{}); err == nil || !strings.Contains(err.Error(), "not a valid safetensors") {
		t.Errorf("junk: %v", err)
	}
	var buf strings.Builder
	ck := &run.Checkpoint{Kind: "lost", Config: []byte(`{}`)}
	_ = ck.Encode(&buf)
	if _, _, err := run.Resume([]byte(buf.String()), run.Env{}); err == nil || !strings.Contains(err.Error(), "checkpoint of a lost run") {
		t.Errorf("unknown kind: %v", err)
	}
}
