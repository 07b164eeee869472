package wfdb

import (
	"fmt"
	"math"
)

// Record holds decoded signals: Digital[i] is signal i in ADC units (nil if
// it was not decoded), Samples long.
type Record struct {
	Header  *Header
	Digital [][]int
	Samples int
}

// Decode decodes every signal of h from the signal files' contents, keyed by
// the file names the header gives: DecodeSignals with all signals.
func Decode(h *Header, files map[string][]byte) (*Record, error) {
	return DecodeSignals(h, files, nil)
}

// DecodeSignals decodes the given signals of h (all if none are given) and
// the others stored in their files, which are multiplexed with them; the
// other files need not be in files, and their signals stay nil in
// Record.Digital. Errors number the signals as h does.
//
// Signals sharing a file are multiplexed sample by sample, in header order,
// from the byte offset the header gives (the same for all signals of a
// file). Checksums in the header are verified over the first NSamples
// stored samples of each signal.
//
// Skew (header(5)): a signal with skew k has k stored samples that precede
// sample 0, so its sample t is read from stored frame t+k. The record has
// one length for all decoded signals: the number of frames every one of
// them fills after deskewing, at most NSamples when the header gives it (so
// a file that holds just NSamples frames yields NSamples − max skew samples,
// as the WFDB library's getvec does).
func DecodeSignals(h *Header, files map[string][]byte, signals []int) (*Record, error) {
	rec := &Record{Header: h, Digital: make([][]int, len(h.Signals))}
	want := map[string]bool{}
	for _, i := range signals {
		if i < 0 || i >= len(h.Signals) {
			return nil, &Error{File: h.Record, Off: -1, Msg: fmt.Sprintf("no signal %d (the record has %d)", i, len(h.Signals))}
		}
		want[h.Signals[i].File] = true
	}
	// Group the signals by file, keeping header order.
	var order []string
	groups := map[string][]int{}
	for i, s := range h.Signals {
		if len(signals) > 0 && !want[s.File] {
			continue
		}
		if _, seen := groups[s.File]; !seen {
			order = append(order, s.File)
		}
		groups[s.File] = append(groups[s.File], i)
	}
	raw := make([][]int, len(h.Signals))
	nout := -1 // common length after deskewing
	for _, name := range order {
		idx := groups[name]
		for _, i := range idx {
			if why := h.cannotConvert(i); why != "" {
				return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("signal %d: %s", i, why)}
			}
		}
		first := h.Signals[idx[0]]
		f := formats[first.Format]
		b, ok := files[name]
		if !ok {
			return nil, &Error{File: name, Off: -1, Msg: "signal file not given"}
		}
		if first.ByteOffset > len(b) {
			return nil, &Error{File: name, Off: int64(len(b)), Msg: fmt.Sprintf("byte offset %d lies beyond the end of the file", first.ByteOffset)}
		}
		data := b[first.ByteOffset:]
		nsig := len(idx)
		maxSkew := 0
		for _, i := range idx {
			maxSkew = max(maxSkew, h.Signals[i].Skew)
		}
		avail := f.samplesIn(len(data)) / nsig // whole frames in the file
		n := avail
		if h.NSamples > 0 {
			if h.NSamples > avail {
				need := "more bytes than an int counts"
				if h.NSamples <= 1<<40 {
					need = fmt.Sprintf("%d bytes", f.bytesFor(h.NSamples*nsig))
				}
				return nil, &Error{File: name, Off: int64(first.ByteOffset + len(data)), Msg: fmt.Sprintf("truncated: %d samples of %d signals in format %d need %s, the file has %d", h.NSamples, nsig, first.Format, need, len(data))}
			}
			// Frames past NSamples are read only to deskew.
			if maxSkew < avail-h.NSamples {
				n = h.NSamples + maxSkew
			}
		}
		init := make([]int, nsig)
		for k, i := range idx {
			init[k] = h.Signals[i].InitValue
		}
		sig := f.decodeStream(data, nsig, n, init)
		for k, i := range idx {
			raw[i] = sig[k]
			s := h.Signals[i]
			if s.Skew > 0 && s.Skew >= n {
				return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("signal %d has a skew of %d samples, but the file holds only %d frames", i, s.Skew, n)}
			}
			if nout < 0 || n-s.Skew < nout {
				nout = n - s.Skew
			}
			if !s.HasChecksum {
				continue
			}
			m := n
			if h.NSamples > 0 {
				m = h.NSamples
			}
			var sum int
			for _, v := range sig[k][:m] {
				sum += v
			}
			if int16(sum) != int16(s.Checksum) {
				return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("checksum of signal %d is %d, the header says %d: the file is corrupt or does not belong to this header", i, int16(sum), s.Checksum)}
			}
		}
	}
	if h.NSamples > 0 && nout > h.NSamples {
		nout = h.NSamples
	}
	for i, s := range h.Signals {
		if raw[i] != nil {
			rec.Digital[i] = raw[i][s.Skew : s.Skew+nout : s.Skew+nout]
		}
	}
	rec.Samples = max(nout, 0)
	return rec, nil
}

// cannotConvert says why Decode cannot read signal i of h ("" if it can).
func (h *Header) cannotConvert(i int) string {
	s := h.Signals[i]
	if _, ok := formats[s.Format]; !ok {
		return unsupportedFormat(s.Format)
	}
	if s.SamplesPerFrame != 1 {
		return fmt.Sprintf("%d samples per frame (a signal sampled at a multiple of the frame rate) is not supported; only 1 is", s.SamplesPerFrame)
	}
	for j := range i {
		g := h.Signals[j]
		if g.File != s.File {
			continue
		}
		if g.Format != s.Format {
			return fmt.Sprintf("it shares file %s with signal %d but has format %d, not %d (header(5): one format per file)", s.File, j, s.Format, g.Format)
		}
		if g.ByteOffset != s.ByteOffset {
			return fmt.Sprintf("it shares file %s with signal %d but has byte offset %d, not %d (header(5): one offset per file)", s.File, j, s.ByteOffset, g.ByteOffset)
		}
		break
	}
	return ""
}

// CannotConvert says, for each signal Decode cannot read, why (nil if it can
// read them all).
func (h *Header) CannotConvert() map[int]string {
	var out map[int]string
	for i := range h.Signals {
		if why := h.cannotConvert(i); why != "" {
			if out == nil {
				out = map[int]string{}
			}
			out[i] = why
		}
	}
	return out
}

// Physical returns signal i in physical units, (digital − baseline)/gain,
// with invalid samples (the format's most negative value; format 8 has none)
// as NaN.
func (r *Record) Physical(i int) []float64 {
	s := r.Header.Signals[i]
	f := formats[s.Format]
	out := make([]float64, len(r.Digital[i]))
	for t, v := range r.Digital[i] {
		if !f.diff && v == f.invalid {
			out[t] = math.NaN()
			continue
		}
		out[t] = float64(v-s.Baseline) / s.Gain
	}
	return out
}

// Rows returns the chosen signals (all decoded ones if none are given) over
// samples [from, to) (to ≤ 0: the end) as a row-major (to−from)×len(signals)
// series, in physical units or, with digital set, in ADC units.
func (r *Record) Rows(signals []int, from, to int, digital bool) ([]float64, error) {
	if len(signals) == 0 {
		for i, d := range r.Digital {
			if d != nil {
				signals = append(signals, i)
			}
		}
	}
	n := r.Samples
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
		if r.Digital[i] == nil {
			return nil, fmt.Errorf("wfdb: signal %d was not decoded (its file %s was not read)", i, r.Header.Signals[i].File)
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
