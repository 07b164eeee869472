// Package optim holds first-order optimizers, gradient clipping and
// learning-rate schedules for flat parameter vectors.
//
//   - Adam: Kingma & Ba, ICLR 2015, Algorithm 1 (bias-corrected moments).
//   - RAdam: Liu et al., ICLR 2020, Algorithm 2 (rectified adaptive rate, with
//     the un-adapted momentum step while the variance is intractable, ρ_t ≤ 4).
//   - ClipNorm: global gradient-norm clipping (Pascanu et al., ICML 2013).
//   - Schedules: exponential decay from a start to an end rate (as the PLRNN
//     reference code decays 1e-3 → 1e-6 over training) and step decay.
//
// Optimizers keep their moment estimates and step count, which State and
// SetState expose so a resumed run continues exactly.
package optim

import (
	"errors"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// Adam is Adam or, with Rectified set, RAdam, over one flat parameter vector.
type Adam struct {
	Beta1, Beta2, Eps float64
	Rectified         bool

	m, v []float64
	t    int
	b1t  float64 // β1^t
	b2t  float64 // β2^t
}

// NewAdam returns Adam with β = (0.9, 0.999), ε = 1e-8 for n parameters.
func NewAdam(n int) *Adam {
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, m: make([]float64, n), v: make([]float64, n), b1t: 1, b2t: 1}
}

// NewRAdam returns RAdam with β = (0.9, 0.999), ε = 1e-8 for n parameters.
func NewRAdam(n int) *Adam {
	a := NewAdam(n)
	a.Rectified = true
	return a
}

// Steps is the number of updates made so far.
func (a *Adam) Steps() int { return a.t }

// Update applies one step θ ← θ − lr·(update) given the gradient g.
func (a *Adam) Update(theta, g []float64, lr float64) {
	if len(theta) != len(a.m) || len(g) != len(a.m) {
		panic("optim: Adam.Update length mismatch")
	}
	a.t++
	a.b1t = float64(a.b1t * a.Beta1)
	a.b2t = float64(a.b2t * a.Beta2)
	b1, b2 := a.Beta1, a.Beta2
	c1, c2 := 1-a.b1t, 1-a.b2t
	adaptive, rect := true, 1.0
	if a.Rectified {
		rhoInf := 2/(1-b2) - 1
		rho := rhoInf - float64(2*float64(float64(a.t)*a.b2t))/c2
		if rho > 4 {
			rect = math.Sqrt(float64(float64(float64(rho-4)*float64(rho-2))*rhoInf) / float64(float64(float64(rhoInf-4)*float64(rhoInf-2))*rho))
		} else {
			adaptive = false
		}
	}
	for i, gi := range g {
		a.m[i] = float64(b1*a.m[i]) + float64((1-b1)*gi)
		a.v[i] = float64(b2*a.v[i]) + float64(float64((1-b2)*gi)*gi)
		mh := a.m[i] / c1
		if adaptive {
			vh := math.Sqrt(a.v[i] / c2)
			theta[i] -= float64(float64(lr*rect) * mh / (vh + a.Eps))
		} else {
			theta[i] -= float64(lr * mh)
		}
	}
}

// State returns the optimizer state [t, β1^t, β2^t, m..., v...] for checkpoints.
func (a *Adam) State() []float64 {
	s := make([]float64, 0, 3+2*len(a.m))
	s = append(s, float64(a.t), a.b1t, a.b2t)
	s = append(s, a.m...)
	return append(s, a.v...)
}

// SetState restores a state made by State.
func (a *Adam) SetState(s []float64) error {
	if len(s) != 3+2*len(a.m) {
		return errors.New("optim: optimizer state does not match the number of parameters")
	}
	a.t, a.b1t, a.b2t = int(s[0]), s[1], s[2]
	n := len(a.m)
	copy(a.m, s[3:3+n])
	copy(a.v, s[3+n:])
	return nil
}

// Norm returns the Euclidean norm of the concatenation of the vectors.
func Norm(gs ...[]float64) float64 {
	var s float64
	for _, g := range gs {
		for _, v := range g {
			s += float64(v * v)
		}
	}
	return math.Sqrt(s)
}

// ClipNorm rescales the vectors together so that their joint norm is at most
// maxNorm (no-op for maxNorm ≤ 0) and returns the norm before clipping.
func ClipNorm(maxNorm float64, gs ...[]float64) float64 {
	n := Norm(gs...)
	if maxNorm > 0 && n > maxNorm {
		s := maxNorm / n
		for _, g := range gs {
			for i := range g {
				g[i] *= s
			}
		}
	}
	return n
}

// Schedule gives the learning rate at step t (0-based) of a run of total steps.
type Schedule interface {
	Rate(t, total int) float64
}

// Exponential decays geometrically from Start at t = 0 to End at t = total−1.
type Exponential struct{ Start, End float64 }

func (e Exponential) Rate(t, total int) float64 {
	if total <= 1 || e.End <= 0 || e.End == e.Start {
		return e.Start
	}
	f := float64(t) / float64(total-1)
	return e.Start * fmath.Exp(f*fmath.Log(e.End/e.Start))
}

// StepDecay multiplies Start by Gamma every Every steps.
type StepDecay struct {
	Start, Gamma float64
	Every        int
}

func (s StepDecay) Rate(t, total int) float64 {
	if s.Every <= 0 {
		return s.Start
	}
	r := s.Start
	for k := 0; k < t/s.Every; k++ {
		r *= s.Gamma
	}
	return r
}

// Constant is a fixed learning rate.
type Constant float64

func (c Constant) Rate(t, total int) float64 { return float64(c) }
