package reservoir

import (
	"encoding/hex"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/lyap"
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/balanced"
	"github.com/rnnlab/rnnlab/models/ctrnn"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/rules/bptt"
	"github.com/rnnlab/rnnlab/rules/force"
	"github.com/rnnlab/rnnlab/rules/run"
)

// bpttModel is an autonomous rate network whose first three units are the
// observed coordinates (identity observation), trained by rules/bptt with
// teacher forcing on the training part, as the project reconstructs
// dynamical systems. Predicting x_{t+1} from x_t: the observed units are
// set to x_t, the others keep their state, and one step of the network
// gives the prediction.
//
// The CT-RNN observes x itself. The E/I network's rates are ≥ 0 (φ is a
// rectifier or a softplus), so its first three excitatory units observe
// x + EIOffset: z-scored Lorenz-63 lies within about ±2.5, and a fixed
// shift keeps the observation a unit-gain identity.
type bpttModel struct {
	name   string
	c      RateSpec
	d      *series
	s      *Spec
	m      models.Differentiable
	tr     *bptt.Trainer
	offset float64
	dale   *balanced.Net // checked after every training step (E/I)
	// surrogate marks the LIF network of models/snn (lif-bptt).
	surrogate bool
	losses    []float64
	res       *result
	z         []float64 // stepper state
}

// EIOffset is the shift between the data and the E/I network's observed rates.
const EIOffset = 4.0

func newBPTT(name string, c RateSpec, s *Spec, d *series, seed uint64) (*bpttModel, error) {
	b := &bpttModel{name: name, c: c, d: d, s: s}
	train := d.train
	M := c.Units
	if name == "ctrnn" {
		b.m = ctrnn.NewMap(ctrnn.Config{M: c.Units, Tau: c.Tau, Gain: c.Gain}, c.Integrator, c.Step, rng.New(seed))
	} else {
		cfg := balanced.Tutorial(0)
		cfg.NE, cfg.NI, cfg.TauE, cfg.TauI, cfg.Gain = c.Exc, c.Inh, c.TauE, c.TauI, c.Gain
		m, err := balanced.NewMap(cfg, c.Integrator, c.Step, rng.New(seed))
		if err != nil {
			return nil, fmt.Errorf("%s.ei: %v", Kind, err)
		}
		b.m, M, b.offset = m, c.Exc+c.Inh, EIOffset
		switch e := m.(type) {
		case *balanced.Euler:
			b.dale = e.F.(*balanced.Net)
		case *balanced.RK4:
			b.dale = e.F.(*balanced.Net)
		}
		train = make([]float64, len(d.train))
		for i, v := range d.train {
			train[i] = v + EIOffset
		}
	}
	return b, b.trainer(train, M, seed)
}

// trainer builds the BPTT trainer of b.m, whose first three of M state
// coordinates observe the rows of train.
func (b *bpttModel) trainer(train []float64, M int, seed uint64) error {
	c, name := b.c, b.name
	cfg := bptt.Config{SeqLen: c.SeqLen, Batch: c.Batch, Forcing: bptt.Forcing(c.Forcing), Interval: c.Interval,
		LR: c.LR, LREnd: c.LREnd}
	if c.Forcing == "generalized" {
		cfg.Alpha = c.Alpha
	}
	tr, err := bptt.New(b.m, obs.NewIdentity(3, M), train, cfg, c.TrainSteps, rng.New(seed+1))
	if err != nil {
		return fmt.Errorf("%s.%s: %v", Kind, name, err)
	}
	b.tr = tr
	return nil
}

func (b *bpttModel) units() int { return (b.c.TrainSteps + b.c.Chunk - 1) / b.c.Chunk }

