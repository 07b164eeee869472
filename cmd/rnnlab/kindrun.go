package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "github.com/rnnlab/rnnlab/rules/kinds" // every kind of run
	runkind "github.com/rnnlab/rnnlab/rules/run"
)

// The generic driver of every kind of run but the series reconstruction
// (which rnnlab train drives with its model selection, data reports and
// plots): rnnlab <kind command> [flags], or rnnlab train --config FILE
// with a run file of that kind. It trains unit by unit (Trainer.Advance),
// prints progress, saves the checkpoint at intervals and on SIGINT/SIGTERM,
// and at the end writes what the kind's Report holds: results.json, one
// CSV per table and one PNG per figure.

// kindCommands are the commands of the kinds that have one.
func kindCommands() []command {
	var cs []command
	for _, k := range runkind.Kinds() {
		if k.Command == "" {
			continue
		}
		k := k
		cs = append(cs, command{k.Command, "[--config run.json] [--out DIR] [--resume] [flags]", k.Summary,
			func(args []string, stdout, stderr io.Writer) error { return cmdKind(k, args, stdout, stderr) }})
	}
	return cs
}

// cmdKinds lists the kinds of run.
func cmdKinds(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("kinds", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, k := range runkind.Kinds() {
		how := "rnnlab train --config FILE"
		if k.Command != "" {
			how = "rnnlab " + k.Command
		}
		fmt.Fprintf(stdout, "%-10s %-28s %s\n", k.Name, how, k.Summary)
	}
	fmt.Fprint(stdout, "\nA run file is {\"kind\": NAME, NAME: {…}}; a file without \"kind\" is a series run (docs/config.md).\n")
	return nil
}

// kindOptions are the driver's own flags.
type kindOptions struct {
	config, out     string
	resume, quiet   bool
	stopAt, workers int
	saveEvery       time.Duration
	evalEvery       int
	given           map[string]bool
	flagValues      map[string]string // the kind's flags typed, by name
	command         string            // how the run was started, for the resume hint
	stdout, stderr  io.Writer
}

// cmdKind is rnnlab <kind command>.
func cmdKind(k *runkind.Kind, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(k.Command, stderr)
	opt := kindOptions{stdout: stdout, stderr: stderr, command: k.Command}
	fs.StringVar(&opt.config, "config", "", "run file: {\"kind\": \""+k.Name+"\", \""+k.Name+"\": {…}} (flags override it)")
	fs.StringVar(&opt.out, "out", "out/"+k.Name, "directory for the checkpoint, results.json, the CSV tables and the PNG figures")
	addDriverFlags(fs, &opt)
	driver := map[string]bool{} // the driver's flags; the rest are the kind's
	fs.VisitAll(func(f *flag.Flag) { driver[f.Name] = true })
	spec := k.New()
	spec.Flags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opt.given = flagsGiven(fs)
	opt.flagValues = map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if !driver[f.Name] {
			opt.flagValues[f.Name] = f.Value.String()
		}
	})
	if err := opt.check(); err != nil {
		return err
	}
	if opt.resume {
		return resumeKind(k, opt)
	}
	if opt.config != "" {
		b, err := os.ReadFile(opt.config)
		if err != nil {
			return errorf("cannot read the run file: %v", err)
		}
		fk, err := runKindOf(b, opt.config)
		if err != nil {
			return err
		}
		if fk.Name != k.Name {
			return usageError{fmt.Errorf("%s is a %s run file; 'rnnlab %s' runs %s runs (use 'rnnlab train --config %s')", opt.config, fk.Name, k.Command, k.Name, opt.config)}
		}
		if spec, err = k.DecodeSection(b); err != nil {
			return decodeErrorIn("run file", opt.config, err)
		}
		// The flags typed override the file: set them again on the
		// section the file filled.
		fs2 := flag.NewFlagSet(k.Command, flag.ContinueOnError)
		fs2.SetOutput(io.Discard)
		spec.Flags(fs2)
		for name, v := range opt.flagValues {
			if err := fs2.Set(name, v); err != nil {
				return flagErrorf(name, "%s: %v", v, err)
			}
		}
	}
	return startKind(k, spec, opt)
}

