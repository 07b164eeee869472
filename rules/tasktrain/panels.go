package tasktrain

import "github.com/rnnlab/rnnlab/kernel/vec"

// panels is a right-hand factor B (m×k) of a matrix product stored as column
// panels of at most panelWidth columns, each panel contiguous (m×w). A
// product A·B then runs panel by panel, so the part of B that the kernel
// streams for every block of rows of A stays in the first-level cache
// instead of the whole of B (512 KiB at N = 256) coming from the second- or
// third-level cache again for every four rows. Each element of the product
// still accumulates its m terms in increasing order, so the bits are
// vec.MatMul's and vec.MatMulAdd's.
type panels struct {
	m, k int
	data []float64
	tmp  []float64 // n×panelWidth: one panel of the product
}

// panelWidth is the number of columns of a panel: one block of the
// kernel's eight columns, 8·m doubles (16 KiB at m = 256).
const panelWidth = 8

// usePanels reports whether a right-hand factor of m×k is worth packing: past
// 256 KiB (N = 256: 512 KiB) it is, below (N = 64: 32 KiB) the plain kernel
// is as fast or faster (BenchmarkProductPanels).
func usePanels(m, k int) bool { return m*k > panelMin }

// panelMin is usePanels' threshold in elements (a variable so that a test
// can force panels on small networks).
var panelMin = 32768

// pack stores B (m×k, row-major).
func (p *panels) pack(B []float64, m, k int) {
	p.m, p.k = m, k
	p.data = grow(p.data, m*k)
	o := 0
	for c0 := 0; c0 < k; c0 += panelWidth {
		w := min(panelWidth, k-c0)
		for j := 0; j < m; j++ {
			copy(p.data[o:o+w], B[j*k+c0:j*k+c0+w])
			o += w
		}
	}
}

// mul sets dst (n×k) = A·B for A n×m, or dst += A·B when add is set.
func (p *panels) mul(dst, A []float64, n int, add bool) {
	m, k := p.m, p.k
	p.tmp = grow(p.tmp, n*panelWidth)
	o := 0
	for c0 := 0; c0 < k; c0 += panelWidth {
		w := min(panelWidth, k-c0)
		t := p.tmp[:n*w]
		panel := p.data[o : o+m*w]
		o += m * w
		if add {
			for i := 0; i < n; i++ {
				src, d := dst[i*k+c0:i*k+c0+w], t[i*w:(i+1)*w]
				for c, v := range src {
					d[c] = v
				}
			}
			vec.MatMulAdd(t, A, panel, n, m, w)
		} else {
			vec.MatMul(t, A, panel, n, m, w)
		}
		for i := 0; i < n; i++ {
			d, src := dst[i*k+c0:i*k+c0+w], t[i*w:(i+1)*w]
			for c, v := range src {
				d[c] = v
			}
		}
	}
}