func (b *bpttModel) advance() (bool, error) {
	n := min(b.c.Chunk, b.c.TrainSteps-b.tr.Steps())
	var sum float64
	for i := 0; i < n; i++ {
		loss, err := b.tr.Step()
		if err != nil {
			return false, fmt.Errorf("%s: %v", b.name, err)
		}
		if b.dale != nil {
			if err := b.dale.CheckDale(); err != nil {
				return false, fmt.Errorf("%s: after BPTT step %d: %v", b.name, b.tr.Steps(), err)
			}
		}
		sum += loss
	}
	b.losses = append(b.losses, sum/float64(n))
	if b.tr.Steps() < b.c.TrainSteps {
		return false, nil
	}
	b.res = &result{Params: len(b.m.Params()), Lambda1Jac: math.NaN(), TrainErrors: b.losses}
	b.z = make([]float64, b.m.Dim())
	score(b.res, b, b.d, b.s.Free, b.s.Lyap, false, nil)
	// λ1 of the trained map itself, from the state its free run ended in
	// (per time unit: one step is one sample, dt); not for a spiking map,
	// whose Jacobian in training is the surrogate's, not the map's.
	if x0 := b.z; finite(x0) && !b.surrogate {
		if ls, err := lyap.Spectrum(b.m, append([]float64(nil), x0...), 5000, &lyap.Settings{K: 1, Transient: 500, Dt: b.d.dt}); err == nil {
			b.res.Lambda1Jac = ls[0]
		}
	}
	return true, nil
}

func (b *bpttModel) drive(out, in []float64) error {
	for i, v := range in {
		b.z[i] = v + b.offset
	}
	next := make([]float64, len(b.z))
	b.m.Step(next, b.z, nil)
	copy(b.z, next)
	for i := range out {
		out[i] = b.z[i] - b.offset
	}
	if !finite(out) {
		return fmt.Errorf("non-finite state")
	}
	return nil
}

func (b *bpttModel) snapshot() func() {
	z := append([]float64(nil), b.z...)
	return func() { copy(b.z, z) }
}

func (b *bpttModel) result() *result { return b.res }

func (b *bpttModel) status() run.Value {
	v := math.NaN()
	if len(b.losses) > 0 {
		v = b.losses[len(b.losses)-1]
	}
	return run.Value{Name: b.name + ".loss", Value: v}
}

func (b *bpttModel) save(w *ckWriter) {
	w.tensor("params", b.m.Params())
	om, oo := b.tr.OptimizerState()
	w.tensor("opt_model", om)
	w.tensor("opt_obs", oo)
	w.tensor("losses", b.losses)
	w.int("steps", b.tr.Steps())
	w.float("alpha", b.tr.Alpha)
	rb, err := b.tr.RNG().MarshalBinary()
	if err != nil {
		panic("reservoir: " + err.Error())
	}
	w.meta("rng", hex.EncodeToString(rb))
}

func (b *bpttModel) load(r *ckReader) error {
	copy(b.m.Params(), r.tensor("params", len(b.m.Params())))
	om, oo := b.tr.OptimizerState()
	om, oo = r.tensor("opt_model", len(om)), r.tensor("opt_obs", len(oo))
	b.losses = r.tensor("losses", -1)
	steps, alpha := r.int("steps"), r.float("alpha")
	rb, err := hex.DecodeString(r.meta("rng"))
	if r.err != nil {
		return r.err
	}
	if err != nil {
		return fmt.Errorf("checkpoint metadata %srng: %v", r.prefix, err)
	}
	if err := b.tr.RNG().UnmarshalBinary(rb); err != nil {
		return fmt.Errorf("checkpoint metadata %srng: %v", r.prefix, err)
	}
	return b.tr.Restore(steps, alpha, om, oo)
}

// forceModel is a rate network (CT-RNN or E/I) whose readout z = W r of its
// features r (tanh of the CT-RNN's activations, the E/I network's rates)
// is fed back as its three inputs and trained by FORCE (rules/force;
// Sussillo & Abbott 2009) to follow x_{t+1} at every training step. To
// predict x_{t+1} from x_t the true x_t is fed in instead of the readout.
type forceModel struct {
	name string
	c    RateSpec
	d    *series
	s    *Spec
	tr   *force.Trainer
	pos  int // training samples done
	errs []float64
	res  *result
}

