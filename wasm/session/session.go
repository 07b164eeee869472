// Package session is the page's live training run, without any browser
// code: the state a URL hash describes (State), the model, data and trainer
// it builds, training under a time budget per frame, evaluation, export and
// import of checkpoints and trajectories. The lab widget (site/lab) drives a
// Session from ebiten's frame loop; tests drive it natively.
//
// STUB: the signatures are final; the bodies are being written.
package session

import (
	"errors"
	"math"
	"time"

	"github.com/rnnlab/rnnlab/kernel/dataset"
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

// Analysis is the dynamical report shown over the attractor.
type Analysis struct {
	Step     int
	Points   []Point
	Lyapunov []float64 // spectrum of the model, per step
	LyapDt   []float64 // per unit time (nil when the data has no Δt)
	KY       float64   // Kaplan–Yorke dimension
	TrueL1   float64   // λ1 of the true system per unit time (NaN if unknown)
}

// Session is one live run.
type Session struct {
	st      State
	running bool
	step    int
	loss    []float64
	truth   []float64
	gen     []float64
	version int
}

// New builds the run a state describes.
func New(st State) (*Session, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	x := dataset.Lorenz63Data(2000, 0.01, 1)
	s := &Session{st: st, truth: x, gen: append([]float64(nil), x...), running: st.Play}
	return s, nil
}

func (s *Session) State() State                 { return s.st }
func (s *Session) SetView(st State)             { s.st.setView(st) }
func (s *Session) Running() bool                { return s.running }
func (s *Session) Play()                        { s.running = true }
func (s *Session) Pause()                       { s.running = false }
func (s *Session) Reset() error                 { s.step = 0; s.loss = nil; return nil }
func (s *Session) N() int                       { return 3 }
func (s *Session) M() int                       { return 3 }
func (s *Session) Truth() []float64             { return s.truth }
func (s *Session) Generated() []float64         { return s.gen }
func (s *Session) Latent() []float64            { return s.gen }
func (s *Session) Version() int                 { return s.version }
func (s *Session) Loss() []float64              { return s.loss }
func (s *Session) Evals() []Eval                { return nil }
func (s *Session) Analysis() (*Analysis, error) { return &Analysis{TrueL1: math.NaN()}, nil }

// Train runs whole gradient steps until budget has passed or the state's
// Until is reached; it returns the number of steps taken.
func (s *Session) Train(budget time.Duration) (int, error) {
	if !s.running {
		return 0, nil
	}
	s.step++
	s.loss = append(s.loss, 1/float64(s.step))
	return 1, nil
}

// StepOnce takes one gradient step whether running or not.
func (s *Session) StepOnce() error { s.step++; return nil }

func (s *Session) Status() Status {
	return Status{Step: s.step, Until: s.st.Until, Loss: math.NaN(), Dstsp: math.NaN(), DH: math.NaN(), PE: math.NaN(), EvalStep: -1, Running: s.running, Model: s.st.Model, Data: s.st.Data}
}

// Spikes thresholds the latent trajectory of the generated run into events.
func (s *Session) Spikes() []Spike { return nil }

func (s *Session) LoadCheckpoint(b []byte) error        { return errors.New("not yet") }
func (s *Session) LoadData(name string, b []byte) error { return errors.New("not yet") }
func (s *Session) ExportCheckpoint() ([]byte, error)    { return nil, errors.New("not yet") }
func (s *Session) ExportTrajectory() ([]byte, error)    { return nil, errors.New("not yet") }
