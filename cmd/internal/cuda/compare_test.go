package cuda

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/plrnn"
)

// cpuGradients returns one dendritic PLRNN's parameter gradient for the same
// batch and cotangents through its tape and through its VJP — two CPU paths
// that must agree — and the model.
func cpuGradients(t *testing.T) (tape, vjp []float64, m *plrnn.Dendritic) {
	t.Helper()
	const M, B, S = 7, 5, 4
	m = plrnn.NewDendritic(plrnn.Config{M: M, Bases: B}, rng.New(11))
	r := rng.New(12)
	x, g := make([]float64, S*M), make([]float64, S*M)
	r.FillNorm(x, 1)
	r.FillNorm(g, 1)
	P := len(m.Params())
	tape, vjp = make([]float64, P), make([]float64, P)
	tp := models.NewTape(m, 1, S)
	dst, gx := make([]float64, S*M), make([]float64, S*M)
	tp.Forward(0, dst, x, nil)
	tp.Backward(0, gx, g)
	tp.Gradient(tape)
	m.VJP(gx, vjp, x, nil, g)
	return tape, vjp, m
}

func TestCompareCPUAgainstCPU(t *testing.T) {
	tape, vjp, m := cpuGradients(t)
	d, err := Compare(tape, vjp, DeviceTolerance)
	if err != nil {
		t.Fatalf("the CPU tape and VJP gradients should agree: %v", err)
	}
	if d.MaxAbs != 0 || d.Scale == 0 {
		t.Fatalf("tape and VJP give the same bits, want MaxAbs 0 and a positive scale, got %+v", d)
	}
	if err := CompareFields(m.Layout(), tape, vjp, DeviceTolerance); err != nil {
		t.Fatal(err)
	}

	// Within the tolerance: a relative change of 1e-14 of the scale passes,
	// and Diff says where and how much.
	got := append([]float64(nil), tape...)
	got[5] += 1e-14 * d.Scale
	d2, err := Compare(got, vjp, DeviceTolerance)
	if err != nil || d2.Index != 5 || !(d2.Rel() > 5e-15 && d2.Rel() < 2e-14) {
		t.Fatalf("a 1e-14 change should pass and be reported at 5: %+v, %v", d2, err)
	}

	// Beyond it: 1e-9 of the scale fails and the error names the element,
	// here W[0][3] after A's 7 entries.
	got[5] = tape[5]
	got[10] = tape[10] + 1e-9*d.Scale
	if _, err := Compare(got, vjp, DeviceTolerance); err == nil || !strings.Contains(err.Error(), "element 10") {
		t.Fatalf("a 1e-9 change should fail naming element 10, got %v", err)
	}
	// Field by field, the failing element is in W and held to W's own scale.
	if err := CompareFields(m.Layout(), got, vjp, DeviceTolerance); err == nil || !strings.Contains(err.Error(), "field W") {
		t.Fatalf("CompareFields should name field W, got %v", err)
	}

	// A NaN, an infinity and a length mismatch are errors.
	got[5] = math.NaN()
	if _, err := Compare(got, vjp, 1); err == nil {
		t.Fatal("a NaN should fail at any tolerance")
	}
	got[5] = math.Inf(1)
	if _, err := Compare(got, vjp, 1); err == nil {
		t.Fatal("an infinity should fail at any tolerance")
	}
	if _, err := Compare(got[:3], vjp, 1); err == nil {
		t.Fatal("different lengths should fail")
	}
	// Two zero vectors agree.
	if d, err := Compare(make([]float64, 4), make([]float64, 4), 0); err != nil || d.Rel() != 0 {
		t.Fatalf("zero vectors: %+v, %v", d, err)
	}
}

func TestEnsembleConfigValidate(t *testing.T) {
	good := benchConfig
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := good.ParamCount(), 22+22*22+22+20+22*20; got != want {
		t.Fatalf("ParamCount = %d, want %d", got, want)
	}
	m := plrnn.NewDendritic(plrnn.Config{M: good.Latents, Bases: good.Bases}, nil)
	if got := len(m.Params()); got != good.ParamCount() {
		t.Fatalf("ParamCount = %d, plrnn.Dendritic has %d parameters", good.ParamCount(), got)
	}
	van := EnsembleConfig{Models: 1, Vanilla: true, Latents: 6, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1}
	if err := van.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := van.ParamCount(), len(plrnn.NewVanilla(plrnn.Config{M: 6}, nil).Params()); got != want {
		t.Fatalf("vanilla ParamCount = %d, plrnn.Vanilla has %d parameters", got, want)
	}
	for key, bad := range map[string]EnsembleConfig{
		"models":   {Latents: 3, Bases: 2, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
		"latents":  {Models: 1, Bases: 2, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
		"observed": {Models: 1, Latents: 3, Bases: 2, Batch: 1, SeqLen: 2, Observed: 4, Interval: 1},
		"interval": {Models: 1, Latents: 3, Bases: 2, Batch: 1, SeqLen: 2, Observed: 1},
		"vanilla":  {Models: 1, Vanilla: true, Latents: 3, Bases: 2, Batch: 1, SeqLen: 2, Observed: 1, Interval: 1},
	} {
		err := bad.Validate()
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("config without a valid %s: error %v should name it", key, err)
		}
		if _, err := NewEnsemble(bad); err == nil || errors.Is(err, ErrNoGPUSupport) || errors.Is(err, ErrNoDevice) {
			t.Errorf("NewEnsemble should reject the bad %s before looking for a device, got %v", key, err)
		}
	}
}
