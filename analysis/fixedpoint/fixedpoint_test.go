package fixedpoint

import (
	"math"
	"math/cmplx"
	"sort"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestLorenz: the Lorenz-63 flow has three equilibria, the origin and
// C± = (±√72, ±√72, 27) (σ=10, ρ=28, β=8/3). At the origin the eigenvalues
// are −8/3 and (−11 ± √1201)/2 = 11.8277, −22.8277 (a saddle); at C± they
// are the roots of λ³ + (σ+β+1)λ² + β(σ+ρ)λ + 2σβ(ρ−1) = 0: −13.8546 and
// 0.0940 ± 10.1945i (unstable foci) (Sparrow, The Lorenz Equations, 1982).
func TestLorenz(t *testing.T) {
	l := dataset.NewLorenz63()
	r := rng.New(1)
	var starts [][]float64
	for i := 0; i < 60; i++ {
		starts = append(starts, []float64{r.Uniform(-20, 20), r.Uniform(-20, 20), r.Uniform(0, 45)})
	}
	pts := OfFlow(l, starts, nil)
	if len(pts) != 3 {
		t.Fatalf("found %d fixed points, want 3: %+v", len(pts), pts)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].X[0] < pts[j].X[0] })
	q := math.Sqrt(72)
	want := [][3]float64{{-q, -q, 27}, {0, 0, 0}, {q, q, 27}}
	for i, p := range pts {
		for c := 0; c < 3; c++ {
			if math.Abs(p.X[c]-want[i][c]) > 1e-9 {
				t.Fatalf("fixed point %d = %v, want %v", i, p.X, want[i])
			}
		}
		if p.Stable || !p.Fixed {
			t.Errorf("point %v: stable=%v fixed=%v, want an unstable fixed point", p.X, p.Stable, p.Fixed)
		}
	}
	origin := pts[1].Eigenvalues
	for k, w := range []float64{(-11 + math.Sqrt(1201)) / 2, -8.0 / 3, (-11 - math.Sqrt(1201)) / 2} {
		if cmplx.Abs(origin[k]-complex(w, 0)) > 1e-9 {
			t.Errorf("origin eigenvalues %v, want %v at %d", origin, w, k)
		}
	}
	c := pts[2].Eigenvalues
	if math.Abs(real(c[0])-0.0940) > 1e-3 || math.Abs(math.Abs(imag(c[0]))-10.1945) > 1e-3 || math.Abs(real(c[2])+13.8546) > 1e-3 {
		t.Errorf("C+ eigenvalues %v, want 0.0940 ± 10.1945i and −13.8546", c)
	}
}

// linmap is x' = A x + b with A = diag(0.5, 2): fixed point x = (I − A)⁻¹ b,
// eigenvalues 2 and 0.5, unstable (|2| > 1).
type linmap struct{}

func (linmap) Dim() int { return 2 }
func (linmap) Step(dst, x, u []float64) {
	dst[0], dst[1] = 0.5*x[0]+1, 2*x[1]-3
}
func (linmap) Jacobian(dst, x, u []float64) { dst[0], dst[1], dst[2], dst[3] = 0.5, 0, 0, 2 }

func TestLinearMap(t *testing.T) {
	pts := OfMap(linmap{}, [][]float64{{10, -10}, {0, 0}, {-5, 7}}, nil)
	if len(pts) != 1 {
		t.Fatalf("%d points", len(pts))
	}
	p := pts[0]
	if math.Abs(p.X[0]-2) > 1e-9 || math.Abs(p.X[1]-3) > 1e-9 || p.Stable || cmplx.Abs(p.Eigenvalues[0]-2) > 1e-12 {
		t.Fatalf("%+v, want (2, 3), unstable, eigenvalues 2, 0.5", p)
	}
}

// TestSlowPoint: dx/dt = x² + ε has no fixed point for ε > 0, but a slow
// point at x = 0 with q = ε²/2, found when MaxQ allows it.
type slow struct{ eps float64 }

func (s slow) Dim() int                          { return 1 }
func (s slow) Deriv(dst, x, u []float64)         { dst[0] = x[0]*x[0] + s.eps }
func (s slow) DerivJacobian(dst, x, u []float64) { dst[0] = 2 * x[0] }

func TestSlowPoint(t *testing.T) {
	starts := [][]float64{{0.5}, {-0.7}}
	if pts := OfFlow(slow{1e-3}, starts, nil); len(pts) != 0 {
		t.Fatalf("fixed-point search found %v", pts)
	}
	pts := OfFlow(slow{1e-3}, starts, &Settings{MaxQ: 1e-5})
	if len(pts) != 1 || pts[0].Fixed || math.Abs(pts[0].X[0]) > 1e-3 || math.Abs(pts[0].Q-5e-7) > 1e-9 {
		t.Fatalf("slow points %+v, want one at 0 with q = 5e-7", pts)
	}
}
