package recipe

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/npy"
)

// Series is a multivariate time series, row-major T×N.
type Series struct {
	X    []float64
	N    int
	Name string
	Prep *Prep // what the preprocessing of a recording chose (nil: none)
}

// Rows is the number of time points.
func (s Series) Rows() int { return len(s.X) / s.N }

// ReadFunc returns the bytes of a named data file; its error is reported
// as it is, so it should name the file and the problem.
type ReadFunc func(name string) ([]byte, error)

// LoadSeries makes or reads the series a data config names, standardised
// unless zscore is false. Generated sources (lorenz63, rossler) need no
// reader; any other source is a file name passed to read.
func LoadSeries(c DataConfig, read ReadFunc) (Series, error) {
	var s Series
	switch strings.ToLower(c.Source) {
	case "lorenz63", "lorenz":
		if c.Steps < 2 || c.Dt <= 0 {
			return s, errors.New("data.steps must be ≥ 2 and data.dt > 0 for a generated series")
		}
		s = Series{X: dataset.Lorenz63Data(c.Steps, c.Dt, c.Seed), N: 3, Name: fmt.Sprintf("Lorenz-63 (%d steps, dt=%g, seed %d)", c.Steps, c.Dt, c.Seed)}
	case "rossler", "rössler":
		if c.Steps < 2 || c.Dt <= 0 {
			return s, errors.New("data.steps must be ≥ 2 and data.dt > 0 for a generated series")
		}
		s = Series{X: dataset.RosslerData(c.Steps, c.Dt, c.Seed), N: 3, Name: fmt.Sprintf("Rössler (%d steps, dt=%g, seed %d)", c.Steps, c.Dt, c.Seed)}
	case "":
		return s, errors.New("data.source is empty: give lorenz63, rossler, the path of a .npy/.npz/.csv file, or a WFDB record (data/100 for data/100.hea)")
	default:
		if read == nil {
			return s, fmt.Errorf("data.source %q is a file, and no file can be read here", c.Source)
		}
		if IsWFDB(c.Source) {
			x, fs, name, err := LoadWFDB(c, read)
			if err != nil {
				return s, err
			}
			e, n, p, err := Preprocess(x, fs, c)
			if err != nil {
				return s, err
			}
			s = Series{X: e, N: n, Name: name, Prep: &p}
			break
		}
		b, err := read(c.Source)
		if err != nil {
			return s, err
		}
		if s, err = ParseSeries(c.Source, b, c.Array); err != nil {
			return s, err
		}
		if c.preprocessing() {
			if s.N != 1 {
				return s, fmt.Errorf("%s has %d columns; baseline removal, resampling and embedding apply to a single recorded signal", c.Source, s.N)
			}
			e, n, p, err := Preprocess(s.X, 0, c)
			if err != nil {
				return s, err
			}
			s = Series{X: e, N: n, Name: s.Name, Prep: &p}
		}
	}
	if c.ZScore == nil || *c.ZScore {
		rows := s.Rows()
		if c.ZScoreStats != "all" {
			rows, _, _ = c.PartRows(s.Rows())
		}
		if err := ZScoreFrom(s, rows); err != nil {
			return s, err
		}
	}
	return s, nil
}

// ParseSeries decodes a T×N series from the bytes of a .npy, .npz or CSV
// file (told apart by the name's extension) and checks it: at least two
// time points, no NaN or infinity. For .npz, member names the array (empty:
// the first by name). Errors name the file.
func ParseSeries(name string, b []byte, member string) (Series, error) {
	var a *npy.Array
	var err error
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".npy":
		if a, err = npy.Read(bytes.NewReader(b)); err != nil {
			return Series{}, fmt.Errorf("%s: %v", name, err)
		}
	case ".npz":
		arrays, err := npy.ReadNPZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return Series{}, fmt.Errorf("%s: %v", name, err)
		}
		names := make([]string, 0, len(arrays))
		for k := range arrays {
			names = append(names, k)
		}
		sort.Strings(names)
		if len(names) == 0 {
			return Series{}, fmt.Errorf("%s holds no arrays", name)
		}
		if member == "" {
			member = names[0]
		}
		if a = arrays[member]; a == nil {
			return Series{}, fmt.Errorf("%s has no array %q (it has: %s)", name, member, strings.Join(names, ", "))
		}
	case ".csv", ".txt":
		if a, err = parseCSV(b); err != nil {
			return Series{}, fmt.Errorf("%s: %v", name, err)
		}
	default:
		return Series{}, fmt.Errorf("%s: unknown file type %q (want .npy, .npz or .csv)", name, ext)
	}
	var n int
	switch len(a.Shape) {
	case 1:
		n = 1
	case 2:
		n = a.Shape[1]
	default:
		return Series{}, fmt.Errorf("%s: array has shape %v; want a time series of shape (T, N)", name, a.Shape)
	}
	if n < 1 || len(a.Data)/n < 2 {
		return Series{}, fmt.Errorf("%s: array has shape %v; want at least 2 time points and 1 dimension", name, a.Shape)
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Series{}, fmt.Errorf("%s: non-finite value %v at row %d, column %d; clean or interpolate the data first", name, v, i/n, i%n)
		}
	}
	return Series{X: a.Data, N: n, Name: path.Base(name)}, nil
}

