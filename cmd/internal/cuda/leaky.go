//go:build cuda

package cuda

/*
#include "rnncuda.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// LeakyEnsemble trains E leaky rate RNNs (models/leaky) at once on the
// device (build/cuda/leaky.cuh): θ, the gradient and tasktrain.Adam's
// moments stay there; a training step is one Window (six launches: forward
// through warm-up and epochs, readout, loss, state cotangents, backward,
// gradient) and one Adam. The float64 kernels follow rules/tasktrain's order
// of operations (base BPTT, ReLU), so loss and gradient are the CPU's to
// DeviceTolerance (expected difference 0).
type LeakyEnsemble struct {
	cfg LeakyConfig
	h   *C.rnncuda_leaky
	P   int // parameters of one network (leaky.Net's Layout)
}

// NewLeakyEnsemble allocates the ensemble on the device (θ = 0), or returns
// an error wrapping ErrNoDevice without one.
func NewLeakyEnsemble(cfg LeakyConfig) (*LeakyEnsemble, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cc := leakyCConfig(cfg)
	l := &LeakyEnsemble{cfg: cfg}
	if err := status(C.rnncuda_leaky_create(&cc, &l.h), "leaky ensemble"); err != nil {
		return nil, err
	}
	l.P = int(C.rnncuda_leaky_param_count(l.h))
	runtime.SetFinalizer(l, (*LeakyEnsemble).Close)
	return l, nil
}

// leakyCConfig is cfg in the library's terms.
func leakyCConfig(cfg LeakyConfig) C.rnncuda_leaky_config {
	n := cfg.Net.WithDefaults()
	N := float64(n.N)
	var cc C.rnncuda_leaky_config
	cc.models, cc.units, cc.inputs, cc.outputs = C.int(cfg.Models), C.int(n.N), C.int(n.K), C.int(n.Q)
	nin := int(0.4 * N) // leaky.New's Nin = Nout and Nexc
	cc.nin, cc.nout, cc.nexc = C.int(nin), C.int(nin), C.int(int(0.8*N))
	cc.activation = C.RNNCUDA_LEAKY_RELU
	if n.Dale {
		cc.dale = 1
	}
	cc.trials, cc.warmup, cc.epochs = C.int(cfg.Trials), C.int(cfg.Warmup), C.int(len(cfg.Steps))
	for e, T := range cfg.Steps {
		cc.steps[e] = C.int(T)
	}
	cc.fix_lo, cc.fix_hi, cc.resp_lo, cc.resp_hi = C.int(cfg.FixLo), C.int(cfg.FixHi), C.int(cfg.RespLo), C.int(cfg.RespHi)
	cc.tau, cc.dt = C.double(n.Tau), C.double(n.Dt)
	return cc
}

// Reshape sets a new window shape (Warmup, Steps and the loss windows of
// cfg; a jittered task batch changes them from step to step) within the
// capacity the ensemble was made with: no more warm-up plus recorded
// steps, recorded steps or epochs than NewLeakyEnsemble's config. The
// other fields must be unchanged. θ and the Adam state stay.
func (l *LeakyEnsemble) Reshape(cfg LeakyConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if l.h == nil {
		return fmt.Errorf("cuda: leaky ensemble used after Close")
	}
	if cfg.Models != l.cfg.Models || cfg.Trials != l.cfg.Trials || cfg.Net.WithDefaults() != l.cfg.Net.WithDefaults() {
		return fmt.Errorf("cuda: leaky ensemble Reshape changes models, trials or the network (%+v → %+v): make a new ensemble", l.cfg, cfg)
	}
	cc := leakyCConfig(cfg)
	if err := status(C.rnncuda_leaky_set_shape(l.h, &cc), "leaky reshape"); err != nil {
		return err
	}
	cfg.Steps = append([]int(nil), cfg.Steps...)
	l.cfg = cfg
	return nil
}

// Close frees the device memory; the ensemble must not be used afterwards.
func (l *LeakyEnsemble) Close() {
	if l.h != nil {
		C.rnncuda_leaky_free(l.h)
		l.h = nil
	}
}

func (l *LeakyEnsemble) size(name string, v []float64, want int) error {
	if l.h == nil {
		return fmt.Errorf("cuda: leaky ensemble used after Close")
	}
	if len(v) != want {
		return fmt.Errorf("cuda: leaky ensemble %s has %d values, want %d", name, len(v), want)
	}
	return nil
}

// SetParams uploads θ of every network (E·P values, leaky.Net's Params back
// to back). The Adam moments stay.
func (l *LeakyEnsemble) SetParams(theta []float64) error {
	if err := l.size("theta", theta, l.cfg.Models*l.P); err != nil {
		return err
	}
	return status(C.rnncuda_leaky_set_params(l.h, (*C.double)(unsafe.Pointer(&theta[0]))), "leaky set params")
}

// Params downloads θ of every network into theta (E·P values).
func (l *LeakyEnsemble) Params(theta []float64) error {
	if err := l.size("theta", theta, l.cfg.Models*l.P); err != nil {
		return err
	}
	return status(C.rnncuda_leaky_get_params(l.h, (*C.double)(unsafe.Pointer(&theta[0]))), "leaky get params")
}

// Grad downloads the gradient of the last Window (E·P values).
func (l *LeakyEnsemble) Grad(g []float64) error {
	if err := l.size("gradient", g, l.cfg.Models*l.P); err != nil {
		return err
	}
	return status(C.rnncuda_leaky_get_grad(l.h, (*C.double)(unsafe.Pointer(&g[0]))), "leaky get gradient")
}

// Window runs one training window of every network on b and writes each
// network's loss into loss (E values); the gradient stays on the device.
func (l *LeakyEnsemble) Window(b *LeakyBatch, loss []float64) error {
	c, n := l.cfg, l.cfg.Net.WithDefaults()
	E, S := c.Models, c.Trials
	for _, a := range []struct {
		name string
		v    []float64
		n    int
	}{{"warm input", b.WarmInput, E * S * n.K}, {"input", b.Input, E * len(c.Steps) * S * n.K},
		{"eta", b.Eta, E * (c.Warmup + c.Recorded()) * S * n.N}, {"fixation target", b.TargetFix, E * S * n.Q},
		{"response target", b.TargetOut, E * S * n.Q}, {"loss", loss, E}} {
		if a.name == "eta" && b.ReuseEta {
			continue
		}
		if err := l.size(a.name, a.v, a.n); err != nil {
			return err
		}
	}
	p := func(v []float64) *C.double { return (*C.double)(unsafe.Pointer(&v[0])) }
	if b.ReuseEta {
		return status(C.rnncuda_leaky_window(l.h, p(b.WarmInput), p(b.Input), nil, p(b.TargetFix), p(b.TargetOut), p(loss)), "leaky window")
	}
	return status(C.rnncuda_leaky_window(l.h, p(b.WarmInput), p(b.Input), p(b.Eta), p(b.TargetFix), p(b.TargetOut), p(loss)), "leaky window")
}

// Adam takes one tasktrain.Adam step of every network at learning rate lr.
func (l *LeakyEnsemble) Adam(lr float64) error {
	if l.h == nil {
		return fmt.Errorf("cuda: leaky ensemble used after Close")
	}
	return status(C.rnncuda_leaky_adam(l.h, C.double(lr)), "leaky Adam")
}
