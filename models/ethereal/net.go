package ethereal

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Net is an EtherealRNN (see the package documentation).
type Net struct {
	Cfg Config
	// InputDim is the width of u (V or 2V, plus PosDim); CDim = InputDim + Hidden.
	InputDim, CDim int
	// Plastic are the Layers plastic layers, then I2H and I2O.
	Plastic  []*Layer
	I2H, I2O *Layer
	// H (B×Hidden) is the hidden state that the next step reads; HPrev the
	// one the last step read.
	H, HPrev []float64
	// Y (B×V) are the last step's logits, P their softmax.
	Y, P []float64
	// Z (B×CDim) is the last step's post-residual z.
	Z []float64
	// T is the position of the next character in the sequence.
	T int
	// Chars are the last step's characters (−1: an ended sequence, not run).
	Chars []int

	pending  bool         // an update waits for the next Step (see Update)
	pendingU UpdateConfig // its settings
	prev     []int        // previous character of each sequence, −1 at the start
	c        []float64    // B×CDim: the sequences' c₀ of the last step
	live     []bool       // the sequences the last step ran
	layers   []*Layer     // Layers' answer
	// RunBatch's scratch: the step's characters and targets, the losses.
	runChars, runTargets []int
	runLoss              []float64
	pe                   []float64 // MaxLen×PosDim positional encoding
}

// New builds a network from cfg: zero fast weights, masks and biases drawn
// from cfg.Seed.
func New(cfg Config) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := rng.New(cfg.Seed)
	v := cfg.Vocab
	in := v
	if cfg.InputMode == LastTwo {
		in = 2 * v
	}
	in += cfg.PosDim
	c := in + cfg.Hidden
	n := &Net{Cfg: cfg, InputDim: in, CDim: c}
	for k := 0; k < cfg.Layers; k++ {
		n.Plastic = append(n.Plastic, newLayer(c, c, cfg.Batch, cfg.Shared, cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate, false, r))
	}
	n.I2H = newLayer(c, cfg.Hidden, cfg.Batch, cfg.Shared, cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate, false, r)
	n.I2H.isHidden = true
	n.I2O = newLayer(c, v, cfg.Batch, cfg.Shared, cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate, true, r)
	n.layers = append(append([]*Layer(nil), n.Plastic...), n.I2H, n.I2O)
	B := cfg.Batch
	n.H, n.HPrev = make([]float64, B*cfg.Hidden), make([]float64, B*cfg.Hidden)
	n.Y, n.P, n.Z = make([]float64, B*v), make([]float64, B*v), make([]float64, B*c)
	n.prev = make([]int, B)
	n.Chars = make([]int, B)
	n.c = make([]float64, B*c)
	n.live = make([]bool, B)
	n.runChars, n.runTargets, n.runLoss = make([]int, B), make([]int, B), make([]float64, B)
	if cfg.PosDim > 0 {
		n.pe = positional(cfg.MaxLen, cfg.PosDim)
	}
	n.Reset()
	return n, nil
}

// positional is the sinusoidal encoding of hebby.py: pe[t, 2k] = sin(t·d_k),
// pe[t, 2k+1] = cos(t·d_k), d_k = exp(−2k·ln(10000)/dim).
func positional(maxLen, dim int) []float64 {
	pe := make([]float64, maxLen*dim)
	for t := 0; t < maxLen; t++ {
		for k := 0; 2*k < dim; k++ {
			div := fmath.Exp(float64(float64(-2*k)*fmath.Log(10000)) / float64(dim))
			pe[t*dim+2*k] = math.Sin(float64(float64(t) * div))
			pe[t*dim+2*k+1] = math.Cos(float64(float64(t) * div))
		}
	}
	return pe
}

// Layers returns every layer in order: the plastic ones, i2h, i2o (the
// network's own slice: do not change it).
func (n *Net) Layers() []*Layer { return n.layers }

