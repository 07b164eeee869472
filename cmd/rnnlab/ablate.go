package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// ablation is one condition of the regularizer grid: Key is its preset name
// in a sweep grid (none, mar, tsd, aln, all), Name its label in ablate's table.
type ablation struct {
	Key, Name string
	Set       func(*TrainConfig)
}

// regStrengths are the regularizer strengths the presets set.
type regStrengths struct {
	MARRatio, MARLambda, TSDLambda, ALNScale float64
	TSDHorizon, TSDFrom                      int
}

// defaultRegStrengths are ablate's flag defaults, also used by sweep presets.
var defaultRegStrengths = regStrengths{MARRatio: 0.5, MARLambda: 1e-3, TSDLambda: 0.1, ALNScale: 1}

// regularizerConditions are the five regularizer conditions (none, MAR, TSD,
// ALN, all three), shared by ablate and sweep's "regularizers" axis. Each
// Set is applied to a training section cleared by clearRegularizers.
func regularizerConditions(s regStrengths) []ablation {
	mar := func(c *TrainConfig) { c.MARRatio, c.MARLambda = s.MARRatio, s.MARLambda }
	tsd := func(c *TrainConfig) {
		c.TSD, c.TSDLambda, c.TSDHorizon, c.TSDFrom = "distill", s.TSDLambda, s.TSDHorizon, s.TSDFrom
	}
	aln := func(c *TrainConfig) { c.LatentNoise, c.NoiseScale = "adaptive", s.ALNScale }
	return []ablation{
		{"none", "none", func(*TrainConfig) {}},
		{"mar", "MAR", mar},
		{"tsd", "TSD", tsd},
		{"aln", "ALN", aln},
		{"all", "MAR+TSD+ALN", func(c *TrainConfig) { mar(c); tsd(c); aln(c) }},
	}
}

// clearRegularizers switches MAR, TSD and ALN off.
func clearRegularizers(c *TrainConfig) {
	c.MARRatio, c.MARLambda, c.TSD, c.TSDLambda, c.TSDHorizon, c.TSDFrom, c.LatentNoise = 0, 0, "", 0, 0, 0, ""
}

// parallel calls f(0) … f(n−1), at most jobs at a time, starting them in
// order, and waits for all.
func parallel(n, jobs int, f func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}(i)
	}
	wg.Wait()
}

