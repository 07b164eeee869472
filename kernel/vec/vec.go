// Package vec holds the dense float64 kernels every model's hot loop runs on:
// dot products, matrix–vector products and updates of the form y += a·x.
//
// Reproducibility rule. A reduction (Dot, MatVec) accumulates in a fixed
// order that does not depend on the target: element j goes to lane j mod 8,
// each lane adds its products in increasing j, products and sums are rounded
// separately (no fused multiply-add; see the float64 conversions), and the
// eight lanes are combined as ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
// The portable code below is the definition; the amd64 assembly fast path
// performs exactly the same operations with vector instructions (two
// four-wide accumulators per row; the last len mod 8 elements are read with
// masked loads into their own lanes, and the masked-off lanes add +0, which
// leaves a lane unchanged since a lane that starts at +0 is never −0), so
// native and js/wasm give bit-identical results. Only the payload of a NaN
// result may differ.
// Element-wise kernels (Axpy, AddOuter) have no reduction and are trivially
// identical on every target.
package vec

// Dot returns Σ_j a[j]·b[j] in the fixed lane order of the package doc.
// It panics if the lengths differ.
func Dot(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("vec: Dot length mismatch")
	}
	return dot(a, b)
}

// dotGeneric is the reference definition of the reduction order. The lanes
// are separate variables so the compiler keeps them in registers.
func dotGeneric(a, b []float64) float64 {
	var l0, l1, l2, l3, l4, l5, l6, l7 float64
	n := len(a)
	b = b[:n]
	j := 0
	for ; j+8 <= n; j += 8 {
		a8, b8 := a[j:j+8:j+8], b[j:j+8:j+8]
		l0 += float64(a8[0] * b8[0])
		l1 += float64(a8[1] * b8[1])
		l2 += float64(a8[2] * b8[2])
		l3 += float64(a8[3] * b8[3])
		l4 += float64(a8[4] * b8[4])
		l5 += float64(a8[5] * b8[5])
		l6 += float64(a8[6] * b8[6])
		l7 += float64(a8[7] * b8[7])
	}
	// The tail: element j still goes to lane j mod 8.
	switch r := a[j:]; len(r) {
	case 7:
		l6 += float64(r[6] * b[j+6])
		fallthrough
	case 6:
		l5 += float64(r[5] * b[j+5])
		fallthrough
	case 5:
		l4 += float64(r[4] * b[j+4])
		fallthrough
	case 4:
		l3 += float64(r[3] * b[j+3])
		fallthrough
	case 3:
		l2 += float64(r[2] * b[j+2])
		fallthrough
	case 2:
		l1 += float64(r[1] * b[j+1])
		fallthrough
	case 1:
		l0 += float64(r[0] * b[j])
	}
	return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))
}

// MatVec sets dst[i] = Dot(A[i·cols:(i+1)·cols], x) for i < rows, where A is
// row-major rows×cols. dst must not overlap A or x.
func MatVec(dst, A []float64, rows, cols int, x []float64) {
	if len(A) < rows*cols || len(x) < cols || len(dst) < rows {
		panic("vec: MatVec dimension mismatch")
	}
	matVec(dst, A, rows, cols, x[:cols])
}

func matVecGeneric(dst, A []float64, rows, cols int, x []float64) {
	if cols < 8 {
		matVecNarrow(dst, A, rows, cols, x)
		return
	}
	for i := 0; i < rows; i++ {
		dst[i] = dotGeneric(A[i*cols:(i+1)*cols], x)
	}
}

// matVecNarrow is matVecGeneric for fewer than eight columns, where every
// product is alone in its lane: lane k holds 0 + a_k·x_k (so −0 becomes +0,
// as in dotGeneric) and the empty lanes are +0. A lane or partial sum is
// then never −0, so adding an empty (+0) lane changes nothing and the
// eight-lane combination ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)) reduces, for
// each width, to the sums of the lanes that exist, in the same order: the
// cases below are that reduction written out (the same bits, without the
// empty lanes' additions, which dominate narrow products under js/wasm).
func matVecNarrow(dst, A []float64, rows, cols int, x []float64) {
	x = x[:cols]
	dst = dst[:rows]
	A = A[:rows*cols]
	switch cols {
	case 1:
		x0 := x[0]
		for i := range dst {
			dst[i] = 0 + float64(A[i]*x0)
		}
	case 2:
		x0, x1 := x[0], x[1]
		for i := range dst {
			a := A[2*i : 2*i+2 : 2*i+2]
			dst[i] = (0 + float64(a[0]*x0)) + (0 + float64(a[1]*x1))
		}
	case 3:
		x0, x1, x2 := x[0], x[1], x[2]
		for i := range dst {
			a := A[3*i : 3*i+3 : 3*i+3]
			l0, l1, l2 := 0+float64(a[0]*x0), 0+float64(a[1]*x1), 0+float64(a[2]*x2)
			dst[i] = (l0 + l2) + l1
		}
	case 4:
		x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
		for i := range dst {
			a := A[4*i : 4*i+4 : 4*i+4]
			l0, l1, l2, l3 := 0+float64(a[0]*x0), 0+float64(a[1]*x1), 0+float64(a[2]*x2), 0+float64(a[3]*x3)
			dst[i] = (l0 + l2) + (l1 + l3)
		}
	default: // 5, 6, 7
		for i := range dst {
			a := A[i*cols : (i+1)*cols]
			var l [8]float64
			for k, v := range x {
				l[k] = 0 + float64(a[k]*v)
			}
			dst[i] = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
		}
	}
}

