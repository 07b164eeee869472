package reward

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
)

// Methods.
const (
	DeltaX   = "deltax"   // Miconi 2017: cubed fluctuations × cubed rates
	NodePert = "nodepert" // Fiete & Seung 2006: perturbations × rates
)

// Config sets the network, the rule and the task; Defaults gives net.cpp's.
type Config struct {
	N          int     `json:"units"`       // units (200)
	G          float64 `json:"g"`           // gain of J (1.5)
	Dt         float64 `json:"dt"`          // ms (1)
	Tau        float64 `json:"tau"`         // ms (30)
	PerturbP   float64 `json:"perturb_p"`   // probability per unit and step (0.003)
	PerturbAmp float64 `json:"perturb_amp"` // perturbation amplitude (16)
	TraceX     float64 `json:"trace_x"`     // x̄ ← TraceX x̄ + (1 − TraceX) x (0.05)
	TraceR     float64 `json:"trace_r"`     // R̄ ← TraceR R̄ + (1 − TraceR) R (0.75)
	Eta        float64 `json:"eta"`         // learning rate (0.1; node perturbation 0.001)
	MaxDW      float64 `json:"max_dw"`      // clip of ΔJ (3e-4)
	LearnAfter int     `json:"learn_after"` // weights change on trials > LearnAfter (100)
	Method     string  `json:"method"`      // DeltaX or NodePert
	Task       DNMS    `json:"task"`
	Seed       uint64  `json:"seed"`
}

// Defaults returns net.cpp's settings for method (DeltaX or NodePert).
func Defaults(method string) Config {
	c := Config{N: 200, G: 1.5, Dt: 1, Tau: 30, PerturbP: 0.003, PerturbAmp: 16,
		TraceX: 0.05, TraceR: 0.75, Eta: 0.1, MaxDW: 3e-4, LearnAfter: 100,
		Method: method, Task: DefaultDNMS(), Seed: 1}
	if method == NodePert {
		c.Eta = 0.001
	}
	return c
}

// Validate reports the first invalid setting, naming its key as in a run
// file's "reward" section.
func (c Config) Validate() error {
	switch {
	case c.N < 12:
		return fmt.Errorf("reward.units must be ≥ 12 (got %d): units 1, 10 and 11 are the clamped biases, unit 0 the output", c.N)
	case !(c.G >= 0) || math.IsInf(c.G, 0):
		return fmt.Errorf("reward.g must be a finite gain ≥ 0 (got %v; net.cpp: 1.5)", c.G)
	case !(c.Dt > 0) || math.IsInf(c.Dt, 0):
		return fmt.Errorf("reward.dt must be > 0 ms (got %v; net.cpp: 1)", c.Dt)
	case !(c.Tau >= c.Dt) || math.IsInf(c.Tau, 0):
		return fmt.Errorf("reward.tau must be ≥ reward.dt = %v ms (got %v; net.cpp: 30), or Euler's step overshoots", c.Dt, c.Tau)
	case !(c.PerturbP >= 0 && c.PerturbP <= 1):
		return fmt.Errorf("reward.perturb_p must be a probability in [0, 1] (got %v; net.cpp: 0.003)", c.PerturbP)
	case !(c.PerturbAmp >= 0) || math.IsInf(c.PerturbAmp, 0):
		return fmt.Errorf("reward.perturb_amp must be finite and ≥ 0 (got %v; net.cpp: 16)", c.PerturbAmp)
	case !(c.TraceX >= 0 && c.TraceX < 1):
		return fmt.Errorf("reward.trace_x must be in [0, 1) (got %v; net.cpp: 0.05)", c.TraceX)
	case !(c.TraceR >= 0 && c.TraceR < 1):
		return fmt.Errorf("reward.trace_r must be in [0, 1) (got %v; net.cpp: 0.75)", c.TraceR)
	case !(c.Eta > 0) || math.IsInf(c.Eta, 0):
		return fmt.Errorf("reward.eta must be > 0 (got %v; net.cpp: 0.1, node perturbation 0.001)", c.Eta)
	case !(c.MaxDW > 0) || math.IsInf(c.MaxDW, 0):
		return fmt.Errorf("reward.max_dw must be > 0 (got %v; net.cpp: 3e-4)", c.MaxDW)
	case c.LearnAfter < 0:
		return fmt.Errorf("reward.learn_after must be ≥ 0 trials (got %d; net.cpp: 100)", c.LearnAfter)
	case c.Method != DeltaX && c.Method != NodePert:
		return fmt.Errorf("reward: method = %q, want %q or %q", c.Method, DeltaX, NodePert)
	}
	return c.Task.Validate()
}

