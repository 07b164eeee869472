package recipe

import (
	"math"
	"testing"
)

// BenchmarkECGRecipeStep measures one BPTT gradient step (window sampling,
// forward, backward, optimizer) of each ECG recipe, on a synthetic 5-d
// series of the ECG embedding's shape (the step's cost does not depend on
// the values). One core: run with GOMAXPROCS=1.
func BenchmarkECGRecipeStep(b *testing.B) {
	const rows, n = 50000, 5
	x := make([]float64, rows*n)
	for t := 0; t < rows; t++ {
		for j := 0; j < n; j++ {
			ph := 2 * math.Pi * float64(t-22*j) / 285
			x[t*n+j] = math.Sin(ph) + 2*math.Exp(-8*(1-math.Cos(ph)))
		}
	}
	s := Series{X: x, N: n, Name: "synthetic"}
	for _, name := range []string{"ecg", "ecg-gtf", "ecg-dend"} {
		b.Run(name, func(b *testing.B) {
			cfg, _ := Recipe(name)
			lo, hi := Bounds(x)
			md, err := Build(cfg.Model, n, lo, hi, cfg.Train.Seed, true)
			if err != nil {
				b.Fatal(err)
			}
			tr, err := NewTrainer(cfg, md, s)
			if err != nil {
				b.Fatal(err)
			}
			steps := 0
			for b.Loop() {
				if _, err := tr.Step(); err != nil {
					b.Fatal(err)
				}
				steps++
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(steps), "ms/step")
		})
	}
}
