package metric

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// StateSpaceGMM returns the Gaussian-mixture Monte-Carlo estimate of the
// state-space divergence used for high-dimensional observations (the
// reference's state_space_divergence(X, X̃, σ²), GTF-shPLRNN
// stsp_measure.jl; Brenner et al. 2022; Hershey & Olsen 2007, ICASSP,
// Eq. 10). With T̃ = min(T, maxT) leading time points of each series,
//
//	p(x) = (1/T̃) Σ_t N(x; xTrue_t, σ²I),   q(x) = (1/T̃) Σ_t N(x; xGen_t, σ²I),
//
// and D_stsp = KL(p ‖ q) is estimated by the sample mean of log p(s) − log q(s)
// over `samples` points s = xTrue_t + σ·ε with t uniform on the T̃ rows and
// ε ~ N(0, I), drawn from r (per sample: the row, then n normal deviates).
// scaling is the variance σ² (the reference's D_stsp_scaling, default 1), so
// σ = √scaling. The normalising constants cancel in the ratio.
//
// Departure from the reference: the reference evaluates the mixtures in
// Float32 and silently drops every sample where p or q underflows to 0 — which
// happens exactly for samples far from every generated point, so a poor model
// can score deceptively well. Here log p and log q use a log-sum-exp and every
// sample is kept, so such samples contribute their large (finite) log ratio.
// On well-overlapping series the two agree.
//
// xGen must have at least T̃ rows. NaN or Inf among the used rows of xGen
// gives +Inf and ErrDiverged. Cost: samples·T̃·n·2 multiply-adds and
// samples·T̃·2 exponentials. scaling ≤ 0, maxT < 1, samples < 1, n < 1 or a
// nil r panic.
func StateSpaceGMM(xTrue, xGen []float64, n int, scaling float64, maxT, samples int, r *rng.Rand) (float64, error) {
	checkDim(n)
	if !(scaling > 0) || math.IsInf(scaling, 0) {
		panic(fmt.Sprintf("metric: GMM variance scaling = %v must be positive and finite", scaling))
	}
	if maxT < 1 || samples < 1 {
		panic(fmt.Sprintf("metric: maxT = %d and samples = %d must be positive", maxT, samples))
	}
	if r == nil {
		panic("metric: nil *rng.Rand")
	}
	T, err := rows(xTrue, n, "xTrue")
	if err != nil {
		return math.NaN(), err
	}
	Tg, err := rows(xGen, n, "xGen")
	if err != nil {
		return math.NaN(), err
	}
	if T < 1 {
		return math.NaN(), fmt.Errorf("%w: empty ground-truth series", ErrShape)
	}
	Tm := min(T, maxT)
	if Tg < Tm {
		return math.NaN(), fmt.Errorf("%w: generated series has %d rows, need min(T, maxT) = %d", ErrShape, Tg, Tm)
	}
	xp := xTrue[:Tm*n]
	xq := xGen[:Tm*n]
	if !allFinite(xp) {
		return math.NaN(), ErrNonFinite
	}
	if !allFinite(xq) {
		return diverged("StateSpaceGMM")
	}

	sigma := math.Sqrt(scaling)
	inv := 1 / scaling
	s := make([]float64, n)
	e := make([]float64, Tm)
	sum := 0.0
	for range samples {
		t := r.IntN(Tm)
		for i := range n {
			s[i] = xp[t*n+i] + float64(sigma*r.Norm())
		}
		sum += logMixture(e, s, xp, n, inv) - logMixture(e, s, xq, n, inv)
	}
	return sum / float64(samples), nil
}

// logMixture returns log Σ_t exp(−½‖s − μ_t‖²/σ²) over the rows μ_t of mu,
// with inv = 1/σ², by a log-sum-exp; e is scratch of one entry per row.
func logMixture(e, s, mu []float64, n int, inv float64) float64 {
	emin := math.Inf(1)
	for t := range e {
		row := mu[t*n : (t+1)*n]
		d2 := 0.0
		for i, m := range row {
			d := s[i] - m
			d2 += float64(d * d)
		}
		v := float64(0.5 * inv * d2)
		e[t] = v
		emin = min(emin, v)
	}
	acc := 0.0
	for _, v := range e {
		acc += fmath.Exp(emin - v)
	}
	return fmath.Log(acc) - emin
}
