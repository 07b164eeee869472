package metric_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/metric"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// circle returns T×2 points on a noisy circle of radius r centred at (cx, 0).
func circle(T int, r, cx float64, seed uint64) []float64 {
	g := rng.New(seed)
	x := make([]float64, 2*T)
	for t := range T {
		a := 0.05 * float64(t)
		x[2*t] = cx + r*math.Cos(a) + 0.05*g.Norm()
		x[2*t+1] = r*math.Sin(a) + 0.05*g.Norm()
	}
	return x
}

func ExampleStateSpaceBinned() {
	truth := circle(20000, 1, 0, 1)
	good := circle(20000, 1, 0, 2)    // same attractor, other noise
	wrong := circle(20000, 0.5, 0, 3) // a smaller limit cycle
	dGood, _ := metric.StateSpaceBinned(truth, good, 2, 30)
	dWrong, _ := metric.StateSpaceBinned(truth, wrong, 2, 30)
	fmt.Printf("good %.2f, wrong %.1f\n", dGood, dWrong)
	// Output: good 0.03, wrong 16.1
}

func ExampleStateSpaceGMM() {
	truth := circle(5000, 1, 0, 1)
	shifted := circle(5000, 1, 2, 2) // the same cycle moved by 2
	d, _ := metric.StateSpaceGMM(truth, shifted, 2, 1, 10000, 1000, rng.New(1))
	fmt.Printf("%.1f\n", d)
	// Output: 1.4
}

func ExampleStateSpace() {
	truth := circle(20000, 1, 0, 1)
	gen := circle(20000, 1, 0, 2)
	// nil settings: 30 bins, since n = 2 < 6.
	d, err := metric.StateSpace(truth, gen, 2, nil)
	fmt.Printf("%.2f %v\n", d, err)

	// A diverged model is reported, not hidden.
	gen[100] = math.NaN()
	d, err = metric.StateSpace(truth, gen, 2, nil)
	fmt.Println(d, errors.Is(err, metric.ErrDiverged))
	// Output:
	// 0.03 <nil>
	// +Inf true
}

func ExamplePowerSpectrumHellinger() {
	truth := circle(4096, 1, 0, 1)
	same := circle(4096, 1, 0, 2)
	faster := make([]float64, len(truth)) // the same cycle at 3× the frequency
	for t := range 4096 {
		faster[2*t] = math.Cos(0.15 * float64(t))
		faster[2*t+1] = math.Sin(0.15 * float64(t))
	}
	h1, _ := metric.PowerSpectrumHellinger(truth, same, 2, metric.DefaultSmoothing)
	h2, _ := metric.PowerSpectrumHellinger(truth, faster, 2, metric.DefaultSmoothing)
	fmt.Printf("same %.2f, faster %.2f\n", h1, h2)
	// Output: same 0.00, faster 0.84
}

// linear is the map x_{t+1} = a·x_t on one coordinate.
type linear struct{ a float64 }

func (l linear) Dim() int      { return 1 }
func (l linear) InputDim() int { return 0 }
func (l linear) Step(dst, x, u []float64) {
	for i := range x {
		dst[i] = l.a * x[i]
	}
}

func ExamplePredictionError() {
	// Data from x_{t+1} = 0.9·x_t, predicted by the true map and a wrong one.
	x := make([]float64, 100)
	x[0] = 1
	for t := 1; t < len(x); t++ {
		x[t] = 0.9 * x[t-1]
	}
	right, _ := metric.PredictionError(x, 1, 20, metric.MapPredictor(linear{0.9}))
	wrong, _ := metric.PredictionError(x, 1, 20, metric.MapPredictor(linear{0.8}))
	fmt.Printf("PE(20): true map %.3g, wrong map %.3g\n", right, wrong)
	// Output: PE(20): true map 0, wrong map 0.000797
}

func ExamplePredictionErrorCurve() {
	x := make([]float64, 100)
	x[0] = 1
	for t := 1; t < len(x); t++ {
		x[t] = 0.9 * x[t-1]
	}
	// A Predictor can be any function: here the wrong decay 0.8.
	predict := func(dst, x0 []float64) {
		v := x0[0]
		for k := range dst {
			v *= 0.8
			dst[k] = v
		}
	}
	curve, _ := metric.PredictionErrorCurve(make([]float64, 4), x, 1, predict)
	fmt.Printf("%.2e\n", curve)
	// Output: [5.48e-04 1.58e-03 2.58e-03 3.33e-03]
}

// The two papers' binned estimators on the same trajectories: the
// dendritic PLRNN paper's box is ±2σ about 0, the GTF paper's the data's
// range ± 0.1σ (here, for a circle of radius 1, σ = 0.71: ±1.41 against
// about ±1.2), so the two scales differ.
func ExampleStateSpaceBinnedDend() {
	truth := circle(20000, 1, 0, 1)
	good := circle(20000, 1, 0, 2)    // same attractor, other noise
	wrong := circle(20000, 0.5, 0, 3) // a smaller limit cycle
	for _, gen := range [][]float64{good, wrong} {
		gtf, _ := metric.StateSpaceBinned(truth, gen, 2, 30)
		dend, _ := metric.StateSpaceBinnedDend(truth, gen, 2, 30)
		fmt.Printf("gtf %.3f, dendplrnn %.3f\n", gtf, dend)
	}
	// Output:
	// gtf 0.030, dendplrnn 0.022
	// gtf 16.060, dendplrnn 16.320
}
