package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// The run description, model, series and metrics are the recipe package's;
// the command adds files, flags and the terminal.
type (
	Config      = recipe.Config
	ModelConfig = recipe.ModelConfig
	DataConfig  = recipe.DataConfig
	TrainConfig = recipe.TrainConfig
	EvalConfig  = recipe.EvalConfig
	Model       = recipe.Model
	Series      = recipe.Series
	Metrics     = recipe.Metrics
	Checkpoint  = recipe.Checkpoint
	selection   = recipe.Selection
)

// DefaultConfig is the default recipe (recipe.Default).
func DefaultConfig() Config { return recipe.Default() }

// LoadConfig reads a JSON config file over the defaults. Unknown keys are
// errors, so a typo is reported instead of silently ignored.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return DefaultConfig(), fmt.Errorf("cannot read config: %w", err)
	}
	cfg, err := recipe.DecodeConfig(b)
	if err != nil {
		return cfg, decodeErrorIn("config", path, err)
	}
	return cfg, nil
}

// loadConfigOver reads a JSON config file over a base config (a recipe).
func loadConfigOver(base Config, path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return base, fmt.Errorf("cannot read config: %w", err)
	}
	cfg, err := recipe.DecodeConfigOver(base, b)
	if err != nil {
		return cfg, decodeErrorIn("config", path, err)
	}
	return cfg, nil
}

// decodeErrorIn names the file of a decode error in the compiler's form,
// "config run.json:3:14: train.steps: expected an integer, got …", so an
// editor can jump to it. It is a usage error (status 2): the file says
// something impossible, and nothing was done.
func decodeErrorIn(what, path string, err error) error {
	var de *recipe.DecodeError
	if !errors.As(err, &de) {
		return usageError{fmt.Errorf("%s %s: %v", what, path, err)}
	}
	if errors.Is(err, recipe.ErrEmpty) {
		hint := "a JSON object"
		if what == "config" {
			hint = fmt.Sprintf("a JSON object such as {\"train\": {\"steps\": 1000}}; 'rnnlab config > %s' writes the whole default one", path)
		}
		return usageError{fmt.Errorf("%s %s is empty: it must hold %s", what, path, hint)}
	}
	loc := path
	if de.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", path, de.Line, de.Column)
	}
	msg := de.Msg
	if de.Path != "" {
		msg = de.Path + ": " + msg
	}
	return usageError{fmt.Errorf("%s %s: %s", what, loc, msg)}
}

// prepLine says what the preprocessing of a recording did and chose.
func prepLine(c DataConfig, p recipe.Prep) string {
	s := ""
	if c.Baseline {
		s = "baseline removed (200 + 600 ms median filters), "
	}
	if c.Resample > 0 {
		s += fmt.Sprintf("resampled to %g Hz, ", c.Resample)
		p.Fs = 0 // said once: Prep.String would repeat the rate
	}
	s += p.String()
	if c.ZScore == nil || *c.ZScore {
		s += ", z-scored"
	}
	return s
}

func decodeStrict(b []byte, v any) error { return recipe.DecodeStrict(b, v) }

func buildModel(c ModelConfig, n int, lo, hi float64, seed uint64, init bool) (Model, error) {
	md, err := recipe.Build(c, n, lo, hi, seed, init)
	if err != nil {
		return md, errorf("%v", err)
	}
	return md, nil
}

func evaluate(md Model, test Series, ec EvalConfig) Metrics { return recipe.Evaluate(md, test, ec) }

var fieldsOf = recipe.FieldsOf
