//go:build !amd64

package vec

func sigmoids4(dst, src []float64) { panic("vec: no vector sigmoid kernel on this target") }
