// Package dataset holds reference dynamical systems and the standard series
// rnnlab trains on: the Lorenz-63 and Rössler flows (with analytic
// Jacobians, for the analyses that need them), their integration into
// z-scored series, and helpers for series stored row-major (T×N).
//
//   - Lorenz-63 (E. N. Lorenz, J. Atmos. Sci. 20, 1963):
//     ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz, with σ = 10, ρ = 28, β = 8/3.
//   - Rössler (O. E. Rössler, Phys. Lett. A 57, 1976):
//     ẋ = −y − z, ẏ = x + ay, ż = b + z(x − c), with a = b = 0.2, c = 5.7.
//
// Series are integrated with RK4 (kernel/ode) at the sampling interval, with
// a transient dropped, so they are bit-identical on every target.
package dataset

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Lorenz63 is the Lorenz-63 flow.
type Lorenz63 struct{ Sigma, Rho, Beta float64 }

// NewLorenz63 returns the flow with the classical parameters σ=10, ρ=28, β=8/3.
func NewLorenz63() *Lorenz63 { return &Lorenz63{Sigma: 10, Rho: 28, Beta: 8.0 / 3} }

func (l *Lorenz63) Dim() int      { return 3 }
func (l *Lorenz63) InputDim() int { return 0 }

// Deriv sets dst = f(x) row by row.
func (l *Lorenz63) Deriv(dst, x, u []float64) {
	for r := 0; r+3 <= len(x); r += 3 {
		a, b, c := x[r], x[r+1], x[r+2]
		dst[r] = float64(l.Sigma * (b - a))
		dst[r+1] = float64(a*(l.Rho-c)) - b
		dst[r+2] = float64(a*b) - float64(l.Beta*c)
	}
}

// DerivJacobian sets dst = ∂f/∂x at x.
func (l *Lorenz63) DerivJacobian(dst, x, u []float64) {
	a, b, c := x[0], x[1], x[2]
	copy(dst[:9], []float64{
		-l.Sigma, l.Sigma, 0,
		l.Rho - c, -1, -a,
		b, a, -l.Beta,
	})
}

// FixedPoints returns the three equilibria: the origin and
// (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1).
func (l *Lorenz63) FixedPoints() [][3]float64 {
	q := math.Sqrt(l.Beta * (l.Rho - 1))
	return [][3]float64{{0, 0, 0}, {q, q, l.Rho - 1}, {-q, -q, l.Rho - 1}}
}

// Rossler is the Rössler flow.
type Rossler struct{ A, B, C float64 }

// NewRossler returns the flow with a = b = 0.2, c = 5.7.
func NewRossler() *Rossler { return &Rossler{A: 0.2, B: 0.2, C: 5.7} }

func (r *Rossler) Dim() int      { return 3 }
func (r *Rossler) InputDim() int { return 0 }

// Deriv sets dst = f(x) row by row.
func (r *Rossler) Deriv(dst, x, u []float64) {
	for i := 0; i+3 <= len(x); i += 3 {
		a, b, c := x[i], x[i+1], x[i+2]
		dst[i] = -b - c
		dst[i+1] = a + float64(r.A*b)
		dst[i+2] = r.B + float64(c*(a-r.C))
	}
}

// DerivJacobian sets dst = ∂f/∂x at x.
func (r *Rossler) DerivJacobian(dst, x, u []float64) {
	copy(dst[:9], []float64{
		0, -1, -1,
		1, r.A, 0,
		x[2], 0, x[0] - r.C,
	})
}

// Generate integrates f with RK4 at step dt from x0, drops transient steps
// and returns the next steps states row-major.
func Generate(f ode.Flow, x0 []float64, dt float64, steps, transient int) []float64 {
	return ode.Trajectory(ode.NewRK4(f, dt), x0, steps+transient, transient, 1)
}

// Lorenz63Data returns the project's standard Lorenz-63 series: steps
// z-scored samples at interval dt, from an initial condition drawn from the
// seed, after a transient of 50 time units.
func Lorenz63Data(steps int, dt float64, seed uint64) []float64 {
	r := rng.New(seed)
	x0 := []float64{r.Uniform(-15, 15), r.Uniform(-15, 15), r.Uniform(5, 40)}
	x := Generate(NewLorenz63(), x0, dt, steps, int(50/dt))
	ZScore(x, 3)
	return x
}

// RosslerData returns a z-scored Rössler series like Lorenz63Data (transient
// of 200 time units).
func RosslerData(steps int, dt float64, seed uint64) []float64 {
	r := rng.New(seed)
	x0 := []float64{r.Uniform(-5, 5), r.Uniform(-5, 5), r.Uniform(0, 1)}
	x := Generate(NewRossler(), x0, dt, steps, int(200/dt))
	ZScore(x, 3)
	return x
}

// ZScore standardises each of the n columns of the row-major series x in
// place (sample standard deviation, divisor T−1) and returns the means and
// standard deviations. A constant column is only centred.
func ZScore(x []float64, n int) (mean, sd []float64) {
	T := len(x) / n
	mean, sd = make([]float64, n), make([]float64, n)
	for j := 0; j < n; j++ {
		var s float64
		for t := 0; t < T; t++ {
			s += x[t*n+j]
		}
		mean[j] = s / float64(T)
		var v float64
		for t := 0; t < T; t++ {
			d := x[t*n+j] - mean[j]
			v += float64(d * d)
		}
		if T > 1 {
			sd[j] = math.Sqrt(v / float64(T-1))
		}
		scale := 1.0
		if sd[j] > 0 {
			scale = sd[j]
		}
		for t := 0; t < T; t++ {
			x[t*n+j] = (x[t*n+j] - mean[j]) / scale
		}
	}
	return mean, sd
}
