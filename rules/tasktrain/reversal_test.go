package tasktrain

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// rrFixture is a small rule-reversal pass: 8 units, 3 sequences at dt =
// 0.05 s (epochs of 10 ± 2 steps, grace 2) with no warm-up (the reference's
// gradient tape starts after it).
func rrFixture(act string, dale bool, dt float64) (*rrNet, *cogtask.RRBatch, cogtask.Timing) {
	n := newRRNet(leaky.Config{N: 8, Tau: 0.2, Dt: dt, Activation: act, Dale: dale}, rng.New(1))
	rng.New(2).FillNorm(n.W, 0.3) // a recurrence that matters
	b := cogtask.GenerateRuleReversalBatch(rng.New(3), 3)
	tm := cogtask.RRTiming(dt)
	tm.Long = 0
	return n, b, tm
}

// TestReversalGradient checks the rule-reversal loss (cross-entropy,
// penalties, feedback drive, skip mixing) against central differences in
// every scheme, CD's coarse step included, with noise, jitter and trials
// fixed by the seed.
func TestReversalGradient(t *testing.T) {
	cases := []struct {
		act  string
		dale bool
		dt   float64
		k    Skipping
	}{
		{"softplus", false, 0.05, Skipping{}},
		{"softplus", false, 0.05, Skipping{Theta: 3, Beta: 0.4}},
		{"softplus", false, 0.05, Skipping{Theta: 3, Beta: 0.4, DASC: true}},
		{"tanh", true, 0.05, Skipping{Theta: 4, Beta: 0.2, DASC: true}},
		{"softplus", false, 0.1, Skipping{}}, // a CD step: 5 ± 1 steps an epoch
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-dale=%v-dt=%v-θ%d-β%v-dasc=%v", c.act, c.dale, c.dt, c.k.Theta, c.k.Beta, c.k.DASC), func(t *testing.T) {
			n, b, tm := rrFixture(c.act, c.dale, c.dt)
			var w rrWork
			loss := func() float64 {
				return w.run(&rrPass{n: n, b: b, tm: tm, dt: c.dt, k: c.k, r: rng.New(4), taped: true, jitter: true})
			}
			l0 := loss()
			g := make([]float64, len(n.theta))
			w.backward(n, b, tm, c.k, g)
			r := rng.New(5)
			worst := 0.0
			blocks := []struct {
				name     string
				off, len int
			}{{"W", 0, 64}, {"b", 64, 8}, {"W_in", 72, 32}, {"W_out", 104, 16}}
			for _, f := range blocks {
				for j := 0; j < 10; j++ {
					i := f.off + r.IntN(f.len)
					const h = 1e-6
					v := n.theta[i]
					n.theta[i] = v + h
					lp := loss()
					n.theta[i] = v - h
					lm := loss()
					n.theta[i] = v
					fd := (lp - lm) / (2 * h)
					err := math.Abs(fd-g[i]) / math.Max(1e-4, math.Abs(fd))
					worst = math.Max(worst, err)
					if err > 1e-4 {
						t.Errorf("θ[%d] (%s): gradient %v, finite difference %v", i, f.name, g[i], fd)
					}
				}
			}
			if g[104+8*2] != 0 || g[104+8*3+1] != 0 {
				t.Error("W_out rows 2–3 got a gradient; the reference reads only rows 0–1")
			}
			t.Logf("loss %.6g, worst relative error %.2g", l0, worst)
		})
	}
}

// tinyReversal is a fast rule-reversal section: 2 networks of 8 units at
// dt = 0.05 s, 2 sequences a step, DASC with 2 stages over 6 rounds.
func tinyReversal() *Spec {
	s := DefaultSpec()
	s.Task, s.Method, s.Skip, s.Stages, s.Beta = cogtask.RuleReversal, DASC, 3, 2, 0.2
	s.Units, s.Dt, s.Tau = 8, 0.05, 0.2
	s.Networks, s.Trials, s.EvalTrials, s.StepsPerRound, s.Rounds = 2, 2, 2, 2, 6
	s.Seed = 7
	return &s
}

func TestReversalKindConformance(t *testing.T) {
	k, err := run.Lookup(KindName)
	if err != nil {
		t.Fatal(err)
	}
	runtest.Conformance(t, k, tinyReversal(), 2, 2)
	cd := tinyReversal()
	cd.Method, cd.Alpha = CD, 2 // the coarse stage at 0.1 s, a new Adam after it
	runtest.Conformance(t, k, cd, 1, 3)
}

