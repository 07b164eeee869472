package recipe

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/ctrnn"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// Model is a latent model with its observation model: what training,
// generation and evaluation share.
type Model struct {
	Latent models.Differentiable
	Obs    bptt.Observer
}

// Build constructs the model a config describes for data of n observed
// dimensions whose values lie in [lo, hi]. With init false the parameters
// are left at zero, to be filled from a checkpoint.
func Build(c ModelConfig, n int, lo, hi float64, seed uint64, init bool) (Model, error) {
	var r *rng.Rand
	if init {
		r = rng.New(seed)
	}
	m := c.Latents
	if m < n && c.Observation == "identity" {
		return Model{}, fmt.Errorf("model.latents = %d is smaller than the data's %d dimensions; the identity observation needs latents ≥ %d (or use \"observation\": \"affine\")", m, n, n)
	}
	if m < n {
		return Model{}, fmt.Errorf("model.latents = %d is smaller than the data's %d dimensions", m, n)
	}
	pc := plrnn.Config{M: m, Bases: c.Bases, Hidden: c.Hidden, ThresholdLo: lo, ThresholdHi: hi}
	var lat models.Differentiable
	switch c.Kind {
	case "plrnn":
		lat = plrnn.NewVanilla(pc, r)
	case "dendplrnn", "clipped-dendplrnn":
		pc.Clipped = c.Kind == "clipped-dendplrnn"
		lat = plrnn.NewDendritic(pc, r)
	case "shplrnn", "clipped-shplrnn":
		pc.Clipped = c.Kind == "clipped-shplrnn"
		lat = plrnn.NewShallow(pc, r)
	case "ctrnn":
		if r == nil {
			r = rng.New(seed) // parameters are overwritten from the checkpoint
		}
		lat = ctrnn.NewMap(ctrnn.Config{M: m, Tau: c.Tau, Gain: c.Gain}, c.Integrator, c.Step, r)
	default:
		return Model{}, fmt.Errorf("unknown model %q", c.Kind)
	}
	var o bptt.Observer
	if c.Observation == "affine" {
		var ro *rng.Rand
		if init {
			ro = rng.New(seed + 1)
		}
		o = obs.NewAffine(n, m, ro)
	} else {
		o = obs.NewIdentity(n, m)
	}
	return Model{Latent: lat, Obs: o}, nil
}

// Generate runs the model freely for steps steps from the latent state
// inferred from the observation x0 and returns the observations (steps×N)
// and, if latents is true, the latent states (steps×M).
func (md Model) Generate(x0 []float64, steps int, latents bool) (xs, zs []float64) {
	n, m := md.Obs.Dims()
	z := make([]float64, m)
	md.Obs.Invert(z, x0)
	xs = make([]float64, steps*n)
	if latents {
		zs = make([]float64, steps*m)
	}
	next := make([]float64, m)
	for t := 0; t < steps; t++ {
		md.Latent.Step(next, z, nil)
		z, next = next, z
		md.Obs.Observe(xs[t*n:(t+1)*n], z)
		if latents {
			copy(zs[t*m:(t+1)*m], z)
		}
	}
	return xs, zs
}

// Predictor adapts the model to metric.Predictor for PE(n): the latent state
// is inferred from the observation and iterated freely.
func (md Model) Predictor() func(dst, x0 []float64) {
	n, m := md.Obs.Dims()
	z, next := make([]float64, m), make([]float64, m)
	return func(dst, x0 []float64) {
		clear(z)
		md.Obs.Invert(z, x0)
		for k := 0; k < len(dst)/n; k++ {
			md.Latent.Step(next, z, nil)
			z, next = next, z
			md.Obs.Observe(dst[k*n:(k+1)*n], z)
		}
	}
}

// FieldsOf is the named layout of a model's parameter vector (one block
// "theta" for a model without names).
func FieldsOf(p models.Parametric) []models.Field {
	if l, ok := p.(models.Layouter); ok {
		return l.Layout()
	}
	return []models.Field{{Name: "theta", Shape: []int{len(p.Params())}}}
}

// NewTrainer is the BPTT trainer of a run: the config's training section
// over the training series, with the window-sampling generator seeded from
// train.seed. The command and the page both start runs here, so the same
// config trains to the same bits in either.
func NewTrainer(cfg Config, md Model, train Series) (*bptt.Trainer, error) {
	return bptt.New(md.Latent, md.Obs, train.X, cfg.Train.BPTT(), cfg.Train.Steps, rng.New(cfg.Train.Seed^0x5eed))
}
