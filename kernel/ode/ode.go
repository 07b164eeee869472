// Package ode turns continuous-time vector fields into differentiable
// discrete-time maps by one step of a fixed-step integrator.
//
// A Flow is dx/dt = f(x, u) on a batch of states (rows of M, as in package
// models). Euler and RK4 wrap a flow with a step size h and implement the
// models.Map, models.Jacobian, models.VJP and models.Parametric contracts:
//
//	Euler: x' = x + h f(x)
//	RK4:   k1 = f(x), k2 = f(x + h/2 k1), k3 = f(x + h/2 k2), k4 = f(x + h k3),
//	       x' = x + h/6 (k1 + 2k2 + 2k3 + k4)
//
// (Hairer, Nørsett & Wanner, Solving ODEs I, 1993, §II.1). The input u is
// held constant over a step. The step's Jacobian and vector–Jacobian product
// are derived from the flow's (FlowJacobian, FlowVJP) by the chain rule
// through the stages, so a model supplies only f and its derivatives.
//
// This package imports nothing from models: the interfaces it consumes are
// declared here, and its map types satisfy models' interfaces structurally.
package ode

// Flow is a vector field dx/dt = f(x, u) on batched states.
type Flow interface {
	Dim() int
	InputDim() int
	// Deriv sets dst = f(x, u) row by row.
	Deriv(dst, x, u []float64)
}

// FlowJacobian is a flow that gives ∂f/∂x at one state (M×M row-major).
type FlowJacobian interface {
	DerivJacobian(dst, x, u []float64)
}

// FlowVJP is a flow that pulls a cotangent back through f for a batch:
// gx = (∂f/∂x)ᵀg (overwritten), gtheta += Σ (∂f/∂θ)ᵀg (gtheta may be nil).
type FlowVJP interface {
	DerivVJP(gx, gtheta, x, u, g []float64)
}

type parametric interface{ Params() []float64 }

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func params(f Flow) []float64 {
	if p, ok := f.(parametric); ok {
		return p.Params()
	}
	return nil
}

// Euler is the explicit Euler map x' = x + h f(x, u).
type Euler struct {
	F Flow
	H float64

	k []float64
}

// NewEuler returns the Euler map of f with step h.
func NewEuler(f Flow, h float64) *Euler { return &Euler{F: f, H: h} }

func (e *Euler) Dim() int          { return e.F.Dim() }
func (e *Euler) InputDim() int     { return e.F.InputDim() }
func (e *Euler) Params() []float64 { return params(e.F) }

// Step sets dst = x + h f(x, u).
func (e *Euler) Step(dst, x, u []float64) {
	e.k = grow(e.k, len(x))
	e.F.Deriv(e.k, x, u)
	for i, v := range x {
		dst[i] = v + float64(e.H*e.k[i])
	}
}

// Jacobian sets dst = I + h ∂f/∂x.
func (e *Euler) Jacobian(dst, x, u []float64) {
	m := e.F.Dim()
	e.F.(FlowJacobian).DerivJacobian(dst, x, u)
	for i := range dst[:m*m] {
		dst[i] = float64(e.H * dst[i])
	}
	for i := 0; i < m; i++ {
		dst[i*m+i] += 1
	}
}

// VJP sets gx = g + h (∂f/∂x)ᵀg and adds h (∂f/∂θ)ᵀg to gtheta.
func (e *Euler) VJP(gx, gtheta, x, u, g []float64) {
	e.k = grow(e.k, len(x))
	for i, v := range g {
		e.k[i] = float64(e.H * v)
	}
	e.F.(FlowVJP).DerivVJP(gx, gtheta, x, u, e.k)
	for i, v := range g {
		gx[i] += v
	}
}

// RK4 is the classical fourth-order Runge–Kutta map.
type RK4 struct {
	F Flow
	H float64

	k1, k2, k3, k4, y []float64
	y2, y3, y4        []float64
	g1, g2, g3, g4, a []float64
	j1, j2, j3, j4, t []float64
}

// NewRK4 returns the RK4 map of f with step h.
func NewRK4(f Flow, h float64) *RK4 { return &RK4{F: f, H: h} }

func (r *RK4) Dim() int          { return r.F.Dim() }
func (r *RK4) InputDim() int     { return r.F.InputDim() }
func (r *RK4) Params() []float64 { return params(r.F) }

// stages computes k1…k4 and the stage states y2, y3, y4 for the batch x.
func (r *RK4) stages(x, u []float64) {
	n := len(x)
	r.k1, r.k2, r.k3, r.k4 = grow(r.k1, n), grow(r.k2, n), grow(r.k3, n), grow(r.k4, n)
	r.y2, r.y3, r.y4 = grow(r.y2, n), grow(r.y3, n), grow(r.y4, n)
	h, h2 := r.H, r.H/2
	r.F.Deriv(r.k1, x, u)
	for i, v := range x {
		r.y2[i] = v + float64(h2*r.k1[i])
	}
	r.F.Deriv(r.k2, r.y2, u)
	for i, v := range x {
		r.y3[i] = v + float64(h2*r.k2[i])
	}
	r.F.Deriv(r.k3, r.y3, u)
	for i, v := range x {
		r.y4[i] = v + float64(h*r.k3[i])
	}
	r.F.Deriv(r.k4, r.y4, u)
}

