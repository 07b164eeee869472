package recipe

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestPartsAndTrainingZScore(t *testing.T) {
	// 10 rows, test 0.3 (3 rows), validation 0.2 (2 rows), train 5 rows.
	c := DataConfig{Source: "x.csv", TestFraction: 0.3, ValidationFraction: 0.2}
	csv := "1\n2\n3\n4\n5\n100\n200\n300\n400\n500\n"
	read := func(string) ([]byte, error) { return []byte(csv), nil }
	s, err := LoadSeries(c, read)
	if err != nil {
		t.Fatal(err)
	}
	train, val, test := Parts(s, c)
	if train.Rows() != 5 || val.Rows() != 2 || test.Rows() != 3 {
		t.Fatalf("parts of %d, %d, %d rows; want 5, 2, 3", train.Rows(), val.Rows(), test.Rows())
	}
	// The training rows 1…5 have mean 3 and sd √2.5 (divisor 4): the
	// held-out values do not move them.
	sd := math.Sqrt(2.5)
	for i, v := range []float64{1, 2, 3, 4, 5, 100, 200, 300, 400, 500} {
		if want := (v - 3) / sd; math.Abs(s.X[i]-want) > 1e-12 {
			t.Errorf("row %d: %g, want %g", i, s.X[i], want)
		}
	}
	// The test tail does not depend on the validation fraction.
	c0 := c
	c0.ValidationFraction = 0
	_, v0, t0 := Parts(s, c0)
	if v0.Rows() != 0 || !slices.Equal(t0.X, test.X) {
		t.Errorf("without validation: %d validation rows, test tail equal %v", v0.Rows(), slices.Equal(t0.X, test.X))
	}
	// "all": the whole series' statistics, as before issue 9.
	c.ZScoreStats = "all"
	a, _ := LoadSeries(c, read)
	var mean float64
	for _, v := range a.X {
		mean += v
	}
	if math.Abs(mean) > 1e-9 {
		t.Errorf("zscore_stats all: mean %g, want 0", mean/10)
	}
	c.TestFraction, c.ValidationFraction, c.ZScoreStats = 0.5, 0.45, ""
	if _, err := LoadSeries(c, read); err == nil {
		t.Error("a training part of no rows was z-scored")
	}
	bad := Default()
	bad.Data.TestFraction, bad.Data.ValidationFraction = 0.5, 0.5
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "validation_fraction") {
		t.Errorf("test + validation = 1: %v", err)
	}
}

func TestSelectionScore(t *testing.T) {
	// The runs of issue 9: step 50 000 (0.477, 0.116) against step 40 000
	// (0.374, 0.068); the second is better on both and must win.
	if !(SelectionScore(0.374, 0.068) < SelectionScore(0.477, 0.116)) {
		t.Error("the better step does not score lower")
	}
	// Halving either measure is worth the same.
	a, b := SelectionScore(0.2, 0.1), SelectionScore(0.4, 0.05)
	if math.Abs(a-b) > 1e-12 {
		t.Errorf("(0.2, 0.1) scores %g, (0.4, 0.05) %g; want equal", a, b)
	}
	if !math.IsInf(SelectionScore(math.Inf(1), 0.1), 1) || !math.IsInf(SelectionScore(0.3, math.NaN()), 1) {
		t.Error("a diverged model does not score +Inf")
	}
	if SelectionScore(-0.01, 0.1) != SelectionScore(SelectionFloor, 0.1) {
		t.Error("a negative estimate is not floored")
	}
}

