package vec

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// Sigmoids sets x[i] = fmath.Sigmoid(x[i]) for every element, with its bits.
// On amd64 with AVX2 four elements go through one set of vector
// instructions: the same argument reduction, polynomial and divisions as
// fmath.Exp and fmath.Sigmoid, operation for operation and without fused
// multiply-adds, and 2^k applied as a product with the exact power of two
// (math.Ldexp's value where the result is normal). Elements outside that
// range (|x| < 2⁻²⁸, |x| ≥ 700, infinities, NaN) are redone by
// fmath.Sigmoid. Elsewhere it is fmath.Sigmoids.
func Sigmoids(x []float64) {
	if !fastPath() {
		fmath.Sigmoids(x)
		return
	}
	var buf [64]float64
	for len(x) > 0 {
		c := min(len(buf), len(x))
		src, dst := buf[:c], x[:c]
		copy(src, dst)
		n4 := c &^ 3
		if n4 > 0 {
			sigmoids4(dst[:n4], src[:n4])
		}
		for i, v := range src[:n4] {
			if a := -abs(v); !(a > -700 && a <= -sigmoidTiny) {
				dst[i] = fmath.Sigmoid(v)
			}
		}
		for i := n4; i < c; i++ {
			dst[i] = fmath.Sigmoid(src[i])
		}
		x = x[c:]
	}
}

// sigmoidTiny is fmath.Exp's 2⁻²⁸, below which e^x is 1 + x.
const sigmoidTiny = 1.0 / (1 << 28)

// sigmoidConsts are the constants of fmath.Exp the kernel reads, each in
// four lanes, in its order: 1/ln2, 0.5, ln2 high and low parts, P1…P5, 2, 1,
// the sign bit and the exponent bias 1023 (as integers);
// TestSigmoidsMatchFmath checks the results against fmath's.
var sigmoidConsts = func() (c [13 * 4]float64) {
	v := [13]float64{
		1.44269504088896338700e+00,
		0.5,
		6.93147180369123816490e-01,
		1.90821492927058770002e-10,
		1.66666666666666657415e-01,
		-2.77777777770155933842e-03,
		6.61375632143793436117e-05,
		-1.65339022054652515390e-06,
		4.13813679705723846039e-08,
		2,
		1,
		math.Float64frombits(1 << 63),
		math.Float64frombits(1023),
	}
	for i, x := range v {
		for l := 0; l < 4; l++ {
			c[4*i+l] = x
		}
	}
	return
}()
