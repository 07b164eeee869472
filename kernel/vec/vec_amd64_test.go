package vec

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestAVX2Kernels calls the assembly directly, below the dispatch
// thresholds too, for every length 0…70 and every block shape rows 4…12 ×
// cols 0…40, and compares with the portable definitions bit for bit.
func TestAVX2Kernels(t *testing.T) {
	if !fastPath() {
		t.Skip("no AVX2 on this machine")
	}
	r := rng.New(7)
	for n := 0; n <= 70; n++ {
		for rep := 0; rep < 5; rep++ {
			a, b := mixed(r, n), mixed(r, n)
			if got, want := dotAVX2(a, b), dotGeneric(a, b); !sameBits(got, want) {
				t.Fatalf("dotAVX2 n=%d: %v, portable %v", n, got, want)
			}
			y1 := mixed(r, n)
			y2 := append([]float64(nil), y1...)
			alpha := r.Norm()
			axpyAVX2(alpha, a, y1)
			axpyGeneric(alpha, a, y2)
			for j := range y1 {
				if !sameBits(y1[j], y2[j]) {
					t.Fatalf("axpyAVX2 n=%d element %d: %v, portable %v", n, j, y1[j], y2[j])
				}
			}
		}
	}
	for rows := 4; rows <= 12; rows++ {
		for cols := 0; cols <= 40; cols++ {
			A, x := mixed(r, rows*cols), mixed(r, cols)
			got := make([]float64, rows+1)
			got[rows] = 42 // sentinel: the kernel must not write past rows
			matVecAVX2(got[:rows], A, rows, cols, x)
			for i := 0; i < rows; i++ {
				want := dotGeneric(A[i*cols:(i+1)*cols], x)
				if !sameBits(got[i], want) {
					t.Fatalf("matVecAVX2 %d×%d row %d: %v, portable %v", rows, cols, i, got[i], want)
				}
			}
			if got[rows] != 42 {
				t.Fatalf("matVecAVX2 %d×%d wrote past dst", rows, cols)
			}
		}
	}
	if math.Float64bits(dotAVX2(nil, nil)) != 0 {
		t.Fatal("dotAVX2 of empty slices is not +0")
	}
}
