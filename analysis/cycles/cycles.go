// Package cycles finds the fixed points and k-cycles of piecewise-linear
// maps — the PLRNN family — exactly, by the approach of SCYFI (Eisenmann,
// Monfared, Göring & Durstewitz, NeurIPS 2023, Algorithm 1).
//
// Inside one linear region the map is affine, z' = M_r z + c_r. A k-cycle
// visiting regions r_0, …, r_{k−1} is then the solution of one linear system:
// composing the pieces gives z_k = 𝓜 z_0 + 𝒸 with 𝓜 = M_{r_{k−1}}⋯M_{r_0},
// so z_0 = (I − 𝓜)⁻¹ 𝒸, and it is a true cycle of the map when every z_t
// really lies in r_t. The search starts from random states, takes the regions
// their orbit visits as the candidate sequence, solves, and — when the
// solution leaves its assumed regions — restarts from the regions the
// solution actually visits (SCYFI's heuristic), up to an iteration limit.
// Every distinct cycle of minimal period ≤ MaxPeriod found this way is
// reported with its Floquet multipliers (the eigenvalues of 𝓜, for a fixed
// point those of the Jacobian) and its stability (all |multipliers| < 1).
//
// The search is heuristic: it finds cycles, it does not prove that there are
// no others. Regions are compared through their affine maps, so a model only
// needs to give the map of the region containing a state (Linearize).
package cycles

import (
	"errors"
	"math"
	"math/cmplx"
	"sort"

	"github.com/rnnlab/rnnlab/kernel/linalg"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"gonum.org/v1/gonum/mat"
)

// PiecewiseLinear is a piecewise-affine map: Step, and the affine map
// z' = M z + c (M row-major) of the linear region containing x.
type PiecewiseLinear interface {
	Dim() int
	Step(dst, x, u []float64)
	Linearize(M, c, x []float64)
}

// Cycle is a fixed point (Period 1) or a cycle of minimal period Period.
type Cycle struct {
	Period      int
	Points      [][]float64  // z_0 … z_{k−1}, z_0 the lexicographically smallest
	Multipliers []complex128 // eigenvalues of the cycle's product Jacobian, by decreasing modulus
	Stable      bool         // every |multiplier| < 1
	Residual    float64      // max_t ‖F(z_t) − z_{t+1}‖∞, checked with the true map
}

// Settings control Find; a nil *Settings or zero fields mean the defaults.
type Settings struct {
	MaxPeriod int     // longest period searched (default 2)
	Starts    int     // random initial states per period (default 200)
	MaxIter   int     // region updates per start (default 50)
	Scale     float64 // standard deviation of the initial states (default 2)
	Seed      uint64  // random source of the initial states
	Tol       float64 // residual accepted and distance that merges cycles (default 1e-8)
}

// Find searches for fixed points and cycles of m up to MaxPeriod.
func Find(m PiecewiseLinear, s *Settings) ([]Cycle, error) {
	set := Settings{MaxPeriod: 2, Starts: 200, MaxIter: 50, Scale: 2, Tol: 1e-8}
	if s != nil {
		if s.MaxPeriod > 0 {
			set.MaxPeriod = s.MaxPeriod
		}
		if s.Starts > 0 {
			set.Starts = s.Starts
		}
		if s.MaxIter > 0 {
			set.MaxIter = s.MaxIter
		}
		if s.Scale > 0 {
			set.Scale = s.Scale
		}
		if s.Tol > 0 {
			set.Tol = s.Tol
		}
		set.Seed = s.Seed
	}
	n := m.Dim()
	w := newWork(n, set.MaxPeriod)
	r := rng.New(set.Seed)
	var found []Cycle
	z0 := make([]float64, n)
	for k := 1; k <= set.MaxPeriod; k++ {
		for s := 0; s < set.Starts; s++ {
			r.FillNorm(z0, set.Scale)
			c, ok := w.search(m, z0, k, set.MaxIter, set.Tol)
			if ok && !contains(found, c, set.Tol) {
				found = append(found, c)
			}
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Period < found[j].Period })
	if len(found) == 0 {
		return nil, errors.New("cycles: no fixed point or cycle found (try more starts or a larger scale)")
	}
	return found, nil
}

type work struct {
	n         int
	Ms, cs    [][]float64 // the affine maps of the assumed regions
	Mt, ct    []float64
	prod, acc []float64
	tmp       []float64
	orbit     [][]float64
}

func newWork(n, kmax int) *work {
	w := &work{n: n, Mt: make([]float64, n*n), ct: make([]float64, n),
		prod: make([]float64, n*n), acc: make([]float64, n), tmp: make([]float64, n*n)}
	for t := 0; t <= kmax; t++ {
		w.Ms = append(w.Ms, make([]float64, n*n))
		w.cs = append(w.cs, make([]float64, n))
		w.orbit = append(w.orbit, make([]float64, n))
	}
	return w
}

