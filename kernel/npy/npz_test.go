package npy

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func TestNPZRoundTrip(t *testing.T) {
	arrays := map[string]*Array{
		"x": {Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}},
		"t": {Shape: []int{3}, Data: []float64{0.5, 1, 1.5}},
		"s": {Shape: []int{}, Data: []float64{-7}},
	}
	var given, sorted, again bytes.Buffer
	if err := WriteNPZ(&given, arrays, "x", "t", "s"); err != nil {
		t.Fatal(err)
	}
	WriteNPZ(&sorted, arrays)
	WriteNPZ(&again, arrays)
	if !bytes.Equal(sorted.Bytes(), again.Bytes()) {
		t.Error("WriteNPZ is not deterministic")
	}
	for buf, order := range map[*bytes.Buffer]string{&given: "x.npy t.npy s.npy", &sorted: "s.npy t.npy x.npy"} {
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			if f.Method != zip.Store {
				t.Errorf("%s: method %d, want stored as numpy.savez", f.Name, f.Method)
			}
		}
		if strings.Join(names, " ") != order {
			t.Errorf("members %v, want %s", names, order)
		}
		got, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("%d arrays", len(got))
		}
		for k, a := range arrays {
			if !equalShape(got[k].Shape, a.Shape) || !equalBits(got[k].Data, a.Data) {
				t.Errorf("%s: %v %v, want %v %v", k, got[k].Shape, got[k].Data, a.Shape, a.Data)
			}
		}
	}
}

// TestNPZDeflated reads an archive as numpy.savez_compressed writes it,
// with a non-.npy member that is skipped.
func TestNPZDeflated(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "traj.npy", Method: zip.Deflate})
	w.Write(v1("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 2), }", raw(be, float32(1), 3, 2, 4)))
	w, _ = zw.Create("README.txt")
	w.Write([]byte("not an array"))
	zw.Close()
	got, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	a := got["traj"]
	if len(got) != 1 || a == nil || !equalBits(a.Data, []float64{1, 2, 3, 4}) {
		t.Fatalf("got %v", got)
	}
}

func TestNPZErrors(t *testing.T) {
	member := func(name string, b []byte) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range strings.Split(name, ",") {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
			w.Write(b)
		}
		zw.Close()
		return buf.Bytes()
	}
	good := v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", raw(le, 1.0, 2))
	corrupt := member("a.npy", good)
	i := bytes.Index(corrupt, raw(le, 1.0))
	corrupt[i+7] ^= 0x40 // flip a bit of the data: the CRC-32 no longer matches
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"not zip", []byte("nope"), "not an .npz (zip) archive"},
		{"bad member", member("a.npy", good[:len(good)-1]), `member "a.npy": npy: truncated data`},
		{"twice", member("a.npy,a.npy", good), `"a.npy" occurs twice`},
		{"checksum", corrupt, "checksum"},
	}
	for _, c := range cases {
		_, err := ReadNPZ(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	arrays := map[string]*Array{"a": {Shape: []int{1}, Data: []float64{1}}}
	for _, names := range [][]string{{"b"}, {"a", "a"}, {""}} {
		if err := WriteNPZ(&bytes.Buffer{}, arrays, names...); err == nil {
			t.Errorf("WriteNPZ(%q) accepted", names)
		}
	}
	if err := WriteNPZ(&bytes.Buffer{}, map[string]*Array{"a": {Shape: []int{2}, Data: []float64{1}}}); err == nil || !strings.Contains(err.Error(), `member "a.npy"`) {
		t.Errorf("bad array in WriteNPZ: %v", err)
	}
}
