//go:build cuda

package cuda

/*
#cgo CFLAGS: -I${SRCDIR}/../../../build/cuda
#cgo LDFLAGS: -L${SRCDIR}/../../../build/cuda/lib -lrnncuda -Wl,-rpath,${SRCDIR}/../../../build/cuda/lib
#include <stdlib.h>
#include "rnncuda.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Supported reports whether this build has GPU support (the cuda tag).
func Supported() bool { return true }

// Real reports whether the linked librnncuda.so is the CUDA library (not
// the stub of build/cuda/stub.c).
func Real() bool { return C.rnncuda_is_real() == 1 }

// status turns a library return code into an error naming the call.
func status(rc C.int, what string) error {
	if rc == C.RNNCUDA_OK {
		return nil
	}
	msg := C.GoString(C.rnncuda_error())
	switch rc {
	case C.RNNCUDA_ERR_NO_DEVICE:
		return fmt.Errorf("%w: %s (%s)", ErrNoDevice, what, msg)
	case C.RNNCUDA_ERR_ARG:
		return fmt.Errorf("cuda: %s: bad argument: %s", what, msg)
	case C.RNNCUDA_ERR_MEMORY:
		return fmt.Errorf("cuda: %s: out of device memory: %s", what, msg)
	}
	return fmt.Errorf("cuda: %s failed (code %d): %s", what, int(rc), msg)
}

// call runs f on a locked OS thread, so the library's per-thread error
// message belongs to this call.
func call(what string, f func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return status(f(), what)
}

// Available reports whether a CUDA device is usable (nil) or why not.
func Available() error {
	if v := int(C.rnncuda_abi_version()); v != C.RNNCUDA_ABI_VERSION {
		return fmt.Errorf("cuda: librnncuda.so implements ABI %d, these bindings need %d (rebuild the library: make cuda)", v, C.RNNCUDA_ABI_VERSION)
	}
	var n C.int
	return call("device count", func() C.int { return C.rnncuda_device_count(&n) })
}

// Devices lists the CUDA devices.
func Devices() ([]Info, error) {
	var n C.int
	if err := call("device count", func() C.int { return C.rnncuda_device_count(&n) }); err != nil {
		return nil, err
	}
	out := make([]Info, int(n))
	for i := range out {
		var info C.rnncuda_info
		if err := call("device info", func() C.int { return C.rnncuda_device_info(C.int(i), &info) }); err != nil {
			return nil, err
		}
		out[i] = Info{Name: C.GoString(&info.name[0]), Memory: int64(info.memory),
			Major: int(info.major), Minor: int(info.minor), SMs: int(info.multiprocessors)}
	}
	return out, nil
}

func dptr(x []float64) *C.double { return (*C.double)(unsafe.Pointer(&x[0])) }

// Ensemble is E dendritic (or vanilla, or shallow) PLRNNs on the device,
// each with its own θ, series, windows and optimizer state
// (EnsembleConfig). θ lives on the device; Params and SetParams copy the
// E·P values (model after model, each in plrnn.Dendritic's, plrnn.Vanilla's
// or plrnn.Shallow's Layout order) to and from the host.
type Ensemble struct {
	cfg    EnsembleConfig
	p      *C.rnncuda_ens
	starts []C.int
}

// NewEnsemble allocates an ensemble on the current device, θ zero.
func NewEnsemble(cfg EnsembleConfig) (*Ensemble, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Ensemble{cfg: cfg, starts: make([]C.int, cfg.Models*cfg.Batch)}
	c := C.rnncuda_config{kind: C.RNNCUDA_DENDRITIC, models: C.int(cfg.Models), latents: C.int(cfg.Latents),
		bases: C.int(cfg.Bases), hidden: C.int(cfg.Hidden), batch: C.int(cfg.Batch), steps: C.int(cfg.SeqLen),
		observed: C.int(cfg.Observed), interval: C.int(cfg.Interval)}
	if cfg.Clipped {
		c.clipped = 1
	}
	if cfg.Vanilla {
		c.kind = C.RNNCUDA_VANILLA
	}
	if cfg.Shallow {
		c.kind = C.RNNCUDA_SHALLOW
	}
	if cfg.Project {
		c.project = 1
	}
	if cfg.Float32 {
		c.single = 1
	}
	if err := call("create ensemble", func() C.int { return C.rnncuda_ens_create(&c, &e.p) }); err != nil {
		return nil, err
	}
	if got := int(C.rnncuda_ens_param_count(e.p)); got != cfg.ParamCount() {
		C.rnncuda_ens_free(e.p)
		e.p = nil
		return nil, fmt.Errorf("cuda: library counts %d parameters per model, the bindings %d (rebuild the library: make cuda)", got, cfg.ParamCount())
	}
	runtime.SetFinalizer(e, (*Ensemble).Close)
	return e, nil
}

// Config returns the ensemble's configuration.
func (e *Ensemble) Config() EnsembleConfig { return e.cfg }

func (e *Ensemble) check(what string, x []float64, n int) error {
	if e == nil || e.p == nil {
		return fmt.Errorf("cuda: %s on a closed or nil ensemble", what)
	}
	if len(x) != n {
		return fmt.Errorf("cuda: %s: %d values, want %d", what, len(x), n)
	}
	return nil
}

func (e *Ensemble) n() int { return e.cfg.Models * e.cfg.ParamCount() }

// SetParams uploads θ (E·P values).
func (e *Ensemble) SetParams(theta []float64) error {
	if err := e.check("set params", theta, e.n()); err != nil {
		return err
	}
	return call("set params", func() C.int { return C.rnncuda_ens_set_params(e.p, dptr(theta)) })
}

// Params downloads θ into theta (E·P values).
func (e *Ensemble) Params(theta []float64) error {
	if err := e.check("params", theta, e.n()); err != nil {
		return err
	}
	return call("params", func() C.int { return C.rnncuda_ens_get_params(e.p, dptr(theta)) })
}

// Grad downloads the gradient of the last Window into g (E·P values).
func (e *Ensemble) Grad(g []float64) error {
	if err := e.check("grad", g, e.n()); err != nil {
		return err
	}
	return call("grad", func() C.int { return C.rnncuda_ens_get_grad(e.p, dptr(g)) })
}

// SetSeries uploads each model's training series: E·rows·N values, model
// after model, rows of N.
func (e *Ensemble) SetSeries(series []float64, rows int) error {
	if err := e.check("set series", series, e.cfg.Models*rows*e.cfg.Observed); err != nil {
		return err
	}
	return call("set series", func() C.int { return C.rnncuda_ens_set_series(e.p, dptr(series), C.int(rows)) })
}

// Window runs one BPTT window per model on the device from the given
// window starts (E·S rows of each model's series), writes each model's
// mean squared error to loss (E values, or nil) and keeps the gradient on
// the device for Adam (and Grad). Per model it equals rules/bptt's
// SetWindows(starts), Forward and Backward (and ProjectGradient when the
// config's Project is set).
func (e *Ensemble) Window(starts []int, loss []float64) error {
	if e == nil || e.p == nil {
		return fmt.Errorf("cuda: window on a closed or nil ensemble")
	}
	if len(starts) != len(e.starts) {
		return fmt.Errorf("cuda: window: %d starts, want models × batch = %d", len(starts), len(e.starts))
	}
	for i, s := range starts {
		e.starts[i] = C.int(s)
	}
	var lp *C.double
	if loss != nil {
		if len(loss) != e.cfg.Models {
			return fmt.Errorf("cuda: window: %d loss values, want %d models", len(loss), e.cfg.Models)
		}
		lp = dptr(loss)
	}
	return call("window", func() C.int { return C.rnncuda_ens_window(e.p, &e.starts[0], lp) })
}

// Adam takes one Adam (or, rectified, RAdam) step of every model on the
// gradient of the last Window, as kernel/optim.Adam.Update with β = (0.9,
// 0.999), ε = 1e-8.
func (e *Ensemble) Adam(lr float64, rectified bool) error {
	if e == nil || e.p == nil {
		return fmt.Errorf("cuda: adam on a closed or nil ensemble")
	}
	r := C.int(0)
	if rectified {
		r = 1
	}
	return call("adam", func() C.int { return C.rnncuda_ens_adam(e.p, C.double(lr), r) })
}

// AdamState downloads the optimizer moments (E·P each) and returns its
// step count.
func (e *Ensemble) AdamState(m, v []float64) (int, error) {
	if err := e.check("adam state", m, e.n()); err != nil {
		return 0, err
	}
	if err := e.check("adam state", v, e.n()); err != nil {
		return 0, err
	}
	var t C.int
	err := call("adam state", func() C.int { return C.rnncuda_ens_get_adam(e.p, dptr(m), dptr(v), &t) })
	return int(t), err
}

// SetAdamState restores the optimizer state.
func (e *Ensemble) SetAdamState(m, v []float64, t int) error {
	if err := e.check("set adam state", m, e.n()); err != nil {
		return err
	}
	if err := e.check("set adam state", v, e.n()); err != nil {
		return err
	}
	return call("set adam state", func() C.int { return C.rnncuda_ens_set_adam(e.p, dptr(m), dptr(v), C.int(t)) })
}

// Rollout runs rollouts free-running trajectories per model from z0
// (E·rollouts states of M) for steps steps and writes the states after
// each step to out (E·rollouts·steps·M values).
func (e *Ensemble) Rollout(z0 []float64, rollouts, steps int, out []float64) error {
	if rollouts < 1 || steps < 1 {
		return fmt.Errorf("cuda: rollout: rollouts = %d and steps = %d must be ≥ 1", rollouts, steps)
	}
	if err := e.check("rollout z0", z0, e.cfg.Models*rollouts*e.cfg.Latents); err != nil {
		return err
	}
	if err := e.check("rollout out", out, e.cfg.Models*rollouts*steps*e.cfg.Latents); err != nil {
		return err
	}
	return call("rollout", func() C.int {
		return C.rnncuda_ens_rollout(e.p, dptr(z0), C.int(rollouts), C.int(steps), dptr(out))
	})
}

// Close frees the device memory. The ensemble is unusable afterwards.
func (e *Ensemble) Close() {
	if e != nil && e.p != nil {
		C.rnncuda_ens_free(e.p)
		e.p = nil
	}
}

// tapeForward, tapeBackward and tapeGradient are the device tape's calls.
func (e *Ensemble) tapeBegin() error {
	return call("tape begin", func() C.int { return C.rnncuda_tape_begin(e.p) })
}

func (e *Ensemble) tapeForward(k int, x, dst []float64) error {
	return call("tape forward", func() C.int { return C.rnncuda_tape_forward(e.p, C.int(k), dptr(x), dptr(dst)) })
}

func (e *Ensemble) tapeBackward(k int, g, gx []float64) error {
	return call("tape backward", func() C.int { return C.rnncuda_tape_backward(e.p, C.int(k), dptr(g), dptr(gx)) })
}

func (e *Ensemble) tapeGradient(grad []float64) error {
	return call("tape gradient", func() C.int { return C.rnncuda_tape_gradient(e.p, dptr(grad)) })
}