// FastBytes is the memory of one sequence's fast weights in bytes,
// 8·Σ_l Out_l·In_l; 0 for a Shared network, whose one set of weights
// serves the whole batch.
func (n *Net) FastBytes() int {
	if n.Cfg.Shared {
		return 0
	}
	s := 0
	for _, l := range n.layers {
		s += 8 * l.Out * l.In
	}
	return s
}

// SequenceBytes is everything the network stores per sequence, in bytes:
// the fast weights (FastBytes), the hidden states H and HPrev, and each
// layer's recorded inputs (X, XPrev), pre-activation and rule signal, with c₀, z, the logits and their
// softmax.
func (n *Net) SequenceBytes() int {
	s := n.FastBytes() + 8*(2*n.Cfg.Hidden+2*n.CDim+2*n.Cfg.Vocab)
	for _, l := range n.layers {
		s += 8 * (2*l.In + 2*l.Out)
	}
	return s
}

// Reset starts new sequences: the wipe of every layer, zero hidden state,
// no previous character, position 0.
func (n *Net) Reset() {
	n.Flush()
	for _, l := range n.layers {
		l.wipe()
		clear(l.X)
		clear(l.XPrev)
		clear(l.A)
	}
	clear(n.H)
	clear(n.HPrev)
	clear(n.Z)
	for b := range n.prev {
		n.prev[b] = -1
	}
	n.T = 0
}

// Step runs one character of every sequence: chars[b] is sequence b's
// current character, or −1 for a sequence that has ended, whose outputs are
// then not computed (its rows of Y, P, Z, H keep their values; a rule must
// give it δ = 0). It sets Y, P, Z and the new H. The batch runs layer by
// layer (every sequence through a layer, then the next), so that a layer's
// mask and shared weights are read once per step.
func (n *Net) Step(chars []int) {
	cfg := n.Cfg
	v, hd, cd, B := cfg.Vocab, cfg.Hidden, n.CDim, cfg.Batch
	copy(n.Chars, chars)
	copy(n.HPrev, n.H)
	fused := n.pending
	if fused {
		n.pending = false
		for _, l := range n.layers {
			if l.Active {
				l.updateBias(n.pendingU)
			}
		}
	}
	u := n.pendingU
	for b := 0; b < B; b++ {
		ch := chars[b]
		if ch >= v {
			panic(fmt.Sprintf("ethereal: character index %d ≥ vocab %d", ch, v))
		}
		n.live[b] = ch >= 0
		if ch < 0 {
			// An ended sequence: its outputs are not needed; a deferred
			// update (forgetting only: its δ is 0) still applies.
			n.prev[b] = ch
			continue
		}
		c := n.c[b*cd : (b+1)*cd]
		clear(c[:n.InputDim])
		c[ch] = 1
		off := v
		if cfg.InputMode == LastTwo {
			if p := n.prev[b]; p >= 0 {
				c[v+p] = 1
			}
			off = 2 * v
		}
		if cfg.PosDim > 0 {
			t := min(n.T, cfg.MaxLen-1)
			copy(c[off:off+cfg.PosDim], n.pe[t*cfg.PosDim:(t+1)*cfg.PosDim])
		}
		copy(c[n.InputDim:], n.H[b*hd:(b+1)*hd])
		n.prev[b] = ch
	}
	x := n.c
	for _, l := range n.Plastic {
		l.forward(x, n.live, fused, u)
		for b := 0; b < B; b++ {
			if !n.live[b] {
				continue
			}
			z := n.Z[b*cd : (b+1)*cd]
			for i, ai := range l.A[b*cd : (b+1)*cd] {
				z[i] = gelu(ai)
			}
		}
		x = n.Z
	}
	for b := 0; b < B; b++ {
		if !n.live[b] {
			continue
		}
		z, c := n.Z[b*cd:(b+1)*cd], n.c[b*cd:(b+1)*cd]
		if len(n.Plastic) == 0 {
			copy(z, c)
		} else if cfg.Residual {
			for i := range z {
				z[i] += c[i]
			}
		}
	}
	n.I2H.forward(n.Z, n.live, fused, u)
	n.I2O.forward(n.Z, n.live, fused, u)
	for b := 0; b < B; b++ {
		if !n.live[b] {
			continue
		}
		h := n.H[b*hd : (b+1)*hd]
		if cfg.Recurrence {
			for i, a := range n.I2H.A[b*hd : (b+1)*hd] {
				h[i] = fmath.Tanh(a)
			}
		} else {
			clear(h)
		}
		y := n.I2O.A[b*v : (b+1)*v]
		copy(n.Y[b*v:(b+1)*v], y)
		softmax(n.P[b*v:(b+1)*v], y)
	}
	n.T++
}

