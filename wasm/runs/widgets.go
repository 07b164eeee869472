package runs

import (
	"errors"
	"fmt"
	"slices"

	"github.com/rnnlab/rnnlab/rules/run"
)

// The page's widgets beyond the report's figures, through the optional
// trainer abilities of rules/run: a probe the network reads (run.Prober),
// settings that change while the run goes on (run.Tuner), and figures
// drawn after every unit (run.Live).

// CanProbe reports whether the run's trainer reads probes.
func (d *Driver) CanProbe() bool {
	_, ok := d.tr.(run.Prober)
	return ok
}

// Tunable lists the settings the run takes while it runs (none for a
// trainer that is not a run.Tuner).
func (d *Driver) Tunable() []string {
	if t, ok := d.tr.(run.Tuner); ok {
		return t.Tunable()
	}
	return nil
}

// HasLive reports whether the run has figures drawn after every unit.
func (d *Driver) HasLive() bool {
	_, ok := d.tr.(run.Live)
	return ok
}

// Probe is the last probe (nil: none), ProbeError why the last probe
// failed.
func (d *Driver) Probe() *run.Probe { return d.probe }

// ProbeError is why the state's probe could not be read ("" when it was).
func (d *Driver) ProbeError() string { return d.probeErr }

// ProbeVersion counts the probes read (the page redraws on a change).
func (d *Driver) ProbeVersion() int { return d.probeN }

// SetProbe has the network read input (run.Prober) and shows its frame-th
// character (from 1; 0: the last). An empty input clears the probe.
func (d *Driver) SetProbe(input string, frame int) error {
	d.state.Probe, d.state.Frame = input, frame
	return d.reprobe()
}

// PickProbe draws a string of the run's task (run.ProbeSampler), the
// page's n-th pick from seed n, and probes it.
func (d *Driver) PickProbe() (string, error) {
	s, ok := d.tr.(run.ProbeSampler)
	if !ok {
		return "", fmt.Errorf("the %s kind draws no probe strings; type one", d.kind.Name)
	}
	d.picks++
	in := s.SampleProbe(uint64(d.picks))
	return in, d.SetProbe(in, 0)
}

// reprobe reads the state's probe again (after a unit of training the
// network is another one).
func (d *Driver) reprobe() error {
	d.probe, d.probeErr = nil, ""
	if d.state.Probe == "" {
		d.probeN++
		return nil
	}
	p, ok := d.tr.(run.Prober)
	if !ok {
		d.probeErr = fmt.Sprintf("the %s kind reads no probes (probe=… is for kinds such as plastic)", d.kind.Name)
		return errors.New(d.probeErr)
	}
	pr, err := p.Probe(d.state.Probe)
	if err != nil {
		d.probeErr = err.Error()
		return err
	}
	d.probe = pr
	d.probeN++
	return nil
}

// probeFrame is the frame shown (nil without a probe).
func (d *Driver) probeFrame() (*run.ProbeFrame, int) {
	if d.probe == nil || len(d.probe.Frames) == 0 {
		return nil, 0
	}
	k := d.state.Frame
	if k < 1 || k > len(d.probe.Frames) {
		k = len(d.probe.Frames)
	}
	return &d.probe.Frames[k-1], k
}

// TuneTo applies st as tunings when it describes the running run with
// only tunable settings changed (run.Tuner), one Tune per changed key, and
// returns what they did; ok is false for a state that needs a new run. A
// refused value is an error, the keys before it applied.
func (d *Driver) TuneTo(st State) (msgs []string, ok bool, err error) {
	tun, isTuner := d.tr.(run.Tuner)
	if !isTuner || st.Kind != d.state.Kind || d.state.SameRun(st) {
		return nil, false, nil
	}
	keys := tun.Tunable()
	defaults := map[string]string{}
	for _, f := range Flags(d.kind) {
		defaults[f.Name] = f.Default
	}
	value := func(s State, k string) string {
		if v, set := s.Get(k); set {
			return v
		}
		return defaults[k]
	}
	// the other settings must be the same
	strip := func(s State) State {
		out := s
		out.Settings = nil
		for _, x := range s.Settings {
			if !slices.Contains(keys, x.Key) {
				out.Settings = append(out.Settings, x)
			}
		}
		return out
	}
	if !strip(st).SameRun(strip(d.state)) {
		return nil, false, nil
	}
	for _, k := range keys {
		v := value(st, k)
		if v == value(d.state, k) {
			continue
		}
		msg, err := tun.Tune(k, v)
		if err != nil {
			return msgs, true, err
		}
		d.state.Settings = setSetting(d.state.Settings, k, v)
		if spec, err := Section(d.kind, d.base, d.state.Settings); err == nil {
			d.spec = spec
		}
		d.liveKey = -1
		if msg != "" {
			msgs = append(msgs, msg)
		}
	}
	return msgs, true, nil
}

func setSetting(s []Setting, k, v string) []Setting {
	out := slices.Clone(s)
	for i := range out {
		if out[i].Key == k {
			out[i].Value = v
			return out
		}
	}
	return append(out, Setting{k, v})
}

// liveFigures are the trainer's run.Live figures at this unit (computed
// once per unit).
func (d *Driver) liveFigures() []run.Figure {
	l, ok := d.tr.(run.Live)
	if !ok {
		return nil
	}
	if key := d.tr.Progress().Step; key != d.liveKey || d.liveFigs == nil {
		d.liveFigs, d.liveKey = l.Live(), key
	}
	return d.liveFigs
}

// ProbeStatus is the probe as the page's status reports it.
type ProbeStatus struct {
	Input   string        `json:"input"`
	Frame   int           `json:"frame"` // the frame shown, from 1
	Frames  []ProbeFrameS `json:"frames"`
	Correct int           `json:"correct"`
	Scored  int           `json:"scored"`
	Notes   []string      `json:"notes"`
	Error   string        `json:"error"`
	Version int           `json:"version"`
}

// ProbeFrameS is a frame without its figures.
type ProbeFrameS struct {
	Char       string  `json:"char"`
	Predicted  string  `json:"predicted"`
	Prob       float64 `json:"prob"`
	Target     string  `json:"target"`
	TargetProb float64 `json:"targetProb"`
	Score      int     `json:"score"`
	Note       string  `json:"note"`
}

func (d *Driver) probeStatus() *ProbeStatus {
	if d.state.Probe == "" {
		return nil
	}
	ps := &ProbeStatus{Input: d.state.Probe, Error: d.probeErr, Version: d.probeN}
	if d.probe != nil {
		_, ps.Frame = d.probeFrame()
		ps.Correct, ps.Scored, ps.Notes = d.probe.Correct, d.probe.Scored, d.probe.Notes
		for _, f := range d.probe.Frames {
			ps.Frames = append(ps.Frames, ProbeFrameS{f.Char, f.Predicted, f.Prob, f.Target, f.TargetProb, f.Score, f.Note})
		}
	}
	return ps
}
