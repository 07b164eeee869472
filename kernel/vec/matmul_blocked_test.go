package vec

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// matMulBlocked gives matMulGeneric's and matMulAddGeneric's bits for row
// and column counts in and out of its blocks of four.
func TestMatMulBlockedMatchesGeneric(t *testing.T) {
	r := rng.New(23)
	for _, sh := range [][3]int{{1, 1, 1}, {3, 7, 5}, {4, 4, 4}, {5, 9, 3}, {8, 64, 8}, {13, 33, 70}, {32, 64, 64}, {22, 1, 9}} {
		n, m, k := sh[0], sh[1], sh[2]
		A, B, D := mixed(r, n*m), mixed(r, m*k), mixed(r, n*k)
		for _, add := range []bool{false, true} {
			want := append([]float64(nil), D...)
			got := append([]float64(nil), D...)
			if add {
				matMulAddGeneric(want, A, B, n, m, k)
			} else {
				matMulGeneric(want, A, B, n, m, k)
			}
			matMulBlocked(got, A, B, n, m, k, add)
			for i := range want {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%d×%d·%d×%d add=%v: element %d = %v, generic %v", n, m, m, k, add, i, got[i], want[i])
				}
			}
		}
	}
}
