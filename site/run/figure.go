//go:build js

package main

import (
	"image"
	"math"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/site/view"
	"github.com/rnnlab/rnnlab/site/view/geom"
)

// figurePanel draws one run.Figure (lines, a heat map or a raster) into a
// rectangle; any kind's report figures go through it.
type figurePanel struct {
	batch view.Batch
	ticks []float64
	heat  *ebiten.Image // the heat map's cells, one pixel each
	pix   []byte
}

// draw draws f into r with the title and a caption (the step) in the
// title row.
func (p *figurePanel) draw(dst *ebiten.Image, r image.Rectangle, f *run.Figure, caption string) {
	b := &p.batch
	title := f.Title
	if title == "" || view.TextWidth(title) > float64(r.Dx())-view.U(12) && len(f.Name) < len(title) {
		title = f.Name // the short name where the title does not fit
	}
	in := view.Panel(dst, b, r, title)
	if caption != "" && view.TextWidth(title)+view.TextWidth(caption)+view.U(30) < float64(r.Dx()) {
		view.TextRight(dst, caption, float64(r.Max.X)-view.U(6), float64(r.Min.Y)+view.U(3), view.DimColor)
	}
	if in.Dx() < 20 || in.Dy() < 20 {
		return
	}
	switch {
	case f.Heat != nil:
		p.drawHeat(dst, in, f)
	case f.Raster != nil:
		p.drawRaster(dst, in, f.Raster)
	default:
		p.drawLines(dst, in, f)
	}
}

func (p *figurePanel) empty(dst *ebiten.Image, r image.Rectangle, msg string) {
	view.TextCentre(dst, msg, float64(r.Min.X+r.Dx()/2), float64(r.Min.Y+r.Dy()/2)-view.LineHeight()/2, view.DimColor)
}

// legend writes the labelled colour swatches in one row at y and returns
// the row's height (0 when there is nothing to show).
func (p *figurePanel) legend(dst *ebiten.Image, r image.Rectangle, y float64, labels []string, colour func(i int) [4]float32) float64 {
	x := float64(r.Min.X)
	shown := false
	for i, l := range labels {
		if l == "" {
			continue
		}
		w := view.U(14) + view.TextWidth(l) + view.U(10)
		if x+w > float64(r.Max.X) {
			break
		}
		c := colour(i)
		mid := y + view.LineHeight()/2
		p.batch.SegRGBA(x, mid, x+view.U(10), mid, view.U(3), c[0], c[1], c[2], c[3])
		view.Text(dst, l, x+view.U(14), y, view.DimColor)
		x += w
		shown = true
	}
	p.batch.Flush(dst)
	if !shown {
		return 0
	}
	return view.LineHeight()
}

func rgbaf(i int) [4]float32 {
	c := lineColours[i%len(lineColours)]
	return [4]float32{float32(c.R) / 255, float32(c.G) / 255, float32(c.B) / 255, 1}
}

