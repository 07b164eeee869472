package plastic_test

import (
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/rules/plastic"
)

// TestHebbianErrors: settings the hebbian kind refuses, each named.
func TestHebbianErrors(t *testing.T) {
	for _, c := range []struct {
		mut  func(*plastic.HebbianSpec)
		want string
	}{
		{func(s *plastic.HebbianSpec) { s.Bits = 5000 }, "hebbian.bits = 5000: BPTT keeps the trace of every step"},
		{func(s *plastic.HebbianSpec) { s.InputGain = -1 }, "hebbian.input_gain = -1"},
		{func(s *plastic.HebbianSpec) { s.AlphaSD = -0.1 }, "hebbian.alpha_sd"},
	} {
		s := plastic.HebbianDefaults()
		c.mut(s)
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to contain %q", err, c.want)
		}
	}
	s := plastic.HebbianDefaults()
	s.Bits, s.Patterns, s.PresTime, s.PresTimeTest, s.Delay = 1000, 5, 6, 6, 4
	if err := s.Validate(); err != nil {
		t.Errorf("Miconi's task refused: %v", err)
	}
}
