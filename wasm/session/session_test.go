package session

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/npy"
	"github.com/rnnlab/rnnlab/rules/recipe"
)

// small is a run that trains in well under a second.
func small(until int) State {
	st := Default()
	st.Hidden, st.SeqLen, st.Batch, st.Until, st.Play = 20, 30, 4, until, true
	return st
}

func trainAll(t *testing.T, s *Session, budget time.Duration) {
	t.Helper()
	for guard := 0; s.Running(); guard++ {
		if _, err := s.Train(budget); err != nil {
			t.Fatal(err)
		}
		if guard > 1e7 {
			t.Fatal("Train never finished")
		}
	}
}

func TestHashRoundTrip(t *testing.T) {
	st := Default()
	got, err := ParseHash(st.Hash(), Default())
	if err != nil || got != st {
		t.Fatalf("default state: %v, %+v", err, got)
	}
	st2 := st
	st2.Model, st2.Latents, st2.Seed, st2.LR, st2.Data, st2.View, st2.Yaw, st2.Spin = "dendplrnn", 7, 12345678901234, 3.5e-4, "rossler", "raster", -1.25, false
	got, err = ParseHash("#"+st2.Hash(), Default())
	if err != nil || got != st2 {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, st2)
	}
	// A partial hash keeps the base's other keys.
	got, err = ParseHash("seed=7&until=300", Default())
	if err != nil || got.Seed != 7 || got.Until != 300 || got.Model != st.Model {
		t.Fatalf("partial hash: %v %+v", err, got)
	}
}

func TestHashErrors(t *testing.T) {
	base := Default()
	for _, c := range []struct{ hash, want string }{
		{"colour=red", `unknown key "colour"`},
		{"latents=three", `latents="three" is not a whole number (invalid syntax): use 1 … 256 latent units`},
		{"latents=", `latents="" is not a whole number (invalid syntax): use 1 … 256 latent units`},
		{"lr=fast", `lr="fast" is not a number (invalid syntax): the learning rate must lie in (0, 1]`},
		{"latents=0", "latents=0 is impossible"},
		{"model=lstm", "model=lstm is impossible"},
		{"lr=NaN", "lr=NaN is impossible"},
		{"lr=-1", "lr=-1 is impossible"},
		{"play=maybe", `play="maybe" is not 0 or 1`},
		{"view=cube", "view=cube is impossible"},
		{"seed=-4", `seed="-4"`},
		{"a=%zz", "malformed"},
	} {
		got, err := ParseHash(c.hash, base)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %q", c.hash, err, c.want)
		}
		if got != base {
			t.Errorf("%q: the base state was not kept", c.hash)
		}
	}
}

