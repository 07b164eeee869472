package geom

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestProjectCentreAndAxes(t *testing.T) {
	p := Camera{Zoom: 1}.Projector(0, 0, 200, 100)
	x, y, d := p.Project(0, 0, 0)
	if !near(x, 100) || !near(y, 50) || !near(d, 0) {
		t.Fatalf("origin -> %v %v %v", x, y, d)
	}
	// yaw=pitch=0: data x goes right, data z goes up
	x, _, _ = p.Project(1, 0, 0)
	if x <= 100 {
		t.Fatalf("+x should be right of centre, got %v", x)
	}
	_, y, _ = p.Project(0, 0, 1)
	if y >= 50 {
		t.Fatalf("+z should be above centre, got %v", y)
	}
	// the cube fits the shorter side
	for _, c := range [][3]float64{{1, 1, 1}, {-1, -1, -1}, {1, -1, 1}} {
		for _, yaw := range []float64{0, 0.6, 2} {
			q := Camera{Yaw: yaw, Pitch: 0.35, Zoom: 1}.Projector(0, 0, 200, 100)
			_, y, _ := q.Project(c[0], c[1], c[2])
			if y < -2 || y > 102 {
				t.Fatalf("corner %v yaw %v leaves the viewport: y=%v", c, yaw, y)
			}
		}
	}
}

func TestProjectYawIsRotation(t *testing.T) {
	p := Camera{Yaw: math.Pi / 2, Zoom: 1}.Projector(0, 0, 100, 100)
	x1, y1, _ := p.Project(1, 0, 0)
	q := Camera{Zoom: 1}.Projector(0, 0, 100, 100)
	x2, y2, _ := q.Project(0, 1, 0)
	// rotating +x by 90° about z points it along +y: same screen x as y at yaw 0 (which projects to the centre column)
	if !near(y1, y2) || math.Abs(x1-50) > 1e-9 && math.Abs(x2-50) > 1e-9 {
		t.Fatalf("yaw: %v,%v vs %v,%v", x1, y1, x2, y2)
	}
}

func TestPerspectiveShrinksFarPoints(t *testing.T) {
	c := Camera{Pitch: 0, Zoom: 1, Perspective: 0.3}
	p := c.Projector(0, 0, 100, 100)
	// y is depth at yaw 0, pitch 0: +y far, −y near
	xn, _, dn := p.Project(1, -1, 0)
	xf, _, df := p.Project(1, 1, 0)
	if !(xn-50 > xf-50) || !(dn > df) {
		t.Fatalf("near %v (%v) far %v (%v)", xn, dn, xf, df)
	}
}

func TestEmbed3(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	got := Embed3(nil, x, 4, 1, 1)
	want := []float64{1, 1, 1, 2, 1, 1, 3, 2, 1, 4, 3, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("N=1: %v", got)
		}
	}
	got = Embed3(got, []float64{1, 2, 3, 4}, 2, 2, 1)
	if len(got) != 6 || got[2] != 0 || got[3] != 3 || got[5] != 0 {
		t.Fatalf("N=2: %v", got)
	}
	got = Embed3(got, []float64{1, 2, 3, 9, 4, 5, 6, 9}, 2, 4, 1)
	if got[3] != 4 || got[5] != 6 {
		t.Fatalf("N=4: %v", got)
	}
	if n := testing.AllocsPerRun(10, func() { got = Embed3(got, x, 2, 2, 1) }); n != 0 {
		t.Fatalf("Embed3 allocates %v times on reuse", n)
	}
}

func TestBoundsNormalize(t *testing.T) {
	b := Bounds([]float64{0, -1, 10, 2, 1, math.NaN(), 4, 3, 20})
	if b.Min != [3]float64{0, -1, 10} || b.Max != [3]float64{4, 3, 20} {
		t.Fatalf("bounds %v", b)
	}
	q := b.Normalize([3]float64{4, 3, 20}, false)
	if q != [3]float64{1, 1, 1} {
		t.Fatalf("per-axis %v", q)
	}
	q = b.Normalize([3]float64{2, 1, 15}, true)
	if q != [3]float64{0, 0, 0} {
		t.Fatalf("uniform centre %v", q)
	}
	q = b.Normalize([3]float64{4, 1, 15}, true)
	if !near(q[0], 0.4) {
		t.Fatalf("uniform keeps aspect: %v", q)
	}
	e := Bounds(nil)
	if e.Min[0] != -1 || e.Max[2] != 1 {
		t.Fatalf("empty bounds %v", e)
	}
}

