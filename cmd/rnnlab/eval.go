package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

func cmdEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint file (required)")
	jsonOut := fs.String("json", "", "also write the metrics as JSON to this file")
	data := fs.String("data", "", "evaluate on this series instead of the checkpoint's held-out data: a .npy/.npz/.csv (or .txt) file or a WFDB record (data/100), prepared like the training data")
	steps := fs.Int("steps", 0, "compare this many generated steps, ≥ 1 (default: eval.max_steps of the checkpoint's config, at most the held-out length)")
	transient := fs.Int("transient", 0, "generated steps discarded first, ≥ 0 (default: eval.transient of the checkpoint's config)")
	stsp := fs.String("stsp", "", "D_stsp estimator: gmm or binned (default: eval.stsp of the checkpoint's config)")
	plotPath := fs.String("plot", "", "draw generated vs held-out traces (first coordinate, several beats) and the attractor (first three coordinates) to this PNG")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	given := flagsGiven(fs)
	if err := firstError(
		notEmpty(given, "checkpoint", *ckpt), notEmpty(given, "json", *jsonOut), notEmpty(given, "data", *data), notEmpty(given, "plot", *plotPath),
		when(given["steps"], intAtLeast("steps", *steps, 1)),
		intAtLeast("transient", *transient, 0),
	); err != nil {
		return err
	}
	if given["stsp"] && *stsp != "gmm" && *stsp != "binned" {
		return flagErrorf("stsp", "%q: choose gmm or binned", *stsp)
	}
	if *ckpt == "" {
		return flagError{errors.New("--checkpoint is required")}
	}
	ck, md, err := readCheckpoint(*ckpt)
	if err != nil {
		return err
	}
	var test Series
	if *data != "" {
		dc := ck.Config.Data
		dc.Source = *data
		if test, err = loadSeries(dc); err != nil {
			return err
		}
	} else {
		if test, err = heldOut(ck.Config.Data); err != nil {
			return err
		}
	}
	if test.N != ck.ObsDim {
		return errorf("the data has %d dimensions, the model %d", test.N, ck.ObsDim)
	}
	ec := ck.Config.Eval
	if given["steps"] {
		ec.MaxSteps = *steps
	}
	if given["transient"] {
		ec.Transient = *transient
	}
	if given["stsp"] {
		ec.Stsp = *stsp
	}
	m := evaluate(md, test, ec)
	fmt.Fprintf(stdout, "%s (step %d) on %s, %d steps after a transient of %d, D_stsp %s:\n  %s\n", *ckpt, ck.Step, test.Name, m.Steps, m.Transient, m.Estimator, m.Long())
	if b := m.Behaviour; b != nil {
		verdict := "reproduces the oscillation"
		switch {
		case b.Diverged:
			verdict = "DIVERGED"
		case b.Collapsed():
			verdict = "COLLAPSED"
		}
		fmt.Fprintf(stdout, "  behaviour: %s — %s\n", verdict, b.Words)
	}
	if *plotPath != "" {
		gen, _ := md.Generate(test.X[:test.N], ec.Transient+m.Steps, false)
		if err := plotTraces(*plotPath, test.X[test.N:(m.Steps+1)*test.N], gen[ec.Transient*test.N:], test.N, m.Behaviour); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *plotPath)
	}
	if *jsonOut != "" {
		return writeAtomic(*jsonOut, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(m)
		})
	}
	return nil
}

func cmdConfig(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("config", stderr)
	name := fs.String("recipe", "lorenz63", "the recipe to print: lorenz63, ecg, ecg-gtf, ecg-dend")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := recipe.Recipe(*name)
	if err != nil {
		return flagError{fmt.Errorf("--recipe: %v", err)}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(cfg)
}
