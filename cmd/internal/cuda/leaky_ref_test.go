//go:build cuda

package cuda

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/tasktrain"
)

// leakyCase is one ensemble and its window data, drawn from seed.
type leakyCase struct {
	cfg  LeakyConfig
	nets []*leaky.Net
	b    LeakyBatch
	// lastY and lastTask are the readout and the task part of the loss of
	// the last cpuLossGrad.
	lastY    []float64
	lastTask float64
}

func newLeakyCase(t *testing.T, cfg LeakyConfig, seed uint64) *leakyCase {
	t.Helper()
	r := rng.New(seed)
	n := cfg.Net.WithDefaults()
	lc := &leakyCase{cfg: cfg}
	E, S, K, Q, N := cfg.Models, cfg.Trials, n.K, n.Q, n.N
	R := cfg.Recorded()
	for range E {
		lc.nets = append(lc.nets, leaky.New(cfg.Net, r))
	}
	fill := func(k int, sparse bool) []float64 {
		v := make([]float64, k)
		for i := range v {
			if !sparse || r.Float64() < 0.5 {
				v[i] = r.Float64()
			}
		}
		return v
	}
	lc.b.WarmInput = fill(E*S*K, true)
	lc.b.Input = fill(E*len(cfg.Steps)*S*K, true)
	lc.b.TargetFix = fill(E*S*Q, false)
	lc.b.TargetOut = fill(E*S*Q, false)
	// The noise as the CPU trainer draws it: η₀, one priming step per epoch
	// (warm-up included), then the η of each evaluation followed by a step.
	lc.b.Eta = make([]float64, 0, E*(cfg.Warmup+R)*S*N)
	for m := range E {
		ou := lc.nets[m].NoiseOf()
		eta := make([]float64, S*N)
		ou.Start(eta, r)
		for e := -1; e < len(cfg.Steps); e++ {
			T := cfg.Warmup
			if e >= 0 {
				T = cfg.Steps[e]
			}
			ou.Advance(eta, r)
			for range T {
				lc.b.Eta = append(lc.b.Eta, eta...)
				ou.Advance(eta, r)
			}
		}
	}
	return lc
}