func TestTrainingLearns(t *testing.T) {
	s, err := New(small(600))
	if err != nil {
		t.Fatal(err)
	}
	v0 := s.Version()
	trainAll(t, s, 5*time.Millisecond)
	st := s.Status()
	if st.Step != 600 || st.Running {
		t.Fatalf("status after the run: %+v", st)
	}
	l := s.Loss()
	first, last := mean(l[:50]), mean(l[len(l)-50:])
	if !(last < 0.5*first) {
		t.Errorf("loss did not fall: first 50 steps %.4g, last 50 %.4g", first, last)
	}
	if len(s.Evals()) != 3 || st.EvalStep != 600 || math.IsNaN(st.Dstsp) || math.IsNaN(st.DH) {
		t.Errorf("evaluations: %+v, status %+v", s.Evals(), st)
	}
	if s.Version() == v0 || len(s.Generated()) != len(s.Truth()) || len(s.Latent()) != len(s.Truth())/s.N()*s.M() {
		t.Errorf("trajectories not refreshed: version %d → %d, lengths %d %d %d", v0, s.Version(), len(s.Generated()), len(s.Truth()), len(s.Latent()))
	}
	if len(s.Spikes()) == 0 || s.SpikeUnits() != 20 || !strings.Contains(s.SpikeSource(), "hidden units") {
		t.Errorf("raster: %d spikes over %d units (%s)", len(s.Spikes()), s.SpikeUnits(), s.SpikeSource())
	}
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// TestBudgetDoesNotChangeResults: steps, never time, decide the run. With
// a budget of a nanosecond every piece of work is suspended at its first
// suspension point and resumed by the next call (frames.go): steps and
// evaluations are split across many calls, and the run, its losses and its
// evaluations are bit for bit those of whole steps.
func TestBudgetDoesNotChangeResults(t *testing.T) {
	a, _ := New(small(300))
	b, _ := New(small(300))
	a.co.everyMax = 1 // suspend at every point, not only where the clock is read
	calls, split := 0, 0
	for a.Running() {
		n, err := a.Train(time.Nanosecond)
		if err != nil {
			t.Fatal(err)
		}
		if calls++; n == 0 && a.Busy() {
			split++
		}
	}
	trainAll(t, b, time.Second)
	if !slices.Equal(a.md.Latent.Params(), b.md.Latent.Params()) || !slices.Equal(a.Loss(), b.Loss()) {
		t.Fatal("different budgets gave different runs")
	}
	if !slices.Equal(a.Evals(), b.Evals()) || !slices.Equal(a.Generated(), b.Generated()) || len(a.Evals()) != 2 {
		t.Fatalf("different budgets gave different evaluations: %+v and %+v", a.Evals(), b.Evals())
	}
	// 300 steps of 30 observations forward and back, two evaluations of
	// thousands: most calls end inside a piece of work.
	if split < 300*30 {
		t.Fatalf("%d of %d calls ended inside a step or evaluation; want the work split at its observations", split, calls)
	}
}

// TestAnalysisOverFrames: the analysis asked for by the frame loop is
// computed across calls of Train, to the same numbers as Analysis.
func TestAnalysisOverFrames(t *testing.T) {
	st := small(10)
	st.Play = false
	s, _ := New(st)
	s.co.everyMax = 1
	s.RequestAnalysis()
	calls := 0
	for {
		if _, _, ok := s.CurrentAnalysis(); ok {
			break
		}
		if _, err := s.Train(time.Nanosecond); err != nil || calls > 1e7 {
			t.Fatalf("analysis over frames: %v after %d calls", err, calls)
		}
		calls++
	}
	a, err, _ := s.CurrentAnalysis()
	if err != nil || calls < 100 {
		t.Fatalf("analysis: %v after %d calls (want it split)", err, calls)
	}
	r, _ := New(st)
	want, err := r.Analysis()
	if err != nil || !slices.Equal(a.Lyapunov, want.Lyapunov) || len(a.Points) != len(want.Points) {
		t.Fatalf("analysis over frames %+v, at once %+v (%v)", a, want, err)
	}
}

// TestSameAsNative: the page's run is the recipe's run, step for step, as
// `rnnlab train` makes it from the equivalent config.
func TestSameAsNative(t *testing.T) {
	st := small(200)
	s, _ := New(st)
	trainAll(t, s, time.Second)

	cfg := st.Config("")
	series, err := recipe.LoadSeries(cfg.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	train, _ := recipe.Split(series, cfg.Data.TestFraction)
	lo, hi := recipe.Bounds(train.X)
	md, err := recipe.Build(cfg.Model, 3, lo, hi, cfg.Train.Seed, true)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := recipe.NewTrainer(cfg, md, train)
	if err != nil {
		t.Fatal(err)
	}
	for tr.Steps() < 200 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(md.Latent.Params(), s.md.Latent.Params()) {
		t.Fatal("the page's run differs from the recipe's")
	}
}

// TestGoldenSession pins the default page run's parameters after 150 steps
// and its first evaluation, bit for bit; `make test` runs it natively and
// under js/wasm, so a shared link reproduces the same run in any browser.
func TestGoldenSession(t *testing.T) {
	st := Default()
	st.Until = 250
	s, err := New(st)
	if err != nil {
		t.Fatal(err)
	}
	trainAll(t, s, time.Second)
	e := s.Evals()[0]
	got := fmt.Sprintf("params %016x loss %.17g\neval step %d dstsp %.17g dh %.17g pe %.17g\n",
		golden.HashBits(s.md.Latent.Params()), s.Status().Loss, e.Step, e.Dstsp, e.DH, e.PE)
	golden.Check(t, "testdata/golden_session.txt", got)
}

// TestCheckpointContinues: export at step 150, load into a fresh page,
// train on to 300: the same parameters as a run straight to 300.
func TestCheckpointContinues(t *testing.T) {
	straight, _ := New(small(300))
	trainAll(t, straight, time.Second)

	a, _ := New(small(300))
	for a.Status().Step < 150 {
		if err := a.StepOnce(); err != nil {
			t.Fatal(err)
		}
	}
	ck, err := a.ExportCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(Default())
	if err := b.LoadCheckpoint(ck); err != nil {
		t.Fatal(err)
	}
	if b.Status().Step != 150 || b.State().Hidden != 20 || b.Running() {
		t.Fatalf("loaded status %+v, state %+v", b.Status(), b.State())
	}
	a.refresh()
	b.Settle() // the loaded model's evaluation and free run
	if !slices.Equal(b.Generated(), a.Generated()) {
		t.Fatal("the loaded model generates another trajectory")
	}
	if err := b.Play(); err != nil {
		t.Fatal(err)
	}
	trainAll(t, b, time.Second)
	if !slices.Equal(b.md.Latent.Params(), straight.md.Latent.Params()) {
		t.Fatal("training on from the checkpoint differs from training straight through")
	}
}

func TestExportTrajectory(t *testing.T) {
	s, _ := New(small(10))
	b, err := s.ExportTrajectory(500)
	if err != nil {
		t.Fatal(err)
	}
	a, err := npy.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.md.Generate(s.test.X[:3], 500, false)
	if !slices.Equal(a.Shape, []int{500, 3}) || !slices.Equal(a.Data, want) {
		t.Fatalf("exported trajectory: shape %v, equal %v", a.Shape, slices.Equal(a.Data, want))
	}
}

func TestBadInputKeepsState(t *testing.T) {
	s, _ := New(small(100))
	for i := 0; i < 20; i++ {
		s.StepOnce()
	}
	before := slices.Clone(s.md.Latent.Params())
	for _, c := range []struct {
		name string
		do   func() error
		want string
	}{
		{"garbage checkpoint", func() error { return s.LoadCheckpoint([]byte("garbage")) }, "not a valid safetensors file"},
		{"garbage npy", func() error { return s.LoadData("x.npy", []byte("not numpy")) }, "x.npy is not a .npy file: it does not begin with the .npy signature (byte 0x93 and NUMPY); it looks like text"},
		{"ragged CSV", func() error { return s.LoadData("x.csv", []byte("1,2\n3\n")) }, "line 2 has 1 columns"},
		{"NaN CSV", func() error { return s.LoadData("x.csv", []byte("1,2\nnan,3\n")) }, "non-finite"},
		{"short CSV", func() error { return s.LoadData("x.csv", []byte("1,2\n3,4\n5,6\n")) }, "too few"},
		{"bad type", func() error { return s.LoadData("x.mat", []byte("MATLAB")) }, "unknown file type"},
		{"bad state", func() error { st := s.State(); st.Latents = -2; return s.SetState(st) }, "latents=-2"},
	} {
		err := c.do()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if s.Status().Step != 20 || !slices.Equal(before, s.md.Latent.Params()) || s.State().Data != "lorenz63" {
		t.Fatal("a rejected input changed the run")
	}
}

func TestUserCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "%g,%g\n", math.Sin(float64(i)/5), math.Cos(float64(i)/5))
	}
	s, _ := New(small(50))
	if err := s.LoadData("circle.csv", []byte(b.String())); err != nil {
		t.Fatal(err)
	}
	if s.N() != 2 || s.State().Data != "user" || !s.Running() {
		t.Fatalf("N %d, state %+v", s.N(), s.State())
	}
	// Changing a run key keeps the user's data.
	st := s.State()
	st.Seed = 9
	if err := s.SetState(st); err != nil || s.N() != 2 {
		t.Fatalf("SetState on user data: %v, N %d", err, s.N())
	}
}

