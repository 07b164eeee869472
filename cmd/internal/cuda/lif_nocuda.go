//go:build !cuda

package cuda

import "github.com/rnnlab/rnnlab/models/lif"

// LIF is a models/lif network on the device; this build cannot make one
// (NewLIF).
type LIF struct{ N, NE, L int }

// NewLIF returns ErrNoGPUSupport in this build (after checking net).
func NewLIF(net *lif.Net, opt LIFOptions) (*LIF, error) {
	if err := checkLIFNet(net); err != nil {
		return nil, err
	}
	return nil, ErrNoGPUSupport
}

func (d *LIF) Close()                                           {}
func (d *LIF) Steps() int64                                     { return 0 }
func (d *LIF) SetState(s lif.State) error                       { return ErrNoGPUSupport }
func (d *LIF) State() (lif.State, error)                        { return lif.State{}, ErrNoGPUSupport }
func (d *LIF) Run(steps int, spiked func(int64, []int32)) error { return ErrNoGPUSupport }
