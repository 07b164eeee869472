package lif

import (
	"fmt"
	"math"
)

// Config describes a network. Zero values that mean a default are noted;
// every other field is taken as given, so V_rest = 0 is a valid choice.
type Config struct {
	// N is the number of neurons (> 0); the first round(FracExc·N) are
	// excitatory. FracExc 0 means 0.8.
	N       int
	FracExc float64
	// Dt is the time step in ms; 0 means 0.1.
	Dt float64
	// TauMemE and TauMemI are the membrane time constants (ms, > 0) of the
	// excitatory and inhibitory neurons; TauSyn (ms, ≥ 0) is the synaptic
	// time constant, 0 for delta synapses.
	TauMemE, TauMemI, TauSyn float64
	// VRest, VReset and VTh are the resting, reset and threshold potentials
	// (mV), VReset < VTh.
	VRest, VReset, VTh float64
	// Refractory is the absolute refractory period in ms (≥ Dt).
	Refractory float64
	// P is the connection probability in (0, 1], used when InDegree = 0;
	// InDegree > 0 fixes the number of presynaptic neurons of every neuron.
	P        float64
	InDegree int
	// J is the excitatory weight (mV: the jump of V for delta synapses, of
	// R·I for exponential ones) and G the relative inhibition: inhibitory
	// synapses carry −G·J.
	J, G float64
	// Weights is "const" (or "") for w = ±J, or "rectnormal" for
	// w = ±J·max(0, z) with z ~ N(0, 1) per synapse.
	Weights string
	// DelayMin and DelayMax (ms, ≥ Dt) bound the transmission delays, drawn
	// uniformly per synapse on the grid of Dt; equal values give one delay.
	DelayMin, DelayMax float64
	// Drive is the external input.
	Drive Drive
}

// Drive is a network's external input (see the package documentation).
type Drive struct {
	// ConstE and ConstI are constant currents (mV) into the excitatory and
	// inhibitory neurons.
	ConstE, ConstI float64
	// PoissonRate (Hz) is the rate of each of PoissonIn external excitatory
	// synapses of weight PoissonJ (mV; 0 means J) on every neuron.
	PoissonRate float64
	PoissonIn   int
	PoissonJ    float64
	// Inputs is the dimension of the input signal u (0: none) and
	// InputScale the standard deviation of the input weights W_in.
	Inputs     int
	InputScale float64
}

// withDefaults returns c with its documented zero-value defaults filled in.
func (c Config) withDefaults() Config {
	if c.FracExc == 0 {
		c.FracExc = 0.8
	}
	if c.Dt == 0 {
		c.Dt = 0.1
	}
	if c.Drive.PoissonJ == 0 {
		c.Drive.PoissonJ = c.J
	}
	return c
}

// Validate reports the first invalid setting, naming its key and saying what
// is expected.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("lif: config key %s = %v: %s", key, v, want)
	}
	finite := []struct {
		key string
		v   float64
	}{
		{"FracExc", c.FracExc}, {"Dt", c.Dt}, {"TauMemE", c.TauMemE}, {"TauMemI", c.TauMemI},
		{"TauSyn", c.TauSyn}, {"VRest", c.VRest}, {"VReset", c.VReset}, {"VTh", c.VTh},
		{"Refractory", c.Refractory}, {"P", c.P}, {"J", c.J}, {"G", c.G},
		{"DelayMin", c.DelayMin}, {"DelayMax", c.DelayMax},
		{"Drive.ConstE", c.Drive.ConstE}, {"Drive.ConstI", c.Drive.ConstI},
		{"Drive.PoissonRate", c.Drive.PoissonRate}, {"Drive.PoissonJ", c.Drive.PoissonJ},
		{"Drive.InputScale", c.Drive.InputScale},
	}
	for _, f := range finite {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return bad(f.key, f.v, "must be a finite number")
		}
	}
	switch {
	case c.N <= 0:
		return bad("N", c.N, "the network needs at least one neuron")
	case !(c.FracExc > 0 && c.FracExc <= 1):
		return bad("FracExc", c.FracExc, "the excitatory fraction must be in (0, 1]")
	case !(c.Dt > 0):
		return bad("Dt", c.Dt, "the time step must be positive (ms)")
	case !(c.TauMemE > 0):
		return bad("TauMemE", c.TauMemE, "the membrane time constant must be positive (ms)")
	case !(c.TauMemI > 0) && c.nExc() < c.N:
		return bad("TauMemI", c.TauMemI, "the membrane time constant must be positive (ms)")
	case c.TauSyn < 0:
		return bad("TauSyn", c.TauSyn, "the synaptic time constant must be ≥ 0 (0: delta synapses)")
	case !(c.VReset < c.VTh):
		return bad("VReset", c.VReset, fmt.Sprintf("the reset must lie below the threshold VTh = %v", c.VTh))
	case c.Dt > c.Refractory:
		return bad("Dt", c.Dt, fmt.Sprintf("the time step must not exceed the refractory period Refractory = %v ms", c.Refractory))
	case c.InDegree < 0:
		return bad("InDegree", c.InDegree, "the in-degree must be ≥ 0 (0: use P)")
	case c.InDegree == 0 && !(c.P > 0 && c.P <= 1):
		return bad("P", c.P, "the connection probability must be in (0, 1] (or set InDegree)")
	case c.InDegree > 0 && (c.inE() > max(c.nExc()-1, 0) || c.InDegree-c.inE() > max(c.N-c.nExc()-1, 0)):
		return bad("InDegree", c.InDegree, fmt.Sprintf("without autapses a neuron has at most %d excitatory and %d inhibitory presynaptic neurons", max(c.nExc()-1, 0), max(c.N-c.nExc()-1, 0)))
	case c.Weights != "" && c.Weights != "const" && c.Weights != "rectnormal":
		return bad("Weights", fmt.Sprintf("%q", c.Weights), `want "const" or "rectnormal"`)
	case c.DelayMin < c.Dt:
		return bad("DelayMin", c.DelayMin, fmt.Sprintf("the delay must be at least one step Dt = %v ms", c.Dt))
	case c.DelayMax < c.DelayMin:
		return bad("DelayMax", c.DelayMax, fmt.Sprintf("must be ≥ DelayMin = %v", c.DelayMin))
	case c.DelayMax/c.Dt > 65000:
		return bad("DelayMax", c.DelayMax, "at most 65000 steps of delay")
	case c.Drive.PoissonRate < 0:
		return bad("Drive.PoissonRate", c.Drive.PoissonRate, "a rate must be ≥ 0 (Hz)")
	case c.Drive.PoissonIn < 0:
		return bad("Drive.PoissonIn", c.Drive.PoissonIn, "the number of external synapses must be ≥ 0")
	case float64(c.Drive.PoissonIn)*c.Drive.PoissonRate*c.Dt*1e-3 > 500:
		return bad("Drive.PoissonRate", c.Drive.PoissonRate, "more than 500 expected external events per neuron and step; use a constant drive")
	case c.Drive.Inputs < 0:
		return bad("Drive.Inputs", c.Drive.Inputs, "the input dimension must be ≥ 0")
	}
	return nil
}

