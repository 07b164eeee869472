package bptt

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/optim"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// Forcing names a teacher-forcing scheme.
type Forcing string

const (
	Sparse      Forcing = "sparse"      // STF: replace every τ steps
	Generalized Forcing = "generalized" // GTF: interpolate every step
	NoForcing   Forcing = "none"        // free-running BPTT
)

// Config holds the training hyperparameters. The zero value of a field means
// the default given in its comment (the GTF paper's defaults, Hess et al. 2023).
type Config struct {
	SeqLen     int     // window length T (200)
	Batch      int     // windows per step S (16)
	Forcing    Forcing // "sparse", "generalized" or "none" (sparse)
	Interval   int     // STF interval τ (16)
	Alpha      float64 // GTF α, the initial value when annealed (1.0 if annealed, else 0.1)
	Adaptive   bool    // anneal α from Jacobian norms
	AlphaDecay float64 // annealing γ (0.999)
	AlphaEvery int     // estimate α every k steps (5)
	Noise      float64 // standard deviation of Gaussian noise on sampled windows (0)
	Optimizer  string  // "radam" or "adam" (radam)
	LR         float64 // start learning rate (1e-3)
	LREnd      float64 // end learning rate of the exponential decay (1e-6); equal to LR for constant
	Schedule   string  // "exponential" (LR → LREnd) or "step" (LR·LRGamma every LREvery steps) (exponential)
	LRGamma    float64 // step decay factor (0.5)
	LREvery    int     // step decay interval (1000)
	ClipNorm   float64 // global gradient-norm bound, 0 for none
	MARRatio   float64 // fraction κ of latent units under MAR (0)
	MARLambda  float64 // MAR strength λ (0)

	// Latent noise (ALN): Gaussian noise added to the latent state after
	// every step of the window, so the model learns to return to the
	// attractor from perturbations. "fixed": standard deviation NoiseScale;
	// "adaptive": NoiseScale·√(running training loss), clipped to
	// [NoiseMin, NoiseMax], the running loss an exponential average with
	// weight NoiseRate. "" (default): none.
	LatentNoise string
	NoiseScale  float64 // σ (fixed) or the factor c (adaptive) (0.05 fixed, 1 adaptive)
	NoiseMin    float64 // adaptive lower clip (1e-3)
	NoiseMax    float64 // adaptive upper clip (0.5)
	NoiseRate   float64 // weight of the running loss average (0.99)

	// Temporal self-distillation (TSD): "distill" pulls the free-running
	// latent trajectory from z_0 towards the teacher-forced one, a
	// stop-gradient target; "smooth" is the temporal-smoothness baseline
	// ‖z̄_t − sg(z_{t−1})‖². Both are scaled by TSDLambda and averaged over
	// steps, windows and latents. "" (default): none.
	TSD       string
	TSDLambda float64
	// TSDHorizon H restarts the "distill" free-running chain from the
	// teacher-forced state every H steps (z^free_t = sg(z_t) for t a multiple
	// of H), so only H-step free-running drift is penalised and its gradient
	// runs through at most H steps. 0 (default): one chain over the window.
	TSDHorizon int
	// TSDFrom is the number of steps trained before TSD switches on (a
	// warm start: the model first learns under forcing alone). 0: from
	// the first step.
	TSDFrom int
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c Config) WithDefaults() Config {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.SeqLen, 200)
	def(&c.Batch, 16)
	def(&c.Interval, 16)
	def(&c.AlphaEvery, 5)
	if c.Forcing == "" {
		c.Forcing = Sparse
	}
	if c.Alpha == 0 && c.Forcing == Generalized {
		c.Alpha = 0.1
		if c.Adaptive {
			c.Alpha = 1
		}
	}
	if c.AlphaDecay == 0 {
		c.AlphaDecay = 0.999
	}
	if c.Optimizer == "" {
		c.Optimizer = "radam"
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.LREnd == 0 {
		c.LREnd = 1e-6
	}
	if c.Schedule == "" {
		c.Schedule = "exponential"
	}
	if c.NoiseScale == 0 {
		c.NoiseScale = 0.05
		if c.LatentNoise == "adaptive" {
			c.NoiseScale = 1
		}
	}
	if c.NoiseMin == 0 {
		c.NoiseMin = 1e-3
	}
	if c.NoiseMax == 0 {
		c.NoiseMax = 0.5
	}
	if c.NoiseRate == 0 {
		c.NoiseRate = 0.99
	}
	if c.LRGamma == 0 {
		c.LRGamma = 0.5
	}
	if c.LREvery == 0 {
		c.LREvery = 1000
	}
	return c
}

