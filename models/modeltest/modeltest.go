// Package modeltest is the conformance suite every rnnlab model passes, in the
// manner of testing/fstest: one call checks a model's step, Jacobian and
// vector–Jacobian products against finite differences and against each other.
package modeltest

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// Settings tune Conformance; a nil *Settings means the defaults.
type Settings struct {
	// Batch is the number of states stepped together (default 3).
	Batch int
	// Scale is the standard deviation of the random test states (default 1).
	Scale float64
	// Step is the central finite-difference step (default 1e-6).
	Step float64
	// Tol is the tolerated error of a derivative relative to max(1, |value|)
	// (default 1e-5). Piecewise-linear models are exact away from their kinks.
	Tol float64
	// Seed seeds the random states, inputs and cotangents (default 1).
	Seed uint64
}

func (s *Settings) defaults() Settings {
	d := Settings{Batch: 3, Scale: 1, Step: 1e-6, Tol: 1e-5, Seed: 1}
	if s == nil {
		return d
	}
	if s.Batch > 0 {
		d.Batch = s.Batch
	}
	if s.Scale > 0 {
		d.Scale = s.Scale
	}
	if s.Step > 0 {
		d.Step = s.Step
	}
	if s.Tol > 0 {
		d.Tol = s.Tol
	}
	if s.Seed != 0 {
		d.Seed = s.Seed
	}
	return d
}

// Conformance checks m:
//   - Step leaves x and u unchanged, overwrites every entry of dst (dst is
//     poisoned with NaN first), is bit-identical on repeated calls, gives the
//     same row whether stepped alone or in a batch, and allocates nothing;
//   - if m implements models.Jacobian, its Jacobian matches central finite
//     differences of Step;
//   - if m implements models.VJP, the adjoint identity ⟨g, J v⟩ = ⟨Jᵀg, v⟩
//     holds for random g, v, and the parameter gradient matches finite
//     differences of ⟨g, F(x; θ)⟩ in every parameter, VJP allocates nothing
//     and leaves its inputs unchanged;
//   - if m is models.Trainable, its tape (models.NewTape: the model's own
//     or the generic one) gives Step's and VJP's bits, the parameter
//     gradient included, and allocates nothing.
func Conformance(t *testing.T, m models.Map, s *Settings) {
	t.Helper()
	set := s.defaults()
	r := rng.New(set.Seed)
	M, K, n := m.Dim(), m.InputDim(), set.Batch
	x := make([]float64, n*M)
	r.FillNorm(x, set.Scale)
	var u []float64
	if K > 0 {
		u = make([]float64, n*K)
		r.FillNorm(u, 1)
	}
	x0, u0 := clone(x), clone(u)
	dst := make([]float64, n*M)
	fill(dst, math.NaN())
	m.Step(dst, x, u)
	for i, v := range dst {
		if math.IsNaN(v) {
			t.Fatalf("Step left dst[%d] unset (NaN poison survived)", i)
		}
	}
	if !same(x, x0) || !same(u, u0) {
		t.Fatalf("Step modified its inputs")
	}
	again := make([]float64, n*M)
	m.Step(again, x, u)
	if !same(dst, again) {
		t.Fatalf("two Step calls on the same input differ")
	}
	// Row independence: the last row stepped alone equals its batch result.
	one := make([]float64, M)
	var ul []float64
	if K > 0 {
		ul = u[(n-1)*K:]
	}
	m.Step(one, x[(n-1)*M:], ul)
	if !same(one, dst[(n-1)*M:]) {
		t.Fatalf("a state stepped alone differs from the same state in a batch")
	}
	if a := testing.AllocsPerRun(10, func() { m.Step(again, x, u) }); a != 0 {
		t.Errorf("Step allocates %.0f times per call, want 0", a)
	}

	if jm, ok := m.(models.Jacobian); ok {
		checkJacobian(t, m, jm, x[:M], ul0(u, K), set)
	}
	if vm, ok := m.(models.VJP); ok {
		checkVJP(t, m, vm, x, u, set, r)
	}
	if tm, ok := m.(models.Trainable); ok {
		checkTape(t, tm, set, r)
	}
}