// addDriverFlags adds the flags every kind's run shares.
func addDriverFlags(fs *flag.FlagSet, opt *kindOptions) {
	fs.BoolVar(&opt.resume, "resume", false, "continue from DIR/"+checkpointName+" (its stored config is used)")
	fs.BoolVar(&opt.quiet, "quiet", false, "no progress lines")
	fs.IntVar(&opt.stopAt, "stop-at", 0, "save a checkpoint and stop after this many units (≥ 1), as if interrupted (resume later with --resume)")
	fs.IntVar(&opt.workers, "workers", runtime.GOMAXPROCS(0), "goroutines the run may use (ensembles); the results do not depend on it")
	fs.DurationVar(&opt.saveEvery, "save-every", time.Minute, "wall time between checkpoints while training (e.g. 30s, 10m)")
	fs.IntVar(&opt.evalEvery, "eval-every", 0, "units between evaluations printed while training (0: only at the end)")
}

func (opt *kindOptions) check() error {
	return firstError(
		notEmpty(opt.given, "config", opt.config), notEmpty(opt.given, "out", opt.out),
		when(opt.given["stop-at"], intAtLeast("stop-at", opt.stopAt, 1)),
		intAtLeast("workers", opt.workers, 1), intAtLeast("eval-every", opt.evalEvery, 0),
		when(opt.saveEvery <= 0, flagErrorf("save-every", "%v: must be a positive duration such as 30s", opt.saveEvery)),
		when(opt.resume && opt.given["config"], flagErrorf("config", "cannot go with --resume: the checkpoint holds the run's config")),
		when(opt.resume && len(opt.flagValues) > 0, flagError{fmt.Errorf("--resume continues the run stored in the checkpoint, so its settings (%s) cannot change; only --quiet, --stop-at, --workers, --save-every and --eval-every may go with --resume", joinFlagNames(opt.flagValues))}),
	)
}

func joinFlagNames(m map[string]string) string {
	var s []string
	for n := range m {
		s = append(s, "--"+n)
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}

// runKindOf is the kind a run file names, as a usage error naming the file.
func runKindOf(b []byte, path string) (*runkind.Kind, error) {
	name, err := runkind.KindOf(b)
	if err != nil {
		return nil, usageError{fmt.Errorf("run file %s: %v", path, err)}
	}
	k, err := runkind.Lookup(name)
	if err != nil {
		return nil, usageError{fmt.Errorf("run file %s: kind: %v", path, err)}
	}
	return k, nil
}

// startKind begins a fresh run of kind k in opt.out.
func startKind(k *runkind.Kind, spec runkind.Spec, opt kindOptions) error {
	if err := spec.Validate(); err != nil {
		return usageError{err}
	}
	ckpt := filepath.Join(opt.out, checkpointName)
	if _, err := os.Stat(ckpt); err == nil {
		return errorf("%s already holds a checkpoint; continue it with --resume, or choose another --out", opt.out)
	}
	if err := os.MkdirAll(opt.out, 0o755); err != nil {
		return errorf("cannot create the output directory: %v", err)
	}
	doc, err := k.Encode(spec)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(opt.out, "run.json"), func(w io.Writer) error { _, err := w.Write(append(doc, '\n')); return err }); err != nil {
		return err
	}
	tr, err := spec.Start(runkind.Env{ReadFile: os.ReadFile, Workers: opt.workers})
	if err != nil {
		return errorf("%v", err)
	}
	fmt.Fprintf(opt.stdout, "%s run: %s (settings in %s)\n", k.Name, k.Summary, filepath.Join(opt.out, "run.json"))
	return driveKind(k, tr, opt)
}

