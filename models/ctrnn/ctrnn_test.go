package ctrnn

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/ode"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

// The flow satisfies the ode abilities and the maps the models contract.
var (
	_ ode.FlowJacobian      = (*Net)(nil)
	_ ode.FlowVJP           = (*Net)(nil)
	_ models.Layouter       = (*Euler)(nil)
	_ models.Layouter       = (*RK4)(nil)
	_ models.Differentiable = (*RK4)(nil)
)

// TestConformance runs the models suite (finite-difference Jacobians,
// adjoint identity, θ-gradients of W, B and b, purity, zero allocations) on
// the Euler and RK4 maps, autonomous and driven.
func TestConformance(t *testing.T) {
	for _, k := range []int{0, 2} {
		for _, method := range []string{"euler", "rk4"} {
			m := NewMap(Config{M: 5, K: k, Tau: 2}, method, 0.2, rng.New(1))
			rng.New(2).FillNorm(m.Params()[25:], 0.5) // nonzero B and b
			modeltest.Conformance(t, m, nil)
		}
	}
}

// TestRelaxation: with W = 0 and constant drive c = B u + b, τ dx/dt = −x + c
// relaxes as x(t) = c + (x0 − c) e^{−t/τ}. The RK4 map of this linear flow
// multiplies x − c by R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 with z = −h/τ each
// step (Hairer et al. 1993, §IV.2), which it must match to rounding; and
// since |R(z) − e^z| ≤ |z|⁵/120 = 8.3e-8 at z = −0.1, the error against
// the closed form after s steps is at most s·e^{−0.1(s−1)}·8.3e-8·|x0 − c|
// ≤ 3.7·8.3e-8·3 < 1e-6.
func TestRelaxation(t *testing.T) {
	const tau, h, steps = 0.5, 0.05, 40
	for _, k := range []int{0, 1} {
		n := New(Config{M: 2, K: k, Tau: tau}, nil)
		c := []float64{1, -2}
		var u []float64
		if k == 0 {
			copy(n.Bias, c)
		} else { // drive through B u with u = 0.5, b = 0
			n.B[0], n.B[1] = 2, -4
			u = make([]float64, steps)
			for i := range u {
				u[i] = 0.5
			}
		}
		x0 := []float64{3, 0}
		traj := make([]float64, steps*2)
		models.Rollout(traj, ode.NewRK4(n, h), x0, u, steps)
		z := -h / tau
		R := 1 + z + z*z/2 + z*z*z/6 + z*z*z*z/24
		for s := 1; s <= steps; s++ {
			for i := range c {
				got := traj[(s-1)*2+i]
				if want := c[i] + (x0[i]-c[i])*math.Pow(R, float64(s)); math.Abs(got-want) > 1e-14 {
					t.Fatalf("K=%d step %d unit %d: %v, want R^s form %v", k, s, i, got, want)
				}
				if want := c[i] + (x0[i]-c[i])*math.Exp(-h*float64(s)/tau); math.Abs(got-want) > 1e-6 {
					t.Fatalf("K=%d t=%.2f unit %d: %v, want closed form %v", k, h*float64(s), i, got, want)
				}
			}
		}
	}
}

// TestEulerAtTau: one Euler step with h = τ is the discrete rate network
// x' = W tanh(x) + B u + b.
func TestEulerAtTau(t *testing.T) {
	const m, k, tau = 4, 2, 0.3
	e := NewMap(Config{M: m, K: k, Tau: tau}, "euler", tau, rng.New(5)).(*Euler)
	n := e.F.(*Net)
	rng.New(6).FillNorm(n.Bias, 1)
	x, u, y := []float64{0.3, -1, 2, 0.1}, []float64{1, -0.5}, make([]float64, m)
	e.Step(y, x, u)
	for i := 0; i < m; i++ {
		want := n.Bias[i] + n.B[i*k]*u[0] + n.B[i*k+1]*u[1]
		for j := 0; j < m; j++ {
			want += n.W[i*m+j] * fmath.Tanh(x[j])
		}
		if math.Abs(y[i]-want) > 1e-14 {
			t.Errorf("unit %d: %v, want %v", i, y[i], want)
		}
	}
}

