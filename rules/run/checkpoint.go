package run

import (
	"fmt"
	"io"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
)

// Format identifies rnnlab checkpoints in the safetensors metadata (the
// same for every kind; run_kind tells them apart).
const Format = "rnnlab.checkpoint/1"

// Encode writes the checkpoint as safetensors: the kind's tensors, its
// metadata, and "format", "run_kind", "config" and "step".
func (c *Checkpoint) Encode(w io.Writer) error {
	meta := make(map[string]string, len(c.Meta)+4)
	for k, v := range c.Meta {
		meta[k] = v
	}
	meta["format"] = Format
	meta["run_kind"] = c.Kind
	meta["config"] = string(c.Config)
	meta["step"] = strconv.Itoa(c.Step)
	return safetensors.Encode(w, c.Tensors, meta)
}

// DecodeCheckpoint reads a checkpoint of any kind: its kind, its stored
// section (decoded and validated) and the rest. Errors say what is wrong
// without naming the file; callers prefix it.
func DecodeCheckpoint(b []byte) (*Kind, Spec, *Checkpoint, error) {
	ts, meta, err := safetensors.Decode(b)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("not a valid safetensors file: %v", err)
	}
	if meta["format"] != Format {
		return nil, nil, nil, fmt.Errorf("not an rnnlab checkpoint (format %q, want %q)", meta["format"], Format)
	}
	name := meta["run_kind"]
	if name == "" {
		name = DefaultKind
	}
	k, err := Lookup(name)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint of a %s run, which this build of rnnlab does not know (%v)", name, err)
	}
	spec, err := k.DecodeSection([]byte(meta["config"]))
	if err != nil {
		return k, nil, nil, fmt.Errorf("stored config is invalid: %v", err)
	}
	if err := spec.Validate(); err != nil {
		return k, nil, nil, fmt.Errorf("stored config is invalid: %v", err)
	}
	step, err := strconv.Atoi(meta["step"])
	if err != nil || step < 0 {
		return k, nil, nil, fmt.Errorf("metadata step %q is not a step number", meta["step"])
	}
	ck := &Checkpoint{Kind: name, Config: []byte(meta["config"]), Step: step, Tensors: ts, Meta: meta}
	return k, spec, ck, nil
}

// CheckpointKind reads which kind of run a checkpoint is of, without
// converting its tensors (DefaultKind for one written before kinds).
func CheckpointKind(b []byte) (string, error) {
	meta, err := safetensors.Metadata(b)
	if err != nil {
		return "", fmt.Errorf("not a valid safetensors file: %v", err)
	}
	if meta["format"] != Format {
		return "", fmt.Errorf("not an rnnlab checkpoint (format %q, want %q)", meta["format"], Format)
	}
	if meta["run_kind"] == "" {
		return DefaultKind, nil
	}
	return meta["run_kind"], nil
}

// Tensor returns the named tensor of the checkpoint, checking its length,
// or an error naming the tensor.
func (c *Checkpoint) Tensor(name string, size int) ([]float64, error) {
	for _, t := range c.Tensors {
		if t.Name == name {
			if len(t.Data) != size {
				return nil, fmt.Errorf("tensor %s has %d values, the config needs %d", name, len(t.Data), size)
			}
			return t.Data, nil
		}
	}
	return nil, fmt.Errorf("tensor %s is missing", name)
}

// Resume decodes a checkpoint and rebuilds its run.
func Resume(b []byte, env Env) (Trainer, *Kind, error) {
	k, spec, ck, err := DecodeCheckpoint(b)
	if err != nil {
		return nil, k, err
	}
	tr, err := k.Resume(spec, ck, env)
	return tr, k, err
}
