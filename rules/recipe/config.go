package recipe

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/rules/bptt"
)

// Config is the complete description of a run. It is read from a JSON file
// (--config), overridden by flags, and stored inside every checkpoint, so a
// checkpoint says exactly how it was made. docs/config.md documents each key.
type Config struct {
	Model ModelConfig `json:"model"`
	Data  DataConfig  `json:"data"`
	Train TrainConfig `json:"train"`
	Eval  EvalConfig  `json:"eval"`
}

// ModelConfig chooses the latent model and the observation model.
type ModelConfig struct {
	Kind        string  `json:"kind"`        // plrnn, dendplrnn, clipped-dendplrnn, shplrnn, clipped-shplrnn, ctrnn
	Latents     int     `json:"latents"`     // M
	Bases       int     `json:"bases"`       // dendritic bases B
	Hidden      int     `json:"hidden"`      // shallow hidden units L
	Observation string  `json:"observation"` // identity or affine
	Tau         float64 `json:"tau"`         // CT-RNN time constant
	Integrator  string  `json:"integrator"`  // CT-RNN: euler or rk4
	Step        float64 `json:"step"`        // CT-RNN integration step h
	Gain        float64 `json:"gain"`        // CT-RNN initial weight gain g
}

// DataConfig chooses the training series.
type DataConfig struct {
	Source       string  `json:"source"`        // lorenz63, rossler, a .npy/.npz/.csv path, or a WFDB record
	Array        string  `json:"array"`         // member of an .npz file (default: the first)
	Steps        int     `json:"steps"`         // generated series length
	Dt           float64 `json:"dt"`            // sampling interval of generated series
	Seed         uint64  `json:"seed"`          // initial condition of generated series
	ZScore       *bool   `json:"zscore"`        // standardise each column (default true)
	TestFraction float64 `json:"test_fraction"` // held-out tail of the series, for evaluation only

	// ValidationFraction is the stretch just before the test tail that
	// model selection (select_best) scores candidates on: neither trained
	// on nor used for the reported held-out figures (0: none; selection
	// then scores on the training part, as runs before issue 9 did).
	ValidationFraction float64 `json:"validation_fraction"`
	// ZScoreStats says whose statistics standardise the series: "" or
	// "train" (the training part's alone, so that nothing of the validation
	// and test parts leaks into the data the model is trained on), or "all"
	// (the whole series: what checkpoints written before issue 9 used;
	// DecodeCheckpoint sets it for them).
	ZScoreStats string `json:"zscore_stats,omitempty"`

	// Recordings (a WFDB record, or a one-column file): docs/config.md.
	Channel  int     `json:"channel,omitempty"`  // WFDB signal (lead) number
	Start    float64 `json:"start,omitempty"`    // WFDB: first second
	End      float64 `json:"end,omitempty"`      // WFDB: last second, exclusive (0: the end)
	Baseline bool    `json:"baseline,omitempty"` // remove baseline wander (200 ms + 600 ms median filters)
	Resample float64 `json:"resample,omitempty"` // new sampling rate in Hz (0: keep)
	Embed    string  `json:"embed,omitempty"`    // "", "none", "auto" or "delays"
	Delays   []int   `json:"delays,omitempty"`   // explicit delays of the embedding (samples)
}

// TrainConfig holds the BPTT hyperparameters and the run's schedule.
type TrainConfig struct {
	Steps           int     `json:"steps"`        // gradient steps
	Seed            uint64  `json:"seed"`         // model initialisation and window sampling
	SeqLen          int     `json:"seq_len"`      // window length T
	Batch           int     `json:"batch"`        // windows per step
	Forcing         string  `json:"forcing"`      // sparse, generalized or none
	Interval        int     `json:"interval"`     // sparse forcing interval τ
	Alpha           float64 `json:"alpha"`        // GTF α (initial value if adaptive)
	Adaptive        bool    `json:"adaptive"`     // anneal α from Jacobian norms
	AlphaDecay      float64 `json:"alpha_decay"`  // γ
	AlphaEvery      int     `json:"alpha_every"`  // k
	Noise           float64 `json:"noise"`        // Gaussian noise on windows (sd)
	Optimizer       string  `json:"optimizer"`    // adam or radam
	LR              float64 `json:"lr"`           // start learning rate
	LREnd           float64 `json:"lr_end"`       // end learning rate (exponential schedule)
	Schedule        string  `json:"lr_schedule"`  // exponential or step
	LRGamma         float64 `json:"lr_gamma"`     // step schedule: factor
	LREvery         int     `json:"lr_every"`     // step schedule: interval in steps
	ClipNorm        float64 `json:"clip_norm"`    // gradient-norm bound (0: none)
	MARRatio        float64 `json:"mar_ratio"`    // fraction of latents under MAR
	MARLambda       float64 `json:"mar_lambda"`   // MAR strength
	LatentNoise     string  `json:"latent_noise"` // "", fixed or adaptive (ALN)
	NoiseScale      float64 `json:"noise_scale"`  // σ (fixed) or factor c (adaptive)
	NoiseMin        float64 `json:"noise_min"`    // adaptive clip range
	NoiseMax        float64 `json:"noise_max"`
	NoiseRate       float64 `json:"noise_rate"`       // running-loss average weight
	TSD             string  `json:"tsd"`              // "", distill or smooth (temporal self-distillation)
	TSDLambda       float64 `json:"tsd_lambda"`       // its strength
	TSDHorizon      int     `json:"tsd_horizon"`      // distill: restart the free chain every H steps (0: the window)
	TSDFrom         int     `json:"tsd_from"`         // steps trained before TSD switches on (warm start)
	EvalEvery       int     `json:"eval_every"`       // steps between evaluations (0: only at the end)
	SelectBest      bool    `json:"select_best"`      // keep the parameters whose attractor best matches the training data
	CheckpointEvery int     `json:"checkpoint_every"` // steps between checkpoints
}

