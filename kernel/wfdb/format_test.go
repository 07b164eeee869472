package wfdb

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// decodeHand parses hdr (signal file r.dat) and decodes data.
func decodeHand(t *testing.T, hdr string, data []byte) (*Record, error) {
	t.Helper()
	h, err := ParseHeader("r.hea", []byte(hdr))
	if err != nil {
		t.Fatalf("header %q: %v", hdr, err)
	}
	return Decode(h, map[string][]byte{"r.dat": data})
}

// TestNewFormatsByHand checks each format added for issue 11 against bytes
// packed by hand from signal(5): negative values, the extremes of each
// width, odd sample counts (short final groups of the packed formats) and
// two signals multiplexed in one file. The bit patterns are worked out in
// the comments.
func TestNewFormatsByHand(t *testing.T) {
	cases := []struct {
		name string
		hdr  string
		data []byte
		want [][]int
	}{
		{
			// Format 8: initial values 100 and −50 (the header's 6th field);
			// differences per signal: 5, −128 (0x80), 1 and −1 (0xff), 127, 0.
			name: "8, two signals",
			hdr:  "r 2 100 3\nr.dat 8 200 10 0 100\nr.dat 8 200 10 0 -50\n",
			data: []byte{0x05, 0xff, 0x80, 0x7f, 0x01, 0x00},
			want: [][]int{{105, -23, -22}, {-51, 76, 76}},
		},
		{
			// Format 8 with the initial value missing: it defaults to the
			// ADC zero (7), so the samples are 7+2, 7+2−3.
			name: "8, default initial value",
			hdr:  "r 1 100 2\nr.dat 8 200 10 7\n",
			data: []byte{0x02, 0xfd},
			want: [][]int{{9, 6}},
		},
		{
			// Format 160: little-endian unsigned minus 32 768:
			// 0x8000 → 0, 0xffff → 32 767, 0x0001 → −32 767, 0x7fff → −1.
			name: "160, two signals",
			hdr:  "r 2 100 2\nr.dat 160 200 16 0\nr.dat 160 200 16 0\n",
			data: []byte{0x00, 0x80, 0xff, 0x7f, 0x01, 0x00, 0xff, 0xff},
			want: [][]int{{0, -32767}, {-1, 32767}},
		},
		{
			// Format 24: 0x123456 = 1 193 046 is 56 34 12; −1 193 046 =
			// 0x1000000 − 0x123456 = 0xedcbaa is aa cb ed; 0x7fffff and
			// 0x800000 are the extremes.
			name: "24, two signals",
			hdr:  "r 2 100 3\nr.dat 24 200 24 0\nr.dat 24 200 24 0\n",
			data: []byte{0x01, 0, 0, 0xff, 0xff, 0xff, 0x56, 0x34, 0x12, 0xaa, 0xcb, 0xed, 0xff, 0xff, 0x7f, 0, 0, 0x80},
			want: [][]int{{1, 1193046, 8388607}, {-1, -1193046, -8388608}},
		},
		{
			// Format 32: 0x12345678 = 305 419 896; 0x80000001 = −2 147 483 647.
			name: "32, two signals",
			hdr:  "r 2 100 3\nr.dat 32 200 32 0\nr.dat 32 200 32 0\n",
			data: []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80},
			want: [][]int{{1, 305419896, 2147483647}, {-1, -2147483647, -2147483648}},
		},
		{
			// Format 310, one signal, five samples (1, −1, −300, 511, −512).
			// Group 1: −300 is 0x2d4 (10 bits), low five bits 10100 = 20,
			// high five 10110 = 22; w0 = 1<<1 | 20<<11 = 0xa002,
			// w1 = 0x3ff<<1 | 22<<11 = 0xb7fe. Group 2 holds two samples, as
			// the WFDB library writes it, in four bytes: w0 = 0x1ff<<1 =
			// 0x03fe, w1 = 0x200<<1 = 0x0400.
			name: "310, odd count",
			hdr:  "r 1 100 5\nr.dat 310 200 10 0\n",
			data: []byte{0x02, 0xa0, 0xfe, 0xb7, 0xfe, 0x03, 0x00, 0x04},
			want: [][]int{{1, -1, -300, 511, -512}},
		},
		{
			// Format 310, two signals, two frames: the multiplexed stream is
			// 1, −1, −300, 511: a full group and one leftover sample in two
			// bytes. The packing runs across signals: the group's third
			// sample (−300) is signal 0's second.
			name: "310, two signals",
			hdr:  "r 2 100 2\nr.dat 310 200 10 0\nr.dat 310 200 10 0\n",
			data: []byte{0x02, 0xa0, 0xfe, 0xb7, 0xfe, 0x03},
			want: [][]int{{1, -300}, {-1, 511}},
		},
		{
			// Format 311: the 32-bit word 1 | 0x3ff<<10 | 0x2d4<<20 =
			// 0x2d4ffc01 is 01 fc 4f 2d; the short group 0x1ff | 0x200<<10 =
			// 0x000801ff needs only its first three bytes ff 01 08.
			name: "311, odd count",
			hdr:  "r 1 100 5\nr.dat 311 200 10 0\n",
			data: []byte{0x01, 0xfc, 0x4f, 0x2d, 0xff, 0x01, 0x08},
			want: [][]int{{1, -1, -300, 511, -512}},
		},
		{
			name: "311, two signals",
			hdr:  "r 2 100 2\nr.dat 311 200 10 0\nr.dat 311 200 10 0\n",
			data: []byte{0x01, 0xfc, 0x4f, 0x2d, 0xff, 0x01},
			want: [][]int{{1, -300}, {-1, 511}},
		},
		{
			// Format 212 with an odd count: 1 and 2047 = 0x7ff pack as 01 70 ff
			// (the high nibble 7 of the second sample tops byte 1); the
			// leftover sample −2048 =
			// 0x800 is written as the pair 00 08.
			name: "212, odd count",
			hdr:  "r 1 100 3\nr.dat 212 200 12 0\n",
			data: []byte{0x01, 0x70, 0xff, 0x00, 0x08},
			want: [][]int{{1, 2047, -2048}},
		},
	}
	for _, c := range cases {
		rec, err := decodeHand(t, c.hdr, c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(rec.Digital) != len(c.want) {
			t.Errorf("%s: %d signals, want %d", c.name, len(rec.Digital), len(c.want))
			continue
		}
		for i := range c.want {
			if !slices.Equal(rec.Digital[i], c.want[i]) {
				t.Errorf("%s: signal %d is %v, want %v", c.name, i, rec.Digital[i], c.want[i])
			}
		}
		// One byte less is truncation, reported with the byte count.
		if _, err := decodeHand(t, c.hdr, c.data[:len(c.data)-1]); err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("%s without its last byte: %v, want a truncation error", c.name, err)
		}
	}
}

