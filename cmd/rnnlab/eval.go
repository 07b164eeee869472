package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/rules/recipe"
	runkind "github.com/rnnlab/rnnlab/rules/run"
)

func cmdEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint file (required)")
	jsonOut := fs.String("json", "", "also write the metrics as JSON to this file")
	data := fs.String("data", "", "evaluate on this series instead of the checkpoint's held-out data: a .npy/.npz/.csv (or .txt) file or a WFDB record (data/100), prepared like the training data")
	steps := fs.Int("steps", 0, "compare this many generated steps, ≥ 1 (default: eval.max_steps of the checkpoint's config, at most the held-out length)")
	transient := fs.Int("transient", 0, "generated steps discarded first, ≥ 0 (default: eval.transient of the checkpoint's config)")
	stsp := fs.String("stsp", "", "D_stsp estimator: gtf (the GTF paper's binning; alias binned), dendplrnn (the dendritic PLRNN paper's binning) or gmm (default: eval.stsp of the checkpoint's config)")
	protocol := fs.String("stsp-protocol", "", "D_stsp over one long free run (long) or the dendritic PLRNN paper's 100 runs from held-out points 0, L, 2L, … (dendplrnn) (default: eval.stsp_protocol of the checkpoint's config)")
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
	if given["stsp"] && !slices.Contains(recipe.StspEstimators, *stsp) {
		return flagErrorf("stsp", "%q: choose gtf, dendplrnn or gmm", *stsp)
	}
	if given["stsp-protocol"] && *protocol != "long" && *protocol != "dendplrnn" {
		return flagErrorf("stsp-protocol", "%q: choose long or dendplrnn", *protocol)
	}
	if *ckpt == "" {
		return flagError{errors.New("--checkpoint is required")}
	}
	if kind, b, err := kindCheckpoint(*ckpt); err != nil {
		return err
	} else if kind != recipe.SeriesKind {
		var series []string
		for _, n := range []string{"data", "steps", "transient", "stsp", "stsp-protocol", "plot"} {
			if given[n] {
				series = append(series, "--"+n)
			}
		}
		if len(series) > 0 {
			return flagError{fmt.Errorf("%s is the checkpoint of a %s run: %s apply to series runs only; its evaluation is the kind's own (--json FILE writes it, with its tables and figures beside FILE)", *ckpt, kind, strings.Join(series, ", "))}
		}
		return evalKind(*ckpt, b, *jsonOut, stdout)
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
	if given["stsp-protocol"] {
		ec.StspProtocol = *protocol
	}
	m := evaluate(md, test, ec)
	which := fmt.Sprintf("step %d", ck.ParamsStep)
	if ck.ParamsStep != ck.Step {
		which = fmt.Sprintf("the selected step %d of %d trained", ck.ParamsStep, ck.Step)
	}
	fmt.Fprintf(stdout, "%s (%s) on %s, %d steps after a transient of %d, D_stsp %s (%s protocol):\n  %s\n", *ckpt, which, test.Name, m.Steps, m.Transient, m.Estimator, m.Protocol, m.Long())
	if !math.IsNaN(m.DstspGTF) {
		fmt.Fprintf(stdout, "  D_stsp binned: %.4f (GTF paper's estimator), %.4f (dendritic PLRNN paper's)\n", m.DstspGTF, m.DstspDend)
	}
	var lastM *Metrics
	if ck.LastModel != nil {
		// The last trained step's parameters, which the selection replaced.
		sel, selObs := slices.Clone(md.Latent.Params()), slices.Clone(md.Obs.Params())
		copy(md.Latent.Params(), ck.LastModel)
		copy(md.Obs.Params(), ck.LastObs)
		lm := evaluate(md, test, ec)
		lastM = &lm
		copy(md.Latent.Params(), sel)
		copy(md.Obs.Params(), selObs)
		fmt.Fprintf(stdout, "  last step %d (not selected): %s\n", ck.Step, lm.Long())
	}
	fmt.Fprintf(stdout, "  optimizer state: of %s\n", ck.OptimizerOf())
	if b := m.Behaviour; b != nil {
		fmt.Fprintf(stdout, "  behaviour: %s — %s\n", b.Verdict(), b.Words)
	}
	if *plotPath != "" {
		gen, _ := md.Generate(test.X[:test.N], ec.Transient+m.Steps, false)
		if err := plotTraces(*plotPath, test.X[test.N:(m.Steps+1)*test.N], gen[ec.Transient*test.N:], test.N, m.Behaviour); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *plotPath)
	}
	if *jsonOut != "" {
		// The metrics of the checkpoint's model at the top level, with the
		// step its parameters are and, after a selection, the last step's.
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			return err
		}
		out["params_step"], out["trained_steps"] = ck.ParamsStep, ck.Step
		if lastM != nil {
			out["last"] = map[string]any{"step": ck.Step, "metrics": *lastM}
		}
		return writeAtomic(*jsonOut, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		})
	}
	return nil
}

func cmdConfig(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("config", stderr)
	name := fs.String("recipe", "lorenz63", "the recipe to print: lorenz63, ecg, ecg-gtf, ecg-dend")
	kind := fs.String("kind", "", "print instead the default run file of this kind of run ('rnnlab kinds' lists them)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	given := flagsGiven(fs)
	if err := firstError(notEmpty(given, "kind", *kind), exclusive(given, "kind", "recipe")); err != nil {
		return err
	}
	if given["kind"] && *kind != recipe.SeriesKind {
		k, err := runkind.Lookup(*kind)
		if err != nil {
			return flagError{fmt.Errorf("--kind: %v", err)}
		}
		doc, err := k.Encode(k.New())
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", doc)
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
