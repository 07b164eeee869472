package ethereal

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// Layer is one plastic linear layer with per-sequence fast weights.
type Layer struct {
	In, Out int
	Batch   int
	// Fast holds the fast weights, B×Out×In row-major: W_b[i,j] is
	// Fast[(b·Out+i)·In+j].
	Fast []float64
	// Bias β (Out), shared by the batch.
	Bias []float64
	// Mask marks the high-plasticity entries (Out×In); MaskIdx[MaskPtr[i]:
	// MaskPtr[i+1]] are the masked columns of row i.
	Mask    []bool
	MaskIdx []int32
	MaskPtr []int32
	// PlastMasked and PlastOther are the plasticity of the masked and of the
	// other entries; ForgetMasked the forgetting factor of the masked ones.
	PlastMasked, PlastOther, ForgetMasked float64
	// Last marks i2o: no plasticity scaling and no clamp.
	Last bool

	// X (B×In) is the input of the last step and A (B×Out) its
	// pre-activation; XPrev is the input of the step before (i2h's update
	// uses it: i2h's output at t−1 is what step t's error reaches).
	X, A, XPrev []float64
	// Delta (B×Out) and GBias (Out) are the rule's signal for Update:
	// the weight gradient is Delta_b ⊗ X_b (XPrev_b for i2h).
	Delta, GBias []float64
	// Active says whether Update changes the layer this step; an inactive
	// layer is still forgotten.
	Active bool

	// TrackNorms makes the update accumulate the squared norms of u over the
	// masked ("fast") and the other ("slow") entries into SqFast, SqSlow:
	// the paper's diagnostic, the ratio of fast to slow update norms.
	TrackNorms     bool
	SqFast, SqSlow float64

	masked   []float64 // scratch: new values of a row's masked entries
	isHidden bool      // i2h: updates use XPrev
	shared   bool      // one set of weights for the batch (Config.Shared)
}

func newLayer(in, out, batch int, proportion, plast, forget float64, last bool, r *rng.Rand) *Layer {
	l := &Layer{In: in, Out: out, Batch: batch, Last: last,
		Fast: make([]float64, batch*out*in), Bias: make([]float64, out),
		Mask: make([]bool, out*in), MaskPtr: make([]int32, out+1),
		PlastMasked: plast, PlastOther: 1, ForgetMasked: forget,
		X: make([]float64, batch*in), XPrev: make([]float64, batch*in), A: make([]float64, batch*out),
		Delta: make([]float64, batch*out), GBias: make([]float64, out), masked: make([]float64, in)}
	if last {
		l.PlastMasked = 1
	}
	// nn.Linear's default bias: U(−1/√in, 1/√in).
	bound := 1 / math.Sqrt(float64(in))
	r.FillUniform(l.Bias, -bound, bound)
	for i := 0; i < out; i++ {
		for j := 0; j < in; j++ {
			if r.Float64() < proportion {
				l.Mask[i*in+j] = true
				l.MaskIdx = append(l.MaskIdx, int32(j))
			}
		}
		l.MaskPtr[i+1] = int32(len(l.MaskIdx))
	}
	return l
}

// Masked is the number of masked entries.
func (l *Layer) Masked() int { return len(l.MaskIdx) }

// Weights returns sequence b's fast weights (Out×In, aliasing Fast).
func (l *Layer) Weights(b int) []float64 { return l.Fast[b*l.Out*l.In : (b+1)*l.Out*l.In] }

func (l *Layer) forward(b int, x []float64) []float64 {
	in, out := l.In, l.Out
	xb := l.X[b*in : (b+1)*in]
	if l.isHidden {
		copy(l.XPrev[b*in:(b+1)*in], xb)
	}
	copy(xb, x)
	a := l.A[b*out : (b+1)*out]
	vec.MatVec(a, l.Weights(b), out, in, xb)
	for i := range a {
		a[i] += l.Bias[i]
	}
	return a
}

// wipe sets every sequence's weights to the batch average and zeroes the
// masked entries (memory_encoding's HebbianLinear.wipe).
// A shared layer's sequences already have the same weights (averaging them
// again would round them), so its wipe only zeroes the masked entries.
func (l *Layer) wipe() {
	if !l.shared {
		l.averageMasking(true)
		return
	}
	for b := 0; b < l.Batch; b++ {
		w := l.Weights(b)
		for k, m := range l.Mask {
			if m {
				w[k] = 0
			}
		}
	}
}

