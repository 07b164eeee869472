// Package linalg holds the small dense linear-algebra routines the analyses
// need in portable, deterministic Go (row-major n×n matrices): solving a
// linear system by Gaussian elimination with partial pivoting (Golub & Van
// Loan, Matrix Computations, 4th ed., Alg. 3.4.1) and matrix products.
package linalg

import "math"

// Solve overwrites b with the solution x of a·x = b, destroying a. It
// returns false if a pivot is zero (a singular to working precision).
func Solve(a, b []float64, n int) bool {
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r*n+col]) > math.Abs(a[p*n+col]) {
				p = r
			}
		}
		if a[p*n+col] == 0 || math.IsNaN(a[p*n+col]) {
			return false
		}
		if p != col {
			for j := 0; j < n; j++ {
				a[p*n+j], a[col*n+j] = a[col*n+j], a[p*n+j]
			}
			b[p], b[col] = b[col], b[p]
		}
		for r := col + 1; r < n; r++ {
			f := a[r*n+col] / a[col*n+col]
			for j := col; j < n; j++ {
				a[r*n+j] -= float64(f * a[col*n+j])
			}
			b[r] -= float64(f * b[col])
		}
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for j := i + 1; j < n; j++ {
			s -= float64(a[i*n+j] * b[j])
		}
		b[i] = s / a[i*n+i]
	}
	return true
}

// Mul sets dst = a·b for n×n matrices; dst must not alias a or b.
func Mul(dst, a, b []float64, n int) {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < n; l++ {
				s += float64(a[i*n+l] * b[l*n+j])
			}
			dst[i*n+j] = s
		}
	}
}
