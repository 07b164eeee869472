package runs

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/run/runtest"

	_ "github.com/rnnlab/rnnlab/rules/kinds"
)

// ---- a toy kind: a seeded random walk whose units cost fake time ----

// clock is the tests' fake time: Advance moves it by the unit's cost.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time               { return c.t }
func (c *clock) Sleep(d time.Duration)        { c.t = c.t.Add(d) }
func newClock() *clock                        { return &clock{t: time.Unix(1e9, 0)} }
func (c *clock) elapsed(t0 time.Time) float64 { return c.t.Sub(t0).Seconds() }

var (
	toyClock = newClock()
	toyCost  = func(step int) time.Duration { return time.Millisecond }
)

type toySpec struct {
	Steps int     `json:"steps"`
	Seed  uint64  `json:"seed"`
	Walk  toyWalk `json:"walk"`
}

type toyWalk struct {
	Size  float64 `json:"size"`
	Label string  `json:"label"`
}

func (s *toySpec) Validate() error {
	if s.Steps < 1 {
		return fmt.Errorf("toy.steps must be ≥ 1 (got %d)", s.Steps)
	}
	return nil
}

func (s *toySpec) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.Steps, "steps", s.Steps, "units to train")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "random seed")
	fs.Float64Var(&s.Walk.Size, "size", s.Walk.Size, "step size")
}

func (s *toySpec) Start(run.Env) (run.Trainer, error) {
	return &toy{spec: *s, src: rng.New(s.Seed)}, nil
}

type toy struct {
	spec toySpec
	src  *rng.Rand
	step int
	x    []float64 // the walk's history
}

func (w *toy) Advance() error {
	toyClock.Sleep(toyCost(w.step))
	v := 0.0
	if n := len(w.x); n > 0 {
		v = w.x[n-1]
	}
	w.x = append(w.x, v+w.spec.Walk.Size*w.src.Norm())
	w.step++
	return nil
}

func (w *toy) Done() bool { return w.step >= w.spec.Steps }

func (w *toy) Progress() run.Progress {
	x := math.NaN()
	if n := len(w.x); n > 0 {
		x = w.x[n-1]
	}
	return run.Progress{Step: w.step, Total: w.spec.Steps, Unit: "hop", Values: []run.Value{{Name: "x", Value: x}}}
}

func (w *toy) Evaluate() (*run.Report, error) {
	xs := make([]float64, len(w.x))
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	last := math.NaN()
	if n := len(w.x); n > 0 {
		last = w.x[n-1]
	}
	return &run.Report{Kind: "toy", Step: w.step, Metrics: []run.Value{{Name: "x", Value: last}},
		Figures: []run.Figure{{Name: "walk", Lines: []run.Line{{Label: "x", X: xs, Y: append([]float64(nil), w.x...)}}},
			{Name: "heat", Heat: &run.Heat{Rows: 1, Cols: 2, Values: []float64{0, last}}}}}, nil
}

func (w *toy) Save() (*run.Checkpoint, error) {
	spec := w.spec
	doc, err := toyKind.Encode(&spec)
	if err != nil {
		return nil, err
	}
	state, err := w.src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &run.Checkpoint{Kind: "toy", Config: doc, Step: w.step,
		Tensors: []safetensors.Tensor{{Name: "x", DType: "F64", Shape: []int{len(w.x)}, Data: append([]float64{}, w.x...)}},
		Meta:    map[string]string{"rng": hex.EncodeToString(state), "time.wall": strconv.FormatInt(time.Now().UnixNano(), 10)}}, nil
}

var toyKind = &run.Kind{Name: "toy", Summary: "a random walk for the driver's tests",
	New: func() run.Spec { return &toySpec{Steps: 40, Seed: 1, Walk: toyWalk{Size: 1, Label: "a"}} },
	Resume: func(spec run.Spec, ck *run.Checkpoint, _ run.Env) (run.Trainer, error) {
		x, err := ck.Tensor("x", ck.Step)
		if err != nil {
			return nil, err
		}
		w := &toy{spec: *spec.(*toySpec), src: rng.New(0), step: ck.Step, x: append([]float64{}, x...)}
		state, err := hex.DecodeString(ck.Meta["rng"])
		if err != nil {
			return nil, err
		}
		if err := w.src.UnmarshalBinary(state); err != nil {
			return nil, err
		}
		return w, nil
	}}