func newForce(name string, c RateSpec, s *Spec, d *series, seed uint64) (*forceModel, error) {
	var m models.Map
	var feat func(dst, x []float64)
	if name == "ctrnn" {
		m = ctrnn.NewMap(ctrnn.Config{M: c.Units, K: 3, Tau: c.Tau, Gain: c.Gain}, c.Integrator, c.Step, rng.New(seed))
		feat = func(dst, x []float64) {
			for i, v := range x {
				dst[i] = fmath.Tanh(v)
			}
		}
	} else {
		cfg := balanced.Tutorial(3)
		cfg.NE, cfg.NI, cfg.TauE, cfg.TauI, cfg.Gain = c.Exc, c.Inh, c.TauE, c.TauI, c.Gain
		bm, err := balanced.NewMap(cfg, c.Integrator, c.Step, rng.New(seed))
		if err != nil {
			return nil, fmt.Errorf("%s.ei: %v", Kind, err)
		}
		m = bm
	}
	x0 := make([]float64, m.Dim())
	rng.New(seed+1).FillUniform(x0, 0, 0.5)
	tr, err := force.NewTrainer(m, x0, m.Dim(), feat, c.Alpha)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %v", Kind, name, err)
	}
	return &forceModel{name: name, c: c, d: d, s: s, tr: tr}, nil
}

func (f *forceModel) samples() int { return len(f.d.train)/3 - 1 }

func (f *forceModel) units() int { return (f.samples() + f.c.Chunk - 1) / f.c.Chunk }

func (f *forceModel) advance() (bool, error) {
	end := min(f.pos+f.c.Chunk, f.samples())
	var sum float64
	for s := f.pos; s < end; s++ {
		sum += f.tr.Step(f.d.train[(s+1)*3 : (s+2)*3])
	}
	f.errs = append(f.errs, sum/float64(3*(end-f.pos)))
	f.pos = end
	if !finite(f.tr.Z) {
		return false, fmt.Errorf("%s: FORCE training diverged after %d samples (lower %s.%s.gain or raise alpha)", f.name, f.pos, Kind, f.name)
	}
	if f.pos < f.samples() {
		return false, nil
	}
	f.res = &result{Params: len(f.tr.RLS.W), Lambda1Jac: math.NaN(), TrainErrors: f.errs}
	score(f.res, f, f.d, f.s.Free, f.s.Lyap, false, nil)
	return true, nil
}

func (f *forceModel) drive(out, in []float64) error {
	copy(f.tr.Z, in)
	f.tr.Step(nil)
	copy(out, f.tr.Z)
	if !finite(out) {
		return fmt.Errorf("non-finite readout")
	}
	return nil
}

func (f *forceModel) snapshot() func() {
	x, z := append([]float64(nil), f.tr.X...), append([]float64(nil), f.tr.Z...)
	return func() { copy(f.tr.X, x); copy(f.tr.Z, z) }
}

func (f *forceModel) result() *result { return f.res }

func (f *forceModel) status() run.Value {
	v := math.NaN()
	if len(f.errs) > 0 {
		v = f.errs[len(f.errs)-1]
	}
	return run.Value{Name: f.name + ".mse", Value: v}
}

func (f *forceModel) save(w *ckWriter) {
	w.tensor("x", f.tr.X)
	w.tensor("z", f.tr.Z)
	w.tensor("w", f.tr.RLS.W)
	w.tensor("pinv", f.tr.RLS.Pinv)
	w.tensor("errors", f.errs)
	w.int("pos", f.pos)
}

func (f *forceModel) load(r *ckReader) error {
	copy(f.tr.X, r.tensor("x", len(f.tr.X)))
	copy(f.tr.Z, r.tensor("z", len(f.tr.Z)))
	copy(f.tr.RLS.W, r.tensor("w", len(f.tr.RLS.W)))
	copy(f.tr.RLS.Pinv, r.tensor("pinv", len(f.tr.RLS.Pinv)))
	f.errs = r.tensor("errors", -1)
	f.pos = r.int("pos")
	return r.err
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
