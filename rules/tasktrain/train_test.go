package tasktrain

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// small is a fast configuration: N = 10 at dt = 0.05 s (trials of a few
// tens of steps).
func small(method string) Config {
	return Config{Task: "dlygo", Net: leaky.Config{N: 10, Dt: 0.05, Tau: 0.1 * 5}, Method: method,
		Skip: 3, Stages: 2, Trials: 4, EvalTrials: 6, StepsPerRound: 3, Rounds: 40, Networks: 3, Seed: 11}
}

func trainRounds(t *testing.T, c Config, rounds int) *Ensemble {
	t.Helper()
	e, err := NewEnsemble(c)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < rounds; i++ {
		e.StepRound()
	}
	return e
}

func fingerprint(e *Ensemble) uint64 {
	var all []float64
	for _, n := range e.Nets {
		all = append(all, n.Model.Params()...)
	}
	all = append(all, e.Perf...)
	all = append(all, e.Loss...)
	return golden.HashBits(all)
}

// With β = 1 in every stage SCTT and DASC are base training, bit for bit;
// with α = 1 in every stage so is CD (within a stage: CD restarts Adam at
// a stage change).
func TestSchemesReduceToBase(t *testing.T) {
	base := fingerprint(trainRounds(t, small(Base), 3))
	for _, m := range []string{SCTT, DASC} {
		c := small(m)
		c.Beta0 = 1
		if got := fingerprint(trainRounds(t, c, 3)); got != base {
			t.Errorf("%s with β = 1 differs from base", m)
		}
	}
	c := small(CD)
	c.Alpha0 = 1
	if got := fingerprint(trainRounds(t, c, 3)); got != base {
		t.Errorf("cd with α = 1 differs from base")
	}
	// and the schemes proper do differ
	c = small(DASC)
	c.Beta0 = 0.5
	if fingerprint(trainRounds(t, c, 3)) == base {
		t.Error("dasc with β = 0.5 gives the base result")
	}
}

func TestWorkersDeterministic(t *testing.T) {
	c := small(DASC)
	c.Beta0 = 0.2
	c.Networks = 5
	c.Workers = 1
	one := fingerprint(trainRounds(t, c, 2))
	c.Workers = 3
	if fingerprint(trainRounds(t, c, 2)) != one {
		t.Fatal("results depend on the number of workers")
	}
}

// A resumed ensemble continues bit for bit.
func TestResume(t *testing.T) {
	c := small(SCTT)
	c.Beta0 = 0.5
	want := fingerprint(trainRounds(t, c, 4))
	e := trainRounds(t, c, 2)
	s := e.State()
	f, _ := NewEnsemble(c)
	if err := f.SetState(s); err != nil {
		t.Fatal(err)
	}
	f.StepRound()
	f.StepRound()
	if fingerprint(f) != want {
		t.Fatal("resumed run differs")
	}
}

// Dale's law holds after every optimizer step (W = |W̃|⊙S by construction).
func TestDaleAfterEveryStep(t *testing.T) {
	c := small(Base)
	c.Net.Dale = true
	c.Networks = 1
	e, _ := NewEnsemble(c)
	n := e.Nets[0]
	task := e.tasks[0]
	var w work
	W := make([]float64, 100)
	for s := 0; s < 5; s++ {
		n.step(&w, task, &e.Cfg, 0.05, Skipping{})
		n.Model.EffectiveW(W)
		for i := 0; i < 10; i++ {
			for j := 0; j < 10; j++ {
				if v := W[i*10+j]; (j < n.Model.Nexc && v < 0) || (j >= n.Model.Nexc && v > 0) {
					t.Fatalf("step %d: W[%d,%d] = %v breaks Dale's law", s, i, j, v)
				}
			}
		}
	}
}

