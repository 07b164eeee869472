package reservoir

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/fixedpoint"
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/balanced"
	"github.com/rnnlab/rnnlab/models/ctrnn"
	"github.com/rnnlab/rnnlab/rules/force"
)

// FlipFlop configures the 3-bit flip-flop task (Sussillo & Barak, Neural
// Comput. 25:626, 2013, after Sussillo & Abbott 2009's 4-bit memory): each
// of 3 input channels emits, at every step with probability Pulse, a pulse
// of ±1 lasting PulseLen steps; each output must hold the sign of its channel's
// last pulse (0 before the first). A rate network gets the pulses and its
// own readout (fed back) as its 6 inputs; its readout is trained by FORCE.
type FlipFlop struct {
	Net      string  // "ctrnn" or "ei"
	Units    int     // CT-RNN units, or E + I units of the E/I network (3:1)
	Pulse    float64 // pulse probability per channel and step
	PulseLen int     // steps a pulse lasts
	Step     float64 // Euler step of the CT-RNN (τ = 1); the E/I network uses h = 1 (τ_E 10, τ_I 5)
	Gain     float64 // initial recurrent gain
	Train    int     // training steps
	Test     int     // test steps
	Alpha    float64 // RLS regulariser
	Starts   int     // states of the test run the fixed-point search starts from
	Seed     uint64
	MaxIter  int     // Levenberg–Marquardt iterations per start
	FDStep   float64 // finite-difference step of the closed loop's Jacobian
	TolSpeed float64 // q below which a point counts as fixed
}

// FlipFlopResult is what the task and its fixed points show.
type FlipFlopResult struct {
	Accuracy float64 // fraction of test outputs (after each channel's first pulse) with the right sign
	// Fixed points of the autonomous closed loop (no pulses, readout fed
	// back): how many are stable, and how many of the 8 memory states
	// (sign patterns of the readout) the stable ones decode to.
	Fixed, Stable, MemoryStates int
}

// flipTarget draws a pulse sequence (T×3) and its targets.
func flipTarget(r *rng.Rand, T int, p float64, length int) (u, y []float64) {
	u, y = make([]float64, T*3), make([]float64, T*3)
	var last [3]float64
	var left [3]int
	for t := 0; t < T; t++ {
		for c := 0; c < 3; c++ {
			if left[c] > 0 {
				u[t*3+c] = last[c]
				left[c]--
			} else if r.Float64() < p {
				s := 1.0
				if r.Float64() < 0.5 {
					s = -1
				}
				u[t*3+c], last[c], left[c] = s, s, length-1
			}
			y[t*3+c] = last[c]
		}
	}
	return u, y
}

// closedLoop is the trained network without pulses, its readout fed back:
// x' = F(x, (0, 0, 0, W φ(x))), with a central-difference Jacobian (the
// models give ∂F/∂x but not ∂F/∂u).
type closedLoop struct {
	m    models.Map
	feat func(dst, x []float64)
	rls  *force.RLS
	h    float64
	u, r []float64
	a, b []float64
}

func (c *closedLoop) Dim() int { return c.m.Dim() }

