package obs

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

func TestAffineVJPAndInverse(t *testing.T) {
	r := rng.New(1)
	o := NewAffine(3, 5, r)
	z := make([]float64, 2*5)
	r.FillNorm(z, 1)
	g := make([]float64, 2*3)
	r.FillNorm(g, 1)
	gz, gB := make([]float64, 10), make([]float64, 15)
	o.ObserveVJP(gz, gB, z, g)
	// ⟨g, B z⟩ is linear in z and in B: its gradients are Bᵀg and Σ g⊗z.
	x := make([]float64, 6)
	o.Observe(x, z)
	for row := 0; row < 2; row++ {
		want := make([]float64, 5)
		vec.MatTVec(want, o.B, 3, 5, g[row*3:(row+1)*3])
		for j := range want {
			if math.Abs(want[j]-gz[row*5+j]) > 1e-14 {
				t.Fatalf("gz mismatch")
			}
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 5; j++ {
			want := g[i]*z[j] + g[3+i]*z[5+j]
			if math.Abs(gB[i*5+j]-want) > 1e-14 {
				t.Fatalf("gB[%d,%d] = %v, want %v", i, j, gB[i*5+j], want)
			}
		}
	}
	// The inverse reproduces the observation: B (B⁺ x) = x.
	zh := make([]float64, 10)
	o.Invert(zh, x)
	x2 := make([]float64, 6)
	o.Observe(x2, zh)
	for i := range x {
		if math.Abs(x[i]-x2[i]) > 1e-8 {
			t.Fatalf("B B⁺ x = %v, want %v", x2, x)
		}
	}
}

func TestIdentity(t *testing.T) {
	o := NewIdentity(2, 4)
	z := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	x := make([]float64, 4)
	o.Observe(x, z)
	if x[0] != 1 || x[1] != 2 || x[2] != 5 || x[3] != 6 {
		t.Fatalf("Observe = %v", x)
	}
	gz := []float64{9, 9, 9, 9, 9, 9, 9, 9}
	o.ObserveVJP(gz, nil, z, []float64{1, 2, 3, 4})
	if want := []float64{1, 2, 0, 0, 3, 4, 0, 0}; !equal(gz, want) {
		t.Fatalf("ObserveVJP = %v, want %v", gz, want)
	}
	zh := []float64{0, 0, 7, 7, 0, 0, 7, 7}
	o.Invert(zh, []float64{1, 2, 3, 4})
	if want := []float64{1, 2, 7, 7, 3, 4, 7, 7}; !equal(zh, want) {
		t.Fatalf("Invert = %v, want %v", zh, want)
	}
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
