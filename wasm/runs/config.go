package runs

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rnnlab/rnnlab/rules/run"
)

// Section builds a kind's config section: base (a run file of the kind;
// nil for the kind's defaults), then the settings in order, each through
// the kind's flag of that name or, where there is none, as a path into the
// section; then it validates the result. Errors name the setting and what
// to do.
func Section(k *run.Kind, base []byte, settings []Setting) (run.Spec, error) {
	spec := k.New()
	if base != nil {
		var err error
		if spec, err = k.DecodeSection(base); err != nil {
			return nil, fmt.Errorf("the %s run file: %v", k.Name, err)
		}
	}
	flags := map[string]bool{}
	probe := flagSet(k.Name, k.New())
	probe.VisitAll(func(f *flag.Flag) { flags[f.Name] = true })
	// Paths first (each re-decodes the section), then flags, bound to
	// the final section.
	for _, s := range settings {
		if flags[s.Key] {
			continue
		}
		var err error
		if spec, err = setPath(k, spec, s); err != nil {
			return nil, err
		}
	}
	fs := flagSet(k.Name, spec)
	for _, s := range settings {
		if !flags[s.Key] {
			continue
		}
		if err := fs.Set(s.Key, s.Value); err != nil {
			f := fs.Lookup(s.Key)
			return nil, fmt.Errorf("setting %s=%s: %s (%s)", s.Key, s.Value, flagErr(err, s.Value, f), f.Usage)
		}
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return spec, nil
}

func flagSet(name string, spec run.Spec) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	spec.Flags(fs)
	return fs
}

// flagErr says what is wrong with a flag's value without the flag
// package's Go wording ("parse error", "value out of range").
func flagErr(err error, value string, f *flag.Flag) string {
	switch err.Error() {
	case "parse error":
		return fmt.Sprintf("%q is not a valid %s", value, flagType(f.Value))
	case "value out of range":
		return fmt.Sprintf("%s is out of the range of a %s", value, flagType(f.Value))
	}
	return err.Error()
}

// setPath sets the section field at the dotted path s.Key to s.Value, by
// way of the section's JSON: the value keeps the type the field has there
// (text for a string field, a number or a bool otherwise), and the
// section's strict decoding reports an unknown path.
func setPath(k *run.Kind, spec run.Spec, s Setting) (run.Spec, error) {
	doc, err := k.Encode(spec)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	node := root
	if !k.TopLevel {
		node, _ = root[k.Name].(map[string]any)
	}
	parts := strings.Split(s.Key, ".")
	for i, p := range parts[:len(parts)-1] {
		next, ok := node[p].(map[string]any)
		if !ok {
			return nil, unknownSetting(k, s, strings.Join(parts[:i+1], "."))
		}
		node = next
	}
	last := parts[len(parts)-1]
	old, ok := node[last]
	switch old.(type) {
	case string:
		node[last] = s.Value
	default:
		if !json.Valid([]byte(s.Value)) {
			if ok {
				return nil, fmt.Errorf("setting %s=%s: the value must be JSON of the field's type (now %s)", s.Key, s.Value, jsonText(old))
			}
			node[last] = s.Value // a field the defaults leave out (omitempty), or none
		} else {
			node[last] = json.RawMessage(s.Value)
		}
	}
	b, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	out, err := k.DecodeSection(b)
	if err != nil {
		if !ok {
			return nil, fmt.Errorf("%v (%v)", unknownSetting(k, s, s.Key), err)
		}
		return nil, fmt.Errorf("setting %s=%s: %v", s.Key, s.Value, err)
	}
	return out, nil
}

// SettingsOf returns settings that make the kind's defaults into spec:
// the flags whose value differs, then the section paths (sorted) whose
// value still differs, each a leaf of the section's JSON. ok is false
// where they do not give spec back (a value the JSON round trip changes);
// a caller then keeps spec's run file as the base.
func SettingsOf(k *run.Kind, spec run.Spec) (settings []Setting, ok bool) {
	settings = settingsOf(k, spec)
	s0, err := Section(k, nil, settings)
	if err != nil {
		return settings, false
	}
	a, errA := sectionTree(k, s0)
	b, errB := sectionTree(k, spec)
	if errA != nil || errB != nil {
		return settings, false
	}
	settings = append(settings, diffPaths(a, b, "")...)
	back, err := Section(k, nil, settings)
	if err != nil {
		return settings, false
	}
	x, _ := k.Encode(back)
	y, _ := k.Encode(spec)
	return settings, bytes.Equal(x, y)
}

