package npy

import (
	"encoding/binary"
	"math"
	"strconv"
)

// header is the parsed .npy header dict. The offsets are absolute byte
// offsets of the values, for error messages.
type header struct {
	descr    string
	fortran  bool
	shape    []int
	descrOff int64
	shapeOff int64
}

// pyKind is the type of a Python literal in a header.
type pyKind int

const (
	pyStr pyKind = iota
	pyInt
	pyBool
	pyNone
	pyTuple
	pyList
	pyDict
)

func (k pyKind) String() string {
	return [...]string{"str", "int", "bool", "None", "tuple", "list", "dict"}[k]
}

// pyValue is a parsed Python literal. Ints keep their digits, so that an
// overflowing shape can be reported as such.
type pyValue struct {
	kind  pyKind
	off   int64 // absolute offset of the first byte
	str   string
	b     bool
	items []pyValue // tuple and list elements; dict keys and values alternate
}

// maxDepth bounds the nesting of header literals, so that hostile input
// cannot exhaust the stack.
const maxDepth = 32

// parser is a recursive-descent parser for the subset of Python literals
// that ast.literal_eval accepts and NumPy headers use: str, int, True,
// False, None, tuples, lists and dicts.
type parser struct {
	b    []byte
	i    int
	base int64
}

func (p *parser) errf(format string, args ...any) error {
	return errAt(p.base+int64(p.i), "malformed header: "+format, args...)
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *parser) describe() string {
	if p.i >= len(p.b) {
		return "the end of the header"
	}
	return strconv.QuoteRune(rune(p.b[p.i]))
}

func isIdent(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func (p *parser) value(depth int) (pyValue, error) {
	if depth > maxDepth {
		return pyValue{}, p.errf("literals nested deeper than %d", maxDepth)
	}
	p.space()
	v := pyValue{off: p.base + int64(p.i)}
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		s, err := p.str()
		v.kind, v.str = pyStr, s
		return v, err
	case c >= '0' && c <= '9' || c == '-' || c == '+':
		start := p.i
		if c == '-' || c == '+' {
			p.i++
			p.space()
		}
		digits := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i == digits {
			return v, p.errf("expected digits after %q", c)
		}
		num := string(p.b[digits:p.i])
		if p.peek() == 'L' || p.peek() == 'l' { // Python 2 long, as old NumPy wrote
			p.i++
		}
		if isIdent(p.peek()) || p.peek() == '.' {
			return v, p.errf("only integer numbers are allowed here")
		}
		if p.b[start] == '-' {
			num = "-" + num
		}
		v.kind, v.str = pyInt, num
		return v, nil
	case c == '(' || c == '[':
		return p.sequence(depth)
	case c == '{':
		return p.dict(depth)
	case isIdent(c):
		start := p.i
		for p.i < len(p.b) && isIdent(p.b[p.i]) {
			p.i++
		}
		switch w := string(p.b[start:p.i]); w {
		case "True", "False":
			v.kind, v.b = pyBool, w == "True"
		case "None":
			v.kind = pyNone
		default:
			p.i = start
			return v, p.errf("name %q is not a literal (headers are never evaluated)", w)
		}
		return v, nil
	default:
		return v, p.errf("expected a value, found %s", p.describe())
	}
}

// str parses a quoted string with Python's simple escapes.
func (p *parser) str() (string, error) {
	q := p.b[p.i]
	p.i++
	var s []byte
	for {
		if p.i >= len(p.b) || p.b[p.i] == '\n' {
			return "", p.errf("unterminated string")
		}
		c := p.b[p.i]
		p.i++
		if c == q {
			return string(s), nil
		}
		if c != '\\' {
			s = append(s, c)
			continue
		}
		if p.i >= len(p.b) {
			return "", p.errf("unterminated string")
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '\\', '\'', '"':
			s = append(s, e)
		case 'n':
			s = append(s, '\n')
		case 't':
			s = append(s, '\t')
		case 'r':
			s = append(s, '\r')
		default:
			p.i -= 2
			return "", p.errf("unsupported escape \\%c in a string", e)
		}
	}
}

// sequence parses a tuple or a list. As in Python, "(x)" is x itself, not a
// tuple; "()" and "(x,)" are tuples.
func (p *parser) sequence(depth int) (pyValue, error) {
	open := p.b[p.i]
	v := pyValue{kind: pyList, off: p.base + int64(p.i)}
	closer := byte(']')
	if open == '(' {
		v.kind, closer = pyTuple, ')'
	}
	p.i++
	comma := false
	for {
		p.space()
		if p.peek() == closer {
			p.i++
			if v.kind == pyTuple && len(v.items) == 1 && !comma {
				return v.items[0], nil
			}
			return v, nil
		}
		item, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		v.items = append(v.items, item)
		p.space()
		switch p.peek() {
		case ',':
			p.i++
			comma = true
		case closer:
		default:
			return v, p.errf("expected ',' or %q, found %s", closer, p.describe())
		}
	}
}