// EvalConfig holds the long-horizon evaluation settings.
type EvalConfig struct {
	Bins      int     `json:"bins"`                // D_stsp bins per dimension
	Smoothing float64 `json:"smoothing"`           // D_H spectral smoothing σ
	Horizon   int     `json:"horizon"`             // PE(n)
	MaxSteps  int     `json:"max_steps"`           // longest generated series evaluated (default 100000)
	PEPoints  int     `json:"pe_points"`           // held-out start points of PE(n) (0: every point of the evaluated stretch)
	Transient int     `json:"transient,omitempty"` // generated steps discarded before the comparison
	Stsp      string  `json:"stsp,omitempty"`      // D_stsp estimator: "" (gtf for N ≤ 5, GMM above), "gmm", "gtf" (alias "binned") or "dendplrnn"
	// StspProtocol is how the generated states D_stsp compares are made:
	// "" or "long" (one free run of Steps() steps from the first held-out
	// point), or "dendplrnn" (the dendritic PLRNN paper's: 100 free runs of
	// Steps()/100 points each, started from the held-out points 0, L, 2L, …;
	// 10 runs when Steps() ≤ 10 000).
	StspProtocol string `json:"stsp_protocol,omitempty"`
	// Words is how the generated trajectory's behaviour is described:
	// "ecg" (R peaks and beats), "peaks" (large peaks of x₁ and cycles), or
	// "" (ecg for a recording — a WFDB record, or a file rnnlab
	// preprocessed —, peaks otherwise). The measures are the same.
	Words string `json:"words,omitempty"`
}

// StspEstimators are the values of eval.stsp ("" is the reference's rule).
var StspEstimators = []string{"gmm", "gtf", "binned", "dendplrnn"}

// DefaultConfig is the default recipe: a clipped shallow PLRNN (M = 3
// latents, L = 50 hidden units, identity observation) trained with
// generalized teacher forcing (α = 0.1) on Lorenz-63, as in Hess et al.
// (ICML 2023) on 100 000 steps, selected on the next 50 000 (validation)
// and evaluated on the last, independent 100 000 (test).
// docs/results.md gives what it reaches.
func Default() Config {
	return Config{
		Model: ModelConfig{Kind: "clipped-shplrnn", Latents: 3, Bases: 20, Hidden: 50, Observation: "identity", Tau: 1, Integrator: "rk4", Step: 0.1, Gain: 1.5},
		Data:  DataConfig{Source: "lorenz63", Steps: 250000, Dt: 0.01, Seed: 1, TestFraction: 0.4, ValidationFraction: 0.2},
		Train: TrainConfig{Steps: 50000, Seed: 1, SeqLen: 200, Batch: 16, Forcing: "generalized", Interval: 25, Alpha: 0.1, Adaptive: false, AlphaDecay: 0.999, AlphaEvery: 5, Optimizer: "radam", LR: 1e-3, LREnd: 1e-5, Schedule: "exponential", LRGamma: 0.5, LREvery: 10000, EvalEvery: 10000, SelectBest: true, CheckpointEvery: 2000},
		Eval:  EvalConfig{Bins: 30, Smoothing: 20, Horizon: 20, MaxSteps: 100000},
	}
}

