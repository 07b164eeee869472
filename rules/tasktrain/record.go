package tasktrain

import (
	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Record is one evaluation trial of one network, for plots and the page:
// step t (0 ≤ t < R) of the recorded epochs has the input Input[t·85:],
// the state (rates) Rates[t·N:] after the step and the readout
// Readout[t·33:]; the targets hold for the fixation and response windows.
type Record struct {
	Steps                []int // recorded epoch lengths, the response last
	N                    int
	Input, Rates         []float64
	Readout              []float64
	TargetFix, TargetOut []float64
	Score                cogtask.Score
}

// Record runs one fresh evaluation trial (no jitter, no mixing, noise on) of
// network i at the fine step with trials and noise drawn from
// rng.New(seed), leaving the network's own stream untouched.
func (e *Ensemble) Record(i int, seed uint64) Record {
	n := e.Nets[i].Model
	r := rng.New(seed)
	b := e.fine.Generate(r, 1, false)
	var w work
	R, N := b.Recorded(), n.N
	rec := Record{Steps: append([]int(nil), b.Steps...), N: N,
		Input: make([]float64, 0, R*cogtask.Inputs), Rates: make([]float64, 0, R*N),
		TargetFix: b.TargetFix, TargetOut: b.TargetOut}
	e0 := 0
	w.onRecord = func(x []float64) {
		rec.Rates = append(rec.Rates, x...)
		for len(rec.Input) >= startOf(b.Steps, e0+1)*cogtask.Inputs && e0 < len(b.Steps)-1 {
			e0++
		}
		rec.Input = append(rec.Input, b.Input[e0]...)
	}
	rec.Score = w.evaluate(n, e.fine, b, r)
	rec.Readout = append([]float64(nil), w.Y[:R*cogtask.Outputs]...)
	return rec
}

// startOf is the first recorded step of epoch e.
func startOf(steps []int, e int) int {
	s := 0
	for _, n := range steps[:min(e, len(steps))] {
		s += n
	}
	return s
}
