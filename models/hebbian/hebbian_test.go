package hebbian

import (
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/models/modeltest"
)

func configs() map[string]Config {
	return map[string]Config{
		"educational":     {Units: 4, Inputs: 2, Modulated: true, Rule: RuleHebb, Eta: 0.2, Gain: 1.2, AlphaInit: 0.5, Seed: 1},
		"differentiable":  {Units: 4, Inputs: 4, DirectInput: true, Rule: RuleHebb, Eta: 0.1, AlphaInit: 0.5, Seed: 2},
		"backpropamine":   {Units: 4, Inputs: 3, Rule: RuleBackpropamine, Clip: 2, AlphaInit: 0.5, Seed: 3},
		"no-input-unmod":  {Units: 3, Inputs: 0, Rule: RuleHebb, Eta: 0.3, Seed: 4},
		"backprop-direct": {Units: 3, Inputs: 3, DirectInput: true, Rule: RuleBackpropamine, Clip: 1.5, Seed: 5},
	}
}

func TestConformance(t *testing.T) {
	for name, cfg := range configs() {
		t.Run(name, func(t *testing.T) {
			n, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			modeltest.Conformance(t, n, &modeltest.Settings{Batch: 3, Scale: 0.7})
		})
	}
}

func TestValidate(t *testing.T) {
	for key, c := range map[string]Config{
		"units":     {Units: 0, Rule: RuleHebb},
		"inputs":    {Units: 3, Inputs: 2, DirectInput: true, Rule: RuleHebb},
		"rule":      {Units: 3, Rule: "oja"},
		"clip":      {Units: 3, Rule: RuleBackpropamine},
		"modulated": {Units: 3, Rule: RuleBackpropamine, Clip: 1, Modulated: true},
		"eta":       {Units: 3, Rule: RuleHebb, Eta: 2},
	} {
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: %v", key, err)
		}
	}
}

// TestModulatorGates: with m = 0 the trace only decays; with m = 1 it also
// gains η h' hᵀ.
func TestModulatorGates(t *testing.T) {
	cfg := configs()["educational"]
	n, _ := New(cfg)
	M := n.M
	s := make([]float64, n.Dim())
	for i := range s {
		s[i] = 0.1 * float64(i%5+1)
	}
	d0, d1 := make([]float64, n.Dim()), make([]float64, n.Dim())
	n.Step(d0, s, []float64{0.3, -0.2, 0})
	n.Step(d1, s, []float64{0.3, -0.2, 1})
	for i := 0; i < M; i++ {
		for j := 0; j < M; j++ {
			k := M + i*M + j
			if want := (1 - cfg.Eta) * s[k]; abs(d0[k]-want) > 1e-15 {
				t.Fatalf("m = 0: Hebb[%d,%d] = %v, want %v", i, j, d0[k], want)
			}
			if want := (1-cfg.Eta)*s[k] + cfg.Eta*d1[i]*s[j]; abs(d1[k]-want) > 1e-15 {
				t.Fatalf("m = 1: Hebb[%d,%d] = %v, want %v", i, j, d1[k], want)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
