package dataset_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/dataset"
)

// The standard training series: 10000 z-scored Lorenz-63 samples at dt = 0.01,
// cut into 80 % training and 20 % test rows.
func ExampleLorenz63Data() {
	x := dataset.Lorenz63Data(10000, 0.01, 1)
	train, test := dataset.Split(x, 3, 0.8)
	fmt.Println(len(x)/3, len(train)/3, len(test)/3)
	// Output: 10000 8000 2000
}

// Generate integrates a flow with RK4; here 5 Rössler states 1 time unit
// apart (every 20 steps of 0.05) after 100 time units of transient.
func ExampleGenerate() {
	x := dataset.Generate(dataset.NewRossler(), []float64{1, 1, 0}, 0.05, 5, 2000, 20)
	for t := 0; t < 5; t++ {
		fmt.Printf("%7.3f\n", x[t*3:(t+1)*3])
	}
	// Output:
	// [  3.666   6.134   1.780]
	// [ -4.199   7.296   0.027]
	// [ -8.947   1.150   0.014]
	// [ -5.633  -7.543   0.017]
	// [  4.137 -10.502   0.055]
}

// The Lorenz-63 equilibria are the origin and C± = (±√72, ±√72, 27).
func ExampleLorenz63_FixedPoints() {
	for _, p := range dataset.NewLorenz63().FixedPoints() {
		fmt.Printf("%.4f\n", p)
	}
	// Output:
	// [0.0000 0.0000 0.0000]
	// [8.4853 8.4853 27.0000]
	// [-8.4853 -8.4853 27.0000]
}

// ZScore standardises columns in place and returns what it removed.
func ExampleZScore() {
	x := []float64{1, 10, 2, 20, 3, 30} // 3 rows of 2
	mean, sd := dataset.ZScore(x, 2)
	fmt.Println(mean, sd, x)
	// Output: [2 20] [1 10] [-1 -1 0 0 1 1]
}
