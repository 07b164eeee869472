package reservoir

import (
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/safetensors"
	"github.com/rnnlab/rnnlab/rules/run"
)

// A modelRun is one model of the comparison in training: a fixed number
// of units, the last of which also scores the model.
type modelRun interface {
	units() int
	// advance does the next unit and reports whether the model is
	// trained and scored.
	advance() (finished bool, err error)
	result() *result
	// save and load hold the in-progress state (a model rebuilt from its
	// settings and seed plus this continues bit for bit).
	save(w *ckWriter)
	load(r *ckReader) error
	// status is the model's current training error, for progress lines.
	status() run.Value
}

// result is one model's row of the comparison and what its figures need.
type result struct {
	MSE, R2     float64 // one-step prediction on the test part
	DStsp, DH   float64 // free run against the test part
	Lambda1     float64 // Rosenstein estimate from the free run (per time unit)
	Lambda1Jac  float64 // from the trained map's Jacobians (NaN where there are none)
	Params      int     // trainable parameters
	Note        string
	Gen         []float64 // the free run, Free × 3
	RasterT     []float64 // spikes of the first RasterMs of the free run (ms)
	RasterI     []float64 // their neurons
	N, NE       int       // network size, excitatory neurons (spiking models)
	RateE       []float64 // population rates (Hz) over the free run, in bins of RateBinMs
	RateI       []float64
	MeanRate    float64 // Hz over the free run
	TrainErrors []float64
}

// Figures of the spiking models cover these spans.
const (
	RasterMs  = 300.0
	RateBinMs = 10.0
)

// ckWriter collects a checkpoint's tensors and metadata under a prefix.
type ckWriter struct {
	prefix string
	ck     *run.Checkpoint
}

func (w *ckWriter) tensor(name string, v []float64) {
	w.ck.Tensors = append(w.ck.Tensors, safetensors.Tensor{Name: w.prefix + name, DType: "F64", Shape: []int{len(v)}, Data: append([]float64(nil), v...)})
}

func (w *ckWriter) meta(name, v string) { w.ck.Meta[w.prefix+name] = v }

func (w *ckWriter) float(name string, v float64) {
	w.meta(name, strconv.FormatFloat(v, 'g', -1, 64))
}

func (w *ckWriter) int(name string, v int) { w.meta(name, strconv.Itoa(v)) }

// ckReader reads what a ckWriter wrote.
type ckReader struct {
	prefix string
	ck     *run.Checkpoint
	err    error
}

func (r *ckReader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, a...)
	}
}

// tensor returns the named tensor; size < 0 accepts any length.
func (r *ckReader) tensor(name string, size int) []float64 {
	for _, t := range r.ck.Tensors {
		if t.Name == r.prefix+name {
			if size >= 0 && len(t.Data) != size {
				r.fail("checkpoint tensor %s%s has %d values, the config needs %d", r.prefix, name, len(t.Data), size)
				return make([]float64, size)
			}
			return append([]float64(nil), t.Data...)
		}
	}
	r.fail("checkpoint tensor %s%s is missing", r.prefix, name)
	if size < 0 {
		size = 0
	}
	return make([]float64, size)
}

func (r *ckReader) meta(name string) string {
	v, ok := r.ck.Meta[r.prefix+name]
	if !ok {
		r.fail("checkpoint metadata %s%s is missing", r.prefix, name)
	}
	return v
}

func (r *ckReader) float(name string) float64 {
	s := r.meta(name)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		r.fail("checkpoint metadata %s%s = %q is not a number", r.prefix, name, s)
	}
	return v
}

func (r *ckReader) int(name string) int {
	s := r.meta(name)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		r.fail("checkpoint metadata %s%s = %q is not an integer", r.prefix, name, s)
	}
	return v
}

// saveResult writes a finished model's result.
func saveResult(w *ckWriter, res *result) {
	for _, f := range []struct {
		k string
		v float64
	}{{"mse", res.MSE}, {"r2", res.R2}, {"dstsp", res.DStsp}, {"dh", res.DH}, {"lambda1", res.Lambda1},
		{"lambda1_jac", res.Lambda1Jac}, {"mean_rate", res.MeanRate}} {
		w.float(f.k, f.v)
	}
	w.int("params", res.Params)
	w.int("n", res.N)
	w.int("ne", res.NE)
	w.meta("note", res.Note)
	w.tensor("gen", res.Gen)
	w.tensor("raster_t", res.RasterT)
	w.tensor("raster_i", res.RasterI)
	w.tensor("rate_e", res.RateE)
	w.tensor("rate_i", res.RateI)
	w.tensor("train_errors", res.TrainErrors)
}

