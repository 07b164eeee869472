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
// na, b_r of width nb) and computes it at flush as the product Aᵀ·B with
// vec.MatTMulAdd, which reads A as gathered (rows padded with zeros to na4,
// a multiple of four, so every row block runs in the vector kernel), in
// chunks of rows sized for the L1 cache (chunk after chunk onto a zero sum:
// the same bits as one product). The rows of B are not copied when the caller keeps them
// unchanged until flush (the tapes' own records): consecutive calls whose
// rows lie one after another in memory form one run of B.
type outerSum struct {
	na, nb int
	na4    int       // na rounded up to whole blocks of four
	a      []float64 // appended rows of A, stride na4 (the padding stays zero)
	rows   int
	own    []float64 // copies of B's rows the caller does not keep
	runs   [][]float64
	chunk  int       // rows per chunk
	p      []float64 // scratch: the sum, na4 × nb
}

// outerChunk is the number of rows of a chunk: MatTMulAdd's four-row by
// eight-column block reads one line of A and one or two of B per row, so
// 128 rows (at most 24 KiB) stay in a 32 KiB L1 cache for the block and the
// next, whatever M; longer chunks made the kernel wait on L2 (M = 50:
// 4.4 GFLOP/s with 320 rows against 6.5 with 128, on a loaded machine).
const outerChunk = 128

func newOuterSum(na, nb, capRows int) outerSum {
	na4 := (na + 3) &^ 3
	chunk := outerChunk
	return outerSum{na: na, nb: nb, na4: na4, a: make([]float64, capRows*na4), own: make([]float64, capRows*nb),
		runs: make([][]float64, 0, capRows), chunk: chunk, p: make([]float64, na4*nb)}
}

// add appends the n rows of a (n×na) and b (n×nb). With keep, b's rows are
// read at flush where they are (they must not change until then);
// otherwise they are copied.
func (o *outerSum) add(a, b []float64, n int, keep bool) {
	na, nb, na4 := o.na, o.nb, o.na4
	if (o.rows+n)*na4 > len(o.a) {
		panic("plrnn: tape used for more Backward rows than its steps × batch")
	}
	if na == na4 {
		copy(o.a[o.rows*na4:(o.rows+n)*na4], a[:n*na])
	} else {
		for r := 0; r < n; r++ {
			copy(o.a[(o.rows+r)*na4:(o.rows+r)*na4+na], a[r*na:(r+1)*na])
		}
	}
	rb := b[:n*nb]
	if !keep {
		rb = o.own[o.rows*nb : (o.rows+n)*nb]
		copy(rb, b[:n*nb])
	}
	o.rows += n
	if len(rb) == 0 {
		return
	}
	if l := len(o.runs) - 1; l >= 0 {
		last := o.runs[l]
		if cap(last) > len(last) && &last[:len(last)+1][len(last)] == &rb[0] { // rb follows last in memory
			o.runs[l] = last[:len(last)+len(rb)]
			return
		}
	}
	o.runs = append(o.runs, rb)
}

// flush sets dst (na×nb) = Σ_r a_r ⊗ b_r, each element summed from +0 in the
// order the rows were added, and starts a new sum.
func (o *outerSum) flush(dst []float64) {
	na, nb, na4 := o.na, o.nb, o.na4
	if o.rows == 0 {
		return
	}
	clear(o.p)
	r0 := 0
	for _, run := range o.runs {
		R := len(run) / nb
		for c0 := 0; c0 < R; c0 += o.chunk {
			c := min(o.chunk, R-c0)
			vec.MatTMulAdd(o.p, o.a[(r0+c0)*na4:(r0+c0+c)*na4], run[c0*nb:(c0+c)*nb], na4, c, nb)
		}
		r0 += R
	}
	copy(dst[:na*nb], o.p[:na*nb])
	o.rows = 0
	clear(o.runs) // drop the references to the tape's records
	o.runs = o.runs[:0]
}

// tapeBase holds what every PLRNN tape records: the steps' states and
// inputs, the parameter-cotangent accumulator and the batch geometry.
type tapeBase struct {
	c      *core
	s      int // batch S
	steps  int
	x, u   []float64   // steps × S × M, steps × S × K, by slot
	byRef  bool        // record references to the caller's inputs (models.Referencer)
	xs, us [][]float64 // by slot, when byRef
	acc    []float64   // accumulated parameter cotangent (len θ)
	tmp    []float64   // S × M scratch
	offset int         // offset of the deferred weight block in θ
}

func newTapeBase(c *core, steps, batch int) tapeBase {
	return tapeBase{c: c, s: batch, steps: steps, xs: make([][]float64, steps), us: make([][]float64, steps),
		x: make([]float64, steps*batch*c.m), u: make([]float64, steps*batch*c.k),
		acc: make([]float64, len(c.theta)), tmp: make([]float64, batch*c.m)}
}

