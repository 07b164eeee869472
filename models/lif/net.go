package lif

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Net is a LIF network. Its exported slices are its state and connectivity;
// read them between steps, change them only through SetState.
type Net struct {
	cfg    Config
	N, NE  int     // neurons, excitatory neurons (0 … NE−1)
	Dt     float64 // ms
	Steps  int64   // steps taken
	V, I   []float64
	Ref    []int32 // remaining refractory steps
	refMax int32

	// Connectivity, CSR by presynaptic neuron: the synapses of j are
	// RowStart[j] … RowStart[j+1]−1, going to Target[s] with weight
	// Weight[s] (or ±J when Weight is nil) after Delay[s] steps (or the
	// single delay D when Delay is nil).
	RowStart []int
	Target   []int32
	Weight   []float64
	Delay    []uint16
	D        int
	wE, wI   float64

	Win []float64 // N×Inputs input weights
	ext []float64 // I_ext of the current step

	ring []float64 // L×N spike arrivals, slot k mod L for step k
	L    int

	p11, p22E, p22I, p21E, p21I float64
	poissonExp                  float64 // e^{−λ} of the Poisson count per step
	poisson                     *rng.Rand

	spikes []int32
}

// New builds the network of cfg, drawing its connectivity and input weights
// from r; the Poisson stream is split off r. It returns the error of
// cfg.Validate.
func New(cfg Config, r *rng.Rand) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("lif: New needs a random source")
	}
	c := cfg.withDefaults()
	n := &Net{cfg: c, N: c.N, NE: c.nExc(), Dt: c.Dt}
	N := n.N
	n.V, n.I, n.Ref, n.ext = make([]float64, N), make([]float64, N), make([]int32, N), make([]float64, N)
	for i := range n.V {
		n.V[i] = c.VRest
	}
	n.refMax = int32(math.Round(c.Refractory / c.Dt))
	n.wE, n.wI = c.J, -c.G*c.J

	h := c.Dt
	if c.TauSyn > 0 {
		n.p11 = fmath.Exp(-h / c.TauSyn)
	}
	n.p22E, n.p21E = propagators(h, c.TauMemE, c.TauSyn, n.p11)
	if c.TauMemI > 0 {
		n.p22I, n.p21I = propagators(h, c.TauMemI, c.TauSyn, n.p11)
	}

	dmin, dmax := int(math.Round(c.DelayMin/h)), int(math.Round(c.DelayMax/h))
	dmin = max(dmin, 1)
	dmax = max(dmax, dmin)
	n.L = dmax + 1
	n.D = dmin
	n.ring = make([]float64, n.L*N)
	n.connect(r, dmin, dmax)

	if k := c.Drive.Inputs; k > 0 {
		n.Win = make([]float64, N*k)
		r.FillNorm(n.Win, c.Drive.InputScale)
	}
	n.fillConst()
	if lam := float64(c.Drive.PoissonIn) * c.Drive.PoissonRate * h * 1e-3; lam > 0 {
		n.poissonExp = fmath.Exp(-lam)
	}
	n.poisson = r.Split()
	return n, nil
}

// propagators returns P22 = e^{−h/τm} and P21 = τs/(τs−τm)(P11 − P22), or its
// limit (h/τm)e^{−h/τm} when τs = τm (Rotter & Diesmann 1999, eq. 12).
func propagators(h, tauM, tauS, p11 float64) (p22, p21 float64) {
	p22 = fmath.Exp(-h / tauM)
	if tauS == 0 {
		return p22, 0
	}
	if math.Abs(tauS-tauM) < 1e-12*tauM {
		return p22, float64(h/tauM) * p22
	}
	return p22, tauS / (tauS - tauM) * (p11 - p22)
}

// Config returns the network's configuration with defaults filled in.
func (n *Net) Config() Config { return n.cfg }

// Spikes returns the neurons that fired in the last step, in increasing
// order. The slice is reused by the next Step.
func (n *Net) Spikes() []int32 { return n.spikes }

// Time is the simulated time in ms.
func (n *Net) Time() float64 { return float64(n.Steps) * n.Dt }

// Synapses is the number of synapses.
func (n *Net) Synapses() int { return len(n.Target) }

func (n *Net) fillConst() {
	for i := range n.ext {
		if i < n.NE {
			n.ext[i] = n.cfg.Drive.ConstE
		} else {
			n.ext[i] = n.cfg.Drive.ConstI
		}
	}
}

