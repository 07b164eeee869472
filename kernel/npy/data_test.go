package npy

import (
	"bytes"
	"math"
	"os"
	"runtime"
	"testing"

	"github.com/rnnlab/rnnlab/build/shareddata"
)

// readShared reads a file of the shared benchmark data, ../shared/data/dsr,
// or skips the test where the checkout has none (shareddata.Need).
func readShared(t *testing.T, name string) *Array {
	t.Helper()
	b, err := os.ReadFile(shareddata.Need(t, "dsr", name))
	if err != nil {
		t.Fatalf("shared data on %s/%s: %v", runtime.GOOS, runtime.GOARCH, err)
	}
	a, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return a
}

// colStats returns the mean and population standard deviation of column j
// of a T×N array.
func colStats(a *Array, j int) (mean, sd float64) {
	n, rows := a.Shape[1], a.Shape[0]
	for i := j; i < len(a.Data); i += n {
		mean += a.Data[i]
	}
	mean /= float64(rows)
	for i := j; i < len(a.Data); i += n {
		d := a.Data[i] - mean
		sd += d * d
	}
	return mean, math.Sqrt(sd / float64(rows))
}

// TestLorenzData: lorenz63_on0.05_train.npy is 100000×3 float32 stored in
// Fortran order (written by Julia's NPZ.jl, header aligned to 16). The
// trajectory was z-scored and then given 5% observation noise, so each
// column has mean ≈ 0 and sd ≈ √(1 + 0.05²) = 1.00125; measured: means
// within 1.1e-4 of 0, sds 1.0011 to 1.0014.
func TestLorenzData(t *testing.T) {
	a := readShared(t, "lorenz63_on0.05_train.npy")
	if !equalShape(a.Shape, []int{100000, 3}) {
		t.Fatalf("shape %v, want [100000 3]", a.Shape)
	}
	for j := 0; j < 3; j++ {
		m, sd := colStats(a, j)
		if math.Abs(m) > 1e-3 || math.Abs(sd-math.Sqrt(1+0.05*0.05)) > 1e-3 {
			t.Errorf("column %d: mean %.5f sd %.5f", j, m, sd)
		}
	}
	// Column 2 is Lorenz z, which stays below its mean early on: the first
	// row, in C order, is (0.02584, 0.07675, −2.82617).
	if got := a.Data[:3]; math.Abs(got[0]-0.0258406) > 1e-6 || math.Abs(got[2]+2.8261669) > 1e-6 {
		t.Errorf("first row %v", got)
	}
}

// TestECGData checks the Fortran-to-C conversion on real data with a known
// structure: ecg_pecuzal_5d_train.npy (100000×5 float64, Fortran order) is
// a PECUZAL delay embedding of one ECG series, so column j is column 0
// shifted by the lag τⱼ = (0, 20, 68, 55, 10) samples: x[t][j] = x[t+τⱼ][0].
// A wrong transposition would scramble this. ecg_5d_small.npy (10000×5
// float32, Fortran order) is every 10th row of it rounded to float32.
func TestECGData(t *testing.T) {
	p := readShared(t, "ecg_pecuzal_5d_train.npy")
	if !equalShape(p.Shape, []int{100000, 5}) {
		t.Fatalf("shape %v, want [100000 5]", p.Shape)
	}
	lags := []int{0, 20, 68, 55, 10} // found by matching columns once
	for j, tau := range lags {
		for r := 0; r+tau < 100000; r++ {
			if p.Data[r*5+j] != p.Data[(r+tau)*5] {
				t.Fatalf("row %d column %d = %v, column 0 at row %d = %v", r, j, p.Data[r*5+j], r+tau, p.Data[(r+tau)*5])
			}
		}
	}
	s := readShared(t, "ecg_5d_small.npy")
	if !equalShape(s.Shape, []int{10000, 5}) {
		t.Fatalf("shape %v, want [10000 5]", s.Shape)
	}
	for i := range s.Data {
		r, j := i/5, i%5
		if want := float64(float32(p.Data[10*r*5+j])); s.Data[i] != want {
			t.Fatalf("small[%d][%d] = %v, want float32(pecuzal[%d][%d]) = %v", r, j, s.Data[i], 10*r, j, want)
		}
	}
}
