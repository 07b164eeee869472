package plrnn

import (
	"fmt"
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
