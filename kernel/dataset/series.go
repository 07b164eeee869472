package dataset

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Generate integrates the autonomous flow f with RK4 at step h from x0,
// drops the first transient steps and then keeps every every-th state until
// it has steps rows; it returns them row-major (steps × Dim). Row t is the
// state at time (transient + (t+1)·every)·h.
func Generate(f ode.Flow, x0 []float64, h float64, steps, transient, every int) []float64 {
	if steps < 0 {
		panic("dataset: Generate needs steps ≥ 0")
	}
	x := make([]float64, steps*f.Dim())
	ode.Integrate(x, ode.NewRK4(f, h), x0, transient, every)
	return x
}

// Lorenz63Data returns the project's standard Lorenz-63 series: steps
// z-scored samples (steps × 3) at interval dt (0.01 in the project's
// recipes), integrated by RK4 at step dt from an initial condition drawn
// uniformly from [−15, 15]² × [5, 40] by the seed, after a transient of 50
// time units. The result is bit-identical on every target.
func Lorenz63Data(steps int, dt float64, seed uint64) []float64 {
	r := rng.New(seed)
	x0 := []float64{r.Uniform(-15, 15), r.Uniform(-15, 15), r.Uniform(5, 40)}
	x := Generate(NewLorenz63(), x0, dt, steps, int(50/dt), 1)
	ZScore(x, 3)
	return x
}

// RosslerData returns a z-scored Rössler series like Lorenz63Data, from an
// initial condition in [−5, 5]² × [0, 1] after a transient of 200 time units.
func RosslerData(steps int, dt float64, seed uint64) []float64 {
	r := rng.New(seed)
	x0 := []float64{r.Uniform(-5, 5), r.Uniform(-5, 5), r.Uniform(0, 1)}
	x := Generate(NewRossler(), x0, dt, steps, int(200/dt), 1)
	ZScore(x, 3)
	return x
}

// ZScore standardises each of the n columns of the row-major series x in
// place, x ← (x − mean)/sd, and returns the means and the standard
// deviations (sample standard deviation, divisor T−1; 0 for T = 1). A
// constant column is only centred.
func ZScore(x []float64, n int) (mean, sd []float64) {
	T := rows(x, n)
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

// Split cuts the row-major series x (rows of n) into its first ⌊frac·T⌋ rows
// and the rest. Both parts alias x; train's capacity ends where test begins,
// so appending to train never overwrites test. frac must lie in [0, 1].
func Split(x []float64, n int, frac float64) (train, test []float64) {
	T := rows(x, n)
	if !(frac >= 0 && frac <= 1) {
		panic("dataset: Split needs 0 ≤ frac ≤ 1")
	}
	k := int(frac*float64(T)) * n
	return x[:k:k], x[k:]
}

func rows(x []float64, n int) int {
	if n <= 0 || len(x)%n != 0 {
		panic("dataset: series length is not a multiple of the row width")
	}
	return len(x) / n
}