// Step sets dst = x + h/6 (k1 + 2k2 + 2k3 + k4).
func (r *RK4) Step(dst, x, u []float64) {
	r.stages(x, u)
	h6 := r.H / 6
	for i, v := range x {
		s := (r.k1[i] + float64(2*r.k2[i])) + (float64(2*r.k3[i]) + r.k4[i])
		dst[i] = v + float64(h6*s)
	}
}

// Jacobian sets dst = I + h/6 (K1 + 2K2 + 2K3 + K4) with K1 = J(x),
// K2 = J(y2)(I + h/2 K1), K3 = J(y3)(I + h/2 K2), K4 = J(y4)(I + h K3).
func (r *RK4) Jacobian(dst, x, u []float64) {
	m := r.F.Dim()
	fj := r.F.(FlowJacobian)
	mm := m * m
	r.stages(x[:m], u)
	r.j1, r.j2, r.j3, r.j4, r.t = grow(r.j1, mm), grow(r.j2, mm), grow(r.j3, mm), grow(r.j4, mm), grow(r.t, mm)
	r.y = grow(r.y, mm)
	fj.DerivJacobian(r.j1, x[:m], u)
	// K_{s+1} = J(y_{s+1}) (I + c K_s)
	next := func(dstK, prevK []float64, y []float64, c float64) {
		fj.DerivJacobian(r.t, y, u)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				s := r.t[i*m+j] // the identity's contribution
				for k := 0; k < m; k++ {
					s += float64(r.t[i*m+k] * float64(c*prevK[k*m+j]))
				}
				dstK[i*m+j] = s
			}
		}
	}
	next(r.j2, r.j1, r.y2, r.H/2)
	next(r.j3, r.j2, r.y3, r.H/2)
	next(r.j4, r.j3, r.y4, r.H)
	h6 := r.H / 6
	for i := 0; i < mm; i++ {
		s := (r.j1[i] + float64(2*r.j2[i])) + (float64(2*r.j3[i]) + r.j4[i])
		dst[i] = float64(h6 * s)
	}
	for i := 0; i < m; i++ {
		dst[i*m+i] += 1
	}
}

// VJP pulls g back through the four stages in reverse:
// with c_k = h/6·(1, 2, 2, 1), a4 = f'(y4)ᵀ(c4 g), a3 = f'(y3)ᵀ(c3 g + h a4),
// a2 = f'(y2)ᵀ(c2 g + h/2 a3), a1 = f'(x)ᵀ(c1 g + h/2 a2), gx = g + a1+a2+a3+a4,
// and gtheta accumulates the parameter parts of the four products.
func (r *RK4) VJP(gx, gtheta, x, u, g []float64) {
	n := len(x)
	fv := r.F.(FlowVJP)
	r.stages(x, u)
	r.g1, r.g2, r.g3, r.g4, r.a = grow(r.g1, n), grow(r.g2, n), grow(r.g3, n), grow(r.g4, n), grow(r.a, n)
	h, h2, h6, h3 := r.H, r.H/2, r.H/6, r.H/3
	for i, v := range g {
		r.g4[i] = float64(h6 * v)
	}
	fv.DerivVJP(r.a, gtheta, r.y4, u, r.g4) // a4
	for i, v := range g {
		gx[i] = v + r.a[i]
		r.g3[i] = float64(h3*v) + float64(h*r.a[i])
	}
	fv.DerivVJP(r.a, gtheta, r.y3, u, r.g3) // a3
	for i, v := range g {
		gx[i] += r.a[i]
		r.g2[i] = float64(h3*v) + float64(h2*r.a[i])
	}
	fv.DerivVJP(r.a, gtheta, r.y2, u, r.g2) // a2
	for i, v := range g {
		gx[i] += r.a[i]
		r.g1[i] = float64(h6*v) + float64(h2*r.a[i])
	}
	fv.DerivVJP(r.a, gtheta, x, u, r.g1) // a1
	for i := range g {
		gx[i] += r.a[i]
	}
}

// Stepper is a discrete-time map, as in models.Map.
type Stepper interface {
	Dim() int
	Step(dst, x, u []float64)
}

// Trajectory iterates m from x0 for steps steps with no input, keeping every
// every-th state after the first transient steps, and returns the kept states
// row-major (⌊(steps−transient)/every⌋ rows).
func Trajectory(m Stepper, x0 []float64, steps, transient, every int) []float64 {
	if every < 1 {
		every = 1
	}
	M := m.Dim()
	x, y := append([]float64(nil), x0...), make([]float64, M)
	out := make([]float64, 0, ((steps-transient)/every+1)*M)
	for s := 1; s <= steps; s++ {
		m.Step(y, x, nil)
		x, y = y, x
		if s > transient && (s-transient)%every == 0 {
			out = append(out, x...)
		}
	}
	return out
}
