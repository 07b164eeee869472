package recipe

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/rules/bptt"
)

// Format identifies rnnlab checkpoints in the safetensors metadata.
const Format = "rnnlab.checkpoint/1"

// Checkpoint is everything needed to resume a run or use its model: the
// parameters, the optimizer state, the training position and the full
// config. It is stored as safetensors (docs/checkpoint.md): tensors
// "model.<field>" and "obs.<field>" with the parameters, "optim.model" and
// "optim.obs" with the optimizer states, "history.loss" with the loss per
// step; metadata "format", "config" (JSON), "step", "alpha", "rng" (base64).
// Safetensors is plain data: loading one runs no code.
type Checkpoint struct {
	Config     Config
	ObsDim     int // N, the observed dimension
	Step       int
	Alpha      float64
	RNG        []byte
	ModelTheta []float64
	ObsTheta   []float64
	OptModel   []float64
	OptObs     []float64
	Loss       []float64
	Fields     []models.Field // layout of ModelTheta (nil: one block "theta")
	ObsFields  []models.Field
	Selected   Selection  // the best model so far (Step −1: none)
	Noise      [3]float64 // latent-noise state: running loss, validity (0/1), σ

	// ParamsStep is the training step whose parameters ModelTheta and
	// ObsTheta are: Step, or the selected step at the end of a run that
	// selects (select_best). The optimizer state (OptModel, OptObs) is
	// always of Step, the training position; when ParamsStep ≠ Step,
	// LastModel and LastObs hold the parameters of Step that it belongs to,
	// and Resume continues from them.
	ParamsStep         int
	LastModel, LastObs []float64
	// History is the run's evaluations so far (held-out metrics and
	// selection scores), so metrics.json and loss.png after --resume show
	// the whole run. Checkpoints written before issue 9 have none.
	History []EvalRecord
}

// OptimizerOf says in words which parameters the optimizer state goes with.
func (c *Checkpoint) OptimizerOf() string {
	switch {
	case c.ParamsStep == c.Step:
		return fmt.Sprintf("step %d, the parameters stored", c.Step)
	case c.LastModel == nil:
		return fmt.Sprintf("step %d, the last trained, whose parameters this checkpoint (written before issue 9) did not keep; model.* hold the selected step %d", c.Step, c.ParamsStep)
	}
	return fmt.Sprintf("step %d, the last trained (its parameters are last.model/last.obs; model.* hold the selected step %d)", c.Step, c.ParamsStep)
}

// tensors lays the parameter vector out as named tensors.
func tensors(prefix string, theta []float64, fields []models.Field) []safetensors.Tensor {
	var ts []safetensors.Tensor
	for _, f := range fields {
		if f.Size() == 0 {
			continue
		}
		ts = append(ts, safetensors.Tensor{Name: prefix + f.Name, DType: "F64", Shape: f.Shape, Data: theta[f.Offset : f.Offset+f.Size()]})
	}
	return ts
}

// Encode writes the checkpoint in safetensors form.
func (c *Checkpoint) Encode(w io.Writer) error {
	ts, meta, err := c.Parts()
	if err != nil {
		return err
	}
	return safetensors.Encode(w, ts, meta)
}

// Parts are the checkpoint's tensors and metadata, as Encode writes them
// (run_kind "series": the run package's checkpoint of a series run).
func (c *Checkpoint) Parts() ([]safetensors.Tensor, map[string]string, error) {
	cfg, err := json.Marshal(c.Config)
	if err != nil {
		return nil, nil, err
	}
	ts := tensors("model.", c.ModelTheta, c.Fields)
	ts = append(ts, tensors("obs.", c.ObsTheta, c.ObsFields)...)
	for _, v := range []struct {
		name string
		data []float64
	}{{"optim.model", c.OptModel}, {"optim.obs", c.OptObs}, {"history.loss", c.Loss}, {"select.model", c.Selected.Model}, {"select.obs", c.Selected.Obs},
		{"last.model", c.LastModel}, {"last.obs", c.LastObs}} {
		if len(v.data) > 0 {
			ts = append(ts, safetensors.Tensor{Name: v.name, DType: "F64", Shape: []int{len(v.data)}, Data: v.data})
		}
	}
	meta := map[string]string{
		"format":   Format,
		"run_kind": SeriesKind,
		"config":   string(cfg),
		"step":     strconv.Itoa(c.Step),
		"obs_dim":  strconv.Itoa(c.ObsDim),
		"alpha":    strconv.FormatFloat(c.Alpha, 'g', -1, 64),
		"rng":      base64.StdEncoding.EncodeToString(c.RNG),
	}
	meta["latent_noise"] = fmt.Sprintf("%v %v %v", strconv.FormatFloat(c.Noise[0], 'g', -1, 64), c.Noise[1], strconv.FormatFloat(c.Noise[2], 'g', -1, 64))
	if c.Selected.Step >= 0 {
		meta["select_step"] = strconv.Itoa(c.Selected.Step)
		meta["select_score"] = strconv.FormatFloat(c.Selected.Score, 'g', -1, 64)
		meta["select_d_stsp"] = strconv.FormatFloat(c.Selected.Dstsp, 'g', -1, 64)
		meta["select_d_h"] = strconv.FormatFloat(c.Selected.DH, 'g', -1, 64)
		meta["select_on"] = c.Selected.On
	}
	meta["params_step"] = strconv.Itoa(c.ParamsStep)
	meta["optim_step"] = strconv.Itoa(c.Step)
	meta["optimizer_state"] = c.OptimizerOf()
	if len(c.History) > 0 {
		h, err := json.Marshal(c.History)
		if err != nil {
			return nil, nil, err
		}
		meta["history"] = string(h)
	}
	return ts, meta, nil
}

