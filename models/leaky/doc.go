// Package leaky is the leaky rate network of Soo, Goudar & Wang (NeurIPS
// 2023, "Training biologically plausible recurrent neural networks on
// cognitive tasks with long-term dependencies"; reference code
// github.com/wmws2/temporalskip, functions/func_init.py: initconstants,
// compute_dueta), after Yang et al. (Nat. Neurosci. 2019):
//
//	du = T⁻¹ (−u + f(W u + b + 0.1 η + W_in h)) dt,    u ← u + du   (explicit Euler)
//
// with f = ReLU (softplus and tanh as options), T⁻¹ = diag(1/τ) for the first
// int(0.8N) units and 2/τ for the rest (whether or not Dale's law is on), time
// in seconds (defaults N = 50, dt = 0.005 s, τ = 0.1 s). The state u is the
// rate itself (the reference code reads out and penalises u).
//
// Wiring. The K task inputs h reach units [0, Nin) with Nin = int(0.4N)
// through W_in (Nin×K); the readout is y = sigmoid(W_out u[Nin:Nin+Nout]) with
// Nout = int(0.4N) and W_out (Q×Nout), no bias; the remaining units get
// neither. With Dale's law the recurrent matrix is W = |W̃| ⊙ S, S_ij = −1 for
// presynaptic columns j ≥ int(0.8N) and +1 otherwise, and θ holds W̃ (the
// gradient passes through |·| with TensorFlow's convention sign(0) = 0).
//
// Noise. η is an Ornstein–Uhlenbeck process per unit and trial,
// η ← (1 − dt/τ) η + √(2dt/τ) ξ, that a trainer advances from its own seeded
// stream (see OU). As a models.Map the network takes it as part of the input:
// an input row is (h_1 … h_K, η_1 … η_N), InputDim = K + N, so the map itself
// is deterministic (and differentiable: Jacobian, VJP); a zero η switches the
// noise off.
//
// θ = (W̃ N×N, b N, W_in Nin×K, W_out Q×Nout) row-major, aliased by the
// fields. Initialisation as the reference code: W̃ ~ N(0, 1)/N (standard
// deviation 1/N, not 1/√N), b, W_in, W_out ~ N(0, 1).
//
// Arithmetic order (so that a batched trainer using kernel/vec.MatMul gives
// the same bits): the recurrent sum Σ_j W_ij u_j starts at +0 and adds the
// products in increasing j, the pre-activation is ((Wu + b) + 0.1η) + W_in h,
// and the update is u + (T⁻¹_i (−u_i + f))·dt, each product rounded on its
// own (no fused multiply–add).
package leaky
