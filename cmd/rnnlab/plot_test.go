package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// majors returns the labelled ticks' values, and fails t unless every label
// is the value it marks.
func majors(t *testing.T, what string, ticks []plot.Tick) []float64 {
	t.Helper()
	var v []float64
	for _, tk := range ticks {
		if tk.IsMinor() {
			continue
		}
		f, err := strconv.ParseFloat(tk.Label, 64)
		if err != nil || math.Abs(f-tk.Value) > 1e-9*math.Max(1, math.Abs(f)) {
			t.Fatalf("%s: label %q marks %v", what, tk.Label, tk.Value)
		}
		v = append(v, tk.Value)
	}
	return v
}

// checkRound fails t unless the major ticks lie at consecutive multiples of
// one step of 1, 2 or 5 × 10^k, at least three of them, within [lo, hi].
func checkRound(t *testing.T, what string, v []float64, lo, hi float64) {
	t.Helper()
	if len(v) < 3 || len(v) > 11 {
		t.Fatalf("%s: %d major ticks %v", what, len(v), v)
	}
	step := (v[len(v)-1] - v[0]) / float64(len(v)-1)
	e := math.Floor(math.Log10(step))
	m := step / math.Pow(10, e)
	if math.Abs(m-1) > 1e-6 && math.Abs(m-2) > 1e-6 && math.Abs(m-5) > 1e-6 {
		t.Fatalf("%s: step %v is not 1, 2 or 5 × 10^k (ticks %v)", what, step, v)
	}
	step = math.Round(m) * math.Pow(10, e)
	for i, x := range v {
		if r := x / step; math.Abs(r-math.Round(r)) > 1e-6 {
			t.Fatalf("%s: tick %v is not a multiple of the step %v (ticks %v)", what, x, step, v)
		}
		if i > 0 && math.Abs(x-v[i-1]-step) > 1e-6*step {
			t.Fatalf("%s: uneven ticks %v", what, v)
		}
		if x < lo-1e-9*step || x > hi+1e-9*step {
			t.Fatalf("%s: tick %v outside [%v, %v]", what, x, lo, hi)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string // the labels, where pinned
	}{
		{0, 12000, "0 2000 4000 6000 8000 10000 12000"},
		{24, 12000, "2000 4000 6000 8000 10000 12000"}, // gonum's default: 1000 6000 11000
		{0, 20000, "0 5000 10000 15000 20000"},
		{0, 1500, "0 500 1000 1500"},
		{-2.31, 2.62, "-2 -1 0 1 2"},
		{0.12, 1.81, "0.5 1.0 1.5"},
		{0.87, 2.63, ""},
		{1e-4, 3.2e-3, ""},
		{-51234, 48890, ""},
		{3, 3.0001, ""},
	} {
		what := fmt.Sprintf("[%v, %v]", c.lo, c.hi)
		ticks := niceTicks{Target: 5}.Ticks(c.lo, c.hi)
		v := majors(t, what, ticks)
		checkRound(t, what, v, c.lo, c.hi)
		if c.want != "" {
			var got []string
			for _, tk := range ticks {
				if !tk.IsMinor() {
					got = append(got, tk.Label)
				}
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s: labels %q, want %q", what, strings.Join(got, " "), c.want)
			}
		}
		for i := 1; i < len(ticks); i++ {
			if !(ticks[i].Value > ticks[i-1].Value) {
				t.Fatalf("%s: ticks out of order at %d: %v", what, i, ticks)
			}
		}
	}
}

// demoHistory is an evaluation history like make demo's: every 4000 steps,
// the last (after training) repeating step 8000's metrics because
// select_best kept those parameters.
func demoHistory() ([]float64, []evalRecord) {
	losses := make([]float64, 12000)
	for i := range losses {
		losses[i] = 0.5/float64(i+1) + 3e-4
	}
	m := func(d, h float64) Metrics { return Metrics{Dstsp: d, DH: h} }
	return losses, []evalRecord{{Step: 4000, Metrics: m(1.81, 0.142)}, {Step: 8000, Metrics: m(1.41, 0.113)}, {Step: 12000, Metrics: m(1.41, 0.113)}}
}

// TestLossPlotAxes checks loss.png's axes: both panels span the same steps
// with round x ticks, and the metrics panel has a y-axis label and says
// which parameters its last point is.
func TestLossPlotAxes(t *testing.T) {
	p, q, err := lossPlots(demoHistory())
	if err != nil {
		t.Fatal(err)
	}
	if q.Y.Label.Text == "" || p.Y.Label.Text == "" || q.X.Label.Text == "" {
		t.Fatalf("axis labels: loss y %q, metrics x %q y %q", p.Y.Label.Text, q.X.Label.Text, q.Y.Label.Text)
	}
	if p.X.Min != q.X.Min || p.X.Max != q.X.Max || p.X.Min != 0 || p.X.Max != 12000 {
		t.Fatalf("x ranges: loss [%v, %v], metrics [%v, %v], want both [0, 12000]", p.X.Min, p.X.Max, q.X.Min, q.X.Max)
	}
	for _, c := range []struct {
		name string
		ax   plot.Axis
	}{{"loss x", p.X}, {"metrics x", q.X}, {"metrics y", q.Y}} {
		checkRound(t, c.name, majors(t, c.name, c.ax.Tick.Marker.Ticks(c.ax.Min, c.ax.Max)), c.ax.Min, c.ax.Max)
	}
	if !strings.Contains(q.Title.Text, "step 8000") {
		t.Errorf("metrics title %q does not say the final point is step 8000's parameters", q.Title.Text)
	}
}

// lorenzPair returns two stretches of Lorenz-63 (z-scored, different
// initial conditions) standing in for held-out data and a generated run.
func lorenzPair(t *testing.T, steps int) (truth, gen []float64, n int) {
	t.Helper()
	a, err := loadSeries(DataConfig{Source: "lorenz63", Steps: steps, Dt: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := loadSeries(DataConfig{Source: "lorenz63", Steps: steps, Dt: 0.01, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	return a.X, b.X, a.N
}

// legendOverlap renders rows twice, with and without the legends, and
// returns how many of the pixels a legend changes were not background, i.e.
// how much of the traces, axes or text the legends cover.
func legendOverlap(rows [][]*plot.Plot, w, h vg.Length) (covered, legend int) {
	with := renderRows(w, h, rows).Image()
	for _, ps := range rows {
		for _, p := range ps {
			top, left := p.Legend.Top, p.Legend.Left
			p.Legend = plot.NewLegend()
			p.Legend.Top, p.Legend.Left = top, left
		}
	}
	without := renderRows(w, h, rows).Image()
	white := color.RGBAModel.Convert(color.White)
	b := with.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if rgba(with, x, y) != rgba(without, x, y) {
				legend++
				if rgba(without, x, y) != white {
					covered++
				}
			}
		}
	}
	return covered, legend
}

func rgba(img image.Image, x, y int) color.Color { return color.RGBAModel.Convert(img.At(x, y)) }

// TestLegendsCoverNoTrace draws attractor.png, long.png and loss.png as the
// command does and checks that no legend is drawn over anything but
// background.
func TestLegendsCoverNoTrace(t *testing.T) {
	truth, gen, n := lorenzPair(t, 6000)
	attr, err := attractorPlots(truth, gen, n)
	if err != nil {
		t.Fatal(err)
	}
	top, bottom, err := longPlots(truth, gen, n)
	if err != nil {
		t.Fatal(err)
	}
	lp, lq, err := lossPlots(demoHistory())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		rows [][]*plot.Plot
		w, h vg.Length
	}{
		{"attractor.png", [][]*plot.Plot{attr}, 15 * vg.Inch, 5 * vg.Inch},
		{"long.png", [][]*plot.Plot{top, bottom}, 13 * vg.Inch, 8 * vg.Inch},
		{"loss.png", [][]*plot.Plot{{lp, lq}}, 10 * vg.Inch, 4 * vg.Inch},
	} {
		covered, legend := legendOverlap(c.rows, c.w, c.h)
		if legend == 0 {
			t.Errorf("%s: no legend drawn", c.name)
		}
		if covered > 0 {
			t.Errorf("%s: the legends cover %d non-background pixels (of %d they draw)", c.name, covered, legend)
		}
	}
}

// TestLongPlot checks what long.png shows: the whole generated run, and a
// return map of successive maxima of x₃ that, for Lorenz-63, has the cusp
// Lorenz (1963) found: maxima near the top of the range follow small ones.
func TestLongPlot(t *testing.T) {
	truth, gen, n := lorenzPair(t, 8000)
	top, bottom, err := longPlots(truth, gen, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || len(bottom) != 2 {
		t.Fatalf("panels: %d on top, %d below", len(top), len(bottom))
	}
	if top[0].X.Max < float64(len(gen)/n-1) || !strings.Contains(top[0].Title.Text, strconv.Itoa(len(gen)/n)) {
		t.Fatalf("time series ends at step %v of %d (title %q)", top[0].X.Max, len(gen)/n, top[0].Title.Text)
	}
	rm := returnMap(truth, n, 2)
	if len(rm) < 50 {
		t.Fatalf("%d successive maxima of x₃ in %d steps of Lorenz-63", len(rm), len(truth)/n)
	}
	// Lorenz's map of z maxima is single-humped (Lorenz 1963, fig. 4): the
	// points lie on one curve, m_{k+1} = f(m_k), so neighbours in m_k have
	// close m_{k+1}, and the highest m_{k+1} follows a middle m_k.
	sort.Slice(rm, func(a, b int) bool { return rm[a].X < rm[b].X })
	lo, hi := rm[0].Y, rm[0].Y
	peak := 0
	for k, p := range rm {
		lo, hi = min(lo, p.Y), max(hi, p.Y)
		if p.Y > rm[peak].Y {
			peak = k
		}
	}
	close := 0
	for k := 1; k < len(rm); k++ {
		if math.Abs(rm[k].Y-rm[k-1].Y) < 0.1*(hi-lo) {
			close++
		}
	}
	if f := float64(close) / float64(len(rm)-1); f < 0.9 {
		t.Errorf("only %.0f%% of the return map's neighbours in m_k are close in m_{k+1}: not one curve", 100*f)
	}
	if q := float64(peak) / float64(len(rm)); q < 0.2 || q > 0.95 {
		t.Errorf("the highest next maximum follows the %.0f%% quantile of m_k, not a middle one", 100*q)
	}
}