// tinyRun is a small Lorenz run with a validation part.
func tinyRun(t *testing.T) (Config, Model, Series, Series, Series) {
	t.Helper()
	cfg := Default()
	cfg.Model.Hidden, cfg.Train.SeqLen, cfg.Train.Batch = 10, 20, 2
	cfg.Data.Steps = 5000
	cfg.Eval = EvalConfig{Bins: 10, Smoothing: 20, Horizon: 5, MaxSteps: 800}
	series, err := LoadSeries(cfg.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	train, val, test := Parts(series, cfg.Data)
	lo, hi := Bounds(train.X)
	md, err := Build(cfg.Model, series.N, lo, hi, cfg.Train.Seed, true)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, md, train, val, test
}

func TestSelectorKeepsTheBest(t *testing.T) {
	cfg, md, train, val, _ := tinyRun(t)
	sel := NewSelector(cfg, train, val)
	if sel.On() != "validation" {
		t.Fatalf("scores on %s", sel.On())
	}
	good := slices.Clone(md.Latent.Params())
	first := sel.Consider(10, md)
	// A worse model: the latent map scaled towards 0 collapses to a point.
	for i := range md.Latent.Params() {
		md.Latent.Params()[i] *= 0.1
	}
	second := sel.Consider(20, md)
	if !(second.Score > first.Score) {
		t.Fatalf("the collapsed model scores %g, the initial one %g", second.Score, first.Score)
	}
	if sel.Best.Step != 10 || !slices.Equal(sel.Best.Model, good) || sel.Best.Dstsp != first.Dstsp || sel.Best.DH != first.DH {
		t.Errorf("kept step %d (want 10) with its parameters %v", sel.Best.Step, slices.Equal(sel.Best.Model, good))
	}
	// Without a validation part it scores on the training part.
	if s := NewSelector(cfg, train, Series{N: 3}); s.On() != "training" {
		t.Errorf("no validation part: scores on %s", s.On())
	}
	// A selection by another criterion (a checkpoint before issue 9) is
	// scored again, and md is left as it was.
	now := slices.Clone(md.Latent.Params())
	fresh := NewSelector(cfg, train, val)
	fresh.Restore(Selection{Step: 10, Score: 99, Model: good, Obs: slices.Clone(md.Obs.Params())}, md)
	if fresh.Best.Score != first.Score || fresh.Best.On != "validation" || !slices.Equal(md.Latent.Params(), now) {
		t.Errorf("restored score %g (want %g), on %q, md unchanged %v", fresh.Best.Score, first.Score, fresh.Best.On, slices.Equal(md.Latent.Params(), now))
	}
}

func TestCheckpointKeepsHistoryAndLastStep(t *testing.T) {
	cfg, md, train, val, test := tinyRun(t)
	tr, err := NewTrainer(cfg, md, train)
	if err != nil {
		t.Fatal(err)
	}
	sel := NewSelector(cfg, train, val)
	ev := NewEvaluator(test, cfg.Eval)
	var history []EvalRecord
	for s := 1; s <= 6; s++ {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		if s%3 == 0 {
			c := sel.Consider(s, md)
			history = append(history, EvalRecord{Step: s, Metrics: ev.Evaluate(md), Validation: &c})
		}
	}
	// Pretend step 3 was selected: the checkpoint holds its parameters, and
	// the last (step 6) ones with the optimizer state.
	last := slices.Clone(md.Latent.Params())
	third := slices.Clone(last)
	third[0] += 0.5
	ck, err := Snapshot(cfg, 3, md, tr, nil, Selection{Step: 3, Score: 1, Dstsp: 2, DH: 0.5, On: "validation", Model: third, Obs: md.Obs.Params()})
	if err != nil {
		t.Fatal(err)
	}
	ck.ModelTheta = third
	ck.ParamsStep, ck.LastModel, ck.LastObs, ck.History = 3, last, md.Obs.Params(), history
	var b bytes.Buffer
	if err := ck.Encode(&b); err != nil {
		t.Fatal(err)
	}
	got, md2, err := DecodeCheckpoint(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.ParamsStep != 3 || got.Step != 6 || !slices.Equal(md2.Latent.Params(), third) || !slices.Equal(got.LastModel, last) {
		t.Fatalf("params step %d, step %d, model = selected %v, last kept %v", got.ParamsStep, got.Step, slices.Equal(md2.Latent.Params(), third), slices.Equal(got.LastModel, last))
	}
	if !strings.Contains(got.OptimizerOf(), "step 6, the last trained") || got.Selected.Dstsp != 2 || got.Selected.On != "validation" {
		t.Errorf("optimizer of %q; selection %+v", got.OptimizerOf(), got.Selected)
	}
	h1, _ := json.Marshal(history)
	h2, _ := json.Marshal(got.History)
	if !bytes.Equal(h1, h2) || len(got.History) != 2 {
		t.Errorf("history not kept:\n%s\n%s", h1, h2)
	}
	// Resuming puts the last step's parameters back into the model.
	tr2, err := NewTrainer(got.Config, md2, train)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Resume(tr2); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(md2.Latent.Params(), last) || tr2.Steps() != 6 {
		t.Errorf("resumed from the selected parameters, or at step %d", tr2.Steps())
	}
}

func TestLegacyDataConfig(t *testing.T) {
	// A data section written before issue 9 has no validation_fraction:
	// it had no validation part and z-scored the whole series.
	var d DataConfig = Default().Data
	legacyData([]byte(`{"data": {"source": "lorenz63", "test_fraction": 0.5}}`), &d)
	if d.ValidationFraction != 0 || d.ZScoreStats != "all" {
		t.Errorf("legacy: %+v", d)
	}
	d = Default().Data
	legacyData([]byte(`{"data": {"source": "lorenz63", "validation_fraction": 0.2}}`), &d)
	if d.ValidationFraction != 0.2 || d.ZScoreStats != "" {
		t.Errorf("current: %+v", d)
	}
}

func TestDendProtocolRuns(t *testing.T) {
	cfg, md, _, _, test := tinyRun(t)
	ec := cfg.Eval
	ec.MaxSteps = 1000
	ev := NewEvaluator(test, ec)
	truth, runs := ev.ProtocolRuns(md)
	// 1000 ≤ 10 000 steps: 10 runs of 100 points, each from the held-out
	// point it starts at.
	if len(truth) != 1000*3 || len(runs) != 1000*3 {
		t.Fatalf("truth %d, runs %d values; want 3000 each", len(truth), len(runs))
	}
	for r := range 10 {
		if !slices.Equal(runs[r*300:r*300+3], test.X[r*300:r*300+3]) {
			t.Errorf("run %d does not start at held-out point %d", r, 100*r)
		}
		g, _ := md.Generate(test.X[r*300:r*300+3], 99, false)
		if !slices.Equal(runs[r*300+3:(r+1)*300], g) {
			t.Errorf("run %d is not the free run from its point", r)
		}
	}
	ec.StspProtocol = "dendplrnn"
	m := NewEvaluator(test, ec).Evaluate(md)
	long := ev.Evaluate(md)
	if m.Protocol != "dendplrnn" || long.Protocol != "long" || m.DH != long.DH || m.Dstsp == long.Dstsp {
		t.Errorf("protocol %q/%q: D_H %g/%g (want equal), D_stsp %g/%g (want different)", m.Protocol, long.Protocol, m.DH, long.DH, m.Dstsp, long.Dstsp)
	}
	if m.DstspGTF != m.Dstsp || math.IsNaN(m.DstspDend) {
		t.Errorf("both binned estimators: gtf %g (D_stsp %g), dendplrnn %g", m.DstspGTF, m.Dstsp, m.DstspDend)
	}
}
