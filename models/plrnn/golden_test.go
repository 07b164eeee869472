package plrnn

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// TestGoldenTrajectories pins free-running trajectories of every variant, bit
// for bit. `make test` runs it natively and under js/wasm, so it proves the
// piecewise-linear models give identical numbers on both targets. Regenerate
// with `go test ./models/plrnn -run Golden -update` only for an intended change.
func TestGoldenTrajectories(t *testing.T) {
	var b strings.Builder
	for i, m := range allModels(0) {
		randomize(m, uint64(100+i), 0.3)
		a := m.Params()[:m.Dim()]
		for j := range a {
			a[j] = 0.9 * math.Tanh(a[j]) // keep orbits bounded
		}
		x0 := make([]float64, m.Dim())
		rng.New(7).FillNorm(x0, 1)
		traj := make([]float64, 5000*m.Dim())
		models.Rollout(traj, m, x0, nil, 5000)
		fmt.Fprintf(&b, "%s %016x %.17g %.17g\n", modelName(m), golden.HashBits(traj), traj[0], traj[len(traj)-1])
	}
	golden.Check(t, "testdata/golden_trajectories.txt", b.String())
}

func modelName(m models.Map) string {
	switch p := m.(type) {
	case *Dendritic:
		return fmt.Sprintf("dendritic(clipped=%v)", p.Clipped)
	case *Shallow:
		return fmt.Sprintf("shallow(clipped=%v)", p.Clipped)
	}
	return "vanilla"
}
