package tasktrain

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// rrFixture is a small rule-reversal pass: 8 units, 3 sequences at dt =
// 0.05 s (epochs of 10 ± 2 steps, grace 2) with no warm-up (the reference's
// gradient tape starts after it).
func rrFixture(act string, dale bool, dt float64) (*rrNet, *cogtask.RRBatch, cogtask.Timing) {
	n := newRRNet(leaky.Config{N: 8, Tau: 0.2, Dt: dt, Activation: act, Dale: dale}, rng.New(1))
	rng.New(2).FillNorm(n.W, 0.3) // a recurrence that matters
	b := cogtask.GenerateRuleReversalBatch(rng.New(3), 3)
	tm := cogtask.RRTiming(dt)
	tm.Long = 0
	return n, b, tm
}

// TestReversalGradient checks the rule-reversal loss (cross-entropy,
// penalties, feedback drive, skip mixing) against central differences in
// every scheme, CD's coarse step included, with noise, jitter and trials
// fixed by the seed.
func TestReversalGradient(t *testing.T) {
	cases := []struct {
		act  string
		dale bool
		dt   float64
		k    Skipping
	}{
		{"softplus", false, 0.05, Skipping{}},
		{"softplus", false, 0.05, Skipping{Theta: 3, Beta: 0.4}},
		{"softplus", false, 0.05, Skipping{Theta: 3, Beta: 0.4, DASC: true}},
		{"tanh", true, 0.05, Skipping{Theta: 4, Beta: 0.2, DASC: true}},
		{"softplus", false, 0.1, Skipping{}}, // a CD step: 5 ± 1 steps an epoch
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-dale=%v-dt=%v-θ%d-β%v-dasc=%v", c.act, c.dale, c.dt, c.k.Theta, c.k.Beta, c.k.DASC), func(t *testing.T) {
			n, b, tm := rrFixture(c.act, c.dale, c.dt)
			var w rrWork
			loss := func() float64 {
				return w.run(&rrPass{n: n, b: b, tm: tm, dt: c.dt, k: c.k, r: rng.New(4), taped: true, jitter: true})
			}
			l0 := loss()
			g := make([]float64, len(n.theta))
			w.backward(n, b, tm, c.k, g)
			r := rng.New(5)
			worst := 0.0
			blocks := []struct {
				name     string
				off, len int
			}{{"W", 0, 64}, {"b", 64, 8}, {"W_in", 72, 32}, {"W_out", 104, 16}}
			for _, f := range blocks {
				for j := 0; j < 10; j++ {
					i := f.off + r.IntN(f.len)
					const h = 1e-6
					v := n.theta[i]
					n.theta[i] = v + h
					lp := loss()
					n.theta[i] = v - h
					lm := loss()
					n.theta[i] = v
					fd := (lp - lm) / (2 * h)
					err := math.Abs(fd-g[i]) / math.Max(1e-4, math.Abs(fd))
					worst = math.Max(worst, err)
					if err > 1e-4 {
						t.Errorf("θ[%d] (%s): gradient %v, finite difference %v", i, f.name, g[i], fd)
					}
				}
			}
			if g[104+8*2] != 0 || g[104+8*3+1] != 0 {
				t.Error("W_out rows 2–3 got a gradient; the reference reads only rows 0–1")
			}
			t.Logf("loss %.6g, worst relative error %.2g", l0, worst)
		})
	}
}
