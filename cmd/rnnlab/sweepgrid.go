package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// ---- expansion -------------------------------------------------------------

// expandGrid reads a grid file and expands it into the runs of outDir.
func expandGrid(gridPath, outDir string) (*sweepDoc, error) {
	b, err := os.ReadFile(gridPath)
	if err != nil {
		return nil, errorf("cannot read grid: %v", err)
	}
	d, err := expandGridBytes(b, filepath.Dir(gridPath))
	if de := (*recipe.DecodeError)(nil); errors.As(err, &de) && error(de) == err {
		return nil, decodeErrorIn("grid", gridPath, err) // the grid file itself
	}
	if err != nil {
		return nil, usageError{fmt.Errorf("grid %s: %v", gridPath, err)}
	}
	d.dir = outDir
	return d, nil
}

// expandGridBytes expands a grid; a base given as a path is read relative
// to baseDir. The runs are numbered in a stable order: the cartesian product
// of models, regularizers, the dotted keys (sorted by name) and seeds, the
// last axis varying fastest (so the seeds of one setting are consecutive).
func expandGridBytes(b []byte, baseDir string) (*sweepDoc, error) {
	var raw map[string]json.RawMessage
	if err := decodeStrict(b, &raw); err != nil {
		return nil, err
	}
	var g gridFile
	var dotted []string
	for k, v := range raw {
		switch {
		case k == "base":
			g.Base = v
		case k == "recipe":
			if err := json.Unmarshal(v, &g.Recipe); err != nil {
				return nil, fmt.Errorf("\"recipe\" must be a recipe name (lorenz63, ecg, ecg-dend)")
			}
		case k == "models" || k == "regularizers" || k == "seeds":
			var vals []json.RawMessage
			if err := json.Unmarshal(v, &vals); err != nil {
				return nil, fmt.Errorf("%q must be a list of values", k)
			}
			switch k {
			case "models":
				g.Models = nonNil(vals)
			case "regularizers":
				g.Regularizers = nonNil(vals)
			case "seeds":
				g.Seeds = nonNil(vals)
			}
		case strings.Contains(k, "."):
			dotted = append(dotted, k)
		default:
			return nil, fmt.Errorf("unknown grid key %q%s (a grid has base, recipe, models, regularizers, seeds and dotted config keys such as \"train.lr\")",
				k, suggest(k, append(append([]string{}, gridFixedKeys...), configKeys()...)))
		}
	}
	sort.Strings(dotted)

	// A base run file of another kind than series: its own grid.
	gk, gkBase, err := gridBaseKind(g.Base, baseDir)
	if err != nil {
		return nil, err
	}
	if gk != nil && (g.Recipe != "" || g.Models != nil || g.Regularizers != nil) {
		return nil, fmt.Errorf("recipe, models and regularizers are axes of series runs; the base is a %s run file: vary its keys as \"%s.<key>\"", gk.Name, gk.Name)
	}
	seedKey := seedAxis
	if gk != nil {
		seedKey = gk.Name + ".seed"
	}
	// The base config: inline, or a path relative to the grid file, read
	// over the named recipe (default: the built-in Lorenz-63 one).
	base := DefaultConfig()
	if g.Recipe != "" {
		var err error
		if base, err = recipe.Recipe(g.Recipe); err != nil {
			return nil, err
		}
	}
	if gk == nil && len(g.Base) > 0 && string(g.Base) != "null" {
		src, where := []byte(g.Base), "base"
		var path string
		if json.Unmarshal(g.Base, &path) == nil {
			if !filepath.IsAbs(path) {
				path = filepath.Join(baseDir, path)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("base: cannot read config: %v", err)
			}
			src, where = b, "base "+path
		}
		var err error
		if base, err = recipe.DecodeConfigOver(base, src); err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
	}
	baseJSON, _ := json.Marshal(base)
	if gk != nil {
		baseJSON = gkBase
	}

	// The axes, each value checked once.
	type axis struct {
		sweepAxis
		apply func(cfg map[string]any, v json.RawMessage) error
	}
	var axes []axis
	setKey := func(key string) func(map[string]any, json.RawMessage) error {
		return func(cfg map[string]any, v json.RawMessage) error { return setDottedIn(gk, cfg, key, v) }
	}
	gridName := map[string]string{kindAxis: "models", regAxis: "regularizers", seedKey: "seeds"}
	add := func(key string, vals []json.RawMessage, apply func(map[string]any, json.RawMessage) error) error {
		if vals == nil {
			return nil
		}
		name := key
		if n, ok := gridName[key]; ok && !slices.Contains(dotted, key) {
			name = n
		}
		if len(vals) == 0 {
			return fmt.Errorf("axis %q is empty: give it at least one value, or leave it out to keep the base's", name)
		}
		seen := map[string]bool{}
		for i, v := range vals {
			var c bytes.Buffer
			if err := json.Compact(&c, v); err == nil {
				vals[i] = c.Bytes()
			}
			if seen[string(vals[i])] {
				return fmt.Errorf("axis %q lists %s twice", name, vals[i])
			}
			seen[string(vals[i])] = true
		}
		axes = append(axes, axis{sweepAxis{key, vals}, apply})
		return nil
	}
	for _, k := range dotted {
		if k == kindAxis && g.Models != nil || k == seedKey && g.Seeds != nil {
			return nil, fmt.Errorf("%q and %q vary the same key: keep one", k, map[string]string{kindAxis: "models", seedKey: "seeds"}[k])
		}
		if err := checkDottedIn(gk, k); err != nil {
			return nil, err
		}
	}
	if err := add(kindAxis, g.Models, setKey(kindAxis)); err != nil {
		return nil, err
	}
	presets := map[string]ablation{}
	var presetNames []string
	for _, c := range regularizerConditions(defaultRegStrengths) {
		presets[c.Key] = c
		presetNames = append(presetNames, c.Key)
	}
	if err := add(regAxis, g.Regularizers, func(cfg map[string]any, v json.RawMessage) error {
		var name string
		if json.Unmarshal(v, &name) != nil {
			return fmt.Errorf("regularizers: %s is not a preset name (choose %s)", v, strings.Join(presetNames, ", "))
		}
		c, ok := presets[strings.ToLower(name)]
		if !ok {
			return fmt.Errorf("unknown regularizer preset %q (choose %s)%s", name, strings.Join(presetNames, ", "), suggest(strings.ToLower(name), presetNames))
		}
		return editTrain(cfg, func(t *TrainConfig) { clearRegularizers(t); c.Set(t) })
	}); err != nil {
		return nil, err
	}
	for _, k := range dotted {
		var vals []json.RawMessage
		if err := json.Unmarshal(raw[k], &vals); err != nil {
			return nil, fmt.Errorf("%q must be a list of values", k)
		}
		if err := add(k, nonNil(vals), setKey(k)); err != nil {
			return nil, err
		}
	}
	if err := add(seedKey, g.Seeds, setKey(seedKey)); err != nil {
		return nil, err
	}

	// The cartesian product, last axis fastest.
	total := 1
	for _, a := range axes {
		total *= len(a.Values)
	}
	if total > 100000 {
		return nil, fmt.Errorf("the grid expands to %d runs; split it", total)
	}
	width := max(3, len(strconv.Itoa(total-1)))
	gridInline := map[string]json.RawMessage{}
	for k, v := range raw {
		gridInline[k] = v
	}
	gridInline["base"] = baseJSON
	d := &sweepDoc{Format: sweepFormat}
	if gk != nil {
		d.Kind = gk.Name
	}
	d.Grid, _ = json.Marshal(gridInline)
	for _, a := range axes {
		d.Axes = append(d.Axes, a.sweepAxis)
	}
	fp := sha256.New()
	idx := make([]int, len(axes))
	for n := 0; n < total; n++ {
		rem := n
		for a := len(axes) - 1; a >= 0; a-- {
			idx[a] = rem % len(axes[a].Values)
			rem /= len(axes[a].Values)
		}
		var cfgMap map[string]any
		_ = json.Unmarshal(baseJSON, &cfgMap)
		r := sweepRun{Index: n, Dir: filepath.ToSlash(filepath.Join("runs", fmt.Sprintf("%0*d", width, n))), Values: map[string]json.RawMessage{}}
		for a, ax := range axes {
			v := ax.Values[idx[a]]
			if err := ax.apply(cfgMap, v); err != nil {
				return nil, err
			}
			r.Values[ax.Key] = v
		}
		mb, _ := json.Marshal(cfgMap)
		cb, err := decodeGridRun(gk, mb)
		if err != nil {
			return nil, fmt.Errorf("run %d (%s): %v", n, valuesLabel(d.Axes, r.Values), err)
		}
		cb = append(cb, '\n')
		sum := sha256.Sum256(cb)
		r.Config = hex.EncodeToString(sum[:])
		vb, _ := json.Marshal(r.Values)
		fmt.Fprintf(fp, "%d %s %s\n", n, vb, r.Config)
		d.Runs = append(d.Runs, r)
		d.configs = append(d.configs, cb)
	}
	d.Fingerprint = hex.EncodeToString(fp.Sum(nil))
	return d, nil
}

