package force

import (
	"fmt"

	"github.com/rnnlab/rnnlab/models/lif"
)

// Spiking runs FORCE on a LIF network after Nicola & Clopath (Nat. Commun.
// 8:2208, 2017): the features are the network's exponentially filtered
// spike trains (a lif.Trace), the readout z = W r is fed back as the
// network's input signal (through its fixed input weights, their Qη), and
// RLS updates W every Every steps while a target is given. The recurrent
// weights stay fixed; unlike Nicola & Clopath's network, ours keeps Dale's
// law (excitatory and inhibitory populations).
type Spiking struct {
	Net   *lif.Net
	Trace *lif.Trace
	RLS   *RLS
	Z     []float64
	Every int

	k int
}

// NewSpiking returns a trainer for net, whose Drive.Inputs is the number of
// outputs, reading all neurons through a trace of time constant tau (ms),
// with RLS regulariser alpha and an update every `every` steps.
func NewSpiking(net *lif.Net, tau, alpha float64, every int) (*Spiking, error) {
	q := net.Config().Drive.Inputs
	if q == 0 {
		return nil, fmt.Errorf("force: the network has Drive.Inputs = 0, no input to feed the readout back into")
	}
	if every < 1 {
		return nil, fmt.Errorf("force: update interval %d must be ≥ 1 step", every)
	}
	return &Spiking{Net: net, Trace: lif.NewTrace(net, 0, net.N, tau), RLS: NewRLS(net.N, q, alpha),
		Z: make([]float64, q), Every: every}, nil
}

// Step advances the network one step with z fed back, updates the trace and
// the readout, and, with a target, makes an RLS step every Every steps,
// returning its squared error before the update (0 otherwise). A network
// error (a non-finite readout) is returned.
func (s *Spiking) Step(target []float64) (float64, error) {
	if err := s.Net.Step(s.Z); err != nil {
		return 0, err
	}
	s.Trace.Record(s.Net)
	s.k++
	var sq float64
	if target != nil && s.k%s.Every == 0 {
		sq = s.RLS.Update(s.Trace.X, target)
	}
	s.RLS.Predict(s.Z, s.Trace.X)
	return sq, nil
}
