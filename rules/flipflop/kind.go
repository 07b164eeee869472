package flipflop

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/cmplx"
	"strconv"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/analysis/fixedpoint"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
)

// Kind is the flip-flop's kind of run.
const Kind = "flipflop"

func init() {
	run.Register(run.Kind{
		Name:    Kind,
		Summary: "the 3-bit flip-flop (Sussillo & Barak 2013) learned by a CT-RNN and an E/I network (FORCE), and their fixed points",
		Command: "flipflop",
		// Networks of 32 units, 4 000 training steps in units of 500, 1 000
		// test steps and 12 fixed-point searches of 40 iterations.
		Browser: "units=32&train=4000&test=1000&chunk=500&starts=12&max-iter=40",
		New:     func() run.Spec { return Defaults() },
		Resume:  resume,
	})
}

// netNames are the networks, in the order of the table.
var netNames = []string{"ctrnn", "ei"}

// Spec is the "flipflop" section of a run file.
//
//	{"kind": "flipflop", "flipflop": {"nets": ["ctrnn"], "train": 20000, "seed": 1}}
type Spec struct {
	// Seed draws every network's weights (Seed), initial state (Seed+1)
	// and the pulse sequences (Seed+2: training, then test).
	Seed uint64 `json:"seed"`
	// Nets are the networks trained, in order: "ctrnn", "ei".
	Nets []string `json:"nets"`
	// Pulse is the probability per channel and step that a pulse starts;
	// PulseLen its length in steps.
	Pulse    float64 `json:"pulse"`
	PulseLen int     `json:"pulse_len"`
	// Train and Test are the lengths of the two pulse sequences; Chunk the
	// FORCE steps of one unit; Alpha the RLS regulariser (P₀ = I/α).
	Train int     `json:"train"`
	Test  int     `json:"test"`
	Chunk int     `json:"chunk"`
	Alpha float64 `json:"alpha"`
	CTRNN NetSpec `json:"ctrnn"`
	EI    NetSpec `json:"ei"`
	// The fixed-point search: Starts states of the test run (evenly
	// spaced), MaxIter Levenberg–Marquardt iterations each, a point is
	// fixed when q ≤ TolSpeed; FDStep is the closed loop's
	// finite-difference step.
	Starts   int     `json:"starts"`
	MaxIter  int     `json:"max_iter"`
	TolSpeed float64 `json:"tol_speed"`
	FDStep   float64 `json:"fd_step"`
	// Trace is the number of test steps the traces figure shows.
	Trace int `json:"trace"`
}

// NetSpec sizes one network: Units (the E/I network: 3/4 excitatory), its
// Euler step (in units of τ for the CT-RNN, whose τ is 1; in the E/I
// network's time unit, τ_E 10 and τ_I 5) and the gain of its initial
// recurrent weights.
type NetSpec struct {
	Units int     `json:"units"`
	Step  float64 `json:"step"`
	Gain  float64 `json:"gain"`
}

// Defaults are the settings of docs/spiking.md's flip-flop experiment:
// 64-unit networks (the tutorial's size), pulses of 5 steps with
// probability 0.02, 20 000 training and 5 000 test steps, 64 starts.
func Defaults() *Spec {
	return &Spec{Seed: 1, Nets: append([]string(nil), netNames...), Pulse: 0.02, PulseLen: 5,
		Train: 20000, Test: 5000, Chunk: 2000, Alpha: 1,
		CTRNN: NetSpec{Units: 64, Step: 0.5, Gain: 1}, EI: NetSpec{Units: 64, Step: 1, Gain: 0.3},
		Starts: 64, MaxIter: 200, TolSpeed: 1e-14, FDStep: 1e-6, Trace: 600}
}

func (s *Spec) net(name string) NetSpec {
	if name == "ei" {
		return s.EI
	}
	return s.CTRNN
}

