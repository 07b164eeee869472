package leaky

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestGolden fingerprints the noise stream and 50-step noisy rollouts of
// every activation (Dale's law on for one), natively and under js/wasm.
func TestGolden(t *testing.T) {
	var sb strings.Builder
	r := rng.New(1)
	z := make([]float64, 10000)
	for i := range z {
		z[i] = Normal(r)
	}
	fmt.Fprintf(&sb, "normal %016x\n", golden.HashBits(z))
	for _, c := range []Config{{N: 20, K: 3, Q: 2}, {N: 20, K: 3, Q: 2, Activation: "softplus", Dale: true}, {N: 20, K: 3, Q: 2, Activation: "tanh"}} {
		n := New(c, rng.New(2))
		rng.New(3).FillNorm(n.W, 0.3)
		ou := n.NoiseOf()
		r := rng.New(4)
		eta := make([]float64, 20)
		ou.Start(eta, r)
		x := make([]float64, 20)
		nx := make([]float64, 20)
		u := make([]float64, 23)
		var traj []float64
		for s := 0; s < 50; s++ {
			u[0], u[1], u[2] = 1, float64(s%7)/7, 0.5
			copy(u[3:], eta)
			n.Step(nx, x, u)
			ou.Advance(eta, r)
			x, nx = nx, x
			traj = append(traj, x...)
		}
		y := make([]float64, 2)
		n.Readout(y, x)
		traj = append(traj, y...)
		fmt.Fprintf(&sb, "%s dale=%v %016x\n", n.activationName(), c.Dale, golden.HashBits(traj))
	}
	golden.Check(t, "testdata/leaky.golden", sb.String())
}

func (n *Net) activationName() string { return [...]string{"relu", "softplus", "tanh"}[n.Act] }
