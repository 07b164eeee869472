package session

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math"
	pathpkg "path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rnnlab/rnnlab/analysis/lyap"
	"github.com/rnnlab/rnnlab/kernel/embed"
	"github.com/rnnlab/rnnlab/kernel/npy"
	"github.com/rnnlab/rnnlab/rules/bptt"
	"github.com/rnnlab/rnnlab/rules/recipe"
)

// Status is what a widget reports to its parent (docs/protocol.md).
type Status struct {
	Step, Until int
	Loss        float64 // last training loss (NaN before the first step)
	Dstsp, DH   float64 // last evaluation (NaN before the first)
	PE          float64
	EvalStep    int // step of the last evaluation (−1: none)
	Running     bool
	StepsPerSec float64
	Params      int
	Model, Data string
	Diverged    bool   // the last evaluation's trajectory diverged
	Note        string // what the page should say about the run, if anything
}

// Eval is one evaluation of the free-running model against held-out data.
type Eval struct {
	Step          int
	Dstsp, DH, PE float64
}

// Spike is one event of the raster: unit index and time step.
type Spike struct{ Unit, T int }

// Point is a fixed point or a point of a cycle, in observed coordinates.
type Point struct {
	X      []float64 // N observed coordinates
	Period int       // 1 for a fixed point, k for a point of a k-cycle
	Stable bool
	Radius float64 // largest |eigenvalue| (or Floquet multiplier)
}

// Analysis is the dynamical report shown over the attractor: the model's
// fixed points and cycles up to period 2 (recipe.Structures) and its
// Lyapunov spectrum along its own orbit (analysis/lyap).
type Analysis struct {
	Step     int
	Points   []Point
	Lyapunov []float64 // spectrum of the model, per step
	LyapDt   []float64 // per unit time of the data
	KY       float64   // Kaplan–Yorke dimension
	TrueL1   float64   // λ1 of the true system per unit time (NaN if unknown)
}

// Display lengths: the generated and true trajectories drawn and evaluated
// (the eval horizon of State.Config), and the raster window.
const (
	rasterSteps = 1000
	displayClip = 10 // generated values are drawn clipped to ±displayClip·max|data|
)

// The shipped ECG: 120 s of MIT-BIH record 100, lead MLII, at 90 Hz
// (build/ecgexcerpt), delay-embedded in 3 dimensions with the delay at the
// first minimum of the auto-mutual information.
const (
	ecgName = "mitbih100-mlii-embedded.npy"
	ecgRate = 90.0
)

//go:embed ecg100.npy
var ecgNPY []byte

// ECGSeries returns the shipped ECG excerpt as a 3-d uniform delay
// embedding (kernel/embed) and the delay chosen, in samples.
func ECGSeries() (x []float64, tau int, err error) {
	a, err := npy.Read(bytes.NewReader(ecgNPY))
	if err != nil {
		return nil, 0, fmt.Errorf("the shipped ECG is damaged: %v", err)
	}
	tau = embed.FirstMinimum(embed.AutoMutualInformation(a.Data, 60, 32))
	if tau < 1 {
		tau = 8
	}
	x, err = embed.Delay(a.Data, embed.Uniform(3, tau))
	return x, tau, err
}

// Session is one live run: the recipe a State describes, its series, model
// and trainer, the loss history, the evaluations, and the trajectories the
// views draw. It is not safe for concurrent use; the frame loop owns it.
type Session struct {
	st       State
	cfg      recipe.Config
	userName string
	userData []byte

	train, test recipe.Series
	ev          *recipe.Evaluator // built at the first evaluation
	md          recipe.Model
	tr          *bptt.Trainer
	losses      []float64
	evals       []Eval
	running     bool
	diverged    bool
	note        string

	truth, gen, lat []float64 // display: T×N, T×N, T×M
	version         int
	spikes          []Spike
	spikeUnits      int
	spikeNote       string
	analysis        *Analysis
	anErr           error
	sps             float64
	trainTime       time.Duration // training time and steps since sps was last updated
	trainSteps      int
	run             int // numbers the runs (a new run or a loaded checkpoint), unique across sessions

	// The work spread over frames (frames.go): the task in flight, what
	// waits to be done, and the last step's outcome.
	co                           *coop
	needRefresh, needEval        bool
	wantAnalysis, hold, taskStep bool
	taskErr                      error
}

