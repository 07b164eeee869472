package session

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// State is everything a run and its view depend on; it round-trips through
// the URL hash (docs/protocol.md lists the keys). The run keys (model
// through Until) determine the trained parameters bit for bit; the view
// keys only what is drawn.
type State struct {
	Model    string  // model.kind of the recipe
	Latents  int     // M
	Hidden   int     // L, shallow PLRNNs
	Bases    int     // B, dendritic PLRNNs
	Obs      string  // identity or affine
	Data     string  // lorenz63, rossler, ecg or user
	Seed     uint64  // initialisation and window sampling
	LR       float64 // RAdam learning rate (decays ×0.1 over the run)
	SeqLen   int     // window length T
	Batch    int     // windows per step
	Forcing  string  // generalized, sparse or none
	Alpha    float64 // GTF α
	Interval int     // sparse forcing interval τ
	Until    int     // gradient steps of the run
	Play     bool    // start training on load

	View       string  // one of Views
	Yaw, Pitch float64 // camera angles (radians)
	Zoom       float64 // camera zoom factor
	Spin       bool    // auto-rotate
	Unit       int     // latent unit shown by the latent view
}

// Default is the home page's run: a clipped shallow PLRNN (M = 3, L = 50)
// on Lorenz-63 with generalized teacher forcing, sized to train in seconds
// in a browser.
func Default() State {
	return State{Model: "clipped-shplrnn", Latents: 3, Hidden: 50, Bases: 8, Obs: "identity", Data: "lorenz63", Seed: 1,
		LR: 0.005, SeqLen: 50, Batch: 8, Forcing: "generalized", Alpha: 0.1, Interval: 10, Until: 8000, Play: true,
		View: "dashboard", Yaw: 0.6, Pitch: 0.35, Zoom: 1, Spin: false}
}

// Views are the values of the view key.
var Views = []string{"dashboard", "attractor", "series", "latent", "raster", "loss", "analysis"}

// Datasets are the values of the data key.
var Datasets = []string{"lorenz63", "rossler", "ecg", "user"}

func (s *State) setView(o State) {
	s.View, s.Yaw, s.Pitch, s.Zoom, s.Spin, s.Unit = o.View, o.Yaw, o.Pitch, o.Zoom, o.Spin, o.Unit
}

// SameRun reports whether two states describe the same run: they differ
// only in view keys or in Play.
func (s State) SameRun(o State) bool {
	s.setView(o)
	s.Play = o.Play
	return s == o
}

// Continues reports whether o can be applied to the run of s without a
// new run: they differ only in view keys, Play, and the keys a run can
// change at any step (RetuneKeys). Any other change starts a new run from
// step 0.
func (s State) Continues(o State) bool {
	s.setView(o)
	s.Play = o.Play
	s.LR, s.Forcing, s.Alpha, s.Interval, s.Until = o.LR, o.Forcing, o.Alpha, o.Interval, o.Until
	return s == o
}

// RetuneKeys are the run keys that change a run at its current step (the
// learning rate, the forcing, α, τ and the last step), without a new run.
var RetuneKeys = []string{"lr", "forcing", "alpha", "interval", "until"}

