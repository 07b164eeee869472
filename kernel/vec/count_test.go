package vec

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestCountBelow checks CountBelow against counts written out on a small
// table, and the dispatched kernel against the portable definition on every
// width 0…41 and strides with and without padding, with ties, ±Inf, NaN
// entries and NaN or infinite z; a sentinel past dst must stay.
func TestCountBelow(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	table := []float64{-1, 0, 2, 5, 9 /* row 1 */, 3, nan, 3, -inf, 7}
	z := []float64{2, 3}
	got := make([]int32, 3)
	got[2] = 42
	CountBelow(got[:2], z, table, 5, 5)
	if got[0] != 2 || got[1] != 1 || got[2] != 42 { // 2: {−1, 0}; 3: {−Inf}
		t.Fatalf("CountBelow = %v, want [2 1 42]", got)
	}
	r := rng.New(23)
	for width := 0; width <= 41; width++ {
		for _, pad := range []int{0, 1, 3} {
			stride, n := width+pad, 9
			tab := make([]float64, (n-1)*stride+width) // no slack after the last row
			for i := range tab {
				tab[i] = math.Round(4*r.Uniform(-2, 2)) / 4
			}
			zs := make([]float64, n)
			for i := range zs {
				zs[i] = math.Round(4*r.Uniform(-2.5, 2.5)) / 4
			}
			if width > 2 {
				tab[1], tab[len(tab)-1] = nan, inf
				zs[0], zs[1], zs[2] = nan, inf, -inf
			}
			want := make([]int32, n)
			countBelowGeneric(want, zs, tab, stride, width)
			got := make([]int32, n+1)
			got[n] = 42
			CountBelow(got[:n], zs, tab, stride, width)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("width %d stride %d row %d (z=%v): %d, definition %d", width, stride, i, zs[i], got[i], want[i])
				}
			}
			if got[n] != 42 {
				t.Fatalf("width %d stride %d: wrote past dst", width, stride)
			}
		}
	}
}
