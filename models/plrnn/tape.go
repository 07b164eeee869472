package plrnn

import (
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// The tapes of the PLRNN family (models.Tape). A window of BPTT visits each
// step's batch twice: forward, where the tape keeps the basis expansion φ(z)
// (or the hidden layer) it computed, and backward, where the state cotangent
// of all S rows is one matrix–matrix product G·W through vec.MatMul (each
// element summed in increasing order: the same bits as the VJP's MatTVec row
// by row) and the weight gradients Σ g⊗φ are deferred: the rows are
// gathered in the order of the Backward calls and summed, when Gradient is
// called, as one product Gᵀ·Φ over all T·S rows, whose elements accumulate
// from +0 in that order — the same bits as the VJP's AddOuter row after row
// onto a zero gradient, at the speed of a register-blocked matrix product.

// outerSum gathers Σ_r a_r ⊗ b_r over rows appended in order (a_r of width
// na, b_r of width nb) and computes it at flush as the product Aᵀ·B, in
// chunks of rows sized so that a chunk of Aᵀ and of B stay in cache
// together (vec.MatMulAdd chunk after chunk: the same bits as one product).
type outerSum struct {
	na, nb int
	a, b   []float64 // appended rows
	rows   int
	na4    int       // na rounded up to whole blocks of four rows
	chunk  int       // rows per chunk
	at     []float64 // scratch: one chunk of Aᵀ, na4 × chunk (rows ≥ na stay zero)
	p      []float64 // scratch: the sum, na4 × nb
}

// outerChunk is the number of float64 values a chunk of Aᵀ and B may take
// together (256 KiB: inside the L2 cache of current cores).
const outerChunk = 1 << 15

func newOuterSum(na, nb, capRows int) outerSum {
	na4 := (na + 3) &^ 3
	chunk := max(8, outerChunk/(na4+nb)&^7)
	chunk = min(chunk, capRows)
	return outerSum{na: na, nb: nb, a: make([]float64, capRows*na), b: make([]float64, capRows*nb),
		na4: na4, chunk: chunk, at: make([]float64, na4*chunk), p: make([]float64, na4*nb)}
}

// add appends the n rows of a (n×na) and b (n×nb).
func (o *outerSum) add(a, b []float64, n int) {
	if (o.rows+n)*o.na > len(o.a) {
		panic("plrnn: tape used for more Backward rows than its steps × batch")
	}
	copy(o.a[o.rows*o.na:(o.rows+n)*o.na], a[:n*o.na])
	copy(o.b[o.rows*o.nb:(o.rows+n)*o.nb], b[:n*o.nb])
	o.rows += n
}

// flush sets dst (na×nb) = Σ_r a_r ⊗ b_r, each element summed from +0 in the
// order the rows were added, and starts a new sum.
func (o *outerSum) flush(dst []float64) {
	na, nb := o.na, o.nb
	if o.rows == 0 {
		return
	}
	clear(o.p)
	for r0 := 0; r0 < o.rows; r0 += o.chunk {
		R := min(o.chunk, o.rows-r0)
		at := o.at[:o.na4*R]
		for r := 0; r < R; r++ {
			for i, v := range o.a[(r0+r)*na : (r0+r+1)*na] {
				at[i*R+r] = v
			}
		}
		if R < o.chunk { // a shorter last chunk: the zero rows at its new stride
			clear(at[na*R:])
		}
		vec.MatMulAdd(o.p, at, o.b[r0*nb:(r0+R)*nb], o.na4, R, nb)
	}
	copy(dst[:na*nb], o.p[:na*nb])
	o.rows = 0
	clear(o.at[na*o.chunk:]) // restore the zero rows for the next flush's full chunks
}

// tapeBase holds what every PLRNN tape records: the steps' states and
// inputs, the parameter-cotangent accumulator and the batch geometry.
type tapeBase struct {
	c      *core
	s      int       // batch S
	x, u   []float64 // steps × S × M, steps × S × K
	acc    []float64 // accumulated parameter cotangent (len θ)
	tmp    []float64 // S × M scratch
	offset int       // offset of the deferred weight block in θ
}

func newTapeBase(c *core, steps, batch int) tapeBase {
	return tapeBase{c: c, s: batch,
		x: make([]float64, steps*batch*c.m), u: make([]float64, steps*batch*c.k),
		acc: make([]float64, len(c.theta)), tmp: make([]float64, batch*c.m)}
}

// record copies step k's inputs and returns the tape's copies.
func (b *tapeBase) record(k int, x, u []float64) (xk, uk []float64) {
	sm, sk := b.s*b.c.m, b.s*b.c.k
	if len(x) != sm || len(u) != sk {
		panic("plrnn: tape step batch does not match the tape's batch")
	}
	xk = b.x[k*sm : (k+1)*sm]
	copy(xk, x)
	if sk > 0 {
		uk = b.u[k*sk : (k+1)*sk]
		copy(uk, u)
	}
	return xk, uk
}

// recorded returns step k's states and inputs.
func (b *tapeBase) recorded(k int) (xk, uk []float64) {
	sm, sk := b.s*b.c.m, b.s*b.c.k
	xk = b.x[k*sm : (k+1)*sm]
	if sk > 0 {
		uk = b.u[k*sk : (k+1)*sk]
	}
	return xk, uk
}

// commit adds the accumulation to gtheta and clears it.
func (b *tapeBase) commit(gtheta []float64) {
	for i, v := range b.acc {
		gtheta[i] += v
	}
	clear(b.acc)
}

// NewTape returns the vanilla PLRNN's tape (models.Taper).
func (p *Vanilla) NewTape(steps, batch int) models.Tape {
	return &vanillaTape{tapeBase: newTapeBase(&p.core, steps, batch), p: p,
		w: newOuterSum(p.m, p.m, steps*batch), phi: make([]float64, batch*p.m), fwd: newForward(p.m, batch)}
}

// laneSplitFrom is the number of latents from which a tape's forward
// product W·φ runs as vec.LaneSplit's eight matrix products over the batch
// rather than as MatVec row by row (the same bits; below it the products are
// too narrow to gain).
const laneSplitFrom = 64

// forceLaneSplit makes newForward batch the forward product even without
// vector kernels (tests: the conformance suite covers both paths on every
// target).
var forceLaneSplit = false

// newForward returns the batched forward product for an M×M weight matrix,
// or nil where MatVec row by row is the faster: below laneSplitFrom, and
// without vector kernels (js/wasm), where the split's gathering is pure cost.
// forceLaneSplit lets the tests take the batched path anywhere.
func newForward(m, batch int) *vec.LaneSplit {
	if m < laneSplitFrom || !(vec.Vectorized() || forceLaneSplit) {
		return nil
	}
	return vec.NewLaneSplit(m, m, batch)
}

type vanillaTape struct {
	tapeBase
	p      *Vanilla
	w      outerSum  // Σ g ⊗ relu(z)
	phi    []float64 // S × M scratch
	fwd    *vec.LaneSplit
	loaded bool // fwd holds this window's W
}

// Forward is Vanilla.Step, with the batch's products W·relu(x) as one
// LaneSplit call for large M.
func (t *vanillaTape) Forward(k int, dst, x, u []float64) {
	x, u = t.record(k, x, u)
	if t.fwd == nil {
		t.p.Step(dst, x, u)
		return
	}
	p, m, S := t.p, t.p.m, t.s
	if len(dst) != S*m {
		panic("plrnn: tape step batch does not match the tape's batch")
	}
	if k == 0 || !t.loaded {
		t.fwd.Load(p.W)
		t.loaded = true
	}
	for i, v := range x {
		t.phi[i] = relu(v)
	}
	t.fwd.MatVecs(dst, t.phi, S)
	for r := 0; r < S; r++ {
		d := dst[r*m : (r+1)*m]
		p.finish(d, x[r*m:(r+1)*m], p.rowU(u, r), d)
	}
}

func (t *vanillaTape) Backward(k int, gx, g []float64) {
	p, m, S := t.p, t.p.m, t.s
	x, u := t.recorded(k)
	vec.MatMul(t.tmp, g[:S*m], p.W, S, m, m) // rows Wᵀg_r
	for r := 0; r < S; r++ {
		z, gr, tr := x[r*m:(r+1)*m], g[r*m:(r+1)*m], t.tmp[r*m:(r+1)*m]
		out, phi := gx[r*m:(r+1)*m], t.phi[r*m:(r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + float64(step01(z[i])*tr[i])
			phi[i] = relu(z[i])
		}
		p.backCommon(t.acc, z, p.rowU(u, r), gr)
	}
	t.w.add(g, t.phi, S)
}

func (t *vanillaTape) Gradient(gtheta []float64) {
	t.w.flush(block(t.acc, t.p.offW, t.p.m*t.p.m))
	t.commit(gtheta)
}

// NewTape returns the dendritic PLRNN's tape (models.Taper). It keeps each
// step's basis expansion φ(z) and active-basis counts.
func (p *Dendritic) NewTape(steps, batch int) models.Tape {
	n := steps * batch * p.m
	p.d0, p.d1 = grow(p.d0, p.m*(p.B+1)), grow(p.d1, p.m*(p.B+1)) // the Backward difference arrays, sized before the hot loop
	return &dendriticTape{tapeBase: newTapeBase(&p.core, steps, batch), p: p,
		w: newOuterSum(p.m, p.m, steps*batch), phi: make([]float64, n), kk: make([]int32, n), fwd: newForward(p.m, batch)}
}

type dendriticTape struct {
	tapeBase
	p   *Dendritic
	w   outerSum  // Σ g ⊗ φ(z)
	phi []float64 // steps × S × M: φ(z)
	kk  []int32   // steps × S × M: active bases per unit

	prepared bool // the threshold tables (and fwd's W) were read for this window
	fwd      *vec.LaneSplit
}

// Forward computes dst = A⊙x + W φ(x) + h + C u exactly as Step does,
// keeping φ and the active-basis counts.
func (t *dendriticTape) Forward(k int, dst, x, u []float64) {
	p, m, S := t.p, t.p.m, t.s
	x, u = t.record(k, x, u)
	if len(dst) != S*m {
		panic("plrnn: tape step batch does not match the tape's batch")
	}
	if k == 0 || !t.prepared {
		p.prepare() // the window's threshold tables, read once (see models.Tape)
		if t.fwd != nil {
			t.fwd.Load(p.W)
		}
		t.prepared = true
	}
	nb1 := p.B + 1
	phi, kk := t.phi[k*S*m:(k+1)*S*m], t.kk[k*S*m:(k+1)*S*m]
	for r := 0; r < S; r++ {
		z, ph, kr := x[r*m:(r+1)*m], phi[r*m:(r+1)*m], kk[r*m:(r+1)*m]
		p.activeRow(kr, z)
		for i, zi := range z {
			q := int(kr[i])
			s := float64(zi*p.cumA[i*nb1+q]) - p.cumAT[i*nb1+q]
			if p.Clipped && zi > 0 {
				s -= float64(p.sumAlpha * zi)
			}
			ph[i] = s
		}
		if t.fwd == nil {
			d := dst[r*m : (r+1)*m]
			vec.MatVec(d, p.W, m, m, ph)
			p.finish(d, z, p.rowU(u, r), d)
		}
	}
	if t.fwd != nil {
		t.fwd.MatVecs(dst, phi, S)
		for r := 0; r < S; r++ {
			d := dst[r*m : (r+1)*m]
			p.finish(d, x[r*m:(r+1)*m], p.rowU(u, r), d)
		}
	}
}

// Backward is Dendritic.VJP on the recorded step with the state cotangent
// of all rows as one product and the W gradient deferred to Gradient.
func (t *dendriticTape) Backward(k int, gx, g []float64) {
	p, m, nb, S := t.p, t.p.m, t.p.B, t.s
	nb1 := nb + 1
	x, u := t.recorded(k)
	phi, kk := t.phi[k*S*m:(k+1)*S*m], t.kk[k*S*m:(k+1)*S*m]
	clear(p.d0)
	clear(p.d1)
	vec.MatMul(t.tmp, g[:S*m], p.W, S, m, m) // rows v_r = Wᵀg_r
	var clip float64
	for r := 0; r < S; r++ {
		z, gr, v := x[r*m:(r+1)*m], g[r*m:(r+1)*m], t.tmp[r*m:(r+1)*m]
		kr, out := kk[r*m:(r+1)*m], gx[r*m:(r+1)*m]
		for i, zi := range z {
			vi := v[i]
			j := i*nb1 + int(kr[i])
			a := p.cumA[j]
			if p.Clipped && zi > 0 {
				a -= p.sumAlpha
				clip += float64(vi * zi)
			}
			out[i] = float64(p.A[i]*gr[i]) + float64(a*vi)
			p.d0[j] += vi
			p.d1[j] += float64(vi * zi)
		}
		p.backCommon(t.acc, z, p.rowU(u, r), gr)
	}
	t.w.add(g, phi, S)
	p.basisGradient(t.acc, clip)
}

func (t *dendriticTape) Gradient(gtheta []float64) {
	t.w.flush(block(t.acc, t.p.offW, t.p.m*t.p.m))
	t.commit(gtheta)
}

// NewTape returns the shallow PLRNN's tape (models.Taper). It keeps each
// step's hidden pre-activations W₂z and activities.
func (p *Shallow) NewTape(steps, batch int) models.Tape {
	n := steps * batch * p.L
	return &shallowTape{tapeBase: newTapeBase(&p.core, steps, batch), p: p,
		w1: newOuterSum(p.m, p.L, steps*batch), w2: newOuterSum(p.L, p.m, steps*batch),
		pre: make([]float64, n), act: make([]float64, n), gs: make([]float64, batch*p.L)}
}

type shallowTape struct {
	tapeBase
	p        *Shallow
	w1, w2   outerSum  // Σ g ⊗ act, Σ (d⊙W₁ᵀg) ⊗ z
	pre, act []float64 // steps × S × L: W₂z and the hidden activity
	gs       []float64 // S × L scratch
}

func (t *shallowTape) Forward(k int, dst, x, u []float64) {
	p, m, L, S := t.p, t.p.m, t.p.L, t.s
	x, u = t.record(k, x, u)
	if len(dst) != S*m {
		panic("plrnn: tape step batch does not match the tape's batch")
	}
	pre, act := t.pre[k*S*L:(k+1)*S*L], t.act[k*S*L:(k+1)*S*L]
	for r := 0; r < S; r++ {
		z := x[r*m : (r+1)*m]
		p.hidden(z)
		copy(pre[r*L:(r+1)*L], p.s)
		copy(act[r*L:(r+1)*L], p.act)
		d := dst[r*m : (r+1)*m]
		vec.MatVec(d, p.W1, m, L, p.act)
		p.finish(d, z, p.rowU(u, r), d)
	}
}

func (t *shallowTape) Backward(k int, gx, g []float64) {
	p, m, L, S := t.p, t.p.m, t.p.L, t.s
	x, u := t.recorded(k)
	pre, act := t.pre[k*S*L:(k+1)*S*L], t.act[k*S*L:(k+1)*S*L]
	vec.MatMul(t.gs, g[:S*m], p.W1, S, m, L) // rows W₁ᵀg_r
	gh2, h2 := block(t.acc, p.offH2, L)[:L], p.H2[:L]
	for r := 0; r < S; r++ {
		gs, sl := t.gs[r*L:(r+1)*L], pre[r*L:(r+1)*L]
		for l, v := range gs {
			gh2[l] += float64(step01(sl[l]+h2[l]) * v)
		}
		if p.Clipped {
			for l, sv := range sl {
				gs[l] = float64((step01(sv+h2[l]) - step01(sv)) * gs[l])
			}
		} else {
			for l, sv := range sl {
				gs[l] = float64(step01(sv+h2[l]) * gs[l])
			}
		}
	}
	t.w1.add(g, act, S)
	vec.MatMul(t.tmp, t.gs, p.W2, S, L, m) // rows W₂ᵀ(d⊙W₁ᵀg_r)
	for r := 0; r < S; r++ {
		z, gr, gz, out := x[r*m:(r+1)*m], g[r*m:(r+1)*m], t.tmp[r*m:(r+1)*m], gx[r*m:(r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + gz[i]
		}
		p.backCommon(t.acc, z, p.rowU(u, r), gr)
	}
	t.w2.add(t.gs, x, S)
}

func (t *shallowTape) Gradient(gtheta []float64) {
	p := t.p
	t.w1.flush(block(t.acc, p.offW1, p.m*p.L))
	t.w2.flush(block(t.acc, p.offW2, p.L*p.m))
	t.commit(gtheta)
}
