package vec

import (
	"math"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// mixed fills x with values of very different magnitudes, so that any
// reassociation of a sum would change its rounding.
func mixed(r *rng.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		switch r.IntN(20) {
		case 0:
			x[i] = 0
		case 1:
			x[i] = math.Copysign(0, -1)
		default:
			x[i] = r.Norm() * math.Pow(10, float64(r.IntN(17)-8)) // 1e-8 … 1e8
		}
	}
	return x
}

func TestBitIdenticalToPortable(t *testing.T) {
	r := rng.New(1)
	for n := 0; n <= 70; n++ {
		for rep := 0; rep < 5; rep++ {
			a, b := mixed(r, n), mixed(r, n)
			if got, want := Dot(a, b), dotGeneric(a, b); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("Dot n=%d: %v, portable %v", n, got, want)
			}
			y1, y2 := mixed(r, n), []float64(nil)
			y2 = append(y2, y1...)
			alpha := r.Norm()
			Axpy(alpha, a, y1)
			axpyGeneric(alpha, a, y2)
			for i := range y1 {
				if math.Float64bits(y1[i]) != math.Float64bits(y2[i]) {
					t.Fatalf("Axpy n=%d differs at %d", n, i)
				}
			}
		}
	}
	for _, sz := range [][2]int{{1, 1}, {3, 7}, {2, 20}, {5, 9}, {7, 8}, {15, 15}, {20, 40}, {22, 22}, {200, 200}} {
		rows, cols := sz[0], sz[1]
		A, x := mixed(r, rows*cols), mixed(r, cols)
		got, want := make([]float64, rows), make([]float64, rows)
		MatVec(got, A, rows, cols, x)
		matVecGeneric(want, A, rows, cols, x)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("MatVec %dx%d differs in row %d", rows, cols, i)
			}
		}
	}
}

// TestKnownValues checks the kernels against hand-computed results.
func TestKnownValues(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	b := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2}
	if d := Dot(a, b); d != 77 { // 1+…+10 + 2·11
		t.Fatalf("Dot = %v, want 77", d)
	}
	// Lane order is visible with cancellation: 1e16 + 1 − 1e16 summed in one
	// lane loses the 1; in different lanes (j = 0, 1, 8) it survives only if
	// l0 = 1e16 − 1e16 = 0 and l1 = 1.
	x := make([]float64, 9)
	x[0], x[1], x[8] = 1e16, 1, -1e16
	ones := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1}
	if d := Dot(x, ones); d != 1 {
		t.Fatalf("lane-ordered Dot = %v, want 1", d)
	}
	A := []float64{1, 2, 3, 4, 5, 6} // 2×3
	dst := make([]float64, 3)
	MatTVec(dst, A, 2, 3, []float64{1, -1})
	if dst[0] != -3 || dst[1] != -3 || dst[2] != -3 {
		t.Fatalf("MatTVec = %v", dst)
	}
	M := make([]float64, 6)
	AddOuter(M, []float64{1, 2}, []float64{1, 0, -1})
	if M[0] != 1 || M[2] != -1 || M[3] != 2 || M[5] != -2 {
		t.Fatalf("AddOuter = %v", M)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Dot":        func() { Dot(make([]float64, 2), make([]float64, 3)) },
		"Axpy":       func() { Axpy(1, make([]float64, 2), make([]float64, 3)) },
		"MatVec":     func() { MatVec(make([]float64, 2), make([]float64, 3), 2, 2, make([]float64, 2)) },
		"MatVec x":   func() { MatVec(make([]float64, 2), make([]float64, 4), 2, 2, make([]float64, 1)) },
		"MatVec dst": func() { MatVec(make([]float64, 1), make([]float64, 4), 2, 2, make([]float64, 2)) },
		"MatTVec":    func() { MatTVec(make([]float64, 2), make([]float64, 3), 2, 2, make([]float64, 2)) },
		"MatTVec x":  func() { MatTVec(make([]float64, 2), make([]float64, 4), 2, 2, make([]float64, 1)) },
		"AddOuter":   func() { AddOuter(make([]float64, 5), make([]float64, 2), make([]float64, 3)) },
		"Mul":        func() { Mul(make([]float64, 2), make([]float64, 2), make([]float64, 3)) },
		"Mul dst":    func() { Mul(make([]float64, 3), make([]float64, 2), make([]float64, 2)) },
		"MatMul A":   func() { MatMul(make([]float64, 4), make([]float64, 3), make([]float64, 4), 2, 2, 2) },
		"MatMul B":   func() { MatMul(make([]float64, 4), make([]float64, 4), make([]float64, 3), 2, 2, 2) },
		"MatMul dst": func() { MatMul(make([]float64, 3), make([]float64, 4), make([]float64, 4), 2, 2, 2) },
		"MaxAbsDiff": func() { MaxAbsDiff(make([]float64, 2), make([]float64, 3)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with mismatched lengths did not panic", name)
				}
			}()
			f()
		}()
	}
}

