package spiking

import (
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/models/lif"
	"github.com/rnnlab/rnnlab/rules/run"
)

// trainer is a spiking run in progress.
type trainer struct {
	spec Spec
	net  *lif.Net
	unit int
	// The spikes of the last WindowMs: spike k is neuron winIdx[k] in step
	// winStep[k] (it fired at (winStep[k]+1)·dt).
	winStep []int64
	winIdx  []int32
	total   int64    // spikes since the start
	notes   []string // what the tunings did, in order
	buf     liveBuf  // the live figures' memory
}

// Start implements run.Spec.
func (s *Spec) Start(run.Env) (run.Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	net, err := s.fresh(0)
	if err != nil {
		return nil, err
	}
	return &trainer{spec: *s, net: net}, nil
}

// fresh builds the section's network at step `steps`: connectivity from
// rng.New(Seed), potentials uniform in [V_reset, θ) from rng.New(Seed+1).
func (s *Spec) fresh(steps int64) (*lif.Net, error) {
	net, err := s.build()
	if err != nil {
		return nil, err
	}
	c := net.Config()
	st := net.State()
	r := rng.New(s.Seed + 1)
	for i := range st.V {
		st.V[i] = r.Uniform(c.VReset, c.VTh)
	}
	st.Steps = steps
	if err := net.SetState(st); err != nil {
		return nil, fmt.Errorf("spiking: %v", err)
	}
	return net, nil
}

func (s *Spec) build() (*lif.Net, error) {
	net, err := lif.New(s.config(), rng.New(s.Seed))
	if err != nil {
		return nil, fmt.Errorf("spiking: %v", err)
	}
	return net, nil
}

func (t *trainer) stepsPerUnit() int { return int(math.Round(t.spec.UnitMs / dt)) }

func (t *trainer) budget() int { return int(math.Ceil(t.spec.DurationMs/t.spec.UnitMs - 1e-9)) }

// Advance implements run.Trainer: UnitMs of simulated time.
func (t *trainer) Advance() error {
	for k := t.stepsPerUnit(); k > 0; k-- {
		if err := t.net.Step(nil); err != nil {
			return fmt.Errorf("spiking: %v", err)
		}
		step := t.net.Steps - 1
		for _, i := range t.net.Spikes() {
			t.winStep = append(t.winStep, step)
			t.winIdx = append(t.winIdx, i)
		}
		t.total += int64(len(t.net.Spikes()))
	}
	t.unit++
	t.trim()
	return nil
}

// trim drops the spikes older than the window (compacting in place once
// half the buffer is stale, so a steady run allocates nothing).
func (t *trainer) trim() {
	first := t.net.Steps - int64(math.Round(t.spec.WindowMs/dt))
	k := 0
	for k < len(t.winStep) && t.winStep[k] < first {
		k++
	}
	if k == 0 {
		return
	}
	n := copy(t.winStep, t.winStep[k:])
	copy(t.winIdx, t.winIdx[k:])
	t.winStep, t.winIdx = t.winStep[:n], t.winIdx[:n]
}

// Done implements run.Trainer.
func (t *trainer) Done() bool { return t.unit >= t.budget() }

// Progress implements run.Trainer.
func (t *trainer) Progress() run.Progress {
	e, i := t.rates()
	p := run.Progress{Step: t.unit, Total: t.budget(), Unit: "block",
		Values: []run.Value{{Name: "rate_e", Value: e}, {Name: "rate_i", Value: i}, {Name: "t_ms", Value: t.net.Time()}}}
	if len(t.notes) > 0 {
		p.Note = t.notes[len(t.notes)-1]
	}
	return p
}

// span is the window's length (ms): WindowMs, or the time run if shorter.
func (t *trainer) span() float64 { return math.Min(t.spec.WindowMs, t.net.Time()) }

// rates are the mean rates (Hz) of the E and I populations over the window.
func (t *trainer) rates() (e, i float64) {
	T := t.span() * 1e-3
	if T <= 0 {
		return 0, 0
	}
	var ce, ci int
	for _, k := range t.winIdx {
		if int(k) < t.net.NE {
			ce++
		} else {
			ci++
		}
	}
	return float64(ce) / (float64(t.net.NE) * T), float64(ci) / (float64(t.net.N-t.net.NE) * T)
}

