// Package reward implements reward-modulated learning in a recurrent
// network without backpropagation: the rule of Miconi (eLife 2017), with the
// public repository ThomasMiconi/BiologicallyPlausibleLearningRNN (dnms/net.cpp)
// as the specification, and node perturbation (Fiete & Seung 2006) as the
// baseline; and the delayed non-match-to-sample (DNMS) task they learn.
//
// Network (N = 200 dense units, time in ms, dt = 1, τ = 30):
//
//	x ← x + dt/τ (−x + J r + W_in u + p),   r = tanh x
//
// J ~ G·N(0, 1)/√N with G = 1.5 (Sompolinsky's chaotic regime), W_in ~
// U(−1, 1) (N×3) with row 0 zero (the output unit gets no input), input 0 the
// unused "go" channel. Units 1, 10 and 11 are clamped biases (x = 1, 1, −1
// after every step); the output is r₀. Each trial starts from x ~ 0.1·U(−1, 1)
// (biases clamped) and r = tanh x.
//
// Perturbations p: at every step t > 3 each unit, with probability 0.003,
// gets 16·U(−1, 1) for that one step (MODULTYPE "DECOUPLED"; with τ = 30 the
// effective kick is about 0.5).
//
// Exploration signal and eligibility (METHOD "DELTAX", the paper's rule): the
// fluctuation δx = x − x̄ with x̄ ← 0.05 x̄ + 0.95 x after each step, x̄ never
// reset between trials; for t > 2 the eligibility trace of the trial gains
//
//	e_ij += (r_j(t−1) δx_i(t))³ = δx_i(t)³ r_j(t−1)³
//
// (the identity (ab)³ = a³b³ makes the trial's trace one matrix product of
// the cubed fluctuations and the cubed rates, Dᵀ R, accumulated in time order
// by kernel/vec.MatMul). Node perturbation (METHOD "NODEPERT") instead adds
// r_j(t−1) p_i(t) at the steps where unit i is perturbed.
//
// Learning, once per trial: the error R = mean |r₀ − target| over the last
// 200 ms; for trials after LearnAfter (100: net.cpp's numtrial > 100)
//
//	ΔJ = clip(−η R̄_c e (R − R̄_c), ±3·10⁻⁴),   η = 0.1 (node perturbation 0.001)
//
// with R̄_c the running average of the errors of the trial's condition c,
// updated after the weight change: R̄_c ← 0.75 R̄_c + 0.25 R.
//
// DNMS (1000 ms trials): stimulus 1 on 1–200 ms, stimulus 2 on 400–600 ms,
// each on input channel 1 (A) or 2 (B) at value 1; conditions cycled AA, AB,
// BA, BB by trial number; targets −0.98 (AA, BB: match) and +0.98 (AB, BA).
// A trial is correct when its error is below 1; the criterion (net.cpp's
// analysis) is more than 95 of the last 100 trials correct.
//
// Determinism: randomness comes from kernel/rng (one stream for the
// network's construction and its perturbations), tanh from kernel/fmath and
// the products from kernel/vec, so a seed gives the same bits natively and
// under js/wasm (golden test). The C++ code's std::default_random_engine
// stream is not reproduced; its statistics are.
//
// References:
//   - T. Miconi, "Biologically plausible learning in recurrent neural networks
//     reproduces neural dynamics observed during cognitive tasks", eLife 6,
//     e20899, 2017.
//   - I. R. Fiete & H. S. Seung, "Gradient learning in spiking neural networks
//     by dynamic perturbation of conductances", Phys. Rev. Lett. 97, 048104,
//     2006.
//   - H. Sompolinsky, A. Crisanti & H.-J. Sommers, Phys. Rev. Lett. 61, 259,
//     1988.
package reward
