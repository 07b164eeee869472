package main

import (
	"math"
	"strconv"
	"strings"
)

// The plots' SVG coordinate system (viewBox), in user units.
const (
	plotW, plotH           = 480.0, 170.0
	padL, padR, padT, padB = 46.0, 40.0, 10.0, 24.0
)

// Tick is one labelled axis position in SVG user units.
type Tick struct {
	Pos   float64
	Label string
}

// Dot is one marker of the metrics plot.
type Dot struct {
	X, Y float64
}

// axis maps data values onto a span of the plot.
type axis struct{ lo, hi, from, to float64 }

func (a axis) at(v float64) float64 {
	if a.hi <= a.lo {
		return a.from
	}
	return a.from + (v-a.lo)/(a.hi-a.lo)*(a.to-a.from)
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// path is an SVG path through the points.
func path(xs, ys []float64) string {
	var b strings.Builder
	for i := range xs {
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString(" L")
		}
		b.WriteString(num(xs[i]))
		b.WriteByte(' ')
		b.WriteString(num(ys[i]))
	}
	return b.String()
}

// stepAxis is the x axis of both plots: step 0 to the run's until (or the
// last step reported, when training went past it).
func (c *Root) stepAxis() axis {
	hi := float64(c.st.Until)
	if c.hasStatus && c.status.Until > 0 {
		hi = float64(c.status.Until)
	}
	if n := len(c.loss); n > 0 && float64(c.loss[n-1].Step) > hi {
		hi = float64(c.loss[n-1].Step)
	}
	if n := len(c.evals); n > 0 && float64(c.evals[n-1].Step) > hi {
		hi = float64(c.evals[n-1].Step)
	}
	if hi < 1 {
		hi = 1
	}
	return axis{0, hi, padL, plotW - padR}
}

// XTicks label the step axis at its start, middle and end.
func (c *Root) XTicks() []Tick {
	a := c.stepAxis()
	var t []Tick
	for _, f := range []float64{0, 0.5, 1} {
		v := a.lo + f*(a.hi-a.lo)
		t = append(t, Tick{a.at(v), strconv.Itoa(int(math.Round(v)))})
	}
	return t
}

// lossDecades is the range of log10(loss) shown: whole decades around the
// history, at least one.
func (c *Root) lossDecades() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range c.loss {
		l := math.Log10(p.Loss)
		lo, hi = math.Min(lo, l), math.Max(hi, l)
	}
	if lo > hi {
		return -2, 1
	}
	lo, hi = math.Floor(lo), math.Ceil(hi)
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

func (c *Root) lossAxis() axis {
	lo, hi := c.lossDecades()
	return axis{lo, hi, plotH - padB, padT}
}

// LossPath is the training loss on a log scale.
func (c *Root) LossPath() string {
	if len(c.loss) == 0 {
		return ""
	}
	xa, ya := c.stepAxis(), c.lossAxis()
	xs, ys := make([]float64, len(c.loss)), make([]float64, len(c.loss))
	for i, p := range c.loss {
		xs[i], ys[i] = xa.at(float64(p.Step)), ya.at(math.Log10(p.Loss))
	}
	return path(xs, ys)
}

// LossTicks label the loss axis at each decade (at most six labels).
func (c *Root) LossTicks() []Tick {
	lo, hi := c.lossDecades()
	ya := c.lossAxis()
	step := math.Ceil((hi - lo) / 5)
	var t []Tick
	for d := lo; d <= hi+1e-9; d += step {
		t = append(t, Tick{ya.at(d), "1e" + strconv.Itoa(int(d))})
	}
	return t
}

// metricMax is the top of the linear axis of D_stsp (dh false) or D_H.
func (c *Root) metricMax(dh bool) float64 {
	m := 0.0
	for _, e := range c.evals {
		v := e.Dstsp
		if dh {
			v = e.DH
		}
		if finite(v) {
			m = math.Max(m, v)
		}
	}
	if m <= 0 {
		return 1
	}
	return niceCeil(m)
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*p >= x*(1-1e-12) {
			return f * p
		}
	}
	return 10 * p
}

func (c *Root) metricAxis(dh bool) axis { return axis{0, c.metricMax(dh), plotH - padB, padT} }

// MetricTicks label the axis of D_stsp (left, dh false) or D_H (right) at
// 0, half and the top; the two have their own scales.
func (c *Root) MetricTicks(dh bool) []Tick {
	a := c.metricAxis(dh)
	var t []Tick
	for _, f := range []float64{0, 0.5, 1} {
		v := f * a.hi
		t = append(t, Tick{a.at(v), strconv.FormatFloat(v, 'g', 3, 64)})
	}
	return t
}

func (c *Root) metric(dh bool) (xs, ys []float64) {
	xa, ya := c.stepAxis(), c.metricAxis(dh)
	for _, e := range c.evals {
		v := e.Dstsp
		if dh {
			v = e.DH
		}
		if finite(v) {
			xs, ys = append(xs, xa.at(float64(e.Step))), append(ys, ya.at(v))
		}
	}
	return xs, ys
}

// MetricPath is the line through the evaluations of D_stsp (dh false) or
// D_H (dh true).
func (c *Root) MetricPath(dh bool) string {
	xs, ys := c.metric(dh)
	return path(xs, ys)
}

// MetricDots are the markers of the evaluations of D_stsp or D_H.
func (c *Root) MetricDots(dh bool) []Dot {
	xs, ys := c.metric(dh)
	d := make([]Dot, len(xs))
	for i := range xs {
		d[i] = Dot{math.Round(xs[i]*10) / 10, math.Round(ys[i]*10) / 10}
	}
	return d
}

// Plot geometry for the template.
func (c *Root) PlotBox() string   { return "0 0 " + num(plotW) + " " + num(plotH) }
func (c *Root) Left() float64     { return padL }
func (c *Root) Right() float64    { return plotW - padR }
func (c *Root) Top() float64      { return padT }
func (c *Root) Bottom() float64   { return plotH - padB }
func (c *Root) XLabelY() float64  { return plotH - 6 }
func (c *Root) YLabelX() float64  { return padL - 5 }
func (c *Root) Y2LabelX() float64 { return plotW - padR + 5 }
