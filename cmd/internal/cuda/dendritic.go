//go:build cuda

package cuda

import (
	"fmt"

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
	dev devModel
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
	d := &Dendritic{Dendritic: plrnn.NewDendritic(cfg, r)}
	d.dev = devModel{cpu: d.Dendritic, m: cfg.M, cfg: func(steps, batch int) EnsembleConfig {
		return EnsembleConfig{Models: 1, Latents: cfg.M, Bases: cfg.Bases, Clipped: cfg.Clipped,
			Batch: batch, SeqLen: steps, Observed: 1, Interval: 1}
	}}
	return d, nil
}

// Err returns the device failure that made a tape fall back to the CPU, if
// any.
func (d *Dendritic) Err() error { return d.dev.err }

// Close frees the device memory of the model's tapes; they must not be
// used afterwards.
func (d *Dendritic) Close() { d.dev.close() }

// NewTape returns the device tape (models.Taper) for windows of the given
// steps and batch, or the CPU tape if the device cannot hold it (Err says
// why).
func (d *Dendritic) NewTape(steps, batch int) models.Tape { return d.dev.newTape(steps, batch) }
