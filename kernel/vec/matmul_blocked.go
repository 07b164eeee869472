package vec

// matMulBlocked is the portable MatMul (add false) and MatMulAdd (add
// true) with matMulGeneric's arithmetic — every element accumulates its m
// products in increasing order, from +0 or from dst — on blocks of four rows
// by four columns held in sixteen local accumulators, so that each A[i,j]
// and B[j,c] loaded serves four products and dst is read and written once
// per block instead of once per product. It is the product of targets
// without the assembly kernels (js/wasm, where locals are the virtual
// machine's registers).
func matMulBlocked(dst, A, B []float64, n, m, k int, add bool) {
	i := 0
	for ; i+4 <= n; i += 4 {
		a0 := A[i*m : (i+1)*m]
		a1 := A[(i+1)*m : (i+2)*m][:len(a0)]
		a2 := A[(i+2)*m : (i+3)*m][:len(a0)]
		a3 := A[(i+3)*m : (i+4)*m][:len(a0)]
		d0 := dst[i*k : (i+1)*k]
		d1 := dst[(i+1)*k : (i+2)*k][:len(d0)]
		d2 := dst[(i+2)*k : (i+3)*k][:len(d0)]
		d3 := dst[(i+3)*k : (i+4)*k][:len(d0)]
		c := 0
		for ; c+4 <= k; c += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			var s20, s21, s22, s23, s30, s31, s32, s33 float64
			if add {
				s00, s01, s02, s03 = d0[c], d0[c+1], d0[c+2], d0[c+3]
				s10, s11, s12, s13 = d1[c], d1[c+1], d1[c+2], d1[c+3]
				s20, s21, s22, s23 = d2[c], d2[c+1], d2[c+2], d2[c+3]
				s30, s31, s32, s33 = d3[c], d3[c+1], d3[c+2], d3[c+3]
			}
			for j, x0 := range a0 {
				b := B[j*k+c : j*k+c+4]
				b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
				s00 += float64(x0 * b0)
				s01 += float64(x0 * b1)
				s02 += float64(x0 * b2)
				s03 += float64(x0 * b3)
				x1 := a1[j]
				s10 += float64(x1 * b0)
				s11 += float64(x1 * b1)
				s12 += float64(x1 * b2)
				s13 += float64(x1 * b3)
				x2 := a2[j]
				s20 += float64(x2 * b0)
				s21 += float64(x2 * b1)
				s22 += float64(x2 * b2)
				s23 += float64(x2 * b3)
				x3 := a3[j]
				s30 += float64(x3 * b0)
				s31 += float64(x3 * b1)
				s32 += float64(x3 * b2)
				s33 += float64(x3 * b3)
			}
			d0[c], d0[c+1], d0[c+2], d0[c+3] = s00, s01, s02, s03
			d1[c], d1[c+1], d1[c+2], d1[c+3] = s10, s11, s12, s13
			d2[c], d2[c+1], d2[c+2], d2[c+3] = s20, s21, s22, s23
			d3[c], d3[c+1], d3[c+2], d3[c+3] = s30, s31, s32, s33
		}
		for ; c < k; c++ {
			var s0, s1, s2, s3 float64
			if add {
				s0, s1, s2, s3 = d0[c], d1[c], d2[c], d3[c]
			}
			for j, x0 := range a0 {
				b := B[j*k+c]
				s0 += float64(x0 * b)
				s1 += float64(a1[j] * b)
				s2 += float64(a2[j] * b)
				s3 += float64(a3[j] * b)
			}
			d0[c], d1[c], d2[c], d3[c] = s0, s1, s2, s3
		}
	}
	if i < n {
		if add {
			matMulAddGeneric(dst[i*k:], A[i*m:], B, n-i, m, k)
		} else {
			matMulGeneric(dst[i*k:], A[i*m:], B, n-i, m, k)
		}
	}
}
