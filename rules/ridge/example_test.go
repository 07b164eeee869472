package ridge_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/rules/ridge"
)

// Fitting y = 2x − 1 from four noise-free samples; a tiny λ barely shrinks
// the slope.
func ExampleFit() {
	x := []float64{0, 1, 2, 3}
	y := []float64{-1, 1, 3, 5}
	r, err := ridge.Fit(x, 1, y, 1, 1e-9)
	if err != nil {
		panic(err)
	}
	fmt.Printf("w = %.6f, c = %.6f\n", r.W[0], r.C[0])
	// Output: w = 2.000000, c = -1.000000
}
