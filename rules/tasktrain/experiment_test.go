package tasktrain

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/models/leaky"
)

// TestExperiment is the driver of the steps-to-criterion comparison in
// docs/cogtask.md; it runs only when COGTASK_EXPERIMENT lists task:method
// pairs, e.g.
//
//	COGTASK_EXPERIMENT=go:base,go:dasc,dlygo:base,dlygo:dasc COGTASK_NETWORKS=8 \
//	COGTASK_ROUNDS=400 go test -run TestExperiment -v -timeout 0 ./rules/tasktrain/
//
// Each run: N = 50, dt = 5 ms, the reference's Adam and loss, rounds of 10
// steps and a 200-trial evaluation; DASC with θ = 20, 2 stages, β₀ = 0.5
// (stage 1 at β = 0.5, then β = 1, then base), seed 1.
func TestExperiment(t *testing.T) {
	spec := os.Getenv("COGTASK_EXPERIMENT")
	if spec == "" {
		t.Skip("set COGTASK_EXPERIMENT=task:method,… to run the experiment")
	}
	K, _ := strconv.Atoi(os.Getenv("COGTASK_NETWORKS"))
	if K == 0 {
		K = 8
	}
	rounds, _ := strconv.Atoi(os.Getenv("COGTASK_ROUNDS"))
	if rounds == 0 {
		rounds = 4000
	}
	for _, pair := range strings.Split(spec, ",") {
		tm := strings.SplitN(pair, ":", 2)
		c := Config{Task: tm[0], Method: tm[1], Net: leaky.Config{N: 50}, Skip: 20, Stages: 2, Beta0: 0.5,
			Networks: K, Seed: 1}
		e, err := NewEnsemble(c)
		if err != nil {
			t.Fatal(err)
		}
		first := make([]int, K)
		for i := range first {
			first[i] = -1
		}
		start := time.Now()
		// COGTASK_ROUNDS cuts the run short; the stage split stays the
		// reference's (stages share the first 2000 rounds).
		for !e.Done() && e.Round < rounds {
			e.StepRound()
			for i, p := range e.Perf {
				if first[i] < 0 && p >= Criterion {
					first[i] = e.Steps()
				}
			}
			if e.Round%10 == 0 || e.Done() || e.Round == rounds {
				t.Logf("%s %s round %d stage %d crit %.4f loss %.4f  %.0fs", tm[0], tm[1], e.Round, e.Stage, e.Crit, mean(e.Loss), time.Since(start).Seconds())
			}
		}
		var reached []float64
		for _, f := range first {
			if f >= 0 {
				reached = append(reached, float64(f))
			}
		}
		m, sem := meanSEM(reached)
		ens := -1
		if e.Crit >= Criterion {
			ens = e.Steps()
		}
		t.Logf("RESULT task=%s method=%s networks=%d ensemble_steps_to_criterion=%d per_network_steps=%.0f±%.0f (%d of %d reached) wall=%.0fs",
			tm[0], tm[1], K, ens, m, sem, len(reached), K, time.Since(start).Seconds())
	}
}
