package metric

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/models"
)

// Predictor makes free-running predictions of a model from an observation.
// It must set the k-th row of dst (rows of N = len(x0), k = 0…steps−1,
// steps = len(dst)/N) to the model's predicted observation k+1 steps after
// the time of x0, having initialised the model's latent state from x0 the
// way the model does for teacher forcing (the reference's
// init_state(O, x): for an identity observation model the first N latent
// units are set to x0). It must not modify x0 and may not keep dst.
type Predictor func(dst, x0 []float64)

// PredictionError returns the n-step-ahead prediction error PE(n) of a model
// on the T×N observed series x (Hess et al. 2023; the reference's
// prediction_error, GTF-shPLRNN prediction_error.jl):
//
//	PE(n) = 1/((T−n)·N) Σ_{t=0}^{T−n−1} ‖x̂_{t+n|t} − x_{t+n}‖²,
//
// the mean squared error over all entries (Flux.mse) of the predictions
// x̂_{t+n|t} made by predict from every time point t that has a target n
// steps later. A NaN or Inf prediction gives +Inf and ErrDiverged.
// n < 1 or N < 1 panic; T ≤ n returns ErrShape.
func PredictionError(x []float64, N, n int, predict Predictor) (float64, error) {
	checkDim(N)
	if n < 1 {
		panic(fmt.Sprintf("metric: prediction horizon n = %d must be positive", n))
	}
	T, err := rows(x, N, "x")
	if err != nil {
		return math.NaN(), err
	}
	if T <= n {
		return math.NaN(), fmt.Errorf("%w: %d time points leave no target %d steps ahead", ErrShape, T, n)
	}
	if !allFinite(x) {
		return math.NaN(), ErrNonFinite
	}
	pred := make([]float64, n*N)
	last := pred[(n-1)*N:]
	sum := 0.0
	for t := range T - n {
		predict(pred, x[t*N:(t+1)*N])
		target := x[(t+n)*N : (t+n+1)*N]
		s := 0.0
		for i, v := range last {
			d := v - target[i]
			s += float64(d * d)
		}
		sum += s
	}
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		return diverged("PredictionError")
	}
	return sum / float64((T-n)*N), nil
}

// PredictionErrorCurve sets dst[k−1] = PE(k) for k = 1…n, n = len(dst), as
// dendPLRNN's n_steps_ahead_pred_mse (Brenner et al. 2022, BPTT_TF/evaluation
// /mse.py) does: every k uses the same T−n starting points t = 0…T−n−1, each
// predicted once n steps ahead, so dst[n−1] equals PredictionError(x, N, n,
// predict) while dst[k−1] for k < n averages over T−n rather than T−k
// points. It returns dst. Divergence (any non-finite prediction) sets the
// affected entries to +Inf and returns an error wrapping ErrDiverged.
func PredictionErrorCurve(dst, x []float64, N int, predict Predictor) ([]float64, error) {
	checkDim(N)
	n := len(dst)
	if n < 1 {
		panic("metric: PredictionErrorCurve needs len(dst) ≥ 1")
	}
	T, err := rows(x, N, "x")
	if err != nil {
		return dst, err
	}
	if T <= n {
		return dst, fmt.Errorf("%w: %d time points leave no target %d steps ahead", ErrShape, T, n)
	}
	if !allFinite(x) {
		return dst, ErrNonFinite
	}
	clear(dst)
	pred := make([]float64, n*N)
	for t := range T - n {
		predict(pred, x[t*N:(t+1)*N])
		for k := range n {
			row := pred[k*N : (k+1)*N]
			target := x[(t+k+1)*N : (t+k+2)*N]
			s := 0.0
			for i, v := range row {
				d := v - target[i]
				s += float64(d * d)
			}
			dst[k] += s
		}
	}
	var bad bool
	for k := range dst {
		dst[k] /= float64((T - n) * N)
		if math.IsNaN(dst[k]) || math.IsInf(dst[k], 0) {
			dst[k] = math.Inf(1)
			bad = true
		}
	}
	if bad {
		return dst, fmt.Errorf("%w: PredictionErrorCurve", ErrDiverged)
	}
	return dst, nil
}

// MapPredictor returns a Predictor for an autonomous map (InputDim 0) whose
// state is observed directly (observation = state, N = m.Dim()): x0 is the
// initial state and row k of dst is F^{k+1}(x0). The Predictor keeps its own
// scratch, so it is not safe for concurrent use; it panics if len(x0) is not
// m.Dim() or the map takes inputs.
func MapPredictor(m models.Map) Predictor {
	if m.InputDim() != 0 {
		panic("metric: MapPredictor needs an autonomous map (InputDim 0)")
	}
	M := m.Dim()
	return func(dst, x0 []float64) {
		if len(x0) != M || len(dst)%M != 0 {
			panic(fmt.Sprintf("metric: MapPredictor: len(x0) = %d, len(dst) = %d for a map of dimension %d", len(x0), len(dst), M))
		}
		prev := x0
		for k := 0; k < len(dst)/M; k++ {
			next := dst[k*M : (k+1)*M]
			m.Step(next, prev, nil)
			prev = next
		}
	}
}
