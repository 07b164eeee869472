// Package ode turns continuous-time vector fields into differentiable
// discrete-time maps by one step of a fixed-step explicit integrator.
//
// A Flow is the vector field dx/dt = f(x, u) acting on a batch of states laid
// out as in package models: x holds n = len(x)/M states row-major, u holds n
// rows of K inputs or is nil when K = 0. Euler and RK4 wrap a flow with a
// step size h and are themselves maps x_{t+1} = Φ_h(x_t, u_t):
//
//	Euler: x' = x + h k1,                        k1 = f(x, u)
//	RK4:   x' = x + h/6 (k1 + 2k2 + 2k3 + k4),   k1 = f(x, u),
//	       k2 = f(x + h/2 k1, u), k3 = f(x + h/2 k2, u), k4 = f(x + h k3, u)
//
// (Hairer, Nørsett & Wanner, Solving Ordinary Differential Equations I,
// 2nd ed., Springer 1993, §II.1, Table 1.2). The global error after a fixed
// time is O(h) for Euler and O(h⁴) for RK4. h is in the time unit of the
// flow (for a model with a time constant τ, the same unit as τ).
//
// The input u is held constant over a step (zero-order hold): all four RK4
// stages see the same u_t. A driven system is therefore integrated as a
// piecewise-constant forcing sampled at the step times.
//
// # Derivatives
//
// The maps satisfy the models.Map, models.Jacobian, models.VJP and
// models.Parametric contracts structurally (this package imports nothing from
// models; the interfaces it consumes are declared here). A flow supplies f
// (Flow) and, as separate optional abilities, its Jacobian ∂f/∂x
// (FlowJacobian), its vector–Jacobian products (FlowVJP) and its parameters
// (Params); the step's derivatives follow by the chain rule through the
// stages. With J_s = ∂f/∂x at the stage state y_s (y1 = x, y2 = x + h/2 k1,
// y3 = x + h/2 k2, y4 = x + h k3):
//
//	Euler: ∂Φ/∂x = I + h J1
//	RK4:   ∂Φ/∂x = I + h/6 (K1 + 2K2 + 2K3 + K4),  K1 = J1,
//	       K2 = J2 (I + h/2 K1), K3 = J3 (I + h/2 K2), K4 = J4 (I + h K3)
//
// which is the exact derivative of the discrete step, not of the exact flow.
// The vector–Jacobian product runs the same recursion backwards through the
// stored stage states (see RK4.VJP), and the parameter gradient collects the
// four stages' parts with weights h/6, h/3, h/3, h/6.
//
// Calling Jacobian or VJP on a map whose flow lacks the ability panics, as
// does any length mismatch; the panic messages start with "ode:". Scratch
// memory lives in the map and grows only when the batch grows, so a map is
// not safe for concurrent use and steady-state calls allocate nothing.
package ode
