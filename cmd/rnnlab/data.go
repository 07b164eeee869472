package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/npy"
)

// Series is a multivariate time series, row-major T×N.
type Series struct {
	X    []float64
	N    int
	Name string
}

// Rows is the number of time points.
func (s Series) Rows() int { return len(s.X) / s.N }

// loadSeries makes or reads the series a data config names, standardised
// unless zscore is false.
func loadSeries(c DataConfig) (Series, error) {
	var s Series
	switch strings.ToLower(c.Source) {
	case "lorenz63", "lorenz":
		if c.Steps < 2 || c.Dt <= 0 {
			return s, errorf("data.steps must be ≥ 2 and data.dt > 0 for a generated series")
		}
		s = Series{X: dataset.Lorenz63Data(c.Steps, c.Dt, c.Seed), N: 3, Name: fmt.Sprintf("Lorenz-63 (%d steps, dt=%g, seed %d)", c.Steps, c.Dt, c.Seed)}
	case "rossler", "rössler":
		if c.Steps < 2 || c.Dt <= 0 {
			return s, errorf("data.steps must be ≥ 2 and data.dt > 0 for a generated series")
		}
		s = Series{X: dataset.RosslerData(c.Steps, c.Dt, c.Seed), N: 3, Name: fmt.Sprintf("Rössler (%d steps, dt=%g, seed %d)", c.Steps, c.Dt, c.Seed)}
	case "":
		return s, errorf("data.source is empty: give lorenz63, rossler, or the path of a .npy/.npz file")
	default:
		var err error
		if s, err = readSeriesFile(c.Source, c.Array); err != nil {
			return s, err
		}
	}
	if c.ZScore == nil || *c.ZScore {
		if err := zscore(s); err != nil {
			return s, err
		}
	}
	return s, nil
}

// readSeriesFile reads a T×N array from a .npy or .npz file and checks it.
func readSeriesFile(path, member string) (Series, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return Series{}, errorf("data file %s does not exist (data.source must be lorenz63, rossler, or a path to a .npy/.npz file)", path)
		}
		return Series{}, errorf("cannot read data file: %v", err)
	}
	var a *npy.Array
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		if a, err = npy.Read(bytes.NewReader(b)); err != nil {
			return Series{}, errorf("%s: %v", path, err)
		}
	case ".npz":
		arrays, err := npy.ReadNPZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return Series{}, errorf("%s: %v", path, err)
		}
		names := make([]string, 0, len(arrays))
		for k := range arrays {
			names = append(names, k)
		}
		sort.Strings(names)
		if len(names) == 0 {
			return Series{}, errorf("%s holds no arrays", path)
		}
		if member == "" {
			member = names[0]
		}
		if a = arrays[member]; a == nil {
			return Series{}, errorf("%s has no array %q (it has: %s)", path, member, strings.Join(names, ", "))
		}
	default:
		return Series{}, errorf("%s: unknown file type %q (want .npy or .npz)", path, filepath.Ext(path))
	}
	var n int
	switch len(a.Shape) {
	case 1:
		n = 1
	case 2:
		n = a.Shape[1]
	default:
		return Series{}, errorf("%s: array has shape %v; want a time series of shape (T, N)", path, a.Shape)
	}
	if n < 1 || len(a.Data)/n < 2 {
		return Series{}, errorf("%s: array has shape %v; want at least 2 time points and 1 dimension", path, a.Shape)
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Series{}, errorf("%s: non-finite value %v at row %d, column %d; clean or interpolate the data first", path, v, i/n, i%n)
		}
	}
	return Series{X: a.Data, N: n, Name: filepath.Base(path)}, nil
}

// zscore standardises every column in place.
func zscore(s Series) error {
	T := s.Rows()
	for j := 0; j < s.N; j++ {
		var mean float64
		for t := 0; t < T; t++ {
			mean += s.X[t*s.N+j]
		}
		mean /= float64(T)
		var v float64
		for t := 0; t < T; t++ {
			d := s.X[t*s.N+j] - mean
			v += d * d
		}
		sd := math.Sqrt(v / float64(T-1))
		if sd == 0 {
			return errorf("column %d of %s is constant; it cannot be standardised (drop it, or set \"zscore\": false)", j, s.Name)
		}
		for t := 0; t < T; t++ {
			s.X[t*s.N+j] = (s.X[t*s.N+j] - mean) / sd
		}
	}
	return nil
}

// split cuts the series into a training head and a held-out tail.
func split(s Series, testFraction float64) (train, test Series) {
	T := s.Rows()
	nTest := int(testFraction * float64(T))
	cut := (T - nTest) * s.N
	train = Series{X: s.X[:cut:cut], N: s.N, Name: s.Name + " [train]"}
	test = Series{X: s.X[cut:], N: s.N, Name: s.Name + " [test]"}
	return train, test
}

// heldOut makes or reads the series a run config names and returns its
// held-out tail, the data generate, eval and analyze compare with.
func heldOut(c DataConfig) (Series, error) {
	series, err := loadSeries(c)
	if err != nil {
		return Series{}, err
	}
	_, test := split(series, c.TestFraction)
	return test, nil
}

// bounds returns the smallest and largest value of x.
func bounds(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
