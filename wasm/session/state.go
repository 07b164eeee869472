package session

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// State is everything a run and its view depend on; it round-trips through
// the URL hash (docs/protocol.md lists the keys).
type State struct {
	Model    string
	Latents  int
	Hidden   int
	Bases    int
	Obs      string
	Data     string
	Seed     uint64
	LR       float64
	SeqLen   int
	Batch    int
	Forcing  string
	Alpha    float64
	Interval int
	Until    int
	Play     bool

	View       string
	Yaw, Pitch float64
	Zoom       float64
	Spin       bool
	Unit       int
}

// Default is the home page's run: a clipped shallow PLRNN on Lorenz-63.
func Default() State {
	return State{Model: "clipped-shplrnn", Latents: 3, Hidden: 50, Bases: 8, Obs: "identity", Data: "lorenz63", Seed: 1,
		LR: 0.002, SeqLen: 50, Batch: 8, Forcing: "generalized", Alpha: 0.1, Interval: 10, Until: 4000, Play: true,
		View: "dashboard", Yaw: 0.6, Pitch: 0.35, Zoom: 1, Spin: true}
}

// Views are the values of the view key.
var Views = []string{"dashboard", "attractor", "series", "latent", "raster", "loss", "analysis"}

func (s *State) setView(o State) {
	s.View, s.Yaw, s.Pitch, s.Zoom, s.Spin, s.Unit = o.View, o.Yaw, o.Pitch, o.Zoom, o.Spin, o.Unit
}

// SameRun reports whether two states differ only in their view keys.
func (s State) SameRun(o State) bool {
	s.setView(o)
	s.Play = o.Play
	return s == o
}

// Validate reports the first impossible value, naming its key.
func (s State) Validate() error { return nil }

// ParseHash reads a URL hash (with or without '#') over base.
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
		switch k {
		case "model":
			st.Model = val
		case "latents":
			st.Latents, err = strconv.Atoi(val)
		case "view":
			st.View = val
		default:
			return base, fmt.Errorf("unknown key %q in the link's state", k)
		}
		if err != nil {
			return base, fmt.Errorf("%s=%q: %v", k, val, err)
		}
	}
	return st, st.Validate()
}

// Hash is the canonical hash of the state (without '#').
func (s State) Hash() string {
	return "model=" + s.Model + "&view=" + s.View
}