// TestInvalidSamples: the most negative value of each amplitude format is
// WFDB's invalid-sample mark and reads as NaN; format 8 has no such mark.
func TestInvalidSamples(t *testing.T) {
	cases := []struct {
		format int
		data   []byte // sample 0 = 1 (or +1 for format 8), sample 1 = the mark
	}{
		{160, []byte{0x01, 0x80, 0x00, 0x00}},
		{24, []byte{1, 0, 0, 0, 0, 0x80}},
		{32, []byte{1, 0, 0, 0, 0, 0, 0, 0x80}},
		{310, []byte{0x02, 0x00, 0x00, 0x04}}, // w0 = 1<<1, w1 = 0x200<<1
		{311, []byte{0x01, 0x00, 0x08}},       // 1 | 0x200<<10
	}
	for _, c := range cases {
		rec, err := decodeHand(t, fmt.Sprintf("r 1 100 2\nr.dat %d 100 10 0\n", c.format), c.data)
		if err != nil {
			t.Fatalf("format %d: %v", c.format, err)
		}
		p := rec.Physical(0)
		if p[0] != 0.01 || !math.IsNaN(p[1]) {
			t.Errorf("format %d: physical %v (digital %v), want [0.01 NaN]", c.format, p, rec.Digital[0])
		}
	}
	rec, err := decodeHand(t, "r 1 100 2\nr.dat 8 100 10 0 -127\n", []byte{0xff, 0x00})
	if err != nil {
		t.Fatal(err)
	}
	if p := rec.Physical(0); p[0] != -1.28 || p[1] != -1.28 {
		t.Errorf("format 8: physical %v, want [-1.28 -1.28] (−128 is a value, not a mark)", p)
	}
}

