package lyap

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// BenchmarkSpectrum measures the full spectrum per orbit step, with the
// tangent vectors re-orthonormalised every step (qr=1) and every 10 steps
// (qr=10). GFLOP/s counts the work done, 2n²k for J·Q and 2nk²/r for the
// Gram–Schmidt orthonormalisation; JQ-GFLOP/s only the Jacobian products
// (issue 4's measure, against one core's float64 peak).
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
			// The bias keeps the orbit off the origin, which it would reach
			// through subnormal numbers (slow arithmetic, not the method).
			v.H[i] = 0.5
		}
		x0 := make([]float64, m)
		rng.New(3).FillNorm(x0, 1)
		cases = append(cases, tc{fmt.Sprintf("vanilla/M=%d", m), v, x0})
	}
	cases = append(cases, tc{"Lorenz63/RK4,h=0.01", ode.NewRK4(dataset.NewLorenz63(), 0.01), []float64{1, 1, 20}})
	for _, c := range cases {
		for _, r := range []int{1, 10} {
			b.Run(fmt.Sprintf("%s/qr=%d", c.name, r), func(b *testing.B) {
				const steps = 2000
				if mx := vec.MaxAbs(orbitEnd(c.m, c.x0, steps)); !(mx > 1e-3 && mx < 1e6) {
					b.Fatalf("the benchmark orbit is not of order one: max|x| = %v at its end", mx)
				}
				n := float64(c.m.Dim())
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Spectrum(c.m, c.x0, steps, &Settings{Transient: 1, QREvery: r}); err != nil {
						b.Fatal(err)
					}
				}
				perStep := b.Elapsed().Seconds() / float64(b.N) / float64(steps+1)
				jq := 2 * n * n * n
				b.ReportMetric(perStep*1e6, "µs/step")
				b.ReportMetric((jq+jq/float64(r))/perStep/1e9, "GFLOP/s")
				b.ReportMetric(jq/perStep/1e9, "JQ-GFLOP/s")
			})
		}
	}
}

// orbitEnd returns the state after steps steps of m from x0.
func orbitEnd(m Map, x0 []float64, steps int) []float64 {
	x, y := append([]float64(nil), x0...), make([]float64, len(x0))
	for range steps {
		m.Step(y, x, nil)
		x, y = y, x
	}
	return x
}
