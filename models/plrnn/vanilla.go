package plrnn

import (
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Vanilla is the PLRNN z' = A⊙z + W relu(z) + h + C u.
type Vanilla struct {
	core
	A, W, H, C []float64 // aliases of θ; H is the bias h

	phi  []float64 // scratch: relu(z) for one row
	tmp  []float64 // scratch: Wᵀg for one row
	offW int
}

// NewVanilla returns a vanilla PLRNN initialised as in the reference code
// (A, W normalised positive definite, h = 0, C uniform). r may be nil for an
// all-zero θ to be filled from a checkpoint.
func NewVanilla(cfg Config, r *rng.Rand) *Vanilla {
	checkCfg(cfg, "NewVanilla")
	m, k := cfg.M, cfg.K
	p := &Vanilla{}
	p.m, p.k = m, k
	b := p.alloc([]models.Field{
		{Name: "A", Shape: []int{m}}, {Name: "W", Shape: []int{m, m}},
		{Name: "h", Shape: []int{m}}, {Name: "C", Shape: []int{m, k}},
	})
	p.A, p.W, p.H, p.C = b[0], b[1], b[2], b[3]
	p.a, p.h, p.c = p.A, p.H, p.C
	p.offW = p.offs["W"]
	p.phi, p.tmp = make([]float64, m), make([]float64, m)
	if r != nil {
		initAW(p.A, p.W, m, r)
		if k > 0 {
			uniformInit(p.C, k, r)
		}
	}
	return p
}

// Step sets dst = A⊙x + W relu(x) + h + C u for every row.
func (p *Vanilla) Step(dst, x, u []float64) {
	n := models.CheckBatch("plrnn", dst, x, u, p.m, p.k)
	m := p.m
	for r := 0; r < n; r++ {
		z := x[r*m : (r+1)*m]
		for i, v := range z {
			p.phi[i] = relu(v)
		}
		d := dst[r*m : (r+1)*m]
		vec.MatVec(d, p.W, m, m, p.phi)
		p.finish(d, z, p.rowU(u, r), d)
	}
}

// Jacobian sets dst = diag(A) + W diag(1[x > 0]).
func (p *Vanilla) Jacobian(dst, x, u []float64) {
	m := p.m
	d := p.phi[:m] // relu'(z), once per state rather than once per element
	for j, v := range x[:m] {
		d[j] = step01(v)
	}
	for i := 0; i < m; i++ {
		row := dst[i*m : (i+1)*m]
		vec.Mul(row, p.W[i*m:(i+1)*m], d)
		row[i] += p.A[i]
	}
}

// VJP sets gx = A⊙g + 1[x>0]⊙(Wᵀg) and adds gA += g⊙x, gW += g⊗relu(x),
// gh += g, gC += g⊗u.
func (p *Vanilla) VJP(gx, gtheta, x, u, g []float64) {
	n := models.CheckBatch("plrnn", gx, x, u, p.m, p.k)
	m := p.m
	for r := 0; r < n; r++ {
		z, gr := x[r*m:(r+1)*m], g[r*m:(r+1)*m]
		vec.MatTVec(p.tmp, p.W, m, m, gr)
		out := gx[r*m : (r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + float64(step01(z[i])*p.tmp[i])
		}
		if gtheta != nil {
			for i, v := range z {
				p.phi[i] = relu(v)
			}
			vec.AddOuter(block(gtheta, p.offW, m*m), gr, p.phi)
			p.backCommon(gtheta, z, p.rowU(u, r), gr)
		}
	}
}

// ProjectGradient zeroes the gradient of W's diagonal, which keeps W
// off-diagonal (the self-connection is A).
func (p *Vanilla) ProjectGradient(gtheta []float64) { zeroDiag(block(gtheta, p.offW, p.m*p.m), p.m) }

func zeroDiag(w []float64, m int) {
	for i := 0; i < m; i++ {
		w[i*m+i] = 0
	}
}
