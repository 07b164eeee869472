// Package corrdim estimates the correlation dimension of an attractor from a
// trajectory by the method of Grassberger & Procaccia (Phys. Rev. Lett. 50,
// 346, 1983; Physica D 9, 189, 1983). The correlation sum
//
//	C(r) = 2 / ((N−w)(N−w−1)) · #{ (i, j) : j − i > w, ‖x_i − x_j‖ < r }
//
// counts pairs of points closer than r, excluding pairs less than w samples
// apart in time (the Theiler window, Theiler, Phys. Rev. A 34, 1986, which
// removes the trivial correlation of consecutive samples). On an attractor of
// dimension D, C(r) ∝ r^D over a scaling range of r; the estimate is the
// least-squares slope of log C against log r over that range.
//
// Fit range. The default range is r ∈ [0.01, 0.1]·d, d the attractor's
// diameter (largest per-coordinate extent), with 12 log-spaced radii; above
// it the finite size of the attractor bends the curve down, below it the
// finite number of points makes C noisy. Results report the per-radius
// local slopes so a user can check the plateau.
package corrdim

import (
	"errors"
	"math"
	"sort"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// Settings control Dimension; a nil *Settings or zero fields mean defaults.
type Settings struct {
	MaxPoints int     // points used, evenly subsampled (default 4000)
	Theiler   int     // Theiler window w in (subsampled) samples (default 10)
	RMin      float64 // fit range, as fractions of the diameter (default 0.01 …
	RMax      float64 // … 0.1)
	Radii     int     // log-spaced radii in the fit range (default 12)
}

// Result is a correlation-dimension estimate with its curve.
type Result struct {
	Dimension float64   // least-squares slope of log C(r) against log r
	R, C      []float64 // the radii and correlation sums
	Slopes    []float64 // local slopes between consecutive radii
}

// ErrTooFew is returned when too few pairs fall in the fit range.
var ErrTooFew = errors.New("corrdim: too few points or pairs in the fit range")

// Dimension estimates the correlation dimension of the T×n trajectory x
// (row-major).
func Dimension(x []float64, n int, s *Settings) (Result, error) {
	set := Settings{MaxPoints: 4000, Theiler: 10, RMin: 0.01, RMax: 0.1, Radii: 12}
	if s != nil {
		if s.MaxPoints > 0 {
			set.MaxPoints = s.MaxPoints
		}
		if s.Theiler > 0 {
			set.Theiler = s.Theiler
		}
		if s.RMin > 0 {
			set.RMin = s.RMin
		}
		if s.RMax > 0 {
			set.RMax = s.RMax
		}
		if s.Radii > 1 {
			set.Radii = s.Radii
		}
	}
	T := len(x) / n
	stride := 1
	if T > set.MaxPoints {
		stride = (T + set.MaxPoints - 1) / set.MaxPoints
	}
	var pts [][]float64
	for t := 0; t < T; t += stride {
		p := x[t*n : (t+1)*n]
		for _, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Result{}, errors.New("corrdim: trajectory holds a non-finite value")
			}
		}
		pts = append(pts, p)
	}
	N, w := len(pts), set.Theiler
	if N-w < 10 {
		return Result{}, ErrTooFew
	}
	var diam float64
	for j := 0; j < n; j++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range pts {
			lo, hi = math.Min(lo, p[j]), math.Max(hi, p[j])
		}
		diam = math.Max(diam, hi-lo)
	}
	if diam == 0 {
		return Result{}, ErrTooFew
	}
	R := make([]float64, set.Radii)
	r2 := make([]float64, set.Radii)
	l0, l1 := fmath.Log(set.RMin*diam), fmath.Log(set.RMax*diam)
	for i := range R {
		R[i] = fmath.Exp(l0 + (l1-l0)*float64(i)/float64(set.Radii-1))
		r2[i] = R[i] * R[i]
	}
	counts := make([]int, set.Radii+1) // counts[k]: pairs with r_{k−1} ≤ d < r_k
	for i := 0; i < N; i++ {
		pi := pts[i]
		for j := i + w + 1; j < N; j++ {
			pj := pts[j]
			var d2 float64
			for c := 0; c < n; c++ {
				d := pi[c] - pj[c]
				d2 += float64(d * d)
			}
			if d2 >= r2[len(r2)-1] {
				continue
			}
			counts[sort.SearchFloat64s(r2, math.Nextafter(d2, math.Inf(1)))]++
		}
	}
	pairs := float64(N-w) * float64(N-w-1) / 2
	C := make([]float64, set.Radii)
	cum := 0
	for k := range C {
		cum += counts[k]
		C[k] = float64(cum) / pairs
	}
	if C[0] == 0 {
		return Result{}, ErrTooFew
	}
	// Least-squares slope of log C against log r.
	var sx, sy, sxx, sxy float64
	m := float64(len(R))
	lx, ly := make([]float64, len(R)), make([]float64, len(R))
	for i := range R {
		lx[i], ly[i] = fmath.Log(R[i]), fmath.Log(C[i])
		sx += lx[i]
		sy += ly[i]
		sxx += lx[i] * lx[i]
		sxy += lx[i] * ly[i]
	}
	res := Result{R: R, C: C, Dimension: (m*sxy - sx*sy) / (m*sxx - sx*sx)}
	for i := 1; i < len(R); i++ {
		res.Slopes = append(res.Slopes, (ly[i]-ly[i-1])/(lx[i]-lx[i-1]))
	}
	return res, nil
}
