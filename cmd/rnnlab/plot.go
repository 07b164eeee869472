package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var (
	colTrue = color.RGBA{R: 40, G: 40, B: 40, A: 255}
	colGen  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	colDH   = color.RGBA{G: 90, B: 200, A: 255}
	colGrey = color.RGBA{R: 150, G: 150, B: 150, A: 255}
)

// plotDPI is the resolution of every PNG the command writes.
const plotDPI = 110

// legendHeadroom is the fraction of a panel's data range added above the
// data so that a legend in the top corner covers no trace.
const legendHeadroom = 0.3

// niceTicks places major ticks at the multiples of a round step, 1, 2 or 5
// × 10^k, chosen so that about Target intervals span the axis (Heckbert,
// "Nice numbers for graph labels", Graphics Gems, 1990), with unlabelled
// minor ticks between them. gonum's default (Talbot, Lin and Hanrahan's
// search) may offset the labels from zero (1000, 6000, 11000).
type niceTicks struct{ Target int }

// Ticks implements plot.Ticker.
func (nt niceTicks) Ticks(lo, hi float64) []plot.Tick {
	target := nt.Target
	if target < 1 {
		target = 5
	}
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step, mant := niceStep((hi-lo)/float64(target), true)
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	minor := step / 5
	if mant == 2 {
		minor = step / 4
	}
	var ticks []plot.Tick
	const eps = 1e-9
	for k := math.Ceil(lo/minor - eps); k*minor <= hi+eps*minor; k++ {
		v := k * minor
		if math.Abs(v) < eps*step {
			v = 0
		}
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// niceStep returns a 1, 2 or 5 × 10^k near x (round: the nearest of them
// on a log scale as Heckbert rounds; else the smallest at least x) and its
// mantissa.
func niceStep(x float64, round bool) (step float64, mantissa int) {
	e := math.Floor(math.Log10(x))
	f := x / math.Pow(10, e)
	var m float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		m = 1
	case round && f < 3, !round && f <= 2:
		m = 2
	case round && f < 7, !round && f <= 5:
		m = 5
	default:
		m = 10
	}
	if m == 10 {
		return math.Pow(10, e+1), 1
	}
	return m * math.Pow(10, e), int(m)
}

// niceAxes gives both axes of p round ticks.
func niceAxes(p *plot.Plot) {
	p.X.Tick.Marker = niceTicks{Target: 5}
	p.Y.Tick.Marker = niceTicks{Target: 5}
}

// roomForLegend raises p's y-axis maximum by legendHeadroom of the data's
// range and puts the legend in the top right corner, above every trace.
func roomForLegend(p *plot.Plot) {
	p.Y.Max += legendHeadroom * (p.Y.Max - p.Y.Min)
	p.Legend.Top = true
}

// projection picks the two coordinates to draw: (x, z) for three or more
// dimensions (the Lorenz butterfly), (x, y) for two, and a delay embedding
// (x_t, x_{t+10}) for one.
func projection(x []float64, n int) plotter.XYs {
	var i, j, lag int
	switch {
	case n >= 3:
		i, j = 0, 2
	case n == 2:
		i, j = 0, 1
	default:
		i, j, lag = 0, 0, 10
	}
	T := len(x)/n - lag
	if T < 0 {
		T = 0
	}
	xy := make(plotter.XYs, 0, T)
	for t := 0; t < T; t++ {
		a, b := x[t*n+i], x[(t+lag)*n+j]
		if !finite(a) || !finite(b) {
			break
		}
		xy = append(xy, plotter.XY{X: a, Y: b})
	}
	return xy
}

func axisNames(n int) (string, string) {
	switch {
	case n >= 3:
		return "x₁", fmt.Sprintf("x%s", sub(n))
	case n == 2:
		return "x₁", "x₂"
	}
	return "x(t)", "x(t+10)"
}

func sub(n int) string {
	if n == 3 {
		return "₃"
	}
	return fmt.Sprint(n)
}

// series returns coordinate j of x (rows of n values) over its first span
// steps, as (step, value) points, stopping at the first non-finite value.
func series(x []float64, n, j, span int) plotter.XYs {
	span = min(span, len(x)/n)
	xy := make(plotter.XYs, 0, span)
	for t := 0; t < span; t++ {
		v := x[t*n+j]
		if !finite(v) {
			break
		}
		xy = append(xy, plotter.XY{X: float64(t), Y: v})
	}
	return xy
}

// plotAttractor writes attractorPlots to a PNG.
func plotAttractor(path string, truth, gen []float64, n int) error {
	ps, err := attractorPlots(truth, gen, n)
	if err != nil {
		return err
	}
	return savePlots(path, 15*vg.Inch, 5*vg.Inch, ps...)
}

// attractorPlots draws three panels: the data's attractor, the generated
// attractor (same projection and limits) and the first coordinate over time.
func attractorPlots(truth, gen []float64, n int) ([]*plot.Plot, error) {
	ax, ay := axisNames(n)
	pt, pg := projection(truth, n), projection(gen, n)
	mk := func(title string, xy plotter.XYs, c color.Color) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text, p.Y.Label.Text = ax, ay
		niceAxes(p)
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = c, vg.Points(0.4)
		p.Add(l)
		return p, nil
	}
	p1, err := mk("held-out data", pt, colTrue)
	if err != nil {
		return nil, err
	}
	title := "generated (free-running)"
	if len(pg) < len(gen)/n-10 {
		title = "generated — diverged"
	}
	p2, err := mk(title, pg, colGen)
	if err != nil {
		return nil, err
	}
	// Same limits on both panels, so shapes and sizes compare directly.
	p2.X.Min, p2.X.Max, p2.Y.Min, p2.Y.Max = p1.X.Min, p1.X.Max, p1.Y.Min, p1.Y.Max
	p3 := plot.New()
	p3.Title.Text = "first coordinate over time"
	p3.X.Label.Text, p3.Y.Label.Text = "step", "x₁"
	niceAxes(p3)
	span := min(1500, len(truth)/n, len(gen)/n)
	for _, s := range []struct {
		x    []float64
		c    color.Color
		name string
	}{{truth, colTrue, "data"}, {gen, colGen, "generated"}} {
		l, err := plotter.NewLine(series(s.x, n, 0, span))
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = s.c, vg.Points(0.8)
		p3.Add(l)
		p3.Legend.Add(s.name, l)
	}
	roomForLegend(p3)
	return []*plot.Plot{p1, p2, p3}, nil
}

