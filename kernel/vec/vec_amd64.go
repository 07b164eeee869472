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
func matVec4AVX2(dst, a []float64, cols int, x []float64)

// minAVX2 is the length below which the portable loop, inlined and free of
// call overhead, beats the assembly.
const minAVX2 = 16

// minMatVecAVX2 is the same threshold for MatVec, whose four-row kernel
// amortises the spill of the accumulators over four rows.
const minMatVecAVX2 = 8

var useAVX2 = detectAVX2()

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

func matVec(dst, A []float64, rows, cols int, x []float64) {
	if !useAVX2 || cols < minMatVecAVX2 {
		matVecGeneric(dst, A, rows, cols, x)
		return
	}
	if rows < 4 {
		for i := 0; i < rows; i++ {
			dst[i] = dotAVX2(A[i*cols:(i+1)*cols], x)
		}
		return
	}
	i := 0
	for ; i+4 <= rows; i += 4 {
		matVec4AVX2(dst[i:i+4], A[i*cols:(i+4)*cols], cols, x)
	}
	if i < rows {
		// The last four rows again: the overlap is recomputed with the same
		// arithmetic, so it is rewritten with the same values.
		i = rows - 4
		matVec4AVX2(dst[i:i+4], A[i*cols:(i+4)*cols], cols, x)
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
