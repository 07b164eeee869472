package reward

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// tinySpec is a 20-unit network on 60-step trials, learning from trial 2.
func tinySpec(rule string) *Spec {
	s := DefaultSpec()
	s.Rule, s.Trials, s.Block, s.N, s.LearnAfter, s.PerturbP = rule, 14, 3, 20, 2, 0.05
	s.Task.TrialTime, s.Task.EvalTime = 60, 10
	s.Task.Stim1Len, s.Task.Stim2Start, s.Task.Stim2Len = 10, 20, 10
	return s
}

func TestKindConformance(t *testing.T) {
	for _, rule := range []string{RuleMiconi, RuleNodePert} {
		t.Run(rule, func(t *testing.T) {
			runtest.Conformance(t, kind(), tinySpec(rule), 2, 3)
		})
	}
}

func TestSpecDecode(t *testing.T) {
	_, spec, err := run.Decode([]byte(`{"kind": "reward", "reward": {"rule": "nodepert", "trials": 500, "task": {"eval_time": 100}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := spec.(*Spec).Config()
	if c.Method != NodePert || c.Eta != 0.001 || c.N != 200 || c.Task.EvalTime != 100 || c.Task.TrialTime != 1000 {
		t.Fatalf("decoded config %+v: want node perturbation's η 0.001 over net.cpp's defaults", c)
	}
	s := DefaultSpec()
	s.Eta = 0.05
	if c := s.Config(); c.Method != DeltaX || c.Eta != 0.05 {
		t.Fatalf("eta 0.05 for miconi gives %+v", c)
	}
	_, _, err = run.Decode([]byte(`{"kind": "reward", "reward": {"rule": "miconi", "trails": 5}}`))
	if err == nil || !strings.Contains(err.Error(), `"reward.trials"`) {
		t.Fatalf("misspelt key: %v", err)
	}
}

func TestSpecValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Rule = "hebb" }, `reward.rule = "hebb": choose "miconi"`},
		{func(s *Spec) { s.Trials = 0 }, "reward.trials must be ≥ 1"},
		{func(s *Spec) { s.Block = 0 }, "reward.block must be ≥ 1"},
		{func(s *Spec) { s.Eta = -1 }, "reward.eta must be > 0, or 0"},
		{func(s *Spec) { s.N = 5 }, "reward.units must be ≥ 12"},
		{func(s *Spec) { s.Tau = 0.5 }, "reward.tau must be ≥ reward.dt"},
		{func(s *Spec) { s.PerturbP = 2 }, "reward.perturb_p must be a probability"},
		{func(s *Spec) { s.TraceR = 1 }, "reward.trace_r must be in [0, 1)"},
		{func(s *Spec) { s.MaxDW = 0 }, "reward.max_dw must be > 0"},
		{func(s *Spec) { s.LearnAfter = -1 }, "reward.learn_after must be ≥ 0"},
		{func(s *Spec) { s.Task.EvalTime = 2000 }, "reward.task.eval_time must be in 1..reward.task.trial_time = 1000"},
		{func(s *Spec) { s.Task.Stim2Start = 100 }, "reward.task: the stimulus windows"},
	} {
		s := DefaultSpec()
		c.edit(s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to contain %q", err, c.want)
		}
		if _, err := s.Start(run.Env{}); err == nil {
			t.Errorf("Start accepted a spec with %q", c.want)
		}
	}
	if err := DefaultSpec().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSpecFlags(t *testing.T) {
	s := DefaultSpec()
	fs := flag.NewFlagSet("reward", flag.ContinueOnError)
	s.Flags(fs)
	if err := fs.Parse([]string{"-rule", "nodepert", "-trials", "300", "-seed", "4", "-stop-at-criterion", "-units", "50"}); err != nil {
		t.Fatal(err)
	}
	if s.Rule != RuleNodePert || s.Trials != 300 || s.Seed != 4 || !s.StopAtCriterion || s.N != 50 || s.Block != 100 {
		t.Fatalf("flags gave %+v", s)
	}
}

// TestStopAtCriterion: with both targets 0 every error is mean |r₀| < 1,
// so every trial is correct and the criterion falls at trial 100 (the
// first full window of 100), inside the third block of 40.
func TestStopAtCriterion(t *testing.T) {
	s := tinySpec(RuleMiconi)
	s.Trials, s.Block, s.StopAtCriterion = 1000, 40, true
	s.Task.TargetMatch, s.Task.TargetNon = 0, 0
	tr, err := s.Start(run.Env{})
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; !tr.Done(); k++ {
		if k == 5 {
			t.Fatal("no criterion in 5 blocks of trials that are all correct")
		}
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	p := tr.Progress()
	if p.Step != 3 || p.Total != 25 || p.Note != "criterion reached at trial 100" {
		t.Fatalf("progress %+v, want 3 of 25 blocks and the criterion at trial 100", p)
	}
	rep, err := tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	for _, v := range rep.Metrics {
		m[v.Name] = v.Value
	}
	if m["trials_to_criterion"] != 100 || m["criterion_reached"] != 1 || m["percent_correct"] != 100 || m["trials"] != 120 {
		t.Fatalf("metrics %v", m)
	}
	for _, f := range rep.Figures {
		if f.Name == "correct" && (f.Lines[0].X[0] != 100 || f.Lines[0].Y[0] != 100 || len(f.Lines[0].X) != 21) {
			t.Fatalf("correct figure starts at (%v, %v) with %d points, want trial 100 (the first full window), 100 %%, 21 points",
				f.Lines[0].X[0], f.Lines[0].Y[0], len(f.Lines[0].X))
		}
	}
}

// TestReport checks the report's content: the curve has a row per trial
// whose percent correct matches Correct, and the activity heat map shows
// the clamped bias units at tanh(±1).
func TestReport(t *testing.T) {
	s := tinySpec(RuleMiconi)
	tr, _ := s.Start(run.Env{})
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	runtest.CheckReport(t, "reward", rep)
	errs := tr.(*dnmsRun).tr.Errors
	if len(rep.Tables) != 1 || rep.Tables[0].Name != "curve" || len(rep.Tables[0].Rows) != s.Trials {
		t.Fatalf("tables %+v", rep.Tables)
	}
	last := rep.Tables[0].Rows[s.Trials-1]
	if want := fmtF(100 * Correct(errs, 100)); last[4] != want || last[1] != conditions[(s.Trials-1)%4] {
		t.Fatalf("last row %v, want condition %s and %s %% correct", last, conditions[(s.Trials-1)%4], want)
	}
	figs := map[string]run.Figure{}
	for _, f := range rep.Figures {
		figs[f.Name] = f
	}
	for _, name := range []string{"correct", "error", "activity", "output"} {
		if _, ok := figs[name]; !ok {
			t.Fatalf("no figure %q", name)
		}
	}
	h := figs["activity"].Heat
	if h == nil || h.Rows != s.N || h.Cols != s.Task.TrialTime {
		t.Fatalf("activity heat %+v, want %d units × %d steps", h, s.N, s.Task.TrialTime)
	}
	for _, b := range biases {
		for c := 0; c < h.Cols; c++ {
			if v := h.Values[b.unit*h.Cols+c]; v != fmath.Tanh(b.x) {
				t.Fatalf("bias unit %d at bin %d has rate %v, want tanh(%v)", b.unit, c, v, b.x)
			}
		}
	}
	out := figs["output"]
	if len(out.Lines) != 6 || out.Lines[1].Label != "AB" || len(out.Lines[1].Y) != s.Task.TrialTime {
		t.Fatalf("output figure lines %d", len(out.Lines))
	}
	for c, v := range out.Lines[1].Y { // r₀ of the AB trial is row 0 of the heat map (1-step bins)
		if v != h.Values[c] {
			t.Fatalf("AB output at %d = %v, heat map row 0 has %v", c, v, h.Values[c])
		}
	}
	if math.IsNaN(rep.Metrics[3].Value) {
		t.Fatal("mean error is NaN")
	}
}

// TestEvaluateKeepsCourse: a run evaluated after every block ends with the
// same checkpoint as one never evaluated.
func TestEvaluateKeepsCourse(t *testing.T) {
	final := func(evaluate bool) []byte {
		tr, _ := tinySpec(RuleNodePert).Start(run.Env{})
		for !tr.Done() {
			if err := tr.Advance(); err != nil {
				t.Fatal(err)
			}
			if evaluate {
				if _, err := tr.Evaluate(); err != nil {
					t.Fatal(err)
				}
			}
		}
		ck, _ := tr.Save()
		var buf bytes.Buffer
		if err := ck.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if !bytes.Equal(final(true), final(false)) {
		t.Fatal("evaluating the run changed its course")
	}
}

func TestResumeErrors(t *testing.T) {
	tr, _ := tinySpec(RuleMiconi).Start(run.Env{})
	_ = tr.Advance()
	ck, _ := tr.Save()
	ck.Meta["trials"] = "7"
	var buf bytes.Buffer
	_ = ck.Encode(&buf)
	if _, _, err := run.Resume(buf.Bytes(), run.Env{}); err == nil || !strings.Contains(err.Error(), "tensor errors has 3 values, the config needs 7") {
		t.Fatalf("inconsistent checkpoint: %v", err)
	}
}

// TestKindGolden fingerprints a whole reward run (the curve, J after it
// and the report's probe trial) natively and under js/wasm.
func TestKindGolden(t *testing.T) {
	var out string
	for _, rule := range []string{RuleMiconi, RuleNodePert} {
		tr, err := tinySpec(rule).Start(run.Env{})
		if err != nil {
			t.Fatal(err)
		}
		for !tr.Done() {
			if err := tr.Advance(); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := tr.Evaluate()
		if err != nil {
			t.Fatal(err)
		}
		d := tr.(*dnmsRun)
		var heat []float64
		for _, f := range rep.Figures {
			if f.Heat != nil {
				heat = f.Heat.Values
			}
		}
		out += fmt.Sprintf("%s errors %016x J %016x activity %016x\n", rule,
			golden.HashBits(d.tr.Errors), golden.HashBits(d.tr.Net.J), golden.HashBits(heat))
	}
	golden.Check(t, "testdata/kind.txt", out)
}