// Validate reports the first impossible setting, naming it.
func (c Config) Validate() error {
	switch {
	case c.SeqLen < 2:
		return fmt.Errorf("bptt: sequence length %d is too short (need ≥ 2)", c.SeqLen)
	case c.Batch < 1:
		return fmt.Errorf("bptt: batch size %d must be ≥ 1", c.Batch)
	case c.Forcing != Sparse && c.Forcing != Generalized && c.Forcing != NoForcing:
		return fmt.Errorf("bptt: unknown forcing %q (want sparse, generalized or none)", c.Forcing)
	case c.Interval < 1:
		return fmt.Errorf("bptt: forcing interval %d must be ≥ 1", c.Interval)
	case c.Alpha < 0 || c.Alpha > 1:
		return fmt.Errorf("bptt: GTF alpha %g must lie in [0, 1]", c.Alpha)
	case c.AlphaDecay <= 0 || c.AlphaDecay > 1:
		return fmt.Errorf("bptt: alpha decay %g must lie in (0, 1]", c.AlphaDecay)
	case c.Optimizer != "adam" && c.Optimizer != "radam":
		return fmt.Errorf("bptt: unknown optimizer %q (want adam or radam)", c.Optimizer)
	case c.Schedule != "exponential" && c.Schedule != "step":
		return fmt.Errorf("bptt: unknown learning-rate schedule %q (want exponential or step)", c.Schedule)
	case c.Schedule == "step" && (!(c.LRGamma > 0) || c.LREvery < 1):
		return fmt.Errorf("bptt: step schedule needs a positive gamma and interval (got %g, %d)", c.LRGamma, c.LREvery)
	case !(c.LR > 0) || !(c.LREnd > 0):
		return fmt.Errorf("bptt: learning rates must be positive (got %g → %g)", c.LR, c.LREnd)
	case c.Noise < 0 || c.ClipNorm < 0 || c.MARLambda < 0:
		return errors.New("bptt: noise, clip norm and MAR lambda must be ≥ 0")
	case c.LatentNoise != "" && c.LatentNoise != "fixed" && c.LatentNoise != "adaptive":
		return fmt.Errorf("bptt: unknown latent noise %q (want fixed, adaptive or empty)", c.LatentNoise)
	case c.NoiseScale < 0 || c.NoiseMin < 0 || c.NoiseMax < c.NoiseMin || c.NoiseRate < 0 || c.NoiseRate >= 1:
		return fmt.Errorf("bptt: latent-noise settings out of range (scale %g, clip [%g, %g], rate %g)", c.NoiseScale, c.NoiseMin, c.NoiseMax, c.NoiseRate)
	case c.TSD != "" && c.TSD != "distill" && c.TSD != "smooth":
		return fmt.Errorf("bptt: unknown TSD form %q (want distill, smooth or empty)", c.TSD)
	case c.TSDLambda < 0:
		return fmt.Errorf("bptt: TSD lambda %g must be ≥ 0", c.TSDLambda)
	case c.TSDHorizon < 0:
		return fmt.Errorf("bptt: TSD horizon %d must be ≥ 0 (0: the whole window)", c.TSDHorizon)
	case c.TSDFrom < 0:
		return fmt.Errorf("bptt: TSD start %d must be ≥ 0", c.TSDFrom)
	case c.MARRatio < 0 || c.MARRatio > 1:
		return fmt.Errorf("bptt: MAR ratio %g must lie in [0, 1]", c.MARRatio)
	}
	return nil
}

