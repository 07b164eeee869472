package plrnn

import (
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Shallow is the shallow PLRNN z' = A⊙z + W₁ relu(W₂z + h₂) + h₁ + C u, or
// its clipped form z' = A⊙z + W₁ (relu(W₂z + h₂) − relu(W₂z)) + h₁ + C u
// (Hess et al., ICML 2023, eq. 8 and Sec. 4).
type Shallow struct {
	core
	A, W1, W2, H1, H2, C []float64 // aliases of θ
	L                    int
	Clipped              bool

	s, act, d, gs, gz   []float64 // scratch, length L or M
	w1d                 []float64 // scratch M×L: W₁ diag(d), for the Jacobian
	offW1, offW2, offH2 int
}

// NewShallow returns a shallow PLRNN initialised as in the reference code: A
// from a normalised positive-definite matrix, W₁, W₂ uniform in ±1/√fan-in,
// h₁ = 0, and h₂ = 0 (unclipped) or uniform in ±1/√L (clipped).
// r may be nil for an all-zero θ.
func NewShallow(cfg Config, r *rng.Rand) *Shallow {
	checkCfg(cfg, "NewShallow")
	if cfg.Hidden <= 0 {
		panic("plrnn: NewShallow needs Hidden > 0")
	}
	m, k, l := cfg.M, cfg.K, cfg.Hidden
	p := &Shallow{L: l, Clipped: cfg.Clipped}
	p.m, p.k = m, k
	b := p.alloc([]models.Field{
		{Name: "A", Shape: []int{m}}, {Name: "W1", Shape: []int{m, l}},
		{Name: "W2", Shape: []int{l, m}}, {Name: "h1", Shape: []int{m}},
		{Name: "h2", Shape: []int{l}}, {Name: "C", Shape: []int{m, k}},
	})
	p.A, p.W1, p.W2, p.H1, p.H2, p.C = b[0], b[1], b[2], b[3], b[4], b[5]
	p.a, p.h, p.c = p.A, p.H1, p.C
	p.offW1, p.offW2, p.offH2 = p.offs["W1"], p.offs["W2"], p.offs["h2"]
	p.s, p.act, p.d, p.gs = make([]float64, l), make([]float64, l), make([]float64, l), make([]float64, l)
	p.gz = make([]float64, m)
	p.w1d = make([]float64, m*l)
	if r != nil {
		initAW(p.A, nil, m, r)
		uniformInit(p.W1, l, r)
		uniformInit(p.W2, m, r)
		if cfg.Clipped {
			uniformInit(p.H2, l, r)
		}
		if k > 0 {
			uniformInit(p.C, k, r)
		}
	}
	return p
}

// hidden sets s = W₂z, act = relu(s + h₂) [− relu(s)] and d = act'(s).
// The slices are resliced to one length so the loops run without bounds
// checks (they dominate the step under js/wasm).
func (p *Shallow) hidden(z []float64) {
	vec.MatVec(p.s, p.W2, p.L, p.m, z)
	s := p.s
	h2, act, d := p.H2[:len(s)], p.act[:len(s)], p.d[:len(s)]
	if p.Clipped {
		for l, sl := range s {
			a := sl + h2[l]
			act[l], d[l] = relu(a)-relu(sl), step01(a)-step01(sl)
		}
		return
	}
	for l, sl := range s {
		a := sl + h2[l]
		act[l], d[l] = relu(a), step01(a)
	}
}

// Step sets dst = F(x, u) for every row.
func (p *Shallow) Step(dst, x, u []float64) {
	n := models.CheckBatch("plrnn", dst, x, u, p.m, p.k)
	m := p.m
	for r := 0; r < n; r++ {
		z := x[r*m : (r+1)*m]
		p.hidden(z)
		d := dst[r*m : (r+1)*m]
		vec.MatVec(d, p.W1, m, p.L, p.act)
		p.finish(d, z, p.rowU(u, r), d)
	}
}

// Jacobian sets dst = diag(A) + W₁ diag(d) W₂ with d the derivative of the
// hidden nonlinearity.
func (p *Shallow) Jacobian(dst, x, u []float64) {
	m, L := p.m, p.L
	p.hidden(x[:m])
	// J = A + (W₁ diag d) W₂: scale W₁'s columns, then one matrix product
	// (each J_ic sums its L products in increasing l, as the reference
	// loop over hidden units did).
	for i := 0; i < m; i++ {
		vec.Mul(p.w1d[i*L:(i+1)*L], p.W1[i*L:(i+1)*L], p.d[:L])
	}
	vec.MatMul(dst[:m*m], p.w1d, p.W2, m, L, m)
	for i := 0; i < m; i++ {
		dst[i*m+i] += p.A[i]
	}
}

// VJP sets gx = A⊙g + W₂ᵀ (d ⊙ W₁ᵀ g) and accumulates gW₁ += g⊗act,
// gh₂ += 1[W₂x+h₂>0]⊙W₁ᵀg, gW₂ += (d⊙W₁ᵀg)⊗x and the shared terms.
func (p *Shallow) VJP(gx, gtheta, x, u, g []float64) {
	n := models.CheckBatch("plrnn", gx, x, u, p.m, p.k)
	m, L := p.m, p.L
	for r := 0; r < n; r++ {
		z, gr := x[r*m:(r+1)*m], g[r*m:(r+1)*m]
		p.hidden(z)
		vec.MatTVec(p.gs, p.W1, m, L, gr) // v = W₁ᵀg
		gs := p.gs[:L]
		if gtheta != nil {
			gh2, sl, h2 := block(gtheta, p.offH2, L)[:L], p.s[:L], p.H2[:L]
			for l, v := range gs {
				gh2[l] += float64(step01(sl[l]+h2[l]) * v)
			}
			vec.AddOuter(block(gtheta, p.offW1, m*L), gr, p.act)
		}
		for l, d := range p.d[:L] {
			gs[l] = float64(d * gs[l])
		}
		vec.MatTVec(p.gz, p.W2, L, m, p.gs)
		out := gx[r*m : (r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + p.gz[i]
		}
		if gtheta != nil {
			vec.AddOuter(block(gtheta, p.offW2, L*m), p.gs, z)
			p.backCommon(gtheta, z, p.rowU(u, r), gr)
		}
	}
}

// HiddenUnits is L, the width of the hidden layer.
func (p *Shallow) HiddenUnits() int { return p.L }

// HiddenRates sets dst (length L) to the hidden layer's activity at the
// latent state z: relu(W₂z + h₂), or relu(W₂z + h₂) − relu(W₂z) when
// clipped — the units' rates, which a raster view can show as spikes.
func (p *Shallow) HiddenRates(dst, z []float64) {
	if len(dst) != p.L || len(z) != p.m {
		panic("plrnn: HiddenRates length mismatch")
	}
	p.hidden(z)
	copy(dst, p.act)
}
