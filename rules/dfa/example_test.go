package dfa_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/dfa"
)

// Train a small EtherealRNN on key recall with DFA (the variant that also
// trains i2h) and evaluate it on held-out sequences.
func Example() {
	task := chartask.NewKeyRecall()
	p, _ := ethereal.PresetByName(task.Charset().Size(), "learns")
	p.Config.Hidden = 16
	p.Update.TrainHidden = true
	net, err := ethereal.New(p.Config)
	if err != nil {
		panic(err)
	}
	rule, _ := dfa.New(net, p.Update, 1)
	tr := ethereal.NewTrainer(net, rule, task, 1)
	for tr.Seen < 2000 {
		tr.Step()
	}
	st := tr.Evaluate(25, 7)
	fmt.Printf("%d sequence-characters of fast weights: %d bytes per sequence\n", tr.Seen, net.FastBytes())
	fmt.Printf("held-out: %d sequences, recall scored %d times\n", st.Sequences, st.Scored)
	// Output:
	// 2007 sequence-characters of fast weights: 34544 bytes per sequence
	// held-out: 100 sequences, recall scored 100 times
}
