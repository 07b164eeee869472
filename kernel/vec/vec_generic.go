//go:build !amd64

package vec

func dot(a, b []float64) float64                           { return dotGeneric(a, b) }
func matVec(dst, A []float64, rows, cols int, x []float64) { matVecGeneric(dst, A, rows, cols, x) }
func axpy(alpha float64, x, y []float64)                   { axpyGeneric(alpha, x, y) }
func fastPath() bool                                       { return false }

func matMul(dst, A, B []float64, n, m, k int) { matMulBlocked(dst, A, B, n, m, k, false) }

func matMulAdd(dst, A, B []float64, n, m, k int) { matMulBlocked(dst, A, B, n, m, k, true) }

func mul(dst, a, b []float64) { mulGeneric(dst, a, b) }

func countBelow(dst []int32, z, table []float64, stride, width int) {
	countBelowGeneric(dst, z, table, stride, width)
}

func matTMulAdd(dst, A, B []float64, n, m, k int) { matTMulAddGeneric(dst, A, B, n, m, k) }

func countBelowT(dst []int32, z, table []float64, stride, width int) {
	countBelowTGeneric(dst, z, table, stride, width)
}
