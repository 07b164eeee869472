//go:build js

package view

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/rnnlab/rnnlab/site/view/geom"
)

// Input is one frame's pointer state in screen pixels: mouse or the first
// touch.
type Input struct {
	X, Y     int     // pointer position
	Down     bool    // button or finger held
	Pressed  bool    // went down this frame
	Released bool    // went up this frame
	WheelY   float64 // wheel delta (positive: away from the user)
	Touch    bool    // the pointer is a finger
	// Pinch is the factor by which two fingers spread apart since the last
	// frame (1 with fewer than two); Pinching is set while two are down.
	// The pointer is then the first finger, but not "pressed".
	Pinch    float64
	Pinching bool
}

var (
	touchIDs []ebiten.TouchID
	pinch    geom.Pinch
)

// InputScale converts the pointer positions ebiten reports into canvas
// coordinates when the page renders the canvas at a reduced resolution and
// scales it up with a CSS transform (lab.html does so in software-rendered
// WebGL): ebiten reads clientX/Y, which are in the scaled-up pixels.
var InputScale = 1.0

// ReadInput reads this frame's pointer state from ebiten.
func ReadInput() Input {
	var in Input
	touchIDs = ebiten.AppendTouchIDs(touchIDs[:0])
	in.Pinch = 1
	if len(touchIDs) >= 2 {
		a, b := touchIDs[0], touchIDs[1]
		x0, y0 := ebiten.TouchPosition(a)
		x1, y1 := ebiten.TouchPosition(b)
		in.Pinch = pinch.Update(true, int(a), int(b), float64(x0), float64(y0), float64(x1), float64(y1))
		in.Pinching = true
	} else {
		pinch.Update(false, 0, 0, 0, 0, 0, 0)
	}
	if len(touchIDs) > 0 {
		id := touchIDs[0]
		in.X, in.Y = ebiten.TouchPosition(id)
		in.X, in.Y = scaled(in.X), scaled(in.Y)
		in.Down, in.Touch = true, true
		in.Pressed = inpututil.TouchPressDuration(id) == 1 && !in.Pinching
		return in
	}
	in.X, in.Y = ebiten.CursorPosition()
	in.X, in.Y = scaled(in.X), scaled(in.Y)
	in.Down = ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft)
	in.Pressed = inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft)
	in.Released = inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft)
	_, in.WheelY = ebiten.Wheel()
	return in
}

func scaled(v int) int {
	if InputScale == 1 {
		return v
	}
	return int(float64(v) * InputScale)
}

// In reports whether the pointer is inside r.
func (in Input) In(r image.Rectangle) bool { return image.Pt(in.X, in.Y).In(r) }

// Clicked reports whether the pointer went down inside r this frame.
func (in Input) Clicked(r image.Rectangle) bool { return in.Pressed && in.In(r) }

// Button is a drawn, hit-tested push button.
type Button struct {
	Label  string
	Rect   image.Rectangle
	Active bool // drawn highlighted (e.g. "pause" while running)
}

// Clicked reports whether in pressed the button this frame.
func (b *Button) Clicked(in Input) bool { return in.Clicked(b.Rect) }

// Draw draws the button, highlighted while hovered.
func (b *Button) Draw(dst *ebiten.Image, bt *Batch, in Input) {
	r := b.Rect
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	fill := PanelColor
	if in.In(r) && !in.Touch {
		fill = FrameColor
	}
	bt.Rect(x, y, w, h, fill)
	c := AxisColor
	if b.Active {
		c = DataColor
	}
	bt.Frame(x, y, w, h, max(1, float64(int(U(1)))), c)
	bt.Flush(dst)
	TextCentre(dst, b.Label, x+w/2, y+(h-LineHeight())/2, TextColor)
}

// ButtonWidth is the width a button needs for label.
func ButtonWidth(label string) int { return int(TextWidth(label) + U(16)) }

// ProgressBar draws a horizontal bar filled to frac (0–1) with a label
// inside it.
func ProgressBar(dst *ebiten.Image, bt *Batch, r image.Rectangle, frac float64, label string) {
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	frac = min(max(frac, 0), 1)
	bt.Rect(x, y, w, h, PanelColor)
	bt.Rect(x, y, w*frac, h, color32(DataColor, 0.35))
	bt.Frame(x, y, w, h, max(1, float64(int(U(1)))), AxisColor)
	bt.Flush(dst)
	Text(dst, label, x+U(6), y+(h-LineHeight())/2, TextColor)
}
