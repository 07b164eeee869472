package ode_test

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/ode"
)

// decay is dx/dt = −x, whose solution is x(t) = x(0) e^{−t}.
type decay struct{}

func (decay) Dim() int      { return 1 }
func (decay) InputDim() int { return 0 }
func (decay) Deriv(dst, x, u []float64) {
	for i, v := range x {
		dst[i] = -v
	}
}
func (decay) DerivJacobian(dst, x, u []float64) { dst[0] = -1 }

// Integrating dx/dt = −x to t = 1 with ten steps: RK4's error is five orders
// of magnitude below Euler's.
func ExampleNewRK4() {
	for _, m := range []ode.Stepper{ode.NewEuler(decay{}, 0.1), ode.NewRK4(decay{}, 0.1)} {
		x := ode.Trajectory(m, []float64{1}, 10, 9, 1) // keep only x(1)
		fmt.Printf("%T: x(1) = %.8f, error %.1e\n", m, x[0], math.Abs(x[0]-math.Exp(-1)))
	}
	// Output:
	// *ode.Euler: x(1) = 0.34867844, error 1.9e-02
	// *ode.RK4: x(1) = 0.36787977, error 3.3e-07
}

// The Jacobian of one RK4 step of dx/dt = −x is the stability polynomial
// R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 at z = −h.
func ExampleRK4_Jacobian() {
	m := ode.NewRK4(decay{}, 0.5)
	J := make([]float64, 1)
	m.Jacobian(J, []float64{3}, nil)
	z := -0.5
	fmt.Printf("%.12f %.12f\n", J[0], 1+z+z*z/2+z*z*z/6+z*z*z*z/24)
	// Output: 0.606770833333 0.606770833333
}

// Integrate records a subsampled trajectory without a transient: here the
// states at t = 0.5, 1.0, 1.5 of dx/dt = −x.
func ExampleIntegrate() {
	dst := make([]float64, 3)
	ode.Integrate(dst, ode.NewRK4(decay{}, 0.05), []float64{1}, 0, 10)
	fmt.Printf("%.6f\n", dst)
	// Output: [0.606531 0.367879 0.223130]
}
