//go:build cuda

package cuda

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// Shallow is a shallow PLRNN (Hess et al., ICML 2023, eq. 8; plain or
// clipped, plrnn.Shallow) whose tape runs on the device. It is a
// *plrnn.Shallow — the same Params slice and Layout (A, W1, W2, h1, h2),
// Step, VJP, Jacobian and HiddenRates on the CPU — so the optimizer,
// checkpoints and the analyses see the CPU model; only NewTape differs. The
// device tape uploads θ at each window start (Forward(0)), records the
// window (W₂z and the hidden activity per slot) on the device, and computes
// the states, state cotangents and the gradient in the CPU tape's order of
// operations (docs/gpu.md), so the results are the CPU's to DeviceTolerance.
//
// If the device fails in the middle of a window, the tape replays what it
// recorded into the CPU tape and continues there (same results); Err then
// reports the failure. Without a device NewShallow returns an error.
type Shallow struct {
	*plrnn.Shallow
	dev devModel
}

// NewShallow returns a shallow PLRNN initialised as plrnn.NewShallow (the
// same θ from the same r; r may be nil for θ = 0), or an error wrapping
// ErrNoDevice when no CUDA device is usable. Models with external inputs
// (K > 0) are not supported on the device.
func NewShallow(cfg plrnn.Config, r *rng.Rand) (*Shallow, error) {
	if cfg.K != 0 {
		return nil, fmt.Errorf("cuda: shallow PLRNN with %d external inputs: only autonomous models (K = 0) run on the device", cfg.K)
	}
	if cfg.M < 1 || cfg.M > 1024 || cfg.Hidden < 1 || cfg.Hidden > 4096 {
		return nil, fmt.Errorf("cuda: shallow PLRNN with M = %d, L = %d: the device needs 1 ≤ M ≤ 1024 and 1 ≤ L ≤ 4096", cfg.M, cfg.Hidden)
	}
	if err := Available(); err != nil {
		return nil, err
	}
	s := &Shallow{Shallow: plrnn.NewShallow(cfg, r)}
	s.dev = devModel{cpu: s.Shallow, m: cfg.M, cfg: func(steps, batch int) EnsembleConfig {
		return EnsembleConfig{Models: 1, Shallow: true, Latents: cfg.M, Hidden: cfg.Hidden, Clipped: cfg.Clipped,
			Batch: batch, SeqLen: steps, Observed: 1, Interval: 1}
	}}
	return s, nil
}

// Err returns the device failure that made a tape fall back to the CPU, if
// any.
func (s *Shallow) Err() error { return s.dev.err }

// Close frees the device memory of the model's tapes; they must not be
// used afterwards.
func (s *Shallow) Close() { s.dev.close() }

// NewTape returns the device tape (models.Taper) for windows of the given
// steps and batch, or the CPU tape if the device cannot hold it (Err says
// why).
func (s *Shallow) NewTape(steps, batch int) models.Tape { return s.dev.newTape(steps, batch) }
