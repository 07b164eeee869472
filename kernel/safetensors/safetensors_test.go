package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"
)

func sameBits(a, b []float64) bool {
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

func TestRoundTrip(t *testing.T) {
	negZero := math.Copysign(0, -1)
	nanPayload := math.Float64frombits(0x7ff4_0000_dead_beef) // a signalling NaN with a payload
	in := []Tensor{
		{Name: "model.W", DType: "F64", Shape: []int{2, 3}, Data: []float64{1, negZero, nanPayload, math.Inf(-1), math.SmallestNonzeroFloat64, -math.MaxFloat64}},
		{Name: "model.A", DType: "F32", Shape: []int{3}, Data: []float64{0.5, negZero, float64(math.Float32frombits(1))}},
		{Name: "scalar", DType: "F64", Shape: []int{}, Data: []float64{7}},
		{Name: "empty", DType: "F32", Shape: []int{0, 4}, Data: []float64{}},
		{Name: "b<&>\"ü", DType: "F64", Shape: []int{1}, Data: []float64{-3}},
	}
	meta := map[string]string{"format": "rnnlab", "config": `{"model": {"dz": 3}, "lr": 1e-3}`}
	var buf bytes.Buffer
	if err := Encode(&buf, in, meta); err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(buf.Bytes()); n%8 != 0 {
		t.Errorf("header length %d not padded to a multiple of 8", n)
	}
	out, m, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["config"] != meta["config"] || m["format"] != "rnnlab" {
		t.Errorf("metadata %v", m)
	}
	if len(out) != len(in) {
		t.Fatalf("%d tensors, want %d", len(out), len(in))
	}
	for i := range in {
		o := out[i]
		if o.Name != in[i].Name || o.DType != in[i].DType || len(o.Shape) != len(in[i].Shape) || !sameBits(o.Data, in[i].Data) {
			t.Errorf("tensor %d: got %q %s %v %v, want %q %s %v %v", i, o.Name, o.DType, o.Shape, o.Data, in[i].Name, in[i].DType, in[i].Shape, in[i].Data)
		}
	}
	var again bytes.Buffer
	Encode(&again, out, m)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("Encode(Decode(f)) differs from f: encoding is not deterministic")
	}
}

// TestF32NaN: F32 NaNs survive decode and re-encode bit for bit (quiet and
// signalling, either sign), and float64 NaNs become F32 NaNs, never Inf.
func TestF32NaN(t *testing.T) {
	for _, u := range []uint32{0x7fc00000, 0xffc00001, 0x7f800001, 0x7fbfffff, 0x7f800000, 0xff800000, 0x00000001, 0x80000000} {
		if got := toF32(fromF32(u)); got != u {
			t.Errorf("F32 bits %#08x come back as %#08x", u, got)
		}
	}
	for _, b := range []uint64{0x7ff0_0000_0000_0001, 0xfff8_0000_0000_0000, 0x7ff0_0000_2000_0000} {
		got := toF32(math.Float64frombits(b))
		if got&0x7f800000 != 0x7f800000 || got&0x7fffff == 0 || got>>31 != uint32(b>>63) {
			t.Errorf("float64 NaN %#016x → F32 %#08x, not a NaN of the same sign", b, got)
		}
	}
	// Non-NaN values round to nearest even: 1 + 2⁻²⁴ is halfway between 1
	// and the next float32, so it rounds to 1.
	if got := toF32(1 + 0x1p-24); got != math.Float32bits(1) {
		t.Errorf("1+2⁻²⁴ → %#08x", got)
	}
}

