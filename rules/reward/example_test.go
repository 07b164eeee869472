package reward_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/rules/reward"
)

// One DNMS trial of net.cpp's network, before any learning.
func Example() {
	tr, err := reward.NewTrainer(reward.Defaults(reward.DeltaX))
	if err != nil {
		panic(err)
	}
	e := tr.Step()
	fmt.Println(tr.Net.Trial, e > 0, len(tr.Net.Out))
	// Output: 1 true 1000
}
