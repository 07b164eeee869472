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
