package plrnn_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// A dendritic PLRNN stepped freely for a few steps from a random state.
func ExampleNewDendritic() {
	m := plrnn.NewDendritic(plrnn.Config{M: 4, Bases: 3, Clipped: true}, rng.New(1))
	fmt.Println("parameters:", len(m.Params()))
	for _, f := range m.Layout() {
		fmt.Println(f.Name, f.Shape)
	}
	z0 := []float64{0.5, -0.2, 0.1, 0.3}
	traj := make([]float64, 3*4)
	models.Rollout(traj, m, z0, nil, 3)
	fmt.Printf("z_3 = %.4f\n", traj[8:])
	// Output:
	// parameters: 39
	// A [4]
	// W [4 4]
	// h [4]
	// alpha [3]
	// H [4 3]
	// C [4 0]
	// z_3 = [0.6092 -0.1358 0.1258 -0.1700]
}
