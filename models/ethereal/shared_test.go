package ethereal_test

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/dfa"
)

// TestShared: a Shared network (the plain RNN) keeps one set of weights for
// the batch, and one DFA update of it is the batch mean of the updates the
// unshared network gives its sequences.
func TestShared(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := ethereal.Defaults(task.Charset().Size())
	cfg.Hidden, cfg.Layers, cfg.Batch, cfg.PlastProportion = 6, 2, 3, 0
	u := ethereal.UpdateConfig{LR: 0.05, GradClip: 0.1, TrainHidden: true}
	testShared(t, cfg, u)
}

// TestSharedMasked: the same with masked entries (their forgetting and
// clamp: a large plasticity makes the clamp bind).
func TestSharedMasked(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := ethereal.Defaults(task.Charset().Size())
	cfg.Hidden, cfg.Layers, cfg.Batch = 6, 2, 3
	cfg.PlastProportion, cfg.ForgetRate, cfg.PlastClip = 0.3, 0.2, 20
	testShared(t, cfg, ethereal.UpdateConfig{LR: 0.05, GradClip: 0.01, TrainHidden: true})
}

func testShared(t *testing.T, cfg ethereal.Config, u ethereal.UpdateConfig) {
	shared := cfg
	shared.Shared = true
	a, _ := ethereal.New(shared)
	b, _ := ethereal.New(cfg)
	ra, _ := dfa.New(a, u, 2)
	rb, _ := dfa.New(b, u, 2)
	chars, targets := []int{0, 1, 3}, []int{1, 4, 0}
	for step := 0; step < 4; step++ {
		a.Step(chars)
		b.Step(chars)
		ra.Learn(targets)
		rb.Learn(targets)
		a.Flush()
		b.Flush()
		for k, la := range a.Layers() {
			lb := b.Layers()[k]
			if la.Sets != 1 || len(la.Fast) != la.Out*la.In || lb.Sets != cfg.Batch {
				t.Fatalf("layer %d: %d and %d weight sets, want 1 and %d", k, la.Sets, lb.Sets, cfg.Batch)
			}
			m := la.Out * la.In
			for e := 0; e < m; e++ {
				mean := 0.0
				for s := 0; s < cfg.Batch; s++ {
					mean += lb.Fast[s*m+e]
				}
				mean /= float64(cfg.Batch)
				if d := math.Abs(la.Fast[e] - mean); d > 1e-13 {
					t.Fatalf("step %d layer %d entry %d: shared %v, mean of the unshared %v", step, k, e, la.Fast[e], mean)
				}
			}
		}
		if step == 0 && vecNorm(a.I2O.Fast) == 0 {
			t.Fatal("the update did not change i2o")
		}
		b.Average() // both start the next step from the same weights
	}
	before := append([]float64(nil), a.Plastic[0].Fast...)
	a.Reset()
	for e, w := range a.Plastic[0].Fast {
		want := before[e]
		if a.Plastic[0].Mask[e] {
			want = 0
		}
		if w != want {
			t.Fatalf("a Reset set shared weight %d (%v) to %v, want %v: the wipe zeroes the masked entries and keeps the others", e, before[e], w, want)
		}
	}
}

func vecNorm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}
