package runs

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/run"
)

// The page's own keys of the hash; every other key is a setting of the
// run's kind (a flag of its command, or a path in its config section).
const (
	KeyKind  = "kind"  // the kind of run (run.Names)
	KeyView  = "view"  // a figure drawn alone (the widget), "" for all
	KeyPlay  = "play"  // 1: train on load
	KeyEvery = "every" // evaluate every k units; "auto" about once a second
	KeyProbe = "probe" // a string the run's network reads (run.Prober)
	KeyFrame = "frame" // the probe's character shown, from 1; absent: the last
)

// PageKeys are the hash keys of the page itself, which no kind's flag may
// take (TestKindsFlagsAreNotPageKeys).
var PageKeys = []string{KeyKind, KeyView, KeyPlay, KeyEvery, KeyProbe, KeyFrame}

// Setting is one setting of a run: Key is a flag of the kind's command
// (run.Spec.Flags: "task", "models") or, for settings without a flag, a
// dotted path into the kind's config section ("train.steps" for a series
// run, whose sections stand at the top level; "skip" for a field of the
// task section). Value is the flag's text.
type Setting struct {
	Key, Value string
}

// State is what a run page's URL hash describes:
//
//	run.html#kind=task&task=dlygo&method=dasc&models=4&every=20&view=performance&play=1
//
// The kind and its settings determine the run (and so, the kinds being
// deterministic, its numbers at every unit); view, play and every only
// what is drawn, whether it trains, and when it is evaluated.
type State struct {
	Kind     string
	Settings []Setting // in the order the hash gives them
	View     string
	Play     bool
	Every    int // evaluate at every Every-th unit; 0: about once a second of wall time (EveryAuto)
	// Probe is a string the network reads (run.Prober; "" for none) and
	// Frame the character of it shown, from 1 (0: the last).
	Probe string
	Frame int
}

// DefaultKind is the kind a hash without "kind" runs: the series
// reconstruction where it is registered, else the first registered kind.
func DefaultKind() string {
	names := run.Names()
	if slices.Contains(names, run.DefaultKind) || len(names) == 0 {
		return run.DefaultKind
	}
	return names[0]
}

// ParseHash reads a state from a URL hash (without '#'). Keys may come in
// any order; a repeated key, a key without a value, an unknown kind or an
// impossible page value is an error naming it. Settings are checked when a
// run starts (New), where the kind's flags are known.
func ParseHash(hash string) (State, error) {
	st := State{Kind: DefaultKind()}
	seen := map[string]bool{}
	for _, part := range strings.Split(strings.TrimPrefix(hash, "#"), "&") {
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return st, fmt.Errorf("hash: key %q is not URL-encoded text (%v)", k, err)
		}
		if !ok {
			return st, fmt.Errorf("hash: key %q has no value (write %s=VALUE)", key, key)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return st, fmt.Errorf("hash: %s: value %q is not URL-encoded text (%v)", key, v, err)
		}
		if seen[key] {
			return st, fmt.Errorf("hash: key %q appears twice; give each setting once", key)
		}
		seen[key] = true
		switch key {
		case KeyKind:
			if _, err := run.Lookup(val); err != nil {
				return st, fmt.Errorf("hash: kind: %v", err)
			}
			st.Kind = val
		case KeyView:
			st.View = val
		case KeyPlay:
			switch val {
			case "1", "true":
				st.Play = true
			case "0", "false":
				st.Play = false
			default:
				return st, fmt.Errorf("hash: play must be 1 or 0 (got %q)", val)
			}
		case KeyEvery:
			if val == "auto" {
				st.Every = 0
				break
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return st, fmt.Errorf("hash: every must be a whole number of units ≥ 1, or auto (got %q)", val)
			}
			st.Every = n
		case KeyProbe:
			st.Probe = val
		case KeyFrame:
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return st, fmt.Errorf("hash: frame must be a character number ≥ 1 of the probe (got %q)", val)
			}
			st.Frame = n
		default:
			st.Settings = append(st.Settings, Setting{key, val})
		}
	}
	return st, nil
}

// Hash writes the state as a URL hash (without '#') that ParseHash reads
// back to the same state: the kind, the settings in their order, then the
// page keys that differ from their defaults (view, every) and play.
func (s State) Hash() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(escape(k))
		b.WriteByte('=')
		b.WriteString(escape(v))
	}
	add(KeyKind, s.Kind)
	for _, st := range s.Settings {
		add(st.Key, st.Value)
	}
	if s.Every > 0 {
		add(KeyEvery, strconv.Itoa(s.Every))
	}
	if s.Probe != "" {
		add(KeyProbe, s.Probe)
		if s.Frame > 0 {
			add(KeyFrame, strconv.Itoa(s.Frame))
		}
	}
	if s.View != "" {
		add(KeyView, s.View)
	}
	play := "0"
	if s.Play {
		play = "1"
	}
	add(KeyPlay, play)
	return b.String()
}

// escape is url.QueryEscape but keeps the characters settings use often
// (',', ':', '/', '.') readable in a link.
func escape(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("%2C", ",", "%3A", ":", "%2F", "/").Replace(e)
}

// SameRun reports whether two states describe the same run: the same kind
// and the same settings (in any order); view, play and every may differ.
func (s State) SameRun(o State) bool {
	if s.Kind != o.Kind || len(s.Settings) != len(o.Settings) {
		return false
	}
	a, b := slices.Clone(s.Settings), slices.Clone(o.Settings)
	cmp := func(x, y Setting) int { return strings.Compare(x.Key, y.Key) }
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}

// WithBrowser puts the kind's browser-sized settings (run.Kind.Browser)
// under the state's own: each applies unless the state sets its key. A
// kind without them, or an unknown kind, gives the state unchanged.
func (s State) WithBrowser() (State, error) {
	k, err := run.Lookup(s.Kind)
	if err != nil || k.Browser == "" {
		return s, nil
	}
	b, err := ParseHash(KeyKind + "=" + s.Kind + "&" + k.Browser)
	if err != nil {
		return s, fmt.Errorf("the %s kind's browser settings %q: %v", s.Kind, k.Browser, err)
	}
	var settings []Setting
	for _, st := range b.Settings {
		if _, set := s.Get(st.Key); !set {
			settings = append(settings, st)
		}
	}
	s.Settings = append(settings, s.Settings...)
	return s, nil
}

// WithPage is s with o's page keys (view, play, every, probe, frame).
func (s State) WithPage(o State) State {
	s.View, s.Play, s.Every, s.Probe, s.Frame = o.View, o.Play, o.Every, o.Probe, o.Frame
	return s
}

// Get returns the value of a setting in the state, and whether it is set.
func (s State) Get(key string) (string, bool) {
	for _, st := range s.Settings {
		if st.Key == key {
			return st.Value, true
		}
	}
	return "", false
}
