package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/models"
)

// checkpointFormat identifies rnnlab checkpoints in the safetensors metadata.
const checkpointFormat = "rnnlab.checkpoint/1"

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
	Selected   selection  // the best model so far (Step −1: none)
	Noise      [3]float64 // latent-noise state: running loss, validity (0/1), σ
}

func fieldsOf(p models.Parametric) []models.Field {
	if l, ok := p.(models.Layouter); ok {
		return l.Layout()
	}
	return []models.Field{{Name: "theta", Shape: []int{len(p.Params())}}}
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
		"format":  checkpointFormat,
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

// readCheckpoint decodes a checkpoint file and rebuilds its model, checking
// that every parameter the model needs is present with the right shape.
func readCheckpoint(path string) (*Checkpoint, Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, Model{}, errorf("checkpoint %s does not exist", path)
		}
		return nil, Model{}, errorf("cannot read checkpoint: %v", err)
	}
	ts, meta, err := safetensors.Decode(b)
	if err != nil {
		return nil, Model{}, errorf("%s is not a valid safetensors file: %v", path, err)
	}
	if meta["format"] != checkpointFormat {
		return nil, Model{}, errorf("%s is not an rnnlab checkpoint (format %q, want %q)", path, meta["format"], checkpointFormat)
	}
	c := &Checkpoint{Config: DefaultConfig()}
	if err := decodeStrict([]byte(meta["config"]), &c.Config); err != nil {
		return nil, Model{}, errorf("%s: stored config is invalid: %v", path, err)
	}
	if err := c.Config.Validate(); err != nil {
		return nil, Model{}, errorf("%s: stored config is invalid: %v", path, err)
	}
	if c.Step, err = strconv.Atoi(meta["step"]); err != nil {
		return nil, Model{}, errorf("%s: bad step %q", path, meta["step"])
	}
	if c.Alpha, err = strconv.ParseFloat(meta["alpha"], 64); err != nil {
		return nil, Model{}, errorf("%s: bad alpha %q", path, meta["alpha"])
	}
	if c.RNG, err = base64.StdEncoding.DecodeString(meta["rng"]); err != nil {
		return nil, Model{}, errorf("%s: bad rng state", path)
	}
	byName := map[string]safetensors.Tensor{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	if c.ObsDim, err = strconv.Atoi(meta["obs_dim"]); err != nil || c.ObsDim < 1 {
		return nil, Model{}, errorf("%s: bad observation dimension %q", path, meta["obs_dim"])
	}
	md, err := buildModel(c.Config.Model, c.ObsDim, 0, 0, c.Config.Train.Seed, false)
	if err != nil {
		return nil, Model{}, errorf("%s: %v", path, err)
	}
	c.Fields, c.ObsFields = fieldsOf(md.Latent), fieldsOf(md.Obs)
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
				return nil, Model{}, errorf("%s: tensor %s%s is missing; the checkpoint does not match a %s model", path, blk.prefix, f.Name, c.Config.Model.Kind)
			}
			if fmt.Sprint(t.Shape) != fmt.Sprint(f.Shape) {
				return nil, Model{}, errorf("%s: tensor %s%s has shape %v, the model needs %v", path, blk.prefix, f.Name, t.Shape, f.Shape)
			}
			copy(blk.theta[f.Offset:f.Offset+f.Size()], t.Data)
		}
	}
	c.OptModel, c.OptObs, c.Loss = byName["optim.model"].Data, byName["optim.obs"].Data, byName["history.loss"].Data
	if v, ok := meta["latent_noise"]; ok {
		if _, err := fmt.Sscan(v, &c.Noise[0], &c.Noise[1], &c.Noise[2]); err != nil {
			return nil, Model{}, errorf("%s: bad latent-noise state %q", path, v)
		}
	}
	c.Selected.Step = -1
	if v, ok := meta["select_step"]; ok {
		st, err1 := strconv.Atoi(v)
		sc, err2 := strconv.ParseFloat(meta["select_score"], 64)
		sm, so := byName["select.model"].Data, byName["select.obs"].Data
		if err1 != nil || err2 != nil || len(sm) != len(c.ModelTheta) || len(so) != len(c.ObsTheta) {
			return nil, Model{}, errorf("%s: the stored model selection is inconsistent", path)
		}
		c.Selected = selection{Step: st, Score: sc, Model: sm, Obs: so}
	}
	return c, md, nil
}

// writeAtomic writes a file by writing a temporary file in the same
// directory, syncing it and renaming it over the target, so a killed process
// leaves either the old file or the new one, never a torn one.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// CreateTemp makes the file private; give it the usual permissions.
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fail(err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