// sameBits reports whether a and b are the same float64 bit patterns, where
// any two NaNs count as equal (NaN payloads are not specified by wasm).
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// matTVecRef and addOuterRef are the element loops that MatTVec and AddOuter
// are documented to perform.
func matTVecRef(dst, A []float64, rows, cols int, x []float64) {
	clear(dst[:cols])
	for i := 0; i < rows; i++ {
		if x[i] != 0 {
			for j := 0; j < cols; j++ {
				dst[j] += float64(x[i] * A[i*cols+j])
			}
		}
	}
}

func addOuterRef(A, a, b []float64) {
	for i, ai := range a {
		if ai != 0 {
			for j, v := range b {
				A[i*len(b)+j] += float64(ai * v)
			}
		}
	}
}

// TestMatricesBitIdentical compares MatVec, MatTVec and AddOuter with the
// portable definitions for every shape rows 1…20 × cols 0…40 and for 200×200.
func TestMatricesBitIdentical(t *testing.T) {
	r := rng.New(5)
	type shape struct{ rows, cols int }
	var shapes []shape
	for rows := 1; rows <= 20; rows++ {
		for cols := 0; cols <= 40; cols++ {
			shapes = append(shapes, shape{rows, cols})
		}
	}
	shapes = append(shapes, shape{200, 200}, shape{64, 201}, shape{203, 7})
	for _, s := range shapes {
		rows, cols := s.rows, s.cols
		A, x, xt := mixed(r, rows*cols), mixed(r, cols), mixed(r, rows)
		got, want := make([]float64, rows), make([]float64, rows)
		MatVec(got, A, rows, cols, x)
		matVecGeneric(want, A, rows, cols, x)
		for i := range got {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("MatVec %d×%d row %d: %v, portable %v", rows, cols, i, got[i], want[i])
			}
		}
		gotT, wantT := mixed(r, cols), make([]float64, cols)
		MatTVec(gotT, A, rows, cols, xt)
		matTVecRef(wantT, A, rows, cols, xt)
		for j := range gotT {
			if !sameBits(gotT[j], wantT[j]) {
				t.Fatalf("MatTVec %d×%d column %d: %v, reference %v", rows, cols, j, gotT[j], wantT[j])
			}
		}
		B := append([]float64(nil), A...)
		AddOuter(A, xt, x)
		addOuterRef(B, xt, x)
		for k := range A {
			if !sameBits(A[k], B[k]) {
				t.Fatalf("AddOuter %d×%d element %d: %v, reference %v", rows, cols, k, A[k], B[k])
			}
		}
	}
}

// TestSpecialValues checks that infinities, NaNs and signed zeros go through
// the same lanes as in the portable code: +Inf in lane 0 and −Inf in lane 4
// meet only in the final combination (NaN), and a lone −0 product gives +0.
func TestSpecialValues(t *testing.T) {
	inf := math.Inf(1)
	for n := 1; n <= 40; n++ {
		a, b := make([]float64, n), make([]float64, n)
		for j := range a {
			a[j], b[j] = float64(j%5)-2, 1
		}
		a[0] = inf
		if n > 4 {
			a[4] = -inf
		}
		if n > 9 {
			a[9] = math.NaN()
		}
		if got, want := Dot(a, b), dotGeneric(a, b); !sameBits(got, want) {
			t.Fatalf("n=%d: Dot %v, portable %v", n, got, want)
		}
	}
	negz := math.Copysign(0, -1)
	for n := 1; n <= 20; n++ {
		a, b := make([]float64, n), make([]float64, n)
		for j := range a {
			a[j], b[j] = negz, 1
		}
		got := Dot(a, b)
		if math.Float64bits(got) != 0 { // every lane is +0 + (−0) = +0
			t.Fatalf("n=%d: Dot of −0 products = %v (bits %x), want +0", n, got, math.Float64bits(got))
		}
		dst := make([]float64, 4)
		A := make([]float64, 4*n)
		for k := range A {
			A[k] = negz
		}
		MatVec(dst, A, 4, n, b)
		for i, v := range dst {
			if math.Float64bits(v) != 0 {
				t.Fatalf("n=%d: MatVec row %d of −0 products = %v, want +0", n, i, v)
			}
		}
	}
}

