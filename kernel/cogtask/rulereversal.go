package cogtask

import "github.com/rnnlab/rnnlab/kernel/rng"

// The rule-reversal task of Soo, Goudar & Wang (2023; reference
// functions/func_rulereversaltask.py, construct_trial): 40 sequences of 5
// task-trials run back to back. Inputs: 0–1 the stimulus one-hot, 2 "right",
// 3 "wrong" feedback; outputs 0–1 the response (softmax cross-entropy), all
// units receive input and are read out. The rule of task-trial i in sequence
// j follows a fixed script (RuleSchedule); under rule 0 the correct response
// index is 1 for stimulus 0 and 0 for stimulus 1 (the reference's target =
// input channel 0), under rule 1 the response equals the stimulus index; the
// network cannot know a reversal before its feedback, so the trained label
// ("ideal") of task-trial i follows the rule of task-trial i−1 (task-trial 0:
// rule 0).
//
// Only the trial data is here; the network run (feedback inputs chosen from
// the network's own response, the reference's extra mixing) is not
// implemented yet.
const (
	RRTaskTrials = 5
	RRSequences  = 40
	RRInputs     = 4
	RROutputs    = 4
)

// RuleSchedule returns the reference's scripted rules[i][j] (task-trial i,
// sequence j): rules[1:3,5:10] = rules[3:5,10:15] = rules[1:5,15:20] =
// rules[1:3,25:30] = rules[3:5,30:35] = rules[1:5,35:40] = rules[0,20:40] = 1.
func RuleSchedule() (rules [RRTaskTrials][RRSequences]int) {
	set := func(i0, i1, j0, j1 int) {
		for i := i0; i < i1; i++ {
			for j := j0; j < j1; j++ {
				rules[i][j] = 1
			}
		}
	}
	set(1, 3, 5, 10)
	set(3, 5, 10, 15)
	set(1, 5, 15, 20)
	set(1, 3, 25, 30)
	set(3, 5, 30, 35)
	set(1, 5, 35, 40)
	set(0, 1, 20, 40)
	return
}

// RRTrial is one draw of the rule-reversal task.
type RRTrial struct {
	// Stim, Target and Ideal are indexed [task-trial][sequence]: the
	// stimulus shown, the response that earns "right" feedback, and the
	// trained label.
	Stim, Target, Ideal [RRTaskTrials][RRSequences]int
	Rules               [RRTaskTrials][RRSequences]int
}

// GenerateRuleReversal draws the stimuli from r in the reference's order
// (task-trial-major, then sequence).
func GenerateRuleReversal(r *rng.Rand) *RRTrial {
	t := &RRTrial{Rules: RuleSchedule()}
	label := func(rule, stim int) int {
		if rule == 0 {
			return 1 - stim // input channel 0
		}
		return stim // input channel 1
	}
	for i := 0; i < RRTaskTrials; i++ {
		for j := 0; j < RRSequences; j++ {
			s := r.IntN(2)
			t.Stim[i][j] = s
			t.Target[i][j] = label(t.Rules[i][j], s)
			prev := 0
			if i > 0 {
				prev = t.Rules[i-1][j]
			}
			t.Ideal[i][j] = label(prev, s)
		}
	}
	return t
}

// RRTiming is the rule-reversal task's lengths at dt: sample, response,
// feedback and wait epochs of int(0.5/dt) (jittered ±int(0.1/dt) in
// training), a warm-up of int(1/dt) with no input, and a grace period of
// int(0.1/dt) at the start of the response (not 0.2 s as the standard tasks).
func RRTiming(dt float64) Timing {
	tm := TimingOf(dt)
	tm.Wait = int(0.1 / dt)
	return tm
}

// RuleReversal is the rule-reversal task's name (`rnnlab task --task
// rulereversal`); it is not one of the 20 standard tasks (Names).
const RuleReversal = "rulereversal"

// RRBatch is a draw of S rule-reversal sequences: sequence j follows
// column j mod 40 of RuleSchedule (so S = 40, the reference's batch, is the
// whole script once). Each slice holds RRTaskTrials·S entries indexed
// [i·S + j] (task-trial i, sequence j).
type RRBatch struct {
	S                         int
	Stim, Target, Ideal, Rule []int
}

// GenerateRuleReversalBatch draws S sequences from r in the reference's
// order (task-trial-major, then sequence): one stimulus each, as
// GenerateRuleReversal does for S = 40.
func GenerateRuleReversalBatch(r *rng.Rand, S int) *RRBatch {
	rules := RuleSchedule()
	n := RRTaskTrials * S
	b := &RRBatch{S: S, Stim: make([]int, n), Target: make([]int, n), Ideal: make([]int, n), Rule: make([]int, n)}
	label := func(rule, stim int) int {
		if rule == 0 {
			return 1 - stim
		}
		return stim
	}
	for i := 0; i < RRTaskTrials; i++ {
		for j := 0; j < S; j++ {
			col := j % RRSequences
			s := r.IntN(2)
			k := i*S + j
			b.Stim[k], b.Rule[k] = s, rules[i][col]
			b.Target[k] = label(rules[i][col], s)
			prev := 0
			if i > 0 {
				prev = rules[i-1][col]
			}
			b.Ideal[k] = label(prev, s)
		}
	}
	return b
}

// RRFits reports whether the rule-reversal trial fits at step dt: every
// epoch, jittered, at least one step, and the response longer than its
// grace period.
func RRFits(dt float64) bool {
	tm := RRTiming(dt)
	return tm.Short-tm.Jitter >= 1 && tm.Short-tm.Jitter > tm.Wait && tm.Long >= 0
}
