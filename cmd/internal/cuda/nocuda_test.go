//go:build !cuda

package cuda

import (
	"errors"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

func TestNoGPUSupport(t *testing.T) {
	if Supported() {
		t.Fatal("a build without the cuda tag reports GPU support")
	}
	if err := Available(); !errors.Is(err, ErrNoGPUSupport) {
		t.Fatalf("Available = %v, want ErrNoGPUSupport", err)
	}
	if !strings.Contains(ErrNoGPUSupport.Error(), "-tags cuda") {
		t.Fatalf("the error should say how to get GPU support: %v", ErrNoGPUSupport)
	}
	if _, err := Devices(); !errors.Is(err, ErrNoGPUSupport) {
		t.Fatalf("Devices = %v, want ErrNoGPUSupport", err)
	}
	if e, err := NewEnsemble(benchConfig); e != nil || !errors.Is(err, ErrNoGPUSupport) {
		t.Fatalf("NewEnsemble = %v, %v, want nil, ErrNoGPUSupport", e, err)
	}
	if d, err := NewDendritic(plrnn.Config{M: 3, Bases: 2}, rng.New(1)); d != nil || !errors.Is(err, ErrNoGPUSupport) {
		t.Fatalf("NewDendritic = %v, %v, want nil, ErrNoGPUSupport", d, err)
	}
	if s, err := NewShallow(plrnn.Config{M: 3, Hidden: 50, Clipped: true}, rng.New(1)); s != nil || !errors.Is(err, ErrNoGPUSupport) {
		t.Fatalf("NewShallow = %v, %v, want nil, ErrNoGPUSupport", s, err)
	}
	if err := CheckDevice("cuda"); !errors.Is(err, ErrNoGPUSupport) || !strings.Contains(err.Error(), "--device cuda") {
		t.Fatalf("CheckDevice(cuda) = %v, want ErrNoGPUSupport naming the flag", err)
	}
	if err := CheckDevice("cpu"); err != nil {
		t.Fatalf("CheckDevice(cpu) = %v", err)
	}
	if err := CheckDevice("tpu"); err == nil || !strings.Contains(err.Error(), `"tpu"`) {
		t.Fatalf("CheckDevice(tpu) = %v, want an error naming the value", err)
	}
	var e *Ensemble
	if err := e.Window(nil, nil); !errors.Is(err, ErrNoGPUSupport) {
		t.Fatalf("Window on no ensemble = %v, want ErrNoGPUSupport", err)
	}
}