// Step advances the network by one time step Dt through the five phases of
// the package documentation, with the input signal u (length Drive.Inputs,
// nil when there is none) held over the step. A non-finite u is an error and
// leaves the network unchanged.
func (n *Net) Step(u []float64) error {
	k := n.cfg.Drive.Inputs
	if len(u) != k {
		panic(fmt.Sprintf("lif: Step got %d inputs, the network has Drive.Inputs = %d", len(u), k))
	}
	if k > 0 {
		for j, v := range u {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("lif: input u[%d] = %v at step %d: the drive must be finite", j, v, n.Steps)
			}
		}
		for i := range n.ext {
			s := n.cfg.Drive.ConstE
			if i >= n.NE {
				s = n.cfg.Drive.ConstI
			}
			w := n.Win[i*k : (i+1)*k]
			for j, v := range u {
				s += float64(w[j] * v)
			}
			n.ext[i] = s
		}
	}
	slot := n.ring[int(n.Steps%int64(n.L))*n.N:][:n.N]
	if n.poissonExp > 0 {
		n.addPoisson(slot)
	}
	n.spikes = n.spikes[:0]
	if n.cfg.TauSyn > 0 {
		n.integrateExp(slot, 0, n.NE, n.p22E, n.p21E)
		n.integrateExp(slot, n.NE, n.N, n.p22I, n.p21I)
	} else {
		n.integrateDelta(slot, 0, n.NE, n.p22E)
		n.integrateDelta(slot, n.NE, n.N, n.p22I)
	}
	n.propagate()
	n.Steps++
	return nil
}

// addPoisson adds this step's external events, J times a Poisson count per
// neuron drawn by Knuth's method (multiply uniforms until the product falls
// to e^{−λ}; Knuth, TAOCP vol. 2, §3.4.1).
func (n *Net) addPoisson(slot []float64) {
	lim, j := n.poissonExp, n.cfg.Drive.PoissonJ
	r := n.poisson
	for i := range slot {
		c := 0
		for p := r.Float64(); p > lim; p *= r.Float64() {
			c++
		}
		if c > 0 {
			slot[i] += float64(j * float64(c))
		}
	}
}

// integrateExp runs phases 1–4 for neurons lo … hi−1 with exponential synapses.
func (n *Net) integrateExp(slot []float64, lo, hi int, p22, p21 float64) {
	c := &n.cfg
	rest, reset, th, refMax := c.VRest, c.VReset, c.VTh, n.refMax
	p11, q := n.p11, 1-p22
	V, I, Ref, ext := n.V[lo:hi], n.I[lo:hi], n.Ref[lo:hi], n.ext[lo:hi]
	in := slot[lo:hi]
	I, Ref, ext, in = I[:len(V)], Ref[:len(V)], ext[:len(V)], in[:len(V)]
	spikes := n.spikes
	for i, v := range V {
		isyn := I[i]
		if Ref[i] > 0 {
			Ref[i]--
		} else {
			v = rest + float64(p22*(v-rest)) + float64(p21*isyn) + float64(q*ext[i])
		}
		I[i] = float64(p11*isyn) + in[i]
		if v >= th {
			v = reset
			Ref[i] = refMax
			spikes = append(spikes, int32(lo+i))
		}
		V[i] = v
	}
	clear(in)
	n.spikes = spikes
}

// integrateDelta runs phases 1–4 for neurons lo … hi−1 with delta synapses.
func (n *Net) integrateDelta(slot []float64, lo, hi int, p22 float64) {
	c := &n.cfg
	rest, reset, th, refMax := c.VRest, c.VReset, c.VTh, n.refMax
	q := 1 - p22
	V, Ref, ext := n.V[lo:hi], n.Ref[lo:hi], n.ext[lo:hi]
	in := slot[lo:hi]
	Ref, ext, in = Ref[:len(V)], ext[:len(V)], in[:len(V)]
	spikes := n.spikes
	for i, v := range V {
		if Ref[i] > 0 {
			Ref[i]--
		} else {
			v = rest + float64(p22*(v-rest)) + float64(q*ext[i]) + in[i]
		}
		if v >= th {
			v = reset
			Ref[i] = refMax
			spikes = append(spikes, int32(lo+i))
		}
		V[i] = v
	}
	clear(in)
	n.spikes = spikes
}

// propagate is phase 5: every spike writes its weights into the slots of
// their delays.
func (n *Net) propagate() {
	N, L := n.N, int64(n.L)
	k := n.Steps
	for _, j := range n.spikes {
		lo, hi := n.RowStart[j], n.RowStart[j+1]
		tg := n.Target[lo:hi]
		if n.Delay == nil {
			buf := n.ring[int((k+int64(n.D))%L)*N:][:N]
			if n.Weight == nil {
				w := n.wE
				if int(j) >= n.NE {
					w = n.wI
				}
				for _, t := range tg {
					buf[t] += w
				}
			} else {
				for s, t := range tg {
					buf[t] += n.Weight[lo+s]
				}
			}
			continue
		}
		for s, t := range tg {
			w := n.wE
			if n.Weight != nil {
				w = n.Weight[lo+s]
			} else if int(j) >= n.NE {
				w = n.wI
			}
			slot := int((k + int64(n.Delay[lo+s])) % L)
			n.ring[slot*N+int(t)] += w
		}
	}
}

// bytesPerNeuron is the state and index memory per neuron: V, I, I_ext (8 B
// each), the refractory count (4 B), the row start (8 B) and L ring-buffer
// slots (8 B each).
func (n *Net) bytesPerNeuron() int { return 8*3 + 4 + 8 + 8*n.L }

// bytesPerSynapse is the connectivity memory per synapse: the target (4 B),
// plus a weight (8 B) and a delay (2 B) when they vary per synapse.
func (n *Net) bytesPerSynapse() int {
	b := 4
	if n.Weight != nil {
		b += 8
	}
	if n.Delay != nil {
		b += 2
	}
	return b
}
