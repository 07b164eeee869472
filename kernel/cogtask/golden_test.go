package cogtask

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestGolden fingerprints a jittered batch of every task (inputs, targets,
// epoch lengths) and the score of a fixed readout, natively and under
// js/wasm.
func TestGolden(t *testing.T) {
	var sb strings.Builder
	for _, name := range Names {
		task, err := New(name, 0.02, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := task.Generate(rng.New(1), 5, true)
		var all []float64
		for _, in := range b.Input {
			all = append(all, in...)
		}
		all = append(all, b.TargetOut...)
		y := make([]float64, b.Recorded()*b.Trials*Outputs)
		rng.New(2).FillUniform(y, 0, 1)
		sc := task.Score(b, y)
		fmt.Fprintf(&sb, "%s %v %016x perf=%.17g\n", name, b.Steps, golden.HashBits(all), sc.Perf)
	}
	golden.Check(t, "testdata/tasks.golden", sb.String())
}
