package plastic_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/rules/run"
)

// TestGolden fingerprints short plastic runs (plain and Ethereal, each
// updater) and a hebbian run, natively and under js/wasm: the network's
// state, the curves and the report's numbers.
func TestGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range []struct{ model, updater string }{{"ethereal", "dfa"}, {"ethereal", "perstep"}, {"ethereal", "bptt"}, {"plain", "dfa"}} {
		s := tiny()
		s.Model, s.Updater = c.model, c.updater
		tr := start(t, s, run.Env{})
		advance(t, tr, 8)
		ck, err := tr.Save()
		if err != nil {
			t.Fatal(err)
		}
		rep, err := tr.Evaluate()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s:", c.model, c.updater)
		for _, ts := range ck.Tensors {
			fmt.Fprintf(&b, " %s %016x", ts.Name, golden.HashBits(ts.Data))
		}
		for _, m := range rep.Metrics {
			fmt.Fprintf(&b, " %s %.17g", m.Name, m.Value)
		}
		b.WriteString("\n")
	}
	h := hebbianTiny()
	tr := start(t, h, run.Env{})
	advance(t, tr, 6)
	ck, _ := tr.Save()
	rep, _ := tr.Evaluate()
	fmt.Fprintf(&b, "hebbian: theta %016x adam %016x test_error %.17g\n",
		golden.HashBits(ck.Tensors[0].Data), golden.HashBits(ck.Tensors[1].Data), rep.Metrics[0].Value)
	golden.Check(t, "testdata/golden.txt", b.String())
}
