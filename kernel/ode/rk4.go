package ode

// RK4 is the classical fourth-order Runge–Kutta map of the flow F with step
// H (see the package documentation for the stages). Change F or H only
// between calls.
type RK4 struct {
	F Flow
	H float64

	// Stage derivatives k1…k4 and stage states y2…y4 of the last batch.
	k1, k2, k3, k4 []float64
	y2, y3, y4     []float64
	// VJP: the scaled cotangent fed to a stage and the stage's pull-back.
	gs, a []float64
	// Jacobian: the stage Jacobians J_s, the running K_s and the sum.
	js, kp, kn []float64
}

// NewRK4 returns the RK4 map of f with step h (nonzero and finite; a negative
// h integrates backwards in time).
func NewRK4(f Flow, h float64) *RK4 {
	checkStep(h)
	return &RK4{F: f, H: h}
}

// Dim is the flow's state dimension M.
func (r *RK4) Dim() int { return r.F.Dim() }

// InputDim is the flow's input dimension K.
func (r *RK4) InputDim() int { return r.F.InputDim() }

// Params returns the flow's parameter vector (aliased, not copied), or nil
// when the flow has none.
func (r *RK4) Params() []float64 { return params(r.F) }

// stages computes k1…k4 and the stage states y2, y3, y4 for the batch x,
// holding u constant.
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

// Step sets dst = x + h/6 (k1 + 2k2 + 2k3 + k4) row by row.
func (r *RK4) Step(dst, x, u []float64) {
	checkBatch(r.F, dst, x, u)
	r.stages(x, u)
	h6 := r.H / 6
	for i, v := range x {
		s := (r.k1[i] + 2*r.k2[i]) + (2*r.k3[i] + r.k4[i]) // 2·a is exact: no rounding to fuse
		dst[i] = v + float64(h6*s)
	}
}

// Jacobian sets dst = I + h/6 (K1 + 2K2 + 2K3 + K4) at the state x, with
// K1 = J(x), K2 = J(y2)(I + h/2 K1), K3 = J(y3)(I + h/2 K2),
// K4 = J(y4)(I + h K3): the exact Jacobian of the step. It panics if the flow
// is not a FlowJacobian.
func (r *RK4) Jacobian(dst, x, u []float64) {
	fj := jacobianOf(r.F)
	dst, x, u = one(r.F, dst, x, u)
	m := r.F.Dim()
	mm := m * m
	r.stages(x, u)
	r.js, r.kp, r.kn = grow(r.js, mm), grow(r.kp, mm), grow(r.kn, mm)
	fj.DerivJacobian(r.kp, x, u) // K1
	copy(dst, r.kp)              // dst accumulates K1 + 2K2 + 2K3 + K4
	for s, y := range [3][]float64{r.y2, r.y3, r.y4} {
		c, w := r.H/2, 2.0
		if s == 2 {
			c, w = r.H, 1
		}
		fj.DerivJacobian(r.js, y, u)
		nextK(r.kn, r.js, r.kp, c, m)
		for i, v := range r.kn {
			dst[i] += w * v // w ∈ {1, 2}: exact, no rounding to fuse
		}
		r.kp, r.kn = r.kn, r.kp
	}
	h6 := r.H / 6
	for i, v := range dst {
		dst[i] = float64(h6 * v)
	}
	for i := 0; i < m; i++ {
		dst[i*m+i] += 1
	}
}

// nextK sets dst = J (I + c K) = J + c·J K for M×M row-major J and K.
func nextK(dst, J, K []float64, c float64, m int) {
	for i := 0; i < m; i++ {
		ji := J[i*m : (i+1)*m]
		for j := 0; j < m; j++ {
			var s float64
			for k, v := range ji {
				s += float64(v * K[k*m+j])
			}
			dst[i*m+j] = ji[j] + float64(c*s)
		}
	}
}

// VJP sets gx = (∂Φ/∂x)ᵀ g row by row and adds Σ (∂Φ/∂θ)ᵀ g to gtheta (which
// may be nil), by reverse-mode differentiation through the stored stages.
// Writing f'(y)ᵀ for the flow's VJP at a stage state:
//
//	a4 = f'(y4)ᵀ (h/6 g)
//	a3 = f'(y3)ᵀ (h/3 g + h a4)
//	a2 = f'(y2)ᵀ (h/3 g + h/2 a3)
//	a1 = f'(x)ᵀ  (h/6 g + h/2 a2)
//	gx = g + a1 + a2 + a3 + a4
//
// and each f'ᵀ call adds its parameter part to gtheta. It panics if the flow
// is not a FlowVJP.
func (r *RK4) VJP(gx, gtheta, x, u, g []float64) {
	fv := vjpOf(r.F)
	checkBatch(r.F, gx, x, u)
	if len(g) != len(x) {
		panic("ode: g and x differ in length")
	}
	n := len(x)
	r.stages(x, u)
	r.gs, r.a = grow(r.gs, n), grow(r.a, n)
	h, h2, h3, h6 := r.H, r.H/2, r.H/3, r.H/6
	for i, v := range g {
		r.gs[i] = float64(h6 * v)
	}
	fv.DerivVJP(r.a, gtheta, r.y4, u, r.gs) // a4
	for i, v := range g {
		gx[i] = v + r.a[i]
		r.gs[i] = float64(h3*v) + float64(h*r.a[i])
	}
	fv.DerivVJP(r.a, gtheta, r.y3, u, r.gs) // a3
	for i, v := range g {
		gx[i] += r.a[i]
		r.gs[i] = float64(h3*v) + float64(h2*r.a[i])
	}
	fv.DerivVJP(r.a, gtheta, r.y2, u, r.gs) // a2
	for i, v := range g {
		gx[i] += r.a[i]
		r.gs[i] = float64(h6*v) + float64(h2*r.a[i])
	}
	fv.DerivVJP(r.a, gtheta, x, u, r.gs) // a1
	for i, v := range r.a {
		gx[i] += v
	}
}