// DecodeConfig reads a JSON config over the defaults. Unknown keys are
// errors, so a typo is reported instead of silently ignored.
func DecodeConfig(b []byte) (Config, error) {
	cfg := Default()
	if err := DecodeStrict(b, &cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// BPTT converts the training section to the trainer's configuration.
func (t TrainConfig) BPTT() bptt.Config {
	return bptt.Config{
		SeqLen: t.SeqLen, Batch: t.Batch, Forcing: bptt.Forcing(t.Forcing), Interval: t.Interval,
		Alpha: t.Alpha, Adaptive: t.Adaptive, AlphaDecay: t.AlphaDecay, AlphaEvery: t.AlphaEvery,
		Noise: t.Noise, Optimizer: t.Optimizer, LR: t.LR, LREnd: t.LREnd, ClipNorm: t.ClipNorm,
		Schedule: t.Schedule, LRGamma: t.LRGamma, LREvery: t.LREvery,
		TSD: t.TSD, TSDLambda: t.TSDLambda, TSDHorizon: t.TSDHorizon, TSDFrom: t.TSDFrom,
		LatentNoise: t.LatentNoise, NoiseScale: t.NoiseScale, NoiseMin: t.NoiseMin, NoiseMax: t.NoiseMax, NoiseRate: t.NoiseRate,
		MARRatio: t.MARRatio, MARLambda: t.MARLambda,
	}
}

// modelKinds is the table of model.kind values and the size keys each one
// reads (model.bases for the dendritic PLRNNs, model.hidden for the shallow
// ones), so validation asks the table instead of parsing names.
var modelKinds = []struct {
	name          string
	bases, hidden bool
}{
	{name: "plrnn"},
	{name: "dendplrnn", bases: true},
	{name: "clipped-dendplrnn", bases: true},
	{name: "shplrnn", hidden: true},
	{name: "clipped-shplrnn", hidden: true},
	{name: "ctrnn"},
}

// ModelKinds are the values of model.kind.
var ModelKinds = func() []string {
	names := make([]string, len(modelKinds))
	for i, k := range modelKinds {
		names[i] = k.name
	}
	return names
}()

// Validate reports the first impossible setting, naming the key and what to do.
func (c Config) Validate() error {
	known, needsBases, needsHidden := false, false, false
	for _, k := range modelKinds {
		if k.name == c.Model.Kind {
			known, needsBases, needsHidden = true, k.bases, k.hidden
		}
	}
	switch {
	case !known:
		return fmt.Errorf("unknown model %q: choose one of %s", c.Model.Kind, strings.Join(ModelKinds, ", "))
	case c.Model.Latents < 1:
		return fmt.Errorf("model.latents must be ≥ 1 (got %d)", c.Model.Latents)
	case needsBases && c.Model.Bases < 1:
		return fmt.Errorf("model.bases must be ≥ 1 for %s (got %d)", c.Model.Kind, c.Model.Bases)
	case needsHidden && c.Model.Hidden < 1:
		return fmt.Errorf("model.hidden must be ≥ 1 for %s (got %d)", c.Model.Kind, c.Model.Hidden)
	case c.Model.Observation != "identity" && c.Model.Observation != "affine":
		return fmt.Errorf("unknown observation model %q: choose identity or affine", c.Model.Observation)
	case c.Model.Kind == "ctrnn" && (c.Model.Tau <= 0 || c.Model.Step <= 0):
		return fmt.Errorf("model.tau and model.step must be positive for ctrnn")
	case c.Model.Kind == "ctrnn" && c.Model.Integrator != "euler" && c.Model.Integrator != "rk4":
		return fmt.Errorf("unknown integrator %q: choose euler or rk4", c.Model.Integrator)
	case c.Train.Steps < 1:
		return fmt.Errorf("train.steps must be ≥ 1 (got %d)", c.Train.Steps)
	case c.Data.TestFraction < 0 || c.Data.TestFraction >= 1:
		return fmt.Errorf("data.test_fraction must lie in [0, 1) (got %g)", c.Data.TestFraction)
	case c.Data.ValidationFraction < 0 || c.Data.TestFraction+c.Data.ValidationFraction >= 1:
		return fmt.Errorf("data.validation_fraction must be ≥ 0 and leave a training part: test_fraction + validation_fraction = %g + %g must be < 1", c.Data.TestFraction, c.Data.ValidationFraction)
	case c.Data.ZScoreStats != "" && c.Data.ZScoreStats != "train" && c.Data.ZScoreStats != "all":
		return fmt.Errorf("unknown data.zscore_stats %q: choose train (the training part's statistics, the default) or all (the whole series')", c.Data.ZScoreStats)
	case c.Eval.Horizon < 1 || c.Eval.Bins < 1:
		return fmt.Errorf("eval.horizon and eval.bins must be ≥ 1")
	case c.Eval.Transient < 0:
		return fmt.Errorf("eval.transient must be ≥ 0")
	case c.Eval.Stsp != "" && !slices.Contains(StspEstimators, c.Eval.Stsp):
		return fmt.Errorf("unknown eval.stsp %q: choose gtf (the GTF-shPLRNN paper's binning; alias binned), dendplrnn (the dendritic PLRNN paper's binning) or gmm (empty: gtf for N ≤ 5, gmm above)", c.Eval.Stsp)
	case c.Eval.Words != "" && c.Eval.Words != "ecg" && c.Eval.Words != "peaks":
		return fmt.Errorf("unknown eval.words %q: choose ecg (R peaks and beats) or peaks (large peaks and cycles); leave it out for ecg on recordings and peaks otherwise", c.Eval.Words)
	case c.Eval.StspProtocol != "" && c.Eval.StspProtocol != "long" && c.Eval.StspProtocol != "dendplrnn":
		return fmt.Errorf("unknown eval.stsp_protocol %q: choose long (one free run) or dendplrnn (100 runs of 1/100 of the evaluated stretch each)", c.Eval.StspProtocol)
	}
	if err := c.Data.validateData(); err != nil {
		return err
	}
	if err := c.Train.BPTT().WithDefaults().Validate(); err != nil {
		return fmt.Errorf("train: %v", strings.TrimPrefix(err.Error(), "bptt: "))
	}
	return nil
}
