package metric

import (
	"flag"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

var printGolden = flag.Bool("golden", false, "print the golden bit patterns instead of checking them")

// TestGoldenBits pins the exact float64 results of every measure on a fixed
// Lorenz-63 series so that amd64 and js/wasm are checked to agree bit for bit
// (the values were recorded natively on amd64; run with -golden to print).
func TestGoldenBits(t *testing.T) {
	x := lorenz(4000, 100, 5, 0.01)
	y := lorenz(4000, 700, 5, 0.01)
	x5, y5 := embed5(x), embed5(y)
	var curve [4]float64
	PredictionErrorCurve(curve[:], x, 3, MapPredictor(linearMap{0.97, 3}))
	got := map[string]float64{}
	got["binned3"], _ = StateSpaceBinned(x, y, 3, 30)
	got["binned5"], _ = StateSpaceBinned(x5, y5, 5, 30)
	got["gmm5"], _ = StateSpaceGMM(x5, y5, 5, 1, 1000, 200, rng.New(42))
	got["pse3"], _ = PowerSpectrumHellinger(x, y, 3, 20)
	got["pse5odd"], _ = PowerSpectrumHellinger(x5[:5*3001], y5[:5*3001], 5, 2.3)
	got["pe3"] = curve[3]
	want := map[string]uint64{
		"binned3": 0x3fc9574486bb6e7a, // 0.19797569826811295
		"binned5": 0x3fe0afb45b8bbc85, // 0.5214483058934013
		"gmm5":    0x3fd3dc0b7a713e2a, // 0.31030547101269923
		"pse3":    0x3f940fc18eadc844, // 0.019591354688096155
		"pse5odd": 0x3fb253041fc55188, // 0.071579225307976668
		"pe3":     0x405615356081e8b9, // 88.331382872452096
	}
	for k, v := range got {
		if *printGolden {
			t.Logf("%q: %#x, // %.17g", k, math.Float64bits(v), v)
			continue
		}
		if math.Float64bits(v) != want[k] {
			t.Errorf("%s = %.17g (%#x), want %.17g (%#x)", k, v, math.Float64bits(v), math.Float64frombits(want[k]), want[k])
		}
	}
}
