package ethereal

import "github.com/rnnlab/rnnlab/kernel/vec"

// useRowKernel runs plasticRow's whole blocks with AVX2 where kernel/vec
// found it (the same bits as the portable loop; tested by TestRowKernel).
var useRowKernel = vec.Vectorized()

// plasticRowAVX2 is plasticRow on the whole row, setting k.lanes to the
// lanes of the product. The slices have len(w) entries (sel 8 more).
//
//go:noescape
func plasticRowAVX2(w, xu, xn []float64, sel []int8, k *rowConsts)

// plasticRowPlainAVX2 is plasticRowAVX2 for k.keep = 1 and k.gc = +Inf
// (no forgetting, no clamp): the same bits with three operations fewer per
// four entries.
//
//go:noescape
func plasticRowPlainAVX2(w, xu, xn []float64, sel []int8, k *rowConsts)
