package lif

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// State is everything of a network that changes while it runs: with the
// Config and the seed that built it (connectivity and input weights are
// drawn again by New), it is a checkpoint from which the run continues bit
// for bit.
type State struct {
	Steps int64
	V, I  []float64
	Ref   []int32
	Ring  []float64 // L×N pending spike arrivals
	RNG   []byte    // the Poisson stream (rng.Rand.MarshalBinary)
}

// State returns a copy of n's state.
func (n *Net) State() State {
	b, err := n.poisson.MarshalBinary()
	if err != nil {
		panic("lif: " + err.Error())
	}
	return State{Steps: n.Steps, V: append([]float64(nil), n.V...), I: append([]float64(nil), n.I...),
		Ref: append([]int32(nil), n.Ref...), Ring: append([]float64(nil), n.ring...), RNG: b}
}

// SetState restores a state taken from a network of the same Config; it
// checks the sizes and leaves n unchanged on error.
func (n *Net) SetState(s State) error {
	if len(s.V) != n.N || len(s.I) != n.N || len(s.Ref) != n.N {
		return fmt.Errorf("lif: state holds %d, %d, %d values of V, I, Ref for a network of N = %d", len(s.V), len(s.I), len(s.Ref), n.N)
	}
	if len(s.Ring) != len(n.ring) {
		return fmt.Errorf("lif: state ring buffer has %d values, this network %d (L = %d slots of N = %d)", len(s.Ring), len(n.ring), n.L, n.N)
	}
	if s.Steps < 0 {
		return fmt.Errorf("lif: state step count %d is negative", s.Steps)
	}
	r := rng.New(0)
	if err := r.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("lif: state random stream: %v", err)
	}
	n.Steps = s.Steps
	copy(n.V, s.V)
	copy(n.I, s.I)
	copy(n.Ref, s.Ref)
	copy(n.ring, s.Ring)
	n.poisson = r
	n.spikes = n.spikes[:0]
	return nil
}
