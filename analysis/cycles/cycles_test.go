package cycles

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// TestShallowByHand: with M = L = 1, the shallow PLRNN
// z' = 0.4 z − 2.4 relu(z) + 1 is z' = −2z + 1 for z > 0 and z' = 0.4z + 1
// for z ≤ 0. Its fixed point is z = 1/3 (slope −2: unstable; the z ≤ 0
// branch's candidate 5/3 lies outside its region), and its 2-cycle solves
// z₀ = 0.4(−2z₀ + 1) + 1: z₀ = 1.4/1.8 = 7/9, z₁ = −5/9, with multiplier
// (−2)(0.4) = −0.8: stable.
func TestShallowByHand(t *testing.T) {
	m := plrnn.NewShallow(plrnn.Config{M: 1, Hidden: 1}, nil)
	m.A[0], m.W1[0], m.W2[0], m.H1[0], m.H2[0] = 0.4, -2.4, 1, 1, 0
	cs, err := Find(m, &Settings{MaxPeriod: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("found %d cycles, want a fixed point and a 2-cycle: %+v", len(cs), cs)
	}
	fp, c2 := cs[0], cs[1]
	if fp.Period != 1 || math.Abs(fp.Points[0][0]-1.0/3) > 1e-12 || fp.Stable || math.Abs(real(fp.Multipliers[0])+2) > 1e-12 {
		t.Errorf("fixed point %+v, want 1/3, unstable, multiplier −2", fp)
	}
	if c2.Period != 2 || math.Abs(c2.Points[0][0]+5.0/9) > 1e-12 || math.Abs(c2.Points[1][0]-7.0/9) > 1e-12 ||
		!c2.Stable || math.Abs(real(c2.Multipliers[0])+0.8) > 1e-12 {
		t.Errorf("2-cycle %+v, want (−5/9, 7/9), stable, multiplier −0.8", c2)
	}
}

// TestVanillaByHand: A = (0.5, 0.5), W = [[0, 1], [0, 0]], h = (0.2, −0.4).
// z₂' = 0.5 z₂ − 0.4 gives z₂ = −0.8 ≤ 0, so relu(z₂) = 0 and z₁ = 0.4:
// one fixed point (0.4, −0.8) with Jacobian diag(0.5, 0.5), and no cycles
// (the map is a contraction in both regions).
func TestVanillaByHand(t *testing.T) {
	m := plrnn.NewVanilla(plrnn.Config{M: 2}, nil)
	copy(m.A, []float64{0.5, 0.5})
	copy(m.W, []float64{0, 1, 0, 0})
	copy(m.H, []float64{0.2, -0.4})
	cs, err := Find(m, &Settings{MaxPeriod: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("found %d cycles, want one fixed point: %+v", len(cs), cs)
	}
	c := cs[0]
	if c.Period != 1 || math.Abs(c.Points[0][0]-0.4) > 1e-12 || math.Abs(c.Points[0][1]+0.8) > 1e-12 || !c.Stable {
		t.Fatalf("fixed point %+v, want (0.4, −0.8), stable", c)
	}
	for _, mu := range c.Multipliers {
		if math.Abs(real(mu)-0.5) > 1e-12 || imag(mu) != 0 {
			t.Fatalf("multipliers %v, want 0.5, 0.5", c.Multipliers)
		}
	}
}

// TestRandomModelsSelfConsistent: every cycle found in random PLRNNs of each
// kind returns to its start under the true map after exactly its period.
func TestRandomModelsSelfConsistent(t *testing.T) {
	r := rng.New(4)
	models := []PiecewiseLinear{
		plrnn.NewVanilla(plrnn.Config{M: 6}, rng.New(1)),
		plrnn.NewDendritic(plrnn.Config{M: 5, Bases: 4, Clipped: true}, rng.New(2)),
		plrnn.NewShallow(plrnn.Config{M: 4, Hidden: 12, Clipped: true}, rng.New(3)),
	}
	for _, m := range models {
		p := m.(interface{ Params() []float64 }).Params()
		noise := make([]float64, len(p))
		r.FillNorm(noise, 0.3)
		for i := range p {
			p[i] += noise[i]
		}
		cs, err := Find(m, &Settings{MaxPeriod: 3, Starts: 100, Seed: 5})
		if err != nil {
			t.Errorf("%T: %v", m, err)
			continue
		}
		n := m.Dim()
		for _, c := range cs {
			x, y := append([]float64(nil), c.Points[0]...), make([]float64, n)
			for s := 0; s < c.Period; s++ {
				m.Step(y, x, nil)
				x, y = y, x
			}
			if d := vec.MaxAbsDiff(x, c.Points[0]); d > 1e-8*math.Max(1, vec.MaxAbs(x)) {
				t.Errorf("%T: period-%d cycle does not close (error %g)", m, c.Period, d)
			}
		}
		t.Logf("%T: %d cycles", m, len(cs))
	}
}
