package bptt

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/ctrnn"
	"github.com/rnnlab/rnnlab/models/obs"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// toySeries is a smooth 2-d series (two sinusoids), long enough for windows.
func toySeries(rows int) []float64 {
	x := make([]float64, rows*2)
	for t := 0; t < rows; t++ {
		x[2*t] = math.Sin(0.3 * float64(t))
		x[2*t+1] = math.Cos(0.2*float64(t)) * 0.5
	}
	return x
}

// TestGradientEndToEnd checks the whole rule — forcing, observation model,
// BPTT and MAR — against central finite differences of the loss, for every
// forcing scheme, model (PLRNN variants and the CT-RNN under Euler and RK4)
// and observation model.
func TestGradientEndToEnd(t *testing.T) {
	mk := []func() models.Trainable{
		func() models.Trainable { return plrnn.NewVanilla(plrnn.Config{M: 4}, rng.New(1)) },
		func() models.Trainable {
			return plrnn.NewDendritic(plrnn.Config{M: 4, Bases: 3, Clipped: true}, rng.New(2))
		},
		func() models.Trainable {
			return plrnn.NewShallow(plrnn.Config{M: 4, Hidden: 6, Clipped: true}, rng.New(3))
		},
		func() models.Trainable { return ctrnn.NewMap(ctrnn.Config{M: 4, Tau: 1}, "rk4", 0.3, rng.New(4)) },
		func() models.Trainable { return ctrnn.NewMap(ctrnn.Config{M: 4, Tau: 1}, "euler", 0.3, rng.New(4)) },
	}
	data := toySeries(60)
	for mi, newModel := range mk {
		for _, affine := range []bool{false, true} {
			for _, f := range []Forcing{Sparse, Generalized, NoForcing} {
				m := newModel()
				// Random biases keep states off the ReLU kinks, where finite
				// differences see a one-sided slope (the identity observation
				// starts unobserved latents at exactly 0).
				p := m.Params()
				noise := make([]float64, len(p))
				rng.New(uint64(mi+7)).FillNorm(noise, 0.1)
				for i := range p {
					p[i] += noise[i]
				}
				var o Observer = obs.NewIdentity(2, 4)
				if affine {
					o = obs.NewAffine(2, 4, rng.New(4))
				}
				cfg := Config{SeqLen: 9, Batch: 2, Forcing: f, Interval: 3, Alpha: 0.3, MARRatio: 0.5, MARLambda: 0.1}
				tr, err := New(m, o, data, cfg, 10, rng.New(5))
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("model%d/affine=%v/%s", mi, affine, f)
				t.Run(name, func(t *testing.T) { checkGradient(t, tr) })
			}
		}
	}
}

func checkGradient(t *testing.T, tr *Trainer) {
	tr.SetWindows([]int{3, 20})
	loss := func() float64 {
		l := tr.Forward()
		g := make([]float64, len(tr.Model.Params()))
		return l + tr.TSDLoss() + tr.Penalty(g)
	}
	tr.Forward()
	tr.frozen = true // TSD targets are stop-gradient: hold them for the differences
	defer func() { tr.frozen = false }()
	gM, gO := tr.Backward()
	tr.Penalty(gM)
	for _, blk := range []struct {
		name  string
		theta []float64
		g     []float64
	}{{"model", tr.Model.Params(), append([]float64(nil), gM...)}, {"obs", tr.Obs.Params(), append([]float64(nil), gO...)}} {
		for k := range blk.theta {
			const h = 1e-6
			old := blk.theta[k]
			blk.theta[k] = old + h
			p := loss()
			blk.theta[k] = old - h
			q := loss()
			blk.theta[k] = old
			fd := (p - q) / (2 * h)
			if math.Abs(fd-blk.g[k]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Fatalf("%s gradient [%d] = %.9g, finite difference %.9g", blk.name, k, blk.g[k], fd)
			}
		}
	}
}

// TestLearnsLinearOscillator trains a PLRNN on a rotation (a linear
// oscillator the model can represent) and checks the loss falls twentyfold
// (it falls about 30-fold with this seed).
func TestLearnsLinearOscillator(t *testing.T) {
	data := rotation(2000)
	m := plrnn.NewVanilla(plrnn.Config{M: 6}, rng.New(1))
	tr, err := New(m, obs.NewIdentity(2, 6), data, Config{SeqLen: 30, Batch: 8, Forcing: Generalized, Alpha: 0.2, LR: 5e-3, LREnd: 1e-3}, 1500, rng.New(2))
	if err != nil {
		t.Fatal(err)
	}
	first, last := 0.0, 0.0
	for i := 0; i < 1500; i++ {
		l, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		if i < 20 {
			first += l / 20
		}
		if i >= 1480 {
			last += l / 20
		}
	}
	if !(last < first/20) {
		t.Fatalf("loss fell from %.4g to %.4g, want a 20-fold fall", first, last)
	}
}

