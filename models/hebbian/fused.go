package hebbian

import (
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// The step and its VJP, one row (one network) at a time, written so that
// each pass reads the M×M matrices W, α and Hebb once from memory: row i of
// the effective weights W + α ⊙ Hebb is formed in a scratch row (M values,
// in cache), its product with h is a kernel/vec reduction (vec.Dot, the
// package's lane order, vectorised on amd64), and row i of the next trace is
// written while row i of Hebb is still in cache. The VJP likewise needs row i
// of the trace's cotangent G only: with acc_i = Σ_j G_ij h_j (vec.Dot),
//
//	ga_i  = (gh'_i + η m acc_i) φ'_i
//	gh_j += η m h'_i G_ij + ga_i (W_ij + α_ij Hebb_ij)
//	gHebb_ij = (1 − η) G_ij + ga_i α_ij h_j
//	gW_ij += ga_i h_j,  gα_ij += ga_i h_j Hebb_ij,  gη += m h'_i acc_i − ⟨G_i, Hebb_i⟩
//
// (gη = ⟨G, m h' hᵀ − Hebb⟩ split by rows), one sweep over row i. The
// order of every sum is fixed by the code below and kernel/vec, so the bits
// are the same natively and under js/wasm.

// forward sets hn = h' of one network from its state (h, H) and input u, and
// unless Hn is nil the next trace Hn; it returns the modulator m.
func (n *Net) forward(hn, Hn, h, H, u []float64) (m float64) {
	M, K := n.M, n.K
	h = h[:M]
	weff := n.weff[:M]
	for i := 0; i < M; i++ {
		w, al, hr := n.W[i*M:(i+1)*M:(i+1)*M], n.Alpha[i*M:(i+1)*M:(i+1)*M], H[i*M:(i+1)*M:(i+1)*M]
		effectiveRow(weff, w, al, hr)
		a := vec.Dot(weff, h)
		if n.Cfg.DirectInput {
			a += u[i]
		} else if K > 0 {
			a += vec.Dot(n.Win[i*K:(i+1)*K], u[:K])
		}
		hn[i] = fmath.Tanh(a + n.B[i])
		if Hn != nil && n.Cfg.Rule == RuleHebb {
			// Hebb'_i = (1 − η) Hebb_i + η m h'_i h (m is known before h').
			eta := n.eta()
			decay, c := 1-eta, float64(float64(eta*n.modInput(u))*hn[i])
			traceRow(Hn[i*M:(i+1)*M:(i+1)*M], hr, h, decay, c)
		}
	}
	m = n.modInput(u)
	if n.Cfg.Rule == RuleBackpropamine {
		m = fmath.Tanh(vec.Dot(n.Wmod, hn[:M]))
		if Hn != nil {
			c := n.Cfg.Clip
			for i := 0; i < M; i++ {
				mi := float64(m * hn[i])
				hr, hnr := H[i*M:(i+1)*M:(i+1)*M], Hn[i*M:(i+1)*M:(i+1)*M]
				for j, hj := range h {
					hnr[j] = min(max(hr[j]+float64(mi*hj), -c), c)
				}
			}
		}
	}
	return m
}

// modInput is the modulator of RuleHebb: the last input when Modulated, else 1.
func (n *Net) modInput(u []float64) float64 {
	if n.Cfg.Modulated {
		return u[n.K]
	}
	return 1
}

// backward is the VJP of one network's step at state (h, H), input u and
// output h' = hn: from the cotangents ghn of h' (overwritten: it is
// scratch) and G of Hebb', it sets gh and gH (gH may be G itself: each
// element of G is read before the same element of gH is written) and adds
// the parameters' cotangent to gtheta unless it is nil. When gaOut is not
// nil it receives ga (M values) instead, and the terms of W, α, W_in and b,
// which need only ga, h, u and H, are left to accumulateParams.
func (n *Net) backward(gh, gH, gtheta, h, H, hn, u, ghn, G, gaOut []float64) {
	M, K := n.M, n.K
	h, hn, ghn, gh = h[:M], hn[:M], ghn[:M], gh[:M]
	var gW, gA, gWin, gB []float64
	if gtheta != nil {
		off := 0
		gW, off = gtheta[off:off+M*M], off+M*M
		gA, off = gtheta[off:off+M*M], off+M*M
		if !n.Cfg.DirectInput {
			gWin, off = gtheta[off:off+M*K], off+M*K
		}
		gB = gtheta[off : off+M]
	}
	clear(gh)
	if n.Cfg.Rule == RuleBackpropamine {
		n.backwardModulator(gh, gH, gtheta, h, H, hn, ghn, G)
	}
	var em, decay, m float64 // RuleHebb's η m and 1 − η (0 and 1: backpropamine's trace term is done)
	decay = 1
	if n.Cfg.Rule == RuleHebb {
		eta := n.eta()
		m = n.modInput(u)
		em, decay = float64(eta*m), 1-eta
		G = G[:M*M]
	} else {
		G = gH[:M*M] // the clipped cotangent set by backwardModulator
	}
	var geta float64
	for i := 0; i < M; i++ {
		w, al, hr := n.W[i*M:(i+1)*M:(i+1)*M], n.Alpha[i*M:(i+1)*M:(i+1)*M], H[i*M:(i+1)*M:(i+1)*M]
		Gi, gHi := G[i*M:(i+1)*M:(i+1)*M], gH[i*M:(i+1)*M:(i+1)*M]
		hi := hn[i]
		var acc float64
		if em != 0 || gtheta != nil && n.EtaIdx >= 0 {
			acc = vec.Dot(Gi, h)
		}
		ga := float64((ghn[i] + float64(em*acc)) * (1 - float64(hi*hi)))
		emh := float64(em * hi)
		if gtheta != nil && n.EtaIdx >= 0 {
			geta += float64(float64(m*hi)*acc) - vec.Dot(Gi, hr)
		}
		if gtheta == nil || gaOut != nil {
			if gaOut != nil {
				gaOut[i] = ga
			}
			sweepRow(gh, gHi, Gi, w, al, hr, h, emh, ga, decay)
			continue
		}
		gWi, gAi := gW[i*M:(i+1)*M:(i+1)*M], gA[i*M:(i+1)*M:(i+1)*M]
		for j, hj := range h {
			g, a, Hj := Gi[j], al[j], hr[j]
			gh[j] += float64(emh*g) + float64(ga*(w[j]+float64(a*Hj)))
			gHi[j] = float64(decay*g) + float64(float64(ga*a)*hj)
			gv := float64(ga * hj)
			gWi[j] += gv
			gAi[j] += float64(gv * Hj)
		}
		if gWin != nil {
			for k, xk := range u[:K] {
				gWin[i*K+k] += float64(ga * xk)
			}
		}
		gB[i] += ga
	}
	if gtheta != nil && n.EtaIdx >= 0 {
		gtheta[n.EtaIdx] += geta
	}
}

// backwardModulator is backpropamine's trace term: it sets gH to the
// cotangent G masked where the trace was clipped (P = Hebb + m h' hᵀ at
// ±Clip), adds m h'_i G_ij to gh_j, and the modulator's path
// gm = ⟨G⊙[…], h' hᵀ⟩ to ghn (gh' += gm (1 − m²) w_mod) and w_mod's cotangent.
func (n *Net) backwardModulator(gh, gH, gtheta, h, H, hn, ghn, G []float64) {
	M := n.M
	m := fmath.Tanh(vec.Dot(n.Wmod, hn))
	c := n.Cfg.Clip
	var gm float64
	for i := 0; i < M; i++ {
		mi := float64(m * hn[i])
		hr, Gi, gHi := H[i*M:(i+1)*M:(i+1)*M], G[i*M:(i+1)*M:(i+1)*M], gH[i*M:(i+1)*M:(i+1)*M]
		for j, hj := range h {
			p := hr[j] + float64(mi*hj)
			gij := Gi[j]
			if p >= c || p <= -c {
				gij = 0
			}
			gHi[j] = gij
		}
		acc := vec.Dot(gHi, h)
		mh := float64(m * hn[i])
		for j, g := range gHi {
			gh[j] += float64(mh * g)
		}
		ghn[i] += float64(m * acc)
		gm += float64(acc * hn[i])
	}
	gz := float64(gm * (1 - float64(m*m)))
	for i := range ghn {
		ghn[i] += float64(gz * n.Wmod[i])
	}
	if gtheta != nil {
		gWmod := gtheta[len(gtheta)-M:]
		for i, v := range hn {
			gWmod[i] += float64(gz * v)
		}
	}
}

// accumulateParams adds to gtheta the terms of W, α, W_in and b of the
// backward steps t = T−1, …, 0 whose ga_t backward left in ga (T×M), with
// h_t, Hebb_t and u_t read from hs, Hs and inputs: the same sums in the same
// order as backward makes them step by step, but with each row of gW and gα
// read and written once per episode instead of once per step.
func (n *Net) accumulateParams(gtheta, ga, hs, Hs, inputs []float64, T int) {
	M, K, Ku := n.M, n.K, n.InputDim()
	off := 2 * M * M
	gW, gA := gtheta[:M*M], gtheta[M*M:off]
	var gWin []float64
	if !n.Cfg.DirectInput {
		gWin, off = gtheta[off:off+M*K], off+M*K
	}
	gB := gtheta[off : off+M]
	for i := 0; i < M; i++ {
		gWi, gAi := gW[i*M:(i+1)*M:(i+1)*M], gA[i*M:(i+1)*M:(i+1)*M]
		for t := T - 1; t >= 0; t-- {
			g := ga[t*M+i]
			h, Hi := hs[t*M:(t+1)*M:(t+1)*M], Hs[t*M*M+i*M:t*M*M+(i+1)*M:t*M*M+(i+1)*M]
			paramRow(gWi, gAi, h, Hi, g)
			if gWin != nil {
				for k, xk := range inputs[t*Ku : t*Ku+K] {
					gWin[i*K+k] += float64(g * xk)
				}
			}
			gB[i] += g
		}
	}
}

// effectiveRow sets dst = w + α ⊙ H (one row).
func effectiveRow(dst, w, al, H []float64) {
	w, al, H = w[:len(dst)], al[:len(dst)], H[:len(dst)]
	for j := range dst {
		dst[j] = w[j] + float64(al[j]*H[j])
	}
}

// traceRow sets dst = decay·H + c·h (one row of RuleHebb's trace update).
func traceRow(dst, H, h []float64, decay, c float64) {
	H, h = H[:len(dst)], h[:len(dst)]
	for j := range dst {
		dst[j] = float64(decay*H[j]) + float64(c*h[j])
	}
}

// sweepRow is row i of the VJP's sweep without the parameters' terms:
// gh += emh·G_i + ga·(w + α ⊙ H_i), gH_i = decay·G_i + (ga·α) ⊙ h. gHi may
// be Gi.
func sweepRow(gh, gHi, Gi, w, al, H, h []float64, emh, ga, decay float64) {
	n := len(gh)
	gHi, Gi, w, al, H, h = gHi[:n], Gi[:n], w[:n], al[:n], H[:n], h[:n]
	for j := range gh {
		g, a := Gi[j], al[j]
		gh[j] += float64(emh*g) + float64(ga*(w[j]+float64(a*H[j])))
		gHi[j] = float64(decay*g) + float64(float64(ga*a)*h[j])
	}
}

// paramRow adds ga·h to gW_i and (ga·h) ⊙ H_i to gα_i.
func paramRow(gWi, gAi, h, Hi []float64, ga float64) {
	n := len(h)
	gWi, gAi, Hi = gWi[:n], gAi[:n], Hi[:n]
	for j, hj := range h {
		gv := float64(ga * hj)
		gWi[j] += gv
		gAi[j] += float64(gv * Hi[j])
	}
}
