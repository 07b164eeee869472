package main

import (
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/cmd/internal/cuda"
)

// TestDeviceFlag: an unknown --device is a usage error naming the flag; in a
// build without the cuda tag --device cuda fails (status 1) saying the build
// has no GPU support, before any training; --device cpu trains as usual.
func TestDeviceFlag(t *testing.T) {
	st, _, e := runCmd(t, "train", "--device", "gpu", "--steps", "2", "--out", t.TempDir(), "--quiet")
	if st != 2 || !strings.Contains(e, `--device "gpu": choose cpu or cuda`) {
		t.Errorf("--device gpu: status %d, %q", st, e)
	}
	if !cuda.Supported() {
		st, o, e := runCmd(t, "train", "--device", "cuda", "--steps", "2", "--out", t.TempDir(), "--quiet")
		if st != 1 || !strings.Contains(e, "no GPU support") || strings.Contains(o, "final") {
			t.Errorf("--device cuda without the tag: status %d, stdout %q, stderr %q", st, o, e)
		}
	}
}
