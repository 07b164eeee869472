package run_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

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
	run.Register(runtest.Walk("walk"))
	run.Register(run.Kind{Name: run.DefaultKind, TopLevel: true, New: func() run.Spec { s := &flatSpec{}; s.Model.Latents = 3; return s },
		Resume: func(run.Spec, *run.Checkpoint, run.Env) (run.Trainer, error) { return nil, fmt.Errorf("no") }})
}

func TestWalkConformance(t *testing.T) {
	k, _ := run.Lookup("walk")
	s := k.New().(*runtest.WalkSpec)
	s.Steps, s.Size, s.Seed = 9, 0.5, 7
	runtest.Conformance(t, k, s, 4, 5)
}

func TestDecode(t *testing.T) {
	k, spec, err := run.Decode([]byte(`{"model": {"latents": 5}}`))
	if err != nil || k.Name != run.DefaultKind || spec.(*flatSpec).Model.Latents != 5 {
		t.Fatalf("a file without kind: %v %v %#v", k, err, spec)
	}
	k, spec, err = run.Decode([]byte(`{"kind": "walk", "walk": {"steps": 3}}`))
	if s := spec.(*runtest.WalkSpec); err != nil || k.Name != "walk" || s.Steps != 3 || s.Size != 1 || s.Seed != 1 {
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