// New builds the run a state describes. The parameters are initialised and
// a first (untrained) trajectory is generated; training starts if st.Play.
func New(st State) (*Session, error) {
	return build(st, "", nil)
}

func build(st State, userName string, userData []byte) (*Session, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	if st.Data == "user" && userData == nil {
		return nil, errors.New("data=user: this run trains on its author's own data file, which a link cannot carry: drop that .npy or CSV file on the page (nothing trains until then), or pick lorenz63, rossler or ecg")
	}
	s := &Session{st: st, userName: userName, userData: userData, co: &coop{}, run: int(versions.Add(1))}
	s.cfg = st.Config(userName)
	series, err := recipe.LoadSeries(s.cfg.Data, s.read)
	if err != nil {
		return nil, err
	}
	if s.cfg.Model.Observation == "identity" && s.cfg.Model.Latents < series.N {
		s.note = fmt.Sprintf("latents raised from %d to the data's %d dimensions (the identity observation needs latents ≥ N)", s.cfg.Model.Latents, series.N)
		s.cfg.Model.Latents, s.st.Latents = series.N, series.N
	}
	if err := s.cfg.Validate(); err != nil {
		return nil, err
	}
	s.train, s.test = recipe.Split(series, s.cfg.Data.TestFraction)
	if s.test.Rows() < 50 || s.train.Rows() < s.cfg.Train.SeqLen+2 {
		return nil, fmt.Errorf("%s has %d time points: too few for a window of %d steps and a held-out part", series.Name, series.Rows(), s.cfg.Train.SeqLen)
	}
	lo, hi := recipe.Bounds(s.train.X)
	if s.md, err = recipe.Build(s.cfg.Model, series.N, lo, hi, s.cfg.Train.Seed, true); err != nil {
		return nil, err
	}
	if s.tr, err = s.newTrainer(s.cfg); err != nil {
		return nil, err
	}
	s.running = st.Play
	s.showTruth()
	s.needRefresh = true // the first free run, over the first frames (Settle)
	return s, nil
}

// read is the session's recipe.ReadFunc: the shipped ECG and the user's
// dropped file are the only files a page has.
func (s *Session) read(name string) ([]byte, error) {
	switch {
	case name == ecgName:
		x, _, err := ECGSeries()
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		err = npy.Write(&b, &npy.Array{Shape: []int{len(x) / 3, 3}, Data: x}, "<f8")
		return b.Bytes(), err
	case s.userData != nil && name == s.userName:
		return s.userData, nil
	}
	return nil, fmt.Errorf("the run needs the data file %s, which this page does not have: drop it on the page first", name)
}

// State is the state of the run and view.
func (s *Session) State() State { return s.st }

// SetView changes only the view keys of the state.
func (s *Session) SetView(st State) { s.st.setView(st) }

// SetState moves to a new state: the view keys change in place; a change
// of only the keys a run can change mid-way (RetuneKeys: learning rate,
// forcing, α, τ, until) continues the run from its current step with the
// new values (Retune); any other change starts a new run (with the same
// user data). On error nothing changes.
func (s *Session) SetState(st State) error {
	if err := st.Validate(); err != nil {
		return err
	}
	if st.SameRun(s.st) {
		s.st.setView(st)
		if st.Play != s.st.Play {
			s.st.Play = st.Play
			s.running = st.Play && s.tr.Steps() < s.cfg.Train.Steps
		}
		return nil
	}
	s.finish()
	if st.Continues(s.st) {
		return s.retune(st)
	}
	n, err := build(st, s.userName, s.userData)
	if err != nil {
		return err
	}
	*s = *n
	return nil
}

