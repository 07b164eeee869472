//go:build cuda

package cuda

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/optim"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// needDevice skips a test where no CUDA device is usable (CI links the
// stub library). RNNCUDA_REQUIRE=1 (the device script) turns the skip into
// a failure, so a broken device run cannot pass by skipping.
func needDevice(tb testing.TB) {
	tb.Helper()
	if err := Available(); err != nil {
		if os.Getenv("RNNCUDA_REQUIRE") == "1" {
			tb.Fatalf("RNNCUDA_REQUIRE=1 but no device: %v", err)
		}
		tb.Skipf("no CUDA device, skipping the GPU test (docs/gpu.md): %v", err)
	}
}

// TestNoDeviceIsAnError runs everywhere: with the stub library every entry
// point reports ErrNoDevice with a message that names the stub, and nothing
// crashes; with the real library and a device, Devices lists it.
func TestNoDeviceIsAnError(t *testing.T) {
	if !Supported() {
		t.Fatal("a cuda build reports no GPU support")
	}
	if Real() {
		needDevice(t)
		ds, err := Devices()
		if err != nil || len(ds) == 0 {
			t.Fatalf("Devices = %v, %v with a device available", ds, err)
		}
		for _, d := range ds {
			t.Logf("device: %v", d)
		}
		return
	}
	err := Available()
	if !errors.Is(err, ErrNoDevice) || !strings.Contains(err.Error(), "stub") {
		t.Fatalf("Available with the stub = %v, want ErrNoDevice naming the stub", err)
	}
	if _, err := Devices(); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("Devices with the stub = %v, want ErrNoDevice", err)
	}
	if err := CheckDevice("cuda"); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("CheckDevice(cuda) with the stub = %v, want ErrNoDevice", err)
	}
	if e, err := NewEnsemble(benchConfig); e != nil || !errors.Is(err, ErrNoDevice) {
		t.Fatalf("NewEnsemble with the stub = %v, %v, want nil, ErrNoDevice", e, err)
	}
	if d, err := NewDendritic(plrnn.Config{M: 3, Bases: 2}, rng.New(1)); d != nil || !errors.Is(err, ErrNoDevice) {
		t.Fatalf("NewDendritic with the stub = %v, %v, want nil, ErrNoDevice", d, err)
	}
	if s, err := NewShallow(plrnn.Config{M: 3, Hidden: 50, Clipped: true}, rng.New(1)); s != nil || !errors.Is(err, ErrNoDevice) || !strings.Contains(err.Error(), "stub") {
		t.Fatalf("NewShallow with the stub = %v, %v, want nil, ErrNoDevice naming the stub", s, err)
	}
	if e, err := NewEnsemble(shallowEnsembles[0]); e != nil || !errors.Is(err, ErrNoDevice) {
		t.Fatalf("NewEnsemble (shallow) with the stub = %v, %v, want nil, ErrNoDevice", e, err)
	}
	var e *Ensemble
	if err := e.Window(nil, nil); err == nil {
		t.Fatal("Window on a nil ensemble should be an error")
	}
}

var testConfig = EnsembleConfig{Models: 5, Latents: 10, Bases: 6, Batch: 4, SeqLen: 40, Observed: 3, Interval: 8, Project: true}

// shallowEnsembles are shallow PLRNN ensembles: rnnlab's default model
// (clipped, M = 3, L = 50), M = 7 with L ≥ 64 and all latents forced, and
// W₁, W₂ in global memory (2·M·L doubles over 48 KiB) with τ not dividing T.
var shallowEnsembles = []EnsembleConfig{
	{Models: 3, Shallow: true, Latents: 3, Hidden: 50, Clipped: true, Batch: 3, SeqLen: 30, Observed: 3, Interval: 7},
	{Models: 2, Shallow: true, Latents: 7, Hidden: 70, Batch: 2, SeqLen: 20, Observed: 7, Interval: 5},
	{Models: 2, Shallow: true, Latents: 30, Hidden: 129, Clipped: true, Batch: 2, SeqLen: 10, Observed: 3, Interval: 4},
}

