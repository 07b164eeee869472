package vec

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Sigmoids gives fmath.Sigmoid's bits element by element: special values,
// the edges of the vector kernel's range, random arguments of every scale,
// every length up to 70 (the scalar tail) and a slice longer than the
// kernel's buffer.
func TestSigmoidsMatchFmath(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, sigmoidTiny, -sigmoidTiny, sigmoidTiny / 2, -sigmoidTiny / 2,
		700, -700, math.Nextafter(700, 0), math.Nextafter(-700, 0), 708, -708, 745, -745, 746, -746,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64, 5e-324, -5e-324}
	r := rng.New(5)
	for i := 0; i < 100000; i++ {
		scale := math.Pow(10, float64(r.IntN(12))-9)
		xs = append(xs, r.Uniform(-1, 1)*scale, r.Uniform(-750, 750))
	}
	check := func(in []float64) {
		got := append([]float64(nil), in...)
		Sigmoids(got)
		for i, x := range in {
			want := fmath.Sigmoid(x)
			if math.Float64bits(got[i]) != math.Float64bits(want) && !(math.IsNaN(want) && math.IsNaN(got[i])) {
				t.Fatalf("Sigmoids(%v) = %v (%#x), fmath.Sigmoid %v (%#x)", x, got[i], math.Float64bits(got[i]), want, math.Float64bits(want))
			}
		}
	}
	check(xs)
	for n := 0; n <= 70; n++ {
		check(xs[:n])
		check(xs[len(xs)-n:])
	}
}

func BenchmarkSigmoids(b *testing.B) {
	r := rng.New(1)
	x := make([]float64, 4096)
	for i := range x {
		x[i] = r.Uniform(-6, 6)
	}
	y := make([]float64, len(x))
	b.Run("vec", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			Sigmoids(y)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("fmath", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			fmath.Sigmoids(y)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(x)), "ns/elem")
	})
}
