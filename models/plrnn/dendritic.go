package plrnn

import (
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Dendritic is the dendritic PLRNN z' = A⊙z + W φ(z) + h + C u with
// φ_i(z) = Σ_b α_b relu(z_i − H_ib), or its clipped form
// φ_i(z) = Σ_b α_b (relu(z_i − H_ib) − relu(z_i)) (Brenner et al. 2022, eqs. 4, 6).
type Dendritic struct {
	core
	A, W, H, Alpha, Theta, C []float64 // aliases of θ; H is the bias h, Theta the M×B thresholds
	B                        int
	Clipped                  bool

	phi, dphi, tmp     []float64
	offW, offAl, offTh int
}

// NewDendritic returns a dendritic PLRNN initialised as in the reference code:
// A, W normalised positive definite, h = 0, α uniform in ±1/√B, thresholds
// uniform in [ThresholdLo, ThresholdHi]. r may be nil for an all-zero θ.
func NewDendritic(cfg Config, r *rng.Rand) *Dendritic {
	checkCfg(cfg, "NewDendritic")
	if cfg.Bases <= 0 {
		panic("plrnn: NewDendritic needs Bases > 0")
	}
	m, k, nb := cfg.M, cfg.K, cfg.Bases
	p := &Dendritic{B: nb, Clipped: cfg.Clipped}
	p.m, p.k = m, k
	b := p.alloc([]models.Field{
		{Name: "A", Shape: []int{m}}, {Name: "W", Shape: []int{m, m}},
		{Name: "h", Shape: []int{m}}, {Name: "alpha", Shape: []int{nb}},
		{Name: "H", Shape: []int{m, nb}}, {Name: "C", Shape: []int{m, k}},
	})
	p.A, p.W, p.H, p.Alpha, p.Theta, p.C = b[0], b[1], b[2], b[3], b[4], b[5]
	p.a, p.h, p.c = p.A, p.H, p.C
	p.offW, p.offAl, p.offTh = p.offs["W"], p.offs["alpha"], p.offs["H"]
	p.phi, p.dphi, p.tmp = make([]float64, m), make([]float64, m), make([]float64, m)
	if r != nil {
		initAW(p.A, p.W, m, r)
		uniformInit(p.Alpha, nb, r)
		lo, hi := cfg.ThresholdLo, cfg.ThresholdHi
		if lo == 0 && hi == 0 {
			lo, hi = -2, 2
		}
		r.FillUniform(p.Theta, lo, hi)
		if k > 0 {
			uniformInit(p.C, k, r)
		}
	}
	return p
}

// basis sets phi = φ(z) and, if dphi is not nil, dphi = φ'(z).
func (p *Dendritic) basis(phi, dphi, z []float64) {
	nb := p.B
	for i, zi := range z {
		th := p.Theta[i*nb : (i+1)*nb]
		var s, d float64
		for b, t := range th {
			if v := zi - t; v > 0 {
				s += float64(p.Alpha[b] * v)
				d += p.Alpha[b]
			}
		}
		if p.Clipped && zi > 0 {
			var sa float64
			for _, al := range p.Alpha {
				sa += al
			}
			s -= float64(sa * zi)
			d -= sa
		}
		phi[i] = s
		if dphi != nil {
			dphi[i] = d
		}
	}
}

// Step sets dst = A⊙x + W φ(x) + h + C u for every row.
func (p *Dendritic) Step(dst, x, u []float64) {
	n := models.CheckBatch("plrnn", dst, x, u, p.m, p.k)
	m := p.m
	for r := 0; r < n; r++ {
		z := x[r*m : (r+1)*m]
		p.basis(p.phi, nil, z)
		d := dst[r*m : (r+1)*m]
		vec.MatVec(d, p.W, m, m, p.phi)
		p.finish(d, z, p.rowU(u, r), d)
	}
}

// Jacobian sets dst = diag(A) + W diag(φ'(x)).
func (p *Dendritic) Jacobian(dst, x, u []float64) {
	m := p.m
	p.basis(p.phi, p.dphi, x[:m])
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			dst[i*m+j] = p.W[i*m+j] * p.dphi[j]
		}
		dst[i*m+i] += p.A[i]
	}
}

// VJP sets gx = A⊙g + φ'(x)⊙(Wᵀg) and accumulates the parameter gradients;
// with v = Wᵀg: gα_b += Σ_i v_i (relu(x_i − H_ib) [− relu(x_i)]),
// gH_ib −= v_i α_b 1[x_i > H_ib].
func (p *Dendritic) VJP(gx, gtheta, x, u, g []float64) {
	n := models.CheckBatch("plrnn", gx, x, u, p.m, p.k)
	m, nb := p.m, p.B
	for r := 0; r < n; r++ {
		z, gr := x[r*m:(r+1)*m], g[r*m:(r+1)*m]
		p.basis(p.phi, p.dphi, z)
		vec.MatTVec(p.tmp, p.W, m, m, gr)
		out := gx[r*m : (r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + float64(p.dphi[i]*p.tmp[i])
		}
		if gtheta == nil {
			continue
		}
		vec.AddOuter(block(gtheta, p.offW, m*m), gr, p.phi)
		gal, gth := block(gtheta, p.offAl, nb), block(gtheta, p.offTh, m*nb)
		for i, zi := range z {
			v := p.tmp[i]
			if v == 0 {
				continue
			}
			th := p.Theta[i*nb : (i+1)*nb]
			for b, t := range th {
				if d := zi - t; d > 0 {
					gal[b] += float64(v * d)
					gth[i*nb+b] -= float64(v * p.Alpha[b])
				}
			}
			if p.Clipped && zi > 0 {
				for b := range gal {
					gal[b] -= float64(v * zi)
				}
			}
		}
		p.backCommon(gtheta, z, p.rowU(u, r), gr)
	}
}

// ProjectGradient zeroes the gradient of W's diagonal.
func (p *Dendritic) ProjectGradient(gtheta []float64) {
	zeroDiag(block(gtheta, p.offW, p.m*p.m), p.m)
}
