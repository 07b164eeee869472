package linalg

import (
	"math"
	"testing"
)

func TestSolve(t *testing.T) {
	// [[0, 2], [3, 1]] x = [4, 5] has x = (1, 2); the zero first pivot
	// needs a row exchange.
	a, b := []float64{0, 2, 3, 1}, []float64{4, 5}
	if !Solve(a, b, 2) || math.Abs(b[0]-1) > 1e-15 || math.Abs(b[1]-2) > 1e-15 {
		t.Fatalf("x = %v, want (1, 2)", b)
	}
	if Solve([]float64{1, 2, 2, 4}, []float64{1, 1}, 2) {
		t.Fatal("singular matrix solved")
	}
	dst := make([]float64, 4)
	Mul(dst, []float64{1, 2, 3, 4}, []float64{0, 1, 1, 0}, 2)
	if dst[0] != 2 || dst[1] != 1 || dst[2] != 4 || dst[3] != 3 {
		t.Fatalf("Mul = %v", dst)
	}
}