// cmdAblate runs the regularizer grid (none, MAR, TSD, ALN, all three) over
// several seeds in parallel and writes a table of D_stsp, D_H and PE (mean
// ± standard error over seeds) and a plot.
func cmdAblate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ablate", stderr)
	configPath := fs.String("config", "", "base run config (required); its regularizer settings are replaced per condition")
	outDir := fs.String("out", "out/ablation", "directory for the runs, table and plot")
	seeds := fs.Int("seeds", 3, "training seeds per condition (1 … seeds)")
	jobs := fs.Int("jobs", runtime.NumCPU(), "runs in parallel")
	d := defaultRegStrengths
	marRatio := fs.Float64("mar-ratio", d.MARRatio, "MAR: fraction of latents regulated")
	marLambda := fs.Float64("mar-lambda", d.MARLambda, "MAR: strength")
	tsdLambda := fs.Float64("tsd-lambda", d.TSDLambda, "TSD: strength (distillation form)")
	tsdFrom := fs.Int("tsd-from", d.TSDFrom, "TSD: steps trained before it switches on (warm start)")
	tsdHorizon := fs.Int("tsd-horizon", d.TSDHorizon, "TSD: restart the free-running chain from the teacher-forced state every H steps (0: one chain over the window)")
	alnScale := fs.Float64("aln-scale", d.ALNScale, "ALN: factor c of σ = c·√(running loss)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := firstError(
		intAtLeast("seeds", *seeds, 1), intAtLeast("jobs", *jobs, 1),
		floatIn("mar-ratio", *marRatio, 0, 1), floatIn("mar-lambda", *marLambda, 0, math.Inf(1)),
		floatIn("tsd-lambda", *tsdLambda, 0, math.Inf(1)), intAtLeast("tsd-from", *tsdFrom, 0),
		intAtLeast("tsd-horizon", *tsdHorizon, 0), floatIn("aln-scale", *alnScale, 0, math.Inf(1)),
	); err != nil {
		return err
	}
	if *configPath == "" {
		return flagError{errors.New("--config is required")}
	}
	base, err := LoadConfig(*configPath)
	if err != nil {
		return err
	}
	conds := regularizerConditions(regStrengths{MARRatio: *marRatio, MARLambda: *marLambda, TSDLambda: *tsdLambda, TSDHorizon: *tsdHorizon, TSDFrom: *tsdFrom, ALNScale: *alnScale})
	type job struct {
		cond, seed int
		dir        string
	}
	var list []job
	for ci, c := range conds {
		for s := 1; s <= *seeds; s++ {
			cfg := base
			clearRegularizers(&cfg.Train)
			c.Set(&cfg.Train)
			cfg.Train.Seed = uint64(s)
			if err := cfg.Validate(); err != nil {
				return usageError{err}
			}
			dir := filepath.Join(*outDir, fmt.Sprintf("%s-seed%d", strings.ReplaceAll(c.Name, "+", "_"), s))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			b, _ := json.MarshalIndent(cfg, "", "  ")
			if err := writeAtomic(filepath.Join(dir, "config.json"), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
				return err
			}
			list = append(list, job{ci, s, dir})
		}
	}
	fmt.Fprintf(stdout, "ablation: %d conditions × %d seeds = %d runs, %d at a time\n", len(conds), *seeds, len(list), *jobs)
	results := make([]Metrics, len(list))
	errs := make([]error, len(list))
	// As in a sweep: a signal lets the runs in flight save, and no run
	// starts after it; the same command resumes the interrupted ones.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupts)
	var mu sync.Mutex
	var stopSig os.Signal
	stopped := 0
	parallel(len(list), *jobs, func(i int) {
		j := list[i]
		mu.Lock()
		select {
		case sig := <-interrupts:
			stopSig = sig
		default:
		}
		halt := stopSig != nil
		mu.Unlock()
		if halt {
			errs[i] = errors.New("not started")
			return
		}
		m, st, err := runOne(j.dir)
		results[i], errs[i] = m, err
		mu.Lock()
		if st == 130 || st == 143 {
			stopped++
			fmt.Fprintf(stdout, "  %s seed %d: interrupted and saved\n", conds[j.cond].Name, j.seed)
		} else if err != nil {
			fmt.Fprintf(stdout, "  %s seed %d: failed: %v\n", conds[j.cond].Name, j.seed, err)
		} else {
			fmt.Fprintf(stdout, "  %s seed %d: %s\n", conds[j.cond].Name, j.seed, m.Long())
		}
		mu.Unlock()
	})
	select {
	case sig := <-interrupts:
		stopSig = sig
	default:
	}
	if stopSig != nil || stopped > 0 {
		if stopSig == nil {
			stopSig = os.Interrupt
		}
		return interruptedError{stopSig, fmt.Sprintf("interrupted by %s: %d runs saved their checkpoints; run the same command again to resume them and train the rest", signalName(stopSig), stopped)}
	}
	// Table: mean ± sem per condition over the runs that finished.
	type row struct {
		Name                     string
		N, Diverged              int
		Dstsp, DstspSE, DH, DHSE float64
		PE, PESE                 float64
	}
	var rows []row
	for ci, c := range conds {
		var ds, dh, pe []float64
		r := row{Name: c.Name}
		for i, j := range list {
			if j.cond != ci || errs[i] != nil {
				continue
			}
			m := results[i]
			if m.Diverged || math.IsInf(m.Dstsp, 0) || math.IsNaN(m.Dstsp) {
				r.Diverged++
				continue
			}
			ds, dh, pe = append(ds, m.Dstsp), append(dh, m.DH), append(pe, m.PE)
		}
		r.N = len(ds)
		r.Dstsp, r.DstspSE = meanSE(ds)
		r.DH, r.DHSE = meanSE(dh)
		r.PE, r.PESE = meanSE(pe)
		rows = append(rows, r)
	}
	var tb strings.Builder
	fmt.Fprintf(&tb, "| condition | runs | diverged | D_stsp | D_H | PE(%d) |\n|---|---|---|---|---|---|\n", base.Eval.Horizon)
	for _, r := range rows {
		fmt.Fprintf(&tb, "| %s | %d | %d | %.3f ± %.3f | %.3f ± %.3f | %.3g ± %.2g |\n", r.Name, r.N, r.Diverged, r.Dstsp, r.DstspSE, r.DH, r.DHSE, r.PE, r.PESE)
	}
	fmt.Fprint(stdout, tb.String())
	if err := writeAtomic(filepath.Join(*outDir, "table.md"), func(w io.Writer) error { _, err := io.WriteString(w, tb.String()); return err }); err != nil {
		return err
	}
	// Plot: D_stsp and D_H with standard errors.
	p := plot.New()
	p.Title.Text = "regularizer ablation (mean ± s.e.m. over seeds)"
	p.Y.Label.Text = "D_stsp"
	q := plot.New()
	q.Title.Text = " "
	q.Y.Label.Text = "D_H"
	for k, pl := range []*plot.Plot{p, q} {
		vals, errs := make(plotter.Values, len(rows)), make(plotter.YErrors, len(rows))
		for i, r := range rows {
			v, e := r.Dstsp, r.DstspSE
			if k == 1 {
				v, e = r.DH, r.DHSE
			}
			if math.IsNaN(v) {
				v, e = 0, 0
			}
			vals[i], errs[i] = v, struct{ Low, High float64 }{e, e}
		}
		bars, err := plotter.NewBarChart(vals, vg.Points(30))
		if err != nil {
			return err
		}
		bars.Color = color.NRGBA{R: 214, G: 39, B: 40, A: 180}
		pl.Add(bars)
		xys := make(plotter.XYs, len(rows))
		for i := range rows {
			xys[i] = plotter.XY{X: float64(i), Y: vals[i]}
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{xys, errs})
		if err == nil {
			pl.Add(eb)
		}
		names := make([]string, len(rows))
		for i, r := range rows {
			names[i] = r.Name
		}
		pl.NominalX(names...)
	}
	if err := savePlots(filepath.Join(*outDir, "ablation.png"), 12*vg.Inch, 4.5*vg.Inch, p, q); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s/{table.md, ablation.png} and one directory per run\n", *outDir)
	return nil
}

