package runs

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/rnnlab/rnnlab/rules/run"
)

// EveryAuto is how often, in wall-clock time, a run with every=auto is
// evaluated (at least; an evaluation that takes longer than a tenth of it
// spaces them out to keep evaluation under a tenth of the time).
const EveryAuto = time.Second

// rateWindow is the shortest wall-clock window over which UnitsPerSec is
// measured.
const rateWindow = time.Second

// maxHistory bounds the points kept per progress value (halved by taking
// every other point when reached).
const maxHistory = 4000

// Driver is a run of any kind, driven a frame at a time.
type Driver struct {
	kind  *run.Kind
	spec  run.Spec // the section the run started from
	base  []byte   // the run file the settings apply over (nil: the kind's defaults)
	state State
	env   run.Env
	tr    run.Trainer

	// Clock is the driver's time source (time.Now; tests replace it).
	Clock func() time.Time

	running bool
	failed  error // the error that stopped the run (Advance failed)

	report      *run.Report
	evalErr     error
	lastEval    time.Time     // when the last evaluation ended
	evalCost    time.Duration // how long it took
	evalPending bool          // Evaluate requested for the next Frame

	unitCost  time.Duration // duration of the last Advance
	trainTime time.Duration // all Advance time
	trainN    int           // units trained by this driver

	winStart    time.Time
	winUnits    int
	unitsPerSec float64

	paceAt  time.Time     // when the last paced frame began (run.RealTime)
	paceLag time.Duration // simulated time the run lags the wall clock

	hist []series // progress values over units

	probe    *run.Probe // the state's probe, read after the last evaluation
	probeErr string
	probeN   int // probes read
	picks    int // strings drawn by PickProbe
	liveFigs []run.Figure
	liveKey  int // the unit of liveFigs
}

// series is the history of one progress value.
type series struct {
	name string
	x, y []float64
}

// New starts a run of st's kind: base is a run file of that kind (nil for
// the kind's defaults), st's settings apply over it. The run is paused
// unless st.Play; it is evaluated once at step 0 on the first Frame.
func New(st State, base []byte, env run.Env) (*Driver, error) {
	k, err := run.Lookup(st.Kind)
	if err != nil {
		return nil, err
	}
	spec, err := Section(k, base, st.Settings)
	if err != nil {
		return nil, err
	}
	tr, err := spec.Start(env)
	if err != nil {
		return nil, fmt.Errorf("%s run: %v", k.Name, err)
	}
	d := &Driver{kind: k, spec: spec, base: base, state: st, env: env, tr: tr, Clock: time.Now, evalPending: true, liveKey: -1}
	d.running = st.Play && !tr.Done()
	d.record()
	d.reprobe() // an error stays in ProbeError; the run goes on
	return d, nil
}

// Resume continues a run from a checkpoint of any kind (run.Checkpoint's
// safetensors form, as `rnnlab <command> --out` writes it). The state's
// kind and settings become the checkpoint's section's, as settings over
// the kind's defaults (so the hash gives the run from unit 0 again); its
// view, play and every are kept.
func Resume(ck []byte, st State, env run.Env) (*Driver, error) {
	k, spec, c, err := run.DecodeCheckpoint(ck)
	if err != nil {
		return nil, err
	}
	tr, err := k.Resume(spec, c, env)
	if err != nil {
		return nil, fmt.Errorf("resuming the %s run: %v", k.Name, err)
	}
	base, err := baseOf(k, spec, &st)
	if err != nil {
		return nil, err
	}
	d := &Driver{kind: k, spec: spec, base: base, state: st, env: env, tr: tr, Clock: time.Now, evalPending: true, liveKey: -1}
	d.running = st.Play && !tr.Done()
	d.record()
	d.reprobe() // an error stays in ProbeError; the run goes on
	return d, nil
}