// Axpy sets y[j] += alpha·x[j].
func Axpy(alpha float64, x, y []float64) {
	if len(x) != len(y) {
		panic("vec: Axpy length mismatch")
	}
	axpy(alpha, x, y)
}

func axpyGeneric(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for j, v := range x {
		y[j] += float64(alpha * v)
	}
}

// AddOuter sets A += a ⊗ b, that is A[i·len(b)+j] += a[i]·b[j], for a
// row-major len(a)×len(b) matrix A.
func AddOuter(A, a, b []float64) {
	n := len(b)
	if len(A) < len(a)*n {
		panic("vec: AddOuter dimension mismatch")
	}
	if n < 8 { // narrow: inline the element loop, no call per row
		addOuterNarrow(A, a, b)
		return
	}
	for i, ai := range a {
		if ai != 0 {
			axpy(ai, b, A[i*n:(i+1)*n])
		}
	}
}

// addOuterNarrow is AddOuter for fewer than eight columns (the same
// element operations; width 3 unrolled).
func addOuterNarrow(A, a, b []float64) {
	n := len(b)
	if n == 3 {
		b0, b1, b2 := b[0], b[1], b[2]
		for i, ai := range a {
			if ai != 0 {
				row := A[3*i : 3*i+3 : 3*i+3]
				row[0] += float64(ai * b0)
				row[1] += float64(ai * b1)
				row[2] += float64(ai * b2)
			}
		}
		return
	}
	for i, ai := range a {
		if ai != 0 {
			row := A[i*n : (i+1)*n]
			for j, v := range b {
				row[j] += float64(ai * v)
			}
		}
	}
}

// MatTVec sets dst = Aᵀ·x for a row-major rows×cols matrix A, accumulating
// the rows of A in increasing order: dst[j] = Σ_i x[i]·A[i,j].
// dst must not overlap A or x.
func MatTVec(dst, A []float64, rows, cols int, x []float64) {
	if len(A) < rows*cols || len(x) < rows || len(dst) < cols {
		panic("vec: MatTVec dimension mismatch")
	}
	dst = dst[:cols]
	clear(dst)
	if cols < 8 { // narrow: inline the element loop, no call per row
		if cols == 3 { // the common latent width of small models, unrolled
			d := dst[:3:3]
			for i, xi := range x[:rows] {
				if xi != 0 {
					r := A[3*i : 3*i+3 : 3*i+3]
					d[0] += float64(xi * r[0])
					d[1] += float64(xi * r[1])
					d[2] += float64(xi * r[2])
				}
			}
			return
		}
		for i := 0; i < rows; i++ {
			if xi := x[i]; xi != 0 {
				for j, v := range A[i*cols : (i+1)*cols] {
					dst[j] += float64(xi * v)
				}
			}
		}
		return
	}
	for i := 0; i < rows; i++ {
		if x[i] != 0 {
			axpy(x[i], A[i*cols:(i+1)*cols], dst)
		}
	}
}

// MaxAbs returns the infinity norm max_j |x[j]| (0 for an empty slice).
func MaxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, abs(v))
	}
	return m
}

// MaxAbsDiff returns the infinity-norm distance max_j |a[j] − b[j]|.
func MaxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("vec: MaxAbsDiff length mismatch")
	}
	var m float64
	for j, v := range a {
		m = max(m, abs(v-b[j]))
	}
	return m
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// MatMul sets dst = A·B for row-major A (n×m), B (m×k) and dst (n×k):
//
//	dst[i,c] = (⋯((+0 + A[i,0]·B[0,c]) + A[i,1]·B[1,c]) + ⋯) + A[i,m−1]·B[m−1,c],
//
// each element accumulating its m products in increasing order, products
// and sums rounded separately (no fused multiply-add). The order is the
// definition on every target; the amd64 kernels broadcast A[i,j] against a
// block of a row of B, so no reduction across lanes is needed and the work
// runs at the speed of the multiply and add ports. dst must not overlap A or
// B. This is the tangent-space product J·Q of the Lyapunov estimator.
func MatMul(dst, A, B []float64, n, m, k int) {
	if n < 0 || m < 0 || k < 0 || len(A) < n*m || len(B) < m*k || len(dst) < n*k {
		panic("vec: MatMul dimension mismatch")
	}
	if n == 0 || k == 0 {
		return
	}
	matMul(dst[:n*k], A[:n*m], B[:m*k], n, m, k)
}

