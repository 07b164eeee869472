package reservoir

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/run"
)

// Kind is the comparison's kind of run.
const Kind = "reservoir"

func init() {
	run.Register(run.Kind{
		Name:    Kind,
		Summary: "compare a CT-RNN, an E/I rate network, LIF reservoirs (ridge, FORCE) and a surrogate-gradient LIF network on one Lorenz-63 series",
		Command: "compare",
		// A shorter series, three of the models, smaller BPTT windows and
		// units of 2 gradient steps or 100 FORCE samples.
		Browser: "steps=4000&free=2000&models=ctrnn,ei,lif-force&ctrnn.train_steps=300&ctrnn.seq_len=25&ctrnn.batch=8&ctrnn.chunk=2&ei.train_steps=300&ei.seq_len=25&ei.batch=8&ei.chunk=2&lif-force.neurons=200&lif-force.chunk=100",
		New:     func() run.Spec { return Defaults() },
		Resume:  resume,
	})
}

// Known model names, in the order of the table.
var modelNames = []string{"ctrnn", "ei", "ei-force", "lif-ridge", "lif-force", "lif-bptt"}

// Spec is the "reservoir" section of a run file. Zero numeric fields of the
// model subsections mean their preset's value.
type Spec struct {
	// Seed draws the series' initial condition and, offset per model, every
	// model's weights and streams.
	Seed uint64 `json:"seed"`
	// Steps samples at interval Dt after Transient time units, z-scored by
	// the training part's mean and standard deviation, split by Split into
	// training, validation and test parts.
	Steps     int        `json:"steps"`
	Dt        float64    `json:"dt"`
	Transient float64    `json:"transient"`
	Split     [3]float64 `json:"split"`
	// Free is the length of every model's free run (≥ the test part, which
	// its first steps are compared with; λ1 uses all of it).
	Free int `json:"free"`
	// Models are the models compared, in order: "ctrnn", "ei" (by
	// default both by BPTT), "ei-force" (the E/I network by FORCE),
	// "lif-ridge", "lif-force", "lif-bptt" (a LIF network trained end to
	// end by BPTT with a surrogate gradient).
	Models   []string      `json:"models"`
	CTRNN    RateSpec      `json:"ctrnn"`
	EI       RateSpec      `json:"ei"`
	EIForce  RateSpec      `json:"ei-force"`
	LIFRidge SpikingSpec   `json:"lif-ridge"`
	LIFForce SpikingSpec   `json:"lif-force"`
	LIFBPTT  SurrogateSpec `json:"lif-bptt"`
	Lyap     LyapSettings  `json:"lyap"`
}

// RateSpec configures a rate network (CT-RNN or E/I) and how it is trained.
type RateSpec struct {
	// Preset is "tutorial" (CNNC-Lab/RNNs-tutorial's settings) or "force"
	// (the settings of the FORCE experiment of docs/spiking.md).
	Preset string `json:"preset"`
	// Method is "bptt" (autonomous network, first three units observed,
	// teacher forcing; the E/I network observes x + EIOffset) or "force"
	// (readout fed back as the input, recursive least squares at every
	// step).
	Method string `json:"method"`
	// Units (CT-RNN) or Exc and Inh (E/I) size the network.
	Units int `json:"units,omitempty"`
	Exc   int `json:"exc,omitempty"`
	Inh   int `json:"inh,omitempty"`
	// Tau (CT-RNN) or TauE, TauI (E/I) are time constants in the unit of
	// the integration step Step; Integrator is "euler" or "rk4".
	Tau        float64 `json:"tau,omitempty"`
	TauE       float64 `json:"tau_e,omitempty"`
	TauI       float64 `json:"tau_i,omitempty"`
	Step       float64 `json:"step"`
	Integrator string  `json:"integrator"`
	Gain       float64 `json:"gain"`
	// BPTT: gradient steps, window length, windows per step, teacher
	// forcing ("sparse" every Interval steps, or "generalized" with Alpha),
	// learning rates from LR to LREnd.
	TrainSteps int     `json:"train_steps"`
	SeqLen     int     `json:"seq_len"`
	Batch      int     `json:"batch"`
	Forcing    string  `json:"forcing"`
	Interval   int     `json:"interval"`
	LR         float64 `json:"lr"`
	LREnd      float64 `json:"lr_end"`
	// Alpha is the GTF α (bptt) or the RLS regulariser (force).
	Alpha float64 `json:"alpha"`
	// Chunk is the work of one unit: gradient steps (bptt) or training
	// samples (force).
	Chunk int `json:"chunk"`
}

