package plastic

import (
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/chartask"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/ethereal"
	"github.com/rnnlab/rnnlab/rules/run"
)

// Evaluation is the Details of a plastic report.
type Evaluation struct {
	Task      string `json:"task"`
	Model     string `json:"model"`
	Updater   string `json:"updater"`
	Preset    string `json:"preset"`
	Batches   int    `json:"batches"`
	CharsSeen int    `json:"chars_seen"`
	// CharsToTarget is the characters seen when the accuracy over the last
	// Window batches first reached Target (−1: not reached).
	CharsToTarget int     `json:"chars_to_target"`
	Target        float64 `json:"target"`
	// HeldOutLoss and HeldOutAccuracy are the evaluation's (EvalBatches
	// batches from EvalSeed, each from the trained state, the rule on).
	HeldOutLoss     float64 `json:"heldout_loss"`
	HeldOutAccuracy float64 `json:"heldout_accuracy"`
	// FrozenLoss and FrozenAccuracy are the same held-out batches with the
	// rule off: nothing is written into the weights while a sequence runs,
	// so what is recalled is carried by the hidden state and the trained
	// weights alone.
	FrozenLoss     float64 `json:"heldout_loss_no_learning"`
	FrozenAccuracy float64 `json:"heldout_accuracy_no_learning"`
	// TrainLoss and TrainAccuracy are over the last Window batches.
	TrainLoss     float64 `json:"train_loss"`
	TrainAccuracy float64 `json:"train_accuracy"`
	// AccuracySD is the standard deviation of the accuracy of successive
	// blocks of Window batches in the last quarter of the run; AccuracyDrop
	// the best block's accuracy minus the last block's: the stability.
	AccuracySD   float64 `json:"accuracy_sd_last_quarter"`
	AccuracyDrop float64 `json:"accuracy_drop"`
	// FastBytes are the bytes of per-sequence fast weights (0 for the plain
	// RNN, whose one set of weights serves the batch); StateBytes all the
	// per-sequence memory (fast weights and hidden state).
	FastBytes  int `json:"fast_weight_bytes_per_sequence"`
	StateBytes int `json:"state_bytes_per_sequence"`
	// GradRatio is the last measured fast/slow gradient-norm ratio.
	GradRatio float64 `json:"-"` // NaN when never measured; in Metrics when it was
	// FloorNoMemory and FloorFullHistory are key recall's exact entropy
	// floors (0 for the other tasks).
	FloorNoMemory    float64 `json:"floor_no_memory,omitempty"`
	FloorFullHistory float64 `json:"floor_full_history,omitempty"`
	// Example is held-out sequence 0 of the fast-weight figure.
	Example string `json:"example"`
}