// TestSpecFixture compares Encode's bytes with a file written by hand from
// the specification, and decodes it.
func TestSpecFixture(t *testing.T) {
	hdr := `{"__metadata__":{"a":"1","b":"x<y"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"s":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}`
	// 142 bytes of JSON, padded with 2 spaces to 144.
	var want bytes.Buffer
	binary.Write(&want, binary.LittleEndian, uint64(144))
	want.WriteString(hdr + "  ")
	binary.Write(&want, binary.LittleEndian, float32(1.5))
	binary.Write(&want, binary.LittleEndian, float32(-3))
	binary.Write(&want, binary.LittleEndian, 0.1)
	if len(hdr) != 142 {
		t.Fatalf("fixture header is %d bytes", len(hdr))
	}

	var got bytes.Buffer
	err := Encode(&got, []Tensor{
		{Name: "w", DType: "F32", Shape: []int{2}, Data: []float64{1.5, -3}},
		{Name: "s", DType: "F64", Shape: []int{}, Data: []float64{0.1}},
	}, map[string]string{"b": "x<y", "a": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("Encode\n got %q\nwant %q", got.Bytes(), want.Bytes())
	}

	ts, meta, err := Decode(want.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(meta) != 2 || meta["b"] != "x<y" || len(ts) != 2 || ts[0].Name != "w" || !sameBits(ts[0].Data, []float64{1.5, -3}) || ts[1].Name != "s" || ts[1].Data[0] != 0.1 || len(ts[1].Shape) != 0 {
		t.Fatalf("got %+v %v", ts, meta)
	}

	// Without metadata there is no "__metadata__" key.
	got.Reset()
	Encode(&got, []Tensor{{Name: "x", DType: "F64", Shape: []int{1}, Data: []float64{2}}}, nil)
	wantHdr := `{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}` // 54 bytes → 56
	if b := got.Bytes(); binary.LittleEndian.Uint64(b) != 56 || string(b[8:64]) != wantHdr+"  " {
		t.Errorf("padded header %q", b[:min(len(b), 64)])
	}
}

// TestDecodeOrder: tensors come back in data order, whatever the header
// order; zero-sized tensors may share an offset.
func TestDecodeOrder(t *testing.T) {
	hdr := `{"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"z":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`
	f := file(hdr, 16)
	binary.LittleEndian.PutUint64(f[len(f)-16:], math.Float64bits(1))
	binary.LittleEndian.PutUint64(f[len(f)-8:], math.Float64bits(2))
	ts, meta, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if meta != nil || len(ts) != 3 || ts[0].Name != "a" || ts[0].Data[0] != 1 || ts[1].Name != "z" || ts[2].Name != "b" || ts[2].Data[0] != 2 {
		t.Fatalf("got %+v", ts)
	}
}

func file(hdr string, data int) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	b = append(b, hdr...)
	return append(b, make([]byte, data)...)
}

func TestDecodeErrors(t *testing.T) {
	x8 := `{"dtype":"F64","shape":[1],"data_offsets":[0,8]}`
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"short", []byte{1, 2}, "too short for the 8-byte header length"},
		{"header past end", file("{}", 0)[:9], "header length 2 (bytes 0–7) exceeds the 1 bytes after it"},
		{"huge length", append(binary.LittleEndian.AppendUint64(nil, math.MaxUint64), '{', '}'), "exceeds the 2 bytes"},
		{"not object", file(`["x"]`, 0), "must start with '{'"},
		{"utf8", file("{\"\xff\":1}", 0), "not valid UTF-8"},
		{"syntax", file(`{"x":{"dtype":"F64",}}`, 0), "not valid JSON"},
		{"ends early", file(`{"x":`, 0), "ends early"},
		{"trailing", file(`{} {}`, 0), `unexpected "{}" after the header object`},
		{"twice", file(`{"x":`+x8+`,"x":`+x8+`}`, 8), `key "x" appears twice`},
		{"metadata", file(`{"__metadata__":{"a":1}}`, 0), "__metadata__ must map strings to strings"},
		{"unknown field", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"extra":1}}`, 8), `unknown field "extra"`},
		{"no dtype", file(`{"x":{"shape":[1],"data_offsets":[0,8]}}`, 8), `lacks "dtype"`},
		{"no shape", file(`{"x":{"dtype":"F64","data_offsets":[0,8]}}`, 8), `lacks "shape"`},
		{"no offsets", file(`{"x":{"dtype":"F64","shape":[1]}}`, 8), `lacks "data_offsets"`},
		{"three offsets", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8,8]}}`, 8), "must be [begin, end]"},
		{"unsupported dtype", file(`{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`, 2), `dtype "BF16" is valid safetensors but not supported`},
		{"unknown dtype", file(`{"x":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}`, 16), `unknown dtype "F128"`},
		{"beyond data", file(`{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}`, 8), "data_offsets [0, 16] outside the 8-byte data section"},
		{"reversed", file(`{"x":{"dtype":"F64","shape":[0],"data_offsets":[8,0]}}`, 8), "outside"},
		{"negative offset", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[-8,0]}}`, 8), "bad entry"},
		{"size", file(`{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, 8), "shape [2] of F64 needs 2 elements × 8 bytes, data_offsets [0, 8] give 8 bytes"},
		{"negative dim", file(`{"x":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}`, 8), "bad entry"},
		{"fractional dim", file(`{"x":{"dtype":"F64","shape":[1.5],"data_offsets":[0,8]}}`, 8), "bad entry"},
		// 2³² · 2³² wraps to 0 in 64 bits: the reference reports overflow.
		{"overflow", file(`{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, 0), "element count overflows"},
		// 2⁶² elements × 8 bytes wraps to 0: must not pass as 0 bytes.
		{"byte overflow", file(`{"x":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}}`, 0), "needs 4611686018427387904 elements"},
		{"gap", file(`{"x":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, 16), "gap in the data: bytes [0, 8)"},
		{"overlap", file(`{"x":`+x8+`,"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), `"y" data_offsets [4, 8] overlap`},
		{"uncovered tail", file(`{"x":`+x8+`}`, 12), "the tensors end at data byte 8, the data section has 12 bytes"},
	}
	for _, c := range cases {
		ts, _, err := Decode(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error containing %q", c.name, ts, err, c.want)
		}
		// Metadata validates the same file the same way.
		if _, merr := Metadata(c.b); merr == nil || err == nil || merr.Error() != err.Error() {
			t.Errorf("%s: Metadata error %v, Decode error %v; want the same", c.name, merr, err)
		}
	}
}

func TestMetadata(t *testing.T) {
	meta := map[string]string{"format": "rnnlab", "step": "12"}
	var buf bytes.Buffer
	if err := Encode(&buf, []Tensor{{Name: "w", DType: "F64", Shape: []int{2}, Data: []float64{1, 2}}}, meta); err != nil {
		t.Fatal(err)
	}
	got, err := Metadata(buf.Bytes())
	if err != nil || len(got) != 2 || got["format"] != "rnnlab" || got["step"] != "12" {
		t.Fatalf("Metadata = %v, %v; want %v", got, err, meta)
	}
	buf.Reset()
	if err := Encode(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := Metadata(buf.Bytes()); err != nil || got != nil {
		t.Errorf("Metadata of a file without metadata = %v, %v; want nil, nil", got, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		ts   []Tensor
		want string
	}{
		{[]Tensor{{Name: "a", DType: "F16", Shape: []int{1}, Data: []float64{1}}}, `unsupported dtype "F16"`},
		{[]Tensor{{Name: "", DType: "F64", Shape: []int{1}, Data: []float64{1}}}, "empty, reserved or repeated"},
		{[]Tensor{{Name: "__metadata__", DType: "F64", Shape: []int{1}, Data: []float64{1}}}, "empty, reserved or repeated"},
		{[]Tensor{{Name: "a", DType: "F64", Data: []float64{1}}, {Name: "a", DType: "F64", Data: []float64{1}}}, "empty, reserved or repeated"},
		{[]Tensor{{Name: "a", DType: "F64", Shape: []int{3}, Data: []float64{1}}}, "holds 3 values, the data has 1"},
		{[]Tensor{{Name: "a", DType: "F64", Shape: []int{-1, -1}, Data: []float64{1}}}, "negative dimension"},
	}
	for _, c := range cases {
		err := Encode(&bytes.Buffer{}, c.ts, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", c.ts, err, c.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	Encode(&buf, []Tensor{{Name: "a", DType: "F64", Shape: []int{2}, Data: []float64{1, 2}}, {Name: "b", DType: "F32", Shape: []int{1, 1}, Data: []float64{3}}}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add(file(`{"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"z":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, 16))
	f.Add(file(`{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, 0))
	f.Add([]byte("\x10\x00\x00\x00\x00\x00\x00\x00{}              "))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, meta, err := Decode(b)
		if err != nil {
			return
		}
		total := 0
		for _, x := range ts {
			n := 1
			for _, d := range x.Shape {
				n *= d
			}
			if n != len(x.Data) {
				t.Fatalf("tensor %q: shape %v with %d values", x.Name, x.Shape, len(x.Data))
			}
			total += n * dtypeSize(x.DType)
		}
		if total > len(b) {
			t.Fatalf("%d data bytes decoded from a %d-byte file", total, len(b))
		}
		// Whatever decodes re-encodes (names allowed by Encode) and decodes
		// to the same values.
		var buf bytes.Buffer
		if err := Encode(&buf, ts, meta); err != nil {
			return
		}
		back, _, err := Decode(buf.Bytes())
		if err != nil || len(back) != len(ts) {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		for i := range ts {
			if !sameBits(back[i].Data, ts[i].Data) {
				t.Fatalf("tensor %q changed in a round trip", ts[i].Name)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			var buf bytes.Buffer
			Encode(&buf, []Tensor{{Name: "W", DType: "F64", Shape: []int{n}, Data: make([]float64, n)}}, map[string]string{"config": "{}"})
			src := buf.Bytes()
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Decode(src); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "params/s")
		})
	}
}
