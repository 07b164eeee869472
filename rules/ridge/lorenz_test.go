package ridge_test

import (
	"math"
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/analysis/metric"
	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/lif"
	"github.com/rnnlab/rnnlab/rules/ridge"
)

// TestLorenzReservoir is the first LIF-reservoir experiment of
// docs/spiking.md (set RNNLAB_SPIKE_LORENZ=1). A LIF network reads z-scored
// Lorenz-63 (dt = 0.01) through input weights, one sample per 1 ms of
// network time (10 steps of 0.1 ms); a ridge readout of the exponentially
// filtered spike trains (optionally plus the input itself) predicts
// x_{t+1}; λ is chosen on a validation split. Then the readout is fed back
// and the reservoir runs freely; D_stsp and D_H compare the generated and
// the true test series.
func TestLorenzReservoir(t *testing.T) {
	if os.Getenv("RNNLAB_SPIKE_LORENZ") == "" {
		t.Skip("set RNNLAB_SPIKE_LORENZ=1 to run the Lorenz-63 reservoir experiment")
	}
	balanced := func(drive float64) lif.Config {
		return lif.Config{N: 1000, Dt: 0.1, TauMemE: 20, TauMemI: 10, TauSyn: 5,
			VReset: 10, VTh: 20, Refractory: 2, P: 0.1, J: 0.4, G: 5,
			DelayMin: 1, DelayMax: 1, Drive: lif.Drive{ConstE: drive, ConstI: drive, Inputs: 3, InputScale: 6}}
	}
	for _, c := range []struct {
		name       string
		cfg        lif.Config
		excOnly    bool
		tau        float64
		withInput  bool
		split      [3]int
		washoutLen int
	}{
		{"balanced, drive 20 mV, traces + input", balanced(20), false, 10, true, [3]int{4000, 1000, 1000}, 200},
		{"balanced, drive 20 mV, traces", balanced(20), false, 10, false, [3]int{4000, 1000, 1000}, 200},
		{"balanced, drive 23 mV, traces + input", balanced(23), false, 10, true, [3]int{4000, 1000, 1000}, 200},
		{"balanced, drive 23 mV, traces", balanced(23), false, 10, false, [3]int{4000, 1000, 1000}, 200},
		// The course's reservoir and split: 800 E + 200 I, E read out,
		// 20 000 samples split 70/15/15.
		{"tutorial 800E+200I, E traces", lif.Tutorial(800, 3), true, 10, false, [3]int{14000, 3000, 3000}, 200},
	} {
		t.Logf("--- %s", c.name)
		lorenzReservoir(t, c.cfg, c.excOnly, c.tau, c.withInput, c.split, c.washoutLen)
	}
}

func lorenzReservoir(t *testing.T, cfg lif.Config, excOnly bool, tau float64, withInput bool, split [3]int, w0 int) {
	nTrain, nVal, nTest := split[0], split[1], split[2]
	data := dataset.Lorenz63Data(nTrain+nVal+nTest+1, 0.01, 1)
	net, err := lif.New(cfg, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	hi := net.N
	if excOnly {
		hi = net.NE
	}
	res, err := lif.NewReservoir(net, 0, hi, tau, 10)
	if err != nil {
		t.Fatal(err)
	}
	nf := res.Features()
	p := nf
	if withInput {
		p += 3
	}
	T := nTrain + nVal + nTest
	X := make([]float64, T*p)
	feat := make([]float64, nf)
	spikes := 0
	for s := 0; s < T; s++ {
		u := data[s*3 : (s+1)*3]
		k, err := res.Feed(feat, u)
		if err != nil {
			t.Fatal(err)
		}
		spikes += k
		copy(X[s*p:], feat)
		if withInput {
			copy(X[s*p+nf:], u)
		}
	}
	rate := float64(spikes) / (float64(T) * float64(res.Sub) * net.Dt * 1e-3) / float64(net.N)
	Y := data[3 : (T+1)*3]
	lambdas := []float64{1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4}
	r, errs, err := ridge.Select(X[w0*p:nTrain*p], Y[w0*3:nTrain*3], X[nTrain*p:(nTrain+nVal)*p], Y[nTrain*3:(nTrain+nVal)*3], p, 3, lambdas)
	if err != nil {
		t.Fatal(err)
	}
	test0 := nTrain + nVal
	mse := r.MSE(X[test0*p:], Y[test0*3:])
	t.Logf("mean rate while driven by the data %.1f Hz; validation MSE per λ %.3g: chose λ = %g", rate, errs, r.Lambda)
	t.Logf("one-step test MSE %.4g, R² %.4f (z-scored data: R² = 1 − MSE)", mse, 1-mse)

	// Free run from the end of the validation part: the prediction is fed back.
	gen := make([]float64, nTest*3)
	u := append([]float64(nil), data[test0*3:(test0+1)*3]...)
	row := make([]float64, p)
	for s := 0; s < nTest; s++ {
		if _, err := res.Feed(feat, u); err != nil {
			t.Fatal(err)
		}
		copy(row, feat)
		if withInput {
			copy(row[nf:], u)
		}
		r.Predict(u, row)
		copy(gen[s*3:], u)
		for _, v := range u {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("free run diverged at step %d", s)
			}
		}
	}
	truth := data[(test0+1)*3 : (test0+1+nTest)*3]
	dstsp, err1 := metric.StateSpace(truth, gen, 3, nil)
	dh, err2 := metric.PowerSpectrumHellinger(truth, gen, 3, 0)
	t.Logf("free run: D_stsp %.3f (%v), D_H %.3f (%v)", dstsp, err1, dh, err2)
}