// retune applies new values of the RetuneKeys to the run at its current
// step: the trainer is rebuilt with them and resumed from a snapshot of
// the old one (parameters, optimizer moments, step, random stream), just as
// `rnnlab train --resume` resumes a checkpoint under an edited config. The
// learning rate schedule then runs from the new lr to lr/10 over the new
// until, evaluated at the current step; a loaded checkpoint keeps its other
// settings. Training goes on if it was running (and the last step is not
// reached). A link with these values starts a fresh run, which differs from
// this continued one; the note says so.
func (s *Session) retune(st State) error {
	step := s.tr.Steps()
	if st.Until < step {
		return fmt.Errorf("until=%d is below the run's current step %d: a run cannot go back; choose until ≥ %d, or reset to start again", st.Until, step, step)
	}
	ck, err := recipe.Snapshot(s.cfg, s.train.N, s.md, s.tr, s.losses, recipe.Selection{Step: -1})
	if err != nil {
		return err
	}
	cfg := s.cfg
	t := &cfg.Train
	if st.LR != s.st.LR {
		t.LR, t.LREnd = st.LR, st.LR/10
	}
	t.Steps, t.Forcing, t.Alpha, t.Interval = st.Until, st.Forcing, st.Alpha, st.Interval
	if err := cfg.Validate(); err != nil {
		return err
	}
	tr, err := s.newTrainer(cfg)
	if err != nil {
		return err
	}
	if err := ck.Resume(tr); err != nil {
		return err
	}
	if !t.Adaptive {
		tr.Alpha = t.Alpha
	}
	var changed []string
	for _, k := range RetuneKeys {
		if s.st.Value(k) != st.Value(k) {
			changed = append(changed, k+"="+st.Value(k))
		}
	}
	s.cfg, s.tr = cfg, tr
	play := s.running || st.Play && !s.st.Play
	s.st = st
	s.running = play && step < t.Steps
	s.note = fmt.Sprintf("continued at step %d with %s (a link with these values starts a fresh run, not this continued one)", step, strings.Join(changed, ", "))
	return nil
}

// Running reports whether Train advances.
func (s *Session) Running() bool { return s.running }

// ErrAtEnd is wrapped by the error of Play and StepOnce at the run's last
// step.
var ErrAtEnd = errors.New("the run is at its last step")

// Play lets Train advance (until the run's last step). At the last step it
// says so and how to go on.
func (s *Session) Play() error {
	if err := s.atEnd(); err != nil {
		s.running = false
		return err
	}
	s.running = true
	return nil
}

func (s *Session) atEnd() error {
	if k := s.tr.Steps(); k >= s.cfg.Train.Steps {
		return fmt.Errorf("%w: step %d of until=%d; raise “until step” to train on from here (or reset to start again)", ErrAtEnd, k, s.cfg.Train.Steps)
	}
	return nil
}

// Pause stops Train from advancing.
func (s *Session) Pause() { s.running = false }

// Reset starts the run again from its initial parameters.
func (s *Session) Reset() error {
	s.finish()
	n, err := build(s.st, s.userName, s.userData)
	if err != nil {
		return err
	}
	n.running = false
	*s = *n
	return nil
}

// N is the observed dimension; M the latent dimension.
func (s *Session) N() int { return s.train.N }

// M is the latent dimension.
func (s *Session) M() int {
	_, m := s.md.Obs.Dims()
	return m
}

// Truth is the held-out true trajectory drawn and evaluated against (T×N).
func (s *Session) Truth() []float64 { return s.truth }

// Generated is the model's free-running trajectory from the first held-out
// point (T×N), clipped for drawing; it is recomputed at every evaluation.
func (s *Session) Generated() []float64 { return s.gen }

// Latent is the latent trajectory behind Generated (T×M).
func (s *Session) Latent() []float64 { return s.lat }

// Version changes whenever Generated, Latent, Spikes and Analysis do; it
// is unique across sessions.
func (s *Session) Version() int { return s.version }

// Run identifies the run: it changes with a new run or a loaded
// checkpoint, not when a run is continued (Loss then only grows).
func (s *Session) Run() int { return s.run }

// Loss is the training loss at every step so far.
func (s *Session) Loss() []float64 { return s.losses }

// Evals are the evaluations so far.
func (s *Session) Evals() []Eval { return s.evals }