// plotLong writes longPlots to a PNG: what `rnnlab generate --plot` draws.
func plotLong(path string, truth, gen []float64, n int) error {
	top, bottom, err := longPlots(truth, gen, n)
	if err != nil {
		return err
	}
	return saveRows(path, 13*vg.Inch, 8*vg.Inch, [][]*plot.Plot{top, bottom})
}

// longPlots draws a long generated run against the held-out data: on top,
// x₁ over every generated step, between dashed lines at the data's extremes
// (collapse to a fixed point or a cycle, drift and divergence show here);
// below, the return map of successive large maxima of the last drawn
// coordinate (Lorenz's map of z_max, Lorenz 1963, J. Atmos. Sci. 20, fig.
// 4), which shows whether the generated run keeps the data's
// maximum-to-maximum dynamics, and the distribution of x₁ over the whole run
// against the data's.
func longPlots(truth, gen []float64, n int) (top, bottom []*plot.Plot, err error) {
	T := len(gen) / n
	ts := plot.New()
	ts.Title.Text = fmt.Sprintf("generated x₁, all %d steps", T)
	ts.X.Label.Text, ts.Y.Label.Text = "step", "x₁"
	niceAxes(ts)
	gl, err := plotter.NewLine(series(gen, n, 0, T))
	if err != nil {
		return nil, nil, err
	}
	gl.Color, gl.Width = colGen, vg.Points(0.4)
	ts.Add(gl)
	ts.Legend.Add("generated", gl)
	lo, hi := math.Inf(1), math.Inf(-1)
	for t := 0; t < len(truth)/n; t++ {
		if v := truth[t*n]; finite(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo <= hi {
		for i, v := range []float64{lo, hi} {
			l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: v}, {X: float64(max(T-1, 1)), Y: v}})
			if err != nil {
				return nil, nil, err
			}
			l.Color, l.Width, l.Dashes = colGrey, vg.Points(0.8), []vg.Length{vg.Points(4), vg.Points(3)}
			ts.Add(l)
			if i == 0 {
				ts.Legend.Add("range of the held-out data", l)
			}
		}
	}
	roomForLegend(ts)

	j := min(n, 3) - 1
	name := fmt.Sprintf("x%s", subscript(j+1))
	rm := plot.New()
	rm.Title.Text = "return map of successive large maxima of " + name
	rm.X.Label.Text, rm.Y.Label.Text = "maximum k of "+name, "maximum k+1"
	niceAxes(rm)
	for _, s := range []struct {
		x    []float64
		c    color.Color
		name string
	}{{truth, colTrue, "held-out data"}, {gen, colGen, "generated"}} {
		xy := returnMap(s.x, n, j)
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, nil, err
		}
		sc.Color, sc.Radius, sc.Shape = s.c, vg.Points(1.2), draw.CircleGlyph{}
		rm.Add(sc)
		rm.Legend.Add(fmt.Sprintf("%s (%d maxima)", s.name, len(xy)+1), sc)
	}
	roomForLegend(rm)

	hist := plot.New()
	hist.Title.Text = "distribution of x₁ over the whole run"
	hist.X.Label.Text, hist.Y.Label.Text = "x₁", "density"
	niceAxes(hist)
	if lo < hi {
		const bins = 60
		w := (hi - lo) / bins
		lo, hi = lo-5*w, hi+5*w
		for _, s := range []struct {
			x    []float64
			c    color.Color
			name string
		}{{truth, colTrue, "held-out data"}, {gen, colGen, "generated"}} {
			l, err := plotter.NewLine(density(s.x, n, 0, lo, hi, bins+10))
			if err != nil {
				return nil, nil, err
			}
			l.Color, l.Width, l.StepStyle = s.c, vg.Points(1), plotter.MidStep
			hist.Add(l)
			hist.Legend.Add(s.name, l)
		}
		hist.Y.Min = 0
	}
	roomForLegend(hist)
	return []*plot.Plot{ts}, []*plot.Plot{rm, hist}, nil
}

