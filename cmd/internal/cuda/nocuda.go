//go:build !cuda

package cuda

import (
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// Supported reports whether this build has GPU support (the cuda tag).
func Supported() bool { return false }

// Available reports whether a CUDA device is usable: in this build, never.
func Available() error { return ErrNoGPUSupport }

// Devices lists the CUDA devices: in this build, none.
func Devices() ([]Info, error) { return nil, ErrNoGPUSupport }

// Ensemble is an ensemble of PLRNNs on the device; this build
// cannot make one (NewEnsemble).
type Ensemble struct{}

// NewEnsemble returns ErrNoGPUSupport in this build.
func NewEnsemble(cfg EnsembleConfig) (*Ensemble, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return nil, ErrNoGPUSupport
}

func (e *Ensemble) Config() EnsembleConfig                     { return EnsembleConfig{} }
func (e *Ensemble) SetParams(theta []float64) error            { return ErrNoGPUSupport }
func (e *Ensemble) Params(theta []float64) error               { return ErrNoGPUSupport }
func (e *Ensemble) Grad(g []float64) error                     { return ErrNoGPUSupport }
func (e *Ensemble) SetSeries(series []float64, rows int) error { return ErrNoGPUSupport }
func (e *Ensemble) Window(starts []int, loss []float64) error  { return ErrNoGPUSupport }
func (e *Ensemble) Adam(lr float64, rectified bool) error      { return ErrNoGPUSupport }
func (e *Ensemble) AdamState(m, v []float64) (int, error)      { return 0, ErrNoGPUSupport }
func (e *Ensemble) SetAdamState(m, v []float64, t int) error   { return ErrNoGPUSupport }
func (e *Ensemble) Rollout(z0 []float64, rollouts, steps int, out []float64) error {
	return ErrNoGPUSupport
}
func (e *Ensemble) Close() {}

// Dendritic is a plrnn.Dendritic whose tape runs on the device; this build
// cannot make one (NewDendritic).
type Dendritic struct{ *plrnn.Dendritic }

// NewDendritic returns ErrNoGPUSupport in this build.
func NewDendritic(cfg plrnn.Config, r *rng.Rand) (*Dendritic, error) { return nil, ErrNoGPUSupport }

// Err is nil in this build.
func (d *Dendritic) Err() error { return nil }

// Close does nothing in this build.
func (d *Dendritic) Close() {}

// Shallow is a plrnn.Shallow whose tape runs on the device; this build
// cannot make one (NewShallow).
type Shallow struct{ *plrnn.Shallow }

// NewShallow returns ErrNoGPUSupport in this build.
func NewShallow(cfg plrnn.Config, r *rng.Rand) (*Shallow, error) { return nil, ErrNoGPUSupport }

// Err is nil in this build.
func (s *Shallow) Err() error { return nil }

// Close does nothing in this build.
func (s *Shallow) Close() {}

var (
	_ models.Taper = (*Dendritic)(nil)
	_ models.Taper = (*Shallow)(nil)
)
