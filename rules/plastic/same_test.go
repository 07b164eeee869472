package plastic_test

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/dfa"
	"github.com/rnnlab/rnnlab/rules/run"
)

// TestSameAsLibrary: a plastic run trains the same bits as the library's
// ethereal.Trainer with the same rule and seeds (measuring the gradient-norm
// ratio does not change the course).
func TestSameAsLibrary(t *testing.T) {
	s := tiny()
	s.RatioEvery = 1
	tr := start(t, s, run.Env{})
	advance(t, tr, 7)
	ck, err := tr.Save()
	if err != nil {
		t.Fatal(err)
	}
	task := chartask.NewKeyRecall()
	p, _ := ethereal.PresetByName(task.Charset().Size(), "learns")
	cfg := p.Config
	cfg.Hidden, cfg.Layers, cfg.Batch = 6, 2, 2
	n, _ := ethereal.New(cfg)
	rule, _ := dfa.New(n, p.Update, 1)
	lib := ethereal.NewTrainer(n, rule, task, 1)
	lib.Scored = func(seq []int, i int) bool { return chartask.IsRecall(task.Charset(), seq, i) }
	for i := 0; i < 7; i++ {
		lib.Step()
	}
	want := n.Export(nil)
	got, err := ck.Tensor("net.state", len(want))
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("state value %d: run %v, library %v", k, got[k], want[k])
		}
	}
}