func TestViewChangeKeepsRun(t *testing.T) {
	s, _ := New(small(100))
	for i := 0; i < 10; i++ {
		s.StepOnce()
	}
	st := s.State()
	st.View, st.Yaw, st.Zoom = "raster", 2, 3
	if err := s.SetState(st); err != nil || s.Status().Step != 10 || s.State().View != "raster" {
		t.Fatalf("view change: %v, step %d, view %s", err, s.Status().Step, s.State().View)
	}
	st.LR = 0.001
	if err := s.SetState(st); err != nil || s.Status().Step != 10 {
		t.Fatalf("lr change: %v, step %d (want the run continued at 10)", err, s.Status().Step)
	}
	st.Seed = 2
	if err := s.SetState(st); err != nil || s.Status().Step != 0 {
		t.Fatalf("run change: %v, step %d", err, s.Status().Step)
	}
}

func TestECGAndAnalysis(t *testing.T) {
	x, tau, err := ECGSeries()
	if err != nil || tau < 2 || tau > 30 || len(x)%3 != 0 {
		t.Fatalf("ECG embedding: %v, τ=%d, %d values", err, tau, len(x))
	}
	st := small(20)
	st.Data = "ecg"
	s, err := New(st)
	if err != nil {
		t.Fatal(err)
	}
	if s.N() != 3 {
		t.Fatalf("ECG N = %d", s.N())
	}
	a, err := s.Analysis()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Lyapunov) != 3 || !math.IsNaN(a.TrueL1) {
		t.Fatalf("analysis %+v", a)
	}
	l, _ := New(small(20))
	al, err := l.Analysis()
	if err != nil || al.TrueL1 != 0.9056 || len(al.LyapDt) != 3 {
		t.Fatalf("Lorenz analysis %+v, %v", al, err)
	}
}

