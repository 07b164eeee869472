package fmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Sigmoids gives Sigmoid's bits element by element: on the special values,
// at the edges of its fast range and on random arguments of every scale.
func TestSigmoidsMatchesSigmoid(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, expTiny, -expTiny, expTiny / 2, -expTiny / 2,
		700, -700, math.Nextafter(700, 0), math.Nextafter(-700, 0), 708, -708, 745, -745, 746, -746,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64, 5e-324, -5e-324}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		scale := math.Pow(10, float64(r.IntN(12))-9)
		xs = append(xs, (2*r.Float64()-1)*scale, (2*r.Float64()-1)*750)
	}
	got := append([]float64(nil), xs...)
	Sigmoids(got)
	for i, x := range xs {
		want := Sigmoid(x)
		if math.Float64bits(got[i]) != math.Float64bits(want) && !(math.IsNaN(want) && math.IsNaN(got[i])) {
			t.Fatalf("Sigmoids(%v) = %v (%#x), Sigmoid %v (%#x)", x, got[i], math.Float64bits(got[i]), want, math.Float64bits(want))
		}
	}
}

func BenchmarkSigmoids(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 4096)
	for i := range x {
		x[i] = 6 * (2*r.Float64() - 1)
	}
	y := make([]float64, len(x))
	b.Run("Sigmoids", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			Sigmoids(y)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("Sigmoid", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = Sigmoid(v)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(x)), "ns/elem")
	})
}
