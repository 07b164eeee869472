package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

func cmdEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint file (required)")
	jsonOut := fs.String("json", "", "also write the metrics as JSON to this file")
	data := fs.String("data", "", "evaluate on this series instead of the checkpoint's held-out data (.npy/.npz, z-scored like training)")
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
	m := evaluate(md, test, ck.Config.Eval)
	fmt.Fprintf(stdout, "%s (step %d) on %s, %d steps:\n  %s\n", *ckpt, ck.Step, test.Name, m.Steps, m.Long())
	if *jsonOut != "" {
		return writeAtomic(*jsonOut, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(m)
		})
	}
	return nil
}

func cmdConfig(stdout io.Writer) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(DefaultConfig())
}

var _ = os.Stdout