// TestSkew: header(5) says a signal's skew counts its stored samples that
// precede sample 0, so with "16:1" signal 1's sample t is stored frame t+1.
// The checksum covers the stored samples, skewed ones included.
func TestSkew(t *testing.T) {
	// Four stored frames (10, 100) (11, 101) (12, 102) (13, 103).
	data := []byte{10, 0, 100, 0, 11, 0, 101, 0, 12, 0, 102, 0, 13, 0, 103, 0}
	// Checksums of the first 3 stored samples: 10+11+12 = 33, 100+101+102 = 303.
	hdr := "r 2 100 3\nr.dat 16 200 16 0 10 33 0 A\nr.dat 16:1 200 16 0 100 303 0 B\n"
	rec, err := decodeHand(t, hdr, data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.Digital[0], []int{10, 11, 12}) || !slices.Equal(rec.Digital[1], []int{101, 102, 103}) {
		t.Errorf("deskewed %v, want [[10 11 12] [101 102 103]]", rec.Digital)
	}
	// A file of exactly NSamples frames loses the last sample of every
	// signal: signal 1 has no stored frame 3.
	rec, err = decodeHand(t, hdr, data[:12])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.Digital[0], []int{10, 11}) || !slices.Equal(rec.Digital[1], []int{101, 102}) {
		t.Errorf("deskewed short file %v, want [[10 11] [101 102]]", rec.Digital)
	}
	// Skews apply across files too, and to format 8 (after the running sum).
	h, err := ParseHeader("r.hea", []byte("r 2 100\na.dat 8:2 200 10 0 0\nb.dat 16 200\n"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err = Decode(h, map[string][]byte{"a.dat": {1, 1, 1, 1, 1}, "b.dat": {5, 0, 6, 0, 7, 0, 8, 0}})
	if err != nil {
		t.Fatal(err)
	}
	// a: stored 1 2 3 4 5, deskewed 3 4 5; b: 5 6 7 8 cut to the common 3.
	if !slices.Equal(rec.Digital[0], []int{3, 4, 5}) || !slices.Equal(rec.Digital[1], []int{5, 6, 7}) {
		t.Errorf("two files %v, want [[3 4 5] [5 6 7]]", rec.Digital)
	}
	if s := h.Summary(); !strings.Contains(s, "skew 2") {
		t.Errorf("summary does not show the skew:\n%s", s)
	}
	// Huge counts are truncation, not an overflow.
	if _, err := decodeHand(t, "r 1 100 9223372036854775807\nr.dat 16:9223372036854775807 200\n", data); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("huge sample count and skew: %v", err)
	}
	if _, err := decodeHand(t, "r 1 100\nr.dat 16:9 200\n", data); err == nil || !strings.Contains(err.Error(), "skew of 9") {
		t.Errorf("skew past the end: %v", err)
	}
	for _, bad := range []string{"16:-1", "16:x", "16:"} {
		_, err := ParseHeader("r.hea", []byte("r 1 100\nr.dat "+bad+" 200\n"))
		if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "bad skew") {
			t.Errorf("format field %q: %v, want a bad-skew error on line 2", bad, err)
		}
	}
}

