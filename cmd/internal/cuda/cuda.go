// Package cuda is rnnlab's GPU path: Go bindings to librnncuda.so, the
// project's own CUDA library (build/cuda, docs/gpu.md), built only with
// `-tags cuda` (cgo). Without the tag the same API reports ErrNoGPUSupport
// and callers use the CPU types; with the tag but no usable device at run
// time, every constructor returns an error wrapping ErrNoDevice — never a
// crash.
//
// Two ways in:
//
//   - Dendritic is a plrnn.Dendritic (models.Trainable, same Params layout,
//     Step, VJP and Jacobian on the CPU) whose tape (models.Taper) runs the
//     batched forward and backward of a BPTT window on the device. θ stays
//     the flat host slice the optimizer and checkpoints see; the tape
//     uploads it at every window start (Forward(0)) and keeps the window on
//     the device. rules/bptt drives it unchanged.
//   - Shallow is the same for plrnn.Shallow, the shallow PLRNN (plain or
//     clipped) that rnnlab trains by default.
//   - Ensemble trains E independent dendritic (or vanilla, or shallow) PLRNNs at once, each with its
//     own parameters, series, windows and Adam/RAdam state, θ held on the
//     device: a training step is one Window (forward with sparse teacher
//     forcing, backward, gradient) and one Adam call, a handful of kernel
//     launches; Rollout generates free-running trajectories.
//
// The kernels compute in float64 and reproduce the CPU path's order of
// operations; results are checked against the CPU with Compare at the
// tolerance DeviceTolerance.
package cuda

import (
	"errors"
	"fmt"
)

// ErrNoGPUSupport is returned by every constructor of a build without the
// cuda tag.
var ErrNoGPUSupport = errors.New("cuda: this build has no GPU support (rebuild with `-tags cuda` against librnncuda.so: make cuda; see docs/gpu.md)")

// ErrNoDevice is wrapped by the errors of a cuda build that finds no usable
// device at run time (no GPU, no driver, or the stub library).
var ErrNoDevice = errors.New("cuda: no usable CUDA device")

// DeviceTolerance is the relative tolerance of the float64 device path
// against the CPU path (Compare): the kernels reproduce the CPU's order of
// operations, so the expected difference is zero; the bound leaves room for
// a differently rounded library function on a future device.
const DeviceTolerance = 1e-12

// Float32Tolerance is the relative tolerance (Compare) of the float32
// window against the float64 CPU path for one window's loss and gradient
// from the same θ, and for short rollouts: float32's unit roundoff 6e-8
// grown by the window's sums and the Jacobian products between forcings.
// It bounds single windows, not whole training runs, which diverge under
// any change of rounding.
const Float32Tolerance = 1e-4

// Info describes a CUDA device.
type Info struct {
	Name         string
	Memory       int64 // bytes of global memory
	Major, Minor int   // compute capability
	SMs          int   // multiprocessors
}

func (i Info) String() string {
	return fmt.Sprintf("%s (compute %d.%d, %d SMs, %.1f GiB)", i.Name, i.Major, i.Minor, i.SMs, float64(i.Memory)/(1<<30))
}

// EnsembleConfig sizes an ensemble of dendritic (or vanilla, or shallow)
// PLRNNs and its training windows. Every model observes its first Observed latents (an identity
// observation) and is forced there every Interval steps (sparse teacher
// forcing).
type EnsembleConfig struct {
	Models  int  // E ≥ 1
	Vanilla bool // the vanilla PLRNN z' = A⊙z + W relu(z) + h (plrnn.Vanilla) instead of the dendritic one
	// Shallow selects the shallow PLRNN z' = A⊙z + W₁ relu(W₂z + h₂) + h₁
	// (plrnn.Shallow; clipped: W₁ (relu(W₂z + h₂) − relu(W₂z))) with Hidden
	// units instead of the dendritic one.
	Shallow  bool
	Latents  int  // M, 1…1024
	Bases    int  // B, 1…1024 (dendritic); 0 (vanilla, shallow)
	Hidden   int  // L, 1…4096 (shallow); 0 (dendritic, vanilla)
	Clipped  bool // the clipped dendritic or shallow form
	Batch    int  // S windows per step
	SeqLen   int  // T, the window length
	Observed int  // N, 1…M
	Interval int  // τ
	Project  bool // zero the gradient of W's diagonal, as the trainer's ProjectGradient (not shallow: it has no such W)
	// Float32 computes the window and rollouts in float32 (θ, the gradient
	// sums, the loss and the optimizer stay float64): faster, within
	// Float32Tolerance of the CPU instead of DeviceTolerance.
	Float32 bool
}

