package fastbptt

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
)

// TestGolden fingerprints 20 batches of sequence BPTT on key recall,
// natively and under js/wasm.
func TestGolden(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := ethereal.Defaults(task.Charset().Size())
	cfg.Hidden, cfg.ForgetRate, cfg.PlastClip = 16, 0.1, 0.5
	n, _ := ethereal.New(cfg)
	r, _ := New(n, Config{LR: 0.05})
	tr := ethereal.NewTrainer(n, r, task, 9)
	var st ethereal.Stats
	for k := 0; k < 20; k++ {
		st = tr.Step()
	}
	golden.Check(t, "testdata/golden.txt", fmt.Sprintf("loss %.17g state %016x\n", st.Loss, golden.HashBits(n.Export(nil))))
}