// Validate reports the first impossible setting, naming its key.
func (s *Spec) Validate() error {
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("%s.%s = %v: %s", Kind, key, v, want)
	}
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch {
	case len(s.Nets) == 0:
		return bad("nets", "[]", "name at least one of "+strings.Join(netNames, ", "))
	case !(s.Pulse > 0 && s.Pulse < 1):
		return bad("pulse", s.Pulse, "the pulse probability per step must lie in (0, 1), e.g. 0.02")
	case s.PulseLen < 1:
		return bad("pulse_len", s.PulseLen, "a pulse lasts at least one step")
	case s.Train < 1:
		return bad("train", s.Train, "need at least one training step")
	case s.Test < 1:
		return bad("test", s.Test, "need at least one test step")
	case s.Chunk < 1:
		return bad("chunk", s.Chunk, "a unit is at least one FORCE step")
	case !pos(s.Alpha):
		return bad("alpha", s.Alpha, "the RLS regulariser must be positive")
	case s.Starts < 1:
		return bad("starts", s.Starts, "the fixed-point search needs at least one start")
	case s.Starts > s.Test:
		return bad("starts", s.Starts, fmt.Sprintf("more starts than test steps (%d)", s.Test))
	case s.MaxIter < 1:
		return bad("max_iter", s.MaxIter, "need at least one Levenberg–Marquardt iteration")
	case !pos(s.TolSpeed):
		return bad("tol_speed", s.TolSpeed, "the speed below which a point is fixed must be positive")
	case !pos(s.FDStep):
		return bad("fd_step", s.FDStep, "the finite-difference step must be positive")
	case s.Trace < 0 || s.Trace > s.Test:
		return bad("trace", s.Trace, fmt.Sprintf("the traces figure shows 0 to %d test steps", s.Test))
	}
	seen := map[string]bool{}
	for i, n := range s.Nets {
		if n != "ctrnn" && n != "ei" {
			return bad(fmt.Sprintf("nets[%d]", i), strconv.Quote(n), "unknown network; choose among "+strings.Join(netNames, ", "))
		}
		if seen[n] {
			return bad(fmt.Sprintf("nets[%d]", i), strconv.Quote(n), "listed twice")
		}
		seen[n] = true
	}
	for _, n := range netNames {
		c := s.net(n)
		switch {
		case c.Units < 8:
			return bad(n+".units", c.Units, "need at least 8 units")
		case !pos(c.Step):
			return bad(n+".step", c.Step, "the Euler step must be positive")
		case !pos(c.Gain):
			return bad(n+".gain", c.Gain, "the initial gain must be positive")
		}
	}
	return nil
}

// Flags binds the common settings to the flipflop command's flags.
func (s *Spec) Flags(fs *flag.FlagSet) {
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the networks and the pulse sequences")
	fs.Func("nets", "comma-separated networks (default "+strings.Join(s.Nets, ",")+")", func(v string) error {
		var ns []string
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				ns = append(ns, n)
			}
		}
		s.Nets = ns
		return nil
	})
	fs.Func("units", fmt.Sprintf("units of both networks (default %d)", s.CTRNN.Units), func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want an integer: %v", err)
		}
		s.CTRNN.Units, s.EI.Units = n, n
		return nil
	})
	fs.IntVar(&s.Train, "train", s.Train, "FORCE training steps per network")
	fs.IntVar(&s.Test, "test", s.Test, "test steps")
	fs.IntVar(&s.Chunk, "chunk", s.Chunk, "FORCE steps of one unit (a progress line, a checkpoint)")
	fs.IntVar(&s.Starts, "starts", s.Starts, "states of the test run the fixed-point search starts from")
	fs.IntVar(&s.MaxIter, "max-iter", s.MaxIter, "Levenberg–Marquardt iterations per start")
}

// point is one fixed point of a trained closed loop.
type point struct {
	Readout   [Bits]float64 `json:"readout"`
	Q         float64       `json:"q"`
	Stable    bool          `json:"stable"`
	MaxAbsEig float64       `json:"max_abs_eig"` // largest |λ| of its Jacobian
	State     string        `json:"state"`       // the memory state it decodes to ("+−+"), or ""
}

