// Package lyap estimates Lyapunov spectra of discrete-time maps (and of flows
// through the map of one integrator step) by the tangent-space QR method of
// Benettin, Galgani, Giorgilli & Strelcyn (Meccanica 15, 1980) and Shimada &
// Nagashima (Prog. Theor. Phys. 61, 1979):
//
//	Q_0 = I (first k columns),  Q_{t+1} R_{t+1} = J(x_t) Q_t,
//	λ_i = (1/T) Σ_t log |R_{t+1, ii}|      (per step),
//
// where J(x_t) = ∂F/∂x at the orbit point x_t and the QR factorisation
// re-orthonormalises the tangent vectors every step (modified Gram–Schmidt).
// For a flow discretised with step h the exponents per unit time are λ_i/h.
// The Kaplan–Yorke (Lyapunov) dimension is
//
//	D_KY = j + Σ_{i≤j} λ_i / |λ_{j+1}|,  j the largest index with Σ_{i≤j} λ_i ≥ 0
//
// (Kaplan & Yorke, Lecture Notes in Math. 730, 1979).
//
// Logarithms use kernel/fmath, so a spectrum is bit-identical natively and
// under js/wasm.
package lyap

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// Map is what the estimator needs of a model: a step and its Jacobian at one
// state (models.Map and models.Jacobian satisfy it).
type Map interface {
	Dim() int
	Step(dst, x, u []float64)
	Jacobian(dst, x, u []float64)
}

// Settings control Spectrum; a nil *Settings means the defaults.
type Settings struct {
	// K is the number of exponents (default: all, the state dimension).
	K int
	// Transient is the number of steps run before averaging starts, to reach
	// the attractor and align the tangent vectors (default 1000).
	Transient int
	// Dt converts per-step exponents into per-unit-time ones (default 1).
	Dt float64
	// Trace, if not nil, receives the running estimates every TraceEvery
	// steps (for convergence plots).
	Trace      func(step int, exponents []float64)
	TraceEvery int
	// QREvery re-orthonormalises the tangent vectors every QREvery steps
	// after the transient instead of every step (default 1). Between
	// factorisations the vectors are only multiplied by the Jacobians:
	// Q R = J_{t+r−1} ⋯ J_t Q gives the same log|R_ii| sums in exact
	// arithmetic (Benettin et al. 1980 §3), at a fraction of the
	// Gram–Schmidt work. The columns' spread grows like e^{(λ1−λk)r} per
	// interval, so keep r·(λ1 − λk) (per step) below about 10 to lose no
	// more than ~4 of float64's 16 digits. During the transient the
	// factorisation runs every step.
	QREvery int
}

// ErrDiverged is returned when the orbit or a tangent vector stops being finite.
var ErrDiverged = errors.New("lyap: orbit diverged")

