package leaky

import (
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// NewTape returns the network's own tape (models.Taper): the batch goes
// through one S×N×N product a step forward and one backward, f′ is kept
// from the forward pass, and the recurrent weight gradient is deferred to
// one product Σ Gᵀ X over the Backward calls of the window. Its bits are
// those of Step and VJP (modeltest.Conformance checks it).
func (n *Net) NewTape(steps, batch int) models.Tape {
	N, M := n.N, n.K+n.N
	SN := batch * N
	return &tape{n: n, S: batch,
		x: make([]float64, steps*SN), u: make([]float64, steps*batch*M), fp: make([]float64, steps*SN),
		weff: make([]float64, N*N), wT: make([]float64, N*N), pre: make([]float64, SN),
		gpre: make([]float64, steps*SN), xb: make([]float64, steps*SN), gT: make([]float64, N*tapeChunk),
		accW: make([]float64, N*N), accB: make([]float64, N), accIn: make([]float64, n.Nin*n.K)}
}

const tapeChunk = 256

type tape struct {
	n          *Net
	S          int
	x, u, fp   []float64 // per step: input states, inputs, f′(pre)
	weff, wT   []float64 // effective W and Wᵀ, read at Forward(0)
	pre        []float64
	gpre, xb   []float64 // per Backward call, in call order: pre-activation cotangents and states
	gT         []float64
	calls      int
	accW, accB []float64
	accIn      []float64
}

func (t *tape) Forward(k int, dst, x, u []float64) {
	n := t.n
	N, K, M, S := n.N, n.K, n.K+n.N, t.S
	models.CheckBatch("leaky", dst, x, u, N, M)
	if k == 0 {
		n.EffectiveW(t.weff)
		for i := 0; i < N; i++ {
			for j := 0; j < N; j++ {
				t.wT[j*N+i] = t.weff[i*N+j]
			}
		}
	}
	SN := S * N
	copy(t.x[k*SN:(k+1)*SN], x)
	copy(t.u[k*S*M:(k+1)*S*M], u)
	fp := t.fp[k*SN : (k+1)*SN]
	vec.MatMul(t.pre, x, t.wT, S, N, N)
	for s := 0; s < S; s++ {
		ur := u[s*M : (s+1)*M]
		for i := 0; i < N; i++ {
			p := (t.pre[s*N+i] + n.B[i]) + float64(0.1*ur[K+i])
			if i < n.Nin {
				h := 0.0
				for c, w := range n.Win[i*K : (i+1)*K] {
					h += float64(w * ur[c])
				}
				p += h
			}
			fp[s*N+i] = n.DF(p)
			v := -x[s*N+i] + n.F(p)
			dst[s*N+i] = x[s*N+i] + float64(float64(n.Tinv[i]*v)*n.Dt)
		}
	}
}

func (t *tape) Backward(k int, gx, g []float64) {
	n := t.n
	N, K, M, S := n.N, n.K, n.K+n.N, t.S
	SN := S * N
	if (t.calls+1)*SN > len(t.gpre) {
		t.gpre = append(t.gpre, make([]float64, SN)...)
		t.xb = append(t.xb, make([]float64, SN)...)
	}
	gp := t.gpre[t.calls*SN : (t.calls+1)*SN]
	fp := t.fp[k*SN : (k+1)*SN]
	for s := 0; s < S; s++ {
		for i := 0; i < N; i++ {
			c := float64(float64(g[s*N+i]*n.Tinv[i]) * n.Dt)
			gx[s*N+i] = g[s*N+i] - c
			gp[s*N+i] = float64(c * fp[s*N+i])
		}
	}
	vec.MatMulAdd(gx, gp, t.weff, S, N, N)
	x := t.x[k*SN : (k+1)*SN]
	copy(t.xb[t.calls*SN:], x)
	u := t.u[k*S*M : (k+1)*S*M]
	for s := 0; s < S; s++ {
		for i := 0; i < N; i++ {
			v := gp[s*N+i]
			t.accB[i] += v
			if i < n.Nin {
				row := t.accIn[i*K : (i+1)*K]
				for c := range row {
					row[c] += float64(v * u[s*M+c])
				}
			}
		}
	}
	t.calls++
}

func (t *tape) Gradient(gtheta []float64) {
	n := t.n
	N := n.N
	rows := t.calls * t.S
	for r0 := 0; r0 < rows; r0 += tapeChunk {
		m := min(tapeChunk, rows-r0)
		src := t.gpre[r0*N : (r0+m)*N]
		for r := 0; r < m; r++ {
			for i, v := range src[r*N : (r+1)*N] {
				t.gT[i*m+r] = v
			}
		}
		vec.MatMulAdd(t.accW, t.gT[:N*m], t.xb[r0*N:(r0+m)*N], N, m, N)
	}
	gW, gb, gWin := gtheta[:N*N], gtheta[N*N:N*N+N], gtheta[N*N+N:N*N+N+n.Nin*n.K]
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			gW[i*N+j] += n.WeightGrad(t.accW[i*N+j], n.W[i*N+j], j)
		}
	}
	for i, v := range t.accB {
		gb[i] += v
	}
	for i, v := range t.accIn {
		gWin[i] += v
	}
	clear(t.accW)
	clear(t.accB)
	clear(t.accIn)
	t.calls = 0
}
