package reward

import (
	"fmt"
	"math"
)

// DNMS is the delayed non-match-to-sample task (times in steps of dt).
type DNMS struct {
	TrialTime   int     `json:"trial_time"`   // 1000
	Stim1Start  int     `json:"stim1_start"`  // 1
	Stim1Len    int     `json:"stim1_len"`    // 200
	Stim2Start  int     `json:"stim2_start"`  // 400
	Stim2Len    int     `json:"stim2_len"`    // 200
	EvalTime    int     `json:"eval_time"`    // the error counts the last 200 steps
	TargetMatch float64 `json:"target_match"` // −0.98 (AA, BB)
	TargetNon   float64 `json:"target_non"`   // +0.98 (AB, BA)
}

// DefaultDNMS is net.cpp's task.
func DefaultDNMS() DNMS {
	return DNMS{TrialTime: 1000, Stim1Start: 1, Stim1Len: 200, Stim2Start: 400, Stim2Len: 200,
		EvalTime: 200, TargetMatch: -0.98, TargetNon: 0.98}
}

// Validate reports the first invalid setting, naming its key as in a run
// file's "reward" section.
func (d DNMS) Validate() error {
	switch {
	case d.TrialTime < 1:
		return fmt.Errorf("reward.task.trial_time must be ≥ 1 step (got %d; net.cpp: 1000)", d.TrialTime)
	case d.EvalTime < 1 || d.EvalTime > d.TrialTime:
		return fmt.Errorf("reward.task.eval_time must be in 1..reward.task.trial_time = %d (got %d; net.cpp: 200)", d.TrialTime, d.EvalTime)
	case d.Stim1Start < 0 || d.Stim1Len < 0 || d.Stim2Len < 0 || d.Stim2Start+d.Stim2Len > d.TrialTime || d.Stim1Start+d.Stim1Len > d.Stim2Start:
		return fmt.Errorf("reward.task: the stimulus windows [%d, +%d) (stim1_start, stim1_len) and [%d, +%d) (stim2_start, stim2_len) must fit, in order, in trial_time %d",
			d.Stim1Start, d.Stim1Len, d.Stim2Start, d.Stim2Len, d.TrialTime)
	case math.IsNaN(d.TargetMatch) || math.IsInf(d.TargetMatch, 0) || math.IsNaN(d.TargetNon) || math.IsInf(d.TargetNon, 0):
		return fmt.Errorf("reward.task.target_match and target_non must be finite (got %v, %v)", d.TargetMatch, d.TargetNon)
	}
	return nil
}

// Input sets u (3 channels; 0 is the unused go signal) for condition cond
// (0 AA, 1 AB, 2 BA, 3 BB) at step t.
func (d DNMS) Input(u []float64, cond, t int) {
	u[0], u[1], u[2] = 0, 0, 0
	if t >= d.Stim1Start && t < d.Stim1Start+d.Stim1Len {
		u[1+cond/2] = 1
	}
	if t >= d.Stim2Start && t < d.Stim2Start+d.Stim2Len {
		u[1+cond%2] = 1
	}
}

// Target is the response wanted in condition cond.
func (d DNMS) Target(cond int) float64 {
	if cond == 0 || cond == 3 {
		return d.TargetMatch
	}
	return d.TargetNon
}

// Error is the mean |out − target| over the last EvalTime steps.
func (d DNMS) Error(out []float64, cond int) float64 {
	tg := d.Target(cond)
	var s float64
	for _, o := range out[d.TrialTime-d.EvalTime : d.TrialTime] {
		v := o - tg
		if v < 0 {
			v = -v
		}
		s += v
	}
	return s / float64(d.EvalTime)
}
