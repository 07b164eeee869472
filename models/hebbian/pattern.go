package hebbian

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// PatternCompletion is the task of Miconi, Clune & Stanley (ICML 2018,
// section 4.2; their simple.py): in each episode Patterns random ±1 patterns
// of Bits bits are each shown Cycles times (in a new random order each
// cycle) for PresTime steps, followed by Delay steps of zero input; then one
// of them with a fraction ProbDegrade of its bits zeroed is shown for
// PresTimeTest steps, and the network must output the complete pattern at
// the last step. A last input unit is a bias, 1 at every step, so the
// network has Bits + 1 units with DirectInput. Every input, the bias
// included, is multiplied by InputGain (simple.py's "strengthen inputs":
// 20), and with Balanced each pattern has exactly half its bits at −1 (a
// random permutation of simple.py's seed pattern) instead of independent
// random bits.
type PatternCompletion struct {
	Bits         int     `json:"bits"`
	Patterns     int     `json:"patterns"`
	Cycles       int     `json:"cycles"`
	PresTime     int     `json:"pres_time"`
	PresTimeTest int     `json:"pres_time_test"`
	Delay        int     `json:"delay"`
	ProbDegrade  float64 `json:"prob_degrade"`
	InputGain    float64 `json:"input_gain"` // 0 means 1
	Balanced     bool    `json:"balanced"`
}

// DefaultPatternCompletion is simple.py's task: 1000 bits, 5 balanced
// patterns, 2 cycles, 6 steps a presentation, 4 steps between, half of the
// test bits zeroed (106 steps an episode), inputs × 20.
func DefaultPatternCompletion() PatternCompletion {
	return PatternCompletion{Bits: 1000, Patterns: 5, Cycles: 2, PresTime: 6, PresTimeTest: 6, Delay: 4, ProbDegrade: 0.5,
		InputGain: 20, Balanced: true}
}

// Validate reports the first invalid setting, naming its key.
func (p PatternCompletion) Validate() error {
	switch {
	case p.Bits < 1 || p.Patterns < 1 || p.Cycles < 1:
		return fmt.Errorf("hebbian: bits, patterns, cycles = %d, %d, %d, want all ≥ 1", p.Bits, p.Patterns, p.Cycles)
	case p.PresTime < 1 || p.PresTimeTest < 1 || p.Delay < 0:
		return fmt.Errorf("hebbian: pres_time, pres_time_test, delay = %d, %d, %d, want ≥ 1, ≥ 1, ≥ 0", p.PresTime, p.PresTimeTest, p.Delay)
	case !(p.ProbDegrade >= 0 && p.ProbDegrade <= 1):
		return fmt.Errorf("hebbian: prob_degrade = %v, want in [0, 1]", p.ProbDegrade)
	case !(p.InputGain >= 0) || math.IsInf(p.InputGain, 0):
		return fmt.Errorf("hebbian: input_gain = %v, want ≥ 0 (0 means 1)", p.InputGain)
	}
	return nil
}

// Units is the network size the task needs (Bits + 1).
func (p PatternCompletion) Units() int { return p.Bits + 1 }

// Steps is the length of an episode.
func (p PatternCompletion) Steps() int {
	return p.Cycles*(p.PresTime+p.Delay)*p.Patterns + p.PresTimeTest
}

// Episode fills inputs (Steps × Units, row-major) and target (Bits) for one
// episode drawn from r.
func (p PatternCompletion) Episode(inputs, target []float64, r *rng.Rand) {
	U := p.Units()
	pats := make([][]float64, p.Patterns)
	for k := range pats {
		pats[k] = make([]float64, p.Bits)
		if p.Balanced {
			for i, j := range r.Perm(p.Bits) {
				pats[k][i] = 1
				if j < p.Bits/2 {
					pats[k][i] = -1
				}
			}
			continue
		}
		for i := range pats[k] {
			pats[k][i] = float64(2*r.IntN(2) - 1)
		}
	}
	test := r.IntN(p.Patterns)
	copy(target, pats[test])
	clear(inputs)
	t := 0
	row := func() []float64 { return inputs[t*U : (t+1)*U] }
	for c := 0; c < p.Cycles; c++ {
		for _, k := range r.Perm(p.Patterns) {
			for s := 0; s < p.PresTime; s++ {
				copy(row(), pats[k])
				row()[p.Bits] = 1
				t++
			}
			for s := 0; s < p.Delay; s++ {
				row()[p.Bits] = 1
				t++
			}
		}
	}
	zeroed := int(p.ProbDegrade * float64(p.Bits))
	keep := make([]bool, p.Bits)
	for i, j := range r.Perm(p.Bits) {
		keep[j] = i >= zeroed
	}
	for s := 0; s < p.PresTimeTest; s++ {
		x := row()
		for i, v := range target {
			if keep[i] {
				x[i] = v
			}
		}
		x[p.Bits] = 1
		t++
	}
	if g := p.InputGain; g != 0 && g != 1 {
		for i := range inputs[:t*U] {
			inputs[i] *= g
		}
	}
}

// EpisodeLoss runs net (batch 1) from h = 0, Hebb = 0 through the episode's
// inputs, returns the mean squared error of the first len(target) units of
// the last h against target, and adds its gradient to gtheta (unless nil)
// by backpropagation through time through the trace: the VJP of every step
// in reverse. states is scratch of (Steps+1)·Dim values (nil: allocated).
func EpisodeLoss(net models.Trainable, inputs, target, gtheta, states []float64) float64 {
	D, K := net.Dim(), net.InputDim()
	T := len(inputs) / K
	if len(states) < (T+1)*D {
		states = make([]float64, (T+1)*D)
	}
	clear(states[:D])
	for t := 0; t < T; t++ {
		net.Step(states[(t+1)*D:(t+2)*D], states[t*D:(t+1)*D], inputs[t*K:(t+1)*K])
	}
	last := states[T*D : (T+1)*D]
	var loss float64
	g := make([]float64, D)
	inv := 1 / float64(len(target))
	for i, v := range target {
		e := last[i] - v
		loss += float64(e * e)
		g[i] = float64(2 * e * inv)
	}
	if gtheta == nil {
		return loss * inv
	}
	gx := make([]float64, D)
	for t := T - 1; t >= 0; t-- {
		net.VJP(gx, gtheta, states[t*D:(t+1)*D], inputs[t*K:(t+1)*K], g)
		g, gx = gx, g
	}
	return loss * inv
}
