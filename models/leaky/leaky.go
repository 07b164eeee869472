package leaky

import (
	"fmt"
	"strconv"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// Config sizes a network. Zero values take the reference defaults noted.
type Config struct {
	// N is the number of units (default 50); N ≥ 5 so that every group is
	// non-empty.
	N int
	// K is the number of task inputs (default 85, the standard task battery)
	// and Q the number of readout channels (default 33).
	K, Q int
	// Tau is τ in seconds (default 0.1) and Dt the Euler step dt in seconds
	// (default 0.005).
	Tau, Dt float64
	// Activation is "relu" (default), "softplus" or "tanh".
	Activation string
	// Dale switches Dale's law on: W = |W̃| ⊙ S.
	Dale bool
}

// WithDefaults returns c with its zero fields set to the reference defaults.
func (c Config) WithDefaults() Config {
	if c.N == 0 {
		c.N = 50
	}
	if c.K == 0 {
		c.K = 85
	}
	if c.Q == 0 {
		c.Q = 33
	}
	if c.Tau == 0 {
		c.Tau = 0.1
	}
	if c.Dt == 0 {
		c.Dt = 0.005
	}
	if c.Activation == "" {
		c.Activation = "relu"
	}
	return c
}

// Validate reports the first invalid field of c (after defaults), naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.N < 5:
		return fmt.Errorf("leaky: units = %d, want at least 5", c.N)
	case c.K < 1:
		return fmt.Errorf("leaky: inputs = %d, want at least 1", c.K)
	case c.Q < 1:
		return fmt.Errorf("leaky: outputs = %d, want at least 1", c.Q)
	case !(c.Tau > 0):
		return fmt.Errorf("leaky: tau = %v, want a positive time constant in seconds", c.Tau)
	case !(c.Dt > 0) || !(c.Dt < c.Tau):
		return fmt.Errorf("leaky: dt = %v, want 0 < dt < tau = %v (seconds)", c.Dt, c.Tau)
	}
	if _, err := activationOf(c.Activation); err != nil {
		return err
	}
	return nil
}

// Activation kinds.
const (
	ReLU = iota
	Softplus
	Tanh
)

func activationOf(name string) (int, error) {
	switch name {
	case "relu":
		return ReLU, nil
	case "softplus":
		return Softplus, nil
	case "tanh":
		return Tanh, nil
	}
	return 0, fmt.Errorf("leaky: activation = %s, want \"relu\", \"softplus\" or \"tanh\"", strconv.Quote(name))
}

// Net is the Euler-discretised leaky network (a models.Map with K + N inputs).
type Net struct {
	// N units, K task inputs, Q readout channels; inputs reach [0, Nin), the
	// readout reads [Nin, Nin+Nout), units [Nexc, N) are the inhibitory (fast)
	// group.
	N, K, Q, Nin, Nout, Nexc int
	Tau, Dt                  float64
	Act                      int
	Dale                     bool
	// Tinv is the diagonal of T⁻¹.
	Tinv []float64
	// W (W̃ with Dale's law), B, Win, Wout alias θ.
	W, B, Win, Wout []float64

	theta  []float64
	fields []models.Field
	pre    []float64 // scratch: one row of pre-activations
}

// New returns the network of cfg (which must Validate), with parameters drawn
// from r as the reference code does, or all zero when r is nil.
func New(cfg Config, r *rng.Rand) *Net {
	if err := cfg.Validate(); err != nil {
		panic(err.Error())
	}
	cfg = cfg.WithDefaults()
	act, _ := activationOf(cfg.Activation)
	N, K, Q := cfg.N, cfg.K, cfg.Q
	fN := float64(N)
	// int(0.4*N), int(0.8*N) in float64 as the reference code computes them.
	nin, nexc := int(0.4*fN), int(0.8*fN)
	n := &Net{N: N, K: K, Q: Q, Nin: nin, Nout: nin, Nexc: nexc, Tau: cfg.Tau, Dt: cfg.Dt, Act: act, Dale: cfg.Dale}
	n.Tinv = make([]float64, N)
	for i := range n.Tinv {
		if i < nexc {
			n.Tinv[i] = 1 / cfg.Tau
		} else {
			n.Tinv[i] = 2 / cfg.Tau
		}
	}
	sizes := []int{N * N, N, nin * K, Q * nin}
	total := 0
	for _, s := range sizes {
		total += s
	}
	n.theta = make([]float64, total)
	o := 0
	n.W, o = n.theta[o:o+sizes[0]], o+sizes[0]
	n.B, o = n.theta[o:o+sizes[1]], o+sizes[1]
	n.Win, o = n.theta[o:o+sizes[2]], o+sizes[2]
	n.Wout = n.theta[o : o+sizes[3]]
	n.fields = []models.Field{
		{Name: "W", Shape: []int{N, N}, Offset: 0},
		{Name: "b", Shape: []int{N}, Offset: sizes[0]},
		{Name: "W_in", Shape: []int{nin, K}, Offset: sizes[0] + sizes[1]},
		{Name: "W_out", Shape: []int{Q, nin}, Offset: sizes[0] + sizes[1] + sizes[2]},
	}
	n.pre = make([]float64, N)
	if r != nil {
		n.Init(r)
	}
	return n
}

