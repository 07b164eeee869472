package ethereal

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// Layer is one plastic linear layer with per-sequence fast weights.
type Layer struct {
	In, Out int
	Batch   int
	// Sets is the number of weight sets: Batch, or 1 for a Shared network
	// (one set for every sequence).
	Sets int
	// Fast holds the fast weights, Sets×Out×In row-major: W_b[i,j] is
	// Fast[(b·Out+i)·In+j] (b = 0 for every sequence of a Shared layer).
	Fast []float64
	// Bias β (Out), shared by the batch.
	Bias []float64
	// Mask marks the high-plasticity entries (Out×In); MaskIdx[MaskPtr[i]:
	// MaskPtr[i+1]] are the masked columns of row i, in increasing order.
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

	sel      []int8    // Out×In + 8 bytes of padding: −1 on the masked entries, 0 elsewhere (the row kernel's blend)
	rowS     []float64 // scratch: each row's coefficient (updateShared)
	scratch  []float64 // scratch: a row's masked values (In)
	isHidden bool      // i2h: updates use XPrev
	shared   bool      // one set of weights for the batch (Config.Shared)
}

func newLayer(in, out, batch int, shared bool, proportion, plast, forget float64, last bool, r *rng.Rand) *Layer {
	sets := batch
	if shared {
		sets = 1
	}
	l := &Layer{In: in, Out: out, Batch: batch, Sets: sets, Last: last, shared: shared,
		Fast: make([]float64, sets*out*in), Bias: make([]float64, out),
		Mask: make([]bool, out*in), MaskPtr: make([]int32, out+1), sel: make([]int8, out*in+8),
		PlastMasked: plast, PlastOther: 1, ForgetMasked: forget,
		X: make([]float64, batch*in), XPrev: make([]float64, batch*in), A: make([]float64, batch*out),
		Delta: make([]float64, batch*out), GBias: make([]float64, out), rowS: make([]float64, out), scratch: make([]float64, in)}
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
				l.sel[i*in+j] = -1
				l.MaskIdx = append(l.MaskIdx, int32(j))
			}
		}
		l.MaskPtr[i+1] = int32(len(l.MaskIdx))
	}
	return l
}

// Masked is the number of masked entries.
func (l *Layer) Masked() int { return len(l.MaskIdx) }

// set is the weight set of sequence b.
func (l *Layer) set(b int) int {
	if l.shared {
		return 0
	}
	return b
}

// Weights returns sequence b's fast weights (Out×In, aliasing Fast; the one
// set of a Shared layer for any b).
func (l *Layer) Weights(b int) []float64 {
	m := l.Out * l.In
	s := l.set(b)
	return l.Fast[s*m : (s+1)*m]
}

// wipe sets every sequence's weights to the batch average and zeroes the
// masked entries (memory_encoding's HebbianLinear.wipe). A shared layer has
// one set, so its wipe only zeroes the masked entries.
func (l *Layer) wipe() { l.averageMasking(true) }

// average sets every sequence's weights to the batch average (a shared
// layer's one set is left as it is).
func (l *Layer) average() { l.averageMasking(false) }

