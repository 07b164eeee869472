//go:build js

package view

import (
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font/basicfont"
)

// The palette of every view (a dark instrument theme).
var (
	Background  = color.RGBA{0x0f, 0x12, 0x17, 0xff} // page background
	PanelColor  = color.RGBA{0x16, 0x1a, 0x21, 0xff} // panel fill
	FrameColor  = color.RGBA{0x2a, 0x31, 0x3d, 0xff} // panel frame and grid
	AxisColor   = color.RGBA{0x4b, 0x55, 0x66, 0xff} // axes and the 3-D box
	TextColor   = color.RGBA{0xdc, 0xe2, 0xec, 0xff} // labels
	DimColor    = color.RGBA{0x8b, 0x95, 0xa7, 0xff} // secondary labels
	DataColor   = color.RGBA{0x4f, 0xc3, 0xf7, 0xff} // the true trajectory ("data")
	ModelColor  = color.RGBA{0xff, 0xa0, 0x3c, 0xff} // the generated one ("model")
	AccentColor = color.RGBA{0xa5, 0xd6, 0x7a, 0xff} // D_H and highlights
	ErrorColor  = color.RGBA{0xff, 0x6b, 0x6b, 0xff} // error messages
)

// Scale is the size of one layout unit in device pixels (the device scale
// factor); the lab sets it every frame. Text is drawn at the nearest
// integer multiple of the 7×13 fixed font (in 7×16 cells).
var Scale = 1.0

// U returns v layout units in device pixels.
func U(v float64) float64 { return v * Scale }

var (
	white    *ebiten.Image
	glyphs   *ebiten.Image
	glyphSub [128]*ebiten.Image
)

func whiteImage() *ebiten.Image {
	if white == nil {
		white = ebiten.NewImage(3, 3)
		white.Fill(color.White)
	}
	return white.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}

// The glyphs are those of golang.org/x/image/font/basicfont.Face7x13 (the
// X11 misc-fixed 7×13 font, public domain), printable ASCII, each in a 7×16
// cell with its 13 rows starting at glyphTop. (ebitenutil's debug font was
// used first; ebitenutil imports net/http under js, which put crypto/tls,
// x509 and mime into the widget: 377 KB of its brotli download.)
const glyphW, glyphH, glyphTop = 7, 16, 2

// glyph returns the image of r from an atlas drawn once, so text can be
// coloured and batched.
func glyph(r rune) *ebiten.Image {
	c := cell(r)
	if glyphs == nil {
		face := basicfont.Face7x13
		mask := face.Mask.(*image.Alpha)
		atlas := image.NewRGBA(image.Rect(0, 0, 16*glyphW, 8*glyphH))
		ink := func(cell, x, y int, a uint8) {
			atlas.SetRGBA((cell%16)*glyphW+x, (cell/16)*glyphH+glyphTop+y, color.RGBA{a, a, a, a})
		}
		for ch := 32; ch < 127; ch++ {
			i := face.Ranges[0].Offset + ch - int(face.Ranges[0].Low)
			for y := 0; y < face.Height; y++ {
				for x := 0; x < face.Width; x++ {
					ink(ch, x, y, mask.AlphaAt(x, i*face.Height+y).A)
				}
			}
		}
		for i, e := range extra {
			for y, row := range e.rows {
				for x, b := range row {
					if b == '#' {
						ink(1+i, x, y, 0xff)
					}
				}
			}
		}
		glyphs = ebiten.NewImageFromImage(atlas)
	}
	if glyphSub[c] == nil {
		x, y := (c%16)*glyphW, (c/16)*glyphH
		glyphSub[c] = glyphs.SubImage(image.Rect(x, y, x+glyphW, y+glyphH)).(*ebiten.Image)
	}
	return glyphSub[c]
}

func textScale() float64 { return math.Max(1, math.Round(Scale)) }

// TextWidth is the width of s in device pixels.
func TextWidth(s string) float64 {
	n := 0
	for range s {
		n++
	}
	return float64(n) * glyphW * textScale()
}

// LineHeight is the height of a text line in device pixels.
func LineHeight() float64 { return glyphH * textScale() }

// Text draws s with its top-left corner at (x, y) in colour c.
func Text(dst *ebiten.Image, s string, x, y float64, c color.Color) {
	k := textScale()
	var op ebiten.DrawImageOptions
	op.ColorScale.ScaleWithColor(c)
	x, y = math.Round(x), math.Round(y)
	for _, r := range s {
		if r != ' ' {
			op.GeoM.Reset()
			op.GeoM.Scale(k, k)
			op.GeoM.Translate(x, y)
			dst.DrawImage(glyph(r), &op)
		}
		x += glyphW * k
	}
}

