package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

const checkpointName = "checkpoint.safetensors"

func cmdTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", stderr)
	configPath := fs.String("config", "", "JSON config file, read over the recipe (default: the built-in Lorenz-63 recipe; see 'rnnlab config')")
	recipeName := fs.String("recipe", "", "start from a named recipe: lorenz63 (default), ecg, ecg-gtf, ecg-dend (see 'rnnlab config --recipe NAME')")
	outDir := fs.String("out", "out/run", "directory for the checkpoint, metrics, plots and trajectories")
	resume := fs.Bool("resume", false, "continue from DIR/"+checkpointName+" (its stored config is used)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	device := fs.String("device", "cpu", "where the training step runs: cpu, or cuda (a dendritic or shallow PLRNN; needs a build with -tags cuda and a GPU, docs/gpu.md)")
	model := fs.String("model", "", "set model.kind: "+strings.Join(recipe.ModelKinds, ", "))
	latents := fs.Int("latents", 0, "set model.latents (≥ 1)")
	steps := fs.Int("steps", 0, "set train.steps (≥ 1; with --resume: extend the run)")
	seed := fs.Uint64("seed", 0, "set train.seed")
	data := fs.String("data", "", "set data.source: lorenz63, rossler, a .npy/.npz/.csv (or .txt) file of a (T, N) series, or a WFDB record (data/100 or data/100.hea, with the signal file the header names)")
	forcing := fs.String("forcing", "", "set train.forcing: sparse, generalized or none")
	lr := fs.Float64("lr", 0, "set train.lr (> 0)")
	evalEvery := fs.Int("eval-every", 0, "set train.eval_every: steps between evaluations (≥ 0; 0: only at the end)")
	stopAt := fs.Int("stop-at", 0, "save a checkpoint and stop after this many steps (≥ 1), as if interrupted (resume later with --resume)")
	runIndex := fs.Int("run", 0, "with a sweep file as --config (DIR/sweep.json): train its run N into DIR/runs/NNN (resumes it if interrupted, does nothing if finished)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Every flag typed is applied or refused: whether it was typed comes
	// from flagsGiven, so 0 is a value like any other, never "no override".
	given := flagsGiven(fs)
	if err := firstError(
		notEmpty(given, "model", *model), notEmpty(given, "data", *data), notEmpty(given, "forcing", *forcing),
		notEmpty(given, "config", *configPath), notEmpty(given, "recipe", *recipeName), notEmpty(given, "out", *outDir),
		when(given["latents"], intAtLeast("latents", *latents, 1)),
		when(given["steps"], intAtLeast("steps", *steps, 1)),
		intAtLeast("eval-every", *evalEvery, 0),
		when(given["stop-at"], intAtLeast("stop-at", *stopAt, 1)),
		when(given["lr"], floatPositive("lr", *lr)),
	); err != nil {
		return err
	}
	if k, b, err := otherKind(given, *configPath, *outDir, *resume); err != nil {
		return err
	} else if k != nil {
		return trainKind(k, b, fs, given, *configPath, *outDir, *resume, *quiet, *stopAt, stdout, stderr)
	}
	sweepPath := *configPath
	if given["run"] {
		cfgPath, out, state, err := sweepTrainRun(fs, *configPath, *runIndex)
		if err != nil {
			return err
		}
		if state == stateFinished {
			fmt.Fprintf(stdout, "run %d of %s is already finished (%s); nothing to do\n", *runIndex, *configPath, out)
			return nil
		}
		*configPath, *outDir, *resume = cfgPath, out, state == stateInterrupted
		if b, err := os.ReadFile(cfgPath); err == nil {
			if k, err := runKindOf(b, cfgPath); err != nil {
				return err
			} else if k.Name != recipe.SeriesKind {
				return trainKind(k, b, fs, given, cfgPath, out, *resume, *quiet, *stopAt, stdout, stderr)
			}
		}
	} else if isSweepFile(*configPath) {
		return usageError{fmt.Errorf("%s is a sweep file: choose one of its runs with --run N", *configPath)}
	} else if *resume {
		var fixed []string
		for _, name := range []string{"config", "recipe", "model", "latents", "data", "seed"} {
			if given[name] {
				fixed = append(fixed, "--"+name)
			}
		}
		if len(fixed) > 0 {
			return flagError{fmt.Errorf("--resume continues the run stored in the checkpoint, so %s cannot change it; only --steps, --lr, --forcing, --eval-every, --stop-at and --quiet may go with --resume", strings.Join(fixed, ", "))}
		}
	}
	ckptPath := filepath.Join(*outDir, checkpointName)

	var cfg Config
	var ck *Checkpoint
	var md Model
	var err error
	if *resume {
		if ck, md, err = readCheckpoint(ckptPath); err != nil {
			return err
		}
		cfg = ck.Config
	} else {
		cfg = DefaultConfig()
		if *recipeName != "" {
			if cfg, err = recipe.Recipe(*recipeName); err != nil {
				return flagError{fmt.Errorf("--recipe: %v", err)}
			}
		}
		if *configPath != "" {
			if cfg, err = loadConfigOver(cfg, *configPath); err != nil {
				return err
			}
		}
		if _, err := os.Stat(ckptPath); err == nil {
			return errorf("%s already holds a checkpoint; continue it with --resume, or choose another --out", *outDir)
		}
	}
	if given["model"] {
		cfg.Model.Kind = *model
	}
	if given["latents"] {
		cfg.Model.Latents = *latents
	}
	if given["steps"] {
		if *resume && *steps < ck.Step {
			return flagErrorf("steps", "%d is below the checkpoint's step %d: give at least %d to continue", *steps, ck.Step, ck.Step)
		}
		cfg.Train.Steps = *steps
	}
	if given["seed"] {
		cfg.Train.Seed = *seed
	}
	if given["data"] {
		cfg.Data.Source = *data
	}
	if given["forcing"] {
		cfg.Train.Forcing = *forcing
	}
	if given["lr"] {
		cfg.Train.LR = *lr
	}
	if given["eval-every"] {
		cfg.Train.EvalEvery = *evalEvery
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}

	series, err := loadSeries(cfg.Data)
	if err != nil {
		return err
	}
	train, validation, test := recipe.Parts(series, cfg.Data)
	if !*resume {
		lo, hi := bounds(train.X)
		if md, err = buildModel(cfg.Model, series.N, lo, hi, cfg.Train.Seed, true); err != nil {
			return err
		}
	} else if ck.ObsDim != series.N {
		return errorf("the checkpoint was trained on %d-dimensional data, but the data now has %d dimensions", ck.ObsDim, series.N)
	}
	release, err := onDevice(*device, &md)
	if err != nil {
		return err
	}
	defer release()
	tr, err := recipe.NewTrainer(cfg, md, train)
	if err != nil {
		return errorf("%v", err)
	}
	var losses []float64
	var history []evalRecord
	if *resume {
		if err := ck.Resume(tr); err != nil {
			return errorf("%s: %v", ckptPath, err)
		}
		losses = append(losses, ck.Loss...)
		history = append(history, ck.History...)
		fmt.Fprintf(stdout, "resuming %s at step %d of %d\n", ckptPath, ck.Step, cfg.Train.Steps)
	}
	fmt.Fprintf(stdout, "data: %s, %d train / %d validation / %d test steps, %d dims\n", series.Name, train.Rows(), validation.Rows(), test.Rows(), series.N)
	if series.Prep != nil {
		fmt.Fprintf(stdout, "preprocessing: %s\n", prepLine(cfg.Data, *series.Prep))
	}
	fmt.Fprintf(stdout, "model: %s, %d latents, %d parameters; %s forcing, %d steps\n",
		cfg.Model.Kind, cfg.Model.Latents, len(md.Latent.Params())+len(md.Obs.Params()), cfg.Train.Forcing, cfg.Train.Steps)

	// Model selection (recipe.Selector): at every evaluation the
	// free-running model is also scored on the validation part, and the
	// parameters of the best step are kept; the test part never chooses.
	selecting := cfg.Train.SelectBest && cfg.Train.EvalEvery > 0
	var selector *recipe.Selector
	if selecting {
		selector = recipe.NewSelector(cfg, train, validation)
		if *resume {
			selector.Restore(ck.Selected, md)
		}
	}
	// One evaluator per series: what depends on the data alone (its power
	// spectra) is computed once for all the periodic evaluations.
	evalTest := recipe.NewEvaluator(test, cfg.Eval)
	consider := func(rec *evalRecord) {
		if selecting {
			c := selector.Consider(rec.Step, md)
			rec.Validation = &c
		}
	}
	selected := func() selection {
		if selecting {
			return selector.Best
		}
		return selection{Step: -1}
	}
	// The last step's parameters, once the selected ones have replaced
	// them at the end of the run.
	var lastModel, lastObs []float64
	save := func() error {
		c, err := recipe.Snapshot(cfg, series.N, md, tr, losses, selected())
		if err != nil {
			return err
		}
		c.History = history
		if lastModel != nil {
			c.ParamsStep, c.LastModel, c.LastObs = selector.Best.Step, lastModel, lastObs
		}
		return writeAtomic(ckptPath, c.Encode)
	}

	// SIGINT (Ctrl-C) and SIGTERM (kill, scancel, a Slurm time limit or
	// its --signal ahead of it) both end the run at the next step boundary
	// with a checkpoint; the exit status says which (130, 143).
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupts)
	bar := newProgress(stderr, cfg.Train.Steps, *quiet)
	status := ""
	for tr.Steps() < cfg.Train.Steps {
		if *stopAt > 0 && tr.Steps() >= *stopAt {
			bar.done()
			if err := save(); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "stopped at step %d of %d as asked; continue with 'rnnlab train --out %s --resume'\n", tr.Steps(), cfg.Train.Steps, *outDir)
			return nil
		}
		select {
		case sig := <-interrupts:
			bar.done()
			if err := save(); err != nil {
				return fmt.Errorf("interrupted by %s at step %d, and saving the checkpoint failed: %w", signalName(sig), tr.Steps(), err)
			}
			return interruptedError{sig, fmt.Sprintf("interrupted by %s at step %d of %d; the checkpoint %s is saved: continue with '%s'",
				signalName(sig), tr.Steps(), cfg.Train.Steps, ckptPath, resumeCommand(given["run"], sweepPath, *runIndex, *outDir))}
		default:
		}
		loss, err := tr.Step()
		if err != nil {
			bar.done()
			return errorf("%v\nthe last checkpoint (if any) is %s", err, ckptPath)
		}
		losses = append(losses, loss)
		s := tr.Steps()
		if cfg.Train.EvalEvery > 0 && s%cfg.Train.EvalEvery == 0 && s < cfg.Train.Steps {
			m := evalTest.Evaluate(md)
			rec := evalRecord{Step: s, Metrics: m}
			consider(&rec)
			history = append(history, rec)
			status = m.Short()
			bar.println(fmt.Sprintf("step %d: loss %.4g, %s", s, loss, m.Short()))
		}
		if cfg.Train.CheckpointEvery > 0 && s%cfg.Train.CheckpointEvery == 0 && s < cfg.Train.Steps {
			if err := save(); err != nil {
				return err
			}
		}
		bar.update(s, loss, tr.Alpha, status)
	}
	bar.done()
	// The last step: its held-out metrics, then (selecting) its score, and
	// the selected parameters replace it; the checkpoint keeps both.
	lastRec := evalRecord{Step: tr.Steps(), Metrics: evalTest.Evaluate(md)}
	consider(&lastRec)
	history = append(recipe.HistoryBefore(history, lastRec.Step), lastRec)
	selRec := lastRec
	if selecting {
		best := selector.Best
		if best.Step != tr.Steps() {
			lastModel, lastObs = slices.Clone(md.Latent.Params()), slices.Clone(md.Obs.Params())
			copy(md.Latent.Params(), best.Model)
			copy(md.Obs.Params(), best.Obs)
			if r, ok := recipe.RecordAt(history, best.Step); ok {
				selRec = r
			} else { // an evaluation made before the history was kept
				selRec = evalRecord{Step: best.Step, Metrics: evalTest.Evaluate(md)}
			}
		}
		fmt.Fprintf(stdout, "selected the parameters of step %d of %d (on the %s part: D_stsp %.4g, D_H %.4g)\n", best.Step, tr.Steps(), best.On, best.Dstsp, best.DH)
	}
	if err := save(); err != nil {
		return err
	}
	if selRec.Step != lastRec.Step {
		fmt.Fprintf(stdout, "last step %d (held-out): %s\n", lastRec.Step, lastRec.Metrics.Long())
	}
	fmt.Fprintf(stdout, "final, step %d (held-out %d steps): %s\n", selRec.Step, selRec.Metrics.Steps, selRec.Metrics.Long())
	return writeRunOutputs(stdout, *outDir, md, test, losses, history, selRec, lastRec)
}

