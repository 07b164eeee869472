package tasktrain

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// NetworkState is everything a checkpoint holds of one network: θ, the Adam
// state and the random stream.
type NetworkState struct {
	Theta, AdamM, AdamV []float64
	AdamT               int
	AdamB1t, AdamB2t    float64
	Rand                []byte
}

// State is a checkpoint of an ensemble (the Config is stored beside it).
type State struct {
	Stage, StageRound, Round int
	Crit                     float64
	Perf, Res, Loss          []float64
	Nets                     []NetworkState
}

// State returns a copy of the ensemble's state.
func (e *Ensemble) State() State {
	s := State{Stage: e.Stage, StageRound: e.StageRound, Round: e.Round, Crit: e.Crit,
		Perf: append([]float64(nil), e.Perf...), Res: append([]float64(nil), e.Res...),
		Loss: append([]float64(nil), e.Loss...)}
	for _, n := range e.Nets {
		rb, _ := n.Rand.MarshalBinary()
		s.Nets = append(s.Nets, NetworkState{
			Theta: append([]float64(nil), n.Model.Params()...),
			AdamM: append([]float64(nil), n.Adam.M...), AdamV: append([]float64(nil), n.Adam.V...),
			AdamT: n.Adam.T, AdamB1t: n.Adam.B1t, AdamB2t: n.Adam.B2t, Rand: rb})
	}
	return s
}

// SetState restores a state made by State for the same Config.
func (e *Ensemble) SetState(s State) error {
	if len(s.Nets) != len(e.Nets) || len(s.Perf) != len(e.Nets) {
		return fmt.Errorf("tasktrain: checkpoint holds %d networks, the config %d (networks)", len(s.Nets), len(e.Nets))
	}
	for i, ns := range s.Nets {
		n := e.Nets[i]
		p := n.Model.Params()
		if len(ns.Theta) != len(p) || len(ns.AdamM) != len(p) || len(ns.AdamV) != len(p) {
			return fmt.Errorf("tasktrain: checkpoint network %d has %d parameters, the config %d (units)", i, len(ns.Theta), len(p))
		}
		r := rng.New(0)
		if err := r.UnmarshalBinary(ns.Rand); err != nil {
			return fmt.Errorf("tasktrain: checkpoint network %d: %w", i, err)
		}
		copy(p, ns.Theta)
		copy(n.Adam.M, ns.AdamM)
		copy(n.Adam.V, ns.AdamV)
		n.Adam.T, n.Adam.B1t, n.Adam.B2t = ns.AdamT, ns.AdamB1t, ns.AdamB2t
		n.Rand = r
	}
	e.Stage, e.StageRound, e.Round, e.Crit = s.Stage, s.StageRound, s.Round, s.Crit
	copy(e.Perf, s.Perf)
	copy(e.Res, s.Res)
	copy(e.Loss, s.Loss)
	return nil
}
