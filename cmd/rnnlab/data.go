package main

import (
	"os"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// readDataFile is the command's recipe.ReadFunc: the file system, with the
// messages a user needs when a path is wrong.
func readDataFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, errorf("data file %s does not exist (data.source must be lorenz63, rossler, a path to a .npy/.npz/.csv file, or a WFDB record such as data/100 for data/100.hea and the signal file it names)", path)
		}
		return nil, errorf("cannot read data file: %v", err)
	}
	return b, nil
}

// loadSeries makes or reads the series a data config names.
func loadSeries(c DataConfig) (Series, error) {
	s, err := recipe.LoadSeries(c, readDataFile)
	if err != nil {
		return s, errorf("%v", err)
	}
	return s, nil
}

// heldOut returns the held-out tail of the series a run config names.
func heldOut(c DataConfig) (Series, error) {
	s, err := recipe.HeldOut(c, readDataFile)
	if err != nil {
		return s, errorf("%v", err)
	}
	return s, nil
}

var (
	split  = recipe.Split
	bounds = recipe.Bounds
)