func nonNil(v []json.RawMessage) []json.RawMessage {
	if v == nil {
		return []json.RawMessage{}
	}
	return v
}

// configKeys lists every config key as a dotted path ("train.lr", …).
func configKeys() []string {
	var m map[string]any
	b, _ := json.Marshal(DefaultConfig())
	_ = json.Unmarshal(b, &m)
	var keys []string
	for sec, v := range m {
		if sub, ok := v.(map[string]any); ok {
			for k := range sub {
				keys = append(keys, sec+"."+k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// checkDotted reports a key that is not a config key, with the nearest one.
func checkDotted(key string) error {
	keys := configKeys()
	for _, k := range keys {
		if k == key {
			return nil
		}
	}
	return fmt.Errorf("unknown config key %q in the grid%s ('rnnlab config' prints every key)", key, suggest(key, keys))
}

// setDotted sets section.key of a config held as JSON maps.
func setDotted(cfg map[string]any, key string, v json.RawMessage) error {
	if err := checkDotted(key); err != nil {
		return err
	}
	sec, k, _ := strings.Cut(key, ".")
	var val any
	if err := json.Unmarshal(v, &val); err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	cfg[sec].(map[string]any)[k] = val
	// Check the value's type now, naming the key.
	b, _ := json.Marshal(cfg)
	if _, err := recipe.DecodeConfig(b); err != nil {
		return fmt.Errorf("%s = %s: %v", key, v, unplaced(err))
	}
	return nil
}

// unplaced drops the line and column from the decode error of a document
// the sweep made itself (a run's config): they point into no file.
func unplaced(err error) error {
	var de *recipe.DecodeError
	if errors.As(err, &de) && de.Line > 0 {
		return &recipe.DecodeError{Path: de.Path, Msg: de.Msg}
	}
	return err
}

// editTrain applies f to the training section of a config held as JSON maps.
func editTrain(cfg map[string]any, f func(*TrainConfig)) error {
	b, _ := json.Marshal(cfg)
	c, err := recipe.DecodeConfig(b)
	if err != nil {
		return err
	}
	f(&c.Train)
	var t map[string]any
	tb, _ := json.Marshal(c.Train)
	_ = json.Unmarshal(tb, &t)
	cfg["train"] = t
	return nil
}

// suggest returns `; did you mean "x"?` for the candidate nearest to s, or
// "" when none is near.
func suggest(s string, candidates []string) string {
	best, bd := "", math.MaxInt
	for _, c := range candidates {
		d := recipe.EditDistance(s, c)
		// A key given without its section ("lr" for "train.lr") is near too.
		if _, k, ok := strings.Cut(c, "."); ok && k == s {
			d = 0
		}
		if d < bd {
			best, bd = c, d
		}
	}
	if best == "" || bd > max(2, len(s)/2) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}
