package ethereal

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/vec"
)

// rowConsts are the constants of one row's update for plasticRow, and the
// kernel's eight lanes of the product.
type rowConsts struct {
	s, c, keep, lr float64 // dense coefficient, masked coefficient, 1 − forgetting, learning rate
	gc, ngc        float64 // the clamp of the masked u: ±GradClip, or ±Inf without a clamp
	lanes          [8]float64
}

// plasticRow is the one update rule on one row w of fast weights with the
// update input xu, followed by the row's product with xn (returned):
//
//	unmasked:  w_j ← w_j + s·xu_j
//	masked:    w_j ← w_j·keep + lr·min(max(c·xu_j, ngc), gc)
//	result:    Σ_j w_j·xn_j        in kernel/vec.Dot's lane order
//
// sel_j is −1 on the masked entries and 0 elsewhere, with 8 more bytes
// after the row's (the kernel reads the last block's mask whole); idx lists
// them (the row's
// MaskIdx) and scratch has room for them. Products and sums are rounded
// separately (no fused multiply-add), so the two implementations give the
// same bits:
//   - with AVX2 (amd64) both values are computed for every entry and the
//     mask selects one (a blend: no branch, no gather), the product in the
//     same pass, so the row is read once (plasticRowAVX2);
//   - elsewhere (js/wasm has no vector instructions, and a blend through
//     the floats' bits measured twice as slow there) the masked entries'
//     new values are computed aside through idx, the unmasked update is one
//     loop over the row, the masked values are put back and the product is
//     kernel/vec.Dot (plasticRowScatter).
func plasticRow(w, xu, xn []float64, sel []int8, idx []int32, scratch []float64, k *rowConsts) float64 {
	n := len(w)
	if !useRowKernel || n < 8 {
		return plasticRowScatter(w, xu, xn, idx, scratch, k)
	}
	if k.keep == 1 && k.gc > math.MaxFloat64 && k.ngc < -math.MaxFloat64 {
		plasticRowPlainAVX2(w, xu[:n], xn[:n], sel[:n+8], k)
	} else {
		plasticRowAVX2(w, xu[:n], xn[:n], sel[:n+8], k)
	}
	l := &k.lanes
	return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

// plasticRowScatter is plasticRow in portable Go.
func plasticRowScatter(w, xu, xn []float64, idx []int32, scratch []float64, k *rowConsts) float64 {
	n := len(w)
	xu, xn = xu[:n], xn[:n]
	m := scratch[:len(idx)]
	s, c, keep, lr, gc, ngc := k.s, k.c, k.keep, k.lr, k.gc, k.ngc
	for q, j := range idx {
		v := float64(c * xu[j])
		if !(v < gc) {
			v = gc
		}
		if !(v > ngc) {
			v = ngc
		}
		m[q] = float64(w[j]*keep) + float64(lr*v)
	}
	j := 0
	for ; j+4 <= n; j += 4 {
		w4, u4 := w[j:j+4:j+4], xu[j:j+4:j+4]
		w4[0] += float64(s * u4[0])
		w4[1] += float64(s * u4[1])
		w4[2] += float64(s * u4[2])
		w4[3] += float64(s * u4[3])
	}
	for ; j < n; j++ {
		w[j] += float64(s * xu[j])
	}
	for q, j := range idx {
		w[j] = m[q]
	}
	return vec.Dot(w, xn)
}
