//go:build cuda

package cuda

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// shallowShapes cover the shallow kernels' cases: rnnlab's default model
// (clipped, M = 3, L = 50), M below dot8's eight lanes and not a multiple
// of four with L ≥ 64, W₁ and W₂ in shared memory and (M = 30, L = 129:
// 2·M·L doubles over 48 KiB) in global memory, and L > 1024, where a
// thread owns several hidden units.
var shallowShapes = []struct {
	cfg        plrnn.Config
	steps, bat int
}{
	{plrnn.Config{M: 3, Hidden: 50, Clipped: true}, 12, 3},
	{plrnn.Config{M: 5, Hidden: 64}, 10, 2},
	{plrnn.Config{M: 7, Hidden: 70, Clipped: true}, 9, 3},
	{plrnn.Config{M: 13, Hidden: 100}, 8, 2},
	{plrnn.Config{M: 30, Hidden: 129, Clipped: true}, 6, 2},
	{plrnn.Config{M: 2, Hidden: 1100}, 3, 2},
}

// newShallowPair returns a CPU shallow PLRNN (newTestShallow) and the
// device one with the same θ.
func newShallowPair(t *testing.T, cfg plrnn.Config, seed uint64) (*plrnn.Shallow, *Shallow) {
	t.Helper()
	cpu := newTestShallow(cfg, seed)
	dev, err := NewShallow(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dev.Close)
	copy(dev.Params(), cpu.Params())
	return cpu, dev
}

// TestShallowTapeMatchesCPU drives the device tape and plrnn.Shallow's CPU
// tape through the same two windows: every slot's forward state, every
// Backward's state cotangent and the gradient (added onto a nonzero
// vector, as models.Tape's Gradient adds) must agree at DeviceTolerance.
// The first window's Backward calls run T−1 … 0 (BPTT), the second's visit
// a few slots out of order (as TSD's extra slots do), after θ changed.
func TestShallowTapeMatchesCPU(t *testing.T) {
	needDevice(t)
	for _, sh := range shallowShapes {
		t.Run(fmt.Sprintf("M%d_L%d_clipped%v", sh.cfg.M, sh.cfg.Hidden, sh.cfg.Clipped), func(t *testing.T) {
			cpu, dev := newShallowPair(t, sh.cfg, 11)
			T, S, M := sh.steps, sh.bat, sh.cfg.M
			ct, dt := cpu.NewTape(T, S), dev.NewTape(T, S)
			if _, ok := dt.(*deviceTape); !ok {
				t.Fatalf("the device tape fell back to the CPU at creation: %v", dev.Err())
			}
			r := rng.New(5)
			worst := 0.0
			cmp := func(what string, got, want []float64) {
				t.Helper()
				d, err := Compare(got, want, DeviceTolerance)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if d.Scale == 0 {
					t.Fatalf("%s: the CPU reference is all zero, the comparison proves nothing", what)
				}
				worst = max(worst, d.Rel())
			}
			for w, calls := range [][]int{descending(T), {T - 1, 0, T / 2}} {
				if w == 1 { // a new θ: the tape must upload it at Forward(0)
					for _, m := range []*plrnn.Shallow{cpu, dev.Shallow} {
						for i := range m.Params() {
							m.Params()[i] *= 0.97
						}
					}
				}
				x := make([]float64, S*M)
				r.FillNorm(x, 1)
				dc, dd := make([]float64, S*M), make([]float64, S*M)
				for k := 0; k < T; k++ {
					ct.Forward(k, dc, x, nil)
					dt.Forward(k, dd, x, nil)
					cmp(fmt.Sprintf("window %d forward state at slot %d", w, k), dd, dc)
					for i := range x { // the next input: the state, perturbed (forcing)
						x[i] = dc[i] + 0.3*r.Norm()
					}
				}
				g := make([]float64, S*M)
				gc, gd := make([]float64, S*M), make([]float64, S*M)
				for _, k := range calls {
					r.FillNorm(g, 1)
					ct.Backward(k, gc, g)
					dt.Backward(k, gd, g)
					cmp(fmt.Sprintf("window %d state cotangent at slot %d", w, k), gd, gc)
				}
				base := make([]float64, len(cpu.Params()))
				r.FillNorm(base, 0.1)
				gtc, gtd := append([]float64(nil), base...), append([]float64(nil), base...)
				ct.Gradient(gtc)
				dt.Gradient(gtd)
				if err := CompareFields(cpu.Layout(), gtd, gtc, DeviceTolerance); err != nil {
					t.Fatalf("window %d gradient: %v", w, err)
				}
				cmp(fmt.Sprintf("window %d gradient", w), gtd, gtc)
			}
			if dev.Err() != nil {
				t.Fatalf("the device tape fell back to the CPU: %v", dev.Err())
			}
			t.Logf("shallow tape %+v, T = %d, S = %d: largest relative difference to the CPU %.3g (tolerance %.0g)", sh.cfg, T, S, worst, DeviceTolerance)
		})
	}
}

// descending returns n−1, …, 0.
func descending(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = n - 1 - i
	}
	return out
}

