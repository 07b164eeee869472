package recipe

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	s, err := ParseSeries("x.csv", []byte("# comment\nt,x\n1, 2\n3,4.5\n-1e-3,6\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.Rows() != 3 || !slices.Equal(s.X, []float64{1, 2, 3, 4.5, -1e-3, 6}) || s.Name != "x.csv" {
		t.Fatalf("got %+v", s)
	}
	for _, c := range []struct{ in, want string }{
		{"1,2\n3\n", "line 2 has 1 columns"},
		{"1,2\n3,x\n", `line 2, column 2: "x" is not a number`},
		{"a,b\n", "no numeric rows"},
		{"1,2\ninf,3\n", "non-finite value +Inf at row 1, column 0"},
		{"1\n", "at least 2 time points"},
	} {
		if _, err := ParseSeries("d.csv", []byte(c.in), ""); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "d.csv") {
			t.Errorf("%q: error %v, want one naming d.csv and %q", c.in, err, c.want)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	cfg := Default()
	cfg.Model.Hidden, cfg.Train.SeqLen, cfg.Train.Batch, cfg.Train.Steps = 10, 20, 2, 30
	cfg.Data.Steps = 2000
	series, err := LoadSeries(cfg.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	train, test := Split(series, cfg.Data.TestFraction)
	lo, hi := Bounds(train.X)
	md, err := Build(cfg.Model, series.N, lo, hi, cfg.Train.Seed, true)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(cfg, md, train)
	if err != nil {
		t.Fatal(err)
	}
	var losses []float64
	for i := 0; i < 12; i++ {
		l, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, l)
	}
	ck, err := Snapshot(cfg, series.N, md, tr, losses, Selection{Step: -1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ck.Encode(&b); err != nil {
		t.Fatal(err)
	}
	got, md2, err := DecodeCheckpoint(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != 12 || !reflect.DeepEqual(got.Config, cfg) || !slices.Equal(got.Loss, losses) || !slices.Equal(md2.Latent.Params(), md.Latent.Params()) {
		t.Fatalf("round trip lost data: step %d, config equal %v", got.Step, reflect.DeepEqual(got.Config, cfg))
	}
	// The decoded model generates the same trajectory.
	a, _ := md.Generate(test.X[:3], 100, false)
	c, _ := md2.Generate(test.X[:3], 100, false)
	if !slices.Equal(a, c) {
		t.Fatal("decoded model generates another trajectory")
	}
	// A checkpoint of another shape names the tensor.
	cfg.Model.Hidden = 11
	ck.Config = cfg
	b.Reset()
	ck.Encode(&b)
	if _, _, err := DecodeCheckpoint(b.Bytes()); err == nil || !strings.Contains(err.Error(), "tensor model.W1 has shape [3 10], the model needs [3 11]") {
		t.Fatalf("shape mismatch: %v", err)
	}
}

func TestDecodeConfigErrors(t *testing.T) {
	if _, err := DecodeConfig([]byte(`{"model": {"knid": "plrnn"}}`)); err == nil || !strings.Contains(err.Error(), `unknown key "knid"`) {
		t.Errorf("typo: %v", err)
	}
	if _, err := DecodeConfig([]byte("{\n\"model\": {,}\n")); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("syntax: %v", err)
	}
	c, err := DecodeConfig([]byte(`{"train": {"steps": 7}}`))
	if err != nil || c.Train.Steps != 7 || c.Model != Default().Model {
		t.Errorf("partial config: %v %+v", err, c.Train)
	}
}

func TestEvaluatePEPoints(t *testing.T) {
	cfg := Default()
	cfg.Data.Steps = 3000
	series, _ := LoadSeries(cfg.Data, nil)
	_, test := Split(series, 0.5)
	md, _ := Build(cfg.Model, 3, -2, 2, 1, true)
	all := Evaluate(md, test, EvalConfig{Bins: 10, Smoothing: 20, Horizon: 5, MaxSteps: 1000})
	few := Evaluate(md, test, EvalConfig{Bins: 10, Smoothing: 20, Horizon: 5, MaxSteps: 1000, PEPoints: 100})
	if all.Dstsp != few.Dstsp || all.DH != few.DH || math.IsNaN(few.PE) || all.PE == few.PE {
		t.Fatalf("PEPoints: all %+v, few %+v", all, few)
	}
}
