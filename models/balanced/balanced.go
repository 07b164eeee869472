package balanced

import (
	"fmt"
	"math"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Config sizes and initialises a network.
type Config struct {
	// NE and NI are the numbers of excitatory (> 0) and inhibitory (≥ 0)
	// units; K is the input dimension (≥ 0).
	NE, NI, K int
	// TauE and TauI are the time constants (> 0), in the unit of the step.
	TauE, TauI float64
	// Phi is "relu" (or "") or "softplus".
	Phi string
	// Dale is "softplus" (or "") or "abs": the map σ from free to effective
	// weight magnitudes.
	Dale string
	// Gain scales the recurrent weights (0 means 1) and G is the ratio of
	// total inhibition to total excitation per row at initialisation (0
	// means 1.2, inhibition-dominated).
	Gain, G float64
	// Bias is the initial b of every unit.
	Bias float64
}

// Tutorial is the course's E/I network (CNNC-Lab/RNNs-tutorial,
// src/models/balanced_rate.py): 48 E + 16 I units, τ_E = 10, τ_I = 5 (to be
// stepped by Euler with h = 1), rectifier φ, Dale's law by softplus, bias
// 0.5, with k inputs. The tutorial initialises its free weights uniformly on
// [0, 1/√n_pre) and so starts from effective weights near softplus(0) = ln 2;
// this preset starts from the balanced initialisation of the package doc.
func Tutorial(k int) Config {
	return Config{NE: 48, NI: 16, K: k, TauE: 10, TauI: 5, Phi: "relu", Dale: "softplus", Bias: 0.5}
}

// Validate reports the first invalid setting, naming its key.
func (c Config) Validate() error {
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("balanced: config key %s = %v: %s", key, v, want)
	}
	switch {
	case c.NE <= 0:
		return bad("NE", c.NE, "the network needs at least one excitatory unit")
	case c.NI < 0:
		return bad("NI", c.NI, "the number of inhibitory units must be ≥ 0")
	case c.K < 0:
		return bad("K", c.K, "the input dimension must be ≥ 0")
	case !(c.TauE > 0) || math.IsInf(c.TauE, 0):
		return bad("TauE", c.TauE, "the time constant must be positive and finite")
	case c.NI > 0 && (!(c.TauI > 0) || math.IsInf(c.TauI, 0)):
		return bad("TauI", c.TauI, "the time constant must be positive and finite")
	case c.Phi != "" && c.Phi != "relu" && c.Phi != "softplus":
		return bad("Phi", strconv.Quote(c.Phi), `want "relu" or "softplus"`)
	case c.Dale != "" && c.Dale != "softplus" && c.Dale != "abs":
		return bad("Dale", strconv.Quote(c.Dale), `want "softplus" or "abs"`)
	case c.Gain < 0 || math.IsNaN(c.Gain) || math.IsInf(c.Gain, 0):
		return bad("Gain", c.Gain, "must be ≥ 0 and finite (0: 1)")
	case c.G < 0 || math.IsNaN(c.G) || math.IsInf(c.G, 0):
		return bad("G", c.G, "must be ≥ 0 and finite (0: 1.2)")
	case math.IsNaN(c.Bias) || math.IsInf(c.Bias, 0):
		return bad("Bias", c.Bias, "must be finite")
	}
	return nil
}

// Net is the balanced E/I vector field.
type Net struct {
	NE, NI, M, K int
	TauE, TauI   float64
	softplusPhi  bool
	absDale      bool
	W, B, Bias   []float64 // aliases of θ: free weights, input weights, biases
	theta        []float64
	fields       []models.Field
	wSeen, J, dJ []float64 // w at the last refresh, J = s σ(w), s σ'(w)
	gJ           []float64 // Σ_rows δ⊗r of a VJP batch
	a, v, d, phi []float64 // scratch of one row
}

