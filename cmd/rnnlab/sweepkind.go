package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/recipe"
	runkind "github.com/rnnlab/rnnlab/rules/run"
)

// Sweeps of the kinds of run other than series: the grid's base is a run
// file ({"kind": "task", "task": {…}}), its axes are the section's keys
// ("task.method", "task.skip", nested ones as "reservoir.lif.g"), "seeds"
// varies "<kind>.seed", and each run's results.json metrics are gathered.

// gridBaseKind reads the grid's base (inline or a file relative to the
// grid): nil for a series config, else its kind and the base run file
// decoded over the kind's defaults, validated and re-encoded.
func gridBaseKind(base json.RawMessage, baseDir string) (*runkind.Kind, []byte, error) {
	if len(base) == 0 || string(base) == "null" {
		return nil, nil, nil
	}
	src, where := []byte(base), "base"
	var path string
	if json.Unmarshal(base, &path) == nil {
		if !filepath.IsAbs(path) {
			path = filepath.Join(baseDir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("base: cannot read config: %v", err)
		}
		src, where = b, "base "+path
	}
	name, err := runkind.KindOf(src)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", where, err)
	}
	if name == runkind.DefaultKind {
		return nil, nil, nil
	}
	k, err := runkind.Lookup(name)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: kind: %v", where, err)
	}
	spec, err := k.DecodeSection(src)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", where, err)
	}
	doc, err := k.Encode(spec)
	if err != nil {
		return nil, nil, err
	}
	return k, doc, nil
}

// kindKeys are the dotted keys of a kind's run file, nested objects
// included ("task.method", "reservoir.lif.g").
func kindKeys(k *runkind.Kind) []string {
	doc, _ := k.Encode(k.New())
	var m map[string]any
	_ = json.Unmarshal(doc, &m)
	var keys []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		sub, ok := v.(map[string]any)
		if !ok {
			keys = append(keys, prefix)
			return
		}
		for name, w := range sub {
			walk(prefix+"."+name, w)
		}
	}
	walk(k.Name, m[k.Name])
	sort.Strings(keys)
	return keys
}

// checkDottedIn reports a key that is not one of the grid's kind.
func checkDottedIn(k *runkind.Kind, key string) error {
	if k == nil {
		return checkDotted(key)
	}
	keys := kindKeys(k)
	for _, c := range keys {
		if c == key {
			return nil
		}
	}
	return fmt.Errorf("unknown key %q in the grid of %s runs%s (the keys are %s)", key, k.Name, suggest(key, keys), strings.Join(keys, ", "))
}

// setDottedIn sets a dotted key in a run file held as JSON maps, and
// checks the value's type at once, naming the key.
func setDottedIn(k *runkind.Kind, cfg map[string]any, key string, v json.RawMessage) error {
	if k == nil {
		return setDotted(cfg, key, v)
	}
	if err := checkDottedIn(k, key); err != nil {
		return err
	}
	var val any
	if err := json.Unmarshal(v, &val); err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	parts := strings.Split(key, ".")
	m := cfg
	for _, p := range parts[:len(parts)-1] {
		m = m[p].(map[string]any)
	}
	m[parts[len(parts)-1]] = val
	b, _ := json.Marshal(cfg)
	if _, err := k.DecodeSection(b); err != nil {
		return fmt.Errorf("%s = %s: %v", key, v, unplaced(err))
	}
	return nil
}

// decodeGridRun turns one run's config (JSON maps marshalled) into the
// config.json it trains from, validated.
func decodeGridRun(k *runkind.Kind, mb []byte) ([]byte, error) {
	if k == nil {
		cfg, err := recipe.DecodeConfig(mb)
		if err != nil {
			return nil, unplaced(err)
		}
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
		return json.MarshalIndent(cfg, "", "  ")
	}
	spec, err := k.DecodeSection(mb)
	if err != nil {
		return nil, unplaced(err)
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return k.Encode(spec)
}

// kindMetrics reads the final metrics of a finished run of another kind.
func kindMetrics(dir string) ([]jsonValue, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return nil, false
	}
	var res struct {
		Metrics []jsonValue `json:"metrics"`
	}
	if json.Unmarshal(b, &res) != nil {
		return nil, false
	}
	return res.Metrics, true
}

