package plrnn

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

// randomize gives every parameter a random value so that conformance
// exercises all terms (the reference initialisation leaves some at zero).
func randomize(m models.Parametric, seed uint64, sd float64) {
	rng.New(seed).FillNorm(m.Params(), sd)
}

func allModels(k int) []models.Differentiable {
	r := rng.New(1)
	return []models.Differentiable{
		NewVanilla(Config{M: 5, K: k}, r),
		NewDendritic(Config{M: 4, K: k, Bases: 3}, r),
		NewDendritic(Config{M: 4, K: k, Bases: 3, Clipped: true}, r),
		NewShallow(Config{M: 3, K: k, Hidden: 7}, r),
		NewShallow(Config{M: 3, K: k, Hidden: 7, Clipped: true}, r),
	}
}

func TestConformance(t *testing.T) {
	for _, k := range []int{0, 2} {
		for i, m := range allModels(k) {
			randomize(m, uint64(10+i), 0.5)
			t.Run(fmt.Sprintf("%s/%d", modeltest.String(m), i), func(t *testing.T) {
				modeltest.Conformance(t, m, nil)
			})
		}
	}
}

// TestVanillaByHand checks one step of a 2-unit PLRNN worked out by hand:
// A = (0.5, −0.2), W = [[0, 1], [2, 0]], h = (0.1, 0), z = (1, −3):
// relu(z) = (1, 0), so z' = (0.5 + 0 + 0.1, 0.6 + 2 + 0) = (0.6, 2.6).
func TestVanillaByHand(t *testing.T) {
	p := NewVanilla(Config{M: 2}, nil)
	copy(p.A, []float64{0.5, -0.2})
	copy(p.W, []float64{0, 1, 2, 0})
	copy(p.H, []float64{0.1, 0})
	got := make([]float64, 2)
	p.Step(got, []float64{1, -3}, nil)
	if want := []float64{0.6, 2.6}; math.Abs(got[0]-want[0]) > 1e-15 || math.Abs(got[1]-want[1]) > 1e-15 {
		t.Fatalf("step = %v, want %v", got, want)
	}
	J := make([]float64, 4)
	p.Jacobian(J, []float64{1, -3}, nil)
	// ∂F/∂z = diag(A) + W diag(1[z>0]) = [[0.5, 0], [2, −0.2]].
	if want := []float64{0.5, 0, 2, -0.2}; fmt.Sprint(J) != fmt.Sprint(want) {
		t.Fatalf("Jacobian = %v, want %v", J, want)
	}
}

// TestClippedBounded checks the property that motivates the clipped forms:
// with |A_ii| < 1 orbits stay bounded even for large weights, whereas φ of
// the unclipped dendritic model grows without bound.
func TestClippedBounded(t *testing.T) {
	for _, m := range []models.Differentiable{
		NewDendritic(Config{M: 6, Bases: 4, Clipped: true}, rng.New(3)),
		NewShallow(Config{M: 6, Hidden: 20, Clipped: true}, rng.New(3)),
	} {
		randomize(m, 5, 3)
		a := m.Params()[:6]
		for i := range a {
			a[i] = 0.9 * math.Tanh(a[i])
		}
		x, y := []float64{50, -50, 10, 0, 3, -7}, make([]float64, 6)
		maxAbs := 0.0
		for s := 0; s < 5000; s++ {
			m.Step(y, x, nil)
			x, y = y, x
			for _, v := range x {
				maxAbs = math.Max(maxAbs, math.Abs(v))
			}
		}
		if math.IsNaN(maxAbs) || maxAbs > 1e4 {
			t.Errorf("%T: orbit not bounded, max |z| = %g", m, maxAbs)
		}
	}
}

func TestInitialisation(t *testing.T) {
	p := NewVanilla(Config{M: 10}, rng.New(9))
	// diag(A) + W is the normalised positive-definite matrix: symmetric with
	// spectral radius 1 and positive diagonal.
	K := make([]float64, 100)
	for i := 0; i < 10; i++ {
		for j := 0; j < 10; j++ {
			K[i*10+j] = p.W[i*10+j]
			if p.W[i*10+j] != p.W[j*10+i] {
				t.Fatal("W is not symmetric at initialisation")
			}
		}
		if p.W[i*10+i] != 0 || p.A[i] <= 0 || p.A[i] > 1 {
			t.Fatalf("unit %d: A = %v, W_ii = %v", i, p.A[i], p.W[i*10+i])
		}
		K[i*10+i] = p.A[i]
	}
	if lam := maxEigSym(K, 10); math.Abs(lam-1) > 1e-9 {
		t.Errorf("spectral radius %v, want 1", lam)
	}
	g := make([]float64, len(p.Params()))
	for i := range g {
		g[i] = 1
	}
	p.ProjectGradient(g)
	if g[p.offW] != 0 || g[p.offW+1] != 1 {
		t.Error("ProjectGradient must zero exactly the diagonal of W")
	}
}

func BenchmarkRollout(b *testing.B) {
	// The bias keeps the orbit off the origin: with h = 0 the default
	// initialisation decays to 0 through subnormal numbers, which cost tens
	// of cycles per operation on many processors, and the benchmark would
	// time those.
	for _, m := range []int{15, 50, 200} {
		p := NewVanilla(Config{M: m}, rng.New(1))
		for i := range p.H {
			p.H[i] = 0.5
		}
		b.Run(fmt.Sprintf("vanilla/M=%d", m), func(b *testing.B) {
			x, y := make([]float64, m), make([]float64, m)
			rng.New(2).FillNorm(x, 1)
			b.ReportAllocs()
			steps := 0
			for b.Loop() {
				p.Step(y, x, nil)
				x, y = y, x
				steps++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps)/1000, "µs/step")
			if mx := vec.MaxAbs(x); !(mx > 1e-3 && mx < 1e6) {
				b.Fatalf("the benchmark orbit is not of order one: max|x| = %v", mx)
			}
		})
	}
}

// TestLinearize checks that each model's region map reproduces the step
// (M x + c = F(x)) and that M is the Jacobian, at random states.
func TestLinearize(t *testing.T) {
	type lin interface {
		models.Differentiable
		Linearize(M, c, x []float64)
	}
	for i, m := range allModels(0) {
		randomize(m, uint64(40+i), 0.5)
		l := m.(lin)
		n := m.Dim()
		M, c, J := make([]float64, n*n), make([]float64, n), make([]float64, n*n)
		x, y := make([]float64, n), make([]float64, n)
		r := rng.New(uint64(i))
		for trial := 0; trial < 20; trial++ {
			r.FillNorm(x, 1.5)
			l.Linearize(M, c, x)
			m.Step(y, x, nil)
			m.Jacobian(J, x, nil)
			for a := 0; a < n; a++ {
				v := c[a]
				for b := 0; b < n; b++ {
					v += M[a*n+b] * x[b]
					if math.Abs(M[a*n+b]-J[a*n+b]) > 1e-12 {
						t.Fatalf("%T: M ≠ Jacobian at [%d,%d]", m, a, b)
					}
				}
				if math.Abs(v-y[a]) > 1e-10*math.Max(1, math.Abs(y[a])) {
					t.Fatalf("%T: M x + c = %v, F(x) = %v", m, v, y[a])
				}
			}
		}
	}
}
