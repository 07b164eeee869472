package tasktrain

import (
	"testing"

	"github.com/rnnlab/rnnlab/models/leaky"
)

// The stage values of the reference scripts: CD with 3 stages from α₀ = 10
// runs at α = 10, 5, 1 (10/2·(2−s), 0 → 1); SCTT with 3 stages from β₀ =
// 0.2 at β = 0.2, 0.6, 1; then base.
func TestStages(t *testing.T) {
	c := Config{Method: CD, Stages: 3}.WithDefaults()
	for s, want := range []float64{0.05, 0.025, 0.005, 0.005} {
		if dt, k := c.stage(s); dt != want || k.mixing() {
			t.Errorf("cd stage %d: dt %v mixing %v, want dt %v", s, dt, k.mixing(), want)
		}
	}
	c = Config{Method: SCTT, Stages: 3, Beta0: 0.2, Skip: 10}.WithDefaults()
	for s, want := range []float64{0.2, 0.6000000000000001, 1} { // python3: 0.2+(1-0.2)/2*1
		_, k := c.stage(s)
		if k.Beta != want || k.Theta != 10 || k.DASC {
			t.Errorf("sctt stage %d: %+v, want β %v", s, k, want)
		}
	}
	if _, k := c.stage(3); k.mixing() {
		t.Error("the final phase mixes")
	}
}

// The stage loops: each stage ≤ int((Rounds/2)/S) rounds; CD restarts Adam
// at every stage change and at the final phase.
func TestScheduleRounds(t *testing.T) {
	c := Config{Task: "go", Method: CD, Stages: 3, Net: leaky.Config{N: 5}, Trials: 2, EvalTrials: 2,
		StepsPerRound: 2, Rounds: 40, Networks: 1, Seed: 3}
	e, err := NewEnsemble(c)
	if err != nil {
		t.Fatal(err)
	}
	// limit int(20/3) = 6 rounds per stage: stages 0, 1, 2 then the final phase
	var stages []int
	for i := 0; i < 20 && !e.Done(); i++ {
		e.StepRound()
		stages = append(stages, e.Stage)
		if e.StageRound == 1 && e.Nets[0].Adam.T != 2 {
			t.Fatalf("round %d: Adam at step %d after a stage change, want a restart", e.Round, e.Nets[0].Adam.T)
		}
	}
	want := []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3}
	for i := range stages {
		if stages[i] != want[i] {
			t.Fatalf("stages %v, want %v", stages, want)
		}
	}
}
