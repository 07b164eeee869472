package metric

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// PowerSpectrumHellinger returns the power-spectrum distance D_H between the
// T×n ground truth xTrue and the generated series xGen of the same length
// (Mikhaeil et al. 2022; Hess et al. 2023, Eq. 12): the mean over dimensions
// of
//
//	H(p, q) = (1/√2) · ‖√p − √q‖₂,
//
// where p (and q) is the power spectrum of one dimension computed as the
// reference's normalized_and_smoothed_power_spectrum (GTF-shPLRNN pse.jl):
//
//  1. z-score the dimension (mean, standard deviation with divisor T−1);
//  2. take the power |rFFT|² at the ⌊T/2⌋+1 frequencies 0, 1/T, …, ⌊T/2⌋/T,
//     all of them (the reference applies no frequency cut-off, unlike the
//     older correlation-based PSE of dendPLRNN's pse.py);
//  3. if smoothing σ > 0, convolve with a normalised Gaussian of standard
//     deviation σ frequency bins and radius R = 4σ (the kernel length is 8σ,
//     made odd by adding 1 when even, as the reference does to mimic
//     scipy.ndimage.gaussian_filter1d; where 8σ is not an integer, which the
//     reference rejects, R = ⌊4σ + ½⌋ as in scipy), with the spectrum
//     mirrored at both ends without repeating the edge bin (ImageFiltering's
//     "reflect" padding); clip negative values to 0;
//  4. divide by the sum, giving a probability vector.
//
// H lies in [0, 1]: 0 for identical spectra and 1 for spectra with disjoint
// support. The reference requires both series to have the same size and does
// not truncate; so does this function (ErrShape otherwise). smoothing = 0
// means no smoothing (the reference default for ECG/EEG and Lorenz runs is
// PSE_smoothing = 20, DefaultSmoothing).
//
// A constant dimension (zero variance), for which the reference's z-score
// yields NaN, gives NaN and an error wrapping ErrDegenerate; NaN or Inf in
// xGen gives +Inf and ErrDiverged. smoothing < 0 or n < 1 panic.
func PowerSpectrumHellinger(xTrue, xGen []float64, n int, smoothing float64) (float64, error) {
	if err := equalSizes(xTrue, xGen, n); err != nil {
		return math.NaN(), err
	}
	return NewSpectrumReference(xTrue, n, smoothing).Hellinger(xGen)
}

// PowerSpectrumHellingerDims is PowerSpectrumHellinger without the final
// average: it returns the Hellinger distance of every dimension (the
// reference's return_unreduced), in dst if it has length n, else in a new
// slice. On error the returned slice holds the one value to report (NaN or
// +Inf) and nothing else.
func PowerSpectrumHellingerDims(dst, xTrue, xGen []float64, n int, smoothing float64) ([]float64, error) {
	if err := equalSizes(xTrue, xGen, n); err != nil {
		return []float64{math.NaN()}, err
	}
	return NewSpectrumReference(xTrue, n, smoothing).HellingerDims(dst, xGen)
}

// equalSizes checks, in the order PowerSpectrumHellinger reports them, that
// xTrue is a T×n series and xGen has its size.
func equalSizes(xTrue, xGen []float64, n int) error {
	checkDim(n)
	if _, err := rows(xTrue, n, "xTrue"); err != nil {
		return err
	}
	if len(xGen) != len(xTrue) {
		return fmt.Errorf("%w: len(xTrue) = %d and len(xGen) = %d differ (the reference requires equal sizes)", ErrShape, len(xTrue), len(xGen))
	}
	return nil
}

// PowerSpectrum returns the normalised, smoothed power spectrum of dimension
// i of the T×n series x, as used by PowerSpectrumHellinger (steps 1–4): a
// probability vector over the ⌊T/2⌋+1 frequencies k/T, k = 0…⌊T/2⌋, in
// cycles per time step.
func PowerSpectrum(x []float64, n, i int, smoothing float64) ([]float64, error) {
	checkDim(n)
	checkSmoothing(smoothing)
	if i < 0 || i >= n {
		panic(fmt.Sprintf("metric: dimension index %d out of range [0, %d)", i, n))
	}
	T, err := rows(x, n, "x")
	if err != nil {
		return nil, err
	}
	if T < 2 {
		return nil, fmt.Errorf("%w: need at least 2 time points, have %d", ErrShape, T)
	}
	if !allFinite(x) {
		return nil, ErrNonFinite
	}
	ps := newSpectrum(T, smoothing)
	if err := ps.compute(x, n, i); err != nil {
		return nil, err
	}
	return ps.out, nil
}

