package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := []Tensor{
		{Name: "model.W", DType: "F64", Shape: []int{2, 2}, Data: []float64{1, math.Copysign(0, -1), math.NaN(), math.Inf(-1)}},
		{Name: "model.A", DType: "F32", Shape: []int{3}, Data: []float64{0.5, -1, 2}},
		{Name: "scalar", DType: "F64", Shape: []int{}, Data: []float64{7}},
	}
	meta := map[string]string{"format": "test", "config": `{"a": 1}`}
	var buf bytes.Buffer
	if err := Encode(&buf, in, meta); err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(buf.Bytes()); n%8 != 0 {
		t.Errorf("header length %d not padded to 8", n)
	}
	out, m, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m["config"] != `{"a": 1}` || m["format"] != "test" {
		t.Fatalf("metadata %v", m)
	}
	if len(out) != 3 {
		t.Fatalf("%d tensors", len(out))
	}
	for i := range in {
		if out[i].Name != in[i].Name || out[i].DType != in[i].DType {
			t.Fatalf("tensor %d: %s %s", i, out[i].Name, out[i].DType)
		}
		for k, v := range in[i].Data {
			if math.Float64bits(out[i].Data[k]) != math.Float64bits(v) {
				t.Fatalf("%s[%d] = %v, want %v (bit-exact)", in[i].Name, k, out[i].Data[k], v)
			}
		}
	}
	// Deterministic output.
	var again bytes.Buffer
	Encode(&again, in, meta)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("Encode is not deterministic")
	}
}

// TestSpecFixture decodes a file written by hand from the specification.
func TestSpecFixture(t *testing.T) {
	hdr := `{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	binary.Write(&b, binary.LittleEndian, float32(1.5))
	binary.Write(&b, binary.LittleEndian, float32(-3))
	ts, meta, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if meta != nil || len(ts) != 1 || ts[0].Data[0] != 1.5 || ts[0].Data[1] != -3 {
		t.Fatalf("got %v %v", ts, meta)
	}
}

func TestDecodeErrors(t *testing.T) {
	file := func(hdr string, data int) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
		b.WriteString(hdr)
		b.Write(make([]byte, data))
		return b.Bytes()
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"short", []byte{1, 2}, "too short"},
		{"header past end", file("{}", 0)[:9], "runs past the end"},
		{"not json", file("{nope", 0), "not a JSON object"},
		{"dtype", file(`{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`, 2), "unsupported dtype"},
		{"offsets", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,16]}}`, 8), "outside"},
		{"size", file(`{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, 8), "needs 16 bytes"},
		{"gap", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, 16), "gap or overlap"},
		{"overlap", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"y":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, 8), "gap or overlap"},
		{"trailing", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, 12), "trailing"},
		{"metadata", file(`{"__metadata__":{"a":1}}`, 0), "__metadata__"},
		{"shape", file(`{"x":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}`, 8), "impossible shape"},
	}
	for _, c := range cases {
		_, _, err := Decode(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	Encode(&buf, []Tensor{{Name: "a", DType: "F64", Shape: []int{2}, Data: []float64{1, 2}}}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add([]byte("\x10\x00\x00\x00\x00\x00\x00\x00{}              "))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, _, err := Decode(b)
		if err != nil {
			return
		}
		for _, x := range ts {
			n := 1
			for _, d := range x.Shape {
				n *= d
			}
			if n != len(x.Data) {
				t.Fatalf("tensor %s: shape %v with %d values", x.Name, x.Shape, len(x.Data))
			}
		}
	})
}
