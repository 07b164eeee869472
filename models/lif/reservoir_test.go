package lif

import (
	"math"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestReservoir: Run equals Feed sample by sample on a twin network, holds
// each sample for Sub steps, and refuses a network without inputs and a
// non-finite sample.
func TestReservoir(t *testing.T) {
	cfg := Tutorial(80, 2)
	cfg.Drive.ConstE, cfg.Drive.ConstI = 1.1, 1.1
	a, _ := New(cfg, rng.New(1))
	b, _ := New(cfg, rng.New(1))
	ra, err := NewReservoir(a, 0, a.NE, 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := NewReservoir(b, 0, b.NE, 10, 10)
	const T = 50
	u := make([]float64, T*2)
	rng.New(2).FillNorm(u, 1)
	X := make([]float64, T*ra.Features())
	n, err := ra.Run(X, u)
	if err != nil || n == 0 {
		t.Fatalf("Run: %d spikes, %v", n, err)
	}
	feat := make([]float64, rb.Features())
	for s := 0; s < T; s++ {
		rb.Feed(feat, u[s*2:(s+1)*2])
		if !slices.Equal(feat, X[s*ra.Features():(s+1)*ra.Features()]) {
			t.Fatalf("sample %d: Run and Feed differ", s)
		}
	}
	if a.Steps != T*10 {
		t.Fatalf("%d steps for %d samples of 10", a.Steps, T)
	}
	u[7] = math.NaN()
	if _, err := ra.Run(X, u); err == nil {
		t.Fatal("a NaN sample was accepted")
	}
	c := Brunel(5, 2, 0.2)
	nb, _ := New(c, rng.New(1))
	if _, err := NewReservoir(nb, 0, 10, 10, 10); err == nil {
		t.Fatal("a network without inputs was accepted as a reservoir")
	}
}
