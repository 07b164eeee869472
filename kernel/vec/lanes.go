package vec

// LaneSplit computes many matrix–vector products with one matrix,
// dst_s = W·x_s for the rows x_s of a batch, with exactly MatVec's bits but
// at the speed of MatMul.
//
// MatVec's reduction order (the package doc) sends column j to lane j mod 8;
// each lane adds its products in increasing j from +0, and the lanes are
// combined as ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). Lane l of all the
// products is therefore itself a matrix product: with X_l the batch's
// columns j ≡ l (mod 8) and W_lᵀ the matching columns of W, transposed,
// P_l = X_l·W_lᵀ accumulates each element from +0 in increasing j — MatMul's
// order exactly. Load splits W into the eight W_lᵀ once (for as long as W
// does not change); MatVecs gathers X_l, runs the eight products and
// combines them in the lane order. A lane with no columns (cols < 8) is +0,
// which the combination leaves out as MatVec's narrow path does (a lane is
// never −0).
type LaneSplit struct {
	rows, cols, batch int
	wt                [8][]float64 // W_lᵀ: n_l × rows
	xl                [8][]float64 // X_l: batch × n_l
	p                 [8][]float64 // P_l: batch × rows
}

// NewLaneSplit returns a LaneSplit for rows×cols matrices and batches of up
// to batch vectors.
func NewLaneSplit(rows, cols, batch int) *LaneSplit {
	if rows < 1 || cols < 1 || batch < 1 {
		panic("vec: NewLaneSplit needs positive sizes")
	}
	s := &LaneSplit{rows: rows, cols: cols, batch: batch}
	for l := 0; l < 8; l++ {
		nl := laneCols(cols, l)
		s.wt[l] = make([]float64, nl*rows)
		s.xl[l] = make([]float64, batch*nl)
		s.p[l] = make([]float64, batch*rows)
	}
	return s
}

// laneCols is the number of columns j < cols with j mod 8 = l.
func laneCols(cols, l int) int {
	if l >= cols {
		return 0
	}
	return (cols - l + 7) / 8
}

// Load splits the row-major rows×cols matrix W (read, not kept).
func (s *LaneSplit) Load(W []float64) {
	rows, cols := s.rows, s.cols
	if len(W) < rows*cols {
		panic("vec: LaneSplit.Load dimension mismatch")
	}
	for l := 0; l < 8 && l < cols; l++ {
		wt := s.wt[l]
		for q, j := 0, l; j < cols; q, j = q+1, j+8 {
			row := wt[q*rows : (q+1)*rows]
			for i := range row {
				row[i] = W[i*cols+j]
			}
		}
	}
}

// MatVecs sets row s of dst (n×rows) to W·x_s for the n rows of X
// (n×cols), with the bits of MatVec(dst_s, W, rows, cols, x_s), W being the
// matrix last loaded. dst must not overlap X.
func (s *LaneSplit) MatVecs(dst, X []float64, n int) {
	rows, cols := s.rows, s.cols
	if n < 0 || n > s.batch || len(X) < n*cols || len(dst) < n*rows {
		panic("vec: LaneSplit.MatVecs dimension mismatch")
	}
	if n == 0 {
		return
	}
	L := min(cols, 8)
	for l := 0; l < L; l++ {
		nl := laneCols(cols, l)
		xl := s.xl[l][:n*nl]
		for r := 0; r < n; r++ {
			x := X[r*cols : (r+1)*cols]
			out := xl[r*nl : (r+1)*nl]
			for q := range out {
				out[q] = x[l+8*q]
			}
		}
		matMul(s.p[l][:n*rows], xl, s.wt[l], n, nl, rows)
	}
	d := dst[:n*rows]
	switch L {
	case 8:
		p0, p1, p2, p3 := s.p[0][:len(d)], s.p[1][:len(d)], s.p[2][:len(d)], s.p[3][:len(d)]
		p4, p5, p6, p7 := s.p[4][:len(d)], s.p[5][:len(d)], s.p[6][:len(d)], s.p[7][:len(d)]
		for i := range d {
			d[i] = ((p0[i] + p4[i]) + (p2[i] + p6[i])) + ((p1[i] + p5[i]) + (p3[i] + p7[i]))
		}
	default: // fewer than eight lanes: the empty ones are +0
		for i := range d {
			var v [8]float64
			for l := 0; l < L; l++ {
				v[l] = s.p[l][i]
			}
			d[i] = ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]))
		}
	}
}

// Vectorized reports whether this process runs the vector kernels (amd64
// with AVX2) rather than the portable loops. The results are the same bits
// either way; callers use it only to choose between equivalent ways of
// computing the same thing (LaneSplit pays off only with vector kernels).
func Vectorized() bool { return fastPath() }
