package lif

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// SpikeMonitor records every spike as a (step, neuron) pair; the spike time
// is (Step+1)·Dt (the end of the step, see the package documentation).
type SpikeMonitor struct {
	Step   []int64
	Neuron []int32
}

// Record appends the spikes of n's last step.
func (m *SpikeMonitor) Record(n *Net) {
	for _, i := range n.Spikes() {
		m.Step = append(m.Step, n.Steps-1)
		m.Neuron = append(m.Neuron, i)
	}
}

// Count is the number of recorded spikes.
func (m *SpikeMonitor) Count() int { return len(m.Neuron) }

// ISICV returns the mean over neurons lo … hi−1 with at least minSpikes
// spikes of the coefficient of variation of their interspike intervals, and
// the number of neurons averaged.
func (m *SpikeMonitor) ISICV(lo, hi, minSpikes int) (cv float64, neurons int) {
	last := make([]int64, hi-lo)
	cnt := make([]int, hi-lo)
	s1, s2 := make([]float64, hi-lo), make([]float64, hi-lo)
	for k, i := range m.Neuron {
		if int(i) < lo || int(i) >= hi {
			continue
		}
		j := int(i) - lo
		if cnt[j] > 0 {
			d := float64(m.Step[k] - last[j])
			s1[j] += d
			s2[j] += d * d
		}
		last[j] = m.Step[k]
		cnt[j]++
	}
	var sum float64
	for j := range cnt {
		if cnt[j] < max(minSpikes, 3) {
			continue
		}
		q := float64(cnt[j] - 1)
		mean := s1[j] / q
		v := s2[j]/q - mean*mean
		sum += math.Sqrt(max(v, 0)) / mean
		neurons++
	}
	if neurons == 0 {
		return math.NaN(), 0
	}
	return sum / float64(neurons), neurons
}

// RateMonitor counts the spikes of the excitatory and inhibitory populations
// in bins of Bin steps.
type RateMonitor struct {
	Bin    int
	E, I   []int // spike counts per bin
	inBin  int
	nE, nI int
	dt     float64
	curE   int
	curI   int
}

// Record adds the spikes of n's last step.
func (m *RateMonitor) Record(n *Net) {
	if m.Bin <= 0 {
		panic("lif: RateMonitor needs Bin > 0 steps")
	}
	m.nE, m.nI, m.dt = n.NE, n.N-n.NE, n.Dt
	for _, i := range n.Spikes() {
		if int(i) < n.NE {
			m.curE++
		} else {
			m.curI++
		}
	}
	m.inBin++
	if m.inBin == m.Bin {
		m.E = append(m.E, m.curE)
		m.I = append(m.I, m.curI)
		m.curE, m.curI, m.inBin = 0, 0, 0
	}
}

// Rates returns the population rates (Hz) of the finished bins.
func (m *RateMonitor) Rates() (e, i []float64) {
	w := float64(m.Bin) * m.dt * 1e-3
	e, i = make([]float64, len(m.E)), make([]float64, len(m.I))
	for k := range m.E {
		if m.nE > 0 {
			e[k] = float64(m.E[k]) / (float64(m.nE) * w)
		}
		if m.nI > 0 {
			i[k] = float64(m.I[k]) / (float64(m.nI) * w)
		}
	}
	return e, i
}

// MeanRate returns the mean rate (Hz) over all finished bins of both
// populations together.
func (m *RateMonitor) MeanRate() float64 {
	var s int
	for k := range m.E {
		s += m.E[k] + m.I[k]
	}
	return float64(s) / (float64(m.nE+m.nI) * float64(len(m.E)*m.Bin) * m.dt * 1e-3)
}

// Synchrony is the coefficient of variation of the binned population spike
// count: about 1/√(count) for independent (asynchronous) firing, of order 1
// for a synchronous population.
func (m *RateMonitor) Synchrony() float64 {
	var s1, s2 float64
	for k := range m.E {
		c := float64(m.E[k] + m.I[k])
		s1 += c
		s2 += c * c
	}
	b := float64(len(m.E))
	mean := s1 / b
	return math.Sqrt(max(s2/b-mean*mean, 0)) / mean
}

