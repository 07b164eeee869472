package ode_test

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

// rotation is dx/dt = ω(−y, x), whose exact flow is a rotation by ωt.
type rotation struct{ w float64 }

func (r rotation) Dim() int      { return 2 }
func (r rotation) InputDim() int { return 0 }
func (r rotation) Deriv(dst, x, u []float64) {
	for i := 0; i+2 <= len(x); i += 2 {
		dst[i], dst[i+1] = -r.w*x[i+1], r.w*x[i]
	}
}

// orderOf fits the slope of log(error) against log(h) over h, h/2, h/4.
func orderOf(t *testing.T, mk func(h float64) ode.Stepper) float64 {
	var errs []float64
	hs := []float64{0.1, 0.05, 0.025}
	for _, h := range hs {
		m := mk(h)
		steps := int(math.Round(1 / h))
		traj := ode.Trajectory(m, []float64{1, 0}, steps, 0, 1)
		x, y := traj[len(traj)-2], traj[len(traj)-1]
		errs = append(errs, math.Hypot(x-math.Cos(1), y-math.Sin(1)))
	}
	return math.Log(errs[0]/errs[2]) / math.Log(hs[0]/hs[2])
}

// TestOrder checks the global error falls as h¹ for Euler and h⁴ for RK4
// (Hairer, Nørsett & Wanner 1993, Thm II.3.4).
func TestOrder(t *testing.T) {
	if p := orderOf(t, func(h float64) ode.Stepper { return ode.NewEuler(rotation{1}, h) }); math.Abs(p-1) > 0.1 {
		t.Errorf("Euler order %.3f, want 1", p)
	}
	if p := orderOf(t, func(h float64) ode.Stepper { return ode.NewRK4(rotation{1}, h) }); math.Abs(p-4) > 0.1 {
		t.Errorf("RK4 order %.3f, want 4", p)
	}
}

// cubic is a nonlinear test flow with parameters and inputs:
// f_i(x, u) = θ_i x_i³ − x_{i+1} + θ_{n+i} u_0 (indices cyclic).
type cubic struct {
	theta []float64
	n, k  int
}

func (c *cubic) Dim() int          { return c.n }
func (c *cubic) InputDim() int     { return c.k }
func (c *cubic) Params() []float64 { return c.theta }
func (c *cubic) Deriv(dst, x, u []float64) {
	n := c.n
	for r := 0; r < len(x)/n; r++ {
		xr := x[r*n : (r+1)*n]
		for i := 0; i < n; i++ {
			v := c.theta[i]*xr[i]*xr[i]*xr[i] - xr[(i+1)%n]
			if c.k > 0 {
				v += c.theta[n+i] * u[r*c.k]
			}
			dst[r*n+i] = v
		}
	}
}
func (c *cubic) DerivJacobian(dst, x, u []float64) {
	n := c.n
	clear(dst[:n*n])
	for i := 0; i < n; i++ {
		dst[i*n+i] += 3 * c.theta[i] * x[i] * x[i]
		dst[i*n+(i+1)%n] -= 1
	}
}
func (c *cubic) DerivVJP(gx, gtheta, x, u, g []float64) {
	n := c.n
	for r := 0; r < len(x)/n; r++ {
		xr, gr, out := x[r*n:(r+1)*n], g[r*n:(r+1)*n], gx[r*n:(r+1)*n]
		for i := range out {
			out[i] = 0
		}
		for i := 0; i < n; i++ {
			out[i] += 3 * c.theta[i] * xr[i] * xr[i] * gr[i]
			out[(i+1)%n] -= gr[i]
			if gtheta != nil {
				gtheta[i] += xr[i] * xr[i] * xr[i] * gr[i]
				if c.k > 0 {
					gtheta[n+i] += u[r*c.k] * gr[i]
				}
			}
		}
	}
}

func TestConformance(t *testing.T) {
	for _, k := range []int{0, 1} {
		f := &cubic{theta: make([]float64, 6), n: 3, k: k}
		rng.New(1).FillNorm(f.theta, 0.5)
		modeltest.Conformance(t, ode.NewEuler(f, 0.1), &modeltest.Settings{Scale: 0.7})
		modeltest.Conformance(t, ode.NewRK4(f, 0.1), &modeltest.Settings{Scale: 0.7})
	}
}