// biases are the clamped units and their values (net.cpp).
var biases = [...]struct {
	unit int
	x    float64
}{{1, 1}, {10, 1}, {11, -1}}

// Net is the network with its learning state.
type Net struct {
	Cfg Config
	// J (N×N, row = post-synaptic unit) and Win (N×3) are the weights.
	J, Win []float64
	// X, R are the activations and rates; XBar the running average of x.
	X, R, XBar []float64
	// Elig (N×N) is the last trial's eligibility trace e.
	Elig []float64
	// Baseline is R̄ per condition.
	Baseline [4]float64
	// Trial is the number of trials run.
	Trial int
	// Out (TrialTime) is the last trial's output r₀(t).
	Out []float64
	// Rates, if not nil (TrialTime×N, row t = r after step t), records the
	// rates of every unit during the next trials.
	Rates []float64
	Rand  *rng.Rand

	d, rr, total, rprev, p, dJ []float64
}

// New builds a network from cfg.
func New(cfg Config) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	N, T := cfg.N, cfg.Task.TrialTime
	n := &Net{Cfg: cfg, J: make([]float64, N*N), Win: make([]float64, N*3),
		X: make([]float64, N), R: make([]float64, N), XBar: make([]float64, N),
		Elig: make([]float64, N*N), Out: make([]float64, T), Rand: rng.New(cfg.Seed),
		total: make([]float64, N), rprev: make([]float64, N), p: make([]float64, N)}
	sd := cfg.G / math.Sqrt(float64(N))
	n.Rand.FillNorm(n.J, sd)
	n.Rand.FillUniform(n.Win[3:], -1, 1)
	if cfg.Method == DeltaX {
		n.d = make([]float64, N*T)  // Dᵀ: row i holds δx_i(t)³
		n.rr = make([]float64, T*N) // row t holds r(t−1)³
	}
	return n, nil
}

