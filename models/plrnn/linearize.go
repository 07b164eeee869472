package plrnn

import "github.com/rnnlab/rnnlab/kernel/vec"

// Linearize writes the affine map z' = M z + c that the vanilla PLRNN
// follows in the linear region containing x (the region fixed by which
// units are positive): M = diag(A) + W D, c = h, D = diag(1[x > 0]).
// External inputs are taken as zero.
func (p *Vanilla) Linearize(M, c, x []float64) {
	m := p.m
	p.linearizeCommon(M, c)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			if x[j] > 0 {
				M[i*m+j] += p.W[i*m+j]
			}
		}
	}
}

// Linearize writes the affine map of the region containing x: with k_i
// thresholds of unit i below x_i, φ_i(z) = a_i z_i − s_i there (a_i the sum of
// the active α, s_i the sum of α·θ, both less Σα for x_i > 0 in the clipped
// form), so M = diag(A) + W diag(a) and c = h − W s.
func (p *Dendritic) Linearize(M, c, x []float64) {
	m, nb1 := p.m, p.B+1
	p.prepare()
	p.linearizeCommon(M, c)
	for j := 0; j < m; j++ {
		k := p.active(j, x[j])
		a, s := p.cumA[j*nb1+k], p.cumAT[j*nb1+k]
		if p.Clipped && x[j] > 0 {
			a -= p.sumAlpha
		}
		p.phi[j], p.dphi[j] = s, a
	}
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			M[i*m+j] += float64(p.W[i*m+j] * p.dphi[j])
		}
		c[i] -= vec.Dot(p.W[i*m:(i+1)*m], p.phi)
	}
}

// Linearize writes the affine map of the region containing x (fixed by the
// signs of W₂x + h₂ and, for the clipped form, of W₂x):
// M = diag(A) + W₁ diag(d) W₂ and c = h₁ + W₁ (1[W₂x + h₂ > 0] ⊙ h₂).
func (p *Shallow) Linearize(M, c, x []float64) {
	m, L := p.m, p.L
	p.Jacobian(M, x, nil) // diag(A) + W₁ diag(d) W₂, and p.s = W₂x
	copy(c[:m], p.H1)
	for l := 0; l < L; l++ {
		if p.s[l]+p.H2[l] > 0 {
			for i := 0; i < m; i++ {
				c[i] += float64(p.W1[i*L+l] * p.H2[l])
			}
		}
	}
}
