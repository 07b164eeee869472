package dataset

import "math"

// Rossler is the Rössler flow ẋ = −y − z, ẏ = x + ay, ż = b + z(x − c).
type Rossler struct{ A, B, C float64 }

// NewRossler returns the flow with a = b = 0.2, c = 5.7 (Rössler 1976).
func NewRossler() *Rossler { return &Rossler{A: 0.2, B: 0.2, C: 5.7} }

// Dim is 3.
func (r *Rossler) Dim() int { return 3 }

// InputDim is 0: the flow is autonomous.
func (r *Rossler) InputDim() int { return 0 }

// Deriv sets dst = f(x) row by row; u must be nil.
func (r *Rossler) Deriv(dst, x, u []float64) {
	check3(dst, x, u)
	for i := 0; i < len(x); i += 3 {
		a, b, c := x[i], x[i+1], x[i+2]
		dst[i] = -b - c
		dst[i+1] = a + float64(r.A*b)
		dst[i+2] = r.B + float64(c*(a-r.C))
	}
}

// DerivJacobian sets dst (3×3 row-major) = ∂f/∂x at the state x:
//
//	[ 0  −1  −1    ]
//	[ 1   a   0    ]
//	[ z   0   x − c ]
func (r *Rossler) DerivJacobian(dst, x, u []float64) {
	checkJ(dst, x)
	dst[0], dst[1], dst[2] = 0, -1, -1
	dst[3], dst[4], dst[5] = 1, r.A, 0
	dst[6], dst[7], dst[8] = x[2], 0, x[0]-r.C
}

// FixedPoints returns the equilibria x = (c ± √(c² − 4ab))/2, y = −x/a,
// z = x/a (none when c² < 4ab; a must be nonzero).
func (r *Rossler) FixedPoints() [][3]float64 {
	d := r.C*r.C - 4*r.A*r.B
	if d < 0 {
		return nil
	}
	var p [][3]float64
	for _, s := range []float64{-1, 1} {
		x := (r.C + s*math.Sqrt(d)) / 2
		p = append(p, [3]float64{x, -x / r.A, x / r.A})
	}
	return p
}
