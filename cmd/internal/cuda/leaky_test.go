//go:build cuda

package cuda

import (
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
	"github.com/rnnlab/rnnlab/rules/tasktrain"
)

// leakyCase is one ensemble and its window data, drawn from seed.
type leakyCase struct {
	cfg  LeakyConfig
	nets []*leaky.Net
	b    LeakyBatch
	// lastY and lastTask are the readout and the task part of the loss of
	// the last cpuLossGrad.
	lastY    []float64
	lastTask float64
}

func newLeakyCase(t *testing.T, cfg LeakyConfig, seed uint64) *leakyCase {
	t.Helper()
	r := rng.New(seed)
	n := cfg.Net.WithDefaults()
	lc := &leakyCase{cfg: cfg}
	E, S, K, Q, N := cfg.Models, cfg.Trials, n.K, n.Q, n.N
	R := cfg.Recorded()
	for range E {
		lc.nets = append(lc.nets, leaky.New(cfg.Net, r))
	}
	fill := func(k int, sparse bool) []float64 {
		v := make([]float64, k)
		for i := range v {
			if !sparse || r.Float64() < 0.5 {
				v[i] = r.Float64()
			}
		}
		return v
	}
	lc.b.WarmInput = fill(E*S*K, true)
	lc.b.Input = fill(E*len(cfg.Steps)*S*K, true)
	lc.b.TargetFix = fill(E*S*Q, false)
	lc.b.TargetOut = fill(E*S*Q, false)
	// The noise as the CPU trainer draws it: η₀, one priming step per epoch
	// (warm-up included), then the η of each evaluation followed by a step.
	lc.b.Eta = make([]float64, 0, E*(cfg.Warmup+R)*S*N)
	for m := range E {
		ou := lc.nets[m].NoiseOf()
		eta := make([]float64, S*N)
		ou.Start(eta, r)
		for e := -1; e < len(cfg.Steps); e++ {
			T := cfg.Warmup
			if e >= 0 {
				T = cfg.Steps[e]
			}
			ou.Advance(eta, r)
			for range T {
				lc.b.Eta = append(lc.b.Eta, eta...)
				ou.Advance(eta, r)
			}
		}
	}
	return lc
}

