// Package wfdb reads PhysioNet's WFDB records: header files (.hea), signal
// files in every binary format of signal(5) — 8, 16, 24, 32, 61, 80, 160,
// 212, 310 and 311 (format.go gives each layout) — and annotation files in
// MIT format (.atr and friends). It works on bytes the caller supplies (the
// core touches no file system); cmd/rnnlab opens the files.
//
// References: PhysioNet WFDB Applications Guide, header(5) ("record line",
// "signal specification lines"), signal(5) (formats) and annot(5) (MIT
// annotation format), https://physionet.org/physiotools/wag/. Physical units
// are (digital − baseline) / gain, with the gain in ADC units per physical
// unit (default 200) and the baseline defaulting to the ADC zero.
//
// The format field of a signal line, format[xspf][:skew][+offset], is read
// whole: the skew (stored samples that precede sample 0) is applied by
// Decode, which reads sample t of a skewed signal from stored frame t+skew;
// the byte offset skips a preamble. Signals with more than one sample per
// frame, null signals (format 0), the FLAC formats 508, 516 and 524 and
// multi-segment records are refused with a message saying so;
// Header.Summary marks every signal Decode cannot read.
//
// Every parse error names the file, the line or byte offset, and the problem;
// malformed input never panics (the parsers are fuzzed).
package wfdb