// Train works on the run for about budget and returns the number of
// gradient steps it completed. Its work is the run's next pieces (frames.go):
// the first trajectories of a new run, a pending evaluation, the analysis
// when asked for, and, while running, training steps with their
// evaluations; a piece that does not fit is suspended at the deadline and
// resumed by the next call, so no call takes much longer than budget
// whatever the model's size. Steps, never wall time, decide what is
// computed, so a run is the same on every machine; the budget decides only
// how much of it one frame does. A step that fails (a NaN blow-up) pauses
// the run, keeps the parameters from before it and returns an error saying
// what to change.
func (s *Session) Train(budget time.Duration) (int, error) {
	start := time.Now()
	deadline := start.Add(budget)
	n := 0
	var err error
	for {
		if !s.co.busy() && !s.startTask() {
			break
		}
		if !s.co.resume(deadline, true) {
			break // suspended at the deadline
		}
		if s.taskStep {
			n++
		}
		if s.taskErr != nil {
			err, s.taskErr = s.taskErr, nil
			s.running = false
			break
		}
		if !time.Now().Before(deadline) {
			break
		}
	}
	if n > 0 || s.co.busy() && s.running {
		s.trainTime += time.Since(start)
		s.trainSteps += n
	}
	if s.trainTime >= 500*time.Millisecond {
		r := float64(s.trainSteps) / s.trainTime.Seconds()
		if s.sps == 0 {
			s.sps = r
		} else {
			s.sps = 0.7*s.sps + 0.3*r
		}
		s.trainTime, s.trainSteps = 0, 0
	}
	if s.tr.Steps() >= s.cfg.Train.Steps && !s.co.busy() && !s.needEval {
		s.running = false
	}
	return n, err
}

// StepOnce takes one gradient step whether running or not (after the work
// in flight); at the run's last step it takes none and says so (ErrAtEnd).
func (s *Session) StepOnce() error {
	s.finish()
	if err := s.takeErr(); err != nil {
		return err
	}
	if s.needEval { // the last step's evaluation, before the parameters move on
		s.needEval = false
		s.evaluate()
	}
	if err := s.atEnd(); err != nil {
		return err
	}
	return s.step()
}

// takeErr returns and clears the error of a step finished outside Train.
func (s *Session) takeErr() error {
	err := s.taskErr
	s.taskErr = nil
	return err
}

func (s *Session) step() error {
	loss, err := s.tr.Step()
	if err != nil {
		return fmt.Errorf("training failed at step %d: %v; the parameters of step %d are kept: lower lr (now %g) or seq, or reset", s.tr.Steps()+1, err, s.tr.Steps(), s.cfg.Train.LR)
	}
	s.losses = append(s.losses, loss)
	k := s.tr.Steps()
	if (s.cfg.Train.EvalEvery > 0 && k%s.cfg.Train.EvalEvery == 0) || k == s.cfg.Train.Steps {
		if s.co.yield != nil {
			s.needEval = true // a piece of work of its own, before the next step (startTask)
		} else {
			s.evaluate()
		}
	}
	return nil
}

// evaluate scores the free-running model on the held-out data (recipe.
// Evaluator, built once per series) and refreshes what is drawn. Without a
// transient the drawn trajectory is the evaluated one, so it is generated
// once.
func (s *Session) evaluate() {
	if s.ev == nil {
		s.ev = recipe.NewEvaluator(s.test, s.cfg.Eval)
	}
	var m recipe.Metrics
	md := s.trained() // suspends between observations (frames.go)
	if n, T := s.test.N, s.drawnSteps(); s.cfg.Eval.Transient == 0 && T == s.ev.Steps() && T >= 2 {
		gen, lat := md.Generate(s.test.X[:n], T, true)
		s.co.boundary() // Score's D_stsp and D_H are one piece each
		m = s.ev.Score(md, gen)
		s.co.boundary() // and so is the raster
		s.show(gen, lat)
	} else {
		m = s.ev.Evaluate(md)
		s.refresh()
	}
	s.evals = append(s.evals, Eval{Step: s.tr.Steps(), Dstsp: m.Dstsp, DH: m.DH, PE: m.PE})
	s.diverged = m.Diverged
}

