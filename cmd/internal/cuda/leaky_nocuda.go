//go:build !cuda

package cuda

// LeakyEnsemble is an ensemble of leaky rate RNNs on the device; this build
// cannot make one (NewLeakyEnsemble).
type LeakyEnsemble struct{}

// NewLeakyEnsemble returns ErrNoGPUSupport in this build.
func NewLeakyEnsemble(cfg LeakyConfig) (*LeakyEnsemble, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return nil, ErrNoGPUSupport
}
