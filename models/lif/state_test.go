package lif

import (
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestCheckpoint: a network rebuilt from its Config and seed and given a
// State taken mid-run continues with exactly the same spikes and potentials.
func TestCheckpoint(t *testing.T) {
	cfg := Brunel(5, 2, 0.2)
	cfg.TauSyn = 0.5 // exponential synapses keep I in the state; weights ×τm/τs keep the charge
	cfg.J *= 40
	cfg.Drive.PoissonJ *= 40
	a, err := New(cfg, rng.New(3))
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 500; k++ {
		a.Step(nil)
	}
	s := a.State()
	var sa, sb SpikeMonitor
	for k := 0; k < 500; k++ {
		a.Step(nil)
		sa.Record(a)
	}
	b, _ := New(cfg, rng.New(3))
	if err := b.SetState(s); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 500; k++ {
		b.Step(nil)
		sb.Record(b)
	}
	if sa.Count() == 0 || !slices.Equal(sa.Neuron, sb.Neuron) || !slices.Equal(sa.Step, sb.Step) || !slices.Equal(a.V, b.V) {
		t.Fatalf("resumed run differs: %d vs %d spikes", sa.Count(), sb.Count())
	}
	s.Ring = s.Ring[1:]
	if err := b.SetState(s); err == nil {
		t.Fatal("a short ring buffer was accepted")
	}
}