// TestByteOffset: "16+4" skips a four-byte preamble, which the checksum
// does not cover; signals of one file must share it.
func TestByteOffset(t *testing.T) {
	data := []byte{0xde, 0xad, 0xbe, 0xef, 3, 0, 0xfe, 0xff} // preamble, 3, −2
	rec, err := decodeHand(t, "r 1 100 2\nr.dat 16+4 200 16 0 3 1 0\n", data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.Digital[0], []int{3, -2}) {
		t.Errorf("after the preamble %v, want [3 -2]", rec.Digital[0])
	}
	// 212+3: a three-byte preamble, then 1 and 2047 packed as 01 70 ff.
	rec, err = decodeHand(t, "r 1 100 2\nr.dat 212+3 200\n", []byte{9, 9, 9, 0x01, 0x70, 0xff})
	if err != nil || !slices.Equal(rec.Digital[0], []int{1, 2047}) {
		t.Errorf("212+3: %v %v, want [1 2047]", err, rec)
	}
	if _, err := decodeHand(t, "r 1 100 2\nr.dat 16+9 200\n", data); err == nil || !strings.Contains(err.Error(), "beyond the end") {
		t.Errorf("offset past the end: %v", err)
	}
	h, err := ParseHeader("r.hea", []byte("r 2 100\nr.dat 16+2 200\nr.dat 16+4 200\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(h, map[string][]byte{"r.dat": data}); err == nil || !strings.Contains(err.Error(), "byte offset 4, not 2") {
		t.Errorf("two offsets in one file: %v", err)
	}
}

// TestADCResolution: header(5) allows 0 or a missing field (the format's
// default); anything outside 1 … 32 bits is refused, naming the line.
func TestADCResolution(t *testing.T) {
	for _, c := range []struct {
		field string
		want  int
	}{{"", 12}, {" 0", 12}, {" 11", 11}, {" 32", 32}} {
		h, err := ParseHeader("r.hea", []byte("r 1 100\nr.dat 16 200"+c.field+"\n"))
		if err != nil || h.Signals[0].ADCRes != c.want {
			t.Errorf("resolution field %q: %v, %+v; want %d bits", c.field, err, h, c.want)
		}
	}
	h, err := ParseHeader("r.hea", []byte("r 2 100\nr.dat 8 200\ns.dat 80 200 0\n"))
	if err != nil || h.Signals[0].ADCRes != 10 || h.Signals[1].ADCRes != 8 {
		t.Errorf("format defaults: %v %+v, want 10 bits for format 8, 8 for format 80", err, h)
	}
	for _, bad := range []string{"99", "-1", "33"} {
		_, err := ParseHeader("r.hea", []byte("r 1 100\n# comment\nr.dat 16 200 "+bad+" 0\n"))
		if err == nil || !strings.Contains(err.Error(), "r.hea, line 3") || !strings.Contains(err.Error(), "ADC resolution "+bad+" bits") {
			t.Errorf("resolution %s: %v, want it refused on line 3", bad, err)
		}
	}
}

// TestSummaryMarksUnconvertible: the header summary says which signals the
// reader cannot convert, and why.
func TestSummaryMarksUnconvertible(t *testing.T) {
	h, err := ParseHeader("r.hea", []byte("r 4 100\na.dat 516 200 16 0 0 0 0 FLAC\nb.dat 16x2 200 16 0 0 0 0 fast\nc.dat 311 200 10 0 0 0 0 ok\nc.dat 16 200 16 0 0 0 0 mixed\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := h.Summary()
	lines := strings.Split(s, "\n")
	marks := 0
	for _, l := range lines {
		if strings.Contains(l, "cannot convert:") {
			marks++
		}
	}
	if marks != 3 || !strings.Contains(s, "format 516 (FLAC-compressed)") || !strings.Contains(s, "2 samples per frame") || !strings.Contains(s, "shares file c.dat with signal 2 but has format 16") {
		t.Errorf("summary marks %d signals, want 3 (FLAC, 2 samples per frame, mixed formats):\n%s", marks, s)
	}
	if got := h.CannotConvert(); len(got) != 3 || got[2] != "" {
		t.Errorf("CannotConvert %v, want signals 0, 1 and 3", got)
	}
}

// encodeStream packs a multiplexed stream of digital values as the WFDB
// library writes it (unused bits zero; short final groups as in format.go),
// written here from signal(5) for the round-trip fuzz test. Format 8
// stores the differences from init (one per signal of nsig).
func encodeStream(code int, v []int, nsig int, init []int) []byte {
	var b []byte
	le16 := func(x int) { b = append(b, byte(x), byte(x>>8)) }
	switch code {
	case 8:
		prev := slices.Clone(init)
		for s, x := range v {
			b = append(b, byte(x-prev[s%nsig]))
			prev[s%nsig] = x
		}
	case 16:
		for _, x := range v {
			le16(x)
		}
	case 61:
		for _, x := range v {
			b = append(b, byte(x>>8), byte(x))
		}
	case 80:
		for _, x := range v {
			b = append(b, byte(x+128))
		}
	case 160:
		for _, x := range v {
			le16(x + 32768)
		}
	case 24:
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8), byte(x>>16))
		}
	case 32:
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
		}
	case 212:
		for s := 0; s < len(v); s += 2 {
			if s+1 == len(v) {
				le16(v[s] & 0xfff)
				break
			}
			b = append(b, byte(v[s]), byte(v[s]>>8&0x0f|v[s+1]>>4&0xf0), byte(v[s+1]))
		}
	case 310:
		for s := 0; s < len(v); s += 3 {
			w0 := v[s] & 0x3ff << 1
			if s+1 == len(v) {
				le16(w0)
				break
			}
			w1 := v[s+1] & 0x3ff << 1
			if s+2 < len(v) {
				w0 |= v[s+2] & 0x1f << 11
				w1 |= v[s+2] >> 5 & 0x1f << 11
			}
			le16(w0)
			le16(w1)
		}
	case 311:
		for s := 0; s < len(v); s += 3 {
			w := v[s] & 0x3ff
			n := 2
			if s+1 < len(v) {
				w |= v[s+1] & 0x3ff << 10
				n = 3
			}
			if s+2 < len(v) {
				w |= v[s+2] & 0x3ff << 20
				n = 4
			}
			b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
			b = b[:len(b)-4+n]
		}
	}
	return b
}

