package ode

// Stepper is a discrete-time map, as in models.Map.
type Stepper interface {
	Dim() int
	Step(dst, x, u []float64)
}

// Integrate iterates the autonomous map m from x0 for transient + rows·every
// steps, where rows = len(dst)/M, and writes every every-th state after the
// first transient steps into dst row by row: row r is the state after
// transient + (r+1)·every steps. x0 is not modified and is not part of the
// output. Integrate allocates only two states of scratch.
func Integrate(dst []float64, m Stepper, x0 []float64, transient, every int) {
	M := m.Dim()
	if len(x0) != M || len(dst)%M != 0 || transient < 0 || every < 1 {
		panic("ode: Integrate needs len(x0) = M, len(dst) a multiple of M, transient ≥ 0, every ≥ 1")
	}
	x, y := append([]float64(nil), x0...), make([]float64, M)
	for s := 0; s < transient; s++ {
		m.Step(y, x, nil)
		x, y = y, x
	}
	for r := 0; r < len(dst)/M; r++ {
		for s := 0; s < every; s++ {
			m.Step(y, x, nil)
			x, y = y, x
		}
		copy(dst[r*M:(r+1)*M], x)
	}
}

// Trajectory iterates the autonomous map m from x0 for steps steps, keeps
// every every-th state after the first transient steps and returns the kept
// states row-major: ⌊(steps−transient)/every⌋ rows, row r being the state
// after transient + (r+1)·every steps.
func Trajectory(m Stepper, x0 []float64, steps, transient, every int) []float64 {
	if every < 1 || transient < 0 || steps < transient {
		panic("ode: Trajectory needs every ≥ 1 and 0 ≤ transient ≤ steps")
	}
	dst := make([]float64, (steps-transient)/every*m.Dim())
	Integrate(dst, m, x0, transient, every)
	return dst
}