// netResult is one network's test and analysis.
type netResult struct {
	Accuracy     float64   `json:"accuracy"`
	Fixed        int       `json:"fixed"`
	Stable       int       `json:"stable"`
	MemoryStates int       `json:"memory_states"` // of the 8, decoded by at least one stable point
	Params       int       `json:"params"`
	Points       []point   `json:"points"`
	TraceU       []float64 `json:"trace_u"` // Trace × 3: inputs, targets, outputs
	TraceY       []float64 `json:"trace_y"`
	TraceZ       []float64 `json:"trace_z"`
	TrainErrors  []float64 `json:"train_errors"`
}

// netRun is one network in training.
type netRun struct {
	name           string
	net            *network
	x, next, r, z  []float64
	pos            int
	errs           []float64
	res            *netResult
	secs           float64
	unitsDone      int
	trainU, trainY []float64
	testU, testY   []float64
}

// Trainer trains the networks one after another.
type Trainer struct {
	spec  *Spec
	nets  []*netRun
	step  int
	total int
}

// Start begins a fresh run.
func (s *Spec) Start(run.Env) (run.Trainer, error) { return start(s) }

func start(s *Spec) (*Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	pr := rng.New(s.Seed + 2)
	tu, ty := pulses(pr, s.Train, s.Pulse, s.PulseLen)
	vu, vy := pulses(pr, s.Test, s.Pulse, s.PulseLen)
	t := &Trainer{spec: s}
	for _, name := range s.Nets {
		n, err := newNetwork(name, s.net(name), s.Alpha, s.Seed)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %v", Kind, name, err)
		}
		M := n.m.Dim()
		nr := &netRun{name: name, net: n, x: make([]float64, M), next: make([]float64, M), r: make([]float64, M),
			z: make([]float64, Bits), trainU: tu, trainY: ty, testU: vu, testY: vy}
		rng.New(s.Seed+1).FillUniform(nr.x, 0, 0.5)
		t.nets = append(t.nets, nr)
		t.total += t.units()
	}
	return t, nil
}

// units is the number of units of one network.
func (t *Trainer) units() int { return (t.spec.Train+t.spec.Chunk-1)/t.spec.Chunk + 1 }

// current is the network in training, or nil when all are analysed.
func (t *Trainer) current() *netRun {
	for _, n := range t.nets {
		if n.res == nil {
			return n
		}
	}
	return nil
}

// stepNet advances network n one step with pulses u and its readout fed
// back; a non-nil target also updates the readout (FORCE) and adds the
// squared error before the update to *sq.
func (n *netRun) stepNet(u, target []float64, sq *float64) {
	in := make([]float64, 2*Bits)
	copy(in, u)
	copy(in[Bits:], n.z)
	n.net.m.Step(n.next, n.x, in)
	n.x, n.next = n.next, n.x
	n.net.feat(n.r, n.x)
	if target != nil {
		*sq += n.net.rls.Update(n.r, target)
	}
	n.net.rls.Predict(n.z, n.r)
}

// Advance does the next Chunk FORCE steps of the current network, or its
// test and fixed-point analysis.
func (t *Trainer) Advance() error {
	n := t.current()
	if n == nil {
		return nil
	}
	t0 := time.Now()
	s := t.spec
	if n.pos < s.Train {
		end := min(n.pos+s.Chunk, s.Train)
		var sq float64
		for k := n.pos; k < end; k++ {
			n.stepNet(n.trainU[k*Bits:(k+1)*Bits], n.trainY[k*Bits:(k+1)*Bits], &sq)
		}
		n.errs = append(n.errs, sq/float64(Bits*(end-n.pos)))
		n.pos = end
		if !finite(n.z) {
			return fmt.Errorf("%s: FORCE training of %s diverged after %d steps (lower %s.%s.gain or raise %s.alpha)", Kind, n.name, n.pos, Kind, n.name, Kind)
		}
	} else {
		n.res = t.analyse(n)
	}
	n.secs += time.Since(t0).Seconds()
	n.unitsDone++
	t.step++
	return nil
}

