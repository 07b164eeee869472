package plastic_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/rules/plastic"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

func ptr[T any](v T) *T { return &v }

// tiny is a plastic section small enough for the conformance checks: a
// 6-unit network of 2 plastic layers, batches of 2 sequences.
func tiny() *plastic.Spec {
	s := plastic.Defaults()
	s.Hidden, s.Layers, s.Batch = ptr(6), ptr(2), ptr(2)
	s.Batches, s.Window, s.RatioEvery, s.EvalBatches = 8, 2, 2, 3
	return s
}

func TestConformance(t *testing.T) {
	k, err := run.Lookup("plastic")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*plastic.Spec){
		"dfa":           func(*plastic.Spec) {},
		"dfa normalize": func(s *plastic.Spec) { s.Preset = "code"; s.Hidden = ptr(6) }, // the feedback matrices change too
		"perstep":       func(s *plastic.Spec) { s.Updater = plastic.UpdaterPerStep },
		"bptt":          func(s *plastic.Spec) { s.Updater = plastic.UpdaterBPTT },
		"plain dfa":     func(s *plastic.Spec) { s.Model = plastic.ModelPlain },
		"plain bptt":    func(s *plastic.Spec) { s.Model, s.Updater = plastic.ModelPlain, plastic.UpdaterBPTT },
		"palindrome":    func(s *plastic.Spec) { s.Task = plastic.TaskPalindrome; s.ForgetRate = ptr(0.1) },
		"resequence":    func(s *plastic.Spec) { s.Task = plastic.TaskResequence; s.Length = 7 },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			s := tiny()
			mut(s)
			runtest.Conformance(t, k, s, 3, 4)
		})
	}
}

// hebbianTiny is a hebbian section of 4-bit patterns and 6 episodes.
func hebbianTiny() *plastic.HebbianSpec {
	s := plastic.HebbianDefaults()
	s.Bits, s.Episodes, s.EvalEpisodes, s.Window = 4, 6, 3, 2
	return s
}

func TestHebbianConformance(t *testing.T) {
	k, err := run.Lookup("hebbian")
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"hebb", "backpropamine"} {
		s := hebbianTiny()
		s.Rule = rule
		runtest.Conformance(t, k, s, 2, 3)
	}
	s := plastic.HebbianDefaults()
	s.Bits, s.Episodes, s.EvalEpisodes, s.Plastic = 4, 4, 2, false
	runtest.Conformance(t, k, s, 2, 2)
}

// TestEvaluateKeepsCourse: an evaluation in the middle of a run (with the
// rule on, and normalisation changing DFA's feedback matrices) leaves the
// run's course unchanged.
func TestEvaluateKeepsCourse(t *testing.T) {
	for _, preset := range []string{"learns", "code"} {
		s := tiny()
		s.Preset = preset
		a, b := start(t, s, run.Env{}), start(t, s, run.Env{})
		advance(t, a, 3)
		rep, err := a.Evaluate()
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Figures) != 4 || rep.Figures[3].Heat == nil || rep.Figures[3].Heat.Rows*rep.Figures[3].Heat.Cols == 0 {
			t.Fatalf("%s: figures %+v: want loss, accuracy, grad-ratio and a fast-weights heat map", preset, rep.Figures)
		}
		advance(t, a, 3)
		advance(t, b, 6)
		if !bytes.Equal(save(t, a), save(t, b)) {
			t.Errorf("%s: a run evaluated after 3 batches differs from one that was not", preset)
		}
	}
}