func TestStride(t *testing.T) {
	for _, c := range []struct{ n, max, want int }{{10, 4000, 1}, {4000, 4000, 1}, {4001, 4000, 2}, {19999, 4000, 5}, {5, 0, 1}} {
		s := Stride(c.n, c.max)
		if s != c.want {
			t.Fatalf("Stride(%d,%d)=%d want %d", c.n, c.max, s, c.want)
		}
		if c.max > 0 && (c.n+s-1)/s > c.max {
			t.Fatalf("Stride(%d,%d) keeps too many", c.n, c.max)
		}
	}
}

func TestRangePad(t *testing.T) {
	lo, hi, ok := Range([]float64{1, 5, math.Inf(1), 7, 3, 0}, 2, 0, 0, 3)
	if !ok || lo != 1 || hi != 3 {
		t.Fatalf("range %v %v %v", lo, hi, ok)
	}
	if _, _, ok := Range([]float64{math.NaN()}, 1, 0, 0, 1); ok {
		t.Fatal("all-NaN range should not be ok")
	}
	a, b := Pad(0, 10, 0.1)
	if a != -1 || b != 11 {
		t.Fatalf("pad %v %v", a, b)
	}
	a, b = Pad(2, 2, 0.1)
	if !(a < 2 && b > 2) {
		t.Fatalf("degenerate pad %v %v", a, b)
	}
}

func TestTicks(t *testing.T) {
	got := Ticks(nil, -0.3, 1.05, 5)
	want := []float64{0, 0.2, 0.4, 0.6, 0.8, 1}
	if len(got) < 5 || len(got) > 8 {
		t.Fatalf("ticks %v", got)
	}
	_ = want
	for i := 1; i < len(got); i++ {
		if !near(got[i]-got[i-1], 0.2) && !near(got[i]-got[i-1], 0.5) {
			t.Fatalf("uneven ticks %v", got)
		}
	}
	if NiceStep(100, 5) != 20 || NiceStep(7, 7) != 1 || NiceStep(0.03, 3) != 0.01 {
		t.Fatalf("nice steps %v %v %v", NiceStep(100, 5), NiceStep(7, 7), NiceStep(0.03, 3))
	}
	lt := LogTicks(nil, 0.003, 20, 10)
	if len(lt) != 4 || !near(lt[0], 0.01) || !near(lt[3], 10) {
		t.Fatalf("log ticks %v", lt)
	}
	if len(LogTicks(nil, 1e-9, 1e9, 4)) > 4 {
		t.Fatal("log ticks not thinned")
	}
}

func TestLinClamp(t *testing.T) {
	if Lin(5, 0, 10, 100, 200) != 150 || Lin(1, 1, 1, 0, 10) != 5 {
		t.Fatal("Lin")
	}
	if Clamp(5, 0, 1) != 1 || Clamp(-5, 0, 1) != 0 {
		t.Fatal("Clamp")
	}
}

func TestPinch(t *testing.T) {
	var p Pinch
	if f := p.Update(false, 0, 0, 0, 0, 0, 0); f != 1 || p.Active() {
		t.Fatalf("no touches: %v, active %v", f, p.Active())
	}
	if f := p.Update(true, 3, 4, 0, 0, 100, 0); f != 1 || !p.Active() {
		t.Fatalf("pair forms: %v, want 1 and active", f)
	}
	if f := p.Update(true, 3, 4, -10, 0, 140, 0); !near(f, 1.5) {
		t.Fatalf("spread 100 → 150: %v, want 1.5", f)
	}
	if f := p.Update(true, 3, 4, 0, 0, 0, 75); !near(f, 0.5) {
		t.Fatalf("150 → 75: %v, want 0.5", f)
	}
	if f := p.Update(true, 3, 9, 0, 0, 0, 300); f != 1 {
		t.Fatalf("another pair: %v, want 1 (no jump)", f)
	}
	if f := p.Update(true, 3, 9, 5, 5, 5, 5); f != 1 {
		t.Fatalf("fingers on one point: %v, want 1", f)
	}
	if f := p.Update(true, 3, 9, 0, 0, 0, 10); f != 1 {
		t.Fatalf("after a zero distance: %v, want 1", f)
	}
	if f := p.Update(false, 0, 0, 0, 0, 0, 0); f != 1 || p.Active() {
		t.Fatalf("fingers lifted: %v, active %v", f, p.Active())
	}
}
