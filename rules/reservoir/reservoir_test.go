package reservoir

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// tiny is a comparison small enough for a unit test: 400 samples, every
// model at a few units of work (ctrnn 3, ei 2, ei-force 3, lif-ridge 1,
// lif-force 3, lif-bptt 2).
func tiny() *Spec {
	s := Defaults()
	s.Steps, s.Free = 400, 200
	s.Lyap = LyapSettings{Theiler: 0.2, FitFrom: 0.05, FitTo: 0.5}
	s.CTRNN = RateSpec{Preset: "tutorial", Units: 8, TrainSteps: 6, Chunk: 2, SeqLen: 20, Batch: 2}
	s.EI = RateSpec{Preset: "tutorial", Method: "bptt", Exc: 8, Inh: 4, TrainSteps: 4, Chunk: 2, SeqLen: 20, Batch: 2}
	s.EIForce = RateSpec{Preset: "tutorial", Exc: 8, Inh: 4, Chunk: 100}
	s.LIFRidge = SpikingSpec{Preset: "tutorial", Neurons: 50, Washout: 10, Sub: 2, Drive: 1.2}
	s.LIFForce = SpikingSpec{Preset: "nicola", Neurons: 40, Chunk: 100, Sub: 2}
	s.LIFBPTT = SurrogateSpec{Preset: "tutorial", Neurons: 12, TrainSteps: 4, Chunk: 2, SeqLen: 20, Batch: 2}
	return s
}

func TestConformance(t *testing.T) {
	k, err := run.Lookup(Kind)
	if err != nil {
		t.Fatal(err)
	}
	// Resumed in the middle of the E/I network's BPTT (Dale's law checked
	// after every step), of its FORCE training and of the spiking FORCE
	// training.
	runtest.Conformance(t, k, tiny(), 4, 3)
	runtest.Conformance(t, k, tiny(), 6, 6)
	runtest.Conformance(t, k, tiny(), 10, 2)
	// In the middle of the surrogate-gradient LIF network's BPTT.
	runtest.Conformance(t, k, tiny(), 13, 1)
	// The CT-RNN by FORCE.
	s := tiny()
	s.Models = []string{"ctrnn"}
	s.CTRNN = RateSpec{Preset: "tutorial", Method: "force", Units: 10, Chunk: 150}
	runtest.Conformance(t, k, s, 1, 1)
}

