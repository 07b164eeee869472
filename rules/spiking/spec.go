package spiking

import (
	"flag"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/models/lif"
	"github.com/rnnlab/rnnlab/rules/run"
)

// MaxSynapses bounds N²p (4 bytes a synapse: 200 MB), so that a run fits a
// browser tab.
const MaxSynapses = 5e7

// Spec is the "spiking" section of a run file.
type Spec struct {
	// N is the number of neurons (the first 80 % excitatory), P the
	// connection probability, G the relative inhibition, Drive the constant
	// drive R·I_ext (mV; θ = 20 mV, so a neuron alone fires above 20).
	N     int     `json:"n"`
	P     float64 `json:"p"`
	G     float64 `json:"g"`
	Drive float64 `json:"drive"`
	// Seed draws the connectivity (and, plus one, the initial potentials).
	Seed uint64 `json:"seed"`
	// UnitMs is the simulated time of a unit (ms, a multiple of dt = 0.1),
	// DurationMs the run's budget (ms), WindowMs the span of the raster
	// and the rates (ms).
	UnitMs     float64 `json:"unit_ms"`
	DurationMs float64 `json:"duration_ms"`
	WindowMs   float64 `json:"window_ms"`
}

// Defaults: 2 000 neurons, p = 0.1, g = 5, drive 24 mV (about 30 Hz,
// asynchronous), seed 1, 10-ms units, 60 s of simulated time, a 500-ms
// window.
func Defaults() *Spec {
	return &Spec{N: 2000, P: 0.1, G: 5, Drive: 24, Seed: 1, UnitMs: 10, DurationMs: 60000, WindowMs: 500}
}

// Validate implements run.Spec.
func (s *Spec) Validate() error {
	finite := func(key string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("spiking.%s = %v: must be a finite number", key, v)
		}
		return nil
	}
	for _, f := range []struct {
		k string
		v float64
	}{{"p", s.P}, {"g", s.G}, {"drive", s.Drive}, {"unit_ms", s.UnitMs}, {"duration_ms", s.DurationMs}, {"window_ms", s.WindowMs}} {
		if err := finite(f.k, f.v); err != nil {
			return err
		}
	}
	switch {
	case s.N < 5:
		return fmt.Errorf("spiking.n = %d: the network needs at least 5 neurons (4 excitatory, 1 inhibitory)", s.N)
	case !(s.P > 0 && s.P <= 1):
		return fmt.Errorf("spiking.p = %v: the connection probability must be in (0, 1]", s.P)
	case float64(s.N)*float64(s.N)*s.P > MaxSynapses:
		return fmt.Errorf("spiking.n, spiking.p: n²p = %.3g synapses exceed the %.0g this kind allows (200 MB); lower n or p", float64(s.N)*float64(s.N)*s.P, MaxSynapses)
	case s.P*float64(s.N) < 1:
		return fmt.Errorf("spiking.p = %v: with n = %d a neuron has %.2f inputs on average; raise p to at least %.3g", s.P, s.N, s.P*float64(s.N), 1/float64(s.N))
	case s.G < 0:
		return fmt.Errorf("spiking.g = %v: the relative inhibition must be ≥ 0", s.G)
	case math.Abs(s.Drive) > 1000:
		return fmt.Errorf("spiking.drive = %v mV: keep |drive| ≤ 1000 mV (θ = 20 mV)", s.Drive)
	case !(s.UnitMs >= 0.1) || math.Abs(s.UnitMs*10-math.Round(s.UnitMs*10)) > 1e-9 || s.UnitMs > 1000:
		return fmt.Errorf("spiking.unit_ms = %v: a unit must be a whole number of 0.1-ms steps, 0.1 to 1000 ms", s.UnitMs)
	case !(s.DurationMs >= s.UnitMs):
		return fmt.Errorf("spiking.duration_ms = %v: the budget must be at least one unit (%v ms)", s.DurationMs, s.UnitMs)
	case !(s.WindowMs >= 1 && s.WindowMs <= 10000):
		return fmt.Errorf("spiking.window_ms = %v: the raster's window must be 1 to 10 000 ms", s.WindowMs)
	}
	return nil
}

// Flags implements run.Spec.
func (s *Spec) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.N, "n", s.N, "neurons (80 % excitatory)")
	fs.Float64Var(&s.P, "p", s.P, "connection probability, in (0, 1]")
	fs.Float64Var(&s.G, "g", s.G, "relative inhibition: inhibitory weight −g·J")
	fs.Float64Var(&s.Drive, "drive", s.Drive, "constant drive R·I_ext into every neuron (mV; threshold 20)")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the connectivity and the initial potentials")
	fs.Float64Var(&s.UnitMs, "unit-ms", s.UnitMs, "simulated ms per unit")
	fs.Float64Var(&s.DurationMs, "duration-ms", s.DurationMs, "simulated ms of the run")
	fs.Float64Var(&s.WindowMs, "window-ms", s.WindowMs, "ms of spikes the raster and the rates show")
}

// config is the models/lif network of the section.
func (s *Spec) config() lif.Config {
	k := s.P * float64(s.N)
	return lif.Config{N: s.N, FracExc: 0.8, Dt: dt, TauMemE: 20, TauMemI: 20, TauSyn: 5,
		VRest: 0, VReset: 10, VTh: 20, Refractory: 2, P: s.P, J: 0.4 * math.Sqrt(100/k), G: s.G,
		DelayMin: 1.5, DelayMax: 1.5, Drive: lif.Drive{ConstE: s.Drive, ConstI: s.Drive}}
}

// dt is the time step (ms).
const dt = 0.1

// Kind is the "spiking" kind of run.
var Kind = run.Kind{
	Name:    "spiking",
	Summary: "a balanced LIF network (models/lif) live: spike raster, population rates; g, drive, p and N tunable while it runs",
	Command: "spiking",
	New:     func() run.Spec { return Defaults() },
	Resume:  resume,
}

func init() { run.Register(Kind) }
