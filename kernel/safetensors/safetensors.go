package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Tensor is a named array with its data in C (row-major) order: element
// (i₀, …, i_{k−1}) is Data[((i₀·d₁ + i₁)·d₂ + …)·d_{k−1} + i_{k−1}].
type Tensor struct {
	Name  string
	DType string // "F64" or "F32": how the data are stored in the file
	Shape []int
	Data  []float64
}

// metadataKey is the reserved header key of the string → string metadata.
const metadataKey = "__metadata__"

// maxHeader is the reference implementation's MAX_HEADER_SIZE.
const maxHeader = 100_000_000

// dtypeSize returns the bytes per element of a supported dtype, or 0.
func dtypeSize(d string) int {
	switch d {
	case "F64":
		return 8
	case "F32":
		return 4
	}
	return 0
}

// knownDTypes are the other dtypes of the specification, recognised so that
// the error can say they are valid but unsupported here.
var knownDTypes = map[string]bool{
	"BOOL": true, "U8": true, "I8": true, "F8_E5M2": true, "F8_E4M3": true, "I16": true, "U16": true,
	"F16": true, "BF16": true, "I32": true, "U32": true, "I64": true, "U64": true,
}

// Encode writes tensors and metadata as one safetensors file: the
// metadata (if any; keys sorted) first in the header, then the tensors in
// the given order, whose data follow in the same order. The header is
// padded with spaces to a multiple of 8 bytes, as the reference writer
// does. Equal arguments give equal bytes. Encode returns an error for an
// empty, repeated or reserved ("__metadata__") name, a dtype other than
// "F64" or "F32", a negative dimension, or a shape that does not match
// len(Data).
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	var hdr bytes.Buffer
	enc := json.NewEncoder(&hdr)
	enc.SetEscapeHTML(false) // like serde_json: '<', '>', '&' stay as they are
	str := func(s string) {
		enc.Encode(s) // a string always encodes
		hdr.Truncate(hdr.Len() - 1)
	}
	hdr.WriteByte('{')
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		str(metadataKey)
		hdr.WriteString(":{")
		for i, k := range keys {
			if i > 0 {
				hdr.WriteByte(',')
			}
			str(k)
			hdr.WriteByte(':')
			str(metadata[k])
		}
		hdr.WriteByte('}')
	}
	seen := make(map[string]bool, len(tensors))
	var off uint64
	for i, t := range tensors {
		size := dtypeSize(t.DType)
		if size == 0 {
			return fmt.Errorf("safetensors: Encode: tensor %q: unsupported dtype %q (supported: F64, F32)", t.Name, t.DType)
		}
		if t.Name == "" || t.Name == metadataKey || seen[t.Name] {
			return fmt.Errorf("safetensors: Encode: tensor %d: empty, reserved or repeated name %q", i, t.Name)
		}
		seen[t.Name] = true
		n := 1
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("safetensors: Encode: tensor %q: negative dimension in shape %v", t.Name, t.Shape)
			}
			if d != 0 && n > math.MaxInt/8/d {
				return fmt.Errorf("safetensors: Encode: tensor %q: shape %v overflows", t.Name, t.Shape)
			}
			n *= d
		}
		if n != len(t.Data) {
			return fmt.Errorf("safetensors: Encode: tensor %q: shape %v holds %d values, the data has %d", t.Name, t.Shape, n, len(t.Data))
		}
		if hdr.Len() > 1 {
			hdr.WriteByte(',')
		}
		str(t.Name)
		hdr.WriteString(`:{"dtype":"` + t.DType + `","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				hdr.WriteByte(',')
			}
			hdr.WriteString(strconv.Itoa(d))
		}
		end := off + uint64(n*size)
		fmt.Fprintf(&hdr, `],"data_offsets":[%d,%d]}`, off, end)
		off = end
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	var pre [8]byte
	binary.LittleEndian.PutUint64(pre[:], uint64(hdr.Len()))
	if _, err := w.Write(pre[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	const chunk = 1 << 16
	buf := make([]byte, 0, chunk)
	for _, t := range tensors {
		for _, v := range t.Data {
			if t.DType == "F64" {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			} else {
				buf = binary.LittleEndian.AppendUint32(buf, toF32(v))
			}
			if len(buf) > chunk-8 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		_, err := w.Write(buf)
		return err
	}
	return nil
}

// toF32 rounds v to binary32 bits, to nearest even, handling NaNs on the
// bits so that every target gives the same result: the sign and the top 22
// payload bits are kept, and a NaN never becomes an infinity.
func toF32(v float64) uint32 {
	if v == v {
		return math.Float32bits(float32(v))
	}
	b := math.Float64bits(v)
	frac := uint32(b>>29) & 0x7fffff
	if frac == 0 {
		frac = 0x400000 // payload only in the low bits: make it a quiet NaN
	}
	return uint32(b>>63)<<31 | 0x7f800000 | frac
}

// fromF32 converts binary32 bits to the float64 of equal value, shifting a
// NaN's payload into the top fraction bits (the inverse of toF32).
func fromF32(u uint32) float64 {
	if u&0x7f800000 == 0x7f800000 && u&0x7fffff != 0 {
		return math.Float64frombits(uint64(u>>31)<<63 | 0x7ff<<52 | uint64(u&0x7fffff)<<29)
	}
	return float64(math.Float32frombits(u))
}

// entry is one tensor's header entry; nil fields were missing.
type entry struct {
	DType       *string  `json:"dtype"`
	Shape       []uint64 `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// Decode parses and validates a complete safetensors file. Tensors come
