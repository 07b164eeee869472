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

// TestCountBelowT checks the transposed table's count against CountBelow of
// the same table written row per unit, on widths 0…41, unit counts 1…13
// (blocks of four and the rest), strides with padding, ties, ±Inf and NaN;
// a sentinel past dst must stay.
func TestCountBelowT(t *testing.T) {
	r := rng.New(31)
	nan, inf := math.NaN(), math.Inf(1)
	for width := 0; width <= 41; width++ {
		for n := 1; n <= 13; n++ {
			stride := n + width%3
			tab := make([]float64, max(0, (width-1)*stride+n)) // no slack after the last row
			rows := make([]float64, n*width)
			for q := 0; q < width; q++ {
				for i := 0; i < n; i++ {
					v := math.Round(4*r.Uniform(-2, 2)) / 4
					switch (q*n + i) % 17 {
					case 3:
						v = nan
					case 5:
						v = inf
					case 7:
						v = -inf
					}
					tab[q*stride+i], rows[i*width+q] = v, v
				}
			}
			zs := make([]float64, n)
			for i := range zs {
				zs[i] = math.Round(4*r.Uniform(-2.5, 2.5)) / 4
			}
			zs[0] = [...]float64{nan, inf, -inf, zs[0]}[width%4]
			want := make([]int32, n)
			CountBelow(want, zs, rows, width, width)
			got := make([]int32, n+1)
			got[n] = 42
			CountBelowT(got[:n], zs, tab, stride, width)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("width %d, %d units, unit %d (z=%v): %d, want %d", width, n, i, zs[i], got[i], want[i])
				}
			}
			if got[n] != 42 {
				t.Fatalf("width %d, %d units: wrote past dst", width, n)
			}
		}
	}
}

// TestMatTMulAdd checks MatTMulAdd bit for bit against its definition
// (Σ_j a_j ⊗ b_j added row after row, as AddOuter would, onto a random dst)
// on every shape class: n in and out of blocks of four, m 0…9, column
// tails 1…8 and several blocks; and that nothing past dst is written.
func TestMatTMulAdd(t *testing.T) {
	r := rng.New(29)
	for n := 1; n <= 14; n++ {
		for m := 0; m <= 9; m++ {
			for k := 1; k <= 27; k++ {
				A, B := mixed(r, m*n), mixed(r, m*k)
				want := mixed(r, n*k)
				got := append(append([]float64(nil), want...), 42)
				for j := 0; j < m; j++ { // the definition: outer products in turn
					for i := 0; i < n; i++ {
						for c := 0; c < k; c++ {
							want[i*k+c] += float64(A[j*n+i] * B[j*k+c])
						}
					}
				}
				MatTMulAdd(got[:n*k], A, B, n, m, k)
				for i := range want {
					if !sameBits(got[i], want[i]) {
						t.Fatalf("%d×%dᵀ·%d×%d element (%d,%d): %v, definition %v", m, n, m, k, i/k, i%k, got[i], want[i])
					}
				}
				if got[n*k] != 42 {
					t.Fatalf("%d×%dᵀ·%d×%d wrote past dst", m, n, m, k)
				}
			}
		}
	}
}
