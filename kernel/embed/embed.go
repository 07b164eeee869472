// Package embed holds the preprocessing of scalar recordings for
// dynamical-systems reconstruction: delay embeddings (Takens, Lecture Notes
// in Math. 898, 1981), the choice of the delay by the first minimum of the
// auto mutual information (Fraser & Swinney, Phys. Rev. A 33, 1986) or the
// first zero crossing of the autocorrelation, the choice of the dimension by
// false nearest neighbours (Kennel, Brown & Abarbanel, Phys. Rev. A 45,
// 1992), baseline-wander removal by cascaded median filters (de Chazal,
// O'Dwyer & Reilly, IEEE TBME 51, 2004: 200 ms then 600 ms) and resampling
// by linear interpolation.
//
// Series are scalar []float64 unless stated; embeddings are row-major T×d.
package embed

import (
	"errors"
	"math"
	"sort"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// Delay returns the delay embedding with the given non-negative delays
// (uniform embedding: 0, τ, 2τ, …): row t is (x[t+L−d_0], …, x[t+L−d_k])
// with L = max delay, so that row t ends at time t+L and column j lags by d_j.
func Delay(x []float64, delays []int) ([]float64, error) {
	if len(delays) == 0 {
		return nil, errors.New("embed: no delays")
	}
	L := 0
	for _, d := range delays {
		if d < 0 {
			return nil, errors.New("embed: negative delay")
		}
		L = max(L, d)
	}
	T := len(x) - L
	if T < 1 {
		return nil, errors.New("embed: series shorter than the largest delay")
	}
	out := make([]float64, 0, T*len(delays))
	for t := 0; t < T; t++ {
		for _, d := range delays {
			out = append(out, x[t+L-d])
		}
	}
	return out, nil
}

// Uniform returns the delays 0, tau, …, (dim−1)·tau.
func Uniform(dim, tau int) []int {
	d := make([]int, dim)
	for i := range d {
		d[i] = i * tau
	}
	return d
}

// AutoMutualInformation returns I(τ) for τ = 0 … maxLag in nats, estimated
// with a histogram of bins equal-width bins over the range of x.
func AutoMutualInformation(x []float64, maxLag, bins int) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	idx := make([]int, len(x))
	for i, v := range x {
		k := int(float64(bins) * (v - lo) / (hi - lo))
		idx[i] = min(max(k, 0), bins-1)
	}
	out := make([]float64, maxLag+1)
	joint := make([]float64, bins*bins)
	pa, pb := make([]float64, bins), make([]float64, bins)
	for tau := 0; tau <= maxLag && tau < len(x); tau++ {
		clear(joint)
		clear(pa)
		clear(pb)
		n := len(x) - tau
		for t := 0; t < n; t++ {
			a, b := idx[t], idx[t+tau]
			joint[a*bins+b]++
			pa[a]++
			pb[b]++
		}
		var mi float64
		for a := 0; a < bins; a++ {
			for b := 0; b < bins; b++ {
				if j := joint[a*bins+b]; j > 0 {
					mi += j / float64(n) * fmath.Log(j*float64(n)/(pa[a]*pb[b]))
				}
			}
		}
		out[tau] = mi
	}
	return out
}

// FirstMinimum returns the first index k > 0 with f[k] < f[k−1] and
// f[k] ≤ f[k+1], or −1 if there is none.
func FirstMinimum(f []float64) int {
	for k := 1; k+1 < len(f); k++ {
		if f[k] < f[k-1] && f[k] <= f[k+1] {
			return k
		}
	}
	return -1
}

// Autocorrelation returns the normalised autocorrelation for lags 0 … maxLag.
func Autocorrelation(x []float64, maxLag int) []float64 {
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var v0 float64
	for _, v := range x {
		v0 += (v - mean) * (v - mean)
	}
	out := make([]float64, maxLag+1)
	for tau := 0; tau <= maxLag && tau < len(x); tau++ {
		var s float64
		for t := 0; t+tau < len(x); t++ {
			s += (x[t] - mean) * (x[t+tau] - mean)
		}
		out[tau] = s / v0
	}
	return out
}

