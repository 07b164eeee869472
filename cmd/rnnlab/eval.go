package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

func cmdEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint file (required)")
	jsonOut := fs.String("json", "", "also write the metrics as JSON to this file")
	data := fs.String("data", "", "evaluate on this series instead of the checkpoint's held-out data (.npy/.npz, z-scored like training)")
	steps := fs.Int("steps", 0, "compare this many generated steps (default: eval.max_steps of the checkpoint's config, at most the held-out length)")
	transient := fs.Int("transient", -1, "generated steps discarded first (default: eval.transient of the config)")
	stsp := fs.String("stsp", "", "D_stsp estimator: gtf (the GTF paper's binning; alias binned), dendplrnn (the dendritic PLRNN paper's binning) or gmm (default: eval.stsp of the config)")
	protocol := fs.String("stsp-protocol", "", "D_stsp over one long free run (long) or the dendritic PLRNN paper's 100 runs from held-out points 0, L, 2L, … (dendplrnn) (default: eval.stsp_protocol of the config)")
	plotPath := fs.String("plot", "", "draw generated vs held-out traces (first coordinate, several beats) and the attractor (first three coordinates) to this PNG")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ckpt == "" {
		return usageError{errors.New("--checkpoint is required")}
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
	if *steps > 0 {
		ec.MaxSteps = *steps
	}
	if *transient >= 0 {
		ec.Transient = *transient
	}
	if *stsp != "" {
		if !slices.Contains(recipe.StspEstimators, *stsp) {
			return usageError{fmt.Errorf("--stsp %q: choose gtf, dendplrnn or gmm", *stsp)}
		}
		ec.Stsp = *stsp
	}
	if *protocol != "" {
		if *protocol != "long" && *protocol != "dendplrnn" {
			return usageError{fmt.Errorf("--stsp-protocol %q: choose long or dendplrnn", *protocol)}
		}
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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := recipe.Recipe(*name)
	if err != nil {
		return usageError{err}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(cfg)
}

var _ = os.Stdout