// runOne trains one run from its config.json (in-process) and returns its
// final held-out metrics; a run already finished is not repeated.
// runOne trains the run of dir (resuming it if an earlier ablation was
// interrupted) and returns its metrics and train's exit status.
func runOne(dir string) (Metrics, int, error) {
	if m, ok := finished(dir); ok {
		return m, 0, nil
	}
	runDir := filepath.Join(dir, "run")
	args := []string{"train", "--config", filepath.Join(dir, "config.json"), "--out", runDir, "--quiet"}
	if runState(runDir) == stateInterrupted {
		args = []string{"train", "--out", runDir, "--resume", "--quiet"}
	}
	var out, errb strings.Builder
	if st := run(args, &out, &errb); st != 0 {
		return Metrics{}, st, errors.New(strings.TrimSpace(errb.String()))
	}
	m, ok := finished(dir)
	if !ok {
		return Metrics{}, 0, errors.New("no metrics written")
	}
	return m, 0, nil
}

func finished(dir string) (Metrics, bool) { return readFinalMetrics(filepath.Join(dir, "run")) }

// readFinalMetrics reads the final held-out metrics of the run whose train
// --out directory is runDir, from its metrics.json.
func readFinalMetrics(runDir string) (Metrics, bool) {
	b, err := os.ReadFile(filepath.Join(runDir, "metrics.json"))
	if err != nil {
		return Metrics{}, false
	}
	var doc struct {
		Final struct {
			Metrics struct {
				Steps    int      `json:"steps"`
				Horizon  int      `json:"pe_horizon"`
				Dstsp    *float64 `json:"d_stsp"`
				DH       *float64 `json:"d_h"`
				PE       *float64 `json:"pe"`
				Diverged bool     `json:"diverged"`
			} `json:"metrics"`
		} `json:"final"`
	}
	if json.Unmarshal(b, &doc) != nil {
		return Metrics{}, false
	}
	f := doc.Final.Metrics
	val := func(p *float64) float64 {
		if p == nil {
			return math.Inf(1)
		}
		return *p
	}
	return Metrics{Steps: f.Steps, Horizon: f.Horizon, Dstsp: val(f.Dstsp), DH: val(f.DH), PE: val(f.PE), Diverged: f.Diverged}, true
}

// meanSE returns the mean and the standard error of the mean.
func meanSE(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	if len(x) < 2 {
		return m, 0
	}
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s/float64(len(x)-1)) / math.Sqrt(float64(len(x)))
}
