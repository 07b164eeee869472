package runtest

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
)

// Walk is a kind of run for testing drivers (the command's, the page's): a
// seeded random walk x ← x ± size, one step per unit, whose report has a
// metric, a table, a line figure, a heat map and a spike raster. Register
// it under a name of the test's choosing.
func Walk(name string) run.Kind {
	return run.Kind{Name: name, Summary: "a random walk (for testing drivers)", Command: name,
		New: func() run.Spec { return &WalkSpec{kind: name, Steps: 10, Size: 1, Seed: 1} },
		Resume: func(spec run.Spec, ck *run.Checkpoint, _ run.Env) (run.Trainer, error) {
			s := spec.(*WalkSpec)
			xs, err := ck.Tensor("xs", ck.Step)
			if err != nil && ck.Step > 0 {
				return nil, err
			}
			st, err := strconv.ParseUint(ck.Meta["state"], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("metadata state: %v", err)
			}
			return &walker{spec: *s, xs: append([]float64(nil), xs...), state: st}, nil
		}}
}

// WalkSpec is the Walk kind's section.
type WalkSpec struct {
	kind  string
	Steps int     `json:"steps"`
	Size  float64 `json:"size"`
	Seed  uint64  `json:"seed"`
}

// Validate refuses a walk of no steps.
func (s *WalkSpec) Validate() error {
	if s.Steps < 1 {
		return fmt.Errorf("%s.steps must be ≥ 1 (got %d)", s.kind, s.Steps)
	}
	return nil
}

// Flags binds --steps and --size.
func (s *WalkSpec) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.Steps, "steps", s.Steps, "steps of the walk")
	fs.Float64Var(&s.Size, "size", s.Size, "step size")
}

// Start begins a walk at 0.
func (s *WalkSpec) Start(run.Env) (run.Trainer, error) {
	return &walker{spec: *s, state: s.Seed}, nil
}

type walker struct {
	spec  WalkSpec
	xs    []float64
	state uint64
}

func (w *walker) last() float64 {
	if n := len(w.xs); n > 0 {
		return w.xs[n-1]
	}
	return 0
}

func (w *walker) Advance() error {
	w.state = w.state*6364136223846793005 + 1442695040888963407 // Knuth's MMIX LCG
	step := -w.spec.Size
	if w.state>>63 == 1 {
		step = w.spec.Size
	}
	w.xs = append(w.xs, w.last()+step)
	return nil
}

func (w *walker) Done() bool { return len(w.xs) >= w.spec.Steps }

func (w *walker) Progress() run.Progress {
	return run.Progress{Step: len(w.xs), Total: w.spec.Steps, Unit: "step", Values: []run.Value{{Name: "x", Value: w.last()}}}
}

func (w *walker) Evaluate() (*run.Report, error) {
	t := make([]float64, len(w.xs))
	var rows [][]string
	for i := range t {
		t[i] = float64(i + 1)
		rows = append(rows, []string{strconv.Itoa(i + 1), strconv.FormatFloat(w.xs[i], 'g', -1, 64)})
	}
	heat := &run.Heat{Rows: 2, Cols: len(w.xs), Values: append(append([]float64(nil), w.xs...), t...)}
	raster := &run.Raster{N: 4, Exc: 3, Span: float64(len(w.xs))}
	for i := range w.xs {
		raster.Time, raster.Index = append(raster.Time, float64(i)), append(raster.Index, i%4)
	}
	return &run.Report{Kind: w.spec.kind, Step: len(w.xs), Metrics: []run.Value{{Name: "x", Value: w.last()}},
		Tables: []run.Table{{Name: "walk", Columns: []string{"step", "x"}, Rows: rows}},
		Figures: []run.Figure{{Name: "walk", Title: "the walk", XLabel: "step", YLabel: "x", Lines: []run.Line{{Label: "x", X: t, Y: append([]float64(nil), w.xs...)}}},
			{Name: "heat", Title: "heat", Heat: heat}, {Name: "raster", Title: "raster", Raster: raster}}}, nil
}

func (w *walker) Save() (*run.Checkpoint, error) {
	k, err := run.Lookup(w.spec.kind)
	if err != nil {
		return nil, err
	}
	spec := w.spec
	doc, err := k.Encode(&spec)
	if err != nil {
		return nil, err
	}
	return &run.Checkpoint{Kind: w.spec.kind, Config: doc, Step: len(w.xs),
		Tensors: []safetensors.Tensor{{Name: "xs", DType: "F64", Shape: []int{len(w.xs)}, Data: append([]float64(nil), w.xs...)}},
		Meta:    map[string]string{"state": strconv.FormatUint(w.state, 10)}}, nil
}
