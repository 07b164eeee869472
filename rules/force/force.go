// Package force trains linear readouts online by recursive least squares
// (RLS), and trains recurrent networks with output feedback by FORCE learning
// (Sussillo & Abbott, Neuron 63:544–557, 2009): the readout z = W r of the
// network's features r is fed back as the network's input, and W is updated
// at every step so that z follows the target from the first step on, which
// keeps the fed-back signal close to the target while the network learns to
// generate it autonomously.
//
// RLS (Haykin, Adaptive Filter Theory, 4th ed., §9): with P₀ = I/α,
//
//	k = P r,  c = 1/(1 + rᵀk),  P ← P − c k kᵀ,  e = W r − f,  W ← W − c e kᵀ
//
// where e is the error before the update (Sussillo & Abbott eqs. 4–5).
// P estimates (Σ r rᵀ + αI)⁻¹, so after n samples W is the ridge solution with
// regulariser α.
//
// Layout: W is Q×P row-major (Q outputs, P features), P is P×P.
package force

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// RLS is a recursive-least-squares linear readout z = W r.
type RLS struct {
	NF, NO int       // features P and outputs Q
	W      []float64 // NO×NF
	Pinv   []float64 // NF×NF estimate of (Σ r rᵀ + αI)⁻¹
	k, e   []float64
}

// NewRLS returns a readout with W = 0 and P = I/alpha (alpha > 0, the
// regulariser; Sussillo & Abbott use 1 to 100 times the feature scale).
func NewRLS(features, outputs int, alpha float64) *RLS {
	if features <= 0 || outputs <= 0 || !(alpha > 0) || math.IsInf(alpha, 0) {
		panic("force: NewRLS needs features > 0, outputs > 0 and a finite alpha > 0")
	}
	r := &RLS{NF: features, NO: outputs, W: make([]float64, outputs*features),
		Pinv: make([]float64, features*features), k: make([]float64, features), e: make([]float64, outputs)}
	for i := 0; i < features; i++ {
		r.Pinv[i*features+i] = 1 / alpha
	}
	return r
}

// Predict sets z = W r.
func (r *RLS) Predict(z, feat []float64) { vec.MatVec(z, r.W, r.NO, r.NF, feat) }

// Update makes one RLS step towards target f at features r and returns the
// squared error ‖W r − f‖² before the update.
func (r *RLS) Update(feat, f []float64) float64 {
	if len(feat) != r.NF || len(f) != r.NO {
		panic("force: Update needs NF features and NO targets")
	}
	n := r.NF
	vec.MatVec(r.k, r.Pinv, n, n, feat) // P symmetric: P r
	c := 1 / (1 + vec.Dot(feat, r.k))
	for i := 0; i < n; i++ {
		ki := float64(c * r.k[i])
		row := r.Pinv[i*n : (i+1)*n]
		for j, kj := range r.k {
			row[j] -= float64(ki * kj)
		}
	}
	r.Predict(r.e, feat)
	var sq float64
	for q := range r.e {
		d := r.e[q] - f[q]
		sq += float64(d * d)
		ce := float64(c * d)
		w := r.W[q*n : (q+1)*n]
		for j, kj := range r.k {
			w[j] -= float64(ce * kj)
		}
	}
	return sq
}

// Trainer runs FORCE on a map whose input is the fed-back readout: x_{t+1}
// = F(x_t, z_t), r_t = Features(x_t), z_t = W r_t. The map's input
// dimension must equal the number of outputs.
type Trainer struct {
	Map models.Map
	// Features sets dst (length NF) from the state x; nil uses x itself
	// (the rates of a rate network).
	Features func(dst, x []float64)
	RLS      *RLS
	X, Z     []float64 // current state and readout

	next, r []float64
}

// NewTrainer returns a trainer of m from state x0 with nf features, alpha
// the RLS regulariser.
func NewTrainer(m models.Map, x0 []float64, nf int, features func(dst, x []float64), alpha float64) (*Trainer, error) {
	if len(x0) != m.Dim() {
		return nil, fmt.Errorf("force: initial state has %d entries, the map %d", len(x0), m.Dim())
	}
	if m.InputDim() == 0 {
		return nil, fmt.Errorf("force: the map has no input to feed the readout back into")
	}
	if features == nil && nf != m.Dim() {
		return nil, fmt.Errorf("force: %d features without a Features function, want the state dimension %d", nf, m.Dim())
	}
	t := &Trainer{Map: m, Features: features, RLS: NewRLS(nf, m.InputDim(), alpha),
		X: append([]float64(nil), x0...), Z: make([]float64, m.InputDim()),
		next: make([]float64, m.Dim()), r: make([]float64, nf)}
	t.readout()
	return t, nil
}

func (t *Trainer) readout() {
	if t.Features == nil {
		copy(t.r, t.X)
	} else {
		t.Features(t.r, t.X)
	}
	t.RLS.Predict(t.Z, t.r)
}

// Step advances the network one step with the readout fed back; when target
// is not nil it then updates W towards it (FORCE) and returns the squared
// error before the update, else it runs freely and returns 0.
func (t *Trainer) Step(target []float64) float64 {
	t.Map.Step(t.next, t.X, t.Z)
	t.X, t.next = t.next, t.X
	var sq float64
	if t.Features == nil {
		copy(t.r, t.X)
	} else {
		t.Features(t.r, t.X)
	}
	if target != nil {
		sq = t.RLS.Update(t.r, target)
	}
	t.RLS.Predict(t.Z, t.r)
	return sq
}