// TestDerivJacobian compares the flow's analytic Jacobian with central
// differences of Deriv (step 1e-6: truncation ~1e-12, rounding ~1e-10).
func TestDerivJacobian(t *testing.T) {
	const m = 6
	n := New(Config{M: m, K: 1, Tau: 1.7, Gain: 2}, rng.New(7))
	x, u := make([]float64, m), []float64{0.4}
	rng.New(8).FillNorm(x, 1)
	J := make([]float64, m*m)
	n.DerivJacobian(J, x, u)
	p, q := make([]float64, m), make([]float64, m)
	for j := 0; j < m; j++ {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[j] += 1e-6
		xm[j] -= 1e-6
		n.Deriv(p, xp, u)
		n.Deriv(q, xm, u)
		for i := 0; i < m; i++ {
			if fd := (p[i] - q[i]) / 2e-6; math.Abs(fd-J[i*m+j]) > 1e-8 {
				t.Errorf("J[%d,%d] = %v, finite difference %v", i, j, J[i*m+j], fd)
			}
		}
	}
}

// TestInit: W's entries have variance g²/M and B's 1/K, b starts at 0
// (M = 200: 40000 samples, relative sd of the variance estimate √(2/40000)
// = 0.7 %, tolerance 4 %); the fields alias θ in the documented order.
func TestInit(t *testing.T) {
	const m, k, g = 200, 50, 2.0
	n := New(Config{M: m, K: k, Tau: 1, Gain: g}, rng.New(9))
	variance := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v * v
		}
		return s / float64(len(x))
	}
	if v := variance(n.W); math.Abs(v/(g*g/m)-1) > 0.04 {
		t.Errorf("var W = %v, want %v", v, g*g/m)
	}
	if v := variance(n.B); math.Abs(v*k-1) > 0.04 {
		t.Errorf("var B = %v, want %v", v, 1.0/k)
	}
	for _, v := range n.Bias {
		if v != 0 {
			t.Fatalf("b not zero at initialisation")
		}
	}
	theta := n.Params()
	if len(theta) != m*m+m*k+m {
		t.Fatalf("len θ = %d", len(theta))
	}
	off := 0
	for _, f := range n.Layout() {
		if f.Offset != off {
			t.Fatalf("field %s at %d, want %d", f.Name, f.Offset, off)
		}
		off += f.Size()
	}
	if off != len(theta) {
		t.Fatalf("layout covers %d of %d parameters", off, len(theta))
	}
	theta[m*m+m*k+3] = 42
	theta[m*m] = -7
	if n.Bias[3] != 42 || n.B[0] != -7 {
		t.Fatalf("fields do not alias θ")
	}
}

// TestPanics: programmer errors panic with the package prefix.
func TestPanics(t *testing.T) {
	cases := map[string]func(){
		"unknown method": func() { NewMap(Config{M: 2, Tau: 1}, "heun", 0.1, nil) },
		"zero tau":       func() { New(Config{M: 2}, nil) },
		"zero units":     func() { New(Config{Tau: 1}, nil) },
		"batch":          func() { New(Config{M: 2, Tau: 1}, nil).Deriv(make([]float64, 3), make([]float64, 3), nil) },
		"missing input":  func() { New(Config{M: 2, K: 1, Tau: 1}, nil).Deriv(make([]float64, 2), make([]float64, 2), nil) },
		"short jacobian": func() { New(Config{M: 2, Tau: 1}, nil).DerivJacobian(make([]float64, 3), make([]float64, 2), nil) },
	}
	for name, fn := range cases {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "ctrnn: ") {
					t.Errorf("%s: recovered %v, want a \"ctrnn: \" panic", name, r)
				}
			}()
			fn()
		}()
	}
}