func (c Config) nExc() int {
	ne := int(math.Round(c.FracExc * float64(c.N)))
	return min(max(ne, 0), c.N)
}

// inE is the number of excitatory presynaptic neurons under a fixed in-degree.
func (c Config) inE() int { return int(math.Round(c.FracExc * float64(c.InDegree))) }

// Brunel returns Brunel's (2000) model A at relative inhibition g and external
// rate νext = ratio·ν_thr, ν_thr = θ/(J C_E τ): N_E = 10 000, N_I = 2 500,
// fixed in-degree C = 1 250 (ε = 0.1; C_E = 1 000, C_I = 250), J = 0.1 mV,
// τ = 20 ms, θ = 20 mV, V_r = 10 mV, τ_rp = 2 ms, D = 1.5 ms, delta synapses,
// C_E external Poisson synapses of weight J at νext each.
//
// scale < 1 shrinks the network keeping it sparse (ε = 0.1): N and C scale
// by scale and J by 1/scale, so J·C_E, ν_thr and the mean input μ =
// C_E J τ(νext − (gγ − 1)ν) of the mean-field theory are unchanged while the
// input fluctuations σ ∝ J√C_E grow by 1/√scale.
func Brunel(g, ratio, scale float64) Config {
	const tau, theta = 20.0, 20.0
	ce := int(math.Round(1000 * scale))
	j := 0.1 / scale
	nuThr := theta / (j * float64(ce) * tau) * 1e3 // Hz
	return Config{
		N: int(math.Round(12500 * scale)), FracExc: 0.8, Dt: 0.1,
		TauMemE: tau, TauMemI: tau, TauSyn: 0,
		VRest: 0, VReset: 10, VTh: theta, Refractory: 2,
		InDegree: int(math.Round(1250 * scale)), J: j, G: g, DelayMin: 1.5, DelayMax: 1.5,
		Drive: Drive{PoissonRate: ratio * nuThr, PoissonIn: ce, PoissonJ: j},
	}
}

// Tutorial returns the LIF reservoir of the course repository
// (CNNC-Lab/RNNs-tutorial, src/models/balanced_spiking.py) on this package's
// grid: nExc excitatory and nExc/4 inhibitory neurons, τ_mem 20 ms (E) and
// 10 ms (I), τ_syn 5 ms, threshold 1, reset and rest 0, p = 0.1, g = 4,
// weight scale 0.1 with the tutorial's normalisation w = scale·|z|⁺/√(n_pre p)
// (so J_E = 0.1/√(N_E p) and the inhibitory-to-excitatory ratio becomes
// G = 4·√(N_E/N_I) = 8), one-step (1 ms) delays. The tutorial steps norse's
// LIFCell at dt = 1 ms with no refractory period and adds its input
// W_in u (W_in ~ N(0, 0.1²)) to the synaptic current every step, which holds
// it at τ_syn/dt = 5 times W_in u; here Dt = 0.1 ms, the refractory period
// is one step and the input is that steady current, InputScale = 0.5.
func Tutorial(nExc, inputs int) Config {
	nInh := nExc / 4
	const p = 0.1
	return Config{
		N: nExc + nInh, FracExc: float64(nExc) / float64(nExc+nInh), Dt: 0.1,
		TauMemE: 20, TauMemI: 10, TauSyn: 5,
		VRest: 0, VReset: 0, VTh: 1, Refractory: 0.1,
		P: p, J: 0.1 / math.Sqrt(float64(nExc)*p), G: 4 * math.Sqrt(float64(nExc)/float64(nInh)),
		Weights: "rectnormal", DelayMin: 1, DelayMax: 1,
		Drive: Drive{Inputs: inputs, InputScale: 0.5},
	}
}