// checkTape checks the model's tape (its own, or the generic one) against
// Step and VJP: over three steps of random batches, Forward gives Step's
// bits, Backward in reverse order gives VJP's state cotangents, and Gradient
// gives the bits that the same VJP calls accumulate onto a zero gradient; a
// second window on the same tape, after the parameters changed, matches the
// new parameters' Step and VJP (nothing stale), and steady-state calls
// allocate nothing.
func checkTape(t *testing.T, m models.Trainable, set Settings, r *rng.Rand) {
	t.Helper()
	const steps = 3
	M, K, n := m.Dim(), m.InputDim(), set.Batch
	tape := models.NewTape(m, steps, n)
	xs := make([][]float64, steps)
	us := make([][]float64, steps)
	gs := make([][]float64, steps)
	for k := range xs {
		xs[k] = make([]float64, n*M)
		r.FillNorm(xs[k], set.Scale)
		if K > 0 {
			us[k] = make([]float64, n*K)
			r.FillNorm(us[k], 1)
		}
		gs[k] = make([]float64, n*M)
		r.FillNorm(gs[k], 1)
	}
	P := len(m.Params())
	want, got := make([]float64, P), make([]float64, P)
	dsts, gxs := make([][]float64, steps), make([][]float64, steps)
	for k := range dsts {
		dsts[k], gxs[k] = make([]float64, n*M), make([]float64, n*M)
	}
	ref := make([]float64, n*M)
	theta := m.Params()
	theta0 := clone(theta)
	defer copy(theta, theta0)
	for round := 0; round < 2; round++ {
		if round == 1 { // new parameters for the second window: nothing stale may survive
			for i := range theta {
				theta[i] += 0.01 * r.Norm()
			}
		}
		// The tape's window first, with no other call of the model in
		// between, so that state cached from the old parameters would show.
		for k := 0; k < steps; k++ {
			fill(dsts[k], math.NaN())
			tape.Forward(k, dsts[k], xs[k], us[k])
		}
		for k := steps - 1; k >= 0; k-- {
			tape.Backward(k, gxs[k], gs[k])
		}
		clear(got)
		tape.Gradient(got)
		for k := 0; k < steps; k++ {
			m.Step(ref, xs[k], us[k])
			if !same(dsts[k], ref) {
				t.Fatalf("round %d: tape Forward of step %d differs from Step", round, k)
			}
		}
		clear(want)
		for k := steps - 1; k >= 0; k-- {
			m.VJP(ref, want, xs[k], us[k], gs[k])
			if !same(gxs[k], ref) {
				t.Fatalf("round %d: tape Backward of step %d: state cotangent differs from VJP", round, k)
			}
		}
		for i := range got {
			if !same(got[i:i+1], want[i:i+1]) {
				t.Fatalf("round %d: tape Gradient differs from the VJP sum at θ[%d]: %v, want %v", round, i, got[i], want[i])
			}
		}
	}
	dst, gotX := dsts[0], gxs[0]
	if a := testing.AllocsPerRun(5, func() {
		for k := 0; k < steps; k++ {
			tape.Forward(k, dst, xs[k], us[k])
		}
		for k := steps - 1; k >= 0; k-- {
			tape.Backward(k, gotX, gs[k])
		}
		tape.Gradient(got)
	}); a != 0 {
		t.Errorf("a taped window allocates %.0f times, want 0", a)
	}
}

func ul0(u []float64, k int) []float64 {
	if k == 0 {
		return nil
	}
	return u[:k]
}

func checkJacobian(t *testing.T, m models.Map, jm models.Jacobian, x, u []float64, set Settings) {
	t.Helper()
	M := m.Dim()
	J := make([]float64, M*M)
	fill(J, math.NaN())
	jm.Jacobian(J, x, u)
	fd := fdJacobian(m, x, u, set.Step)
	for i := 0; i < M; i++ {
		for j := 0; j < M; j++ {
			a, b := J[i*M+j], fd[i*M+j]
			if !close(a, b, set.Tol) {
				t.Fatalf("Jacobian[%d,%d] = %.10g, finite difference %.10g", i, j, a, b)
			}
		}
	}
}