// Init draws θ as the reference code: W̃ ~ N(0,1)/N, b, W_in, W_out ~ N(0,1),
// in that order.
func (n *Net) Init(r *rng.Rand) {
	inv := 1 / float64(n.N)
	for i := range n.W {
		n.W[i] = float64(r.Norm() * inv)
	}
	r.FillNorm(n.B, 1)
	r.FillNorm(n.Win, 1)
	r.FillNorm(n.Wout, 1)
}

// Dim is N.
func (n *Net) Dim() int { return n.N }

// InputDim is K + N: the task inputs, then the noise η.
func (n *Net) InputDim() int { return n.K + n.N }

// Params returns θ, aliased by W, B, Win, Wout.
func (n *Net) Params() []float64 { return n.theta }

// Layout names the blocks of θ: "W" (N×N, W̃ under Dale's law), "b" (N),
// "W_in" (Nin×K), "W_out" (Q×Nout).
func (n *Net) Layout() []models.Field { return n.fields }

// Weight returns the effective recurrent weight W_ij from the stored w = W̃_ij:
// w itself, or |w|·S_ij under Dale's law.
func (n *Net) Weight(w float64, j int) float64 {
	if !n.Dale {
		return w
	}
	if w < 0 {
		w = -w
	}
	if j >= n.Nexc {
		return -w
	}
	return w
}

// WeightGrad maps a cotangent g of the effective W_ij onto W̃_ij:
// g·S_ij·sign(W̃_ij) under Dale's law (sign(0) = 0, as TensorFlow's |·|).
func (n *Net) WeightGrad(g, w float64, j int) float64 {
	if !n.Dale {
		return g
	}
	switch {
	case w > 0:
	case w < 0:
		g = -g
	default:
		return 0
	}
	if j >= n.Nexc {
		return -g
	}
	return g
}

// EffectiveW writes the effective recurrent matrix (N×N) into dst.
func (n *Net) EffectiveW(dst []float64) {
	N := n.N
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			dst[i*N+j] = n.Weight(n.W[i*N+j], j)
		}
	}
}

// F is the activation f.
func (n *Net) F(x float64) float64 {
	switch n.Act {
	case Softplus:
		// log(1+eˣ) = max(x,0) + log(1+e^−|x|)
		a := x
		if a < 0 {
			a = -a
		}
		m := x
		if m < 0 {
			m = 0
		}
		return m + fmath.Log(1+fmath.Exp(-a))
	case Tanh:
		return fmath.Tanh(x)
	}
	if x > 0 {
		return x
	}
	return 0
}

// DF is f′ (ReLU: 1 for x > 0, else 0, as TensorFlow).
func (n *Net) DF(x float64) float64 {
	switch n.Act {
	case Softplus:
		return fmath.Sigmoid(x)
	case Tanh:
		t := fmath.Tanh(x)
		return 1 - float64(t*t)
	}
	if x > 0 {
		return 1
	}
	return 0
}

// preRow sets n.pre to the pre-activations of one state row x with input row u.
func (n *Net) preRow(x, u []float64) {
	N, K := n.N, n.K
	eta := u[K : K+N]
	for i := 0; i < N; i++ {
		s := 0.0
		wr := n.W[i*N : (i+1)*N]
		for j, w := range wr {
			s += float64(n.Weight(w, j) * x[j])
		}
		s = (s + n.B[i]) + float64(0.1*eta[i])
		if i < n.Nin {
			h := 0.0
			for c, w := range n.Win[i*K : (i+1)*K] {
				h += float64(w * u[c])
			}
			s += h
		}
		n.pre[i] = s
	}
}

