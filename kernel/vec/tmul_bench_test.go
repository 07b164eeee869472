package vec

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// BenchmarkMatTMulAdd times the weight-gradient product of the taped BPTT
// step, dst (n×k) += Aᵀ·B over R gathered rows, at the PLRNN tapes' shapes
// (n = M rounded up to four, k = M) and chunk lengths R, against MatMulAdd
// of the transposed A.
func BenchmarkMatTMulAdd(b *testing.B) {
	for _, s := range [][3]int{{24, 22, 128}, {24, 22, 512}, {52, 50, 64}, {52, 50, 128}, {52, 50, 320}, {200, 200, 64}} {
		n, k, R := s[0], s[1], s[2]
		r := rng.New(1)
		A, B, at, dst := mixed(r, R*n), mixed(r, R*k), mixed(r, n*R), make([]float64, n*k)
		flops := 2 * float64(n*k*R)
		b.Run("T/"+itoa(n)+"x"+itoa(k)+"/R="+itoa(R), func(b *testing.B) {
			for b.Loop() {
				MatTMulAdd(dst, A, B, n, R, k)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run("N/"+itoa(n)+"x"+itoa(k)+"/R="+itoa(R), func(b *testing.B) {
			for b.Loop() {
				MatMulAdd(dst, at, B, n, R, k)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
