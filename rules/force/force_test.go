package force

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/balanced"
	"github.com/rnnlab/rnnlab/models/ctrnn"
)

// TestRLSLinear: targets f = W* r of a known 3×10 W* from N(0, 1) features;
// after 200 samples RLS with α = 1e-6 is the ridge solution with λ = α, whose
// distance from W* is of order α‖W*‖/λ_min(Σ r rᵀ) ~ 1e-6·3/100, so W matches
// W* to 1e-6.
func TestRLSLinear(t *testing.T) {
	const nf, no = 10, 3
	r := rng.New(1)
	w := make([]float64, no*nf)
	r.FillNorm(w, 1)
	rls := NewRLS(nf, no, 1e-6)
	feat, f := make([]float64, nf), make([]float64, no)
	var first, last float64
	for s := 0; s < 200; s++ {
		r.FillNorm(feat, 1)
		for q := 0; q < no; q++ {
			f[q] = 0
			for j := 0; j < nf; j++ {
				f[q] += w[q*nf+j] * feat[j]
			}
		}
		e := rls.Update(feat, f)
		if s == 0 {
			first = e
		}
		last = e
	}
	for i := range w {
		if math.Abs(rls.W[i]-w[i]) > 1e-6 {
			t.Fatalf("W[%d] = %v, want %v", i, rls.W[i], w[i])
		}
	}
	if !(last < 1e-10*first) {
		t.Fatalf("a-priori error %v at the end, %v at the start", last, first)
	}
}

// sine is the FORCE benchmark target of Sussillo & Abbott (Fig. 2): a sum of
// sines, here sin(2πt/T) + 0.5 sin(4πt/T) with period T = 60 steps.
func sine(s int) float64 {
	x := 2 * math.Pi * float64(s) / 60
	return math.Sin(x) + 0.5*math.Sin(2*x)
}

// forceRun trains tr for train steps on the target and then runs it freely
// for test steps, returning the free-running mean squared error.
func forceRun(tr *Trainer, train, test int) float64 {
	f := []float64{0}
	for s := 0; s < train; s++ {
		f[0] = sine(s + 1)
		tr.Step(f)
	}
	var mse float64
	for s := train; s < train+test; s++ {
		tr.Step(nil)
		d := tr.Z[0] - sine(s+1)
		mse += d * d
	}
	return mse / float64(test)
}

// TestFORCECTRNN: a chaotic CT-RNN (M = 200, g = 1.5, τ = 1, Euler h = 0.1)
// with its readout fed back through B learns the two-sine target in 3 000
// steps and then generates it freely for 600 steps (10 periods) with a mean
// squared error below 0.01 (the target's variance is 0.625).
func TestFORCECTRNN(t *testing.T) {
	const m = 200
	net := ctrnn.NewMap(ctrnn.Config{M: m, K: 1, Tau: 1, Gain: 1.5}, "euler", 0.1, rng.New(2))
	x0 := make([]float64, m)
	rng.New(3).FillNorm(x0, 0.5)
	tr, err := NewTrainer(net, x0, m, func(dst, x []float64) {
		for i, v := range x {
			dst[i] = fmath.Tanh(v)
		}
	}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if mse := forceRun(tr, 3000, 600); !(mse < 0.01) {
		t.Fatalf("free-running MSE %v after FORCE, want < 0.01", mse)
	}
}

// TestFORCEBalanced: the tutorial's E/I rate network (48 E + 16 I, τ_E = 10,
// τ_I = 5, Euler h = 1, rectifier, Dale's law) at Gain 0.5, its readout of
// the rates fed back through B, learns the same target in 6 000 steps
// (α = 0.1) and runs freely for 600 steps with MSE < 1e-3 (measured 3.0e-5).
// At Gain ≥ 1 the rectified network with feedback runs away (rates grow
// without bound), so the readout cannot be learnt there.
func TestFORCEBalanced(t *testing.T) {
	cfg := balanced.Tutorial(1)
	cfg.Gain = 0.5
	net, err := balanced.NewMap(cfg, "euler", 1, rng.New(4))
	if err != nil {
		t.Fatal(err)
	}
	x0 := make([]float64, 64)
	rng.New(5).FillUniform(x0, 0, 1)
	tr, err := NewTrainer(net, x0, 64, nil, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if mse := forceRun(tr, 6000, 600); !(mse < 1e-3) {
		t.Fatalf("free-running MSE %v after FORCE, want < 1e-3", mse)
	}
	if err := net.(*balanced.Euler).F.(*balanced.Net).CheckDale(); err != nil {
		t.Fatal(err)
	}
}
