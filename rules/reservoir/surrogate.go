package reservoir

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/snn"
)

// SurrogateSpec configures "lif-bptt": a small dense LIF network
// (models/snn: I' = α I + W s + b, V' = (β V + (1 − β) I)(1 − s), s =
// H(V − θ)) trained end to end by the project's BPTT with teacher forcing,
// the derivative of the spike replaced by the fast sigmoid's
// 1/(1 + κ|V − θ|)² (SuperSpike; Zenke & Ganguli, Neural Comput. 30:1514,
// 2018). Like the BPTT rate networks it is autonomous: its first three
// synaptic currents are the observed coordinates. Zero fields mean the
// preset's value.
type SurrogateSpec struct {
	// Preset is "tutorial": the size of the trainable spiking network of
	// the course's notebook 03 (128 E + 32 I = 160 neurons) with the
	// LIF parameters of its src/models/balanced_spiking.py (τ_mem 20 ms —
	// the excitatory neurons' —, τ_syn 5 ms, threshold 1, reset 0, dt
	// 1 ms) and the fast-sigmoid slope 10 of its SimpleLIFCell; here
	// dense and without Dale's law (models/snn has one population and one
	// τ_mem). The notebook itself sets τ_mem 2 ms (E) and 1 ms (I); at
	// 2 ms this network's one-step R² was −0.14 (seed 42, docs/results.md).
	Preset string `json:"preset"`
	// Neurons N; TauMem, TauSyn and Step (ms; one sample is one step);
	// Threshold θ; Slope κ of the surrogate; Gain g of W ~ N(0, g²/N); Bias
	// the initial b of every neuron (a drive that makes them fire).
	Neurons   int     `json:"neurons"`
	TauMem    float64 `json:"tau_mem"`
	TauSyn    float64 `json:"tau_syn"`
	Step      float64 `json:"step"`
	Threshold float64 `json:"threshold"`
	Slope     float64 `json:"slope"`
	Gain      float64 `json:"gain"`
	Bias      float64 `json:"bias"`
	// BPTT as for the rate networks (RateSpec).
	TrainSteps int     `json:"train_steps"`
	SeqLen     int     `json:"seq_len"`
	Batch      int     `json:"batch"`
	Forcing    string  `json:"forcing"`
	Interval   int     `json:"interval"`
	LR         float64 `json:"lr"`
	LREnd      float64 `json:"lr_end"`
	Alpha      float64 `json:"alpha"`
	Chunk      int     `json:"chunk"`
}

// resolved fills the preset's values into the zero fields.
func (s SurrogateSpec) resolved() SurrogateSpec {
	// The BPTT settings are the rate networks' (2 000 steps, windows of 50,
	// 16 per step, sparse teacher forcing every 10 steps) at the learning
	// rate of models/snn's TestBPTT (10⁻², falling to 10⁻⁴), with its
	// initialisation (g 2, b 0.3: every neuron driven above threshold).
	p := SurrogateSpec{Neurons: 160, TauMem: 20, TauSyn: 5, Step: 1, Threshold: 1, Slope: 10, Gain: 2, Bias: 0.3,
		TrainSteps: 2000, SeqLen: 50, Batch: 16, Forcing: "sparse", Interval: 10, LR: 1e-2, LREnd: 1e-4, Alpha: 0.1, Chunk: 100}
	i := func(a *int, b int) {
		if *a == 0 {
			*a = b
		}
	}
	f := func(a *float64, b float64) {
		if *a == 0 {
			*a = b
		}
	}
	i(&s.Neurons, p.Neurons)
	f(&s.TauMem, p.TauMem)
	f(&s.TauSyn, p.TauSyn)
	f(&s.Step, p.Step)
	f(&s.Threshold, p.Threshold)
	f(&s.Slope, p.Slope)
	f(&s.Gain, p.Gain)
	f(&s.Bias, p.Bias)
	i(&s.TrainSteps, p.TrainSteps)
	i(&s.SeqLen, p.SeqLen)
	i(&s.Batch, p.Batch)
	if s.Forcing == "" {
		s.Forcing = p.Forcing
	}
	i(&s.Interval, p.Interval)
	f(&s.LR, p.LR)
	f(&s.LREnd, p.LREnd)
	f(&s.Alpha, p.Alpha)
	i(&s.Chunk, p.Chunk)
	return s
}

// rate is the BPTT part of the settings in the rate networks' form.
func (s SurrogateSpec) rate() RateSpec {
	return RateSpec{Method: "bptt", Units: s.Neurons, Step: s.Step, Gain: s.Gain, TrainSteps: s.TrainSteps, SeqLen: s.SeqLen,
		Batch: s.Batch, Forcing: s.Forcing, Interval: s.Interval, LR: s.LR, LREnd: s.LREnd, Alpha: s.Alpha, Chunk: s.Chunk}
}

func (s SurrogateSpec) validate(train int) error {
	key := Kind + ".lif-bptt"
	if s.Preset != "tutorial" {
		return fmt.Errorf("%s.preset = %q: want \"tutorial\"", key, s.Preset)
	}
	c := s.resolved()
	if c.Neurons < 4 {
		return fmt.Errorf("%s.neurons = %d: need at least 4 neurons (3 currents are observed)", key, c.Neurons)
	}
	for _, p := range []struct {
		k string
		v float64
	}{{"tau_mem", c.TauMem}, {"tau_syn", c.TauSyn}, {"step", c.Step}, {"threshold", c.Threshold}, {"slope", c.Slope}, {"gain", c.Gain}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return fmt.Errorf("%s.%s = %v: must be positive and finite", key, p.k, p.v)
		}
	}
	if math.IsNaN(c.Bias) || math.IsInf(c.Bias, 0) {
		return fmt.Errorf("%s.bias = %v: must be finite", key, c.Bias)
	}
	// The BPTT keys are checked as a rate network's (a CT-RNN's shape:
	// units and no tau_e or tau_i; tau is not used).
	r := c.rate()
	r.Preset, r.Tau, r.Integrator = "tutorial", 1, "euler"
	return r.validate("lif-bptt", true, train)
}

// newSurrogate builds lif-bptt: the models/snn network of c from seed, its
// biases set to c.Bias, and its BPTT trainer.
func newSurrogate(c SurrogateSpec, s *Spec, d *series, seed uint64) (*bpttModel, error) {
	net, err := snn.New(snn.Config{N: c.Neurons, TauMem: c.TauMem, TauSyn: c.TauSyn, Dt: c.Step, Threshold: c.Threshold,
		Slope: c.Slope, Gain: c.Gain}, rng.New(seed))
	if err != nil {
		return nil, fmt.Errorf("%s.lif-bptt: %v", Kind, err)
	}
	for i := range net.Bias {
		net.Bias[i] = c.Bias
	}
	b := &bpttModel{name: "lif-bptt", c: c.rate(), d: d, s: s, m: net, surrogate: true}
	return b, b.trainer(d.train, net.Dim(), seed)
}