// TestDefaultRunReconstructs: the home page's default run, as a visitor
// starts it, ends with a free-running model close to the Lorenz attractor.
func TestDefaultRunReconstructs(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the default page run (seconds)")
	}
	s, err := New(Default())
	if err != nil {
		t.Fatal(err)
	}
	trainAll(t, s, time.Second)
	st := s.Status()
	t.Logf("default run: %+v", st)
	if st.Dstsp > 1 || st.DH > 0.15 {
		t.Errorf("D_stsp %.3f, D_H %.3f after the default run; want ≤ 1 and ≤ 0.15 (seed 1 reaches 0.34 and 0.03)", st.Dstsp, st.DH)
	}
}

func BenchmarkPageTraining(b *testing.B) {
	st := Default()
	st.Until = 10_000_000
	s, err := New(st)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// TestVersionUniqueAcrossRuns: a new run never reuses a version a view may
// have cached.
func TestVersionUniqueAcrossRuns(t *testing.T) {
	s, _ := New(small(10))
	v := s.Version()
	st := s.State()
	st.Model = "plrnn"
	if err := s.SetState(st); err != nil {
		t.Fatal(err)
	}
	s.Settle() // the new run's first free run
	if s.Version() == v || s.SpikeUnits() != 3 {
		t.Fatalf("after a model change: version %d (was %d), raster units %d", s.Version(), v, s.SpikeUnits())
	}
	v = s.Version()
	err := s.Reset()
	s.Settle()
	if err != nil || s.Version() == v {
		t.Fatalf("after reset: version %d (was %d), %v", s.Version(), v, err)
	}
}

// TestRunGoesOn: at until, Play and StepOnce say so; raising until
// continues from the same step with the same history; lowering it below
// the step is refused; a mid-run change of lr, forcing and α applies at once
// and keeps the run going.
func TestRunGoesOn(t *testing.T) {
	s, _ := New(small(40))
	trainAll(t, s, time.Second)
	if err := s.Play(); !errors.Is(err, ErrAtEnd) || !strings.Contains(err.Error(), "raise") || s.Running() {
		t.Fatalf("Play at until: %v (running %v), want ErrAtEnd saying to raise until", err, s.Running())
	}
	if err := s.StepOnce(); !errors.Is(err, ErrAtEnd) || s.Status().Step != 40 {
		t.Fatalf("StepOnce at until: %v, step %d", err, s.Status().Step)
	}
	loss := slices.Clone(s.Loss())
	params := slices.Clone(s.md.Latent.Params())
	st := s.State()
	st.Until = 80
	if err := s.SetState(st); err != nil {
		t.Fatal(err)
	}
	if s.Status().Step != 40 || s.Status().Until != 80 || !slices.Equal(s.md.Latent.Params(), params) || !slices.Equal(s.Loss(), loss) {
		t.Fatalf("raising until: step %d until %d, params kept %v", s.Status().Step, s.Status().Until, slices.Equal(s.md.Latent.Params(), params))
	}
	if err := s.Play(); err != nil {
		t.Fatal(err)
	}
	trainAll(t, s, time.Second)
	if s.Status().Step != 80 || !slices.Equal(s.Loss()[:40], loss) || len(s.Loss()) != 80 {
		t.Fatalf("after raising until: step %d, %d losses", s.Status().Step, len(s.Loss()))
	}
	st.Until = 10
	if err := s.SetState(st); err == nil || !strings.Contains(err.Error(), "below the run's current step 80") || s.Status().Until != 80 {
		t.Fatalf("until below the step: %v, until %d", err, s.Status().Until)
	}

	// Mid-run: lr, forcing and α change while running, without a reset.
	r, _ := New(small(200))
	for r.Status().Step < 20 {
		r.StepOnce()
	}
	st = r.State()
	st.LR, st.Forcing, st.Alpha, st.Interval = 0.002, "sparse", 0.3, 7
	if err := r.SetState(st); err != nil || r.Status().Step != 20 || !r.Running() {
		t.Fatalf("mid-run change: %v, step %d, running %v", err, r.Status().Step, r.Running())
	}
	if c := r.tr.Cfg; string(c.Forcing) != "sparse" || c.Interval != 7 || r.tr.LearningRate() > 0.002 || r.tr.LearningRate() < 0.0002 {
		t.Fatalf("the trainer did not take the new values: %+v, lr %g", c, r.tr.LearningRate())
	}
	if !strings.Contains(r.Status().Note, "continued at step 20") {
		t.Fatalf("note %q", r.Status().Note)
	}
	d := Default()
	d2 := d
	d2.LR, d2.Until, d2.Seed, d2.View = 0.001, 9, 4, "raster"
	if d.Continues(d2) || !slices.Equal(d.NewRunKeys(d2), []string{"seed"}) {
		t.Fatalf("Continues %v, NewRunKeys %v (want false, [seed])", d.Continues(d2), d.NewRunKeys(d2))
	}
}

// TestFineTuneCheckpoint: a checkpoint trained to its end is evaluated on
// load (D_stsp, D_H at its step), fine-tuned on the page by raising until,
// and the page's export resumes natively (recipe: DecodeCheckpoint,
// NewTrainer, Resume, as `rnnlab train --resume` does) to the very
// parameters the page reaches.
func TestFineTuneCheckpoint(t *testing.T) {
	a, _ := New(small(60))
	trainAll(t, a, time.Second)
	ck, err := a.ExportCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(Default())
	if err := b.LoadCheckpoint(ck); err != nil {
		t.Fatal(err)
	}
	// The paused page evaluates the loaded model over its next frames.
	for i := 0; b.Status().EvalStep < 0; i++ {
		if _, err := b.Train(time.Millisecond); err != nil || i > 100000 {
			t.Fatalf("the loaded checkpoint's evaluation: %v after %d frames", err, i)
		}
	}
	if st := b.Status(); st.EvalStep != 60 || math.IsNaN(st.Dstsp) || math.IsNaN(st.DH) || !strings.Contains(st.Note, "raise") {
		t.Fatalf("loaded checkpoint not evaluated: %+v", st)
	}
	st := b.State()
	st.Until = 100
	if err := b.SetState(st); err != nil || b.Status().Step != 60 {
		t.Fatalf("fine-tune: %v, step %d", err, b.Status().Step)
	}
	for b.Status().Step < 80 {
		if err := b.StepOnce(); err != nil {
			t.Fatal(err)
		}
	}
	mid, err := b.ExportCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	for b.Status().Step < 100 {
		if err := b.StepOnce(); err != nil {
			t.Fatal(err)
		}
	}
	// Natively from the page's step-80 export, to 100.
	c, md, err := recipe.DecodeCheckpoint(mid)
	if err != nil {
		t.Fatal(err)
	}
	if c.Step != 80 || c.Config.Train.Steps != 100 {
		t.Fatalf("exported step %d of %d", c.Step, c.Config.Train.Steps)
	}
	series, err := recipe.LoadSeries(c.Config.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	train, _ := recipe.Split(series, c.Config.Data.TestFraction)
	tr, err := recipe.NewTrainer(c.Config, md, train)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Resume(tr); err != nil {
		t.Fatal(err)
	}
	for tr.Steps() < 100 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(md.Latent.Params(), b.md.Latent.Params()) {
		t.Fatal("resuming the page's fine-tuned export natively differs from the page's run")
	}
}

// TestExportNameShellSafe: export names carry only letters, digits, '.',
// '_' and '-', whatever the data file's name.
func TestExportNameShellSafe(t *testing.T) {
	s, _ := New(small(10))
	if got := s.ExportName("npy"); got != "rnnlab-clipped-shplrnn-lorenz63-step0.npy" {
		t.Fatalf("ExportName %q", got)
	}
	var b strings.Builder
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "%g,%g\n", math.Sin(float64(i)/5), math.Cos(float64(i)/5))
	}
	if err := s.LoadData("my run [v2], α=3 (final).csv", []byte(b.String())); err != nil {
		t.Fatal(err)
	}
	got := s.ExportName("safetensors")
	if got != "rnnlab-clipped-shplrnn-my-run-v2-3-final-step0.safetensors" {
		t.Fatalf("ExportName %q", got)
	}
	for _, c := range []struct{ in, want string }{{"a b", "a-b"}, {"=;'\"", "x"}, {"ok.name_1-2", "ok.name_1-2"}, {"..x..", "x"}} {
		if g := ShellSafe(c.in); g != c.want {
			t.Errorf("ShellSafe(%q) = %q, want %q", c.in, g, c.want)
		}
	}
}

