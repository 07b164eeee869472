package recipe

import (
	"fmt"
	"sort"
	"strings"
)

// ECGRecord is the record the ECG recipes train on: MIT-BIH Arrhythmia
// Database record 100 (PhysioNet; 100.hea and 100.dat as PhysioNet serves
// them), in the working directory unless data.source (or --data) names
// another path.
const ECGRecord = "100"

// ECGDelays is the ECG recipes' embedding of lead MLII resampled to 120 Hz:
// uniform, with the delay data.embed "auto" chooses on the training head of
// record 100 at its native 360 Hz (22 samples = 61 ms, the first minimum of
// the auto mutual information) scaled to 120 Hz (7 samples), cut to the
// five dimensions of the GTF paper's PECUZAL embedding (the false-nearest-
// neighbour fraction is 5.6% at d = 5 and never falls below 1% up to
// d = 10; docs/results.md).
var ECGDelays = []int{0, 7, 14, 21, 28}

// ecgData is the data section of the ECG recipes: the whole of record 100,
// lead MLII, baseline wander removed, resampled from 360 to 120 Hz (a
// 3-sample moving average, then linear interpolation; one beat ≈ 95
// samples), delay-embedded, z-scored with the training part's statistics;
// the second half (108 319 rows, 15 minutes, about 1100 beats) is the test
// part, so that 100 000 steps can be compared after a transient, and the
// tenth before it (21 663 rows, 3 minutes, about 220 beats) the validation
// part model selection scores on.
func ecgData() DataConfig {
	return DataConfig{Source: ECGRecord, Channel: 0, Baseline: true, Resample: 120, Delays: append([]int(nil), ECGDelays...), TestFraction: 0.5, ValidationFraction: 0.1}
}

// ecgEval generates 10 000 transient steps and compares the next 100 000
// (about 1000 beats) with the held-out data; D_stsp by the Gaussian-mixture
// estimator (5 dimensions), PE(20) from 10 000 held-out points.
func ecgEval() EvalConfig {
	return EvalConfig{Bins: 30, Smoothing: 20, Horizon: 20, MaxSteps: 100000, PEPoints: 10000, Transient: 10000, Stsp: "gmm"}
}

// ECG is the "ecg" recipe, the setting that produced stable beats with R
// peaks on held-out data in a 5-minute one-core run (an exact 94-step
// cycle with R peaks at half the data's height; docs/results.md): the GTF paper's model (Hess et al. 2023, reference
// code paper_experiments/ECG/Table1/shPLRNN_GTF.jl: a clipped shallow
// PLRNN with M = 5 latents and L = 250 hidden units) with an identity
// observation of the 5-d embedding (M = N), trained by sparse teacher
// forcing τ = 10 (the dendritic PLRNN paper's ECG forcing) over windows of
// T = 200 (about two beats at 120 Hz), batch 16, RAdam 10⁻³ → 10⁻⁵, 8000
// steps. The paper's own training (an affine observation, GTF α = 0.3) is
// the "ecg-gtf" recipe; it collapsed to a fixed point here.
func ECG() Config {
	c := Default()
	c.Model = ModelConfig{Kind: "clipped-shplrnn", Latents: 5, Bases: 20, Hidden: 250, Observation: "identity", Tau: 1, Integrator: "rk4", Step: 0.1, Gain: 1.5}
	c.Data = ecgData()
	c.Train.Steps = 8000
	c.Train.SeqLen, c.Train.Batch = 200, 16
	c.Train.Forcing, c.Train.Interval, c.Train.Alpha = "sparse", 10, 0.3
	c.Train.LR, c.Train.LREnd = 1e-3, 1e-5
	c.Train.EvalEvery, c.Train.CheckpointEvery = 2000, 500
	c.Eval = ecgEval()
	return c
}

// ECGGTF is the "ecg-gtf" recipe: the GTF paper's ECG training as its
// reference code sets it (paper_experiments/ECG/Table1/shPLRNN_GTF.jl):
// clipped shallow PLRNN M = 5, L = 250, an affine observation model
// ("Affine", M = N = 5), GTF with constant α = 0.3, T = 200, batch 16,
// learning rate 10⁻³ → 10⁻⁶. The reference trains 250 000 steps (5000
// epochs × 50 batches) and adds an observation-model L2 penalty of 10⁻⁷,
// which rnnlab does not have; the recipe runs 12 000.
func ECGGTF() Config {
	c := ECG()
	c.Model.Observation = "affine"
	c.Train.Forcing, c.Train.Alpha = "generalized", 0.3
	c.Train.LREnd = 1e-6
	c.Train.Steps, c.Train.EvalEvery = 12000, 3000
	return c
}

// ECGDend is the "ecg-dend" recipe: the dendritic PLRNN paper's ECG setting
// (Brenner et al. 2022, reference code BPTT_TF/Experiments/Table1/ECG:
// clipped dendritic PLRNN, M = 30 latents, B = 50 bases, sparse teacher
// forcing τ = 10, T = 500, fixed (identity) observation of the first N
// latents, learning rate 10⁻³; the reference trains 5000 epochs).
func ECGDend() Config {
	c := ECG()
	c.Model = ModelConfig{Kind: "clipped-dendplrnn", Latents: 30, Bases: 50, Hidden: 50, Observation: "identity", Tau: 1, Integrator: "rk4", Step: 0.1, Gain: 1.5}
	c.Train.Forcing, c.Train.Interval, c.Train.Alpha = "sparse", 10, 0.1
	c.Train.SeqLen, c.Train.Batch = 500, 16
	c.Train.Steps = 12000
	return c
}

// Recipes are the named configs of --recipe.
var Recipes = map[string]func() Config{
	"lorenz63": Default,
	"default":  Default,
	"ecg":      ECG,
	"ecg-gtf":  ECGGTF,
	"ecg-dend": ECGDend,
}

// Recipe returns the named recipe.
func Recipe(name string) (Config, error) {
	f, ok := Recipes[strings.ToLower(name)]
	if !ok {
		var names []string
		for k := range Recipes {
			names = append(names, k)
		}
		sort.Strings(names)
		return Config{}, fmt.Errorf("unknown recipe %q: choose one of %s", name, strings.Join(names, ", "))
	}
	return f(), nil
}

// DecodeConfigOver reads a JSON config over a base (a recipe): keys left
// out keep the base's values.
func DecodeConfigOver(base Config, b []byte) (Config, error) {
	cfg := base
	cfg.Data.Delays = append([]int(nil), base.Data.Delays...)
	if err := DecodeStrict(b, &cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}