// Evaluate implements run.Trainer. The held-out batches run with the rule on
// from the trained state, which is restored after (with DFA's feedback
// matrices, which normalisation changes), so the training's course is not
// changed.
func (t *trainer) Evaluate() (*run.Report, error) {
	s := &t.spec
	var feedback [][]float64
	if t.dfa != nil {
		for _, f := range append(append([][]float64(nil), t.dfa.Feedback...), t.dfa.FeedbackHidden) {
			feedback = append(feedback, append([]float64(nil), f...))
		}
	}
	restoreFeedback := func() {
		if t.dfa == nil {
			return
		}
		for k, f := range t.dfa.Feedback {
			copy(f, feedback[k])
		}
		copy(t.dfa.FeedbackHidden, feedback[len(feedback)-1])
	}
	held := t.tr.Evaluate(s.EvalBatches, s.EvalSeed)
	restoreFeedback()
	frozen := t.frozen(s.EvalBatches, s.EvalSeed)
	heat, example := t.fastWeights()
	restoreFeedback()

	ev := Evaluation{Task: s.Task, Model: s.Model, Updater: s.Updater, Preset: s.Preset,
		Batches: t.step, CharsSeen: t.tr.Seen, CharsToTarget: t.reached, Target: s.Target,
		HeldOutLoss: held.Loss, HeldOutAccuracy: held.Accuracy(), FrozenLoss: frozen.Loss, FrozenAccuracy: frozen.Accuracy(), GradRatio: math.NaN(), Example: example}
	ev.TrainLoss, ev.TrainAccuracy = t.windowed(t.step)
	ev.AccuracySD, ev.AccuracyDrop = t.stability()
	ev.StateBytes = 8 * t.net.Cfg.Hidden
	if !t.net.Cfg.Shared {
		ev.FastBytes = t.net.FastBytes()
		ev.StateBytes += ev.FastBytes
	}
	for i := len(t.ratio) - 1; i >= 0; i-- {
		if !math.IsNaN(t.ratio[i]) {
			ev.GradRatio = t.ratio[i]
			break
		}
	}
	if s.Task == TaskKeyRecall {
		ev.FloorNoMemory, ev.FloorFullHistory = chartask.KeyRecallFloors()
	}

	rep := &run.Report{Kind: Kind.Name, Step: t.step, Details: ev}
	add := func(name string, v float64) { rep.Metrics = append(rep.Metrics, run.Value{Name: name, Value: v}) }
	add("chars_seen", float64(t.tr.Seen))
	if t.reached >= 0 {
		add("chars_to_target", float64(t.reached))
		rep.Notes = append(rep.Notes, fmt.Sprintf("accuracy over %d batches reached %.0f %% at %d characters", s.Window, 100*s.Target, t.reached))
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("accuracy over %d batches did not reach %.0f %% in %d characters", s.Window, 100*s.Target, t.tr.Seen))
	}
	add("accuracy", ev.HeldOutAccuracy)
	add("loss", ev.HeldOutLoss)
	add("accuracy_no_learning", ev.FrozenAccuracy)
	add("loss_no_learning", ev.FrozenLoss)
	add("train_accuracy", ev.TrainAccuracy)
	add("train_loss", ev.TrainLoss)
	add("accuracy_sd_last_quarter", ev.AccuracySD)
	add("accuracy_drop", ev.AccuracyDrop)
	add("fast_weight_bytes_per_sequence", float64(ev.FastBytes))
	add("state_bytes_per_sequence", float64(ev.StateBytes))
	if !math.IsNaN(ev.GradRatio) {
		add("grad_ratio", ev.GradRatio)
	}
	if s.Task == TaskKeyRecall {
		add("floor_no_memory", ev.FloorNoMemory)
		add("floor_full_history", ev.FloorFullHistory)
	}
	rep.Tables = []run.Table{t.historyTable(),
		{Name: "evaluation", Columns: []string{"batches", "chars_seen", "heldout_loss", "heldout_accuracy", "heldout_loss_no_learning", "heldout_accuracy_no_learning", "train_loss", "train_accuracy", "chars_to_target"},
			Rows: [][]string{{strconv.Itoa(t.step), strconv.Itoa(t.tr.Seen), num(ev.HeldOutLoss), num(ev.HeldOutAccuracy), num(ev.FrozenLoss), num(ev.FrozenAccuracy),
				num(ev.TrainLoss), num(ev.TrainAccuracy), strconv.Itoa(t.reached)}}}}
	rep.Figures = t.figures(ev, heat)
	return rep, nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// stability is over blocks of Window batches in the last quarter of the
// run: the standard deviation of their accuracies, and the best block's
// accuracy (over the whole run) minus the last block's.
func (t *trainer) stability() (sd, drop float64) {
	w := t.spec.Window
	var accs []float64
	best, last := 0.0, 0.0
	for end := w; end <= t.step; end += w {
		_, a := t.windowed(end)
		best = max(best, a)
		last = a
		if end > 3*t.step/4 {
			accs = append(accs, a)
		}
	}
	if len(accs) > 1 {
		var m float64
		for _, a := range accs {
			m += a
		}
		m /= float64(len(accs))
		for _, a := range accs {
			sd += float64((a - m) * (a - m))
		}
		sd = math.Sqrt(sd / float64(len(accs)-1))
	}
	return sd, best - last
}

// historyTable has one row per block of Window batches.
func (t *trainer) historyTable() run.Table {
	tb := run.Table{Name: "history", Columns: []string{"batch", "chars_seen", "loss", "accuracy", "grad_ratio"}}
	w := t.spec.Window
	for end := 0; end < t.step; {
		lo := end
		end = min(end+w, t.step)
		loss, acc := t.windowed(end)
		tb.Rows = append(tb.Rows, []string{strconv.Itoa(end), strconv.Itoa(int(t.chars[end-1])), num(loss), num(acc), num(t.meanRatio(lo, end))})
	}
	return tb
}

