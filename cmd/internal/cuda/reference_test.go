package cuda

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// The CPU reference of the device tests and benchmarks: E dendritic (or vanilla, or shallow) PLRNNs
// trained by rules/bptt on series of their own, each window's loss and
// gradient computed by the trainer exactly as a training step does.

// testSeries returns E series of rows×N: sums of sines with frequencies and
// phases of their own, so each model sees different data.
func testSeries(E, rows, N int) []float64 {
	out := make([]float64, E*rows*N)
	for e := 0; e < E; e++ {
		for t := 0; t < rows; t++ {
			for i := 0; i < N; i++ {
				f := 0.05 * float64(1+i) * (1 + 0.01*float64(e%17))
				out[(e*rows+t)*N+i] = math.Sin(f*float64(t)+float64(i+e)) + 0.3*math.Sin(0.31*f*float64(t))
			}
		}
	}
	return out
}

// cpuModel is what the reference needs of a CPU PLRNN.
type cpuModel interface {
	models.Trainable
	models.Layouter
}

// projector is a model with a W diagonal to project (dendritic, vanilla).
type projector interface{ ProjectGradient(gtheta []float64) }

// cpuEnsemble is the CPU path for an EnsembleConfig.
type cpuEnsemble struct {
	cfg      EnsembleConfig
	models   []cpuModel
	trainers []*bptt.Trainer
	rows     int
}

func newCPUEnsemble(tb testing.TB, cfg EnsembleConfig, seed uint64, series []float64, rows int) *cpuEnsemble {
	tb.Helper()
	c := &cpuEnsemble{cfg: cfg, rows: rows}
	N := cfg.Observed
	for e := 0; e < cfg.Models; e++ {
		var m cpuModel
		switch {
		case cfg.Vanilla:
			m = plrnn.NewVanilla(plrnn.Config{M: cfg.Latents}, rng.New(seed+uint64(e)))
		case cfg.Shallow:
			m = newTestShallow(plrnn.Config{M: cfg.Latents, Hidden: cfg.Hidden, Clipped: cfg.Clipped}, seed+uint64(e))
		default:
			m = plrnn.NewDendritic(plrnn.Config{M: cfg.Latents, Bases: cfg.Bases, Clipped: cfg.Clipped}, rng.New(seed+uint64(e)))
		}
		tr, err := bptt.New(m, obs.NewIdentity(N, cfg.Latents), series[e*rows*N:(e+1)*rows*N],
			bptt.Config{SeqLen: cfg.SeqLen, Batch: cfg.Batch, Forcing: bptt.Sparse, Interval: cfg.Interval, Optimizer: "radam"},
			1000, rng.New(seed+1000+uint64(e)))
		if err != nil {
			tb.Fatal(err)
		}
		c.models = append(c.models, m)
		c.trainers = append(c.trainers, tr)
	}
	return c
}

// params returns the E·P parameters, model after model.
func (c *cpuEnsemble) params() []float64 {
	var out []float64
	for _, m := range c.models {
		out = append(out, m.Params()...)
	}
	return out
}

// window runs each model's trainer on its windows and returns the losses
// and the gradients (E·P).
func (c *cpuEnsemble) window(starts []int) (loss, grad []float64) {
	S := c.cfg.Batch
	for e, tr := range c.trainers {
		tr.SetWindows(starts[e*S : (e+1)*S])
		loss = append(loss, tr.Forward())
		g, _ := tr.Backward()
		if c.cfg.Project {
			c.models[e].(projector).ProjectGradient(g)
		}
		grad = append(grad, g...)
	}
	return loss, grad
}

// randomStarts draws E·S window starts.
func randomStarts(r *rng.Rand, cfg EnsembleConfig, rows int) []int {
	s := make([]int, cfg.Models*cfg.Batch)
	for i := range s {
		s[i] = r.IntN(rows - cfg.SeqLen)
	}
	return s
}

// benchConfig is the ensemble: 1000 PLRNNs, M = 22, B = 20, T = 200,
// batch 16, forced every 25 steps on the first 3 latents.
var benchConfig = EnsembleConfig{Models: 1000, Latents: 22, Bases: 20, Batch: 16, SeqLen: 200, Observed: 3, Interval: 25, Project: true}

// BenchmarkCPUStep is one training step of one model of benchConfig on the
// CPU (rules/bptt: sample, forward, backward, RAdam), the per-model time to
// compare with BenchmarkEnsembleStep. Run with -test.cpu 1 for one core.
func BenchmarkCPUStep(b *testing.B) {
	cfg := benchConfig
	cfg.Models = 1
	rows := 4000
	c := newCPUEnsemble(b, cfg, 1, testSeries(1, rows, cfg.Observed), rows)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.trainers[0].Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/model-step")
}

// newTestShallow is plrnn.NewShallow from seed with h₁ and h₂ drawn too
// (the initialisation leaves h₁ = 0, and h₂ = 0 unclipped), so that every
// term of the step and its gradient is exercised.
func newTestShallow(cfg plrnn.Config, seed uint64) *plrnn.Shallow {
	s := plrnn.NewShallow(cfg, rng.New(seed))
	r := rng.New(seed ^ 0x5a11)
	r.FillUniform(s.H1, -0.5, 0.5)
	r.FillUniform(s.H2, -0.5, 0.5)
	return s
}

// shallowBench are the shallow PLRNN's training steps that the device check
// times: rnnlab's default model and training window (clipped, M = 3, L =
// 50, batch 16, T = 200, generalized teacher forcing α = 0.1 every 25
// steps, RAdam; recipe.Default) and a large model of the same family.
var shallowBench = []struct {
	name string
	cfg  plrnn.Config
}{
	{"M3_L50", plrnn.Config{M: 3, Hidden: 50, Clipped: true}},
	{"M32_L1024", plrnn.Config{M: 32, Hidden: 1024, Clipped: true}},
}

// shallowTrainConfig is the bptt configuration of shallowBench.
var shallowTrainConfig = bptt.Config{SeqLen: 200, Batch: 16, Forcing: bptt.Generalized, Interval: 25, Alpha: 0.1, Optimizer: "radam", LR: 1e-3}

// BenchmarkShallowCPUStep is one rules/bptt training step of a shallow
// PLRNN of shallowBench on the CPU (run with -test.cpu 1 for one core), to
// compare with BenchmarkShallowTapeStep; it reports steps/s.
func BenchmarkShallowCPUStep(b *testing.B) {
	for _, c := range shallowBench {
		b.Run(c.name, func(b *testing.B) {
			benchShallowStep(b, plrnn.NewShallow(c.cfg, rng.New(1)))
		})
	}
}

// benchShallowStep times m's rules/bptt step on a 3-dimensional series.
func benchShallowStep(b *testing.B, m models.Trainable) {
	rows, N := 4000, 3
	tr, err := bptt.New(m, obs.NewIdentity(N, m.Dim()), testSeries(1, rows, N), shallowTrainConfig, 1<<20, rng.New(8))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.Step(); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/step")
}
