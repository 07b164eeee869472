package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

// file builds a .npy file of the given version from a header dict and raw
// data, padding the header to 16 bytes as older writers do.
func file(major byte, dict string, data []byte) []byte {
	prefix := 10
	if major > 1 {
		prefix = 12
	}
	h := dict
	for (prefix+len(h)+1)%16 != 0 {
		h += " "
	}
	h += "\n"
	b := append([]byte{}, magic...)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(h)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(h)))
	}
	b = append(b, h...)
	return append(b, data...)
}

func v1(dict string, data []byte) []byte { return file(1, dict, data) }

// raw encodes values with the given byte order and Go type (float64,
// float32, int16, …), as NumPy lays them out.
func raw[T any](order binary.ByteOrder, v ...T) []byte {
	var b bytes.Buffer
	for _, x := range v {
		binary.Write(&b, order, x)
	}
	return b.Bytes()
}

func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var le, be = binary.LittleEndian, binary.BigEndian

// TestReadFixtures decodes hand-built files with known contents.
func TestReadFixtures(t *testing.T) {
	nan := math.Float64frombits(0x7ff8_0000_dead_beef) // NaN with a payload, kept by f8
	cases := []struct {
		name  string
		b     []byte
		shape []int
		want  []float64
	}{
		{"f8 le", v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", raw(le, 1.5, math.Copysign(0, -1), nan, math.Inf(-1))), []int{2, 2}, []float64{1.5, math.Copysign(0, -1), nan, math.Inf(-1)}},
		{"f8 be", v1("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", raw(be, 1.5, -2.0)), []int{2}, []float64{1.5, -2}},
		// 0.1 as float32 is 0.100000001490116119384765625.
		{"f4 le", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", raw(le, float32(0.1), float32(-3), float32(1e-40))), []int{3}, []float64{float64(float32(0.1)), -3, float64(float32(1e-40))}},
		{"f4 be", v1("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }", raw(be, float32(0.25), float32(7))), []int{1, 2}, []float64{0.25, 7}},
		// binary16: 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2⁻²⁴ (smallest subnormal), 0x7bff = 65504 (largest), 0xfc00 = -Inf.
		{"f2", v1("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", raw(le, uint16(0x3c00), uint16(0xc000), uint16(0x0001), uint16(0x7bff), uint16(0xfc00))), []int{5}, []float64{1, -2, 0x1p-24, 65504, math.Inf(-1)}},
		{"i2", v1(`{"descr":"<i2","fortran_order":False,"shape":(3,)}`, raw(le, int16(1), int16(-1), int16(256))), []int{3}, []float64{1, -1, 256}},
		{"i4 be", v1("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", raw(be, int32(-7), int32(1<<30))), []int{2}, []float64{-7, 1 << 30}},
		{"i8", v1("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", raw(le, int64(-1<<53), int64(42))), []int{2}, []float64{-(1 << 53), 42}},
		{"u1", v1("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }", []byte{7, 255}), []int{2, 1}, []float64{7, 255}},
		{"u2", v1("{'descr': '>u2', 'fortran_order': False, 'shape': (1,), }", []byte{0xff, 0xfe}), []int{1}, []float64{65534}},
		{"u4", v1("{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", raw(le, uint32(4000000000))), []int{1}, []float64{4e9}},
		{"u8", v1("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", raw(le, uint64(1<<63))), []int{1}, []float64{1 << 63}},
		{"i1", v1("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", []byte{0x80, 0x7f}), []int{2}, []float64{-128, 127}},
		{"b1", v1("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", []byte{0, 1}), []int{2}, []float64{0, 1}},
		{"0-d", v1("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", raw(le, 3.25)), []int{}, []float64{3.25}},
		{"empty rows", v1("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", nil), []int{0, 3}, []float64{}},
		{"empty cols fortran", v1("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 0), }", nil), []int{3, 0}, []float64{}},
		{"1-d fortran", v1("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", raw(le, 1.0, 2.0)), []int{2}, []float64{1, 2}},
		{"v2", file(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", raw(le, 42.0)), []int{1}, []float64{42}},
		{"v3", file(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", raw(le, 43.0)), []int{1}, []float64{43}},
		// Python allows any whitespace, either quote, reordered keys, no
		// trailing comma, and old NumPy wrote 2L for Python 2 longs.
		{"layout", v1("{\n  \"shape\" :(2L ,) ,\t'fortran_order':False,'descr' : \"<f8\"}", raw(le, 5.0, 6.0)), []int{2}, []float64{5, 6}},
	}
	for _, c := range cases {
		a, err := Read(bytes.NewReader(c.b))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !equalShape(a.Shape, c.shape) || !equalBits(a.Data, c.want) {
			t.Errorf("%s: got shape %v data %v, want %v %v", c.name, a.Shape, a.Data, c.shape, c.want)
		}
	}
}

// TestFortranOrder stores arrays column-major and checks that Read returns
// the C-order layout of the same arrays.
func TestFortranOrder(t *testing.T) {
	for _, shape := range [][]int{{2, 3}, {3, 4}, {1, 5}, {5, 1}, {2, 3, 4}, {3, 1, 2, 2}} {
		// Element at C index c holds c, so the expected Data is 0, 1, 2, …
		n := 1
		for _, d := range shape {
			n *= d
		}
		want := make([]float64, n)
		for c := range want {
			want[c] = float64(c)
		}
		// Fortran storage: the element with multi-index (i₀, …) sits at
		// Σ iⱼ·(d₀·…·d_{j−1}).
		fort := make([]float64, n)
		idx := make([]int, len(shape))
		for c := 0; c < n; c++ {
			rem := c
			for j := len(shape) - 1; j >= 0; j-- {
				idx[j] = rem % shape[j]
				rem /= shape[j]
			}
			f, s := 0, 1
			for j := range shape {
				f += idx[j] * s
				s *= shape[j]
			}
			fort[f] = float64(c)
		}
		b := v1("{'descr': '<f8', 'fortran_order': True, 'shape': "+shapeRepr(shape)+", }", raw(le, fort...))
		a, err := Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%v: %v", shape, err)
		}
		if !equalShape(a.Shape, shape) || !equalBits(a.Data, want) {
			t.Errorf("%v: got %v, want %v", shape, a.Data, want)
		}
	}
	// The 2×3 matrix [[1 2 3] [4 5 6]] is 1 4 2 5 3 6 in column-major
	// order, and its C-order transposition [[1 4] [2 5] [3 6]] has the same
	// bytes: reading the one as Fortran equals the transpose of the other.
	colMajor := raw(le, float32(1), float32(4), float32(2), float32(5), float32(3), float32(6))
	f, err := Read(bytes.NewReader(v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", colMajor)))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Read(bytes.NewReader(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", colMajor)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			if f.Data[i*3+j] != tr.Data[j*2+i] || f.Data[i*3+j] != float64(i*3+j+1) {
				t.Fatalf("Fortran %v is not the transpose of C-order %v", f.Data, tr.Data)
			}
		}
	}
}

// TestWriteBytes compares Write's output with the bytes numpy.save (NumPy
// ≥ 1.23) writes, derived from numpy/lib/format.py: the dict, 21 −
// len(repr(shape[0])) growth spaces, and padding to 64.
func TestWriteBytes(t *testing.T) {
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (100, 3), }" // 61 bytes
	// 10 + 61 + 18 growth + 1 '\n' = 90, padded to 128: HEADER_LEN 118 ('v').
	want := "\x93NUMPY\x01\x00v\x00" + dict + strings.Repeat(" ", 18+38) + "\n"
	var buf bytes.Buffer
	if err := Write(&buf, &Array{Shape: []int{100, 3}, Data: make([]float64, 300)}, "<f8"); err != nil {
		t.Fatal(err)
	}
	if got := buf.String()[:128]; got != want {
		t.Errorf("header\n got %q\nwant %q", got, want)
	}
	if buf.Len() != 128+300*8 {
		t.Errorf("file length %d, want %d", buf.Len(), 128+300*8)
	}

	cases := []struct {
		shape  []int
		dtype  string
		repr   string
		header int // bytes before the data
	}{
		{[]int{5}, "<f4", "(5,)", 128},            // 10 + 56 + 20 growth + 1 = 87 → 128
		{[]int{}, "<f8", "()", 128},               // 10 + 55 (no growth for 0-d) + 1 = 66 → 128
		{[]int{2, 3, 4}, "<f8", "(2, 3, 4)", 128}, // 10 + 62 + 20 + 1 = 93 → 128
		// The dict plus growth is 76 + Σ(2 + len(dᵢ)) over i ≥ 1 bytes;
		// with a sum of 41 the prefix, header and '\n' fill exactly 128,
		// and NumPy then pads with a full 64 spaces: the data start at 192.
		{[]int{0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10}, "<f8", "(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10)", 192},
	}
	for _, c := range cases {
		n := 1
		for _, d := range c.shape {
			n *= d
		}
		var buf bytes.Buffer
		if err := Write(&buf, &Array{Shape: c.shape, Data: make([]float64, n)}, c.dtype); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		size := 8
		if c.dtype == "<f4" {
			size = 4
		}
		dict := "{'descr': '" + c.dtype + "', 'fortran_order': False, 'shape': " + c.repr + ", }"
		want := "\x93NUMPY\x01\x00" + string(binary.LittleEndian.AppendUint16(nil, uint16(c.header-10))) +
			dict + strings.Repeat(" ", c.header-10-len(dict)-1) + "\n"
		if len(b) != c.header+n*size || string(b[:c.header]) != want {
			t.Errorf("shape %v: %d bytes, header\n got %q\nwant %q", c.shape, len(b), b[:min(len(b), c.header)], want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	vals := []float64{0, 1, -2, 3.5, math.Inf(1), math.Copysign(0, -1), 6, math.MaxFloat64, math.SmallestNonzeroFloat64, 9, 1e300, 1e-3}
	for _, shape := range [][]int{{12}, {4, 3}, {2, 3, 2}, {1, 1, 12}, {0}, {3, 0, 2}, {}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		for _, dtype := range []string{"<f8", "<f4"} {
			a := &Array{Shape: shape, Data: vals[:n]}
			var buf bytes.Buffer
			if err := Write(&buf, a, dtype); err != nil {
				t.Fatal(err)
			}
			if (10+int(binary.LittleEndian.Uint16(buf.Bytes()[8:])))%64 != 0 {
				t.Errorf("%v %s: data not aligned to 64", shape, dtype)
			}
			b, err := Read(&buf)
			if err != nil {
				t.Fatalf("%v %s: %v", shape, dtype, err)
			}
			want := append([]float64{}, a.Data...)
			if dtype == "<f4" {
				for i, v := range want {
					want[i] = float64(float32(v)) // 1e300 → +Inf, 5e-324 → 0
				}
			}
			if !equalShape(b.Shape, shape) || !equalBits(b.Data, want) || buf.Len() != 0 {
				t.Errorf("%v %s: got %v %v, want %v", shape, dtype, b.Shape, b.Data, want)
			}
		}
	}
	// NaN payloads survive <f8, and <f4 → float64 → <f4, on every target.
	for _, u := range []uint32{0x7fc00000, 0xffc00001, 0x7f800001, 0x7fbfffff} {
		a, err := Read(bytes.NewReader(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", raw(le, u))))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		Write(&buf, a, "<f4")
		if got := le.Uint32(buf.Bytes()[buf.Len()-4:]); got != u || !math.IsNaN(a.Data[0]) {
			t.Errorf("f4 NaN %#08x came back as %#08x", u, got)
		}
	}
	// A NaN payload survives <f8.
	nan := math.Float64frombits(0xfff0_0000_0000_0001)
	var buf bytes.Buffer
	Write(&buf, &Array{Shape: []int{1}, Data: []float64{nan}}, "<f8")
	if b, err := Read(&buf); err != nil || math.Float64bits(b.Data[0]) != 0xfff0_0000_0000_0001 {
		t.Errorf("NaN payload: %v %v", b, err)
	}
}

// TestVersion2 writes a header longer than 65535 bytes, which needs format
// 2.0, and reads it back.
func TestVersion2(t *testing.T) {
	shape := make([]int, 22000) // "1, " each: a 66 kB header
	for i := range shape {
		shape[i] = 1
	}
	shape[0] = 2
	var buf bytes.Buffer
	if err := Write(&buf, &Array{Shape: shape, Data: []float64{-1, 2}}, "<f8"); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	hl := int(binary.LittleEndian.Uint32(b[8:12]))
	if b[6] != 2 || (12+hl)%64 != 0 || hl <= 65535 || len(b) != 12+hl+16 {
		t.Fatalf("version %d, header length %d, file %d bytes", b[6], hl, len(b))
	}
	a, err := Read(bytes.NewReader(b))
	if err != nil || len(a.Shape) != 22000 || a.Data[0] != -1 || a.Data[1] != 2 {
		t.Fatalf("v2 round trip: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	cases := []struct {
		a     *Array
		dtype string
		want  string
	}{
		{&Array{Shape: []int{2}, Data: []float64{1, 2}}, ">f8", "unsupported dtype"},
		{&Array{Shape: []int{2}, Data: []float64{1, 2}}, "<i4", "unsupported dtype"},
		{&Array{Shape: []int{3}, Data: []float64{1, 2}}, "<f8", "holds 3 elements, the data has 2"},
		{&Array{Shape: []int{-1, -2}, Data: []float64{1, 2}}, "<f8", "negative dimension"},
	}
	for _, c := range cases {
		err := Write(&bytes.Buffer{}, c.a, c.dtype)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Write(%v, %q): %v, want an error containing %q", c.a.Shape, c.dtype, err, c.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	good := v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", raw(le, 1.0, 2, 3, 4))
	dataStart := len(good) - 32
	hdr := func(dict string) []byte { return v1(dict, nil) }
	cases := []struct {
		name string
		b    []byte
		want string
		off  int64 // -1: not checked
	}{
		{"empty", nil, "empty input", 0},
		{"short magic", []byte("\x93NUM"), "truncated file: 4 bytes", 4},
		{"zip", []byte("PK\x03\x04 this is a zip"), "bad magic", 0},
		{"version 4", append(append([]byte{}, magic...), 4, 0, 0, 0), "unsupported .npy format version 4.0", 6},
		{"version 1.1", append(append([]byte{}, magic...), 1, 1, 0, 0), "version 1.1", 6},
		{"short length", append(append([]byte{}, magic...), 2, 0, 1), "truncated header length: version 2.0 needs 4 bytes, got 1", 9},
		{"short header", good[:30], "truncated header: HEADER_LEN is 70 bytes, got 20", 30},
		{"truncated data", good[:len(good)-5], "truncated data: shape (2, 2) of \"<f8\" needs 32 bytes, got 27", int64(len(good) - 5)},
		{"no data", good[:dataStart], "needs 32 bytes, got 0", int64(dataStart)},
		{"object", hdr("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), "unsupported dtype \"|O\": object arrays need pickle", 20},
		{"complex", hdr("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }"), "unsupported dtype \"<c16\": complex", 20},
		{"string", hdr("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }"), "strings are not supported", 20},
		{"structured", hdr("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}"), "structured arrays", 20},
		{"no shape", hdr("{'descr': '<f8', 'fortran_order': False}"), `the key "shape" is missing`, 10},
		{"extra key", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}"), `unexpected key "x"`, 66},
		{"twice", hdr("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}"), `key "descr" appears twice`, 27},
		{"not a dict", hdr("['descr', '<f8']"), "the header must be a dict literal", 10},
		{"after dict", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x"), "unexpected 'x' after the header dict", 66},
		{"order int", hdr("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}"), "'fortran_order' is a int, want True or False", 44},
		{"shape int", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (3)}"), "'shape' is a int, want a tuple", 61},
		{"shape str", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 'x')}"), "shape entry 1 is a str", 64},
		{"shape float", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}"), "only integer numbers", 62},
		{"negative", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}"), "negative dimension -1", 61},
		{"entry overflow", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}"), "overflows a 64-bit int", 61},
		{"product overflow", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"), "product of the dimensions overflows", 60},
		{"code", hdr("{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (1,)}"), `name "__import__" is not a literal`, 20},
		{"unterminated", hdr("{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}"), "expected ',' or '}', found 'f'", 27},
		{"escape", hdr(`{'descr': '<f8\x', 'fortran_order': False, 'shape': (1,)}`), `unsupported escape \x`, 24},
		{"missing comma", hdr("{'descr': '<f8' 'fortran_order': False}"), "expected ',' or '}', found '\\''", 26},
		{"deep", hdr("{'descr': " + strings.Repeat("(", 100) + "}"), "nested deeper than 32", 52},
	}
	for _, c := range cases {
		a, err := Read(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error containing %q", c.name, a, err, c.want)
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %T is not a *FormatError", c.name, err)
		} else if c.off >= 0 && fe.Offset != c.off {
			t.Errorf("%s: offset %d, want %d (%v)", c.name, fe.Offset, c.off, err)
		}
	}
}

// errReader fails after its data.
type errReader struct{ b []byte }

var errBroken = errors.New("broken pipe")

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, errBroken
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func TestReadIOError(t *testing.T) {
	good := v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", raw(le, 1.0, 2, 3, 4))
	for _, n := range []int{3, 9, 20, len(good) - 1} {
		_, err := Read(&errReader{good[:n]})
		if !errors.Is(err, errBroken) {
			t.Errorf("cut at %d: %v, want the reader's error", n, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(v1("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", raw(le, 1.0, 2, 3, 4)))
	f.Add(v1("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", []byte{1, 2, 3, 4}))
	f.Add(v1("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 1, 2), }", raw(le, int16(1), 2, 3, 4)))
	f.Add(v1("{'descr': '<f2', 'fortran_order': False, 'shape': (), }", []byte{0, 0x3c}))
	f.Add(file(2, "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 2), }", nil))
	f.Add(file(3, "{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(1L,)}", raw(le, 1.0)))
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'shape': ()}   \n"))
	var buf bytes.Buffer
	Write(&buf, &Array{Shape: []int{3, 2}, Data: []float64{1, 2, 3, 4, 5, 6}}, "<f4")
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			return
		}
		if a.Size() != len(a.Data) {
			t.Fatalf("shape %v but %d elements", a.Shape, len(a.Data))
		}
	})
}

func BenchmarkRead(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		for _, dtype := range []string{"<f8", "<f4"} {
			b.Run(dtype+"/"+shapeRepr([]int{n, 3}), func(b *testing.B) {
				var buf bytes.Buffer
				Write(&buf, &Array{Shape: []int{n, 3}, Data: make([]float64, 3*n)}, dtype)
				src := buf.Bytes()
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Read(bytes.NewReader(src)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(3*n)*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
			})
		}
	}
}