// SpikingSpec configures a LIF network used as a reservoir.
type SpikingSpec struct {
	// Preset is "tutorial" (the course's 800 E + 200 I reservoir,
	// lif.Tutorial), "balanced" (the 1 000-neuron 20-mV network of
	// docs/spiking.md) or "nicola" (the 500-neuron network of the spiking
	// FORCE test, after Nicola & Clopath 2017).
	Preset string `json:"preset"`
	// Neurons is N (tutorial: 0.8 N excitatory); G the relative inhibition;
	// Drive the constant current (in units of the threshold's mV);
	// InputScale the standard deviation of the input weights.
	Neurons    int     `json:"neurons"`
	G          float64 `json:"g"`
	Drive      float64 `json:"drive"`
	InputScale float64 `json:"input_scale"`
	// Sub network steps of 0.1 ms per sample, read through spike traces
	// of TraceMs.
	Sub     int     `json:"sub"`
	TraceMs float64 `json:"trace_ms"`
	// Ridge: Washout samples dropped before the fit, Lambdas the grid the
	// validation part chooses from. FORCE: Alpha the RLS regulariser.
	Washout int       `json:"washout,omitempty"`
	Lambdas []float64 `json:"lambdas,omitempty"`
	Alpha   float64   `json:"alpha,omitempty"`
	// Chunk is the number of training samples of one unit.
	Chunk int `json:"chunk"`
}

// LyapSettings control the estimate of λ1 from a series (Rosenstein et
// al. 1993): the Theiler window and the fit range, in time units.
type LyapSettings struct {
	Theiler float64 `json:"theiler"`
	FitFrom float64 `json:"fit_from"`
	FitTo   float64 `json:"fit_to"`
}

// Defaults are the course's settings: 20 000 samples of Lorenz-63 at dt =
// 0.01 after 10 time units, split 70/15/15, the four models with the
// tutorial's presets (FORCE presets for the spiking FORCE network), and
// the surrogate-gradient LIF network.
func Defaults() *Spec {
	return &Spec{
		Seed: 42, Steps: 20000, Dt: 0.01, Transient: 10, Split: [3]float64{0.7, 0.15, 0.15},
		Free:     10000,
		Models:   append([]string(nil), modelNames...),
		CTRNN:    RateSpec{Preset: "tutorial", Method: "bptt"},
		EI:       RateSpec{Preset: "tutorial", Method: "bptt"},
		EIForce:  RateSpec{Preset: "tutorial", Method: "force"},
		LIFRidge: SpikingSpec{Preset: "tutorial"},
		LIFForce: SpikingSpec{Preset: "nicola"},
		LIFBPTT:  SurrogateSpec{Preset: "tutorial"},
		Lyap:     LyapSettings{Theiler: 1, FitFrom: 0.5, FitTo: 1.5},
	}
}

// resolved returns the model's settings with the preset's values filled in.
func (r RateSpec) resolvedCTRNN() RateSpec {
	var p RateSpec
	switch r.Preset {
	case "force":
		// The FORCE experiment of docs/spiking.md (its best free run: M 600).
		p = RateSpec{Method: "force", Units: 600, Tau: 0.1, Step: 0.01, Integrator: "euler", Gain: 1.5, Alpha: 1, Chunk: 2000}
	default:
		// The tutorial's CT-RNN: 64 tanh units, τ = 1; trained here as an
		// autonomous network by BPTT with sparse teacher forcing.
		p = RateSpec{Method: "bptt", Units: 64, Tau: 1, Step: 0.1, Integrator: "rk4", Gain: 1.5,
			TrainSteps: 2000, SeqLen: 50, Batch: 16, Forcing: "sparse", Interval: 10, LR: 1e-3, LREnd: 1e-5, Alpha: 0.1, Chunk: 100}
		if r.Method == "force" {
			p.Alpha, p.Chunk = 1, 2000
		}
	}
	return fill(r, p)
}

