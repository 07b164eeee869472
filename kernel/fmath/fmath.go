package fmath

import "math"

// Constants of the argument reduction x = k·ln2 + r, with ln2 split into a
// high part whose product with any |k| < 2^11 is exact and a low correction.
const (
	ln2Hi  = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo  = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	invLn2 = 1.44269504088896338700e+00

	expOverflow  = 7.09782712893383973096e+02
	expUnderflow = -7.45133219101941108420e+02
	expTiny      = 1.0 / (1 << 28)

	// Coefficients of the Remez approximation R(r²) ≈ r·(e^r+1)/(e^r−1) − 2
	// on [0, (ln2/2)²] (fdlibm e_exp.c).
	expP1 = 1.66666666666666657415e-01 // 0x3FC5555555555555
	expP2 = -2.77777777770155933842e-03
	expP3 = 6.61375632143793436117e-05
	expP4 = -1.65339022054652515390e-06
	expP5 = 4.13813679705723846039e-08

	// Coefficients of the approximation of (log(1+f) − 2s − s·R)/… in s = f/(2+f)
	// (fdlibm e_log.c).
	logL1 = 6.666666666666735130e-01
	logL2 = 3.999999999940941908e-01
	logL3 = 2.857142874366239149e-01
	logL4 = 2.222219843214978396e-01
	logL5 = 1.818357216161805012e-01
	logL6 = 1.531383769920937332e-01
	logL7 = 1.479819860511658591e-01

	sqrt2 = 1.41421356237309504880168872420969808
)

// Exp returns e^x.
//
// Special cases: Exp(+Inf) = +Inf, Exp(-Inf) = 0, Exp(NaN) = NaN; overflow
// gives +Inf and underflow 0.
func Exp(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return 0
	case x > expOverflow:
		return math.Inf(1)
	case x < expUnderflow:
		return 0
	case -expTiny < x && x < expTiny:
		return 1 + x
	}
	// x = k·ln2 + r with k = round(x/ln2).
	var k int
	switch {
	case x < 0:
		k = int(float64(invLn2*x) - 0.5)
	default:
		k = int(float64(invLn2*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	return expMulti(hi, lo, k)
}

// expMulti returns e^(hi−lo)·2^k where |hi−lo| ≤ ln2/2.
func expMulti(hi, lo float64, k int) float64 {
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(expP1+float64(t*(expP2+float64(t*(expP3+float64(t*(expP4+float64(t*expP5)))))))))
	y := 1 - ((lo - float64(float64(r*c)/(2-c))) - hi)
	return math.Ldexp(y, k)
}

// Log returns the natural logarithm of x.
//
// Special cases: Log(+Inf) = +Inf, Log(0) = -Inf, Log(x < 0) = NaN,
// Log(NaN) = NaN.
func Log(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	// x = 2^k·(1+f) with √2/2 < 1+f < √2.
	f1, ki := math.Frexp(x)
	if f1 < sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)

	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (logL1 + float64(s4*(logL3+float64(s4*(logL5+float64(s4*logL7)))))))
	t2 := float64(s4 * (logL2 + float64(s4*(logL4+float64(s4*logL6)))))
	R := t1 + t2
	hfsq := float64(0.5 * float64(f*f))
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + float64(k*ln2Lo))) - f)
}

// Expm1 returns e^x − 1, accurate also for small |x|.
//
// It uses Kahan's identity expm1(x) = (u−1)·x/log(u) with u = e^x, which
// cancels the rounding error of u (W. Kahan, 'Mathematics written in sand',
// 1983; Higham, Accuracy and Stability of Numerical Algorithms, §1.14.1).
func Expm1(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		if math.IsInf(x, -1) {
			return -1
		}
		return x
	}
	if x > 0.5 || x < -0.5 {
		return Exp(x) - 1
	}
	u := Exp(x)
	switch {
	case u == 1:
		return x
	case u-1 == -1:
		return -1
	}
	return float64(float64(u-1)*x) / Log(u)
}

// Tanh returns the hyperbolic tangent of x, computed as
// tanh x = e/(e+2) with e = expm1(2x), which keeps full relative accuracy near 0.
func Tanh(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 22:
		return 1
	case x < -22:
		return -1
	}
	e := Expm1(2 * x)
	return e / (e + 2)
}

// Sigmoid returns the logistic function 1/(1+e^−x).
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + Exp(-x))
	}
	e := Exp(x)
	return e / (1 + e)
}