// TestReversalSchemesReduceToBase: SCTT and DASC with β₀ = 1 train exactly
// as base (no mixing at all), and the workers do not change the result.
func TestReversalSchemesReduceToBase(t *testing.T) {
	train := func(method string, beta float64, workers int) State {
		s := tinyReversal()
		s.Method, s.Beta = method, beta
		c := s.Config()
		c.Workers = workers
		e, err := NewReversalEnsemble(c)
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < 3; r++ {
			e.StepRound()
		}
		return e.State()
	}
	same := func(a, b State) bool {
		for i := range a.Nets {
			for j, v := range a.Nets[i].Theta {
				if math.Float64bits(v) != math.Float64bits(b.Nets[i].Theta[j]) {
					return false
				}
			}
		}
		return a.Perf[0] == b.Perf[0] && a.Loss[1] == b.Loss[1]
	}
	base := train(Base, 0.2, 1)
	for _, m := range []string{SCTT, DASC} {
		if !same(base, train(m, 1, 1)) {
			t.Errorf("%s with β₀ = 1 differs from base", m)
		}
	}
	if same(base, train(DASC, 0.2, 1)) {
		t.Error("DASC with β₀ = 0.2 trains exactly as base: the mixing does nothing")
	}
	if !same(train(DASC, 0.2, 1), train(DASC, 0.2, 2)) {
		t.Error("the result depends on the number of workers")
	}
}

// TestReversalLearns: a few rounds of base training on 8 units raise the
// ensemble's performance above its start (a smoke test of the direction of
// the gradient step, at the reference's lr).
func TestReversalLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 30 rounds")
	}
	s := tinyReversal()
	s.Method, s.Networks, s.Trials, s.EvalTrials, s.StepsPerRound, s.Rounds = Base, 2, 8, 16, 5, 30
	e, err := NewReversalEnsemble(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	e.StepRound()
	p0, l0 := mean(e.Perf), mean(e.Loss)
	for !e.Done() {
		e.StepRound()
	}
	t.Logf("performance %.3f → %.3f, loss %.4f → %.4f", p0, mean(e.Perf), l0, mean(e.Loss))
	if !(mean(e.Loss) < l0) {
		t.Errorf("the training loss did not fall: %.4f → %.4f", l0, mean(e.Loss))
	}
}

func TestReversalValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Corrected = true }, "task.corrected: the rulereversal run has only the reference's form"},
		{func(s *Spec) { s.Tau, s.Dt = 2, 0.6 }, "task.dt = 0.6 s is too coarse for the rulereversal trial"},
		{func(s *Spec) { s.Method, s.Alpha = CD, 12 }, "task.alpha = 12: CD's stage 1 steps at task.dt·α = 0.6"},
		{func(s *Spec) { s.Skip = 0 }, "task.skip = 0"},
	} {
		s := tinyReversal()
		c.edit(s)
		err := s.Validate()
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error with %q", err, c.want)
		}
	}
	if err := tinyReversal().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestReversalBrowserSettings: the kind's browser settings with
// task=rulereversal (the page's run.html#kind=task&task=rulereversal) give
// a valid run that trains a round.
func TestReversalBrowserSettings(t *testing.T) {
	s := DefaultSpec()
	fs := flag.NewFlagSet("task", flag.ContinueOnError)
	s.Flags(fs)
	for _, kv := range strings.Split(Kind.Browser+"&task="+cogtask.RuleReversal, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if err := fs.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := s.Start(run.Env{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := tr.Advance(); err != nil {
		t.Fatal(err)
	}
	p := tr.Progress()
	if p.Step != 1 || len(p.Values) == 0 {
		t.Fatalf("progress after a round: %+v", p)
	}
	t.Logf("one round natively in %v: %+v", time.Since(t0).Round(time.Millisecond), p.Values)
}

// TestReversalGolden pins two rounds of the tiny DASC run (a hash of every
// network's θ bits and the scores): the same natively and under js/wasm.
func TestReversalGolden(t *testing.T) {
	c := tinyReversal().Config()
	c.Workers = 2
	e, err := NewReversalEnsemble(c)
	if err != nil {
		t.Fatal(err)
	}
	e.StepRound()
	e.StepRound()
	h := uint64(14695981039346656037)
	mix := func(v float64) {
		h ^= math.Float64bits(v)
		h *= 1099511628211
	}
	for _, n := range e.Nets {
		for _, v := range n.Net.theta {
			mix(v)
		}
	}
	for i := range e.Perf {
		mix(e.Perf[i])
		mix(e.Loss[i])
	}
	const want = 0x521cb8623defe80b
	if h != want {
		t.Errorf("hash %#x, want %#x (perf %v, loss %v)", h, uint64(want), e.Perf, e.Loss)
	}
}
