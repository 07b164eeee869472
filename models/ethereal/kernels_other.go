//go:build !amd64

package ethereal

const useRowKernel = false

func plasticRowAVX2(w, xu, xn []float64, sel []uint64, k *rowConsts) {
	panic("ethereal: no row kernel on this architecture")
}
