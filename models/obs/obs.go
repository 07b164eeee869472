// Package obs implements the observation models that map a latent state z
// (dimension M) to observations x (dimension N), and invert them to produce
// teacher-forcing signals.
//
//   - Identity: x = z_{1:N}, the first N latents are observed directly
//     (Brenner et al., ICML 2022; Hess et al., ICML 2023, "identity mapping").
//   - Affine: x = B z with B an N×M matrix; forcing signals come from the
//     minimum-norm least-squares inverse ẑ = Bᵀ(BBᵀ)⁻¹ x, treated as a
//     constant of each training step (Hess et al. 2023, Sec. 3.2 "observation
//     model inversion").
package obs

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Identity observes the first N of M latent units. It has no parameters.
type Identity struct{ N, M int }

// NewIdentity returns the identity observation of the first n of m latents.
func NewIdentity(n, m int) *Identity {
	if n <= 0 || m < n {
		panic("obs: NewIdentity needs 0 < N ≤ M")
	}
	return &Identity{N: n, M: m}
}

func (o *Identity) Dims() (int, int)  { return o.N, o.M }
func (o *Identity) Params() []float64 { return nil }
func (o *Identity) Forced() int       { return o.N }

// Observe copies the first N entries of each latent row.
func (o *Identity) Observe(dst, z []float64) {
	n := models.Rows("obs", z, o.M)
	for r := 0; r < n; r++ {
		copy(dst[r*o.N:(r+1)*o.N], z[r*o.M:r*o.M+o.N])
	}
}

// ObserveVJP sets gz to g on the first N entries of each row and 0 elsewhere.
func (o *Identity) ObserveVJP(gz, gphi, z, g []float64) {
	n := models.Rows("obs", z, o.M)
	for r := 0; r < n; r++ {
		row := gz[r*o.M : (r+1)*o.M]
		copy(row, g[r*o.N:(r+1)*o.N])
		clear(row[o.N:])
	}
}

// Invert writes x into the first N entries of each latent row.
func (o *Identity) Invert(dst, x []float64) {
	n := models.Rows("obs", x, o.N)
	for r := 0; r < n; r++ {
		copy(dst[r*o.M:r*o.M+o.N], x[r*o.N:(r+1)*o.N])
	}
}

// Affine is the linear observation x = B z with B (N×M) held in θ.
type Affine struct {
	N, M  int
	B     []float64 // N×M row-major, aliases θ
	theta []float64

	gram, pinvRow, tmp []float64
}

// NewAffine returns x = B z with B uniform in ±1/√M (r nil: zero).
func NewAffine(n, m int, r *rng.Rand) *Affine {
	if n <= 0 || m < n {
		panic("obs: NewAffine needs 0 < N ≤ M")
	}
	o := &Affine{N: n, M: m, theta: make([]float64, n*m)}
	o.B = o.theta
	if r != nil {
		s := 1 / math.Sqrt(float64(m))
		r.FillUniform(o.B, -s, s)
	}
	o.gram, o.tmp = make([]float64, n*n), make([]float64, n)
	return o
}

func (o *Affine) Dims() (int, int)  { return o.N, o.M }
func (o *Affine) Params() []float64 { return o.theta }
func (o *Affine) Forced() int       { return o.M }

// Layout names the single block B.
func (o *Affine) Layout() []models.Field {
	return []models.Field{{Name: "B", Shape: []int{o.N, o.M}}}
}

// Observe sets dst = B z row by row.
func (o *Affine) Observe(dst, z []float64) {
	n := models.Rows("obs", z, o.M)
	for r := 0; r < n; r++ {
		vec.MatVec(dst[r*o.N:(r+1)*o.N], o.B, o.N, o.M, z[r*o.M:(r+1)*o.M])
	}
}

// ObserveVJP sets gz = Bᵀg and adds gB += g⊗z.
func (o *Affine) ObserveVJP(gz, gphi, z, g []float64) {
	n := models.Rows("obs", z, o.M)
	for r := 0; r < n; r++ {
		gr := g[r*o.N : (r+1)*o.N]
		vec.MatTVec(gz[r*o.M:(r+1)*o.M], o.B, o.N, o.M, gr)
		if gphi != nil {
			vec.AddOuter(gphi, gr, z[r*o.M:(r+1)*o.M])
		}
	}
}

// Invert sets each latent row to the minimum-norm solution of B ẑ = x,
// ẑ = Bᵀ (BBᵀ + εI)⁻¹ x with ε = 1e-10·trace(BBᵀ)/N for robustness when B
// is rank-deficient.
func (o *Affine) Invert(dst, x []float64) {
	n, N, M := models.Rows("obs", x, o.N), o.N, o.M
	// Gram matrix G = BBᵀ and its Cholesky factor, in place.
	var tr float64
	for i := 0; i < N; i++ {
		for j := 0; j <= i; j++ {
			v := vec.Dot(o.B[i*M:(i+1)*M], o.B[j*M:(j+1)*M])
			o.gram[i*N+j], o.gram[j*N+i] = v, v
		}
		tr += o.gram[i*N+i]
	}
	eps := 1e-10 * tr / float64(N)
	if eps == 0 {
		eps = 1e-300
	}
	for i := 0; i < N; i++ {
		o.gram[i*N+i] += eps
	}
	cholesky(o.gram, N)
	for r := 0; r < n; r++ {
		copy(o.tmp, x[r*N:(r+1)*N])
		cholSolve(o.gram, N, o.tmp)
		vec.MatTVec(dst[r*M:(r+1)*M], o.B, N, M, o.tmp)
	}
}

// cholesky overwrites the lower triangle of the symmetric positive-definite
// n×n matrix a with its Cholesky factor L (a = LLᵀ).
func cholesky(a []float64, n int) {
	for j := 0; j < n; j++ {
		s := a[j*n+j]
		for k := 0; k < j; k++ {
			s -= float64(a[j*n+k] * a[j*n+k])
		}
		if s <= 0 {
			s = 1e-300
		}
		d := math.Sqrt(s)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= float64(a[i*n+k] * a[j*n+k])
			}
			a[i*n+j] = s / d
		}
	}
}

// cholSolve solves LLᵀ y = b in place for the factor made by cholesky.
func cholSolve(l []float64, n int, b []float64) {
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= float64(l[i*n+k] * b[k])
		}
		b[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= float64(l[k*n+i] * b[k])
		}
		b[i] = s / l[i*n+i]
	}
}
