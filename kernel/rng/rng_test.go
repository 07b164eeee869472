package rng

import (
	"math"
	"testing"
)

func TestNormMoments(t *testing.T) {
	g := New(42)
	const n = 200000
	var s1, s2, s4 float64
	for i := 0; i < n; i++ {
		x := g.Norm()
		s1 += x
		s2 += x * x
		s4 += x * x * x * x
	}
	mean, v, kurt := s1/n, s2/n, s4/n
	// Standard errors for n = 2e5: mean 0.0022, variance 0.0032, 4th moment 0.055.
	if math.Abs(mean) > 0.01 || math.Abs(v-1) > 0.015 || math.Abs(kurt-3) > 0.25 {
		t.Errorf("moments: mean %.4f var %.4f E[x^4] %.3f, want 0, 1, 3", mean, v, kurt)
	}
}

func TestUniformRange(t *testing.T) {
	g := New(7)
	var s float64
	for i := 0; i < 100000; i++ {
		x := g.Float64()
		if x < 0 || x >= 1 {
			t.Fatalf("Float64 out of [0,1): %v", x)
		}
		s += x
	}
	if m := s / 100000; math.Abs(m-0.5) > 0.005 {
		t.Errorf("mean of uniforms %.4f, want 0.5", m)
	}
}

func TestDeterministicAndResumable(t *testing.T) {
	a, b := New(3), New(3)
	for i := 0; i < 1001; i++ {
		if a.Norm() != b.Norm() {
			t.Fatal("same seed gave different streams")
		}
	}
	state, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{a.Norm(), a.Norm(), a.Float64()}
	var c Rand
	if err := c.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	got := []float64{c.Norm(), c.Norm(), c.Float64()}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("resumed stream differs at %d: %v vs %v", i, got[i], want[i])
		}
	}
	if New(4).Uint64() == New(3).Uint64() {
		t.Error("different seeds gave the same first value")
	}
}

// TestGolden pins the first values of seed 1, so that a change of stream (which
// would silently change every seeded result in the project) is caught; the same
// test runs under js/wasm.
func TestGolden(t *testing.T) {
	g := New(1)
	got := []uint64{g.Uint64(), math.Float64bits(g.Norm()), math.Float64bits(g.Norm())}
	want := goldenRNG
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("value %d = %#x, want %#x", i, got[i], want[i])
		}
	}
}
