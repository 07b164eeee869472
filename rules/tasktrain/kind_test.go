package tasktrain

import (
	"bytes"
	"flag"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// tinySpec is a fast section: 2 networks of 10 units at dt = 0.05 s on
// dlygo (a delay task), DASC with 2 stages over a 6-round budget (stage 1
// and 2 take one round each, then base training).
func tinySpec() *Spec {
	s := DefaultSpec()
	s.Task, s.Method, s.Skip, s.Stages, s.Beta = "dlygo", DASC, 3, 2, 0.2
	s.Units, s.Dt, s.Tau = 10, 0.05, 0.5
	s.Networks, s.Trials, s.EvalTrials, s.StepsPerRound, s.Rounds = 2, 3, 4, 2, 6
	s.Seed = 5
	return &s
}

func TestKindConformance(t *testing.T) {
	k, err := run.Lookup(KindName)
	if err != nil {
		t.Fatal(err)
	}
	runtest.Conformance(t, k, tinySpec(), 2, 3)
	cd := tinySpec()
	cd.Method, cd.Alpha = CD, 1.2 // CD restarts Adam at its stage changes
	runtest.Conformance(t, k, cd, 1, 3)
}

func TestKindValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Task = "gogo" }, `task.task = "gogo" is not a task: choose one of go, rtgo, dlygo`},
		{func(s *Spec) { s.Method = "tbptt" }, "task.method"},
		{func(s *Spec) { s.Skip = 0 }, "task.skip = 0"},
		{func(s *Spec) { s.Beta = 1.5 }, "task.beta = 1.5"},
		{func(s *Spec) { s.Beta = -0.1 }, "task.beta = -0.1"},
		{func(s *Spec) { s.Beta = math.NaN() }, "task.beta = NaN"},
		{func(s *Spec) { s.Method, s.Alpha = CD, 200 }, "task.alpha = 200: CD's stage 1 steps at task.dt·α = 1 s, too coarse"},
		{func(s *Spec) { s.Tau, s.Dt = 2, 0.6 }, "task.dt = 0.6 s is too coarse for the task's trial"},
		{func(s *Spec) { s.Dt = 0.2 }, "task.dt = 0.2"},
		{func(s *Spec) { s.Units = 3 }, "task.units = 3"},
		{func(s *Spec) { s.Networks = 0 }, "task.networks = 0"},
		{func(s *Spec) { s.Rounds = 0 }, "task.rounds = 0"},
		{func(s *Spec) { s.Activation = "sigmoid" }, "task.activation"},
		{func(s *Spec) { s.LR = -1 }, "task.lr"},
		{func(s *Spec) { s.Clip = -1 }, "task.clip"},
	} {
		s := DefaultSpec()
		c.edit(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
	s := DefaultSpec()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	// the reference's whole sweep validates: θ, stages, β₀ at dt = 5 ms, CD at α = 10
	for _, m := range []string{SCTT, DASC, CD} {
		for _, st := range []int{1, 2, 6, 11} {
			s := DefaultSpec()
			s.Task, s.Method, s.Stages, s.Skip, s.Beta = "dnmc", m, st, 40, 0
			if err := s.Validate(); err != nil {
				t.Errorf("%s, %d stages: %v", m, st, err)
			}
		}
	}
}

// A run file with a typo or a wrong type is refused with its key.
func TestKindDecode(t *testing.T) {
	k, spec, err := run.Decode([]byte(`{"kind": "task", "task": {"task": "dlydm1", "method": "dasc", "skip": 40}}`))
	if err != nil || k.Name != KindName {
		t.Fatal(k, err)
	}
	s := spec.(*Spec)
	if s.Task != "dlydm1" || s.Skip != 40 || s.Units != 50 || s.Rounds != 4000 {
		t.Fatalf("decoded %+v", s)
	}
	if _, _, err := run.Decode([]byte(`{"kind": "task", "task": {"skp": 4}}`)); err == nil || !strings.Contains(err.Error(), `"skp"`) {
		t.Errorf("typo: %v", err)
	}
}

func TestKindFlags(t *testing.T) {
	s := DefaultSpec()
	fs := flag.NewFlagSet("task", flag.ContinueOnError)
	s.Flags(fs)
	err := fs.Parse([]string{"--task", "dlydm1", "--method", "dasc", "--skip", "40", "--stages", "6", "--beta", "0.5",
		"--models", "8", "--units", "64", "--seed", "3", "--rounds", "100"})
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSpec()
	want.Task, want.Method, want.Skip, want.Stages, want.Beta = "dlydm1", DASC, 40, 6, 0.5
	want.Networks, want.Units, want.Seed, want.Rounds = 8, 64, 3, 100
	if s != want {
		t.Fatalf("flags gave %+v", s)
	}
}

// The report: one performance row per round and network, a summary per
// network, trial figures of the recorded epochs, fixed points that are
// fixed points of the clamped network; and evaluating leaves the run's
// course alone.
func TestKindReport(t *testing.T) {
	s := tinySpec()
	s.Rounds = 40
	tr, err := s.Start(run.Env{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	before := checkpointBytes(t, tr)
	rep, err := tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, checkpointBytes(t, tr)) {
		t.Fatal("Evaluate changed the run")
	}
	runtest.CheckReport(t, KindName, rep)
	tables := map[string]run.Table{}
	for _, tb := range rep.Tables {
		tables[tb.Name] = tb
	}
	if n := len(tables["performance"].Rows); n != 4*2 {
		t.Errorf("performance table has %d rows, want 8", n)
	}
	if n := len(tables["summary"].Rows); n != 2 {
		t.Errorf("summary has %d rows", n)
	}
	figs := map[string]run.Figure{}
	for _, f := range rep.Figures {
		figs[f.Name] = f
	}
	for _, name := range []string{"performance", "trial-inputs", "trial-rates", "trial-output", "trial-target", "trial-fixation", "trial-ring", "fixedpoints"} {
		if _, ok := figs[name]; !ok {
			t.Errorf("no figure %q", name)
		}
	}
	// dlygo at dt = 0.05: 10 + 10 + 20 + 10 recorded steps
	if h := figs["trial-rates"].Heat; h.Rows != 10 || h.Cols != 50 {
		t.Errorf("rates heat map %d×%d, want 10×50", h.Rows, h.Cols)
	}
	if h := figs["trial-inputs"].Heat; h.Values[0*50+0] != 1 || h.Values[0*50+45] != 0 || h.Values[(65+2)*50+45] != 1 {
		t.Error("input heat map: fixation not on then off, or rule channel not on")
	}
	if l := figs["performance"].Lines; len(l) != 6 || len(l[0].Y) != 4 || l[0].Y[3] > l[2].Y[3] {
		t.Errorf("performance figure: %d lines", len(l))
	}
	d := rep.Details.(*Details)
	if d.FixedPoints == nil || d.FixedPoints.Epoch != "delay" || d.FixedPoints.Starts != fixedPointTrials*fixedPointStarts {
		t.Fatalf("fixed points %+v", d.FixedPoints)
	}
	if got := d.FixedPoints.Input; len(got) != 2 || got[0] != 0 || got[1] != 65+2 {
		t.Errorf("held input channels %v, want fixation and dlygo's rule", got)
	}
	net := tr.(*trainer).e.Nets[0].Model
	h := make([]float64, cogtask.Inputs)
	for _, c := range d.FixedPoints.Input {
		h[c] = 1
	}
	cl := leaky.NewClamped(net, h)
	x := make([]float64, net.N)
	for i, p := range d.FixedPoints.Points {
		cl.Step(x, p.X, nil)
		for j := range x {
			if math.Abs(x[j]-p.X[j]) > 1e-5 {
				t.Fatalf("fixed point %d moves: %v → %v", i, p.X[j], x[j])
			}
		}
	}
	if len(tables["fixedpoints"].Rows) != len(d.FixedPoints.Points) {
		t.Error("fixedpoints table and details disagree")
	}
	if d.Rounds != 4 || d.Steps != 8 || len(d.NetworkSteps) != 2 {
		t.Errorf("details %+v", d)
	}
}

// A ReLU network's clamped map has at least one fixed point the analysis
// finds from the trial's delay states once it has trained a while.
func TestKindFindsFixedPoints(t *testing.T) {
	s := tinySpec()
	s.Rounds = 40
	tr, _ := s.Start(run.Env{Workers: 2})
	for i := 0; i < 12; i++ {
		tr.Advance()
	}
	rep, _ := tr.Evaluate()
	if d := rep.Details.(*Details); len(d.FixedPoints.Points) == 0 {
		t.Fatal("no fixed point found")
	}
}

func checkpointBytes(t *testing.T, tr run.Trainer) []byte {
	t.Helper()
	ck, err := tr.Save()
	if err != nil {
		t.Fatal(err)
	}
	delete(ck.Meta, "time.wall_s")
	var b bytes.Buffer
	if err := ck.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