// drawnSteps is the length of the drawn trajectories.
func (s *Session) drawnSteps() int { return min(s.test.Rows()-1, s.cfg.Eval.MaxSteps) }

// refresh regenerates the drawn trajectories, the raster and drops the
// cached analysis.
func (s *Session) refresh() {
	gen, lat := s.trained().Generate(s.test.X[:s.test.N], s.drawnSteps(), true)
	s.co.boundary() // the raster is one piece
	s.show(gen, lat)
}

// showTruth sets the held-out truth drawn before the first free run.
func (s *Session) showTruth() {
	n := s.test.N
	s.truth = s.test.X[n : (s.drawnSteps()+1)*n]
}

// show draws gen and lat (clipping gen for display) with the held-out
// truth of the same length, and drops the cached analysis.
func (s *Session) show(gen, lat []float64) {
	n, T := s.test.N, 0
	if n > 0 {
		T = len(gen) / n
	}
	s.truth = s.test.X[n : (T+1)*n]
	bound := 0.0
	for _, v := range s.truth {
		bound = math.Max(bound, math.Abs(v))
	}
	bound *= displayClip
	for i, v := range gen {
		switch {
		case math.IsNaN(v):
			gen[i] = 0
		case v > bound:
			gen[i] = bound
		case v < -bound:
			gen[i] = -bound
		}
	}
	spikes, units, note := s.rasterOf(lat)
	s.gen, s.lat = gen, lat
	s.spikes, s.spikeUnits, s.spikeNote = spikes, units, note
	s.analysis, s.anErr = nil, nil
	s.version = int(versions.Add(1))
}

// versions numbers the refreshes of every session, so a view's cache keyed
// by Version never mistakes a new run (SetState, Reset, a loaded file) for
// the one it drew.
var versions atomic.Int64

// Status is the run's current status.
func (s *Session) Status() Status {
	st := Status{Step: s.tr.Steps(), Until: s.cfg.Train.Steps, Loss: math.NaN(), Dstsp: math.NaN(), DH: math.NaN(), PE: math.NaN(),
		EvalStep: -1, Running: s.running, StepsPerSec: s.sps, Params: len(s.md.Latent.Params()) + len(s.md.Obs.Params()),
		Model: s.cfg.Model.Kind, Data: s.train.Name, Diverged: s.diverged, Note: s.note}
	if len(s.losses) > 0 {
		st.Loss = s.losses[len(s.losses)-1]
	}
	if len(s.evals) > 0 {
		e := s.evals[len(s.evals)-1]
		st.Dstsp, st.DH, st.PE, st.EvalStep = e.Dstsp, e.DH, e.PE, e.Step
	}
	return st
}

// Analysis is the fixed points, cycles and Lyapunov spectrum of the current
// model, computed on first use after each refresh (now, after the work in
// flight; the frame loop uses RequestAnalysis and CurrentAnalysis).
func (s *Session) Analysis() (*Analysis, error) {
	s.finish()
	if s.analysis == nil && s.anErr == nil {
		s.analysis, s.anErr = s.computeAnalysis()
	}
	return s.analysis, s.anErr
}

func (s *Session) computeAnalysis() (*Analysis, error) {
	md := s.analysed() // suspends between model steps (frames.go)
	n, m := md.Obs.Dims()
	a := &Analysis{Step: s.tr.Steps(), TrueL1: trueL1(s.cfg.Data.Source)}
	for _, c := range recipe.Structures(md, s.test.X[:n], 2) {
		for _, x := range c.Observed {
			a.Points = append(a.Points, Point{X: x, Period: c.Period, Stable: c.Stable, Radius: c.MaxModulus()})
		}
	}
	z0 := make([]float64, m)
	s.md.Obs.Invert(z0, s.test.X[:n])
	l, err := lyap.Spectrum(md.Latent, z0, 5000, &lyap.Settings{Transient: 500})
	if err != nil {
		return nil, fmt.Errorf("the model's orbit diverged while computing its Lyapunov spectrum: %v", err)
	}
	a.Lyapunov, a.KY = l, lyap.KaplanYorke(l)
	if dt := s.cfg.Data.Dt; dt > 0 {
		for _, v := range l {
			a.LyapDt = append(a.LyapDt, v/dt)
		}
	}
	return a, nil
}

