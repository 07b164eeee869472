package metric

import (
	"errors"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/build/shareddata"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

func TestStateSpaceBinnedHand(t *testing.T) {
	// 1-D, 2 bins, xTrue = {0, 1}: σ = 1/√2, box [−0.1σ, 1+0.1σ), each true
	// point in its own bin, so p = (½, ½) exactly after smoothing.
	a := LaplaceAlpha
	for _, tc := range []struct {
		name string
		gen  []float64
		want float64
	}{
		{"same", []float64{1, 0}, 0},
		// q counts (2, 0): q = ((2+α)/(2+2α), α/(2+2α)).
		{"one bin", []float64{0, 0}, 0.5*math.Log(0.5/((2+a)/(2+2*a))) + 0.5*math.Log(0.5/(a/(2+2*a)))},
		// 5 and −3 fall outside the box and are not counted: q counts (1, 0).
		{"outside dropped", []float64{5, 0, -3}, 0.5*math.Log(0.5/((1+a)/(1+2*a))) + 0.5*math.Log(0.5/(a/(1+2*a)))},
	} {
		got, err := StateSpaceBinned([]float64{0, 1}, tc.gen, 1, 2)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: D_stsp = %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
}

// TestStateSpaceBinnedDense compares the sparse sum with a direct sum over
// every cell of a small dense histogram.
func TestStateSpaceBinnedDense(t *testing.T) {
	r := rng.New(1)
	const n, bins, T = 2, 4, 300
	x := make([]float64, T*n)
	y := make([]float64, T*n)
	r.FillNorm(x, 1)
	r.FillNorm(y, 1.5) // wider: some points fall outside the box
	got, err := StateSpaceBinned(x, y, n, bins)
	if err != nil {
		t.Fatal(err)
	}
	lo := make([]float64, n)
	w := make([]float64, n)
	for i := range n {
		_, sd := meanStd(x, n, i)
		mn, mx := math.Inf(1), math.Inf(-1)
		for t := range T {
			mn, mx = min(mn, x[t*n+i]), max(mx, x[t*n+i])
		}
		lo[i], w[i] = mn-0.1*sd, (mx-mn+0.2*sd)/bins
	}
	hist := func(z []float64) ([]float64, float64) {
		h := make([]float64, bins*bins)
		tot := 0.0
		for t := range len(z) / n {
			i0 := math.Floor((z[t*n] - lo[0]) / w[0])
			i1 := math.Floor((z[t*n+1] - lo[1]) / w[1])
			if i0 < 0 || i0 >= bins || i1 < 0 || i1 >= bins {
				continue
			}
			h[int(i0)+bins*int(i1)]++
			tot++
		}
		return h, tot
	}
	hp, np := hist(x)
	hq, nq := hist(y)
	if nq == T {
		t.Fatal("test needs generated points outside the box")
	}
	want := 0.0
	for k := range hp {
		p := (hp[k] + LaplaceAlpha) / (np + LaplaceAlpha*bins*bins)
		q := (hq[k] + LaplaceAlpha) / (nq + LaplaceAlpha*bins*bins)
		want += p * math.Log(p/q)
	}
	if math.Abs(got-want) > 1e-10*math.Abs(want) {
		t.Errorf("sparse D_stsp = %.15g, dense = %.15g", got, want)
	}
}

func TestStateSpaceShift(t *testing.T) {
	x := lorenz(20000, 100, 5, 0.01)
	for _, tc := range []struct {
		name string
		f    func(x, y []float64) (float64, error)
	}{
		{"binned", func(x, y []float64) (float64, error) { return StateSpaceBinned(x, y, 3, 30) }},
		{"gmm", func(x, y []float64) (float64, error) { return StateSpaceGMM(x, y, 3, 1, 2000, 500, rng.New(7)) }},
	} {
		d0, err := tc.f(x, x)
		if err != nil || d0 != 0 {
			t.Errorf("%s: identical series: D = %v, %v; want exactly 0", tc.name, d0, err)
		}
		prev := d0
		for _, shift := range []float64{1, 3, 8} { // in units of the data (σ_x ≈ 8)
			y := append([]float64(nil), x...)
			for k := 0; k < len(y); k += 3 {
				y[k] += shift
			}
			d, err := tc.f(x, y)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if !(d > prev) {
				t.Errorf("%s: shift %v: D = %v not above %v", tc.name, shift, d, prev)
			}
			prev = d
		}
	}
}

func TestStateSpaceErrors(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5}
	if _, err := StateSpaceBinned(x, []float64{1, 2, 3}, 2, 10); !errors.Is(err, ErrShape) {
		t.Errorf("odd length: err = %v, want ErrShape", err)
	}
	if d, err := StateSpaceBinned(x, []float64{1, math.NaN()}, 2, 10); !errors.Is(err, ErrDiverged) || !math.IsInf(d, 1) {
		t.Errorf("NaN generated: %v, %v; want +Inf, ErrDiverged", d, err)
	}
	if d, err := StateSpaceBinned(x, []float64{100, 100}, 2, 10); !errors.Is(err, ErrOutOfRange) || !math.IsNaN(d) {
		t.Errorf("outside: %v, %v; want NaN, ErrOutOfRange", d, err)
	}
	if _, err := StateSpaceBinned([]float64{1, 0, 1, 1}, x, 2, 10); !errors.Is(err, ErrDegenerate) {
		t.Errorf("constant dimension: err = %v, want ErrDegenerate", err)
	}
	if _, err := StateSpaceBinned([]float64{1, math.Inf(1)}, x, 1, 10); !errors.Is(err, ErrNonFinite) {
		t.Errorf("Inf truth: err = %v, want ErrNonFinite", err)
	}
	if d, err := StateSpaceGMM(x, []float64{0, 1, math.Inf(-1), 3, 4, 5}, 2, 1, 10, 10, rng.New(1)); !errors.Is(err, ErrDiverged) || !math.IsInf(d, 1) {
		t.Errorf("GMM Inf generated: %v, %v", d, err)
	}
	if _, err := StateSpaceGMM(x, []float64{0, 1}, 2, 1, 10, 10, rng.New(1)); !errors.Is(err, ErrShape) {
		t.Errorf("GMM short generated: err = %v, want ErrShape", err)
	}
}

// TestStateSpaceGMMGaussians: with every point of xTrue at 0 and of xGen at μ
// the mixtures are N(0, σ²) and N(μ, σ²), whose KL divergence is μ²/(2σ²)
// for any dimension's offset; the Monte-Carlo standard error is |μ|/(σ√S).
func TestStateSpaceGMMGaussians(t *testing.T) {
	const S = 40000
	for _, tc := range []struct {
		mu, scaling float64
	}{
		{1, 1},   // KL 0.5
		{2, 4},   // σ = 2: KL 0.5 (checks that scaling is the variance)
		{3, 1},   // KL 4.5
		{0.5, 1}, // KL 0.125
	} {
		T := 7
		x := make([]float64, T)
		y := make([]float64, T)
		for i := range y {
			y[i] = tc.mu
		}
		got, err := StateSpaceGMM(x, y, 1, tc.scaling, 10000, S, rng.New(3))
		if err != nil {
			t.Fatal(err)
		}
		want := tc.mu * tc.mu / (2 * tc.scaling)
		se := math.Abs(tc.mu) / math.Sqrt(tc.scaling) / math.Sqrt(S)
		if math.Abs(got-want) > 4*se {
			t.Errorf("μ=%v σ²=%v: KL ≈ %v, want %v ± %v", tc.mu, tc.scaling, got, want, 4*se)
		}
	}
}

// TestStateSpaceGMMFarSample checks the log-sum-exp: a generated series 60σ
// away gives KL = 60²/2 = 1800 (where exp(−½E) underflows even in float64).
func TestStateSpaceGMMFarSample(t *testing.T) {
	x := []float64{0, 0}
	y := []float64{60, 60}
	got, err := StateSpaceGMM(x, y, 1, 1, 10, 20000, rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-1800) > 4*60/math.Sqrt(20000) {
		t.Errorf("KL = %v, want 1800 ± %v", got, 4*60/math.Sqrt(20000))
	}
}

func TestStateSpaceChooses(t *testing.T) {
	x := lorenz(3000, 100, 5, 0.01)
	y := lorenz(3000, 400, 5, 0.01)
	got, _ := StateSpace(x, y, 3, nil)
	want, _ := StateSpaceBinned(x, y, 3, DefaultBins)
	if got != want {
		t.Errorf("n=3: StateSpace = %v, binned = %v", got, want)
	}
	x5, y5 := embed5(x), embed5(y)
	s := &Settings{Seed: 9, MCSamples: 50}
	got, _ = StateSpace(x5, y5, 5, s)
	want, _ = StateSpaceBinned(x5, y5, 5, DefaultBins)
	if got != want {
		t.Errorf("n=5: StateSpace = %v, binned = %v", got, want)
	}
	x6 := append([]float64(nil), x[:3*500]...)
	y6 := append([]float64(nil), y[:3*500]...)
	got, _ = StateSpace(x6, y6, 6, s)
	want, _ = StateSpaceGMM(x6, y6, 6, 1, DefaultMaxT, 50, rng.New(9))
	if got != want {
		t.Errorf("n=6: StateSpace = %v, GMM = %v", got, want)
	}
}

func sine(T int, cycles ...float64) []float64 {
	x := make([]float64, T)
	for t := range x {
		for _, c := range cycles {
			x[t] += math.Sin(2 * math.Pi * c * float64(t) / float64(T))
		}
	}
	return x
}

func TestPowerSpectrumHellinger(t *testing.T) {
	const T = 4096
	for _, tc := range []struct {
		name   string
		x, y   []float64
		sigma  float64
		want   float64
		tol    float64
		source string
	}{
		{"identical", sine(T, 10, 37), sine(T, 10, 37), 20, 0, 0, "H(p,p) = 0"},
		// Disjoint supports: bins 10 and 1500, smoothing radius 4σ = 8.
		{"disjoint", sine(T, 10), sine(T, 1500), 2, 1, 1e-12, "H = 1 for disjoint supports"},
		// p = δ_10, q = ½δ_10 + ½δ_200 without smoothing: H² = 1 − √½.
		{"half", sine(T, 10), sine(T, 10, 200), 0, math.Sqrt(1 - math.Sqrt(0.5)), 1e-12, "Bhattacharyya coefficient √½"},
	} {
		got, err := PowerSpectrumHellinger(tc.x, tc.y, 1, tc.sigma)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: D_H = %.15g, want %.15g (%s)", tc.name, got, tc.want, tc.source)
		}
	}
}

