package leaky

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

var _ models.Differentiable = (*Net)(nil)
var _ models.Layouter = (*Net)(nil)
var _ models.Taper = (*Net)(nil)

func TestConformance(t *testing.T) {
	for _, c := range []Config{
		{N: 10, K: 3, Q: 4},
		{N: 10, K: 3, Q: 4, Activation: "softplus"},
		{N: 10, K: 3, Q: 4, Activation: "tanh"},
		{N: 12, K: 2, Q: 3, Dale: true},
	} {
		t.Run(c.Activation+map[bool]string{true: "-dale"}[c.Dale], func(t *testing.T) {
			n := New(c, rng.New(3))
			// Larger weights than the 1/N initialisation, so that the
			// recurrent terms are visible in the derivative checks.
			rng.New(4).FillNorm(n.W, 0.5)
			modeltest.Conformance(t, n, nil)
		})
	}
}

// The groups of the reference code at N = 50: inputs to [0, 20), readout of
// [20, 40), the inhibitory time constant τ/2 on [40, 50).
func TestGroups(t *testing.T) {
	n := New(Config{}, nil)
	if n.N != 50 || n.K != 85 || n.Q != 33 || n.Nin != 20 || n.Nout != 20 || n.Nexc != 40 {
		t.Fatalf("groups N=%d K=%d Q=%d Nin=%d Nout=%d Nexc=%d", n.N, n.K, n.Q, n.Nin, n.Nout, n.Nexc)
	}
	if n.Tinv[39] != 10 || n.Tinv[40] != 20 {
		t.Fatalf("T⁻¹ = %v, %v at units 39, 40; want 1/τ = 10 and 2/τ = 20", n.Tinv[39], n.Tinv[40])
	}
	if got := len(n.Params()); got != 50*50+50+20*85+33*20 {
		t.Fatalf("len θ = %d", got)
	}
	// N = 64: int(0.4·64) = 25, int(0.8·64) = 51.
	m := New(Config{N: 64}, nil)
	if m.Nin != 25 || m.Nexc != 51 {
		t.Fatalf("N=64: Nin=%d Nexc=%d, want 25, 51", m.Nin, m.Nexc)
	}
}

// W̃ ~ N(0,1)/N: standard deviation 1/N = 0.005 at N = 200 (not 1/√N).
func TestInitScale(t *testing.T) {
	n := New(Config{N: 200}, rng.New(1))
	s := 0.0
	for _, w := range n.W {
		s += w * w
	}
	sd := math.Sqrt(s / float64(len(n.W)))
	if math.Abs(sd-0.005) > 0.0002 {
		t.Fatalf("sd(W̃) = %v, want 1/N = 0.005", sd)
	}
	s = 0
	for _, w := range n.Win {
		s += w * w
	}
	if sd := math.Sqrt(s / float64(len(n.Win))); math.Abs(sd-1) > 0.02 {
		t.Fatalf("sd(W_in) = %v, want 1", sd)
	}
}

func TestDaleSigns(t *testing.T) {
	n := New(Config{N: 20, Dale: true}, rng.New(2))
	w := make([]float64, 400)
	n.EffectiveW(w)
	for i := 0; i < 20; i++ {
		for j := 0; j < 20; j++ {
			v := w[i*20+j]
			if (j < n.Nexc && v < 0) || (j >= n.Nexc && v > 0) {
				t.Fatalf("W[%d,%d] = %v has the wrong sign for presynaptic unit %d", i, j, v, j)
			}
		}
	}
}

// One step by hand: N = 5 (Nin = 2, Nout = 2, Nexc = 4), zero weights but
// b = 1: pre = 1 + 0.1η, ReLU, du = T⁻¹(−u + pre)dt.
func TestStepByHand(t *testing.T) {
	n := New(Config{N: 5, K: 1, Q: 1}, nil)
	for i := range n.B {
		n.B[i] = 1
	}
	x := []float64{0, 0.5, 0, 0, 1}
	u := []float64{7, 0, 0, 0, 0, 10} // h ignored (W_in = 0); η_4 = 10
	dst := make([]float64, 5)
	n.Step(dst, x, u)
	// unit 1: 0.5 + 10·(−0.5 + 1)·0.005 = 0.525; unit 4 (τ/2): 1 + 20·(−1 + 2)·0.005 = 1.1
	want := []float64{0.05, 0.525, 0.05, 0.05, 1.1}
	for i := range want {
		if math.Abs(dst[i]-want[i]) > 1e-15 {
			t.Fatalf("dst = %v, want %v", dst, want)
		}
	}
}

// The ziggurat's moments and tail over 10⁶ draws: mean 0, variance 1,
// kurtosis 3, P(|x| > 3) = 0.0026998 (erfc(3/√2)).
func TestNormal(t *testing.T) {
	r := rng.New(1)
	const n = 1000000
	var m1, m2, m4, tail float64
	for i := 0; i < n; i++ {
		x := Normal(r)
		m1 += x
		m2 += x * x
		m4 += x * x * x * x
		if math.Abs(x) > 3 {
			tail++
		}
	}
	m1, m2, m4, tail = m1/n, m2/n, m4/n, tail/n
	if math.Abs(m1) > 0.005 || math.Abs(m2-1) > 0.005 || math.Abs(m4-3) > 0.05 || math.Abs(tail-0.0026998) > 0.0002 {
		t.Fatalf("mean %v, var %v, 4th moment %v, tail %v", m1, m2, m4, tail)
	}
}

func TestClampedConformance(t *testing.T) {
	n := New(Config{N: 10, K: 3, Q: 2, Activation: "tanh"}, rng.New(5))
	rng.New(6).FillNorm(n.W, 0.5)
	c := NewClamped(n, []float64{1, 0, 0.5})
	var _ models.Differentiable = c
	modeltest.Conformance(t, c, nil)
}
