package npy_test

import (
	"bytes"
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/npy"
)

func Example() {
	var buf bytes.Buffer
	traj := &npy.Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}}
	if err := npy.Write(&buf, traj, "<f8"); err != nil {
		panic(err)
	}
	a, err := npy.Read(&buf)
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Shape, a.Data)
	// Output: [2 3] [1 2 3 4 5 6]
}
