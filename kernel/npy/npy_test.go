package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"
)

// npyBytes builds a version-1.0 file from a header dict and raw data.
func npyBytes(dict string, data []byte) []byte {
	h := dict
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	var b bytes.Buffer
	b.Write(magic)
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func f64s(order binary.ByteOrder, v ...float64) []byte {
	var b bytes.Buffer
	for _, x := range v {
		binary.Write(&b, order, x)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, descr := range []string{"<f8", "<f4"} {
		a := &Array{Shape: []int{4, 3}, Data: []float64{0, 1, -2, 3.5, math.Inf(1), -0.25, 6, 7, 8, 9, 10, 1e-3}}
		var buf bytes.Buffer
		if err := Write(&buf, a, descr); err != nil {
			t.Fatal(err)
		}
		// NumPy pads the header so the data starts at a multiple of 64.
		if hl := int(binary.LittleEndian.Uint16(buf.Bytes()[8:10])); (10+hl)%64 != 0 {
			t.Errorf("%s: data starts at %d, not a multiple of 64", descr, 10+hl)
		}
		if !strings.Contains(buf.String(), "{'descr': '"+descr+"', 'fortran_order': False, 'shape': (4, 3), }") {
			t.Errorf("%s: header not as numpy writes it: %q", descr, buf.String()[10:80])
		}
		b, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range a.Data {
			want := v
			if descr == "<f4" {
				want = float64(float32(v))
			}
			if b.Data[i] != want {
				t.Fatalf("%s: element %d = %v, want %v", descr, i, b.Data[i], want)
			}
		}
	}
	// 1-d shapes are written as (n,).
	var buf bytes.Buffer
	Write(&buf, &Array{Shape: []int{2}, Data: []float64{1, 2}}, "<f8")
	if !strings.Contains(buf.String(), "'shape': (2,)") {
		t.Errorf("1-d shape written as %q", buf.String()[10:70])
	}
}

// TestFortranOrder: the 2×3 array [[1,2,3],[4,5,6]] stored column-major is
// 1,4,2,5,3,6 on disk and must come back in row-major order.
func TestFortranOrder(t *testing.T) {
	raw := f64s(binary.LittleEndian, 1, 4, 2, 5, 3, 6)
	a, err := Read(bytes.NewReader(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", raw)))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{1, 2, 3, 4, 5, 6} {
		if a.Data[i] != want {
			t.Fatalf("Fortran-order data = %v", a.Data)
		}
	}
	// 3-d: shape (2,2,2); element (i,j,k) has value 100i+10j+k, stored
	// with i varying fastest.
	var vals []float64
	for k := 0; k < 2; k++ {
		for j := 0; j < 2; j++ {
			for i := 0; i < 2; i++ {
				vals = append(vals, float64(100*i+10*j+k))
			}
		}
	}
	a, err = Read(bytes.NewReader(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 2)}", f64s(binary.LittleEndian, vals...))))
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range []float64{0, 1, 10, 11, 100, 101, 110, 111} {
		if a.Data[c] != want {
			t.Fatalf("3-d Fortran data = %v", a.Data)
		}
	}
}

func TestDtypesAndHeaders(t *testing.T) {
	cases := []struct {
		dict string
		data []byte
		want []float64
	}{
		{"{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", f64s(binary.BigEndian, 1.5, -2), []float64{1.5, -2}},
		{`{"descr":"<i2","fortran_order":False,"shape":(3,)}`, []byte{1, 0, 0xff, 0xff, 0, 1}, []float64{1, -1, 256}},
		{"{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }", []byte{7, 255}, []float64{7, 255}},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64s(binary.LittleEndian, 3.25), []float64{3.25}},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", nil, []float64{}},
	}
	for _, c := range cases {
		a, err := Read(bytes.NewReader(npyBytes(c.dict, c.data)))
		if err != nil {
			t.Fatalf("%s: %v", c.dict, err)
		}
		if len(a.Data) != len(c.want) {
			t.Fatalf("%s: %v", c.dict, a.Data)
		}
		for i := range c.want {
			if a.Data[i] != c.want[i] {
				t.Fatalf("%s: %v, want %v", c.dict, a.Data, c.want)
			}
		}
	}
	// Version 2.0 header (4-byte length).
	var b bytes.Buffer
	b.Write(magic)
	b.Write([]byte{2, 0})
	h := "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n"
	binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	b.WriteString(h)
	b.Write(f64s(binary.LittleEndian, 42))
	if a, err := Read(&b); err != nil || a.Data[0] != 42 {
		t.Fatalf("v2 header: %v %v", a, err)
	}
}

func TestErrors(t *testing.T) {
	good := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f64s(binary.LittleEndian, 1, 2, 3, 4))
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"magic", []byte("PK\x03\x04 this is a zip"), "bad magic"},
		{"version", append(append([]byte{}, magic...), 9, 0, 0, 0), "version 9.0"},
		{"truncated data", good[:len(good)-5], "needs 32 bytes, the file has 27"},
		{"object", npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", nil), "pickle"},
		{"complex", npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", nil), "unsupported dtype"},
		{"no shape", npyBytes("{'descr': '<f8', 'fortran_order': False}", nil), `lacks the key "shape"`},
		{"bad shape", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x)}", nil), "non-negative integers"},
		{"huge", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999, 99999999)}", nil), "too many elements"},
		{"structured", npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", nil), "structured"},
	}
	for _, c := range cases {
		_, err := Read(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	var fe *FormatError
	_, err := Read(bytes.NewReader(good[:len(good)-5]))
	if e, ok := err.(*FormatError); !ok || e.Offset != int64(len(good)-5) {
		t.Errorf("truncation error %v (%T), want a FormatError at byte %d (the end of the file)", err, fe, len(good)-5)
	}
}

func TestNPZ(t *testing.T) {
	arrays := map[string]*Array{"x": {Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}}, "t": {Shape: []int{3}, Data: []float64{0.5, 1, 1.5}}}
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, []string{"x", "t"}, arrays); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["x"].Data[3] != 4 || got["t"].Shape[0] != 3 {
		t.Fatalf("npz round trip: %v", got)
	}
	if _, err := ReadNPZ(bytes.NewReader([]byte("nope")), 4); err == nil {
		t.Fatal("garbage accepted as npz")
	}
}

