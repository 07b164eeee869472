package main

// The figure geometry of the run page, without ebiten (tested natively):
// data ranges, the grid of panels, the heat map's colour scale.

import (
	"image/color"
	"math"

	"github.com/rnnlab/rnnlab/rules/run"
)

// extent is the data range of a figure's lines: finite points only, and
// with logY only positive y. ok is false when no point qualifies.
type extent struct {
	x0, x1, y0, y1 float64
	ok             bool
}

func linesExtent(lines []run.Line, logY bool) extent {
	e := extent{x0: math.Inf(1), x1: math.Inf(-1), y0: math.Inf(1), y1: math.Inf(-1)}
	for _, l := range lines {
		for i := range min(len(l.X), len(l.Y)) {
			x, y := l.X[i], l.Y[i]
			if !finite(x) || !finite(y) || logY && !(y > 0) {
				continue
			}
			e.x0, e.x1 = math.Min(e.x0, x), math.Max(e.x1, x)
			e.y0, e.y1 = math.Min(e.y0, y), math.Max(e.y1, y)
			e.ok = true
		}
	}
	if !e.ok {
		return extent{}
	}
	if logY {
		e.y0, e.y1 = math.Log10(e.y0), math.Log10(e.y1)
	}
	widen := func(lo, hi float64) (float64, float64) {
		if hi > lo {
			return lo, hi
		}
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - d, hi + d
	}
	e.x0, e.x1 = widen(e.x0, e.x1)
	e.y0, e.y1 = widen(e.y0, e.y1)
	return e
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// grid chooses columns and rows for n panels in a w×h area: the layout
// whose panels are closest to an aspect of 1.3.
func grid(n, w, h int) (cols, rows int) {
	if n <= 0 {
		return 0, 0
	}
	best := math.Inf(1)
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		aspect := (float64(w) / float64(c)) / (float64(h) / float64(r))
		waste := float64(c*r - n)
		score := math.Abs(math.Log(aspect/1.3)) + 0.3*waste
		if score < best {
			best, cols, rows = score, c, r
		}
	}
	return cols, rows
}

// heatRange is the colour scale's range of a heat map: symmetric about 0
// where the values take both signs (weights), else their min and max.
func heatRange(v []float64) (lo, hi float64, diverging bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if finite(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if lo > hi {
		return 0, 1, false
	}
	if lo < 0 && hi > 0 {
		m := math.Max(-lo, hi)
		return -m, m, true
	}
	if lo == hi {
		return lo - 0.5, hi + 0.5, false
	}
	return lo, hi, false
}

// sequential and diverging are the heat map's colour scales, by stops
// (t in [0, 1]): viridis-like from dark blue to yellow; blue–dark–orange
// around 0 for signed values.
var (
	sequential = []color.RGBA{{0x44, 0x01, 0x54, 0xff}, {0x3b, 0x52, 0x8b, 0xff}, {0x21, 0x90, 0x8d, 0xff}, {0x5d, 0xc9, 0x63, 0xff}, {0xfd, 0xe7, 0x25, 0xff}}
	diverging  = []color.RGBA{{0x4f, 0xc3, 0xf7, 0xff}, {0x1d, 0x4e, 0x6e, 0xff}, {0x16, 0x1a, 0x21, 0xff}, {0x7a, 0x45, 0x1a, 0xff}, {0xff, 0xa0, 0x3c, 0xff}}
)

// heatColour maps v in [lo, hi] to its colour; NaN is the panel colour.
func heatColour(v, lo, hi float64, div bool) color.RGBA {
	stops := sequential
	if div {
		stops = diverging
	}
	if !finite(v) {
		return color.RGBA{0x16, 0x1a, 0x21, 0xff}
	}
	t := (v - lo) / (hi - lo)
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(stops)-1)
	i := min(int(f), len(stops)-2)
	a, b, u := stops[i], stops[i+1], f-float64(i)
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*u)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// lineColours are the colours of a figure's lines, in order.
var lineColours = []color.RGBA{
	{0x4f, 0xc3, 0xf7, 0xff}, // data blue
	{0xff, 0xa0, 0x3c, 0xff}, // model orange
	{0xa5, 0xd6, 0x7a, 0xff}, // green
	{0xce, 0x93, 0xd8, 0xff}, // violet
	{0xff, 0x6b, 0x6b, 0xff}, // red
	{0xdc, 0xe2, 0xec, 0xff}, // white
	{0xff, 0xd5, 0x4f, 0xff}, // yellow
	{0x80, 0xcb, 0xc4, 0xff}, // teal
}

// Raster colours: excitatory and inhibitory neurons.
var (
	excColour = color.RGBA{0x4f, 0xc3, 0xf7, 0xff}
	inhColour = color.RGBA{0xff, 0x6b, 0x6b, 0xff}
)

// logTicks appends ticks for a log axis over [10^a, 10^b]: the 1, 2, 5
// multiples of the powers of ten where at most n of them fall inside,
// else the powers of ten, thinned to about n.
func logTicks(dst []float64, a, b float64, n int) []float64 {
	lo, hi := math.Floor(a), math.Ceil(b)
	var fine []float64
	for e := lo; e <= hi; e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if l := math.Log10(v); l >= a-1e-9 && l <= b+1e-9 {
				fine = append(fine, v)
			}
		}
	}
	if len(fine) <= n && len(fine) >= 2 {
		return append(dst, fine...)
	}
	var dec []float64
	for e := math.Ceil(a - 1e-9); e <= b+1e-9; e++ {
		dec = append(dec, math.Pow(10, e))
	}
	k := max(1, (len(dec)+n-1)/max(n, 1))
	for i := 0; i < len(dec); i += k {
		dst = append(dst, dec[i])
	}
	return dst
}