// meanRatio is the mean of the ratios measured in batches lo..hi−1 (NaN if none).
func (t *trainer) meanRatio(lo, hi int) float64 {
	var s float64
	n := 0
	for _, r := range t.ratio[lo:hi] {
		if !math.IsNaN(r) {
			s += r
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

func (t *trainer) figures(ev Evaluation, heat *run.Heat) []run.Figure {
	label := t.spec.Updater + ", " + t.spec.Model
	var xs, ls, as, rx, ry []float64
	for i := range t.loss {
		l, a := t.windowed(i + 1)
		xs = append(xs, t.chars[i])
		ls = append(ls, l)
		as = append(as, a)
		if r := t.ratio[i]; !math.IsNaN(r) && r > 0 {
			rx = append(rx, t.chars[i])
			ry = append(ry, r)
		}
	}
	lossFig := run.Figure{Name: "loss", Title: fmt.Sprintf("%s: loss (mean of %d batches)", t.spec.Task, t.spec.Window),
		XLabel: "characters seen", YLabel: "cross-entropy per character (nats)", Lines: []run.Line{{Label: label, X: xs, Y: ls}}}
	if t.spec.Task == TaskKeyRecall && len(xs) > 0 {
		ends := []float64{xs[0], xs[len(xs)-1]}
		lossFig.Lines = append(lossFig.Lines,
			run.Line{Label: "floor, no memory", X: ends, Y: []float64{ev.FloorNoMemory, ev.FloorNoMemory}},
			run.Line{Label: "floor, full history", X: ends, Y: []float64{ev.FloorFullHistory, ev.FloorFullHistory}})
	}
	accFig := run.Figure{Name: "accuracy", Title: fmt.Sprintf("%s: accuracy (pooled over %d batches)", t.spec.Task, t.spec.Window),
		XLabel: "characters seen", YLabel: "accuracy", Lines: []run.Line{{Label: label, X: xs, Y: as}}}
	if len(xs) > 0 {
		accFig.Lines = append(accFig.Lines, run.Line{Label: fmt.Sprintf("target %.2f", t.spec.Target),
			X: []float64{xs[0], xs[len(xs)-1]}, Y: []float64{t.spec.Target, t.spec.Target}})
	}
	ratioFig := run.Figure{Name: "grad-ratio", Title: "fast/slow gradient-norm ratio (masked vs other entries of the plastic layers)",
		XLabel: "characters seen", YLabel: "‖fast‖ / ‖slow‖", Lines: []run.Line{{Label: label, X: rx, Y: ry}}}
	figs := []run.Figure{lossFig, accFig, ratioFig}
	if heat != nil {
		figs = append(figs, run.Figure{Name: "fast-weights", Title: fmt.Sprintf("fast weights of layer 1, sequence 0 after %q", ev.Example),
			XLabel: "input (characters, previous character, hidden)", YLabel: "unit", Heat: heat})
	}
	return figs
}

// frozen runs the held-out batches (from seed) with the rule off, each
// from the trained state, which is restored after.
func (t *trainer) frozen(batches int, seed uint64) ethereal.Stats {
	n := t.net
	saved := n.Export(nil)
	r := rng.New(seed)
	seqs := make([][]int, n.Cfg.Batch)
	var st ethereal.Stats
	var loss float64
	for k := 0; k < batches; k++ {
		for b := range seqs {
			seqs[b] = t.task.Sample(seqs[b], r)
		}
		one := n.RunBatch(seqs, nil, t.tr.Scored)
		loss += one.Loss * float64(one.Sequences)
		st.Sequences += one.Sequences
		st.Chars += one.Chars
		st.Scored += one.Scored
		st.Correct += one.Correct
		if err := n.Import(saved); err != nil {
			panic(err) // the state was exported by the same network
		}
	}
	if st.Sequences > 0 {
		st.Loss = loss / float64(st.Sequences)
	}
	return st
}

// fastWeights runs one held-out batch (from EvalSeed's stream) from the
// trained state with the rule on and returns the first layer's fast
// weights of sequence 0 at its end, and that sequence; the state is
// restored after.
func (t *trainer) fastWeights() (*run.Heat, string) {
	n := t.net
	saved := n.Export(nil)
	r := rng.New(t.spec.EvalSeed)
	seqs := make([][]int, n.Cfg.Batch)
	for b := range seqs {
		seqs[b] = t.task.Sample(nil, r)
	}
	n.RunBatch(seqs, t.tr.Rule, t.tr.Scored)
	n.Flush()
	l := n.I2H
	if len(n.Plastic) > 0 {
		l = n.Plastic[0]
	}
	heat := &run.Heat{Rows: l.Out, Cols: l.In, Values: append([]float64(nil), l.Weights(0)...)}
	if err := n.Import(saved); err != nil {
		panic(err) // the state was exported by the same network
	}
	return heat, t.task.Charset().Decode(seqs[0])
}