// The trainer's batched forward pass gives leaky.Net.Step's bits, with the
// same noise (η enters the model as input).
func TestForwardMatchesModel(t *testing.T) {
	net := leaky.New(leaky.Config{N: 12}, rng.New(1))
	task, _ := cogtask.New("go", 0.05, cogtask.Options{})
	b := task.Generate(rng.New(2), 3, false)
	var w work
	w.forward(net, b, 0.005, Skipping{}, rng.New(3))
	// replay with the model
	r := rng.New(3)
	S, N, K := 3, 12, cogtask.Inputs
	ou := leaky.NewOU(0.005, net.Tau)
	eta := make([]float64, S*N)
	ou.Start(eta, r)
	x := make([]float64, S*N)
	nx := make([]float64, S*N)
	u := make([]float64, S*(K+N))
	stepAll := func(in []float64, T int, check func(t int)) {
		ou.Advance(eta, r) // the priming evaluation
		for t := 0; t < T; t++ {
			for s := 0; s < S; s++ {
				copy(u[s*(K+N):], in[s*K:(s+1)*K])
				copy(u[s*(K+N)+K:], eta[s*N:(s+1)*N])
			}
			net.Step(nx, x, u)
			ou.Advance(eta, r)
			x, nx = nx, x
			if check != nil {
				check(t)
			}
		}
	}
	stepAll(b.WarmInput, b.Warmup, nil)
	k0 := 0
	for e, T := range b.Steps {
		stepAll(b.Input[e], T, func(st int) {
			got := w.X[(k0+st+1)*S*N : (k0+st+2)*S*N]
			for i := range x {
				if got[i] != x[i] {
					t.Fatalf("epoch %d step %d: trainer %v, model %v", e, st, got[i], x[i])
				}
			}
		})
		k0 += T
	}
}

// Training lowers the loss.
func TestLearns(t *testing.T) {
	c := small(Base)
	c.Networks = 1
	c.Net.N = 20
	e := trainRounds(t, c, 1)
	first := e.Loss[0]
	for i := 0; i < 12; i++ {
		e.StepRound()
	}
	if !(e.Loss[0] < 0.7*first) {
		t.Fatalf("loss %v after 39 steps, %v after 3", e.Loss[0], first)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		cfg Config
		key string
	}{
		{Config{Task: "gogo"}, "task"},
		{Config{Method: "tbptt"}, "method"},
		{Config{Skip: -1}, "skip"},
		{Config{Beta0: 1.5}, "beta"},
		{Config{Method: CD, Alpha0: 200}, "dt"},
		{Config{Net: leaky.Config{Activation: "sigmoid"}}, "activation"},
	} {
		err := c.cfg.Validate()
		if err == nil || !contains(err.Error(), c.key) {
			t.Errorf("%+v: error %v, want one naming %q", c.cfg, err, c.key)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// The golden fingerprint of two DASC rounds: the same bits natively and
// under js/wasm.
func TestGolden(t *testing.T) {
	c := small(DASC)
	c.Beta0 = 0.2
	e := trainRounds(t, c, 2)
	golden.Check(t, "testdata/dasc.golden", sprintf("%016x crit=%v\n", fingerprint(e), e.Crit))
	if math.IsNaN(e.Crit) {
		t.Fatal("NaN criterion")
	}
}

// A recorded trial has R steps of inputs, rates and readouts, its inputs
// switch at the epoch boundaries, and it leaves the network's stream alone.
func TestRecord(t *testing.T) {
	c := small(Base)
	e := trainRounds(t, c, 1)
	before, _ := e.Nets[0].Rand.MarshalBinary()
	rec := e.Record(0, 9)
	after, _ := e.Nets[0].Rand.MarshalBinary()
	if string(before) != string(after) {
		t.Fatal("Record consumed the network's stream")
	}
	R := 0
	for _, n := range rec.Steps {
		R += n
	}
	if len(rec.Rates) != R*10 || len(rec.Input) != R*cogtask.Inputs || len(rec.Readout) != R*cogtask.Outputs {
		t.Fatalf("lengths %d %d %d for R = %d", len(rec.Rates), len(rec.Input), len(rec.Readout), R)
	}
	// dlygo at dt = 0.05: fixation on in epochs 0–2 (steps 0–39), off in the response
	if rec.Input[39*cogtask.Inputs] != 1 || rec.Input[40*cogtask.Inputs] != 0 {
		t.Fatal("fixation input not switched off at the response")
	}
	if again := e.Record(0, 9); again.Score != rec.Score {
		t.Fatal("Record is not deterministic")
	}
}
