package wfdb

import (
	"fmt"
	"strconv"
	"strings"
)

// Header is a parsed single-segment record header.
type Header struct {
	Record   string
	Fs       float64 // samples per second per signal (default 250)
	NSamples int     // samples per signal (0 if not given)
	Signals  []Signal
	BaseTime string
	BaseDate string
	Comments []string // '#' lines, without the '#'
}

// Signal is one signal specification line.
type Signal struct {
	File            string
	Format          int
	SamplesPerFrame int
	Skew            int     // stored samples that precede sample 0 (header(5) "skew")
	ByteOffset      int     // bytes before sample 0 in the file (a preamble)
	Gain            float64 // ADC units per physical unit
	Baseline        int
	Units           string
	ADCRes          int // bits; a missing or zero field becomes the format's default
	ADCZero         int
	InitValue       int // sample 0's value (used by format 8); defaults to ADCZero
	Checksum        int
	HasChecksum     bool
	Description     string
}

// Error is a parse error with its location.
type Error struct {
	File string
	Line int   // 1-based line of a header (0 if not applicable)
	Off  int64 // byte offset in a binary file (−1 if not applicable)
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("wfdb: %s, line %d: %s", e.File, e.Line, e.Msg)
	case e.Off >= 0:
		return fmt.Sprintf("wfdb: %s, byte %d: %s", e.File, e.Off, e.Msg)
	}
	return fmt.Sprintf("wfdb: %s: %s", e.File, e.Msg)
}

// ParseHeader parses the header file named name (for messages) with content b.
func ParseHeader(name string, b []byte) (*Header, error) {
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	h := &Header{Fs: 250}
	fail := func(line int, format string, args ...any) error {
		return &Error{File: name, Line: line, Off: -1, Msg: fmt.Sprintf(format, args...)}
	}
	nsig := -1
	for i, raw := range lines {
		ln := i + 1
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			h.Comments = append(h.Comments, strings.TrimSpace(line[1:]))
			continue
		}
		// A '#' later on a line starts a comment too.
		if k := strings.Index(line, "#"); k >= 0 {
			line = strings.TrimSpace(line[:k])
		}
		f := strings.Fields(line)
		if nsig < 0 { // the record line
			if strings.Contains(f[0], "/") {
				return nil, fail(ln, "multi-segment record %q is not supported (convert it to a single segment first)", f[0])
			}
			h.Record = f[0]
			if len(f) < 2 {
				return nil, fail(ln, "record line lacks the number of signals")
			}
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 0 || n > 1<<16 {
				return nil, fail(ln, "bad number of signals %q", f[1])
			}
			nsig = n
			if len(f) > 2 {
				fs := f[2]
				if k := strings.IndexAny(fs, "/("); k >= 0 {
					fs = fs[:k]
				}
				v, err := strconv.ParseFloat(fs, 64)
				if err != nil || !(v > 0) || v > 1e9 {
					return nil, fail(ln, "bad sampling frequency %q", f[2])
				}
				h.Fs = v
			}
			if len(f) > 3 {
				v, err := strconv.Atoi(f[3])
				if err != nil || v < 0 {
					return nil, fail(ln, "bad number of samples %q", f[3])
				}
				h.NSamples = v
			}
			if len(f) > 4 {
				h.BaseTime = f[4]
			}
			if len(f) > 5 {
				h.BaseDate = f[5]
			}
			continue
		}
		if len(h.Signals) == nsig {
			return nil, fail(ln, "more signal lines than the %d the record line announces", nsig)
		}
		s, err := parseSignal(f)
		if err != "" {
			return nil, fail(ln, "%s", err)
		}
		h.Signals = append(h.Signals, s)
	}
	if nsig < 0 {
		return nil, &Error{File: name, Off: -1, Msg: "no record line"}
	}
	if len(h.Signals) != nsig {
		return nil, &Error{File: name, Off: -1, Msg: fmt.Sprintf("the record line announces %d signals, the header has %d signal lines", nsig, len(h.Signals))}
	}
	return h, nil
}

