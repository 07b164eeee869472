package dfa

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/fastbptt"
	"github.com/rnnlab/rnnlab/rules/perstep"
)

// TestLearnKeyRecall is the key-recall experiment of docs/plasticity.md,
// run only with RNNLAB_KEYRECALL_CHARS=n (sequence-characters of training
// per run): for each preset (RNNLAB_KEYRECALL_PRESETS, default all) and rule
// (RNNLAB_KEYRECALL_RULES: dfa, perstep — faithful and TrainHidden — and
// bptt), the loss and recall accuracy on
// 250 held-out batches (1000 sequences) after training.
func TestLearnKeyRecall(t *testing.T) {
	chars, _ := strconv.Atoi(os.Getenv("RNNLAB_KEYRECALL_CHARS"))
	if chars == 0 {
		t.Skip("set RNNLAB_KEYRECALL_CHARS to run the key-recall experiment")
	}
	task := chartask.NewKeyRecall()
	v := task.Charset().Size()
	noMem, full := chartask.KeyRecallFloors()
	fmt.Printf("floors: no memory %.3f, full history %.3f; chance recall 1/6\n", noMem, full)
	presets := []string{"learns", "code", "scripts", "paper"}
	if s := os.Getenv("RNNLAB_KEYRECALL_PRESETS"); s != "" {
		presets = splitComma(s)
	}
	rules := []string{"dfa", "perstep"}
	if s := os.Getenv("RNNLAB_KEYRECALL_RULES"); s != "" {
		rules = splitComma(s)
	}
	for _, name := range presets {
		p, err := ethereal.PresetByName(v, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range rules {
			for _, hidden := range []bool{false, true} {
				if rule == "bptt" && hidden {
					continue // BPTT always trains i2h
				}
				u := p.Update
				u.TrainHidden = hidden
				n, err := ethereal.New(p.Config)
				if err != nil {
					t.Fatal(err)
				}
				var l ethereal.Learner
				switch rule {
				case "dfa":
					l, _ = New(n, u, 1)
				case "perstep":
					l, _ = perstep.New(n, u)
				case "bptt":
					l, _ = fastbptt.New(n, fastbptt.Config{LR: u.LR})
				default:
					t.Fatalf("unknown rule %q (want dfa, perstep or bptt)", rule)
				}
				tr := ethereal.NewTrainer(n, l, task, 1)
				for tr.Seen < chars {
					tr.Step()
				}
				st := tr.Evaluate(250, 12345)
				fmt.Printf("preset %-7s rule %-7s train_i2h %-5v chars %d: loss %.3f recall %.3f\n",
					name, rule, hidden, tr.Seen, st.Loss, st.Accuracy())
			}
		}
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
