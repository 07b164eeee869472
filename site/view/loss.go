//go:build js

package view

import (
	"image"
	"math"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/rnnlab/rnnlab/site/view/geom"
	"github.com/rnnlab/rnnlab/wasm/session"
)

// LossPlot draws the training loss per step on a log scale, with the
// evaluations' D_stsp and D_H as points on a linear right-hand axis.
type LossPlot struct {
	batch Batch
	ticks []float64
}

// Draw draws the panel into r.
func (l *LossPlot) Draw(dst *ebiten.Image, r image.Rectangle, loss []float64, evals []session.Eval) {
	b := &l.batch
	// legend in the title row; the title goes where both do not fit
	names := [3]string{"loss", "D_stsp", "D_H"}
	legend := 0.0
	for _, s := range names {
		legend += U(14) + TextWidth(s) + U(4)
	}
	title := "loss (log)"
	if float64(r.Dx())-2*U(6)-legend < TextWidth(title)+U(8) {
		title = ""
	}
	in := Panel(dst, b, r, title)
	lx := float64(in.Max.X) - legend
	ly := float64(r.Min.Y) + U(3)
	mid := ly + LineHeight()/2
	x := lx
	for i, s := range names {
		switch i {
		case 0:
			b.Seg(x, mid, x+U(10), mid, U(2), TextColor)
		case 1:
			b.Disc(x+U(5), mid, U(3), DataColor)
		case 2:
			b.Rect(x+U(2), mid-U(3), U(6), U(6), AccentColor)
		}
		Text(dst, s, x+U(14), ly, DimColor)
		x += U(14) + TextWidth(s) + U(4)
	}
	b.Flush(dst)

	labW := int(TextWidth("1e-03") + U(4))
	pr := image.Rect(in.Min.X+labW, in.Min.Y, in.Max.X-labW, in.Max.Y-int(LineHeight()))
	b.Rect(float64(pr.Min.X), float64(pr.Min.Y), float64(pr.Dx()), float64(pr.Dy()), Background)
	steps := len(loss)
	for _, e := range evals {
		steps = max(steps, e.Step+1)
	}
	if steps < 2 {
		b.Flush(dst)
		TextCentre(dst, "no steps yet", float64(pr.Min.X+pr.Dx()/2), float64(pr.Min.Y+pr.Dy()/2)-LineHeight()/2, DimColor)
		return
	}
	// log range of the loss
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range loss {
		if v > 0 && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		lo, hi = 0.1, 1
	}
	llo, lhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if lhi <= llo {
		lhi = llo + 1
	}
	fx0, fx1 := float64(pr.Min.X), float64(pr.Max.X)
	fy0, fy1 := float64(pr.Max.Y), float64(pr.Min.Y)
	l.ticks = geom.LogTicks(l.ticks[:0], math.Pow(10, llo), math.Pow(10, lhi), max(2, pr.Dy()/int(LineHeight()*1.5)))
	lw := math.Max(1, U(1))
	for _, t := range l.ticks {
		y := geom.Lin(math.Log10(t), llo, lhi, fy0, fy1)
		b.Seg(fx0, y, fx1, y, lw, FrameColor)
	}
	// loss curve, decimated by averaging in the log domain per stride
	st := geom.Stride(len(loss), max(pr.Dx(), 1))
	var px, py float64
	have := false
	for i := 0; i < len(loss); i += st {
		s, k := 0.0, 0
		for j := i; j < min(i+st, len(loss)); j++ {
			if v := loss[j]; v > 0 && !math.IsInf(v, 0) {
				s += math.Log10(v)
				k++
			}
		}
		if k == 0 {
			have = false
			continue
		}
		sx := geom.Lin(float64(i), 0, float64(steps-1), fx0, fx1)
		sy := geom.Lin(s/float64(k), llo, lhi, fy0, fy1)
		if have {
			b.Seg(px, py, sx, sy, math.Max(1, U(1.2)), TextColor)
		}
		px, py, have = sx, sy, true
	}
	// evaluations on the right axis, 0..max
	emax := 0.0
	for _, e := range evals {
		for _, v := range []float64{e.Dstsp, e.DH} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				emax = math.Max(emax, v)
			}
		}
	}
	if emax <= 0 {
		emax = 1
	}
	emax *= 1.1
	for _, e := range evals {
		sx := geom.Lin(float64(e.Step), 0, float64(steps-1), fx0, fx1)
		if v := e.Dstsp; !math.IsNaN(v) {
			b.Disc(sx, geom.Lin(v, 0, emax, fy0, fy1), U(3), DataColor)
		}
		if v := e.DH; !math.IsNaN(v) {
			y := geom.Lin(v, 0, emax, fy0, fy1)
			b.Rect(sx-U(3), y-U(3), U(6), U(6), AccentColor)
		}
	}
	b.FlushAA(dst)
	for _, t := range l.ticks {
		y := geom.Lin(math.Log10(t), llo, lhi, fy0, fy1)
		TextRight(dst, FmtTick(t), float64(pr.Min.X)-U(3), y-LineHeight()/2, DimColor)
	}
	if len(evals) > 0 {
		Text(dst, Fmt(emax), float64(pr.Max.X)+U(3), float64(pr.Min.Y), DataColor)
		Text(dst, "0", float64(pr.Max.X)+U(3), float64(pr.Max.Y)-LineHeight(), DataColor)
	}
	Text(dst, "0", float64(pr.Min.X), float64(pr.Max.Y), DimColor)
	TextRight(dst, "step "+strconv.Itoa(steps-1), float64(pr.Max.X), float64(pr.Max.Y), DimColor)
}