func (p *figurePanel) drawLines(dst *ebiten.Image, in image.Rectangle, f *run.Figure) {
	b := &p.batch
	var legendLabels []string
	for _, l := range f.Lines {
		legendLabels = append(legendLabels, l.Label)
	}
	top := float64(in.Min.Y)
	if len(f.Lines) > 1 || len(f.Lines) == 1 && f.Lines[0].Label != "" && f.Lines[0].Label != f.YLabel {
		top += p.legend(dst, in, top, legendLabels, rgbaf)
	}
	e := linesExtent(f.Lines, f.LogY)
	if !e.ok {
		p.empty(dst, in, "no data yet")
		return
	}
	lh := view.LineHeight()
	// y ticks, and the left margin they need
	if f.YLabel != "" && (len(f.Lines) != 1 || f.Lines[0].Label != f.YLabel) {
		view.Text(dst, view.Fit(f.YLabel, float64(in.Dx())), float64(in.Min.X), top, view.DimColor)
		top += lh
	}
	e.y0, e.y1 = geom.Pad(e.y0, e.y1, 0.05) // in log10 units where LogY
	nt := max(2, int((float64(in.Max.Y)-top)/(lh*2)))
	if f.LogY {
		p.ticks = logTicks(p.ticks[:0], e.y0, e.y1, nt)
	} else {
		p.ticks = geom.Ticks(p.ticks[:0], e.y0, e.y1, nt)
	}
	labW := 0.0
	for _, t := range p.ticks {
		labW = math.Max(labW, view.TextWidth(view.FmtTick(t)))
	}
	pr := image.Rect(in.Min.X+int(labW+view.U(6)), int(top+view.U(2)), in.Max.X-int(view.U(4)), in.Max.Y-int(lh+view.U(2)))
	if pr.Dx() < 10 || pr.Dy() < 10 {
		return
	}
	fx0, fx1, fy0, fy1 := float64(pr.Min.X), float64(pr.Max.X), float64(pr.Max.Y), float64(pr.Min.Y)
	yOf := func(v float64) float64 {
		if f.LogY {
			v = math.Log10(v)
		}
		return geom.Lin(v, e.y0, e.y1, fy0, fy1)
	}
	b.Rect(fx0, fy1, fx1-fx0, fy0-fy1, view.Background)
	lw := math.Max(1, view.U(1))
	for _, t := range p.ticks {
		y := yOf(t)
		b.Seg(fx0, y, fx1, y, lw, view.FrameColor)
	}
	b.Flush(dst)
	for i, l := range f.Lines {
		c := lineColours[i%len(lineColours)]
		n := min(len(l.X), len(l.Y))
		st := geom.Stride(n, 2*max(pr.Dx(), 1))
		var px, py float64
		have, pts := false, 0
		for j := 0; j < n; j += st {
			x, y := l.X[j], l.Y[j]
			if !finite(x) || !finite(y) || f.LogY && !(y > 0) {
				have = false
				continue
			}
			sx, sy := geom.Lin(x, e.x0, e.x1, fx0, fx1), yOf(y)
			if have {
				b.Seg(px, py, sx, sy, math.Max(1, view.U(1.3)), c)
			}
			if n <= 16 { // few points (evaluations): mark each
				b.Disc(sx, sy, view.U(2.5), c)
			}
			px, py, have = sx, sy, true
			pts++
		}
	}
	b.FlushAA(dst)
	for _, t := range p.ticks {
		view.TextRight(dst, view.FmtTick(t), fx0-view.U(3), yOf(t)-lh/2, view.DimColor)
	}
	xl := view.Fmt(e.x1)
	if f.XLabel != "" {
		xl = f.XLabel + " " + xl
	}
	labels(dst, pr, float64(pr.Max.Y)+view.U(2), view.Fmt(e.x0), xl)
}

func (p *figurePanel) drawHeat(dst *ebiten.Image, in image.Rectangle, f *run.Figure) {
	h := f.Heat
	if h.Rows <= 0 || h.Cols <= 0 || len(h.Values) != h.Rows*h.Cols {
		p.empty(dst, in, "empty heat map")
		return
	}
	lo, hi, div := heatRange(h.Values)
	lh := view.LineHeight()
	barW := int(view.U(10))
	labW := int(math.Max(view.TextWidth(view.Fmt(lo)), view.TextWidth(view.Fmt(hi))) + view.U(4))
	bottom := 0
	if f.XLabel != "" {
		bottom = int(lh)
	}
	pr := image.Rect(in.Min.X, in.Min.Y, in.Max.X-barW-labW-int(view.U(8)), in.Max.Y-bottom)
	if pr.Dx() < 10 || pr.Dy() < 10 {
		return
	}
	if p.heat == nil || p.heat.Bounds().Dx() != h.Cols || p.heat.Bounds().Dy() != h.Rows {
		if p.heat != nil {
			p.heat.Deallocate()
		}
		p.heat = ebiten.NewImage(h.Cols, h.Rows)
		p.pix = make([]byte, 4*h.Rows*h.Cols)
	}
	for i, v := range h.Values {
		c := heatColour(v, lo, hi, div)
		p.pix[4*i], p.pix[4*i+1], p.pix[4*i+2], p.pix[4*i+3] = c.R, c.G, c.B, 0xff
	}
	p.heat.WritePixels(p.pix)
	var op ebiten.DrawImageOptions
	op.Filter = ebiten.FilterNearest
	op.GeoM.Scale(float64(pr.Dx())/float64(h.Cols), float64(pr.Dy())/float64(h.Rows))
	op.GeoM.Translate(float64(pr.Min.X), float64(pr.Min.Y))
	dst.DrawImage(p.heat, &op)
	// the colour bar, hi at the top
	b := &p.batch
	bx := float64(pr.Max.X) + view.U(8)
	const steps = 32
	for i := 0; i < steps; i++ {
		t := 1 - (float64(i)+0.5)/steps
		y0 := float64(pr.Min.Y) + float64(pr.Dy())*float64(i)/steps
		b.Rect(bx, y0, float64(barW), float64(pr.Dy())/steps+1, heatColour(lo+t*(hi-lo), lo, hi, div))
	}
	b.Flush(dst)
	view.Text(dst, view.Fmt(hi), bx+float64(barW)+view.U(3), float64(pr.Min.Y), view.DimColor)
	view.Text(dst, view.Fmt(lo), bx+float64(barW)+view.U(3), float64(pr.Max.Y)-lh, view.DimColor)
	if div {
		view.Text(dst, "0", bx+float64(barW)+view.U(3), float64(pr.Min.Y+pr.Dy()/2)-lh/2, view.DimColor)
	}
	left := ""
	if f.YLabel != "" {
		left = f.YLabel + " (" + strconv.Itoa(h.Rows) + ")"
	}
	labels(dst, pr, float64(pr.Max.Y), left, f.XLabel)
}

