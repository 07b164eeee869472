package dataset

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
)

// The golden values were produced natively (amd64) and must be reproduced
// bit for bit under js/wasm; they change only if the integrator, the flows,
// the seeding or ZScore change their arithmetic.
var (
	// goldenLorenz holds the bits of the first and last value of
	// Lorenz63Data(1000, 0.01, 7).
	goldenLorenz = [2]uint64{0xbfe4a251e4c5b07e, 0x3fef6dfaf6d84636}
	// goldenHash holds golden.HashBits of Lorenz63Data(1000, 0.01, 7) and
	// of RosslerData(1000, 0.05, 7).
	goldenHash = [2]uint64{0xe6a2542775e85008, 0x78ae91f51dea5b35}
)

// TestGolden pins the standard series bit for bit; it runs natively and
// under wasm.
func TestGolden(t *testing.T) {
	x := Lorenz63Data(1000, 0.01, 7)
	got := [2]uint64{math.Float64bits(x[0]), math.Float64bits(x[len(x)-1])}
	if got != goldenLorenz {
		t.Errorf("Lorenz63Data(1000, 0.01, 7) ends = %#x, want %#x", got, goldenLorenz)
	}
	h := [2]uint64{golden.HashBits(x), golden.HashBits(RosslerData(1000, 0.05, 7))}
	if h != goldenHash {
		t.Errorf("series hashes = %#x, want %#x", h, goldenHash)
	}
}
