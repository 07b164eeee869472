//go:build js

package view

import (
	"image"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/rnnlab/rnnlab/site/view/geom"
	"github.com/rnnlab/rnnlab/wasm/session"
)

// Segment caps of the attractor: a moving camera re-tessellates every frame
// and draws at most MovingSegments per trajectory; a still one draws up to
// StillSegments once into a cached layer.
const (
	MovingSegments = 2000
	StillSegments  = 20000
)

// Attractor3D draws the true ("data") and generated ("model") trajectories
// in 3-D — the first three observed dimensions, zero-padded for N = 2 and
// delay-embedded for N = 1 — in the box of the data, with a legend and an
// optional overlay of fixed and cycle points. Drag rotates, the wheel zooms,
// the "spin" button toggles auto-rotation.
type Attractor3D struct {
	Cam    geom.Camera
	Spin   bool
	Points []session.Point // overlay: filled = stable, hollow = unstable
	Title  string          // panel title (default "attractor")

	// UserChanged is set by Update when the user moved the camera or
	// toggled spin this frame (the lab then writes the state back).
	UserChanged bool

	truth, gen    []float64 // T×3, embedded
	nTruth, nGen  int
	n, version    int
	src0, src1    *float64
	box           geom.Box
	pointsVersion int
	batch         Batch
	lyr           layer
	dragging      bool
	lastX, lastY  int
	spinBtn       Button
	plot          image.Rectangle
	lastSpin      time.Time
}

// SetData gives the trajectories (row-major, T×N) and the session's data
// version; the embedding is recomputed only when the version, lengths or
// slices change.
func (a *Attractor3D) SetData(truth []float64, tTruth int, gen []float64, tGen int, n, version int) {
	var p0, p1 *float64
	if len(truth) > 0 {
		p0 = &truth[0]
	}
	if len(gen) > 0 {
		p1 = &gen[0]
	}
	if version == a.version && tTruth == a.nTruth && tGen == a.nGen && n == a.n && p0 == a.src0 && p1 == a.src1 && a.truth != nil {
		return
	}
	lag := 8
	a.truth = geom.Embed3(a.truth, truth, tTruth, n, lag)
	a.gen = geom.Embed3(a.gen, gen, tGen, n, lag)
	a.nTruth, a.nGen, a.n, a.version, a.src0, a.src1 = tTruth, tGen, n, version, p0, p1
	a.box = geom.Bounds(a.truth)
	if tTruth == 0 {
		a.box = geom.Bounds(a.gen)
	}
	a.lyr.key = nil
}

// SetPoints replaces the overlay points; version identifies them for the
// layer cache.
func (a *Attractor3D) SetPoints(p []session.Point, version int) {
	if version != a.pointsVersion {
		a.Points, a.pointsVersion = p, version
		a.lyr.key = nil
	}
}

// Update handles the pointer for a panel at r and advances auto-rotation.
// It reports whether the attractor used the input.
func (a *Attractor3D) Update(r image.Rectangle, in Input) bool {
	a.UserChanged = false
	a.layoutButtons(r)
	used := false
	if a.spinBtn.Clicked(in) {
		a.Spin = !a.Spin
		a.UserChanged = true
		return true
	}
	if in.Pressed && in.In(r) {
		a.dragging, a.lastX, a.lastY = true, in.X, in.Y
		used = true
	}
	if in.Pinching && in.In(r) {
		// Two fingers zoom (pinch) and do not rotate.
		a.dragging = false
		if in.Pinch != 1 {
			a.Cam.Zoom = geom.Clamp(a.Cam.Zoom*in.Pinch, 0.2, 8)
			a.UserChanged = true
		}
		used = true
	}
	if a.dragging {
		if !in.Down {
			a.dragging = false
		} else if dx, dy := in.X-a.lastX, in.Y-a.lastY; dx != 0 || dy != 0 {
			k := 0.01 / Scale
			a.Cam.Yaw = math.Mod(a.Cam.Yaw+float64(dx)*k, 2*math.Pi)
			a.Cam.Pitch = geom.Clamp(a.Cam.Pitch+float64(dy)*k, -1.5, 1.5)
			a.lastX, a.lastY = in.X, in.Y
			a.UserChanged = true
		}
		used = true
	}
	if in.WheelY != 0 && in.In(r) {
		a.Cam.Zoom = geom.Clamp(a.Cam.Zoom*math.Exp(0.1*geom.Clamp(in.WheelY, -3, 3)), 0.2, 8)
		a.UserChanged = true
		used = true
	}
	if a.Spin && !a.dragging {
		// A quarter radian per second, whatever the frame rate.
		now := time.Now()
		if !a.lastSpin.IsZero() {
			a.Cam.Yaw = math.Mod(a.Cam.Yaw+0.25*min(now.Sub(a.lastSpin).Seconds(), 0.1), 2*math.Pi)
		}
		a.lastSpin = now
	} else {
		a.lastSpin = time.Time{}
	}
	return used
}

