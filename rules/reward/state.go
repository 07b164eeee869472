package reward

import "fmt"

// State is what a checkpoint of a DNMS run needs: the learned weights, the
// running averages, the trial counter and the generator (its
// MarshalBinary form). W_in is fixed by the seed and not stored.
type State struct {
	J, XBar  []float64
	Baseline [4]float64
	Trial    int
	Rand     []byte
}

// Snapshot returns a copy of the network's state.
func (n *Net) Snapshot() (State, error) {
	rb, err := n.Rand.MarshalBinary()
	if err != nil {
		return State{}, err
	}
	return State{J: append([]float64(nil), n.J...), XBar: append([]float64(nil), n.XBar...),
		Baseline: n.Baseline, Trial: n.Trial, Rand: rb}, nil
}

// Restore sets the network's state from a snapshot of a network with the same
// Config.
func (n *Net) Restore(s State) error {
	if len(s.J) != len(n.J) || len(s.XBar) != len(n.XBar) {
		return fmt.Errorf("reward: snapshot of a %d-unit network, this one has %d", len(s.XBar), len(n.XBar))
	}
	if err := n.Rand.UnmarshalBinary(s.Rand); err != nil {
		return fmt.Errorf("reward: snapshot generator: %w", err)
	}
	copy(n.J, s.J)
	copy(n.XBar, s.XBar)
	n.Baseline, n.Trial = s.Baseline, s.Trial
	return nil
}
