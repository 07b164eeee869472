package fastbptt

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/ethereal"
)

// TestGradientCheck compares G and GB with central finite differences of the
// batch loss of a whole sequence (which ends early for one of the two).
func TestGradientCheck(t *testing.T) {
	cfg := ethereal.Defaults(4)
	cfg.Hidden, cfg.Layers, cfg.Batch, cfg.PosDim = 3, 2, 2, 2
	n, err := ethereal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := New(n, Config{LR: 0.1})
	n.Reset()
	g := rng.New(3)
	for _, l := range n.Layers() {
		g.FillNorm(l.Fast, 0.4)
	}
	s0 := n.Export(nil)
	seqs := [][]int{{0, 1, 2, 3, 1, 0}, {2, 2, 1, 3}}
	run := func(rule ethereal.Learner) float64 {
		if err := n.Import(s0); err != nil {
			t.Fatal(err)
		}
		var loss float64
		for i := 0; i+1 < 6; i++ {
			chars, targets := []int{-1, -1}, []int{-1, -1}
			for b, s := range seqs {
				if i+1 < len(s) {
					chars[b], targets[b] = s[i], s[i+1]
				}
			}
			n.Step(chars)
			for b, tg := range targets {
				loss += n.Loss(b, tg) / 2
			}
			if rule != nil {
				rule.Learn(targets)
			}
		}
		return loss
	}
	l0 := run(r)
	r.Gradients()
	if math.Abs(r.Loss-l0) > 1e-12 {
		t.Fatalf("Loss %v, direct %v", r.Loss, l0)
	}
	const h = 1e-6
	checked := 0
	for k, l := range n.Layers() {
		for e := 0; e < len(l.Fast); e += 5 {
			v := s0Index(n, k, e)
			s0[v] += h
			lp := run(nil)
			s0[v] -= 2 * h
			lm := run(nil)
			s0[v] += h
			fd := (lp - lm) / (2 * h)
			if math.Abs(fd-r.G[k][e]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Fatalf("layer %d ∂L/∂W[%d] = %.9g, finite differences %.9g", k, e, r.G[k][e], fd)
			}
			checked++
		}
		for i := range l.Bias {
			v := s0Index(n, k, len(l.Fast)+i)
			s0[v] += h
			lp := run(nil)
			s0[v] -= 2 * h
			lm := run(nil)
			s0[v] += h
			fd := (lp - lm) / (2 * h)
			if math.Abs(fd-r.GB[k][i]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Fatalf("layer %d ∂L/∂β[%d] = %.9g, finite differences %.9g", k, i, r.GB[k][i], fd)
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d entries checked", checked)
	}
}

// s0Index is the index in Export's layout of entry e of layer k's Fast then
// Bias.
func s0Index(n *ethereal.Net, k, e int) int {
	off := 0
	for _, l := range n.Layers()[:k] {
		off += len(l.Fast) + len(l.Bias) + 3 + len(l.X) + len(l.XPrev)
	}
	return off + e
}

// TestUpdate: one SGD step with forgetting and the masked gradients scaled.
func TestUpdate(t *testing.T) {
	task := chartask.NewKeyRecall()
	cfg := ethereal.Defaults(task.Charset().Size())
	cfg.Hidden, cfg.Batch, cfg.ForgetRate, cfg.PlastClip = 8, 2, 0.3, 0.5
	n, _ := ethereal.New(cfg)
	r, _ := New(n, Config{LR: 0.2})
	tr := ethereal.NewTrainer(n, r, task, 1)
	tr.Step() // a first update from zero weights
	// The last plastic layer: from zero fast weights the gradient reaches the
	// earlier layers only once the later ones are non-zero.
	k := len(n.Plastic) - 1
	l := n.Plastic[k]
	seqs := [][]int{task.Sample(nil, tr.Rand), task.Sample(nil, tr.Rand)}
	// RunBatch wipes first: reproduce it on the copy.
	n.Reset()
	wiped := append([]float64(nil), l.Fast...)
	n.RunBatch(seqs, r, nil)
	moved := 0
	for e := range l.Fast {
		m := e % (l.Out * l.In)
		want := wiped[e] - 0.2*r.G[k][e]
		if l.Mask[m] {
			want = wiped[e]*0.7 - 0.2*0.5*r.G[k][e]
		}
		if math.Abs(l.Fast[e]-want) > 1e-14 {
			t.Fatalf("entry %d = %v, want %v", e, l.Fast[e], want)
		}
		if r.G[k][e] != 0 {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no gradient")
	}
}