type evalRecord = recipe.EvalRecord

// writeRunOutputs writes the generated trajectory, the plots and, last,
// metrics.json: "final" and "selected" are the record of the parameters
// the checkpoint holds (the selected step's), "last" the last step's,
// "history" every evaluation of the run.
func writeRunOutputs(stdout io.Writer, dir string, md Model, test Series, losses []float64, history []evalRecord, selected, last evalRecord) error {
	gen, _ := md.Generate(test.X[:test.N], test.Rows()-1, false)
	if err := writeNPY(filepath.Join(dir, "generated.npy"), gen, test.N); err != nil {
		return err
	}
	if err := plotAttractor(filepath.Join(dir, "attractor.png"), test.X[test.N:], gen, test.N); err != nil {
		return err
	}
	if err := plotLoss(filepath.Join(dir, "loss.png"), losses, history); err != nil {
		return err
	}
	// metrics.json goes last: its presence is what marks a run finished
	// (runState), so a sweep gatherer or a Slurm watcher never sees a
	// finished run whose other outputs are still being written.
	if err := writeAtomic(filepath.Join(dir, "metrics.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"final": selected, "selected": selected, "last": last, "history": history})
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s/{%s, metrics.json, generated.npy, attractor.png, loss.png}\n", dir, checkpointName)
	return nil
}

// progress draws a progress bar with loss and ETA on a terminal, or prints a
// line every 10% elsewhere (logs, CI).
type progress struct {
	w        io.Writer
	total    int
	start    time.Time
	last     time.Time
	tty      bool
	quiet    bool
	nextLine int
	drawn    bool
}

func newProgress(w io.Writer, total int, quiet bool) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, total: total, start: time.Now(), tty: tty, quiet: quiet}
}

