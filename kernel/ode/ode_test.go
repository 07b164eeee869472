package ode_test

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

// The maps must satisfy models' interfaces structurally.
var (
	_ models.Differentiable = (*ode.Euler)(nil)
	_ models.Differentiable = (*ode.RK4)(nil)
)

// linear is dx/dt = A x + B u with θ = (A, B) (M×M, then M×K row-major).
type linear struct {
	m, k  int
	theta []float64
}

func newLinear(m, k int, a []float64) *linear {
	l := &linear{m: m, k: k, theta: make([]float64, m*m+m*k)}
	copy(l.theta, a)
	return l
}

func (l *linear) Dim() int          { return l.m }
func (l *linear) InputDim() int     { return l.k }
func (l *linear) Params() []float64 { return l.theta }
func (l *linear) Deriv(dst, x, u []float64) {
	m, k := l.m, l.k
	A, B := l.theta[:m*m], l.theta[m*m:]
	for r := 0; r < len(x)/m; r++ {
		for i := 0; i < m; i++ {
			var s float64
			for j := 0; j < m; j++ {
				s += float64(A[i*m+j] * x[r*m+j])
			}
			for j := 0; j < k; j++ {
				s += float64(B[i*k+j] * u[r*k+j])
			}
			dst[r*m+i] = s
		}
	}
}
func (l *linear) DerivJacobian(dst, x, u []float64) { copy(dst, l.theta[:l.m*l.m]) }
func (l *linear) DerivVJP(gx, gtheta, x, u, g []float64) {
	m, k := l.m, l.k
	A := l.theta[:m*m]
	for r := 0; r < len(x)/m; r++ {
		for j := 0; j < m; j++ {
			var s float64
			for i := 0; i < m; i++ {
				s += float64(A[i*m+j] * g[r*m+i])
			}
			gx[r*m+j] = s
		}
		if gtheta == nil {
			continue
		}
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				gtheta[i*m+j] += float64(g[r*m+i] * x[r*m+j])
			}
			for j := 0; j < k; j++ {
				gtheta[m*m+i*k+j] += float64(g[r*m+i] * u[r*k+j])
			}
		}
	}
}

// cubic is a nonlinear test flow with parameters and inputs:
// f_i(x, u) = θ_i x_i³ − x_{i+1} + θ_{n+i} u_0 (indices cyclic).
type cubic struct {
	theta []float64
	n, k  int
}

func (c *cubic) Dim() int          { return c.n }
func (c *cubic) InputDim() int     { return c.k }
func (c *cubic) Params() []float64 { return c.theta }
func (c *cubic) Deriv(dst, x, u []float64) {
	n := c.n
	for r := 0; r < len(x)/n; r++ {
		xr := x[r*n : (r+1)*n]
		for i := 0; i < n; i++ {
			v := c.theta[i]*xr[i]*xr[i]*xr[i] - xr[(i+1)%n]
			if c.k > 0 {
				v += c.theta[n+i] * u[r*c.k]
			}
			dst[r*n+i] = v
		}
	}
}
func (c *cubic) DerivJacobian(dst, x, u []float64) {
	n := c.n
	clear(dst[:n*n])
	for i := 0; i < n; i++ {
		dst[i*n+i] += 3 * c.theta[i] * x[i] * x[i]
		dst[i*n+(i+1)%n] -= 1
	}
}
func (c *cubic) DerivVJP(gx, gtheta, x, u, g []float64) {
	n := c.n
	for r := 0; r < len(x)/n; r++ {
		xr, gr, out := x[r*n:(r+1)*n], g[r*n:(r+1)*n], gx[r*n:(r+1)*n]
		clear(out)
		for i := 0; i < n; i++ {
			out[i] += 3 * c.theta[i] * xr[i] * xr[i] * gr[i]
			out[(i+1)%n] -= gr[i]
			if gtheta != nil {
				gtheta[i] += xr[i] * xr[i] * xr[i] * gr[i]
				if c.k > 0 {
					gtheta[n+i] += u[r*c.k] * gr[i]
				}
			}
		}
	}
}

// bare is a flow with no derivatives and no parameters: dx/dt = −x.
type bare struct{}

func (bare) Dim() int      { return 1 }
func (bare) InputDim() int { return 0 }
func (bare) Deriv(dst, x, u []float64) {
	for i, v := range x {
		dst[i] = -v
	}
}

