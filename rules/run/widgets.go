package run

import "time"

// Optional abilities of a Trainer, found by type assertion (as gonum's
// extra matrix abilities are): the page's widgets use them where a kind's
// trainer has them, and nothing else depends on them.

// Prober is a trainer that can read an input of the user's through the
// network as it stands, without changing the run: the training's course,
// its checkpoint and its next evaluation are those of a run never probed
// (the Trainer contract, as for Evaluate).
type Prober interface {
	// Probe reads input (in the task's own characters) and returns what
	// the network did at each of its characters; an input the task cannot
	// read is an error naming the character and what is allowed.
	Probe(input string) (*Probe, error)
}

// ProbeSampler is a Prober that can also draw an input of its task (the
// "pick one" of a probe widget) from a seed.
type ProbeSampler interface {
	Prober
	SampleProbe(seed uint64) string
}

// Probe is what a network did with one input, a frame per character.
type Probe struct {
	Input  string
	Frames []ProbeFrame
	// Correct and Scored count the frames the task scores (Score ≥ 0) and
	// those predicted right; Notes say what the frames show.
	Correct, Scored int
	Notes           []string
}

// ProbeFrame is the network after reading one character of a probe's input.
type ProbeFrame struct {
	Char string // the character read
	// Predicted is the most probable next character, Prob its probability;
	// Target the character that follows in the input ("" after the last),
	// TargetProb the probability given to it.
	Predicted  string
	Prob       float64
	Target     string
	TargetProb float64
	// Score is 1 for a scored prediction that is right, 0 for one that is
	// wrong, −1 for a prediction the task does not score.
	Score int
	// Note says what the frame is ("key stored", "recall: wants '3'").
	Note string
	// Figures are the frame's figures (a heat map of the fast weights…).
	Figures []Figure
}

// Tuner is a trainer whose settings can change while it runs (a live
// widget's sliders). The run goes on from its state under the new value,
// so its later units are those of a run that had the value set at that
// unit; Save records the settings as they are, so a resumed run continues
// under them.
type Tuner interface {
	// Tunable lists the settings Tune takes.
	Tunable() []string
	// Tune sets one setting (a flag name of the kind's command) to value;
	// a bad key or value is an error naming it, and the run is unchanged.
	// The string returned says what the change did ("the connectivity was
	// drawn again from seed 1").
	Tune(key, value string) (string, error)
}

// Live is a trainer with figures cheap enough to draw after every unit
// (a scrolling spike raster), beside the report's, which come only with
// an evaluation. The figures may share memory with the trainer until its
// next Live call (a caller that keeps them copies them).
type Live interface {
	Live() []Figure
}

// RealTime is a trainer whose unit is a stretch of simulated time (a
// spiking network's block of milliseconds): a live widget advances it to
// keep pace with the wall clock, so its raster scrolls in real time,
// rather than by a compute budget per frame. Pacing decides only how many
// whole units a frame trains, never what a unit computes.
type RealTime interface {
	// UnitDuration is the simulated time one Advance covers.
	UnitDuration() time.Duration
}
