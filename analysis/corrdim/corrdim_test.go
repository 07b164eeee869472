package corrdim

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestKnownSets: points filling a line, a square and a cube have dimension
// 1, 2 and 3.
func TestKnownSets(t *testing.T) {
	r := rng.New(1)
	for d := 1; d <= 3; d++ {
		x := make([]float64, 4000*3)
		for i := 0; i < 4000; i++ {
			for c := 0; c < d; c++ {
				x[i*3+c] = r.Float64()
			}
		}
		res, err := Dimension(x, 3, &Settings{Theiler: 1, RMin: 0.02, RMax: 0.2})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d-cube: %.3f", d, res.Dimension)
		// Edge effects bias a uniform cube's estimate low by a few percent.
		if math.Abs(res.Dimension-float64(d)) > 0.05*float64(d) { // measured: 0.965, 1.944, 2.924
			t.Errorf("dimension of a %d-cube: %.3f", d, res.Dimension)
		}
	}
}

// TestLorenz: the correlation dimension of Lorenz-63 is 2.05 ± 0.01
// (Grassberger & Procaccia 1983).
func TestLorenz(t *testing.T) {
	x := dataset.Lorenz63Data(100000, 0.01, 3)
	res, err := Dimension(x, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Lorenz-63 correlation dimension %.3f, local slopes %.2f", res.Dimension, res.Slopes)
	if math.Abs(res.Dimension-2.05) > 0.1 {
		t.Errorf("dimension %.3f, want 2.05 ± 0.1", res.Dimension)
	}
}

func TestErrors(t *testing.T) {
	if _, err := Dimension(make([]float64, 30), 3, nil); err == nil {
		t.Error("too few points accepted")
	}
	x := make([]float64, 300)
	x[5] = math.NaN()
	if _, err := Dimension(x, 3, nil); err == nil {
		t.Error("NaN accepted")
	}
}
