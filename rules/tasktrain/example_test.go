package tasktrain_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/tasktrain"
)

// Train a small ensemble with DASC for two rounds (the reference uses
// N = 50, dt = 5 ms, 100 networks and up to 4000 rounds).
func Example() {
	e, err := tasktrain.NewEnsemble(tasktrain.Config{
		Task: "dlygo", Method: tasktrain.DASC, Skip: 4, Stages: 2, Beta0: 0.5,
		Net:    leaky.Config{N: 10, Dt: 0.05},
		Trials: 4, EvalTrials: 8, Networks: 2, Seed: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	e.StepRound()
	e.StepRound()
	fmt.Println("steps:", e.Steps(), "stage:", e.Stage, "networks:", len(e.Perf), "done:", e.Done())
	// Output: steps: 20 stage: 0 networks: 2 done: false
}

func ExampleConfig_Validate() {
	err := tasktrain.Config{Task: "dlygo", Method: "tbptt"}.Validate()
	fmt.Println(err)
	// Output: tasktrain: method = "tbptt", want "base", "cd", "sctt" or "dasc"
}
