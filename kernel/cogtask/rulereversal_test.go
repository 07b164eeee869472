package cogtask

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

func TestRuleReversal(t *testing.T) {
	r := RuleSchedule()
	// By hand from the reference's slices: sequence 7 has rule 1 in
	// task-trials 1 and 2; sequence 12 in 3 and 4; sequence 17 in 1–4;
	// sequence 22 only in task-trial 0; sequence 37 in all five.
	want := map[int][RRTaskTrials]int{0: {0, 0, 0, 0, 0}, 7: {0, 1, 1, 0, 0}, 12: {0, 0, 0, 1, 1},
		17: {0, 1, 1, 1, 1}, 22: {1, 0, 0, 0, 0}, 27: {1, 1, 1, 0, 0}, 32: {1, 0, 0, 1, 1}, 37: {1, 1, 1, 1, 1}}
	for j, w := range want {
		for i := range w {
			if r[i][j] != w[i] {
				t.Fatalf("rules[%d][%d] = %d, want %d", i, j, r[i][j], w[i])
			}
		}
	}
	tr := GenerateRuleReversal(rng.New(1))
	for j := 0; j < RRSequences; j++ {
		for i := 0; i < RRTaskTrials; i++ {
			s := tr.Stim[i][j]
			if tr.Rules[i][j] == 0 && tr.Target[i][j] != 1-s || tr.Rules[i][j] == 1 && tr.Target[i][j] != s {
				t.Fatalf("target[%d][%d] = %d for stimulus %d under rule %d", i, j, tr.Target[i][j], s, tr.Rules[i][j])
			}
			if i > 0 && tr.Ideal[i][j] != tr.Target[i-1][j]^tr.Stim[i-1][j]^s {
				// the ideal label applies the previous rule to this stimulus
				t.Fatalf("ideal[%d][%d] = %d", i, j, tr.Ideal[i][j])
			}
		}
	}
	if tm := RRTiming(0.005); tm.Wait != 20 || tm.Short != 100 {
		t.Fatalf("timing %+v", tm)
	}
}

func TestRuleReversalBatchMatchesTrial(t *testing.T) {
	a := GenerateRuleReversal(rng.New(9))
	b := GenerateRuleReversalBatch(rng.New(9), RRSequences)
	for i := 0; i < RRTaskTrials; i++ {
		for j := 0; j < RRSequences; j++ {
			k := i*RRSequences + j
			if b.Stim[k] != a.Stim[i][j] || b.Target[k] != a.Target[i][j] || b.Ideal[k] != a.Ideal[i][j] || b.Rule[k] != a.Rules[i][j] {
				t.Fatalf("task-trial %d sequence %d: batch (%d %d %d %d), trial (%d %d %d %d)", i, j,
					b.Stim[k], b.Target[k], b.Ideal[k], b.Rule[k], a.Stim[i][j], a.Target[i][j], a.Ideal[i][j], a.Rules[i][j])
			}
		}
	}
	// a batch of 45 wraps to the schedule's first columns
	c := GenerateRuleReversalBatch(rng.New(9), 45)
	for i := 0; i < RRTaskTrials; i++ {
		if c.Rule[i*45+42] != c.Rule[i*45+2] {
			t.Fatalf("sequence 42 does not follow schedule column 2")
		}
	}
	if !RRFits(0.005) || !RRFits(0.05) || RRFits(0.6) {
		t.Fatal("RRFits: want 5 ms and 50 ms to fit, 0.6 s not")
	}
}
