package recipe

import (
	"encoding/json"
	"math"
	"slices"
)

// Selection is the best model seen so far by the selection criterion
// (SelectionScore of the free-running model on the validation part).
type Selection struct {
	Step  int     // the training step whose parameters Model and Obs are (−1: none yet)
	Score float64 // SelectionScore(Dstsp, DH); lower is better
	Dstsp float64 // D_stsp on the part selection scores on
	DH    float64 // D_H there
	// On names that part: "validation", or "training" for a run without a
	// validation part (validation_fraction 0); empty in a checkpoint written
	// before issue 9, whose Score is D_stsp on the training part alone.
	On         string
	Model, Obs []float64
}

// Candidate is one evaluation's selection scores (Selection without the
// parameters), recorded in the evaluation history.
type Candidate struct {
	On    string  `json:"on"`
	Dstsp float64 `json:"d_stsp"`
	DH    float64 `json:"d_h"`
	Score float64 `json:"score"`
}

// SelectionFloor is the smallest D_stsp or D_H SelectionScore takes the
// logarithm of; smaller (and negative Monte-Carlo) estimates count as it.
const SelectionFloor = 1e-6

// SelectionScore is the model-selection criterion, ln D_stsp + ln D_H (the
// order of the geometric mean of the two): each measure counts by its
// relative change, so halving D_H is worth as much as halving D_stsp
// whatever their scales, and the ordering does not change when either
// estimator is rescaled. Unlike a rank sum it scores each candidate alone,
// so the best so far is decided at each evaluation and only its parameters
// need to be kept. A non-finite measure (a diverged model) scores +Inf.
func SelectionScore(dstsp, dh float64) float64 {
	if math.IsNaN(dstsp) || math.IsNaN(dh) || math.IsInf(dstsp, 0) || math.IsInf(dh, 0) {
		return math.Inf(1)
	}
	return math.Log(max(dstsp, SelectionFloor)) + math.Log(max(dh, SelectionFloor))
}

// A Selector implements train.select_best: at every evaluation it runs the
// model freely over the validation part (the training part if there is
// none), scores it with SelectionScore, and keeps the parameters of the
// best step so far. The test part never chooses.
type Selector struct {
	ev   *Evaluator
	on   string
	Best Selection
}

// NewSelector prepares the selection of a run configured by cfg, scoring on
// validation, or on train when validation is empty. The evaluation settings
// are cfg.Eval's, with D_stsp over one long run (eval.stsp_protocol does not
// apply: selection compares candidates with each other).
func NewSelector(cfg Config, train, validation Series) *Selector {
	part, on := validation, "validation"
	if len(validation.X) == 0 {
		part, on = train, "training"
	}
	ec := cfg.Eval
	ec.StspProtocol = ""
	return &Selector{ev: NewEvaluator(part, ec), on: on, Best: Selection{Step: -1, Score: math.Inf(1)}}
}

// On names the part the selector scores on ("validation" or "training").
func (s *Selector) On() string { return s.on }

// Score evaluates md on the selector's part.
func (s *Selector) Score(md Model) Candidate {
	m := s.ev.Evaluate(md)
	return Candidate{On: s.on, Dstsp: m.Dstsp, DH: m.DH, Score: SelectionScore(m.Dstsp, m.DH)}
}

// Consider scores md, the model after step training steps, and keeps its
// parameters if it is the best so far (ties keep the earlier step).
func (s *Selector) Consider(step int, md Model) Candidate {
	c := s.Score(md)
	if s.Best.Step < 0 || c.Score < s.Best.Score {
		s.Best = Selection{Step: step, Score: c.Score, Dstsp: c.Dstsp, DH: c.DH, On: s.on,
			Model: append(s.Best.Model[:0], md.Latent.Params()...), Obs: append(s.Best.Obs[:0], md.Obs.Params()...)}
	}
	return c
}

// Restore continues a selection stored in a checkpoint. A selection made
// by another criterion or on another part (a checkpoint written before
// issue 9 scored D_stsp on the training part) is scored again here, with
// its parameters put into md for the evaluation and md's own put back.
func (s *Selector) Restore(sel Selection, md Model) {
	if sel.Step < 0 {
		return
	}
	if sel.On != s.on {
		theta, obs := slices.Clone(md.Latent.Params()), slices.Clone(md.Obs.Params())
		copy(md.Latent.Params(), sel.Model)
		copy(md.Obs.Params(), sel.Obs)
		c := s.Score(md)
		copy(md.Latent.Params(), theta)
		copy(md.Obs.Params(), obs)
		sel.Score, sel.Dstsp, sel.DH, sel.On = c.Score, c.Dstsp, c.DH, s.on
	}
	s.Best = sel
}

// EvalRecord is one evaluation of a run: its step, the held-out (test)
// metrics and, when the run selects, the selection scores. The history of
// a run is stored in its checkpoint, so it survives --resume.
type EvalRecord struct {
	Step       int        `json:"step"`
	Metrics    Metrics    `json:"metrics"`
	Validation *Candidate `json:"validation,omitempty"`
}

// RecordAt returns the record of step in history (the last one if several).
func RecordAt(history []EvalRecord, step int) (EvalRecord, bool) {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Step == step {
			return history[i], true
		}
	}
	return EvalRecord{}, false
}

// MarshalJSON writes non-finite scores (a diverged model) as null.
func (c Candidate) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		On    string `json:"on"`
		Dstsp any    `json:"d_stsp"`
		DH    any    `json:"d_h"`
		Score any    `json:"score"`
	}{c.On, finite(c.Dstsp), finite(c.DH), finite(c.Score)})
}

// UnmarshalJSON reads null measures as NaN and a null score as +Inf.
func (c *Candidate) UnmarshalJSON(b []byte) error {
	var v struct {
		On    string   `json:"on"`
		Dstsp *float64 `json:"d_stsp"`
		DH    *float64 `json:"d_h"`
		Score *float64 `json:"score"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Candidate{On: v.On, Dstsp: orValue(v.Dstsp, math.NaN()), DH: orValue(v.DH, math.NaN()), Score: orValue(v.Score, math.Inf(1))}
	return nil
}

// finite is v, or nil (JSON null) when v is NaN or infinite.
func finite(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func orValue(p *float64, v float64) float64 {
	if p == nil {
		return v
	}
	return *p
}

// HistoryBefore is the records of history before step (a resumed finished
// run evaluates its last step again).
func HistoryBefore(history []EvalRecord, step int) []EvalRecord {
	for len(history) > 0 && history[len(history)-1].Step >= step {
		history = history[:len(history)-1]
	}
	return history
}
