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

// Array is an n-dimensional array of float64 in C (row-major) order:
// element (i₀, …, i_{k−1}) is Data[((i₀·d₁ + i₁)·d₂ + …)·d_{k−1} + i_{k−1}]
// where Shape = [d₀, …, d_{k−1}]. A 0-d array has an empty Shape and one
// element.
type Array struct {
	Shape []int
	Data  []float64
}

// Size returns the number of elements, the product of Shape (1 for a 0-d
// array).
func (a *Array) Size() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// magic is the first six bytes of every .npy file (NEP 1).
var magic = []byte("\x93NUMPY")

// FormatError reports malformed input: what is wrong and the byte offset,
// counted from the start of the .npy data, where the problem was found.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string { return fmt.Sprintf("npy: %s (at byte %d)", e.Msg, e.Offset) }

func errAt(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// chunk is the size of the buffer through which Read and Write move data.
const chunk = 1 << 16

// Read decodes one .npy array from r, leaving r just after the array's data.
// See the package documentation for the accepted dtypes. Malformed input
// gives a *FormatError; errors of r other than a premature EOF are returned
// wrapped.
func Read(r io.Reader) (*Array, error) {
	var pre [12]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		if !isEOF(err) {
			return nil, fmt.Errorf("npy: reading the magic: %w", err)
		}
		if n == 0 {
			return nil, errAt(0, "empty input: not a .npy file")
		}
		if !bytes.HasPrefix(magic, pre[:min(n, 6)]) {
			return nil, errAt(0, "bad magic %q: not a .npy file", pre[:n])
		}
		return nil, errAt(int64(n), "truncated file: %d bytes, the magic and version need 8", n)
	}
	if !bytes.Equal(pre[:6], magic) {
		return nil, errAt(0, "bad magic %q, want \"\\x93NUMPY\": not a .npy file", pre[:6])
	}
	major, minor := pre[6], pre[7]
	if major < 1 || major > 3 || minor != 0 {
		return nil, errAt(6, "unsupported .npy format version %d.%d (supported: 1.0, 2.0, 3.0)", major, minor)
	}
	lenSize := 2
	if major > 1 {
		lenSize = 4
	}
	if n, err := io.ReadFull(r, pre[8:8+lenSize]); err != nil {
		if !isEOF(err) {
			return nil, fmt.Errorf("npy: reading the header length: %w", err)
		}
		return nil, errAt(8+int64(n), "truncated header length: version %d.0 needs %d bytes, got %d", major, lenSize, n)
	}
	var hlen int64
	if lenSize == 2 {
		hlen = int64(binary.LittleEndian.Uint16(pre[8:10]))
	} else {
		hlen = int64(binary.LittleEndian.Uint32(pre[8:12]))
	}
	off := int64(8 + lenSize)
	// Copy as the bytes arrive, so that a lying length cannot make us
	// allocate more than the input holds.
	var hb bytes.Buffer
	if n, err := io.CopyN(&hb, r, hlen); err != nil {
		if !isEOF(err) {
			return nil, fmt.Errorf("npy: reading the header: %w", err)
		}
		return nil, errAt(off+n, "truncated header: HEADER_LEN is %d bytes, got %d", hlen, n)
	}
	h, err := parseHeader(hb.Bytes(), off)
	if err != nil {
		return nil, err
	}
	dt, err := parseDescr(h.descr, h.descrOff)
	if err != nil {
		return nil, err
	}
	count := 1
	for _, d := range h.shape {
		if d != 0 && count > math.MaxInt/dt.size/d {
			return nil, errAt(h.shapeOff, "shape %s: the product of the dimensions overflows (more than %d bytes of data)", shapeRepr(h.shape), math.MaxInt)
		}
		count *= d
	}
	off += hlen
	nbytes := count * dt.size
	// Grow the result as the data arrive, unless r knows how much it holds
	// (bytes.Reader, bytes.Buffer, strings.Reader): then allocate once.
	capacity := min(count, chunk)
	if l, ok := r.(interface{ Len() int }); ok {
		capacity = max(capacity, min(count, l.Len()/dt.size))
	}
	data := make([]float64, 0, capacity)
	buf := make([]byte, min(nbytes, chunk))
	for got := 0; got < nbytes; {
		m := min(len(buf), nbytes-got)
		k, err := io.ReadFull(r, buf[:m])
		got += k
		if err != nil {
			if !isEOF(err) {
				return nil, fmt.Errorf("npy: reading the data at byte %d: %w", off+int64(got), err)
			}
			return nil, errAt(off+int64(got), "truncated data: shape %s of %q needs %d bytes, got %d", shapeRepr(h.shape), h.descr, nbytes, got)
		}
		data = dt.decode(data, buf[:m])
	}
	a := &Array{Shape: h.shape, Data: data}
	if h.fortran && len(h.shape) > 1 && count > 0 {
		a.Data = fortranToC(data, h.shape)
	}
	return a, nil
}

