//go:build runpagedemo

package main

// A kind for looking at the page's figure kinds before the families'
// kinds are merged: `go build -tags runpagedemo` only (the browser checks
// of heat maps and rasters); never in the site.

import (
	"flag"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
)

type demoSpec struct {
	N     int     `json:"n"`
	Steps int     `json:"steps"`
	Seed  uint64  `json:"seed"`
	Rate  float64 `json:"rate"`
}

func (s *demoSpec) Validate() error {
	if s.N < 2 || s.Steps < 1 {
		return fmt.Errorf("demo.n must be ≥ 2 and demo.steps ≥ 1")
	}
	return nil
}

func (s *demoSpec) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.N, "n", s.N, "neurons")
	fs.IntVar(&s.Steps, "steps", s.Steps, "blocks")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed")
	fs.Float64Var(&s.Rate, "rate", s.Rate, "spike probability per ms")
	fs.BoolVar(new(bool), "quiet", false, "a bool flag")
}

func (s *demoSpec) Start(run.Env) (run.Trainer, error) {
	d := &demo{spec: *s, src: rng.New(s.Seed), w: make([]float64, s.N*s.N)}
	d.src.FillNorm(d.w, 1)
	return d, nil
}

type demo struct {
	spec  demoSpec
	src   *rng.Rand
	step  int
	w     []float64
	perf  []float64
	times []float64
	index []int
}

func (d *demo) Advance() error {
	for i := range d.w {
		d.w[i] = 0.95*d.w[i] + 0.1*d.src.Norm()
	}
	d.times, d.index = d.times[:0], d.index[:0]
	for t := 0; t < 200; t++ {
		for i := 0; i < d.spec.N; i++ {
			if d.src.Float64() < d.spec.Rate*(1+0.5*math.Sin(float64(t)/20+float64(i))) {
				d.times, d.index = append(d.times, float64(t)), append(d.index, i)
			}
		}
	}
	d.step++
	d.perf = append(d.perf, 1-math.Exp(-float64(d.step)/30)+0.05*d.src.Norm())
	return nil
}

func (d *demo) Done() bool { return d.step >= d.spec.Steps }

func (d *demo) Progress() run.Progress {
	p := math.NaN()
	if n := len(d.perf); n > 0 {
		p = d.perf[n-1]
	}
	return run.Progress{Step: d.step, Total: d.spec.Steps, Unit: "block", Values: []run.Value{{Name: "performance", Value: p}}}
}

func (d *demo) Evaluate() (*run.Report, error) {
	xs := make([]float64, len(d.perf))
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	exc := d.spec.N * 4 / 5
	return &run.Report{Kind: "demo", Step: d.step, Metrics: []run.Value{{Name: "spikes", Value: float64(len(d.times))}},
		Figures: []run.Figure{
			{Name: "performance", Title: "performance", XLabel: "block", YLabel: "fraction correct", Lines: []run.Line{{Label: "model 1", X: xs, Y: d.perf}, {Label: "criterion", X: []float64{1, float64(max(len(xs), 2))}, Y: []float64{0.9, 0.9}}}},
			{Name: "weights", Title: "fast weights", XLabel: "presynaptic", YLabel: "postsynaptic", Heat: &run.Heat{Rows: d.spec.N, Cols: d.spec.N, Values: append([]float64(nil), d.w...)}},
			{Name: "raster", Title: "spikes, last block", Raster: &run.Raster{Time: append([]float64(nil), d.times...), Index: append([]int(nil), d.index...), N: d.spec.N, Exc: exc, Span: 200}},
		}}, nil
}

func (d *demo) Save() (*run.Checkpoint, error) {
	spec := d.spec
	k, _ := run.Lookup("demo")
	doc, err := k.Encode(&spec)
	if err != nil {
		return nil, err
	}
	return &run.Checkpoint{Kind: "demo", Config: doc, Step: d.step, Tensors: []safetensors.Tensor{{Name: "w", DType: "F64", Shape: []int{len(d.w)}, Data: d.w}}}, nil
}

func init() {
	run.Register(run.Kind{Name: "demo", Summary: "figures of every kind, for looking at the page", New: func() run.Spec { return &demoSpec{N: 60, Steps: 300, Seed: 1, Rate: 0.02} },
		Resume: func(spec run.Spec, ck *run.Checkpoint, _ run.Env) (run.Trainer, error) {
			return nil, fmt.Errorf("the demo kind does not resume")
		}})
}
