package snn

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Config sizes a network.
type Config struct {
	// N neurons (> 0) and K inputs (≥ 0).
	N, K int
	// TauMem and TauSyn (> 0) and the step Dt (> 0), in one time unit (ms).
	TauMem, TauSyn, Dt float64
	// Threshold θ (0 means 1) and surrogate steepness κ (0 means 10).
	Threshold, Slope float64
	// Gain g of W ~ N(0, g²/N) at initialisation (0 means 1).
	Gain float64
}

// Validate reports the first invalid setting, naming its key.
func (c Config) Validate() error {
	bad := func(key string, v any, want string) error {
		return fmt.Errorf("snn: config key %s = %v: %s", key, v, want)
	}
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch {
	case c.N <= 0:
		return bad("N", c.N, "the network needs at least one neuron")
	case c.K < 0:
		return bad("K", c.K, "the input dimension must be ≥ 0")
	case !pos(c.TauMem):
		return bad("TauMem", c.TauMem, "must be positive and finite")
	case !pos(c.TauSyn):
		return bad("TauSyn", c.TauSyn, "must be positive and finite")
	case !pos(c.Dt):
		return bad("Dt", c.Dt, "must be positive and finite")
	case c.Threshold < 0 || math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0):
		return bad("Threshold", c.Threshold, "must be ≥ 0 and finite (0: 1)")
	case c.Slope < 0 || math.IsNaN(c.Slope) || math.IsInf(c.Slope, 0):
		return bad("Slope", c.Slope, "must be ≥ 0 and finite (0: 10)")
	case c.Gain < 0 || math.IsNaN(c.Gain) || math.IsInf(c.Gain, 0):
		return bad("Gain", c.Gain, "must be ≥ 0 and finite (0: 1)")
	}
	return nil
}

// Net is the surrogate-gradient LIF map.
type Net struct {
	N, K             int
	Alpha, Beta      float64
	Threshold, Slope float64
	W, B, Bias       []float64
	theta            []float64
	fields           []models.Field
	s, v             []float64 // scratch: spikes, products
}

// New returns the network of cfg with W ~ N(0, g²/N), B ~ N(0, 1/K), b = 0
// (r nil: all zero).
func New(cfg Config, r *rng.Rand) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n, k := cfg.N, cfg.K
	net := &Net{N: n, K: k, Alpha: fmath.Exp(-cfg.Dt / cfg.TauSyn), Beta: fmath.Exp(-cfg.Dt / cfg.TauMem),
		Threshold: cfg.Threshold, Slope: cfg.Slope, theta: make([]float64, n*n+n*k+n),
		s: make([]float64, n), v: make([]float64, n)}
	if net.Threshold == 0 {
		net.Threshold = 1
	}
	if net.Slope == 0 {
		net.Slope = 10
	}
	net.W, net.B, net.Bias = net.theta[:n*n], net.theta[n*n:n*n+n*k], net.theta[n*n+n*k:]
	net.fields = []models.Field{
		{Name: "W", Shape: []int{n, n}, Offset: 0},
		{Name: "B", Shape: []int{n, k}, Offset: n * n},
		{Name: "b", Shape: []int{n}, Offset: n*n + n*k},
	}
	if r != nil {
		g := cfg.Gain
		if g == 0 {
			g = 1
		}
		r.FillNorm(net.W, g/math.Sqrt(float64(n)))
		if k > 0 {
			r.FillNorm(net.B, 1/math.Sqrt(float64(k)))
		}
	}
	return net, nil
}

// Dim is 2N: currents then potentials.
func (n *Net) Dim() int { return 2 * n.N }

// InputDim is K.
func (n *Net) InputDim() int { return n.K }

// Params returns θ = (W, B, b).
func (n *Net) Params() []float64 { return n.theta }

// Layout names the blocks of θ.
func (n *Net) Layout() []models.Field { return n.fields }

func (n *Net) spikes(V []float64) {
	for j, v := range V {
		if v >= n.Threshold {
			n.s[j] = 1
		} else {
			n.s[j] = 0
		}
	}
}