func (l *Layer) averageMasking(zeroMasked bool) {
	if l.Sets == 1 && !zeroMasked {
		return
	}
	n := l.Out * l.In
	w0 := l.Fast[:n]
	if l.Sets > 1 {
		inv := 1 / float64(l.Sets)
		// In chunks that stay in L1: w0 + w1 + … in batch order (Axpy with
		// α = 1 adds exactly), × 1/B.
		const chunk = 512
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			for b := 1; b < l.Sets; b++ {
				vec.Axpy(1, l.Fast[b*n+lo:b*n+hi], w0[lo:hi])
			}
			scale(w0[lo:hi], inv)
		}
	}
	if zeroMasked {
		for i := 0; i < l.Out; i++ {
			row := w0[i*l.In : (i+1)*l.In]
			for _, j := range l.MaskIdx[l.MaskPtr[i]:l.MaskPtr[i+1]] {
				row[j] = 0
			}
		}
	}
	for b := 1; b < l.Sets; b++ {
		copy(l.Fast[b*n:(b+1)*n], w0)
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

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// rowRule is the update of one row by one sequence: the dense entries take
// w + s·x_j, the masked ones w·keep + lr·u_j with u_j = c·x_j, clamped to
// ±gc when clamp; ok is false when the row's δ is 0 (only the forgetting
// applies).
type rowRule struct {
	s, c      float64
	clamp, ok bool
}

// rule returns sequence b's update of row i. With xmax = max_j |x_j| of the
// update input, when |c|·xmax ≤ GradClip no entry of the row can be
// clamped (rounding is monotone) and the clamp is skipped.
func (l *Layer) rule(b, i int, xmax float64, u UpdateConfig) (r rowRule) {
	if !l.Active {
		return r
	}
	d := l.Delta[b*l.Out+i]
	if d == 0 {
		return r
	}
	po := l.PlastOther
	if l.Last {
		po = 1 // i2o's plasticity is not used (the code normalises it all the same)
	}
	r.ok = true
	r.s = -float64(float64(u.LR*po) * d)
	r.c = -d
	if !l.Last {
		r.c = -float64(l.PlastMasked * d)
	}
	r.clamp = !l.Last && u.GradClip > 0 && !(float64(abs(r.c)*xmax) <= u.GradClip)
	return r
}

// trackNorms adds the squared norms of sequence b's u on row i's masked and
// other entries (u = c·x_j clamped, and −p·δ·x_j); xu is the update input
// and all = Σ_j xu_j².
func (l *Layer) trackNorms(b, i int, xu []float64, all float64, r rowRule, gc float64) {
	po := l.PlastOther
	if l.Last {
		po = 1
	}
	d := l.Delta[b*l.Out+i]
	var sm, sx float64
	for _, j := range l.MaskIdx[l.MaskPtr[i]:l.MaskPtr[i+1]] {
		x := xu[j]
		v := float64(r.c * x)
		if r.clamp {
			v = min(max(v, -gc), gc)
		}
		sm += float64(v * v)
		sx += float64(x * x)
	}
	pd := float64(po * d)
	l.SqFast += sm
	l.SqSlow += float64(float64(pd*pd) * max(all-sx, 0))
}

// update applies the one update rule (see the package documentation) with
// the layer's Delta and GBias, or only the forgetting when it is inactive.
func (l *Layer) update(u UpdateConfig) {
	if l.shared {
		l.updateShared(u)
	} else {
		for b := 0; b < l.Batch; b++ {
			l.updateSeq(b, u, nil)
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

// updateSeq applies the pending update to sequence b's weights (not
// shared), row by row, each row clipped when ClipWeights is set and the
// layer is active, and, when x is not nil, sets A_b = W_b x + β with the
// new weights (the bias is left to the caller). A row with an update is one
// pass of the row kernel (plasticRow: the forgetting, the clamp and the
// update of every entry, masked or not, then its product with x), so the
// row is read from memory once.
func (l *Layer) updateSeq(b int, u UpdateConfig, x []float64) {
	in, out := l.In, l.Out
	xu := l.updateInput(b)
	xmax := vec.MaxAbs(xu)
	all := 0.0
	if l.TrackNorms {
		all = vec.Dot(xu, xu)
	}
	keep := 1 - l.ForgetMasked
	cw := u.ClipWeights
	clipRows := cw > 0 && l.Active
	k := rowConsts{keep: keep, lr: u.LR}
	w := l.Weights(b)
	a := l.A[b*out : (b+1)*out]
	for i := 0; i < out; i++ {
		row := w[i*in : (i+1)*in : (i+1)*in]
		r := l.rule(b, i, xmax, u)
		dotted := false
		var ad float64
		if !r.ok {
			if keep != 1 {
				for _, j := range l.MaskIdx[l.MaskPtr[i]:l.MaskPtr[i+1]] {
					row[j] = float64(row[j] * keep)
				}
			}
		} else {
			if l.TrackNorms {
				l.trackNorms(b, i, xu, all, r, u.GradClip)
			}
			k.s, k.c = r.s, r.c
			k.gc, k.ngc = math.Inf(1), math.Inf(-1)
			if r.clamp {
				k.gc, k.ngc = u.GradClip, -u.GradClip
			}
			xn := xu // the product is not wanted (or not yet: the row is clipped first)
			if dotted = x != nil && !clipRows; dotted {
				xn = x
			}
			lo, hi := l.MaskPtr[i], l.MaskPtr[i+1]
			ad = plasticRow(row, xu, xn, l.sel[i*in:(i+1)*in+8], l.MaskIdx[lo:hi], l.scratch, &k)
		}
		if clipRows {
			clip(row, cw)
		}
		if x != nil {
			if !dotted {
				ad = vec.Dot(row, x)
			}
			a[i] = ad + l.Bias[i]
		}
	}
}

// updateShared applies the pending update to the one set of a shared
// layer: the mean of the sequences' updates, each scaled by 1/B and added
// in batch order — w + Σ_b (s_b/B)·x_b,j on the unmasked entries,
// w·keep + Σ_b (lr·u_b,j)/B on the masked ones — then the rows clipped as
// updateSeq does.
func (l *Layer) updateShared(u UpdateConfig) {
	in := l.In
	B := l.Batch
	inv := 1 / float64(B)
	keep := 1 - l.ForgetMasked
	cw := u.ClipWeights
	clipRows := cw > 0 && l.Active
	for b := 0; b < B; b++ {
		xu := l.updateInput(b)
		xmax := vec.MaxAbs(xu)
		all := 0.0
		if l.TrackNorms {
			all = vec.Dot(xu, xu)
		}
		for i := range l.rowS {
			r := l.rule(b, i, xmax, u)
			if r.ok && l.TrackNorms {
				l.trackNorms(b, i, xu, all, r, u.GradClip)
			}
			l.rowS[i] = float64(r.s * inv)
		}
		if l.Masked() == 0 {
			vec.AddOuter(l.Fast, l.rowS, xu)
		}
	}
	if l.Masked() == 0 {
		if clipRows {
			clip(l.Fast, cw)
		}
		return
	}
	// With masked entries: row by row, the masked values are computed aside,
	// the unmasked update added to the whole row, the masked values put back.
	for i := 0; i < l.Out; i++ {
		row := l.Fast[i*in : (i+1)*in : (i+1)*in]
		idx := l.MaskIdx[l.MaskPtr[i]:l.MaskPtr[i+1]]
		m := l.scratch[:len(idx)]
		for k, j := range idx {
			m[k] = float64(row[j] * keep)
		}
		for b := 0; b < B; b++ {
			xu := l.updateInput(b)
			r := l.rule(b, i, vec.MaxAbs(xu), u)
			if !r.ok {
				continue
			}
			vec.Axpy(float64(r.s*inv), xu, row)
			for k, j := range idx {
				v := float64(r.c * xu[j])
				if r.clamp {
					v = min(max(v, -u.GradClip), u.GradClip)
				}
				m[k] += float64(float64(u.LR*v) * inv)
			}
		}
		for k, j := range idx {
			row[j] = m[k]
		}
		if clipRows {
			clip(row, cw)
		}
	}
}

// forward sets A = W x + β for every live sequence (xs: B×In, the rows of
// sequences that have ended are not read), applying the pending update u
// first when fused, and records the inputs (X, and XPrev for i2h).
func (l *Layer) forward(xs []float64, live []bool, fused bool, u UpdateConfig) {
	in, out := l.In, l.Out
	if l.shared && fused {
		l.updateShared(u)
	}
	for b := 0; b < l.Batch; b++ {
		x := xs[b*in : (b+1)*in]
		switch {
		case !live[b]:
			if fused && !l.shared {
				l.updateSeq(b, u, nil) // forgetting only: an ended sequence's δ is 0
			}
			continue
		case fused && !l.shared:
			l.updateSeq(b, u, x)
		default:
			a := l.A[b*out : (b+1)*out]
			vec.MatVec(a, l.Weights(b), out, in, x)
			for i := range a {
				a[i] += l.Bias[i]
			}
		}
		xb := l.X[b*in : (b+1)*in]
		if l.isHidden {
			copy(l.XPrev[b*in:(b+1)*in], xb)
		}
		copy(xb, x)
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
