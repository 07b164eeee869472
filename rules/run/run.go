// Package run is the registry of the kinds of run rnnlab knows: series
// reconstruction, cognitive-task training, spiking reservoirs, plastic
// (online) learning and reward learning. Each kind owns its config section,
// its trainer, its evaluation and what its checkpoints hold; the command
// (cmd/rnnlab) and the page (wasm/session) pick a kind by name here and
// drive it through the small interfaces below, without knowing the family.
//
// A run file is a JSON object with an optional "kind" key and one section
// per kind, named after it:
//
//	{"kind": "task", "task": {"task": "dlydm1", "method": "dasc", "skip": 20}}
//
// A file without "kind" is a series reconstruction whose sections (model,
// data, train, eval) stand at the top level, as every config written
// before kinds existed does; those keep loading unchanged.
//
// A checkpoint is a safetensors file whose metadata holds "format"
// (rnnlab.checkpoint/1), "run_kind" and "config" (the run's section as
// JSON); the tensors and the other metadata are the kind's. A checkpoint
// without "run_kind" was written by a series run.
//
// Adding a family: write its Kind (config section, Trainer) in its own
// package and add one line to the registry of the edge that imports it
// (Register in an init function of the kind's package).
package run

import (
	"flag"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
)

// A Kind is one kind of run.
type Kind struct {
	// Name is the kind's name: the value of the run file's "kind", the key
	// of its section, and the checkpoint's run_kind.
	Name string
	// Summary is one line for listings ("train leaky rate RNNs on cognitive tasks").
	Summary string
	// TopLevel puts the section's fields at the top level of the run file
	// beside "kind" instead of under a key of the kind's name: the series
	// kind's model, data, train and eval, so that configs written before
	// kinds keep loading.
	TopLevel bool
	// Command, if not empty, is the subcommand that starts a run of this
	// kind from flags alone (rnnlab task --task dlydm1 …).
	Command string
	// Browser, if not empty, sizes a run of this kind for a browser tab:
	// settings in the page's hash syntax (a flag or a section path, "=",
	// a value; joined by "&", e.g. "models=2&units=20") under which one
	// unit takes well under a second in WebAssembly. The page starts a
	// fresh run of the kind with them unless its link sets the same keys,
	// and writes them into the link, so the run stays the one the
	// command gives with the same flags.
	Browser string
	// New returns the kind's config section at its defaults.
	New func() Spec
	// Resume rebuilds a run from one of its checkpoints: spec is the
	// stored section (already decoded and validated), ck the rest.
	Resume func(spec Spec, ck *Checkpoint, env Env) (Trainer, error)
}

// Spec is a kind's config section: a pointer to a struct that decodes
// from JSON (strictly: unknown keys are errors) and says what is wrong
// with it.
type Spec interface {
	// Validate reports the first impossible setting, naming the key
	// ("task.skip must be ≥ 1 (got 0)") and what to do.
	Validate() error
	// Flags binds the section's common settings to the kind command's
	// flags; the values the flags hold when called are the defaults shown.
	Flags(fs *flag.FlagSet)
	// Start begins a fresh run.
	Start(env Env) (Trainer, error)
}

// Env is what the edge lends a run.
type Env struct {
	// ReadFile reads a file a config names (a corpus, a series); nil where
	// there are no files (the page), and a run that needs one says so.
	ReadFile func(name string) ([]byte, error)
	// Workers is how many goroutines a run may use (ensembles); results
	// never depend on it. 0 means 1.
	Workers int
}

// Trainer is a run in progress.
type Trainer interface {
	// Advance trains one unit (a step, a round, a block of trials) and
	// returns an error for a run that cannot go on (a non-finite loss).
	Advance() error
	// Done says the run has reached its budget or its criterion.
	Done() bool
	// Progress is where the run stands.
	Progress() Progress
	// Evaluate scores the run as it stands (the kind's metrics, tables
	// and figures); it does not change the training's course.
	Evaluate() (*Report, error)
	// Save captures everything Resume needs to continue bit for bit.
	Save() (*Checkpoint, error)
}

// Progress is where a run stands, for progress lines and status messages.
type Progress struct {
	Step, Total int    // units done, and the budget
	Unit        string // what a unit is: "step", "round", "trial"
	Values      []Value
	// Note is a short status ("stage 2/6", "criterion reached at round 41").
	Note string
}

// Value is one named number.
type Value struct {
	Name  string
	Value float64
}

// Report is an evaluation: what results.json, the CSV files and the PNGs
// of a run are made from.
type Report struct {
	Kind    string
	Step    int
	Metrics []Value
	Tables  []Table
	Figures []Figure
	Notes   []string
	// Details is the kind's own structured result (JSON-encodable).
	Details any
}

// Table is a CSV table.
type Table struct {
	Name    string // file stem: "performance" → performance.csv
	Columns []string
	Rows    [][]string
}

// Figure is a plot described as data; the command draws it as a PNG and
// the page on its canvas.
type Figure struct {
	Name                  string // file stem: "performance" → performance.png
	Title, XLabel, YLabel string
	LogY                  bool
	Lines                 []Line
	Heat                  *Heat   // a heat map, instead of lines
	Raster                *Raster // a spike raster, instead of lines
}

// Line is one curve.
type Line struct {
	Label string
	X, Y  []float64
}

// Heat is a matrix drawn as a heat map: Rows × Cols values, row-major.
type Heat struct {
	Rows, Cols int
	Values     []float64
}

// Raster is a spike raster: spike i of neuron Index[i] at Time[i]; neurons
// below Exc are excitatory.
type Raster struct {
	Time  []float64
	Index []int
	N     int
	Exc   int
	Span  float64 // the time the raster covers
}

// Checkpoint is a run's saved state in safetensors form: the tensors and
// metadata the kind writes, plus the kind and its config section.
type Checkpoint struct {
	Kind    string
	Config  []byte // the section as JSON
	Step    int
	Tensors []safetensors.Tensor
	Meta    map[string]string
}

var (
	mu    sync.RWMutex
	kinds = map[string]*Kind{}
)

// Register adds a kind; it panics on a duplicate name, an empty one or a
// kind without New and Resume (a programming error).
func Register(k Kind) {
	mu.Lock()
	defer mu.Unlock()
	if k.Name == "" || k.New == nil || k.Resume == nil {
		panic("run: Register needs a name, New and Resume")
	}
	if _, dup := kinds[k.Name]; dup {
		panic("run: kind " + k.Name + " registered twice")
	}
	kinds[k.Name] = &k
}

// Lookup returns the named kind, or an error listing the known ones.
func Lookup(name string) (*Kind, error) {
	mu.RLock()
	k, ok := kinds[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown run kind %q: choose one of %s", name, strings.Join(Names(), ", "))
	}
	return k, nil
}

// Names are the registered kinds, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Kinds are the registered kinds, sorted by name.
func Kinds() []*Kind {
	var ks []*Kind
	for _, n := range Names() {
		k, _ := Lookup(n)
		ks = append(ks, k)
	}
	return ks
}