// back in the order of their data, which for files written by Encode is
// the header's order; the metadata map is nil when the file has none.
func Decode(b []byte) ([]Tensor, map[string]string, error) {
	h, err := parseHeader(b)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Tensor, len(h.tensors))
	for i, s := range h.spans {
		t := h.tensors[s.index]
		chunk := h.data[s.begin:s.end]
		// Allocated only now: the tiling bounds the total by len(b).
		t.Data = make([]float64, len(chunk)/dtypeSize(t.DType))
		if t.DType == "F64" {
			for k := range t.Data {
				t.Data[k] = math.Float64frombits(binary.LittleEndian.Uint64(chunk[8*k:]))
			}
		} else {
			for k := range t.Data {
				t.Data[k] = fromF32(binary.LittleEndian.Uint32(chunk[4*k:]))
			}
		}
		out[i] = t
	}
	return out, h.meta, nil
}

// Metadata validates a complete safetensors file as Decode does (header,
// entries, the tiling of the data section) and returns its metadata map
// without converting any tensor data: what a reader that needs only the
// file's description (a checkpoint's kind, its step) should call.
func Metadata(b []byte) (map[string]string, error) {
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	return h.meta, nil
}

// span is one tensor's byte range in the data section and its index in
// the header's order.
type span struct {
	begin, end uint64
	index      int
}

// header is a validated file: its metadata, its tensors without data, their
// spans sorted by offset, and the data section.
type header struct {
	meta    map[string]string
	tensors []Tensor
	spans   []span
	data    []byte
}

