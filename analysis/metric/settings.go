package metric

import (
	"errors"
	"fmt"
	"math"
)

// Reference defaults, from settings/defaults.json of GTF-shPLRNN (Hess et al.
// 2023) and the keyword defaults of its src/measures/stsp_measure.jl.
const (
	DefaultBins      = 30    // "D_stsp_bins"
	DefaultScaling   = 1.0   // "D_stsp_scaling", the variance σ² of the GMM kernels
	DefaultSmoothing = 20.0  // "PSE_smoothing", σ of the spectral Gaussian filter in frequency bins
	DefaultHorizon   = 20    // "PE_n"
	DefaultMaxT      = 10000 // max_T of the GMM estimate
	DefaultMCSamples = 1000  // mc_samples of the GMM estimate

	// BinningMaxDim is the largest dimension N for which StateSpace bins;
	// above it uses the GMM estimate. The reference's decide_on_measure
	// uses binning for N < 6.
	BinningMaxDim = 5
)

// LaplaceAlpha is the pseudo-count added to every histogram cell before the
// KL divergence is taken (laplace_smoothing in stsp_measure.jl, α = 1e-5).
const LaplaceAlpha = 1e-5

// Settings collects the parameters of the three measures. A nil *Settings,
// or a zero field, means the reference default.
type Settings struct {
	// Bins is the number of histogram bins per dimension of the binned
	// D_stsp. Zero means DefaultBins (30).
	Bins int
	// Scaling is the variance σ² of the isotropic Gaussian placed on every
	// time point by the GMM D_stsp. Zero means DefaultScaling (1).
	Scaling float64
	// MaxT is how many leading time points of each series the GMM D_stsp
	// uses. Zero means DefaultMaxT (10 000).
	MaxT int
	// MCSamples is the number of Monte-Carlo samples of the GMM D_stsp.
	// Zero means DefaultMCSamples (1000).
	MCSamples int
	// Seed seeds the rng.Rand that draws the Monte-Carlo samples of the GMM
	// D_stsp; zero is a valid seed like any other.
	Seed uint64
	// Smoothing is the standard deviation, in frequency bins, of the Gaussian
	// that smooths the power spectra of D_H. Zero means DefaultSmoothing
	// (20); a negative value means no smoothing.
	Smoothing float64
	// Horizon is the number of free-running steps n of PE(n). Zero means
	// DefaultHorizon (20).
	Horizon int
}

func (s *Settings) bins() int {
	if s == nil || s.Bins == 0 {
		return DefaultBins
	}
	return s.Bins
}

func (s *Settings) scaling() float64 {
	if s == nil || s.Scaling == 0 {
		return DefaultScaling
	}
	return s.Scaling
}

func (s *Settings) maxT() int {
	if s == nil || s.MaxT == 0 {
		return DefaultMaxT
	}
	return s.MaxT
}

func (s *Settings) mcSamples() int {
	if s == nil || s.MCSamples == 0 {
		return DefaultMCSamples
	}
	return s.MCSamples
}

func (s *Settings) seed() uint64 {
	if s == nil {
		return 0
	}
	return s.Seed
}

func (s *Settings) smoothing() float64 {
	switch {
	case s == nil || s.Smoothing == 0:
		return DefaultSmoothing
	case s.Smoothing < 0:
		return 0
	}
	return s.Smoothing
}

func (s *Settings) horizon() int {
	if s == nil || s.Horizon == 0 {
		return DefaultHorizon
	}
	return s.Horizon
}

var (
	// ErrDiverged reports a generated series or prediction containing NaN or
	// ±Inf. The accompanying value is +Inf.
	ErrDiverged = errors.New("metric: generated series is not finite (diverged)")
	// ErrNonFinite reports NaN or ±Inf in the ground-truth data.
	ErrNonFinite = errors.New("metric: ground-truth data contain NaN or Inf")
	// ErrShape reports lengths that do not fit the dimension or each other,
	// or a series too short for the measure.
	ErrShape = errors.New("metric: bad series shape")
	// ErrDegenerate reports a series with a constant dimension, for which the
	// histogram range or the z-score is undefined (the reference returns
	// NaN). The accompanying value is NaN.
	ErrDegenerate = errors.New("metric: constant dimension")
	// ErrOutOfRange reports a generated series none of whose points falls
	// inside the histogram range of the ground truth; the reference returns
	// NaN in that case, and so does StateSpaceBinned.
	ErrOutOfRange = errors.New("metric: generated series lies outside the data range")
)

// rows checks that x is a T×n series and returns T.
func rows(x []float64, n int, name string) (int, error) {
	if len(x)%n != 0 {
		return 0, fmt.Errorf("%w: len(%s) = %d is not a multiple of n = %d", ErrShape, name, len(x), n)
	}
	return len(x) / n, nil
}

// allFinite reports whether every element of x is finite.
func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func checkDim(n int) {
	if n <= 0 {
		panic(fmt.Sprintf("metric: dimension n = %d must be positive", n))
	}
}

// diverged returns +Inf and an error wrapping ErrDiverged.
func diverged(what string) (float64, error) {
	return math.Inf(1), fmt.Errorf("%w: %s", ErrDiverged, what)
}

// Resolved returns a copy of s with every zero field replaced by its default
// and a negative Smoothing replaced by 0 (no smoothing), ready to pass to
// the individual functions. A nil s gives all defaults.
func (s *Settings) Resolved() Settings {
	return Settings{
		Bins:      s.bins(),
		Scaling:   s.scaling(),
		MaxT:      s.maxT(),
		MCSamples: s.mcSamples(),
		Seed:      s.seed(),
		Smoothing: s.smoothing(),
		Horizon:   s.horizon(),
	}
}