// Loss returns the cross-entropy −log P[b, targets[b]] of sequence b's last
// step (0 where targets[b] < 0).
func (n *Net) Loss(b, target int) float64 {
	if target < 0 {
		return 0
	}
	return -fmath.Log(n.P[b*n.Cfg.Vocab+target])
}

// Update applies the one update rule to every layer (the active ones with
// their Delta and GBias; all of them are forgotten first). Without
// normalisation the update is deferred and fused with the next Step's
// forward pass (one pass over the fast weights for both); Flush, Reset and
// Export apply a deferred update, so the layers' weights are current after
// them. The rule must not change the layers' Delta, GBias or Active before
// then.
func (n *Net) Update(u UpdateConfig) {
	n.Flush()
	if !u.Normalize {
		n.pending, n.pendingU = true, u
		return
	}
	for _, l := range n.layers {
		l.update(u)
	}
}

// Average sets every sequence's weights of every layer to their batch
// average, w_b ← (1/B) Σ_b' w_b' (summed in batch order; a Shared network
// has one set and is left as it is). It applies a deferred update first.
func (n *Net) Average() {
	n.Flush()
	for _, l := range n.layers {
		l.average()
	}
}

// TrackNorms switches the fast/slow update-norm diagnostic on or off for the
// plastic layers and clears the sums.
func (n *Net) TrackNorms(on bool) {
	for _, l := range n.Plastic {
		l.TrackNorms, l.SqFast, l.SqSlow = on, 0, 0
	}
}

// NormRatio is √(Σ SqFast / Σ SqSlow) over the plastic layers since
// TrackNorms: how much larger the updates of the masked (high-plasticity)
// entries are than those of the others (0 when nothing was tracked). It
// flushes a deferred update first.
func (n *Net) NormRatio() float64 {
	n.Flush()
	var f, s float64
	for _, l := range n.Plastic {
		f += l.SqFast
		s += l.SqSlow
	}
	if s == 0 {
		return 0
	}
	return math.Sqrt(f / s)
}

// Flush applies a deferred update now.
func (n *Net) Flush() {
	if !n.pending {
		return
	}
	n.pending = false
	for _, l := range n.layers {
		l.update(n.pendingU)
	}
}

func softmax(p, y []float64) {
	m := y[0]
	for _, v := range y[1:] {
		if v > m {
			m = v
		}
	}
	var s float64
	for i, v := range y {
		p[i] = fmath.Exp(v - m)
		s += p[i]
	}
	inv := 1 / s
	for i := range p {
		p[i] = float64(p[i] * inv)
	}
}

// gelu is x Φ(x) with Φ the standard normal distribution function.
func gelu(x float64) float64 {
	return float64(x * 0.5 * (1 + math.Erf(float64(x*math.Sqrt2/2))))
}

// GELUDeriv is d/dx x Φ(x) = Φ(x) + x φ(x).
func GELUDeriv(x float64) float64 {
	phi := float64(fmath.Exp(float64(-0.5*x)*x) * 0.3989422804014327) // 1/√(2π)
	return float64(0.5*(1+math.Erf(float64(x*math.Sqrt2/2)))) + float64(x*phi)
}