func (p *parser) dict(depth int) (pyValue, error) {
	v := pyValue{kind: pyDict, off: p.base + int64(p.i)}
	p.i++
	for {
		p.space()
		if p.peek() == '}' {
			p.i++
			return v, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		p.space()
		if p.peek() != ':' {
			return v, p.errf("expected ':' after a dict key, found %s", p.describe())
		}
		p.i++
		val, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		v.items = append(v.items, k, val)
		p.space()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
		default:
			return v, p.errf("expected ',' or '}', found %s", p.describe())
		}
	}
}

// parseHeader parses the header dict at absolute offset base and checks it
// as numpy.lib.format does: exactly the keys 'descr', 'fortran_order' and
// 'shape', a bool order and a tuple of non-negative ints.
func parseHeader(b []byte, base int64) (header, error) {
	var h header
	p := &parser{b: b, base: base}
	p.space()
	if p.peek() != '{' {
		return h, p.errf("the header must be a dict literal, found %s", p.describe())
	}
	d, err := p.dict(0)
	if err != nil {
		return h, err
	}
	p.space()
	if p.i < len(p.b) {
		return h, p.errf("unexpected %s after the header dict", p.describe())
	}
	seen := map[string]bool{}
	for i := 0; i < len(d.items); i += 2 {
		k, v := d.items[i], d.items[i+1]
		if k.kind != pyStr {
			return h, errAt(k.off, "malformed header: dict key of type %s, want one of 'descr', 'fortran_order', 'shape'", k.kind)
		}
		if seen[k.str] {
			return h, errAt(k.off, "malformed header: key %q appears twice", k.str)
		}
		seen[k.str] = true
		switch k.str {
		case "descr":
			if v.kind == pyList {
				return h, errAt(v.off, "unsupported dtype: structured arrays (a list descr) are not supported; save a plain numeric array")
			}
			if v.kind != pyStr {
				return h, errAt(v.off, "malformed header: 'descr' is a %s, want a str", v.kind)
			}
			h.descr, h.descrOff = v.str, v.off
		case "fortran_order":
			if v.kind != pyBool {
				return h, errAt(v.off, "malformed header: 'fortran_order' is a %s, want True or False", v.kind)
			}
			h.fortran = v.b
		case "shape":
			if v.kind != pyTuple {
				return h, errAt(v.off, "malformed header: 'shape' is a %s, want a tuple of ints", v.kind)
			}
			h.shapeOff = v.off
			h.shape = make([]int, len(v.items))
			for j, e := range v.items {
				if e.kind != pyInt {
					return h, errAt(e.off, "malformed header: shape entry %d is a %s, want an int", j, e.kind)
				}
				n, err := strconv.ParseInt(e.str, 10, 64)
				switch {
				case err != nil:
					return h, errAt(e.off, "malformed header: shape entry %s overflows a 64-bit int", e.str)
				case n < 0:
					return h, errAt(e.off, "malformed header: negative dimension %d in the shape", n)
				case n > math.MaxInt:
					return h, errAt(e.off, "malformed header: dimension %d too large for this platform", n)
				}
				h.shape[j] = int(n)
			}
		default:
			return h, errAt(k.off, "malformed header: unexpected key %q (want exactly 'descr', 'fortran_order', 'shape')", k.str)
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, errAt(d.off, "malformed header: the key %q is missing", k)
		}
	}
	return h, nil
}

// dtype decodes one supported element type.
type dtype struct {
	size   int
	decode func(dst []float64, src []byte) []float64 // appends len(src)/size values
}

