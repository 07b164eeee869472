package optim

import (
	"math"
	"testing"
)

// TestMinimiseQuadratic checks both optimizers drive f(θ) = Σ c_i (θ_i − 1)²
// to its minimum θ = 1.
func TestMinimiseQuadratic(t *testing.T) {
	for _, a := range []*Adam{NewAdam(3), NewRAdam(3)} {
		theta := []float64{5, -3, 0}
		c := []float64{1, 10, 0.1}
		g := make([]float64, 3)
		for it := 0; it < 5000; it++ {
			for i := range g {
				g[i] = 2 * c[i] * (theta[i] - 1)
			}
			a.Update(theta, g, 0.05)
		}
		for i, v := range theta {
			if math.Abs(v-1) > 1e-3 {
				t.Errorf("rectified=%v: θ[%d] = %v, want 1", a.Rectified, i, v)
			}
		}
	}
}

// TestAdamFirstStep: the first bias-corrected Adam step has size lr·sign(g)
// (m̂ = g, v̂ = g²), whatever the gradient's scale (Kingma & Ba 2015, Sec. 2.1).
func TestAdamFirstStep(t *testing.T) {
	a := NewAdam(2)
	a.Eps = 0
	theta := []float64{0, 0}
	a.Update(theta, []float64{1e-4, -300}, 0.01)
	if math.Abs(theta[0]+0.01) > 1e-15 || math.Abs(theta[1]-0.01) > 1e-15 {
		t.Fatalf("first step %v, want (−0.01, 0.01)", theta)
	}
	// RAdam's first steps (ρ_t ≤ 4 for t ≤ 5 with β₂ = 0.999) are plain
	// momentum steps lr·m̂ = lr·g.
	r := NewRAdam(1)
	th := []float64{0}
	r.Update(th, []float64{2}, 0.1)
	if math.Abs(th[0]+0.2) > 1e-15 {
		t.Fatalf("RAdam first step %v, want −0.2", th[0])
	}
}

func TestStateRoundTrip(t *testing.T) {
	a, b := NewRAdam(2), NewRAdam(2)
	x, y := []float64{1, 2}, []float64{1, 2}
	for i := 0; i < 10; i++ {
		a.Update(x, []float64{0.3, -0.1}, 0.01)
	}
	if err := b.SetState(a.State()); err != nil {
		t.Fatal(err)
	}
	copy(y, x)
	a.Update(x, []float64{0.5, 0.5}, 0.01)
	b.Update(y, []float64{0.5, 0.5}, 0.01)
	if x[0] != y[0] || x[1] != y[1] {
		t.Fatal("restored optimizer diverges from the original")
	}
	if err := b.SetState([]float64{1}); err == nil {
		t.Fatal("short state accepted")
	}
}

func TestClipAndSchedules(t *testing.T) {
	g1, g2 := []float64{3}, []float64{4}
	if n := ClipNorm(1, g1, g2); n != 5 || math.Abs(Norm(g1, g2)-1) > 1e-15 {
		t.Fatalf("ClipNorm: before %v, after %v", n, Norm(g1, g2))
	}
	e := Exponential{Start: 1e-3, End: 1e-6}
	if e.Rate(0, 101) != 1e-3 || math.Abs(e.Rate(100, 101)-1e-6) > 1e-18 || math.Abs(e.Rate(50, 101)-math.Sqrt(1e-9)) > 1e-15 {
		t.Fatalf("exponential schedule: %v %v %v", e.Rate(0, 101), e.Rate(50, 101), e.Rate(100, 101))
	}
	s := StepDecay{Start: 1, Gamma: 0.5, Every: 10}
	if s.Rate(9, 0) != 1 || s.Rate(25, 0) != 0.25 {
		t.Fatalf("step decay: %v %v", s.Rate(9, 0), s.Rate(25, 0))
	}
}
