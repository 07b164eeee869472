package tasktrain

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// TestGradient checks the whole training loss (task loss and penalties,
// through warm-up, epochs, noise and the skip connections) against central
// finite differences in every scheme, with the noise and trials fixed by the
// seed. Softplus keeps the loss smooth; the ReLU case is checked too (no
// kink is crossed at this step size for this seed).
func TestGradient(t *testing.T) {
	cases := []struct {
		act  string
		dale bool
		task string
		dt   float64
		k    Skipping
	}{
		{"softplus", false, "dlygo", 0.05, Skipping{}},
		{"softplus", false, "dlygo", 0.05, Skipping{Theta: 3, Beta: 0.4}},
		{"softplus", false, "dlygo", 0.05, Skipping{Theta: 3, Beta: 0.4, DASC: true}},
		{"softplus", false, "dms", 0.05, Skipping{Theta: 4, Beta: 0.2, DASC: true, Corrected: true}},
		{"tanh", true, "go", 0.05, Skipping{Theta: 3, Beta: 0.5, DASC: true}},
		{"relu", false, "dm1", 0.04, Skipping{Theta: 2, Beta: 0.3}}, // CD's α = 8 step
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s-dale=%v-%s-θ%d-β%v-dasc=%v-corr=%v", c.act, c.dale, c.task, c.k.Theta, c.k.Beta, c.k.DASC, c.k.Corrected)
		t.Run(name, func(t *testing.T) {
			net := leaky.New(leaky.Config{N: 10, Activation: c.act, Dale: c.dale}, rng.New(1))
			// larger recurrent weights so the recurrence matters
			rng.New(2).FillNorm(net.W, 0.3)
			task, err := cogtask.New(c.task, c.dt, cogtask.Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := task.Generate(rng.New(3), 3, true)
			// The reference's gradient tape starts after the warm-up (its end
			// state is a constant of the step); with no warm-up steps the
			// loss depends on θ only where the tape sees it.
			b.Warmup = 0
			var w work
			loss := func() float64 { return w.lossGrad(net, b, c.dt, c.k, rng.New(4), nil) }
			theta := net.Params()
			g := make([]float64, len(theta))
			l0 := w.lossGrad(net, b, c.dt, c.k, rng.New(4), g)
			if l0 != loss() {
				t.Fatal("the loss with and without gradient differ")
			}
			r := rng.New(5)
			worst := 0.0
			check := func(i int) {
				const h = 1e-6
				v := theta[i]
				theta[i] = v + h
				lp := loss()
				theta[i] = v - h
				lm := loss()
				theta[i] = v
				fd := (lp - lm) / (2 * h)
				err := math.Abs(fd-g[i]) / math.Max(1e-3, math.Abs(fd))
				worst = math.Max(worst, err)
				if err > 1e-4 {
					t.Errorf("θ[%d] (%s): gradient %v, finite difference %v", i, fieldOf(net, i), g[i], fd)
				}
			}
			// every block of θ: some W, b, W_in, W_out entries
			for _, f := range net.Layout() {
				for j := 0; j < 8; j++ {
					check(f.Offset + r.IntN(f.Size()))
				}
			}
			t.Logf("loss %.6g, worst relative error %.2g", l0, worst)
		})
	}
}

func fieldOf(n *leaky.Net, i int) string {
	for _, f := range n.Layout() {
		if i >= f.Offset && i < f.Offset+f.Size() {
			return fmt.Sprintf("%s[%d]", f.Name, i-f.Offset)
		}
	}
	return "?"
}
