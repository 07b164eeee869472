package plrnn

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Config sizes a PLRNN.
type Config struct {
	// M is the number of latent units.
	M int
	// K is the number of external inputs (0 for an autonomous model).
	K int
	// Bases is the number of dendritic bases B (Dendritic only).
	Bases int
	// Hidden is the number of hidden units L (Shallow only).
	Hidden int
	// Clipped selects the bounded (clipped) form of Dendritic and Shallow.
	Clipped bool
	// ThresholdLo and ThresholdHi bound the uniform initialisation of the
	// dendritic thresholds H; set them to the range of the (z-scored) data.
	// Both zero means [−2, 2].
	ThresholdLo, ThresholdHi float64
}

// core holds what every PLRNN shares: the diagonal A, the bias h (h₁ of the
// shallow model) and the input matrix C, and the layout of θ.
type core struct {
	m, k             int
	theta            []float64
	a, h             []float64
	c                []float64
	fields           []models.Field
	offs             map[string]int // field offsets, resolved once at construction
	hName            string
	offA, offH, offC int
}

func (c *core) Dim() int               { return c.m }
func (c *core) InputDim() int          { return c.k }
func (c *core) Params() []float64      { return c.theta }
func (c *core) Layout() []models.Field { return c.fields }

// alloc lays out θ from fields given as (name, shape...) and returns the
// aliasing slices in order.
func (c *core) alloc(spec []models.Field) [][]float64 {
	off := 0
	for i := range spec {
		spec[i].Offset = off
		off += spec[i].Size()
	}
	c.theta = make([]float64, off)
	c.fields = spec
	c.offs = make(map[string]int, len(spec))
	c.hName = "h"
	for _, f := range spec {
		c.offs[f.Name] = f.Offset
		if f.Name == "h1" {
			c.hName = "h1"
		}
	}
	c.offA, c.offH, c.offC = c.offs["A"], c.offs[c.hName], c.offs["C"]
	out := make([][]float64, len(spec))
	for i, f := range spec {
		out[i] = c.theta[f.Offset : f.Offset+f.Size() : f.Offset+f.Size()]
	}
	return out
}

// block returns the part of a gradient vector that belongs to the field at
// offset off with n entries (nil when gtheta is nil).
func block(gtheta []float64, off, n int) []float64 {
	if gtheta == nil {
		return nil
	}
	return gtheta[off : off+n : off+n]
}

// finish sets dst_i = A_i z_i + nl_i + h_i + (C u)_i for one row; nl holds the
// nonlinear term on entry and may alias dst.
func (c *core) finish(dst, z, u, nl []float64) {
	m := c.m
	a, h, z, nl, dst := c.a[:m], c.h[:m], z[:m], nl[:m], dst[:m]
	if c.k == 0 {
		for i := range dst {
			dst[i] = (float64(a[i]*z[i]) + nl[i]) + h[i]
		}
		return
	}
	for i := range dst {
		v := (float64(a[i]*z[i]) + nl[i]) + h[i]
		dst[i] = v + vec.Dot(c.c[i*c.k:(i+1)*c.k], u)
	}
}

// backCommon adds the gradients of the shared terms for one row:
// gA += g⊙z, gh += g, gC += g⊗u.
func (c *core) backCommon(gtheta, z, u, g []float64) {
	if gtheta == nil {
		return
	}
	ga, gh := block(gtheta, c.offA, c.m), block(gtheta, c.offH, c.m)
	for i := 0; i < c.m; i++ {
		ga[i] += float64(g[i] * z[i])
		gh[i] += g[i]
	}
	if c.k > 0 {
		vec.AddOuter(block(gtheta, c.offC, c.m*c.k), g, u)
	}
}

func (c *core) rowU(u []float64, r int) []float64 {
	if c.k == 0 {
		return nil
	}
	return u[r*c.k : (r+1)*c.k]
}

// initAW fills A and the off-diagonal W (M×M) from a normalised
// positive-definite matrix K = RᵀR/M + I with unit spectral radius
// (Talathi & Vartak 2016), as the PLRNN reference code does.
func initAW(a, w []float64, m int, r *rng.Rand) {
	R := make([]float64, m*m)
	r.FillNorm(R, 1)
	K := make([]float64, m*m)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			var s float64
			for l := 0; l < m; l++ {
				s += float64(R[l*m+i] * R[l*m+j])
			}
			K[i*m+j] = s / float64(m)
		}
		K[i*m+i] += 1
	}
	lam := maxEigSym(K, m)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			v := K[i*m+j] / lam
			if i == j {
				a[i] = v
				if w != nil {
					w[i*m+j] = 0
				}
			} else if w != nil {
				w[i*m+j] = v
			}
		}
	}
}

// maxEigSym returns the largest eigenvalue of a symmetric positive-definite
// matrix by power iteration (deterministic, portable).
func maxEigSym(K []float64, m int) float64 {
	v := make([]float64, m)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(m))
	}
	w := make([]float64, m)
	lam := 0.0
	for it := 0; it < 1000; it++ {
		vec.MatVec(w, K, m, m, v)
		n := math.Sqrt(vec.Dot(w, w))
		if n == 0 {
			return 1
		}
		for i := range v {
			v[i] = w[i] / n
		}
		if math.Abs(n-lam) <= 1e-14*n {
			return n
		}
		lam = n
	}
	return lam
}

// uniformInit fills x uniformly in ±1/√fanIn (the reference code's
// uniform_init).
func uniformInit(x []float64, fanIn int, r *rng.Rand) {
	s := 1 / math.Sqrt(float64(fanIn))
	r.FillUniform(x, -s, s)
}

func relu(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

func step01(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func checkCfg(cfg Config, what string) {
	if cfg.M <= 0 || cfg.K < 0 {
		panic("plrnn: " + what + " needs M > 0 and K ≥ 0")
	}
}

// linearizeCommon writes the shared part of a region's affine map,
// M = diag(A) and c = h, for models without inputs.
func (c *core) linearizeCommon(M, cc []float64) {
	m := c.m
	clear(M[:m*m])
	for i := 0; i < m; i++ {
		M[i*m+i] = c.a[i]
	}
	copy(cc[:m], c.h)
}
