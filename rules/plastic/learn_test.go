package plastic_test

import (
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
)

// TestLearns: a 32-unit EtherealRNN trained by DFA on key recall brings its
// loss below the no-memory floor (0.998 nats) and its recall above chance
// (1/6) within 1 000 batches. Measured (seed 1): loss 0.931, online recall
// 0.355 over batches 951–1000.
func TestLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("1 000 batches")
	}
	s := tiny()
	s.Hidden, s.Layers, s.Batch = ptr(32), nil, nil
	s.Batches, s.Window = 1000, 50
	tr := start(t, s, run.Env{})
	advance(t, tr, 1000)
	p := tr.Progress()
	loss, acc := p.Values[0].Value, p.Values[1].Value
	t.Logf("loss %.3f, recall %.3f", loss, acc)
	if !(loss < 0.998 && acc > 1.0/6) {
		t.Fatalf("after 1 000 batches: loss %.3f (no-memory floor 0.998), recall %.3f (chance 0.167)", loss, acc)
	}
}