// resumeKind continues the run of opt.out's checkpoint.
func resumeKind(k *runkind.Kind, opt kindOptions) error {
	ckpt := filepath.Join(opt.out, checkpointName)
	b, err := os.ReadFile(ckpt)
	if err != nil {
		return errorf("cannot resume: %v", err)
	}
	tr, ck, err := runkind.Resume(b, runkind.Env{ReadFile: os.ReadFile, Workers: opt.workers})
	if err != nil {
		return errorf("%s: %v", ckpt, err)
	}
	if k != nil && ck.Name != k.Name {
		return usageError{fmt.Errorf("%s is the checkpoint of a %s run, not of a %s run; continue it with 'rnnlab train --out %s --resume'", ckpt, ck.Name, k.Name, shellQuote(opt.out))}
	}
	p := tr.Progress()
	fmt.Fprintf(opt.stdout, "resuming %s at %s %d of %d\n", ckpt, p.Unit, p.Step, p.Total)
	return driveKind(ck, tr, opt)
}

// driveKind trains until the run is done, saving and reporting.
func driveKind(k *runkind.Kind, tr runkind.Trainer, opt kindOptions) error {
	ckpt := filepath.Join(opt.out, checkpointName)
	save := func() error {
		c, err := tr.Save()
		if err != nil {
			return err
		}
		return writeAtomic(ckpt, c.Encode)
	}
	resumeHint := fmt.Sprintf("rnnlab %s --out %s --resume", opt.command, shellQuote(opt.out))
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupts)
	start, lastSave, lastLine := time.Now(), time.Now(), time.Time{}
	first := tr.Progress().Step
	for !tr.Done() {
		p := tr.Progress()
		if opt.stopAt > 0 && p.Step >= opt.stopAt {
			if err := save(); err != nil {
				return err
			}
			fmt.Fprintf(opt.stdout, "stopped at %s %d of %d as asked; continue with '%s'\n", p.Unit, p.Step, p.Total, resumeHint)
			return nil
		}
		select {
		case sig := <-interrupts:
			if err := save(); err != nil {
				return fmt.Errorf("interrupted by %s at %s %d, and saving the checkpoint failed: %w", signalName(sig), p.Unit, p.Step, err)
			}
			return interruptedError{sig, fmt.Sprintf("interrupted by %s at %s %d of %d; the checkpoint %s is saved: continue with '%s'",
				signalName(sig), p.Unit, p.Step, p.Total, ckpt, resumeHint)}
		default:
		}
		if err := tr.Advance(); err != nil {
			return errorf("%v\nthe last checkpoint (if any) is %s", err, ckpt)
		}
		p = tr.Progress()
		now := time.Now()
		if !opt.quiet && (now.Sub(lastLine) >= 2*time.Second || tr.Done()) {
			fmt.Fprintln(opt.stderr, progressLine(p, now.Sub(start), p.Step-first))
			lastLine = now
		}
		if opt.evalEvery > 0 && p.Step%opt.evalEvery == 0 && !tr.Done() {
			rep, err := tr.Evaluate()
			if err != nil {
				return errorf("evaluation at %s %d: %v", p.Unit, p.Step, err)
			}
			fmt.Fprintf(opt.stdout, "%s %d: %s\n", p.Unit, p.Step, valuesLine(rep.Metrics))
		}
		if now.Sub(lastSave) >= opt.saveEvery && !tr.Done() {
			if err := save(); err != nil {
				return err
			}
			lastSave = now
		}
	}
	if err := save(); err != nil {
		return err
	}
	rep, err := tr.Evaluate()
	if err != nil {
		return errorf("final evaluation: %v", err)
	}
	p := tr.Progress()
	fmt.Fprintf(opt.stdout, "final, %s %d of %d: %s\n", p.Unit, p.Step, p.Total, valuesLine(rep.Metrics))
	if p.Note != "" {
		fmt.Fprintln(opt.stdout, p.Note)
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(opt.stdout, n)
	}
	return writeReport(opt.stdout, opt.out, "", "results.json", k, p, rep)
}

