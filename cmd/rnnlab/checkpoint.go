package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

const checkpointFormat = recipe.Format

// readCheckpoint reads a checkpoint file and rebuilds its model
// (recipe.DecodeCheckpoint), naming the file in every error.
func readCheckpoint(path string) (*Checkpoint, Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, Model{}, errorf("checkpoint %s does not exist", path)
		}
		return nil, Model{}, errorf("cannot read checkpoint: %v", err)
	}
	c, md, err := recipe.DecodeCheckpoint(b)
	if err != nil {
		return nil, Model{}, errorf("%s: %v", path, err)
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
