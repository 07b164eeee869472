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
			p1, p2 := make([]float64, n), make([]float64, n)
			mulAVX2(p1, a, b)
			mulGeneric(p2, a, b)
			for j := range p1 {
				if !sameBits(p1[j], p2[j]) {
					t.Fatalf("mulAVX2 n=%d element %d: %v, portable %v", n, j, p1[j], p2[j])
				}
			}
			axpyAVX2(alpha, a, y1)
			axpyGeneric(alpha, a, y2)
			for j := range y1 {
				if !sameBits(y1[j], y2[j]) {
					t.Fatalf("axpyAVX2 n=%d element %d: %v, portable %v", n, j, y1[j], y2[j])
				}
			}
		}
	}
	checkMatVecKernel(t, "matVecAVX2", matVecAVX2, 4, 12, r)
	if math.Float64bits(dotAVX2(nil, nil)) != 0 {
		t.Fatal("dotAVX2 of empty slices is not +0")
	}
}

// TestAVX512Kernel calls the eight-row kernel directly for every block
// shape rows 8…25 × cols 0…40 (whole blocks, overlapping last blocks, every
// masked tail) and compares with the portable definition bit for bit.
func TestAVX512Kernel(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this machine")
	}
	checkMatVecKernel(t, "matVecAVX512", matVecAVX512, 8, 25, rng.New(11))
}

// checkMatVecKernel runs a matrix–vector kernel on every shape rows
// minRows…maxRows × cols 0…40 and compares each row with dotGeneric bit
// for bit; a sentinel past dst must stay.
func checkMatVecKernel(t *testing.T, name string, kernel func(dst, a []float64, rows, cols int, x []float64), minRows, maxRows int, r *rng.Rand) {
	t.Helper()
	for rows := minRows; rows <= maxRows; rows++ {
		for cols := 0; cols <= 40; cols++ {
			A, x := mixed(r, rows*cols), mixed(r, cols)
			got := make([]float64, rows+1)
			got[rows] = 42 // sentinel: the kernel must not write past rows
			kernel(got[:rows], A, rows, cols, x)
			for i := 0; i < rows; i++ {
				want := dotGeneric(A[i*cols:(i+1)*cols], x)
				if !sameBits(got[i], want) {
					t.Fatalf("%s %d×%d row %d: %v, portable %v", name, rows, cols, i, got[i], want)
				}
			}
			if got[rows] != 42 {
				t.Fatalf("%s %d×%d wrote past dst", name, rows, cols)
			}
		}
	}
}

// BenchmarkPeak states one core's float64 peak on this machine: twelve
// independent fused multiply-adds per iteration on 512-bit (where AVX-512
// is there) and 256-bit registers, 2 flops per lane. This is the
// denominator of every "% of peak" in docs/performance.md. (The kernels
// themselves never fuse: a separate rounded product and sum keeps them
// bit-identical to js/wasm, so half the FMA peak is their ceiling.)
func BenchmarkPeak(b *testing.B) {
	const iters = 1 << 16
	for _, p := range []struct {
		name  string
		lanes int
		ok    bool
		f     func(int)
	}{{"FMA512", 8, useAVX512, peakFMA512}, {"FMA256", 4, hasFMA(), peakFMA256}} {
		b.Run(p.name, func(b *testing.B) {
			if !p.ok {
				b.Skip("not on this processor")
			}
			for b.Loop() {
				p.f(iters)
			}
			flops := float64(iters) * 12 * 2 * float64(p.lanes) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkMatVecKernels times the AVX2 four-row and AVX-512 eight-row
// matrix–vector kernels side by side on square matrices.
func BenchmarkMatVecKernels(b *testing.B) {
	for _, n := range []int{15, 22, 50, 64, 100, 200} {
		r := rng.New(1)
		A, x, dst := mixed(r, n*n), mixed(r, n), make([]float64, n)
		for _, k := range []struct {
			name string
			ok   bool
			f    func(dst, a []float64, rows, cols int, x []float64)
		}{{"avx2", useAVX2, matVecAVX2}, {"avx512", useAVX512, matVecAVX512}} {
			b.Run(k.name+"/n="+itoa(n), func(b *testing.B) {
				if !k.ok {
					b.Skip("not on this processor")
				}
				for b.Loop() {
					k.f(dst, A, n, n, x)
				}
				b.ReportMetric(2*float64(n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestMatMulKernels calls both matrix-product kernels directly on every
// shape n (from the kernel's block height) × m 0…11 × k 1…27 (whole and
// masked column blocks, overlapping last row blocks) and compares with the
// portable definition bit for bit; a sentinel past dst must stay.
func TestMatMulKernels(t *testing.T) {
	r := rng.New(13)
	for _, kern := range []struct {
		name string
		ok   bool
		minN int
		f    func(dst, a, b []float64, n, m, k int)
	}{{"matMulAVX2", useAVX2, 4, func(dst, a, b []float64, n, m, k int) { matMulAVX2(dst, a, b, n, m, k, 0) }}, {"matMulAVX512", useAVX512, 8, matMulAVX512}} {
		if !kern.ok {
			t.Logf("%s: not on this processor", kern.name)
			continue
		}
		for n := kern.minN; n <= kern.minN+13; n++ {
			for m := 0; m <= 11; m++ {
				for k := 1; k <= 27; k++ {
					A, B := mixed(r, n*m), mixed(r, m*k)
					want := make([]float64, n*k)
					matMulGeneric(want, A, B, n, m, k)
					got := mixed(r, n*k+1)
					got[n*k] = 42
					kern.f(got[:n*k], A, B, n, m, k)
					for i := range want {
						if !sameBits(got[i], want[i]) {
							t.Fatalf("%s %d×%d·%d×%d element (%d,%d): %v, portable %v", kern.name, n, m, m, k, i/k, i%k, got[i], want[i])
						}
					}
					if got[n*k] != 42 {
						t.Fatalf("%s %d×%d·%d×%d wrote past dst", kern.name, n, m, m, k)
					}
				}
			}
		}
	}
}

// TestMatMulAddKernel checks the AVX2 kernel's accumulating form bit for bit
// against the portable definition on every shape class (rows in blocks of
// four, column tails 1…8 and several blocks, an empty inner dimension),
// starting from a random dst, and that it writes nothing past dst.
func TestMatMulAddKernel(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 on this processor")
	}
	r := rng.New(17)
	for n := 4; n <= 16; n += 4 {
		for m := 0; m <= 11; m++ {
			for k := 1; k <= 27; k++ {
				A, B := mixed(r, n*m), mixed(r, m*k)
				want := mixed(r, n*k)
				got := append(append([]float64(nil), want...), 42)
				matMulAddGeneric(want, A, B, n, m, k)
				matMulAVX2(got[:n*k], A, B, n, m, k, 1)
				for i := range want {
					if !sameBits(got[i], want[i]) {
						t.Fatalf("%d×%d·%d×%d element (%d,%d): %v, portable %v", n, m, m, k, i/k, i%k, got[i], want[i])
					}
				}
				if got[n*k] != 42 {
					t.Fatalf("%d×%d·%d×%d wrote past dst", n, m, m, k)
				}
			}
		}
	}
}