// gatherKindSweep is gatherSweep for the other kinds: one row per run with
// every metric its results.json holds, and mean ± s.e.m. over seeds.
func gatherKindSweep(d *sweepDoc, stdout io.Writer) error {
	seedKey := d.Kind + ".seed"
	var keys, group, names []string
	for _, a := range d.Axes {
		keys = append(keys, a.Key)
		if a.Key != seedKey {
			group = append(group, a.Key)
		}
	}
	have := map[string]bool{}
	runs := make([]map[string]float64, len(d.Runs))
	states := make([]string, len(d.Runs))
	var missing []string
	for i := range d.Runs {
		states[i] = runState(d.runDir(i))
		if states[i] == stateFinished {
			ms, ok := kindMetrics(d.runDir(i))
			if !ok {
				states[i] = stateInterrupted
			} else {
				runs[i] = map[string]float64{}
				for _, m := range ms {
					v := math.NaN()
					if m.Value != nil {
						v = *m.Value
					}
					runs[i][m.Name] = v
					if !have[m.Name] {
						have[m.Name] = true
						names = append(names, m.Name)
					}
				}
			}
		}
		if states[i] != stateFinished {
			missing = append(missing, fmt.Sprintf("%d (%s)", i, states[i]))
		}
	}
	var tb strings.Builder
	var cb bytes.Buffer
	cw := csv.NewWriter(&cb)
	_ = cw.Write(append(append(append([]string{"run"}, keys...), "status"), names...))
	fmt.Fprintf(&tb, "# sweep %s (%s runs)\n\n## runs\n\n", d.dir, d.Kind)
	tb.WriteString(mdRow(append(append(append([]string{"run"}, keys...), "status"), names...)))
	tb.WriteString(mdSep(len(keys) + 1 + len(names) + 1))
	for i, r := range d.Runs {
		row := []string{strconv.Itoa(i)}
		for _, k := range keys {
			row = append(row, valueText(r.Values[k]))
		}
		row = append(row, states[i])
		md, cs := append([]string{}, row...), append([]string{}, row...)
		for _, n := range names {
			v, ok := runs[i][n]
			if !ok {
				md, cs = append(md, "–"), append(cs, "")
				continue
			}
			md, cs = append(md, fmtMetric(v)), append(cs, csvFloat(v))
		}
		tb.WriteString(mdRow(md))
		_ = cw.Write(cs)
	}
	cw.Flush()
	if len(group) < len(keys) {
		tb.WriteString("\n## mean ± s.e.m. over seeds\n\n")
		tb.WriteString(mdRow(append(append(append([]string{}, group...), "runs"), names...)))
		tb.WriteString(mdSep(len(group) + 1 + len(names)))
		var order []string
		rows := map[string][]int{}
		for i, r := range d.Runs {
			var vals []string
			for _, k := range group {
				vals = append(vals, valueText(r.Values[k]))
			}
			key := strings.Join(vals, "\x00")
			if _, ok := rows[key]; !ok {
				order = append(order, key)
			}
			rows[key] = append(rows[key], i)
		}
		for _, key := range order {
			idx := rows[key]
			cells := strings.Split(key, "\x00")
			if len(group) == 0 {
				cells = nil
			}
			done := 0
			for _, i := range idx {
				if runs[i] != nil {
					done++
				}
			}
			cells = append(cells, fmt.Sprintf("%d/%d", done, len(idx)))
			for _, n := range names {
				var xs []float64
				for _, i := range idx {
					if v, ok := runs[i][n]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
						xs = append(xs, v)
					}
				}
				m, se := meanSE(xs)
				if math.IsNaN(m) {
					cells = append(cells, "–")
				} else {
					cells = append(cells, fmt.Sprintf("%.4g ± %.2g (%d)", m, se, len(xs)))
				}
			}
			tb.WriteString(mdRow(cells))
		}
	}
	return writeSweepResults(d, tb.String(), cb.String(), missing, stdout)
}