func parseSignal(f []string) (Signal, string) {
	s := Signal{SamplesPerFrame: 1, Gain: 200, Units: "mV"}
	s.File = f[0]
	if len(f) < 2 {
		return s, "signal line lacks the format"
	}
	fm := f[1]
	if k := strings.Index(fm, "+"); k >= 0 {
		off, err := strconv.Atoi(fm[k+1:])
		if err != nil || off < 0 {
			return s, fmt.Sprintf("bad byte offset in %q", f[1])
		}
		s.ByteOffset, fm = off, fm[:k]
	}
	if k := strings.Index(fm, ":"); k >= 0 {
		skew, err := strconv.Atoi(fm[k+1:])
		if err != nil || skew < 0 {
			return s, fmt.Sprintf("bad skew in %q (want a whole number of samples ≥ 0 after the ':')", f[1])
		}
		s.Skew, fm = skew, fm[:k]
	}
	if k := strings.Index(fm, "x"); k >= 0 {
		spf, err := strconv.Atoi(fm[k+1:])
		if err != nil || spf < 1 {
			return s, fmt.Sprintf("bad samples per frame in %q", f[1])
		}
		s.SamplesPerFrame, fm = spf, fm[:k]
	}
	v, err := strconv.Atoi(fm)
	if err != nil {
		return s, fmt.Sprintf("bad format %q", f[1])
	}
	s.Format = v
	baselineSet := false
	if len(f) > 2 {
		g := f[2]
		if k := strings.Index(g, "/"); k >= 0 {
			s.Units, g = g[k+1:], g[:k]
		}
		if k := strings.Index(g, "("); k >= 0 {
			e := strings.Index(g, ")")
			if e < k {
				return s, fmt.Sprintf("bad baseline in %q", f[2])
			}
			b, err := strconv.Atoi(g[k+1 : e])
			if err != nil {
				return s, fmt.Sprintf("bad baseline in %q", f[2])
			}
			s.Baseline, baselineSet, g = b, true, g[:k]
		}
		gain, err := strconv.ParseFloat(g, 64)
		if err != nil || gain < 0 {
			return s, fmt.Sprintf("bad ADC gain %q", f[2])
		}
		if gain > 0 {
			s.Gain = gain
		}
	}
	names := []string{"ADC resolution", "ADC zero", "initial value"}
	ints := []*int{&s.ADCRes, &s.ADCZero, &s.InitValue}
	for i, p := range ints {
		if len(f) > 3+i {
			v, err := strconv.Atoi(f[3+i])
			if err != nil {
				return s, fmt.Sprintf("bad %s %q (want an integer)", names[i], f[3+i])
			}
			*p = v
		}
	}
	if s.ADCRes < 0 || s.ADCRes > 32 {
		return s, fmt.Sprintf("ADC resolution %d bits is outside 1 … 32 (0 or a missing field means the format's default)", s.ADCRes)
	}
	if s.ADCRes == 0 {
		s.ADCRes = defaultADCRes(s.Format)
	}
	if len(f) <= 5 {
		s.InitValue = s.ADCZero // header(5): the initial value defaults to the ADC zero
	}
	if len(f) > 6 {
		v, err := strconv.Atoi(f[6])
		if err != nil {
			return s, fmt.Sprintf("bad checksum %q", f[6])
		}
		s.Checksum, s.HasChecksum = v, true
	}
	// f[7] is the block size; the rest is the description.
	if len(f) > 8 {
		s.Description = strings.Join(f[8:], " ")
	}
	if !baselineSet {
		s.Baseline = s.ADCZero
	}
	return s, ""
}

// defaultADCRes is header(5)'s ADC resolution for a missing or zero field:
// 12 bits for amplitude formats, 10 for the difference format 8, or fewer if
// the format stores fewer.
func defaultADCRes(format int) int {
	switch format {
	case 8, 310, 311:
		return 10
	case 80:
		return 8
	}
	return 12
}

// Summary is a human-readable description of the header. A signal Decode
// cannot read is marked "cannot convert:" with the reason.
func (h *Header) Summary() string {
	var b strings.Builder
	dur := ""
	if h.NSamples > 0 {
		dur = fmt.Sprintf(", %d samples (%.1f s)", h.NSamples, float64(h.NSamples)/h.Fs)
	}
	fmt.Fprintf(&b, "record %s: %d signals at %g Hz%s\n", h.Record, len(h.Signals), h.Fs, dur)
	for i, s := range h.Signals {
		extra := ""
		if s.Skew > 0 {
			extra += fmt.Sprintf(", skew %d", s.Skew)
		}
		if s.ByteOffset > 0 {
			extra += fmt.Sprintf(", byte offset %d", s.ByteOffset)
		}
		fmt.Fprintf(&b, "  %2d %-10s format %-3d gain %g adu/%s, baseline %d, %d-bit ADC, file %s%s\n",
			i, s.Description, s.Format, s.Gain, s.Units, s.Baseline, s.ADCRes, s.File, extra)
		if why := h.cannotConvert(i); why != "" {
			fmt.Fprintf(&b, "     cannot convert: %s\n", why)
		}
	}
	for _, c := range h.Comments {
		fmt.Fprintf(&b, "  # %s\n", c)
	}
	return b.String()
}
