//go:build cuda

package cuda

import (
	"os"
	"strconv"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/tasktrain"
)

// leakyBench is the task ensemble (100 networks of N = 256 units,
// batch 64, T = 500 steps) as task "go" at dt = 0.005 s makes it: a batch at
// the nominal timing (200 warm-up and 300 recorded steps); the CPU baseline
// trains the same task. RNNCUDA_LEAKY_MODELS, RNNCUDA_LEAKY_UNITS,
// RNNCUDA_LEAKY_TRIALS and RNNCUDA_LEAKY_DT (a coarser step) shrink it for
// the emulator.
type leakyBench struct {
	cfg  LeakyConfig
	task *cogtask.Task
	dt   float64
}

func newLeakyBench(b *testing.B) leakyBench {
	env := func(k string, def int) int {
		if s := os.Getenv(k); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				b.Fatalf("%s=%q: want a positive number", k, s)
			}
			return n
		}
		return def
	}
	dt := 0.005
	if s := os.Getenv("RNNCUDA_LEAKY_DT"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0) {
			b.Fatalf("RNNCUDA_LEAKY_DT=%q: want a positive step in seconds", s)
		}
		dt = v
	}
	task, err := cogtask.New("go", dt, cogtask.Options{})
	if err != nil {
		b.Fatal(err)
	}
	S := env("RNNCUDA_LEAKY_TRIALS", 64)
	bt := task.Generate(rng.New(1), S, false)
	flo, fhi := bt.FixWindow()
	rlo, rhi := bt.RespWindow()
	cfg := LeakyConfig{Models: env("RNNCUDA_LEAKY_MODELS", 100), Net: leaky.Config{N: env("RNNCUDA_LEAKY_UNITS", 256), Dt: dt},
		Trials: S, Warmup: bt.Warmup, Steps: bt.Steps, FixLo: flo, FixHi: fhi, RespLo: rlo, RespHi: rhi}
	return leakyBench{cfg, task, dt}
}

// BenchmarkLeakyEnsembleStep is one training step (Window and Adam) of
// every network of the task ensemble on the device; ns/model-step is the
// time per network and step. "upload" includes the host-to-device copy of
// the window's noise (E·(W+T)·S·N doubles, 6.7 GB at the shape);
// "resident" reuses the noise already there (the kernels alone).
func BenchmarkLeakyEnsembleStep(b *testing.B) {
	needDevice(b)
	// The data and the ensemble are made once (6.6 GB of noise at the
	// issue's shape), not for every b.N the sub-benchmarks are run with.
	lb0 := newLeakyBench(b)
	cfg := lb0.cfg
	n := cfg.Net.WithDefaults()
	E, S, N := cfg.Models, cfg.Trials, n.N
	r := rng.New(1)
	var theta []float64
	for range E {
		theta = append(theta, leaky.New(cfg.Net, r).Params()...)
	}
	one := make([]float64, (cfg.Warmup+cfg.Recorded())*S*N)
	for i := range one {
		one[i] = r.Norm()
	}
	lb := &LeakyBatch{Eta: make([]float64, 0, E*len(one))}
	for range E {
		lb.Eta = append(lb.Eta, one...)
		bt := lb0.task.Generate(r, S, false)
		lb.WarmInput = append(lb.WarmInput, bt.WarmInput...)
		for e := range bt.Steps {
			lb.Input = append(lb.Input, bt.Input[e]...)
		}
		lb.TargetFix = append(lb.TargetFix, bt.TargetFix...)
		lb.TargetOut = append(lb.TargetOut, bt.TargetOut...)
	}
	b.Logf("device: %d networks, N = %d, batch %d, warm-up %d + %d recorded steps, noise %.2f GB a window",
		E, N, S, cfg.Warmup, cfg.Recorded(), float64(len(lb.Eta))*8/1e9)
	l, err := NewLeakyEnsemble(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	if err := l.SetParams(theta); err != nil {
		b.Fatal(err)
	}
	loss := make([]float64, E)
	if err := l.Window(lb, loss); err != nil { // first upload, untimed
		b.Fatal(err)
	}
	for _, mode := range []string{"upload", "resident"} {
		b.Run(mode, func(b *testing.B) {
			lb.ReuseEta = mode == "resident"
			for range b.N {
				if err := l.Window(lb, loss); err != nil {
					b.Fatal(err)
				}
				if err := l.Adam(0.1 / float64(N)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*E), "ns/model-step")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkLeakyCPUStep is the CPU baseline of the same network on one
// core (run it with GOMAXPROCS=1): one tasktrain step of task "go" (the
// jittered batches of training) plus the round's evaluation of one trial;
// ns/model-step per step.
func BenchmarkLeakyCPUStep(b *testing.B) {
	lb := newLeakyBench(b)
	cfg := lb.cfg
	ens, err := tasktrain.NewEnsemble(tasktrain.Config{Task: "go", Net: leaky.Config{N: cfg.Net.N, Dt: lb.dt}, Trials: cfg.Trials, EvalTrials: 1,
		StepsPerRound: 1, Rounds: 1 << 30, Networks: 1, Workers: 1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("CPU step: task go, warm-up %d + %d recorded steps (nominal; training jitters them), N = %d, batch %d",
		cfg.Warmup, cfg.Recorded(), cfg.Net.N, cfg.Trials)
	b.ResetTimer()
	for range b.N {
		ens.StepRound()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/model-step")
	b.ReportMetric(0, "ns/op")
}
