package cuda

import (
	"fmt"

	"github.com/rnnlab/rnnlab/models/leaky"
)

// LeakyConfig sizes an ensemble of leaky rate RNNs (models/leaky, the
// networks of the cognitive tasks) and the task batch of one training
// window: every network trains by base BPTT (tasktrain's Skipping off) on
// Trials trials of Warmup untaped steps and then len(Steps) recorded epochs,
// the loss of cogtask.Batch.Loss over the recorded-step windows [FixLo,
// FixHi) and [RespLo, RespHi). All networks share the shape; each has its own
// θ, inputs, targets, noise and Adam state.
type LeakyConfig struct {
	Models int          // E ≥ 1
	Net    leaky.Config // N ≤ 1024, K, Q, τ, dt, Dale; activation "relu" only on the device
	Trials int          // S ≥ 1
	Warmup int          // untaped steps before the recorded epochs
	Steps  []int        // steps of each recorded epoch (1…16 epochs)
	// FixLo, FixHi, RespLo, RespHi are the loss windows (cogtask.Batch's
	// FixWindow, RespWindow) in recorded steps.
	FixLo, FixHi, RespLo, RespHi int
}

// Validate reports the first setting the device cannot run, naming it.
func (c LeakyConfig) Validate() error {
	n := c.Net.WithDefaults()
	if err := n.Validate(); err != nil {
		return fmt.Errorf("cuda: leaky ensemble: %w", err)
	}
	R := c.Recorded()
	switch {
	case c.Models < 1:
		return fmt.Errorf("cuda: leaky ensemble models = %d, need ≥ 1", c.Models)
	case n.N > 1024:
		return fmt.Errorf("cuda: leaky ensemble units = %d, the device needs ≤ 1024", n.N)
	case n.Activation != "relu":
		return fmt.Errorf("cuda: leaky ensemble activation = %q: only \"relu\" runs on the device (use --device cpu)", n.Activation)
	case c.Trials < 1 || c.Warmup < 0:
		return fmt.Errorf("cuda: leaky ensemble trials = %d, warmup = %d, need ≥ 1 and ≥ 0", c.Trials, c.Warmup)
	case len(c.Steps) < 1 || len(c.Steps) > 16:
		return fmt.Errorf("cuda: leaky ensemble has %d epochs, need 1…16", len(c.Steps))
	case c.FixLo < 0 || c.FixLo > c.FixHi || c.FixHi > R || c.RespLo < 0 || c.RespLo > c.RespHi || c.RespHi > R:
		return fmt.Errorf("cuda: leaky ensemble loss windows [%d,%d), [%d,%d) outside the %d recorded steps", c.FixLo, c.FixHi, c.RespLo, c.RespHi, R)
	}
	for e, T := range c.Steps {
		if T < 1 {
			return fmt.Errorf("cuda: leaky ensemble steps[%d] = %d, need ≥ 1", e, T)
		}
	}
	return nil
}

// Recorded is R, the recorded steps of a window (the sum of Steps).
func (c LeakyConfig) Recorded() int {
	R := 0
	for _, T := range c.Steps {
		R += T
	}
	return R
}

// LeakyBatch is one window's data of every network, model-major: WarmInput
// E·S·K (the warm-up's input rows), Input E·epochs·S·K (each epoch's),
// Eta E·(Warmup+R)·S·N (the OU noise η of every evaluation in order, as the
// CPU trainer draws it: the device has no generator, so it reproduces the
// CPU's bits), TargetFix and TargetOut E·S·Q.
type LeakyBatch struct {
	WarmInput, Input, Eta, TargetFix, TargetOut []float64
	// ReuseEta skips Eta's upload and uses the noise of the last window
	// again (for timing the window without its largest transfer).
	ReuseEta bool
}
