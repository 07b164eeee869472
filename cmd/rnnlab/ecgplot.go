package main

import (
	"image/color"
	"io"
	"math"

	"github.com/rnnlab/rnnlab/rules/recipe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// plotTraces draws, for a long-horizon evaluation, the first coordinate of
// the held-out data and of the generated trajectory over about six beats
// (same axes), and the attractor in the first three coordinates (an oblique
// projection: x₁ + ½x₃·cos 30°, x₂ + ½x₃·sin 30°) for both.
func plotTraces(path string, truth, gen []float64, n int, b *recipe.Behaviour) error {
	span := 1500
	if b != nil && b.DataRate > 0 {
		span = int(6 * 1000 / b.DataRate)
	}
	span = min(span, len(truth)/n, len(gen)/n)
	trace := func(title string, x []float64, c color.Color) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text, p.Y.Label.Text = "step", "x₁ (z-scored)"
		xy := make(plotter.XYs, 0, span)
		for t := 0; t < span; t++ {
			if v := x[t*n]; finite(v) {
				xy = append(xy, plotter.XY{X: float64(t), Y: v})
			}
		}
		if len(xy) == 0 {
			return p, nil
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = c, vg.Points(0.9)
		p.Add(l)
		return p, nil
	}
	genTitle := "generated (free-running, after the transient)"
	if b != nil && b.Kind != "" {
		genTitle = "generated — " + b.Verdict()
	}
	p1, err := trace("held-out data", truth, colTrue)
	if err != nil {
		return err
	}
	p2, err := trace(genTitle, gen, colGen)
	if err != nil {
		return err
	}
	p2.Y.Min, p2.Y.Max = p1.Y.Min, p1.Y.Max
	oblique := func(x []float64, points int) plotter.XYs {
		c, s := 0.5*math.Cos(math.Pi/6), 0.5*math.Sin(math.Pi/6)
		T := min(points, len(x)/n)
		xy := make(plotter.XYs, 0, T)
		for t := 0; t < T; t++ {
			x1, x2, x3 := x[t*n], 0.0, 0.0
			if n > 1 {
				x2 = x[t*n+1]
			}
			if n > 2 {
				x3 = x[t*n+2]
			}
			if !finite(x1) || !finite(x2) || !finite(x3) {
				break
			}
			xy = append(xy, plotter.XY{X: x1 + c*x3, Y: x2 + s*x3})
		}
		return xy
	}
	attr := func(title string, x []float64, col color.Color) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text, p.Y.Label.Text = "x₁ + ½x₃cos30°", "x₂ + ½x₃sin30°"
		xy := oblique(x, 30000)
		if len(xy) == 0 {
			return p, nil
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = col, vg.Points(0.3)
		p.Add(l)
		// Mark the last point, so a fixed point (a line of length zero) shows.
		if sc, err := plotter.NewScatter(xy[len(xy)-1:]); err == nil {
			sc.Color, sc.Radius, sc.Shape = col, vg.Points(4), draw.CrossGlyph{}
			p.Add(sc)
		}
		return p, nil
	}
	p3, err := attr("held-out attractor (x₁, x₂, x₃)", truth, colTrue)
	if err != nil {
		return err
	}
	p4, err := attr("generated attractor (x₁, x₂, x₃)", gen, colGen)
	if err != nil {
		return err
	}
	p4.X.Min, p4.X.Max, p4.Y.Min, p4.Y.Max = p3.X.Min, p3.X.Max, p3.Y.Min, p3.Y.Max
	return savePlotGrid(path, 14*vg.Inch, 9*vg.Inch, [][]*plot.Plot{{p1, p2}, {p3, p4}})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// savePlotGrid lays plots out in rows and writes a PNG atomically.
func savePlotGrid(path string, w, h vg.Length, grid [][]*plot.Plot) error {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(100), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(grid), Cols: len(grid[0]), PadX: vg.Millimeter * 6, PadY: vg.Millimeter * 6, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2}
	canvases := plot.Align(grid, t, dc)
	for i, row := range grid {
		for j, p := range row {
			p.Draw(canvases[i][j])
		}
	}
	return writeAtomic(path, func(wr io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(wr)
		return err
	})
}
