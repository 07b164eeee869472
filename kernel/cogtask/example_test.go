package cogtask_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// The epochs of a delayed task at the reference's dt = 5 ms and at CD's
// coarsest dt = 50 ms.
func Example() {
	for _, dt := range []float64{0.005, 0.05} {
		task, err := cogtask.New("dlygo", dt, cogtask.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		b := task.Generate(rng.New(1), 20, false)
		flo, fhi := b.FixWindow()
		rlo, rhi := b.RespWindow()
		fmt.Printf("dt=%v warm-up %d, epochs %v, fixation window [%d,%d), response window [%d,%d)\n",
			dt, b.Warmup, b.Steps, flo, fhi, rlo, rhi)
	}
	// Output:
	// dt=0.005 warm-up 200, epochs [100 100 200 100], fixation window [40,400), response window [440,500)
	// dt=0.05 warm-up 20, epochs [10 10 20 10], fixation window [4,40), response window [44,50)
}