func (a *Attractor3D) layoutButtons(r image.Rectangle) {
	a.spinBtn.Label = "spin"
	w, h := ButtonWidth("spin"), int(LineHeight()+U(6))
	m := int(U(6))
	a.spinBtn.Rect = image.Rect(r.Max.X-m-w, r.Min.Y+m, r.Max.X-m, r.Min.Y+m+h)
	a.spinBtn.Active = a.Spin
}

type attractorKey struct {
	cam     geom.Camera
	version int
	points  int
	w, h    int
	scale   float64
}

// Draw draws the panel into r of dst.
func (a *Attractor3D) Draw(dst *ebiten.Image, r image.Rectangle, in Input) {
	moving := a.Spin || a.dragging
	key := attractorKey{a.Cam, a.version, a.pointsVersion, r.Dx(), r.Dy(), Scale}
	img, redraw := a.lyr.get(r, key)
	if redraw {
		a.drawLayer(img, moving)
	}
	a.lyr.blit(dst, r)
	a.layoutButtons(r)
	a.spinBtn.Draw(dst, &a.batch, in)
}

func color32(c color.RGBA, alpha float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * alpha), uint8(float64(c.G) * alpha), uint8(float64(c.B) * alpha), uint8(255 * alpha)}
}

func (a *Attractor3D) drawLayer(img *ebiten.Image, moving bool) {
	b := &a.batch
	b.Reset()
	full := img.Bounds()
	title := a.Title
	if title == "" {
		title = "attractor"
	}
	plot := Panel(img, b, full, title)
	a.plot = plot
	cam := a.Cam
	if cam.Perspective == 0 {
		cam.Perspective = 0.2
	}
	pj := cam.Projector(float64(plot.Min.X), float64(plot.Min.Y), float64(plot.Dx()), float64(plot.Dy()))

	// axes box
	lw := math.Max(1, U(1))
	var c [8][2]float64
	for i := 0; i < 8; i++ {
		var q [3]float64
		for d := 0; d < 3; d++ {
			q[d] = a.box.Min[d]
			if i>>d&1 == 1 {
				q[d] = a.box.Max[d]
			}
		}
		n := a.box.Normalize(q, true)
		x, y, _ := pj.Project(n[0], n[1], n[2])
		c[i] = [2]float64{x, y}
	}
	for i := 0; i < 8; i++ {
		for _, bit := range []int{1, 2, 4} {
			if j := i | bit; j != i {
				b.Seg(c[i][0], c[i][1], c[j][0], c[j][1], lw, FrameColor)
			}
		}
	}
	// three axes from the corner (−1,−1,−1)
	for _, bit := range []int{1, 2, 4} {
		b.Seg(c[0][0], c[0][1], c[bit][0], c[bit][1], lw*1.5, AxisColor)
	}
	if moving {
		b.Flush(img)
	} else {
		b.FlushAA(img)
	}
	for k, bit := range []int{1, 2, 4} {
		label := [3]string{"x1", "x2", "x3"}[k]
		if a.n == 1 {
			label = [3]string{"x(t)", "x(t-8)", "x(t-16)"}[k]
		}
		x := c[0][0] + (c[bit][0]-c[0][0])*1.08
		y := c[0][1] + (c[bit][1]-c[0][1])*1.08
		TextCentre(img, label, x, y-LineHeight()/2, DimColor)
	}

	maxSeg := StillSegments
	if moving {
		maxSeg = MovingSegments
	}
	w := math.Max(1, U(1.1))
	a.trajectory(&pj, a.truth, a.nTruth, maxSeg, w, DataColor)
	a.trajectory(&pj, a.gen, a.nGen, maxSeg, w, ModelColor)
	// Antialiasing renders the batch at twice the resolution: only for a
	// still picture, where it is drawn once into the cached layer.
	if moving {
		b.Flush(img)
	} else {
		b.FlushAA(img)
	}

	// fixed / cycle points
	for _, p := range a.Points {
		if len(p.X) == 0 {
			continue
		}
		var q [3]float64
		for d := 0; d < 3 && d < len(p.X); d++ {
			q[d] = p.X[d]
		}
		n := a.box.Normalize(q, true)
		x, y, _ := pj.Project(n[0], n[1], n[2])
		rad := U(4)
		if p.Stable {
			b.Disc(x, y, rad, TextColor)
		} else {
			b.Disc(x, y, rad, PanelColor)
			b.Ring(x, y, rad, U(1.5), TextColor)
		}
	}

	// legend and hint, on a translucent backing so a zoomed-in trajectory
	// does not run through them
	lx, ly := float64(plot.Min.X), float64(plot.Min.Y)
	sw := U(14)
	b.Flush(img)
	backing := color.NRGBA{0x16, 0x1a, 0x21, 0xd0} // PanelColor at 80% opacity
	lines, widest := 2.0, TextWidth("model")
	if len(a.Points) > 0 {
		lines, widest = 3, TextWidth("stable / unstable")
	}
	b.Rect(lx-U(2), ly, sw+U(8)+widest+U(4), lines*LineHeight(), backing)
	hint := "drag: rotate  wheel, pinch: zoom"
	b.Rect(float64(plot.Max.X)-TextWidth(hint)-U(4), float64(plot.Max.Y)-LineHeight(), TextWidth(hint)+U(4), LineHeight(), backing)
	b.Flush(img)
	for i, it := range []struct {
		s string
		c color.RGBA
	}{{"data", DataColor}, {"model", ModelColor}} {
		y := ly + float64(i)*LineHeight()
		b.Seg(lx, y+LineHeight()/2, lx+sw, y+LineHeight()/2, U(2), it.c)
	}
	if len(a.Points) > 0 {
		y := ly + 2*LineHeight() + LineHeight()/2
		b.Disc(lx+U(3.5), y, U(3.5), TextColor)
		b.Disc(lx+sw-U(2), y, U(3.5), PanelColor)
		b.Ring(lx+sw-U(2), y, U(3.5), U(1.5), TextColor)
	}
	b.Flush(img)
	Text(img, "data", lx+sw+U(6), ly, TextColor)
	Text(img, "model", lx+sw+U(6), ly+LineHeight(), TextColor)
	if len(a.Points) > 0 {
		Text(img, "stable / unstable", lx+sw+U(6), ly+2*LineHeight(), DimColor)
	}
	TextRight(img, hint, float64(plot.Max.X), float64(plot.Max.Y)-LineHeight(), DimColor)
}

// trajectory adds a T×3 trajectory to the batch, decimated to maxSeg
// segments, shaded by depth and clamped to a margin around the box.
func (a *Attractor3D) trajectory(pj *geom.Projector, x []float64, T, maxSeg int, w float64, c color.RGBA) {
	if T < 2 {
		return
	}
	st := geom.Stride(T-1, maxSeg)
	cr, cg, cb := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255
	var px, py float64
	have := false
	for t := 0; t < T; t += st {
		p := [3]float64{x[3*t], x[3*t+1], x[3*t+2]}
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsNaN(p[2]) {
			have = false
			continue
		}
		n := a.box.Normalize(p, true)
		for d := range n {
			n[d] = geom.Clamp(n[d], -1.6, 1.6)
		}
		sx, sy, d := pj.Project(n[0], n[1], n[2])
		if have {
			alpha := float32(0.45 + 0.45*geom.Clamp(d+0.5, 0, 1))
			a.batch.SegRGBA(px, py, sx, sy, w, cr, cg, cb, alpha)
		}
		px, py, have = sx, sy, true
	}
}
