// Package metric implements the long-horizon measures by which the
// dynamical-systems-reconstruction (DSR) literature judges whether a trained
// model reproduces the geometry and temporal structure of a system's
// attractor, rather than its one-step predictions alone:
//
//   - D_stsp, the state-space divergence: the Kullback–Leibler divergence
//     KL(p_true ‖ p_gen) between the distributions of visited states of the
//     observed and of a freely generated trajectory (Koppe et al. 2019,
//     PLoS Comput Biol 15:e1007263; Brenner et al. 2022, ICML). It is
//     estimated by binning for low dimensions (StateSpaceBinned) and by a
//     Gaussian-mixture Monte-Carlo estimate for high dimensions
//     (StateSpaceGMM, after Hershey & Olsen 2007, ICASSP); StateSpace picks
//     between them with the reference's rule (binning for N < 6).
//     StateSpaceBinned is the GTF-shPLRNN paper's binned estimator (Hess et
//     al. 2023); StateSpaceBinnedDend the dendritic PLRNN paper's (Brenner
//     et al. 2022: a box of ±2 std about 0, bin 0 dropped), whose scale
//     differs: compare a figure only with a paper that used the same one.
//   - D_H, the power-spectrum Hellinger distance: per observed dimension the
//     Hellinger distance between the Gaussian-smoothed, normalised power
//     spectra of the two z-scored series, averaged over dimensions
//     (Mikhaeil et al. 2022, NeurIPS; Hess et al. 2023, ICML).
//   - PE(n), the n-step-ahead prediction error: the mean squared error of
//     n-step free-running predictions started from every data point
//     (Hess et al. 2023; Brenner et al. 2022).
//
// The definitions, parameters and defaults follow the reference
// implementation of Hess et al. (2023), github.com/DurstewitzLab/GTF-shPLRNN
// (src/measures/stsp_measure.jl, pse.jl, prediction_error.jl,
// settings/defaults.json), and for the prediction-error curve the Python code
// of Brenner et al. (2022), github.com/DurstewitzLab/dendPLRNN
// (BPTT_TF/evaluation/mse.py). Where this package departs from the reference
// (float64 instead of Float32, a log-sum-exp instead of dropping underflowing
// Monte-Carlo samples, no UInt16 histogram overflow, explicit errors instead
// of NaN) the function's documentation says so.
//
// # Data layout
//
// A multivariate series of T time points in N dimensions is a []float64 of
// length T·N, row-major: x[t·N+i] is dimension i at time t, and row t is
// x[t·N:(t+1)·N]. The first argument of every divergence is the ground truth,
// the second the generated (model) series. Inputs are never modified.
//
// # Errors and divergence
//
// Wrong shapes (a length that is not a multiple of N, mismatched lengths,
// too-short series) and non-finite ground-truth data return errors.
// Non-positive dimensions or settings out of range are programmer errors and
// panic with the prefix "metric: ". A generated series or prediction that
// contains NaN or ±Inf (a diverged model) gives +Inf together with an error
// that wraps ErrDiverged, so an evaluation loop can record the run as
// diverged with errors.Is and keep going.
//
// # Reproducibility
//
// Every function returns bit-identical results on amd64 and js/wasm: the
// exponentials and logarithms come from kernel/fmath, products that feed a sum
// are written float64(a*b)+c, sums run in a fixed order, and the Monte-Carlo
// estimate draws from an explicit seeded *rng.Rand. The FFT is gonum's pure-Go
// FFTPACK port (gonum.org/v1/gonum/dsp/fourier), whose twiddle factors use
// math.Sin and math.Cos, which have no assembly on amd64 or wasm.
package metric
