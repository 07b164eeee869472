package ethereal

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// TestRowKernel: plasticRow (the AVX2 kernel where there is one) gives the
// bits of the portable loop and of the scalar formulas of the update rule
// — forgetting and clamp on the masked entries, w + s·x on the others —
// followed by kernel/vec.Dot, at every length around the blocks of eight.
func TestRowKernel(t *testing.T) {
	r := rng.New(7)
	clamped := 0
	for n := 1; n <= 40; n++ {
		for trial := 0; trial < 4; trial++ {
			w, xu, xn := make([]float64, n), make([]float64, n), make([]float64, n)
			r.FillNorm(w, 1)
			r.FillNorm(xu, 1)
			r.FillNorm(xn, 1)
			sel := make([]int8, n+8)
			var idx []int32
			for j := range sel[:n] {
				if r.Float64() < 0.3 {
					sel[j] = -1
					idx = append(idx, int32(j))
				}
			}
			scratch := make([]float64, n)
			k := rowConsts{s: -0.013, c: -0.4, keep: 0.7, lr: 0.05, gc: 0.3, ngc: -0.3}
			if trial%2 == 1 {
				k.gc, k.ngc, k.keep = math.Inf(1), math.Inf(-1), 1
			}
			want := append([]float64(nil), w...)
			for j := range want {
				if sel[j] == 0 {
					want[j] += float64(k.s * xu[j])
					continue
				}
				v := float64(k.c * xu[j])
				if v > k.gc {
					v = k.gc
					clamped++
				} else if v < -k.gc {
					v = -k.gc
					clamped++
				}
				want[j] = float64(want[j]*k.keep) + float64(k.lr*v)
			}
			wantDot := vec.Dot(want, xn)
			portable := append([]float64(nil), w...)
			kp := k
			pDot := plasticRowScatter(portable, xu, xn, idx, scratch, &kp)
			got := append([]float64(nil), w...)
			gDot := plasticRow(got, xu, xn, sel, idx, scratch, &k)
			for j := range want {
				if got[j] != want[j] || portable[j] != want[j] {
					t.Fatalf("n %d trial %d entry %d (masked %v): kernel %v, portable %v, want %v", n, trial, j, sel[j] != 0, got[j], portable[j], want[j])
				}
			}
			if math.Float64bits(gDot) != math.Float64bits(wantDot) || math.Float64bits(pDot) != math.Float64bits(wantDot) {
				t.Fatalf("n %d trial %d: product %v (portable %v), vec.Dot %v", n, trial, gDot, pDot, wantDot)
			}
		}
	}
	if clamped == 0 {
		t.Fatal("no entry was clamped")
	}
}
