package metric

import (
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// lorenz returns T×3 samples, every `every` RK4 steps of size h, of the
// Lorenz-63 system (σ = 10, ρ = 28, β = 8/3; Lorenz 1963) started at
// (1, 1, 1) after `burn` discarded samples.
func lorenz(T, burn, every int, h float64) []float64 {
	f := func(d, x []float64) {
		d[0] = 10 * (x[1] - x[0])
		d[1] = float64(x[0]*(28-x[2])) - x[1]
		d[2] = float64(x[0]*x[1]) - float64(8.0/3.0*x[2])
	}
	x := []float64{1, 1, 1}
	k1, k2, k3, k4, tmp := make([]float64, 3), make([]float64, 3), make([]float64, 3), make([]float64, 3), make([]float64, 3)
	out := make([]float64, 0, 3*T)
	for s := 0; s < (T+burn)*every; s++ {
		f(k1, x)
		for i := range x {
			tmp[i] = x[i] + float64(h/2*k1[i])
		}
		f(k2, tmp)
		for i := range x {
			tmp[i] = x[i] + float64(h/2*k2[i])
		}
		f(k3, tmp)
		for i := range x {
			tmp[i] = x[i] + float64(h*k3[i])
		}
		f(k4, tmp)
		for i := range x {
			x[i] += float64(h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i]))
		}
		if s%every == every-1 && s/every >= burn {
			out = append(out, x...)
		}
	}
	return out
}

// embed5 extends a T×3 series to T×5 with the delayed coordinates x_{t−5}
// and z_{t−5} (the first 5 rows are dropped).
func embed5(x []float64) []float64 {
	T := len(x) / 3
	out := make([]float64, 0, 5*(T-5))
	for t := 5; t < T; t++ {
		out = append(out, x[3*t], x[3*t+1], x[3*t+2], x[3*(t-5)], x[3*(t-5)+2])
	}
	return out
}

// readNPYFloat32 reads a C-ordered little-endian float32 .npy file of two
// dimensions (format version 1 or 2) into float64, or skips the test.
func readNPYFloat32(t testing.TB, path string) (x []float64, cols int) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no data: %v", err)
	}
	if len(b) < 12 || string(b[1:6]) != "NUMPY" {
		t.Skip("not an npy file")
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	default:
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	}
	header := string(b[off : off+hlen])
	fortran := contains(header, "'fortran_order': True")
	if !contains(header, "'<f4'") {
		t.Skipf("unsupported npy header %q", header)
	}
	// shape: (rows, cols)
	i := index(header, "'shape': (")
	if i < 0 {
		t.Skip("no shape")
	}
	var rowsN, colsN int
	p := i + len("'shape': (")
	for ; header[p] >= '0' && header[p] <= '9'; p++ {
		rowsN = 10*rowsN + int(header[p]-'0')
	}
	for ; header[p] < '0' || header[p] > '9'; p++ {
	}
	for ; header[p] >= '0' && header[p] <= '9'; p++ {
		colsN = 10*colsN + int(header[p]-'0')
	}
	data := b[off+hlen:]
	if len(data) < 4*rowsN*colsN {
		t.Skip("truncated npy")
	}
	x = make([]float64, rowsN*colsN)
	for k := range x {
		v := float64(math.Float32frombits(binary.LittleEndian.Uint32(data[4*k:])))
		if fortran { // column-major: k = c·rows + r
			x[(k%rowsN)*colsN+k/rowsN] = v
		} else {
			x[k] = v
		}
	}
	return x, colsN
}

func contains(s, sub string) bool { return index(s, sub) >= 0 }

func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// linearMap is the scalar-per-coordinate map x_{t+1} = a·x_t, a models.Map.
type linearMap struct {
	a float64
	m int
}

func (l linearMap) Dim() int      { return l.m }
func (l linearMap) InputDim() int { return 0 }
func (l linearMap) Step(dst, x, u []float64) {
	for i, v := range x {
		dst[i] = l.a * v
	}
}
