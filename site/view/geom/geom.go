// Package geom holds the pure drawing math of the site's views: embedding a
// trajectory into three dimensions, the camera projection of the attractor
// view, decimation of long trajectories, data ranges and axis ticks. It
// imports no graphics package, so it is tested natively.
package geom

import (
	"math"
)

// Camera is the view of the 3-D attractor: yaw about the vertical axis,
// pitch about the horizontal one (radians), a zoom factor, and a
// perspective strength (0: orthographic; 0.15–0.3: mild perspective).
type Camera struct {
	Yaw, Pitch, Zoom float64
	Perspective      float64
}

// Projector maps normalized cube coordinates ([-1,1]³) to screen pixels
// for a camera and a viewport. Build it with Camera.Projector once per frame.
type Projector struct {
	cy, sy, cp, sp float64
	persp          float64
	cx, cyPix      float64 // viewport centre
	scale          float64 // pixels per unit
}

// Projector returns the projection of the camera into a viewport of w×h
// pixels whose top-left corner is (x, y).
func (c Camera) Projector(x, y, w, h float64) Projector {
	z := c.Zoom
	if !(z > 0) {
		z = 1
	}
	return Projector{
		cy: math.Cos(c.Yaw), sy: math.Sin(c.Yaw),
		cp: math.Cos(c.Pitch), sp: math.Sin(c.Pitch),
		persp: c.Perspective,
		cx:    x + w/2, cyPix: y + h/2,
		// the cube's diagonal (2√3) fits the shorter side at zoom 1
		scale: 0.5 * math.Min(w, h) / math.Sqrt(3) * z * 1.05,
	}
}

// Project maps a point of the normalized cube to screen coordinates and
// returns its depth in [-1, 1] roughly (positive: towards the viewer).
func (p *Projector) Project(x, y, z float64) (sx, sy, depth float64) {
	// yaw about the (data) z axis, which is drawn vertically
	x1 := p.cy*x - p.sy*y
	y1 := p.sy*x + p.cy*y
	// pitch tilts the view: screen up is z rotated towards the viewer
	up := p.cp*z - p.sp*y1
	d := p.sp*z + p.cp*y1 // depth into the screen, negative: nearer
	f := 1.0
	if p.persp > 0 {
		f = 1 / (1 + p.persp*d/math.Sqrt(3))
	}
	return p.cx + p.scale*f*x1, p.cyPix - p.scale*f*up, -d / math.Sqrt(3)
}

// Embed3 writes a T×3 row-major trajectory into dst (grown as needed) from
// a T×N one: the first three dimensions; for N = 2 the third coordinate is
// zero; for N = 1 a time-delay embedding (x(t), x(t−lag), x(t−2·lag)) with
// the first rows repeating x(0). It returns dst[:3T].
func Embed3(dst, x []float64, T, N, lag int) []float64 {
	if cap(dst) < 3*T {
		dst = make([]float64, 3*T)
	}
	dst = dst[:3*T]
	if lag < 1 {
		lag = 1
	}
	for t := 0; t < T; t++ {
		r := dst[3*t : 3*t+3]
		switch {
		case N >= 3:
			copy(r, x[t*N:t*N+3])
		case N == 2:
			r[0], r[1], r[2] = x[2*t], x[2*t+1], 0
		case N == 1:
			r[0] = x[t]
			r[1] = x[max(t-lag, 0)]
			r[2] = x[max(t-2*lag, 0)]
		default:
			r[0], r[1], r[2] = 0, 0, 0
		}
	}
	return dst
}

// Box is an axis-aligned box in 3-D.
type Box struct{ Min, Max [3]float64 }

