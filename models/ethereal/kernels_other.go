//go:build !amd64

package ethereal

const useRowKernel = false

func plasticRowAVX2(w, xu, xn []float64, sel []int8, k *rowConsts) {
	panic("ethereal: no row kernel on this architecture")
}

func plasticRowPlainAVX2(w, xu, xn []float64, sel []int8, k *rowConsts) {
	panic("ethereal: no row kernel on this architecture")
}
