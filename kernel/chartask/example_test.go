package chartask_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

func ExampleKeyRecallFloors() {
	noMemory, full := chartask.KeyRecallFloors()
	fmt.Printf("no memory %.3f nats, full history %.3f nats\n", noMemory, full)
	// Output: no memory 0.998 nats, full history 0.570 nats
}

func ExampleKeyRecall() {
	k := chartask.NewKeyRecall()
	r := rng.New(1)
	for i := 0; i < 3; i++ {
		fmt.Printf("%q\n", k.Charset().Decode(k.Sample(nil, r)))
	}
}