// Live implements run.Live: the raster of the window and the population
// rates in 2-ms bins. The figures share the trainer's buffers until its
// next Live (so a live widget's unit allocates little); Evaluate's are
// its own.
func (t *trainer) Live() []run.Figure { return t.figures(&t.buf) }

// UnitDuration is a unit's simulated time, unit_ms (run.RealTime: the page
// paces the run by the wall clock).
func (t *trainer) UnitDuration() time.Duration {
	return time.Duration(math.Round(t.spec.UnitMs * float64(time.Millisecond)))
}

// liveBuf holds the live figures' data between units.
type liveBuf struct {
	time, ce, ci, x, x2 []float64
	index               []int
}

// grow returns v resized to n (reusing its memory where it fits).
func grow[T any](v []T, n int) []T {
	if cap(v) < n {
		return make([]T, n, n+n/4)
	}
	return v[:n]
}

// figures draws the live figures into buf's memory (nil: fresh memory).
func (t *trainer) figures(buf *liveBuf) []run.Figure {
	if buf == nil {
		buf = &liveBuf{}
	}
	span := t.spec.WindowMs
	now := t.net.Time()
	t0 := math.Max(0, now-span)
	buf.time, buf.index = grow(buf.time, len(t.winStep)), grow(buf.index, len(t.winIdx))
	ra := &run.Raster{N: t.net.N, Exc: t.net.NE, Span: span, Time: buf.time, Index: buf.index}
	for k, s := range t.winStep {
		ra.Time[k] = float64(s+1)*dt - t0
		ra.Index[k] = int(t.winIdx[k])
	}
	const bin = 2.0 // ms
	nb := int(math.Ceil(span / bin))
	buf.ce, buf.ci, buf.x, buf.x2 = grow(buf.ce, nb), grow(buf.ci, nb), grow(buf.x, nb), grow(buf.x2, nb)
	ce, ci, x := buf.ce, buf.ci, buf.x
	clear(ce)
	clear(ci)
	for k, tm := range ra.Time {
		b := min(int(tm/bin), nb-1)
		if ra.Index[k] < t.net.NE {
			ce[b]++
		} else {
			ci[b]++
		}
	}
	for b := range x {
		x[b] = (float64(b) + 0.5) * bin
		ce[b] /= float64(t.net.NE) * bin * 1e-3
		ci[b] /= float64(t.net.N-t.net.NE) * bin * 1e-3
	}
	last := int(math.Ceil(math.Min(now, span) / bin))
	x, ce, ci = x[:last], ce[:last], ci[:last]
	x2 := buf.x2[:last]
	copy(x2, x)
	title := fmt.Sprintf("spikes of %d neurons, %.0f ms to t = %.1f s (g %g, drive %g mV, p %g)", t.net.N, span, now*1e-3, t.spec.G, t.spec.Drive, t.spec.P)
	return []run.Figure{
		{Name: "raster", Title: title, XLabel: "ms in the window", YLabel: "neuron (E, then I)", Raster: ra},
		{Name: "rates", Title: fmt.Sprintf("population rates, 2-ms bins, to t = %.1f s", now*1e-3), XLabel: "ms in the window", YLabel: "Hz",
			Lines: []run.Line{{Label: "E", X: x, Y: ce}, {Label: "I", X: x2, Y: ci}}},
	}
}

// Evaluation is the Details of a spiking report.
type Evaluation struct {
	TimeMs    float64  `json:"t_ms"`
	N         int      `json:"n"`
	Synapses  int      `json:"synapses"`
	RateE     float64  `json:"rate_e_hz"`
	RateI     float64  `json:"rate_i_hz"`
	ISICV     *float64 `json:"isi_cv"`    // mean ISI CV of the neurons with ≥ 3 spikes in the window (null: none)
	Synchrony *float64 `json:"synchrony"` // CV of the 1-ms population count over the window (null: no spikes)
	Spikes    int64    `json:"spikes"`    // since the start
	Tunings   []string `json:"tunings"`
}

