package session

import (
	"cmp"
	"iter"
	"time"

	"github.com/rnnlab/rnnlab/analysis/cycles"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/rules/bptt"
	"github.com/rnnlab/rnnlab/rules/recipe"
)

// A frame budget against steps longer than a frame.
//
// The page runs in one browser thread, and one training step of the
// largest model the page allows (hidden = 4096) takes longer than a frame,
// an evaluation or the first free run many frames (docs/performance.md).
// So the session's work (a training step with the evaluation it may end
// with, the first trajectories of a run, an evaluation of a loaded
// checkpoint, the analysis) runs as a coroutine (iter.Pull) that Train
// resumes each frame and that suspends itself at its frame's deadline. It
// suspends where the models are called through the session's wrappers: at
// each observation of the trainer's forward and backward pass (one time
// step of the batch), of a free run and of PE(n)'s predictions, at each
// model step of the analysis, and between rows of the raster. The
// computation and its order are exactly those of an uninterrupted call —
// the wrappers only delegate — so a run is bit for bit the same whatever
// the budget (TestBudgetDoesNotChangeResults suspends it at every point).
// docs/decisions.md says why this rather than a Web Worker.

// coop is the work in flight: a coroutine and its frame's deadline.
type coop struct {
	next     func() (struct{}, bool) // resumes the task; nil when none
	yield    func(struct{}) bool     // the task's, while it runs; nil outside
	deadline time.Time
	limited  bool // false: run to the end (Settle)

	// The clock is read every `every` suspension points, adapted so a
	// reading comes about every quarter millisecond (under js/wasm each
	// one is a call into JavaScript), and at most every 32 points: the
	// points of a free run are ten times closer than a training step's,
	// and a count learnt on the one must not overshoot the deadline on the
	// other before it adapts.
	count, every int
	lastCheck    time.Time
	resumed      time.Time     // when the last resume began
	everyMax     int           // at most this (0: 32; tests use 1, a reading at every point)
	longest      time.Duration // the longest stretch between two readings (benchmarks)
}

// busy reports whether a task is in flight.
func (c *coop) busy() bool { return c.next != nil }

// start makes work the task in flight (none may be).
func (c *coop) start(work func()) {
	if c.next != nil {
		panic("session: a task is already in flight")
	}
	c.next, _ = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		defer func() { c.yield = nil }()
		work()
	})
}

// resume runs the task in flight until it suspends at the deadline (false)
// or ends (true). Without limit it runs to the end.
func (c *coop) resume(deadline time.Time, limit bool) bool {
	if !deadline.Equal(c.deadline) {
		c.resumed = time.Now() // a new frame's work (one Train call has one deadline)
	}
	c.deadline, c.limited = deadline, limit
	c.lastCheck, c.count = time.Now(), 0
	if c.every < 1 {
		c.every = 1
	}
	if _, ok := c.next(); ok {
		return false
	}
	c.next = nil
	return true
}

// pause is a suspension point: outside a task, or before the deadline, it
// does nothing.
func (c *coop) pause() {
	if c == nil || c.yield == nil || !c.limited {
		return
	}
	if c.count++; c.count < c.every {
		return
	}
	c.count = 0
	now := time.Now()
	d := now.Sub(c.lastCheck)
	c.longest = max(c.longest, d)
	switch {
	case d < 250*time.Microsecond && c.every < cmp.Or(c.everyMax, 32):
		c.every *= 2
	case d > time.Millisecond && c.every > 1:
		c.every /= 2
	}
	c.lastCheck = now
	if !now.Before(c.deadline) {
		c.yield(struct{}{})
	}
}

// boundary is a suspension point before a piece of work that cannot be
// split (the binned D_stsp and D_H spectra of an evaluation, the raster):
// unless the frame's work began under boundarySlack ago, the task
// suspends here, so the piece starts a frame of its own instead of
// lengthening one that already spent part of its budget.
func (c *coop) boundary() {
	if c == nil || c.yield == nil || !c.limited {
		return
	}
	now := time.Now()
	if now.Sub(c.resumed) >= boundarySlack || !now.Before(c.deadline) {
		c.lastCheck, c.count = now, 0
		c.yield(struct{}{})
	}
}

// boundarySlack is how far into a frame's work a boundary still lets the
// next piece run in the same frame.
const boundarySlack = time.Millisecond

// pausingObs is an observation model that is a suspension point after
// every Observe and ObserveVJP: one time step of the batch in the
// trainer's forward and backward passes (the backward pass calls only
// ObserveVJP, as it keeps the forward residuals).
type pausingObs struct {
	bptt.Observer
	co *coop
}

func (o pausingObs) Observe(dst, z []float64) {
	o.Observer.Observe(dst, z)
	o.co.pause()
}