func (r RateSpec) resolvedEI() RateSpec {
	// The tutorial's E/I network: 48 E + 16 I, τ_E 10, τ_I 5, Euler h 1;
	// Gain 0.5 (at ≥ 1 the rectified network with feedback runs away,
	// docs/spiking.md), RLS α 0.1.
	p := RateSpec{Method: "force", Exc: 48, Inh: 16, TauE: 10, TauI: 5, Step: 1, Integrator: "euler", Gain: 0.5, Alpha: 0.1, Chunk: 2000}
	switch {
	case r.Preset == "force":
		p.Exc, p.Inh = 240, 80
	case r.Method == "bptt":
		// BPTT as for the CT-RNN; the balanced initialisation at gain 1.
		p = RateSpec{Method: "bptt", Exc: 48, Inh: 16, TauE: 10, TauI: 5, Step: 1, Integrator: "euler", Gain: 1,
			TrainSteps: 2000, SeqLen: 50, Batch: 16, Forcing: "sparse", Interval: 10, LR: 1e-3, LREnd: 1e-5, Alpha: 0.1, Chunk: 100}
	}
	return fill(r, p)
}

// fill replaces r's zero fields by p's.
func fill(r, p RateSpec) RateSpec {
	s := func(a *string, b string) {
		if *a == "" {
			*a = b
		}
	}
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
	s(&r.Method, p.Method)
	i(&r.Units, p.Units)
	i(&r.Exc, p.Exc)
	i(&r.Inh, p.Inh)
	f(&r.Tau, p.Tau)
	f(&r.TauE, p.TauE)
	f(&r.TauI, p.TauI)
	f(&r.Step, p.Step)
	s(&r.Integrator, p.Integrator)
	f(&r.Gain, p.Gain)
	i(&r.TrainSteps, p.TrainSteps)
	i(&r.SeqLen, p.SeqLen)
	i(&r.Batch, p.Batch)
	s(&r.Forcing, p.Forcing)
	i(&r.Interval, p.Interval)
	f(&r.LR, p.LR)
	f(&r.LREnd, p.LREnd)
	f(&r.Alpha, p.Alpha)
	i(&r.Chunk, p.Chunk)
	return r
}

func (s SpikingSpec) resolved(forForce bool) SpikingSpec {
	var p SpikingSpec
	switch s.Preset {
	case "balanced":
		p = SpikingSpec{Neurons: 1000, G: 5, Drive: 20, InputScale: 6, Sub: 10, TraceMs: 10}
	case "nicola":
		p = SpikingSpec{Neurons: 500, G: 5, Drive: 1.05, InputScale: 1, Sub: 10, TraceMs: 20}
	default: // tutorial
		p = SpikingSpec{Neurons: 1000, G: 8, Drive: 0, InputScale: 0.5, Sub: 10, TraceMs: 10}
	}
	p.Washout, p.Alpha, p.Chunk = 200, 1, 2000
	p.Lambdas = []float64{1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4}
	if forForce {
		p.Lambdas, p.Washout = nil, 0
	}
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
	f(&s.G, p.G)
	f(&s.Drive, p.Drive)
	f(&s.InputScale, p.InputScale)
	i(&s.Sub, p.Sub)
	f(&s.TraceMs, p.TraceMs)
	i(&s.Washout, p.Washout)
	f(&s.Alpha, p.Alpha)
	i(&s.Chunk, p.Chunk)
	if len(s.Lambdas) == 0 {
		s.Lambdas = p.Lambdas
	}
	return s
}

// parts returns the sizes of the training, validation and test parts.
func (s *Spec) parts() (train, val, test int) {
	train = int(s.Split[0] * float64(s.Steps))
	val = int(s.Split[1] * float64(s.Steps))
	return train, val, s.Steps - train - val
}