// Observer is what the trainer needs of an observation model.
type Observer interface {
	models.Observation
	models.Inverter
}

// ErrDiverged is returned (wrapped) when the loss or a gradient is not finite.
var ErrDiverged = errors.New("training diverged")

// Trainer runs BPTT on one model, observation model and series.
type Trainer struct {
	Model models.Trainable
	Obs   Observer
	Cfg   Config
	Alpha float64 // current GTF α

	data  []float64 // T×N training series
	n     int       // observation dimension N
	r     *rng.Rand
	optM  *optim.Adam
	optO  *optim.Adam
	sched optim.Schedule
	step  int
	total int

	// Work arrays, sized once.
	xw      []float64 // (T+1)×S×N windows, time-major
	zhat    []float64 // (T+1)×S×M forcing signals
	z       []float64 // (T+1)×S×M forced states z_t
	zbar    []float64 // (T+1)×S×M predictions z̄_t (row 0 unused)
	xhat    []float64 // S×N
	resid   []float64 // (T+1)×S×N: x̂_k − x_k of the last Forward (row 0 unused), read by Backward
	gx      []float64 // S×N
	gz, gp  []float64 // S×M cotangents
	gobs    []float64 // S×M
	gthetaM []float64
	gthetaO []float64
	jac     []float64
	pv, pw  []float64
	starts  []int
	tape    models.Tape // the window's forward passes: steps 0…T−1, then the TSD chain's T…2T−1

	zfree, ztgt []float64 // TSD: free-running states and frozen targets, (T+1)×S×M
	gf          []float64 // TSD cotangent, S×M
	frozen      bool      // tests: keep the TSD targets of the previous Forward
	lastTSD     float64   // the TSD penalty of the last Forward

	eps      []float64 // latent noise of the loaded batch, (T+1)×S×M (nil: none)
	noiseSD  float64   // current latent-noise standard deviation
	emaLoss  float64   // running training loss (adaptive latent noise)
	emaValid bool
}

// New returns a trainer of model m with observation o on the series data
// (rows of N = o's observation dimension), for a run of totalSteps gradient
// steps (used by the learning-rate schedule). r drives window sampling and
// noise.
func New(m models.Trainable, o Observer, data []float64, cfg Config, totalSteps int, r *rng.Rand) (*Trainer, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	N, M := o.Dims()
	if M != m.Dim() {
		return nil, fmt.Errorf("bptt: observation model expects %d latents, the model has %d", M, m.Dim())
	}
	if m.InputDim() != 0 {
		return nil, errors.New("bptt: models with external inputs are not supported by this trainer yet")
	}
	if len(data)%N != 0 {
		return nil, fmt.Errorf("bptt: data length %d is not a multiple of the observation dimension %d", len(data), N)
	}
	if len(data)/N < cfg.SeqLen+1 {
		return nil, fmt.Errorf("bptt: series of %d steps is shorter than one window (%d + 1)", len(data)/N, cfg.SeqLen)
	}
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("bptt: data holds a non-finite value %v at row %d, column %d", v, i/N, i%N)
		}
	}
	t := &Trainer{Model: m, Obs: o, Cfg: cfg, data: data, n: N, r: r, total: totalSteps}
	t.Alpha = cfg.Alpha
	mk := optim.NewRAdam
	if cfg.Optimizer == "adam" {
		mk = optim.NewAdam
	}
	t.optM = mk(len(m.Params()))
	t.optO = mk(len(o.Params()))
	t.sched = optim.Exponential{Start: cfg.LR, End: cfg.LREnd}
	if cfg.Schedule == "step" {
		t.sched = optim.StepDecay{Start: cfg.LR, Gamma: cfg.LRGamma, Every: cfg.LREvery}
	}
	T, S := cfg.SeqLen, cfg.Batch
	t.xw = make([]float64, (T+1)*S*N)
	t.zhat = make([]float64, (T+1)*S*M)
	t.z = make([]float64, (T+1)*S*M)
	t.zbar = make([]float64, (T+1)*S*M)
	t.xhat, t.gx = make([]float64, S*N), make([]float64, S*N)
	t.resid = make([]float64, (T+1)*S*N)
	t.gz, t.gp, t.gobs = make([]float64, S*M), make([]float64, S*M), make([]float64, S*M)
	t.gthetaM = make([]float64, len(m.Params()))
	t.gthetaO = make([]float64, len(o.Params()))
	t.jac = make([]float64, M*M)
	t.pv, t.pw = make([]float64, M), make([]float64, M)
	t.starts = make([]int, S)
	tapeSteps := T
	if cfg.TSD != "" && cfg.TSDLambda > 0 {
		t.zfree, t.ztgt, t.gf = make([]float64, (T+1)*S*M), make([]float64, (T+1)*S*M), make([]float64, S*M)
		if cfg.TSD == "distill" {
			tapeSteps = 2 * T
		}
	}
	t.tape = models.NewTape(m, tapeSteps, S)
	if r, ok := t.tape.(models.Referencer); ok {
		// The states a window's Forward calls step from (rows of z, zfree
		// and ztgt) stay as they are until Backward's Gradient.
		r.RecordByReference()
	}
	if cfg.LatentNoise != "" {
		t.eps = make([]float64, (T+1)*S*M)
		t.noiseSD = cfg.NoiseScale
		if cfg.LatentNoise == "adaptive" {
			t.noiseSD = cfg.NoiseMax
		}
	}
	return t, nil
}