// sectionTree is the section's JSON as a tree (numbers kept as text).
func sectionTree(k *run.Kind, spec run.Spec) (map[string]any, error) {
	doc, err := k.Encode(spec)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	delete(root, "kind")
	if !k.TopLevel {
		sec, _ := root[k.Name].(map[string]any)
		return sec, nil
	}
	return root, nil
}

// diffPaths lists the leaves of b that differ from a's, as settings with
// dotted paths (objects are descended; arrays and values are leaves).
func diffPaths(a, b map[string]any, prefix string) []Setting {
	keys := make([]string, 0, len(b))
	for key := range b {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var out []Setting
	for _, key := range keys {
		bv, av := b[key], a[key]
		if bm, ok := bv.(map[string]any); ok {
			am, _ := av.(map[string]any)
			out = append(out, diffPaths(am, bm, prefix+key+".")...)
			continue
		}
		if jsonText(av) == jsonText(bv) {
			continue
		}
		v := jsonText(bv)
		if s, ok := bv.(string); ok {
			v = s
		}
		out = append(out, Setting{prefix + key, v})
	}
	return out
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func unknownSetting(k *run.Kind, s Setting, path string) error {
	var names []string
	for _, f := range Flags(k) {
		names = append(names, f.Name)
	}
	where := "no flags"
	if len(names) > 0 {
		where = "flags " + strings.Join(names, ", ")
	}
	ex := "train.steps"
	if !k.TopLevel {
		ex = "a field of the " + k.Name + " section"
	}
	return fmt.Errorf("setting %s=%s: %s runs have no setting %q (%s; or a section path such as %s)", s.Key, s.Value, k.Name, path, where, ex)
}

// Flag describes one of a kind's flags, for the page's controls.
type Flag struct {
	Name    string `json:"name"`
	Usage   string `json:"usage"`
	Default string `json:"default"` // the kind's default
	Value   string `json:"value"`   // in the running section
	Type    string `json:"type"`    // bool, int, uint, float, duration or string
}

// Flags lists the flags of a kind's section (flag.FlagSet.VisitAll, sorted
// by name) at its defaults.
func Flags(k *run.Kind) []Flag { return flagsOf(k, k.New()) }

func flagsOf(k *run.Kind, spec run.Spec) []Flag {
	def := flagSet(k.Name, k.New())
	cur := flagSet(k.Name, spec)
	out := []Flag{}
	cur.VisitAll(func(f *flag.Flag) {
		d := f.DefValue
		if g := def.Lookup(f.Name); g != nil {
			d = g.DefValue
		}
		out = append(out, Flag{Name: f.Name, Usage: f.Usage, Default: d, Value: f.Value.String(), Type: flagType(f.Value)})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// flagType names a flag's kind of value from the flag package's value
// types (a bool flag says so; the others by their Go type).
func flagType(v flag.Value) string {
	if b, ok := v.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return "bool"
	}
	switch fmt.Sprintf("%T", v) {
	case "*flag.intValue", "*flag.int64Value":
		return "int"
	case "*flag.uintValue", "*flag.uint64Value":
		return "uint"
	case "*flag.float64Value":
		return "float"
	case "*flag.durationValue":
		return "duration"
	}
	return "string"
}

// KindInfo describes a kind for the page's kind menu.
type KindInfo struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	Command string `json:"command,omitempty"`
	Browser string `json:"browser,omitempty"` // run.Kind.Browser
	Flags   []Flag `json:"flags"`
}

// Kinds describes every registered kind, sorted by name.
func Kinds() []KindInfo {
	out := []KindInfo{}
	for _, k := range run.Kinds() {
		out = append(out, KindInfo{Name: k.Name, Summary: k.Summary, Command: k.Command, Browser: k.Browser, Flags: Flags(k)})
	}
	return out
}

// settingsOf lists the flags whose value in spec differs from the kind's
// default, as settings (for the hash of a run resumed from a checkpoint).
func settingsOf(k *run.Kind, spec run.Spec) []Setting {
	var out []Setting
	for _, f := range flagsOf(k, spec) {
		if f.Value != f.Default {
			out = append(out, Setting{f.Name, f.Value})
		}
	}
	return out
}