// analyse runs the test sequence from the trained state, scoring the signs
// of the outputs, and searches the closed loop's fixed points from
// s.Starts evenly spaced states of it.
func (t *Trainer) analyse(n *netRun) *netResult {
	s := t.spec
	res := &netResult{Params: len(n.net.rls.W), TrainErrors: n.errs}
	var starts [][]float64
	every := max(s.Test/s.Starts, 1)
	ok, tot := 0, 0
	for k := 0; k < s.Test; k++ {
		u, y := n.testU[k*Bits:(k+1)*Bits], n.testY[k*Bits:(k+1)*Bits]
		n.stepNet(u, nil, nil)
		for c := 0; c < Bits; c++ {
			if y[c] != 0 {
				tot++
				if n.z[c]*y[c] > 0 {
					ok++
				}
			}
		}
		if k < s.Trace {
			res.TraceU = append(res.TraceU, u...)
			res.TraceY = append(res.TraceY, y...)
			res.TraceZ = append(res.TraceZ, n.z...)
		}
		if k%every == every-1 && len(starts) < s.Starts {
			starts = append(starts, append([]float64(nil), n.x...))
		}
	}
	res.Accuracy = float64(ok) / float64(max(tot, 1))
	cl := newClosedLoop(n.net, s.FDStep)
	pts := fixedpoint.OfMap(cl, starts, &fixedpoint.Settings{MaxIter: s.MaxIter, TolFixed: s.TolSpeed, MaxQ: s.TolSpeed})
	seen := map[string]bool{}
	z := make([]float64, Bits)
	for _, p := range pts {
		if !p.Fixed {
			continue
		}
		res.Fixed++
		cl.readout(z, p.X)
		pt := point{Q: p.Q, Stable: p.Stable, State: decode(z)}
		copy(pt.Readout[:], z)
		for _, e := range p.Eigenvalues {
			pt.MaxAbsEig = max(pt.MaxAbsEig, cmplx.Abs(e))
		}
		// The eigenvalues come from gonum's LAPACK (analysis/fixedpoint),
		// whose amd64 assembly and portable Go differ in the last bits;
		// kept to 8 digits, the checkpoint is the same on both targets.
		pt.MaxAbsEig, _ = strconv.ParseFloat(strconv.FormatFloat(pt.MaxAbsEig, 'g', 8, 64), 64)
		if p.Stable {
			res.Stable++
			if pt.State != "" {
				seen[pt.State] = true
			}
		}
		res.Points = append(res.Points, pt)
	}
	res.MemoryStates = len(seen)
	return res
}

// decode names the memory state of readout z: the signs of its three
// outputs ("+−+") when each exceeds 0.5 in magnitude, else "".
func decode(z []float64) string {
	var b strings.Builder
	for _, v := range z {
		switch {
		case v > 0.5:
			b.WriteString("+")
		case v < -0.5:
			b.WriteString("−")
		default:
			return ""
		}
	}
	return b.String()
}

// memoryStates are the 8 states in binary order (−−−, −−+, …, +++).
func memoryStates() []string {
	var out []string
	for i := 0; i < 1<<Bits; i++ {
		var b strings.Builder
		for c := Bits - 1; c >= 0; c-- {
			if i>>c&1 == 1 {
				b.WriteString("+")
			} else {
				b.WriteString("−")
			}
		}
		out = append(out, b.String())
	}
	return out
}

// Done says every network is tested and analysed.
func (t *Trainer) Done() bool { return t.current() == nil }

// Progress counts units; the value is the current network's training MSE.
func (t *Trainer) Progress() run.Progress {
	p := run.Progress{Step: t.step, Total: t.total, Unit: "unit"}
	n := t.current()
	if n == nil {
		p.Note = "all networks analysed"
		return p
	}
	v := math.NaN()
	if len(n.errs) > 0 {
		v = n.errs[len(n.errs)-1]
	}
	p.Values = []run.Value{{Name: n.name + ".mse", Value: v}}
	if n.pos < t.spec.Train {
		p.Note = fmt.Sprintf("%s: FORCE step %d/%d", n.name, n.pos, t.spec.Train)
	} else {
		p.Note = n.name + ": test and fixed points"
	}
	return p
}

