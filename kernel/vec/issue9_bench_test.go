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
	for _, s := range [][3]int{{24, 22, 128}, {24, 22, 512}, {52, 50, 48}, {52, 50, 64}, {52, 50, 96}, {52, 50, 128}, {52, 50, 320}, {200, 200, 64}} {
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

// BenchmarkL2Stream gives the floor of the free-running rollout at M = 200
// (issue 9: within 1.5× of it): the time to read an M×M float64 matrix
// (320 KB at M = 200, more than L1, less than L2) once, as the rollout's
// MatVec must every step, here with Dot(w, w), whose two operands are the
// same stream (the second read of each line hits L1), four-wide and eight
// lanes deep like MatVec. It reports µs per pass and GB/s.
func BenchmarkL2Stream(b *testing.B) {
	for _, m := range []int{50, 200} {
		w := mixed(rng.New(1), m*m)
		b.Run("M="+itoa(m), func(b *testing.B) {
			var s float64
			for b.Loop() {
				s += Dot(w, w)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec*1e6, "µs/pass")
			b.ReportMetric(float64(8*m*m)/sec/1e9, "GB/s")
			if s != s {
				b.Fatal("NaN")
			}
		})
	}
}
