package vec

// sigmoids4 sets dst[i] = 1/(1+e) (src[i] ≥ 0) or e/(1+e) with e =
// exp(−|src[i]|) by fmath.Exp's operations, four lanes at a time; len(src) =
// len(dst), a multiple of four. Lanes outside the normal range are
// garbage: Sigmoids redoes them.
func sigmoids4(dst, src []float64) { sigmoidsAVX2(dst, src, &sigmoidConsts) }

//go:noescape
func sigmoidsAVX2(dst, src []float64, c *[13 * 4]float64)
