package ctrnn_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/ctrnn"
)

// NewMap gives a trainable, differentiable discrete-time model: here 4 units
// driven by 1 input, integrated by RK4 with h = τ/10.
func ExampleNewMap() {
	m := ctrnn.NewMap(ctrnn.Config{M: 4, K: 1, Tau: 1, Gain: 1.5}, "rk4", 0.1, rng.New(1))
	for _, f := range m.(models.Layouter).Layout() {
		fmt.Println(f.Name, f.Shape, f.Offset)
	}
	fmt.Println(len(m.Params()))
	// Output:
	// W [4 4] 0
	// B [4 1] 16
	// b [4] 20
	// 24
}

// With W = 0 a unit relaxes to its bias with time constant τ: after one τ,
// x − b has shrunk by e⁻¹ ≈ 0.3679.
func ExampleNew() {
	n := ctrnn.New(ctrnn.Config{M: 1, Tau: 2}, nil) // nil source: all parameters zero
	n.Bias[0] = 1
	m := ctrnn.NewMap(ctrnn.Config{M: 1, Tau: 2}, "rk4", 0.2, nil)
	copy(m.Params(), n.Params())
	x := make([]float64, 10)
	models.Rollout(x, m, []float64{0}, nil, 10) // t = 0.2 … 2 = τ
	fmt.Printf("%.4f\n", 1-x[9])
	// Output: 0.3679
}
