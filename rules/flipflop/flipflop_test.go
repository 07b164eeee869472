package flipflop

import (
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// tiny is a run small enough for a unit test: networks of 12 units, 600
// training steps in units of 200 (3 + 1 units per network), 200 test steps,
// 4 starts.
func tiny() *Spec {
	s := Defaults()
	s.Train, s.Test, s.Chunk, s.Starts, s.MaxIter, s.Trace = 600, 200, 200, 4, 20, 50
	s.CTRNN.Units, s.EI.Units = 12, 12
	return s
}

func TestConformance(t *testing.T) {
	k, err := run.Lookup(Kind)
	if err != nil {
		t.Fatal(err)
	}
	// Resumed in the CT-RNN's FORCE training, between the CT-RNN's
	// analysis and the E/I network's training, and in the E/I network's.
	runtest.Conformance(t, k, tiny(), 2, 3)
	runtest.Conformance(t, k, tiny(), 4, 4)
	runtest.Conformance(t, k, tiny(), 6, 2)
}

// TestPulses: pulses last PulseLen steps, and the target is the sign of
// the channel's last pulse (0 before its first).
func TestPulses(t *testing.T) {
	u, y := pulses(rng.New(3), 2000, 0.05, 4)
	for c := 0; c < Bits; c++ {
		last, run, n := 0.0, 0, 0
		for k := 0; k < 2000; k++ {
			v := u[k*Bits+c]
			if v != 0 {
				if run == 0 {
					n++
				}
				last = v
				run++
			} else if run != 0 {
				if run%4 != 0 {
					t.Fatalf("channel %d: a pulse run of %d steps ending at %d, want multiples of 4", c, run, k)
				}
				run = 0
			}
			if y[k*Bits+c] != last {
				t.Fatalf("channel %d step %d: target %v, last pulse %v", c, k, y[k*Bits+c], last)
			}
		}
		// 2000 steps at p 0.05 with 4-step pulses: about 2000·0.05/(1+3·0.05) ≈ 87 pulses.
		if n < 40 || n > 140 {
			t.Errorf("channel %d: %d pulses, want about 87", c, n)
		}
	}
}

// TestReport: the tiny run to its end gives one summary row per network,
// the fixed points of both and the 8 memory-state rows, and the figures.
func TestReport(t *testing.T) {
	tr, err := tiny().Start(run.Env{})
	if err != nil {
		t.Fatal(err)
	}
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	if p := tr.Progress(); p.Step != 8 || p.Total != 8 {
		t.Fatalf("progress %d/%d, want 8/8", p.Step, p.Total)
	}
	rep, err := tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	runtest.CheckReport(t, Kind, rep)
	if len(rep.Tables) != 3 || len(rep.Tables[0].Rows) != 2 || len(rep.Tables[2].Rows) != 8 {
		t.Fatalf("tables %+v", rep.Tables)
	}
	for _, row := range rep.Tables[0].Rows {
		if a, err := strconv.ParseFloat(row[2], 64); err != nil || !(a > 0.3 && a <= 1) {
			t.Errorf("%s: accuracy %q", row[0], row[2])
		}
	}
	var names []string
	for _, f := range rep.Figures {
		names = append(names, f.Name)
		if strings.HasPrefix(f.Name, "traces-") && (len(f.Lines) != 9 || len(f.Lines[0].X) != 50) {
			t.Errorf("%s: %d lines of %d steps, want 9 of 50", f.Name, len(f.Lines), len(f.Lines[0].X))
		}
	}
	if got := strings.Join(names, ","); got != "traces-ctrnn,fixed-points-ctrnn,traces-ei,fixed-points-ei,training" {
		t.Errorf("figures %s", got)
	}
}

// TestFlipFlop: FORCE-trained rate networks of the tutorial's size (64
// units) at the defaults (pulses of 5 steps, probability 0.02 per channel
// and step; 20 000 training and 5 000 test steps, seed 1). The CT-RNN (τ 1,
// Euler h 0.5, gain 1) holds the right sign in 96.7 % of the test outputs,
// and the search from 64 states of the test run finds 13 fixed points of
// its closed loop, 8 of them stable, decoding to all 8 memory states
// (Sussillo & Barak 2013's picture). The E/I network (48 E + 16 I, Dale's
// law, gain 0.3) reaches 93.1 % with 8 stable fixed points decoding to 6
// memory states (docs/spiking.md).
func TestFlipFlop(t *testing.T) {
	if testing.Short() || runtime.GOOS == "js" {
		t.Skip("~30 s: 2 × 25 000 FORCE steps and 64 Levenberg–Marquardt searches in 64 dimensions with finite-difference Jacobians")
	}
	tr, err := start(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []struct {
		minAcc       float64
		minMemStates int
	}{{0.95, 8}, {0.9, 5}} {
		n := tr.nets[i]
		r := n.res
		t.Logf("%s: accuracy %.4f, %d fixed points, %d stable, %d memory states", n.name, r.Accuracy, r.Fixed, r.Stable, r.MemoryStates)
		if r.Accuracy < c.minAcc || r.MemoryStates < c.minMemStates {
			t.Errorf("%s: accuracy %.3f (want ≥ %.2f), %d memory states among the stable fixed points (want ≥ %d)",
				n.name, r.Accuracy, c.minAcc, r.MemoryStates, c.minMemStates)
		}
		for k, p := range r.Points {
			if p.Stable != (p.MaxAbsEig < 1) || !(p.Q <= 1e-14) || math.IsNaN(p.Readout[0]) {
				t.Errorf("%s point %d: %+v", n.name, k+1, p)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Nets = []string{"lstm"} }, `flipflop.nets[0] = "lstm"`},
		{func(s *Spec) { s.Nets = []string{"ei", "ei"} }, "listed twice"},
		{func(s *Spec) { s.Nets = nil }, "flipflop.nets"},
		{func(s *Spec) { s.Pulse = 1 }, "flipflop.pulse = 1"},
		{func(s *Spec) { s.Alpha = math.Inf(1) }, "flipflop.alpha"},
		{func(s *Spec) { s.Starts = 10000 }, "flipflop.starts = 10000"},
		{func(s *Spec) { s.EI.Units = 4 }, "flipflop.ei.units = 4"},
		{func(s *Spec) { s.CTRNN.Step = 0 }, "flipflop.ctrnn.step = 0"},
		{func(s *Spec) { s.Trace = -1 }, "flipflop.trace = -1"},
	} {
		s := Defaults()
		c.edit(s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
	if err := Defaults().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}
