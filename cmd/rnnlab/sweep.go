package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// A sweep is the cartesian product of a grid's axes over a base config.
// `rnnlab sweep` writes DIR/sweep.json (the run list) and one
// DIR/runs/NNN/config.json per run, trains the runs locally in parallel or
// writes a Slurm job array whose tasks call `rnnlab train --config
// DIR/sweep.json --run N`, and gathers DIR/results.{md,csv}.

const (
	sweepFormat = "rnnlab-sweep/1"
	sweepFile   = "sweep.json"
	regAxis     = "regularizer"
	seedAxis    = "train.seed"
	kindAxis    = "model.kind"
)

// sweepAxis is one varied key and its values, as compact JSON.
type sweepAxis struct {
	Key    string            `json:"key"`
	Values []json.RawMessage `json:"values"`
}

// sweepRun is one run of the expanded grid.
type sweepRun struct {
	Index  int                        `json:"index"`
	Dir    string                     `json:"dir"` // relative to the sweep directory
	Values map[string]json.RawMessage `json:"values"`
	Config string                     `json:"config_sha256"` // of its config.json
}

// sweepDoc is DIR/sweep.json.
type sweepDoc struct {
	Format      string          `json:"format"`
	Fingerprint string          `json:"fingerprint"` // of every run's values and config
	Grid        json.RawMessage `json:"grid"`        // the grid file, with its base inlined
	Axes        []sweepAxis     `json:"axes"`
	Runs        []sweepRun      `json:"runs"`

	// Kind is the kind of run of every run ("" for series, the only kind
	// before kinds; docs/config.md, "Sweeps").
	Kind string `json:"kind,omitempty"`

	dir     string   // the sweep directory (not stored)
	configs [][]byte // each run's config.json (not stored)
}

// gridFile is the grid file's fixed keys; any other key with a dot in it is
// a config key to vary.
type gridFile struct {
	Base         json.RawMessage   `json:"base"`
	Recipe       string            `json:"recipe"`
	Models       []json.RawMessage `json:"models"`
	Regularizers []json.RawMessage `json:"regularizers"`
	Seeds        []json.RawMessage `json:"seeds"`
}

var gridFixedKeys = []string{"base", "recipe", "models", "regularizers", "seeds"}

func cmdSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", stderr)
	gridPath := fs.String("grid", "", "grid file (required, except with --gather): a base config and the axes to vary (docs/config.md, Sweeps)")
	outDir := fs.String("out", "out/sweep", "sweep directory: sweep.json, runs/NNN/, results.md, results.csv")
	jobs := fs.Int("jobs", runtime.NumCPU(), "runs trained in parallel on this machine")
	slurm := fs.Bool("slurm", false, "write DIR/sweep.sbatch, a Slurm job array of the runs, instead of training here")
	submit := fs.Bool("submit", false, "with --slurm: also submit it with sbatch and print the job id")
	gather := fs.Bool("gather", false, "only collect the table from the runs that finished and list the missing ones")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	given := flagsGiven(fs)
	if err := firstError(
		intAtLeast("jobs", *jobs, 1), notEmpty(given, "grid", *gridPath), notEmpty(given, "out", *outDir),
	); err != nil {
		return err
	}
	if given["jobs"] && (*slurm || *gather) {
		return flagError{errors.New("--jobs sets how many runs train here at once; with --slurm or --gather nothing trains here: leave it out")}
	}
	if *submit && !*slurm {
		return flagError{errors.New("--submit goes with --slurm")}
	}
	if *gather && *slurm {
		return flagError{errors.New("--gather and --slurm exclude each other")}
	}
	if *gridPath == "" && !*gather {
		return flagError{errors.New("--grid is required (see docs/config.md, Sweeps)")}
	}

	var doc *sweepDoc
	if *gridPath != "" {
		d, err := expandGrid(*gridPath, *outDir)
		if err != nil {
			return err
		}
		if doc, err = prepareSweepDir(d, *gather); err != nil {
			return err
		}
	} else {
		d, err := readSweepDoc(filepath.Join(*outDir, sweepFile))
		if err != nil {
			return err
		}
		doc = d
	}
	sweepPath := filepath.Join(doc.dir, sweepFile)

	switch {
	case *gather:
		return gatherSweep(doc, stdout)
	case *slurm:
		script, err := writeSbatch(doc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "sweep: %d runs; wrote %s (logs in %s)\n", len(doc.Runs), script, filepath.Join(doc.dir, "logs"))
		if !*submit {
			fmt.Fprintf(stdout, "submit it with: sbatch %s\nthen collect with: rnnlab sweep --out %s --gather\n", script, doc.dir)
			return nil
		}
		out, err := exec.Command("sbatch", "--parsable", script).CombinedOutput()
		if err != nil {
			if errors.Is(err, exec.ErrNotFound) {
				return errorf("sbatch not found: is this a Slurm login node? (the script %s is written; submit it there)", script)
			}
			return errorf("sbatch %s: %v\n%s", script, err, bytes.TrimSpace(out))
		}
		id := strings.TrimSpace(string(out))
		if i := strings.IndexByte(id, ';'); i >= 0 { // "jobid;cluster"
			id = id[:i]
		}
		fmt.Fprintf(stdout, "submitted job %s (array 0-%d)\n", id, len(doc.Runs)-1)
		fmt.Fprintf(stdout, "collect with: rnnlab sweep --out %s --gather\n", doc.dir)
		return nil
	}

	// Train locally: finished runs are skipped, interrupted ones resumed.
	var todo []int
	for i := range doc.Runs {
		if runState(doc.runDir(i)) != stateFinished {
			todo = append(todo, i)
		}
	}
	fmt.Fprintf(stdout, "sweep: %d runs (%d already finished), %d at a time\n", len(doc.Runs), len(doc.Runs)-len(todo), min(*jobs, max(1, len(todo))))
	// A signal reaches every run in flight (each saves its checkpoint and
	// stops); no run starts after it, and the sweep ends with the signal's
	// status, to be resumed by the same command.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupts)
	var mu sync.Mutex
	var stopSig os.Signal
	failed, stopped := 0, 0
	parallel(len(todo), *jobs, func(k int) {
		i := todo[k]
		mu.Lock()
		select {
		case sig := <-interrupts:
			stopSig = sig
		default:
		}
		halt := stopSig != nil
		mu.Unlock()
		if halt {
			return
		}
		resumed := runState(doc.runDir(i)) == stateInterrupted
		var out bytes.Buffer
		st := run([]string{"train", "--config", sweepPath, "--run", strconv.Itoa(i), "--quiet"}, &out, &out)
		_ = writeAtomic(filepath.Join(doc.runDir(i), "train.log"), func(w io.Writer) error { _, err := w.Write(out.Bytes()); return err })
		mu.Lock()
		defer mu.Unlock()
		label := doc.label(i)
		if resumed {
			label += " (resumed)"
		}
		if st == 130 || st == 143 {
			stopped++
			fmt.Fprintf(stdout, "  run %d %s: interrupted and saved\n", i, label)
			return
		}
		if st != 0 {
			failed++
			fmt.Fprintf(stdout, "  run %d %s: failed: %s\n", i, label, lastLine(out.String()))
			return
		}
		if m, ok := readFinalMetrics(doc.runDir(i)); ok {
			fmt.Fprintf(stdout, "  run %d %s: %s\n", i, label, m.Long())
		}
	})
	if err := gatherSweep(doc, stdout); err != nil {
		return err
	}
	select {
	case sig := <-interrupts: // arrived after the last run started
		stopSig = sig
	default:
	}
	if stopSig != nil || stopped > 0 {
		if stopSig == nil {
			stopSig = os.Interrupt
		}
		return interruptedError{stopSig, fmt.Sprintf("interrupted by %s: %d runs saved their checkpoints; run the same command again to resume them and train the rest", signalName(stopSig), stopped)}
	}
	if failed > 0 {
		return errorf("%d of %d runs failed (their logs: %s/runs/NNN/train.log); run the same command again to retry them", failed, len(doc.Runs), doc.dir)
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

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

// ---- the sweep directory -------------------------------------------------

func (d *sweepDoc) runDir(i int) string {
	return filepath.Join(d.dir, filepath.FromSlash(d.Runs[i].Dir))
}

func (d *sweepDoc) label(i int) string { return valuesLabel(d.Axes, d.Runs[i].Values) }

func valuesLabel(axes []sweepAxis, vals map[string]json.RawMessage) string {
	var parts []string
	for _, a := range axes {
		parts = append(parts, a.Key+"="+valueText(vals[a.Key]))
	}
	if len(parts) == 0 {
		return "(base)"
	}
	return strings.Join(parts, " ")
}

// valueText shows a JSON value as a table cell: strings without quotes.
func valueText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// prepareSweepDir writes the runs' configs and sweep.json, or checks that a
// sweep directory already there was made from the same grid. With check
// only (gather), nothing is written.
func prepareSweepDir(d *sweepDoc, checkOnly bool) (*sweepDoc, error) {
	path := filepath.Join(d.dir, sweepFile)
	fresh := fmt.Sprintf("use another --out, or delete %s (rm -r %s) to start the sweep fresh", d.dir, d.dir)
	old, err := readSweepDoc(path)
	switch {
	case err == nil:
		if old.Fingerprint != d.Fingerprint {
			return nil, errorf("%s holds a sweep made from a different grid (%s); its finished runs can't be mixed with the new grid's: %s", d.dir, sweepDiff(old, d), fresh)
		}
	case !os.IsNotExist(errors.Unwrap(err)):
		return nil, err
	case checkOnly:
		return nil, errorf("%s is not a sweep directory (no %s): run 'rnnlab sweep --grid ... --out %s' first", d.dir, sweepFile, d.dir)
	default:
		if _, err := os.Stat(filepath.Join(d.dir, "runs")); err == nil {
			return nil, errorf("%s has a runs/ directory but no %s, so it is not a sweep this command made: %s", d.dir, sweepFile, fresh)
		}
	}
	if checkOnly {
		return d, nil
	}
	for i, r := range d.Runs {
		p := filepath.Join(d.runDir(i), "config.json")
		if b, err := os.ReadFile(p); err == nil {
			if !bytes.Equal(b, d.configs[i]) {
				return nil, errorf("%s was edited (it is not what the grid gives for run %d); %s", p, r.Index, fresh)
			}
			continue
		}
		if err := writeAtomic(p, func(w io.Writer) error { _, err := w.Write(d.configs[i]); return err }); err != nil {
			return nil, err
		}
	}
	if old == nil {
		// sweep.json last: its presence means every config is written.
		b, _ := json.MarshalIndent(d, "", "  ")
		if err := writeAtomic(path, func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err }); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// sweepDiff says briefly how two expansions differ.
func sweepDiff(old, cur *sweepDoc) string {
	if len(old.Runs) != len(cur.Runs) {
		return fmt.Sprintf("it has %d runs, the grid now gives %d", len(old.Runs), len(cur.Runs))
	}
	for i := range old.Runs {
		a, b := old.Runs[i], cur.Runs[i]
		va, vb := valuesLabel(old.Axes, a.Values), valuesLabel(cur.Axes, b.Values)
		if va != vb {
			return fmt.Sprintf("run %d was %s, now %s", i, va, vb)
		}
		if a.Config != b.Config {
			return fmt.Sprintf("run %d (%s) now has a different config: the base changed", i, vb)
		}
	}
	return "its fingerprint differs"
}

// readSweepDoc reads DIR/sweep.json.
func readSweepDoc(path string) (*sweepDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read sweep: %w", err)
	}
	var d sweepDoc
	if err := json.Unmarshal(b, &d); err != nil || d.Format != sweepFormat {
		return nil, errorf("%s is not a sweep file (written by 'rnnlab sweep', format %s)", path, sweepFormat)
	}
	d.dir = filepath.Dir(path)
	return &d, nil
}

// isSweepFile reports whether a --config path is a sweep.json.
func isSweepFile(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var head struct {
		Format string `json:"format"`
	}
	return json.Unmarshal(b, &head) == nil && head.Format == sweepFormat
}

const (
	stateMissing     = "missing"
	stateInterrupted = "interrupted"
	stateFinished    = "finished"
)

// runState says whether a run directory holds a finished run (a checkpoint
// and metrics.json), an interrupted one (a checkpoint only) or nothing.
func runState(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, checkpointName)); err != nil {
		return stateMissing
	}
	for _, results := range []string{"metrics.json", "results.json"} { // series, other kinds
		if _, err := os.Stat(filepath.Join(dir, results)); err == nil {
			return stateFinished
		}
	}
	return stateInterrupted
}

