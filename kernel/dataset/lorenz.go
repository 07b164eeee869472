package dataset

import "math"

// Lorenz63 is the Lorenz-63 flow ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz.
type Lorenz63 struct{ Sigma, Rho, Beta float64 }

// NewLorenz63 returns the flow with the classical parameters σ = 10, ρ = 28,
// β = 8/3 (Lorenz 1963).
func NewLorenz63() *Lorenz63 { return &Lorenz63{Sigma: 10, Rho: 28, Beta: 8.0 / 3} }

// Dim is 3.
func (l *Lorenz63) Dim() int { return 3 }

// InputDim is 0: the flow is autonomous.
func (l *Lorenz63) InputDim() int { return 0 }

// Deriv sets dst = f(x) row by row; u must be nil.
func (l *Lorenz63) Deriv(dst, x, u []float64) {
	check3(dst, x, u)
	for r := 0; r < len(x); r += 3 {
		a, b, c := x[r], x[r+1], x[r+2]
		dst[r] = float64(l.Sigma * (b - a))
		dst[r+1] = float64(a*(l.Rho-c)) - b
		dst[r+2] = float64(a*b) - float64(l.Beta*c)
	}
}

// DerivJacobian sets dst (3×3 row-major) = ∂f/∂x at the state x:
//
//	[ −σ     σ   0 ]
//	[ ρ − z  −1  −x ]
//	[ y      x   −β ]
func (l *Lorenz63) DerivJacobian(dst, x, u []float64) {
	checkJ(dst, x)
	a, b, c := x[0], x[1], x[2]
	dst[0], dst[1], dst[2] = -l.Sigma, l.Sigma, 0
	dst[3], dst[4], dst[5] = l.Rho-c, -1, -a
	dst[6], dst[7], dst[8] = b, a, -l.Beta
}

// FixedPoints returns the equilibria: the origin and, for ρ > 1,
// C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1).
func (l *Lorenz63) FixedPoints() [][3]float64 {
	if l.Rho <= 1 {
		return [][3]float64{{0, 0, 0}}
	}
	q := math.Sqrt(l.Beta * (l.Rho - 1))
	return [][3]float64{{0, 0, 0}, {q, q, l.Rho - 1}, {-q, -q, l.Rho - 1}}
}

// check3 panics unless dst and x hold the same whole number of 3-rows and
// there is no input.
func check3(dst, x, u []float64) {
	if len(x)%3 != 0 || len(dst) != len(x) {
		panic("dataset: dst and x must hold the same number of 3-rows")
	}
	if len(u) != 0 {
		panic("dataset: input given to an autonomous flow")
	}
}

func checkJ(dst, x []float64) {
	if len(x) < 3 || len(dst) < 9 {
		panic("dataset: DerivJacobian needs a 3-state and a 3×3 dst")
	}
}