// Steps is the number of gradient steps taken so far.
func (t *Trainer) Steps() int { return t.step }

// LearningRate is the rate the next step will use.
func (t *Trainer) LearningRate() float64 { return t.sched.Rate(t.step, t.total) }

// Sample draws S random windows of T+1 steps (and noise, if configured) into
// the trainer's window buffer.
func (t *Trainer) Sample() {
	T, S, N := t.Cfg.SeqLen, t.Cfg.Batch, t.n
	rows := len(t.data) / N
	for s := 0; s < S; s++ {
		t.starts[s] = t.r.IntN(rows - T)
	}
	t.SetWindows(t.starts)
	if t.Cfg.Noise > 0 {
		for i := range t.xw {
			t.xw[i] += float64(t.Cfg.Noise * t.r.Norm())
		}
		t.invert()
	}
	if t.eps != nil {
		t.r.FillNorm(t.eps, t.noiseSD)
	}
}

// NoiseState returns the latent-noise state (running loss, its validity and
// the current σ) for checkpoints; SetNoiseState restores it.
func (t *Trainer) NoiseState() (ema float64, valid bool, sd float64) {
	return t.emaLoss, t.emaValid, t.noiseSD
}

// SetNoiseState restores a state returned by NoiseState.
func (t *Trainer) SetNoiseState(ema float64, valid bool, sd float64) {
	t.emaLoss, t.emaValid, t.noiseSD = ema, valid, sd
}

// invert sets the forcing signals ẑ from the loaded windows; they are a
// constant of the training step (no gradient flows through the inversion).
// Invert sets the first Forced() entries of every row and leaves the others
// untouched (models.Inverter), so those stay the zeros they were allocated
// as, and ẑ need not be cleared first.
func (t *Trainer) invert() {
	t.Obs.Invert(t.zhat, t.xw)
}

// SetWindows loads the windows starting at the given rows (one per batch
// entry) into the window buffer, without noise.
func (t *Trainer) SetWindows(starts []int) {
	T, S, N := t.Cfg.SeqLen, t.Cfg.Batch, t.n
	if len(starts) != S {
		panic("bptt: SetWindows needs one start per batch entry")
	}
	for s, st := range starts {
		src := t.data[st*N : (st+T+1)*N]
		for k := 0; k <= T; k++ {
			// An element loop: rows are a few values, for which a call of
			// copy (memmove) costs more than the copying.
			dst, row := t.xw[(k*S+s)*N:][:N], src[k*N:][:N]
			for i := range dst {
				dst[i] = row[i]
			}
		}
	}
	t.invert()
}