// sweepTrainRun resolves `train --config DIR/sweep.json --run N`: the run's
// config file, its out dir and its state. Only --quiet and --stop-at may
// accompany --run, so the run stays what the grid says.
func sweepTrainRun(fs *flag.FlagSet, sweepPath string, n int) (cfgPath, out, state string, err error) {
	if sweepPath == "" {
		return "", "", "", usageError{errors.New("--run N needs --config DIR/sweep.json (written by 'rnnlab sweep')")}
	}
	if !isSweepFile(sweepPath) {
		if _, err := os.Stat(sweepPath); err != nil {
			return "", "", "", errorf("cannot read sweep: %v", err)
		}
		return "", "", "", usageError{fmt.Errorf("--run N needs a sweep file as --config; %s is not one (written by 'rnnlab sweep')", sweepPath)}
	}
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "config", "run", "quiet", "stop-at":
		default:
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return "", "", "", usageError{fmt.Errorf("--run trains the sweep's run as its grid says: %s cannot go with it", strings.Join(bad, ", "))}
	}
	d, err := readSweepDoc(sweepPath)
	if err != nil {
		return "", "", "", err
	}
	if n < 0 || n >= len(d.Runs) {
		return "", "", "", usageError{fmt.Errorf("--run %d is out of range: %s has runs 0 … %d", n, sweepPath, len(d.Runs)-1)}
	}
	out = d.runDir(n)
	return filepath.Join(out, "config.json"), out, runState(out), nil
}

// ---- Slurm -----------------------------------------------------------------

// slurmSignalLead is how long before a task's time limit Slurm is asked to
// signal it (#SBATCH --signal=B:USR1@…): ample for the step in progress
// to end and the checkpoint to be written (a second or two for the
// recipes), with room for a slow shared file system.
const slurmSignalLead = 120
