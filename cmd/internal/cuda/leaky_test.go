//go:build cuda

package cuda

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/tasktrain"
)

func leakyCases() []LeakyConfig {
	return []LeakyConfig{
		{Models: 3, Net: leaky.Config{N: 13, K: 4, Q: 3}, Trials: 2, Warmup: 3, Steps: []int{4, 5, 3}, FixLo: 0, FixHi: 9, RespLo: 9, RespHi: 12},
		{Models: 3, Net: leaky.Config{N: 37, K: 6, Q: 5, Dale: true}, Trials: 3, Warmup: 2, Steps: []int{6, 7}, FixLo: 1, FixHi: 6, RespLo: 6, RespHi: 13},
		// two trial groups (16 + 2) and 2×2 weight-gradient tiles (64 + 6)
		{Models: 3, Net: leaky.Config{N: 70, K: 3, Q: 2, Dale: true}, Trials: 18, Warmup: 2, Steps: []int{3, 4}, FixLo: 0, FixHi: 4, RespLo: 4, RespHi: 7},
		// blocks of 320 threads: the forward's 4-trial instance, groups of 4 + 1
		{Models: 1, Net: leaky.Config{N: 300, K: 2, Q: 2}, Trials: 5, Warmup: 1, Steps: []int{2, 3}, FixLo: 0, FixHi: 3, RespLo: 3, RespHi: 5},
	}
}

