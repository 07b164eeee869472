package ctrnn

import (
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Config sizes and initialises a CT-RNN.
type Config struct {
	// M is the number of units (> 0) and K the number of inputs (≥ 0).
	M, K int
	// Tau is the time constant τ (> 0), in the unit of the step h.
	Tau float64
	// Gain is g in W ~ N(0, g²/M) at initialisation; 0 means 1.5 (chaotic
	// regime, Sompolinsky et al. 1988).
	Gain float64
}

// Net is the CT-RNN vector field.
type Net struct {
	M, K       int
	Tau        float64
	W, B, Bias []float64 // aliases of θ
	theta      []float64
	fields     []models.Field

	t, v []float64 // scratch: tanh(x) of a row, W x-products
}

// New returns a CT-RNN with W ~ N(0, g²/M), B ~ N(0, 1/K), b = 0
// (r nil: all parameters zero).
func New(cfg Config, r *rng.Rand) *Net {
	if cfg.M <= 0 || cfg.K < 0 || !(cfg.Tau > 0) {
		panic("ctrnn: New needs M > 0, K ≥ 0 and τ > 0")
	}
	m, k := cfg.M, cfg.K
	n := &Net{M: m, K: k, Tau: cfg.Tau, theta: make([]float64, m*m+m*k+m)}
	n.W, n.B, n.Bias = n.theta[:m*m], n.theta[m*m:m*m+m*k], n.theta[m*m+m*k:]
	n.fields = []models.Field{
		{Name: "W", Shape: []int{m, m}, Offset: 0},
		{Name: "B", Shape: []int{m, k}, Offset: m * m},
		{Name: "b", Shape: []int{m}, Offset: m*m + m*k},
	}
	n.t, n.v = make([]float64, m), make([]float64, m)
	if r != nil {
		g := cfg.Gain
		if g == 0 {
			g = 1.5
		}
		r.FillNorm(n.W, g/math.Sqrt(float64(m)))
		if k > 0 {
			r.FillNorm(n.B, 1/math.Sqrt(float64(k)))
		}
	}
	return n
}

// NewMap returns the CT-RNN of New(cfg, r) discretised by method "euler" or
// "rk4" with step h; the result is an *Euler or an *RK4. It panics on another
// method name.
func NewMap(cfg Config, method string, h float64, r *rng.Rand) models.Differentiable {
	switch method {
	case "euler":
		return &Euler{ode.NewEuler(New(cfg, r), h)}
	case "rk4":
		return &RK4{ode.NewRK4(New(cfg, r), h)}
	}
	panic("ctrnn: unknown integration method " + strconv.Quote(method) + " (want \"euler\" or \"rk4\")")
}

// Euler and RK4 are the discretised networks: the ode maps of a *Net, with
// Layout added so checkpoints name the parameters.
type (
	Euler struct{ *ode.Euler }
	RK4   struct{ *ode.RK4 }
)

// Layout names the blocks of θ: "W", "B", "b".
func (e *Euler) Layout() []models.Field { return e.F.(*Net).Layout() }

// Layout names the blocks of θ: "W", "B", "b".
func (r *RK4) Layout() []models.Field { return r.F.(*Net).Layout() }

// Dim is the number of units M.
func (n *Net) Dim() int { return n.M }

// InputDim is the number of inputs K.
func (n *Net) InputDim() int { return n.K }

// Params returns θ = (W, B, b), aliased by the fields.
func (n *Net) Params() []float64 { return n.theta }

// Layout names the blocks of θ: "W" (M×M), "B" (M×K), "b" (M).
func (n *Net) Layout() []models.Field { return n.fields }

// Deriv sets dst = (−x + W tanh(x) + B u + b)/τ row by row.
func (n *Net) Deriv(dst, x, u []float64) {
	rows := models.CheckBatch("ctrnn", dst, x, u, n.M, n.K)
	m, k := n.M, n.K
	for r := 0; r < rows; r++ {
		xr := x[r*m : (r+1)*m]
		for i, v := range xr {
			n.t[i] = fmath.Tanh(v)
		}
		d := dst[r*m : (r+1)*m]
		vec.MatVec(d, n.W, m, m, n.t)
		for i := 0; i < m; i++ {
			s := (d[i] - xr[i]) + n.Bias[i]
			if k > 0 {
				s += vec.Dot(n.B[i*k:(i+1)*k], u[r*k:(r+1)*k])
			}
			d[i] = s / n.Tau
		}
	}
}

// DerivJacobian sets dst (M×M) = (−I + W diag(1 − tanh²x))/τ at the state x.
func (n *Net) DerivJacobian(dst, x, u []float64) {
	m := n.M
	if len(x) < m || len(dst) < m*m {
		panic("ctrnn: DerivJacobian needs one state and an M×M dst")
	}
	for j := 0; j < m; j++ {
		th := fmath.Tanh(x[j])
		n.t[j] = 1 - float64(th*th)
	}
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			dst[i*m+j] = float64(n.W[i*m+j]*n.t[j]) / n.Tau
		}
		dst[i*m+i] -= 1 / n.Tau
	}
}

// DerivVJP sets gx = (−g + (1 − tanh²x)⊙Wᵀg)/τ and adds gW += (g/τ)⊗tanh(x),
// gB += (g/τ)⊗u, gb += g/τ.
func (n *Net) DerivVJP(gx, gtheta, x, u, g []float64) {
	rows := models.CheckBatch("ctrnn", gx, x, u, n.M, n.K)
	if len(g) != len(x) || (gtheta != nil && len(gtheta) != len(n.theta)) {
		panic("ctrnn: DerivVJP needs len(g) = len(x) and len(gtheta) = len(θ)")
	}
	m, k := n.M, n.K
	for r := 0; r < rows; r++ {
		xr, gr, out := x[r*m:(r+1)*m], g[r*m:(r+1)*m], gx[r*m:(r+1)*m]
		for i, v := range gr {
			out[i] = v / n.Tau // out holds g/τ until the end of the row
		}
		vec.MatTVec(n.v, n.W, m, m, out)
		for i, v := range xr {
			n.t[i] = fmath.Tanh(v)
		}
		if gtheta != nil {
			vec.AddOuter(gtheta[:m*m], out, n.t)
			if k > 0 {
				vec.AddOuter(gtheta[m*m:m*m+m*k], out, u[r*k:(r+1)*k])
			}
			gb := gtheta[m*m+m*k:]
			for i, v := range out {
				gb[i] += v
			}
		}
		for i := range out {
			out[i] = float64((1-float64(n.t[i]*n.t[i]))*n.v[i]) - out[i]
		}
	}
}