// TestShallowTrainingMatchesCPU trains the device-taped shallow PLRNN and
// the CPU one from the same seed with rules/bptt, unchanged, and compares
// the loss of every step and the parameters at the end: rnnlab's default
// (clipped, M = 3, L = 50, generalized teacher forcing, RAdam) and a plain
// model with sparse forcing and TSD (extra tape slots, Backward out of
// BPTT's order).
func TestShallowTrainingMatchesCPU(t *testing.T) {
	needDevice(t)
	cases := []struct {
		cfg plrnn.Config
		tc  bptt.Config
	}{
		{plrnn.Config{M: 3, Hidden: 50, Clipped: true},
			bptt.Config{SeqLen: 40, Batch: 4, Forcing: bptt.Generalized, Interval: 25, Alpha: 0.1, Optimizer: "radam", LR: 1e-3}},
		{plrnn.Config{M: 5, Hidden: 66},
			bptt.Config{SeqLen: 30, Batch: 3, Forcing: bptt.Sparse, Interval: 7, TSD: "distill", TSDLambda: 0.1}},
	}
	rows, N := 400, 3
	series := testSeries(1, rows, N)
	for _, c := range cases {
		cpu, dev := newShallowPair(t, c.cfg, 3)
		tCPU, err := bptt.New(cpu, obs.NewIdentity(N, c.cfg.M), series, c.tc, 100, rng.New(8))
		if err != nil {
			t.Fatal(err)
		}
		tDev, err := bptt.New(dev, obs.NewIdentity(N, c.cfg.M), series, c.tc, 100, rng.New(8))
		if err != nil {
			t.Fatal(err)
		}
		for s := 0; s < 6; s++ {
			lc, err1 := tCPU.Step()
			ld, err2 := tDev.Step()
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if _, err := Compare([]float64{ld}, []float64{lc}, DeviceTolerance); err != nil {
				t.Fatalf("%+v step %d loss: %v", c.cfg, s, err)
			}
		}
		if dev.Err() != nil {
			t.Fatalf("the device tape fell back to the CPU: %v", dev.Err())
		}
		if err := CompareFields(cpu.Layout(), dev.Params(), cpu.Params(), DeviceTolerance); err != nil {
			t.Fatalf("%+v parameters after 6 steps: %v", c.cfg, err)
		}
		d, _ := Compare(dev.Params(), cpu.Params(), DeviceTolerance)
		t.Logf("shallow %+v, %s forcing: 6 rules/bptt steps through the device tape, parameters' largest relative difference %.3g", c.cfg, c.tc.Forcing, d.Rel())
	}
}

// TestShallowRefusals: the device shallow PLRNN refuses external inputs and
// sizes the kernels do not take, naming the setting, and the ensemble's
// configuration refuses the dendritic-only keys.
func TestShallowRefusals(t *testing.T) {
	if _, err := NewShallow(plrnn.Config{M: 3, K: 2, Hidden: 10}, nil); err == nil {
		t.Fatal("NewShallow with inputs should be refused")
	}
	if _, err := NewShallow(plrnn.Config{M: 3, Hidden: 5000}, nil); err == nil {
		t.Fatal("NewShallow with L = 5000 should be refused")
	}
	for _, c := range []EnsembleConfig{
		{Models: 1, Shallow: true, Latents: 3, Hidden: 0, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
		{Models: 1, Shallow: true, Latents: 3, Hidden: 4, Bases: 2, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
		{Models: 1, Shallow: true, Latents: 3, Hidden: 4, Project: true, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
		{Models: 1, Latents: 3, Bases: 2, Hidden: 4, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v should not validate", c)
		}
	}
}

// BenchmarkShallowTapeStep is one rules/bptt training step of a shallow
// PLRNN of shallowBench with its tape on the device (what `rnnlab train
// --device cuda` runs; compare BenchmarkShallowCPUStep); it reports
// steps/s.
func BenchmarkShallowTapeStep(b *testing.B) {
	for _, c := range shallowBench {
		b.Run(c.name, func(b *testing.B) {
			needDevice(b)
			m, err := NewShallow(c.cfg, rng.New(1))
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			benchShallowStep(b, m)
			if m.Err() != nil {
				b.Fatalf("the device tape fell back to the CPU: %v", m.Err())
			}
		})
	}
}

// shallowBenchEnsemble is 1000 of rnnlab's default shallow PLRNNs (clipped,
// M = 3, L = 50) with its training window (T = 200, batch 16), sparse
// teacher forcing every 25 steps on all three latents (the ensemble's
// window has no generalized forcing).
var shallowBenchEnsemble = EnsembleConfig{Models: 1000, Shallow: true, Latents: 3, Hidden: 50, Clipped: true,
	Batch: 16, SeqLen: 200, Observed: 3, Interval: 25}

// BenchmarkShallowEnsembleStep is one training step (Window and RAdam) of
// every model of shallowBenchEnsemble on the device, float64 and float32;
// ns/model-step is the time per model and step. RNNCUDA_BENCH_MODELS=n
// sizes the ensemble.
func BenchmarkShallowEnsembleStep(b *testing.B) {
	for _, single := range []bool{false, true} {
		name := "float64"
		if single {
			name = "float32"
		}
		b.Run(name, func(b *testing.B) {
			cfg := shallowBenchEnsemble
			cfg.Float32 = single
			benchEnsembleOf(b, cfg, func(m int) []float64 {
				return plrnn.NewShallow(plrnn.Config{M: cfg.Latents, Hidden: cfg.Hidden, Clipped: true}, rng.New(uint64(m))).Params()
			})
		})
	}
}

var _ models.Taper = (*Shallow)(nil)