func checkSmoothing(smoothing float64) {
	if !(smoothing >= 0) || math.IsInf(smoothing, 0) {
		panic(fmt.Sprintf("metric: smoothing = %v must be finite and non-negative", smoothing))
	}
}

// spectrum holds the FFT plan, the Gaussian kernel and scratch for series of
// one length.
type spectrum struct {
	fft    *fourier.FFT
	seq    []float64
	coef   []complex128
	pow    []float64
	out    []float64
	kernel []float64 // kernel[j], j = 0…R, of the symmetric Gaussian
}

func newSpectrum(T int, sigma float64) *spectrum {
	m := T/2 + 1
	s := &spectrum{
		fft:  fourier.NewFFT(T),
		seq:  make([]float64, T),
		coef: make([]complex128, m),
		pow:  make([]float64, m),
		out:  make([]float64, m),
	}
	if sigma > 0 {
		s.kernel = gaussianKernel(sigma)
	}
	return s
}

// gaussianKernel returns the half kernel g_0…g_R of the normalised Gaussian
// g_j ∝ exp(−j²/(2σ²)), j = −R…R, with R chosen as in smooth_dims! of the
// reference (see PowerSpectrumHellinger).
func gaussianKernel(sigma float64) []float64 {
	var R int
	if l := 8 * sigma; l == math.Floor(l) && l < 1<<30 {
		L := int(l)
		if L%2 == 0 {
			L++
		}
		R = (L - 1) / 2
	} else {
		R = int(4*sigma + 0.5)
	}
	g := make([]float64, R+1)
	c := -0.5 / float64(sigma*sigma)
	sum := 0.0
	for j := range g {
		g[j] = fmath.Exp(float64(c * float64(j*j)))
	}
	// Sum in index order −R…R so the normalisation is symmetric.
	for j := R; j >= 1; j-- {
		sum += g[j]
	}
	sum += g[0]
	for j := 1; j <= R; j++ {
		sum += g[j]
	}
	for j := range g {
		g[j] /= sum
	}
	return g
}

// compute fills s.out with the spectrum of dimension i of x.
func (s *spectrum) compute(x []float64, n, i int) error {
	mean, sd := meanStd(x, n, i)
	if sd == 0 {
		return ErrDegenerate
	}
	for t := range s.seq {
		s.seq[t] = (x[t*n+i] - mean) / sd
	}
	s.fft.Coefficients(s.coef, s.seq)
	for k, c := range s.coef {
		re, im := real(c), imag(c)
		s.pow[k] = float64(re*re) + float64(im*im)
	}
	if s.kernel == nil {
		copy(s.out, s.pow)
	} else {
		smooth(s.out, s.pow, s.kernel)
	}
	sum := 0.0
	for _, v := range s.out {
		sum += v
	}
	for k := range s.out {
		s.out[k] /= sum
	}
	return nil
}

// smooth sets dst = g ⋆ src with src mirrored about its end points without
// repeating them (…, x2, x1 | x0, x1, …, x_{m−1} | x_{m−2}, …), the
// reference's "reflect" padding, and clips negative results to 0.
func smooth(dst, src, g []float64) {
	m := len(src)
	R := len(g) - 1
	for k := range dst {
		acc := 0.0
		if k-R >= 0 && k+R < m {
			// Away from the edges no index reflects: the same sum in the
			// same order, without the index arithmetic.
			win := src[k-R : k+R+1]
			for j := -R; j <= R; j++ {
				acc += float64(g[abs(j)] * win[j+R])
			}
		} else {
			for j := -R; j <= R; j++ {
				w := g[abs(j)]
				acc += float64(w * src[reflect(k+j, m)])
			}
		}
		dst[k] = max(acc, 0)
	}
}

