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

	masked   []float64 // scratch: new values of a row's masked entries
	isHidden bool      // i2h: updates use XPrev
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
func (l *Layer) wipe() {
	n := l.Out * l.In
	w0 := l.Fast[:n]
	if l.Batch > 1 {
		// w0 + w1 + … in batch order, then × 1/B (Axpy with α = 1 adds
		// exactly).
		for b := 1; b < l.Batch; b++ {
			vec.Axpy(1, l.Fast[b*n:(b+1)*n], w0)
		}
		scale(w0, 1/float64(l.Batch))
	}
	for k, m := range l.Mask {
		if m {
			w0[k] = 0
		}
	}
	for b := 1; b < l.Batch; b++ {
		copy(l.Fast[b*n:(b+1)*n], w0)
	}
}

// update applies the one update rule (see the package documentation) with
// the layer's Delta and GBias, or only the forgetting when it is inactive.
func (l *Layer) update(u UpdateConfig) {
	in, out := l.In, l.Out
	lr, gc := u.LR, u.GradClip
	keep := 1 - l.ForgetMasked
	x := l.X
	if l.isHidden {
		x = l.XPrev
	}
	for b := 0; b < l.Batch; b++ {
		xb := x[b*in : (b+1)*in]
		for i := 0; i < out; i++ {
			row := l.Fast[(b*out+i)*in : (b*out+i+1)*in]
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
				continue
			}
			m := l.masked[:len(idx)]
			if l.Last {
				for k, j := range idx {
					m[k] = float64(row[j]*keep) + float64(lr*-float64(d*xb[j]))
				}
				vec.Axpy(-float64(lr*d), xb, row)
			} else {
				pm := l.PlastMasked
				for k, j := range idx {
					v := -float64(float64(d*xb[j]) * pm)
					if gc > 0 {
						if v > gc {
							v = gc
						} else if v < -gc {
							v = -gc
						}
					}
					m[k] = float64(row[j]*keep) + float64(lr*v)
				}
				vec.Axpy(-float64(float64(lr*l.PlastOther)*d), xb, row)
			}
			for k, j := range idx {
				row[j] = m[k]
			}
		}
	}
	if !l.Active {
		return
	}
	for i, g := range l.GBias {
		l.Bias[i] -= float64(lr * g)
	}
	if u.Normalize {
		l.normalize()
	}
	if c := u.ClipWeights; c > 0 {
		for k, w := range l.Fast {
			if w > c {
				l.Fast[k] = c
			} else if w < -c {
				l.Fast[k] = -c
			}
		}
	}
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

	prev []int     // previous character of each sequence, −1 at the start
	c    []float64 // scratch: one sequence's c
	pe   []float64 // MaxLen×PosDim positional encoding
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
	B := cfg.Batch
	n.H, n.HPrev = make([]float64, B*cfg.Hidden), make([]float64, B*cfg.Hidden)
	n.Y, n.P, n.Z = make([]float64, B*v), make([]float64, B*v), make([]float64, B*c)
	n.prev = make([]int, B)
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
	for _, l := range n.Layers() {
		l.wipe()
		clear(l.XPrev)
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
// current character (−1 for a sequence that has ended: zero input). It sets
// Y, P, Z and the new H.
func (n *Net) Step(chars []int) {
	cfg := n.Cfg
	v, hd, cd := cfg.Vocab, cfg.Hidden, n.CDim
	copy(n.HPrev, n.H)
	copy(n.I2H.XPrev, n.I2H.X)
	for b := 0; b < cfg.Batch; b++ {
		c := n.c
		clear(c[:n.InputDim])
		ch := chars[b]
		if ch >= v {
			panic(fmt.Sprintf("ethereal: character index %d ≥ vocab %d", ch, v))
		}
		if ch >= 0 {
			c[ch] = 1
		}
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
			a := l.forward(b, x)
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
		hA := n.I2H.forward(b, z)
		h := n.H[b*hd : (b+1)*hd]
		if cfg.Recurrence {
			for i, a := range hA {
				h[i] = fmath.Tanh(a)
			}
		} else {
			clear(h)
		}
		y := n.I2O.forward(b, z)
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
// their Delta and GBias; all of them are forgotten first).
func (n *Net) Update(u UpdateConfig) {
	for _, l := range n.Plastic {
		l.update(u)
	}
	n.I2H.update(u)
	n.I2O.update(u)
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