// Spectrum returns the k largest Lyapunov exponents, in decreasing order, of
// the orbit of m from x0 over steps steps (after the transient), per unit time
// (per step when Dt is 1).
func Spectrum(m Map, x0 []float64, steps int, s *Settings) ([]float64, error) {
	n := m.Dim()
	if len(x0) != n {
		panic("lyap: initial state has the wrong length")
	}
	set := Settings{K: n, Transient: 1000, Dt: 1, QREvery: 1}
	if s != nil {
		if s.K > 0 {
			set.K = s.K
		}
		if s.Transient > 0 {
			set.Transient = s.Transient
		}
		if s.Dt > 0 {
			set.Dt = s.Dt
		}
		if s.QREvery > 0 {
			set.QREvery = s.QREvery
		}
		set.Trace, set.TraceEvery = s.Trace, s.TraceEvery
	}
	k := set.K
	if k > n {
		panic("lyap: more exponents asked for than the state dimension")
	}
	if steps < 1 {
		panic("lyap: steps must be ≥ 1")
	}
	x, y := append([]float64(nil), x0...), make([]float64, n)
	J := make([]float64, n*n)
	// The tangent vectors are the columns of the n×k matrix Q, kept
	// row-major (Q[i·k+c]) so that J·Q is one vec.MatMul; the
	// orthonormalisation works on a column-major copy T (column c is
	// T[c·n:(c+1)·n]) and writes Q back.
	Q := make([]float64, n*k)
	W := make([]float64, n*k)
	T := make([]float64, n*k)
	proj := make([]float64, k)
	for c := 0; c < k; c++ {
		Q[c*k+c] = 1
	}
	sums := make([]float64, k)
	est := make([]float64, k)
	factored := 0 // orbit steps covered by sums
	for t := -set.Transient; t < steps; t++ {
		m.Jacobian(J, x, nil)
		vec.MatMul(W, J, Q, n, n, k)
		if t >= 0 && (t+1)%set.QREvery != 0 && t != steps-1 {
			// Between factorisations: Q ← J Q, unnormalised.
			Q, W = W, Q
		} else {
			// Modified Gram–Schmidt on the columns of W = J Q (copied into
			// T): W = Q R, log|R_cc| accumulated. Right-looking: once
			// column c is normalised, its projections on the later columns
			// are one matrix–vector product and their removal one rank-one
			// update. Each column still receives the same operations in
			// the same order as in the textbook (left-looking) loop.
			transpose(T, W, n, k)
			for c := 0; c < k; c++ {
				w := T[c*n : (c+1)*n]
				nrm := math.Sqrt(vec.Dot(w, w))
				if !(nrm > 0) || math.IsInf(nrm, 0) {
					return nil, fmt.Errorf("%w at step %d (tangent norm %v)", ErrDiverged, t, nrm)
				}
				for i, v := range w {
					w[i] = v / nrm
				}
				if t >= 0 {
					sums[c] += fmath.Log(nrm)
				}
				if rest := k - c - 1; rest > 0 {
					later := T[(c+1)*n : k*n]
					vec.MatVec(proj[:rest], later, rest, n, w)
					for p := range proj[:rest] {
						proj[p] = -proj[p]
					}
					vec.AddOuter(later, proj[:rest], w)
				}
			}
			transpose(Q, T, k, n)
			factored = t + 1
		}
		m.Step(y, x, nil)
		x, y = y, x
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w at step %d", ErrDiverged, t)
			}
		}
		if set.Trace != nil && set.TraceEvery > 0 && t >= 0 && (t+1)%set.TraceEvery == 0 && factored > 0 {
			for c := range est {
				est[c] = sums[c] / float64(factored) / set.Dt
			}
			set.Trace(t+1, est)
		}
	}
	out := make([]float64, k)
	for c := range out {
		out[c] = sums[c] / float64(steps) / set.Dt
	}
	return out, nil
}

// transpose sets dst (cols×rows, row-major) to the transpose of src
// (rows×cols, row-major).
func transpose(dst, src []float64, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, v := range src[i*cols : (i+1)*cols] {
			dst[j*rows+i] = v
		}
	}
}

// KaplanYorke returns the Kaplan–Yorke dimension of a spectrum sorted in
// decreasing order: 0 if λ1 < 0, the full dimension if all partial sums are
// non-negative.
func KaplanYorke(lambda []float64) float64 {
	var s float64
	for j, l := range lambda {
		if s+l < 0 {
			if j == 0 {
				return 0
			}
			return float64(j) + s/math.Abs(l)
		}
		s += l
	}
	return float64(len(lambda))
}

// Jacobians returns the Jacobians J(x_t) (row-major n×n each) along the
// orbit x_0, …, x_{steps−1} of m from x0 — for a discretised flow, the
// Jacobians of one integrator step — for analyses that need them all
// (local expansion rates, finite-time exponents).
func Jacobians(m Map, x0 []float64, steps int) [][]float64 {
	n := m.Dim()
	x, y := append([]float64(nil), x0...), make([]float64, n)
	out := make([][]float64, steps)
	for t := range out {
		out[t] = make([]float64, n*n)
		m.Jacobian(out[t], x, nil)
		m.Step(y, x, nil)
		x, y = y, x
	}
	return out
}
