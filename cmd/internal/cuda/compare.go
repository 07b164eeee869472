package cuda

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/models"
)

// Diff is the result of Compare: the largest absolute difference, where it
// is, and the scale it is measured against (the largest |want|).
type Diff struct {
	MaxAbs float64
	Index  int
	Scale  float64
}

// Rel is MaxAbs relative to the scale (0 when both vectors are zero).
func (d Diff) Rel() float64 {
	if d.MaxAbs == 0 {
		return 0
	}
	return d.MaxAbs / math.Max(d.Scale, math.SmallestNonzeroFloat64)
}

// Compare checks got against want norm-wise: max_i |got_i − want_i| ≤
// rtol · max_i |want_i|. The bound is relative to the vector's largest
// element, not element by element, so elements that cancel to nearly zero
// (a gradient's) do not demand more digits than the vector carries. A NaN
// or infinity in either vector, or different lengths, is an error; so is
// a NaN in one where the other has a number.
func Compare(got, want []float64, rtol float64) (Diff, error) {
	var d Diff
	if len(got) != len(want) {
		return d, fmt.Errorf("cuda: compare: %d values against %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if math.IsNaN(g) || math.IsInf(g, 0) || math.IsNaN(w) || math.IsInf(w, 0) {
			return d, fmt.Errorf("cuda: compare: element %d is not finite (got %v, want %v)", i, g, w)
		}
		d.Scale = math.Max(d.Scale, math.Abs(w))
		if a := math.Abs(g - w); a > d.MaxAbs {
			d.MaxAbs, d.Index = a, i
		}
	}
	if d.MaxAbs > rtol*d.Scale {
		return d, fmt.Errorf("cuda: compare: element %d differs by %.3g, %.3g of the largest |want| %.3g (tolerance %.3g): got %v, want %v",
			d.Index, d.MaxAbs, d.Rel(), d.Scale, rtol, got[d.Index], want[d.Index])
	}
	return d, nil
}

// CompareFields is Compare field by field of a parameter layout, so each
// block (A, W, h, …) is held to its own scale; the error names the field.
func CompareFields(fields []models.Field, got, want []float64, rtol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("cuda: compare: %d parameters against %d", len(got), len(want))
	}
	for _, f := range fields {
		lo, hi := f.Offset, f.Offset+f.Size()
		if hi > len(want) {
			return fmt.Errorf("cuda: compare: field %s [%d, %d) beyond %d parameters", f.Name, lo, hi, len(want))
		}
		if _, err := Compare(got[lo:hi], want[lo:hi], rtol); err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
	}
	return nil
}
