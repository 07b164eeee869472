package tasktrain

import (
	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// backward pulls the cotangents in w.G back through the recorded epochs and
// adds the parameter gradient to g. G is overwritten with the
// pre-activation cotangents.
func (w *work) backward(n *leaky.Net, b *cogtask.Batch, dt float64, k Skipping, g []float64) {
	S, N, Nin, K := b.Trials, n.N, n.Nin, n.K
	SN := S * N
	R := b.Recorded()
	gu, gs := w.gu, w.gs
	clear(gu)
	gW, gb := g[:N*N], g[N*N:N*N+N]
	gWin := g[N*N+N : N*N+N+Nin*K]
	clear(w.gWe)
	mix := k.mixing()
	th := float64(k.Theta)
	ref := k.DASC && !k.Corrected
	w.c = grow(w.c, N)
	c := w.c // T⁻¹·dt, as a real factor of the cotangent
	for i := range c {
		c[i] = float64(n.Tinv[i] * dt)
	}
	// pull sets gpre (into dst) = (gdu ⊙ c) ⊙ f′ and gu ← ga − gdu⊙c + gpre·W.
	pull := func(dst, gdu, ga, fp []float64) {
		for s := 0; s < S; s++ {
			o := s * N
			for i := 0; i < N; i++ {
				gv := float64(gdu[o+i] * c[i])
				dst[o+i] = float64(gv * fp[o+i])
				ga[o+i] -= gv
			}
		}
		if w.panelled {
			w.Weffp.mul(ga, dst, S, true)
		} else {
			vec.MatMulAdd(ga, dst, w.Weff, S, N, N)
		}
	}
	gdu := w.tmp
	for e := len(b.Steps) - 1; e >= 0; e-- {
		T, k0 := b.Steps[e], w.X0[e]
		clear(gs)
		for t := T - 1; t >= 0; t-- {
			kk := k0 + t
			G := w.G[kk*SN : (kk+1)*SN]
			for i, v := range G {
				gu[i] += v
			}
			copy(gdu, gu)
			if mix && t%k.Theta == k.Theta-1 {
				// next = β a + (1−β) s_old, a = X[k] + Δu_k; then s_new = next
				// (SCTT) or next + θ·Δu_k (reference DASC).
				bb, cc := k.Beta, 1-k.Beta
				for i, v := range gu {
					gn := v
					if !k.DASC || ref {
						gn += gs[i]
					}
					a := float64(bb * gn)
					gdu[i] = a
					if ref {
						gdu[i] += float64(th * gs[i])
					}
					gs[i] = float64(cc * gn)
					gu[i] = a
				}
			}
			if mix && k.DASC && k.Corrected && t%k.Theta == 0 {
				// s = X[k] + θ·Δu_k, set at the block start
				for i, v := range gs {
					gdu[i] += float64(th * v)
					gu[i] += v
					gs[i] = 0
				}
			}
			pull(G, gdu, gu, w.P[kk*SN:(kk+1)*SN])
		}
		if mix {
			// the first block's skip state, set at the epoch start
			for i, v := range gs {
				gu[i] += v
			}
			if ref {
				// s = X[k0] + θ·Δu of the priming evaluation
				for i, v := range gs {
					gdu[i] = float64(th * v)
				}
				pg := w.pre // priming pre-activation cotangent
				pull(pg, gdu, gu, w.P0[e*SN:(e+1)*SN])
				w.addPrimingGrad(n, pg, w.X[k0*SN:(k0+1)*SN], b.Input[e], gb, gWin)
			}
		}
		// b and W_in over the epoch
		clear(w.ghin)
		for t := 0; t < T; t++ {
			G := w.G[(k0+t)*SN : (k0+t+1)*SN]
			for s := 0; s < S; s++ {
				for i := 0; i < Nin; i++ {
					w.ghin[s*Nin+i] += G[s*N+i]
				}
			}
		}
		w.addInputGrad(n, w.ghin, b.Input[e], gWin)
	}
	for kk := 0; kk < R; kk++ {
		G := w.G[kk*SN : (kk+1)*SN]
		for s := 0; s < S; s++ {
			for i, v := range G[s*N : (s+1)*N] {
				gb[i] += v
			}
		}
	}
	// gW_eff = Σ_k G_kᵀ X_k, one product over the window in chunks of rows.
	const chunk = 500 // rows per product; not a power of two, so GT's rows do not share cache sets
	rows := R * S
	// Gᵀ gets zero rows up to a multiple of four (Np), so that every row of
	// gW_eff is in the vector kernel's blocks (MatMulAdd does a remainder row
	// in portable code, which at N = 50 took as long as 16 kernel rows).
	Np := pad4(N)
	w.GT = grow(w.GT, Np*chunk)
	for r0 := 0; r0 < rows; r0 += chunk {
		m := min(chunk, rows-r0)
		transpose(w.GT[:N*m], w.G[r0*N:(r0+m)*N], m, N)
		clear(w.GT[N*m : Np*m])
		if xs := w.X[r0*N : (r0+m)*N]; usePanels(m, N) {
			w.Xp.pack(xs, m, N)
			w.Xp.mul(w.gWe, w.GT[:Np*m], Np, true)
		} else {
			vec.MatMulAdd(w.gWe, w.GT[:Np*m], xs, Np, m, N)
		}
	}
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			gW[i*N+j] += n.WeightGrad(w.gWe[i*N+j], n.W[i*N+j], j)
		}
	}
}

// addPrimingGrad adds the gradient of one priming evaluation: gpre (S×N) at
// input states x: into gW_eff (via w.gWe), b and W_in.
func (w *work) addPrimingGrad(n *leaky.Net, gpre, x, in, gb, gWin []float64) {
	S, N, Nin := w.S, n.N, n.Nin
	Np := pad4(N)
	w.GT = grow(w.GT, Np*S)
	transpose(w.GT[:N*S], gpre, S, N)
	clear(w.GT[N*S : Np*S])
	vec.MatMulAdd(w.gWe, w.GT[:Np*S], x, Np, S, N)
	for s := 0; s < S; s++ {
		for i, v := range gpre[s*N : (s+1)*N] {
			gb[i] += v
		}
	}
	clear(w.ghin)
	for s := 0; s < S; s++ {
		copy(w.ghin[s*Nin:(s+1)*Nin], gpre[s*N:s*N+Nin])
	}
	w.addInputGrad(n, w.ghin, in, gWin)
}

// addInputGrad adds Σ_s ghin[s]ᵀ ⊗ in[s] to gW_in (Nin×K).
func (w *work) addInputGrad(n *leaky.Net, ghin, in, gWin []float64) {
	K, Nin := n.K, n.Nin
	for s := 0; s < w.S; s++ {
		row := in[s*K : (s+1)*K]
		for i := 0; i < Nin; i++ {
			gv := ghin[s*Nin+i]
			if gv == 0 {
				continue
			}
			dst := gWin[i*K : (i+1)*K]
			for c, v := range row {
				if v != 0 {
					dst[c] += float64(gv * v)
				}
			}
		}
	}
}