// FromFile starts a run from a run file of any kind; st's kind and
// settings become the file's (as settings over the kind's defaults, so
// the hash alone gives the run again), its view, play and every are kept.
func FromFile(file []byte, st State, env run.Env) (*Driver, error) {
	k, spec, err := run.Decode(file)
	if err != nil {
		return nil, err
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	base, err := baseOf(k, spec, &st)
	if err != nil {
		return nil, err
	}
	return New(st, base, env)
}

// baseOf sets st's kind and settings to those that give spec over the
// kind's defaults, and returns nil; where no settings do (SettingsOf), it
// keeps the flags' settings and returns spec's run file as the base.
func baseOf(k *run.Kind, spec run.Spec, st *State) ([]byte, error) {
	settings, ok := SettingsOf(k, spec)
	st.Kind, st.Settings = k.Name, settings
	if ok {
		return nil, nil
	}
	st.Settings = settingsOf(k, spec)
	return k.Encode(spec)
}

// Kind is the run's kind.
func (d *Driver) Kind() *run.Kind { return d.kind }

// Spec is the section the run started from.
func (d *Driver) Spec() run.Spec { return d.spec }

// Trainer is the run in progress.
func (d *Driver) Trainer() run.Trainer { return d.tr }

// State is the run's state, with play following the run.
func (d *Driver) State() State {
	s := d.state
	s.Play = d.running
	return s
}

// Base is the run file the settings apply over (nil: the kind's defaults).
func (d *Driver) Base() []byte { return d.base }

// FlagValues lists the kind's flags with the running section's values.
func (d *Driver) FlagValues() []Flag { return flagsOf(d.kind, d.spec) }

// SetView changes what only the page depends on (view, every, play) of
// a state that describes the same run (State.SameRun).
func (d *Driver) SetView(st State) error {
	if !d.state.SameRun(st) {
		return errors.New("runs: SetView with a state of another run (use New)")
	}
	d.state.View, d.state.Every = st.View, st.Every
	if st.Probe != d.state.Probe {
		if err := d.SetProbe(st.Probe, st.Frame); err != nil {
			return fmt.Errorf("probe: %v", err)
		}
	}
	d.state.Frame = st.Frame
	if st.Play {
		return d.Play()
	}
	d.Pause()
	return nil
}

// Running reports whether the run trains in Frame.
func (d *Driver) Running() bool { return d.running }

// Play lets Frame train; a finished or failed run says why it cannot.
func (d *Driver) Play() error {
	if d.failed != nil {
		return fmt.Errorf("the run stopped at %s %d (%v); reset to start it again", d.unit(), d.tr.Progress().Step, d.failed)
	}
	if d.tr.Done() {
		return fmt.Errorf("the run is complete (%s); reset to train it again, or raise its budget in the settings", d.stepText())
	}
	d.running = true
	return nil
}

// Pause stops training at the end of the current unit.
func (d *Driver) Pause() {
	d.running = false
	d.winUnits, d.unitsPerSec = 0, 0
}

// Step trains one unit (paused or not) and evaluates the run when it is
// due.
func (d *Driver) Step() error {
	if d.failed != nil || d.tr.Done() {
		return d.Play() // the same explanation
	}
	if err := d.advance(); err != nil {
		return err
	}
	d.evalPending = d.evalPending || d.due() || d.tr.Done()
	return d.evaluateIfPending()
}

// Reset starts the run again from step 0 with the same section.
func (d *Driver) Reset() error {
	tr, err := d.spec.Start(d.env)
	if err != nil {
		return err
	}
	d.tr, d.failed, d.report, d.evalErr, d.hist = tr, nil, nil, nil, nil
	d.trainN, d.trainTime, d.unitCost = 0, 0, 0
	d.evalPending = true
	d.Pause()
	d.record()
	d.liveFigs = nil
	d.reprobe()
	return nil
}

// Evaluate asks for an evaluation at the next Frame (or does it now if
// the run is paused: Frame would do nothing else).
func (d *Driver) Evaluate() error {
	d.evalPending = true
	if !d.running {
		return d.evaluateIfPending()
	}
	return nil
}

// Frame trains whole units for about budget of the clock's time and
// returns how many: a unit starts only while the time spent plus the last
// unit's duration stays within budget, so a slow unit runs alone (at least
// one unit per frame while running). An evaluation that is due (every k
// units, about once a second with every=auto, at the run's start and end,
// or on request) takes a frame of its own, before any training, so it
// scores the run at the unit where it fell due. Frame returns the error
// that stopped the run, once.
func (d *Driver) Frame(budget time.Duration) (int, error) {
	t0 := d.Clock()
	if d.winStart.IsZero() || !d.running {
		d.winStart, d.winUnits = t0, 0
	}
	n := 0
	var err error
	if d.evalPending {
		err = d.evaluateIfPending()
	} else {
		more := d.budgeted(t0, budget)
		if rt, ok := d.tr.(run.RealTime); ok && d.running {
			more = d.paced(t0, rt.UnitDuration())
		}
		for d.running && !d.tr.Done() && more(n) {
			if err = d.advance(); err != nil {
				break
			}
			n++
			if d.due() {
				d.evalPending = true
				break
			}
		}
		more(n) // a paced frame takes its last units off the lag
		if d.tr.Done() && d.running {
			d.running = false
			d.evalPending = d.evalPending || d.report == nil || d.report.Step != d.tr.Progress().Step
		}
	}
	d.winUnits += n
	now := d.Clock()
	if dt := now.Sub(d.winStart); dt >= rateWindow {
		d.unitsPerSec = float64(d.winUnits) / dt.Seconds()
		d.winStart, d.winUnits = now, 0
	}
	if !d.running {
		d.unitsPerSec, d.winUnits = 0, 0
	}
	return n, err
}

// budgeted says whether a frame that began at t0 may start another unit
// within budget: a unit starts only while the time spent plus the last
// unit's duration stays within it, and the first always does.
func (d *Driver) budgeted(t0 time.Time, budget time.Duration) func(n int) bool {
	return func(n int) bool { return n == 0 || d.Clock().Sub(t0)+d.unitCost <= budget }
}

// paceLag and paceCompute bound real-time pacing: the wall time a frame
// may owe the simulation (a tab in the background, a pause, a slow frame
// do not make the next frames race to catch up), and the compute a frame
// may spend catching up.
const (
	paceLag     = 250 * time.Millisecond
	paceCompute = 60 * time.Millisecond
)

// paced says whether a frame that began at t0 may start another unit of a
// run.RealTime trainer: units of simulated time unit are trained while the
// simulation lags the wall clock since the last paced frame (at most
// paceLag) and the frame has computed under paceCompute. A frame that
// cannot keep up drops the lag, and the run goes slower than real time.
func (d *Driver) paced(t0 time.Time, unit time.Duration) func(n int) bool {
	if unit <= 0 {
		return d.budgeted(t0, 0)
	}
	if !d.paceAt.IsZero() {
		d.paceLag = min(d.paceLag+t0.Sub(d.paceAt), paceLag)
	}
	d.paceAt = t0
	counted := 0 // the units of this frame already taken off the lag
	return func(n int) bool {
		d.paceLag -= time.Duration(n-counted) * unit
		counted = n
		switch {
		case d.paceLag < unit:
			return false
		case d.Clock().Sub(t0)+d.unitCost > paceCompute:
			d.paceLag = 0
			return false
		}
		return true
	}
}

// advance trains one unit, timing it and recording the progress values.
func (d *Driver) advance() error {
	t0 := d.Clock()
	err := d.tr.Advance()
	d.unitCost = d.Clock().Sub(t0)
	d.trainTime += d.unitCost
	if err != nil {
		d.failed = err
		d.running = false
		return fmt.Errorf("the %s run stopped at %s %d: %v", d.kind.Name, d.unit(), d.tr.Progress().Step, err)
	}
	d.trainN++
	d.record()
	return nil
}

// due reports whether the unit just trained calls for an evaluation.
func (d *Driver) due() bool {
	step := d.tr.Progress().Step
	if d.state.Every > 0 {
		return step%d.state.Every == 0
	}
	wait := max(EveryAuto, 10*d.evalCost)
	return (d.report == nil || step != d.report.Step) && d.Clock().Sub(d.lastEval) >= wait
}

func (d *Driver) evaluateIfPending() error {
	if !d.evalPending {
		return nil
	}
	d.evalPending = false
	t0 := d.Clock()
	rep, err := d.tr.Evaluate()
	d.lastEval = d.Clock()
	d.evalCost = d.lastEval.Sub(t0)
	if err != nil {
		d.evalErr = err
		return fmt.Errorf("evaluating the %s run at %s %d: %v", d.kind.Name, d.unit(), d.tr.Progress().Step, err)
	}
	d.report, d.evalErr = rep, nil
	if d.state.Probe != "" {
		d.reprobe() // the network as evaluated
	}
	return nil
}

// record appends the current progress values to their history.
func (d *Driver) record() {
	p := d.tr.Progress()
	for _, v := range p.Values {
		var s *series
		for i := range d.hist {
			if d.hist[i].name == v.Name {
				s = &d.hist[i]
			}
		}
		if s == nil {
			d.hist = append(d.hist, series{name: v.Name})
			s = &d.hist[len(d.hist)-1]
		}
		if n := len(s.x); n > 0 && s.x[n-1] == float64(p.Step) {
			s.y[n-1] = v.Value
			continue
		}
		s.x, s.y = append(s.x, float64(p.Step)), append(s.y, v.Value)
		if len(s.x) >= maxHistory {
			s.x, s.y = halve(s.x), halve(s.y)
		}
	}
}

func halve(v []float64) []float64 {
	out := v[:0]
	for i := 0; i < len(v); i += 2 {
		out = append(out, v[i])
	}
	return out
}

// Report is the last evaluation (nil before the first).
func (d *Driver) Report() *run.Report { return d.report }

// LiveName is the name of the figure of the progress values over units,
// drawn from every unit (not only at evaluations).
const LiveName = "live"

// Live is the figure of the run's first progress value (Progress.Values,
// the loss of most kinds) over the units this driver trained or resumed
// at, drawn between evaluations; the other values have scales of their
// own and are in the status.
func (d *Driver) Live() run.Figure {
	f := run.Figure{Name: LiveName, Title: "progress", XLabel: d.unit()}
	for _, s := range d.hist {
		ok := false
		for _, y := range s.y {
			ok = ok || !math.IsNaN(y)
		}
		if ok {
			f.Title, f.YLabel = s.name+" (live)", s.name
			f.Lines = []run.Line{{Label: s.name, X: s.x, Y: s.y}}
			break
		}
	}
	return f
}

// Figures are the shown frame's figures of the probe (the widget's
// subject, first), the last report's figures, each replaced by the
// trainer's figure of the same name drawn at this unit where it has one
// (run.Live; its others follow), then the live figure (unless a report
// figure has its name).
func (d *Driver) Figures() []run.Figure {
	var out []run.Figure
	if fr, _ := d.probeFrame(); fr != nil {
		out = append(out, fr.Figures...)
	}
	live := true
	lf := d.liveFigures()
	used := make([]bool, len(lf))
	if d.report != nil {
		for _, f := range d.report.Figures {
			for i := range lf {
				if lf[i].Name == f.Name {
					f, used[i] = lf[i], true
				}
			}
			out = append(out, f)
			live = live && f.Name != LiveName
		}
	}
	for i := range lf {
		if !used[i] {
			out = append(out, lf[i])
		}
	}
	if live {
		out = append(out, d.Live())
	}
	return out
}

// IsLive reports whether the named figure changes with every unit (the
// progress figure, and the trainer's run.Live figures).
func (d *Driver) IsLive(name string) bool {
	if name == LiveName {
		return true
	}
	for _, f := range d.liveFigures() {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Checkpoint saves the run as a checkpoint file (the bytes `rnnlab
// <command>` writes, less wall-clock metadata differences).
func (d *Driver) Checkpoint() ([]byte, error) {
	ck, err := d.tr.Save()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := ck.Encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (d *Driver) unit() string {
	if u := d.tr.Progress().Unit; u != "" {
		return u
	}
	return "unit"
}

func (d *Driver) stepText() string {
	p := d.tr.Progress()
	return fmt.Sprintf("%s %d of %d", d.unit(), p.Step, p.Total)
}

// Status is where the run stands, as the page's status message reports it.
type Status struct {
	Kind    string             `json:"kind"`
	Step    int                `json:"step"`
	Total   int                `json:"total"`
	Unit    string             `json:"unit"`
	Values  map[string]float64 `json:"values"`
	Note    string             `json:"note"`
	Running bool               `json:"running"`
	Done    bool               `json:"done"`
	// UnitsPerSec: units per wall-clock second (windows of ≥ 1 s; 0 when
	// not training); TrainUnitsPerSec: per second of training time alone.
	UnitsPerSec      float64            `json:"unitsPerSec"`
	TrainUnitsPerSec float64            `json:"trainUnitsPerSec"`
	UnitMs           float64            `json:"unitMs"` // the last unit's duration
	EvalStep         *int               `json:"evalStep"`
	EvalMs           float64            `json:"evalMs"`
	Metrics          map[string]float64 `json:"metrics"`
	Figures          []string           `json:"figures"`
	Error            string             `json:"error"` // why the run stopped, or the last evaluation failed
	Hash             string             `json:"hash"`
	View             string             `json:"view"`
	// Probe is the probe the network read (nil: none); Tunable the
	// settings that change while the run goes on.
	Probe   *ProbeStatus `json:"probe"`
	Tunable []string     `json:"tunable"`
}

// Status reports the run's progress, rates and last evaluation.
func (d *Driver) Status() Status {
	p := d.tr.Progress()
	s := Status{Kind: d.kind.Name, Step: p.Step, Total: p.Total, Unit: d.unit(), Note: p.Note, Running: d.running, Done: d.tr.Done(),
		Values: values(p.Values), UnitsPerSec: round(d.unitsPerSec), UnitMs: round(ms(d.unitCost)), EvalMs: round(ms(d.evalCost)),
		Hash: d.State().Hash(), View: d.state.View, Probe: d.probeStatus(), Tunable: d.Tunable()}
	if d.trainTime > 0 {
		s.TrainUnitsPerSec = round(float64(d.trainN) / d.trainTime.Seconds())
	}
	if d.report != nil {
		step := d.report.Step
		s.EvalStep = &step
		s.Metrics = values(d.report.Metrics)
	}
	for _, f := range d.Figures() {
		s.Figures = append(s.Figures, f.Name)
	}
	switch {
	case d.failed != nil:
		s.Error = d.failed.Error()
	case d.evalErr != nil:
		s.Error = "evaluation: " + d.evalErr.Error()
	}
	return s
}

func values(vs []run.Value) map[string]float64 {
	m := make(map[string]float64, len(vs))
	for _, v := range vs {
		m[v.Name] = v.Value
	}
	return m
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

func round(v float64) float64 { return math.Round(v*1000) / 1000 }