// Evaluate implements run.Trainer: the window's statistics and figures.
func (t *trainer) Evaluate() (*run.Report, error) {
	ev := Evaluation{TimeMs: t.net.Time(), N: t.net.N, Synapses: t.net.Synapses(), Spikes: t.total, Tunings: t.notes}
	ev.RateE, ev.RateI = t.rates()
	cv, sync := t.irregularity()
	ev.ISICV, ev.Synchrony = finite(cv), finite(sync)
	rep := &run.Report{Kind: Kind.Name, Step: t.unit, Details: ev, Figures: t.figures(nil), Notes: append([]string(nil), t.notes...)}
	for _, v := range []run.Value{{Name: "t_ms", Value: ev.TimeMs}, {Name: "rate_e", Value: ev.RateE}, {Name: "rate_i", Value: ev.RateI},
		{Name: "isi_cv", Value: cv}, {Name: "synchrony", Value: sync}, {Name: "spikes", Value: float64(ev.Spikes)}, {Name: "synapses", Value: float64(ev.Synapses)}} {
		rep.Metrics = append(rep.Metrics, v)
	}
	rates := rep.Figures[1].Lines
	tb := run.Table{Name: "rates", Columns: []string{"ms_in_window", "rate_e_hz", "rate_i_hz"}}
	for k := range rates[0].X {
		tb.Rows = append(tb.Rows, []string{num(rates[0].X[k]), num(rates[0].Y[k]), num(rates[1].Y[k])})
	}
	rep.Tables = []run.Table{tb}
	return rep, nil
}

