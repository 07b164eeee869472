// Package bptt trains recurrent models by backpropagation through time over
// random windows of a multivariate series, with sparse or generalized teacher
// forcing, as done for dynamical-systems reconstruction with PLRNNs.
//
// Forward pass on a window x_0 … x_T (rows of N), batched over windows:
//
//	z_0   = ẑ_0                               (observation model inverted)
//	z̄_t   = F(z_{t−1})                        (t = 1 … T, the prediction)
//	z_t   = force(z̄_t, ẑ_t)
//	L     = 1/(S·T·N) Σ_{s,t} ‖G(z̄_t) − x_t‖²   (mean squared error)
//
// with ẑ_t the forcing signal (Inverter of the observation model) on the
// forced latents, and
//
//   - sparse teacher forcing (STF; Mikhaeil et al., NeurIPS 2022, Sec. 3;
//     Brenner et al., ICML 2022): z_t = ẑ_t on the forced latents when t is
//     a multiple of τ, z_t = z̄_t otherwise; no gradient flows through the
//     replaced entries;
//   - generalized teacher forcing (GTF; Hess et al., ICML 2023, eq. 5; after
//     Doya 1992): z_t = (1−α) z̄_t + α ẑ_t on the forced latents at every
//     step, which scales the backpropagated Jacobians by (1−α).
//
// The GTF parameter α is either held constant or annealed adaptively (Hess et
// al. 2023, Sec. 3.3 and the reference code's "product_upper_bound"): every k
// steps, α* = max(0, 1 − 1/𝒩) with 𝒩 the largest, over the batch, geometric
// mean along the window of the Jacobian spectral norms ‖∂F/∂z(z_t)‖₂; then
// α ← α* if α* > α, else α ← γα + (1−γ)α*.
//
// Gradients are clipped by global norm, projected onto the model's constraints
// (models.Projector), and applied by Adam or RAdam with a learning-rate
// schedule. Gaussian noise of a chosen standard deviation can be added to the
// sampled windows (the teacher signal and targets), the manifold-attractor
// regularizer (MAR; Schmidt et al., ICLR 2021, eq. 5) can be switched on,
// and latent noise (ALN) can be added to the state after every step,
//
//	z_t ← z_t + σ ε_t,  ε_t ~ N(0, I),
//
// with σ fixed or adaptive, σ = clip(c·√L̄, σ_min, σ_max), L̄ the running
// average of the (teacher-forced, one-step) training loss: perturbations as
// large as the current prediction error teach the model to return to its
// attractor. The noise is a constant of the step, so gradients flow through
// z_t unchanged.
//
// Temporal self-distillation (TSD) adds
//
//	L_TSD = λ/(T·S·M) Σ_t ‖z^free_t − sg(z_t)‖²,  z^free_0 = z_0, z^free_t = F(z^free_{t−1}),
//
// pulling the model's own free-running trajectory towards its teacher-forced
// one, which closes the gap between training under forcing and generating
// without it; its gradient is a second BPTT pass through the free chain.
// With a horizon H (TSDHorizon) the chain restarts from sg(z_t) at every t
// that is a multiple of H, which bounds both the drift penalised and the
// length the gradient travels (a chaotic free chain over a whole window has
// exploding gradients, the very problem teacher forcing removes). The
// named baseline "smooth" is the temporal-smoothness penalty
// λ/(T·S·M) Σ_t ‖z̄_t − sg(z_{t−1})‖² on the forced pass's predictions.
package bptt
