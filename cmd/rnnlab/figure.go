package main

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	runkind "github.com/rnnlab/rnnlab/rules/run"
)

// figureColors are the lines' colours in order (the first two are the
// series plots' truth and model colours).
var figureColors = []color.Color{colTrue, colGen, colDH,
	color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 148, G: 103, B: 189, A: 255},
	color.RGBA{R: 255, G: 127, B: 14, A: 255}, color.RGBA{R: 23, G: 190, B: 207, A: 255},
	color.RGBA{R: 140, G: 86, B: 75, A: 255}}

// Excitatory and inhibitory spikes.
var (
	colExc = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	colInh = color.RGBA{R: 214, G: 39, B: 40, A: 255}
)

// plotFigure draws a report's figure (lines, a heat map or a spike raster)
// as a PNG, atomically.
func plotFigure(path string, f runkind.Figure) error {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text, p.Y.Label.Text = f.XLabel, f.YLabel
	w, h := 7*vg.Inch, 4.5*vg.Inch
	switch {
	case f.Heat != nil:
		if err := addHeat(p, f.Heat); err != nil {
			return err
		}
		w = 8 * vg.Inch
	case f.Raster != nil:
		addRaster(p, f.Raster)
		w = 9 * vg.Inch
	default:
		if err := addLines(p, f.Lines, f.LogY); err != nil {
			return err
		}
	}
	return savePlots(path, w, h, p)
}

// addLines draws each line in its colour, with a legend when they have
// labels; on a log axis, the non-positive and non-finite points are left
// out (a line is broken there).
func addLines(p *plot.Plot, lines []runkind.Line, logY bool) error {
	niceAxes(p)
	if logY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	labelled := false
	for i, l := range lines {
		xy := make(plotter.XYs, 0, len(l.X))
		for j := range l.X {
			x, y := l.X[j], l.Y[j]
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) || (logY && y <= 0) {
				continue
			}
			xy = append(xy, plotter.XY{X: x, Y: y})
		}
		if len(xy) == 0 {
			continue
		}
		c := figureColors[i%len(figureColors)]
		if len(xy) == 1 {
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return err
			}
			s.Color = c
			p.Add(s)
			if l.Label != "" {
				p.Legend.Add(l.Label, s)
				labelled = true
			}
			continue
		}
		ln, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		ln.Color = c
		p.Add(ln)
		if l.Label != "" {
			p.Legend.Add(l.Label, ln)
			labelled = true
		}
	}
	if labelled {
		p.Legend.Top = true
		if !logY {
			roomForLegend(p)
		}
	}
	return nil
}

// heatGrid adapts a row-major matrix to plotter.GridXYZ: column c at x = c,
// row r at y = r (row 0 at the bottom).
type heatGrid struct{ h *runkind.Heat }

func (g heatGrid) Dims() (c, r int)   { return g.h.Cols, g.h.Rows }
func (g heatGrid) Z(c, r int) float64 { return g.h.Values[r*g.h.Cols+c] }
func (g heatGrid) X(c int) float64    { return float64(c) }
func (g heatGrid) Y(r int) float64    { return float64(r) }

// addHeat draws a heat map (Moreland's diverging palette, blue low, red
// high) with the value range in the title's second line.
func addHeat(p *plot.Plot, h *runkind.Heat) error {
	if h.Rows < 1 || h.Cols < 1 || len(h.Values) != h.Rows*h.Cols {
		return fmt.Errorf("heat map of %d×%d with %d values", h.Rows, h.Cols, len(h.Values))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range h.Values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo > hi {
		return fmt.Errorf("the heat map has no finite value")
	}
	if lo == hi {
		hi = lo + 1
	}
	if lo < 0 && hi > 0 { // signed values (weights): white is zero
		m := max(-lo, hi)
		lo, hi = -m, m
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(lo)
	pal.SetMax(hi)
	hm := plotter.NewHeatMap(heatGrid{h}, pal.Palette(255))
	hm.Min, hm.Max = lo, hi
	hm.NaN = color.RGBA{A: 0}
	p.Add(hm)
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{Target: 6}, niceTicks{Target: 5}
	p.X.Min, p.X.Max = -0.5, float64(h.Cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(h.Rows)-0.5
	p.Title.Text += fmt.Sprintf("\n(blue %.3g … red %.3g)", lo, hi)
	return nil
}

// addRaster draws one small mark per spike, excitatory neurons (index
// below Exc) in blue and inhibitory ones in red.
func addRaster(p *plot.Plot, r *runkind.Raster) {
	var exc, inh plotter.XYs
	for i, t := range r.Time {
		xy := plotter.XY{X: t, Y: float64(r.Index[i])}
		if r.Index[i] < r.Exc {
			exc = append(exc, xy)
		} else {
			inh = append(inh, xy)
		}
	}
	for _, s := range []struct {
		xy    plotter.XYs
		c     color.Color
		label string
	}{{exc, colExc, "excitatory"}, {inh, colInh, "inhibitory"}} {
		if len(s.xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.xy)
		if err != nil {
			continue
		}
		radius := vg.Points(0.6) // thousands of spikes: a dot each
		if len(r.Time) < 2000 {
			radius = vg.Points(1.5)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.c, Radius: radius, Shape: draw.BoxGlyph{}}
		p.Add(sc)
		p.Legend.Add(s.label, sc)
	}
	p.Legend.Top = true
	p.X.Min = 0
	if r.Span > 0 {
		p.X.Max = r.Span
	}
	p.Y.Min, p.Y.Max = -0.5, float64(max(r.N, 1))-0.5
}
