package reservoir

import (
	"encoding/hex"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/lif"
	"github.com/rnnlab/rnnlab/rules/force"
	"github.com/rnnlab/rnnlab/rules/ridge"
	"github.com/rnnlab/rnnlab/rules/run"
)

// lifConfig is the network of a spiking preset, with three inputs, and the
// range of neurons its readout reads.
func lifConfig(c SpikingSpec) (cfg lif.Config, excOnly bool) {
	n := c.Neurons
	switch c.Preset {
	case "balanced":
		cfg = lif.Config{N: n, Dt: 0.1, TauMemE: 20, TauMemI: 10, TauSyn: 5, VReset: 10, VTh: 20, Refractory: 2,
			P: 0.1, J: 0.4, G: c.G, DelayMin: 1, DelayMax: 1}
	case "nicola":
		cfg = lif.Config{N: n, Dt: 0.1, TauMemE: 10, TauMemI: 10, TauSyn: 5, VTh: 1, Refractory: 2,
			P: 0.1, J: 0.5, G: c.G, DelayMin: 0.1, DelayMax: 0.1}
	default: // tutorial: 0.8 N excitatory neurons, read out alone
		cfg = lif.Tutorial(int(math.Round(0.8*float64(n))), 3)
		cfg.G = c.G
		cfg.Drive = lif.Drive{}
	}
	cfg.Drive.ConstE, cfg.Drive.ConstI = c.Drive, c.Drive
	cfg.Drive.Inputs, cfg.Drive.InputScale = 3, c.InputScale
	return cfg, c.Preset == "tutorial"
}

// newNet builds the network from seed and spreads the initial potentials
// uniformly between reset and threshold (seed+1), so the network does not
// start synchronised.
func newNet(cfg lif.Config, seed uint64) (*lif.Net, error) {
	net, err := lif.New(cfg, rng.New(seed))
	if err != nil {
		return nil, err
	}
	r := rng.New(seed + 1)
	for i := range net.V {
		net.V[i] = r.Uniform(cfg.VReset, cfg.VTh)
	}
	return net, nil
}

// lifStepper drives a LIF network sample by sample (Sub steps each, the
// input held) and reads its trace through a linear readout.
type lifStepper struct {
	net     *lif.Net
	trace   *lif.Trace
	sub     int
	predict func(out, feat []float64)

	rec       bool
	res       *result
	binE      int // spikes in the current rate bin
	binI      int
	binSteps  int
	spikes    int
	freeSteps int
}

func (l *lifStepper) drive(out, in []float64) error {
	for k := 0; k < l.sub; k++ {
		if err := l.net.Step(in); err != nil {
			return err
		}
		l.trace.Record(l.net)
		if l.rec {
			l.count()
		}
	}
	l.predict(out, l.trace.X)
	if !finite(out) {
		return fmt.Errorf("non-finite readout")
	}
	return nil
}

func (l *lifStepper) count() {
	sp := l.net.Spikes()
	l.spikes += len(sp)
	l.freeSteps++
	t := float64(l.freeSteps) * l.net.Dt
	for _, i := range sp {
		if int(i) < l.net.NE {
			l.binE++
		} else {
			l.binI++
		}
		if t <= RasterMs {
			l.res.RasterT = append(l.res.RasterT, t)
			l.res.RasterI = append(l.res.RasterI, float64(i))
		}
	}
	l.binSteps++
	if float64(l.binSteps)*l.net.Dt >= RateBinMs-1e-9 {
		span := float64(l.binSteps) * l.net.Dt * 1e-3
		l.res.RateE = append(l.res.RateE, float64(l.binE)/span/float64(max(l.net.NE, 1)))
		l.res.RateI = append(l.res.RateI, float64(l.binI)/span/float64(max(l.net.N-l.net.NE, 1)))
		l.binE, l.binI, l.binSteps = 0, 0, 0
	}
}

func (l *lifStepper) record(res *result, on bool) {
	l.rec, l.res = on, res
	res.N, res.NE = l.net.N, l.net.NE
	if !on && l.freeSteps > 0 {
		res.MeanRate = float64(l.spikes) / (float64(l.freeSteps) * l.net.Dt * 1e-3) / float64(l.net.N)
	}
}

