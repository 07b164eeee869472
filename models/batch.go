package models

// Rows returns the number of rows of length m in x, panicking with a clear
// message when len(x) is not a multiple of m. Models call it to validate
// batched arguments.
func Rows(pkg string, x []float64, m int) int {
	if m <= 0 || len(x)%m != 0 {
		panic(pkg + ": batch length is not a multiple of the row width")
	}
	return len(x) / m
}

// CheckBatch panics unless dst and x hold the same number n of M-rows and u
// holds n K-rows (or is nil when K = 0). It returns n.
func CheckBatch(pkg string, dst, x, u []float64, m, k int) int {
	n := Rows(pkg, x, m)
	if len(dst) != len(x) {
		panic(pkg + ": dst and x differ in length")
	}
	if k == 0 {
		if len(u) != 0 {
			panic(pkg + ": input given to an autonomous model")
		}
	} else if len(u) != n*k {
		panic(pkg + ": input batch does not match state batch")
	}
	return n
}
