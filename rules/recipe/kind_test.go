package recipe_test

import (
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/rules/recipe"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

func tinySeries() *recipe.Config {
	c := recipe.Default()
	c.Model.Kind, c.Model.Hidden = "clipped-shplrnn", 6
	c.Data.Steps = 2000
	c.Train.Steps, c.Train.SeqLen, c.Train.Batch, c.Train.EvalEvery = 12, 20, 4, 5
	c.Eval.Bins, c.Eval.MaxSteps = 8, 300
	return &c
}

// TestSeriesKindConformance: the series kind keeps the run contract (a
// run resumed from its checkpoint continues bit for bit, model selection
// and evaluation history included).
func TestSeriesKindConformance(t *testing.T) {
	k, err := run.Lookup(recipe.SeriesKind)
	if err != nil {
		t.Fatal(err)
	}
	runtest.Conformance(t, k, tinySeries(), 7, 5)
}

// TestOldFilesAreSeriesRuns: a config and checkpoints written before kinds
// existed (cmd/rnnlab/testdata, commit e58d1a9) decode as series runs, and
// the checkpoint resumes through the registry.
func TestOldFilesAreSeriesRuns(t *testing.T) {
	b, err := os.ReadFile("../../cmd/rnnlab/testdata/v1-config.json")
	if err != nil {
		t.Fatal(err)
	}
	k, spec, err := run.Decode(b)
	if err != nil || k.Name != recipe.SeriesKind {
		t.Fatalf("old config: kind %v, %v", k, err)
	}
	if c := spec.(*recipe.Config); c.Model.Hidden != 8 || c.Train.Steps != 40 {
		t.Errorf("old config decoded as %+v", c)
	}
	ck, err := os.ReadFile("../../cmd/rnnlab/testdata/v1-step30.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tr, k, err := run.Resume(ck, run.Env{})
	if err != nil || k.Name != recipe.SeriesKind {
		t.Fatalf("old checkpoint: %v", err)
	}
	if p := tr.Progress(); p.Step != 30 || p.Total != 40 {
		t.Errorf("old checkpoint resumed at %d of %d, want 30 of 40", p.Step, p.Total)
	}
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.Evaluate(); err != nil {
		t.Fatal(err)
	}
}