func (c *closedLoop) Step(dst, x, _ []float64) {
	c.feat(c.r, x)
	c.rls.Predict(c.u[3:], c.r)
	c.m.Step(dst, x, c.u)
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

// RunFlipFlop trains a network on the 3-bit flip-flop task by FORCE, scores
// it on a fresh pulse sequence, and finds the fixed points of its closed
// loop from states of that test run (analysis/fixedpoint; Sussillo &
// Barak 2013 find one stable fixed point per memory state).
func RunFlipFlop(c FlipFlop) (*FlipFlopResult, error) {
	if c.Units < 8 || !(c.Pulse > 0 && c.Pulse < 1) || c.PulseLen < 1 || c.Train < 1 || c.Test < 1 || !(c.Alpha > 0) || c.Starts < 1 || !(c.Step > 0) || !(c.Gain > 0) {
		return nil, errors.New("reservoir: FlipFlop needs Units ≥ 8, Pulse in (0, 1), PulseLen, Train, Test, Starts ≥ 1 and positive Alpha, Step, Gain")
	}
	var m models.Map
	feat := func(dst, x []float64) { copy(dst, x) }
	switch c.Net {
	case "ctrnn":
		m = ctrnn.NewMap(ctrnn.Config{M: c.Units, K: 6, Tau: 1, Gain: c.Gain}, "euler", c.Step, rng.New(c.Seed))
		feat = func(dst, x []float64) {
			for i, v := range x {
				dst[i] = fmath.Tanh(v)
			}
		}
	case "ei":
		cfg := balanced.Tutorial(6)
		cfg.NE, cfg.NI, cfg.Gain = c.Units*3/4, c.Units-c.Units*3/4, c.Gain
		bm, err := balanced.NewMap(cfg, "euler", 1, rng.New(c.Seed))
		if err != nil {
			return nil, err
		}
		m = bm
	default:
		return nil, fmt.Errorf("reservoir: FlipFlop.Net = %q: want \"ctrnn\" or \"ei\"", c.Net)
	}
	M := m.Dim()
	rls := force.NewRLS(M, 3, c.Alpha)
	x, next, r, u, z := make([]float64, M), make([]float64, M), make([]float64, M), make([]float64, 6), make([]float64, 3)
	rng.New(c.Seed+1).FillUniform(x, 0, 0.5)
	run := func(pulses, target []float64, learn bool, visit func(t int, x []float64)) (correct, total int) {
		T := len(pulses) / 3
		for t := 0; t < T; t++ {
			copy(u, pulses[t*3:(t+1)*3])
			copy(u[3:], z)
			m.Step(next, x, u)
			x, next = next, x
			feat(r, x)
			if learn {
				rls.Update(r, target[t*3:(t+1)*3])
			}
			rls.Predict(z, r)
			for k := 0; k < 3; k++ {
				if y := target[t*3+k]; y != 0 {
					total++
					if z[k]*y > 0 {
						correct++
					}
				}
			}
			if visit != nil {
				visit(t, x)
			}
		}
		return correct, total
	}
	pr := rng.New(c.Seed + 2)
	pu, py := flipTarget(pr, c.Train, c.Pulse, c.PulseLen)
	run(pu, py, true, nil)
	tu, ty := flipTarget(pr, c.Test, c.Pulse, c.PulseLen)
	var starts [][]float64
	every := max(c.Test/c.Starts, 1)
	ok, tot := run(tu, ty, false, func(t int, x []float64) {
		if t%every == every-1 && len(starts) < c.Starts {
			starts = append(starts, append([]float64(nil), x...))
		}
	})
	res := &FlipFlopResult{Accuracy: float64(ok) / float64(max(tot, 1))}
	cl := &closedLoop{m: m, feat: feat, rls: rls, h: c.FDStep, u: make([]float64, 6), r: make([]float64, M),
		a: make([]float64, M), b: make([]float64, M)}
	pts := fixedpoint.OfMap(cl, starts, &fixedpoint.Settings{MaxIter: c.MaxIter, TolFixed: c.TolSpeed, MaxQ: c.TolSpeed})
	seen := map[[3]bool]bool{}
	for _, p := range pts {
		if !p.Fixed {
			continue
		}
		res.Fixed++
		if !p.Stable {
			continue
		}
		res.Stable++
		feat(cl.r, p.X)
		rls.Predict(z, cl.r)
		if math.Abs(z[0]) > 0.5 && math.Abs(z[1]) > 0.5 && math.Abs(z[2]) > 0.5 {
			seen[[3]bool{z[0] > 0, z[1] > 0, z[2] > 0}] = true
		}
	}
	res.MemoryStates = len(seen)
	return res, nil
}