func loadResult(r *ckReader) *result {
	res := &result{MSE: r.float("mse"), R2: r.float("r2"), DStsp: r.float("dstsp"), DH: r.float("dh"),
		Lambda1: r.float("lambda1"), Lambda1Jac: r.float("lambda1_jac"), MeanRate: r.float("mean_rate"),
		Params: r.int("params"), N: r.int("n"), NE: r.int("ne"), Note: r.meta("note"),
		Gen: r.tensor("gen", -1), RasterT: r.tensor("raster_t", -1), RasterI: r.tensor("raster_i", -1),
		RateE: r.tensor("rate_e", -1), RateI: r.tensor("rate_i", -1), TrainErrors: r.tensor("train_errors", -1)}
	return res
}

// A stepper is a trained model seen from outside: drive feeds it one
// sample in and sets out to its prediction of the next sample.
type stepper interface {
	drive(out, in []float64) error
	snapshot() func() // returns a function restoring the current state
}

// recorder is a stepper that can record its spikes during the free run.
type recorder interface {
	record(res *result, on bool)
}

// score runs the comparison's protocol on a trained model: unless the
// model has already seen the validation part (warmed, with last its
// prediction of the first test sample), it is driven through the
// validation part by the true samples; from there (1) it predicts every
// next test sample from the true current one, and (2), restored to the
// same state, it runs freely for free samples, its prediction fed back as
// its input. It fills res's scores and free run.
func score(res *result, st stepper, d *series, free int, lyap LyapSettings, warmed bool, last []float64) {
	p := make([]float64, 3)
	if warmed {
		copy(p, last)
	} else {
		nv := len(d.val) / 3
		for t := 0; t < nv; t++ {
			if err := st.drive(p, d.val[t*3:(t+1)*3]); err != nil {
				res.Note = "diverged while driven by the validation part: " + err.Error()
				nanResult(res, free)
				return
			}
		}
	}
	restore := st.snapshot()
	nt := len(d.test) / 3
	pred := make([]float64, (nt-1)*3)
	failed := ""
	for t := 0; t < nt-1; t++ {
		if err := st.drive(pred[t*3:(t+1)*3], d.test[t*3:(t+1)*3]); err != nil {
			failed = err.Error()
			for i := t * 3; i < len(pred); i++ {
				pred[i] = math.NaN()
			}
			break
		}
	}
	res.MSE, res.R2 = oneStep(pred, d.test[3:])
	if failed != "" {
		res.Note = "one-step prediction failed: " + failed
	}
	restore()
	rec, _ := st.(recorder)
	if rec != nil {
		rec.record(res, true)
	}
	res.Gen = make([]float64, free*3)
	copy(res.Gen, p)
	for k := 1; k < free; k++ {
		out := res.Gen[k*3 : (k+1)*3]
		err := st.drive(out, res.Gen[(k-1)*3:k*3])
		if err == nil && !(math.Abs(out[0]) < 1e3 && math.Abs(out[1]) < 1e3 && math.Abs(out[2]) < 1e3) {
			err = fmt.Errorf("|x| > 1000")
		}
		if err != nil {
			for i := k * 3; i < len(res.Gen); i++ {
				res.Gen[i] = math.NaN()
			}
			if res.Note == "" {
				res.Note = fmt.Sprintf("free run diverged at step %d (%v)", k, err)
			}
			break
		}
	}
	if rec != nil {
		rec.record(res, false)
	}
	res.DStsp, res.DH = freeScores(res.Gen, d.test)
	res.Lambda1 = lambda1(res.Gen, 3, d.dt, lyap.Theiler, lyap.FitFrom, lyap.FitTo)
	if res.Note == "" {
		res.Note = regime(res.Gen)
	}
}

// nanResult marks a model that could not be scored.
func nanResult(res *result, free int) {
	res.MSE, res.R2, res.DStsp, res.DH, res.Lambda1 = math.NaN(), math.NaN(), math.Inf(1), math.Inf(1), math.NaN()
	res.Gen = make([]float64, free*3)
	for i := range res.Gen {
		res.Gen[i] = math.NaN()
	}
}

// regime says in words what the second half of a free run does: settle
// on a fixed point (its standard deviation below 1e-3), or keep moving.
func regime(gen []float64) string {
	T := len(gen) / 3
	half := gen[(T/2)*3:]
	var sd float64
	for j := 0; j < 3; j++ {
		var m, v float64
		n := float64(len(half) / 3)
		for t := j; t < len(half); t += 3 {
			m += half[t]
		}
		m /= n
		for t := j; t < len(half); t += 3 {
			d := half[t] - m
			v += float64(d * d)
		}
		sd = max(sd, math.Sqrt(v/n))
	}
	if sd < 1e-3 {
		return "free run settles on a fixed point"
	}
	return ""
}