// reflect maps an index of the padded sequence onto [0, m).
func reflect(i, m int) int {
	if m == 1 {
		return 0
	}
	if i >= 0 && i < m {
		return i
	}
	p := 2 * (m - 1)
	i %= p
	if i < 0 {
		i += p
	}
	if i >= m {
		i = p - i
	}
	return i
}

func abs(j int) int {
	if j < 0 {
		return -j
	}
	return j
}

// hellinger returns (1/√2)·‖√p − √q‖₂.
func hellinger(p, q []float64) float64 {
	s := 0.0
	for k := range p {
		d := math.Sqrt(p[k]) - math.Sqrt(q[k])
		s += float64(d * d)
	}
	return math.Sqrt(s) / math.Sqrt2
}

// SpectrumReference holds the smoothed power spectra of a reference (true)
// series, so that repeated comparisons against it (the evaluations during
// training) compute them once. Its Hellinger gives exactly the bits of
// PowerSpectrumHellinger on the same inputs.
type SpectrumReference struct {
	n, T int
	p    [][]float64 // p[i]: the reference spectrum of dimension i
	ps   *spectrum
	h    []float64
	err  error // the reference's own error, reported by every comparison
}

// NewSpectrumReference computes the spectra of the T×n series xTrue with
// Gaussian smoothing σ = smoothing (see PowerSpectrumHellinger). A series
// PowerSpectrumHellinger would refuse (too short, not finite) gives a
// reference whose comparisons return that error.
func NewSpectrumReference(xTrue []float64, n int, smoothing float64) *SpectrumReference {
	checkDim(n)
	checkSmoothing(smoothing)
	r := &SpectrumReference{n: n}
	T, err := rows(xTrue, n, "xTrue")
	switch {
	case err != nil:
		r.err = err
	case T < 2:
		r.err = fmt.Errorf("%w: need at least 2 time points, have %d", ErrShape, T)
	case !allFinite(xTrue):
		r.err = ErrNonFinite
	}
	if r.err != nil {
		return r
	}
	r.T, r.ps, r.h = T, newSpectrum(T, smoothing), make([]float64, n)
	for i := range n {
		if err := r.ps.compute(xTrue, n, i); err != nil {
			r.err = fmt.Errorf("%w: dimension %d of the ground truth", err, i)
			return r
		}
		r.p = append(r.p, append([]float64(nil), r.ps.out...))
	}
	return r
}

// Hellinger returns PowerSpectrumHellinger(xTrue, xGen, n, smoothing) for
// the reference's xTrue, n and smoothing. It is not safe for concurrent use
// (the FFT scratch is shared).
func (r *SpectrumReference) Hellinger(xGen []float64) (float64, error) {
	h, err := r.HellingerDims(r.h, xGen)
	if err != nil {
		return h[0], err
	}
	s := 0.0
	for _, v := range h {
		s += v
	}
	return s / float64(r.n), nil
}

// HellingerDims is Hellinger per dimension, with PowerSpectrumHellingerDims'
// conventions for dst and errors.
func (r *SpectrumReference) HellingerDims(dst, xGen []float64) ([]float64, error) {
	if r.err != nil {
		return []float64{math.NaN()}, r.err
	}
	if len(xGen) != r.T*r.n {
		return []float64{math.NaN()}, fmt.Errorf("%w: len(xTrue) = %d and len(xGen) = %d differ (the reference requires equal sizes)", ErrShape, r.T*r.n, len(xGen))
	}
	if !allFinite(xGen) {
		v, err := diverged("PowerSpectrumHellinger")
		return []float64{v}, err
	}
	if len(dst) != r.n {
		dst = make([]float64, r.n)
	}
	for i := range r.n {
		if err := r.ps.compute(xGen, r.n, i); err != nil {
			return []float64{math.NaN()}, fmt.Errorf("%w: dimension %d of the generated series", err, i)
		}
		dst[i] = hellinger(r.p[i], r.ps.out)
	}
	return dst, nil
}
