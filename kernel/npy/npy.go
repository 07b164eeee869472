// Package npy reads and writes NumPy's .npy array files and .npz archives, so
// that series come in from Python and trajectories go back out.
//
// Format (NumPy Enhancement Proposal 1, "A simple file format for NumPy
// arrays", and numpy.lib.format): the magic "\x93NUMPY", a major and minor
// version byte, a little-endian header length (2 bytes in version 1.0, 4 in
// 2.0 and 3.0), then an ASCII (3.0: UTF-8) Python dict literal with the keys
// 'descr' (the dtype), 'fortran_order' and 'shape', padded with spaces and
// a final '\n' so that the data starts at a multiple of 64 bytes; then the
// raw data. An .npz file is a zip archive of .npy members named "<name>.npy".
//
// Read accepts floating-point, integer and boolean dtypes of either
// endianness in C or Fortran order and returns float64 data in C (row-major)
// order. Object arrays (which NumPy itself only loads with pickle) are
// refused: reading never executes anything. Write produces '<f8' or '<f4'
// files that numpy.load reads back exactly.
package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Array is an n-dimensional array with its data in C (row-major) order:
// element (i0, i1, …, ik) is Data[((i0·d1 + i1)·d2 + …)·dk + ik].
type Array struct {
	Shape []int
	Data  []float64
}

// Size is the number of elements, the product of Shape (1 for a 0-d array).
func (a *Array) Size() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

var magic = []byte("\x93NUMPY")

// FormatError describes a malformed file: what is wrong and at which byte.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string { return fmt.Sprintf("npy: %s (at byte %d)", e.Msg, e.Offset) }

func errAt(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Read decodes one .npy array from r.
func Read(r io.Reader) (*Array, error) {
	var pre [10]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, errAt(int64(n), "file too short for the .npy magic and version (%d bytes)", n)
	}
	if !bytes.Equal(pre[:6], magic) {
		return nil, errAt(0, "not a .npy file: bad magic %q", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen int
	var off int64 = 8
	switch major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, errAt(8, "truncated header length")
		}
		hlen = int(binary.LittleEndian.Uint16(pre[8:10]))
		off = 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, errAt(8, "truncated header length")
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
		off = 12
		if hlen > 1<<24 {
			return nil, errAt(8, "header length %d is implausibly large", hlen)
		}
	default:
		return nil, errAt(6, "unsupported .npy format version %d.%d", major, minor)
	}
	hdr := make([]byte, hlen)
	if n, err := io.ReadFull(r, hdr); err != nil {
		return nil, errAt(off+int64(n), "truncated header: %d of %d bytes", n, hlen)
	}
	h, err := parseHeader(hdr, off)
	if err != nil {
		return nil, err
	}
	dt, err := parseDescr(h.descr, off)
	if err != nil {
		return nil, err
	}
	off += int64(hlen)
	count := 1
	for _, d := range h.shape {
		if d < 0 {
			return nil, errAt(off, "negative dimension in shape %v", h.shape)
		}
		if d != 0 && count > math.MaxInt32/d {
			return nil, errAt(off, "shape %v has too many elements", h.shape)
		}
		count *= d
	}
	nbytes := count * dt.size
	// Copy as the data arrives, so a lying header cannot make us allocate
	// more than the file holds.
	var buf bytes.Buffer
	if n, err := io.CopyN(&buf, r, int64(nbytes)); err != nil {
		return nil, errAt(off+n, "truncated data: shape %v of %s needs %d bytes, the file has %d", h.shape, h.descr, nbytes, n)
	}
	raw := buf.Bytes()
	data := make([]float64, count)
	for i := range data {
		data[i] = dt.decode(raw[i*dt.size:])
	}
	a := &Array{Shape: h.shape, Data: data}
	if h.fortran && len(h.shape) > 1 {
		a.Data = fortranToC(data, h.shape)
	}
	return a, nil
}

// fortranToC reorders column-major data into row-major order.
func fortranToC(src []float64, shape []int) []float64 {
	dst := make([]float64, len(src))
	k := len(shape)
	idx := make([]int, k)
	// Fortran strides.
	fs := make([]int, k)
	s := 1
	for i := 0; i < k; i++ {
		fs[i] = s
		s *= shape[i]
	}
	for c := range dst {
		f := 0
		for i := 0; i < k; i++ {
			f += idx[i] * fs[i]
		}
		dst[c] = src[f]
		for i := k - 1; i >= 0; i-- { // advance the C-order index
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return dst
}

type header struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the Python dict literal of a .npy header.
func parseHeader(b []byte, base int64) (header, error) {
	p := &lexer{b: b, base: base}
	var h header
	seen := map[string]bool{}
	p.space()
	if !p.eat('{') {
		return h, p.err("header is not a dict literal")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		p.space()
		if !p.eat(':') {
			return h, p.err("expected ':' after key %q", key)
		}
		p.space()
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, p.err("structured dtypes are not supported; save a plain numeric array")
			}
			if h.descr, err = p.str(); err != nil {
				return h, err
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return h, p.err("fortran_order must be True or False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, err
			}
		default:
			return h, p.err("unexpected header key %q", key)
		}
		seen[key] = true
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat('}') {
			break
		}
		return h, p.err("expected ',' or '}' in header")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, p.err("header lacks the key %q", k)
		}
	}
	return h, nil
}

