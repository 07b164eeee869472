package perstep

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/models/ethereal"
)

func net(t *testing.T) *ethereal.Net {
	cfg := ethereal.Defaults(4)
	cfg.Hidden, cfg.Layers, cfg.Batch = 3, 2, 2
	cfg.PosDim = 2
	cfg.PlastClip = 0.5
	n, err := ethereal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func stepLoss(n *ethereal.Net, chars, targets []int) float64 {
	n.Step(chars)
	var l float64
	for b, tg := range targets {
		l += n.Loss(b, tg)
	}
	return l / float64(n.Cfg.Batch)
}

// TestGradientCheck compares every layer's Delta ⊗ x and GBias with central
// finite differences of the step's loss (1/B Σ_b CE_b), i2h included through
// one step of the detached graph (TrainHidden).
func TestGradientCheck(t *testing.T) {
	n := net(t)
	u := ethereal.UpdateConfig{LR: 0.5, GradClip: 1, TrainHidden: true}
	r, err := New(n, u)
	if err != nil {
		t.Fatal(err)
	}
	seq := [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {1, 1}}
	n.Reset()
	for k := 0; k < 3; k++ { // learn a little so that the fast weights are not zero
		n.Step(seq[k][:])
		r.Learn(seq[k+1][:])
	}
	s0 := n.Export(nil) // before step t−1
	c1, c2, tg := seq[3][:], seq[4][:], []int{2, 1}
	n.Step(c1)
	s1 := n.Export(nil) // before step t
	stepLoss(n, c2, tg)
	r.Gradients(tg)
	type grad struct{ delta, x, gbias []float64 }
	grads := map[*ethereal.Layer]grad{}
	for _, l := range n.Layers() {
		x := l.X
		if l == n.I2H {
			x = l.XPrev
		}
		grads[l] = grad{append([]float64(nil), l.Delta...), append([]float64(nil), x...), append([]float64(nil), l.GBias...)}
	}
	const h = 1e-6
	fd := func(l *ethereal.Layer, w []float64, k int) float64 {
		var lp, lm float64
		for sgn, dst := range []*float64{&lp, &lm} {
			start := s1
			if l == n.I2H {
				start = s0
			}
			if err := n.Import(start); err != nil {
				t.Fatal(err)
			}
			w[k] += h * float64(1-2*sgn)
			if l == n.I2H {
				n.Step(c1)
			}
			*dst = stepLoss(n, c2, tg)
		}
		return (lp - lm) / (2 * h)
	}
	checked := 0
	for name, l := range map[string]*ethereal.Layer{"layer1": n.Plastic[0], "layer2": n.Plastic[1], "i2h": n.I2H, "i2o": n.I2O} {
		g := grads[l]
		for b := 0; b < n.Cfg.Batch; b++ {
			for i := 0; i < l.Out; i += 2 {
				for j := 0; j < l.In; j += 3 {
					want := fd(l, l.Fast, (b*l.Out+i)*l.In+j)
					got := g.delta[b*l.Out+i] * g.x[b*l.In+j]
					if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
						t.Fatalf("%s ∂L/∂W_%d[%d,%d] = %.9g, finite differences %.9g", name, b, i, j, got, want)
					}
					checked++
				}
			}
		}
		for i := range l.Bias {
			want := fd(l, l.Bias, i)
			if math.Abs(g.gbias[i]-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Fatalf("%s ∂L/∂β[%d] = %.9g, finite differences %.9g", name, i, g.gbias[i], want)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d entries checked", checked)
	}
}

// TestFaithfulNeverUpdatesHidden: without TrainHidden, i2h keeps zero fast
// weights and its bias.
func TestFaithfulNeverUpdatesHidden(t *testing.T) {
	n := net(t)
	r, _ := New(n, ethereal.UpdateConfig{LR: 0.5, GradClip: 0.1})
	bias := append([]float64(nil), n.I2H.Bias...)
	n.Reset()
	for k := 0; k < 4; k++ {
		n.Step([]int{k % 4, (k + 1) % 4})
		r.Learn([]int{(k + 1) % 4, (k + 2) % 4})
	}
	n.Flush()
	for _, w := range n.I2H.Fast {
		if w != 0 {
			t.Fatal("i2h fast weights changed")
		}
	}
	for i := range bias {
		if bias[i] != n.I2H.Bias[i] {
			t.Fatal("i2h bias changed")
		}
	}
	moved := false
	for _, w := range n.Plastic[0].Fast {
		moved = moved || w != 0
	}
	if !moved {
		t.Fatal("layer 1 did not learn")
	}
}
