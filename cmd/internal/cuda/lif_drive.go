package cuda

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/lif"
)

// LIFOptions selects how the device propagates spikes (docs/gpu.md, "The
// LIF network").
type LIFOptions struct {
	// Atomic propagates spikes by float64 atomics over the spiking neurons'
	// rows instead of the deterministic per-target gather: faster when few
	// neurons fire per step, but the additions into a neuron's input happen
	// in the hardware's order, so V and I differ from the CPU's in the last
	// bits and the spike trains, though statistically alike, are not the
	// CPU's.
	Atomic bool
}

// lifChunkEntries bounds steps × N of one device call: the host's Poisson
// counts and spike buffer of a chunk (4 B each), and the device's (12 B).
const lifChunkEntries = 1 << 23

// lifConstants are the per-network numbers the device step needs, computed
// from a lif.Net's Config exactly as lif.New computes them (kernel/fmath),
// so the device's propagators carry the CPU's bits.
type lifConstants struct {
	refMax                      int
	p11, p22E, p22I, p21E, p21I float64
	wE, wI                      float64
	poissonLim, poissonJ        float64 // e^{−λ} (0: no Poisson drive) and the event weight
}

func lifConstantsOf(c lif.Config) lifConstants {
	h := c.Dt
	k := lifConstants{refMax: int(math.Round(c.Refractory / c.Dt)), wE: c.J, wI: -c.G * c.J, poissonJ: c.Drive.PoissonJ}
	if c.TauSyn > 0 {
		k.p11 = fmath.Exp(-h / c.TauSyn)
	}
	k.p22E, k.p21E = lifPropagators(h, c.TauMemE, c.TauSyn, k.p11)
	if c.TauMemI > 0 {
		k.p22I, k.p21I = lifPropagators(h, c.TauMemI, c.TauSyn, k.p11)
	}
	if lam := float64(c.Drive.PoissonIn) * c.Drive.PoissonRate * h * 1e-3; lam > 0 {
		k.poissonLim = fmath.Exp(-lam)
	}
	return k
}

// lifPropagators is models/lif's propagators (Rotter & Diesmann 1999, eq. 12):
// P22 = e^{−h/τm}, P21 = τs/(τs−τm)(P11 − P22), or (h/τm)e^{−h/τm} when τs = τm.
func lifPropagators(h, tauM, tauS, p11 float64) (p22, p21 float64) {
	p22 = fmath.Exp(-h / tauM)
	if tauS == 0 {
		return p22, 0
	}
	if math.Abs(tauS-tauM) < 1e-12*tauM {
		return p22, float64(h/tauM) * p22
	}
	return p22, tauS / (tauS - tauM) * (p11 - p22)
}

// drawPoisson fills counts (one step, N neurons) with the external Poisson
// counts of models/lif's addPoisson from its stream r: Knuth's method
// (TAOCP vol. 2, §3.4.1), neuron after neuron, the same draws in the same
// order, so the device continues the CPU's Poisson stream.
func drawPoisson[T ~int32](r *rng.Rand, lim float64, counts []T) {
	for i := range counts {
		c := 0
		for p := r.Float64(); p > lim; p *= r.Float64() {
			c++
		}
		counts[i] = T(c)
	}
}

// checkLIFNet reports what of net the device step does not cover.
func checkLIFNet(net *lif.Net) error {
	if net == nil {
		return fmt.Errorf("cuda: NewLIF needs a network (lif.New)")
	}
	if k := net.Config().Drive.Inputs; k > 0 {
		return fmt.Errorf("cuda: LIF network with Drive.Inputs = %d: the input signal is not on the device yet (set Drive.Inputs = 0 or use the CPU network)", k)
	}
	if net.N > lifChunkEntries {
		return fmt.Errorf("cuda: LIF network of N = %d neurons: the device step takes at most %d (one step's spike buffer)", net.N, lifChunkEntries)
	}
	return nil
}
