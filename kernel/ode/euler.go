package ode

// Euler is the explicit Euler map Φ(x, u) = x + h f(x, u) of the flow F with
// step H. Change F or H only between calls.
type Euler struct {
	F Flow
	H float64

	k []float64 // f(x, u) for the batch, or h·g in VJP
}

// NewEuler returns the Euler map of f with step h (nonzero and finite; a
// negative h integrates backwards in time).
func NewEuler(f Flow, h float64) *Euler {
	checkStep(h)
	return &Euler{F: f, H: h}
}

// Dim is the flow's state dimension M.
func (e *Euler) Dim() int { return e.F.Dim() }

// InputDim is the flow's input dimension K.
func (e *Euler) InputDim() int { return e.F.InputDim() }

// Params returns the flow's parameter vector (aliased, not copied), or nil
// when the flow has none.
func (e *Euler) Params() []float64 { return params(e.F) }

// Step sets dst = x + h f(x, u) row by row.
func (e *Euler) Step(dst, x, u []float64) {
	checkBatch(e.F, dst, x, u)
	e.k = grow(e.k, len(x))
	e.F.Deriv(e.k, x, u)
	h := e.H
	for i, v := range x {
		dst[i] = v + float64(h*e.k[i])
	}
}

// Jacobian sets dst = I + h ∂f/∂x at the state x. It panics if the flow is
// not a FlowJacobian.
func (e *Euler) Jacobian(dst, x, u []float64) {
	fj := jacobianOf(e.F)
	dst, x, u = one(e.F, dst, x, u)
	m := e.F.Dim()
	fj.DerivJacobian(dst, x, u)
	for i, v := range dst {
		dst[i] = float64(e.H * v)
	}
	for i := 0; i < m; i++ {
		dst[i*m+i] += 1
	}
}

// VJP sets gx = g + (∂f/∂x)ᵀ(h g) row by row and adds Σ (∂f/∂θ)ᵀ(h g) to
// gtheta (which may be nil). It panics if the flow is not a FlowVJP.
func (e *Euler) VJP(gx, gtheta, x, u, g []float64) {
	fv := vjpOf(e.F)
	checkBatch(e.F, gx, x, u)
	if len(g) != len(x) {
		panic("ode: g and x differ in length")
	}
	e.k = grow(e.k, len(x))
	for i, v := range g {
		e.k[i] = float64(e.H * v)
	}
	fv.DerivVJP(gx, gtheta, x, u, e.k)
	for i, v := range g {
		gx[i] += v
	}
}