func subscript(k int) string {
	if k >= 1 && k <= 9 {
		return string(rune('₀' + k))
	}
	return strconv.Itoa(k)
}

// returnMap returns the pairs (m_k, m_{k+1}) of successive large maxima of
// coordinate j: local maxima (x_{t-1} < x_t ≥ x_{t+1}) above the series'
// mean, so that small wiggles near the baseline are not counted.
func returnMap(x []float64, n, j int) plotter.XYs {
	T := len(x) / n
	var mean float64
	var count int
	for t := 0; t < T; t++ {
		if v := x[t*n+j]; finite(v) {
			mean += v
			count++
		} else {
			T = t
			break
		}
	}
	if count == 0 {
		return nil
	}
	mean /= float64(count)
	var peaks []float64
	for t := 1; t+1 < T; t++ {
		v := x[t*n+j]
		if v > mean && x[(t-1)*n+j] < v && v >= x[(t+1)*n+j] {
			peaks = append(peaks, v)
		}
	}
	if len(peaks) < 2 {
		return nil
	}
	xy := make(plotter.XYs, len(peaks)-1)
	for k := range xy {
		xy[k] = plotter.XY{X: peaks[k], Y: peaks[k+1]}
	}
	return xy
}

// density returns the histogram of coordinate j of x over [lo, hi) in bins
// bins, normalised to unit area, as (bin centre, density) points.
func density(x []float64, n, j int, lo, hi float64, bins int) plotter.XYs {
	counts := make([]float64, bins)
	w := (hi - lo) / float64(bins)
	var total float64
	for t := 0; t < len(x)/n; t++ {
		v := x[t*n+j]
		if !finite(v) {
			break
		}
		if b := int((v - lo) / w); v >= lo && b < bins {
			counts[b]++
			total++
		}
	}
	xy := make(plotter.XYs, bins)
	for b := range xy {
		xy[b].X = lo + (float64(b)+0.5)*w
		if total > 0 {
			xy[b].Y = counts[b] / (total * w)
		}
	}
	return xy
}

// plotLoss writes lossPlots to a PNG.
func plotLoss(path string, losses []float64, history []evalRecord) error {
	p, q, err := lossPlots(losses, history)
	if err != nil {
		return err
	}
	return savePlots(path, 10*vg.Inch, 4*vg.Inch, p, q)
}

