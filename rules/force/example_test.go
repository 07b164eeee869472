package force_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/rules/force"
)

// Recursive least squares learns z = 3a − b online, one sample at a time.
func ExampleRLS() {
	rls := force.NewRLS(2, 1, 1e-6)
	for k := 0; k < 20; k++ {
		a, b := float64(k%5), float64(k%3)
		rls.Update([]float64{a, b}, []float64{3*a - b})
	}
	fmt.Printf("W = [%.4f %.4f]\n", rls.W[0], rls.W[1])
	// Output: W = [3.0000 -1.0000]
}