func TestPowerSpectrumHellingerBounds(t *testing.T) {
	r := rng.New(11)
	for trial := range 20 {
		T := 64 + r.IntN(500) // odd and even lengths
		n := 1 + r.IntN(3)
		x := make([]float64, T*n)
		y := make([]float64, T*n)
		r.FillNorm(x, 1)
		for k := range y {
			y[k] = math.Sin(float64(k) * float64(trial+1) / 7)
		}
		for _, sigma := range []float64{0, 1, 2.5, 20} {
			h, err := PowerSpectrumHellingerDims(nil, x, y, n, sigma)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range h {
				if !(v >= 0 && v <= 1) {
					t.Errorf("T=%d n=%d σ=%v: D_H = %v outside [0, 1]", T, n, sigma, v)
				}
			}
		}
	}
}

func TestPowerSpectrumPieces(t *testing.T) {
	// Smoothing a constant spectrum leaves it constant and a probability
	// vector sums to 1.
	g := gaussianKernel(20)
	if len(g) != 81 { // kernel length 8σ+1 = 161, radius 80
		t.Errorf("σ=20: radius %d, want 80", len(g)-1)
	}
	if len(gaussianKernel(2.5)) != 11 { // 8σ = 20, even: length 21
		t.Errorf("σ=2.5: radius %d, want 10", len(gaussianKernel(2.5))-1)
	}
	if len(gaussianKernel(0.625)) != 3 { // 8σ = 5, odd: length 5
		t.Errorf("σ=0.625: radius %d, want 2", len(gaussianKernel(0.625))-1)
	}
	src := []float64{3, 3, 3, 3, 3}
	dst := make([]float64, 5)
	smooth(dst, src, gaussianKernel(2))
	for _, v := range dst {
		if math.Abs(v-3) > 1e-14 {
			t.Errorf("smoothed constant = %v, want 3", dst)
			break
		}
	}
	// ImageFiltering "reflect": … c b | a b c d e | d c …
	for _, c := range [][2]int{{-1, 1}, {-2, 2}, {5, 3}, {6, 2}, {-4, 4}, {8, 0}, {0, 0}, {4, 4}} {
		if got := reflect(c[0], 5); got != c[1] {
			t.Errorf("reflect(%d, 5) = %d, want %d", c[0], got, c[1])
		}
	}
	p, err := PowerSpectrum(sine(1000, 3, 50), 1, 0, 20)
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for _, v := range p {
		s += v
	}
	if len(p) != 501 || math.Abs(s-1) > 1e-12 {
		t.Errorf("spectrum: %d bins summing to %v, want 501 bins summing to 1", len(p), s)
	}
}