// parseHeader validates everything of a file but the tensor values.
func parseHeader(b []byte) (*header, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("safetensors: file of %d bytes is too short for the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("safetensors: header length %d (bytes 0–7) exceeds the %d bytes after it", n, len(b)-8)
	}
	if n > maxHeader {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the limit of %d bytes", n, maxHeader)
	}
	hdr, data := b[8:8+n], b[8+n:]
	if !utf8.Valid(hdr) {
		return nil, fmt.Errorf("safetensors: header (bytes 8–%d) is not valid UTF-8", 8+n)
	}
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, fmt.Errorf("safetensors: header must start with '{' (at byte 8)")
	}
	var (
		meta  map[string]string
		ts    []Tensor
		spans []span
		seen  = map[string]bool{}
	)
	dec := json.NewDecoder(bytes.NewReader(hdr))
	syntax := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("safetensors: header is not valid JSON: %v (at byte %d)", err, 8+se.Offset)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("safetensors: header JSON ends early (at byte %d)", 8+n)
		}
		return fmt.Errorf("safetensors: header is not valid JSON: %v (near byte %d)", err, 8+dec.InputOffset())
	}
	if _, err := dec.Token(); err != nil { // the '{' checked above
		return nil, syntax(err)
	}
	for dec.More() {
		at := 8 + dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("safetensors: header key %v is not a string (at byte %d)", tok, at)
		}
		if seen[name] {
			return nil, fmt.Errorf("safetensors: header key %q appears twice (at byte %d)", name, at)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntax(err)
		}
		if name == metadataKey {
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %v (at byte %d)", err, at)
			}
			continue
		}
		t, begin, end, err := parseEntry(name, raw, uint64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q (header byte %d): %v", name, at, err)
		}
		spans = append(spans, span{begin, end, len(ts)})
		ts = append(ts, t)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, syntax(err)
	}
	if rest := bytes.Trim(hdr[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("safetensors: unexpected %q after the header object (at byte %d)", rest[:min(len(rest), 16)], 8+dec.InputOffset())
	}

	// The tensors must tile the data section: sorted by offset, each
	// begins where the previous ends, the first at 0, the last at its end.
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].end < spans[j].end
	})
	var pos uint64
	for _, s := range spans {
		name := ts[s.index].Name
		switch {
		case s.begin > pos:
			return nil, fmt.Errorf("safetensors: gap in the data: bytes [%d, %d) belong to no tensor (tensor %q starts at %d)", pos, s.begin, name, s.begin)
		case s.begin < pos:
			return nil, fmt.Errorf("safetensors: tensor %q data_offsets [%d, %d] overlap the previous tensor, which ends at %d", name, s.begin, s.end, pos)
		}
		pos = s.end
	}
	if pos != uint64(len(data)) {
		return nil, fmt.Errorf("safetensors: the tensors end at data byte %d, the data section has %d bytes (at byte %d)", pos, len(data), 8+n+pos)
	}
	return &header{meta: meta, tensors: ts, spans: spans, data: data}, nil
}

// parseEntry validates one tensor's header entry against a data section of
// dataLen bytes and returns the tensor without its Data.
func parseEntry(name string, raw json.RawMessage, dataLen uint64) (Tensor, uint64, uint64, error) {
	var e entry
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		return Tensor{}, 0, 0, fmt.Errorf("bad entry: %v", err)
	}
	switch {
	case e.DType == nil:
		return Tensor{}, 0, 0, errors.New(`the entry lacks "dtype"`)
	case e.Shape == nil:
		return Tensor{}, 0, 0, errors.New(`the entry lacks "shape"`)
	case e.DataOffsets == nil:
		return Tensor{}, 0, 0, errors.New(`the entry lacks "data_offsets"`)
	case len(e.DataOffsets) != 2:
		return Tensor{}, 0, 0, fmt.Errorf("data_offsets %v must be [begin, end]", e.DataOffsets)
	}
	size := uint64(dtypeSize(*e.DType))
	if size == 0 {
		if knownDTypes[*e.DType] {
			return Tensor{}, 0, 0, fmt.Errorf("dtype %q is valid safetensors but not supported here (supported: F64, F32)", *e.DType)
		}
		return Tensor{}, 0, 0, fmt.Errorf("unknown dtype %q", *e.DType)
	}
	begin, end := e.DataOffsets[0], e.DataOffsets[1]
	if begin > end || end > dataLen {
		return Tensor{}, 0, 0, fmt.Errorf("data_offsets [%d, %d] outside the %d-byte data section", begin, end, dataLen)
	}
	// The element count, checked for overflow as the reference does.
	count := uint64(1)
	shape := make([]int, len(e.Shape))
	for i, s := range e.Shape {
		hi, lo := bits.Mul64(count, s)
		if hi != 0 || s > math.MaxInt {
			return Tensor{}, 0, 0, fmt.Errorf("shape %v: the element count overflows", e.Shape)
		}
		count, shape[i] = lo, int(s)
	}
	if count > dataLen/size || count*size != end-begin {
		return Tensor{}, 0, 0, fmt.Errorf("shape %v of %s needs %d elements × %d bytes, data_offsets [%d, %d] give %d bytes", e.Shape, *e.DType, count, size, begin, end, end-begin)
	}
	return Tensor{Name: name, DType: *e.DType, Shape: shape}, begin, end, nil
}
