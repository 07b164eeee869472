package lyap

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// BenchmarkSpectrum measures the full spectrum per orbit step. flops counts
// the tangent-space work, 2n²k for J·Q and 2nk² for the Gram–Schmidt
// orthonormalisation (issue 4's measure, against one core's float64 peak).
func BenchmarkSpectrum(b *testing.B) {
	type tc struct {
		name string
		m    Map
		x0   []float64
	}
	var cases []tc
	sh := plrnn.NewShallow(plrnn.Config{M: 5, Hidden: 250, Clipped: true}, rng.New(1))
	cases = append(cases, tc{"shPLRNN/M=5,L=250", sh, []float64{0.1, 0.2, -0.1, 0.3, 0}})
	for _, m := range []int{50, 100, 200} {
		v := plrnn.NewVanilla(plrnn.Config{M: m}, rng.New(2))
		for i := range v.A {
			v.A[i] *= 0.9 // bounded orbits
		}
		x0 := make([]float64, m)
		rng.New(3).FillNorm(x0, 1)
		cases = append(cases, tc{fmt.Sprintf("vanilla/M=%d", m), v, x0})
	}
	cases = append(cases, tc{"Lorenz63/RK4,h=0.01", ode.NewRK4(dataset.NewLorenz63(), 0.01), []float64{1, 1, 20}})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			const steps = 2000
			n := c.m.Dim()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Spectrum(c.m, c.x0, steps, &Settings{Transient: 1}); err != nil {
					b.Fatal(err)
				}
			}
			perStep := b.Elapsed().Seconds() / float64(b.N) / float64(steps+1)
			flops := 2*float64(n*n*n) + 2*float64(n*n*n)
			b.ReportMetric(perStep*1e6, "µs/step")
			b.ReportMetric(flops/perStep/1e9, "GFLOP/s")
		})
	}
}