// lossPlots draws the training loss (log scale) and the evaluation history,
// over the same steps. When the last evaluation, after training, has the
// metrics of an earlier one bit for bit, the run kept that step's
// parameters (select_best), and the panel's title says so.
func lossPlots(losses []float64, history []evalRecord) (p, q *plot.Plot, err error) {
	p = plot.New()
	// A y label longer than about half the panel's height would push its
	// data area down, out of line with the metrics panel (plot.Align).
	p.Title.Text = "training loss (teacher-forced)"
	p.X.Label.Text, p.Y.Label.Text = "step", "MSE"
	p.X.Tick.Marker = niceTicks{Target: 5}
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	// Average over blocks so the curve is readable for long runs.
	block := max(1, len(losses)/500)
	xy := make(plotter.XYs, 0, len(losses)/block+1)
	for i := 0; i+block <= len(losses); i += block {
		var s float64
		for _, v := range losses[i : i+block] {
			s += v
		}
		if m := s / float64(block); m > 0 && !math.IsInf(m, 0) {
			xy = append(xy, plotter.XY{X: float64(i + block), Y: m})
		}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, nil, err
	}
	l.Color = colTrue
	p.Add(l)

	q = plot.New()
	q.Title.Text = "held-out metrics"
	q.X.Label.Text, q.Y.Label.Text = "step", "D_stsp, D_H"
	niceAxes(q)
	if k := len(history) - 1; k > 0 {
		for _, h := range history[:k] {
			if h.Metrics.Dstsp == history[k].Metrics.Dstsp && h.Metrics.DH == history[k].Metrics.DH && finite(h.Metrics.Dstsp) {
				q.Title.Text = fmt.Sprintf("held-out metrics (last: step %d's parameters, kept)", h.Step)
				break
			}
		}
	}
	for _, s := range []struct {
		name string
		get  func(Metrics) float64
		c    color.Color
	}{{"D_stsp", func(m Metrics) float64 { return m.Dstsp }, colGen}, {"D_H", func(m Metrics) float64 { return m.DH }, colDH}} {
		var xy plotter.XYs
		for _, h := range history {
			if v := s.get(h.Metrics); finite(v) {
				xy = append(xy, plotter.XY{X: float64(h.Step), Y: v})
			}
		}
		if len(xy) == 0 {
			continue
		}
		lp, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, nil, err
		}
		lp.Color, pts.Color = s.c, s.c
		q.Add(lp, pts)
		q.Legend.Add(s.name, lp, pts)
	}
	// Both panels span the whole run from step 0, so their steps line up.
	last := float64(len(losses))
	for _, h := range history {
		last = max(last, float64(h.Step))
	}
	p.X.Min, p.X.Max = 0, max(last, p.X.Max)
	q.X.Min, q.X.Max = 0, p.X.Max
	q.Y.Min = min(0, q.Y.Min)
	roomForLegend(q)
	return p, q, nil
}

// savePlots lays the plots out in one row and writes a PNG atomically.
func savePlots(path string, w, h vg.Length, ps ...*plot.Plot) error {
	return saveRows(path, w, h, [][]*plot.Plot{ps})
}

// saveRows lays rows of plots out top to bottom, each row's plots side by
// side in equal widths, and writes a PNG atomically.
func saveRows(path string, w, h vg.Length, rows [][]*plot.Plot) error {
	img := renderRows(w, h, rows)
	return writeAtomic(path, func(wr io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(wr)
		return err
	})
}

// renderRows draws rows of plots, top to bottom, on a white w × h image at
// plotDPI.
func renderRows(w, h vg.Length, rows [][]*plot.Plot) *vgimg.Canvas {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(plotDPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	t := draw.Tiles{Rows: 1, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2}
	rh := (dc.Max.Y - dc.Min.Y) / vg.Length(len(rows))
	for i, ps := range rows {
		// Row i from the top: crop the rows above and below it away.
		rc := draw.Crop(dc, 0, 0, vg.Length(len(rows)-1-i)*rh, -vg.Length(i)*rh)
		t.Cols = len(ps)
		canvases := plot.Align([][]*plot.Plot{ps}, t, rc)
		for j, p := range ps {
			p.Draw(canvases[0][j])
		}
	}
	return img
}
