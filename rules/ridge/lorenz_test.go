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
// docs/spiking.md (set RNNLAB_SPIKE_LORENZ=1): a 1 000-neuron balanced LIF
// network (p = 0.1, exponential synapses, constant drive near threshold)
// reads z-scored Lorenz-63 (dt = 0.01) through input weights, one sample per
// 1 ms of network time (10 steps of 0.1 ms); a ridge readout of the
// exponentially filtered spike trains (τ = 10 ms) plus the input predicts
// x_{t+1}; λ is chosen on a validation split. Then the readout is fed back
// and the reservoir runs freely; D_stsp and D_H compare the generated and
// true test series.
func TestLorenzReservoir(t *testing.T) {
	if os.Getenv("RNNLAB_SPIKE_LORENZ") == "" {
		t.Skip("set RNNLAB_SPIKE_LORENZ=1 to run the Lorenz-63 reservoir experiment")
	}
	for _, c := range []struct {
		drive float64
		input bool
	}{{20, true}, {20, false}, {23, true}, {23, false}} {
		t.Logf("--- drive %v mV, input among the features: %v", c.drive, c.input)
		lorenzReservoir(t, c.drive, c.input)
	}
}

func lorenzReservoir(t *testing.T, drive float64, withInput bool) {
	const nTrain, nVal, nTest, sub = 4000, 1000, 1000, 10
	data := dataset.Lorenz63Data(nTrain+nVal+nTest+1, 0.01, 1)
	cfg := lif.Config{N: 1000, Dt: 0.1, TauMemE: 20, TauMemI: 10, TauSyn: 5,
		VReset: 10, VTh: 20, Refractory: 2, P: 0.1, J: 0.4, G: 5,
		DelayMin: 1, DelayMax: 1, Drive: lif.Drive{ConstE: drive, ConstI: drive, Inputs: 3, InputScale: 6}}
	net, err := lif.New(cfg, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	tr := lif.NewTrace(net, 0, net.N, 10)
	p := net.N + 3
	spikes := 0
	feed := func(u []float64, feat []float64) {
		for k := 0; k < sub; k++ {
			if err := net.Step(u); err != nil {
				t.Fatal(err)
			}
			tr.Record(net)
			spikes += len(net.Spikes())
		}
		copy(feat, tr.X)
		if withInput {
			copy(feat[net.N:], u)
		} else {
			clear(feat[net.N:])
		}
	}
	// Wash-out of 200 samples, then features for every sample.
	T := nTrain + nVal + nTest
	X := make([]float64, T*p)
	for s := 0; s < T; s++ {
		feed(data[s*3:(s+1)*3], X[s*p:(s+1)*p])
	}
	rate := float64(spikes) / (float64(T) * sub * net.Dt * 1e-3) / float64(net.N)
	Y := data[3 : (T+1)*3]
	w0 := 200
	lambdas := []float64{1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4}
	r, errs, err := ridge.Select(X[w0*p:nTrain*p], Y[w0*3:nTrain*3], X[nTrain*p:(nTrain+nVal)*p], Y[nTrain*3:(nTrain+nVal)*3], p, 3, lambdas)
	if err != nil {
		t.Fatal(err)
	}
	test0 := nTrain + nVal
	mse := r.MSE(X[test0*p:], Y[test0*3:])
	t.Logf("validation MSE per λ %v: chose λ = %g", errs, r.Lambda)
	t.Logf("one-step test MSE %.4g, R² %.4f (z-scored data: R² = 1 − MSE)", mse, 1-mse)

	// Free run from the end of the validation part: the prediction is fed back.
	gen := make([]float64, nTest*3)
	u := append([]float64(nil), data[test0*3:(test0+1)*3]...)
	feat := make([]float64, p)
	for s := 0; s < nTest; s++ {
		feed(u, feat)
		r.Predict(u, feat)
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
	var sd [3]float64
	for s := 0; s < nTest; s++ {
		for i := 0; i < 3; i++ {
			sd[i] += gen[s*3+i] * gen[s*3+i] / nTest
		}
	}
	t.Logf("free run: D_stsp %.3f (%v), D_H %.3f (%v), mean square of generated x,y,z %.3f %.3f %.3f",
		dstsp, err1, dh, err2, sd[0], sd[1], sd[2])
	t.Logf("mean rate while driven by the data %.1f Hz", rate)
}
