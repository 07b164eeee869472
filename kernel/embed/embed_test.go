package embed

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/dataset"
)

func TestDelay(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5}
	y, err := Delay(x, []int{0, 2})
	if err != nil {
		t.Fatal(err)
	}
	// Rows end at t+2: (x[2], x[0]), (x[3], x[1]), …
	want := []float64{2, 0, 3, 1, 4, 2, 5, 3}
	for i := range want {
		if y[i] != want[i] {
			t.Fatalf("Delay = %v, want %v", y, want)
		}
	}
	if _, err := Delay(x, []int{0, 9}); err == nil {
		t.Fatal("delay longer than the series accepted")
	}
}

// TestDelayChoice: for a sine of period P the autocorrelation first crosses
// zero at P/4. (The histogram AMI of a noise-free sinusoid is too jagged for
// a first-minimum test; TestFNNLorenz checks the AMI delay on Lorenz-63.)
func TestDelayChoice(t *testing.T) {
	const P = 100
	x := make([]float64, 20000)
	for i := range x {
		x[i] = math.Sin(2 * math.Pi * float64(i) / P)
	}
	if z := FirstZero(Autocorrelation(x, 60)); z != 25 && z != 26 {
		t.Errorf("autocorrelation zero at %d, want P/4 = 25", z)
	}
	if mi := AutoMutualInformation(x, 1, 32); mi[0] <= mi[1] {
		t.Errorf("I(0) = %v ≤ I(1) = %v: a series shares most information with itself", mi[0], mi[1])
	}
}

// TestFNNLorenz: embedding Lorenz-63's x coordinate needs 3 dimensions: the
// false-neighbour fraction drops below 1% by d = 3 (Kennel et al. 1992,
// Fig. 1) and is large at d = 1.
func TestFNNLorenz(t *testing.T) {
	l := dataset.Lorenz63Data(20000, 0.01, 1)
	x := make([]float64, 20000)
	for i := range x {
		x[i] = l[3*i]
	}
	tau := FirstMinimum(AutoMutualInformation(x, 100, 32))
	if tau < 10 || tau > 25 {
		t.Fatalf("AMI delay %d, want about 17 samples (0.17 time units, the usual choice for Lorenz-63's x)", tau)
	}
	f := FalseNearestNeighbours(x, tau, 4, 10, 2, 2000)
	t.Logf("τ = %d, FNN fractions %.3f", tau, f)
	if f[0] < 0.3 || f[2] > 0.01 {
		t.Errorf("FNN %v: want large at d=1 and < 1%% at d=3", f)
	}
}

func TestBaselineAndResample(t *testing.T) {
	// A slow drift under narrow spikes: the median filters keep the drift,
	// so removing them leaves the spikes on a flat baseline.
	fs := 360.0
	x := make([]float64, 3600)
	for i := range x {
		x[i] = 0.5 * math.Sin(2*math.Pi*0.2*float64(i)/fs)
		if i%360 == 100 {
			x[i] += 1
		}
	}
	y := RemoveBaseline(x, fs)
	for i := 300; i < 3300; i++ {
		want := 0.0
		if i%360 == 100 {
			want = 1
		}
		if math.Abs(y[i]-want) > 0.02 {
			t.Fatalf("sample %d: %v, want %v", i, y[i], want)
		}
	}
	r := Resample([]float64{0, 1, 2, 3}, 1, 2)
	want := []float64{0, 0.5, 1, 1.5, 2, 2.5, 3}
	for i := range want {
		if r[i] != want[i] {
			t.Fatalf("Resample = %v, want %v", r, want)
		}
	}
}