// matMulGeneric is the reference definition of MatMul's arithmetic.
func matMulGeneric(dst, A, B []float64, n, m, k int) {
	for i := 0; i < n; i++ {
		row := dst[i*k : (i+1)*k : (i+1)*k]
		clear(row)
		for j, a := range A[i*m : (i+1)*m] {
			b := B[j*k : (j+1)*k : (j+1)*k]
			for c, v := range b {
				row[c] += float64(a * v)
			}
		}
	}
}

// MatMulAdd sets dst += A·B for row-major A (n×m), B (m×k) and dst (n×k),
// adding each product into the element as it goes:
//
//	dst[i,c] ← (⋯((dst[i,c] + A[i,0]·B[0,c]) + A[i,1]·B[1,c]) + ⋯) + A[i,m−1]·B[m−1,c].
//
// So a product over a long inner dimension split into consecutive chunks of
// rows of B, MatMulAdd after MatMulAdd onto a zeroed dst, gives exactly
// MatMul's bits, and each chunk can be sized to stay in cache. dst must not
// overlap A or B.
func MatMulAdd(dst, A, B []float64, n, m, k int) {
	if n < 0 || m < 0 || k < 0 || len(A) < n*m || len(B) < m*k || len(dst) < n*k {
		panic("vec: MatMulAdd dimension mismatch")
	}
	if n == 0 || k == 0 || m == 0 {
		return
	}
	matMulAdd(dst[:n*k], A[:n*m], B[:m*k], n, m, k)
}

// matMulAddGeneric is the reference definition of MatMulAdd's arithmetic.
func matMulAddGeneric(dst, A, B []float64, n, m, k int) {
	for i := 0; i < n; i++ {
		row := dst[i*k : (i+1)*k : (i+1)*k]
		for j, a := range A[i*m : (i+1)*m] {
			b := B[j*k : (j+1)*k : (j+1)*k]
			for c, v := range b {
				row[c] += float64(a * v)
			}
		}
	}
}

// MatTMulAdd sets dst += Aᵀ·B for row-major A (m×n), B (m×k) and dst (n×k),
// adding each product into the element as it goes, in increasing j:
//
//	dst[i,c] ← (⋯((dst[i,c] + A[0,i]·B[0,c]) + A[1,i]·B[1,c]) + ⋯) + A[m−1,i]·B[m−1,c].
//
// It is Σ_j a_j ⊗ b_j over the rows a_j of A and b_j of B, each outer
// product added in turn (the bits of AddOuter row after row onto dst), as
// one register-blocked product that reads A as it was gathered, row by row,
// without a transposed copy (MatMulAdd of Aᵀ gives the same bits). On amd64
// the rows of dst that fill blocks of four run in the AVX2 kernel, the rest
// in the portable loop (so callers pad n to a multiple of four, with zero
// columns of A, where they can). dst must not overlap A or B.
func MatTMulAdd(dst, A, B []float64, n, m, k int) {
	if n < 0 || m < 0 || k < 0 || len(A) < m*n || len(B) < m*k || len(dst) < n*k {
		panic("vec: MatTMulAdd dimension mismatch")
	}
	if n == 0 || k == 0 || m == 0 {
		return
	}
	matTMulAdd(dst[:n*k], A[:m*n], B[:m*k], n, m, k)
}

// matTMulAddGeneric is the reference definition of MatTMulAdd's arithmetic.
func matTMulAddGeneric(dst, A, B []float64, n, m, k int) { matTMulAddRows(dst, A, B, 0, n, n, m, k) }

// matTMulAddRows is MatTMulAdd's arithmetic for the rows i0…i1−1 of dst
// (A's columns i0…i1−1; A's rows have n entries).
func matTMulAddRows(dst, A, B []float64, i0, i1, n, m, k int) {
	for j := 0; j < m; j++ {
		b := B[j*k : (j+1)*k : (j+1)*k]
		for i, a := range A[j*n+i0 : j*n+i1] {
			row := dst[(i0+i)*k : (i0+i+1)*k : (i0+i+1)*k]
			for c, v := range b {
				row[c] += float64(a * v)
			}
		}
	}
}

// Mul sets dst[j] = a[j]·b[j] (the element-wise product; one rounding per
// element, so every target gives the same bits). dst may be a or b.
func Mul(dst, a, b []float64) {
	if len(a) != len(b) || len(dst) != len(a) {
		panic("vec: Mul length mismatch")
	}
	mul(dst, a, b)
}

func mulGeneric(dst, a, b []float64) {
	b, dst = b[:len(a)], dst[:len(a)]
	for j, v := range a {
		dst[j] = v * b[j]
	}
}