// Fit shortens s to at most width w (in device pixels), ending it with
// "…" where it had to be cut.
func Fit(s string, w float64) string {
	if TextWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && TextWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	if len(r) == 0 {
		return ""
	}
	return string(r) + "…"
}

// WrapText breaks s at spaces into at most n lines of width w (device
// pixels), the last shortened with "…" where the text does not fit.
func WrapText(s string, w float64, n int) []string {
	var out []string
	line := ""
	words := strings.Fields(s)
	for i, wd := range words {
		try := wd
		if line != "" {
			try = line + " " + wd
		}
		if TextWidth(try) <= w || line == "" {
			line = try
			continue
		}
		if len(out) == n-1 {
			return append(out, Fit(line+" "+strings.Join(words[i:], " "), w))
		}
		out, line = append(out, line), wd
	}
	if line != "" {
		out = append(out, Fit(line, w))
	}
	return out
}

// TextRight draws s ending at x.
func TextRight(dst *ebiten.Image, s string, x, y float64, c color.Color) {
	Text(dst, s, x-TextWidth(s), y, c)
}

// TextCentre draws s centred on x.
func TextCentre(dst *ebiten.Image, s string, x, y float64, c color.Color) {
	Text(dst, s, x-TextWidth(s)/2, y, c)
}

// Fmt formats v compactly for labels: 3 significant digits, exponent form
// for very small or large magnitudes, "–" for NaN.
func Fmt(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 0):
		if v > 0 {
			return "inf"
		}
		return "-inf"
	case v == 0:
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e4 || a < 1e-2 {
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// FmtTick formats an axis tick: powers of ten as 0.01…1000 or 1e-5, other
// values as Fmt does.
func FmtTick(v float64) string {
	if v > 0 {
		if e := math.Log10(v); math.Abs(e-math.Round(e)) < 1e-9 {
			k := int(math.Round(e))
			if k >= -2 && k <= 3 {
				return strconv.FormatFloat(v, 'f', max(-k, 0), 64)
			}
			return "1e" + strconv.Itoa(k)
		}
	}
	return Fmt(v)
}

// Batch collects coloured triangles (line segments, rectangles, discs) and
// draws them with one DrawTriangles32 call. Its slices are reused, so a
// steady-state frame allocates nothing.
type Batch struct {
	vs []ebiten.Vertex
	is []uint32
}

// Reset empties the batch, keeping its storage.
func (b *Batch) Reset() { b.vs, b.is = b.vs[:0], b.is[:0] }

// Len is the number of vertices in the batch.
func (b *Batch) Len() int { return len(b.vs) }

func rgba(c color.Color) (r, g, bl, a float32) {
	cr, cg, cb, ca := c.RGBA()
	if ca == 0 {
		return 0, 0, 0, 0
	}
	// straight alpha
	return float32(cr) / float32(ca), float32(cg) / float32(ca), float32(cb) / float32(ca), float32(ca) / 0xffff
}

func (b *Batch) vertex(x, y, r, g, bl, a float32) {
	b.vs = append(b.vs, ebiten.Vertex{DstX: x, DstY: y, SrcX: 1, SrcY: 1, ColorR: r, ColorG: g, ColorB: bl, ColorA: a})
}

func (b *Batch) quad(x0, y0, x1, y1, x2, y2, x3, y3, r, g, bl, a float32) {
	i := uint32(len(b.vs))
	b.vertex(x0, y0, r, g, bl, a)
	b.vertex(x1, y1, r, g, bl, a)
	b.vertex(x2, y2, r, g, bl, a)
	b.vertex(x3, y3, r, g, bl, a)
	b.is = append(b.is, i, i+1, i+2, i, i+2, i+3)
}

// SegRGBA adds a line segment of width w with a straight-alpha colour.
func (b *Batch) SegRGBA(x0, y0, x1, y1, w float64, r, g, bl, a float32) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if !(l > 1e-6) {
		if l == 0 {
			dx, dy, l = 1, 0, 1
		} else {
			return // NaN
		}
	}
	h := w / 2
	ux, uy := dx/l*h, dy/l*h // along, half width
	nx, ny := -uy, ux        // normal
	// square caps cover the joints of a polyline
	x0, y0, x1, y1 = x0-ux, y0-uy, x1+ux, y1+uy
	b.quad(float32(x0+nx), float32(y0+ny), float32(x1+nx), float32(y1+ny), float32(x1-nx), float32(y1-ny), float32(x0-nx), float32(y0-ny), r, g, bl, a)
}

// Seg adds a line segment of width w in colour c.
func (b *Batch) Seg(x0, y0, x1, y1, w float64, c color.Color) {
	r, g, bl, a := rgba(c)
	b.SegRGBA(x0, y0, x1, y1, w, r, g, bl, a)
}