// New returns the network of cfg with the balanced initialisation drawn
// from r, input weights N(0, 1/K) and b = cfg.Bias; with r nil every free
// weight and B start at 0.
func New(cfg Config, r *rng.Rand) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, k := cfg.NE+cfg.NI, cfg.K
	n := &Net{NE: cfg.NE, NI: cfg.NI, M: m, K: k, TauE: cfg.TauE, TauI: cfg.TauI,
		softplusPhi: cfg.Phi == "softplus", absDale: cfg.Dale == "abs",
		theta: make([]float64, m*m+m*k+m)}
	if n.NI == 0 {
		n.TauI = n.TauE
	}
	n.W, n.B, n.Bias = n.theta[:m*m], n.theta[m*m:m*m+m*k], n.theta[m*m+m*k:]
	n.fields = []models.Field{
		{Name: "W", Shape: []int{m, m}, Offset: 0},
		{Name: "B", Shape: []int{m, k}, Offset: m * m},
		{Name: "b", Shape: []int{m}, Offset: m*m + m*k},
	}
	n.wSeen, n.J, n.dJ, n.gJ = make([]float64, m*m), make([]float64, m*m), make([]float64, m*m), make([]float64, m*m)
	for i := range n.wSeen {
		n.wSeen[i] = math.NaN() // forces the first refresh
	}
	n.a, n.v, n.d, n.phi = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	for i := range n.Bias {
		n.Bias[i] = cfg.Bias
	}
	if r != nil {
		gain, g := cfg.Gain, cfg.G
		if gain == 0 {
			gain = 1
		}
		if g == 0 {
			g = 1.2
		}
		meanE := gain / math.Sqrt(float64(cfg.NE))
		meanI := 0.0
		if cfg.NI > 0 {
			meanI = g * gain * math.Sqrt(float64(cfg.NE)) / float64(cfg.NI)
		}
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				mean := meanE
				if j >= cfg.NE {
					mean = meanI
				}
				mag := r.Uniform(0, 2*mean)
				n.W[i*m+j] = n.inverse(mag)
			}
		}
		if k > 0 {
			r.FillNorm(n.B, 1/math.Sqrt(float64(k)))
		}
	}
	return n, nil
}

// inverse is σ⁻¹: ln(e^y − 1) for the softplus (y > 0; tiny y are raised to
// 1e-12), y itself for |·|.
func (n *Net) inverse(y float64) float64 {
	if n.absDale {
		return y
	}
	return fmath.Log(fmath.Expm1(max(y, 1e-12)))
}

// NewMap returns the network of New(cfg, r) discretised by "euler" or "rk4"
// with step h.
func NewMap(cfg Config, method string, h float64, r *rng.Rand) (models.Differentiable, error) {
	n, err := New(cfg, r)
	if err != nil {
		return nil, err
	}
	switch method {
	case "euler":
		return &Euler{ode.NewEuler(n, h)}, nil
	case "rk4":
		return &RK4{ode.NewRK4(n, h)}, nil
	}
	return nil, fmt.Errorf("balanced: integration method %q: want \"euler\" or \"rk4\"", method)
}

// Euler and RK4 are the discretised networks with Layout added.
type (
	Euler struct{ *ode.Euler }
	RK4   struct{ *ode.RK4 }
)

// Layout names the blocks of θ: "W", "B", "b".
func (e *Euler) Layout() []models.Field { return e.F.(*Net).Layout() }

// Layout names the blocks of θ: "W", "B", "b".
func (r *RK4) Layout() []models.Field { return r.F.(*Net).Layout() }

// Dim is the number of units M = N_E + N_I.
func (n *Net) Dim() int { return n.M }

// InputDim is K.
func (n *Net) InputDim() int { return n.K }

// Params returns θ = (w, B, b).
func (n *Net) Params() []float64 { return n.theta }

// Layout names the blocks of θ.
func (n *Net) Layout() []models.Field { return n.fields }

// refresh recomputes J and its derivative where w changed since last time.
func (n *Net) refresh() {
	m := n.M
	for idx, w := range n.W {
		if w == n.wSeen[idx] {
			continue
		}
		n.wSeen[idx] = w
		s := 1.0
		if idx%m >= n.NE {
			s = -1
		}
		var mag, der float64
		if n.absDale {
			mag = math.Abs(w)
			der = 1
			if w < 0 {
				der = -1
			}
		} else {
			mag = softplus(w)
			der = fmath.Sigmoid(w)
		}
		n.J[idx], n.dJ[idx] = s*mag, s*der
	}
}

func softplus(x float64) float64 {
	return max(x, 0) + fmath.Log(1+fmath.Exp(-math.Abs(x)))
}

// Effective copies the effective recurrent matrix J (M×M, row-major) into dst.
func (n *Net) Effective(dst []float64) {
	n.refresh()
	copy(dst, n.J)
}

// CheckDale returns an error naming the first effective weight whose sign
// breaks Dale's law (an excitatory column must be ≥ 0, an inhibitory one
// ≤ 0), or a non-finite one; nil when all hold.
func (n *Net) CheckDale() error {
	n.refresh()
	m := n.M
	for idx, v := range n.J {
		j := idx % m
		if math.IsNaN(v) || math.IsInf(v, 0) || (j < n.NE && v < 0) || (j >= n.NE && v > 0) {
			return fmt.Errorf("balanced: Dale's law broken at J[%d,%d] = %v (presynaptic unit %d is %s)",
				idx/m, j, v, j, map[bool]string{true: "excitatory", false: "inhibitory"}[j < n.NE])
		}
	}
	return nil
}

