package cogtask

import (
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Names lists the tasks in the reference order; task k's rule input is
// channel 65 + k.
var Names = [20]string{"go", "rtgo", "dlygo", "anti", "rtanti", "dlyanti", "dm1", "dm2", "ctxdm1",
	"ctxdm2", "multsendm", "dlydm1", "dlydm2", "ctxdlydm1", "ctxdlydm2", "multsendlydm", "dms", "dnms", "dmc", "dnmc"}

// Channel counts.
const (
	Inputs  = 85 // fixation, 2 rings of 32, 20 rules
	Outputs = 33 // fixation, 1 ring of 32
	Ring    = 32
)

// Structure is the epoch structure of a task.
type Structure int

// The three structures of the reference (tasksA, tasksB, tasksC).
const (
	A Structure = iota // fixation, stimulus, response
	B                  // fixation, stimulus, delay, response
	C                  // fixation, stimulus 1, delay, stimulus 2, response
)

// StructureOf returns the structure of task index k.
func StructureOf(k int) Structure {
	switch Names[k] {
	case "dlygo", "dlyanti":
		return B
	case "dlydm1", "dlydm2", "ctxdlydm1", "ctxdlydm2", "multsendlydm", "dms", "dnms", "dmc", "dnmc":
		return C
	}
	return A
}

// Index returns the index of the task called name in Names, or an error
// naming the key.
func Index(name string) (int, error) {
	for k, n := range Names {
		if n == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("cogtask: task = %s is not one of the 20 standard tasks %v", strconv.Quote(name), Names)
}

// Timing holds the epoch lengths in steps at step dt (seconds), each an
// int(x/dt) truncation as the reference computes it.
type Timing struct {
	Dt                              float64
	Short, Long, Test, Jitter, Wait int
}

// TimingOf returns the lengths at step dt: short int(0.5/dt), long int(1/dt),
// test int(0.5/dt), jitter int(0.1/dt), wait int(0.2/dt).
func TimingOf(dt float64) Timing {
	return Timing{Dt: dt, Short: int(0.5 / dt), Long: int(1.0 / dt), Test: int(0.5 / dt),
		Jitter: int(0.1 / dt), Wait: int(0.2 / dt)}
}

// Options select corrected forms of the reference's quirks (see the package
// documentation); the zero value reproduces the reference.
type Options struct {
	Corrected bool
}

// Task generates the trials of one task at one step dt.
type Task struct {
	Index     int
	Name      string
	Structure Structure
	Timing    Timing
	Options   Options
	pref      [Ring]float64 // preferred angles 2πk/32
	sin, cos  [Ring]float64
}

// New returns the task called name at step dt (seconds). The lengths must
// leave a non-empty fixation and response window.
func New(name string, dt float64, opt Options) (*Task, error) {
	k, err := Index(name)
	if err != nil {
		return nil, err
	}
	if !(dt > 0) {
		return nil, fmt.Errorf("cogtask: dt = %v, want a positive step in seconds", dt)
	}
	tm := TimingOf(dt)
	if tm.Test <= tm.Wait || tm.Short <= tm.Jitter || 2*tm.Short-2*tm.Jitter <= tm.Wait {
		return nil, fmt.Errorf("cogtask: dt = %v s leaves no room for the epochs (short %d, test %d, wait %d, jitter %d steps); use a finer step",
			dt, tm.Short, tm.Test, tm.Wait, tm.Jitter)
	}
	t := &Task{Index: k, Name: name, Structure: StructureOf(k), Timing: tm, Options: opt}
	step := 2 * math.Pi / Ring
	for i := range t.pref {
		t.pref[i] = float64(i) * step // numpy linspace(0, 2π, 32, endpoint=False)
		t.sin[i], t.cos[i] = math.Sin(t.pref[i]), math.Cos(t.pref[i])
	}
	return t, nil
}

// Batch is one batch of trials. Inputs are constant within an epoch.
type Batch struct {
	Trials int
	// Warmup is the number of unrecorded warm-up steps; WarmInput its input
	// (Trials×Inputs, the rule only).
	Warmup    int
	WarmInput []float64
	// Steps are the lengths of the recorded epochs (the response last) and
	// Input[e] the input of epoch e (Trials×Inputs; the delay epoch shares
	// the fixation epoch's slice).
	Steps []int
	Input [][]float64
	// TargetFix and TargetOut are the fixation and response targets
	// (Trials×Outputs).
	TargetFix, TargetOut []float64
	// Wait is the grace period at the start of each window, Test the
	// response length.
	Wait, Test int
	// NonMatch marks trials whose response target is to keep fixating.
	NonMatch []bool
}

// Recorded is the number of recorded steps R.
func (b *Batch) Recorded() int {
	s := 0
	for _, n := range b.Steps {
		s += n
	}
	return s
}

// FixWindow is the fixation window [lo, hi) of recorded steps.
func (b *Batch) FixWindow() (lo, hi int) { return b.Wait, b.Recorded() - b.Test }

// RespWindow is the response window [lo, hi) of recorded steps.
func (b *Batch) RespWindow() (lo, hi int) {
	r := b.Recorded()
	return r - b.Test + b.Wait, r
}

// Bump returns exp(−½(8d/π)²) for preferred angle φ and angle a, d the
// circular distance, computed as the reference does.
func Bump(phi, a float64) float64 {
	d := floorMod(phi-a, 2*math.Pi)
	d = math.Min(d, 2*math.Pi-d)
	z := 8 * d / math.Pi
	return fmath.Exp(-0.5 * float64(z*z))
}

// floorMod is numpy's and TensorFlow's float mod: the result has the sign of m.
func floorMod(x, m float64) float64 {
	r := math.Mod(x, m)
	if r != 0 && (r < 0) != (m < 0) {
		r += m
	}
	return r
}

// ring sets dst (32) to the single ring 0.8·bump + 0.05 at angle a.
func (t *Task) ring(dst []float64, a float64) {
	for k := range dst[:Ring] {
		dst[k] = float64(0.8*Bump(t.pref[k], a)) + 0.05
	}
}

// addStim adds c·(ring − 0.05) at angle a to modality m (1 or 2) of the
// input row in (Inputs).
func (t *Task) addStim(in []float64, m int, a, c float64) {
	var r [Ring]float64
	t.ring(r[:], a)
	o := 1 + (m-1)*Ring
	for k, v := range r {
		in[o+k] += float64(c * (v - 0.05))
	}
}

// setStim sets modality m of the input row to ring − 0.05 at angle a (the
// reference's assignment `input[…,1:65] = ringinput`, which also zeroes the
// other modality).
func (t *Task) setStim(in []float64, m int, a float64) {
	for k := 1; k < 65; k++ {
		in[k] = 0
	}
	t.addStim(in, m, a, 1)
}

// Generate draws a batch of trials from r; with jitter the epochs before the
// response are jittered (training), without they have their nominal lengths
// (evaluation).
func (t *Task) Generate(r *rng.Rand, trials int, jitter bool) *Batch {
	if trials < 1 {
		panic("cogtask: Generate needs at least one trial")
	}
	tm := t.Timing
	nin := 5
	if t.Structure != C {
		nin = 4
	}
	in := make([][]float64, nin)
	for e := range in {
		in[e] = make([]float64, trials*Inputs)
	}
	b := &Batch{Trials: trials, Warmup: tm.Long, Wait: tm.Wait, Test: tm.Test,
		TargetFix: make([]float64, trials*Outputs), TargetOut: make([]float64, trials*Outputs),
		NonMatch: make([]bool, trials)}
	rule := 65 + t.Index
	for s := 0; s < trials; s++ {
		for e := range in {
			in[e][s*Inputs+rule] = 1
		}
		// Fixation input on in every epoch but the warm-up and the response.
		for e := 1; e < nin-1; e++ {
			in[e][s*Inputs] = 1
		}
		tf := b.TargetFix[s*Outputs : (s+1)*Outputs]
		tf[0] = 0.85
		for k := 1; k < Outputs; k++ {
			tf[k] = 0.05
		}
		b.TargetOut[s*Outputs] = 0.05
	}
	row := func(e, s int) []float64 { return in[e][s*Inputs : (s+1)*Inputs] }
	for s := 0; s < trials; s++ {
		to := b.TargetOut[s*Outputs : (s+1)*Outputs]
		switch t.Structure {
		case A:
			t.trialA(r, row(2, s), row(3, s), to)
		case B:
			t.trialB(r, row(2, s), to)
		case C:
			b.NonMatch[s] = t.trialC(r, row(2, s), row(3, s), to)
		}
	}
	if t.Structure == A && (t.Name == "rtgo" || t.Name == "rtanti") {
		for s := 0; s < trials; s++ {
			in[3][s*Inputs] = 1 // input3[:,:,0] = 1: fixation stays on while responding
		}
	}
	b.WarmInput = in[0]
	switch t.Structure {
	case A:
		b.Steps = []int{tm.Short, tm.Short, tm.Test}
		b.Input = [][]float64{in[1], in[2], in[3]}
	case B:
		b.Steps = []int{tm.Short, tm.Short, tm.Long, tm.Test}
		b.Input = [][]float64{in[1], in[2], in[1], in[3]}
	case C:
		b.Steps = []int{tm.Short, tm.Short, tm.Long, tm.Short, tm.Test}
		b.Input = [][]float64{in[1], in[2], in[1], in[3], in[4]}
	}
	if jitter && tm.Jitter > 0 {
		for e := 0; e < len(b.Steps)-1; e++ {
			b.Steps[e] += r.IntN(2*tm.Jitter) - tm.Jitter
		}
	}
	return b
}

func (t *Task) modality(r *rng.Rand) int { return 1 + r.IntN(2) } // np.random.choice([1,2])

func (t *Task) angle(r *rng.Rand) float64 { return r.Float64() * 2 * math.Pi }

// twoAngles draws angle1 uniform and angle2 = angle1 + U·π + π/2 (mod 2π).
func (t *Task) twoAngles(r *rng.Rand) (float64, float64) {
	a1 := t.angle(r)
	a2 := floorMod(a1+r.Float64()*math.Pi+math.Pi/2, 2*math.Pi)
	return a1, a2
}

// trialA fills the stimulus (in2) and response (in3) inputs and the target
// of one trial of structure A, in the reference's order of draws.
func (t *Task) trialA(r *rng.Rand, in2, in3, to []float64) {
	switch t.Name {
	case "go", "anti", "rtgo", "rtanti":
		m, a := t.modality(r), t.angle(r)
		dst := in2
		if t.Name[:2] == "rt" {
			dst = in3
		}
		t.setStim(dst, m, a)
		if t.Name == "anti" || t.Name == "rtanti" {
			a = floorMod(math.Pi+a, 2*math.Pi)
		}
		t.ring(to[1:], a)
	case "dm1", "dm2", "ctxdm1", "ctxdm2":
		t.dm(r, in2, in2, to)
	case "multsendm":
		t.multsen(r, in2, in2, to, false)
	}
}

// dm draws a (ctx)dm trial: two stimuli of modality int(task[-1]) into s1
// and s2 (the same row for structure A), the stronger one the answer.
func (t *Task) dm(r *rng.Rand, s1, s2, to []float64) {
	m := int(t.Name[len(t.Name)-1] - '0')
	off := 3 - m
	a1, a2 := t.twoAngles(r)
	coher := r.Uniform(0.8, 1.2)
	delta := r.Uniform(0.1, 0.2)
	var a, c1, c2 float64
	if r.Float64() < 0.5 {
		a, c1, c2 = a1, coher+delta, coher-delta
	} else {
		a, c1, c2 = a2, coher-delta, coher+delta
	}
	t.addStim(s1, m, a1, c1)
	t.addStim(s2, m, a2, c2)
	if len(t.Name) > 3 && t.Name[:3] == "ctx" {
		oc := r.Uniform(0.8, 1.2)
		od := r.Uniform(0.1, 0.2)
		var o1, o2 float64
		if r.Float64() < 0.5 {
			o1, o2 = oc+od, oc-od
		} else {
			o1, o2 = oc-od, oc+od
		}
		t.addStim(s1, off, a1, o1)
		t.addStim(s2, off, a2, o2)
	}
	t.ring(to[1:], a)
}

// multsen draws a multisensory dm trial; delayed, the stimuli may come in
// either order (the reference's multsendlydm).
func (t *Task) multsen(r *rng.Rand, s1, s2, to []float64, delayed bool) {
	m := t.modality(r)
	off := 3 - m
	a1, a2 := t.twoAngles(r)
	coher := r.Uniform(0.8, 1.2)
	delta := r.Uniform(0.1, 0.2)
	c1, c2 := coher+delta, coher-delta
	coeff := r.Uniform(1.2, 1.4)
	first, second := s1, s2
	if delayed && !(r.Float64() < 0.5) {
		first, second = s2, s1
	}
	t.addStim(first, m, a1, float64(coeff*c1))
	t.addStim(second, m, a2, float64(coeff*c2))
	t.addStim(first, off, a1, float64((2-coeff)*c1))
	t.addStim(second, off, a2, float64((2-coeff)*c2))
	t.ring(to[1:], a1)
}

func (t *Task) trialB(r *rng.Rand, in2, to []float64) {
	m, a := t.modality(r), t.angle(r)
	t.setStim(in2, m, a)
	if t.Name == "dlyanti" {
		a = floorMod(math.Pi+a, 2*math.Pi)
	}
	t.ring(to[1:], a)
}

// trialC fills stimulus 1 (in2), stimulus 2 (in3) and the target of one
// trial of structure C; it reports whether the answer is to keep fixating.
func (t *Task) trialC(r *rng.Rand, in2, in3, to []float64) bool {
	switch t.Name {
	case "dlydm1", "dlydm2", "ctxdlydm1", "ctxdlydm2":
		t.dm(r, in2, in3, to)
		return false
	case "multsendlydm":
		t.multsen(r, in2, in3, to, true)
		return false
	}
	m1, m2 := t.modality(r), t.modality(r)
	var a1, a2 float64
	var match bool
	if t.Name == "dms" || t.Name == "dnms" {
		a1 = t.angle(r)
		match = r.Float64() < 0.5
		if match {
			a2 = floorMod(a1+r.Float64()*math.Pi/9-math.Pi/18, 2*math.Pi)
		} else {
			a2 = floorMod(a1+r.Float64()*math.Pi+math.Pi/2, 2*math.Pi)
		}
	} else { // dmc, dnmc
		match = r.Float64() < 0.5
		firstHalf := r.Float64() < 0.5
		q := func() float64 { return r.Float64() * math.Pi / 2 }
		switch {
		case match && firstHalf:
			a1 = q()
			a2 = q()
		case match:
			a1 = q() + math.Pi
			a2 = q() + math.Pi
		case firstHalf:
			a1 = q()
			a2 = q() + math.Pi
		case t.Options.Corrected:
			a1 = q() + math.Pi
			a2 = q()
		default: // reference: angle1 = U·π/2 + π + π, never wrapped
			a1 = q() + math.Pi + math.Pi
			a2 = q() + math.Pi
		}
	}
	respond := match
	if t.Options.Corrected && (t.Name == "dnms" || t.Name == "dnmc") {
		respond = !match
	}
	if respond {
		t.ring(to[1:], a2)
	} else {
		to[0] = 0.85
	}
	t.addStim(in2, m1, a1, 1)
	t.addStim(in3, m2, a2, 1)
	return !respond
}
