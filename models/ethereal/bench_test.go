package ethereal_test

import (
	"testing"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/dfa"
	"github.com/rnnlab/rnnlab/rules/perstep"
)

// BenchmarkKeyRecall trains the default EtherealRNN (hidden 128, 3 layers,
// batch 4, key recall) with DFA and with per-step backprop and reports
// sequence-characters per second and the bytes of fast weights per
// sequence.
func BenchmarkKeyRecall(b *testing.B) {
	task := chartask.NewKeyRecall()
	for _, rule := range []string{"dfa", "perstep"} {
		b.Run(rule, func(b *testing.B) {
			p, _ := ethereal.PresetByName(task.Charset().Size(), "learns")
			n, _ := ethereal.New(p.Config)
			var l ethereal.Learner
			if rule == "dfa" {
				l, _ = dfa.New(n, p.Update, 1)
			} else {
				l, _ = perstep.New(n, p.Update)
			}
			tr := ethereal.NewTrainer(n, l, task, 1)
			b.ReportAllocs()
			chars := 0
			for b.Loop() {
				chars += tr.Step().Chars
			}
			b.ReportMetric(float64(chars)/b.Elapsed().Seconds(), "seqchars/s")
			b.ReportMetric(float64(n.FastBytes()), "fastbytes/seq")
		})
	}
}

// TestTrainNoAllocs: training a batch (steps, DFA or per-step backprop
// updates, the wipe) allocates nothing once the trainer is warm.
func TestTrainNoAllocs(t *testing.T) {
	task := chartask.NewKeyRecall()
	for _, rule := range []string{"dfa", "perstep"} {
		p, _ := ethereal.PresetByName(task.Charset().Size(), "learns")
		p.Config.Hidden = 16
		n, _ := ethereal.New(p.Config)
		var l ethereal.Learner
		if rule == "dfa" {
			l, _ = dfa.New(n, p.Update, 1)
		} else {
			l, _ = perstep.New(n, p.Update)
		}
		tr := ethereal.NewTrainer(n, l, task, 1)
		for k := 0; k < 50; k++ {
			tr.Step()
		}
		if a := testing.AllocsPerRun(20, func() { tr.Step() }); a != 0 {
			t.Errorf("%s: %v allocations per batch", rule, a)
		}
	}
}
