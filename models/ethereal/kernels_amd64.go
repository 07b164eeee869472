package ethereal

import "github.com/rnnlab/rnnlab/kernel/vec"

// useRowKernel runs plasticRow's whole blocks with AVX2 where kernel/vec
// found it (the same bits as the portable loop; tested by TestRowKernel).
var useRowKernel = vec.Vectorized()

// plasticRowAVX2 does plasticRow's first len(w) &^ 7 entries, adding the
// products to k.lanes. The slices have len(w) entries or more.
//
//go:noescape
func plasticRowAVX2(w, xu, xn []float64, sel []uint64, k *rowConsts)