// benchSizes are the PLRNN latent sizes of the rollout targets (15, 200),
// the dendPLRNN/shPLRNN hidden sizes (22, 64) and one matrix beyond L2 (512).
var benchSizes = []int{15, 22, 64, 200, 512}

func BenchmarkDot(b *testing.B) {
	for _, n := range benchSizes {
		r := rng.New(1)
		x, y := mixed(r, n), mixed(r, n)
		var sink float64
		for _, impl := range []struct {
			name string
			f    func()
		}{{"fast", func() { sink += Dot(x, y) }}, {"portable", func() { sink += dotGeneric(x, y) }}} {
			b.Run(impl.name+"/n="+itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.f()
				}
				b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		_ = sink
	}
}

// BenchmarkMatVec counts 2·rows·cols flops per product.
func BenchmarkMatVec(b *testing.B) {
	for _, n := range benchSizes {
		r := rng.New(1)
		A, x, dst := mixed(r, n*n), mixed(r, n), make([]float64, n)
		for _, impl := range []struct {
			name string
			f    func()
		}{{"fast", func() { MatVec(dst, A, n, n, x) }}, {"portable", func() { matVecGeneric(dst, A, n, n, x) }}} {
			b.Run(impl.name+"/n="+itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.f()
				}
				b.ReportMetric(2*float64(n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 || s == "" {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestReportPath(t *testing.T) {
	t.Logf("vector fast path in use: %v", fastPath())
}

// TestNarrowMatVec checks the narrow-matrix path against dotGeneric row by
// row, including signed zeros.
func TestNarrowMatVec(t *testing.T) {
	r := rng.New(3)
	for cols := 1; cols < 8; cols++ {
		A, x := mixed(r, 5*cols), mixed(r, cols)
		A[0], x[0] = math.Copysign(0, -1), 1 // a −0 product
		for k := 0; k < cols; k++ {
			A[cols+k] = math.Copysign(0, -1)    // a row of −0 products: +0, as dotGeneric
			A[2*cols+k] = math.Inf(1 - 2*(k%2)) // opposite infinities: NaN
		}
		if cols > 1 {
			A[3*cols], A[3*cols+1] = 1e308, 1e308 // overflow in the lane sums
		}
		got := make([]float64, 5)
		matVecNarrow(got, A, 5, cols, x)
		for i := range got {
			want := dotGeneric(A[i*cols:(i+1)*cols], x)
			if math.IsNaN(want) && math.IsNaN(got[i]) {
				continue // payloads may differ (package doc)
			}
			if math.Float64bits(got[i]) != math.Float64bits(want) {
				t.Fatalf("cols %d row %d: %v, want %v", cols, i, got[i], want)
			}
		}
	}
}

// TestMatVecAllShapes sweeps the shapes that exercise every path of the
// assembly: full blocks, the four-wide remainder step, the scalar tail, and
// the overlapping last block of rows.
func TestMatVecAllShapes(t *testing.T) {
	r := rng.New(11)
	for rows := 1; rows <= 9; rows++ {
		for cols := 1; cols <= 40; cols++ {
			A, x := mixed(r, rows*cols), mixed(r, cols)
			got, want := make([]float64, rows), make([]float64, rows)
			MatVec(got, A, rows, cols, x)
			for i := range want {
				want[i] = dotGeneric(A[i*cols:(i+1)*cols], x)
			}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("MatVec %dx%d row %d: %v, want %v", rows, cols, i, got[i], want[i])
				}
			}
		}
	}
}

func TestMaxAbs(t *testing.T) {
	if m := MaxAbs([]float64{1, -3, 2}); m != 3 {
		t.Fatalf("MaxAbs = %v, want 3", m)
	}
	if d := MaxAbsDiff([]float64{1, 5}, []float64{2, 1}); d != 4 {
		t.Fatalf("MaxAbsDiff = %v, want 4", d)
	}
	if MaxAbs(nil) != 0 {
		t.Fatal("MaxAbs(nil) ≠ 0")
	}
}

// TestMatMul checks MatMul on a product worked by hand, then against the
// portable definition on every target's dispatch (tiny, four-row and
// eight-row shapes) bit for bit, and that it matches the column-by-column
// definition Σ_j A[i,j]·B[j,c] summed in increasing j.
func TestMatMul(t *testing.T) {
	A := []float64{1, 2, 3, 4, 5, 6}    // 2×3
	B := []float64{7, 8, 9, 10, 11, 12} // 3×2
	got := []float64{-1, -1, -1, -1}
	MatMul(got, A, B, 2, 3, 2)
	if want := []float64{58, 64, 139, 154}; !slices.Equal(got, want) {
		t.Fatalf("MatMul 2×3·3×2 = %v, want %v", got, want)
	}
	r := rng.New(17)
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 2}, {4, 4, 4}, {7, 9, 13}, {8, 8, 8}, {50, 50, 50}, {53, 31, 17}, {100, 100, 100}} {
		n, m, k := s[0], s[1], s[2]
		A, B := mixed(r, n*m), mixed(r, m*k)
		got, want := make([]float64, n*k), make([]float64, n*k)
		MatMul(got, A, B, n, m, k)
		for i := 0; i < n; i++ {
			for c := 0; c < k; c++ {
				var acc float64
				for j := 0; j < m; j++ {
					acc += float64(A[i*m+j] * B[j*k+c])
				}
				want[i*k+c] = acc
			}
		}
		for i := range got {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("MatMul %v element %d: %v, definition %v", s, i, got[i], want[i])
			}
		}
	}
	MatMul(nil, nil, nil, 0, 3, 0) // empty products are allowed
}

// BenchmarkMatMul times the square product n×n·n×n (the Lyapunov
// estimator's J·Q) through the dispatch and the portable loop.
func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{5, 15, 50, 100, 200} {
		r := rng.New(1)
		A, B, dst := mixed(r, n*n), mixed(r, n*n), make([]float64, n*n)
		for _, impl := range []struct {
			name string
			f    func()
		}{{"fast", func() { MatMul(dst, A, B, n, n, n) }}, {"portable", func() { matMulGeneric(dst, A, B, n, n, n) }}} {
			b.Run(impl.name+"/n="+itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.f()
				}
				b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func TestMul(t *testing.T) {
	a := []float64{1, -2, 3, 0.5, math.Inf(1), 2, 3, 4, 5}
	b := []float64{2, 0, -1, 4, 1, 2, 2, 2, 2}
	Mul(a, a, b) // in place
	want := []float64{2, math.Copysign(0, -1), -3, 2, math.Inf(1), 4, 6, 8, 10}
	for j := range want {
		if !sameBits(a[j], want[j]) {
			t.Fatalf("Mul element %d: %v, want %v", j, a[j], want[j])
		}
	}
}

// TestMatMulAddChunks checks MatMulAdd's defining property: a product split
// along its inner dimension into consecutive chunks, accumulated onto a
// zeroed dst, gives exactly MatMul's bits, for row counts in and out of the
// fast path's blocks of four.
func TestMatMulAddChunks(t *testing.T) {
	r := rng.New(19)
	for _, sh := range [][3]int{{1, 40, 3}, {3, 17, 9}, {4, 64, 8}, {7, 100, 13}, {22, 333, 22}, {50, 129, 50}} {
		n, m, k := sh[0], sh[1], sh[2]
		A, B := mixed(r, n*m), mixed(r, m*k)
		want := make([]float64, n*k)
		MatMul(want, A, B, n, m, k)
		for _, chunk := range []int{1, 5, 32, m} {
			// A's columns j0…j1 are not contiguous: copy each chunk of A.
			got := make([]float64, n*k)
			for j0 := 0; j0 < m; j0 += chunk {
				j1 := min(j0+chunk, m)
				a := make([]float64, n*(j1-j0))
				for i := 0; i < n; i++ {
					copy(a[i*(j1-j0):(i+1)*(j1-j0)], A[i*m+j0:i*m+j1])
				}
				MatMulAdd(got, a, B[j0*k:j1*k], n, j1-j0, k)
			}
			for i := range want {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%d×%d·%d×%d in chunks of %d: element %d = %v, MatMul %v", n, m, m, k, chunk, i, got[i], want[i])
				}
			}
		}
	}
}
