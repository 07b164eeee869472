// Package npy reads and writes NumPy's .npy array files and .npz archives,
// so that users bring their own series in from Python and take trajectories
// back out.
//
// # The .npy format
//
// Reference: NumPy Enhancement Proposal 1, "A Simple File Format for NumPy
// Arrays" (R. Kern, 2007), and the numpy.lib.format module documentation
// (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
// A file is
//
//	bytes 0–5   the magic string "\x93NUMPY"
//	byte  6     major version: 1, 2 or 3
//	byte  7     minor version: 0
//	2 or 4      HEADER_LEN, little-endian unsigned (2 bytes in version 1.0,
//	            4 in 2.0 and 3.0)
//	HEADER_LEN  a Python dict literal (latin-1 in 1.0 and 2.0, UTF-8 in 3.0)
//	            with exactly the keys 'descr' (the dtype string, e.g. '<f8'),
//	            'fortran_order' (True or False) and 'shape' (a tuple of
//	            non-negative ints; () for a 0-d array), padded with spaces and
//	            a final '\n'
//	rest        the prod(shape) elements, in C (row-major) order, or in
//	            Fortran (column-major) order when fortran_order is True
//
// NumPy ≥ 1.14 pads the header so that the data begin at a multiple of 64
// bytes; older NumPy and other writers (Julia's NPZ.jl, for instance) align
// to 16. Read accepts any padding.
//
// # What Read accepts
//
// The dtypes f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1 in either byte
// order ('<' little, '>' big; '|' and '=' are taken as little-endian), in C
// or Fortran order, with any number of dimensions including 0-d arrays and
// empty shapes. Every value is converted to float64 exactly (integers beyond 2⁵³
// are rounded). Float NaNs are converted on the bits, keeping sign and
// payload, so that results are identical on amd64 and wasm, whose hardware
// conversions may treat NaNs differently. Data always come back in C order: element (i₀, …, i_{k−1}) of an
// array of shape (d₀, …, d_{k−1}) is
//
//	Data[((i₀·d₁ + i₁)·d₂ + …)·d_{k−1} + i_{k−1}].
//
// The header is parsed as a Python literal by a small recursive-descent
// parser (whitespace, either quote style, trailing commas and keys in any
// order are accepted, as Python's literal evaluation accepts them). Object
// arrays ('|O'), which NumPy itself loads only through pickle, structured,
// string, datetime and complex dtypes are refused: reading never executes
// anything. Problems are reported as a *FormatError that names the byte
// offset; Read never panics and never allocates more than the input holds.
//
// # What Write produces
//
// Write emits '<f8' or '<f4' data in C order, byte for byte as numpy.save
// (NumPy ≥ 1.23) writes it: keys sorted, the shape as Python's repr (a 1-d
// shape is "(n,)"), 21 − len(repr(shape[0])) spare spaces that let NumPy
// grow the first axis in place, then spaces and '\n' up to a multiple of 64
// bytes (a full 64 spaces when the header is already aligned, as NumPy
// does). Converting to '<f4' rounds to nearest even; a '<f4' value read and
// written again keeps its exact bits, NaN payloads included. Version 1.0 is used unless the header exceeds 65535 bytes, then 2.0.
//
// # The .npz format
//
// numpy.savez writes a zip archive (stored; numpy.savez_compressed:
// deflated) with one member "<name>.npy" per array. ReadNPZ reads both;
// WriteNPZ writes stored members in a caller-given or sorted order with zero
// timestamps, so equal inputs give equal bytes.
package npy