// TestReport checks the report's numbers against their definitions.
func TestReport(t *testing.T) {
	s := tiny()
	s.Batches = 6
	tr := start(t, s, run.Env{})
	advance(t, tr, 6)
	rep, err := tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	for _, v := range rep.Metrics {
		m[v.Name] = v.Value
	}
	// The tiny network: c = 2·9 + 6 = 24 inputs; two 24×24 layers, i2h 6×24,
	// i2o 9×24, 8 bytes an entry; plus 6 hidden units.
	fast := 8 * (2*24*24 + 6*24 + 9*24)
	if m["fast_weight_bytes_per_sequence"] != float64(fast) || m["state_bytes_per_sequence"] != float64(fast+8*6) {
		t.Errorf("bytes per sequence %v, %v; want %d, %d", m["fast_weight_bytes_per_sequence"], m["state_bytes_per_sequence"], fast, fast+48)
	}
	if d := m["floor_no_memory"] - 0.998; d > 5e-4 || d < -5e-4 {
		t.Errorf("floor_no_memory %v, want 0.998 (docs/plasticity.md)", m["floor_no_memory"])
	}
	if a := m["accuracy"]; !(a >= 0 && a <= 1) || m["loss"] <= 0 || m["chars_seen"] <= 0 {
		t.Errorf("metrics %v", m)
	}
	hist := rep.Tables[0]
	if hist.Name != "history" || len(hist.Rows) != 3 || hist.Rows[2][0] != "6" {
		t.Errorf("history table %+v: want 3 rows of 2 batches", hist)
	}
	plain := tiny()
	plain.Model = plastic.ModelPlain
	tr = start(t, plain, run.Env{})
	advance(t, tr, 2)
	rep, _ = tr.Evaluate()
	for _, v := range rep.Metrics {
		if v.Name == "fast_weight_bytes_per_sequence" && v.Value != 0 {
			t.Errorf("a plain RNN has %v bytes of fast weights per sequence, want 0", v.Value)
		}
		if v.Name == "state_bytes_per_sequence" && v.Value != 48 {
			t.Errorf("a plain RNN's memory per sequence is %v bytes, want 48 (6 hidden units)", v.Value)
		}
	}
}

func files(m map[string]string) run.Env {
	return run.Env{ReadFile: func(name string) ([]byte, error) {
		if v, ok := m[name]; ok {
			return []byte(v), nil
		}
		if name == "alice.txt" {
			return os.ReadFile("../../kernel/chartask/testdata/alice.txt")
		}
		return nil, errors.New("open " + name + ": no such file or directory")
	}}
}

// TestText trains on the shipped public-domain text (the opening of
// Alice's Adventures in Wonderland) read through Env.ReadFile.
func TestText(t *testing.T) {
	s := tiny()
	s.Task, s.Corpus = plastic.TaskText, "alice.txt"
	k, _ := run.Lookup("plastic")
	tr := start(t, s, files(nil))
	advance(t, tr, 4)
	if p := tr.Progress(); p.Values[2].Value != 4*2*31 {
		t.Errorf("characters seen %v after 4 batches of 2 windows of 32, want 248", p.Values[2].Value)
	}
	ck, err := tr.Save()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_ = ck.Encode(&buf)
	if _, _, err := run.Resume(buf.Bytes(), run.Env{}); err == nil || !strings.Contains(err.Error(), "reads no files") {
		t.Errorf("resuming a text run without files: %v", err)
	}
	if _, _, err := run.Resume(buf.Bytes(), files(nil)); err != nil {
		t.Errorf("resume: %v", err)
	}
	_ = k
}

