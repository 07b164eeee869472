package reservoir

import (
	"math"

	"github.com/rnnlab/rnnlab/analysis/metric"
	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// oneStep scores one-step predictions pred of the rows truth (both T×3):
// the mean squared error and R² = 1 − SSE/SST per coordinate, averaged
// over the coordinates (scikit-learn's r2_score, which the tutorial uses).
func oneStep(pred, truth []float64) (mse, r2 float64) {
	T := len(truth) / 3
	var sse float64
	for j := 0; j < 3; j++ {
		var mean float64
		for t := 0; t < T; t++ {
			mean += truth[t*3+j]
		}
		mean /= float64(T)
		var e, v float64
		for t := 0; t < T; t++ {
			d := pred[t*3+j] - truth[t*3+j]
			e += float64(d * d)
			c := truth[t*3+j] - mean
			v += float64(c * c)
		}
		sse += e
		r2 += 1 - e/v
	}
	return sse / float64(3*T), r2 / 3
}

// freeScores compares the first len(truth) rows of the free run gen with
// truth by D_stsp (binned, 30 bins per axis) and D_H (the reference's
// smoothing of 20 frequency bins). A diverged run (non-finite values)
// scores +Inf.
func freeScores(gen, truth []float64) (dstsp, dh float64) {
	g := gen[:len(truth)]
	dstsp, err := metric.StateSpace(truth, g, 3, nil)
	if err != nil && !(dstsp > 0) {
		dstsp = math.Inf(1)
	}
	dh, err = metric.PowerSpectrumHellinger(truth, g, 3, metric.DefaultSmoothing)
	if err != nil && !(dh >= 0) {
		dh = math.Inf(1)
	}
	return dstsp, dh
}

// lambda1 estimates the largest Lyapunov exponent of the series x (T rows
// of n, sampled every dt) by the method of Rosenstein, Collins & De Luca
// (Physica D 65:117–134, 1993): every state's nearest neighbour farther
// than the Theiler window w (time units) in time is found, the mean over
// pairs of the log distance ⟨ln d_j(i)⟩ is followed i steps ahead, and λ1
// is the least-squares slope of that curve between fitFrom and fitTo time
// units. The state is observed fully, so no delay embedding is needed.
// It returns NaN for a series too short or without finite neighbours
// (a fixed point: every distance is zero).
func lambda1(x []float64, n int, dt, w, fitFrom, fitTo float64) float64 {
	T := len(x) / n
	theiler := int(math.Round(w / dt))
	i0, i1 := int(math.Round(fitFrom/dt)), int(math.Round(fitTo/dt))
	K := i1 + 1
	M := T - K // states whose future of K steps is in the series
	if M < 2 || i1 <= i0 {
		return math.NaN()
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.NaN()
		}
	}
	sum := make([]float64, K)
	cnt := make([]int, K)
	for j := 0; j < M; j++ {
		best, bi := math.Inf(1), -1
		xj := x[j*n : (j+1)*n]
		for k := 0; k < M; k++ {
			if k-j <= theiler && j-k <= theiler {
				continue
			}
			var d float64
			for c, v := range x[k*n : (k+1)*n] {
				e := v - xj[c]
				d += float64(e * e)
			}
			if d < best && d > 0 {
				best, bi = d, k
			}
		}
		if bi < 0 {
			continue
		}
		for i := 0; i < K; i++ {
			var d float64
			a, b := x[(j+i)*n:(j+i+1)*n], x[(bi+i)*n:(bi+i+1)*n]
			for c := range a {
				e := a[c] - b[c]
				d += float64(e * e)
			}
			if d > 0 {
				sum[i] += float64(0.5 * fmath.Log(d))
				cnt[i]++
			}
		}
	}
	// Least-squares slope of ⟨ln d⟩ against time over i0 … i1.
	var st, sy, stt, sty, m float64
	for i := i0; i <= i1; i++ {
		if cnt[i] == 0 {
			continue
		}
		t, y := float64(i)*dt, sum[i]/float64(cnt[i])
		st += t
		sy += y
		stt += float64(t * t)
		sty += float64(t * y)
		m++
	}
	den := float64(m*stt) - float64(st*st)
	if m < 2 || den == 0 {
		return math.NaN()
	}
	return (float64(m*sty) - float64(st*sy)) / den
}
