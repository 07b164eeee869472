package session

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

// frameSizes are the default model (hidden = 50) and the largest the page
// allows (hidden = 4096, State.Validate); the other keys are the defaults.
var frameSizes = []int{50, 4096}

func sized(b *testing.B, hidden int) *Session {
	st := Default()
	st.Hidden, st.Until = hidden, 10_000_000
	s, err := New(st)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkFrameStep is one training step of the page's run, what a frame
// must fit at least once while training.
func BenchmarkFrameStep(b *testing.B) {
	for _, h := range frameSizes {
		b.Run("hidden="+strconv.Itoa(h), func(b *testing.B) {
			s := sized(b, h)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.tr.Step(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/step")
		})
	}
}

// BenchmarkFrameEvaluate is one evaluation of the page's run (the free run
// of Evaluator.Steps() steps, D_stsp, D_H and PE(20)), which the page did
// inside one frame.
func BenchmarkFrameEvaluate(b *testing.B) {
	for _, h := range frameSizes {
		b.Run("hidden="+strconv.Itoa(h), func(b *testing.B) {
			s := sized(b, h)
			b.ReportAllocs()
			for b.Loop() {
				s.evaluate()
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/eval")
		})
	}
}

// BenchmarkFrameAnalysis is the analysis view's report (fixed points and
// cycles, Lyapunov spectrum), computed once per model change.
func BenchmarkFrameAnalysis(b *testing.B) {
	for _, h := range frameSizes {
		b.Run("hidden="+strconv.Itoa(h), func(b *testing.B) {
			s := sized(b, h)
			b.ReportAllocs()
			for b.Loop() {
				s.analysis = nil
				if _, err := s.Analysis(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFrameNew is building a run (the first free run and raster).
func BenchmarkFrameNew(b *testing.B) {
	for _, h := range frameSizes {
		b.Run("hidden="+strconv.Itoa(h), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sized(b, h)
			}
		})
	}
}

// BenchmarkFrameTrain is the frame loop's call, Train with the lab's
// largest budget (12 ms): the percentiles of its duration say how far a
// frame overruns its budget (the work is suspended at the next point after
// the deadline), steps/s how fast the run advances meanwhile, and
// longest-piece-ms the longest work between two suspension points, which
// no budget can split.
func BenchmarkFrameTrain(b *testing.B) {
	for _, h := range frameSizes {
		b.Run("hidden="+strconv.Itoa(h), func(b *testing.B) {
			s := sized(b, h)
			s.co.everyMax = 1 // read the clock at every point, for the longest stretch between two
			var d []time.Duration
			steps := 0
			for b.Loop() {
				t0 := time.Now()
				n, err := s.Train(12 * time.Millisecond)
				if err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t0))
				steps += n
			}
			slices.Sort(d)
			q := func(p float64) float64 { return d[min(len(d)-1, int(p*float64(len(d))))].Seconds() * 1000 }
			b.ReportMetric(q(0.5), "p50-ms")
			b.ReportMetric(q(0.95), "p95-ms")
			b.ReportMetric(d[len(d)-1].Seconds()*1000, "max-ms")
			b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			b.ReportMetric(s.co.longest.Seconds()*1000, "longest-piece-ms")
		})
	}
}
