package ethereal

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/chartask"
)

func TestValidate(t *testing.T) {
	for key, mut := range map[string]func(*Config){
		"plast_clip": func(c *Config) { c.PlastClip = 0 },
		"input_mode": func(c *Config) { c.InputMode = "last_three" },
		"vocab":      func(c *Config) { c.Vocab = 1 },
		"batch":      func(c *Config) { c.Batch = 0 },
		"positional": func(c *Config) { c.PosDim = 3 },
	} {
		c := Defaults(9)
		mut(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: %v", key, err)
		}
	}
	if err := (UpdateConfig{LR: 0}).Validate(); err == nil || !strings.Contains(err.Error(), "learning_rate") {
		t.Errorf("lr: %v", err)
	}
	if _, err := PresetByName(9, "nope"); err == nil {
		t.Error("unknown preset accepted")
	}
}

func TestFastBytes(t *testing.T) {
	n, err := New(Defaults(9))
	if err != nil {
		t.Fatal(err)
	}
	// c = 2·9 + 128 = 146: 3·146² + 128·146 + 9·146 entries of 8 bytes.
	if got, want := n.FastBytes(), 8*(3*146*146+128*146+9*146); got != want || got != 671600 {
		t.Fatalf("FastBytes = %d, want %d", got, want)
	}
	cfg := Defaults(9)
	cfg.Shared, cfg.PlastProportion = true, 0 // the plain RNN
	p, _ := New(cfg)
	if p.FastBytes() != 0 || p.SequenceBytes() >= n.SequenceBytes()/20 {
		t.Fatalf("shared: FastBytes %d, SequenceBytes %d (Ethereal %d)", p.FastBytes(), p.SequenceBytes(), n.SequenceBytes())
	}
}

func TestWipe(t *testing.T) {
	cfg := Defaults(5)
	cfg.Hidden, cfg.Batch = 4, 3
	n, _ := New(cfg)
	l := n.Plastic[0]
	for k := range l.Fast {
		l.Fast[k] = float64(k%7) - 3
	}
	before := append([]float64(nil), l.Fast...)
	n.Reset()
	m := l.Out * l.In
	for k := 0; k < m; k++ {
		want := (before[k] + before[m+k] + before[2*m+k]) / 3
		if l.Mask[k] {
			want = 0
		}
		for b := 0; b < 3; b++ {
			if d := l.Fast[b*m+k] - want; d > 1e-15 || d < -1e-15 {
				t.Fatalf("entry %d of sequence %d = %v, want %v", k, b, l.Fast[b*m+k], want)
			}
		}
	}
	if l.Masked() == 0 || l.Masked() == m {
		t.Fatal("mask is trivial")
	}
}

func TestForgetWhenInactive(t *testing.T) {
	cfg := Defaults(5)
	cfg.Hidden, cfg.Batch, cfg.ForgetRate = 4, 1, 0.25
	n, _ := New(cfg)
	l := n.I2O
	for k := range l.Fast {
		l.Fast[k] = 1
	}
	n.Update(UpdateConfig{LR: 1})
	n.Flush()
	for k, w := range l.Fast {
		want := 1.0
		if l.Mask[k] {
			want = 0.75
		}
		if w != want {
			t.Fatalf("entry %d = %v, want %v", k, w, want)
		}
	}
}

func TestExportImport(t *testing.T) {
	cfg := Defaults(9)
	cfg.Hidden = 8
	n, _ := New(cfg)
	n.Step([]int{1, 2, 3, 4})
	s := n.Export(nil)
	if len(s) != n.StateLen() {
		t.Fatal("StateLen")
	}
	n.Step([]int{5, 6, 7, 8})
	y := append([]float64(nil), n.Y...)
	if err := n.Import(s); err != nil {
		t.Fatal(err)
	}
	n.Step([]int{5, 6, 7, 8})
	for k := range y {
		if y[k] != n.Y[k] {
			t.Fatal("Import did not restore the state")
		}
	}
	if err := n.Import(s[1:]); err == nil {
		t.Fatal("short state accepted")
	}
}

func TestRunBatchLockstep(t *testing.T) {
	cfg := Defaults(9)
	cfg.Hidden = 8
	n, _ := New(cfg)
	task := chartask.NewKeyRecall()
	seqs := [][]int{{0, 1, 2}, {0, 1, 2, 3, 4}, {0, 0}, {1, 2, 3}}
	st := n.RunBatch(seqs, nil, nil)
	if st.Chars != 2+4+1+2 || st.Scored != 4 || st.Sequences != 4 {
		t.Fatalf("stats %+v", st)
	}
	_ = task
}

// TestNormRatio: with plasticity 1 everywhere and no clamp, the update of an
// entry does not depend on its mask, so the ratio of the norms is
// √(masked / unmasked entries) up to the inputs' spread; with a plasticity
// of 4 on the masked entries it is 4 times that.
func TestNormRatio(t *testing.T) {
	var ratios [2]float64
	for k, plast := range []float64{1, 4} {
		cfg := Defaults(5)
		cfg.Hidden, cfg.Batch, cfg.Layers, cfg.PlastClip = 6, 1, 1, plast
		n, _ := New(cfg)
		l := n.Plastic[0]
		n.TrackNorms(true)
		n.Step([]int{1})
		l.Active = true
		for i := range l.Delta {
			l.Delta[i] = 0.1 * float64(i+1)
		}
		n.Update(UpdateConfig{LR: 0.1})
		ratios[k] = n.NormRatio()
		// Direct sum over the entries of u.
		var f, s float64
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				p := 1.0
				if l.Mask[i*l.In+j] {
					p = plast
				}
				u := p * l.Delta[i] * l.X[j]
				if l.Mask[i*l.In+j] {
					f += u * u
				} else {
					s += u * u
				}
			}
		}
		if want := math.Sqrt(f / s); math.Abs(ratios[k]-want) > 1e-12*want {
			t.Fatalf("plasticity %v: ratio %v, direct %v", plast, ratios[k], want)
		}
	}
	if math.Abs(ratios[1]/ratios[0]-4) > 1e-9 {
		t.Fatalf("ratios %v: want a factor 4", ratios)
	}
}

type nudge struct{ n *Net }

// Learn moves every bias: a rule whose effect Evaluate must undo.
func (r nudge) Learn([]int) {
	for _, l := range r.n.Layers() {
		for i := range l.Bias {
			l.Bias[i] += 0.01
		}
	}
}

func TestEvaluateRestores(t *testing.T) {
	cfg := Defaults(9)
	cfg.Hidden = 8
	n, _ := New(cfg)
	tr := NewTrainer(n, nudge{n}, chartask.NewKeyRecall(), 1)
	before := n.Export(nil)
	a := tr.Evaluate(3, 5)
	after := n.Export(nil)
	for i := range before {
		if before[i] != after[i] {
			t.Fatal("Evaluate changed the network")
		}
	}
	if b := tr.Evaluate(3, 5); a != b {
		t.Fatalf("Evaluate is not repeatable: %+v, %+v", a, b)
	}
}