// Validate reports the first impossible setting, naming its key.
func (c EnsembleConfig) Validate() error {
	switch {
	case c.Models < 1:
		return fmt.Errorf("cuda: ensemble models = %d, need ≥ 1", c.Models)
	case c.Latents < 1 || c.Latents > 1024:
		return fmt.Errorf("cuda: ensemble latents = %d, need 1…1024", c.Latents)
	case c.Vanilla && c.Shallow:
		return fmt.Errorf("cuda: ensemble vanilla and shallow both set: choose one model family")
	case c.Vanilla && (c.Bases != 0 || c.Clipped):
		return fmt.Errorf("cuda: ensemble vanilla with bases = %d, clipped = %v: the vanilla PLRNN has neither (need 0, false)", c.Bases, c.Clipped)
	case c.Shallow && (c.Bases != 0 || c.Project):
		return fmt.Errorf("cuda: ensemble shallow with bases = %d, project = %v: the shallow PLRNN has no bases and no W diagonal (need 0, false)", c.Bases, c.Project)
	case c.Shallow && (c.Hidden < 1 || c.Hidden > 4096):
		return fmt.Errorf("cuda: ensemble hidden = %d, need 1…4096 for the shallow PLRNN", c.Hidden)
	case !c.Shallow && c.Hidden != 0:
		return fmt.Errorf("cuda: ensemble hidden = %d: only the shallow PLRNN has hidden units (need 0)", c.Hidden)
	case !c.Vanilla && !c.Shallow && (c.Bases < 1 || c.Bases > 1024):
		return fmt.Errorf("cuda: ensemble bases = %d, need 1…1024", c.Bases)
	case c.Batch < 1:
		return fmt.Errorf("cuda: ensemble batch = %d, need ≥ 1", c.Batch)
	case c.SeqLen < 1:
		return fmt.Errorf("cuda: ensemble seq_len = %d, need ≥ 1", c.SeqLen)
	case c.Observed < 1 || c.Observed > c.Latents:
		return fmt.Errorf("cuda: ensemble observed = %d, need 1…latents (%d)", c.Observed, c.Latents)
	case c.Interval < 1:
		return fmt.Errorf("cuda: ensemble interval = %d, need ≥ 1", c.Interval)
	}
	return nil
}

// ParamCount is P, the parameters of one model: M + M² + M + B + M·B in the
// order of plrnn.Dendritic's Layout (A, W, h, alpha, H), M + M² + M in
// plrnn.Vanilla's (A, W, h), or M + M·L + L·M + M + L in plrnn.Shallow's
// (A, W1, W2, h1, h2).
func (c EnsembleConfig) ParamCount() int {
	if c.Vanilla {
		return 2*c.Latents + c.Latents*c.Latents
	}
	if c.Shallow {
		return 2*c.Latents + 2*c.Latents*c.Hidden + c.Hidden
	}
	return 2*c.Latents + c.Latents*c.Latents + c.Bases + c.Latents*c.Bases
}

// CheckDevice validates the value of a --device flag or "device" config
// key: "cpu" (or empty) needs nothing; "cuda" needs a build with GPU
// support (ErrNoGPUSupport otherwise) and a usable device (an error
// wrapping ErrNoDevice otherwise). The error names the value.
func CheckDevice(name string) error {
	switch name {
	case "", "cpu":
		return nil
	case "cuda":
		if err := Available(); err != nil {
			return fmt.Errorf("--device cuda: %w", err)
		}
		return nil
	}
	return fmt.Errorf("--device %q: unknown device (want cpu or cuda)", name)
}