// slot is where the tape keeps step k's records: steps − 1 − k, so that
// BPTT's Backward calls, from the last step to the first, read the records
// in increasing order of memory and outerSum takes their rows as one run.
func (b *tapeBase) slot(k int) int {
	if k < 0 || k >= b.steps {
		panic("plrnn: tape step out of range")
	}
	return b.steps - 1 - k
}

// record copies step k's inputs and returns the tape's copies.
func (b *tapeBase) record(k int, x, u []float64) (xk, uk []float64) {
	sm, sk := b.s*b.c.m, b.s*b.c.k
	if len(x) != sm || len(u) != sk {
		panic("plrnn: tape step batch does not match the tape's batch")
	}
	k = b.slot(k)
	if b.byRef {
		b.xs[k], b.us[k] = x, u
		return x, u
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
	k = b.slot(k)
	if b.byRef {
		return b.xs[k], b.us[k]
	}
	xk = b.x[k*sm : (k+1)*sm]
	if sk > 0 {
		uk = b.u[k*sk : (k+1)*sk]
	}
	return xk, uk
}

// RecordByReference makes Forward keep the caller's x and u instead of
// copies (models.Referencer): they must stay unchanged until Gradient. The
// tape's own copies are then not needed.
func (b *tapeBase) RecordByReference() {
	b.byRef = true
	b.x, b.u = nil, nil
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
	t.w.add(g, t.phi, S, false)
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
	sl := t.slot(k)
	phi, kk := t.phi[sl*S*m:(sl+1)*S*m], t.kk[sl*S*m:(sl+1)*S*m]
	cumA, cumAT, clipped, sumAlpha := p.cumA[:m*nb1], p.cumAT[:m*nb1], p.Clipped, p.sumAlpha
	for r := 0; r < S; r++ {
		z := x[r*m : (r+1)*m]
		ph, kr := phi[r*m : (r+1)*m][:len(z)], kk[r*m : (r+1)*m][:len(z)]
		p.activeRow(kr, z)
		for i, zi := range z {
			j := i*nb1 + int(kr[i])
			s := float64(zi*cumA[j]) - cumAT[j]
			if clipped && zi > 0 {
				s -= float64(sumAlpha * zi)
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
	sl := t.slot(k)
	phi, kk := t.phi[sl*S*m:(sl+1)*S*m], t.kk[sl*S*m:(sl+1)*S*m]
	clear(p.d0)
	clear(p.d1)
	vec.MatMul(t.tmp, g[:S*m], p.W, S, m, m) // rows v_r = Wᵀg_r
	var clip float64
	A, cumA, d0, d1 := p.A[:m], p.cumA[:m*nb1], p.d0[:m*nb1], p.d1[:m*nb1]
	ga, gh := block(t.acc, p.offA, m), block(t.acc, p.offH, m)
	clipped, sumAlpha := p.Clipped, p.sumAlpha
	for r := 0; r < S; r++ {
		z := x[r*m : (r+1)*m]
		gr, v := g[r*m : (r+1)*m][:len(z)], t.tmp[r*m : (r+1)*m][:len(z)]
		kr, out := kk[r*m : (r+1)*m][:len(z)], gx[r*m : (r+1)*m][:len(z)]
		A, ga, gh := A[:len(z)], ga[:len(z)], gh[:len(z)]
		for i, zi := range z {
			vi, gi := v[i], gr[i]
			j := i*nb1 + int(kr[i])
			a := cumA[j]
			if clipped && zi > 0 {
				a -= sumAlpha
				clip += float64(vi * zi)
			}
			out[i] = float64(A[i]*gi) + float64(a*vi)
			d0[j] += vi
			d1[j] += float64(vi * zi)
			ga[i] += float64(gi * zi) // backCommon's terms, fused: the same operations per element
			gh[i] += gi
		}
		if p.k > 0 {
			vec.AddOuter(block(t.acc, p.offC, m*p.k), gr, p.rowU(u, r))
		}
	}
	t.w.add(g, phi, S, true)
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
	sl := t.slot(k)
	pre, act := t.pre[sl*S*L:(sl+1)*S*L], t.act[sl*S*L:(sl+1)*S*L]
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
	sl := t.slot(k)
	pre, act := t.pre[sl*S*L:(sl+1)*S*L], t.act[sl*S*L:(sl+1)*S*L]
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
	t.w1.add(g, act, S, true)
	vec.MatMul(t.tmp, t.gs, p.W2, S, L, m) // rows W₂ᵀ(d⊙W₁ᵀg_r)
	for r := 0; r < S; r++ {
		z, gr, gz, out := x[r*m:(r+1)*m], g[r*m:(r+1)*m], t.tmp[r*m:(r+1)*m], gx[r*m:(r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + gz[i]
		}
		p.backCommon(t.acc, z, p.rowU(u, r), gr)
	}
	t.w2.add(t.gs, x, S, !t.byRef) // the tape's own records form one run; the caller's need not
}

func (t *shallowTape) Gradient(gtheta []float64) {
	p := t.p
	t.w1.flush(block(t.acc, p.offW1, p.m*p.L))
	t.w2.flush(block(t.acc, p.offW2, p.L*p.m))
	t.commit(gtheta)
}