// Validate reports the first impossible setting, naming its key.
func (s *Spec) Validate() error {
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("%s.%s = %v: %s", Kind, key, v, want)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case s.Steps < 100:
		return bad("steps", s.Steps, "the series needs at least 100 samples")
	case !(s.Dt > 0) || !finite(s.Dt):
		return bad("dt", s.Dt, "the sampling interval must be positive")
	case !(s.Transient >= 0) || !finite(s.Transient):
		return bad("transient", s.Transient, "the transient must be ≥ 0 time units")
	case !(s.Split[0] > 0 && s.Split[1] > 0 && s.Split[2] > 0) || math.Abs(s.Split[0]+s.Split[1]+s.Split[2]-1) > 1e-9:
		return bad("split", s.Split, "three positive fractions (training, validation, test) summing to 1, e.g. [0.7, 0.15, 0.15]")
	case len(s.Models) == 0:
		return bad("models", "[]", "name at least one of "+strings.Join(modelNames, ", "))
	}
	train, val, test := s.parts()
	if train < 60 || val < 20 || test < 20 {
		return bad("split", s.Split, fmt.Sprintf("gives %d/%d/%d samples; need at least 60/20/20 (raise steps)", train, val, test))
	}
	if s.Free < test {
		return bad("free", s.Free, fmt.Sprintf("the free run must be at least as long as the test part (%d samples)", test))
	}
	seen := map[string]bool{}
	for i, m := range s.Models {
		known := false
		for _, k := range modelNames {
			known = known || m == k
		}
		if !known {
			return bad(fmt.Sprintf("models[%d]", i), strconv.Quote(m), "unknown model; choose among "+strings.Join(modelNames, ", "))
		}
		if seen[m] {
			return bad(fmt.Sprintf("models[%d]", i), strconv.Quote(m), "listed twice")
		}
		seen[m] = true
	}
	if err := s.CTRNN.validate("ctrnn", true, train); err != nil {
		return err
	}
	if err := s.EI.validate("ei", false, train); err != nil {
		return err
	}
	if err := s.EIForce.validate("ei-force", false, train); err != nil {
		return err
	}
	if s.EIForce.Method != "" && s.EIForce.Method != "force" {
		return bad("ei-force.method", strconv.Quote(s.EIForce.Method), `"ei-force" is the E/I network trained by "force" (set "ei.method" for BPTT)`)
	}
	if err := s.LIFRidge.validate("lif-ridge", false, train); err != nil {
		return err
	}
	if err := s.LIFForce.validate("lif-force", true, train); err != nil {
		return err
	}
	if err := s.LIFBPTT.validate(train); err != nil {
		return err
	}
	l := s.Lyap
	if !(l.Theiler >= 0) || !(l.FitFrom >= 0) || !(l.FitTo > l.FitFrom) || !finite(l.FitTo) {
		return bad("lyap", fmt.Sprintf("%+v", l), "need theiler ≥ 0 and 0 ≤ fit_from < fit_to (time units)")
	}
	if int(l.FitTo/s.Dt)+int(l.Theiler/s.Dt)+10 > s.Free {
		return bad("lyap.fit_to", l.FitTo, fmt.Sprintf("the fit range and Theiler window need more than the %d samples of the free run", s.Free))
	}
	return nil
}

func (r RateSpec) validate(name string, ctrnnNet bool, train int) error {
	key := Kind + "." + name
	switch r.Preset {
	case "tutorial", "force":
	default:
		return fmt.Errorf("%s.preset = %q: want \"tutorial\" or \"force\"", key, r.Preset)
	}
	c := r.resolvedEI()
	if ctrnnNet {
		c = r.resolvedCTRNN()
		if r.Exc != 0 || r.Inh != 0 || r.TauE != 0 || r.TauI != 0 {
			return fmt.Errorf("%s: exc, inh, tau_e and tau_i are E/I keys; a CT-RNN has units and tau", key)
		}
	} else if r.Units != 0 || r.Tau != 0 {
		return fmt.Errorf("%s: units and tau are CT-RNN keys; the E/I network has exc, inh, tau_e and tau_i", key)
	}
	pos := func(k string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s.%s = %v: must be positive", key, k, v)
		}
		return nil
	}
	switch {
	case c.Method != "bptt" && c.Method != "force":
		return fmt.Errorf("%s.method = %q: want \"bptt\" or \"force\"", key, c.Method)
	case c.Integrator != "euler" && c.Integrator != "rk4":
		return fmt.Errorf("%s.integrator = %q: want \"euler\" or \"rk4\"", key, c.Integrator)
	case c.Chunk < 1:
		return fmt.Errorf("%s.chunk = %d: must be ≥ 1", key, c.Chunk)
	case ctrnnNet && c.Units < 4:
		return fmt.Errorf("%s.units = %d: need at least 4 units (3 are observed)", key, c.Units)
	case !ctrnnNet && (c.Exc < 1 || c.Inh < 0):
		return fmt.Errorf("%s.exc, inh = %d, %d: need exc ≥ 1 and inh ≥ 0", key, c.Exc, c.Inh)
	}
	for _, p := range []struct {
		k string
		v float64
	}{{"step", c.Step}, {"gain", c.Gain}, {"alpha", c.Alpha}} {
		if err := pos(p.k, p.v); err != nil {
			return err
		}
	}
	if ctrnnNet {
		if err := pos("tau", c.Tau); err != nil {
			return err
		}
	} else if err := pos("tau_e", c.TauE); err != nil {
		return err
	} else if err := pos("tau_i", c.TauI); err != nil {
		return err
	}
	if c.Method == "bptt" {
		switch {
		case c.TrainSteps < 1:
			return fmt.Errorf("%s.train_steps = %d: must be ≥ 1", key, c.TrainSteps)
		case c.SeqLen < 2 || c.SeqLen+1 > train:
			return fmt.Errorf("%s.seq_len = %d: must be ≥ 2 and shorter than the training part (%d samples)", key, c.SeqLen, train)
		case c.Batch < 1:
			return fmt.Errorf("%s.batch = %d: must be ≥ 1", key, c.Batch)
		case c.Forcing != "sparse" && c.Forcing != "generalized":
			return fmt.Errorf("%s.forcing = %q: want \"sparse\" or \"generalized\"", key, c.Forcing)
		case c.Interval < 1:
			return fmt.Errorf("%s.interval = %d: must be ≥ 1", key, c.Interval)
		case !(c.LR > 0) || !(c.LREnd > 0):
			return fmt.Errorf("%s.lr, lr_end = %v, %v: must be positive", key, c.LR, c.LREnd)
		case c.Forcing == "generalized" && c.Alpha > 1:
			return fmt.Errorf("%s.alpha = %v: the GTF α must lie in (0, 1]", key, c.Alpha)
		}
	}
	return nil
}