// Step sets dst = u + T⁻¹(−u + f(pre))·dt for every row (x is the state u of
// the paper, u the input row (h, η)).
func (n *Net) Step(dst, x, u []float64) {
	rows := models.CheckBatch("leaky", dst, x, u, n.N, n.K+n.N)
	N, M := n.N, n.K+n.N
	for r := 0; r < rows; r++ {
		xr, d := x[r*N:(r+1)*N], dst[r*N:(r+1)*N]
		n.preRow(xr, u[r*M:(r+1)*M])
		for i := 0; i < N; i++ {
			v := -xr[i] + n.F(n.pre[i])
			d[i] = xr[i] + float64(float64(n.Tinv[i]*v)*n.Dt)
		}
	}
}

// Jacobian sets dst (N×N) to ∂F/∂x at one state:
// δ_ij + T⁻¹_i dt (−δ_ij + f′(pre_i) W_ij).
func (n *Net) Jacobian(dst, x, u []float64) {
	N := n.N
	if len(x) != N || len(u) != n.K+N || len(dst) != N*N {
		panic("leaky: Jacobian dimension mismatch")
	}
	n.preRow(x, u)
	for i := 0; i < N; i++ {
		c := float64(n.Tinv[i] * n.Dt)
		d := float64(c * n.DF(n.pre[i]))
		for j := 0; j < N; j++ {
			v := float64(d * n.Weight(n.W[i*N+j], j))
			if i == j {
				v += 1 - c
			}
			dst[i*N+j] = v
		}
	}
}

// VJP sets gx = (∂F/∂x)ᵀ g row by row and adds Σ_rows (∂F/∂θ)ᵀ g to gtheta
// (which may be nil). The readout block W_out gets no gradient from a step.
func (n *Net) VJP(gx, gtheta, x, u, g []float64) {
	rows := models.CheckBatch("leaky", gx, x, u, n.N, n.K+n.N)
	if len(g) != len(x) {
		panic("leaky: VJP cotangent does not match the state batch")
	}
	if gtheta != nil && len(gtheta) != len(n.theta) {
		panic("leaky: VJP gtheta does not match the parameters")
	}
	N, K, M := n.N, n.K, n.K+n.N
	for r := 0; r < rows; r++ {
		xr, ur, gr, gxr := x[r*N:(r+1)*N], u[r*M:(r+1)*M], g[r*N:(r+1)*N], gx[r*N:(r+1)*N]
		n.preRow(xr, ur)
		// pre now holds the cotangent of the pre-activation, gpre_i.
		for i := 0; i < N; i++ {
			c := float64(float64(gr[i]*n.Tinv[i]) * n.Dt)
			gxr[i] = gr[i] - c
			n.pre[i] = float64(c * n.DF(n.pre[i]))
		}
		for i := 0; i < N; i++ {
			gp := n.pre[i]
			for j := 0; j < N; j++ {
				gxr[j] += float64(gp * n.Weight(n.W[i*N+j], j))
			}
		}
		if gtheta == nil {
			continue
		}
		gW, gb, gWin := gtheta[:N*N], gtheta[N*N:N*N+N], gtheta[N*N+N:N*N+N+n.Nin*K]
		for i := 0; i < N; i++ {
			gp := n.pre[i]
			gb[i] += gp
			for j := 0; j < N; j++ {
				gW[i*N+j] += n.WeightGrad(float64(gp*xr[j]), n.W[i*N+j], j)
			}
			if i < n.Nin {
				for c := 0; c < K; c++ {
					gWin[i*K+c] += float64(gp * ur[c])
				}
			}
		}
	}
}

// Readout sets y (rows of Q) = sigmoid(W_out x[Nin:Nin+Nout]) for every state
// row of x.
func (n *Net) Readout(y, x []float64) {
	rows := models.Rows("leaky", x, n.N)
	if len(y) != rows*n.Q {
		panic("leaky: Readout output length does not match the batch")
	}
	N, Q, no := n.N, n.Q, n.Nout
	for r := 0; r < rows; r++ {
		o := x[r*N+n.Nin : r*N+n.Nin+no]
		for q := 0; q < Q; q++ {
			s := 0.0
			for j, w := range n.Wout[q*no : (q+1)*no] {
				s += float64(w * o[j])
			}
			y[r*Q+q] = fmath.Sigmoid(s)
		}
	}
}

// OU holds the constants of the Ornstein–Uhlenbeck noise at step dt:
// η ← A η + B ξ with A = 1 − dt/τ, B = √(2dt/τ).
type OU struct{ A, B float64 }

// NoiseOf returns the OU constants of the network's dt and τ.
func (n *Net) NoiseOf() OU { return NewOU(n.Dt, n.Tau) }
