// Package fixedpoint finds fixed points and slow points of maps and flows by
// minimising the speed
//
//	q(x) = ½‖F(x) − x‖²   (maps)      q(x) = ½‖f(x)‖²   (flows)
//
// from many initial states (Sussillo & Barak, Neural Computation 25, 2013;
// defaults after Golub & Sussillo, JOSS 2018, "FixedPointFinder"). The
// minimisation uses Levenberg–Marquardt steps on the residual r(x), whose
// Jacobian the model provides (J_F − I for maps, J_f for flows). Minima with
// q below Settings.TolFixed are fixed points; those with q below MaxQ but
// above TolFixed are reported as slow points. Results are de-duplicated
// (distance below Settings.Unique), points farther than Settings.Outlier from
// every start are rejected as outliers, and each is returned with the
// eigenvalues of the system Jacobian and its stability (maps: all
// |λ| < 1; flows: all Re λ < 0).
package fixedpoint

import (
	"math"
	"math/cmplx"
	"sort"

	"github.com/rnnlab/rnnlab/kernel/linalg"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"gonum.org/v1/gonum/mat"
)

// Map is a discrete-time system with its Jacobian.
type Map interface {
	Dim() int
	Step(dst, x, u []float64)
	Jacobian(dst, x, u []float64)
}

// Flow is a vector field with its Jacobian (kernel/ode.Flow plus
// FlowJacobian).
type Flow interface {
	Dim() int
	Deriv(dst, x, u []float64)
	DerivJacobian(dst, x, u []float64)
}

// Point is a fixed or slow point.
type Point struct {
	X           []float64
	Q           float64      // the speed q at X
	Fixed       bool         // q ≤ TolFixed
	Eigenvalues []complex128 // of the system Jacobian (J_F or J_f), by decreasing real part
	Stable      bool
}

// Settings control the search; a nil *Settings or zero fields mean the
// defaults.
type Settings struct {
	MaxIter  int     // Levenberg–Marquardt iterations per start (default 500)
	TolFixed float64 // q below which a point is fixed (default 1e-20)
	MaxQ     float64 // q above which a minimum is discarded (default 1e-12: fixed points only)
	Unique   float64 // distance below which two points are one, relative to max(1, ‖x‖∞) (default 1e-3, as FixedPointFinder)
	Outlier  float64 // reject points farther than this from every start (default +Inf)
}

func (s *Settings) resolve() Settings {
	d := Settings{MaxIter: 500, TolFixed: 1e-20, MaxQ: 1e-12, Unique: 1e-3, Outlier: math.Inf(1)}
	if s == nil {
		return d
	}
	if s.MaxIter > 0 {
		d.MaxIter = s.MaxIter
	}
	if s.TolFixed > 0 {
		d.TolFixed = s.TolFixed
	}
	if s.MaxQ > 0 {
		d.MaxQ = s.MaxQ
	}
	if s.Unique > 0 {
		d.Unique = s.Unique
	}
	if s.Outlier > 0 {
		d.Outlier = s.Outlier
	}
	return d
}

// residual evaluates r(x) and its Jacobian.
type residual interface {
	dim() int
	eval(r, J, x []float64)
}

type mapRes struct{ m Map }

func (m mapRes) dim() int { return m.m.Dim() }
func (m mapRes) eval(r, J, x []float64) {
	n := m.dim()
	m.m.Step(r, x, nil)
	for i := range r {
		r[i] -= x[i]
	}
	if J != nil {
		m.m.Jacobian(J, x, nil)
		for i := 0; i < n; i++ {
			J[i*n+i] -= 1
		}
	}
}

type flowRes struct{ f Flow }

func (f flowRes) dim() int { return f.f.Dim() }
func (f flowRes) eval(r, J, x []float64) {
	f.f.Deriv(r, x, nil)
	if J != nil {
		f.f.DerivJacobian(J, x, nil)
	}
}

// OfMap finds fixed (and, with MaxQ, slow) points of a map from the starts.
func OfMap(m Map, starts [][]float64, s *Settings) []Point {
	return find(mapRes{m}, starts, s.resolve(), true)
}

// OfFlow finds fixed (and slow) points of a flow from the starts.
func OfFlow(f Flow, starts [][]float64, s *Settings) []Point {
	return find(flowRes{f}, starts, s.resolve(), false)
}

func find(res residual, starts [][]float64, set Settings, isMap bool) []Point {
	n := res.dim()
	r, J := make([]float64, n), make([]float64, n*n)
	rt := make([]float64, n)
	A, g := make([]float64, n*n), make([]float64, n)
	var pts []Point
	for _, x0 := range starts {
		x := append([]float64(nil), x0...)
		xt := make([]float64, n)
		res.eval(r, J, x)
		q := half(r)
		mu := 1e-3
		for it := 0; it < set.MaxIter && q > set.TolFixed; it++ {
			// (JᵀJ + μ·diag(JᵀJ) + μ·I) Δ = −Jᵀr
			for i := 0; i < n; i++ {
				var gi float64
				for k := 0; k < n; k++ {
					gi += float64(J[k*n+i] * r[k])
				}
				g[i] = -gi
				for j := 0; j < n; j++ {
					var a float64
					for k := 0; k < n; k++ {
						a += float64(J[k*n+i] * J[k*n+j])
					}
					A[i*n+j] = a
				}
				A[i*n+i] += float64(mu * (A[i*n+i] + 1))
			}
			if !linalg.Solve(A, g, n) {
				break
			}
			for i := range x {
				xt[i] = x[i] + g[i]
			}
			res.eval(rt, nil, xt)
			if qt := half(rt); qt < q {
				x, xt = xt, x
				q = qt
				res.eval(r, J, x)
				mu = math.Max(mu/3, 1e-12)
				var step, size float64
				for i := range g {
					step += g[i] * g[i]
					size += x[i] * x[i]
				}
				if step <= 1e-32*(1+size) {
					break
				}
			} else {
				mu *= 3
				if mu > 1e12 {
					break
				}
			}
		}
		if !(q <= set.MaxQ) {
			continue
		}
		far := true
		for _, s := range starts {
			if vec.MaxAbsDiff(x, s) <= set.Outlier {
				far = false
				break
			}
		}
		if far {
			continue
		}
		dup := false
		for _, p := range pts {
			if vec.MaxAbsDiff(p.X, x) <= set.Unique*math.Max(1, vec.MaxAbs(x)) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		p := Point{X: append([]float64(nil), x...), Q: q, Fixed: q <= set.TolFixed}
		res.eval(r, J, x)
		if isMap {
			for i := 0; i < n; i++ {
				J[i*n+i] += 1
			}
		}
		var eig mat.Eigen
		if eig.Factorize(mat.NewDense(n, n, append([]float64(nil), J...)), mat.EigenNone) {
			p.Eigenvalues = eig.Values(nil)
			sort.Slice(p.Eigenvalues, func(i, j int) bool {
				if isMap {
					return cmplx.Abs(p.Eigenvalues[i]) > cmplx.Abs(p.Eigenvalues[j])
				}
				return real(p.Eigenvalues[i]) > real(p.Eigenvalues[j])
			})
			if isMap {
				p.Stable = cmplx.Abs(p.Eigenvalues[0]) < 1
			} else {
				p.Stable = real(p.Eigenvalues[0]) < 0
			}
		}
		pts = append(pts, p)
	}
	return pts
}

func half(r []float64) float64 {
	var s float64
	for _, v := range r {
		s += float64(v * v)
	}
	return s / 2
}