// trueL1 is the largest Lyapunov exponent of the system behind generated
// data, per unit time: Lorenz-63 (σ=10, ρ=28, β=8/3) 0.9056 and Rössler
// (a=b=0.2, c=5.7) 0.0714 (Sprott, Chaos and Time-Series Analysis, 2003,
// Table A.1).
func trueL1(source string) float64 {
	switch source {
	case "lorenz63":
		return 0.9056
	case "rossler":
		return 0.0714
	}
	return math.NaN()
}

// Spikes are the raster's events over the first rasterSteps generated
// steps; SpikeUnits the number of rows and SpikeSource what they are.
func (s *Session) Spikes() []Spike { return s.spikes }

// SpikeUnits is the number of units in the raster.
func (s *Session) SpikeUnits() int { return s.spikeUnits }

// SpikeSource says where the raster's spikes come from, for its caption.
func (s *Session) SpikeSource() string { return s.spikeNote }

// hiddenLayer is a model whose hidden units have rates (the shallow PLRNN).
type hiddenLayer interface {
	HiddenUnits() int
	HiddenRates(dst, z []float64)
}

// rasterOf turns rates along the latent trajectory into spikes, for the
// raster until a spiking model drives it: the hidden units' rates of a
// shallow PLRNN, or else the latent units, each standardised over the
// window, rectified above its mean (the threshold), and encoded by a
// deterministic integrate-and-fire counter v ← v + r/8 that spikes and
// resets by 1 whenever v ≥ 1 — so spike density follows the rate.
func (s *Session) rasterOf(lat []float64) ([]Spike, int, string) {
	m := s.M()
	T := min(rasterSteps, len(lat)/m)
	var rates []float64
	units := m
	note := fmt.Sprintf("spikes from thresholded rates of the %d latent units (no spiking model yet)", m)
	if h, ok := s.md.Latent.(hiddenLayer); ok {
		units = h.HiddenUnits()
		rates = make([]float64, T*units)
		for t := 0; t < T; t++ {
			h.HiddenRates(rates[t*units:(t+1)*units], lat[t*m:(t+1)*m])
			s.co.pause()
		}
		note = fmt.Sprintf("spikes from thresholded rates of the %d hidden units (no spiking model yet)", units)
	} else {
		rates = lat[:T*m]
	}
	var out []Spike
	rates = rates[:T*units]
	for i := 0; i < units; i++ {
		mean, variance := recipe.ColumnMoments(rates, units, i)
		sd := math.Sqrt(variance)
		if sd == 0 || math.IsNaN(sd) {
			continue
		}
		s.co.pause()
		v := 0.0
		for t := 0; t < T; t++ {
			r := (rates[t*units+i] - mean) / sd
			if r <= 0 {
				continue
			}
			if v += r / 8; v >= 1 {
				out = append(out, Spike{Unit: i, T: t})
				v--
			}
		}
	}
	return out, units, note
}

// LoadCheckpoint replaces the run by a checkpoint written by `rnnlab train`
// (or exported by the page): its config, parameters and training position,
// so training can continue where it stopped. The data must be generated or
// already on the page. On error nothing changes; errors do not name the
// file (the caller knows it).
func (s *Session) LoadCheckpoint(b []byte) error {
	ck, md, err := recipe.DecodeCheckpoint(b)
	if err != nil {
		return err
	}
	n := &Session{userName: s.userName, userData: s.userData, cfg: ck.Config, md: md, co: &coop{}, run: int(versions.Add(1))}
	series, err := recipe.LoadSeries(n.cfg.Data, n.read)
	if err != nil {
		return err
	}
	if series.N != ck.ObsDim {
		return fmt.Errorf("it was trained on %d-dimensional data, but %s has %d dimensions", ck.ObsDim, series.Name, series.N)
	}
	n.train, n.test = recipe.Split(series, n.cfg.Data.TestFraction)
	if n.tr, err = n.newTrainer(n.cfg); err != nil {
		return err
	}
	if err := ck.Resume(n.tr); err != nil {
		return err
	}
	n.losses = append([]float64(nil), ck.Loss...)
	n.st = stateOf(n.cfg, s.st)
	n.note = fmt.Sprintf("checkpoint loaded: %s at step %d of %d", n.cfg.Model.Kind, ck.Step, n.cfg.Train.Steps)
	if ck.Step >= n.cfg.Train.Steps {
		n.note += "; raise “until step” to fine-tune it"
	} else {
		n.note += "; press play to train on"
	}
	n.showTruth()
	n.needEval = true // D_stsp and D_H of the loaded parameters, over the next frames
	s.finish()
	*s = *n
	return nil
}

