//go:build cuda

package cuda

import (
	"errors"
	"fmt"
	"os"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// Dendritic is a dendritic PLRNN whose tape runs on the device. It is a
// *plrnn.Dendritic — the same Params slice and Layout, Step, VJP, Jacobian
// and ProjectGradient on the CPU — so the optimizer, checkpoints and the
// analyses see the CPU model; only NewTape differs. The device tape uploads
// θ from Params at each window start (Forward(0)), records the window on the
// device and returns the same gradient layout.
//
// If the device fails in the middle of a window, the tape replays what it
// recorded into the CPU tape and continues there (same results); Err then
// reports the failure. Without a device NewDendritic returns an error.
type Dendritic struct {
	*plrnn.Dendritic
	cfg   plrnn.Config
	err   error
	tapes []*Ensemble // the device memory of the tapes made so far
}

// NewDendritic returns a dendritic PLRNN initialised as plrnn.NewDendritic
// (the same θ from the same r), or an error wrapping ErrNoDevice when no
// CUDA device is usable. Models with external inputs (K > 0) are not
// supported on the device.
func NewDendritic(cfg plrnn.Config, r *rng.Rand) (*Dendritic, error) {
	if cfg.K != 0 {
		return nil, fmt.Errorf("cuda: dendritic PLRNN with %d external inputs: only autonomous models (K = 0) run on the device", cfg.K)
	}
	if cfg.M < 1 || cfg.M > 1024 || cfg.Bases < 1 || cfg.Bases > 1024 {
		return nil, fmt.Errorf("cuda: dendritic PLRNN with M = %d, B = %d: the device needs 1 ≤ M, B ≤ 1024", cfg.M, cfg.Bases)
	}
	if err := Available(); err != nil {
		return nil, err
	}
	return &Dendritic{Dendritic: plrnn.NewDendritic(cfg, r), cfg: cfg}, nil
}

// Err returns the device failure that made a tape fall back to the CPU, if
// any.
func (d *Dendritic) Err() error { return d.err }

// Close frees the device memory of the model's tapes; they must not be
// used afterwards.
func (d *Dendritic) Close() {
	for _, e := range d.tapes {
		e.Close()
	}
	d.tapes = nil
}

// NewTape returns the device tape (models.Taper) for windows of the given
// steps and batch, or the CPU tape if the device cannot hold it (Err says
// why).
func (d *Dendritic) NewTape(steps, batch int) models.Tape {
	if steps < 1 || batch < 1 {
		panic("cuda: NewTape needs steps ≥ 1 and batch ≥ 1")
	}
	ens, err := NewEnsemble(EnsembleConfig{Models: 1, Latents: d.cfg.M, Bases: d.cfg.Bases, Clipped: d.cfg.Clipped,
		Batch: batch, SeqLen: steps, Observed: 1, Interval: 1})
	if err != nil {
		d.fail(err)
		return d.Dendritic.NewTape(steps, batch)
	}
	d.tapes = append(d.tapes, ens)
	sm := batch * d.cfg.M
	return &deviceTape{d: d, ens: ens, steps: steps, sm: sm,
		x: make([]float64, steps*sm), g: make([]float64, steps*sm), calls: make([]int, 0, steps),
		grad: make([]float64, len(d.Params()))}
}

func (d *Dendritic) fail(err error) {
	if d.err == nil {
		d.err = err
		fmt.Fprintf(os.Stderr, "rnnlab: GPU tape falls back to the CPU: %v\n", err)
	}
}

// deviceTape is models.Tape on the device, with host copies of each slot's
// input and each Backward's cotangent so that a device failure can be
// replayed into the CPU tape.
type deviceTape struct {
	d      *Dendritic
	ens    *Ensemble
	cpu    models.Tape // non-nil after a device failure
	steps  int
	sm     int
	x, g   []float64 // host copies: slots' inputs, calls' cotangents
	filled []bool
	calls  []int // the slot of each Backward since the last Gradient
	begun  bool
	grad   []float64
}

var errShape = errors.New("cuda: tape step batch does not match the tape's batch")

func (t *deviceTape) Forward(k int, dst, x, u []float64) {
	if len(x) != t.sm || len(dst) != t.sm || len(u) != 0 {
		panic(errShape)
	}
	copy(t.x[k*t.sm:(k+1)*t.sm], x)
	if t.filled == nil {
		t.filled = make([]bool, t.steps)
	}
	t.filled[k] = true
	if t.cpu != nil {
		t.cpu.Forward(k, dst, x, u)
		return
	}
	var err error
	if k == 0 || !t.begun {
		if err = t.ens.SetParams(t.d.Params()); err == nil {
			err = t.ens.tapeBegin()
		}
		t.begun = err == nil
	}
	if err == nil {
		err = t.ens.tapeForward(k, x, dst)
	}
	if err != nil {
		t.fallback(err)
		t.cpu.Forward(k, dst, x, u)
	}
}

func (t *deviceTape) Backward(k int, gx, g []float64) {
	if len(g) != t.sm || len(gx) != t.sm {
		panic(errShape)
	}
	c := len(t.calls)
	if c >= t.steps {
		panic("cuda: tape used for more Backward calls than its steps")
	}
	copy(t.g[c*t.sm:(c+1)*t.sm], g)
	t.calls = append(t.calls, k)
	if t.cpu != nil {
		t.cpu.Backward(k, gx, g)
		return
	}
	if err := t.ens.tapeBackward(k, g, gx); err != nil {
		t.calls = t.calls[:c] // fallback replays the calls before this one
		t.fallback(err)
		t.calls = append(t.calls, k)
		t.cpu.Backward(k, gx, g)
	}
}

func (t *deviceTape) Gradient(gtheta []float64) {
	defer func() { t.calls = t.calls[:0] }()
	if t.cpu != nil {
		t.cpu.Gradient(gtheta)
		return
	}
	if err := t.ens.tapeGradient(t.grad); err != nil {
		t.fallback(err)
		t.cpu.Gradient(gtheta)
		return
	}
	for i, v := range t.grad {
		gtheta[i] += v
	}
}

// fallback moves the tape to the CPU: it records the window's slots and
// replays the Backward calls so far into the CPU tape, which continues.
func (t *deviceTape) fallback(err error) {
	t.d.fail(err)
	t.ens.Close()
	t.cpu = t.d.Dendritic.NewTape(t.steps, t.sm/t.d.cfg.M)
	dst, gx := make([]float64, t.sm), make([]float64, t.sm)
	for k := 0; k < t.steps; k++ {
		if t.filled[k] {
			t.cpu.Forward(k, dst, t.x[k*t.sm:(k+1)*t.sm], nil)
		}
	}
	for c, k := range t.calls {
		t.cpu.Backward(k, gx, t.g[c*t.sm:(c+1)*t.sm])
	}
}
