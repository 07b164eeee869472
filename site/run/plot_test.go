package main

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
)

func TestLinesExtent(t *testing.T) {
	nan := math.NaN()
	e := linesExtent([]run.Line{{X: []float64{0, 1, 2, 3}, Y: []float64{nan, 4, -1, math.Inf(1)}}, {X: []float64{5}, Y: []float64{2}}}, false)
	if !e.ok || e.x0 != 1 || e.x1 != 5 || e.y0 != -1 || e.y1 != 4 {
		t.Errorf("extent %+v: want x 1…5, y -1…4 (NaN and Inf skipped)", e)
	}
	e = linesExtent([]run.Line{{X: []float64{0, 1, 2}, Y: []float64{0.01, -3, 100}}}, true)
	if !e.ok || e.y0 != -2 || e.y1 != 2 || e.x0 != 0 || e.x1 != 2 {
		t.Errorf("log extent %+v: want log10 y -2…2 and x 0…2 (y ≤ 0 skipped)", e)
	}
	if e := linesExtent([]run.Line{{X: []float64{1}, Y: []float64{nan}}}, false); e.ok {
		t.Errorf("no finite point gives %+v", e)
	}
	if e := linesExtent([]run.Line{{X: []float64{3}, Y: []float64{7}}}, false); !e.ok || !(e.x1 > e.x0) || !(e.y1 > e.y0) {
		t.Errorf("one point: %+v, want a widened range", e)
	}
}

func TestGrid(t *testing.T) {
	for _, c := range []struct{ n, w, h, cols, rows int }{
		{1, 800, 600, 1, 1}, {2, 1200, 400, 2, 1}, {2, 400, 800, 1, 2}, {4, 960, 640, 2, 2}, {3, 1500, 500, 3, 1}, {5, 960, 640, 3, 2},
	} {
		if cols, rows := grid(c.n, c.w, c.h); cols != c.cols || rows != c.rows || cols*rows < c.n {
			t.Errorf("grid(%d, %d×%d) = %d×%d, want %d×%d", c.n, c.w, c.h, cols, rows, c.cols, c.rows)
		}
	}
}

func TestHeatScale(t *testing.T) {
	lo, hi, div := heatRange([]float64{-1, 0.5, math.NaN()})
	if lo != -1 || hi != 1 || !div {
		t.Errorf("signed values: %v…%v diverging %v, want -1…1 diverging", lo, hi, div)
	}
	lo, hi, div = heatRange([]float64{2, 5})
	if lo != 2 || hi != 5 || div {
		t.Errorf("positive values: %v…%v diverging %v", lo, hi, div)
	}
	if c := heatColour(0, -1, 1, true); c != diverging[2] {
		t.Errorf("0 on the diverging scale is %v, want the middle stop %v", c, diverging[2])
	}
	if c := heatColour(9, 2, 5, false); c != sequential[len(sequential)-1] {
		t.Errorf("above the range: %v, want the last stop", c)
	}
	if c := heatColour(2, 2, 5, false); c != sequential[0] {
		t.Errorf("the minimum: %v, want the first stop", c)
	}
}

func TestLogTicks(t *testing.T) {
	// 0.3 … 1: within one decade, the 1-2-5 ticks
	got := logTicks(nil, math.Log10(0.3), 0, 6)
	if len(got) != 2 || math.Abs(got[0]-0.5) > 1e-12 || got[1] != 1 {
		t.Errorf("0.3…1: %v, want [0.5 1]", got)
	}
	// 1e-6 … 1e2: eight decades, thinned to at most about 4 powers of ten
	got = logTicks(nil, -6, 2, 4)
	if len(got) < 3 || len(got) > 5 || got[0] != 1e-6 {
		t.Errorf("1e-6…1e2: %v", got)
	}
	for _, v := range got {
		if e := math.Log10(v); math.Abs(e-math.Round(e)) > 1e-9 {
			t.Errorf("1e-6…1e2: tick %v is not a power of ten", v)
		}
	}
}