func fdJacobian(m models.Map, x, u []float64, h float64) []float64 {
	M := m.Dim()
	J := make([]float64, M*M)
	xp, fp, fm := clone(x), make([]float64, M), make([]float64, M)
	for j := 0; j < M; j++ {
		xp[j] = x[j] + h
		m.Step(fp, xp, u)
		xp[j] = x[j] - h
		m.Step(fm, xp, u)
		xp[j] = x[j]
		for i := 0; i < M; i++ {
			J[i*M+j] = (fp[i] - fm[i]) / (2 * h)
		}
	}
	return J
}

func checkVJP(t *testing.T, m models.Map, vm models.VJP, x, u []float64, set Settings, r *rng.Rand) {
	t.Helper()
	M := m.Dim()
	n := len(x) / M
	g := make([]float64, n*M)
	r.FillNorm(g, 1)
	var theta []float64
	if p, ok := m.(models.Parametric); ok {
		theta = p.Params()
	}
	gx := make([]float64, n*M)
	fill(gx, math.NaN())
	gtheta := make([]float64, len(theta))
	x0, u0, g0 := clone(x), clone(u), clone(g)
	vm.VJP(gx, gtheta, x, u, g)
	for i, v := range gx {
		if math.IsNaN(v) {
			t.Fatalf("VJP left gx[%d] unset", i)
		}
	}
	if !same(x, x0) || !same(u, u0) || !same(g, g0) {
		t.Fatalf("VJP modified its inputs")
	}
	// Adjoint identity per row by directional finite differences:
	// ⟨g, (F(x+εv) − F(x−εv))/2ε⟩ ≈ ⟨Jᵀg, v⟩.
	v := make([]float64, n*M)
	r.FillNorm(v, 1)
	xp, xm := clone(x), clone(x)
	for i := range x {
		xp[i] += set.Step * v[i]
		xm[i] -= set.Step * v[i]
	}
	fp, fm := make([]float64, n*M), make([]float64, n*M)
	m.Step(fp, xp, u)
	m.Step(fm, xm, u)
	for row := 0; row < n; row++ {
		var lhs, rhs float64
		for i := row * M; i < (row+1)*M; i++ {
			lhs += g[i] * (fp[i] - fm[i]) / (2 * set.Step)
			rhs += gx[i] * v[i]
		}
		if !close(lhs, rhs, set.Tol) {
			t.Fatalf("adjoint identity fails in row %d: <g, J v> = %.10g, <Jᵀg, v> = %.10g", row, lhs, rhs)
		}
	}
	// Parameter gradient: d/dθ_k Σ ⟨g, F(x; θ)⟩ by central differences.
	obj := func() float64 {
		m.Step(fp, x, u)
		var s float64
		for i := range fp {
			s += g[i] * fp[i]
		}
		return s
	}
	for k := range theta {
		old := theta[k]
		theta[k] = old + set.Step
		p := obj()
		theta[k] = old - set.Step
		q := obj()
		theta[k] = old
		fd := (p - q) / (2 * set.Step)
		if !close(gtheta[k], fd, set.Tol) {
			t.Fatalf("parameter gradient [%d] = %.10g, finite difference %.10g", k, gtheta[k], fd)
		}
	}
	// Accumulation: a second call adds the same amount again.
	gtheta2 := clone(gtheta)
	vm.VJP(gx, gtheta2, x, u, g)
	for k := range gtheta {
		if !close(gtheta2[k], 2*gtheta[k], 1e-12) {
			t.Fatalf("VJP does not accumulate into gtheta at %d: %v after two calls, %v after one", k, gtheta2[k], gtheta[k])
		}
	}
	if a := testing.AllocsPerRun(10, func() { vm.VJP(gx, gtheta2, x, u, g) }); a != 0 {
		t.Errorf("VJP allocates %.0f times per call, want 0", a)
	}
	vm.VJP(gx, nil, x, u, g) // a nil gtheta must be accepted
}

func close(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func same(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func clone(a []float64) []float64 {
	if a == nil {
		return nil
	}
	return append([]float64(nil), a...)
}

func fill(a []float64, v float64) {
	for i := range a {
		a[i] = v
	}
}

// String formats a short description of a model for test names.
func String(m models.Map) string { return fmt.Sprintf("%T(M=%d,K=%d)", m, m.Dim(), m.InputDim()) }
