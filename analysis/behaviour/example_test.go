package behaviour_test

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/behaviour"
)

// A beat train with an R peak every 100 steps, and a model that keeps the
// rhythm but whose peaks stay below the R level: a periodic trajectory
// with beats without R peaks.
func ExampleClassify() {
	beats := func(height float64) []float64 {
		x := make([]float64, 20000)
		for t := range x {
			ph := float64(t%100) - 50
			x[t] = 0.2*math.Sin(2*math.Pi*float64(t)/100) + height*math.Exp(-ph*ph/4)
		}
		return x
	}
	data, gen := beats(4), beats(1.2)
	r := behaviour.PeakLevels(data, 1)
	d := behaviour.Classify(gen, data, 1, nil)
	fmt.Println(d.Kind, d.Period)
	fmt.Println(behaviour.Describe(d, behaviour.AnalyseBeats(gen, 1, r, 50), behaviour.AnalyseBeats(data, 1, r, 0)))
	// Output:
	// periodic 100
	// periodic, period 100 steps (1.00 of the data's mean R–R interval); beats without R peaks: 10.00 beats per 1000 steps, none reaching the data's R level (0.00 R peaks (large peaks of x₁) per 1000 steps, data 10.00)
}
