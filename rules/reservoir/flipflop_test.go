package reservoir

import (
	"runtime"
	"testing"
)

// TestFlipFlop: FORCE-trained rate networks of the tutorial's size (64
// units) on the 3-bit flip-flop task (pulses of 5 steps, probability 0.02
// per channel and step; 20 000 training and 5 000 test steps, seed 1). The
// CT-RNN (τ 1, Euler h 0.5, gain 1) holds the right sign in 96.7 % of the
// test outputs, and the search from 64 states of the test run finds 13
// fixed points of its closed loop, 8 of them stable, decoding to all 8
// memory states (Sussillo & Barak 2013's picture). The E/I network (48 E +
// 16 I, Dale's law, gain 0.3) reaches 93.1 % with 8 stable fixed points
// decoding to 6 memory states (two of its stable points sit at a readout
// below 0.5 in some channel).
func TestFlipFlop(t *testing.T) {
	if testing.Short() || runtime.GOOS == "js" {
		t.Skip("~30 s: 2 × 25 000 FORCE steps and 64 Levenberg–Marquardt searches in 64 dimensions with finite-difference Jacobians")
	}
	for _, c := range []struct {
		net          string
		step, gain   float64
		minAcc       float64
		minMemStates int
	}{{"ctrnn", 0.5, 1, 0.95, 8}, {"ei", 1, 0.3, 0.9, 5}} {
		res, err := RunFlipFlop(FlipFlop{Net: c.net, Units: 64, Pulse: 0.02, PulseLen: 5, Step: c.step, Gain: c.gain,
			Train: 20000, Test: 5000, Alpha: 1, Starts: 64, Seed: 1, MaxIter: 200, FDStep: 1e-6, TolSpeed: 1e-14})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: accuracy %.3f, %d fixed points, %d stable, %d memory states", c.net, res.Accuracy, res.Fixed, res.Stable, res.MemoryStates)
		if res.Accuracy < c.minAcc || res.MemoryStates < c.minMemStates {
			t.Errorf("%s: accuracy %.3f (want ≥ %.2f), %d memory states among the stable fixed points (want ≥ %d)",
				c.net, res.Accuracy, c.minAcc, res.MemoryStates, c.minMemStates)
		}
	}
	if _, err := RunFlipFlop(FlipFlop{Net: "lstm", Units: 64, Pulse: 0.02, PulseLen: 5, Step: 1, Gain: 1, Train: 1, Test: 1, Alpha: 1, Starts: 1}); err == nil {
		t.Error("an unknown network was accepted")
	}
}
