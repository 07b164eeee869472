//go:build js

package view

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/rnnlab/rnnlab/site/view/geom"
)

// plotLine draws column d of a T×N series into the rectangle r: x is time (rows
// t0..t1), the y range [lo, hi]; the series is clamped to a margin around
// the range and decimated to about two points per pixel.
func plotLine(b *Batch, r image.Rectangle, x []float64, N, d, t0, t1 int, lo, hi float64, w float64, c color.RGBA) {
	if t1-t0 < 2 {
		return
	}
	st := geom.Stride(t1-t0-1, 2*max(r.Dx(), 1))
	fx0, fx1 := float64(r.Min.X), float64(r.Max.X)
	fy0, fy1 := float64(r.Max.Y), float64(r.Min.Y)
	margin := (hi - lo) * 0.15
	var px, py float64
	have := false
	for t := t0; t < t1; t += st {
		v := x[t*N+d]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			have = false
			continue
		}
		v = geom.Clamp(v, lo-margin, hi+margin)
		sx := geom.Lin(float64(t), float64(t0), float64(t1-1), fx0, fx1)
		sy := geom.Lin(v, lo, hi, fy0, fy1)
		if have {
			b.Seg(px, py, sx, sy, w, c)
		}
		px, py, have = sx, sy, true
	}
}

// yAxis adds the zero line of a small panel.
func yAxis(_ *ebiten.Image, b *Batch, r image.Rectangle, lo, hi float64) {
	if lo < 0 && hi > 0 {
		y := geom.Lin(0, lo, hi, float64(r.Max.Y), float64(r.Min.Y))
		b.Seg(float64(r.Min.X), y, float64(r.Max.X), y, math.Max(1, U(1)), FrameColor)
	}
}

// TimeSeries draws one small panel per observed dimension: the true
// ("data") and generated ("model") series over the first Window steps.
type TimeSeries struct {
	Window int // steps shown (default 1000)
	Max    int // panels at most (default 6)
	batch  Batch
}

// Draw draws the panel into r.
func (s *TimeSeries) Draw(dst *ebiten.Image, r image.Rectangle, truth []float64, tTruth int, gen []float64, tGen int, n int) {
	b := &s.batch
	win, maxP := s.Window, s.Max
	if win <= 0 {
		win = 1000
	}
	if maxP <= 0 {
		maxP = 6
	}
	title := "time series (first " + strconv.Itoa(min(win, max(tTruth, tGen))) + " steps)"
	in := Panel(dst, b, r, title)
	k := min(n, maxP)
	if k == 0 {
		Text(dst, "no data", float64(in.Min.X), float64(in.Min.Y), DimColor)
		return
	}
	if k < n {
		TextRight(dst, strconv.Itoa(k)+" of "+strconv.Itoa(n)+" dims", float64(in.Max.X), float64(r.Min.Y)+U(3), DimColor)
	}
	gap := int(U(4))
	h := (in.Dy() - gap*(k-1)) / k
	lab := int(TextWidth("x10") + U(4))
	w := math.Max(1, U(1))
	for d := 0; d < k; d++ {
		pr := image.Rect(in.Min.X+lab, in.Min.Y+d*(h+gap), in.Max.X, in.Min.Y+d*(h+gap)+h)
		b.Rect(float64(pr.Min.X), float64(pr.Min.Y), float64(pr.Dx()), float64(pr.Dy()), Background)
	}
	b.Flush(dst)
	for d := 0; d < k; d++ {
		pr := image.Rect(in.Min.X+lab, in.Min.Y+d*(h+gap), in.Max.X, in.Min.Y+d*(h+gap)+h)
		tw := min(win, tTruth)
		gw := min(win, tGen)
		lo, hi, ok := geom.Range(truth, n, d, 0, tw)
		if !ok {
			lo, hi, ok = geom.Range(gen, n, d, 0, gw)
		}
		if !ok {
			lo, hi = -1, 1
		}
		lo, hi = geom.Pad(lo, hi, 0.08)
		yAxis(dst, b, pr, lo, hi)
		plotLine(b, pr, truth, n, d, 0, tw, lo, hi, w, DataColor)
		plotLine(b, pr, gen, n, d, 0, gw, lo, hi, w, ModelColor)
	}
	b.FlushAA(dst)
	for d := 0; d < k; d++ {
		y := float64(in.Min.Y + d*(h+gap) + h/2)
		Text(dst, "x"+strconv.Itoa(d+1), float64(in.Min.X), y-LineHeight()/2, DimColor)
	}
}

// LatentUnit draws the activity of one latent unit of a T×M trajectory, with
// in-canvas buttons to choose the unit.
type LatentUnit struct {
	Unit   int
	Window int // steps shown (default 1000)
	// UserChanged is set by Update when a button changed the unit.
	UserChanged bool
	prev, next  Button
	batch       Batch
}

func (l *LatentUnit) layout(r image.Rectangle) {
	h := int(LineHeight() + U(4))
	w := ButtonWidth(">")
	m := int(U(3))
	l.next = Button{Label: ">", Rect: image.Rect(r.Max.X-m-w, r.Min.Y+m, r.Max.X-m, r.Min.Y+m+h)}
	l.prev = Button{Label: "<", Rect: image.Rect(r.Max.X-2*m-2*w, r.Min.Y+m, r.Max.X-2*m-w, r.Min.Y+m+h)}
}

// Update handles the next/prev buttons for a panel at r over m units.
func (l *LatentUnit) Update(r image.Rectangle, in Input, m int) bool {
	l.UserChanged = false
	l.layout(r)
	if m <= 0 {
		return false
	}
	switch {
	case l.next.Clicked(in):
		l.Unit = (l.Unit + 1) % m
	case l.prev.Clicked(in):
		l.Unit = (l.Unit - 1 + m) % m
	default:
		return false
	}
	l.UserChanged = true
	return true
}

// Draw draws the panel into r; latent is T×m.
func (l *LatentUnit) Draw(dst *ebiten.Image, r image.Rectangle, in Input, latent []float64, T, m int) {
	b := &l.batch
	u := l.Unit
	if m > 0 {
		u = ((u % m) + m) % m
	}
	win := l.Window
	if win <= 0 {
		win = 1000
	}
	inner := Panel(dst, b, r, "latent unit z"+strconv.Itoa(u+1)+" of "+strconv.Itoa(m))
	l.layout(r)
	l.prev.Draw(dst, b, in)
	l.next.Draw(dst, b, in)
	if m == 0 || T < 2 {
		Text(dst, "no latent trajectory", float64(inner.Min.X), float64(inner.Min.Y), DimColor)
		return
	}
	tw := min(win, T)
	lo, hi, ok := geom.Range(latent, m, u, 0, tw)
	if !ok {
		lo, hi = -1, 1
	}
	lo, hi = geom.Pad(lo, hi, 0.08)
	pr := inner
	b.Rect(float64(pr.Min.X), float64(pr.Min.Y), float64(pr.Dx()), float64(pr.Dy()), Background)
	b.Flush(dst)
	yAxis(dst, b, pr, lo, hi)
	plotLine(b, pr, latent, m, u, 0, tw, lo, hi, math.Max(1, U(1)), ModelColor)
	b.FlushAA(dst)
	Text(dst, Fmt(hi), float64(pr.Min.X)+U(2), float64(pr.Min.Y), DimColor)
	Text(dst, Fmt(lo), float64(pr.Min.X)+U(2), float64(pr.Max.Y)-LineHeight(), DimColor)
}
