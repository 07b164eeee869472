package tasktrain

import "math"

// Adam is TensorFlow 2's Adam (tf.optimizers.Adam, the reference's
// optimizer; Kingma & Ba, ICLR 2015, with TensorFlow's placement of ε):
//
//	m ← m + (g − m)(1 − β1),  v ← v + (g² − v)(1 − β2)
//	θ ← θ − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)
//
// with β = (0.9, 0.999) and ε = 1e-7 (TensorFlow's default). ε is added to
// the un-corrected √v, so it weighs more in the first steps than in
// kernel/optim.Adam (ε on the corrected √v̂).
type Adam struct {
	Beta1, Beta2, Eps float64
	M, V              []float64
	T                 int
	B1t, B2t          float64 // β1ᵗ, β2ᵗ
}

// NewAdam returns the reference optimizer for n parameters.
func NewAdam(n int) *Adam {
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-7, M: make([]float64, n), V: make([]float64, n), B1t: 1, B2t: 1}
}

// Reset forgets the moments and the step count (a new optimizer).
func (a *Adam) Reset() {
	clear(a.M)
	clear(a.V)
	a.T, a.B1t, a.B2t = 0, 1, 1
}

// Update applies one step to theta with gradient g at learning rate lr.
func (a *Adam) Update(theta, g []float64, lr float64) {
	a.T++
	a.B1t = float64(a.B1t * a.Beta1)
	a.B2t = float64(a.B2t * a.Beta2)
	lrt := float64(lr*math.Sqrt(1-a.B2t)) / (1 - a.B1t)
	c1, c2 := 1-a.Beta1, 1-a.Beta2
	m, v := a.M[:len(theta)], a.V[:len(theta)]
	for i, gi := range g[:len(theta)] {
		m[i] += float64((gi - m[i]) * c1)
		v[i] += float64((float64(gi*gi) - v[i]) * c2)
		theta[i] -= float64(lrt*m[i]) / (math.Sqrt(v[i]) + a.Eps)
	}
}
