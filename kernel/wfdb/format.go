package wfdb

import "fmt"

// The binary signal formats of signal(5). Samples of the signals of one file
// are multiplexed: the stream holds sample 0 of every signal in header order,
// then sample 1 of every signal, and so on; the packed formats (212, 310,
// 311) pack that multiplexed stream, so one group of bytes can hold samples
// of different signals.
//
//	 8   8-bit first difference (two's complement) of the same signal's
//	     previous sample; the sample before sample 0 is the header's initial
//	     value, so sample k = initial value + d[0] + … + d[k]
//	16   16-bit two's complement, least significant byte first
//	24   24-bit two's complement, least significant byte first
//	32   32-bit two's complement, least significant byte first
//	61   16-bit two's complement, most significant byte first
//	80   8-bit offset binary: the unsigned byte minus 128
//	160  16-bit offset binary, least significant byte first: the unsigned
//	     value minus 32 768
//	212  two 12-bit two's complement samples in three bytes: the first is the
//	     low 12 bits of the little-endian pair (b0, b1); the second has the
//	     high nibble of b1 as its top 4 bits and b2 as its low 8 bits
//	310  three 10-bit two's complement samples in two little-endian 16-bit
//	     words w0, w1: the first is bits 1–10 of w0, the second bits 1–10 of
//	     w1 (bit 0 of each word is unused), the third has bits 11–15 of w0
//	     as its low 5 bits and bits 11–15 of w1 as its high 5 bits
//	311  three 10-bit two's complement samples in one little-endian 32-bit
//	     word: bits 0–9, 10–19 and 20–29 (bits 30–31 unused)
//
// A stream whose sample count is not a multiple of the group size ends in a
// short group, as the WFDB library writes it: format 212 writes one leftover
// sample as two bytes; format 310 one leftover as two bytes and two as four
// (which then read as three samples, the last one zero); format 311 one
// leftover as two bytes and two as four, of which the first three suffice.
//
// The most negative value of each amplitude format (−2^(bits−1)) is WFDB's
// "invalid sample" mark; format 8 has none.
type format struct {
	code    int
	bits    int  // bits per stored sample (8, 10, 12, 16, 24, 32)
	invalid int  // the invalid-sample value
	diff    bool // first differences (format 8)
}

// formats lists the formats Decode reads.
var formats = map[int]format{
	8:   {code: 8, bits: 8, diff: true},
	16:  {code: 16, bits: 16, invalid: -1 << 15},
	24:  {code: 24, bits: 24, invalid: -1 << 23},
	32:  {code: 32, bits: 32, invalid: -1 << 31},
	61:  {code: 61, bits: 16, invalid: -1 << 15},
	80:  {code: 80, bits: 8, invalid: -1 << 7},
	160: {code: 160, bits: 16, invalid: -1 << 15},
	212: {code: 212, bits: 12, invalid: -1 << 11},
	310: {code: 310, bits: 10, invalid: -1 << 9},
	311: {code: 311, bits: 10, invalid: -1 << 9},
}

// SupportedFormats is the list of signal formats Decode reads, for messages.
const SupportedFormats = "8, 16, 24, 32, 61, 80, 160, 212, 310, 311"

// unsupportedFormat says why a format code cannot be read.
func unsupportedFormat(code int) string {
	switch code {
	case 0:
		return "format 0 (a null signal: no samples are stored) cannot be converted"
	case 508, 516, 524:
		return fmt.Sprintf("format %d (FLAC-compressed) is not supported; convert the record to format 16 or 24 first (e.g. with WFDB's xform)", code)
	}
	return fmt.Sprintf("signal format %d is not supported (supported: %s)", code, SupportedFormats)
}