func TestPowerSpectrumErrors(t *testing.T) {
	x := sine(100, 3)
	if _, err := PowerSpectrumHellinger(x, x[:50], 1, 1); !errors.Is(err, ErrShape) {
		t.Errorf("lengths differ: %v", err)
	}
	y := append([]float64(nil), x...)
	y[7] = math.NaN()
	if d, err := PowerSpectrumHellinger(x, y, 1, 1); !errors.Is(err, ErrDiverged) || !math.IsInf(d, 1) {
		t.Errorf("NaN: %v, %v", d, err)
	}
	if d, err := PowerSpectrumHellinger(x, make([]float64, 100), 1, 1); !errors.Is(err, ErrDegenerate) || !math.IsNaN(d) {
		t.Errorf("constant: %v, %v", d, err)
	}
}

func TestPredictionError(t *testing.T) {
	// Data x_{t+1} = 0.9 x_t in 2 dimensions.
	const T, N = 200, 2
	x := make([]float64, T*N)
	x[0], x[1] = 1, -2
	for t := 1; t < T; t++ {
		x[t*N] = 0.9 * x[(t-1)*N]
		x[t*N+1] = 0.9 * x[(t-1)*N+1]
	}
	for _, n := range []int{1, 5, 20} {
		pe, err := PredictionError(x, N, n, MapPredictor(linearMap{0.9, N}))
		if err != nil || pe != 0 {
			t.Errorf("perfect predictor n=%d: PE = %v, %v; want exactly 0", n, pe, err)
		}
		// Predictor 0.8: error (0.9ⁿ − 0.8ⁿ)·x_t, so
		// PE = (0.9ⁿ − 0.8ⁿ)² · Σ_{t<T−n} ‖x_t‖² / ((T−n)·N).
		pe, err = PredictionError(x, N, n, MapPredictor(linearMap{0.8, N}))
		if err != nil {
			t.Fatal(err)
		}
		ss := 0.0
		for t := range T - n {
			ss += x[t*N]*x[t*N] + x[t*N+1]*x[t*N+1]
		}
		c := math.Pow(0.9, float64(n)) - math.Pow(0.8, float64(n))
		want := c * c * ss / float64((T-n)*N)
		if math.Abs(pe-want) > 1e-12*want {
			t.Errorf("predictor 0.8, n=%d: PE = %.15g, want %.15g", n, pe, want)
		}
	}
	// Curve: PE(k) over the same T−n starts.
	const n = 6
	curve, err := PredictionErrorCurve(make([]float64, n), x, N, MapPredictor(linearMap{0.8, N}))
	if err != nil {
		t.Fatal(err)
	}
	ss := 0.0
	for t := range T - n {
		ss += x[t*N]*x[t*N] + x[t*N+1]*x[t*N+1]
	}
	for k := 1; k <= n; k++ {
		c := math.Pow(0.9, float64(k)) - math.Pow(0.8, float64(k))
		want := c * c * ss / float64((T-n)*N)
		if math.Abs(curve[k-1]-want) > 1e-12*want {
			t.Errorf("curve k=%d: %.15g, want %.15g", k, curve[k-1], want)
		}
	}
	last, _ := PredictionError(x, N, n, MapPredictor(linearMap{0.8, N}))
	if curve[n-1] != last {
		t.Errorf("curve[n−1] = %v, PredictionError(n) = %v", curve[n-1], last)
	}
	// A diverging predictor.
	pe, err := PredictionError(x, N, 3, MapPredictor(linearMap{math.Inf(1), N}))
	if !errors.Is(err, ErrDiverged) || !math.IsInf(pe, 1) {
		t.Errorf("diverged: %v, %v", pe, err)
	}
	if _, err := PredictionError(x[:6], N, 3, MapPredictor(linearMap{1, N})); !errors.Is(err, ErrShape) {
		t.Errorf("too short: %v", err)
	}
}