// average sets every sequence's weights to the batch average.
func (l *Layer) average() { l.averageMasking(false) }

func (l *Layer) averageMasking(zeroMasked bool) {
	if l.Batch == 1 && !zeroMasked {
		return
	}
	n := l.Out * l.In
	inv := 1 / float64(l.Batch)
	// In chunks that stay in L1: w0 + w1 + … in batch order (Axpy with α = 1
	// adds exactly), × 1/B, masked entries zeroed, copied to every sequence.
	const chunk = 512
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		w0 := l.Fast[lo:hi]
		if l.Batch > 1 {
			for b := 1; b < l.Batch; b++ {
				vec.Axpy(1, l.Fast[b*n+lo:b*n+hi], w0)
			}
			scale(w0, inv)
		}
		if zeroMasked {
			for k, m := range l.Mask[lo:hi] {
				if m {
					w0[k] = 0
				}
			}
		}
		for b := 1; b < l.Batch; b++ {
			copy(l.Fast[b*n+lo:b*n+hi], w0)
		}
	}
}

// update applies the one update rule (see the package documentation) with
// the layer's Delta and GBias, or only the forgetting when it is inactive.
func (l *Layer) update(u UpdateConfig) {
	for b := 0; b < l.Batch; b++ {
		xb := l.updateInput(b)
		xmax := vec.MaxAbs(xb)
		for i := 0; i < l.Out; i++ {
			l.updateRow(b, i, xb, xmax, u)
		}
	}
	if !l.Active {
		return
	}
	l.updateBias(u)
	if u.Normalize {
		l.normalize()
	}
	if c := u.ClipWeights; c > 0 {
		clip(l.Fast, c)
	}
}

// updateInput is sequence b's input of the update: the last step's input,
// or for i2h the one before (its output at t−1 is what step t's error
// reaches).
func (l *Layer) updateInput(b int) []float64 {
	if l.isHidden {
		return l.XPrev[b*l.In : (b+1)*l.In]
	}
	return l.X[b*l.In : (b+1)*l.In]
}

func (l *Layer) updateBias(u UpdateConfig) {
	for i, g := range l.GBias {
		l.Bias[i] -= float64(u.LR * g)
	}
}

func clip(w []float64, c float64) {
	for k, v := range w {
		if v > c {
			w[k] = c
		} else if v < -c {
			w[k] = -c
		}
	}
}

// updateRow updates row i of sequence b's fast weights with input xb
// (xmax = max_j |xb_j|): the masked entries exactly (forget, clamp), the
// others by one Axpy, and returns the row. For a masked entry of a plastic
// layer, with c = −p_masked·δ_i, u = clamp(c·x_j, ±GradClip) and
// w ← w·(1 − f) + lr·u; when |c|·xmax ≤ GradClip no entry of the row can be
// clamped (rounding is monotone) and the loop skips the test.
func (l *Layer) updateRow(b, i int, xb []float64, xmax float64, u UpdateConfig) []float64 {
	in, out := l.In, l.Out
	lr, gc := u.LR, u.GradClip
	keep := 1 - l.ForgetMasked
	row := l.Fast[(b*out+i)*in : (b*out+i+1)*in : (b*out+i+1)*in]
	xb = xb[:in:in]
	idx := l.MaskIdx[l.MaskPtr[i]:l.MaskPtr[i+1]]
	d := 0.0
	if l.Active {
		d = l.Delta[b*out+i]
	}
	if d == 0 {
		if keep != 1 {
			for _, j := range idx {
				row[j] = float64(row[j] * keep)
			}
		}
		return row
	}
	m := l.masked[:len(idx)]
	c := -d
	if !l.Last {
		c = -float64(l.PlastMasked * d)
	}
	clamp := !l.Last && gc > 0 && !(float64(abs(c)*xmax) <= gc)
	if l.TrackNorms {
		l.trackNorms(idx, xb, c, d, gc, clamp)
	}
	switch {
	case clamp:
		for k, j := range idx {
			v := float64(c * xb[j])
			if v > gc {
				v = gc
			} else if v < -gc {
				v = -gc
			}
			m[k] = float64(row[j]*keep) + float64(lr*v)
		}
	case keep == 1:
		for k, j := range idx {
			m[k] = row[j] + float64(lr*float64(c*xb[j]))
		}
	default:
		for k, j := range idx {
			m[k] = float64(row[j]*keep) + float64(lr*float64(c*xb[j]))
		}
	}
	po := l.PlastOther
	if l.Last {
		po = 1 // i2o's plasticity is not used (the code normalises it all the same)
	}
	vec.Axpy(-float64(float64(lr*po)*d), xb, row)
	for k, j := range idx {
		row[j] = m[k]
	}
	return row
}

