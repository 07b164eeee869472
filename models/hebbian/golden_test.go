package hebbian

import (
	"fmt"
	"sort"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestGolden fingerprints 30 steps and one VJP of every configuration,
// natively and under js/wasm.
func TestGolden(t *testing.T) {
	cs := configs()
	names := make([]string, 0, len(cs))
	for k := range cs {
		names = append(names, k)
	}
	sort.Strings(names)
	var out string
	for _, name := range names {
		n, _ := New(cs[name])
		r := rng.New(11)
		D, K := n.Dim(), n.InputDim()
		s, next := make([]float64, D), make([]float64, D)
		u := make([]float64, K)
		for k := 0; k < 30; k++ {
			r.FillNorm(u, 1)
			n.Step(next, s, u)
			s, next = next, s
		}
		g := make([]float64, D)
		r.FillNorm(g, 1)
		gx, gt := make([]float64, D), make([]float64, len(n.Theta))
		n.VJP(gx, gt, s, u, g)
		out += fmt.Sprintf("%s state %016x gx %016x gtheta %016x\n", name, golden.HashBits(s), golden.HashBits(gx), golden.HashBits(gt))
	}
	golden.Check(t, "testdata/golden.txt", out)
}

// BenchmarkStep steps a 64-unit modulated network (state 64 + 64²) over a
// batch of 8 and reports the steps per second.
func BenchmarkStep(b *testing.B) {
	n, _ := New(Config{Units: 64, Inputs: 8, Modulated: true, Rule: RuleHebb, Eta: 0.1, Seed: 1})
	D, K := n.Dim(), n.InputDim()
	x, dst, u := make([]float64, 8*D), make([]float64, 8*D), make([]float64, 8*K)
	rng.New(1).FillNorm(x, 0.5)
	b.ReportAllocs()
	for b.Loop() {
		n.Step(dst, x, u)
	}
	b.ReportMetric(float64(8*b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkEpisode runs one episode of Miconi et al.'s pattern completion
// (DefaultPatternCompletion: 1 001 units, 106 steps) forward and back
// through the trace on a Tape and reports episodes/s and GFLOP/s, counting
// the kernels' arithmetic: 7 M² a forward step (W + α ⊙ Hebb, its product
// with h, the trace update) and 18 M² a backward step (two row reductions
// and the sweep of gh, gHebb, gW, gα).
func BenchmarkEpisode(b *testing.B) {
	p := DefaultPatternCompletion()
	n, _ := New(Config{Units: p.Units(), Inputs: p.Units(), DirectInput: true, Rule: RuleHebb, Eta: 0.01, Gain: 0.1, AlphaInit: 0.01, Seed: 1})
	tp := NewTape(n, p.Steps())
	in, tg := make([]float64, p.Steps()*p.Units()), make([]float64, p.Bits)
	p.Episode(in, tg, rng.New(1))
	g := make([]float64, len(n.Theta))
	b.ReportAllocs()
	for b.Loop() {
		tp.Loss(in, tg, g)
	}
	eps := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(eps, "episodes/s")
	b.ReportMetric(eps*float64(25*p.Steps()*n.M*n.M)/1e9, "GFLOP/s")
	b.ReportMetric(float64(tp.Bytes())/(1<<20), "MiB-tape")
}