func (l *lifStepper) snapshot() func() {
	st, x := l.net.State(), append([]float64(nil), l.trace.X...)
	return func() {
		if err := l.net.SetState(st); err != nil {
			panic("reservoir: " + err.Error())
		}
		copy(l.trace.X, x)
	}
}

// ridgeModel is a LIF network used as a liquid-state machine: its fixed
// network is driven by the series through input weights, the traces of
// its (tutorial: excitatory) neurons after each sample are the features,
// and a ridge readout (rules/ridge, λ chosen on the validation part)
// predicts the next sample. One unit: the whole drive, fit and scoring
// (the features of the training part are not kept in checkpoints).
type ridgeModel struct {
	c   SpikingSpec
	s   *Spec
	d   *series
	st  *lifStepper
	res *result
}

func newRidge(c SpikingSpec, s *Spec, d *series, seed uint64) (*ridgeModel, error) {
	cfg, excOnly := lifConfig(c)
	net, err := newNet(cfg, seed)
	if err != nil {
		return nil, fmt.Errorf("%s.lif-ridge: %v", Kind, err)
	}
	hi := net.N
	if excOnly {
		hi = net.NE
	}
	return &ridgeModel{c: c, s: s, d: d, st: &lifStepper{net: net, trace: lif.NewTrace(net, 0, hi, c.TraceMs), sub: c.Sub}}, nil
}

func (m *ridgeModel) units() int { return 1 }

func (m *ridgeModel) advance() (bool, error) {
	p := len(m.st.trace.X)
	feed := func(x []float64) ([]float64, error) {
		T := len(x) / 3
		X := make([]float64, T*p)
		for t := 0; t < T; t++ {
			for k := 0; k < m.st.sub; k++ {
				if err := m.st.net.Step(x[t*3 : (t+1)*3]); err != nil {
					return nil, fmt.Errorf("lif-ridge: sample %d: %v", t, err)
				}
				m.st.trace.Record(m.st.net)
			}
			copy(X[t*p:], m.st.trace.X)
		}
		return X, nil
	}
	xt, err := feed(m.d.train)
	if err != nil {
		return false, err
	}
	xv, err := feed(m.d.val)
	if err != nil {
		return false, err
	}
	nt, nv, w := len(m.d.train)/3, len(m.d.val)/3, m.c.Washout
	r, _, err := ridge.Select(xt[w*p:(nt-1)*p], m.d.train[(w+1)*3:], xv[:(nv-1)*p], m.d.val[3:], p, 3, m.c.Lambdas)
	if err != nil {
		return false, fmt.Errorf("lif-ridge: %v", err)
	}
	m.st.predict = r.Predict
	last := make([]float64, 3)
	r.Predict(last, xv[(nv-1)*p:])
	m.res = &result{Params: len(r.W) + len(r.C), Lambda1Jac: math.NaN()}
	score(m.res, m.st, m.d, m.s.Free, m.s.Lyap, true, last)
	m.res.Note = join(fmt.Sprintf("λ = %g", r.Lambda), m.res.Note)
	return true, nil
}

func (m *ridgeModel) result() *result        { return m.res }
func (m *ridgeModel) status() run.Value      { return run.Value{Name: "lif-ridge.r2", Value: math.NaN()} }
func (m *ridgeModel) save(w *ckWriter)       {}
func (m *ridgeModel) load(r *ckReader) error { return nil }

// spikingForce is a LIF network whose readout of all neurons' traces is fed
// back as its input and trained by FORCE with RLS once per sample (after
// its Sub steps) towards the next sample (Nicola & Clopath, Nat. Commun.
// 8:2208, 2017; the recurrent weights stay fixed and keep Dale's law).
type spikingForce struct {
	c    SpikingSpec
	s    *Spec
	d    *series
	st   *lifStepper
	rls  *force.RLS
	z    []float64
	pos  int
	errs []float64
	res  *result
}

