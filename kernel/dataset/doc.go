// Package dataset holds reference dynamical systems with analytic answers and
// the standard series rnnlab trains on.
//
// Systems (as ode.Flow with analytic Jacobians, ode.FlowJacobian):
//
//   - Lorenz-63 (E. N. Lorenz, "Deterministic nonperiodic flow", J. Atmos.
//     Sci. 20, 130–141, 1963, eqs. 25–27):
//     ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz, classically σ = 10,
//     ρ = 28, β = 8/3. Equilibria: the origin and (±√(β(ρ−1)), ±√(β(ρ−1)),
//     ρ−1). Its largest Lyapunov exponent is λ1 ≈ 0.9056 (J. C. Sprott,
//     Chaos and Time-Series Analysis, Oxford 2003, Table A.1 of the Lorenz
//     attractor: 0.9056, 0, −14.5723).
//   - Rössler (O. E. Rössler, "An equation for continuous chaos", Phys.
//     Lett. A 57, 397–398, 1976):
//     ẋ = −y − z, ẏ = x + ay, ż = b + z(x − c), with a = b = 0.2, c = 5.7.
//     Equilibria: x = (c ± √(c² − 4ab))/2, y = −x/a, z = x/a.
//
// Series are stored row-major, T rows of N values (row t is x[t·N:(t+1)·N]).
// Generate integrates a flow with RK4 (kernel/ode) at a fixed step, drops a
// transient and subsamples; ZScore standardises columns in place; Split cuts a
// series into a training and a test part. Lorenz63Data and RosslerData give
// the project's standard z-scored series.
//
// Determinism: the flows write every product that feeds a sum as
// float64(a*b) + c, so no fused multiply-add is formed, and ZScore uses only
// correctly rounded operations (+, −, ×, ÷, √); series are therefore
// bit-identical natively and under js/wasm (a golden test pins them).
package dataset