// surrogate is σ'(v) = 1/(1 + κ|v − θ|)².
func (n *Net) surrogate(v float64) float64 {
	d := 1 + float64(n.Slope*math.Abs(v-n.Threshold))
	return 1 / float64(d*d)
}

// Spikes sets dst (length N) to the spikes H(V − θ) of the state x.
func (n *Net) Spikes(dst, x []float64) {
	for j, v := range x[n.N : 2*n.N] {
		dst[j] = 0
		if v >= n.Threshold {
			dst[j] = 1
		}
	}
}

// Step applies one step of the package doc to every row of x.
func (n *Net) Step(dst, x, u []float64) {
	rows := models.CheckBatch("snn", dst, x, u, 2*n.N, n.K)
	N, k := n.N, n.K
	a, b := n.Alpha, n.Beta
	for r := 0; r < rows; r++ {
		xr, d := x[r*2*N:(r+1)*2*N], dst[r*2*N:(r+1)*2*N]
		I, V := xr[:N], xr[N:]
		n.spikes(V)
		vec.MatVec(n.v, n.W, N, N, n.s)
		for i := 0; i < N; i++ {
			c := float64(a*I[i]) + n.v[i] + n.Bias[i]
			if k > 0 {
				c += vec.Dot(n.B[i*k:(i+1)*k], u[r*k:(r+1)*k])
			}
			d[i] = c
			d[N+i] = (float64(b*V[i]) + float64((1-b)*I[i])) * (1 - n.s[i])
		}
	}
}

// Jacobian sets dst (2N×2N) to the surrogate Jacobian at the state x.
func (n *Net) Jacobian(dst, x, u []float64) {
	N, M := n.N, 2*n.N
	if len(x) < M || len(dst) < M*M {
		panic("snn: Jacobian needs one state and a 2N×2N dst")
	}
	clear(dst[:M*M])
	V := x[N:M]
	n.spikes(V)
	for i := 0; i < N; i++ {
		dst[i*M+i] = n.Alpha
		for j := 0; j < N; j++ {
			dst[i*M+N+j] = float64(n.W[i*N+j] * n.surrogate(V[j]))
		}
		keep := 1 - n.s[i]
		dst[(N+i)*M+N+i] = float64(n.Beta * keep)
		dst[(N+i)*M+i] = float64((1 - n.Beta) * keep)
	}
}

// VJP pulls g back through the surrogate Jacobian and adds the exact
// parameter gradient: gW += g_I ⊗ s, gB += g_I ⊗ u, gb += g_I.
func (n *Net) VJP(gx, gtheta, x, u, g []float64) {
	rows := models.CheckBatch("snn", gx, x, u, 2*n.N, n.K)
	if len(g) != len(x) || (gtheta != nil && len(gtheta) != len(n.theta)) {
		panic("snn: VJP needs len(g) = len(x) and len(gtheta) = len(θ)")
	}
	N, k := n.N, n.K
	for r := 0; r < rows; r++ {
		xr, gr, out := x[r*2*N:(r+1)*2*N], g[r*2*N:(r+1)*2*N], gx[r*2*N:(r+1)*2*N]
		V := xr[N:]
		gI, gV := gr[:N], gr[N:]
		n.spikes(V)
		vec.MatTVec(n.v, n.W, N, N, gI)
		for j := 0; j < N; j++ {
			keep := 1 - n.s[j]
			out[j] = float64(n.Alpha*gI[j]) + float64(float64((1-n.Beta)*keep)*gV[j])
			out[N+j] = float64(n.surrogate(V[j])*n.v[j]) + float64(float64(n.Beta*keep)*gV[j])
		}
		if gtheta != nil {
			vec.AddOuter(gtheta[:N*N], gI, n.s)
			if k > 0 {
				vec.AddOuter(gtheta[N*N:N*N+N*k], gI, u[r*k:(r+1)*k])
			}
			gb := gtheta[N*N+N*k:]
			for i, v := range gI {
				gb[i] += v
			}
		}
	}
}