// bytesFor is the number of bytes that hold n samples of the multiplexed
// stream.
func (f format) bytesFor(n int) int {
	switch f.code {
	case 8, 80:
		return n
	case 16, 61, 160:
		return 2 * n
	case 24:
		return 3 * n
	case 32:
		return 4 * n
	case 212:
		return 3*(n/2) + 2*(n%2)
	case 310:
		return 4*(n/3) + [3]int{0, 2, 4}[n%3]
	case 311:
		return 4*(n/3) + [3]int{0, 2, 3}[n%3]
	}
	panic("wfdb: bytesFor of an unknown format")
}

// samplesIn is the number of whole samples that b bytes hold: the largest n
// with bytesFor(n) ≤ b.
func (f format) samplesIn(b int) int {
	switch f.code {
	case 8, 80:
		return b
	case 16, 61, 160:
		return b / 2
	case 24:
		return b / 3
	case 32:
		return b / 4
	case 212:
		return 2*(b/3) + [3]int{0, 0, 1}[b%3]
	case 310:
		return 3*(b/4) + [4]int{0, 0, 1, 1}[b%4]
	case 311:
		return 3*(b/4) + [4]int{0, 0, 1, 2}[b%4]
	}
	panic("wfdb: samplesIn of an unknown format")
}

// sample decodes sample s of the multiplexed stream d of an amplitude format
// (not format 8, whose samples depend on their predecessors). d must hold
// bytesFor(s+1) bytes.
func (f format) sample(d []byte, s int) int {
	le16 := func(p int) int { return int(d[p]) | int(d[p+1])<<8 }
	switch f.code {
	case 16:
		return int(int16(le16(2 * s)))
	case 61:
		return int(int16(uint16(d[2*s])<<8 | uint16(d[2*s+1])))
	case 80:
		return int(d[s]) - 1<<7
	case 160:
		return le16(2*s) - 1<<15
	case 24:
		p := 3 * s
		return signExtend(int(d[p])|int(d[p+1])<<8|int(d[p+2])<<16, 24)
	case 32:
		p := 4 * s
		return int(int32(uint32(d[p]) | uint32(d[p+1])<<8 | uint32(d[p+2])<<16 | uint32(d[p+3])<<24))
	case 212:
		p := 3 * (s / 2)
		if s%2 == 0 {
			return signExtend(le16(p)&0xfff, 12)
		}
		return signExtend(int(d[p+1]&0xf0)<<4|int(d[p+2]), 12)
	case 310:
		p := 4 * (s / 3)
		switch s % 3 {
		case 0:
			return signExtend(le16(p)>>1&0x3ff, 10)
		case 1:
			return signExtend(le16(p+2)>>1&0x3ff, 10)
		}
		return signExtend(le16(p)>>11|le16(p+2)>>11<<5, 10)
	case 311:
		p := 4 * (s / 3)
		switch s % 3 {
		case 0:
			return signExtend(le16(p)&0x3ff, 10)
		case 1:
			return signExtend((int(d[p+1])>>2|int(d[p+2])<<6)&0x3ff, 10)
		}
		return signExtend((int(d[p+2])>>4|int(d[p+3])<<4)&0x3ff, 10)
	}
	panic("wfdb: sample of an unknown format")
}

// signExtend reads the low bits of v as a two's complement number.
func signExtend(v, bits int) int {
	v &= 1<<bits - 1
	if v >= 1<<(bits-1) {
		v -= 1 << bits
	}
	return v
}

// decodeStream decodes nframes frames of the nsig signals multiplexed in d
// (which holds at least bytesFor(nframes·nsig) bytes). init gives each
// signal's initial value, used by format 8 only.
func (f format) decodeStream(d []byte, nsig, nframes int, init []int) [][]int {
	out := make([][]int, nsig)
	for k := range out {
		out[k] = make([]int, nframes)
	}
	if f.diff {
		for k := range nsig {
			v := init[k]
			for t := range nframes {
				v += int(int8(d[t*nsig+k]))
				out[k][t] = v
			}
		}
		return out
	}
	for t := range nframes {
		for k := range nsig {
			out[k][t] = f.sample(d, t*nsig+k)
		}
	}
	return out
}