// parseDescr interprets a NumPy type string: a byte-order character and a
// kind-and-size code, as numpy.dtype.str writes them ('<f8', '>i4', '|u1').
func parseDescr(d string, off int64) (dtype, error) {
	if d == "" {
		return dtype{}, errAt(off, "unsupported dtype: empty 'descr'")
	}
	var bo binary.ByteOrder = binary.LittleEndian
	code := d
	switch d[0] {
	case '<', '|', '=':
		code = d[1:]
	case '>':
		bo, code = binary.BigEndian, d[1:]
	}
	switch code {
	case "f8":
		return dtype{8, func(dst []float64, src []byte) []float64 {
			for i := 0; i+8 <= len(src); i += 8 {
				dst = append(dst, math.Float64frombits(bo.Uint64(src[i:])))
			}
			return dst
		}}, nil
	case "f4":
		return dtype{4, func(dst []float64, src []byte) []float64 {
			for i := 0; i+4 <= len(src); i += 4 {
				dst = append(dst, fromF32(bo.Uint32(src[i:])))
			}
			return dst
		}}, nil
	case "f2":
		return dtype{2, func(dst []float64, src []byte) []float64 {
			for i := 0; i+2 <= len(src); i += 2 {
				dst = append(dst, halfToFloat64(bo.Uint16(src[i:])))
			}
			return dst
		}}, nil
	case "i8", "u8":
		signed := code[0] == 'i'
		return dtype{8, func(dst []float64, src []byte) []float64 {
			for i := 0; i+8 <= len(src); i += 8 {
				u := bo.Uint64(src[i:])
				if signed {
					dst = append(dst, float64(int64(u)))
				} else {
					dst = append(dst, float64(u))
				}
			}
			return dst
		}}, nil
	case "i4", "u4":
		signed := code[0] == 'i'
		return dtype{4, func(dst []float64, src []byte) []float64 {
			for i := 0; i+4 <= len(src); i += 4 {
				u := bo.Uint32(src[i:])
				if signed {
					dst = append(dst, float64(int32(u)))
				} else {
					dst = append(dst, float64(u))
				}
			}
			return dst
		}}, nil
	case "i2", "u2":
		signed := code[0] == 'i'
		return dtype{2, func(dst []float64, src []byte) []float64 {
			for i := 0; i+2 <= len(src); i += 2 {
				u := bo.Uint16(src[i:])
				if signed {
					dst = append(dst, float64(int16(u)))
				} else {
					dst = append(dst, float64(u))
				}
			}
			return dst
		}}, nil
	case "i1":
		return dtype{1, func(dst []float64, src []byte) []float64 {
			for _, c := range src {
				dst = append(dst, float64(int8(c)))
			}
			return dst
		}}, nil
	case "u1":
		return dtype{1, func(dst []float64, src []byte) []float64 {
			for _, c := range src {
				dst = append(dst, float64(c))
			}
			return dst
		}}, nil
	case "b1", "?":
		return dtype{1, func(dst []float64, src []byte) []float64 {
			for _, c := range src {
				dst = append(dst, float64(min(c, 1)))
			}
			return dst
		}}, nil
	}
	var why string
	switch {
	case code == "O" || code == "O8" || code == "O4":
		why = "object arrays need pickle, which would execute code from the file; refused"
	case len(code) > 0 && code[0] == 'c':
		why = "complex numbers are not supported; save the real and imaginary parts"
	case len(code) > 0 && (code[0] == 'U' || code[0] == 'S' || code[0] == 'a'):
		why = "strings are not supported"
	case len(code) > 0 && (code[0] == 'M' || code[0] == 'm'):
		why = "datetimes are not supported"
	case len(code) > 0 && code[0] == 'V':
		why = "raw void records are not supported"
	default:
		why = "supported: f2, f4, f8, i1–i8, u1–u8, b1 with byte order '<' or '>'"
	}
	return dtype{}, errAt(off, "unsupported dtype %q: %s", d, why)
}

// halfToFloat64 converts IEEE 754 binary16 bits exactly, keeping NaN
// payloads: sign, 5 exponent bits (bias 15), 10 fraction bits.
func halfToFloat64(h uint16) float64 {
	sign := uint64(h>>15) << 63
	exp := uint64(h>>10) & 0x1f
	frac := uint64(h) & 0x3ff
	switch exp {
	case 0: // zero or subnormal: frac·2⁻²⁴, exact
		v := float64(frac) * 0x1p-24
		return math.Float64frombits(math.Float64bits(v) | sign)
	case 0x1f: // infinity or NaN
		return math.Float64frombits(sign | 0x7ff<<52 | frac<<42)
	}
	return math.Float64frombits(sign | (exp-15+1023)<<52 | frac<<42)
}

// fromF32 converts binary32 bits to the float64 of equal value. NaNs are
// converted on the bits (payload into the top fraction bits, as x86 does)
// because hardware conversions of NaNs may differ between amd64 and wasm.
func fromF32(u uint32) float64 {
	if u&0x7f800000 == 0x7f800000 && u&0x7fffff != 0 {
		return math.Float64frombits(uint64(u>>31)<<63 | 0x7ff<<52 | uint64(u&0x7fffff)<<29)
	}
	return float64(math.Float32frombits(u))
}

// toF32 rounds v to binary32 bits (to nearest even), converting NaNs on the
// bits: the sign and top 22 payload bits are kept, and a NaN whose payload
// lies only in the dropped bits becomes a quiet NaN rather than an infinity.
// toF32(fromF32(u)) == u for every u.
func toF32(v float64) uint32 {
	if v == v {
		return math.Float32bits(float32(v))
	}
	b := math.Float64bits(v)
	frac := uint32(b>>29) & 0x7fffff
	if frac == 0 {
		frac = 0x400000
	}
	return uint32(b>>63)<<31 | 0x7f800000 | frac
}