// NewRunKeys are the keys, among those where s and o differ, whose change
// needs a new run (in the order of Values).
func (s State) NewRunKeys(o State) []string {
	var keys []string
	a, b := s.Values(), o.Values()
	for i := range a {
		k := a[i][0]
		if a[i][1] != b[i][1] && !slices.Contains(RetuneKeys, k) && !slices.Contains([]string{"play", "view", "yaw", "pitch", "zoom", "spin", "unit"}, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// Validate reports the first impossible value, naming its key and the
// allowed range.
func (s State) Validate() error {
	bad := func(key string, v any) error {
		return fmt.Errorf("%s=%v is impossible: %s", key, v, KeyRange(key))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !slices.Contains(recipe.ModelKinds, s.Model):
		return bad("model", s.Model)
	case s.Latents < 1 || s.Latents > 256:
		return bad("latents", s.Latents)
	case s.Hidden < 1 || s.Hidden > 4096:
		return bad("hidden", s.Hidden)
	case s.Bases < 1 || s.Bases > 256:
		return bad("bases", s.Bases)
	case s.Obs != "identity" && s.Obs != "affine":
		return bad("obs", s.Obs)
	case !slices.Contains(Datasets, s.Data):
		return bad("data", s.Data)
	case !finite(s.LR) || s.LR <= 0 || s.LR > 1:
		return bad("lr", s.LR)
	case s.SeqLen < 2 || s.SeqLen > 5000:
		return bad("seq", s.SeqLen)
	case s.Batch < 1 || s.Batch > 1024:
		return bad("batch", s.Batch)
	case s.Forcing != "generalized" && s.Forcing != "sparse" && s.Forcing != "none":
		return bad("forcing", s.Forcing)
	case !finite(s.Alpha) || s.Alpha < 0 || s.Alpha > 1:
		return bad("alpha", s.Alpha)
	case s.Interval < 1 || s.Interval > 10000:
		return bad("interval", s.Interval)
	case s.Until < 1 || s.Until > 10_000_000:
		return bad("until", s.Until)
	case !slices.Contains(Views, s.View):
		return bad("view", s.View)
	case !finite(s.Yaw):
		return bad("yaw", s.Yaw)
	case !finite(s.Pitch):
		return bad("pitch", s.Pitch)
	case !finite(s.Zoom) || s.Zoom < 0.05 || s.Zoom > 50:
		return bad("zoom", s.Zoom)
	case s.Unit < 0:
		return bad("unit", s.Unit)
	}
	return nil
}

// KeyRange says what values a hash key takes, for error messages (the
// ranges Validate checks).
func KeyRange(key string) string {
	switch key {
	case "model":
		return "choose one of " + strings.Join(recipe.ModelKinds, ", ")
	case "latents":
		return "use 1 … 256 latent units"
	case "hidden":
		return "use 1 … 4096 hidden units"
	case "bases":
		return "use 1 … 256 bases"
	case "obs":
		return "choose identity or affine"
	case "data":
		return "choose one of " + strings.Join(Datasets, ", ")
	case "seed":
		return "the seed is a whole number 0 … 18446744073709551615"
	case "lr":
		return "the learning rate must lie in (0, 1]"
	case "seq":
		return "the window length must lie in 2 … 5000"
	case "batch":
		return "use 1 … 1024 windows per step"
	case "forcing":
		return "choose generalized, sparse or none"
	case "alpha":
		return "α must lie in [0, 1]"
	case "interval":
		return "the forcing interval must lie in 1 … 10000"
	case "until":
		return "train 1 … 10 000 000 steps"
	case "play", "spin":
		return "use 0 or 1"
	case "view":
		return "choose one of " + strings.Join(Views, ", ")
	case "yaw", "pitch":
		return "angles are finite numbers (radians)"
	case "zoom":
		return "zoom must lie in 0.05 … 50"
	case "unit":
		return "unit indices are whole numbers from 0"
	}
	return ""
}

// ParseHash reads a URL hash (with or without the leading '#') over base:
// keys present replace base's values. An unknown key, a malformed number or
// an impossible value is an error naming the key, and base is returned.
func ParseHash(hash string, base State) (State, error) {
	hash = strings.TrimPrefix(hash, "#")
	v, err := url.ParseQuery(hash)
	if err != nil {
		return base, fmt.Errorf("the link's state %q is malformed: %v", hash, err)
	}
	st := base
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := v.Get(k)
		var err error
		integer := func(dst *int) { *dst, err = strconv.Atoi(val) }
		float := func(dst *float64) { *dst, err = strconv.ParseFloat(val, 64) }
		boolean := func(dst *bool) {
			switch val {
			case "1", "true":
				*dst = true
			case "0", "false":
				*dst = false
			default:
				err = errors.New("not 0 or 1")
			}
		}
		switch k {
		case "model":
			st.Model = val
		case "latents":
			integer(&st.Latents)
		case "hidden":
			integer(&st.Hidden)
		case "bases":
			integer(&st.Bases)
		case "obs":
			st.Obs = val
		case "data":
			st.Data = val
		case "seed":
			st.Seed, err = strconv.ParseUint(val, 10, 64)
		case "lr":
			float(&st.LR)
		case "seq":
			integer(&st.SeqLen)
		case "batch":
			integer(&st.Batch)
		case "forcing":
			st.Forcing = val
		case "alpha":
			float(&st.Alpha)
		case "interval":
			integer(&st.Interval)
		case "until":
			integer(&st.Until)
		case "play":
			boolean(&st.Play)
		case "view":
			st.View = val
		case "yaw":
			float(&st.Yaw)
		case "pitch":
			float(&st.Pitch)
		case "zoom":
			float(&st.Zoom)
		case "spin":
			boolean(&st.Spin)
		case "unit":
			integer(&st.Unit)
		default:
			return base, fmt.Errorf("unknown key %q in the link's state (known: model, latents, hidden, bases, obs, data, seed, lr, seq, batch, forcing, alpha, interval, until, play, view, yaw, pitch, zoom, spin, unit)", k)
		}
		if err != nil {
			what := "a number"
			switch k {
			case "play", "spin":
				what = "0 or 1"
			case "seed", "latents", "hidden", "bases", "seq", "batch", "interval", "until", "unit":
				what = "a whole number"
			}
			return base, fmt.Errorf("%s=%q is not %s (%v): %s", k, val, what, unwrapNum(err), KeyRange(k))
		}
	}
	if err := st.Validate(); err != nil {
		return base, err
	}
	return st, nil
}

func unwrapNum(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return fmt.Errorf("%v", ne.Err)
	}
	return err
}

// Values are the state's keys and their values as the hash writes them
// (unescaped), in the order of docs/protocol.md.
func (s State) Values() [][2]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	return [][2]string{
		{"model", s.Model}, {"latents", strconv.Itoa(s.Latents)}, {"hidden", strconv.Itoa(s.Hidden)},
		{"bases", strconv.Itoa(s.Bases)}, {"obs", s.Obs}, {"data", s.Data},
		{"seed", strconv.FormatUint(s.Seed, 10)}, {"lr", f(s.LR)}, {"seq", strconv.Itoa(s.SeqLen)},
		{"batch", strconv.Itoa(s.Batch)}, {"forcing", s.Forcing}, {"alpha", f(s.Alpha)},
		{"interval", strconv.Itoa(s.Interval)}, {"until", strconv.Itoa(s.Until)}, {"play", b(s.Play)},
		{"view", s.View}, {"yaw", f(s.Yaw)}, {"pitch", f(s.Pitch)}, {"zoom", f(s.Zoom)},
		{"spin", b(s.Spin)}, {"unit", strconv.Itoa(s.Unit)},
	}
}