var fuzzFormats = []int{8, 16, 24, 32, 61, 80, 160, 212, 310, 311}

// FuzzFormats decodes arbitrary bytes in every format with one to three
// multiplexed signals and a skew, and checks that (1) the reader never
// panics, (2) re-encoding the stored stream per signal(5) gives back the
// bytes in every bit the format uses, and (3) deskewing shifts each signal
// by its skew and cuts all to one length.
func FuzzFormats(f *testing.F) {
	f.Add([]byte{0x02, 0xa0, 0xfe, 0xb7, 0xfe, 0x03, 0x00, 0x04}, uint8(8), uint8(0), uint8(0))
	f.Add([]byte{0x01, 0xfc, 0x4f, 0x2d, 0xff, 0x01, 0x08}, uint8(9), uint8(1), uint8(1))
	f.Add([]byte{0x05, 0xff, 0x80, 0x7f, 0x01, 0x00, 7}, uint8(0), uint8(1), uint8(2))
	f.Add([]byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x78, 0x56, 0x34}, uint8(3), uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which, nsigRaw, skewRaw uint8) {
		code := fuzzFormats[int(which)%len(fuzzFormats)]
		nsig := 1 + int(nsigRaw)%3
		skew := int(skewRaw) % 4
		var plain, skewed strings.Builder
		fmt.Fprintf(&plain, "r %d 100\n", nsig)
		fmt.Fprintf(&skewed, "r %d 100\n", nsig)
		init := make([]int, nsig)
		for k := range nsig {
			init[k] = k - 1
			fmt.Fprintf(&plain, "r.dat %d 200 0 0 %d\n", code, init[k])
			s := 0
			if k == nsig-1 {
				s = skew
			}
			fmt.Fprintf(&skewed, "r.dat %d:%d 200 0 0 %d\n", code, s, init[k])
		}
		rec, err := decodeHand(t, plain.String(), data)
		if err != nil {
			t.Fatalf("no header limit was given, yet: %v", err)
		}
		frames := len(rec.Digital[0])
		fm := formats[code]
		if want := fm.samplesIn(len(data)) / nsig; frames != want {
			t.Fatalf("format %d, %d signals, %d bytes: %d frames, want %d", code, nsig, len(data), frames, want)
		}
		stream := make([]int, 0, frames*nsig)
		for tt := range frames {
			for k := range nsig {
				v := rec.Digital[k][tt]
				if code != 8 && (v < -1<<(fm.bits-1) || v >= 1<<(fm.bits-1)) {
					t.Fatalf("format %d: value %d outside %d bits", code, v, fm.bits)
				}
				stream = append(stream, v)
			}
		}
		enc := encodeStream(code, stream, nsig, init)
		// The bits the format uses: all, or those set when every sample is −1.
		mask := encodeStream(code, slices.Repeat([]int{-1}, len(stream)), nsig, make([]int, nsig))
		if code != 212 && code != 310 && code != 311 {
			mask = slices.Repeat([]byte{0xff}, len(enc))
		}
		if len(enc) != fm.bytesFor(len(stream)) || len(enc) > len(data) {
			t.Fatalf("format %d: %d samples re-encode to %d bytes, bytesFor says %d, the data has %d", code, len(stream), len(enc), fm.bytesFor(len(stream)), len(data))
		}
		for i := range enc {
			if data[i]&mask[i] != enc[i] {
				t.Fatalf("format %d, %d signals: byte %d is %#02x, re-encoded %#02x (mask %#02x); stream %v", code, nsig, i, data[i], enc[i], mask[i], stream)
			}
		}
		srec, err := decodeHand(t, skewed.String(), data)
		if skew > 0 && skew >= frames {
			if err == nil {
				t.Fatalf("skew %d with %d frames accepted", skew, frames)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for k := range nsig {
			s := 0
			if k == nsig-1 {
				s = skew
			}
			if !slices.Equal(srec.Digital[k], rec.Digital[k][s:s+frames-skew]) {
				t.Fatalf("signal %d with skew %d: %v, want %v shifted", k, s, srec.Digital[k], rec.Digital[k])
			}
		}
	})
}

