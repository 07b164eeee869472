package bptt

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// annealAlpha estimates α* from the Jacobian norms along the teacher-forced
// states of the current batch and anneals α towards it (see package doc).
func (t *Trainer) annealAlpha() {
	jm, ok := t.Model.(models.Jacobian)
	if !ok {
		return
	}
	// Jacobians at the forcing signals, the states teacher forcing visits.
	T, S := t.Cfg.SeqLen, t.Cfg.Batch
	M := t.Model.Dim()
	worst := 0.0
	for s := 0; s < S; s++ {
		var logSum float64
		for k := 1; k <= T; k++ {
			zk := t.zhat[(k*S+s)*M : (k*S+s+1)*M]
			jm.Jacobian(t.jac, zk, nil)
			logSum += fmath.Log(math.Max(SpectralNorm(t.jac, M, t.pv, t.pw), 1e-300))
		}
		if g := fmath.Exp(logSum / float64(T)); g > worst {
			worst = g
		}
	}
	est := 0.0
	if worst > 0 {
		est = math.Max(0, 1-1/worst)
	}
	if est > t.Alpha {
		t.Alpha = est
	} else {
		t.Alpha = float64(t.Cfg.AlphaDecay*t.Alpha) + float64((1-t.Cfg.AlphaDecay)*est)
	}
}

// SpectralNorm returns ‖J‖₂ of the row-major m×m matrix J by power iteration
// on JᵀJ (60 iterations from a fixed start, so the result is deterministic);
// v and w are scratch vectors of length m.
func SpectralNorm(J []float64, m int, v, w []float64) float64 {
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(m))
	}
	var s float64
	for it := 0; it < 60; it++ {
		vec.MatVec(w, J, m, m, v)  // w = J v
		vec.MatTVec(v, J, m, m, w) // v = Jᵀ J v
		n := math.Sqrt(vec.Dot(v, v))
		if n == 0 {
			return 0
		}
		for i := range v {
			v[i] /= n
		}
		s = n
	}
	return math.Sqrt(s)
}