// FirstZero returns the first lag at which f changes sign, or −1.
func FirstZero(f []float64) int {
	for k := 1; k < len(f); k++ {
		if f[k] <= 0 && f[k-1] > 0 {
			return k
		}
	}
	return -1
}

// FalseNearestNeighbours returns, for embedding dimensions 1 … maxDim with
// delay tau, the fraction of nearest neighbours that are false when the next
// delay coordinate is added: |x_{t+dτ} − x_{s+dτ}| / ‖y_t − y_s‖ > rtol, or
// the new distance exceeds atol·σ (Kennel et al. 1992, criteria 1 and 2;
// rtol = 10, atol = 2 are their values). At most maxPoints points are used.
func FalseNearestNeighbours(x []float64, tau, maxDim int, rtol, atol float64, maxPoints int) []float64 {
	var mean, sd float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	sd = math.Sqrt(sd / float64(len(x)))
	out := make([]float64, maxDim)
	for d := 1; d <= maxDim; d++ {
		n := len(x) - d*tau // points whose (d+1)-th coordinate exists
		if n < 2 {
			break
		}
		stride := max(1, n/maxPoints)
		var pts []int
		for t := 0; t < n; t += stride {
			pts = append(pts, t)
		}
		falseCount := 0
		for _, t := range pts {
			best, bs := math.Inf(1), -1
			for _, s := range pts {
				if s == t {
					continue
				}
				var d2 float64
				for k := 0; k < d; k++ {
					df := x[t+k*tau] - x[s+k*tau]
					d2 += df * df
				}
				if d2 > 0 && d2 < best {
					best, bs = d2, s
				}
			}
			if bs < 0 {
				continue
			}
			extra := math.Abs(x[t+d*tau] - x[bs+d*tau])
			r := math.Sqrt(best)
			if extra/r > rtol || math.Sqrt(best+extra*extra)/sd > atol {
				falseCount++
			}
		}
		out[d-1] = float64(falseCount) / float64(len(pts))
	}
	return out
}

// MedianFilter returns the running median of x over a centred window of
// width w samples (w odd; the window shrinks at the edges).
func MedianFilter(x []float64, w int) []float64 {
	if w < 1 {
		w = 1
	}
	h := w / 2
	out := make([]float64, len(x))
	buf := make([]float64, 0, w)
	for t := range x {
		lo, hi := max(0, t-h), min(len(x), t+h+1)
		buf = append(buf[:0], x[lo:hi]...)
		sort.Float64s(buf)
		out[t] = buf[len(buf)/2]
	}
	return out
}

// RemoveBaseline subtracts the baseline estimated by a median filter of
// 200 ms followed by one of 600 ms (de Chazal et al. 2004) from an ECG
// sampled at fs Hz.
func RemoveBaseline(x []float64, fs float64) []float64 {
	w1 := int(0.2*fs) | 1
	w2 := int(0.6*fs) | 1
	base := MedianFilter(MedianFilter(x, w1), w2)
	out := make([]float64, len(x))
	for i := range x {
		out[i] = x[i] - base[i]
	}
	return out
}

// Resample returns x (sampled at from Hz) at to Hz by linear interpolation.
// To downsample without aliasing, low-pass filter first (e.g. with a moving
// average over from/to samples).
func Resample(x []float64, from, to float64) []float64 {
	if len(x) == 0 || from == to {
		return append([]float64(nil), x...)
	}
	n := int(math.Floor(float64(len(x)-1)*to/from)) + 1
	out := make([]float64, n)
	for i := range out {
		t := float64(i) * from / to
		k := int(t)
		if k >= len(x)-1 {
			out[i] = x[len(x)-1]
			continue
		}
		f := t - float64(k)
		out[i] = x[k] + f*(x[k+1]-x[k])
	}
	return out
}
