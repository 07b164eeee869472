package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/npy"
)

func cmdGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", stderr)
	ckpt := fs.String("checkpoint", "", "checkpoint file (required)")
	steps := fs.Int("steps", 100000, "number of steps to generate")
	out := fs.String("out", "generated.npy", "output .npy file of observations (steps × N)")
	latents := fs.String("latents", "", "also write the latent states (steps × M) to this .npy file")
	plot := fs.String("plot", "", "also draw the run against the held-out data to this PNG: x₁ over all steps, the return map of successive maxima, the distribution of x₁")
	start := fs.Int("start", 0, "index of the held-out data point the trajectory starts from")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	given := flagsGiven(fs)
	if err := firstError(
		notEmpty(given, "checkpoint", *ckpt), notEmpty(given, "latents", *latents), notEmpty(given, "plot", *plot),
		intAtLeast("steps", *steps, 1), intAtLeast("start", *start, 0),
	); err != nil {
		return err
	}
	if *ckpt == "" {
		return flagError{errors.New("--checkpoint is required")}
	}
	if !strings.HasSuffix(*out, ".npy") {
		return flagErrorf("out", "%s: the trajectory is written as .npy; give a name ending in .npy", *out)
	}
	if *latents != "" && !strings.HasSuffix(*latents, ".npy") {
		return flagErrorf("latents", "%s: the latent states are written as .npy; give a name ending in .npy", *latents)
	}
	ck, md, err := readCheckpoint(*ckpt)
	if err != nil {
		return err
	}
	test, err := heldOut(ck.Config.Data)
	if err != nil {
		return err
	}
	if *start < 0 || *start >= test.Rows() {
		return flagErrorf("start", "%d is outside the held-out data (0 … %d)", *start, test.Rows()-1)
	}
	x0 := test.X[*start*test.N : (*start+1)*test.N]
	gen, zs := md.Generate(x0, *steps, *latents != "")
	if err := writeNPY(*out, gen, test.N); err != nil {
		return err
	}
	if *latents != "" {
		_, m := md.Obs.Dims()
		if err := writeNPY(*latents, zs, m); err != nil {
			return err
		}
	}
	if *plot != "" {
		if err := plotLong(*plot, test.X, gen, test.N); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %d steps × %d dims to %s\n", *steps, test.N, *out)
	return nil
}

// writeNPY writes a row-major rows×n float64 array atomically.
func writeNPY(path string, x []float64, n int) error {
	a := &npy.Array{Shape: []int{len(x) / n, n}, Data: x}
	return writeAtomic(path, func(w io.Writer) error { return npy.Write(w, a, "<f8") })
}