func newSpikingForce(c SpikingSpec, s *Spec, d *series, seed uint64) (*spikingForce, error) {
	cfg, _ := lifConfig(c)
	net, err := newNet(cfg, seed)
	if err != nil {
		return nil, fmt.Errorf("%s.lif-force: %v", Kind, err)
	}
	tr := lif.NewTrace(net, 0, net.N, c.TraceMs)
	f := &spikingForce{c: c, s: s, d: d, rls: force.NewRLS(net.N, 3, c.Alpha), z: make([]float64, 3)}
	f.st = &lifStepper{net: net, trace: tr, sub: c.Sub, predict: f.rls.Predict}
	return f, nil
}

func (f *spikingForce) samples() int { return len(f.d.train)/3 - 1 }

func (f *spikingForce) units() int { return (f.samples() + f.c.Chunk - 1) / f.c.Chunk }

func (f *spikingForce) advance() (bool, error) {
	end := min(f.pos+f.c.Chunk, f.samples())
	var sum float64
	for s := f.pos; s < end; s++ {
		for k := 0; k < f.c.Sub; k++ {
			if err := f.st.net.Step(f.z); err != nil {
				return false, fmt.Errorf("lif-force: FORCE training diverged at sample %d: %v", s, err)
			}
			f.st.trace.Record(f.st.net)
			if k < f.c.Sub-1 {
				f.rls.Predict(f.z, f.st.trace.X)
			}
		}
		sum += f.rls.Update(f.st.trace.X, f.d.train[(s+1)*3:(s+2)*3])
		f.rls.Predict(f.z, f.st.trace.X)
	}
	f.errs = append(f.errs, sum/float64(3*(end-f.pos)))
	f.pos = end
	if f.pos < f.samples() {
		return false, nil
	}
	f.res = &result{Params: len(f.rls.W), Lambda1Jac: math.NaN(), TrainErrors: f.errs}
	score(f.res, f.st, f.d, f.s.Free, f.s.Lyap, false, nil)
	return true, nil
}

func (f *spikingForce) result() *result { return f.res }

func (f *spikingForce) status() run.Value {
	v := math.NaN()
	if len(f.errs) > 0 {
		v = f.errs[len(f.errs)-1]
	}
	return run.Value{Name: "lif-force.mse", Value: v}
}

func (f *spikingForce) save(w *ckWriter) {
	st := f.st.net.State()
	w.tensor("v", st.V)
	w.tensor("i", st.I)
	ref := make([]float64, len(st.Ref))
	for i, r := range st.Ref {
		ref[i] = float64(r)
	}
	w.tensor("ref", ref)
	w.tensor("ring", st.Ring)
	w.meta("net_rng", hex.EncodeToString(st.RNG))
	w.meta("net_steps", fmt.Sprint(st.Steps))
	w.tensor("trace", f.st.trace.X)
	w.tensor("w", f.rls.W)
	w.tensor("pinv", f.rls.Pinv)
	w.tensor("z", f.z)
	w.tensor("errors", f.errs)
	w.int("pos", f.pos)
}

func (f *spikingForce) load(r *ckReader) error {
	net := f.st.net
	cur := net.State()
	st := lif.State{V: r.tensor("v", net.N), I: r.tensor("i", net.N), Ring: r.tensor("ring", len(cur.Ring))}
	for _, v := range r.tensor("ref", net.N) {
		st.Ref = append(st.Ref, int32(v))
	}
	st.Steps = int64(r.int("net_steps"))
	rb, err := hex.DecodeString(r.meta("net_rng"))
	if err != nil {
		r.fail("checkpoint metadata %snet_rng: %v", r.prefix, err)
	}
	st.RNG = rb
	copy(f.st.trace.X, r.tensor("trace", len(f.st.trace.X)))
	copy(f.rls.W, r.tensor("w", len(f.rls.W)))
	copy(f.rls.Pinv, r.tensor("pinv", len(f.rls.Pinv)))
	copy(f.z, r.tensor("z", 3))
	f.errs = r.tensor("errors", -1)
	f.pos = r.int("pos")
	if r.err != nil {
		return r.err
	}
	return net.SetState(st)
}

func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}
