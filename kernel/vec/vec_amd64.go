package vec

// The amd64 fast path uses AVX2 when the processor and the operating system
// support it (CPUID leaf 7 EBX bit 5; OSXSAVE and AVX in leaf 1 ECX; XCR0
// enabling XMM and YMM state), and the portable code otherwise. Both give
// the same bits: see the package documentation.

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

//go:noescape
func dotAVX2(a, b []float64) float64

//go:noescape
func axpyAVX2(alpha float64, x, y []float64)

//go:noescape
func matVecAVX2(dst, a []float64, rows, cols int, x []float64)

//go:noescape
func matVecAVX512(dst, a []float64, rows, cols int, x []float64)

//go:noescape
func mulAVX2(dst, a, b []float64)

//go:noescape
func matTMulAddAVX2(dst, a, b []float64, n, m, k, lda int)

//go:noescape
func countBelowAVX2(dst []int32, z, table []float64, stride, width int)

//go:noescape
func countBelowTAVX2(dst []int32, z, table []float64, stride, width int)

//go:noescape
func matMulAVX512(dst, a, b []float64, n, m, k int)

//go:noescape
func matMulAVX2(dst, a, b []float64, n, m, k, add int)

// minAVX2 is the Dot length below which the portable loop is used: measured
// on an AMD EPYC (Zen 4) both take 3.6 ns at length 4, and the assembly is
// ahead from length 7 on (3.6 against 4.2 ns).
const minAVX2 = 8

var useAVX2 = detectAVX2()

// useAVX512 enables the eight-row matrix–vector and matrix-product kernels
// on processors with AVX-512F whose operating system saves the opmask and
// ZMM state (XCR0 bits 5–7). The other kernels stay on AVX2: a dot product
// is one chain per lane either way, so wider registers do not shorten it.
var useAVX512 = useAVX2 && detectAVX512()

func detectAVX512() bool {
	if xcr0, _ := xgetbv(); xcr0&0xe6 != 0xe6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<16) != 0
}

func detectAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

func dot(a, b []float64) float64 {
	if useAVX2 && len(a) >= minAVX2 {
		return dotAVX2(a, b[:len(a)])
	}
	return dotGeneric(a, b)
}

// matVec runs the four-row kernel for four rows or more (it beats the
// portable code at every width, narrow ones included: 15×5 takes 15 ns
// against 56 ns) and dotAVX2 row by row below that.
func matVec(dst, A []float64, rows, cols int, x []float64) {
	switch {
	case !useAVX2:
		matVecGeneric(dst, A, rows, cols, x)
	case useAVX512 && rows >= 8:
		matVecAVX512(dst[:rows], A[:rows*cols], rows, cols, x)
	case rows >= 4:
		matVecAVX2(dst[:rows], A[:rows*cols], rows, cols, x)
	default:
		for i := 0; i < rows; i++ {
			dst[i] = dotAVX2(A[i*cols:(i+1)*cols], x)
		}
	}
}

func countBelow(dst []int32, z, table []float64, stride, width int) {
	if useAVX2 {
		countBelowAVX2(dst, z, table, stride, width)
		return
	}
	countBelowGeneric(dst, z, table, stride, width)
}

func countBelowT(dst []int32, z, table []float64, stride, width int) {
	if !useAVX2 {
		countBelowTGeneric(dst, z, table, stride, width)
		return
	}
	n := len(z)
	switch {
	case n < 4:
		countBelowTGeneric(dst, z, table, stride, width)
	case n%4 == 0:
		countBelowTAVX2(dst, z, table, stride, width)
	default: // the last block moved back to end at the last unit (the overlap is counted twice, alike)
		countBelowTAVX2(dst, z, table, stride, width)
		countBelowTAVX2(dst[n-4:], z[n-4:], table[n-4:], stride, width)
	}
}

func mul(dst, a, b []float64) {
	if useAVX2 && len(a) >= 4 {
		mulAVX2(dst, a, b)
		return
	}
	mulGeneric(dst, a, b)
}

// matMul runs the eight-row (AVX-512) or four-row (AVX2) kernel when there
// are that many rows, and the portable loop otherwise (tiny products).
func matMul(dst, A, B []float64, n, m, k int) {
	switch {
	case useAVX512 && n >= 8:
		matMulAVX512(dst, A, B, n, m, k)
	case useAVX2 && n >= 4:
		matMulAVX2(dst, A, B, n, m, k, 0)
	default:
		matMulGeneric(dst, A, B, n, m, k)
	}
}

// matMulAdd runs the four-row AVX2 kernel on the rows that fill blocks of
// four and the portable loop on the rest (the kernel's overlapping last
// block would add rows twice).
func matMulAdd(dst, A, B []float64, n, m, k int) {
	n4 := n &^ 3
	if !useAVX2 || n4 == 0 {
		matMulAddGeneric(dst, A, B, n, m, k)
		return
	}
	matMulAVX2(dst[:n4*k], A[:n4*m], B, n4, m, k, 1)
	if n4 < n {
		matMulAddGeneric(dst[n4*k:], A[n4*m:], B, n-n4, m, k)
	}
}

// matTMulAdd runs the four-row AVX2 kernel on the rows of dst that fill
// blocks of four and the portable loop on the rest (columns n4… of A).
func matTMulAdd(dst, A, B []float64, n, m, k int) {
	n4 := n &^ 3
	if !useAVX2 || n4 == 0 {
		matTMulAddGeneric(dst, A, B, n, m, k)
		return
	}
	matTMulAddAVX2(dst, A, B, n4, m, k, n)
	if n4 < n {
		matTMulAddRows(dst, A, B, n4, n, n, m, k)
	}
}

func axpy(alpha float64, x, y []float64) {
	if useAVX2 {
		axpyAVX2(alpha, x, y[:len(x)])
		return
	}
	axpyGeneric(alpha, x, y)
}

// fastPath reports whether the AVX2 kernels are in use.
func fastPath() bool { return useAVX2 }
