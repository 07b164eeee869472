// Package hebbian implements recurrent networks with Hebbian plastic
// connections whose trace is part of the state, so that models.VJP, BPTT
// (rules/bptt) and the local rules see it like any other state:
//
//	state  s = (h, Hebb)       h (M), Hebb (M×M, row = post-synaptic unit)
//	input  u = (x, m)          x (K), m the modulator (Modulated only)
//
//	h' = tanh((W + α ⊙ Hebb) h + W_in x + b)            (DirectInput: + x, K = M)
//
// and the trace, by Rule:
//
//	RuleHebb:          Hebb' = (1 − η) Hebb + η m h' hᵀ      (m = 1 unless Modulated)
//	RuleBackpropamine: m = tanh(w_mod · h'),  Hebb' = clip(Hebb + m h' hᵀ, ±Clip)
//
// Three models of issue 14 are settings of this one map:
//   - the educational model (Modulated, with W_in): the modulator m_t — a
//     reward or a learned signal — is an input that gates the trace;
//   - differentiable plasticity (Miconi, Clune & Stanley, ICML 2018, eqs. 1–2:
//     y_{t+1} = tanh(y_t (W + α ⊙ Hebb) + u_t), Hebb ← (1 − η) Hebb + η y_tᵀ
//     y_{t+1}, there with row vectors; here the transposed, column form):
//     DirectInput, not Modulated; W, α and η are trained by BPTT through the
//     trace;
//   - backpropamine (Miconi, Rawal, Clune & Stanley, ICLR 2019, "simple
//     neuromodulation"): the network makes its own modulator from h'.
//
// The plain next-random-bit target of the educational notebook cannot be
// learned (an unpredictable bit: MSE ≥ 0.25 for any predictor); the tasks
// here have learnable answers (see PatternCompletion).
//
// Parameters: one flat θ = (W, α (M×M each), W_in (M×K, absent with
// DirectInput), b (M), then η (RuleHebb) or w_mod (M, RuleBackpropamine));
// Layout names them "W", "alpha", "W_in", "b", "eta", "w_mod".
//
// Derivatives (a = pre-activation, φ' = 1 − h'²): with G the cotangent of
// Hebb' and gh' that of h',
//
//	RuleHebb:  gHebb = (1 − η) G + α ⊙ (ga hᵀ),  gh'  += η m G h,
//	           gh    = (W + α ⊙ Hebb)ᵀ ga + η m Gᵀ h',  gη = ⟨G, m h' hᵀ − Hebb⟩
//	ga = gh' ⊙ φ',  gW = ga hᵀ, gα = ga hᵀ ⊙ Hebb, gW_in = ga xᵀ, gb = ga
//
// and for backpropamine the same with G replaced by G ⊙ [|P| < Clip] (P the
// unclipped trace) and the modulator's path gm = ⟨G⊙[…], h' hᵀ⟩,
// gh' += gm (1 − m²) w_mod, gw_mod = gm (1 − m²) h'.
//
// Each row of W + α ⊙ Hebb is formed in cache and multiplied by h with
// kernel/vec's Dot (its fixed lane order), and the VJP is one sweep per row
// (fused.go), so a step reads the M×M matrices once. Tape runs a whole
// episode and its BPTT through the trace with every buffer allocated once
// (the trace of every step: (T+1)·M² values, 0.8 GiB for Miconi's 1 001
// units and 106 steps), giving EpisodeLoss's bits.
//
// tanh is kernel/fmath's; products feeding sums are rounded first, so steps
// are bit-identical natively and under js/wasm.
package hebbian
