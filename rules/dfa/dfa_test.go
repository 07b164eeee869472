package dfa

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
)

func tiny(t *testing.T) *ethereal.Net {
	cfg := ethereal.Defaults(3)
	cfg.Hidden, cfg.Layers, cfg.Batch = 2, 1, 2
	cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate = 0.5, 0.5, 0.3
	cfg.InputMode = ethereal.LastOne
	n, err := ethereal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHandComputed checks one DFA update entry by entry against the rule
// written out in scalar form (forget, u = −δ x p, masked clamp, w + lr u).
func TestHandComputed(t *testing.T) {
	n := tiny(t)
	u := ethereal.UpdateConfig{LR: 0.3, GradClip: 0.02}
	r, err := New(n, u, 5)
	if err != nil {
		t.Fatal(err)
	}
	n.Reset()
	n.Step([]int{0, 1})
	r.Learn([]int{1, 2}) // makes the fast weights non-zero
	n.Step([]int{1, 2})
	targets := []int{2, -1} // the second sequence has ended: no error from it
	type snap struct{ fast, bias []float64 }
	before := map[*ethereal.Layer]snap{}
	for _, l := range n.Layers() {
		before[l] = snap{append([]float64(nil), l.Fast...), append([]float64(nil), l.Bias...)}
	}
	p := append([]float64(nil), n.P...)
	r.Learn(targets)
	n.Flush()

	v := n.Cfg.Vocab
	clamped, free := 0, 0
	check := func(name string, l *ethereal.Layer, fb []float64, active bool) {
		for b := 0; b < n.Cfg.Batch; b++ {
			e := make([]float64, v)
			if targets[b] >= 0 {
				for k := range e {
					e[k] = p[b*v+k]
				}
				e[targets[b]]--
			}
			delta := make([]float64, l.Out)
			for i := range delta {
				if fb == nil {
					delta[i] = e[i]
				} else {
					for k := 0; k < v; k++ {
						delta[i] += e[k] * fb[k*l.Out+i]
					}
				}
			}
			for i := 0; i < l.Out; i++ {
				for j := 0; j < l.In; j++ {
					k := (b*l.Out+i)*l.In + j
					w := before[l].fast[k]
					masked := l.Mask[i*l.In+j]
					if masked {
						w *= 1 - n.Cfg.ForgetRate
					}
					if active {
						g := delta[i] * l.X[b*l.In+j]
						plast := 1.0
						if masked && !l.Last {
							plast = n.Cfg.PlastClip
						}
						uu := -g * plast
						if masked && !l.Last && math.Abs(uu) > u.GradClip {
							uu = math.Copysign(u.GradClip, uu)
							clamped++
						} else if g != 0 {
							free++
						}
						w += u.LR * uu
					}
					if got := l.Fast[k]; math.Abs(got-w) > 1e-15*math.Max(1, math.Abs(w)) {
						t.Fatalf("%s W_%d[%d,%d] = %.17g, want %.17g", name, b, i, j, got, w)
					}
				}
			}
		}
		for i := range l.Bias {
			var mean float64
			if active {
				// The mean over the batch of δ: only sequence 0 has a target.
				for k := 0; k < v; k++ {
					e := p[k]
					if k == targets[0] {
						e--
					}
					if fb == nil {
						if k == i {
							mean += e
						}
					} else {
						mean += e * fb[k*l.Out+i]
					}
				}
				mean /= float64(n.Cfg.Batch)
			}
			want := before[l].bias[i] - u.LR*mean
			if math.Abs(l.Bias[i]-want) > 1e-15 {
				t.Fatalf("%s bias[%d] = %v, want %v", name, i, l.Bias[i], want)
			}
		}
	}
	check("layer1", n.Plastic[0], r.Feedback[0], true)
	check("i2o", n.I2O, nil, true)
	check("i2h (faithful: never updated)", n.I2H, nil, false)
	if clamped == 0 || free == 0 {
		t.Fatalf("the test must exercise both branches: %d clamped, %d free entries", clamped, free)
	}
}

func TestFaithfulHiddenIsConstant(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := tiny(t).Cfg
	cfg.Vocab = task.Charset().Size()
	n, _ := ethereal.New(cfg)
	r, _ := New(n, ethereal.UpdateConfig{LR: 0.1, GradClip: 0.1}, 1)
	tr := ethereal.NewTrainer(n, r, task, 3)
	for k := 0; k < 5; k++ {
		tr.Step()
	}
	n.Flush()
	for _, w := range n.I2H.Fast {
		if w != 0 {
			t.Fatal("faithful DFA changed i2h")
		}
	}
	// The variant trains it.
	r2, _ := New(n, ethereal.UpdateConfig{LR: 0.1, GradClip: 0.1, TrainHidden: true}, 1)
	tr.Rule = r2
	tr.Step()
	n.Flush()
	nz := 0
	for _, w := range n.I2H.Fast {
		if w != 0 {
			nz++
		}
	}
	if nz == 0 {
		t.Fatal("TrainHidden did not change i2h")
	}
}

// TestGolden fingerprints a short DFA run on key recall; natively and under
// js/wasm the bits must be the same.
func TestGolden(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := ethereal.Defaults(task.Charset().Size())
	cfg.Hidden = 16
	cfg.ForgetRate = 0.1
	cfg.PosDim = 4
	n, err := ethereal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	for _, p := range ethereal.Presets(task.Charset().Size())[:2] {
		u := p.Update
		u.TrainHidden = true
		n, _ = ethereal.New(cfg)
		r, _ := New(n, u, 2)
		tr := ethereal.NewTrainer(n, r, task, 9)
		var st ethereal.Stats
		for k := 0; k < 20; k++ {
			st = tr.Step()
		}
		out += fmt.Sprintf("%s loss %.17g state %016x\n", p.Name, st.Loss, golden.HashBits(n.Export(nil)))
	}
	golden.Check(t, "testdata/golden.txt", out)
}

type flushing struct {
	r *Rule
}

func (f flushing) Learn(t []int) { f.r.Learn(t); f.r.Net.Flush() }

// TestFusedSameBits: the update fused with the next step's forward pass
// gives the bits of the update applied at once.
func TestFusedSameBits(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := ethereal.Defaults(task.Charset().Size())
	cfg.Hidden, cfg.ForgetRate = 12, 0.2
	u := ethereal.UpdateConfig{LR: 0.05, GradClip: 0.01, ClipWeights: 0.5, TrainHidden: true}
	var states [2][]float64
	for k := range states {
		n, _ := ethereal.New(cfg)
		r, _ := New(n, u, 4)
		var l ethereal.Learner = r
		if k == 1 {
			l = flushing{r}
		}
		tr := ethereal.NewTrainer(n, l, task, 8)
		for s := 0; s < 10; s++ {
			tr.Step()
		}
		states[k] = n.Export(nil)
	}
	for i := range states[0] {
		if states[0][i] != states[1][i] {
			t.Fatalf("state[%d]: fused %v, unfused %v", i, states[0][i], states[1][i])
		}
	}
}