// TestDocsDefaults: the defaults docs.html states for the hash keys are the
// page's (session.Default), so the docs cannot go stale.
func TestDocsDefaults(t *testing.T) {
	b, err := os.ReadFile("../../site/static/docs.html")
	if err != nil {
		t.Skipf("docs.html not found: %v", err)
	}
	row := regexp.MustCompile(`<tr><td>(.*?)</td><td>.*?</td><td>(.*?)</td></tr>`)
	code := regexp.MustCompile(`<code>([a-z]+)</code>`)
	tag := regexp.MustCompile(`<[^>]+>`)
	d := Default()
	checked := 0
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		var keys []string
		for _, k := range code.FindAllStringSubmatch(m[1], -1) {
			keys = append(keys, k[1])
		}
		if len(keys) == 0 || d.Value(keys[0]) == "" {
			continue
		}
		cell := tag.ReplaceAllString(m[2], "")
		if keys[len(keys)-1] == "play" {
			keys = keys[:len(keys)-1] // "…; 1 in widgets"
			cell = strings.SplitN(cell, ";", 2)[0]
		}
		vals := strings.Split(cell, ", ")
		if len(vals) != len(keys) {
			t.Errorf("docs.html: %d defaults %q for keys %v", len(vals), cell, keys)
			continue
		}
		for i, k := range keys {
			want := d.Value(k)
			if k == "spin" || k == "play" {
				want = map[string]string{"0": "0", "1": "1"}[want]
			}
			if strings.TrimSpace(vals[i]) != want {
				t.Errorf("docs.html says %s defaults to %q; the page's default is %q", k, vals[i], want)
			}
			checked++
		}
	}
	if checked < 15 {
		t.Fatalf("only %d defaults found in docs.html's table", checked)
	}
}