func TestAdaptiveAlpha(t *testing.T) {
	data := toySeries(500)
	m := plrnn.NewVanilla(plrnn.Config{M: 4}, rng.New(1))
	// A strongly expanding map: ‖J‖₂ ≥ 3 everywhere, so α* ≥ 2/3.
	for i := range m.A {
		m.A[i] = 3
	}
	clear(m.W)
	tr, err := New(m, obs.NewIdentity(2, 4), data, Config{SeqLen: 20, Batch: 2, Forcing: Generalized, Adaptive: true, Alpha: 0.01}, 10, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	tr.Sample()
	tr.annealAlpha()
	if math.Abs(tr.Alpha-2.0/3) > 1e-9 {
		t.Fatalf("α = %v, want 1 − 1/3", tr.Alpha)
	}
	// A contracting map gives α* = 0 and α decays geometrically: γα.
	for i := range m.A {
		m.A[i] = 0.5
	}
	tr.annealAlpha()
	if math.Abs(tr.Alpha-0.999*2.0/3) > 1e-12 {
		t.Fatalf("α = %v after decay, want 0.999·2/3", tr.Alpha)
	}
}

func TestBadInput(t *testing.T) {
	m := plrnn.NewVanilla(plrnn.Config{M: 3}, rng.New(1))
	o := obs.NewIdentity(2, 3)
	data := toySeries(100)
	cases := []struct {
		cfg  Config
		data []float64
		want string
	}{
		{Config{SeqLen: 500}, data, "shorter than one window"},
		{Config{Forcing: "magic"}, data, "unknown forcing"},
		{Config{Forcing: Generalized, Alpha: 2}, data, "alpha"},
		{Config{SeqLen: 10}, append(append([]float64(nil), data[:50]...), math.NaN(), 0), "non-finite"},
		{Config{SeqLen: 10}, data[:7], "not a multiple"},
	}
	for _, c := range cases {
		_, err := New(m, o, c.data, c.cfg, 1, rng.New(1))
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("config %+v: error %v, want one mentioning %q", c.cfg, err, c.want)
		}
	}
	// Divergence is reported, and the parameters stay as they were.
	for i := range m.A {
		m.A[i] = 1e200
	}
	tr, err := New(m, o, data, Config{SeqLen: 10, Batch: 2, Forcing: NoForcing}, 5, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	before := append([]float64(nil), m.Params()...)
	if _, err := tr.Step(); !errors.Is(err, ErrDiverged) {
		t.Fatalf("step on an exploding model: %v, want ErrDiverged", err)
	}
	for i, v := range m.Params() {
		if math.Float64bits(v) != math.Float64bits(before[i]) {
			t.Fatal("parameters changed by a diverged step")
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// rotation is the observed 2-d state of a harmonic oscillator, x_t =
// (sin 0.3t, cos 0.3t): its state is fully determined by one observation.
func rotation(rows int) []float64 {
	x := make([]float64, rows*2)
	for t := 0; t < rows; t++ {
		x[2*t], x[2*t+1] = math.Sin(0.3*float64(t)), math.Cos(0.3*float64(t))
	}
	return x
}

func TestSchedules(t *testing.T) {
	m := plrnn.NewVanilla(plrnn.Config{M: 3}, rng.New(1))
	data := toySeries(100)
	tr, err := New(m, obs.NewIdentity(2, 3), data, Config{SeqLen: 10, Schedule: "step", LR: 0.1, LRGamma: 0.5, LREvery: 3}, 100, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	var rates []float64
	for i := 0; i < 7; i++ {
		rates = append(rates, tr.LearningRate())
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	want := []float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025}
	for i := range want {
		if rates[i] != want[i] {
			t.Fatalf("step schedule rates %v, want %v", rates, want)
		}
	}
	if _, err := New(m, obs.NewIdentity(2, 3), data, Config{SeqLen: 10, Schedule: "cosine"}, 1, rng.New(1)); err == nil || !contains(err.Error(), "schedule") {
		t.Fatalf("unknown schedule: %v", err)
	}
}

// TestLatentNoise: with latent noise the gradient is still exact (the noise
// is a constant of the step), and the adaptive σ tracks √(running loss)
// within its clip range.
func TestLatentNoise(t *testing.T) {
	data := toySeries(60)
	m := plrnn.NewShallow(plrnn.Config{M: 4, Hidden: 6, Clipped: true}, rng.New(3))
	tr, err := New(m, obs.NewIdentity(2, 4), data, Config{SeqLen: 9, Batch: 2, Forcing: Generalized, Alpha: 0.3, LatentNoise: "fixed", NoiseScale: 0.1}, 10, rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	tr.Sample() // draws the noise that checkGradient's windows then use
	if tr.eps[len(tr.eps)/2] == 0 {
		t.Fatal("no latent noise drawn")
	}
	checkGradient(t, tr)

	rot := rotation(2000)
	m2 := plrnn.NewVanilla(plrnn.Config{M: 4}, rng.New(1))
	tr2, err := New(m2, obs.NewIdentity(2, 4), rot, Config{SeqLen: 20, Batch: 4, Forcing: Generalized, Alpha: 0.2, LatentNoise: "adaptive", NoiseScale: 0.5, NoiseMin: 0.01, NoiseMax: 0.3}, 300, rng.New(2))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		if _, err := tr2.Step(); err != nil {
			t.Fatal(err)
		}
	}
	ema, ok, sd := tr2.NoiseState()
	want := math.Min(math.Max(0.5*math.Sqrt(ema), 0.01), 0.3)
	if !ok || math.Abs(sd-want) > 1e-15 {
		t.Fatalf("σ = %v, want clip(0.5·√%v) = %v", sd, ema, want)
	}
	if _, err := New(m2, obs.NewIdentity(2, 4), rot, Config{LatentNoise: "pink"}, 1, rng.New(1)); err == nil {
		t.Fatal("unknown latent noise accepted")
	}
}

// TestTSDGradient checks both TSD forms end to end against finite
// differences of data loss + TSD penalty (targets held fixed).
func TestTSDGradient(t *testing.T) {
	data := toySeries(60)
	for _, form := range []string{"distill", "distill/H=4", "smooth"} {
		for _, f := range []Forcing{Sparse, Generalized} {
			m := plrnn.NewShallow(plrnn.Config{M: 4, Hidden: 6, Clipped: true}, rng.New(3))
			cfg := Config{SeqLen: 9, Batch: 2, Forcing: f, Interval: 3, Alpha: 0.3, TSD: form, TSDLambda: 0.5}
			if form == "distill/H=4" {
				cfg.TSD, cfg.TSDHorizon = "distill", 4
			}
			tr, err := New(m, obs.NewIdentity(2, 4), data, cfg, 10, rng.New(5))
			if err != nil {
				t.Fatal(err)
			}
			t.Run(form+"/"+string(f), func(t *testing.T) {
				checkGradient(t, tr)
				if tr.TSDLoss() <= 0 {
					t.Fatalf("TSD penalty %v, want > 0", tr.TSDLoss())
				}
			})
		}
	}
}

// TestTSDWarmStart checks that TSDFrom keeps the penalty off for the first
// steps and on after them, and that the first steps are those of a run
// without TSD, bit for bit.
func TestTSDWarmStart(t *testing.T) {
	data := toySeries(60)
	run := func(cfg Config) (losses, pens []float64) {
		m := plrnn.NewShallow(plrnn.Config{M: 4, Hidden: 6, Clipped: true}, rng.New(3))
		tr, err := New(m, obs.NewIdentity(2, 4), data, cfg, 10, rng.New(5))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			l, err := tr.Step()
			if err != nil {
				t.Fatal(err)
			}
			losses, pens = append(losses, l), append(pens, tr.TSDLoss())
		}
		return
	}
	base := Config{SeqLen: 9, Batch: 2, Forcing: Sparse, Interval: 3}
	plain, _ := run(base)
	warm := base
	warm.TSD, warm.TSDLambda, warm.TSDFrom = "distill", 0.5, 2
	lw, pw := run(warm)
	for i := 0; i < 2; i++ {
		if pw[i] != 0 || math.Float64bits(lw[i]) != math.Float64bits(plain[i]) {
			t.Errorf("step %d before the warm start: penalty %v, loss %v (without TSD %v)", i+1, pw[i], lw[i], plain[i])
		}
	}
	for i := 2; i < 4; i++ {
		if !(pw[i] > 0) {
			t.Errorf("step %d after the warm start: penalty %v, want > 0", i+1, pw[i])
		}
	}
	if _, err := New(plrnn.NewShallow(plrnn.Config{M: 4, Hidden: 6, Clipped: true}, rng.New(3)), obs.NewIdentity(2, 4), data, Config{TSD: "distill", TSDFrom: -1}, 10, rng.New(5)); err == nil || !strings.Contains(err.Error(), "TSD start") {
		t.Errorf("TSDFrom = -1: %v, want an error naming the TSD start", err)
	}
}