// Rect adds a filled rectangle.
func (b *Batch) Rect(x, y, w, h float64, c color.Color) {
	r, g, bl, a := rgba(c)
	b.quad(float32(x), float32(y), float32(x+w), float32(y), float32(x+w), float32(y+h), float32(x), float32(y+h), r, g, bl, a)
}

// Frame adds the outline of a rectangle with line width w.
func (b *Batch) Frame(x, y, w, h, lw float64, c color.Color) {
	b.Rect(x, y, w, lw, c)
	b.Rect(x, y+h-lw, w, lw, c)
	b.Rect(x, y+lw, lw, h-2*lw, c)
	b.Rect(x+w-lw, y+lw, lw, h-2*lw, c)
}

// Disc adds a filled circle.
func (b *Batch) Disc(cx, cy, rad float64, c color.Color) {
	r, g, bl, a := rgba(c)
	const n = 16
	i0 := uint32(len(b.vs))
	b.vertex(float32(cx), float32(cy), r, g, bl, a)
	for k := 0; k < n; k++ {
		s, co := math.Sincos(2 * math.Pi * float64(k) / n)
		b.vertex(float32(cx+rad*co), float32(cy+rad*s), r, g, bl, a)
	}
	for k := uint32(0); k < n; k++ {
		b.is = append(b.is, i0, i0+1+k, i0+1+(k+1)%n)
	}
}

// Ring adds a circle outline of line width w.
func (b *Batch) Ring(cx, cy, rad, w float64, c color.Color) {
	r, g, bl, a := rgba(c)
	const n = 16
	i0 := uint32(len(b.vs))
	for k := 0; k < n; k++ {
		s, co := math.Sincos(2 * math.Pi * float64(k) / n)
		b.vertex(float32(cx+(rad+w/2)*co), float32(cy+(rad+w/2)*s), r, g, bl, a)
		b.vertex(float32(cx+(rad-w/2)*co), float32(cy+(rad-w/2)*s), r, g, bl, a)
	}
	for k := uint32(0); k < n; k++ {
		o, i, o2, i2 := i0+2*k, i0+2*k+1, i0+2*((k+1)%n), i0+2*((k+1)%n)+1
		b.is = append(b.is, o, i, o2, i, i2, o2)
	}
}

// Draw draws the batch onto dst and keeps it; antialias costs an extra
// offscreen pass, so it is used for curves only.
func (b *Batch) Draw(dst *ebiten.Image, antialias bool) {
	if len(b.is) == 0 {
		return
	}
	op := &ebiten.DrawTrianglesOptions{AntiAlias: antialias}
	dst.DrawTriangles32(b.vs, b.is, whiteImage(), op)
}

// Flush draws the batch onto dst without antialiasing and empties it.
func (b *Batch) Flush(dst *ebiten.Image) {
	b.Draw(dst, false)
	b.Reset()
}

// FlushAA draws the batch onto dst antialiased and empties it.
func (b *Batch) FlushAA(dst *ebiten.Image) {
	b.Draw(dst, true)
	b.Reset()
}

// Panel fills r with the panel colour, frames it and writes its title; it
// returns the inner plotting rectangle below the title.
func Panel(dst *ebiten.Image, b *Batch, r image.Rectangle, title string) image.Rectangle {
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	b.Rect(x, y, w, h, PanelColor)
	b.Frame(x, y, w, h, math.Max(1, math.Round(U(1))), FrameColor)
	b.Flush(dst)
	pad := U(6)
	Text(dst, Fit(title, w-2*pad), x+pad, y+U(3), DimColor)
	top := int(y + U(3) + LineHeight() + U(2))
	return image.Rect(r.Min.X+int(pad), top, r.Max.X-int(pad), r.Max.Y-int(pad))
}

// layer is an offscreen image the size of a panel, redrawn only when its key
// changes.
type layer struct {
	img *ebiten.Image
	key any
}

// get returns the layer image for r and whether it must be redrawn for key
// (it is cleared then).
func (l *layer) get(r image.Rectangle, key any) (*ebiten.Image, bool) {
	w, h := max(r.Dx(), 1), max(r.Dy(), 1)
	if l.img == nil || l.img.Bounds().Dx() != w || l.img.Bounds().Dy() != h {
		if l.img != nil {
			l.img.Deallocate()
		}
		l.img = ebiten.NewImage(w, h)
		l.key = nil
	}
	if l.key == key && key != nil {
		return l.img, false
	}
	l.key = key
	l.img.Clear()
	return l.img, true
}

func (l *layer) blit(dst *ebiten.Image, r image.Rectangle) {
	var op ebiten.DrawImageOptions
	op.GeoM.Translate(float64(r.Min.X), float64(r.Min.Y))
	dst.DrawImage(l.img, &op)
}
