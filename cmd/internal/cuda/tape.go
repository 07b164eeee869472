//go:build cuda

package cuda

import (
	"errors"
	"fmt"
	"os"

	"github.com/rnnlab/rnnlab/models"
)

// cpuTaper is what a device tape needs of the CPU model it stands in for:
// the flat θ it uploads at each window start, and the CPU tape it falls
// back to.
type cpuTaper interface {
	models.Taper
	Params() []float64
}

// devModel is what Dendritic and Shallow share: the CPU model, the
// ensemble (one model) that sizes a tape of a given window, the first
// device failure and the device memory of the tapes made so far.
type devModel struct {
	cpu   cpuTaper
	m     int                                   // latents
	cfg   func(steps, batch int) EnsembleConfig // the tape's one-model ensemble
	err   error
	tapes []*Ensemble
}

func (d *devModel) close() {
	for _, e := range d.tapes {
		e.Close()
	}
	d.tapes = nil
}

func (d *devModel) fail(err error) {
	if d.err == nil {
		d.err = err
		fmt.Fprintf(os.Stderr, "rnnlab: GPU tape falls back to the CPU: %v\n", err)
	}
}

// newTape returns the device tape for windows of the given steps and
// batch, or the CPU tape if the device cannot hold it (err says why).
func (d *devModel) newTape(steps, batch int) models.Tape {
	if steps < 1 || batch < 1 {
		panic("cuda: NewTape needs steps ≥ 1 and batch ≥ 1")
	}
	ens, err := NewEnsemble(d.cfg(steps, batch))
	if err != nil {
		d.fail(err)
		return d.cpu.NewTape(steps, batch)
	}
	d.tapes = append(d.tapes, ens)
	sm := batch * d.m
	return &deviceTape{d: d, ens: ens, steps: steps, sm: sm,
		x: make([]float64, steps*sm), g: make([]float64, steps*sm), calls: make([]int, 0, steps),
		grad: make([]float64, len(d.cpu.Params()))}
}

// deviceTape is models.Tape on the device, with host copies of each slot's
// input and each Backward's cotangent so that a device failure can be
// replayed into the CPU tape.
type deviceTape struct {
	d      *devModel
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
		if err = t.ens.SetParams(t.d.cpu.Params()); err == nil {
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
	t.cpu = t.d.cpu.NewTape(t.steps, t.sm/t.d.m)
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
