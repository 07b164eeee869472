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

// Raster draws spike events, one row per unit over time. Any spiking model
// feeds it; Caption says where the events come from (e.g. thresholded
// rates).
type Raster struct {
	Caption string
	Window  int // time steps shown (default 1000)
	batch   Batch
}

// Draw draws the events with unit < units and T < Window into r.
func (ra *Raster) Draw(dst *ebiten.Image, r image.Rectangle, spikes []session.Spike, units int) {
	b := &ra.batch
	win := ra.Window
	if win <= 0 {
		win = 1000
	}
	title := "spike raster"
	if units > 0 {
		title += " (" + strconv.Itoa(units) + " units)"
	}
	in := Panel(dst, b, r, title)
	capLines := 1 // a second caption line only where the raster keeps room
	if float64(in.Dy()) > 8*LineHeight() {
		capLines = 2
	}
	lines := WrapText(ra.Caption, float64(in.Dx()), capLines)
	ch := float64(len(lines)) * LineHeight()
	pr := image.Rect(in.Min.X, in.Min.Y, in.Max.X, in.Max.Y-int(ch))
	b.Rect(float64(pr.Min.X), float64(pr.Min.Y), float64(pr.Dx()), float64(pr.Dy()), Background)
	if units <= 0 {
		for _, s := range spikes {
			units = max(units, s.Unit+1)
		}
	}
	n := 0
	if units > 0 {
		rowH := float64(pr.Dy()) / float64(units)
		tick := math.Max(1, math.Min(rowH*0.8, U(6)))
		w := math.Max(1, U(1))
		for _, s := range spikes {
			if s.T < 0 || s.T >= win || s.Unit < 0 || s.Unit >= units {
				continue
			}
			x := geom.Lin(float64(s.T), 0, float64(win), float64(pr.Min.X), float64(pr.Max.X))
			y := float64(pr.Min.Y) + (float64(s.Unit)+0.5)*rowH
			b.Rect(x, y-tick/2, w, tick, ModelColor)
			n++
		}
	}
	b.Flush(dst)
	if n == 0 {
		TextCentre(dst, "no spikes", float64(pr.Min.X+pr.Dx()/2), float64(pr.Min.Y+pr.Dy()/2)-LineHeight()/2, DimColor)
	}
	for i, l := range lines {
		Text(dst, l, float64(in.Min.X), float64(in.Max.Y)-ch+float64(i)*LineHeight(), DimColor)
	}
}