// LoadData starts a new run on a user's series (.npy, .npz or CSV, T×N,
// z-scored), keeping the other run keys. On error nothing changes.
func (s *Session) LoadData(name string, b []byte) error {
	if strings.HasSuffix(strings.ToLower(name), ".npy") && !bytes.HasPrefix(b, []byte("\x93NUMPY")) {
		return fmt.Errorf("%s is not a .npy file: it does not begin with the .npy signature (byte 0x93 and NUMPY); it looks like %s. Save the array with numpy.save, or give a CSV file a .csv name", name, looksLike(b))
	}
	if _, err := recipe.ParseSeries(name, b, ""); err != nil {
		return err
	}
	st := s.st
	st.Data = "user"
	s.finish()
	n, err := build(st, name, b)
	if err != nil {
		return err
	}
	*s = *n
	return nil
}

// looksLike describes a file's start without quoting its bytes.
func looksLike(b []byte) string {
	switch {
	case len(b) == 0:
		return "an empty file"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a zip archive (an .npz is read only under an .npz name)"
	}
	text := 0
	n := min(len(b), 512)
	for _, c := range b[:n] {
		if c == '\n' || c == '\r' || c == '\t' || c >= 32 && c < 127 {
			text++
		}
	}
	if text == n {
		return "text"
	}
	return "binary data of another format"
}

// ExportName is the file name of an export of the run with extension ext
// ("safetensors", "npy"): rnnlab-<model>-<data>-step<N>.<ext>, where data
// is the data key or the stem of the visitor's file, in letters, digits,
// '.', '_' and '-' only, so a shell takes the name unquoted.
func (s *Session) ExportName(ext string) string {
	data := s.st.Data
	if data == "user" && s.userName != "" {
		data = strings.TrimSuffix(s.userName, pathpkg.Ext(s.userName))
	}
	return "rnnlab-" + ShellSafe(s.cfg.Model.Kind) + "-" + ShellSafe(data) + "-step" + strconv.Itoa(s.tr.Steps()) + "." + ShellSafe(ext)
}

// ShellSafe replaces every run of characters other than ASCII letters,
// digits, '.', '_' and '-' by one '-', trims '-' and '.' from the ends, and
// gives "x" for what is left empty.
func ShellSafe(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		return "x"
	}
	return out
}

// ExportCheckpoint writes the run in the checkpoint format of `rnnlab
// train` (docs/checkpoint.md), so `rnnlab eval`, `generate`, `analyze` and
// `train --resume` take it.
func (s *Session) ExportCheckpoint() ([]byte, error) {
	s.finish()
	c, err := recipe.Snapshot(s.cfg, s.train.N, s.md, s.tr, s.losses, recipe.Selection{Step: -1})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := c.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ExportTrajectory generates steps steps (100 000 when steps ≤ 0, as
// `rnnlab generate` does) from the first held-out point and writes them as
// a float64 .npy of shape (steps, N): the same numbers `rnnlab generate
// --checkpoint` writes for the same parameters.
func (s *Session) ExportTrajectory(steps int) ([]byte, error) {
	if steps <= 0 {
		steps = 100000
	}
	if steps > 10_000_000 {
		return nil, fmt.Errorf("%d steps is too long a trajectory for a page (at most 10 000 000)", steps)
	}
	s.finish()
	n := s.test.N
	gen, _ := s.md.Generate(s.test.X[:n], steps, false)
	var b bytes.Buffer
	if err := npy.Write(&b, &npy.Array{Shape: []int{steps, n}, Data: gen}, "<f8"); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
