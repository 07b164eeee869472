package balanced

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

var (
	_ ode.FlowJacobian      = (*Net)(nil)
	_ ode.FlowVJP           = (*Net)(nil)
	_ models.Layouter       = (*Euler)(nil)
	_ models.Differentiable = (*RK4)(nil)
)

// TestConformance runs the models suite on Euler and RK4 maps for both φ,
// both Dale parameterisations, autonomous and driven.
func TestConformance(t *testing.T) {
	for _, phi := range []string{"relu", "softplus"} {
		for _, dale := range []string{"softplus", "abs"} {
			for _, k := range []int{0, 2} {
				for _, method := range []string{"euler", "rk4"} {
					cfg := Config{NE: 4, NI: 2, K: k, TauE: 2, TauI: 1, Phi: phi, Dale: dale, Bias: 0.3}
					m, err := NewMap(cfg, method, 0.2, rng.New(1))
					if err != nil {
						t.Fatal(err)
					}
					t.Run(fmt.Sprintf("%s/%s/K=%d/%s", phi, dale, k, method), func(t *testing.T) {
						modeltest.Conformance(t, m, nil)
					})
				}
			}
		}
	}
}

// TestDale: whatever values the free weights take (here N(0, 5²), many far
// negative), every excitatory column of J stays ≥ 0 and every inhibitory
// column ≤ 0; CheckDale reports a broken column.
func TestDale(t *testing.T) {
	for _, dale := range []string{"softplus", "abs"} {
		n, err := New(Config{NE: 6, NI: 3, TauE: 1, TauI: 1, Dale: dale}, rng.New(2))
		if err != nil {
			t.Fatal(err)
		}
		rng.New(3).FillNorm(n.W, 5)
		if err := n.CheckDale(); err != nil {
			t.Fatalf("%s: %v", dale, err)
		}
		J := make([]float64, 81)
		n.Effective(J)
		for idx, v := range J {
			if (idx%9 < 6 && v < 0) || (idx%9 >= 6 && v > 0) {
				t.Fatalf("%s: J[%d,%d] = %v", dale, idx/9, idx%9, v)
			}
		}
		n.J[0] = -1 // corrupt the cache behind refresh's back
		if err := n.CheckDale(); err == nil || !strings.Contains(err.Error(), "J[0,0]") {
			t.Fatalf("%s: CheckDale missed a broken weight: %v", dale, err)
		}
	}
}

// TestBalancedInit: at N_E = 400, N_I = 100 each row's total excitation is
// Gain·√N_E = 20 and its inhibition G times that (G = 1.2: 24), to within
// 5 % (the row sums of 400 uniform magnitudes have relative sd
// 1/√(3·400) ≈ 3 %; the mean over 500 rows is far tighter); the mean input to
// a unit at r = 1 is therefore −(G − 1)·20 = −4, small against either part.
func TestBalancedInit(t *testing.T) {
	const ne, ni = 400, 100
	n, err := New(Config{NE: ne, NI: ni, TauE: 10, TauI: 5}, rng.New(4))
	if err != nil {
		t.Fatal(err)
	}
	m := ne + ni
	J := make([]float64, m*m)
	n.Effective(J)
	var exc, inh float64
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			if j < ne {
				exc += J[i*m+j]
			} else {
				inh -= J[i*m+j]
			}
		}
	}
	exc /= float64(m)
	inh /= float64(m)
	if math.Abs(exc/20-1) > 0.05 || math.Abs(inh/24-1) > 0.05 {
		t.Fatalf("mean row excitation %.3f (want 20), inhibition %.3f (want 24)", exc, inh)
	}
}

// TestTutorial: the preset has the course's sizes and time constants, and
// one Euler step with h = 1 is r + (φ(J r + B u + b) − r)/τ.
func TestTutorial(t *testing.T) {
	cfg := Tutorial(3)
	m, err := NewMap(cfg, "euler", 1, rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	n := m.(*Euler).F.(*Net)
	if n.NE != 48 || n.NI != 16 || n.TauE != 10 || n.TauI != 5 || n.Bias[0] != 0.5 {
		t.Fatalf("preset %+v", cfg)
	}
	x, u, y := make([]float64, 64), []float64{0.5, -1, 2}, make([]float64, 64)
	rng.New(6).FillUniform(x, 0, 1)
	m.Step(y, x, u)
	J := make([]float64, 64*64)
	n.Effective(J)
	for i := 0; i < 64; i++ {
		a := n.Bias[i]
		for j := 0; j < 64; j++ {
			a += J[i*64+j] * x[j]
		}
		for k := 0; k < 3; k++ {
			a += n.B[i*3+k] * u[k]
		}
		tau := 10.0
		if i >= 48 {
			tau = 5
		}
		if want := x[i] + (math.Max(a, 0)-x[i])/tau; math.Abs(y[i]-want) > 1e-12 {
			t.Fatalf("unit %d: %v, want %v", i, y[i], want)
		}
	}
}

// TestValidate: bad settings name their key.
func TestValidate(t *testing.T) {
	cases := map[string]Config{
		"NE":   {NI: 2, TauE: 1, TauI: 1},
		"TauI": {NE: 2, NI: 2, TauE: 1},
		"Phi":  {NE: 2, TauE: 1, Phi: "tanh"},
		"Dale": {NE: 2, TauE: 1, Dale: "square"},
		"Bias": {NE: 2, TauE: 1, Bias: math.NaN()},
	}
	for key, c := range cases {
		if _, err := New(c, nil); err == nil || !strings.Contains(err.Error(), "key "+key+" ") {
			t.Errorf("%s: %v", key, err)
		}
	}
	if _, err := NewMap(Tutorial(3), "heun", 1, nil); err == nil {
		t.Error("unknown method accepted")
	}
}

// TestGolden pins a 200-step Euler trajectory of the tutorial network,
// natively and under js/wasm.
func TestGolden(t *testing.T) {
	m, err := NewMap(Tutorial(3), "euler", 1, rng.New(7))
	if err != nil {
		t.Fatal(err)
	}
	const steps = 200
	u := make([]float64, steps*3)
	rng.New(8).FillNorm(u, 1)
	traj := make([]float64, steps*64)
	models.Rollout(traj, m, make([]float64, 64), u, steps)
	var b strings.Builder
	fmt.Fprintf(&b, "tutorial euler traj=%016x\n", golden.HashBits(traj))
	golden.Check(t, "testdata/golden.txt", b.String())
}
