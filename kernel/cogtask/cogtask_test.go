package cogtask

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// Epoch lengths by hand (python3: int(0.5/dt), int(1.0/dt), int(0.1/dt),
// int(0.2/dt)); 0.04 and 0.03 are CD's α = 8 and 6 stages of 0.005·α.
func TestTiming(t *testing.T) {
	for _, c := range []struct {
		dt                     float64
		short, long, jit, wait int
	}{
		{0.005, 100, 200, 20, 40},
		{0.05, 10, 20, 2, 4},
		{0.005 * 8, 12, 25, 2, 5},
		{0.005 * 6, 16, 33, 3, 6},
		{0.005 * 9, 11, 22, 2, 4},
	} {
		dt := c.dt
		tm := TimingOf(dt)
		if tm.Short != c.short || tm.Long != c.long || tm.Test != c.short || tm.Jitter != c.jit || tm.Wait != c.wait {
			t.Errorf("dt=%v: %+v, want short %d long %d jitter %d wait %d", dt, tm, c.short, c.long, c.jit, c.wait)
		}
	}
}

func TestEpochs(t *testing.T) {
	for _, c := range []struct {
		task  string
		dt    float64
		steps []int
	}{
		{"go", 0.005, []int{100, 100, 100}},
		{"dlygo", 0.005, []int{100, 100, 200, 100}},
		{"dms", 0.05, []int{10, 10, 20, 10, 10}},
	} {
		task, err := New(c.task, c.dt, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := task.Generate(rng.New(1), 3, false)
		if len(b.Steps) != len(c.steps) {
			t.Fatalf("%s: steps %v, want %v", c.task, b.Steps, c.steps)
		}
		for i := range c.steps {
			if b.Steps[i] != c.steps[i] {
				t.Fatalf("%s: steps %v, want %v", c.task, b.Steps, c.steps)
			}
		}
		if b.Warmup != int(1/c.dt) {
			t.Fatalf("%s: warm-up %d", c.task, b.Warmup)
		}
		// Jittered: every epoch but the response within [T−J, T+J).
		jb := task.Generate(rng.New(2), 3, true)
		J := task.Timing.Jitter
		for i, n := range jb.Steps {
			if i == len(jb.Steps)-1 {
				if n != c.steps[i] {
					t.Fatalf("%s: response jittered to %d", c.task, n)
				}
			} else if n < c.steps[i]-J || n >= c.steps[i]+J {
				t.Fatalf("%s: epoch %d jittered to %d outside [%d, %d)", c.task, i, n, c.steps[i]-J, c.steps[i]+J)
			}
		}
	}
	// dms at dt = 0.05: fixation window [4, 50), response window [54, 60).
	task, _ := New("dms", 0.05, Options{})
	b := task.Generate(rng.New(1), 1, false)
	if lo, hi := b.FixWindow(); lo != 4 || hi != 50 {
		t.Fatalf("fixation window [%d, %d), want [4, 50)", lo, hi)
	}
	if lo, hi := b.RespWindow(); lo != 54 || hi != 60 {
		t.Fatalf("response window [%d, %d), want [54, 60)", lo, hi)
	}
}

// A bump one preferred-angle spacing... at distance π/8: (8d/π)² = 1, so
// exp(−½) = 0.6065306597126334 (math.Exp(-0.5)).
func TestBump(t *testing.T) {
	if got := Bump(0, math.Pi/8); math.Abs(got-0.6065306597126334) > 1e-15 {
		t.Fatalf("Bump = %v", got)
	}
	// circular distance: φ = 0.1, a = 2π − 0.1 → d = 0.2
	want := math.Exp(-0.5 * (8 * 0.2 / math.Pi) * (8 * 0.2 / math.Pi))
	if got := Bump(0.1, 2*math.Pi-0.1); math.Abs(got-want) > 1e-12 {
		t.Fatalf("Bump across 0 = %v, want %v", got, want)
	}
}

// One go trial: the stimulus sits on one modality ring as 0.8·bump, the
// target ring is 0.8·bump + 0.05 at the same angle, rule channel 65, and
// fixation on in the first two epochs only.
func TestTarget(t *testing.T) {
	task, _ := New("go", 0.005, Options{})
	b := task.Generate(rng.New(7), 1, false)
	stim := b.Input[1]
	m := 1
	if stim[1+Ring : 1+2*Ring][0] != 0 || stim[1+Ring+5] != 0 {
		m = 2
		_ = m
	}
	to := b.TargetOut[1:Outputs]
	a := task.Decode(to)
	for k := 0; k < Ring; k++ {
		phi := 2 * math.Pi / Ring * float64(k)
		want := 0.8*Bump(phi, a) + 0.05
		if math.Abs(to[k]-want) > 0.02 { // a decoded from the target itself
			t.Fatalf("target ring[%d] = %v, want ≈ %v", k, to[k], want)
		}
	}
	if b.TargetOut[0] != 0.05 || b.TargetFix[0] != 0.85 || b.TargetFix[5] != 0.05 {
		t.Fatalf("targets %v / %v", b.TargetOut[:2], b.TargetFix[:2])
	}
	if b.Input[0][0] != 1 || b.Input[1][0] != 1 || b.Input[2][0] != 0 || b.WarmInput[0] != 0 {
		t.Fatal("fixation input should be on in the fixation and stimulus epochs only")
	}
	for e, in := range append([][]float64{b.WarmInput}, b.Input...) {
		if in[65] != 1 {
			t.Fatalf("epoch %d: rule channel 65 off", e)
		}
	}
	// the stimulus ring peaks at the target angle with 0.8·bump (no floor)
	max, sum := 0.0, 0.0
	for _, v := range stim[1:65] {
		sum += v
		if v > max {
			max = v
		}
	}
	if max > 0.8 || max < 0.8*Bump(0, math.Pi/Ring)-1e-12 {
		t.Fatalf("stimulus peak %v", max)
	}
}

// readout builds y (R×S×33) from per-trial functions of the step.
func readout(b *Batch, f func(t, s int, y []float64)) []float64 {
	R, S := b.Recorded(), b.Trials
	y := make([]float64, R*S*Outputs)
	for t := 0; t < R; t++ {
		for s := 0; s < S; s++ {
			f(t, s, y[(t*S+s)*Outputs:(t*S+s+1)*Outputs])
		}
	}
	return y
}

// The evalA score by hand for go at dt = 0.05 (epochs 10, 10, 10; fixation
// window [4, 20), response window [24, 30)).
func TestScoreA(t *testing.T) {
	task, _ := New("go", 0.05, Options{})
	b := task.Generate(rng.New(3), 1, false)
	target := b.TargetOut[1:Outputs]
	wrong := make([]float64, Ring)
	task.ring(wrong, floorMod(task.Decode(target)+math.Pi, 2*math.Pi))
	perfect := func(tt, s int, y []float64) {
		if tt < 20 {
			y[0] = 0.9
		} else {
			y[0] = 0.1
		}
		copy(y[1:], target)
	}
	if sc := task.Score(b, readout(b, perfect)); sc.Perf != 1 || sc.Res != 1 {
		t.Fatalf("perfect readout scores %+v", sc)
	}
	// Fixation broken on 8 of the 16 fixation-window steps (fix1 = ½) and
	// the wrong angle on 3 of the 6 response steps (res = ½):
	// ½·⅔ + 1·½·⅓ = ½.
	half := func(tt, s int, y []float64) {
		perfect(tt, s, y)
		if tt >= 4 && tt < 12 {
			y[0] = 0.4
		}
		if tt >= 27 {
			copy(y[1:], wrong)
		}
	}
	if sc := task.Score(b, readout(b, half)); math.Abs(sc.Perf-0.5) > 1e-15 || sc.Res != 0.5 {
		t.Fatalf("half readout scores %+v, want perf 0.5, res 0.5", sc)
	}
	// The loss of the perfect readout: fixation window 16 steps with
	// (0.9−0.85)² on channel 0 and target rings 0.05 vs the ring: by hand
	// the response window has only (0.1−0.05)² on channel 0.
	y := readout(b, perfect)
	l := b.Loss(y, nil)
	fixErr := 0.0025
	for _, v := range target {
		fixErr += (v - 0.05) * (v - 0.05)
	}
	want := fixErr/33 + 0.0025/33
	if math.Abs(l-want) > 1e-15 {
		t.Fatalf("loss %v, want %v", l, want)
	}
}

// evalC with non-match trials, by hand: dms at dt = 0.05, trial 0 a match,
// trial 1 a non-match; response window of 6 steps.
func TestScoreC(t *testing.T) {
	task, _ := New("dms", 0.05, Options{})
	b := task.Generate(rng.New(1), 2, false)
	copy(b.TargetOut, make([]float64, 2*Outputs))
	task.ring(b.TargetOut[1:Outputs], 1.0)
	b.TargetOut[0] = 0.05
	b.TargetOut[Outputs] = 0.85
	b.NonMatch = []bool{false, true}
	target := b.TargetOut[1:Outputs]
	releaseNM := false
	f := func(tt, s int, y []float64) {
		y[0] = 0.9
		if tt >= 50 && (s == 0 || releaseNM) {
			y[0] = 0.1
		}
		copy(y[1:], target)
	}
	if sc := task.Score(b, readout(b, f)); math.Abs(sc.Perf-1) > 1e-15 || sc.Res != 1 {
		t.Fatalf("correct readout scores %+v", sc)
	}
	// The non-match trial releases fixation: 5/6 + (0 + ½·1)/6 = 11/12.
	releaseNM = true
	if sc := task.Score(b, readout(b, f)); math.Abs(sc.Perf-11.0/12) > 1e-15 {
		t.Fatalf("score %+v, want 11/12", sc)
	}
	// Only non-match trials: NaN in the reference, res = 1 corrected.
	b.TargetOut[0] = 0.85
	if sc := task.Score(b, readout(b, f)); !math.IsNaN(sc.Perf) {
		t.Fatalf("all non-match scores %+v, want NaN (reference quirk)", sc)
	}
	task.Options.Corrected = true
	if sc := task.Score(b, readout(b, f)); math.IsNaN(sc.Perf) || sc.Res != 1 {
		t.Fatalf("corrected all non-match scores %+v", sc)
	}
}

// dnms answers like dms in the reference (respond on match) and the other
// way round corrected; dmc's reference non-match trials always show the
// first stimulus in the first half.
func TestQuirks(t *testing.T) {
	for _, corrected := range []bool{false, true} {
		task, _ := New("dnms", 0.05, Options{Corrected: corrected})
		ref, _ := New("dms", 0.05, Options{})
		b := task.Generate(rng.New(5), 50, false)
		r := ref.Generate(rng.New(5), 50, false)
		for s := range b.NonMatch {
			if (b.NonMatch[s] == r.NonMatch[s]) == corrected {
				t.Fatalf("corrected=%v: trial %d non-match %v, dms %v", corrected, s, b.NonMatch[s], r.NonMatch[s])
			}
		}
	}
	for _, corrected := range []bool{false, true} {
		task, _ := New("dmc", 0.05, Options{Corrected: corrected})
		b := task.Generate(rng.New(6), 200, false)
		secondHalf := 0
		for s := 0; s < b.Trials; s++ {
			// non-match trials of the reference (NonMatch = fixate)
			if !b.NonMatch[s] {
				continue
			}
			a := task.Decode(b.Input[1][s*Inputs+1 : s*Inputs+1+Ring+0]) // modality 1 or zeros
			a2 := task.Decode(b.Input[1][s*Inputs+1+Ring : s*Inputs+1+2*Ring])
			m := b.Input[1][s*Inputs+1 : s*Inputs+1+Ring]
			if sum(m) == 0 {
				a = a2
			}
			if a > math.Pi {
				secondHalf++
			}
		}
		if (secondHalf > 0) != corrected {
			t.Fatalf("dmc corrected=%v: %d non-match trials with the first stimulus in the second half", corrected, secondHalf)
		}
	}
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func TestCriterion(t *testing.T) {
	// K = 10: sorted[1:9]; the extremes are dropped.
	p := []float64{0, 1, 1, 1, 1, 1, 1, 1, 1, 0.5}
	if c := Criterion(p); c != (0.5+7)/8 {
		t.Fatalf("criterion %v", c)
	}
	if _, err := New("nope", 0.005, Options{}); err == nil {
		t.Fatal("unknown task accepted")
	}
	if _, err := New("go", 1, Options{}); err == nil {
		t.Fatal("dt = 1 s accepted")
	}
}

func TestDeterministic(t *testing.T) {
	task, _ := New("ctxdlydm1", 0.005, Options{})
	a := task.Generate(rng.New(9), 4, true)
	b := task.Generate(rng.New(9), 4, true)
	for e := range a.Input {
		for i := range a.Input[e] {
			if a.Input[e][i] != b.Input[e][i] {
				t.Fatal("same seed, different trials")
			}
		}
	}
}