// trackNorms adds the squared norms of this row's u on the masked and the
// other entries (u = c·x_j clamped, and −p·δ·x_j).
func (l *Layer) trackNorms(idx []int32, xb []float64, c, d, gc float64, clamp bool) {
	po := l.PlastOther
	if l.Last {
		po = 1
	}
	var sm, sx float64
	for _, j := range idx {
		v := float64(c * xb[j])
		if clamp {
			v = min(max(v, -gc), gc)
		}
		sm += float64(v * v)
		sx += float64(xb[j] * xb[j])
	}
	all := vec.Dot(xb, xb)
	pd := float64(po * d)
	l.SqFast += sm
	l.SqSlow += float64(float64(pd*pd) * max(all-sx, 0))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// updateOnly applies the pending update to sequence b's fast weights.
func (l *Layer) updateOnly(b int, u UpdateConfig) {
	xu := l.updateInput(b)
	xmax := vec.MaxAbs(xu)
	for i := 0; i < l.Out; i++ {
		row := l.updateRow(b, i, xu, xmax, u)
		if c := u.ClipWeights; c > 0 && l.Active {
			clip(row, c)
		}
	}
}

// fusedForward is the pending update of sequence b's fast weights followed
// by the next step's forward pass, row by row, so that each row is read from
// memory once: a = W_b x + β with W_b just updated (the bias was updated
// before). The bits are those of update followed by forward.
func (l *Layer) fusedForward(b int, x []float64, u UpdateConfig) []float64 {
	in, out := l.In, l.Out
	xu := l.updateInput(b)
	xmax := vec.MaxAbs(xu)
	a := l.A[b*out : (b+1)*out]
	c := u.ClipWeights
	for i := 0; i < out; i++ {
		row := l.updateRow(b, i, xu, xmax, u)
		if c > 0 && l.Active {
			clip(row, c)
		}
		a[i] = vec.Dot(row, x[:in]) + l.Bias[i]
	}
	if l.isHidden {
		copy(xu, l.X[b*in:(b+1)*in])
	}
	copy(l.X[b*in:(b+1)*in], x[:in])
	return a
}

// normalize divides every floating-point tensor of the layer by its L2 norm
// + 1e-6, as HebbianLinear._apply_regularization does for all its
// parameters: the fast weights, the bias, the plasticity and the forgetting
// factors (the code's traces are overwritten at every step and its slow
// weight is unused, so they do not matter).
func (l *Layer) normalize() {
	scale(l.Fast, 1/(norm(l.Fast)+1e-6))
	scale(l.Bias, 1/(norm(l.Bias)+1e-6))
	nm := float64(l.Masked())
	no := float64(l.Out*l.In) - nm
	pn := math.Sqrt(float64(nm*float64(l.PlastMasked*l.PlastMasked))+float64(no*float64(l.PlastOther*l.PlastOther))) + 1e-6
	l.PlastMasked /= pn
	l.PlastOther /= pn
	if l.ForgetMasked != 0 {
		l.ForgetMasked /= math.Sqrt(float64(nm*float64(l.ForgetMasked*l.ForgetMasked))) + 1e-6
	}
}

func norm(x []float64) float64 { return math.Sqrt(vec.Dot(x, x)) }

func scale(x []float64, s float64) {
	for k := range x {
		x[k] = float64(x[k] * s)
	}
}

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
	c        []float64    // scratch: one sequence's c
	pe       []float64    // MaxLen×PosDim positional encoding
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
		n.Plastic = append(n.Plastic, newLayer(c, c, cfg.Batch, cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate, false, r))
	}
	n.I2H = newLayer(c, cfg.Hidden, cfg.Batch, cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate, false, r)
	n.I2H.isHidden = true
	n.I2O = newLayer(c, v, cfg.Batch, cfg.PlastProportion, cfg.PlastClip, cfg.ForgetRate, true, r)
	for _, l := range n.Layers() {
		l.shared = cfg.Shared
	}
	B := cfg.Batch
	n.H, n.HPrev = make([]float64, B*cfg.Hidden), make([]float64, B*cfg.Hidden)
	n.Y, n.P, n.Z = make([]float64, B*v), make([]float64, B*v), make([]float64, B*c)
	n.prev = make([]int, B)
	n.Chars = make([]int, B)
	n.c = make([]float64, c)
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

