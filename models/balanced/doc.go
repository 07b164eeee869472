// Package balanced implements the balanced excitatory–inhibitory rate network
//
//	τ_E dr_E/dt = −r_E + φ(W_EE r_E − W_EI r_I + B_E u + b_E)
//	τ_I dr_I/dt = −r_I + φ(W_IE r_E − W_II r_I + B_I u + b_I)
//
// as an ode.Flow, so that ode.Euler and ode.RK4 make it a models map. The
// state is r = (r_E, r_I): units 0 … N_E−1 are excitatory, N_E … M−1
// inhibitory; τ_E and τ_I are separate; φ is the rectifier max(0, a) or the
// softplus ln(1 + e^a).
//
// Dale's law by parameterisation. θ holds free weights w (M×M, row i is the
// postsynaptic unit) and the effective recurrent weight is
//
//	J_ij = s_j σ(w_ij),   s_j = +1 for excitatory j, −1 for inhibitory j,
//
// with σ the softplus (default, as in the course's balanced_rate.py) or the
// absolute value. Every column therefore keeps its sign whatever a learning
// rule does to w; CheckDale verifies it after a training step. The gradient
// with respect to w is s_j σ'(w_ij) ∂/∂J_ij (σ' the logistic sigmoid, or
// sign(w) for |·|). J is cached and recomputed entry by entry when w changes,
// so a step costs one comparison per weight, not one softplus.
//
// Balanced initialisation (van Vreeswijk & Sompolinsky, Science 274:1724,
// 1996; Neural Comput. 10:1321, 1998): the magnitudes |J_ij| are drawn
// uniformly with mean Gain/√N_E for excitatory and G·Gain·√N_E/N_I for
// inhibitory columns, so each row's excitation Gain·√N_E — of order √K — is
// cancelled on average by G times as much inhibition; w = σ⁻¹(|J|).
//
// θ = (w, B, b) in that order, aliased by the fields W, B, Bias; Layout names
// them "W" (free weights, M×M), "B" (M×K) and "b" (M).
package balanced
