package leaky

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Standard normal deviates for the noise by the ziggurat method with 128
// layers (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000, in Doornik's ZIGNOR
// form, 2005): one 64-bit draw per attempt (7 bits pick the layer, the top
// 53 bits the abscissa), a logarithm only in the rare wedge and tail cases.
// The noise needs S·N deviates per step, which with the polar method (a
// logarithm per pair, kernel/rng.Norm) cost as much as the recurrent product
// at N = 64. The tables are built with kernel/fmath, so every target draws
// the same numbers.
const (
	zigC = 128
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
)

var zigX, zigRatio = zigTables()

func zigTables() (x [zigC + 1]float64, ratio [zigC]float64) {
	f := fmath.Exp(-0.5 * zigR * zigR)
	x[0] = zigV / f
	x[1] = zigR
	for i := 2; i < zigC; i++ {
		x[i] = math.Sqrt(-2 * fmath.Log(zigV/x[i-1]+f))
		f = fmath.Exp(-0.5 * float64(x[i]*x[i]))
	}
	for i := 0; i < zigC; i++ {
		ratio[i] = x[i+1] / x[i]
	}
	return
}

// Normal returns a standard normal deviate drawn from r by the ziggurat.
func Normal(r *rng.Rand) float64 {
	bits := r.Uint64()
	i := bits & (zigC - 1)
	u := 2*(float64(bits>>11)/(1<<53)) - 1
	if math.Abs(u) < zigRatio[i] {
		return float64(u * zigX[i])
	}
	return normalSlow(r, u, i)
}

// normalSlow finishes a ziggurat draw whose first attempt (abscissa u in
// layer i) fell outside the layer's rectangle: the tail or the wedge test,
// then fresh attempts. Normal and the batched loops inline the fast test and
// call this, so they draw the same numbers.
func normalSlow(r *rng.Rand, u float64, i uint64) float64 {
	for {
		if i == 0 {
			// tail beyond R (Marsaglia 1964)
			for {
				x := fmath.Log(1-r.Float64()) / zigR
				y := fmath.Log(1 - r.Float64())
				if -2*y >= float64(x*x) {
					if u < 0 {
						return x - zigR
					}
					return zigR - x
				}
			}
		}
		x := float64(u * zigX[i])
		xx := float64(x * x)
		f0 := fmath.Exp(-0.5 * (float64(zigX[i]*zigX[i]) - xx))
		f1 := fmath.Exp(-0.5 * (float64(zigX[i+1]*zigX[i+1]) - xx))
		if f1+float64(r.Float64()*(f0-f1)) < 1 {
			return x
		}
		bits := r.Uint64()
		i = bits & (zigC - 1)
		u = 2*(float64(bits>>11)/(1<<53)) - 1
		if math.Abs(u) < zigRatio[i] {
			return float64(u * zigX[i])
		}
	}
}
