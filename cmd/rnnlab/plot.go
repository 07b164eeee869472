package main

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var (
	colTrue = color.RGBA{R: 40, G: 40, B: 40, A: 255}
	colGen  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
)

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
		if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
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

// plotAttractor draws three panels: the data's attractor, the generated
// attractor (same projection and limits) and the first coordinate over time.
func plotAttractor(path string, truth, gen []float64, n int) error {
	ax, ay := axisNames(n)
	pt, pg := projection(truth, n), projection(gen, n)
	mk := func(title string, xy plotter.XYs, c color.Color) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text, p.Y.Label.Text = ax, ay
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
		return err
	}
	title := "generated (free-running)"
	if len(pg) < len(gen)/n-10 {
		title = "generated — diverged"
	}
	p2, err := mk(title, pg, colGen)
	if err != nil {
		return err
	}
	// Same limits on both panels, so shapes and sizes compare directly.
	p2.X.Min, p2.X.Max, p2.Y.Min, p2.Y.Max = p1.X.Min, p1.X.Max, p1.Y.Min, p1.Y.Max
	p3 := plot.New()
	p3.Title.Text = "first coordinate over time"
	p3.X.Label.Text, p3.Y.Label.Text = "step", "x₁"
	span := min(1500, len(truth)/n, len(gen)/n)
	for _, s := range []struct {
		x    []float64
		c    color.Color
		name string
	}{{truth, colTrue, "data"}, {gen, colGen, "generated"}} {
		xy := make(plotter.XYs, 0, span)
		for t := 0; t < span; t++ {
			if v := s.x[t*n]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				xy = append(xy, plotter.XY{X: float64(t), Y: v})
			}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.Color, l.Width = s.c, vg.Points(0.8)
		p3.Add(l)
		p3.Legend.Add(s.name, l)
	}
	p3.Legend.Top = true
	return savePlots(path, 15*vg.Inch, 5*vg.Inch, p1, p2, p3)
}

// plotLoss draws the training loss (log scale) and the evaluation history.
func plotLoss(path string, losses []float64, history []evalRecord) error {
	p := plot.New()
	p.Title.Text = "training loss"
	p.X.Label.Text, p.Y.Label.Text = "step", "MSE (teacher-forced)"
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
		return err
	}
	l.Color = colTrue
	p.Add(l)

	q := plot.New()
	q.Title.Text = "held-out metrics"
	q.X.Label.Text = "step"
	for _, s := range []struct {
		name string
		get  func(Metrics) float64
		c    color.Color
	}{{"D_stsp", func(m Metrics) float64 { return m.Dstsp }, colGen}, {"D_H", func(m Metrics) float64 { return m.DH }, color.RGBA{B: 200, G: 90, A: 255}}} {
		var xy plotter.XYs
		for _, h := range history {
			if v := s.get(h.Metrics); !math.IsNaN(v) && !math.IsInf(v, 0) {
				xy = append(xy, plotter.XY{X: float64(h.Step), Y: v})
			}
		}
		if len(xy) == 0 {
			continue
		}
		lp, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		lp.Color, pts.Color = s.c, s.c
		q.Add(lp, pts)
		q.Legend.Add(s.name, lp, pts)
	}
	q.Legend.Top = true
	return savePlots(path, 10*vg.Inch, 4*vg.Inch, p, q)
}

// savePlots lays the plots out in one row and writes a PNG atomically.
func savePlots(path string, w, h vg.Length, ps ...*plot.Plot) error {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	t := draw.Tiles{Rows: 1, Cols: len(ps), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2}
	grid := [][]*plot.Plot{ps}
	canvases := plot.Align(grid, t, dc)
	for j, p := range ps {
		p.Draw(canvases[0][j])
	}
	return writeAtomic(path, func(wr io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(wr)
		return err
	})
}
