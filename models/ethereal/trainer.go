package ethereal

import (
	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Learner is a learning rule that acts after every character: given the
// targets of the step the network has just run (−1 for a sequence that has
// ended), it sets the layers' signals and calls Net.Update. rules/dfa and
// rules/perstep implement it.
type Learner interface {
	Learn(targets []int)
}

// SequenceEnder is a Learner that acts once more at the end of every batch
// of sequences (BPTT: the backward pass and the update).
type SequenceEnder interface {
	Learner
	EndSequence()
}

// Stats summarise a run over batches of sequences.
type Stats struct {
	Sequences int     // sequences run
	Chars     int     // predicted characters (sequence-characters)
	Loss      float64 // mean over sequences of the per-character cross-entropy (nats)
	Scored    int     // predictions the accuracy counts
	Correct   int     // of which the arg-max was the target
}

// Accuracy is Correct/Scored (0 when nothing was scored).
func (s Stats) Accuracy() float64 {
	if s.Scored == 0 {
		return 0
	}
	return float64(s.Correct) / float64(s.Scored)
}

func (s *Stats) add(o Stats) {
	tot := s.Loss*float64(s.Sequences) + o.Loss*float64(o.Sequences)
	s.Sequences += o.Sequences
	s.Chars += o.Chars
	s.Scored += o.Scored
	s.Correct += o.Correct
	if s.Sequences > 0 {
		s.Loss = tot / float64(s.Sequences)
	}
}

// RunBatch runs one batch of sequences (len(seqs) = Batch) from a Reset, the
// rule learning after every character (nil: no learning). The sequences run
// in lockstep for the longest one; a sequence that has ended gets a zero
// input and no target. scored(s, i) says whether the prediction of s[i+1]
// counts for the accuracy (nil: the last character of each sequence).
func (n *Net) RunBatch(seqs [][]int, rule Learner, scored func(s []int, i int) bool) Stats {
	B := n.Cfg.Batch
	if len(seqs) != B {
		panic("ethereal: RunBatch needs one sequence per batch row")
	}
	n.Reset()
	maxLen := 0
	for _, s := range seqs {
		maxLen = max(maxLen, len(s))
	}
	// The network's scratch (a slice passed to the rule through the Learner
	// interface would otherwise be allocated for every batch).
	chars, targets, loss := n.runChars, n.runTargets, n.runLoss
	clear(loss)
	var st Stats
	for i := 0; i+1 < maxLen; i++ {
		for b, s := range seqs {
			chars[b], targets[b] = -1, -1
			if i+1 < len(s) {
				chars[b], targets[b] = s[i], s[i+1]
			}
		}
		n.Step(chars)
		for b, s := range seqs {
			if targets[b] < 0 {
				continue
			}
			loss[b] += n.Loss(b, targets[b])
			st.Chars++
			if (scored == nil && i+2 == len(s)) || (scored != nil && scored(s, i)) {
				st.Scored++
				if n.argmax(b) == targets[b] {
					st.Correct++
				}
			}
		}
		if rule != nil {
			rule.Learn(targets)
		}
	}
	if e, ok := rule.(SequenceEnder); ok {
		e.EndSequence()
	}
	for b, s := range seqs {
		if len(s) > 1 {
			st.Loss += loss[b] / float64(len(s)-1)
		}
	}
	st.Sequences = B
	st.Loss /= float64(B)
	return st
}

func (n *Net) argmax(b int) int {
	v := n.Cfg.Vocab
	p := n.P[b*v : (b+1)*v]
	best := 0
	for i, q := range p {
		if q > p[best] {
			best = i
		}
	}
	return best
}

// Trainer trains a network with a rule on a task, a batch of sequences per
// Step, drawing the sequences from its own seeded source.
type Trainer struct {
	Net  *Net
	Rule Learner
	Task chartask.Task
	// Scored selects the predictions the accuracy counts (nil: the last
	// character, the recalled key of key recall).
	Scored func(s []int, i int) bool
	Rand   *rng.Rand
	// Seen counts the sequence-characters trained on.
	Seen int
	seqs [][]int
}

// NewTrainer returns a trainer drawing sequences from seed.
func NewTrainer(net *Net, rule Learner, task chartask.Task, seed uint64) *Trainer {
	return &Trainer{Net: net, Rule: rule, Task: task, Rand: rng.New(seed), seqs: make([][]int, net.Cfg.Batch)}
}

// Step trains on one batch and returns its statistics.
func (t *Trainer) Step() Stats {
	for b := range t.seqs {
		t.seqs[b] = t.Task.Sample(t.seqs[b], t.Rand)
	}
	st := t.Net.RunBatch(t.seqs, t.Rule, t.Scored)
	t.Seen += st.Chars
	return st
}

// Evaluate runs batches held-out batches drawn from seed with the rule on
// (the fast weights store a sequence's memory only through the rule), each
// from the trained state, and restores that state at the end, so
// evaluation does not train. (A rule's own state — DFA's feedback matrices,
// which change only with normalisation — is not restored.)
func (t *Trainer) Evaluate(batches int, seed uint64) Stats {
	saved := t.Net.Export(nil)
	r := rng.New(seed)
	seqs := make([][]int, t.Net.Cfg.Batch)
	var st Stats
	for k := 0; k < batches; k++ {
		for b := range seqs {
			seqs[b] = t.Task.Sample(seqs[b], r)
		}
		st.add(t.Net.RunBatch(seqs, t.Rule, t.Scored))
		if err := t.Net.Import(saved); err != nil {
			panic(err)
		}
	}
	return st
}