// StateMonitor samples V and I of chosen neurons every Every steps, row by
// row: V[r·len(Neurons)+k] is neuron Neurons[k] at sample r.
type StateMonitor struct {
	Neurons []int
	Every   int
	V, I    []float64
	Step    []int64
}

// Record samples n when its step count is a multiple of Every.
func (m *StateMonitor) Record(n *Net) {
	e := max(m.Every, 1)
	if n.Steps%int64(e) != 0 {
		return
	}
	for _, i := range m.Neurons {
		m.V = append(m.V, n.V[i])
		m.I = append(m.I, n.I[i])
	}
	m.Step = append(m.Step, n.Steps)
}

// Trace holds exponentially filtered spike trains, the features of a
// readout: x_i ← e^{−Dt/Tau} x_i + s_i after each step, s_i = 1 when neuron i
// of the watched range Lo … Hi−1 spiked.
type Trace struct {
	Lo, Hi int
	X      []float64
	decay  float64
}

// NewTrace returns a trace of neurons lo … hi−1 of n with time constant tau (ms).
func NewTrace(n *Net, lo, hi int, tau float64) *Trace {
	if lo < 0 || hi > n.N || lo >= hi || !(tau > 0) {
		panic("lif: NewTrace needs 0 ≤ lo < hi ≤ N and tau > 0")
	}
	return &Trace{Lo: lo, Hi: hi, X: make([]float64, hi-lo), decay: fmath.Exp(-n.Dt / tau)}
}

// Record decays the trace by one step and adds n's last spikes.
func (t *Trace) Record(n *Net) {
	d := t.decay
	for i, v := range t.X {
		t.X[i] = float64(d * v)
	}
	for _, i := range n.Spikes() {
		if int(i) >= t.Lo && int(i) < t.Hi {
			t.X[int(i)-t.Lo]++
		}
	}
}

// BalanceMonitor sums the recurrent excitatory and inhibitory input sent to
// the excitatory population (Σ over spikes of the weights onto excitatory
// targets) and the external excitatory input (its expectation for Poisson
// drive, plus the constant current integrated over time, scaled by Dt/τ_m so
// that every term is a contribution to V in mV).
type BalanceMonitor struct {
	Exc, Inh, Ext float64
	out           []float64 // per presynaptic neuron: Σ weights onto E targets
}

// Record adds the input of n's last step.
func (b *BalanceMonitor) Record(n *Net) {
	if b.out == nil {
		b.out = make([]float64, n.N)
		for j := 0; j < n.N; j++ {
			for s := n.RowStart[j]; s < n.RowStart[j+1]; s++ {
				if int(n.Target[s]) >= n.NE {
					continue
				}
				w := n.wE
				if n.Weight != nil {
					w = n.Weight[s]
				} else if j >= n.NE {
					w = n.wI
				}
				b.out[j] += w
			}
		}
	}
	c := n.cfg
	scale := 1.0
	if c.TauSyn > 0 {
		scale = c.TauSyn / c.TauMemE // charge of one exponential PSC in mV of V
	}
	for _, j := range n.Spikes() {
		if int(j) < n.NE {
			b.Exc += float64(scale * b.out[j])
		} else {
			b.Inh -= float64(scale * b.out[j])
		}
	}
	lam := float64(c.Drive.PoissonIn) * c.Drive.PoissonRate * c.Dt * 1e-3
	b.Ext += float64(n.NE) * (float64(scale*lam*c.Drive.PoissonJ) + c.Drive.ConstE*c.Dt/c.TauMemE)
}

// Imbalance is |Exc + Ext − Inh| / (Exc + Ext): 0 when inhibition cancels
// excitation exactly.
func (b *BalanceMonitor) Imbalance() float64 {
	e := b.Exc + b.Ext
	return math.Abs(e-b.Inh) / e
}
