package cycles

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// counting wraps a model and counts Linearize calls: one per time point of
// every region sequence tried.
type counting struct {
	PiecewiseLinear
	calls int
}

func (c *counting) Linearize(M, cc, x []float64) {
	c.calls++
	c.PiecewiseLinear.Linearize(M, cc, x)
}

// BenchmarkSearch measures the exact fixed-point and 2-cycle search of a
// vanilla PLRNN with M = 20 (issue 4), reported per region tried: one
// solved linear system of the composed map and its consistency check.
func BenchmarkSearch(b *testing.B) {
	m := plrnn.NewVanilla(plrnn.Config{M: 20}, rng.New(1))
	p := m.Params()
	noise := make([]float64, len(p))
	rng.New(2).FillNorm(noise, 0.2)
	for i := range p {
		p[i] += noise[i]
	}
	for _, k := range []int{1, 2} {
		b.Run([]string{"", "fixed-points", "2-cycles"}[k], func(b *testing.B) {
			c := &counting{PiecewiseLinear: m}
			tried := 0
			for b.Loop() {
				c.calls = 0
				w := newWork(20, k)
				z0 := make([]float64, 20)
				r := rng.New(3)
				for s := 0; s < 20; s++ {
					r.FillNorm(z0, 2)
					w.search(c, z0, k, 50, 1e-8)
				}
				tried += c.calls / k
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(tried)*1e6, "µs/region")
		})
	}
}
