package ode

import "fmt"

// Flow is a vector field dx/dt = f(x, u) on batched states.
type Flow interface {
	// Dim is the state dimension M.
	Dim() int
	// InputDim is the input dimension K; 0 for an autonomous flow.
	InputDim() int
	// Deriv sets dst = f(x, u) row by row. dst and x have the same length
	// and do not overlap.
	Deriv(dst, x, u []float64)
}

// FlowJacobian is a flow that gives ∂f/∂x at one state, row-major M×M with
// dst[i·M+j] = ∂f_i/∂x_j.
type FlowJacobian interface {
	DerivJacobian(dst, x, u []float64)
}

// FlowVJP is a flow that pulls a cotangent back through f for a batch:
// gx = (∂f/∂x)ᵀg row by row (overwritten) and gtheta += Σ_rows (∂f/∂θ)ᵀg.
// gtheta may be nil when the parameter gradient is not wanted.
type FlowVJP interface {
	DerivVJP(gx, gtheta, x, u, g []float64)
}

// parametric is a flow with a flat parameter vector (models.Parametric).
type parametric interface{ Params() []float64 }

// params returns the flow's parameters, or nil when it has none.
func params(f Flow) []float64 {
	if p, ok := f.(parametric); ok {
		return p.Params()
	}
	return nil
}

func checkStep(h float64) {
	if h == 0 || h-h != 0 {
		panic("ode: step h must be nonzero and finite")
	}
}

// grow returns s resliced to n, allocating only when its capacity is short.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// checkBatch panics unless dst and x hold the same whole number n of M-rows
// and u holds n K-rows (or is empty when K = 0).
func checkBatch(f Flow, dst, x, u []float64) {
	m, k := f.Dim(), f.InputDim()
	if m <= 0 || len(x)%m != 0 {
		panic("ode: batch length is not a multiple of the state dimension")
	}
	if len(dst) != len(x) {
		panic("ode: dst and x differ in length")
	}
	if k == 0 {
		if len(u) != 0 {
			panic("ode: input given to an autonomous flow")
		}
	} else if len(u) != len(x)/m*k {
		panic("ode: input batch does not match state batch")
	}
}

// one returns the first state of x, the first input row of u and the M×M
// head of dst, panicking when any is too short. Jacobian is defined at one
// state; a longer x (a batch) contributes its first row.
func one(f Flow, dst, x, u []float64) (d, x1, u1 []float64) {
	m, k := f.Dim(), f.InputDim()
	if len(x) < m || len(dst) < m*m || len(u) < k {
		panic("ode: Jacobian needs one state, one input row and an M×M dst")
	}
	if k > 0 {
		u1 = u[:k]
	}
	return dst[:m*m], x[:m], u1
}

func jacobianOf(f Flow) FlowJacobian {
	fj, ok := f.(FlowJacobian)
	if !ok {
		panic(fmt.Sprintf("ode: flow %T has no DerivJacobian", f))
	}
	return fj
}

func vjpOf(f Flow) FlowVJP {
	fv, ok := f.(FlowVJP)
	if !ok {
		panic(fmt.Sprintf("ode: flow %T has no DerivVJP", f))
	}
	return fv
}