// Value is the value of one key as the hash writes it ("" for an unknown
// key).
func (s State) Value(key string) string {
	for _, kv := range s.Values() {
		if kv[0] == key {
			return kv[1]
		}
	}
	return ""
}

// Hash is the canonical hash of the state, without the '#': every key, in
// the order of docs/protocol.md, so equal states have equal links.
func (s State) Hash() string {
	var sb strings.Builder
	for i, p := range s.Values() {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(p[0])
		sb.WriteByte('=')
		sb.WriteString(url.QueryEscape(p[1]))
	}
	return sb.String()
}

// Config is the recipe the state's run keys describe. Generated data are
// 20 000 steps (Lorenz-63 at Δt = 0.01, Rössler at Δt = 0.05), half held
// out; the ECG excerpt and user files hold out their last quarter. The
// learning rate decays exponentially to a tenth over the run; the model is
// evaluated every 250 steps on up to 8 000 held-out steps (D_stsp with
// 10 bins per dimension, whose floor between two independent 8 000-step
// Lorenz-63 stretches is 0.14; PE(20) from 1 000 start points).
func (s State) Config(userName string) recipe.Config {
	c := recipe.Default()
	c.Model.Kind, c.Model.Latents, c.Model.Hidden, c.Model.Bases, c.Model.Observation = s.Model, s.Latents, s.Hidden, s.Bases, s.Obs
	switch s.Data {
	case "lorenz63":
		c.Data = recipe.DataConfig{Source: "lorenz63", Steps: 20000, Dt: 0.01, Seed: 1, TestFraction: 0.5}
	case "rossler":
		c.Data = recipe.DataConfig{Source: "rossler", Steps: 20000, Dt: 0.05, Seed: 1, TestFraction: 0.5}
	case "ecg":
		c.Data = recipe.DataConfig{Source: ecgName, Dt: 1.0 / ecgRate, TestFraction: 0.25}
	case "user":
		c.Data = recipe.DataConfig{Source: userName, Dt: 1, TestFraction: 0.25}
	}
	t := &c.Train
	t.Steps, t.Seed, t.SeqLen, t.Batch, t.Forcing, t.Alpha, t.Interval = s.Until, s.Seed, s.SeqLen, s.Batch, s.Forcing, s.Alpha, s.Interval
	t.LR, t.LREnd, t.Optimizer, t.Schedule, t.Adaptive = s.LR, s.LR/10, "radam", "exponential", false
	t.EvalEvery, t.SelectBest, t.CheckpointEvery = 250, false, 0
	c.Eval = recipe.EvalConfig{Bins: 10, Smoothing: 20, Horizon: 20, MaxSteps: 8000, PEPoints: 1000}
	return c
}

// stateOf is the state showing a recipe's run (a loaded checkpoint's), with
// the view keys of view. Data the state cannot name become "user".
func stateOf(c recipe.Config, view State) State {
	st := view
	st.Model, st.Latents, st.Hidden, st.Bases, st.Obs = c.Model.Kind, c.Model.Latents, c.Model.Hidden, c.Model.Bases, c.Model.Observation
	switch strings.ToLower(c.Data.Source) {
	case "lorenz63", "lorenz":
		st.Data = "lorenz63"
	case "rossler", "rössler":
		st.Data = "rossler"
	case ecgName:
		st.Data = "ecg"
	default:
		st.Data = "user"
	}
	t := c.Train
	st.Until, st.Seed, st.SeqLen, st.Batch, st.Forcing, st.Alpha, st.Interval, st.LR = t.Steps, t.Seed, t.SeqLen, t.Batch, t.Forcing, t.Alpha, t.Interval, t.LR
	st.Play = false
	return st
}