// Bounds returns the box of a T×3 row-major trajectory, ignoring non-finite
// values; an empty or all-NaN trajectory gives the cube [-1, 1]³.
func Bounds(x []float64) Box {
	b := Box{Min: [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}, Max: [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		d := i % 3
		b.Min[d] = math.Min(b.Min[d], v)
		b.Max[d] = math.Max(b.Max[d], v)
	}
	for d := 0; d < 3; d++ {
		if b.Min[d] > b.Max[d] {
			b.Min[d], b.Max[d] = -1, 1
		}
	}
	return b
}

// Normalize maps a point of the box to the cube [-1, 1]³ with one common
// scale for all axes when uniform is true (keeping the attractor's shape)
// or per-axis scales otherwise. A degenerate axis maps to 0.
func (b Box) Normalize(p [3]float64, uniform bool) [3]float64 {
	var span float64
	if uniform {
		for d := 0; d < 3; d++ {
			span = math.Max(span, b.Max[d]-b.Min[d])
		}
	}
	var q [3]float64
	for d := 0; d < 3; d++ {
		s := b.Max[d] - b.Min[d]
		if uniform {
			s = span
		}
		if s <= 0 {
			continue
		}
		q[d] = (2*p[d] - b.Min[d] - b.Max[d]) / s
	}
	return q
}

// Stride returns the step that keeps at most max of n segments (≥ 1).
func Stride(n, max int) int {
	if max < 1 || n <= max {
		return 1
	}
	return (n + max - 1) / max
}

// Range returns the minimum and maximum of column d of a T×N row-major
// series over rows [t0, t1), ignoring non-finite values; ok is false when
// no value is finite.
func Range(x []float64, N, d, t0, t1 int) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for t := t0; t < t1; t++ {
		v := x[t*N+d]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi, ok = math.Min(lo, v), math.Max(hi, v), true
	}
	return lo, hi, ok
}

// Pad widens [lo, hi] by frac of its span on both sides, and makes a
// degenerate interval one unit (or 10%) wide.
func Pad(lo, hi, frac float64) (float64, float64) {
	if hi <= lo {
		w := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - w, hi + w
	}
	s := (hi - lo) * frac
	return lo - s, hi + s
}

// NiceStep returns a round step (1, 2 or 5 × 10^k) that splits span into
// about n intervals.
func NiceStep(span float64, n int) float64 {
	if !(span > 0) || n < 1 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / p; {
	case f < 1.5:
		return p
	case f < 3.5:
		return 2 * p
	case f < 7.5:
		return 5 * p
	}
	return 10 * p
}

// Ticks appends to dst the multiples of a nice step inside [lo, hi], about
// n of them.
func Ticks(dst []float64, lo, hi float64, n int) []float64 {
	st := NiceStep(hi-lo, n)
	for v := math.Ceil(lo/st) * st; v <= hi+st*1e-9; v += st {
		if math.Abs(v) < st*1e-9 {
			v = 0
		}
		dst = append(dst, v)
	}
	return dst
}

// LogTicks appends the powers of ten inside [lo, hi] (both > 0), thinned to
// at most n of them.
func LogTicks(dst []float64, lo, hi float64, n int) []float64 {
	if !(lo > 0) || !(hi >= lo) {
		return dst
	}
	a, b := int(math.Ceil(math.Log10(lo)-1e-9)), int(math.Floor(math.Log10(hi)+1e-9))
	k := Stride(b-a+1, n)
	for e := a; e <= b; e += k {
		dst = append(dst, math.Pow(10, float64(e)))
	}
	return dst
}

// Lin maps v from [lo, hi] to [a, b] linearly (the midpoint of [a, b] when
// the interval is degenerate).
func Lin(v, lo, hi, a, b float64) float64 {
	if hi == lo {
		return (a + b) / 2
	}
	return a + (v-lo)/(hi-lo)*(b-a)
}

// Clamp limits v to [lo, hi].
func Clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// Pinch follows a two-finger pinch from frame to frame. Update takes the
// two touches of this frame (ok false when there are not two) and returns
// the factor by which the distance between them grew since the previous
// frame: 1 on the frame a pair forms, when a different pair appears, when
// the fingers sit on one point, and when there is no pair.
type Pinch struct {
	a, b int
	d    float64
	on   bool
}

// Update advances the gesture by one frame; a and b identify the touches.
func (p *Pinch) Update(ok bool, a, b int, x0, y0, x1, y1 float64) float64 {
	if !ok {
		p.on = false
		return 1
	}
	d := math.Hypot(x1-x0, y1-y0)
	f := 1.0
	if p.on && p.a == a && p.b == b && p.d > 0 && d > 0 {
		f = d / p.d
	}
	p.a, p.b, p.d, p.on = a, b, d, true
	return f
}

// Active reports whether a two-finger gesture is under way.
func (p *Pinch) Active() bool { return p.on }
