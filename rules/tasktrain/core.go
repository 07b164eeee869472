package tasktrain

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// Skipping is the state-mixing rule of one forward pass (the reference's
// compute_uall with skip and ratio).
type Skipping struct {
	// Theta is the block length θ; blocks start at every epoch start.
	// Theta ≤ 1 or Beta = 1 means no mixing (base BPTT).
	Theta int
	// Beta is β in u ← β u + (1 − β) s at the end of every block.
	Beta float64
	// DASC makes s = u_block-start + θ·Δu (a coarse Euler step); otherwise
	// s = u_block-start (SCTT).
	DASC bool
	// Corrected takes DASC's Δu at the block start itself; the reference
	// takes the derivative of the step before the previous mix (and, for the
	// first block of an epoch, of an extra evaluation with the next noise
	// sample).
	Corrected bool
}

func (k Skipping) mixing() bool { return k.Theta > 1 && k.Beta != 1 }

// Penalties of the reference (ureg, wreg).
const (
	ActivityPenalty = 1e-5
	WeightPenalty   = 1e-5
)

// work is the scratch memory of one worker: the tape of one training
// forward pass and the buffers of an evaluation. It holds no state of a
// network, so any worker can step any network with the same result.
type work struct {
	N, S int
	// tape
	X    []float64 // (R+1)·S·N states; X[k] enters recorded step k
	P    []float64 // R·S·N: f′(pre) of step k
	G    []float64 // R·S·N: dL/dX[k+1], then the pre-activation cotangents of step k
	P0   []float64 // epochs·S·N: f′ of the priming evaluations (reference DASC)
	X0   []int     // epoch start indices
	Y    []float64 // R·S·Q readouts
	GY   []float64
	O    []float64 // R·S·Nout readout units
	GO   []float64
	GZT  []float64 // Q·(R·S) transposed readout cotangents
	GT   []float64 // N·chunk transposed pre-activation cotangents
	pre  []float64 // S·N
	du   []float64 // S·N
	eta  []float64 // S·N
	s    []float64 // S·N skip state
	gu   []float64 // S·N
	gs   []float64 // S·N
	tmp  []float64 // S·N
	H    [][]float64
	HW   []float64 // S·Nin per epoch
	Weff []float64 // N·N
	WT   []float64 // N·N
	WinT []float64 // K·Nin
	WoT  []float64 // Nout·Q
	gWe  []float64 // pad4(N)·N: gW_eff and zero padding rows
	gWoP []float64 // pad4(Q)·Nout: gW_out with padding rows
	ghin []float64 // S·Nin
	c    []float64 // N: T⁻¹·dt
	// WTp, Weffp hold WT and Weff as column panels when panelled (large N;
	// see usePanels), Xp one chunk of states of the weight gradient.
	WTp, Weffp, Xp panels
	panelled       bool
	// onRecord, if set, sees every recorded state of an evaluation.
	onRecord func(x []float64)
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// prepare sizes the scratch for S rows of network n and, taped, R recorded
// steps in E epochs; it copies the effective and transposed weights.
func (w *work) prepare(n *leaky.Net, S, R, E int, taped bool) {
	N := n.N
	w.N, w.S = N, S
	SN := S * N
	if taped {
		w.X = grow(w.X, (R+1)*SN)
		w.P = grow(w.P, R*SN)
		w.G = grow(w.G, R*SN)
		w.P0 = grow(w.P0, E*SN)
		w.GY = grow(w.GY, R*S*n.Q)
		w.GO = grow(w.GO, R*S*n.Nout)
		w.GZT = grow(w.GZT, R*S*n.Q)
		w.O = grow(w.O, R*S*n.Nout)
	} else {
		w.X = grow(w.X, 2*SN)
		w.O = grow(w.O, S*n.Nout)
	}
	w.Y = grow(w.Y, R*S*n.Q)
	for _, p := range []*[]float64{&w.pre, &w.du, &w.eta, &w.s, &w.gu, &w.gs, &w.tmp} {
		*p = grow(*p, SN)
	}
	w.HW = grow(w.HW, (E+1)*S*n.Nin)
	w.ghin = grow(w.ghin, S*n.Nin)
	w.Weff = grow(w.Weff, N*N)
	w.WT = grow(w.WT, N*N)
	w.gWe = grow(w.gWe, pad4(N)*N) // rows padded to a multiple of four (backward)
	w.WinT = grow(w.WinT, n.K*n.Nin)
	w.WoT = grow(w.WoT, n.Nout*n.Q)
	n.EffectiveW(w.Weff)
	transpose(w.WT, w.Weff, N, N)
	w.panelled = usePanels(N, N)
	if w.panelled {
		w.WTp.pack(w.WT, N, N)
		w.Weffp.pack(w.Weff, N, N)
	}
	transpose(w.WinT, n.Win, n.Nin, n.K)
	transpose(w.WoT, n.Wout, n.Q, n.Nout)
}

// pad4 rounds n up to a multiple of four, the vector kernel's block of rows.
func pad4(n int) int { return (n + 3) &^ 3 }

// transpose sets dst (c×r) = srcᵀ for src r×c: four rows of src at a
// time, each column of the four written as four consecutive elements.
func transpose(dst, src []float64, r, c int) {
	dst, src = dst[:r*c], src[:r*c]
	i := 0
	for ; i+4 <= r; i += 4 {
		s0 := src[i*c : (i+1)*c]
		s1 := src[(i+1)*c : (i+2)*c][:len(s0)]
		s2 := src[(i+2)*c : (i+3)*c][:len(s0)]
		s3 := src[(i+3)*c : (i+4)*c][:len(s0)]
		for j, v := range s0 {
			d := dst[j*r+i : j*r+i+4]
			d[0], d[1], d[2], d[3] = v, s1[j], s2[j], s3[j]
		}
	}
	for ; i < r; i++ {
		for j, v := range src[i*c : (i+1)*c] {
			dst[j*r+i] = v
		}
	}
}

// inputDrive sets h (S×Nin) = W_in·in for the S input rows of one epoch.
func (w *work) inputDrive(n *leaky.Net, h, in []float64) {
	vec.MatMul(h, in, w.WinT, w.S, n.K, n.Nin)
}

// eval computes one evaluation of the vector field for the S rows of x:
// du = (T⁻¹(−x + f(pre)))·dt with pre = ((W x + b) + 0.1η) + h, writing du
// into w.du, next = x + du when next is non-nil and f′(pre) into fp when fp
// is non-nil; then advances η.
func (w *work) eval(n *leaky.Net, x, next, h []float64, dt float64, ou leaky.OU, fp []float64, r *rng.Rand) {
	N, S, Nin := n.N, w.S, n.Nin
	if w.panelled {
		w.WTp.mul(w.pre, x, S, false)
	} else {
		vec.MatMul(w.pre, x, w.WT, S, N, N)
	}
	if n.Act == leaky.ReLU {
		for s := 0; s < S; s++ {
			o := s * N
			w.evalReLU(n, x[o:o+N], next, fp, o, h[s*Nin:(s+1)*Nin], 0, Nin, dt)
			w.evalReLU(n, x[o:o+N], next, fp, o, nil, Nin, N, dt)
		}
		ou.Advance(w.eta, r)
		return
	}
	for s := 0; s < S; s++ {
		o := s * N
		for i := 0; i < N; i++ {
			p := (w.pre[o+i] + n.B[i]) + float64(0.1*w.eta[o+i])
			if i < Nin {
				p += h[s*Nin+i]
			}
			v := -x[o+i] + n.F(p)
			if fp != nil {
				fp[o+i] = n.DF(p)
			}
			du := float64(float64(n.Tinv[i]*v) * dt)
			w.du[o+i] = du
			if next != nil {
				next[o+i] = x[o+i] + du
			}
		}
	}
	ou.Advance(w.eta, r)
}

// one is the bits of 1.0.
const one = 0x3ff0000000000000

// evalReLU is eval's element loop for f = ReLU on units [lo, hi) of the row
// of x at offset o in the batch (xr = that row), with drive h (units [lo,
// hi) of it) when non-nil: the same operations as the general loop (f(p) =
// p for p > 0 else +0, f′ = 1 or 0), without the calls.
func (w *work) evalReLU(n *leaky.Net, xr, next, fp []float64, o int, h []float64, lo, hi int, dt float64) {
	if lo >= hi {
		return
	}
	cnt := hi - lo
	pre, eta, du := w.pre[o+lo:o+hi], w.eta[o+lo:o+hi], w.du[o+lo:o+hi]
	B, Tinv, x := n.B[lo:hi], n.Tinv[lo:hi], xr[lo:hi]
	pre, eta, du, B, Tinv, x = pre[:cnt], eta[:cnt], du[:cnt], B[:cnt], Tinv[:cnt], x[:cnt]
	var f1, nx []float64
	if fp != nil {
		f1 = fp[o+lo : o+hi][:cnt]
	}
	if next != nil {
		nx = next[o+lo : o+hi][:cnt]
	}
	if h != nil {
		h = h[:cnt]
	}
	for i := range cnt {
		p := (pre[i] + B[i]) + float64(0.1*eta[i])
		if h != nil {
			p += h[i]
		}
		// f = p, f′ = 1 where p > 0, else +0 and +0, by a mask rather than a
		// branch (the sign of p is a coin flip the predictor cannot learn).
		var m uint64
		if p > 0 {
			m = ^uint64(0)
		}
		f := math.Float64frombits(math.Float64bits(p) & m)
		d := math.Float64frombits(one & m)
		v := -x[i] + f
		if f1 != nil {
			f1[i] = d
		}
		dv := float64(float64(Tinv[i]*v) * dt)
		du[i] = dv
		if nx != nil {
			nx[i] = x[i] + dv
		}
	}
}

// epoch runs T steps from the state at slot 0 of xs (slots of S·N; slot t
// holds the state after t steps when taped, else slots alternate), with
// drive h, mixing k. fp (taped) receives f′ of step t at fp[t·S·N:]; p0
// receives f′ of the priming evaluation. onStep, if non-nil, is called with
// each new state.
func (w *work) epoch(n *leaky.Net, xs []float64, taped bool, T int, h []float64, dt float64, ou leaky.OU,
	k Skipping, fp, p0 []float64, r *rng.Rand, onStep func(t int, x []float64)) []float64 {
	SN := w.S * n.N
	slot := func(t int) []float64 {
		if !taped {
			t &= 1
		}
		return xs[t*SN : (t+1)*SN]
	}
	mix := k.mixing()
	// The reference's priming evaluation: its Δu seeds DASC's first skip
	// state; in every scheme it advances η once.
	x := slot(0)
	if mix && k.DASC && !k.Corrected {
		w.eval(n, x, nil, h, dt, ou, p0, r)
	} else {
		ou.Advance(w.eta, r) // Δu unused: only the noise step matters
	}
	th := float64(k.Theta)
	if mix {
		if k.DASC && !k.Corrected {
			for i, v := range x {
				w.s[i] = v + float64(th*w.du[i])
			}
		} else {
			copy(w.s, x)
		}
	}
	for t := 0; t < T; t++ {
		x = slot(t)
		var f []float64
		if taped {
			f = fp[t*SN : (t+1)*SN]
		}
		next := slot(t + 1)
		w.eval(n, x, next, h, dt, ou, f, r)
		if mix && k.DASC && k.Corrected && t%k.Theta == 0 {
			for i, v := range x {
				w.s[i] = v + float64(th*w.du[i])
			}
		}
		if mix && t%k.Theta == k.Theta-1 {
			b, c := k.Beta, 1-k.Beta
			for i, v := range next {
				next[i] = float64(b*v) + float64(c*w.s[i])
			}
			switch {
			case !k.DASC:
				copy(w.s, next)
			case !k.Corrected:
				for i, v := range next {
					w.s[i] = v + float64(th*w.du[i])
				}
			}
		}
		if onStep != nil {
			onStep(t, next)
		}
	}
	return slot(T)
}

// forward runs the warm-up and the recorded epochs of batch b for network n
// at step dt, taped, from zero states and η₀ ~ N(0,1) drawn from r. It fills
// w.X, w.P, w.P0, w.Y and returns the recorded length R.
func (w *work) forward(n *leaky.Net, b *cogtask.Batch, dt float64, k Skipping, r *rng.Rand) int {
	S, N := b.Trials, n.N
	R, E := b.Recorded(), len(b.Steps)
	w.prepare(n, S, R, E, true)
	SN := S * N
	ou := leaky.NewOU(dt, n.Tau)
	clear(w.X[:2*SN])
	ou.Start(w.eta, r)
	hw := w.HW[E*S*n.Nin:]
	w.inputDrive(n, hw, b.WarmInput)
	last := w.epoch(n, w.X[:2*SN], false, b.Warmup, hw, dt, ou, k, nil, nil, r, nil)
	copy(w.X[:SN], last)
	w.X0 = w.X0[:0]
	k0 := 0
	for e, T := range b.Steps {
		h := w.HW[e*S*n.Nin : (e+1)*S*n.Nin]
		w.inputDrive(n, h, b.Input[e])
		w.X0 = append(w.X0, k0)
		w.epoch(n, w.X[k0*SN:(k0+T+1)*SN], true, T, h, dt, ou, k, w.P[k0*SN:(k0+T)*SN], w.P0[e*SN:(e+1)*SN], r, nil)
		k0 += T
	}
	// Readout of every recorded state in one product.
	no, Q := n.Nout, n.Q
	for t := 0; t < R*S; t++ {
		copy(w.O[t*no:(t+1)*no], w.X[SN+t*N+n.Nin:SN+t*N+n.Nin+no])
	}
	vec.MatMul(w.Y[:R*S*Q], w.O[:R*S*no], w.WoT, R*S, no, Q)
	vec.Sigmoids(w.Y[:R*S*Q])
	return R
}

// lossGrad runs forward and backward for batch b: it returns the reference's
// loss (task loss + 1e-5·mean|u| + 1e-5·mean|W̃|) and, when g is non-nil,
// adds its gradient with respect to θ to g.
func (w *work) lossGrad(n *leaky.Net, b *cogtask.Batch, dt float64, k Skipping, r *rng.Rand, g []float64) float64 {
	R := w.forward(n, b, dt, k, r)
	S, N, Q, no, Nin := b.Trials, n.N, n.Q, n.Nout, n.Nin
	SN := S * N
	gy := w.GY[:R*S*Q]
	clear(gy)
	loss := b.Loss(w.Y[:R*S*Q], gy)
	// activity penalty over the recorded states
	xs := w.X[SN : (R+1)*SN]
	cnt := float64(len(xs))
	act := 0.0
	for _, v := range xs {
		if v < 0 {
			act -= v
		} else {
			act += v
		}
	}
	loss += ActivityPenalty * (act / cnt)
	wsum := 0.0
	for _, v := range n.W {
		if v < 0 {
			wsum -= v
		} else {
			wsum += v
		}
	}
	loss += WeightPenalty * (wsum / float64(N*N))
	if g == nil {
		return loss
	}
	gW := g[:N*N]
	gWout := g[N*N+N+Nin*n.K:]
	// weight penalty: sign(W̃)·1e-5/N² (sign(0) = 0)
	wp := WeightPenalty / float64(N*N)
	for i, v := range n.W {
		if v > 0 {
			gW[i] += wp
		} else if v < 0 {
			gW[i] -= wp
		}
	}
	// readout: gz = gy·y(1−y); gO = gz·W_out; gW_out += gzᵀ·O
	RS := R * S
	for i, y := range w.Y[:RS*Q] {
		gy[i] = float64(gy[i] * float64(y*(1-y)))
	}
	vec.MatMul(w.GO[:RS*no], gy, n.Wout, RS, Q, no)
	// gW_out += gzᵀ·O over the window, in chunks of rows so that the chunk
	// of O stays in cache (MatMulAdd's chunks give the one product's bits).
	// The Q rows are padded with zero rows to a multiple of four (Qp), so the
	// whole product runs in the vector kernel; the padding rows are dropped.
	const chunk = 500
	Qp := pad4(Q)
	w.GZT = grow(w.GZT, Qp*min(chunk, RS))
	w.gWoP = grow(w.gWoP, Qp*no)
	copy(w.gWoP, gWout)
	clear(w.gWoP[Q*no:])
	for r0 := 0; r0 < RS; r0 += chunk {
		m := min(chunk, RS-r0)
		transpose(w.GZT[:Q*m], gy[r0*Q:(r0+m)*Q], m, Q)
		clear(w.GZT[Q*m : Qp*m])
		vec.MatMulAdd(w.gWoP, w.GZT[:Qp*m], w.O[r0*no:(r0+m)*no], Qp, m, no)
	}
	copy(gWout, w.gWoP[:Q*no])
	// dL/dX[k+1] into G
	G := w.G[:R*SN]
	ap := ActivityPenalty / cnt
	for i, v := range xs {
		switch {
		case v > 0:
			G[i] = ap
		case v < 0:
			G[i] = -ap
		default:
			G[i] = 0
		}
	}
	for t := 0; t < RS; t++ {
		dst := G[t*N+Nin : t*N+Nin+no]
		for j, v := range w.GO[t*no : (t+1)*no] {
			dst[j] += v
		}
	}
	w.backward(n, b, dt, k, g)
	return loss
}

// evaluate runs batch b through network n at its own step without mixing or
// gradient (the reference's evalA/B/C: warm-up, then the recorded epochs,
// noise on) and scores the readout.
func (w *work) evaluate(n *leaky.Net, t *cogtask.Task, b *cogtask.Batch, r *rng.Rand) cogtask.Score {
	S, N := b.Trials, n.N
	R, E := b.Recorded(), len(b.Steps)
	w.prepare(n, S, R, E, false)
	SN := S * N
	dt := n.Dt
	ou := leaky.NewOU(dt, n.Tau)
	clear(w.X[:2*SN])
	ou.Start(w.eta, r)
	hw := w.HW[E*S*n.Nin:]
	w.inputDrive(n, hw, b.WarmInput)
	x := w.X[:2*SN]
	last := w.epoch(n, x, false, b.Warmup, hw, dt, ou, Skipping{}, nil, nil, r, nil)
	copy(x[:SN], last)
	no, Q := n.Nout, n.Q
	k0 := 0
	record := func(t int, st []float64) {
		for s := 0; s < S; s++ {
			copy(w.O[s*no:(s+1)*no], st[s*N+n.Nin:s*N+n.Nin+no])
		}
		y := w.Y[(k0+t)*S*Q : (k0+t+1)*S*Q]
		vec.MatMul(y, w.O[:S*no], w.WoT, S, no, Q)
		if w.onRecord != nil {
			w.onRecord(st)
		}
		vec.Sigmoids(y)
	}
	for e, T := range b.Steps {
		h := w.HW[e*S*n.Nin : (e+1)*S*n.Nin]
		w.inputDrive(n, h, b.Input[e])
		last = w.epoch(n, x, false, T, h, dt, ou, Skipping{}, nil, nil, r, record)
		copy(x[:SN], last)
		k0 += T
	}
	return t.Score(b, w.Y[:R*S*Q])
}
