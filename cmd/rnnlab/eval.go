package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/rnnlab/rnnlab/analysis/metric"
)

// Metrics are the long-horizon measures of a generated series against
// held-out data (analysis/metric): state-space divergence D_stsp, power-
// spectrum Hellinger distance D_H and the n-step prediction error PE(n).
type Metrics struct {
	Steps    int     `json:"steps"`
	Dstsp    float64 `json:"d_stsp"`
	DH       float64 `json:"d_h"`
	PE       float64 `json:"pe"`
	Horizon  int     `json:"pe_horizon"`
	Diverged bool    `json:"diverged"`
	Note     string  `json:"note,omitempty"`
}

func (m Metrics) short() string {
	if m.Diverged {
		return "generated trajectory diverged"
	}
	return fmt.Sprintf("D_stsp %.3f D_H %.3f", m.Dstsp, m.DH)
}

func (m Metrics) long() string {
	s := fmt.Sprintf("D_stsp %.4f, D_H %.4f, PE(%d) %.4g", m.Dstsp, m.DH, m.Horizon, m.PE)
	if m.Diverged {
		s += " — the generated trajectory diverged"
	}
	if m.Note != "" {
		s += " (" + m.Note + ")"
	}
	return s
}

// MarshalJSON writes non-finite values (a diverged model) as null.
func (m Metrics) MarshalJSON() ([]byte, error) {
	type plain Metrics
	fin := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	return json.Marshal(struct {
		plain
		Dstsp any `json:"d_stsp"`
		DH    any `json:"d_h"`
		PE    any `json:"pe"`
	}{plain(m), fin(m.Dstsp), fin(m.DH), fin(m.PE)})
}

// evaluate generates as many steps as the held-out series has (at most
// MaxSteps) from its first point and compares them with it.
func evaluate(md Model, test Series, ec EvalConfig) Metrics {
	T := test.Rows() - 1
	if ec.MaxSteps > 0 && T > ec.MaxSteps {
		T = ec.MaxSteps
	}
	m := Metrics{Steps: T, Horizon: ec.Horizon}
	if T < 2 {
		m.Note = "held-out series too short to evaluate"
		m.Dstsp, m.DH, m.PE = math.NaN(), math.NaN(), math.NaN()
		return m
	}
	gen, _ := md.Generate(test.X[:test.N], T, false)
	truth := test.X[test.N : (T+1)*test.N]
	var err error
	s := &metric.Settings{Bins: ec.Bins, Smoothing: ec.Smoothing, Horizon: ec.Horizon}
	if m.Dstsp, err = metric.StateSpace(truth, gen, test.N, s); err != nil {
		m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		m.Note = err.Error()
	}
	if m.DH, err = metric.PowerSpectrumHellinger(truth, gen, test.N, ec.Smoothing); err != nil {
		m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		m.Note = err.Error()
	}
	if T > ec.Horizon+1 {
		if m.PE, err = metric.PredictionError(test.X[:(T+1)*test.N], test.N, ec.Horizon, md.Predictor()); err != nil {
			m.Diverged = m.Diverged || errors.Is(err, metric.ErrDiverged)
		}
	}
	return m
}

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
	fmt.Fprintf(stdout, "%s (step %d) on %s, %d steps:\n  %s\n", *ckpt, ck.Step, test.Name, m.Steps, m.long())
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