func (o pausingObs) ObserveVJP(gz, gphi, z, g []float64) {
	o.Observer.ObserveVJP(gz, gphi, z, g)
	o.co.pause()
}

// pausingLatent is a latent model that is a suspension point after every
// Step and Jacobian (the analysis); pausingPL keeps a piecewise-linear
// model's exact fixed-point search (recipe.Structures asserts it).
type pausingLatent struct {
	models.Differentiable
	co *coop
}

func (m pausingLatent) Step(dst, x, u []float64) {
	m.Differentiable.Step(dst, x, u)
	m.co.pause()
}

func (m pausingLatent) Jacobian(dst, x, u []float64) {
	m.Differentiable.Jacobian(dst, x, u)
	m.co.pause()
}

type pausingPL struct{ pausingLatent }

func (m pausingPL) Linearize(M, c, x []float64) {
	m.Differentiable.(cycles.PiecewiseLinear).Linearize(M, c, x)
	m.co.pause()
}

// newTrainer is the session's trainer for cfg: its observations (one time
// step of the batch) and the pieces of its window's parameter gradient
// (models.Pauser: the deferred weight-gradient products, ~6 % of a step at
// hidden = 4096) are suspension points.
func (s *Session) newTrainer(cfg recipe.Config) (*bptt.Trainer, error) {
	tr, err := recipe.NewTrainer(cfg, s.trained(), s.train)
	if err == nil {
		tr.SetPause(s.co.pause)
	}
	return tr, err
}

// trained is the session's model as the trainer, free runs and PE(n) see
// it: its observations are suspension points.
func (s *Session) trained() recipe.Model {
	return recipe.Model{Latent: s.md.Latent, Obs: pausingObs{s.md.Obs, s.co}}
}

// analysed is the session's model as the analysis sees it: every model
// step is a suspension point.
func (s *Session) analysed() recipe.Model {
	l := pausingLatent{s.md.Latent, s.co}
	md := s.trained()
	md.Latent = l
	if _, ok := s.md.Latent.(cycles.PiecewiseLinear); ok {
		md.Latent = pausingPL{l}
	}
	return md
}

// startTask starts the next piece of work, in this order: the first
// trajectories of a new run, a pending evaluation (a loaded checkpoint's,
// or the one due after the last step, so a command can apply between the
// two),
// the analysis if asked for and not current, a training step if running.
// It reports whether it started one; while held (Hold) it starts none.
func (s *Session) startTask() bool {
	s.taskStep = false
	switch {
	case s.hold:
		return false
	case s.needRefresh:
		s.needRefresh = false
		s.co.start(s.refresh)
	case s.needEval:
		s.needEval = false
		s.co.start(s.evaluate)
	case s.wantAnalysis && s.analysis == nil && s.anErr == nil:
		s.wantAnalysis = false
		s.co.start(func() { s.analysis, s.anErr = s.computeAnalysis() })
	case s.running && s.tr.Steps() < s.cfg.Train.Steps:
		s.co.start(func() {
			s.taskErr = s.step()
			s.taskStep = s.taskErr == nil
		})
	default:
		return false
	}
	return true
}

// finish runs the task in flight to its end, so the run can be changed or
// read whole; a step's error waits for the next Train.
func (s *Session) finish() {
	for s.co.busy() {
		s.co.resume(time.Time{}, false)
	}
	if s.taskErr != nil {
		s.running = false
	}
}

// Settle does the work in flight and the pending first trajectories and
// evaluation now, however long they take; the views then show the whole
// run. Tests and exports use it; the frame loop lets Train spread the
// work over frames instead.
func (s *Session) Settle() {
	s.finish()
	for s.needRefresh || s.needEval {
		running, hold := s.running, s.hold
		s.running, s.hold = false, false // no training step
		s.startTask()
		s.running, s.hold = running, hold
		s.finish()
	}
}

// Busy reports whether a piece of work is in flight (suspended at the last
// frame's deadline): changes to the run wait for it (Hold).
func (s *Session) Busy() bool { return s.co.busy() }

// Hold, while on, keeps Train from starting another piece of work: the
// frame loop holds the run while commands wait, so they apply once the
// piece in flight ends instead of waiting for it inside one frame.
func (s *Session) Hold(on bool) { s.hold = on }

// RequestAnalysis asks Train to compute the analysis of the current model
// over the next frames, if it is not current.
func (s *Session) RequestAnalysis() { s.wantAnalysis = true }

// CurrentAnalysis is the analysis of the current model, once computed
// (ok false before); it is dropped at every refresh of the trajectories.
func (s *Session) CurrentAnalysis() (a *Analysis, err error, ok bool) {
	return s.analysis, s.anErr, s.analysis != nil || s.anErr != nil
}
