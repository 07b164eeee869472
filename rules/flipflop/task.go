package flipflop

import (
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/balanced"
	"github.com/rnnlab/rnnlab/models/ctrnn"
	"github.com/rnnlab/rnnlab/rules/force"
)

// Bits is the number of flip-flops (input and output channels).
const Bits = 3

// pulses draws a pulse sequence u (T×3) and its targets y: at every step
// each channel not in a pulse starts one with probability p, of sign ±1
// with equal odds, lasting length steps; y holds the sign of the channel's
// last pulse (0 before its first).
func pulses(r *rng.Rand, T int, p float64, length int) (u, y []float64) {
	u, y = make([]float64, T*Bits), make([]float64, T*Bits)
	var last [Bits]float64
	var left [Bits]int
	for t := 0; t < T; t++ {
		for c := 0; c < Bits; c++ {
			if left[c] > 0 {
				u[t*Bits+c] = last[c]
				left[c]--
			} else if r.Float64() < p {
				s := 1.0
				if r.Float64() < 0.5 {
					s = -1
				}
				u[t*Bits+c], last[c], left[c] = s, s, length-1
			}
			y[t*Bits+c] = last[c]
		}
	}
	return u, y
}

// network is one trained network: its map F(x, u) with u = (pulses,
// readout), the features φ its readout reads and the readout's RLS.
type network struct {
	m    models.Map
	feat func(dst, x []float64)
	rls  *force.RLS
	exc  int // excitatory units (E/I), else 0
}

// newNetwork builds the network of settings c (kind "ctrnn" or "ei") from
// seed.
func newNetwork(kind string, c NetSpec, alpha float64, seed uint64) (*network, error) {
	n := &network{feat: func(dst, x []float64) { copy(dst, x) }}
	switch kind {
	case "ctrnn":
		// τ dx/dt = −x + W tanh(x) + B u + b, τ = 1, Euler step c.Step.
		n.m = ctrnn.NewMap(ctrnn.Config{M: c.Units, K: 2 * Bits, Tau: 1, Gain: c.Gain}, "euler", c.Step, rng.New(seed))
		n.feat = func(dst, x []float64) {
			for i, v := range x {
				dst[i] = fmath.Tanh(v)
			}
		}
	default:
		// The tutorial's E/I network (τ_E 10, τ_I 5, rectified, Dale's law
		// by softplus), 3 E : 1 I.
		cfg := balanced.Tutorial(2 * Bits)
		cfg.NE, cfg.NI, cfg.Gain = c.Units*3/4, c.Units-c.Units*3/4, c.Gain
		m, err := balanced.NewMap(cfg, "euler", c.Step, rng.New(seed))
		if err != nil {
			return nil, err
		}
		n.m, n.exc = m, cfg.NE
	}
	n.rls = force.NewRLS(n.m.Dim(), Bits, alpha)
	return n, nil
}

// closedLoop is the trained network without pulses, its readout fed back:
// x' = F(x, (0, 0, 0, W φ(x))), with a central-difference Jacobian of step
// h (the models give ∂F/∂x but not ∂F/∂u).
type closedLoop struct {
	net  *network
	h    float64
	u, r []float64
	a, b []float64
}

func newClosedLoop(n *network, h float64) *closedLoop {
	M := n.m.Dim()
	return &closedLoop{net: n, h: h, u: make([]float64, 2*Bits), r: make([]float64, M), a: make([]float64, M), b: make([]float64, M)}
}

func (c *closedLoop) Dim() int { return c.net.m.Dim() }

func (c *closedLoop) Step(dst, x, _ []float64) {
	c.net.feat(c.r, x)
	c.net.rls.Predict(c.u[Bits:], c.r)
	c.net.m.Step(dst, x, c.u)
}

func (c *closedLoop) Jacobian(dst, x, _ []float64) {
	n := len(x)
	xp := append([]float64(nil), x...)
	for j := 0; j < n; j++ {
		xp[j] = x[j] + c.h
		c.Step(c.a, xp, nil)
		xp[j] = x[j] - c.h
		c.Step(c.b, xp, nil)
		xp[j] = x[j]
		for i := 0; i < n; i++ {
			dst[i*n+j] = (c.a[i] - c.b[i]) / (2 * c.h)
		}
	}
}

// readout sets z to the readout W φ(x) of the state x.
func (c *closedLoop) readout(z, x []float64) {
	c.net.feat(c.r, x)
	c.net.rls.Predict(z, c.r)
}
