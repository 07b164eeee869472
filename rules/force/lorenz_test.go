package force

import (
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/analysis/metric"
	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/balanced"
	"github.com/rnnlab/rnnlab/models/ctrnn"
)

// TestLorenzFORCE (set RNNLAB_FORCE_LORENZ=1) trains rate networks by FORCE
// to generate z-scored Lorenz-63 (dt = 0.01 per network step) with all
// three coordinates fed back, then lets them run freely and compares the
// generated series with the truth by D_stsp and D_H (docs/spiking.md).
func TestLorenzFORCE(t *testing.T) {
	if os.Getenv("RNNLAB_FORCE_LORENZ") == "" {
		t.Skip("set RNNLAB_FORCE_LORENZ=1 to run the Lorenz-63 FORCE experiment")
	}
	const train, test = 20000, 5000
	data := dataset.Lorenz63Data(train+test+1, 0.01, 1)
	tanh := func(dst, x []float64) {
		for i, v := range x {
			dst[i] = fmath.Tanh(v)
		}
	}
	type run struct {
		name  string
		m     models.Map
		nf    int
		feat  func(dst, x []float64)
		alpha float64
	}
	var runs []run
	for _, m := range []int{300, 600} {
		runs = append(runs, run{name: "ctrnn", m: ctrnn.NewMap(ctrnn.Config{M: m, K: 3, Tau: 0.1, Gain: 1.5}, "euler", 0.01, rng.New(1)), nf: m, feat: tanh, alpha: 1})
	}
	for _, ne := range []int{48, 240, 480} {
		cfg := balanced.Tutorial(3)
		cfg.NE, cfg.NI, cfg.Gain = ne, ne/3, 0.5
		bm, err := balanced.NewMap(cfg, "euler", 1, rng.New(1))
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run{name: "balanced", m: bm, nf: ne + ne/3, alpha: 0.1})
	}
	for _, r := range runs {
		x0 := make([]float64, r.m.Dim())
		rng.New(3).FillUniform(x0, 0, 0.5)
		tr, err := NewTrainer(r.m, x0, r.nf, r.feat, r.alpha)
		if err != nil {
			t.Fatal(err)
		}
		var trainErr float64
		for s := 0; s < train; s++ {
			e := tr.Step(data[(s+1)*3 : (s+2)*3])
			if s >= train-2000 {
				trainErr += e / 3 / 2000
			}
		}
		gen := make([]float64, test*3)
		for s := 0; s < test; s++ {
			tr.Step(nil)
			copy(gen[s*3:], tr.Z)
		}
		truth := data[(train+1)*3 : (train+1+test)*3]
		ds, e1 := metric.StateSpace(truth, gen, 3, nil)
		dh, e2 := metric.PowerSpectrumHellinger(truth, gen, 3, 0)
		t.Logf("%s M=%d: training MSE (a priori, last 2000) %.3g; free run D_stsp %.3f (%v), D_H %.3f (%v)",
			r.name, r.m.Dim(), trainErr, ds, e1, dh, e2)
	}
}
