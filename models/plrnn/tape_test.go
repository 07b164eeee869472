package plrnn

import (
	"fmt"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/modeltest"
)

// TestTapeWideShapes runs the conformance suite, whose tape check demands
// Step's and VJP's bits from the tapes, at batch and model sizes where
// vec.MatMul takes its register-blocked amd64 kernels (batch ≥ 4, widths
// with and without a tail of the 8-wide column blocks), with and without
// inputs, and above laneSplitFrom, where the forward product is batched.
func TestTapeWideShapes(t *testing.T) {
	forceLaneSplit = true
	defer func() { forceLaneSplit = false }()
	for _, k := range []int{0, 3} {
		r := rng.New(7)
		for i, m := range []models.Differentiable{
			NewVanilla(Config{M: 13, K: k}, r),
			NewVanilla(Config{M: laneSplitFrom + 3, K: k}, r),
			NewDendritic(Config{M: laneSplitFrom + 5, K: k, Bases: 7, Clipped: true}, r),
			NewDendritic(Config{M: 22, K: k, Bases: 20}, r),
			NewDendritic(Config{M: 17, K: k, Bases: 5, Clipped: true}, r),
			NewShallow(Config{M: 9, K: k, Hidden: 50, Clipped: true}, r),
			NewShallow(Config{M: 3, K: k, Hidden: 21}, r),
		} {
			randomize(m, uint64(30+i), 0.4)
			t.Run(fmt.Sprintf("%s/%d", modeltest.String(m), i), func(t *testing.T) {
				modeltest.Conformance(t, m, &modeltest.Settings{Batch: 16})
			})
		}
	}
}

// TestTapeCapacity checks that a tape refuses more Backward rows than it was
// made for instead of writing past its buffers.
func TestTapeCapacity(t *testing.T) {
	m := NewVanilla(Config{M: 4}, rng.New(1))
	tape := m.NewTape(1, 2)
	x, g, dst := make([]float64, 8), make([]float64, 8), make([]float64, 8)
	tape.Forward(0, dst, x, nil)
	tape.Backward(0, dst, g)
	defer func() {
		if recover() == nil {
			t.Fatal("a second Backward into a one-step tape did not panic")
		}
	}()
	tape.Backward(0, dst, g)
}

// TestTapeByReference checks that a tape recording by reference
// (models.Referencer) gives the bits of one that copies, for every family,
// with and without inputs, over two windows (the second after the
// parameters changed), with the caller's states in one buffer as a
// trainer keeps them, and allocates nothing in steady state.
func TestTapeByReference(t *testing.T) {
	const steps, S = 5, 6
	for _, k := range []int{0, 2} {
		r := rng.New(11)
		for i, m := range []models.Trainable{
			NewVanilla(Config{M: 9, K: k}, r),
			NewDendritic(Config{M: 13, K: k, Bases: 20}, r),
			NewDendritic(Config{M: 6, K: k, Bases: 3, Clipped: true}, r),
			NewShallow(Config{M: 5, K: k, Hidden: 11, Clipped: true}, r),
		} {
			randomize(m, uint64(50+i), 0.4)
			M := m.Dim()
			copying, byRef := m.(models.Taper).NewTape(steps, S), m.(models.Taper).NewTape(steps, S)
			byRef.(models.Referencer).RecordByReference()
			xs, us, gs := make([]float64, (steps+1)*S*M), make([]float64, steps*S*k), make([]float64, S*M)
			r.FillNorm(xs, 1)
			r.FillNorm(us, 1)
			r.FillNorm(gs, 1)
			P := len(m.Params())
			window := func(tape models.Tape, dst, gx, grad []float64) {
				for s := 0; s < steps; s++ {
					var u []float64
					if k > 0 {
						u = us[s*S*k : (s+1)*S*k]
					}
					tape.Forward(s, dst[s*S*M:(s+1)*S*M], xs[s*S*M:(s+1)*S*M], u)
				}
				for s := steps - 1; s >= 0; s-- {
					tape.Backward(s, gx[s*S*M:(s+1)*S*M], gs)
				}
				tape.Gradient(grad)
			}
			for round := 0; round < 2; round++ {
				if round == 1 {
					for j, v := range m.Params() {
						m.Params()[j] = v + 0.01*float64(j%7-3)
					}
				}
				d1, d2 := make([]float64, steps*S*M), make([]float64, steps*S*M)
				g1, g2 := make([]float64, steps*S*M), make([]float64, steps*S*M)
				p1, p2 := make([]float64, P), make([]float64, P)
				window(copying, d1, g1, p1)
				window(byRef, d2, g2, p2)
				for _, c := range []struct {
					name string
					a, b []float64
				}{{"Forward", d1, d2}, {"Backward", g1, g2}, {"Gradient", p1, p2}} {
					for j := range c.a {
						if math.Float64bits(c.a[j]) != math.Float64bits(c.b[j]) {
							t.Fatalf("%s, round %d: %s by reference differs at %d: %v, copying %v", modeltest.String(m), round, c.name, j, c.b[j], c.a[j])
						}
					}
				}
			}
			d, g, p := make([]float64, steps*S*M), make([]float64, steps*S*M), make([]float64, P)
			if a := testing.AllocsPerRun(3, func() { window(byRef, d, g, p) }); a != 0 {
				t.Errorf("%s: a window by reference allocates %.0f times", modeltest.String(m), a)
			}
		}
	}
}