// TestSharedData reads the real benchmark sets when ../shared is present.
func TestSharedData(t *testing.T) {
	for _, c := range []struct {
		file  string
		shape [2]int
	}{{"lorenz63_on0.05_train.npy", [2]int{100000, 3}}, {"ecg_pecuzal_5d_train.npy", [2]int{100000, 5}}, {"ecg_5d_small.npy", [2]int{10000, 5}}} {
		b, err := os.ReadFile("../../../shared/data/dsr/" + c.file)
		if err != nil {
			t.Skipf("shared data not available: %v", err)
		}
		a, err := Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if len(a.Shape) != 2 || a.Shape[0] != c.shape[0] || a.Shape[1] != c.shape[1] {
			t.Fatalf("%s: shape %v, want %v", c.file, a.Shape, c.shape)
		}
		if c.file[0] == 'l' {
			// The Lorenz set is z-scored (before 5% noise): columns have mean ≈ 0, sd ≈ 1.
			n := a.Shape[1]
			for j := 0; j < n; j++ {
				var s, s2 float64
				for i := j; i < len(a.Data); i += n {
					s += a.Data[i]
					s2 += a.Data[i] * a.Data[i]
				}
				m := s / float64(a.Shape[0])
				sd := math.Sqrt(s2/float64(a.Shape[0]) - m*m)
				if math.Abs(m) > 0.05 || math.Abs(sd-1) > 0.05 {
					t.Errorf("%s column %d: mean %.3f sd %.3f", c.file, j, m, sd)
				}
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", f64s(binary.LittleEndian, 1, 2, 3, 4)))
	f.Add(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", []byte{1, 2, 3, 4}))
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'shape': ()}   \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b))
		if err == nil && a.Size() != len(a.Data) {
			t.Fatalf("shape %v but %d elements", a.Shape, len(a.Data))
		}
	})
}