func newPair(t *testing.T, cfg EnsembleConfig, rows int) (*Ensemble, *cpuEnsemble) {
	t.Helper()
	series := testSeries(cfg.Models, rows, cfg.Observed)
	c := newCPUEnsemble(t, cfg, 5, series, rows)
	e, err := NewEnsemble(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	if err := e.SetParams(c.params()); err != nil {
		t.Fatal(err)
	}
	if err := e.SetSeries(series, rows); err != nil {
		t.Fatal(err)
	}
	return e, c
}

func compareModels(t *testing.T, what string, c *cpuEnsemble, got, want []float64) {
	t.Helper()
	P := c.cfg.ParamCount()
	worst := 0.0
	for m := range c.models {
		g, w := got[m*P:(m+1)*P], want[m*P:(m+1)*P]
		if err := CompareFields(c.models[m].Layout(), g, w, DeviceTolerance); err != nil {
			t.Fatalf("%s of model %d: %v", what, m, err)
		}
		d, _ := Compare(g, w, DeviceTolerance)
		if d.Scale == 0 {
			t.Fatalf("%s of model %d: the CPU reference is all zero, the comparison proves nothing", what, m)
		}
		worst = max(worst, d.Rel())
	}
	t.Logf("%s: largest relative difference to the CPU %.3g (tolerance %.0g)", what, worst, DeviceTolerance)
}

func TestEnsembleWindowMatchesCPU(t *testing.T) {
	needDevice(t)
	clipped := testConfig
	clipped.Clipped = true
	// wide: W (M² doubles) no longer fits in shared memory, the kernels read
	// it from global memory; M = 7 < 8 covers dot8's tail alone.
	wide := EnsembleConfig{Models: 2, Latents: 80, Bases: 3, Batch: 2, SeqLen: 12, Observed: 2, Interval: 5}
	narrow := EnsembleConfig{Models: 3, Latents: 7, Bases: 30, Batch: 3, SeqLen: 20, Observed: 7, Interval: 3, Project: true}
	vanilla := EnsembleConfig{Models: 4, Vanilla: true, Latents: 9, Batch: 3, SeqLen: 30, Observed: 2, Interval: 7, Project: true}
	for _, cfg := range append([]EnsembleConfig{testConfig, clipped, wide, narrow, goldenConfig, vanilla}, shallowEnsembles...) {
		rows := 300
		e, c := newPair(t, cfg, rows)
		r := rng.New(9)
		for w := 0; w < 3; w++ {
			starts := randomStarts(r, cfg, rows)
			loss := make([]float64, cfg.Models)
			if err := e.Window(starts, loss); err != nil {
				t.Fatal(err)
			}
			wantLoss, wantGrad := c.window(starts)
			if _, err := Compare(loss, wantLoss, DeviceTolerance); err != nil {
				t.Fatalf("%+v window %d loss: %v", cfg, w, err)
			}
			grad := make([]float64, len(wantGrad))
			if err := e.Grad(grad); err != nil {
				t.Fatal(err)
			}
			compareModels(t, "window gradient", c, grad, wantGrad)
		}
	}
}

// TestEnsembleFloat32 checks the float32 option against the float64 CPU
// path at Float32Tolerance: window loss and gradient, and rollouts.
func TestEnsembleFloat32(t *testing.T) {
	needDevice(t)
	vanilla := EnsembleConfig{Models: 3, Vanilla: true, Latents: 9, Batch: 3, SeqLen: 30, Observed: 2, Interval: 7, Project: true}
	for _, cfg := range []EnsembleConfig{testConfig, goldenConfig, vanilla, shallowEnsembles[0], shallowEnsembles[2]} {
		cfg.Float32 = true
		rows := 300
		e, c := newPair(t, cfg, rows)
		r := rng.New(9)
		worstL, worstG := 0.0, 0.0
		for w := 0; w < 3; w++ {
			starts := randomStarts(r, cfg, rows)
			loss := make([]float64, cfg.Models)
			if err := e.Window(starts, loss); err != nil {
				t.Fatal(err)
			}
			wantLoss, wantGrad := c.window(starts)
			d, err := Compare(loss, wantLoss, Float32Tolerance)
			if err != nil {
				t.Fatalf("float32 window %d loss: %v", w, err)
			}
			worstL = max(worstL, d.Rel())
			grad := make([]float64, len(wantGrad))
			if err := e.Grad(grad); err != nil {
				t.Fatal(err)
			}
			P := cfg.ParamCount()
			for m := range c.models {
				if err := CompareFields(c.models[m].Layout(), grad[m*P:(m+1)*P], wantGrad[m*P:(m+1)*P], Float32Tolerance); err != nil {
					t.Fatalf("float32 window %d gradient of model %d: %v", w, m, err)
				}
				d, _ := Compare(grad[m*P:(m+1)*P], wantGrad[m*P:(m+1)*P], 1)
				worstG = max(worstG, d.Rel())
			}
		}
		const R, steps = 2, 30
		M := cfg.Latents
		z0 := make([]float64, cfg.Models*R*M)
		rng.New(2).FillNorm(z0, 1)
		out, want := make([]float64, cfg.Models*R*steps*M), make([]float64, cfg.Models*R*steps*M)
		if err := e.Rollout(z0, R, steps, out); err != nil {
			t.Fatal(err)
		}
		for m, md := range c.models {
			for r := 0; r < R; r++ {
				z := z0[(m*R+r)*M : (m*R+r+1)*M]
				for k := 0; k < steps; k++ {
					dst := want[((m*R+r)*steps+k)*M : ((m*R+r)*steps+k+1)*M]
					md.Step(dst, z, nil)
					z = dst
				}
			}
		}
		d, err := Compare(out, want, Float32Tolerance)
		if err != nil {
			t.Fatalf("float32 rollout: %v", err)
		}
		t.Logf("float32 (vanilla=%v, shallow=%v, clipped=%v): largest relative difference to the float64 CPU: loss %.3g, gradient %.3g, %d-step rollout %.3g (tolerance %.0g)",
			cfg.Vanilla, cfg.Shallow, cfg.Clipped, worstL, worstG, steps, d.Rel(), Float32Tolerance)
	}
	// The tape is float64 only: a float32 ensemble refuses it.
	e, err := NewEnsemble(EnsembleConfig{Models: 1, Latents: 3, Bases: 2, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1, Float32: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.tapeBegin(); err == nil || !strings.Contains(err.Error(), "float64 only") {
		t.Fatalf("tape on a float32 ensemble: %v, want an error saying the tape is float64 only", err)
	}
}

func TestEnsembleAdamMatchesCPU(t *testing.T) {
	needDevice(t)
	cfg := testConfig
	rows := 300
	for _, rect := range []bool{false, true} {
		e, c := newPair(t, cfg, rows)
		theta := c.params()
		mk := optim.NewAdam
		if rect {
			mk = optim.NewRAdam
		}
		opt := mk(len(theta))
		r := rng.New(4)
		for step := 0; step < 8; step++ { // RAdam is not adaptive for its first steps, then is
			starts := randomStarts(r, cfg, rows)
			if err := e.Window(starts, nil); err != nil {
				t.Fatal(err)
			}
			_, g := c.window(starts)
			if err := e.Adam(1e-3, rect); err != nil {
				t.Fatal(err)
			}
			opt.Update(theta, g, 1e-3)
			for m, md := range c.models { // the CPU models step with the CPU optimizer
				copy(md.Params(), theta[m*cfg.ParamCount():(m+1)*cfg.ParamCount()])
			}
		}
		got := make([]float64, len(theta))
		if err := e.Params(got); err != nil {
			t.Fatal(err)
		}
		compareModels(t, "parameters after 8 Adam steps", c, got, theta)
		m, v := make([]float64, len(theta)), make([]float64, len(theta))
		if n, err := e.AdamState(m, v); err != nil || n != 8 {
			t.Fatalf("AdamState: %d steps, %v", n, err)
		}
	}
}

func TestEnsembleRolloutMatchesCPU(t *testing.T) {
	needDevice(t)
	vanilla := EnsembleConfig{Models: 2, Vanilla: true, Latents: 9, Batch: 1, SeqLen: 2, Observed: 2, Interval: 1}
	shallow := shallowEnsembles[0]
	shallow.Batch, shallow.SeqLen = 1, 2
	for _, cfg := range []EnsembleConfig{testConfig, vanilla, shallow} {
		rolloutMatchesCPU(t, cfg)
	}
}

func rolloutMatchesCPU(t *testing.T, cfg EnsembleConfig) {
	e, c := newPair(t, cfg, 300)
	const R, steps = 3, 500
	M := cfg.Latents
	z0 := make([]float64, cfg.Models*R*M)
	rng.New(2).FillNorm(z0, 1)
	out := make([]float64, cfg.Models*R*steps*M)
	if err := e.Rollout(z0, R, steps, out); err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(out))
	for m, md := range c.models {
		for r := 0; r < R; r++ {
			z := z0[(m*R+r)*M : (m*R+r+1)*M]
			for k := 0; k < steps; k++ {
				dst := want[((m*R+r)*steps+k)*M : ((m*R+r)*steps+k+1)*M]
				md.Step(dst, z, nil)
				z = dst
			}
		}
	}
	d, err := Compare(out, want, DeviceTolerance)
	if err != nil {
		t.Fatalf("rollout: %v", err)
	}
	t.Logf("rollout of %d steps (vanilla=%v, shallow=%v): largest relative difference %.3g", steps, cfg.Vanilla, cfg.Shallow, d.Rel())
}

// TestTapeTrainingMatchesCPU trains the device-taped model and the CPU model
// from the same seed with rules/bptt, unchanged, and compares the losses and
// parameters step after step.
func TestTapeTrainingMatchesCPU(t *testing.T) {
	needDevice(t)
	pc := plrnn.Config{M: 12, Bases: 8}
	rows, N := 400, 3
	series := testSeries(1, rows, N)
	tc := bptt.Config{SeqLen: 50, Batch: 6, Forcing: bptt.Sparse, Interval: 10, TSD: "distill", TSDLambda: 0.1}
	cpu := plrnn.NewDendritic(pc, rng.New(3))
	dev, err := NewDendritic(pc, rng.New(3))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	tCPU, err := bptt.New(cpu, obs.NewIdentity(N, pc.M), series, tc, 100, rng.New(8))
	if err != nil {
		t.Fatal(err)
	}
	tDev, err := bptt.New(dev, obs.NewIdentity(N, pc.M), series, tc, 100, rng.New(8))
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 10; s++ {
		lc, err1 := tCPU.Step()
		ld, err2 := tDev.Step()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if _, err := Compare([]float64{ld}, []float64{lc}, DeviceTolerance); err != nil {
			t.Fatalf("step %d loss: %v", s, err)
		}
	}
	if dev.Err() != nil {
		t.Fatalf("the device tape fell back to the CPU: %v", dev.Err())
	}
	if err := CompareFields(cpu.Layout(), dev.Params(), cpu.Params(), DeviceTolerance); err != nil {
		t.Fatalf("parameters after 10 steps: %v", err)
	}
	d, _ := Compare(dev.Params(), cpu.Params(), DeviceTolerance)
	t.Logf("device tape, 10 training steps with TSD: parameters' largest relative difference %.3g", d.Rel())
}

// BenchmarkEnsembleStep is one training step of every model of the issue's
// ensemble on the device: window sampling on the host, Window, RAdam.
// ns/model-step is the time per model and step (compare BenchmarkCPUStep).
func BenchmarkEnsembleStep(b *testing.B) {
	b.Run("float64", func(b *testing.B) { benchEnsemble(b, false) })
	b.Run("float32", func(b *testing.B) { benchEnsemble(b, true) })
}

func benchEnsemble(b *testing.B, single bool) {
	cfg := benchConfig
	cfg.Float32 = single
	benchEnsembleOf(b, cfg, func(m int) []float64 {
		return plrnn.NewDendritic(plrnn.Config{M: cfg.Latents, Bases: cfg.Bases}, rng.New(uint64(m))).Params()
	})
}

// benchEnsembleOf times a training step of the ensemble cfg whose model m
// starts from params(m): window sampling on the host, Window, RAdam.
func benchEnsembleOf(b *testing.B, cfg EnsembleConfig, params func(m int) []float64) {
	needDevice(b)
	if s := os.Getenv("RNNCUDA_BENCH_MODELS"); s != "" { // a smaller ensemble: scaling runs, the emulator
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("RNNCUDA_BENCH_MODELS=%q: want a positive number of models", s)
		}
		cfg.Models = n
	}
	rows := 4000
	e, err := NewEnsemble(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	theta := make([]float64, 0, cfg.Models*cfg.ParamCount())
	for m := 0; m < cfg.Models; m++ {
		theta = append(theta, params(m)...)
	}
	if err := e.SetParams(theta); err != nil {
		b.Fatal(err)
	}
	if err := e.SetSeries(testSeries(cfg.Models, rows, cfg.Observed), rows); err != nil {
		b.Fatal(err)
	}
	r := rng.New(1)
	starts := randomStarts(r, cfg, rows)
	loss := make([]float64, cfg.Models)
	step := func() {
		for i := range starts {
			starts[i] = r.IntN(rows - cfg.SeqLen)
		}
		if err := e.Window(starts, loss); err != nil {
			b.Fatal(err)
		}
		if err := e.Adam(1e-4, true); err != nil {
			b.Fatal(err)
		}
	}
	step() // warm up
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*cfg.Models), "ns/model-step")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/step")
	b.ReportMetric(float64(b.N*cfg.Models)/b.Elapsed().Seconds(), "model-steps/s")
}
