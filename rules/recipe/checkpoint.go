package recipe

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
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
	cfg, err := json.Marshal(c.Config)
	if err != nil {
		return err
	}
	ts := tensors("model.", c.ModelTheta, c.Fields)
	ts = append(ts, tensors("obs.", c.ObsTheta, c.ObsFields)...)
	for _, v := range []struct {
		name string
		data []float64
	}{{"optim.model", c.OptModel}, {"optim.obs", c.OptObs}, {"history.loss", c.Loss}, {"select.model", c.Selected.Model}, {"select.obs", c.Selected.Obs}} {
		if len(v.data) > 0 {
			ts = append(ts, safetensors.Tensor{Name: v.name, DType: "F64", Shape: []int{len(v.data)}, Data: v.data})
		}
	}
	meta := map[string]string{
		"format":  Format,
		"config":  string(cfg),
		"step":    strconv.Itoa(c.Step),
		"obs_dim": strconv.Itoa(c.ObsDim),
		"alpha":   strconv.FormatFloat(c.Alpha, 'g', -1, 64),
		"rng":     base64.StdEncoding.EncodeToString(c.RNG),
	}
	meta["latent_noise"] = fmt.Sprintf("%v %v %v", strconv.FormatFloat(c.Noise[0], 'g', -1, 64), c.Noise[1], strconv.FormatFloat(c.Noise[2], 'g', -1, 64))
	if c.Selected.Step >= 0 {
		meta["select_step"] = strconv.Itoa(c.Selected.Step)
		meta["select_score"] = strconv.FormatFloat(c.Selected.Score, 'g', -1, 64)
	}
	return safetensors.Encode(w, ts, meta)
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
	c := &Checkpoint{Config: Default()}
	if err := DecodeStrict([]byte(meta["config"]), &c.Config); err != nil {
		return nil, Model{}, fmt.Errorf("stored config is invalid: %v", err)
	}
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
		c.Selected = Selection{Step: st, Score: sc, Model: sm, Obs: so}
	}
	return c, md, nil
}

// Selection is the best model seen so far by the selection criterion
// (D_stsp of the free-running model against the training series).
type Selection struct {
	Step       int
	Score      float64
	Model, Obs []float64
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
		Fields: FieldsOf(md.Latent), ObsFields: FieldsOf(md.Obs), Selected: sel}, nil
}

// Resume puts a trainer built for c's config back at the checkpoint's
// position: step, α, optimizer, random and latent-noise state.
func (c *Checkpoint) Resume(tr *bptt.Trainer) error {
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