// RunTrial runs one trial of condition cond (0 AA, 1 AB, 2 BA, 3 BB) with
// perturbations and the eligibility trace, returns its error R, and — when
// learn is true and Trial > LearnAfter — changes J. The baseline R̄_c and the
// trial counter advance in every case.
func (n *Net) RunTrial(cond int, learn bool) float64 {
	cfg := n.Cfg
	N, T := cfg.N, cfg.Task.TrialTime
	x, r := n.X, n.R
	n.Rand.FillUniform(x, -0.1, 0.1)
	clampBiases(x)
	for i := range r {
		r[i] = fmath.Tanh(x[i])
	}
	deltaX := cfg.Method == DeltaX
	if !deltaX {
		clear(n.Elig)
	}
	h := cfg.Dt / cfg.Tau
	var u [3]float64
	for t := 0; t < T; t++ {
		cfg.Task.Input(u[:], cond, t)
		copy(n.rprev, r)
		vec.MatVec(n.total, n.J, N, N, r)
		perturbed := false
		for i := 0; i < N; i++ {
			w := n.Win[3*i : 3*i+3 : 3*i+3]
			in := float64(w[0]*u[0]) + float64(w[1]*u[1]) + float64(w[2]*u[2])
			p := 0.0
			if n.Rand.Float64() < cfg.PerturbP && t > 3 {
				p = cfg.PerturbAmp * (2*n.Rand.Float64() - 1)
				perturbed = true
			}
			n.p[i] = p
			n.total[i] = n.total[i] + in + p
		}
		for i := 0; i < N; i++ {
			x[i] += float64(h * (n.total[i] - x[i]))
		}
		clampBiases(x)
		for i := 0; i < N; i++ {
			r[i] = fmath.Tanh(x[i])
		}
		n.Out[t] = r[0]
		if n.Rates != nil {
			copy(n.Rates[t*N:(t+1)*N], r)
		}
		a := cfg.TraceX
		if deltaX {
			rrow := n.rr[t*N : (t+1)*N]
			if t > 2 {
				for j, v := range n.rprev {
					rrow[j] = float64(float64(v*v) * v)
				}
			} else {
				clear(rrow)
			}
			for i := 0; i < N; i++ {
				dx := x[i] - n.XBar[i]
				n.XBar[i] = float64(a*n.XBar[i]) + float64((1-a)*x[i])
				if t > 2 {
					n.d[i*T+t] = float64(float64(dx*dx) * dx)
				} else {
					n.d[i*T+t] = 0
				}
			}
		} else {
			for i := 0; i < N; i++ {
				n.XBar[i] = float64(a*n.XBar[i]) + float64((1-a)*x[i])
			}
			if perturbed && t > 2 {
				for i, p := range n.p {
					if p != 0 {
						vec.Axpy(p, n.rprev, n.Elig[i*N:(i+1)*N])
					}
				}
			}
		}
	}
	if deltaX {
		vec.MatMul(n.Elig, n.d, n.rr, N, T, N)
	}
	err := cfg.Task.Error(n.Out, cond)
	c := cond
	if learn && n.Trial > cfg.LearnAfter {
		s := float64(-cfg.Eta*n.Baseline[c]) * (err - n.Baseline[c])
		m := cfg.MaxDW
		for k, e := range n.Elig {
			dj := float64(s * e)
			if dj > m {
				dj = m
			} else if dj < -m {
				dj = -m
			}
			n.J[k] += dj
		}
	}
	n.Baseline[c] = float64(cfg.TraceR*n.Baseline[c]) + float64((1-cfg.TraceR)*err)
	n.Trial++
	return err
}

func clampBiases(x []float64) {
	for _, b := range biases {
		x[b.unit] = b.x
	}
}

// Trainer runs DNMS trials, the condition cycling with the trial number.
type Trainer struct {
	Net *Net
	// Errors are the errors of every trial run.
	Errors []float64
}

// NewTrainer builds the network and its trainer.
func NewTrainer(cfg Config) (*Trainer, error) {
	n, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &Trainer{Net: n}, nil
}

// Step runs and learns from one trial and returns its error.
func (t *Trainer) Step() float64 {
	e := t.Net.RunTrial(t.Net.Trial%4, true)
	t.Errors = append(t.Errors, e)
	return e
}

// Correct is the fraction of the last k trials (fewer at the start) with an
// error below 1.
func (t *Trainer) Correct(k int) float64 { return Correct(t.Errors, k) }

// Correct is the fraction of the last k errors below 1.
func Correct(errs []float64, k int) float64 {
	if len(errs) < k {
		k = len(errs)
	}
	if k == 0 {
		return 0
	}
	c := 0
	for _, e := range errs[len(errs)-k:] {
		if e < 1 {
			c++
		}
	}
	return float64(c) / float64(k)
}

// TrialsToCriterion returns the first trial count at which more than 95 of
// the last 100 trials had an error below 1, and whether it was reached.
func TrialsToCriterion(errs []float64) (int, bool) {
	c := 0
	for i, e := range errs {
		if e < 1 {
			c++
		}
		if i >= 100 && errs[i-100] < 1 {
			c--
		}
		if i >= 99 && c > 95 {
			return i + 1, true
		}
	}
	return 0, false
}