func (p *progress) update(step int, loss, alpha float64, status string) {
	if p.quiet {
		return
	}
	now := time.Now()
	frac := float64(step) / float64(p.total)
	el := now.Sub(p.start)
	eta := time.Duration(0)
	if frac > 0 {
		eta = time.Duration(float64(el) * (1 - frac) / frac)
	}
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && step < p.total {
			return
		}
		p.last = now
		const width = 30
		fill := int(frac * width)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < fill {
				bar[i] = '#'
			}
		}
		fmt.Fprintf(p.w, "\r[%s] %d/%d loss %.4g α %.3f %s ETA %s   ", bar, step, p.total, loss, alpha, status, eta.Round(time.Second))
		p.drawn = true
		return
	}
	if step >= p.nextLine || step == p.total {
		fmt.Fprintf(p.w, "step %d/%d (%.0f%%) loss %.4g α %.3f, %s elapsed, ETA %s\n", step, p.total, 100*frac, loss, alpha, el.Round(time.Second), eta.Round(time.Second))
		p.nextLine = step + max(1, p.total/10)
	}
}

func (p *progress) println(s string) {
	if p.quiet {
		return
	}
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintln(p.w, s)
}

func (p *progress) done() {
	if p.tty && p.drawn && !p.quiet {
		fmt.Fprintln(p.w)
	}
}

// signalName is a signal's conventional name.
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// resumeCommand is the command that continues an interrupted run.
func resumeCommand(sweepRun bool, sweepPath string, n int, outDir string) string {
	if sweepRun {
		return fmt.Sprintf("rnnlab train --config %s --run %d", shellQuote(sweepPath), n)
	}
	return fmt.Sprintf("rnnlab train --out %s --resume", shellQuote(outDir))
}
