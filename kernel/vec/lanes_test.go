package vec

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestLaneSplitBits checks LaneSplit.MatVecs bit for bit against MatVec row
// by row, on narrow and wide matrices, column counts on and off the blocks
// of eight, batches in and out of MatMul's blocks of four, values spanning
// many orders of magnitude, and after loading a second matrix.
func TestLaneSplitBits(t *testing.T) {
	r := rng.New(23)
	for _, rows := range []int{1, 3, 5, 13, 22, 64} {
		for _, cols := range []int{1, 2, 3, 5, 7, 8, 9, 15, 16, 22, 25, 64, 200} {
			for _, n := range []int{1, 3, 4, 7, 16} {
				s := NewLaneSplit(rows, cols, 16)
				for load := 0; load < 2; load++ {
					W, X := mixed(r, rows*cols), mixed(r, n*cols)
					s.Load(W)
					got := mixed(r, n*rows)
					s.MatVecs(got, X, n)
					want := make([]float64, rows)
					for q := 0; q < n; q++ {
						MatVec(want, W, rows, cols, X[q*cols:(q+1)*cols])
						for i, v := range want {
							if !sameBits(got[q*rows+i], v) {
								t.Fatalf("%d×%d, batch %d, load %d: row %d element %d = %v, MatVec %v", rows, cols, n, load, q, i, got[q*rows+i], v)
							}
						}
					}
				}
			}
		}
	}
}

func BenchmarkLaneSplit(b *testing.B) {
	for _, m := range []int{22, 50, 100, 200} {
		const n = 16
		r := rng.New(1)
		W, X := mixed(r, m*m), mixed(r, n*m)
		dst := make([]float64, n*m)
		b.Run("MatVecs/M="+itoa(m), func(b *testing.B) {
			s := NewLaneSplit(m, m, n)
			s.Load(W)
			for b.Loop() {
				s.MatVecs(dst, X, n)
			}
			b.ReportMetric(2*float64(n*m*m)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run("MatVec-rows/M="+itoa(m), func(b *testing.B) {
			for b.Loop() {
				for q := 0; q < n; q++ {
					MatVec(dst[q*m:(q+1)*m], W, m, m, X[q*m:(q+1)*m])
				}
			}
			b.ReportMetric(2*float64(n*m*m)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