// TestReport runs the tiny comparison to the end and checks what the
// report holds: one row per model plus the truth and persistence, every model scored with
// finite one-step errors, the figures.
func TestReport(t *testing.T) {
	tr, err := tiny().Start(run.Env{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if p := tr.Progress(); n != 14 || p.Step != 14 || p.Total != 14 {
		t.Fatalf("%d units, progress %d/%d; want 14", n, p.Step, p.Total)
	}
	rep, err := tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	runtest.CheckReport(t, Kind, rep)
	tab := rep.Tables[0]
	if tab.Name != "comparison" || len(tab.Rows) != 8 || tab.Rows[0][0] != "truth" || tab.Rows[1][0] != "persistence" {
		t.Fatalf("table %s with rows %v", tab.Name, tab.Rows)
	}
	for _, row := range tab.Rows[2:] {
		if row[2] == "" || row[2] == "—" || row[9] == "" {
			t.Errorf("model %s not scored: %v", row[0], row)
		}
	}
	var names []string
	for _, f := range rep.Figures {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "attractors,raster,rates,training" {
		t.Errorf("figures %s", got)
	}
	for _, f := range rep.Figures {
		if f.Name == "raster" && (f.Raster.N != 50 || f.Raster.Exc != 40 || len(f.Raster.Time) == 0) {
			t.Errorf("raster of N %d, Exc %d, %d spikes; want the 40 E + 10 I tutorial reservoir's spikes", f.Raster.N, f.Raster.Exc, len(f.Raster.Time))
		}
		if f.Name == "attractors" && len(f.Lines) != 7 {
			t.Errorf("%d attractor lines, want the truth and 6 models", len(f.Lines))
		}
	}
}

// TestLambda1Lorenz: the Rosenstein estimate from 10 000 samples of
// Lorenz-63 at dt = 0.01 with the default fit range lies within 20 % of the
// true λ1 = 0.906 (Sprott 2003). The range 0.5–1.5 time units was chosen on
// the series of seed 1 (0.89; from 0.1–1 it gives 1.18–1.72, the early
// alignment of the separation with the unstable direction); this test
// uses other series (seeds 7, 8: 1.05, 0.94 — the estimator's spread
// from 100 time units is about ±15 %).
func TestLambda1Lorenz(t *testing.T) {
	if testing.Short() {
		t.Skip("O(T²) neighbour search over 10 000 samples")
	}
	for _, seed := range []uint64{7, 8} {
		x := dataset.Lorenz63Data(10000, 0.01, seed)
		l := Defaults().Lyap
		got := lambda1(x, 3, 0.01, l.Theiler, l.FitFrom, l.FitTo)
		t.Logf("seed %d: Rosenstein λ1 of Lorenz-63: %.3f (true %.3f)", seed, got, TrueLambda1)
		if math.Abs(got-TrueLambda1) > 0.2*TrueLambda1 {
			t.Errorf("seed %d: λ1 = %v, want 0.906 ± 20 %%", seed, got)
		}
	}
}

// TestLambda1Regimes: a periodic orbit and a stable spiral have no positive
// exponent (estimates below 0.2, a fifth of Lorenz-63's; the cycle measures
// 0.11), and a fixed point gives NaN (every distance vanishes).
func TestLambda1Regimes(t *testing.T) {
	const T, dt = 3000, 0.01
	cyc := make([]float64, 3*T)
	spiral := make([]float64, 3*T)
	r := rng.New(1)
	for i := 0; i < T; i++ {
		ph := 2 * math.Pi * float64(i) * dt / 0.77
		cyc[3*i], cyc[3*i+1], cyc[3*i+2] = math.Cos(ph), math.Sin(ph), 0.3*math.Cos(2*ph)
		a := math.Exp(-0.2 * float64(i) * dt)
		spiral[3*i], spiral[3*i+1], spiral[3*i+2] = a*math.Cos(ph), a*math.Sin(ph), 1e-9*r.Norm()
	}
	l := Defaults().Lyap
	if got := lambda1(cyc, 3, dt, l.Theiler, l.FitFrom, l.FitTo); !(math.Abs(got) < 0.2) {
		t.Errorf("limit cycle: λ1 = %v, want |λ1| < 0.2", got)
	}
	if got := lambda1(spiral, 3, dt, l.Theiler, l.FitFrom, l.FitTo); !(got < 0.2) {
		t.Errorf("stable spiral: λ1 = %v, want < 0.2", got)
	}
	fixed := make([]float64, 3*T)
	if got := lambda1(fixed, 3, dt, l.Theiler, l.FitFrom, l.FitTo); !math.IsNaN(got) {
		t.Errorf("fixed point: λ1 = %v, want NaN", got)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Models = []string{"ctrnn", "lstm"} }, `reservoir.models[1] = "lstm"`},
		{func(s *Spec) { s.Models = []string{"ei", "ei"} }, "listed twice"},
		{func(s *Spec) { s.Split = [3]float64{0.7, 0.2, 0.2} }, "reservoir.split"},
		{func(s *Spec) { s.Free = 10 }, "reservoir.free = 10"},
		{func(s *Spec) { s.EI.Method = "sgd" }, `reservoir.ei.method = "sgd"`},
		{func(s *Spec) { s.EIForce.Method = "bptt" }, `reservoir.ei-force.method = "bptt"`},
		{func(s *Spec) { s.CTRNN.Exc = 4 }, "E/I keys"},
		{func(s *Spec) { s.LIFRidge.Preset = "brian" }, `reservoir.lif-ridge.preset = "brian"`},
		{func(s *Spec) { s.LIFForce.Neurons = 3 }, "reservoir.lif-force.neurons = 3"},
		{func(s *Spec) { s.CTRNN.Forcing = "full" }, `reservoir.ctrnn.forcing = "full"`},
		{func(s *Spec) { s.Dt = math.NaN() }, "reservoir.dt"},
		{func(s *Spec) { s.LIFBPTT.Preset = "norse" }, `reservoir.lif-bptt.preset = "norse"`},
		{func(s *Spec) { s.LIFBPTT.Neurons = 3 }, "reservoir.lif-bptt.neurons = 3"},
		{func(s *Spec) { s.LIFBPTT.Slope = -1 }, "reservoir.lif-bptt.slope = -1"},
		{func(s *Spec) { s.LIFBPTT.Forcing = "none" }, `reservoir.lif-bptt.forcing = "none"`},
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