func TestSettingsResolved(t *testing.T) {
	var s *Settings
	d := s.Resolved()
	// Values from GTF-shPLRNN settings/defaults.json and stsp_measure.jl.
	if d.Bins != 30 || d.Scaling != 1 || d.Smoothing != 20 || d.Horizon != 20 || d.MaxT != 10000 || d.MCSamples != 1000 {
		t.Errorf("defaults = %+v", d)
	}
	if (&Settings{Smoothing: -1}).Resolved().Smoothing != 0 {
		t.Error("negative Smoothing should resolve to 0 (none)")
	}
}

// TestLorenzData uses the reference's training set if it is present: two
// halves of the same attractor are close in D_stsp and D_H, and a copy
// shifted by one standard deviation in x is farther.
func TestLorenzData(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	x, n := readNPYFloat32(t, shareddata.Need(t, "dsr", "lorenz63_on0.05_train.npy"))
	if n != 3 {
		t.Skipf("unexpected shape: %d columns", n)
	}
	half := len(x) / 2 / 3 * 3
	a, b := x[:half], x[half:2*half]
	dSame, err := StateSpaceBinned(a, b, 3, 30)
	if err != nil {
		t.Fatal(err)
	}
	sh := append([]float64(nil), b...)
	_, sd := meanStd(a, 3, 0)
	for k := 0; k < len(sh); k += 3 {
		sh[k] += sd
	}
	dShift, _ := StateSpaceBinned(a, sh, 3, 30)
	hSame, err := PowerSpectrumHellinger(a, b, 3, 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Lorenz halves: D_stsp = %.4f (shifted %.4f), D_H = %.4f", dSame, dShift, hSame)
	if !(dSame < 0.5 && dShift > 2*dSame && hSame < 0.2) {
		t.Errorf("D_stsp halves %v, shifted %v, D_H %v", dSame, dShift, hSame)
	}
}

// TestSpectrumReference checks that a reference computed once and reused
// (its FFT scratch shared between comparisons) gives, for several generated
// series, the bits of a fresh PowerSpectrumHellinger (whose values the
// golden tests pin), and the errors for bad input.
func TestSpectrumReference(t *testing.T) {
	truth := lorenz(3000, 500, 1, 0.01)
	ref := NewSpectrumReference(truth, 3, 20)
	r := rng.New(4)
	for k := 0; k < 3; k++ {
		gen := append([]float64(nil), truth...)
		for i := range gen {
			gen[i] += float64(k) * r.Norm()
		}
		got, err := ref.Hellinger(gen)
		want, werr := PowerSpectrumHellinger(truth, gen, 3, 20)
		if err != nil || werr != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("series %d: reference %v (%v), direct %v (%v)", k, got, err, want, werr)
		}
	}
	if got, _ := ref.Hellinger(truth); !(got < 1e-12) {
		t.Errorf("the truth against itself: %v, want 0", got)
	}
	bad := append([]float64(nil), truth...)
	bad[7] = math.Inf(1)
	if v, err := ref.Hellinger(bad); !errors.Is(err, ErrDiverged) || !math.IsInf(v, 1) {
		t.Errorf("a diverged series: %v, %v; want +Inf and ErrDiverged", v, err)
	}
	if _, err := ref.Hellinger(truth[:30]); !errors.Is(err, ErrShape) {
		t.Errorf("a shorter series: %v, want ErrShape", err)
	}
	if _, err := NewSpectrumReference(bad, 3, 20).Hellinger(truth); !errors.Is(err, ErrNonFinite) {
		t.Errorf("a non-finite reference: %v, want ErrNonFinite", err)
	}
}
