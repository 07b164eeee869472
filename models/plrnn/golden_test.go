package plrnn

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

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
		fmt.Fprintf(&b, "%s %016x %.17g %.17g\n", modelName(m), hashBits(traj), traj[0], traj[len(traj)-1])
	}
	checkGolden(t, "testdata/golden_trajectories.txt", b.String())
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

// hashBits is the FNV-1a hash of the IEEE-754 bits of x.
func hashBits(x []float64) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	for _, v := range x {
		u := math.Float64bits(v)
		for k := 0; k < 8; k++ {
			buf[k] = byte(u >> (8 * k))
		}
		h.Write(buf[:])
	}
	return h.Sum64()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("results differ from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
