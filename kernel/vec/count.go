package vec

// CountBelow sets dst[i] to the number of entries of row i of table that lie
// strictly below z[i], for i < len(z): dst[i] = #{j < width : table[i·stride
// + j] < z[i]} (a NaN entry or z[i] counts as not below). It is the
// active-basis count of the dendritic PLRNN (a unit's sorted thresholds,
// one row per unit): on amd64 with AVX2 each row is four comparisons at a
// time summed as integers, with no data-dependent branch; the portable loop
// is the definition. Integers, so the same on every target.
func CountBelow(dst []int32, z, table []float64, stride, width int) {
	n := len(z)
	if width < 0 || stride < width || len(dst) < n || (n > 0 && len(table) < (n-1)*stride+width) {
		panic("vec: CountBelow dimension mismatch")
	}
	if n == 0 || width == 0 {
		clear(dst[:n])
		return
	}
	countBelow(dst[:n], z, table, stride, width)
}

func countBelowGeneric(dst []int32, z, table []float64, stride, width int) {
	for i, zi := range z {
		c := int32(0)
		for _, t := range table[i*stride : i*stride+width] {
			if t < zi {
				c++
			}
		}
		dst[i] = c
	}
}

// CountBelowT is CountBelow on a transposed table: dst[i] = #{q < width :
// table[q·stride + i] < z[i]} for i < len(z) (stride ≥ len(z)), row q of
// table holding entry q of every unit. On amd64 with AVX2 four units go at
// once, each entry of theirs one comparison and one integer subtraction,
// with no sum across lanes; the portable loop is the definition.
func CountBelowT(dst []int32, z, table []float64, stride, width int) {
	n := len(z)
	if width < 0 || stride < n || len(dst) < n || (width > 0 && len(table) < (width-1)*stride+n) {
		panic("vec: CountBelowT dimension mismatch")
	}
	if n == 0 || width == 0 {
		clear(dst[:n])
		return
	}
	countBelowT(dst[:n], z, table, stride, width)
}

func countBelowTGeneric(dst []int32, z, table []float64, stride, width int) {
	countBelowTRange(dst, z, table, stride, width, 0)
}

// countBelowTRange is the definition for the units i0… of z.
func countBelowTRange(dst []int32, z, table []float64, stride, width, i0 int) {
	for i := i0; i < len(z); i++ {
		zi, c := z[i], int32(0)
		for q := 0; q < width; q++ {
			if table[q*stride+i] < zi {
				c++
			}
		}
		dst[i] = c
	}
}
