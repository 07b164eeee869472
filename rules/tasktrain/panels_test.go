package tasktrain

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// The panelled product gives vec.MatMul's and vec.MatMulAdd's bits, for row
// counts in and out of the kernel's blocks of four and widths in and out of
// its blocks of eight.
func TestPanelsMatchKernel(t *testing.T) {
	r := rng.New(3)
	for _, sh := range [][3]int{{1, 5, 3}, {3, 17, 9}, {4, 64, 8}, {7, 100, 13}, {32, 64, 64}, {22, 50, 50}, {9, 33, 70}} {
		n, m, k := sh[0], sh[1], sh[2]
		A, B, D := make([]float64, n*m), make([]float64, m*k), make([]float64, n*k)
		r.FillNorm(A, 1)
		r.FillNorm(B, 1)
		r.FillNorm(D, 1)
		var p panels
		p.pack(B, m, k)
		for _, add := range []bool{false, true} {
			want := append([]float64(nil), D...)
			got := append([]float64(nil), D...)
			if add {
				vec.MatMulAdd(want, A, B, n, m, k)
			} else {
				vec.MatMul(want, A, B, n, m, k)
			}
			p.mul(got, A, n, add)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%d×%d·%d×%d add=%v: element %d = %v, kernel %v", n, m, m, k, add, i, got[i], want[i])
				}
			}
		}
	}
}

// Training with every product panelled gives the bits of training without.
func TestPanelledTrainingSameBits(t *testing.T) {
	for _, m := range []string{Base, DASC} {
		c := small(m)
		c.Net.N = 23
		c.Beta0 = 0.3
		want := fingerprint(trainRounds(t, c, 2))
		old := panelMin
		panelMin = 0
		got := fingerprint(trainRounds(t, c, 2))
		panelMin = old
		if got != want {
			t.Errorf("%s: panelled training %x, plain %x", m, got, want)
		}
	}
}

// BenchmarkProductPanels times the step's recurrent products plain and
// panelled: the forward S×N·N×N and the weight gradient's N×m·m×N chunk.
func BenchmarkProductPanels(b *testing.B) {
	for _, sh := range [][3]int{{32, 64, 64}, {64, 500, 64}, {64, 256, 256}, {256, 500, 256}} {
		n, m, k := sh[0], sh[1], sh[2]
		r := rng.New(1)
		A, B, D := make([]float64, n*m), make([]float64, m*k), make([]float64, n*k)
		r.FillNorm(A, 1)
		r.FillNorm(B, 1)
		var p panels
		p.pack(B, m, k)
		fl := 2 * float64(n*m*k)
		b.Run(fmt.Sprintf("plain/%dx%dx%d", n, m, k), func(b *testing.B) {
			for b.Loop() {
				vec.MatMulAdd(D, A, B, n, m, k)
			}
			b.ReportMetric(fl*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("panels/%dx%dx%d", n, m, k), func(b *testing.B) {
			for b.Loop() {
				p.mul(D, A, n, true)
			}
			b.ReportMetric(fl*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