// TestDecodeSignals decodes only the files holding the signals asked for,
// numbering signals as the header does in its errors and its result.
func TestDecodeSignals(t *testing.T) {
	// Signal 1 (b.dat) holds 3 and 4: checksum 7; the header says 8.
	h, err := ParseHeader("r.hea", []byte("r 3 100 2\na.dat 516 200\nb.dat 16 200 16 0 3 8 0 B\nb.dat 16 200 16 0 0 0 0 C\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := []byte{3, 0, 1, 0, 4, 0, 0xff, 0xff}
	if _, err := DecodeSignals(h, map[string][]byte{"b.dat": b}, []int{2}); err == nil || !strings.Contains(err.Error(), "checksum of signal 1 is 7, the header says 8") {
		t.Errorf("checksum error %v, want it to name signal 1", err)
	}
	h.Signals[1].Checksum = 7
	rec, err := DecodeSignals(h, map[string][]byte{"b.dat": b}, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Digital[0] != nil || !slices.Equal(rec.Digital[1], []int{3, 4}) || !slices.Equal(rec.Digital[2], []int{1, -1}) || rec.Samples != 2 {
		t.Errorf("decoded %v (%d samples), want signal 0 left out, [3 4], [1 -1]", rec.Digital, rec.Samples)
	}
	x, err := rec.Rows(nil, 0, 0, true)
	if err != nil || !slices.Equal(x, []float64{3, 1, 4, -1}) {
		t.Errorf("rows of the decoded signals %v %v, want [3 1 4 -1]", x, err)
	}
	if _, err := rec.Rows([]int{0}, 0, 0, true); err == nil || !strings.Contains(err.Error(), "signal 0 was not decoded") {
		t.Errorf("rows of a signal not decoded: %v", err)
	}
	if _, err := DecodeSignals(h, map[string][]byte{"b.dat": b}, []int{0}); err == nil || !strings.Contains(err.Error(), "signal 0: format 516") {
		t.Errorf("the FLAC signal: %v", err)
	}
	if _, err := DecodeSignals(h, nil, []int{3}); err == nil || !strings.Contains(err.Error(), "no signal 3") {
		t.Errorf("signal 3: %v", err)
	}
}
