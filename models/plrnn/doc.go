// Package plrnn implements the piecewise-linear recurrent neural networks
// used for dynamical-systems reconstruction. The papers write the latent state
// as z (the x of the rest of rnnlab); this package keeps their letters.
//
// Vanilla PLRNN (Durstewitz, PLoS Comput Biol 2017; Koppe et al., PLoS Comput
// Biol 2019, eq. 1):
//
//	z_{t+1} = A ⊙ z_t + W relu(z_t) + h + C u_t,
//
// A diagonal (stored as a vector), W with zero diagonal (kept so by
// ProjectGradient), h a bias, C an optional input matrix.
//
// Dendritic PLRNN (Brenner et al., ICML 2022, eq. 3–4): relu is replaced by a
// basis expansion with B bases shared across units,
//
//	φ_i(z) = Σ_b α_b relu(z_i − H_ib),
//
// and its clipped, bounded form (eq. 6)
//
//	φ_i(z) = Σ_b α_b (relu(z_i − H_ib) − relu(z_i)),
//
// which keeps orbits bounded whenever max|A_ii| < 1.
//
// Shallow PLRNN (Hess et al., ICML 2023, eq. 8) with L hidden units, and its
// clipped form used for the paper's experiments:
//
//	z_{t+1} = A ⊙ z_t + W₁ relu(W₂ z_t + h₂) + h₁,
//	z_{t+1} = A ⊙ z_t + W₁ (relu(W₂ z_t + h₂) − relu(W₂ z_t)) + h₁.
//
// Parameter layout (one flat θ, row-major blocks in this order):
//
//	Vanilla:   A (M), W (M×M), h (M), C (M×K)
//	Dendritic: A (M), W (M×M), h (M), alpha (B), H (M×B), C (M×K)
//	Shallow:   A (M), W1 (M×L), W2 (L×M), h1 (M), h2 (L), C (M×K)
//
// Layout returns these blocks by name. Initialisation follows the reference
// code of the papers: A and W from a normalised positive-definite matrix
// (Talathi & Vartak, arXiv:1511.03771: K = RᵀR/M + I scaled to unit spectral
// radius, A = diag K, W = offdiag K), h = 0, shallow weights uniform in
// ±1/√fan-in, dendritic thresholds uniform over the data range.
//
// All models satisfy models.Differentiable and pass models/modeltest.
// Arithmetic is done in a fixed order with explicit roundings, so a
// trajectory is bit-identical natively and under js/wasm.
package plrnn
