package models

// Rollout iterates m freely from x0 for steps steps and writes the visited
// states x_1 … x_steps row by row into dst (length steps·M). u holds steps
// input rows or is nil for an autonomous model. It allocates nothing.
func Rollout(dst []float64, m Map, x0, u []float64, steps int) {
	M, K := m.Dim(), m.InputDim()
	if len(x0) != M || len(dst) < steps*M {
		panic("models: Rollout dimension mismatch")
	}
	prev := x0
	for t := 0; t < steps; t++ {
		var ut []float64
		if K > 0 {
			ut = u[t*K : (t+1)*K]
		}
		next := dst[t*M : (t+1)*M]
		m.Step(next, prev, ut)
		prev = next
	}
}