// forced reports whether the forcing applies at step k (1-based).
func (t *Trainer) forced(k int) bool {
	switch t.Cfg.Forcing {
	case Sparse:
		return k%t.Cfg.Interval == 0
	case Generalized:
		return true
	}
	return false
}

// Forward runs the teacher-forced forward pass on the loaded windows (and the
// forcing signals computed when they were loaded) and returns the mean
// squared error.
func (t *Trainer) Forward() float64 {
	T, S, N := t.Cfg.SeqLen, t.Cfg.Batch, t.n
	M := t.Model.Dim()
	SM, SN := S*M, S*N
	F := t.Obs.Forced()
	copy(t.z[:SM], t.zhat[:SM])
	var sse float64
	for k := 1; k <= T; k++ {
		zb := t.zbar[k*SM : (k+1)*SM]
		t.tape.Forward(k-1, zb, t.z[(k-1)*SM:k*SM], nil)
		t.Obs.Observe(t.xhat, zb)
		x, res := t.xw[k*SN:(k+1)*SN], t.resid[k*SN:(k+1)*SN]
		for i, v := range t.xhat {
			d := v - x[i]
			res[i] = d
			sse += float64(d * d)
		}
		zk := t.z[k*SM : (k+1)*SM]
		copy(zk, zb)
		if t.forced(k) {
			zh := t.zhat[k*SM : (k+1)*SM]
			a := t.Alpha
			for s := 0; s < S; s++ {
				for i := s * M; i < s*M+F; i++ {
					if t.Cfg.Forcing == Sparse {
						zk[i] = zh[i]
					} else {
						zk[i] = float64((1-a)*zb[i]) + float64(a*zh[i])
					}
				}
			}
		}
		if t.eps != nil && k < T {
			for i, e := range t.eps[k*SM : (k+1)*SM] {
				zk[i] += e
			}
		}
	}
	t.lastTSD = t.tsdForward()
	return sse / float64(T*SN)
}

// Backward backpropagates the loss of the last Forward through time and sets
// the gradients (returned, aliased by the trainer) of the model and
// observation parameters.
func (t *Trainer) Backward() (gModel, gObs []float64) {
	T, S, N := t.Cfg.SeqLen, t.Cfg.Batch, t.n
	M := t.Model.Dim()
	SM, SN := S*M, S*N
	F := t.Obs.Forced()
	clear(t.gthetaM)
	clear(t.gthetaO)
	clear(t.gz)
	scale := 2 / float64(T*SN)
	for k := T; k >= 1; k-- {
		zb := t.zbar[k*SM : (k+1)*SM]
		// Cotangent of z̄_k: through the forcing, plus the loss term.
		copy(t.gp, t.gz)
		if t.forced(k) {
			a := t.Alpha
			for s := 0; s < S; s++ {
				for i := s * M; i < s*M+F; i++ {
					if t.Cfg.Forcing == Sparse {
						t.gp[i] = 0
					} else {
						t.gp[i] = float64((1 - a) * t.gp[i])
					}
				}
			}
		}
		gx := t.gx[:SN]
		for i, d := range t.resid[k*SN : (k+1)*SN] { // x̂_k − x_k, kept by Forward
			gx[i] = float64(scale * d)
		}
		t.Obs.ObserveVJP(t.gobs, t.gthetaO, zb, t.gx)
		gp, gobs := t.gp, t.gobs[:len(t.gp)] // locals: the compiler reloads fields after every store
		for i := range gp {
			gp[i] += gobs[i]
		}
		if t.tsdActive() && t.Cfg.TSD == "smooth" {
			c := 2 * t.Cfg.TSDLambda / float64(T*SM)
			for i := range t.gp {
				t.gp[i] += float64(c * (zb[i] - t.ztgt[(k-1)*SM+i]))
			}
		}
		t.tape.Backward(k-1, t.gz, t.gp)
	}
	if t.tsdActive() && t.Cfg.TSD == "distill" {
		// BPTT through the free-running chain with the distillation cotangent.
		c := 2 * t.Cfg.TSDLambda / float64(T*SM)
		H := t.tsdHorizon()
		clear(t.gf)
		for k := T; k >= 1; k-- {
			for i := range t.gf {
				t.gf[i] += float64(c * (t.zfree[k*SM+i] - t.ztgt[k*SM+i]))
			}
			t.tape.Backward(T+k-1, t.gp, t.gf)
			if (k-1)%H == 0 {
				clear(t.gf) // the chain restarted from a stop-gradient state
			} else {
				copy(t.gf, t.gp)
			}
		}
	}
	t.tape.Gradient(t.gthetaM)
	return t.gthetaM, t.gthetaO
}

