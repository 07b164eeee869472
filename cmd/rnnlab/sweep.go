package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
