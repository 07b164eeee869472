package cuda

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/optim"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

var update = flag.Bool("update", false, "rewrite testdata/device_golden.bin")

// goldenPath is the CPU path's results that build/cuda/check.c compares the
// library against on a GPU machine without Go (docs/gpu.md). Format: "RNNG",
// then named arrays: a 16-byte NUL-padded name, a little-endian int32 type
// (0 float64, 1 int32), an int64 count and the values, little-endian.
var goldenPath = filepath.Join("testdata", "device_golden.bin")

// goldenFile is the file as this test binary was built with it, so the
// binary carries it to the device machine.
//
//go:embed testdata/device_golden.bin
var goldenFile []byte

// goldenConfig is the ensemble of the golden file (clipped, so every
// branch of the basis gradient is exercised; τ does not divide T).
var goldenConfig = EnsembleConfig{Models: 4, Latents: 10, Bases: 6, Clipped: true, Batch: 4, SeqLen: 37, Observed: 3, Interval: 8, Project: true}

// goldenShallowConfig is the shallow ensemble of the golden file (rnnlab's
// default model, clipped, M = 3, L = 50), its arrays named "sh_…".
var goldenShallowConfig = EnsembleConfig{Models: 3, Shallow: true, Latents: 3, Hidden: 50, Clipped: true, Batch: 4, SeqLen: 37, Observed: 3, Interval: 8}

const goldenRows, goldenRollouts, goldenSteps, goldenLR = 200, 2, 60, 1e-3

type goldenArray struct {
	name string
	f    []float64
	i    []int32
}

// goldenData computes the CPU path's window, one RAdam step and rollouts of
// goldenConfig, then of goldenShallowConfig (the same arrays, prefixed
// "sh_"; the C driver compares them where the file has them).
func goldenData(t *testing.T) []goldenArray {
	return append(goldenSection(t, goldenConfig, ""), goldenSection(t, goldenShallowConfig, "sh_")...)
}

func goldenSection(t *testing.T, cfg EnsembleConfig, prefix string) []goldenArray {
	series := testSeries(cfg.Models, goldenRows, cfg.Observed)
	c := newCPUEnsemble(t, cfg, 21, series, goldenRows)
	theta := c.params()
	starts := randomStarts(rng.New(22), cfg, goldenRows)
	loss, grad := c.window(starts)
	after := append([]float64(nil), theta...)
	optim.NewRAdam(len(after)).Update(after, grad, goldenLR) // the first RAdam step (not yet adaptive)
	M, R, K := cfg.Latents, goldenRollouts, goldenSteps
	z0 := make([]float64, cfg.Models*R*M)
	rng.New(23).FillNorm(z0, 1)
	roll := make([]float64, cfg.Models*R*K*M)
	for m, md := range c.models {
		for r := 0; r < R; r++ {
			z := z0[(m*R+r)*M : (m*R+r+1)*M]
			for k := 0; k < K; k++ {
				dst := roll[((m*R+r)*K+k)*M : ((m*R+r)*K+k+1)*M]
				md.Step(dst, z, nil)
				z = dst
			}
		}
	}
	b := func(v bool) int32 {
		if v {
			return 1
		}
		return 0
	}
	width := cfg.Bases // bases, or hidden units for the shallow section
	if cfg.Shallow {
		width = cfg.Hidden
	}
	conf := []int32{int32(cfg.Models), int32(cfg.Latents), int32(width), b(cfg.Clipped), int32(cfg.Batch),
		int32(cfg.SeqLen), int32(cfg.Observed), int32(cfg.Interval), b(cfg.Project), goldenRows, goldenRollouts, goldenSteps}
	st := make([]int32, len(starts))
	for i, s := range starts {
		st[i] = int32(s)
	}
	out := []goldenArray{{name: "config", i: conf}, {name: "lr", f: []float64{goldenLR}}, {name: "theta", f: theta},
		{name: "series", f: series}, {name: "starts", i: st}, {name: "loss", f: loss}, {name: "grad", f: grad},
		{name: "radam1", f: after}, {name: "z0", f: z0}, {name: "rollout", f: roll}}
	for i := range out {
		out[i].name = prefix + out[i].name
	}
	return out
}

func encodeGolden(arrays []goldenArray) []byte {
	var buf bytes.Buffer
	buf.WriteString("RNNG")
	for _, a := range arrays {
		var name [16]byte
		copy(name[:], a.name)
		buf.Write(name[:])
		if a.i != nil {
			binary.Write(&buf, binary.LittleEndian, int32(1))
			binary.Write(&buf, binary.LittleEndian, int64(len(a.i)))
			binary.Write(&buf, binary.LittleEndian, a.i)
			continue
		}
		binary.Write(&buf, binary.LittleEndian, int32(0))
		binary.Write(&buf, binary.LittleEndian, int64(len(a.f)))
		binary.Write(&buf, binary.LittleEndian, a.f)
	}
	return buf.Bytes()
}

// TestDeviceGolden checks that testdata/device_golden.bin holds exactly the
// CPU path's current results (-update rewrites it), so the C driver of the
// device check compares against the CPU of this commit.
func TestDeviceGolden(t *testing.T) {
	want := encodeGolden(goldenData(t))
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		tmp := goldenPath + ".tmp"
		if err := os.WriteFile(tmp, want, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, goldenPath); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s; the test binary embeds the file as it was built", goldenPath)
		return
	}
	if got := goldenFile; !bytes.Equal(got, want) {
		t.Fatalf("%s (%d bytes) differs from the CPU path's results (%d bytes): rerun with -update if the CPU path changed on purpose", goldenPath, len(got), len(want))
	}
	// The file decodes to finite values and a nonzero gradient.
	for _, a := range goldenData(t) {
		for _, v := range a.f {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("golden %s holds %v", a.name, v)
			}
		}
		if (a.name == "grad" || a.name == "sh_grad") && !slices.ContainsFunc(a.f, func(v float64) bool { return v != 0 }) {
			t.Fatal("golden gradient is all zero")
		}
	}
}