// Penalty adds the parameter regularizers (MAR) to the model gradient and
// returns their value.
func (t *Trainer) Penalty(gModel []float64) float64 {
	if t.Cfg.MARRatio == 0 || t.Cfg.MARLambda == 0 {
		return 0
	}
	lm, ok := t.Model.(models.Layouter)
	if !ok {
		return 0
	}
	return MAR(lm.Layout(), t.Model.Params(), gModel, t.Model.Dim(), t.Cfg.MARRatio, t.Cfg.MARLambda)
}

// Step performs one training step on a freshly sampled batch and returns the
// data loss (without regularization). It returns an error wrapping
// ErrDiverged when the loss or gradient is not finite; the parameters are then
// left as they were before the step.
func (t *Trainer) Step() (float64, error) {
	t.Sample()
	if t.Cfg.Forcing == Generalized && t.Cfg.Adaptive && t.step%t.Cfg.AlphaEvery == 0 {
		t.annealAlpha()
	}
	loss := t.Forward()
	gM, gO := t.Backward()
	t.Penalty(gM)
	if p, ok := t.Model.(models.Projector); ok {
		p.ProjectGradient(gM)
	}
	gn := optim.ClipNorm(t.Cfg.ClipNorm, gM, gO)
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(gn) || math.IsInf(gn, 0) {
		return loss, fmt.Errorf("%w at step %d: loss %v, gradient norm %v (lower the learning rate, use generalized teacher forcing with a larger alpha, or set a gradient clip norm)", ErrDiverged, t.step, loss, gn)
	}
	lr := t.LearningRate()
	t.optM.Update(t.Model.Params(), gM, lr)
	if len(gO) > 0 {
		t.optO.Update(t.Obs.Params(), gO, lr)
	}
	t.step++
	if t.Cfg.LatentNoise == "adaptive" {
		if !t.emaValid {
			t.emaLoss, t.emaValid = loss, true
		} else {
			t.emaLoss = float64(t.Cfg.NoiseRate*t.emaLoss) + float64((1-t.Cfg.NoiseRate)*loss)
		}
		t.noiseSD = min(max(float64(t.Cfg.NoiseScale*math.Sqrt(t.emaLoss)), t.Cfg.NoiseMin), t.Cfg.NoiseMax)
	}
	return loss, nil
}

// OptimizerState returns the optimizers' states (model, observation) for a
// checkpoint.
func (t *Trainer) OptimizerState() (model, obs []float64) { return t.optM.State(), t.optO.State() }

// Restore sets the step count, α and the optimizers' states from a checkpoint.
func (t *Trainer) Restore(step int, alpha float64, model, obs []float64) error {
	if err := t.optM.SetState(model); err != nil {
		return err
	}
	if err := t.optO.SetState(obs); err != nil {
		return err
	}
	t.step, t.Alpha = step, alpha
	return nil
}

// RNG is the trainer's random source (window sampling and noise), exposed so
// a checkpoint can store its state and a resumed run continue the stream.
func (t *Trainer) RNG() *rng.Rand { return t.r }