// DecodeCheckpoint decodes a checkpoint and rebuilds its model, checking
// that every parameter the model needs is present with the right shape.
// Errors say what is wrong without naming the file; callers prefix it.
func DecodeCheckpoint(b []byte) (*Checkpoint, Model, error) {
	ts, meta, err := safetensors.Decode(b)
	if err != nil {
		return nil, Model{}, fmt.Errorf("not a valid safetensors file: %v", err)
	}
	if meta["format"] != Format {
		return nil, Model{}, fmt.Errorf("not an rnnlab checkpoint (format %q, want %q)", meta["format"], Format)
	}
	return CheckpointFromParts(ts, meta)
}

// CheckpointFromParts is DecodeCheckpoint after the safetensors decoding.
// A checkpoint of another kind of run is refused, naming its kind.
func CheckpointFromParts(ts []safetensors.Tensor, meta map[string]string) (*Checkpoint, Model, error) {
	var err error
	if k := meta["run_kind"]; k != "" && k != SeriesKind {
		return nil, Model{}, fmt.Errorf("this is the checkpoint of a %s run, not of a series reconstruction; 'rnnlab eval --checkpoint' evaluates any kind", k)
	}
	c := &Checkpoint{Config: Default()}
	if err := DecodeStrict([]byte(meta["config"]), &c.Config); err != nil {
		return nil, Model{}, fmt.Errorf("stored config is invalid: %v", err)
	}
	legacyData([]byte(meta["config"]), &c.Config.Data)
	if err := c.Config.Validate(); err != nil {
		return nil, Model{}, fmt.Errorf("stored config is invalid: %v", err)
	}
	if c.Step, err = strconv.Atoi(meta["step"]); err != nil {
		return nil, Model{}, fmt.Errorf("bad step %q", meta["step"])
	}
	if c.Alpha, err = strconv.ParseFloat(meta["alpha"], 64); err != nil {
		return nil, Model{}, fmt.Errorf("bad alpha %q", meta["alpha"])
	}
	if c.RNG, err = base64.StdEncoding.DecodeString(meta["rng"]); err != nil {
		return nil, Model{}, fmt.Errorf("bad rng state")
	}
	byName := map[string]safetensors.Tensor{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	if c.ObsDim, err = strconv.Atoi(meta["obs_dim"]); err != nil || c.ObsDim < 1 {
		return nil, Model{}, fmt.Errorf("bad observation dimension %q", meta["obs_dim"])
	}
	md, err := Build(c.Config.Model, c.ObsDim, 0, 0, c.Config.Train.Seed, false)
	if err != nil {
		return nil, Model{}, err
	}
	c.Fields, c.ObsFields = FieldsOf(md.Latent), FieldsOf(md.Obs)
	c.ModelTheta, c.ObsTheta = md.Latent.Params(), md.Obs.Params()
	for _, blk := range []struct {
		prefix string
		theta  []float64
		fields []models.Field
	}{{"model.", c.ModelTheta, c.Fields}, {"obs.", c.ObsTheta, c.ObsFields}} {
		for _, f := range blk.fields {
			if f.Size() == 0 {
				continue
			}
			t, ok := byName[blk.prefix+f.Name]
			if !ok {
				return nil, Model{}, fmt.Errorf("tensor %s%s is missing; the checkpoint does not match a %s model", blk.prefix, f.Name, c.Config.Model.Kind)
			}
			if fmt.Sprint(t.Shape) != fmt.Sprint(f.Shape) {
				return nil, Model{}, fmt.Errorf("tensor %s%s has shape %v, the model needs %v", blk.prefix, f.Name, t.Shape, f.Shape)
			}
			copy(blk.theta[f.Offset:f.Offset+f.Size()], t.Data)
		}
	}
	c.OptModel, c.OptObs, c.Loss = byName["optim.model"].Data, byName["optim.obs"].Data, byName["history.loss"].Data
	if v, ok := meta["latent_noise"]; ok {
		if _, err := fmt.Sscan(v, &c.Noise[0], &c.Noise[1], &c.Noise[2]); err != nil {
			return nil, Model{}, fmt.Errorf("bad latent-noise state %q", v)
		}
	}
	c.Selected.Step = -1
	if v, ok := meta["select_step"]; ok {
		st, err1 := strconv.Atoi(v)
		sc, err2 := strconv.ParseFloat(meta["select_score"], 64)
		sm, so := byName["select.model"].Data, byName["select.obs"].Data
		if err1 != nil || err2 != nil || len(sm) != len(c.ModelTheta) || len(so) != len(c.ObsTheta) {
			return nil, Model{}, fmt.Errorf("the stored model selection is inconsistent")
		}
		c.Selected = Selection{Step: st, Score: sc, Model: sm, Obs: so, On: meta["select_on"], Dstsp: math.NaN(), DH: math.NaN()}
		if v, ok := meta["select_d_stsp"]; ok {
			c.Selected.Dstsp, err1 = strconv.ParseFloat(v, 64)
			c.Selected.DH, err2 = strconv.ParseFloat(meta["select_d_h"], 64)
			if err1 != nil || err2 != nil {
				return nil, Model{}, fmt.Errorf("the stored model selection's scores are unreadable")
			}
		}
	}
	c.ParamsStep = c.Step
	if v, ok := meta["params_step"]; ok {
		if c.ParamsStep, err = strconv.Atoi(v); err != nil {
			return nil, Model{}, fmt.Errorf("bad params_step %q", v)
		}
	} else if c.Selected.Step >= 0 && slices.Equal(c.ModelTheta, c.Selected.Model) && slices.Equal(c.ObsTheta, c.Selected.Obs) {
		// Written before issue 9 at the end of a selecting run: model.* are
		// the selected step's, and the last step's were not kept.
		c.ParamsStep = c.Selected.Step
	}
	c.LastModel, c.LastObs = byName["last.model"].Data, byName["last.obs"].Data
	if (c.LastModel != nil || c.LastObs != nil) && (len(c.LastModel) != len(c.ModelTheta) || len(c.LastObs) != len(c.ObsTheta)) {
		return nil, Model{}, fmt.Errorf("the stored last-step parameters (last.model, last.obs) do not match the model")
	}
	if v, ok := meta["history"]; ok {
		if err := json.Unmarshal([]byte(v), &c.History); err != nil {
			return nil, Model{}, fmt.Errorf("the stored evaluation history is unreadable: %v", err)
		}
	}
	return c, md, nil
}

// legacyData gives a data section stored before issue 9, which has no
// validation_fraction key, the meaning it had then: no
// validation part (decoding over Default would give its 0.2) and the
// series z-scored with the whole series' statistics, so that such a
// checkpoint is evaluated on the same held-out values it was trained for.
func legacyData(config []byte, d *DataConfig) {
	var keys struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if json.Unmarshal(config, &keys) != nil {
		return
	}
	// Every config written since has validation_fraction (no omitempty).
	if _, ok := keys.Data["validation_fraction"]; !ok {
		d.ValidationFraction, d.ZScoreStats = 0, "all"
	}
}

// Snapshot is the checkpoint of a run in progress: the config, the
// trainer's position, optimizer, random and latent-noise state, the model's
// current parameters, the loss history and the model selection so far.
func Snapshot(cfg Config, obsDim int, md Model, tr *bptt.Trainer, losses []float64, sel Selection) (*Checkpoint, error) {
	st, so := tr.OptimizerState()
	rs, err := tr.RNG().MarshalBinary()
	if err != nil {
		return nil, err
	}
	ema, valid, sd := tr.NoiseState()
	v := 0.0
	if valid {
		v = 1
	}
	return &Checkpoint{Noise: [3]float64{ema, v, sd}, Config: cfg, ObsDim: obsDim, Step: tr.Steps(), Alpha: tr.Alpha, RNG: rs,
		ModelTheta: md.Latent.Params(), ObsTheta: md.Obs.Params(), OptModel: st, OptObs: so, Loss: losses,
		Fields: FieldsOf(md.Latent), ObsFields: FieldsOf(md.Obs), Selected: sel, ParamsStep: tr.Steps()}, nil
}

// Resume puts a trainer built for c's config back at the checkpoint's
// position: step, α, optimizer, random and latent-noise state. When the
// checkpoint's model holds the selected step's parameters, the last step's
// (LastModel, LastObs), which the optimizer state belongs to, are put back
// into it first (ModelTheta and ObsTheta alias the parameters of the model
// DecodeCheckpoint built), so training continues where it stopped.
func (c *Checkpoint) Resume(tr *bptt.Trainer) error {
	if c.LastModel != nil {
		copy(c.ModelTheta, c.LastModel)
		copy(c.ObsTheta, c.LastObs)
		c.ParamsStep = c.Step
	}
	if err := tr.Restore(c.Step, c.Alpha, c.OptModel, c.OptObs); err != nil {
		return err
	}
	if c.Noise != [3]float64{} {
		tr.SetNoiseState(c.Noise[0], c.Noise[1] != 0, c.Noise[2])
	}
	if err := tr.RNG().UnmarshalBinary(c.RNG); err != nil {
		return fmt.Errorf("bad rng state: %v", err)
	}
	return nil
}
