package main

import (
	"github.com/rnnlab/rnnlab/cmd/internal/cuda"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// onDevice moves md's latent model to the device named by --device: "cpu"
// (or empty) leaves it as it is; "cuda" replaces a dendritic PLRNN by
// cuda.Dendritic and a shallow one (shplrnn, clipped-shplrnn) by
// cuda.Shallow, the same parameters with the training tape on the GPU
// (docs/gpu.md). It returns a function that frees the device memory. A
// build without the cuda tag, a machine without a usable device and a model
// family the device does not run are each refused with a message.
func onDevice(device string, md *Model) (release func(), err error) {
	release = func() {}
	switch device {
	case "", "cpu":
		return release, nil
	case "cuda":
	default:
		return release, flagErrorf("device", "%q: choose cpu or cuda", device)
	}
	if err := cuda.CheckDevice(device); err != nil {
		return release, errorf("%v", err)
	}
	switch m := md.Latent.(type) {
	case *plrnn.Dendritic:
		cd, err := cuda.NewDendritic(plrnn.Config{M: m.Dim(), K: m.InputDim(), Bases: m.B, Clipped: m.Clipped}, nil)
		if err != nil {
			return release, errorf("--device cuda: %v", err)
		}
		copy(cd.Params(), m.Params())
		md.Latent = cd
		return cd.Close, nil
	case *plrnn.Shallow:
		cs, err := cuda.NewShallow(plrnn.Config{M: m.Dim(), K: m.InputDim(), Hidden: m.L, Clipped: m.Clipped}, nil)
		if err != nil {
			return release, errorf("--device cuda: %v", err)
		}
		copy(cs.Params(), m.Params())
		md.Latent = cs
		return cs.Close, nil
	}
	return release, errorf("--device cuda: only the dendritic PLRNN (dendplrnn, clipped-dendplrnn) and the shallow PLRNN (shplrnn, clipped-shplrnn) train on the device so far; this run's model is %T: train it with --device cpu", md.Latent)
}