// cpuLossGrad is network m's loss and gradient by rules/tasktrain/core.go's
// operations (base BPTT, ReLU), with the forward states checked against
// leaky.Net.Step.
func (lc *leakyCase) cpuLossGrad(t *testing.T, m int) (float64, []float64) {
	t.Helper()
	c, net := lc.cfg, lc.nets[m]
	N, K, Q, Nin, No, S := net.N, net.K, net.Q, net.Nin, net.Nout, c.Trials
	W, R, nep := c.Warmup, c.Recorded(), len(c.Steps)
	SN := S * N
	We := make([]float64, N*N)
	net.EffectiveW(We)
	X := make([]float64, (R+1)*SN)
	FP := make([]float64, R*SN)
	eta := lc.b.Eta[m*(W+R)*SN:]
	x := make([]float64, SN)
	u := make([]float64, S*(K+N))
	step := make([]float64, SN)
	ev, k := 0, 0
	for e := -1; e < nep; e++ {
		in, T := lc.b.WarmInput[m*S*K:], W
		if e >= 0 {
			in, T = lc.b.Input[(m*nep+e)*S*K:], c.Steps[e]
		}
		h := make([]float64, S*Nin)
		for s := range S {
			for i := range Nin {
				for cc := range K {
					h[s*Nin+i] += float64(in[s*K+cc] * net.Win[i*K+cc])
				}
			}
		}
		for range T {
			next := make([]float64, SN)
			for s := range S {
				copy(u[s*(K+N):], in[s*K:(s+1)*K])
				copy(u[s*(K+N)+K:], eta[ev*SN+s*N:ev*SN+(s+1)*N])
				for i := range N {
					pre := 0.0
					for j := range N {
						pre += float64(x[s*N+j] * We[i*N+j])
					}
					p := (pre + net.B[i]) + float64(0.1*eta[ev*SN+s*N+i])
					if i < Nin {
						p += h[s*Nin+i]
					}
					f, d := 0.0, 0.0
					if p > 0 {
						f, d = p, 1
					}
					next[s*N+i] = x[s*N+i] + float64(float64(net.Tinv[i]*(-x[s*N+i]+f))*net.Dt)
					if e >= 0 {
						FP[k*SN+s*N+i] = d
					}
				}
			}
			net.Step(step, x, u)
			for i := range step {
				if step[i] != next[i] {
					t.Fatalf("net %d evaluation %d: the core.go step %v differs from leaky.Net.Step %v at %d", m, ev, next[i], step[i], i)
				}
			}
			x = next
			ev++
			if e >= 0 {
				k++
				copy(X[k*SN:], x)
			}
		}
		if e < 0 {
			copy(X, x)
		}
	}
	// readout and loss
	Y := make([]float64, R*S*Q)
	net.Readout(Y, X[SN:])
	GZ := make([]float64, len(Y))
	loss := 0.0
	for w, lohi := range [][2]int{{c.FixLo, c.FixHi}, {c.RespLo, c.RespHi}} {
		tg := lc.b.TargetFix[m*S*Q:]
		if w == 1 {
			tg = lc.b.TargetOut[m*S*Q:]
		}
		cnt := float64((lohi[1] - lohi[0]) * S * Q)
		sum := 0.0
		for tt := lohi[0]; tt < lohi[1]; tt++ {
			for s := range S {
				for q := range Q {
					d := Y[(tt*S+s)*Q+q] - tg[s*Q+q]
					sum += float64(d * d)
					GZ[(tt*S+s)*Q+q] += float64((2 / cnt) * d)
				}
			}
		}
		loss += sum / cnt
	}
	lc.lastY, lc.lastTask = Y, loss
	xs := X[SN:]
	act := 0.0
	for _, v := range xs {
		act += math.Abs(v)
	}
	cnt := float64(len(xs))
	loss += tasktrain.ActivityPenalty * (act / cnt)
	ws := 0.0
	for _, v := range net.W {
		ws += math.Abs(v)
	}
	loss += tasktrain.WeightPenalty * (ws / float64(N*N))
	g := make([]float64, len(net.Params()))
	gW, gb, gWin, gWout := g[:N*N], g[N*N:N*N+N], g[N*N+N:N*N+N+Nin*K], g[N*N+N+Nin*K:]
	wp := tasktrain.WeightPenalty / float64(N*N)
	for i, v := range net.W {
		if v > 0 {
			gW[i] += wp
		} else if v < 0 {
			gW[i] -= wp
		}
	}
	for i, y := range Y {
		GZ[i] = float64(GZ[i] * float64(y*(1-y)))
	}
	RS := R * S
	for q := range Q {
		for j := range No {
			for r := range RS {
				gWout[q*No+j] += float64(GZ[r*Q+q] * X[SN+r*N+Nin+j])
			}
		}
	}
	G := make([]float64, R*SN)
	ap := tasktrain.ActivityPenalty / cnt
	for i, v := range xs {
		switch {
		case v > 0:
			G[i] = ap
		case v < 0:
			G[i] = -ap
		}
	}
	for r := range RS {
		for j := range No {
			o := 0.0
			for q := range Q {
				o += float64(GZ[r*Q+q] * net.Wout[q*No+j])
			}
			G[r*N+Nin+j] += o
		}
	}
	gu := make([]float64, SN)
	gp := make([]float64, SN)
	for kk := R - 1; kk >= 0; kk-- {
		for i := range gu {
			gu[i] += G[kk*SN+i]
		}
		for s := range S {
			for i := range N {
				gv := float64(gu[s*N+i] * float64(net.Tinv[i]*net.Dt))
				gp[s*N+i] = float64(gv * FP[kk*SN+s*N+i])
				gu[s*N+i] -= gv
			}
			for cc := range N {
				for i := range N {
					gu[s*N+cc] += float64(gp[s*N+i] * We[i*N+cc])
				}
			}
		}
		copy(G[kk*SN:], gp)
	}
	k0 := 0
	var starts []int
	for _, T := range c.Steps {
		starts = append(starts, k0)
		k0 += T
	}
	for e := nep - 1; e >= 0; e-- {
		in := lc.b.Input[(m*nep+e)*S*K:]
		for s := range S {
			for i := range Nin {
				hv := 0.0
				for tt := range c.Steps[e] {
					hv += G[(starts[e]+tt)*SN+s*N+i]
				}
				for cc := range K {
					if v := in[s*K+cc]; hv != 0 && v != 0 {
						gWin[i*K+cc] += float64(hv * v)
					}
				}
			}
		}
	}
	for i := range N {
		for r := range RS {
			gb[i] += G[r*N+i]
		}
	}
	for i := range N {
		for j := range N {
			a := 0.0
			for r := range RS {
				a += float64(G[r*N+i] * X[r*N+j])
			}
			gW[i*N+j] += net.WeightGrad(a, net.W[i*N+j], j)
		}
	}
	return loss, g
}
