package metric

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// benchData returns two 100 000-point Lorenz-63 series (n = 3) or their
// delay embeddings (n = 5).
func benchData(n int) (x, y []float64) {
	x = lorenz(100005, 100, 5, 0.01)
	y = lorenz(100005, 900, 5, 0.01)
	if n == 5 {
		return embed5(x), embed5(y)
	}
	return x[:3*100000], y[:3*100000]
}

func BenchmarkStateSpaceBinned(b *testing.B) {
	for _, n := range []int{3, 5} {
		x, y := benchData(n)
		b.Run(fmt.Sprintf("T=100000/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				StateSpaceBinned(x, y, n, DefaultBins)
			}
			b.ReportMetric(float64(2*len(x)/n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}

func BenchmarkStateSpaceGMM(b *testing.B) {
	for _, n := range []int{3, 5} {
		x, y := benchData(n)
		b.Run(fmt.Sprintf("T=100000/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				StateSpaceGMM(x, y, n, DefaultScaling, DefaultMaxT, DefaultMCSamples, rng.New(1))
			}
			// Gaussian kernel evaluations: samples × maxT × 2 mixtures.
			b.ReportMetric(float64(2*DefaultMaxT*DefaultMCSamples)*float64(b.N)/b.Elapsed().Seconds(), "kernels/s")
		})
	}
}

func BenchmarkPowerSpectrumHellinger(b *testing.B) {
	for _, n := range []int{3, 5} {
		x, y := benchData(n)
		b.Run(fmt.Sprintf("T=100000/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				PowerSpectrumHellinger(x, y, n, DefaultSmoothing)
			}
			b.ReportMetric(float64(2*len(x))*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

func BenchmarkPredictionError(b *testing.B) {
	for _, n := range []int{3, 5} {
		x, _ := benchData(n)
		p := MapPredictor(linearMap{0.99, n})
		b.Run(fmt.Sprintf("T=100000/n=%d/steps=20", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				PredictionError(x, n, DefaultHorizon, p)
			}
			b.ReportMetric(float64((len(x)/n-DefaultHorizon)*DefaultHorizon)*float64(b.N)/b.Elapsed().Seconds(), "model-steps/s")
		})
	}
}