// progressLine is one progress line: units, values, rate and ETA.
func progressLine(p runkind.Progress, elapsed time.Duration, done int) string {
	s := fmt.Sprintf("%s %d/%d", p.Unit, p.Step, p.Total)
	if p.Total > 0 {
		s += fmt.Sprintf(" (%.0f%%)", 100*float64(p.Step)/float64(p.Total))
	}
	if v := valuesLine(p.Values); v != "" {
		s += " " + v
	}
	if p.Note != "" {
		s += ", " + p.Note
	}
	if done > 0 && elapsed > 0 {
		rate := float64(done) / elapsed.Seconds()
		s += fmt.Sprintf(", %.3g %s/s", rate, plural(p.Unit))
		if left := p.Total - p.Step; left > 0 {
			s += fmt.Sprintf(", ETA %s (budget)", time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second))
		}
	}
	return s
}

// plural is an English unit's plural ("batch" → "batches").
func plural(unit string) string {
	for _, end := range []string{"s", "x", "ch", "sh"} {
		if strings.HasSuffix(unit, end) {
			return unit + "es"
		}
	}
	return unit + "s"
}

// valuesLine prints named values compactly.
func valuesLine(vs []runkind.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%s %.4g", v.Name, v.Value)
	}
	return strings.Join(parts, ", ")
}

// jsonValue is a named value in results.json: null for NaN and the
// infinities, which JSON cannot hold.
type jsonValue struct {
	Name  string   `json:"name"`
	Value *float64 `json:"value"`
}

func jsonValues(vs []runkind.Value) []jsonValue {
	out := make([]jsonValue, len(vs))
	for i, v := range vs {
		out[i].Name = v.Name
		if !math.IsNaN(v.Value) && !math.IsInf(v.Value, 0) {
			x := v.Value
			out[i].Value = &x
		}
	}
	return out
}

// writeReport writes the results (JSON), the tables as CSV and the
// figures as PNG into dir, each atomically, the CSV and PNG names after
// prefix, and lists them.
func writeReport(stdout io.Writer, dir, prefix, results string, k *runkind.Kind, p runkind.Progress, rep *runkind.Report) error {
	var written []string
	for _, t := range rep.Tables {
		path := filepath.Join(dir, prefix+t.Name+".csv")
		err := writeAtomic(path, func(w io.Writer) error {
			cw := csv.NewWriter(w)
			if err := cw.Write(t.Columns); err != nil {
				return err
			}
			if err := cw.WriteAll(t.Rows); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		})
		if err != nil {
			return err
		}
		written = append(written, path)
	}
	for _, f := range rep.Figures {
		path := filepath.Join(dir, prefix+f.Name+".png")
		if err := plotFigure(path, f); err != nil {
			return errorf("figure %s: %v", f.Name, err)
		}
		written = append(written, path)
	}
	details, err := json.Marshal(rep.Details)
	if err != nil {
		return errorf("the %s report's details cannot be written as JSON: %v", k.Name, err)
	}
	res := struct {
		Kind     string          `json:"kind"`
		Unit     string          `json:"unit"`
		Step     int             `json:"step"`
		Total    int             `json:"total"`
		Note     string          `json:"note,omitempty"`
		Metrics  []jsonValue     `json:"metrics"`
		Progress []jsonValue     `json:"progress"`
		Notes    []string        `json:"notes,omitempty"`
		Tables   []string        `json:"tables,omitempty"`
		Figures  []string        `json:"figures,omitempty"`
		Details  json.RawMessage `json:"details,omitempty"`
	}{Kind: k.Name, Unit: p.Unit, Step: p.Step, Total: p.Total, Note: p.Note, Metrics: jsonValues(rep.Metrics), Progress: jsonValues(p.Values), Notes: rep.Notes, Details: details}
	for _, t := range rep.Tables {
		res.Tables = append(res.Tables, prefix+t.Name+".csv")
	}
	for _, f := range rep.Figures {
		res.Figures = append(res.Figures, prefix+f.Name+".png")
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, results)
	if err := writeAtomic(path, func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err }); err != nil {
		return err
	}
	written = append(written, path)
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(written, ", "))
	return nil
}

// kindCheckpoint reads a checkpoint's kind without rebuilding it: series
// checkpoints go to the series code, the others to the registry.
func kindCheckpoint(path string) (string, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, errorf("cannot read checkpoint: %v", err)
	}
	name, err := runkind.CheckpointKind(b)
	if err != nil {
		return "", nil, errorf("%s: %v", path, err)
	}
	return name, b, nil
}