// slope is the least-squares slope of log e against log h.
func slope(h, e []float64) float64 {
	var sx, sy, sxx, sxy float64
	for i := range h {
		x, y := math.Log(h[i]), math.Log(e[i])
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	n := float64(len(h))
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// TestOrder fits the slope of the global error at t = 1 against h as h
// halves five times; Euler is of order 1 and RK4 of order 4 (Hairer, Nørsett
// & Wanner 1993, Thm II.3.4). The systems have closed-form solutions:
// dx/dt = −x gives e^{−t}, the rotation dx/dt = (−y, x) gives (cos t, sin t).
func TestOrder(t *testing.T) {
	systems := []struct {
		name  string
		flow  ode.Flow
		x0    []float64
		exact []float64
	}{
		{"decay", newLinear(1, 0, []float64{-1}), []float64{1}, []float64{math.Exp(-1)}},
		{"rotation", newLinear(2, 0, []float64{0, -1, 1, 0}), []float64{1, 0}, []float64{math.Cos(1), math.Sin(1)}},
	}
	methods := []struct {
		name  string
		order float64
		mk    func(ode.Flow, float64) ode.Stepper
	}{
		{"euler", 1, func(f ode.Flow, h float64) ode.Stepper { return ode.NewEuler(f, h) }},
		{"rk4", 4, func(f ode.Flow, h float64) ode.Stepper { return ode.NewRK4(f, h) }},
	}
	for _, s := range systems {
		for _, m := range methods {
			var hs, errs []float64
			for steps := 5; steps <= 80; steps *= 2 { // h = 0.2 … 0.0125
				h := 1 / float64(steps)
				x := ode.Trajectory(m.mk(s.flow, h), s.x0, steps, steps-1, 1)
				var e float64
				for i, v := range x {
					e = math.Max(e, math.Abs(v-s.exact[i]))
				}
				hs, errs = append(hs, h), append(errs, e)
			}
			p := slope(hs, errs)
			t.Logf("%s %s: fitted order %.4f", s.name, m.name, p)
			if math.Abs(p-m.order) > 0.1 {
				t.Errorf("%s %s: order %.3f, want %g (errors %.3g)", s.name, m.name, p, m.order, errs)
			}
		}
	}
}

// TestLinear: for f = A x the steps are polynomials in hA, so the step and its
// Jacobian are known exactly: Euler gives I + hA and RK4 the degree-4 Taylor
// polynomial I + hA + (hA)²/2 + (hA)³/6 + (hA)⁴/24 (Hairer et al. 1993, §IV.2).
func TestLinear(t *testing.T) {
	const m, h = 3, 0.3
	a := make([]float64, m*m)
	rng.New(3).FillNorm(a, 1)
	f := newLinear(m, 0, a)
	// T = Σ_{p≤4} (hA)^p / p!, built by Horner-free repeated products.
	taylor := func(deg int) []float64 {
		T, P := make([]float64, m*m), make([]float64, m*m)
		for i := 0; i < m; i++ {
			T[i*m+i], P[i*m+i] = 1, 1
		}
		for p := 1; p <= deg; p++ {
			Q := make([]float64, m*m)
			for i := 0; i < m; i++ {
				for j := 0; j < m; j++ {
					for k := 0; k < m; k++ {
						Q[i*m+j] += P[i*m+k] * h * a[k*m+j] / float64(p)
					}
				}
			}
			P = Q
			for i := range T {
				T[i] += P[i]
			}
		}
		return T
	}
	for _, c := range []struct {
		name string
		mp   interface {
			ode.Stepper
			Jacobian(dst, x, u []float64)
		}
		deg int
	}{{"euler", ode.NewEuler(f, h), 1}, {"rk4", ode.NewRK4(f, h), 4}} {
		want := taylor(c.deg)
		J := make([]float64, m*m)
		c.mp.Jacobian(J, []float64{0.5, -1, 2}, nil)
		col := make([]float64, m)
		for j := 0; j < m; j++ {
			e := make([]float64, m)
			e[j] = 1
			c.mp.Step(col, e, nil)
			for i := 0; i < m; i++ {
				if d := math.Abs(col[i] - want[i*m+j]); d > 1e-14 {
					t.Errorf("%s: Step(e_%d)[%d] = %v, want %v", c.name, j, i, col[i], want[i*m+j])
				}
				if d := math.Abs(J[i*m+j] - want[i*m+j]); d > 1e-14 {
					t.Errorf("%s: J[%d,%d] = %v, want %v", c.name, i, j, J[i*m+j], want[i*m+j])
				}
			}
		}
	}
}

// TestConformance runs the models conformance suite (finite-difference
// Jacobian, adjoint identity, θ-gradient, purity, zero allocations) on the
// Euler and RK4 maps of nonlinear and linear flows, with and without input.
func TestConformance(t *testing.T) {
	for _, k := range []int{0, 1} {
		f := &cubic{theta: make([]float64, 6), n: 3, k: k}
		rng.New(1).FillNorm(f.theta, 0.5)
		l := newLinear(4, 2*k, nil)
		rng.New(2).FillNorm(l.theta, 0.7)
		for _, fl := range []ode.Flow{f, l} {
			modeltest.Conformance(t, ode.NewEuler(fl, 0.1), &modeltest.Settings{Scale: 0.7})
			modeltest.Conformance(t, ode.NewRK4(fl, 0.1), &modeltest.Settings{Scale: 0.7})
		}
	}
}

// TestParams: the maps pass the flow's θ through without copying, and give
// nil for a flow without parameters.
func TestParams(t *testing.T) {
	f := newLinear(2, 0, []float64{1, 2, 3, 4})
	for _, p := range [][]float64{ode.NewEuler(f, 0.1).Params(), ode.NewRK4(f, 0.1).Params()} {
		if len(p) != 4 || &p[0] != &f.theta[0] {
			t.Errorf("Params does not alias the flow's θ")
		}
	}
	if ode.NewRK4(bare{}, 0.1).Params() != nil || ode.NewEuler(bare{}, 0.1).Params() != nil {
		t.Errorf("Params of a parameterless flow is not nil")
	}
}

// TestAllocs: Jacobian allocates nothing in steady state, and scratch grown
// for a large batch serves a smaller one without allocating.
func TestAllocs(t *testing.T) {
	f := &cubic{theta: []float64{0.1, -0.2, 0.3}, n: 3}
	for _, mp := range []models.Differentiable{ode.NewEuler(f, 0.1), ode.NewRK4(f, 0.1)} {
		big, small := make([]float64, 12), make([]float64, 6)
		J, g := make([]float64, 9), make([]float64, 12)
		mp.Step(big, big, nil)
		mp.VJP(g, nil, big, nil, g)
		mp.Jacobian(J, small[:3], nil)
		if a := testing.AllocsPerRun(10, func() {
			mp.Jacobian(J, small[:3], nil)
			mp.Step(small, small, nil)
			mp.VJP(g[:6], f.theta, small, nil, g[:6])
			mp.Step(big, big, nil)
		}); a != 0 {
			t.Errorf("%T allocates %.0f times per round", mp, a)
		}
	}
}

// TestPanics: programmer errors panic with the package prefix.
func TestPanics(t *testing.T) {
	x, J := make([]float64, 2), make([]float64, 1)
	cases := map[string]func(){
		"jacobian without DerivJacobian": func() { ode.NewRK4(bare{}, 0.1).Jacobian(J, x[:1], nil) },
		"vjp without DerivVJP":           func() { ode.NewEuler(bare{}, 0.1).VJP(x, nil, x, nil, x) },
		"dst length":                     func() { ode.NewRK4(bare{}, 0.1).Step(x[:1], x, nil) },
		"input to autonomous flow":       func() { ode.NewEuler(bare{}, 0.1).Step(x, x, x) },
		"missing input":                  func() { ode.NewRK4(newLinear(1, 1, nil), 0.1).Step(x, x, nil) },
		"zero step":                      func() { ode.NewRK4(bare{}, 0) },
		"infinite step":                  func() { ode.NewEuler(bare{}, math.Inf(1)) },
		"short jacobian dst":             func() { ode.NewEuler(newLinear(2, 0, nil), 0.1).Jacobian(J, x, nil) },
		"integrate every":                func() { ode.Integrate(x, bare{}.step(), x[:1], 0, 0) },
	}
	for name, fn := range cases {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "ode: ") {
					t.Errorf("%s: recovered %v, want an \"ode: \" panic", name, r)
				}
			}()
			fn()
		}()
	}
}

func (b bare) step() ode.Stepper { return ode.NewEuler(b, 0.1) }

// TestIntegrate: subsampling keeps exactly every every-th state after the
// transient, and the start state is not modified.
func TestIntegrate(t *testing.T) {
	m := ode.NewRK4(newLinear(2, 0, []float64{0, -1, 1, 0}), 0.05)
	x0 := []float64{1, 0}
	all := ode.Trajectory(m, x0, 100, 10, 1) // 90 rows
	sub := make([]float64, 30*2)
	ode.Integrate(sub, m, x0, 10, 3)
	for r := 0; r < 30; r++ {
		for i := 0; i < 2; i++ {
			if sub[r*2+i] != all[(3*r+2)*2+i] {
				t.Fatalf("row %d differs from step %d of the full trajectory", r, 10+3*r+3)
			}
		}
	}
	if x0[0] != 1 || x0[1] != 0 {
		t.Fatalf("Integrate modified x0")
	}
	if n := len(ode.Trajectory(m, x0, 100, 10, 4)); n != 22*2 {
		t.Fatalf("Trajectory(100, 10, 4) has %d values, want 44", n)
	}
}
