// Package safetensors encodes and decodes the safetensors tensor format
// (Hugging Face, https://github.com/huggingface/safetensors, "Format"):
//
//	8 bytes   N, little-endian unsigned header length
//	N bytes   UTF-8 JSON object: for each tensor name
//	          {"dtype": "F64", "shape": [..], "data_offsets": [begin, end]},
//	          and optionally "__metadata__": {string: string}
//	rest      the tensors' little-endian bytes; offsets are relative to the
//	          start of this section, contiguous and non-overlapping
//
// The format holds plain numbers only: decoding never executes anything,
// which is why rnnlab stores checkpoints in it. This package handles the
// dtypes F64 and F32 (decoded to float64); Decode validates the header fully
// and reports the first problem with its byte offset.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

// Tensor is a named array in C (row-major) order.
type Tensor struct {
	Name  string
	DType string // "F64" or "F32"
	Shape []int
	Data  []float64
}

func dtypeSize(d string) int {
	switch d {
	case "F64":
		return 8
	case "F32":
		return 4
	}
	return 0
}

type entry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Encode writes the tensors, in the given order, and the metadata. The
// output is deterministic: header keys are sorted (encoding/json sorts map
// keys) and the header is padded with spaces to a multiple of 8 bytes.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	hdr := map[string]any{}
	if len(metadata) > 0 {
		hdr["__metadata__"] = metadata
	}
	var off int64
	seen := map[string]bool{}
	for _, t := range tensors {
		size := dtypeSize(t.DType)
		if size == 0 {
			return fmt.Errorf("safetensors: tensor %q: unsupported dtype %q", t.Name, t.DType)
		}
		if t.Name == "__metadata__" || t.Name == "" || seen[t.Name] {
			return fmt.Errorf("safetensors: invalid or duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		if n != len(t.Data) {
			return fmt.Errorf("safetensors: tensor %q: shape %v holds %d values, the data %d", t.Name, t.Shape, n, len(t.Data))
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		end := off + int64(n*size)
		hdr[t.Name] = entry{DType: t.DType, Shape: shape, DataOffsets: [2]int64{off, end}}
		off = end
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return err
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	var pre [8]byte
	binary.LittleEndian.PutUint64(pre[:], uint64(len(js)))
	buf := bytes.NewBuffer(make([]byte, 0, 8+len(js)+int(off)))
	buf.Write(pre[:])
	buf.Write(js)
	for _, t := range tensors {
		for _, v := range t.Data {
			if t.DType == "F64" {
				binary.Write(buf, binary.LittleEndian, math.Float64bits(v))
			} else {
				binary.Write(buf, binary.LittleEndian, math.Float32bits(float32(v)))
			}
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Decode parses a complete safetensors file. Tensors come back in the order
// of their data offsets.
func Decode(b []byte) ([]Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("safetensors: file of %d bytes is too short for the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("safetensors: header length %d runs past the end of the %d-byte file (at byte 0)", n, len(b))
	}
	hdr := b[8 : 8+n]
	data := b[8+n:]
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header (bytes 8–%d) is not a JSON object: %v", 8+n, err)
	}
	var meta map[string]string
	var ts []Tensor
	type span struct {
		begin, end int64
		name       string
	}
	var spans []span
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var e entry
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: bad header entry: %v", name, err)
		}
		size := dtypeSize(e.DType)
		if size == 0 {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: unsupported dtype %q (supported: F64, F32)", name, e.DType)
		}
		count := int64(1)
		for _, s := range e.Shape {
			if s < 0 || (s > 0 && count > int64(len(data))/int64(s)+1) {
				return nil, nil, fmt.Errorf("safetensors: tensor %q: impossible shape %v", name, e.Shape)
			}
			count *= int64(s)
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin || end > int64(len(data)) {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data offsets [%d, %d] outside the %d data bytes", name, begin, end, len(data))
		}
		if end-begin != count*int64(size) {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: shape %v of %s needs %d bytes, offsets give %d", name, e.Shape, e.DType, count*int64(size), end-begin)
		}
		t := Tensor{Name: name, DType: e.DType, Shape: e.Shape, Data: make([]float64, count)}
		chunk := data[begin:end]
		for i := range t.Data {
			if size == 8 {
				t.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(chunk[8*i:]))
			} else {
				t.Data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(chunk[4*i:])))
			}
		}
		ts = append(ts, t)
		spans = append(spans, span{begin, end, name})
	}
	// The data section must be covered exactly, without gaps or overlaps.
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].name < spans[j].name
	})
	var pos int64
	for _, s := range spans {
		if s.begin != pos {
			return nil, nil, fmt.Errorf("safetensors: tensor %q starts at data byte %d, expected %d (gap or overlap)", s.name, s.begin, pos)
		}
		pos = s.end
	}
	if pos != int64(len(data)) {
		return nil, nil, fmt.Errorf("safetensors: %d trailing data bytes after the last tensor", int64(len(data))-pos)
	}
	order := map[string]int{}
	for i, s := range spans {
		order[s.name] = i
	}
	sort.Slice(ts, func(i, j int) bool { return order[ts[i].Name] < order[ts[j].Name] })
	return ts, meta, nil
}