type lexer struct {
	b    []byte
	i    int
	base int64
}

func (p *lexer) err(format string, args ...any) error {
	return errAt(p.base+int64(p.i), "malformed header: "+format, args...)
}

func (p *lexer) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *lexer) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *lexer) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *lexer) word(w string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(w)) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *lexer) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.err("expected a quoted string")
	}
	p.i++
	start := p.i
	for p.i < len(p.b) && p.b[p.i] != q {
		if p.b[p.i] == '\\' {
			return "", p.err("escapes in header strings are not supported")
		}
		p.i++
	}
	if p.i >= len(p.b) {
		return "", p.err("unterminated string")
	}
	s := string(p.b[start:p.i])
	p.i++
	return s, nil
}

func (p *lexer) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.err("shape must be a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		start := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i < len(p.b) && p.b[p.i] == 'L' { // Python 2 longs
			p.i++
		}
		num := bytes.TrimSuffix(p.b[start:p.i], []byte("L"))
		n, err := strconv.Atoi(string(num))
		if err != nil || len(num) == 0 {
			return nil, p.err("shape entries must be non-negative integers")
		}
		shape = append(shape, n)
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		return nil, p.err("expected ',' or ')' in shape")
	}
}

type dtype struct {
	size   int
	decode func([]byte) float64
}

func parseDescr(d string, off int64) (dtype, error) {
	if len(d) < 2 {
		return dtype{}, errAt(off, "unsupported dtype %q", d)
	}
	var bo binary.ByteOrder
	switch d[0] {
	case '<', '|', '=':
		bo = binary.LittleEndian
	case '>':
		bo = binary.BigEndian
	default:
		return dtype{}, errAt(off, "unsupported dtype %q", d)
	}
	switch d[1:] {
	case "f8":
		return dtype{8, func(b []byte) float64 { return math.Float64frombits(bo.Uint64(b)) }}, nil
	case "f4":
		return dtype{4, func(b []byte) float64 { return float64(math.Float32frombits(bo.Uint32(b))) }}, nil
	case "i8":
		return dtype{8, func(b []byte) float64 { return float64(int64(bo.Uint64(b))) }}, nil
	case "i4":
		return dtype{4, func(b []byte) float64 { return float64(int32(bo.Uint32(b))) }}, nil
	case "i2":
		return dtype{2, func(b []byte) float64 { return float64(int16(bo.Uint16(b))) }}, nil
	case "i1":
		return dtype{1, func(b []byte) float64 { return float64(int8(b[0])) }}, nil
	case "u8":
		return dtype{8, func(b []byte) float64 { return float64(bo.Uint64(b)) }}, nil
	case "u4":
		return dtype{4, func(b []byte) float64 { return float64(bo.Uint32(b)) }}, nil
	case "u2":
		return dtype{2, func(b []byte) float64 { return float64(bo.Uint16(b)) }}, nil
	case "u1", "b1":
		return dtype{1, func(b []byte) float64 { return float64(b[0]) }}, nil
	case "O", "O8":
		return dtype{}, errAt(off, "object arrays (dtype %q) need pickle and are refused; save a numeric array", d)
	}
	return dtype{}, errAt(off, "unsupported dtype %q (supported: float32/64, int8–64, uint8–64, bool)", d)
}

// Write encodes a in C order with dtype "<f8" or "<f4" as a version 1.0 file
// (2.0 if the header would not fit), byte for byte as numpy.save writes it.
func Write(w io.Writer, a *Array, descr string) error {
	if descr != "<f8" && descr != "<f4" {
		return errors.New(`npy: Write supports the dtypes "<f8" and "<f4"`)
	}
	if a.Size() != len(a.Data) {
		return fmt.Errorf("npy: shape %v holds %d elements, the data %d", a.Shape, a.Size(), len(a.Data))
	}
	var sh bytes.Buffer
	sh.WriteByte('(')
	for i, d := range a.Shape {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if len(a.Shape) == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, sh.String())
	major, pre := byte(1), 10
	if len(dict)+1+pre > 65535 {
		major, pre = 2, 12
	}
	total := pre + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := dict + string(bytes.Repeat([]byte{' '}, pad)) + "\n"
	var buf bytes.Buffer
	buf.Write(magic)
	buf.WriteByte(major)
	buf.WriteByte(0)
	if major == 1 {
		binary.Write(&buf, binary.LittleEndian, uint16(len(hdr)))
	} else {
		binary.Write(&buf, binary.LittleEndian, uint32(len(hdr)))
	}
	buf.WriteString(hdr)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	size := 8
	if descr == "<f4" {
		size = 4
	}
	out := make([]byte, 0, 1<<16)
	for _, v := range a.Data {
		if size == 8 {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
		} else {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(v)))
		}
		if len(out) >= 1<<16 {
			if _, err := w.Write(out); err != nil {
				return err
			}
			out = out[:0]
		}
	}
	_, err := w.Write(out)
	return err
}