// drive sets n.a = J r + B u + b for one row.
func (n *Net) drive(r, u []float64) {
	vec.MatVec(n.a, n.J, n.M, n.M, r)
	k := n.K
	for i := range n.a {
		s := n.a[i] + n.Bias[i]
		if k > 0 {
			s += vec.Dot(n.B[i*k:(i+1)*k], u)
		}
		n.a[i] = s
	}
}

func (n *Net) tau(i int) float64 {
	if i < n.NE {
		return n.TauE
	}
	return n.TauI
}

// phiAndSlope sets n.phi = φ(a) and n.d = φ'(a).
func (n *Net) phiAndSlope() {
	for i, a := range n.a {
		if n.softplusPhi {
			n.phi[i], n.d[i] = softplus(a), fmath.Sigmoid(a)
		} else if a > 0 {
			n.phi[i], n.d[i] = a, 1
		} else {
			n.phi[i], n.d[i] = 0, 0
		}
	}
}

// Deriv sets dst = (−r + φ(J r + B u + b))/τ row by row.
func (n *Net) Deriv(dst, x, u []float64) {
	rows := models.CheckBatch("balanced", dst, x, u, n.M, n.K)
	n.refresh()
	m, k := n.M, n.K
	for r := 0; r < rows; r++ {
		var ur []float64
		if k > 0 {
			ur = u[r*k : (r+1)*k]
		}
		xr := x[r*m : (r+1)*m]
		n.drive(xr, ur)
		n.phiAndSlope()
		d := dst[r*m : (r+1)*m]
		for i := range d {
			d[i] = (n.phi[i] - xr[i]) / n.tau(i)
		}
	}
}

// DerivJacobian sets dst = (−I + diag(φ'(a)) J) row-scaled by 1/τ.
func (n *Net) DerivJacobian(dst, x, u []float64) {
	m, k := n.M, n.K
	if len(x) < m || len(dst) < m*m || len(u) < k {
		panic("balanced: DerivJacobian needs one state, one input row and an M×M dst")
	}
	n.refresh()
	n.drive(x[:m], u[:k])
	n.phiAndSlope()
	for i := 0; i < m; i++ {
		ti := n.tau(i)
		for j := 0; j < m; j++ {
			dst[i*m+j] = float64(n.d[i]*n.J[i*m+j]) / ti
		}
		dst[i*m+i] -= 1 / ti
	}
}

// DerivVJP sets gx = Jᵀ(φ'⊙g/τ) − g/τ and adds the gradients of w, B, b.
func (n *Net) DerivVJP(gx, gtheta, x, u, g []float64) {
	rows := models.CheckBatch("balanced", gx, x, u, n.M, n.K)
	if len(g) != len(x) || (gtheta != nil && len(gtheta) != len(n.theta)) {
		panic("balanced: DerivVJP needs len(g) = len(x) and len(gtheta) = len(θ)")
	}
	n.refresh()
	m, k := n.M, n.K
	if gtheta != nil {
		clear(n.gJ)
	}
	for r := 0; r < rows; r++ {
		var ur []float64
		if k > 0 {
			ur = u[r*k : (r+1)*k]
		}
		xr, gr, out := x[r*m:(r+1)*m], g[r*m:(r+1)*m], gx[r*m:(r+1)*m]
		n.drive(xr, ur)
		n.phiAndSlope()
		for i := range n.d {
			n.d[i] = float64(n.d[i]*gr[i]) / n.tau(i) // δ_i = φ'(a_i) g_i/τ_i
		}
		vec.MatTVec(n.v, n.J, m, m, n.d)
		if gtheta != nil {
			vec.AddOuter(n.gJ, n.d, xr) // ∂/∂J, turned into ∂/∂w after the batch
			if k > 0 {
				vec.AddOuter(gtheta[m*m:m*m+m*k], n.d, ur)
			}
			gb := gtheta[m*m+m*k:]
			for i, v := range n.d {
				gb[i] += v
			}
		}
		for i := range out {
			out[i] = n.v[i] - gr[i]/n.tau(i)
		}
	}
	if gtheta != nil {
		gw := gtheta[:m*m]
		for idx, v := range n.gJ {
			gw[idx] += float64(v * n.dJ[idx])
		}
	}
}
