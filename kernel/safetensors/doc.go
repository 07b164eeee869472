// Package safetensors encodes and decodes the safetensors tensor format,
// which rnnlab uses for model checkpoints: the parameters as tensors and the
// run's JSON configuration as a metadata string.
//
// # Format
//
// Reference: the safetensors specification by Hugging Face,
// https://github.com/huggingface/safetensors (README, "Format"), and its
// Rust reference implementation (safetensors/src/tensor.rs). A file is
//
//	bytes 0–7   N, the header length, an unsigned 64-bit little-endian integer
//	bytes 8…    N bytes of UTF-8 JSON: an object mapping each tensor name to
//	            {"dtype": "F64", "shape": [d0, d1, …], "data_offsets": [begin, end]}
//	            and optionally the key "__metadata__" to an object of
//	            string → string; the reference writer pads the JSON with
//	            spaces so that N is a multiple of 8
//	bytes 8+N…  the data: each tensor's elements in C (row-major) order,
//	            little-endian, at [begin, end) relative to the start of the
//	            data section; the tensors cover it exactly, without gaps
//	            or overlaps
//
// A tensor of shape [d0, …, d_{k−1}] and dtype of s bytes has
// end − begin = s·d0·…·d_{k−1} (s for a 0-d tensor, shape []).
//
// # This implementation
//
// The dtypes are F64 (IEEE binary64) and F32 (binary32); values are float64
// in memory. Encode writes "__metadata__" first (keys sorted) and then the
// tensors in the caller's order, with their data laid out in that same
// order, so the output is a deterministic function of the input. (The
// reference writer instead orders tensors by dtype and then name; readers
// do not depend on the order.) Decode checks everything the reference
// validator checks: the header length against the file, UTF-8, JSON
// syntax, duplicate keys, every entry's fields, known dtypes, offsets
// within the data, shape × dtype size = end − begin, and contiguous,
// non-overlapping offsets that cover the data exactly. It returns errors,
// never panics, and allocates no more than the input's size.
//
// Conversions between F32 and float64 are done on the bits, so NaN
// payloads come out identically on every target (amd64 and wasm differ in
// how hardware conversions treat NaNs): an F32 value decodes to the float64
// of equal value (NaN payload shifted into the top fraction bits), and
// encoding it again restores the same 4 bytes. Non-NaN float64 values are
// rounded to nearest even; a float64 NaN keeps its sign and top 22 payload
// bits and stays a NaN.
package safetensors
