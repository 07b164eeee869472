package plastic

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/rules/run"
)

// MaxProbe is the longest probe input, in characters.
const MaxProbe = 64

// SampleProbe implements run.ProbeSampler: a sequence of the run's task
// drawn from seed (its own stream: the training's is not touched).
func (t *trainer) SampleProbe(seed uint64) string {
	return t.task.Charset().Decode(t.task.Sample(nil, rng.New(seed)))
}

// Probe implements run.Prober: the trained network reads input as sequence
// 0 of a batch whose other sequences are empty, from fresh fast weights
// (the wipe at a sequence's start), the run's rule writing into them after
// every character as in training and evaluation (BPTT writes only at a
// sequence's end, so under it the frames show the weights the sequence
// starts from). Frame k is the network after character k: the change of
// the first plastic layer's fast weights of sequence 0 since the
// sequence's start (a heat map, Rows × Cols as the fast-weights figure),
// the distribution of the next character and its most probable value.
// For key recall the frame of '!' is scored: right when the prediction is
// the key stored after the last '?'. The network's whole state, and DFA's
// feedback matrices, are restored after, so the run goes on as if never
// probed.
func (t *trainer) Probe(input string) (*run.Probe, error) {
	cs := t.task.Charset()
	if input == "" {
		return nil, errors.New("probe: the input is empty; type a sequence such as 000?10!1, or pick one")
	}
	if n := utf8.RuneCountInString(input); n > MaxProbe {
		return nil, fmt.Errorf("probe: the input has %d characters; at most %d", n, MaxProbe)
	}
	seq, err := cs.Encode(nil, input)
	if err != nil {
		return nil, fmt.Errorf("probe: %v; type only those characters", strings.TrimPrefix(err.Error(), "chartask: "))
	}
	n := t.net
	saved := n.Export(nil)
	var feedback [][]float64
	if t.dfa != nil {
		for _, f := range append(append([][]float64(nil), t.dfa.Feedback...), t.dfa.FeedbackHidden) {
			feedback = append(feedback, append([]float64(nil), f...))
		}
	}
	defer func() {
		if err := n.Import(saved); err != nil {
			panic(err) // the state was exported by the same network
		}
		if t.dfa != nil {
			for k, f := range t.dfa.Feedback {
				copy(f, feedback[k])
			}
			copy(t.dfa.FeedbackHidden, feedback[len(feedback)-1])
		}
	}()
	rule := t.tr.Rule
	if t.bptt != nil {
		rule = nil
	}
	l := n.I2H
	if len(n.Plastic) > 0 {
		l = n.Plastic[0]
	}
	B, v := n.Cfg.Batch, n.Cfg.Vocab
	chars, targets := make([]int, B), make([]int, B)
	for b := range chars {
		chars[b], targets[b] = -1, -1
	}
	keyRecall := t.spec.Task == TaskKeyRecall
	q, _ := cs.Index('?')
	bang, _ := cs.Index('!')
	key := -1
	p := &run.Probe{Input: input}
	n.Reset()
	start := append([]float64(nil), l.Weights(0)...)
	for i, c := range seq {
		chars[0], targets[0] = c, -1
		if i+1 < len(seq) {
			targets[0] = seq[i+1]
		}
		n.Step(chars)
		probs := n.P[:v]
		best := 0
		for k, pk := range probs {
			if pk > probs[best] {
				best = k
			}
		}
		fr := run.ProbeFrame{Char: string(cs.Char(c)), Predicted: string(cs.Char(best)), Prob: probs[best], Score: -1}
		if targets[0] >= 0 {
			fr.Target, fr.TargetProb = string(cs.Char(targets[0])), probs[targets[0]]
		}
		switch {
		case keyRecall && i > 0 && seq[i-1] == q:
			key = c
			fr.Note = fmt.Sprintf("key %q stored", cs.Char(c))
		case keyRecall && c == bang && key >= 0:
			fr.Score = 0
			if best == key {
				fr.Score = 1
			}
			fr.Note = fmt.Sprintf("recall: the key is %q", cs.Char(key))
		case keyRecall && c == bang:
			fr.Note = "recall, but no key was stored ('?' then the key)"
		case !keyRecall && targets[0] >= 0 && t.tr.Scored != nil && t.tr.Scored(seq, i):
			fr.Score = 0
			if best == targets[0] {
				fr.Score = 1
			}
		}
		if fr.Score >= 0 {
			p.Scored++
			p.Correct += fr.Score
		}
		probsCopy := append([]float64(nil), probs...)
		if rule != nil {
			rule.Learn(targets)
		}
		n.Flush()
		w := l.Weights(0)
		d := make([]float64, len(w))
		for k := range w {
			d[k] = w[k] - start[k]
		}
		xs := make([]float64, v)
		for k := range xs {
			xs[k] = float64(k)
		}
		fr.Figures = []run.Figure{
			{Name: "probe-fast-weights", Title: fmt.Sprintf("fast weights of layer 1 after %q: change since the sequence's start", input[:byteEnd(input, i+1)]),
				XLabel: "input (characters, previous character, hidden)", YLabel: "unit", Heat: &run.Heat{Rows: l.Out, Cols: l.In, Values: d}},
			{Name: "probe-prediction", Title: fmt.Sprintf("next character after %q: %q, p = %.2f", input[:byteEnd(input, i+1)], fr.Predicted, fr.Prob),
				XLabel: "character " + fmt.Sprintf("%q", cs.Decode(allOf(v))), YLabel: "probability",
				Lines: []run.Line{{Label: "p(next)", X: xs, Y: probsCopy}}},
		}
		p.Frames = append(p.Frames, fr)
	}
	if rule == nil && t.bptt != nil {
		p.Notes = append(p.Notes, "BPTT writes the fast weights only at a sequence's end: the frames show no change within it")
	}
	if keyRecall && p.Scored == 0 {
		p.Notes = append(p.Notes, "no recall to score: a key-recall string stores a key after '?' and recalls it after '!'")
	}
	return p, nil
}

// allOf is 0, 1, …, n−1.
func allOf(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// byteEnd is the byte offset after the first k characters of s.
func byteEnd(s string, k int) int {
	i := 0
	for off := range s {
		if i == k {
			return off
		}
		i++
	}
	return len(s)
}
