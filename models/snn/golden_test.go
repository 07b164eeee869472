package snn

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// TestGolden pins a 300-step driven trajectory and one VJP with its
// parameter gradient, natively and under js/wasm.
func TestGolden(t *testing.T) {
	n, _ := New(Config{N: 20, K: 2, TauMem: 20, TauSyn: 5, Dt: 1, Gain: 3}, rng.New(5))
	for i := range n.Bias {
		n.Bias[i] = 0.4
	}
	const steps = 300
	u := make([]float64, steps*2)
	rng.New(6).FillNorm(u, 1)
	traj := make([]float64, steps*40)
	models.Rollout(traj, n, make([]float64, 40), u, steps)
	g := make([]float64, 40)
	rng.New(7).FillNorm(g, 1)
	gx, gth := make([]float64, 40), make([]float64, len(n.Params()))
	n.VJP(gx, gth, traj[100*40:101*40], u[101*2:102*2], g)
	golden.Check(t, "testdata/golden.txt", fmt.Sprintf("traj=%016x gx=%016x gtheta=%016x\n",
		golden.HashBits(traj), golden.HashBits(gx), golden.HashBits(gth)))
}
