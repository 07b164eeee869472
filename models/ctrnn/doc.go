// Package ctrnn implements the leaky continuous-time recurrent neural network
//
//	τ dx/dt = −x + W tanh(x) + B u + b
//
// as an ode.Flow (Deriv, DerivJacobian, DerivVJP, Params), so that ode.Euler
// and ode.RK4 turn it into a differentiable models.Map; NewMap builds the
// discretised model directly.
//
// x (M) are the units' activations (membrane-potential-like states), u (K)
// the external inputs, W (M×M) the recurrent weights, B (M×K) the input
// weights and b (M) the biases. τ is the time constant, in the same time
// unit as the integration step h; it is a fixed setting, not trained. With
// u held constant over a step (see package ode), one Euler step with h = τ is
// the discrete rate network x' = W tanh(x) + B u + b.
//
// Derivatives, with φ = tanh and φ' = 1 − tanh²:
//
//	∂f/∂x = (−I + W diag(φ'(x)))/τ
//	(∂f/∂x)ᵀ g = (−g + φ'(x) ⊙ Wᵀg)/τ
//	∂⟨g, f⟩/∂W = (g/τ) tanh(x)ᵀ,  ∂⟨g, f⟩/∂B = (g/τ) uᵀ,  ∂⟨g, f⟩/∂b = g/τ
//
// tanh is kernel/fmath's portable version, and products feeding sums are
// rounded before the sum, so trajectories are bit-identical natively and
// under js/wasm.
//
// Parameter layout: one flat θ = (W row-major, B row-major, b), of length
// M² + MK + M; the fields W, B and Bias alias it (Layout names them "W", "B",
// "b"), so writing into Params changes the network.
//
// Initialisation (New): W ~ N(0, g²/M) with gain g (Sompolinsky, Crisanti &
// Sommers, Phys. Rev. Lett. 61, 259, 1988: chaotic for g > 1 in the large-M
// limit), B ~ N(0, 1/K), b = 0.
//
// References:
//   - R. D. Beer, "On the dynamics of small continuous-time recurrent neural
//     networks", Adaptive Behavior 3(4), 469–509, 1995, eq. 1 (there with
//     the nonlinearity applied to y + θ).
//   - H. F. Song, G. R. Yang & X.-J. Wang, "Training excitatory-inhibitory
//     recurrent neural networks for cognitive tasks: a simple and flexible
//     framework", PLoS Comput. Biol. 12(2), e1004792, 2016, eq. 1 (the
//     τ dx/dt form with inputs).
package ctrnn
