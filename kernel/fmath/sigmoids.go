package fmath

import "math"

// Sigmoids sets x[i] = Sigmoid(x[i]) for every element, with Sigmoid's bits.
// It is the readout's batched logistic: the argument reduction and the
// polynomial of Exp inline, and the final scaling by 2^k done as a product
// with the exact power of two, which equals math.Ldexp wherever the result
// is a normal number (−700 < −|x| ≤ −2⁻²⁸ here); every other element (tiny,
// huge, infinite, NaN) goes through Sigmoid itself. It skips Exp's special
// cases and Ldexp's call, about twice as fast per element (BenchmarkSigmoids).
func Sigmoids(x []float64) {
	for i, v := range x {
		a := v
		if a > 0 {
			a = -a
		}
		if !(a > -700 && a <= -expTiny) {
			x[i] = Sigmoid(v)
			continue
		}
		k := int(float64(invLn2*a) - 0.5)
		hi := a - float64(float64(k)*ln2Hi)
		lo := float64(float64(k) * ln2Lo)
		r := hi - lo
		t := float64(r * r)
		c := r - float64(t*(expP1+float64(t*(expP2+float64(t*(expP3+float64(t*(expP4+float64(t*expP5)))))))))
		y := 1 - ((lo - float64(float64(r*c)/(2-c))) - hi)
		e := float64(y * math.Float64frombits(uint64(1023+k)<<52))
		// 1/(1+e) for v ≥ 0, e/(1+e) below, without a branch on the sign.
		num := math.Float64frombits(math.Float64bits(e)&neg(v) | math.Float64bits(1)&^neg(v))
		x[i] = num / (1 + e)
	}
}

// neg is all ones for v < 0 (−0 included, which Sigmoids never sends here
// since |v| ≥ 2⁻²⁸), else zero.
func neg(v float64) uint64 { return uint64(int64(math.Float64bits(v)) >> 63) }
