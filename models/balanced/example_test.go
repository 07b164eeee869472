package balanced_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/balanced"
)

// The course's E/I network, stepped by Euler with h = 1 from rest under a
// constant input; Dale's law holds by construction.
func ExampleNewMap() {
	m, err := balanced.NewMap(balanced.Tutorial(3), "euler", 1, rng.New(1))
	if err != nil {
		panic(err)
	}
	x, y, u := make([]float64, m.Dim()), make([]float64, m.Dim()), []float64{1, 0, -1}
	for k := 0; k < 100; k++ {
		m.Step(y, x, u)
		x, y = y, x
	}
	var e, i float64
	for j, r := range x {
		if j < 48 {
			e += r / 48
		} else {
			i += r / 16
		}
	}
	fmt.Printf("mean rates after 100 steps: E %.3f, I %.3f\n", e, i)
	fmt.Println("Dale:", m.(*balanced.Euler).F.(*balanced.Net).CheckDale())
	// Output:
	// mean rates after 100 steps: E 0.426, I 0.443
	// Dale: <nil>
}