func (s SpikingSpec) validate(name string, forForce bool, train int) error {
	key := Kind + "." + name
	switch s.Preset {
	case "tutorial", "balanced", "nicola":
	default:
		return fmt.Errorf("%s.preset = %q: want \"tutorial\", \"balanced\" or \"nicola\"", key, s.Preset)
	}
	c := s.resolved(forForce)
	switch {
	case c.Neurons < 10:
		return fmt.Errorf("%s.neurons = %d: need at least 10 neurons", key, c.Neurons)
	case c.Sub < 1:
		return fmt.Errorf("%s.sub = %d: need at least one network step per sample", key, c.Sub)
	case !(c.TraceMs > 0):
		return fmt.Errorf("%s.trace_ms = %v: the trace time constant must be positive (ms)", key, c.TraceMs)
	case !(c.G >= 0) || !(c.InputScale > 0) || math.IsNaN(c.Drive) || math.IsInf(c.Drive, 0):
		return fmt.Errorf("%s: g = %v, input_scale = %v, drive = %v: need g ≥ 0, input_scale > 0 and a finite drive", key, c.G, c.InputScale, c.Drive)
	case c.Chunk < 1:
		return fmt.Errorf("%s.chunk = %d: must be ≥ 1", key, c.Chunk)
	case !forForce && (c.Washout < 0 || c.Washout >= train-10):
		return fmt.Errorf("%s.washout = %d: must lie in [0, %d) (the training part has %d samples)", key, c.Washout, train-10, train)
	case forForce && (!(c.Alpha > 0) || math.IsInf(c.Alpha, 0)):
		return fmt.Errorf("%s.alpha = %v: the RLS regulariser must be positive", key, c.Alpha)
	}
	for i, l := range c.Lambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			return fmt.Errorf("%s.lambdas[%d] = %v: must be ≥ 0 and finite", key, i, l)
		}
	}
	return nil
}

// Flags binds the common settings to the compare command's flags.
func (s *Spec) Flags(fs *flag.FlagSet) {
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the series and of every model")
	fs.IntVar(&s.Steps, "steps", s.Steps, "samples of the Lorenz-63 series (split 70/15/15)")
	fs.IntVar(&s.Free, "free", s.Free, "length of every model's free run")
	fs.Func("models", "comma-separated models to compare (default "+strings.Join(s.Models, ",")+")", func(v string) error {
		var ms []string
		for _, m := range strings.Split(v, ",") {
			if m = strings.TrimSpace(m); m != "" {
				ms = append(ms, m)
			}
		}
		s.Models = ms
		return nil
	})
	fs.StringVar(&s.CTRNN.Method, "ctrnn-method", s.CTRNN.Method, "CT-RNN training: bptt or force")
	fs.IntVar(&s.CTRNN.TrainSteps, "ctrnn-steps", s.CTRNN.TrainSteps, "CT-RNN BPTT gradient steps (0: preset)")
	fs.StringVar(&s.LIFRidge.Preset, "lif-preset", s.LIFRidge.Preset, "LIF reservoir preset: tutorial, balanced or nicola")
	fs.IntVar(&s.LIFRidge.Neurons, "lif-neurons", s.LIFRidge.Neurons, "LIF reservoir size N (0: preset)")
	fs.IntVar(&s.LIFBPTT.TrainSteps, "lif-bptt-steps", s.LIFBPTT.TrainSteps, "surrogate-gradient LIF network's BPTT gradient steps (0: preset)")
}
