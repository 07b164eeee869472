// Package ethereal implements the EtherealRNN of the public repository
// jaded0/memory_encoding (hebbian_model.py, hebby.py): a character-level RNN
// whose layers carry per-sequence fast ("ethereal") weights that a learning
// rule changes after every character, so that a sequence's short-term memory
// lives in the weights as well as in the hidden state.
//
// Forward step, for each of the B sequences of a batch (indices b), with the
// one-hot input u (the current character; in the "last_two" mode also the
// previous one, zero at a sequence's first step; optionally followed by a
// sinusoidal positional encoding of the position) and the hidden state h:
//
//	c₀ = [u; h]
//	a_l = W_l,b c_{l−1} + β_l,  c_l = GELU(a_l)      l = 1..Layers
//	z = c_L + c₀                                      (residual; c_L without it)
//	h' = tanh(W_h,b z + β_h),  y = W_o,b z + β_o       (i2h and i2o)
//
// W_·,b are the fast weights of sequence b (Out × In each, zero when the
// network is built); β are biases shared by the batch. GELU is the exact
// x Φ(x) of PyTorch's F.gelu.
//
// Plasticity and forgetting (per layer, fixed at construction): a random
// mask of PlastProportion of the entries; masked entries have plasticity
// PlastClip and forgetting factor ForgetRate, the others plasticity 1 and no
// forgetting. i2o is the last layer: plasticity 1 everywhere, but its mask
// still selects the entries that are wiped and forgotten.
//
// Wipe (Reset, at a sequence's start): every sequence's fast weights are set
// to the batch average, then the masked entries are zeroed. The unmasked
// entries therefore carry what was learned from sequence to sequence (they
// are the "slow" part), the masked ones are a per-sequence scratch memory.
//
// The one update rule (Update), shared by DFA and per-step backprop (rules/dfa,
// rules/perstep; rules/fastbptt takes one SGD step per batch instead), after
// every character, for a layer with input x_b and the
// rule's per-sample signal δ_b (gradient g_b = δ_b ⊗ x_b):
//
//	w ← w (1 − f)                  forgetting, masked entries (f = ForgetRate)
//	u = −g ⊙ plasticity
//	u ← clamp(u, ±GradClip)         masked entries only (not on i2o)
//	w ← w + lr·u
//	β ← β − lr·gβ                   (the rule's bias gradient)
//	optionally: every tensor of the layer divided by (its L2 norm + 1e-6),
//	then the fast weights clamped to ±ClipWeights.
//
// The update is one pass over each row of fast weights, fused with the next
// step's product of the row (plasticRow): the forgetting, the clamp and
// the update of every entry, then a_i = Σ_j w_ij x_j in kernel/vec.Dot's
// lane order. With AVX2 (amd64) both candidate values of every entry — the
// unmasked w + (−lr·p·δ_i)·x_j and the masked w·(1 − f) + lr·clamp(u) —
// are computed four at a time and the mask (one byte per entry) selects
// one, so the row is read once with no gather or scatter; the portable
// code (js/wasm) computes the masked entries aside through their index
// list, updates the row in one loop and puts them back. Both give the bits
// of the scalar formulas (products and sums rounded separately). The batch
// runs layer by layer, so a layer's mask stays in cache for its sequences. The normalisation, as in the code, divides every
// floating-point tensor of the layer: the fast weights (as one B×Out×In
// tensor), the bias, the plasticity and the forgetting factors (both uniform
// on the masked and on the unmasked entries, so they are kept as two
// scalars). The DFA rule divides its feedback matrices the same way.
//
// State: a sequence's plastic state is state. Export/Import give the whole
// dynamic state (fast weights, biases, plasticity and forgetting scalars,
// hidden states, the previous inputs the rules need) as one []float64 for
// checkpoints; the masks are a function of the seed.
//
// Memory: 8·Σ_l Out_l·In_l bytes of fast weights per sequence (FastBytes):
// 671 600 bytes for the default network on key recall (V = 9, last_two,
// hidden 128, 3 layers); SequenceBytes adds the hidden state and each
// layer's recorded inputs. A Shared network (the plain RNN) stores one set
// of weights for the batch (Layer.Sets = 1): its memory per sequence is
// that state alone. Its update is the mean of the sequences' updates,
// w + Σ_b (s_b/B)·x_b (each sequence's term scaled by 1/B, added in batch
// order; masked entries w·(1 − f) + Σ_b lr·u_b/B), which equals the batch
// average of B separately updated copies up to rounding.
//
// Determinism: products feeding sums are rounded first (float64(a*b)+c),
// exp/log/tanh come from kernel/fmath and the reductions from kernel/vec, so
// a seed gives the same bits natively and under js/wasm (golden test). The
// error function of GELU is math.Erf, which is pure Go on every target.
//
// References:
//   - J. Dalton (jaded0), memory_encoding, https://github.com/jaded0/memory_encoding
//     (EtherealRNN, HebbianLinear, train_unified).
//   - A. Nøkland, "Direct feedback alignment provides learning in deep neural
//     networks", NeurIPS 2016.
//   - D. Hendrycks & K. Gimpel, "Gaussian error linear units (GELUs)",
//     arXiv:1606.08415, 2016.
package ethereal