// parseCSV reads rows of comma-separated numbers; a first line that is not
// numeric is taken as a header. Every row must have the same width.
func parseCSV(b []byte) (*npy.Array, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.TrimLeadingSpace = true
	r.Comment = '#'
	r.FieldsPerRecord = -1
	var data []float64
	n, rows := 0, 0
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a CSV table: %v", err)
		}
		row := make([]float64, len(rec))
		numeric := true
		for j, f := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				if rows == 0 && line == 1 {
					numeric = false
					break
				}
				return nil, fmt.Errorf("line %d, column %d: %q is not a number", line, j+1, f)
			}
			row[j] = v
		}
		if !numeric {
			continue // a header line
		}
		if rows == 0 {
			n = len(row)
		} else if len(row) != n {
			return nil, fmt.Errorf("line %d has %d columns, the first row has %d", line, len(row), n)
		}
		data = append(data, row...)
		rows++
	}
	if rows == 0 {
		return nil, errors.New("no numeric rows")
	}
	return &npy.Array{Shape: []int{rows, n}, Data: data}, nil
}

// ZScore standardises every column of s in place with its own mean and
// standard deviation (divisor T−1).
func ZScore(s Series) error { return ZScoreFrom(s, s.Rows()) }

// ZScoreFrom standardises every column of s in place, (x − mean)/sd, with
// the mean and standard deviation (divisor rows−1) of its first rows rows
// only: the training part, so that the validation and test parts, which
// follow it, do not leak into the data a model is trained on. It fails for
// rows < 2 or a column constant over them.
func ZScoreFrom(s Series, rows int) error {
	if rows < 2 || rows > s.Rows() {
		return fmt.Errorf("%s: z-scoring needs a training part of at least 2 of its %d time points (have %d): lower data.test_fraction or data.validation_fraction", s.Name, s.Rows(), rows)
	}
	T := s.Rows()
	for j := 0; j < s.N; j++ {
		var mean float64
		for t := 0; t < rows; t++ {
			mean += s.X[t*s.N+j]
		}
		mean /= float64(rows)
		var v float64
		for t := 0; t < rows; t++ {
			d := s.X[t*s.N+j] - mean
			v += d * d
		}
		sd := math.Sqrt(v / float64(rows-1))
		if sd == 0 {
			return fmt.Errorf("column %d of %s is constant; it cannot be standardised (drop it, or set \"zscore\": false)", j, s.Name)
		}
		for t := 0; t < T; t++ {
			s.X[t*s.N+j] = (s.X[t*s.N+j] - mean) / sd
		}
	}
	return nil
}

// PartRows cuts T time points three ways, in time order: a training head,
// a validation stretch of int(validation_fraction·T) points (model
// selection) and a test tail of int(test_fraction·T) points (the reported
// held-out figures). The test tail is the same for any validation
// fraction.
func (c DataConfig) PartRows(T int) (train, validation, test int) {
	test = int(c.TestFraction * float64(T))
	validation = int(c.ValidationFraction * float64(T))
	return T - test - validation, validation, test
}

// Parts cuts the series into its training, validation and test parts
// (PartRows); the validation part is empty when validation_fraction is 0.
func Parts(s Series, c DataConfig) (train, validation, test Series) {
	nTrain, nVal, _ := c.PartRows(s.Rows())
	a, b := nTrain*s.N, (nTrain+nVal)*s.N
	train = Series{X: s.X[:a:a], N: s.N, Name: s.Name + " [train]", Prep: s.Prep}
	validation = Series{X: s.X[a:b:b], N: s.N, Name: s.Name + " [validation]", Prep: s.Prep}
	test = Series{X: s.X[b:], N: s.N, Name: s.Name + " [test]", Prep: s.Prep}
	return train, validation, test
}

// Split cuts the series into a training head and a held-out tail holding
// the fraction testFraction of the time points.
func Split(s Series, testFraction float64) (train, test Series) {
	T := s.Rows()
	nTest := int(testFraction * float64(T))
	cut := (T - nTest) * s.N
	train = Series{X: s.X[:cut:cut], N: s.N, Name: s.Name + " [train]", Prep: s.Prep}
	test = Series{X: s.X[cut:], N: s.N, Name: s.Name + " [test]", Prep: s.Prep}
	return train, test
}

// HeldOut makes or reads the series a run config names and returns its
// held-out tail: the data generation and evaluation compare with.
func HeldOut(c DataConfig, read ReadFunc) (Series, error) {
	series, err := LoadSeries(c, read)
	if err != nil {
		return Series{}, err
	}
	_, _, test := Parts(series, c)
	return test, nil
}

// Bounds returns the smallest and largest value of x.
func Bounds(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
