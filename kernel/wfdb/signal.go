package wfdb

import (
	"fmt"
	"math"
)

// Record holds decoded signals: Digital[i] is signal i in ADC units.
type Record struct {
	Header  *Header
	Digital [][]int
}

// invalid marks the WFDB "invalid sample" value of each format (the most
// negative value); it becomes NaN in physical units.
var invalid = map[int]int{16: -32768, 61: -32768, 80: -128, 212: -2048}

// bytesPer gives the storage of one sample (212 packs two in three bytes).
func bytesPer(format int) (num, den int, ok bool) {
	switch format {
	case 16, 61:
		return 2, 1, true
	case 80:
		return 1, 1, true
	case 212:
		return 3, 2, true
	}
	return 0, 0, false
}

// Decode decodes the signals of h from the signal files' contents, keyed by
// the file names the header gives. Signals sharing a file are interleaved
// sample by sample, in header order. Checksums in the header are verified.
func Decode(h *Header, files map[string][]byte) (*Record, error) {
	rec := &Record{Header: h, Digital: make([][]int, len(h.Signals))}
	// Group the signals by file, keeping header order.
	var order []string
	groups := map[string][]int{}
	for i, s := range h.Signals {
		if _, seen := groups[s.File]; !seen {
			order = append(order, s.File)
		}
		groups[s.File] = append(groups[s.File], i)
	}
	for _, name := range order {
		idx := groups[name]
		first := h.Signals[idx[0]]
		for _, i := range idx {
			s := h.Signals[i]
			if s.Format != first.Format {
				return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("signals %d and %d share the file but have formats %d and %d", idx[0], i, first.Format, s.Format)}
			}
			if s.SamplesPerFrame != 1 {
				return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("signal %d has %d samples per frame; only 1 is supported", i, s.SamplesPerFrame)}
			}
		}
		num, den, ok := bytesPer(first.Format)
		if !ok {
			return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("signal format %d is not supported (supported: 16, 61, 80, 212)", first.Format)}
		}
		b, ok := files[name]
		if !ok {
			return nil, &Error{File: name, Off: -1, Msg: "signal file not given"}
		}
		if first.ByteOffset > len(b) {
			return nil, &Error{File: name, Off: int64(len(b)), Msg: fmt.Sprintf("byte offset %d lies beyond the end of the file", first.ByteOffset)}
		}
		data := b[first.ByteOffset:]
		nsig := len(idx)
		avail := len(data) * den / num / nsig
		n := h.NSamples
		if n == 0 {
			n = avail
		}
		if need := (n*nsig*num + den - 1) / den; need > len(data) {
			return nil, &Error{File: name, Off: int64(first.ByteOffset + len(data)), Msg: fmt.Sprintf("truncated: %d samples of %d signals in format %d need %d bytes, the file has %d", n, nsig, first.Format, need, len(data))}
		}
		for _, i := range idx {
			rec.Digital[i] = make([]int, n)
		}
		for t := 0; t < n; t++ {
			for k, i := range idx {
				rec.Digital[i][t] = sample(data, first.Format, t*nsig+k)
			}
		}
		for _, i := range idx {
			s := h.Signals[i]
			if !s.HasChecksum {
				continue
			}
			var sum int
			for _, v := range rec.Digital[i] {
				sum += v
			}
			if int16(sum) != int16(s.Checksum) {
				return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("checksum of signal %d is %d, the header says %d: the file is corrupt or does not belong to this header", i, int16(sum), s.Checksum)}
			}
		}
	}
	return rec, nil
}

// sample decodes the s-th sample of the interleaved stream.
func sample(d []byte, format, s int) int {
	switch format {
	case 16:
		return int(int16(uint16(d[2*s]) | uint16(d[2*s+1])<<8))
	case 61:
		return int(int16(uint16(d[2*s])<<8 | uint16(d[2*s+1])))
	case 80:
		return int(d[s]) - 128
	case 212:
		p := 3 * (s / 2)
		var v int
		if s%2 == 0 {
			v = int(d[p]) | int(d[p+1]&0x0f)<<8
		} else {
			v = int(d[p+2]) | int(d[p+1]&0xf0)<<4
		}
		if v >= 2048 {
			v -= 4096
		}
		return v
	}
	panic("wfdb: unsupported format")
}

// Physical returns signal i in physical units, (digital − baseline)/gain,
// with invalid samples as NaN.
func (r *Record) Physical(i int) []float64 {
	s := r.Header.Signals[i]
	bad, hasBad := invalid[s.Format]
	out := make([]float64, len(r.Digital[i]))
	for t, v := range r.Digital[i] {
		if hasBad && v == bad {
			out[t] = math.NaN()
			continue
		}
		out[t] = float64(v-s.Baseline) / s.Gain
	}
	return out
}

// Rows returns the chosen signals (all if none are given) over samples
// [from, to) as a row-major (to−from)×len(signals) series, in physical units
// or, with digital set, in ADC units.
func (r *Record) Rows(signals []int, from, to int, digital bool) ([]float64, error) {
	if len(signals) == 0 {
		for i := range r.Digital {
			signals = append(signals, i)
		}
	}
	n := 0
	if len(r.Digital) > 0 {
		n = len(r.Digital[0])
	}
	if to <= 0 || to > n {
		to = n
	}
	if from < 0 || from >= to {
		return nil, fmt.Errorf("wfdb: sample range [%d, %d) is empty or outside the record's %d samples", from, to, n)
	}
	cols := make([][]float64, len(signals))
	for k, i := range signals {
		if i < 0 || i >= len(r.Digital) {
			return nil, fmt.Errorf("wfdb: no signal %d (the record has %d)", i, len(r.Digital))
		}
		if digital {
			c := make([]float64, n)
			for t, v := range r.Digital[i] {
				c[t] = float64(v)
			}
			cols[k] = c
		} else {
			cols[k] = r.Physical(i)
		}
	}
	out := make([]float64, 0, (to-from)*len(signals))
	for t := from; t < to; t++ {
		for k := range signals {
			out = append(out, cols[k][t])
		}
	}
	return out, nil
}