// Save holds, per network, its units done and either its result (JSON) or
// its training state; wall-clock seconds go to "time.<net>".
func (t *Trainer) Save() (*run.Checkpoint, error) {
	k, err := run.Lookup(Kind)
	if err != nil {
		return nil, err
	}
	cfg, err := k.Encode(t.spec)
	if err != nil {
		return nil, err
	}
	ck := &run.Checkpoint{Kind: Kind, Config: cfg, Step: t.step, Meta: map[string]string{}}
	tensor := func(name string, v []float64) {
		ck.Tensors = append(ck.Tensors, safetensors.Tensor{Name: name, DType: "F64", Shape: []int{len(v)}, Data: append([]float64(nil), v...)})
	}
	for _, n := range t.nets {
		p := n.name + "."
		ck.Meta[p+"units_done"] = strconv.Itoa(n.unitsDone)
		ck.Meta["time."+n.name] = strconv.FormatFloat(n.secs, 'f', 3, 64)
		switch {
		case n.res != nil:
			b, err := json.Marshal(n.res)
			if err != nil {
				return nil, fmt.Errorf("%s: %s result: %v", Kind, n.name, err)
			}
			ck.Meta[p+"result"] = string(b)
		case n.unitsDone > 0:
			ck.Meta[p+"pos"] = strconv.Itoa(n.pos)
			tensor(p+"x", n.x)
			tensor(p+"z", n.z)
			tensor(p+"w", n.net.rls.W)
			tensor(p+"pinv", n.net.rls.Pinv)
			tensor(p+"errors", n.errs)
		}
	}
	return ck, nil
}

func resume(spec run.Spec, ck *run.Checkpoint, env run.Env) (run.Trainer, error) {
	s, ok := spec.(*Spec)
	if !ok {
		return nil, fmt.Errorf("%s: checkpoint section of type %T", Kind, spec)
	}
	t, err := start(s)
	if err != nil {
		return nil, err
	}
	tensors := map[string][]float64{}
	for _, x := range ck.Tensors {
		tensors[x.Name] = x.Data
	}
	for _, n := range t.nets {
		p := n.name + "."
		var err error
		if n.unitsDone, err = strconv.Atoi(ck.Meta[p+"units_done"]); err != nil {
			return nil, fmt.Errorf("%s: checkpoint metadata %sunits_done = %q: %v", Kind, p, ck.Meta[p+"units_done"], err)
		}
		if v, err := strconv.ParseFloat(ck.Meta["time."+n.name], 64); err == nil {
			n.secs = v
		}
		t.step += n.unitsDone
		if js, ok := ck.Meta[p+"result"]; ok {
			n.res = &netResult{}
			if err := json.Unmarshal([]byte(js), n.res); err != nil {
				return nil, fmt.Errorf("%s: checkpoint metadata %sresult: %v", Kind, p, err)
			}
			continue
		}
		if n.unitsDone == 0 {
			continue
		}
		if n.pos, err = strconv.Atoi(ck.Meta[p+"pos"]); err != nil || n.pos < 0 || n.pos > s.Train {
			return nil, fmt.Errorf("%s: checkpoint metadata %spos = %q: want a step in [0, %d]", Kind, p, ck.Meta[p+"pos"], s.Train)
		}
		for _, v := range []struct {
			name string
			dst  []float64
		}{{"x", n.x}, {"z", n.z}, {"w", n.net.rls.W}, {"pinv", n.net.rls.Pinv}} {
			src, ok := tensors[p+v.name]
			if !ok || len(src) != len(v.dst) {
				return nil, fmt.Errorf("%s: checkpoint tensor %s%s missing or of %d values (the config needs %d)", Kind, p, v.name, len(src), len(v.dst))
			}
			copy(v.dst, src)
		}
		n.errs = append([]float64(nil), tensors[p+"errors"]...)
	}
	if t.step != ck.Step {
		return nil, fmt.Errorf("%s: checkpoint step %d, but its networks have done %d units", Kind, ck.Step, t.step)
	}
	return t, nil
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