// cpuLossGrad is network m's loss and gradient by rules/tasktrain/core.go's
// operations (base BPTT, ReLU), with the forward states checked against
// leaky.Net.Step.
func (lc *leakyCase) cpuLossGrad(t *testing.T, m int) (float64, []float64) {
	t.Helper()
	c, net := lc.cfg, lc.nets[m]
	N, K, Q, Nin, No, S := net.N, net.K, net.Q, net.Nin, net.Nout, c.Trials
	W, R, nep := c.Warmup, c.Recorded(), len(c.Steps)
	SN := S * N
	We := make([]float64, N*N)
	net.EffectiveW(We)
	X := make([]float64, (R+1)*SN)
	FP := make([]float64, R*SN)
	eta := lc.b.Eta[m*(W+R)*SN:]
	x := make([]float64, SN)
	u := make([]float64, S*(K+N))
	step := make([]float64, SN)
	ev, k := 0, 0
	for e := -1; e < nep; e++ {
		in, T := lc.b.WarmInput[m*S*K:], W
		if e >= 0 {
			in, T = lc.b.Input[(m*nep+e)*S*K:], c.Steps[e]
		}
		h := make([]float64, S*Nin)
		for s := range S {
			for i := range Nin {
				for cc := range K {
					h[s*Nin+i] += float64(in[s*K+cc] * net.Win[i*K+cc])
				}
			}
		}
		for range T {
			next := make([]float64, SN)
			for s := range S {
				copy(u[s*(K+N):], in[s*K:(s+1)*K])
				copy(u[s*(K+N)+K:], eta[ev*SN+s*N:ev*SN+(s+1)*N])
				for i := range N {
					pre := 0.0
					for j := range N {
						pre += float64(x[s*N+j] * We[i*N+j])
					}
					p := (pre + net.B[i]) + float64(0.1*eta[ev*SN+s*N+i])
					if i < Nin {
						p += h[s*Nin+i]
					}
					f, d := 0.0, 0.0
					if p > 0 {
						f, d = p, 1
					}
					next[s*N+i] = x[s*N+i] + float64(float64(net.Tinv[i]*(-x[s*N+i]+f))*net.Dt)
					if e >= 0 {
						FP[k*SN+s*N+i] = d
					}
				}
			}
			net.Step(step, x, u)
			for i := range step {
				if step[i] != next[i] {
					t.Fatalf("net %d evaluation %d: the core.go step %v differs from leaky.Net.Step %v at %d", m, ev, next[i], step[i], i)
				}
			}
			x = next
			ev++
			if e >= 0 {
				k++
				copy(X[k*SN:], x)
			}
		}
		if e < 0 {
			copy(X, x)
		}
	}
	// readout and loss
	Y := make([]float64, R*S*Q)
	net.Readout(Y, X[SN:])
	GZ := make([]float64, len(Y))
	loss := 0.0
	for w, lohi := range [][2]int{{c.FixLo, c.FixHi}, {c.RespLo, c.RespHi}} {
		tg := lc.b.TargetFix[m*S*Q:]
		if w == 1 {
			tg = lc.b.TargetOut[m*S*Q:]
		}
		cnt := float64((lohi[1] - lohi[0]) * S * Q)
		sum := 0.0
		for tt := lohi[0]; tt < lohi[1]; tt++ {
			for s := range S {
				for q := range Q {
					d := Y[(tt*S+s)*Q+q] - tg[s*Q+q]
					sum += float64(d * d)
					GZ[(tt*S+s)*Q+q] += float64((2 / cnt) * d)
				}
			}
		}
		loss += sum / cnt
	}
	lc.lastY, lc.lastTask = Y, loss
	xs := X[SN:]
	act := 0.0
	for _, v := range xs {
		act += math.Abs(v)
	}
	cnt := float64(len(xs))
	loss += tasktrain.ActivityPenalty * (act / cnt)
	ws := 0.0
	for _, v := range net.W {
		ws += math.Abs(v)
	}
	loss += tasktrain.WeightPenalty * (ws / float64(N*N))
	g := make([]float64, len(net.Params()))
	gW, gb, gWin, gWout := g[:N*N], g[N*N:N*N+N], g[N*N+N:N*N+N+Nin*K], g[N*N+N+Nin*K:]
	wp := tasktrain.WeightPenalty / float64(N*N)
	for i, v := range net.W {
		if v > 0 {
			gW[i] += wp
		} else if v < 0 {
			gW[i] -= wp
		}
	}
	for i, y := range Y {
		GZ[i] = float64(GZ[i] * float64(y*(1-y)))
	}
	RS := R * S
	for q := range Q {
		for j := range No {
			for r := range RS {
				gWout[q*No+j] += float64(GZ[r*Q+q] * X[SN+r*N+Nin+j])
			}
		}
	}
	G := make([]float64, R*SN)
	ap := tasktrain.ActivityPenalty / cnt
	for i, v := range xs {
		switch {
		case v > 0:
			G[i] = ap
		case v < 0:
			G[i] = -ap
		}
	}
	for r := range RS {
		for j := range No {
			o := 0.0
			for q := range Q {
				o += float64(GZ[r*Q+q] * net.Wout[q*No+j])
			}
			G[r*N+Nin+j] += o
		}
	}
	gu := make([]float64, SN)
	gp := make([]float64, SN)
	for kk := R - 1; kk >= 0; kk-- {
		for i := range gu {
			gu[i] += G[kk*SN+i]
		}
		for s := range S {
			for i := range N {
				gv := float64(gu[s*N+i] * float64(net.Tinv[i]*net.Dt))
				gp[s*N+i] = float64(gv * FP[kk*SN+s*N+i])
				gu[s*N+i] -= gv
			}
			for cc := range N {
				for i := range N {
					gu[s*N+cc] += float64(gp[s*N+i] * We[i*N+cc])
				}
			}
		}
		copy(G[kk*SN:], gp)
	}
	k0 := 0
	var starts []int
	for _, T := range c.Steps {
		starts = append(starts, k0)
		k0 += T
	}
	for e := nep - 1; e >= 0; e-- {
		in := lc.b.Input[(m*nep+e)*S*K:]
		for s := range S {
			for i := range Nin {
				hv := 0.0
				for tt := range c.Steps[e] {
					hv += G[(starts[e]+tt)*SN+s*N+i]
				}
				for cc := range K {
					if v := in[s*K+cc]; hv != 0 && v != 0 {
						gWin[i*K+cc] += float64(hv * v)
					}
				}
			}
		}
	}
	for i := range N {
		for r := range RS {
			gb[i] += G[r*N+i]
		}
	}
	for i := range N {
		for j := range N {
			a := 0.0
			for r := range RS {
				a += float64(G[r*N+i] * X[r*N+j])
			}
			gW[i*N+j] += net.WeightGrad(a, net.W[i*N+j], j)
		}
	}
	return loss, g
}

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
