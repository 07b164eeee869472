package metric

import (
	"fmt"
	"math"
	"slices"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// StateSpace returns D_stsp between the T×n ground truth xTrue and the
// generated series xGen, choosing the estimator as the reference's
// decide_on_measure does: StateSpaceBinned with s.Bins bins per dimension for
// n ≤ BinningMaxDim (n < 6), and otherwise StateSpaceGMM with variance
// s.Scaling, s.MaxT time points and s.MCSamples samples drawn from
// rng.New(s.Seed). A nil s means the defaults.
func StateSpace(xTrue, xGen []float64, n int, s *Settings) (float64, error) {
	checkDim(n)
	if n <= BinningMaxDim {
		return StateSpaceBinned(xTrue, xGen, n, s.bins())
	}
	return StateSpaceGMM(xTrue, xGen, n, s.scaling(), s.maxT(), s.mcSamples(), rng.New(s.seed()))
}

// StateSpaceBinned returns the binned state-space divergence
//
//	D_stsp = KL(p ‖ q) = Σ_k p_k log(p_k / q_k)
//
// between the visitation frequencies p of the ground truth xTrue (T×n) and q
// of the generated series xGen (T'×n, T' may differ from T) over an
// n-dimensional histogram of bins^n cells (Koppe et al. 2019; Brenner et al.
// 2022, Eq. 9). As in the reference (state_space_divergence with binning
// "default", GTF-shPLRNN stsp_measure.jl):
//
//   - the histogram covers, in every dimension i, the box
//     [min_t x_ti − 0.1σ_i, max_t x_ti + 0.1σ_i) of the ground truth, with
//     σ_i its standard deviation (divisor T−1), cut into bins equal
//     half-open bins [a, b); points outside the box are not counted;
//   - the counts c are Laplace-smoothed, p_k = (c_k + α)/(Σc + α·bins^n)
//     with α = LaplaceAlpha = 1e-5, where Σc counts only points inside;
//   - if no generated point falls inside the box the result is NaN (here
//     with an error wrapping ErrOutOfRange).
//
// The histogram is sparse: occupied cells are found by sorting cell indices,
// and the bins^n − (occupied) empty cells, where p_k = α/S_p and q_k = α/S_q,
// contribute in closed form, so 30^5 cells cost no memory. Unlike the
// reference, counts are not UInt16 (which wraps above 65 535 points per
// cell) and arithmetic is float64. The reference uses this estimator for
// n < 6 (see StateSpace).
//
// A constant ground-truth dimension gives NaN and ErrDegenerate; NaN or Inf
// in xGen gives +Inf and ErrDiverged. bins < 1, n < 1 or bins^n ≥ 2^53 panic.
func StateSpaceBinned(xTrue, xGen []float64, n int, bins int) (float64, error) {
	T, cells, bad, err := binnedInputs(xTrue, xGen, n, bins, "StateSpaceBinned")
	if err != nil {
		return bad, err
	}

	sds, err := columnStds(xTrue, n)
	if err != nil {
		return math.NaN(), err
	}
	lo := make([]float64, n)
	width := make([]float64, n)
	for i, sd := range sds {
		mn, mx := math.Inf(1), math.Inf(-1)
		for t := range T {
			v := xTrue[t*n+i]
			mn = min(mn, v)
			mx = max(mx, v)
		}
		a := mn - 0.1*sd
		b := mx + 0.1*sd
		lo[i] = a
		width[i] = (b - a) / float64(bins)
	}

	p := cellIndices(xTrue, n, bins, lo, width)
	q := cellIndices(xGen, n, bins, lo, width)
	if len(q) == 0 {
		return math.NaN(), ErrOutOfRange
	}
	return smoothedKL(p, q, cells), nil
}

// binnedInputs checks the arguments of a binned estimator (named name in
// errors) and returns the ground truth's length T and the number of cells
// bins^n; on an error, bad is the value to return with it (NaN, or +Inf for
// a diverged generated series).
func binnedInputs(xTrue, xGen []float64, n, bins int, name string) (T int, cells, bad float64, err error) {
	checkDim(n)
	if bins < 1 {
		panic(fmt.Sprintf("metric: bins = %d must be positive", bins))
	}
	cells = 1.0
	for range n {
		cells *= float64(bins)
	}
	if cells >= 1<<53 {
		panic(fmt.Sprintf("metric: %d^%d histogram cells exceed 2^53; use StateSpaceGMM", bins, n))
	}
	if T, err = rows(xTrue, n, "xTrue"); err != nil {
		return 0, 0, math.NaN(), err
	}
	if _, err := rows(xGen, n, "xGen"); err != nil {
		return 0, 0, math.NaN(), err
	}
	if T < 2 {
		return 0, 0, math.NaN(), fmt.Errorf("%w: need at least 2 ground-truth time points, have %d", ErrShape, T)
	}
	if len(xGen) == 0 {
		return 0, 0, math.NaN(), fmt.Errorf("%w: empty generated series", ErrShape)
	}
	if !allFinite(xTrue) {
		return 0, 0, math.NaN(), ErrNonFinite
	}
	if !allFinite(xGen) {
		bad, err = diverged(name)
		return 0, 0, bad, err
	}
	return T, cells, 0, nil
}

// smoothedKL is KL(p ‖ q) between the Laplace-smoothed histograms whose
// occupied cells are the indices p and q (one entry per counted point,
// unsorted; sorted in place) over cells cells:
// p_k = (c_k + α)/(Σc + α·cells), α = LaplaceAlpha. The cells empty in both
// contribute in closed form.
func smoothedKL(p, q []uint64, cells float64) float64 {
	slices.Sort(p)
	slices.Sort(q)

	sp := float64(len(p)) + LaplaceAlpha*cells
	sq := float64(len(q)) + LaplaceAlpha*cells
	kl := 0.0
	occupied := 0
	i, j := 0, 0
	for i < len(p) || j < len(q) {
		var k uint64
		switch {
		case j == len(q) || (i < len(p) && p[i] <= q[j]):
			k = p[i]
		default:
			k = q[j]
		}
		cp, cq := 0, 0
		for i < len(p) && p[i] == k {
			cp++
			i++
		}
		for j < len(q) && q[j] == k {
			cq++
			j++
		}
		occupied++
		pk := (float64(cp) + LaplaceAlpha) / sp
		qk := (float64(cq) + LaplaceAlpha) / sq
		kl += float64(pk * fmath.Log(pk/qk))
	}
	// Cells empty in both histograms: p_k/q_k = S_q/S_p for each of them.
	empty := cells - float64(occupied)
	pe := LaplaceAlpha / sp
	kl += float64(empty * float64(pe*fmath.Log(sq/sp)))
	return kl
}

// cellIndices returns the column-major linear histogram cell index
// Σ_i k_i·bins^i of every row of x that falls inside the box; rows outside
// are skipped.
func cellIndices(x []float64, n, bins int, lo, width []float64) []uint64 {
	T := len(x) / n
	idx := make([]uint64, 0, T)
rowLoop:
	for t := range T {
		var k, stride uint64 = 0, 1
		for i := range n {
			f := (x[t*n+i] - lo[i]) / width[i]
			if !(f >= 0) {
				continue rowLoop
			}
			b := int(f) // floor, f ≥ 0
			if b >= bins {
				continue rowLoop
			}
			k += uint64(b) * stride
			stride *= uint64(bins)
		}
		idx = append(idx, k)
	}
	return idx
}

// meanStd returns the mean and the standard deviation (divisor T−1, as
// Julia's std) of dimension i of the T×n series x, T ≥ 2.
func meanStd(x []float64, n, i int) (mean, sd float64) {
	T := len(x) / n
	s := 0.0
	for t := range T {
		s += x[t*n+i]
	}
	mean = s / float64(T)
	ss := 0.0
	for t := range T {
		d := x[t*n+i] - mean
		ss += float64(d * d)
	}
	return mean, math.Sqrt(ss / float64(T-1))
}

// columnStds are the standard deviations (divisor T−1) of the columns of
// the ground truth x (T×n); a constant column is an error wrapping
// ErrDegenerate, naming it.
func columnStds(x []float64, n int) ([]float64, error) {
	sds := make([]float64, n)
	for i := range n {
		_, sds[i] = meanStd(x, n, i)
		if sds[i] == 0 {
			return nil, fmt.Errorf("%w: dimension %d of the ground truth", ErrDegenerate, i)
		}
	}
	return sds, nil
}