// Layers returns every layer in order: the plastic ones, i2h, i2o.
func (n *Net) Layers() []*Layer {
	return append(append([]*Layer(nil), n.Plastic...), n.I2H, n.I2O)
}

// FastBytes is the memory of one sequence's fast weights in bytes.
func (n *Net) FastBytes() int {
	s := 0
	for _, l := range n.Layers() {
		s += 8 * l.Out * l.In
	}
	return s
}

// Reset starts new sequences: the wipe of every layer, zero hidden state,
// no previous character, position 0.
func (n *Net) Reset() {
	n.Flush()
	for _, l := range n.Layers() {
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
// give it δ = 0). It sets Y, P, Z and the new H.
func (n *Net) Step(chars []int) {
	cfg := n.Cfg
	v, hd, cd := cfg.Vocab, cfg.Hidden, n.CDim
	copy(n.Chars, chars)
	copy(n.HPrev, n.H)
	fused := n.pending
	if fused {
		n.pending = false
		for _, l := range n.Layers() {
			if l.Active {
				l.updateBias(n.pendingU)
			}
		}
	}
	step := func(l *Layer, b int, x []float64) []float64 {
		if fused {
			return l.fusedForward(b, x, n.pendingU)
		}
		return l.forward(b, x)
	}
	for b := 0; b < cfg.Batch; b++ {
		c := n.c
		clear(c[:n.InputDim])
		ch := chars[b]
		if ch >= v {
			panic(fmt.Sprintf("ethereal: character index %d ≥ vocab %d", ch, v))
		}
		if ch < 0 {
			// An ended sequence: its outputs are not needed; a deferred
			// update (forgetting only: its δ is 0) still applies.
			if fused {
				for _, l := range n.Layers() {
					l.updateOnly(b, n.pendingU)
				}
			}
			n.prev[b] = ch
			continue
		}
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
		z := n.Z[b*cd : (b+1)*cd]
		x := c
		for _, l := range n.Plastic {
			a := step(l, b, x)
			for i, ai := range a {
				z[i] = gelu(ai)
			}
			x = z
		}
		if len(n.Plastic) == 0 {
			copy(z, c)
		} else if cfg.Residual {
			for i := range z {
				z[i] += c[i]
			}
		}
		hA := step(n.I2H, b, z)
		h := n.H[b*hd : (b+1)*hd]
		if cfg.Recurrence {
			for i, a := range hA {
				h[i] = fmath.Tanh(a)
			}
		} else {
			clear(h)
		}
		y := step(n.I2O, b, z)
		copy(n.Y[b*v:(b+1)*v], y)
		softmax(n.P[b*v:(b+1)*v], y)
		n.prev[b] = ch
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
	if n.Cfg.Shared {
		for _, l := range n.Layers() {
			l.update(u)
		}
		n.Average()
		return
	}
	if !u.Normalize {
		n.pending, n.pendingU = true, u
		return
	}
	for _, l := range n.Layers() {
		l.update(u)
	}
}

// Average sets every sequence's weights of every layer to their batch
// average, w_b ← (1/B) Σ_b' w_b' (summed in batch order): after an update of
// a Shared network, the mean of the sequences' updates applied to the one
// set of weights. It applies a deferred update first.
func (n *Net) Average() {
	n.Flush()
	for _, l := range n.Layers() {
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
	for _, l := range n.Layers() {
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