// finite is &v, or nil for NaN (JSON has no NaN).
func finite(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// irregularity is the mean ISI coefficient of variation of the neurons with
// at least 3 spikes in the window (NaN if none) and the CV of the 1-ms
// population spike count (NaN for an empty window).
func (t *trainer) irregularity() (cv, sync float64) {
	last := make([]int64, t.net.N)
	for i := range last {
		last[i] = -1
	}
	s1, s2, cnt := make([]float64, t.net.N), make([]float64, t.net.N), make([]int, t.net.N)
	for k, s := range t.winStep {
		i := t.winIdx[k]
		if last[i] >= 0 {
			d := float64(s - last[i])
			s1[i] += d
			s2[i] += d * d
			cnt[i]++
		}
		last[i] = s
	}
	var sum float64
	m := 0
	for i := range cnt {
		if cnt[i] >= 2 {
			mean := s1[i] / float64(cnt[i])
			sd := math.Sqrt(math.Max(s2[i]/float64(cnt[i])-mean*mean, 0))
			sum += sd / mean
			m++
		}
	}
	cv = math.NaN()
	if m > 0 {
		cv = sum / float64(m)
	}
	bins := int(math.Round(t.span()))
	sync = math.NaN()
	if bins > 0 && len(t.winStep) > 0 {
		c := make([]float64, bins)
		first := t.net.Steps - int64(bins)*10
		for _, s := range t.winStep {
			if b := int((s - first) / 10); b >= 0 && b < bins {
				c[b]++
			}
		}
		var a1, a2 float64
		for _, v := range c {
			a1 += v
			a2 += v * v
		}
		mean := a1 / float64(bins)
		sync = math.Sqrt(math.Max(a2/float64(bins)-mean*mean, 0)) / mean
	}
	return cv, sync
}

// Tunable implements run.Tuner.
func (t *trainer) Tunable() []string { return []string{"n", "p", "g", "drive", "window-ms"} }

// Tune implements run.Tuner for the keys n, p, g, drive and window-ms
// (the flags of the same names).
func (t *trainer) Tune(key, value string) (string, error) {
	s := t.spec
	fs := flag.NewFlagSet("spiking", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s.Flags(fs)
	switch key {
	case "n", "p", "g", "drive", "window-ms":
	default:
		return "", fmt.Errorf("spiking: %q cannot change while the network runs (n, p, g, drive and window-ms can; change it in the settings to start again)", key)
	}
	if err := fs.Set(key, value); err != nil {
		return "", fmt.Errorf("spiking: %s = %q: %v", key, value, err)
	}
	if err := s.Validate(); err != nil {
		return "", err
	}
	if s == t.spec {
		return "", nil
	}
	at := fmt.Sprintf("at t = %.1f ms", t.net.Time())
	var msg string
	switch key {
	case "window-ms":
		t.spec = s
		t.trim()
		return fmt.Sprintf("%s: the window is now %g ms", at, s.WindowMs), nil
	case "n":
		net, err := s.fresh(t.net.Steps)
		if err != nil {
			return "", err
		}
		t.net = net
		t.winStep, t.winIdx = t.winStep[:0], t.winIdx[:0]
		msg = fmt.Sprintf("%s: n = %d: a new network from seed %d (connectivity drawn again, fresh potentials)", at, s.N, s.Seed)
	default:
		net, err := s.build()
		if err != nil {
			return "", err
		}
		if err := net.SetState(t.net.State()); err != nil {
			return "", fmt.Errorf("spiking: %v", err)
		}
		t.net = net
		switch key {
		case "p":
			msg = fmt.Sprintf("%s: p = %g: the connectivity was drawn again from seed %d (K = %.0f, J = %.3g mV); the state carries on", at, s.P, s.Seed, s.P*float64(s.N), net.Config().J)
		case "g":
			msg = fmt.Sprintf("%s: g = %g: inhibitory weights −%g·J; the state carries on", at, s.G, s.G)
		case "drive":
			msg = fmt.Sprintf("%s: drive = %g mV; the state carries on", at, s.Drive)
		}
	}
	t.spec = s
	t.notes = append(t.notes, msg)
	return msg, nil
}

// Save implements run.Trainer.
func (t *trainer) Save() (*run.Checkpoint, error) {
	spec := t.spec
	doc, err := Kind.Encode(&spec)
	if err != nil {
		return nil, err
	}
	st := t.net.State()
	ref := make([]float64, len(st.Ref))
	for i, r := range st.Ref {
		ref[i] = float64(r)
	}
	ws, wi := make([]float64, len(t.winStep)), make([]float64, len(t.winIdx))
	for k := range ws {
		ws[k], wi[k] = float64(t.winStep[k]), float64(t.winIdx[k])
	}
	ts := []safetensors.Tensor{tensor("lif.v", st.V), tensor("lif.i", st.I), tensor("lif.ref", ref), tensor("lif.ring", st.Ring),
		tensor("window.step", ws), tensor("window.neuron", wi)}
	meta := map[string]string{"lif.steps": strconv.FormatInt(st.Steps, 10), "lif.rng": hex.EncodeToString(st.RNG),
		"spikes": strconv.FormatInt(t.total, 10), "tunings": strings.Join(t.notes, "\n")}
	return &run.Checkpoint{Kind: Kind.Name, Config: doc, Step: t.unit, Tensors: ts, Meta: meta}, nil
}

func tensor(name string, v []float64) safetensors.Tensor {
	return safetensors.Tensor{Name: name, DType: "F64", Shape: []int{len(v)}, Data: v}
}

func resume(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	s := spec.(*Spec)
	tr, err := s.Start(env)
	if err != nil {
		return nil, err
	}
	t := tr.(*trainer)
	n := t.net.N
	var st lif.State
	if st.V, err = ck.Tensor("lif.v", n); err != nil {
		return nil, err
	}
	if st.I, err = ck.Tensor("lif.i", n); err != nil {
		return nil, err
	}
	ref, err := ck.Tensor("lif.ref", n)
	if err != nil {
		return nil, err
	}
	st.Ref = make([]int32, n)
	for i, r := range ref {
		st.Ref[i] = int32(r)
	}
	if st.Ring, err = ck.Tensor("lif.ring", len(t.net.State().Ring)); err != nil {
		return nil, err
	}
	if st.Steps, err = strconv.ParseInt(ck.Meta["lif.steps"], 10, 64); err != nil {
		return nil, fmt.Errorf("metadata lif.steps %q: %v", ck.Meta["lif.steps"], err)
	}
	if st.RNG, err = hex.DecodeString(ck.Meta["lif.rng"]); err != nil {
		return nil, fmt.Errorf("metadata lif.rng: %v", err)
	}
	if err := t.net.SetState(st); err != nil {
		return nil, err
	}
	var ws, wi []float64
	for _, x := range ck.Tensors {
		switch x.Name {
		case "window.step":
			ws = x.Data
		case "window.neuron":
			wi = x.Data
		}
	}
	if len(ws) != len(wi) {
		return nil, fmt.Errorf("tensors window.step and window.neuron hold %d and %d spikes", len(ws), len(wi))
	}
	for k := range ws {
		t.winStep = append(t.winStep, int64(ws[k]))
		t.winIdx = append(t.winIdx, int32(wi[k]))
	}
	if t.total, err = strconv.ParseInt(ck.Meta["spikes"], 10, 64); err != nil {
		return nil, fmt.Errorf("metadata spikes %q: %v", ck.Meta["spikes"], err)
	}
	if m := ck.Meta["tunings"]; m != "" {
		t.notes = strings.Split(m, "\n")
	}
	t.unit = ck.Step
	return t, nil
}