func isEOF(err error) bool { return err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) }

// fortranToC returns column-major data in row-major order. It walks the
// destination in C order and keeps the Fortran offset Σ iⱼ·fⱼ, with Fortran
// strides fⱼ = d₀·…·d_{j−1}, up to date like an odometer.
func fortranToC(src []float64, shape []int) []float64 {
	k := len(shape)
	dst := make([]float64, len(src))
	idx := make([]int, k)
	stride := make([]int, k)
	s := 1
	for j := range shape {
		stride[j] = s
		s *= shape[j]
	}
	last, n := stride[k-1], shape[k-1]
	f := 0
	for c := 0; c < len(dst); c += n {
		// The last C index varies fastest: a strided run of n.
		for i := 0; i < n; i++ {
			dst[c+i] = src[f+i*last]
		}
		for j := k - 2; j >= 0; j-- {
			idx[j]++
			f += stride[j]
			if idx[j] < shape[j] {
				break
			}
			f -= idx[j] * stride[j]
			idx[j] = 0
		}
	}
	return dst
}

// shapeRepr formats a shape as Python's repr of a tuple: (), (n,), (n, m).
func shapeRepr(shape []int) string {
	b := []byte{'('}
	for i, d := range shape {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	if len(shape) == 1 {
		b = append(b, ',')
	}
	return string(append(b, ')'))
}

// growthDigits is NumPy's GROWTH_AXIS_MAX_DIGITS (numpy/lib/format.py,
// NumPy ≥ 1.23): the header keeps 21 − len(repr(shape[0])) spare spaces so
// that the first axis can grow in place; 21 = len(str(8·2⁶⁴ − 1)).
const growthDigits = 21

// Write encodes a with dtype "<f8" or "<f4" in C order, byte for byte as
// numpy.save writes it: format version 1.0, or 2.0 when the header does not
// fit in 65535 bytes, with the data starting at a multiple of 64 bytes.
// Converting to "<f4" rounds to nearest. Write returns an error for another
// dtype, a negative dimension or a shape that does not match len(a.Data).
func Write(w io.Writer, a *Array, dtype string) error {
	size := 8
	switch dtype {
	case "<f8":
	case "<f4":
		size = 4
	default:
		return fmt.Errorf("npy: Write: unsupported dtype %q (supported: \"<f8\", \"<f4\")", dtype)
	}
	count := 1
	for _, d := range a.Shape {
		if d < 0 {
			return fmt.Errorf("npy: Write: negative dimension in shape %v", a.Shape)
		}
		if d != 0 && count > math.MaxInt/d {
			return fmt.Errorf("npy: Write: shape %v overflows", a.Shape)
		}
		count *= d
	}
	if count != len(a.Data) {
		return fmt.Errorf("npy: Write: shape %v holds %d elements, the data has %d", a.Shape, count, len(a.Data))
	}
	if _, err := w.Write(encodeHeader(dtype, a.Shape)); err != nil {
		return err
	}
	buf := make([]byte, 0, min(len(a.Data)*size, chunk))
	for _, v := range a.Data {
		if size == 8 {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		} else {
			buf = binary.LittleEndian.AppendUint32(buf, toF32(v))
		}
		if len(buf) == cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		_, err := w.Write(buf)
		return err
	}
	return nil
}

// encodeHeader returns the magic, version, length and padded header of a C-order
// array, as numpy.lib.format._write_array_header and _wrap_header build
// them. NumPy's padding is 64 − (prefix + len + 1) mod 64 spaces, a full 64
// when the header is already aligned.
func encodeHeader(dtype string, shape []int) []byte {
	dict := "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeRepr(shape) + ", }"
	if len(shape) > 0 {
		dict += string(bytes.Repeat([]byte{' '}, growthDigits-len(strconv.Itoa(shape[0]))))
	}
	hlen := len(dict) + 1 // with the final '\n'
	major, prefix := byte(1), 10
	pad := 64 - (prefix+hlen)%64
	if hlen+pad > math.MaxUint16 {
		major, prefix = 2, 12
		pad = 64 - (prefix+hlen)%64
	}
	b := make([]byte, 0, prefix+hlen+pad)
	b = append(b, magic...)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen+pad))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen+pad))
	}
	b = append(b, dict...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	return append(b, '\n')
}