func newLeakyDevice(t *testing.T, lc *leakyCase) *LeakyEnsemble {
	t.Helper()
	needDevice(t)
	l, err := NewLeakyEnsemble(lc.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	var theta []float64
	for _, n := range lc.nets {
		theta = append(theta, n.Params()...)
	}
	if err := l.SetParams(theta); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLeakyWindowMatchesCPU: loss and gradient of every network of the
// device window equal the CPU's (core.go's order) to the bit; N = 13, 37
// and 70 (not multiples of 32), K = 3 networks, three and two epochs,
// Dale's law, 18 trials (two trial groups of the forward and backward).
func TestLeakyWindowMatchesCPU(t *testing.T) {
	for ci, cfg := range leakyCases() {
		lc := newLeakyCase(t, cfg, uint64(40+ci))
		l := newLeakyDevice(t, lc)
		loss := make([]float64, cfg.Models)
		if err := l.Window(&lc.b, loss); err != nil {
			t.Fatal(err)
		}
		grad := make([]float64, cfg.Models*l.P)
		if err := l.Grad(grad); err != nil {
			t.Fatal(err)
		}
		for m := range cfg.Models {
			wl, wg := lc.cpuLossGrad(t, m)
			if loss[m] != wl {
				t.Errorf("case %d net %d: loss %v, CPU %v (difference %g)", ci, m, loss[m], wl, loss[m]-wl)
			}
			diff := 0
			for i, v := range wg {
				if grad[m*l.P+i] != v {
					if diff < 3 {
						t.Errorf("case %d net %d: gradient[%d] = %v, CPU %v", ci, m, i, grad[m*l.P+i], v)
					}
					diff++
				}
			}
			if diff > 0 {
				t.Errorf("case %d net %d: %d of %d gradient elements differ", ci, m, diff, len(wg))
			}
			nz := 0
			for _, v := range wg {
				if v != 0 {
					nz++
				}
			}
			if nz < len(wg)/2 {
				t.Errorf("case %d net %d: only %d of %d gradient elements non-zero: the check is weak", ci, m, nz, len(wg))
			}
		}
	}
}

// TestLeakyGradientFiniteDifference checks the CPU reference of the test
// itself: its gradient matches central differences of its loss. The
// trainer does not differentiate through the warm-up (its end state is a
// constant of the window), so the check runs without one.
func TestLeakyGradientFiniteDifference(t *testing.T) {
	cfg := leakyCases()[0]
	cfg.Models, cfg.Warmup = 1, 0
	lc := newLeakyCase(t, cfg, 7)
	_, g := lc.cpuLossGrad(t, 0)
	th := lc.nets[0].Params()
	for _, i := range []int{0, 5, 13*13 + 2, 13*13 + 13 + 3, len(th) - 1} {
		h := 1e-6
		v := th[i]
		th[i] = v + h
		lp, _ := lc.cpuLossGrad(t, 0)
		th[i] = v - h
		lm, _ := lc.cpuLossGrad(t, 0)
		th[i] = v
		fd := (lp - lm) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("θ[%d]: gradient %v, central difference %v", i, g[i], fd)
		}
	}
}

// TestLeakyAdamMatchesCPU: four window + Adam steps on the device give the
// θ of tasktrain.Adam on the CPU gradients, to the bit.
func TestLeakyAdamMatchesCPU(t *testing.T) {
	cfg := leakyCases()[0]
	lc := newLeakyCase(t, cfg, 11)
	l := newLeakyDevice(t, lc)
	opts := make([]*tasktrain.Adam, cfg.Models)
	for m, n := range lc.nets {
		opts[m] = tasktrain.NewAdam(len(n.Params()))
	}
	loss := make([]float64, cfg.Models)
	theta := make([]float64, cfg.Models*l.P)
	const lr = 1e-2
	for it := range 4 {
		if err := l.Window(&lc.b, loss); err != nil {
			t.Fatal(err)
		}
		if err := l.Adam(lr); err != nil {
			t.Fatal(err)
		}
		for m, n := range lc.nets {
			wl, g := lc.cpuLossGrad(t, m)
			if loss[m] != wl {
				t.Errorf("step %d net %d: loss %v, CPU %v", it, m, loss[m], wl)
			}
			opts[m].Update(n.Params(), g, lr)
		}
		if err := l.Params(theta); err != nil {
			t.Fatal(err)
		}
		for m, n := range lc.nets {
			for i, v := range n.Params() {
				if theta[m*l.P+i] != v {
					t.Fatalf("step %d net %d: θ[%d] = %v, CPU %v", it, m, i, theta[m*l.P+i], v)
				}
			}
		}
	}
}

// TestLeakyTaskBatchMatchesCPU runs three default-shaped networks (K = 85
// inputs, Q = 33 outputs, N = 21) on real cogtask batches ("dlygo" at a
// coarse dt = 0.05 s, nominal epoch lengths so the shapes agree): the
// device equals the CPU reference, whose task loss equals Batch.Loss.
func TestLeakyTaskBatchMatchesCPU(t *testing.T) {
	const dt = 0.05
	task, err := cogtask.New("dlygo", dt, cogtask.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := rng.New(3)
	E, S := 3, 2
	var bs []*cogtask.Batch
	for range E {
		bs = append(bs, task.Generate(r, S, false))
	}
	b0 := bs[0]
	flo, fhi := b0.FixWindow()
	rlo, rhi := b0.RespWindow()
	cfg := LeakyConfig{Models: E, Net: leaky.Config{N: 21, Dt: dt, Tau: 0.1}, Trials: S, Warmup: b0.Warmup,
		Steps: b0.Steps, FixLo: flo, FixHi: fhi, RespLo: rlo, RespHi: rhi}
	lc := newLeakyCase(t, cfg, 5)
	lc.b.WarmInput, lc.b.Input, lc.b.TargetFix, lc.b.TargetOut = nil, nil, nil, nil
	for _, b := range bs {
		if b.Warmup != b0.Warmup || len(b.Steps) != len(b0.Steps) {
			t.Fatal("batches of different shapes")
		}
		lc.b.WarmInput = append(lc.b.WarmInput, b.WarmInput...)
		for e := range b.Steps {
			lc.b.Input = append(lc.b.Input, b.Input[e]...)
		}
		lc.b.TargetFix = append(lc.b.TargetFix, b.TargetFix...)
		lc.b.TargetOut = append(lc.b.TargetOut, b.TargetOut...)
	}
	l := newLeakyDevice(t, lc)
	loss := make([]float64, E)
	if err := l.Window(&lc.b, loss); err != nil {
		t.Fatal(err)
	}
	grad := make([]float64, E*l.P)
	if err := l.Grad(grad); err != nil {
		t.Fatal(err)
	}
	for m := range E {
		wl, wg := lc.cpuLossGrad(t, m)
		if tl := bs[m].Loss(lc.lastY, nil); tl != lc.lastTask {
			t.Errorf("net %d: the reference's task loss %v, Batch.Loss %v", m, lc.lastTask, tl)
		}
		if loss[m] != wl {
			t.Errorf("net %d: loss %v, CPU %v", m, loss[m], wl)
		}
		for i, v := range wg {
			if grad[m*l.P+i] != v {
				t.Fatalf("net %d: gradient[%d] = %v, CPU %v", m, i, grad[m*l.P+i], v)
			}
		}
	}
}

// leakyNoise draws the η of every evaluation of one window from r as
// tasktrain's forward does: η₀, then per epoch (warm-up first) one priming
// step and, after each evaluation, one step.
func leakyNoise(ou leaky.OU, r *rng.Rand, S, N, warmup int, steps []int) []float64 {
	eta := make([]float64, S*N)
	ou.Start(eta, r)
	var out []float64
	for e := -1; e < len(steps); e++ {
		T := warmup
		if e >= 0 {
			T = steps[e]
		}
		ou.Advance(eta, r)
		for range T {
			out = append(out, eta...)
			ou.Advance(eta, r)
		}
	}
	return out
}

// TestLeakyMatchesTasktrainTrainer is the end-to-end check against the CPU
// trainer itself: three networks of a tasktrain.Ensemble (base BPTT, task
// "go" at dt = 0.05 s, N = 19, Dale's law, jittered batches) take two
// rounds of one Adam step each on the CPU; the device, given each step's
// batch and noise (replayed from a copy of the network's stream), reaches
// the same loss and θ to the bit.
func TestLeakyMatchesTasktrainTrainer(t *testing.T) {
	cfg := tasktrain.Config{Task: "go", Net: leaky.Config{N: 19, Dt: 0.05, Dale: true}, Trials: 3, EvalTrials: 2,
		StepsPerRound: 1, Rounds: 10, Networks: 3, Workers: 1, Seed: 17}
	ens, err := tasktrain.NewEnsemble(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := ens.Cfg
	task, err := cogtask.New(c.Task, c.Net.Dt, cogtask.Options{})
	if err != nil {
		t.Fatal(err)
	}
	devs := make([]*LeakyEnsemble, len(ens.Nets))
	for round := range 2 {
		type job struct {
			b   *cogtask.Batch
			eta []float64
		}
		jobs := make([]job, len(ens.Nets))
		for i, n := range ens.Nets {
			st, _ := n.Rand.MarshalBinary()
			r := rng.New(0)
			if err := r.UnmarshalBinary(st); err != nil {
				t.Fatal(err)
			}
			b := task.Generate(r, c.Trials, true)
			jobs[i] = job{b, leakyNoise(n.Model.NoiseOf(), r, c.Trials, c.Net.N, b.Warmup, b.Steps)}
			if devs[i] == nil {
				lc := &leakyCase{nets: []*leaky.Net{n.Model}}
				flo, fhi := b.FixWindow()
				rlo, rhi := b.RespWindow()
				// capacity for the jitter of later batches
				capSteps := make([]int, len(b.Steps))
				for e, T := range b.Steps {
					capSteps[e] = T + 10
				}
				lc.cfg = LeakyConfig{Models: 1, Net: c.Net, Trials: c.Trials, Warmup: b.Warmup, Steps: capSteps,
					FixLo: flo, FixHi: fhi, RespLo: rlo, RespHi: rhi}
				devs[i] = newLeakyDevice(t, lc)
			}
		}
		ens.StepRound()
		for i, n := range ens.Nets {
			b := jobs[i].b
			// The jittered epoch lengths change from batch to batch: the
			// device ensemble takes the batch's shape.
			flo, fhi := b.FixWindow()
			rlo, rhi := b.RespWindow()
			shape := devs[i].cfg
			shape.Warmup, shape.Steps, shape.FixLo, shape.FixHi, shape.RespLo, shape.RespHi = b.Warmup, b.Steps, flo, fhi, rlo, rhi
			if err := devs[i].Reshape(shape); err != nil {
				t.Fatal(err)
			}
			var input []float64
			for e := range b.Steps {
				input = append(input, b.Input[e]...)
			}
			lb := &LeakyBatch{WarmInput: b.WarmInput, Input: input, Eta: jobs[i].eta, TargetFix: b.TargetFix, TargetOut: b.TargetOut}
			loss := make([]float64, 1)
			if err := devs[i].Window(lb, loss); err != nil {
				t.Fatal(err)
			}
			if err := devs[i].Adam(c.LR); err != nil {
				t.Fatal(err)
			}
			if loss[0] != ens.Loss[i] {
				t.Errorf("round %d net %d: device loss %v, trainer %v", round, i, loss[0], ens.Loss[i])
			}
			theta := make([]float64, devs[i].P)
			if err := devs[i].Params(theta); err != nil {
				t.Fatal(err)
			}
			diff := 0
			for j, v := range n.Model.Params() {
				if theta[j] != v {
					if diff == 0 {
						t.Errorf("round %d net %d: θ[%d] = %v, trainer %v", round, i, j, theta[j], v)
					}
					diff++
				}
			}
			if diff > 0 {
				t.Errorf("round %d net %d: %d of %d parameters differ", round, i, diff, len(theta))
			}
		}
	}
}

// TestLeakyNoDevice runs everywhere: without a device (the stub library)
// NewLeakyEnsemble reports ErrNoDevice; an unsupported activation is refused
// by name before the device is asked.
func TestLeakyNoDevice(t *testing.T) {
	cfg := leakyCases()[0]
	bad := cfg
	bad.Net.Activation = "tanh"
	if _, err := NewLeakyEnsemble(bad); err == nil || !strings.Contains(err.Error(), `"relu"`) {
		t.Errorf("tanh on the device: err = %v, want a refusal naming relu", err)
	}
	if Available() == nil {
		t.Skip("a device is present")
	}
	if _, err := NewLeakyEnsemble(cfg); !errors.Is(err, ErrNoDevice) {
		t.Errorf("without a device: err = %v, want ErrNoDevice", err)
	}
}