// labels writes left at the left of r and right at its right on the line
// at y; right goes where both do not fit, and left is cut to fit.
func labels(dst *ebiten.Image, r image.Rectangle, y float64, left, right string) {
	w := float64(r.Dx())
	if right != "" && view.TextWidth(left)+view.TextWidth(right)+view.U(12) <= w {
		view.TextRight(dst, right, float64(r.Max.X), y, view.DimColor)
	} else if left == "" {
		left = right
	}
	if left != "" {
		view.Text(dst, view.Fit(left, w), float64(r.Min.X), y, view.DimColor)
	}
}

func (p *figurePanel) drawRaster(dst *ebiten.Image, in image.Rectangle, ra *run.Raster) {
	b := &p.batch
	lh := view.LineHeight()
	nE, nI := ra.Exc, ra.N-ra.Exc
	eiLabels := []string{"E (" + strconv.Itoa(nE) + ")", "I (" + strconv.Itoa(nI) + ")"}
	if ra.Exc <= 0 || ra.Exc >= ra.N {
		eiLabels = []string{"", ""}
	}
	top := float64(in.Min.Y) + p.legend(dst, in, float64(in.Min.Y), eiLabels, func(i int) [4]float32 {
		c := excColour
		if i == 1 {
			c = inhColour
		}
		return [4]float32{float32(c.R) / 255, float32(c.G) / 255, float32(c.B) / 255, 1}
	})
	pr := image.Rect(in.Min.X, int(top+view.U(2)), in.Max.X, in.Max.Y-int(lh+view.U(2)))
	if pr.Dx() < 10 || pr.Dy() < 10 {
		return
	}
	b.Rect(float64(pr.Min.X), float64(pr.Min.Y), float64(pr.Dx()), float64(pr.Dy()), view.Background)
	// the time axis runs from 0 to Span (or to the last spike)
	n, span, t0 := ra.N, ra.Span, 0.0
	if !(span > 0) {
		for _, t := range ra.Time {
			span = math.Max(span, t)
		}
	}
	if n <= 0 {
		for _, i := range ra.Index {
			n = max(n, i+1)
		}
	}
	if n <= 0 || !(span > 0) {
		b.Flush(dst)
		p.empty(dst, pr, "no spikes")
		return
	}
	rowH := float64(pr.Dy()) / float64(n)
	tick := math.Max(1, math.Min(rowH*0.8, view.U(6)))
	w := math.Max(1, view.U(1))
	drawn := 0
	for k, t := range ra.Time {
		i := ra.Index[k]
		if i < 0 || i >= n || !(t >= t0) || t > t0+span {
			continue
		}
		c := excColour
		if i >= ra.Exc && ra.Exc > 0 {
			c = inhColour
		}
		x := geom.Lin(t, t0, t0+span, float64(pr.Min.X), float64(pr.Max.X)-w)
		y := float64(pr.Min.Y) + (float64(i)+0.5)*rowH
		b.Rect(x, y-tick/2, w, tick, c)
		drawn++
	}
	b.Flush(dst)
	if drawn == 0 {
		p.empty(dst, pr, "no spikes")
	}
	labels(dst, pr, float64(pr.Max.Y)+view.U(2), strconv.Itoa(n)+" neurons, "+strconv.Itoa(len(ra.Time))+" spikes", "t "+view.Fmt(t0)+"–"+view.Fmt(t0+span))
}