// evalKind is rnnlab eval for a checkpoint of a kind other than series:
// the kind's evaluation, printed, and written with --json FILE (its tables
// and figures beside it as FILE's stem + "-" + name: eval.json,
// eval-performance.png).
func evalKind(path string, b []byte, jsonPath string, stdout io.Writer) error {
	tr, k, err := runkind.Resume(b, runkind.Env{ReadFile: os.ReadFile, Workers: runtime.GOMAXPROCS(0)})
	if err != nil {
		return errorf("%s: %v", path, err)
	}
	rep, err := tr.Evaluate()
	if err != nil {
		return errorf("%s: evaluation: %v", path, err)
	}
	p := tr.Progress()
	fmt.Fprintf(stdout, "%s run at %s %d of %d: %s\n", k.Name, p.Unit, p.Step, p.Total, valuesLine(rep.Metrics))
	for _, n := range rep.Notes {
		fmt.Fprintln(stdout, n)
	}
	if jsonPath == "" {
		return nil
	}
	base := filepath.Base(jsonPath)
	return writeReport(stdout, filepath.Dir(jsonPath), strings.TrimSuffix(base, filepath.Ext(base))+"-", base, k, p, rep)
}

// otherKind says whether rnnlab train was asked for a run of another kind
// than series: a run file naming one, or (--resume) a checkpoint of one.
func otherKind(given map[string]bool, configPath, outDir string, resume bool) (*runkind.Kind, []byte, error) {
	if resume && configPath == "" {
		b, err := os.ReadFile(filepath.Join(outDir, checkpointName))
		if err != nil {
			return nil, nil, nil // rnnlab train reports it
		}
		name, err := runkind.CheckpointKind(b)
		if err != nil || name == runkind.DefaultKind {
			return nil, nil, nil
		}
		k, err := runkind.Lookup(name)
		if err != nil {
			return nil, nil, errorf("%s: checkpoint of a %s run, which this build does not know", filepath.Join(outDir, checkpointName), name)
		}
		return k, nil, nil
	}
	if configPath == "" || given["run"] || isSweepFile(configPath) {
		return nil, nil, nil
	}
	b, err := os.ReadFile(configPath)
	if err != nil {
		return nil, nil, nil // rnnlab train reports it
	}
	k, err := runKindOf(b, configPath)
	if err != nil || k.Name == runkind.DefaultKind {
		return nil, nil, err
	}
	return k, b, nil
}

// trainKind is rnnlab train with a run file (or a checkpoint) of another
// kind than series: the kind's driver, with train's --out, --resume,
// --quiet and --stop-at; train's other flags are the series run's.
func trainKind(k *runkind.Kind, b []byte, fs *flag.FlagSet, given map[string]bool, configPath, outDir string, resume, quiet bool, stopAt int, stdout, stderr io.Writer) error {
	var series []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "config", "out", "resume", "quiet", "stop-at", "run":
		default:
			series = append(series, "--"+f.Name)
		}
	})
	what := "this is a " + k.Name + " run file"
	if b == nil {
		what = "the checkpoint is of a " + k.Name + " run"
	}
	if len(series) > 0 {
		hint := "set them in the run file's \"" + k.Name + "\" section"
		if k.Command != "" {
			hint += ", or use 'rnnlab " + k.Command + "', whose flags set them"
		}
		return flagError{fmt.Errorf("%s: %s are flags of series runs; %s", what, strings.Join(series, ", "), hint)}
	}
	opt := kindOptions{config: configPath, out: outDir, resume: resume, quiet: quiet, stopAt: stopAt, workers: runtime.GOMAXPROCS(0),
		saveEvery: time.Minute, given: given, flagValues: map[string]string{}, command: "train", stdout: stdout, stderr: stderr}
	if resume {
		return resumeKind(nil, opt)
	}
	spec, err := k.DecodeSection(b)
	if err != nil {
		return decodeErrorIn("run file", configPath, err)
	}
	return startKind(k, spec, opt)
}