func init() { run.Register(*toyKind) }

// ---- helpers ----

func mustParse(t *testing.T, hash string) State {
	t.Helper()
	st, err := ParseHash(hash)
	if err != nil {
		t.Fatalf("ParseHash(%q): %v", hash, err)
	}
	return st
}

func newDriver(t *testing.T, hash string, c *clock) *Driver {
	t.Helper()
	d, err := New(mustParse(t, hash), nil, run.Env{Workers: 1})
	if err != nil {
		t.Fatalf("New(%q): %v", hash, err)
	}
	if c != nil {
		d.Clock = c.Now
	}
	return d
}

// straight is what `rnnlab <command>` does: the section, Start, n
// Advances, Save, Encode (wall-clock metadata dropped).
func straight(t *testing.T, k *run.Kind, settings []Setting, n int) []byte {
	t.Helper()
	spec, err := Section(k, nil, settings)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := spec.Start(run.Env{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n && !tr.Done(); i++ {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	return encode(t, tr)
}

func encode(t *testing.T, tr run.Trainer) []byte {
	t.Helper()
	ck, err := tr.Save()
	if err != nil {
		t.Fatal(err)
	}
	for k := range ck.Meta {
		if strings.HasPrefix(k, "time.") {
			delete(ck.Meta, k)
		}
	}
	var b bytes.Buffer
	if err := ck.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ---- tests ----

func TestToyConforms(t *testing.T) {
	runtest.Conformance(t, toyKind, &toySpec{Steps: 12, Seed: 3, Walk: toyWalk{Size: 0.5}}, 5, 7)
}

// The driver reaches the straight loop's checkpoint bytes whatever the
// frame budgets, the units' costs and the evaluations in between.
func TestDriverMatchesStraightRun(t *testing.T) {
	k, _ := run.Lookup("toy")
	settings := []Setting{{"steps", "30"}, {"seed", "7"}, {"walk.size", "0.25"}, {"walk.label", "b"}}
	want := straight(t, k, settings, 30)
	hash := "kind=toy&steps=30&seed=7&walk.size=0.25&walk.label=b&play=1"
	for _, c := range []struct {
		budget time.Duration
		cost   time.Duration
		every  string
	}{{0, time.Millisecond, ""}, {8 * time.Millisecond, time.Millisecond, "&every=4"}, {8 * time.Millisecond, 30 * time.Millisecond, "&every=1"}, {time.Second, 3 * time.Millisecond, ""}} {
		toyCost = func(int) time.Duration { return c.cost }
		d := newDriver(t, hash+c.every, toyClock)
		evals := map[int]bool{}
		for i := 0; i < 1000 && !d.Trainer().Done(); i++ {
			if _, err := d.Frame(c.budget); err != nil {
				t.Fatal(err)
			}
			if r := d.Report(); r != nil {
				evals[r.Step] = true
			}
			toyClock.Sleep(5 * time.Millisecond) // drawing
		}
		d.Frame(c.budget) // the final evaluation
		if got := encode(t, d.Trainer()); !bytes.Equal(got, want) {
			t.Errorf("budget %v, unit %v%s: the driven run's checkpoint differs from the straight run's", c.budget, c.cost, c.every)
		}
		if r := d.Report(); r == nil || r.Step != 30 {
			t.Errorf("budget %v%s: the final report is %+v, want one at step 30", c.budget, c.every, r)
		}
		if c.every == "&every=4" {
			for s := range evals {
				if s%4 != 0 && s != 30 {
					t.Errorf("every=4: evaluated at hop %d", s)
				}
			}
			if !evals[0] || !evals[28] {
				t.Errorf("every=4: evaluations at %v, want 0, 4, …, 28 and 30", evals)
			}
		}
	}
}

// A unit that takes longer than the frame's budget runs alone; quick units
// fill the budget.
func TestFrameBudget(t *testing.T) {
	for _, c := range []struct {
		cost, budget time.Duration
		want         int
	}{{30 * time.Millisecond, 8 * time.Millisecond, 1}, {time.Millisecond, 8 * time.Millisecond, 8}, {3 * time.Millisecond, 8 * time.Millisecond, 2}} {
		toyCost = func(int) time.Duration { return c.cost }
		d := newDriver(t, "kind=toy&steps=1000&play=1&every=100000", toyClock)
		d.Frame(c.budget) // the evaluation at step 0
		d.Frame(c.budget) // learns the unit's cost
		n, err := d.Frame(c.budget)
		if err != nil || n != c.want {
			t.Errorf("units of %v in frames of %v: %d units (%v), want %d", c.cost, c.budget, n, err, c.want)
		}
	}
}

// UnitsPerSec is training units per wall-clock second (drawing included),
// TrainUnitsPerSec per second of training alone; 0 once paused.
func TestRates(t *testing.T) {
	toyCost = func(int) time.Duration { return 10 * time.Millisecond }
	d := newDriver(t, "kind=toy&steps=100000&play=1&every=100000", toyClock)
	t0 := toyClock.Now()
	units := 0
	for toyClock.elapsed(t0) < 3 {
		n, err := d.Frame(8 * time.Millisecond) // one 10 ms unit per frame
		if err != nil {
			t.Fatal(err)
		}
		units += n
		toyClock.Sleep(20 * time.Millisecond) // the rest of the frame
	}
	st := d.Status()
	want := float64(units) / toyClock.elapsed(t0) // ≈ 1 unit per 30 ms
	if math.Abs(st.UnitsPerSec-want) > 0.05*want {
		t.Errorf("unitsPerSec %.2f, want the wall-clock rate %.2f", st.UnitsPerSec, want)
	}
	if math.Abs(st.TrainUnitsPerSec-100) > 1e-6 {
		t.Errorf("trainUnitsPerSec %.3f, want 100 (10 ms units)", st.TrainUnitsPerSec)
	}
	d.Pause()
	d.Frame(8 * time.Millisecond)
	if st := d.Status(); st.UnitsPerSec != 0 || st.Running {
		t.Errorf("paused: unitsPerSec %v, running %v", st.UnitsPerSec, st.Running)
	}
}

// A run resumed from the driver's checkpoint continues bit for bit.
func TestResume(t *testing.T) {
	toyCost = func(int) time.Duration { return time.Millisecond }
	k, _ := run.Lookup("toy")
	want := straight(t, k, []Setting{{"steps", "20"}, {"seed", "5"}}, 20)
	d := newDriver(t, "kind=toy&steps=20&seed=5&play=1&every=3", toyClock)
	for d.Status().Step < 8 {
		d.Frame(2 * time.Millisecond)
	}
	ck, err := d.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Resume(ck, mustParse(t, "view=walk&play=1"), run.Env{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	r.Clock = toyClock.Now
	st := r.State()
	if st.Kind != "toy" || st.View != "walk" || !reflect.DeepEqual(st.Settings, []Setting{{"seed", "5"}, {"steps", "20"}}) {
		t.Errorf("resumed state %+v: want kind toy, view walk, the checkpoint's seed and steps", st)
	}
	for i := 0; i < 100 && !r.Trainer().Done(); i++ {
		r.Frame(time.Second)
	}
	if !bytes.Equal(encode(t, r.Trainer()), want) {
		t.Error("the resumed run's checkpoint differs from the straight run's")
	}
	if _, err := Resume([]byte("garbage"), State{}, run.Env{}); err == nil || !strings.Contains(err.Error(), "safetensors") {
		t.Errorf("garbage checkpoint: %v", err)
	}
}

func TestHashRoundTrip(t *testing.T) {
	for _, h := range []string{"kind=toy&play=0", "kind=toy&steps=7&walk.label=x+y&every=3&view=walk&play=1", "kind=toy&walk.label=a,b:c/d&play=0"} {
		st := mustParse(t, h)
		if got := st.Hash(); got != h {
			t.Errorf("Hash(ParseHash(%q)) = %q", h, got)
		}
		if back := mustParse(t, st.Hash()); !reflect.DeepEqual(back, st) {
			t.Errorf("%q: %+v → %+v", h, st, back)
		}
	}
	a, b := mustParse(t, "kind=toy&steps=3&seed=2&view=walk"), mustParse(t, "kind=toy&seed=2&steps=3&play=1")
	if !a.SameRun(b) {
		t.Error("the same settings in another order and another view are not the same run")
	}
	if c := mustParse(t, "kind=toy&seed=3&steps=3"); a.SameRun(c) {
		t.Error("another seed is the same run")
	}
	if st := mustParse(t, ""); st.Kind != DefaultKind() || st.Play {
		t.Errorf("empty hash: %+v", st)
	}
	for h, want := range map[string]string{
		"kind=nope":              `unknown run kind "nope"`,
		"kind=toy&seed=1&seed=2": `"seed" appears twice`,
		"play=yes":               "play must be 1 or 0",
		"every=0":                "every must be",
		"kind=toy&seed":          `"seed" has no value`,
	} {
		if _, err := ParseHash(h); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseHash(%q): %v, want an error saying %q", h, err, want)
		}
	}
}

func TestSectionSettings(t *testing.T) {
	k, _ := run.Lookup("toy")
	spec, err := Section(k, nil, []Setting{{"size", "0.5"}, {"walk.label", "12"}, {"steps", "9"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := spec.(*toySpec); s.Walk.Size != 0.5 || s.Walk.Label != "12" || s.Steps != 9 {
		t.Errorf("section %+v", s)
	}
	base := []byte(`{"kind": "toy", "toy": {"steps": 5, "seed": 9}}`)
	spec, err = Section(k, base, []Setting{{"steps", "6"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := spec.(*toySpec); s.Steps != 6 || s.Seed != 9 || s.Walk.Size != 1 {
		t.Errorf("over a run file: %+v", s)
	}
	for _, c := range []struct {
		set  []Setting
		want string
	}{
		{[]Setting{{"nope", "1"}}, `toy runs have no setting "nope" (flags seed, size, steps`},
		{[]Setting{{"walk.nope", "1"}}, `no setting "walk.nope"`},
		{[]Setting{{"steps", "many"}}, `setting steps=many: "many" is not a valid int (units to train)`},
		{[]Setting{{"steps", "0"}}, "toy.steps must be ≥ 1 (got 0)"},
		{[]Setting{{"walk.size", "big"}}, "walk.size=big: the value must be JSON"},
	} {
		if _, err := Section(k, nil, c.set); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.set, err, c.want)
		}
	}
}

func TestCommandsAndErrors(t *testing.T) {
	toyCost = func(int) time.Duration { return time.Millisecond }
	d := newDriver(t, "kind=toy&steps=3&every=1", toyClock)
	if d.Running() {
		t.Error("play=0 runs")
	}
	d.Frame(time.Second)
	if n, _ := d.Frame(time.Second); n != 0 {
		t.Errorf("paused Frame trained %d units", n)
	}
	for i := 0; i < 3; i++ {
		if err := d.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if r := d.Report(); r == nil || r.Step != 3 {
		t.Errorf("after 3 steps the report is %+v", r)
	}
	if err := d.Step(); err == nil || !strings.Contains(err.Error(), "complete") {
		t.Errorf("Step at the end: %v", err)
	}
	if err := d.Play(); err == nil || !strings.Contains(err.Error(), "hop 3 of 3") {
		t.Errorf("Play at the end: %v", err)
	}
	if err := d.Reset(); err != nil || d.Status().Step != 0 || d.Report() != nil {
		t.Errorf("Reset: %v, %+v", err, d.Status())
	}
	st := d.Status()
	if st.Kind != "toy" || st.Unit != "hop" || st.Total != 3 || st.Hash != "kind=toy&steps=3&every=1&play=0" {
		t.Errorf("status %+v", st)
	}
	if err := d.SetView(mustParse(t, "kind=toy&steps=3&view=walk&play=1")); err != nil || d.State().View != "walk" || !d.Running() {
		t.Errorf("SetView: %v, %+v", err, d.State())
	}
}

func TestFiguresAndPlain(t *testing.T) {
	toyCost = func(int) time.Duration { return time.Millisecond }
	d := newDriver(t, "kind=toy&steps=5&every=5&play=1", toyClock)
	for i := 0; i < 20; i++ {
		d.Frame(time.Second)
	}
	var names []string
	for _, f := range d.Figures() {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "walk,heat,live" {
		t.Errorf("figures %v", names)
	}
	live := d.Live()
	if l := live.Lines; len(l) != 1 || len(l[0].X) != 6 || l[0].X[5] != 5 || !math.IsNaN(l[0].Y[0]) || l[0].Y[5] != d.Status().Values["x"] {
		t.Errorf("live figure %+v: want x at hops 0…5 (NaN at 0)", live)
	}
	b, err := PlainJSON(d.Status())
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || back["kind"] != "toy" || back["evalStep"] != 5.0 || back["step"] != 5.0 {
		t.Errorf("status JSON %s (%v)", b, err)
	}
	p := Plain(struct {
		A float64 `json:"a"`
		B []float64
		C map[string]any `json:"c,omitempty"`
		D *int           `json:"-"`
	}{A: math.NaN(), B: []float64{1, math.Inf(1)}})
	if !reflect.DeepEqual(p, map[string]any{"a": nil, "B": []any{1.0, nil}}) {
		t.Errorf("Plain: %#v", p)
	}
}

// Every registered kind offers a page: its flags are described, none takes
// a page key, and its hash round-trips.
func TestKindsFlagsAreNotPageKeys(t *testing.T) {
	for _, k := range run.Kinds() {
		for _, f := range Flags(k) {
			for _, p := range PageKeys {
				if f.Name == p {
					t.Errorf("kind %s has a flag %q, which is a key of the run page's hash", k.Name, p)
				}
			}
			if f.Value != f.Default {
				t.Errorf("kind %s flag %s: value %q at the defaults, default %q", k.Name, f.Name, f.Value, f.Default)
			}
		}
		st := State{Kind: k.Name}
		for _, f := range Flags(k) {
			st.Settings = append(st.Settings, Setting{f.Name, f.Default})
		}
		if back := mustParse(t, st.Hash()); !reflect.DeepEqual(back, st) {
			t.Errorf("kind %s: hash %q reads back as %+v", k.Name, st.Hash(), back)
		}
		// (a flag's default text need not be a value its Set takes: a list
		// flag shows "" for none; the page writes only changed flags)
		if _, err := Section(k, nil, nil); err != nil {
			t.Errorf("kind %s at its defaults: %v", k.Name, err)
		}
	}
}

// seriesSmall is a series run sized for tests (rules/recipe's keys).
const seriesSmall = "kind=series&data.steps=3000&model.hidden=10&train.steps=6&train.seq_len=20&train.batch=4&train.eval_every=3&eval.max_steps=400"

// The series kind, driven frame by frame with evaluations between, writes
// the checkpoint bytes of the straight loop over its units.
func TestSeriesDrivenMatchesStraight(t *testing.T) {
	k, err := run.Lookup("series")
	if err != nil {
		t.Skip("no series kind registered")
	}
	st := mustParse(t, seriesSmall+"&every=2&play=1")
	want := straight(t, k, st.Settings, 6)
	d, err := New(st, nil, run.Env{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && !d.Trainer().Done(); i++ {
		if _, err := d.Frame(time.Microsecond); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(encode(t, d.Trainer()), want) {
		t.Error("the driven series run's checkpoint differs from the straight run's")
	}
	if r := d.Report(); r == nil || len(r.Figures) == 0 {
		t.Errorf("no report with figures: %+v", r)
	}
}

// A run file or checkpoint becomes settings over the kind's defaults, so
// the hash alone starts the same run.
func TestSettingsOf(t *testing.T) {
	toyCost = func(int) time.Duration { return time.Millisecond }
	file := []byte(`{"kind": "toy", "toy": {"steps": 9, "seed": 4, "walk": {"size": 0.5, "label": "zz"}}}`)
	d, err := FromFile(file, mustParse(t, "view=walk&play=1"), run.Env{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	st := d.State()
	want := []Setting{{"seed", "4"}, {"size", "0.5"}, {"steps", "9"}, {"walk.label", "zz"}}
	if !reflect.DeepEqual(st.Settings, want) || d.Base() != nil || st.View != "walk" || !st.Play {
		t.Errorf("from the file: %+v base %s, want settings %v and no base", st, d.Base(), want)
	}
	again, err := New(mustParse(t, st.Hash()), nil, run.Env{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := toyKind.Encode(again.Spec())
	b, _ := toyKind.Encode(d.Spec())
	if !bytes.Equal(a, b) {
		t.Errorf("the hash %s gives\n%s\nnot the file's\n%s", st.Hash(), a, b)
	}
	if k, err := run.Lookup("series"); err == nil {
		spec, err := Section(k, nil, mustParse(t, seriesSmall).Settings)
		if err != nil {
			t.Fatal(err)
		}
		set, ok := SettingsOf(k, spec)
		if !ok || len(set) != 7 {
			t.Errorf("series settings %v (ok %v), want the 7 of %s", set, ok, seriesSmall)
		}
	}
	if _, err := FromFile([]byte(`{"kind": "toy", "toy": {"steps": 0}}`), State{}, run.Env{}); err == nil || !strings.Contains(err.Error(), "toy.steps") {
		t.Errorf("an invalid file: %v", err)
	}
}

// every=auto evaluates about once a second of wall time.
func TestEveryAuto(t *testing.T) {
	toyCost = func(int) time.Duration { return 10 * time.Millisecond }
	d := newDriver(t, "kind=toy&steps=100000&play=1", toyClock)
	t0 := toyClock.Now()
	evals := map[int]bool{}
	for toyClock.elapsed(t0) < 5 {
		if _, err := d.Frame(8 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
		evals[d.Report().Step] = true
		toyClock.Sleep(5 * time.Millisecond)
	}
	// step 0, then one each second of the 5 (the first after 1 s)
	if n := len(evals); n < 5 || n > 6 || !evals[0] {
		t.Errorf("every=auto over 5 s: evaluations at %v, want step 0 and about one a second", evals)
	}
}

// TestBrowserSettings: every kind's browser settings (run.Kind.Browser)
// are valid settings of the kind, go under the link's own, and start a
// run; the time of its first unit here is logged (not asserted: hosts vary).
func TestBrowserSettings(t *testing.T) {
	for _, k := range run.Kinds() {
		if k.Browser == "" {
			continue
		}
		st, err := State{Kind: k.Name}.WithBrowser()
		if err != nil {
			t.Errorf("%s: %v", k.Name, err)
			continue
		}
		first := st.Settings[0]
		over, _ := State{Kind: k.Name, Settings: []Setting{{first.Key, "7"}}}.WithBrowser()
		if v, _ := over.Get(first.Key); v != "7" || len(over.Settings) != len(st.Settings) {
			t.Errorf("%s: the link's %s=7 does not win over the browser setting: %v", k.Name, first.Key, over.Settings)
		}
		d, err := New(st, nil, run.Env{Workers: 1})
		if err != nil {
			t.Errorf("%s: the browser settings %q do not start a run: %v", k.Name, k.Browser, err)
			continue
		}
		if testing.Short() {
			continue
		}
		t0 := time.Now()
		if err := d.Step(); err != nil {
			t.Errorf("%s: first unit: %v", k.Name, err)
		}
		t.Logf("%s: one unit in %v natively with %s", k.Name, time.Since(t0).Round(time.Millisecond), k.Browser)
	}
}