// search runs SCYFI's region iteration for period k from z0.
func (w *work) search(m PiecewiseLinear, z0 []float64, k, maxIter int, tol float64) (Cycle, bool) {
	n := w.n
	// Initial regions: those of the true orbit of z0.
	copy(w.orbit[0], z0)
	for t := 0; t < k; t++ {
		m.Linearize(w.Ms[t], w.cs[t], w.orbit[t])
		if t+1 < k {
			m.Step(w.orbit[t+1], w.orbit[t], nil)
		}
	}
	for it := 0; it < maxIter; it++ {
		// Compose z_k = prod z_0 + acc.
		identity(w.prod, n)
		clear(w.acc)
		for t := 0; t < k; t++ {
			linalg.Mul(w.tmp, w.Ms[t], w.prod, n)
			copy(w.prod, w.tmp)
			matVecAdd(w.ct, w.Ms[t], w.acc, w.cs[t], n)
			copy(w.acc, w.ct)
		}
		// Solve (I − prod) z_0 = acc.
		for i := range w.tmp {
			w.tmp[i] = -w.prod[i]
		}
		for i := 0; i < n; i++ {
			w.tmp[i*n+i] += 1
		}
		copy(w.orbit[0], w.acc)
		if !linalg.Solve(w.tmp, w.orbit[0], n) {
			return Cycle{}, false
		}
		// The candidate orbit under the assumed pieces; check its regions.
		consistent := true
		for t := 0; t < k; t++ {
			m.Linearize(w.Mt, w.ct, w.orbit[t])
			if !equal(w.Mt, w.Ms[t]) || !equal(w.ct, w.cs[t]) {
				consistent = false
				copy(w.Ms[t], w.Mt)
				copy(w.cs[t], w.ct)
			}
			if t+1 < k {
				matVecAdd(w.orbit[t+1], w.Ms[t], w.orbit[t], w.cs[t], n)
			}
		}
		if consistent {
			return w.finish(m, k, tol)
		}
	}
	return Cycle{}, false
}

// finish checks the candidate with the true map and builds the result.
func (w *work) finish(m PiecewiseLinear, k int, tol float64) (Cycle, bool) {
	n := w.n
	next := make([]float64, n)
	var res float64
	for t := 0; t < k; t++ {
		m.Step(next, w.orbit[t], nil)
		target := w.orbit[(t+1)%k]
		for i := range next {
			res = math.Max(res, math.Abs(next[i]-target[i]))
		}
	}
	scale := 1.0
	for t := 0; t < k; t++ {
		for _, v := range w.orbit[t] {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	if !(res <= tol*scale) {
		return Cycle{}, false
	}
	// Minimal period: a k-cycle that repeats earlier is a shorter cycle.
	for d := 1; d < k; d++ {
		if k%d == 0 && vec.MaxAbsDiff(w.orbit[0], w.orbit[d]) <= tol*scale {
			return Cycle{}, false
		}
	}
	c := Cycle{Period: k, Residual: res}
	start := 0
	for t := 1; t < k; t++ {
		if lexLess(w.orbit[t], w.orbit[start]) {
			start = t
		}
	}
	for t := 0; t < k; t++ {
		c.Points = append(c.Points, append([]float64(nil), w.orbit[(start+t)%k]...))
	}
	var eig mat.Eigen
	if eig.Factorize(mat.NewDense(n, n, append([]float64(nil), w.prod...)), mat.EigenNone) {
		c.Multipliers = eig.Values(nil)
		sort.Slice(c.Multipliers, func(i, j int) bool { return cmplx.Abs(c.Multipliers[i]) > cmplx.Abs(c.Multipliers[j]) })
		c.Stable = cmplx.Abs(c.Multipliers[0]) < 1
	}
	return c, true
}

func contains(cs []Cycle, c Cycle, tol float64) bool {
	for _, d := range cs {
		if d.Period == c.Period && vec.MaxAbsDiff(d.Points[0], c.Points[0]) <= tol*math.Max(1, vec.MaxAbs(c.Points[0])) {
			return true
		}
	}
	return false
}

func identity(a []float64, n int) {
	clear(a)
	for i := 0; i < n; i++ {
		a[i*n+i] = 1
	}
}

// matVecAdd sets dst = a·x + c.
func matVecAdd(dst, a, x, c []float64, n int) {
	for i := 0; i < n; i++ {
		s := c[i]
		for j := 0; j < n; j++ {
			s += float64(a[i*n+j] * x[j])
		}
		dst[i] = s
	}
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func lexLess(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