func TestErrors(t *testing.T) {
	text := func(corpus string) func(*plastic.Spec) {
		return func(s *plastic.Spec) { s.Task, s.Corpus = plastic.TaskText, corpus }
	}
	env := files(map[string]string{"latin1.txt": "caf\xe9 au lait", "empty.txt": "", "abc.txt": "abcabcabcabc abc"})
	for _, c := range []struct {
		name string
		mut  func(*plastic.Spec)
		want string
	}{
		{"plasticity 0", func(s *plastic.Spec) { s.Plasticity = ptr(0.0) }, "plastic.plasticity must be > 0 (got 0): a plasticity of 0 freezes"},
		{"not UTF-8", text("latin1.txt"), `plastic.corpus "latin1.txt": chartask: corpus is not UTF-8 (invalid byte at offset 3)`},
		{"empty", text("empty.txt"), `plastic.corpus "empty.txt": chartask: empty corpus`},
		{"outside charset", func(s *plastic.Spec) { text("abc.txt")(s); s.Charset = "abc"; s.Length = 4 }, `character ' ' at byte 12 is not in the charset "abc"`},
		{"missing file", text("nope.txt"), "plastic.corpus: open nope.txt: no such file"},
		{"no corpus", func(s *plastic.Spec) { s.Task = plastic.TaskText }, "plastic.corpus: task \"text\" needs"},
		{"corpus for key recall", func(s *plastic.Spec) { s.Corpus = "abc.txt" }, "plastic.corpus and plastic.charset are for task"},
		{"updater", func(s *plastic.Spec) { s.Updater = "hebb" }, `plastic.updater = "hebb": want dfa, perstep or bptt`},
		{"model", func(s *plastic.Spec) { s.Model = "lstm" }, `plastic.model = "lstm"`},
		{"preset", func(s *plastic.Spec) { s.Preset = "fast" }, `plastic.preset = "fast"`},
		{"plain mask", func(s *plastic.Spec) { s.Model = plastic.ModelPlain; s.PlastProportion = ptr(0.2) }, "a plain RNN has no fast-weight mask"},
		{"bptt train_hidden", func(s *plastic.Spec) { s.Updater = plastic.UpdaterBPTT; s.TrainHidden = ptr(true) }, "plastic.train_hidden does not apply to updater bptt"},
		{"lr", func(s *plastic.Spec) { s.LR = ptr(-1.0) }, "learning_rate = -1, want > 0"},
		{"window", func(s *plastic.Spec) { s.Window = 0 }, "plastic.window must be ≥ 1"},
		{"text window", func(s *plastic.Spec) { text("abc.txt")(s); s.Length = 99 }, "text window length = 99, want 2..16"},
	} {
		s := tiny()
		c.mut(s)
		_, err := s.Start(env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	h := plastic.HebbianDefaults()
	h.Rule = "oja"
	if err := h.Validate(); err == nil || !strings.Contains(err.Error(), `hebbian.rule = "oja"`) {
		t.Errorf("hebbian rule: %v", err)
	}
}

// TestFlags: the command's flags set the section; unset optional flags
// leave the preset's values.
func TestFlags(t *testing.T) {
	s := plastic.Defaults()
	fs := flag.NewFlagSet("plastic", flag.ContinueOnError)
	s.Flags(fs)
	if err := fs.Parse([]string{"--updater", "bptt", "--hidden", "16", "--plasticity", "0.01", "--model", "plain", "--batches", "7"}); err != nil {
		t.Fatal(err)
	}
	if s.Updater != "bptt" || *s.Hidden != 16 || *s.Plasticity != 0.01 || s.Model != "plain" || s.Batches != 7 || s.Layers != nil {
		t.Fatalf("%+v", s)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--train-hidden"}); err != nil || s.TrainHidden == nil || !*s.TrainHidden {
		t.Fatalf("--train-hidden: %v %v", err, s.TrainHidden)
	}
	if err := s.Validate(); err == nil {
		t.Fatal("train_hidden with bptt accepted")
	}
	if err := fs.Parse([]string{"--plasticity", "0"}); err != nil {
		t.Fatal(err)
	}
}

func start(t *testing.T, s run.Spec, env run.Env) run.Trainer {
	t.Helper()
	tr, err := s.Start(env)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func advance(t *testing.T, tr run.Trainer, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
}

func save(t *testing.T, tr run.Trainer) []byte {
	t.Helper()
	ck, err := tr.Save()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ck.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRatioIgnoresSaves: saving or evaluating between batches (which apply
// the deferred update early) changes none of the run's curves, the
// gradient-norm ratio included.
func TestRatioIgnoresSaves(t *testing.T) {
	s := tiny()
	s.RatioEvery = 2 // a measured batch follows an unmeasured one, whose last update is deferred
	a, b := start(t, s, run.Env{}), start(t, s, run.Env{})
	for i := 0; i < 6; i++ {
		advance(t, a, 1)
		save(t, a)
		if i == 2 {
			if _, err := a.Evaluate(); err != nil {
				t.Fatal(err)
			}
		}
	}
	advance(t, b, 6)
	if !bytes.Equal(save(t, a), save(t, b)) {
		t.Fatal("a run saved after every batch differs from one saved at the end")
	}
}
