package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/wfdb"
)

// cmdWFDB prints a PhysioNet record's header (and annotation counts) or
// converts chosen signals and a sample or time range to .npy or CSV, with a
// JSON sidecar (the output name + ".json") naming the columns, their units,
// the sampling rate and the start. A flag the user typed is applied or
// refused: a conversion flag without --out, --start with --from, a channel
// listed twice or a range outside the record are errors naming the flag.
func cmdWFDB(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("wfdb", stderr)
	record := fs.String("record", "", "record path without extension, e.g. data/100 for data/100.hea and data/100.dat (required; a path ending in .hea works too)")
	channels := fs.String("channels", "", "comma-separated signal numbers, each at most once, in the order wanted (default: all)")
	from := fs.Int("from", 0, "first sample, 0-based (or --start; default: the first)")
	to := fs.Int("to", 0, "end sample, exclusive (or --end; default: the end of the record)")
	start := fs.Float64("start", 0, "start time in seconds (or --from; default: the start)")
	end := fs.Float64("end", 0, "end time in seconds, exclusive (or --to; default: the end of the record)")
	digital := fs.Bool("digital", false, "write ADC units instead of physical units")
	out := fs.String("out", "", "write the signals to this .npy or .csv file, and their names, units and timing to the same name + .json (without --out: print the header)")
	annotator := fs.String("annotator", "atr", "annotation file extension to summarise with the header")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *record == "" {
		return usageError{errors.New("--record is required (a record path without extension, e.g. data/100)")}
	}
	rng, err := checkWFDBFlags(set, *out, *from, *to, *start, *end)
	if err != nil {
		return usageError{err}
	}
	sig, err := parseChannels(set["channels"], *channels)
	if err != nil {
		return usageError{err}
	}
	base := strings.TrimSuffix(*record, ".hea")
	hname := base + ".hea"
	hb, err := os.ReadFile(hname)
	if err != nil {
		return errorf("cannot read the header: %v", err)
	}
	h, err := wfdb.ParseHeader(filepath.Base(hname), hb)
	if err != nil {
		return wfdbError(err)
	}
	if *out == "" {
		fmt.Fprint(stdout, h.Summary())
		line, err := annotationLine(base, *annotator, set["annotator"])
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, line)
		return nil
	}
	for _, i := range sig {
		if i >= len(h.Signals) {
			return usageError{fmt.Errorf("--channels: %d is not a signal number of this record (0 … %d)", i, len(h.Signals)-1)}
		}
	}
	// Read only the files the chosen signals need; every signal of such a
	// file is decoded (they are multiplexed), so each must be readable.
	need := map[string]bool{}
	for i, s := range h.Signals {
		if len(sig) == 0 || contains(sig, i) {
			need[s.File] = true
		}
	}
	bad := h.CannotConvert()
	for i, s := range h.Signals {
		if why, ok := bad[i]; ok && need[s.File] {
			hint := ""
			if len(sig) == 0 || !contains(sig, i) {
				hint = " (choose signals of other files with --channels)"
			}
			return errorf("%s: signal %d cannot be converted: %s%s", filepath.Base(hname), i, why, hint)
		}
	}
	files := map[string][]byte{}
	dir := filepath.Dir(base)
	for name := range need {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return errorf("cannot read signal file: %v", err)
		}
		files[name] = b
	}
	rec, err := wfdb.DecodeSignals(h, files, sig)
	if err != nil {
		return wfdbError(err)
	}
	cols := sig
	if len(cols) == 0 {
		for i := range h.Signals {
			cols = append(cols, i)
		}
	}
	n := rec.Samples
	if n == 0 {
		return errorf("%s: the record holds no samples", filepath.Base(hname))
	}
	lo, hi, err := rng.samples(h.Fs, n)
	if err != nil {
		return usageError{err}
	}
	x, err := rec.Rows(cols, lo, hi, *digital)
	if err != nil {
		return wfdbError(err)
	}
	names := make([]string, len(cols))
	side := wfdbSidecar{Record: h.Record, Values: "physical", Fs: h.Fs, FirstSample: lo, StartSeconds: float64(lo) / h.Fs, Rows: hi - lo, BaseTime: h.BaseTime, BaseDate: h.BaseDate}
	if *digital {
		side.Values = "digital (ADC units)"
	}
	for k, c := range cols {
		s := h.Signals[c]
		name := s.Description
		if name == "" {
			name = fmt.Sprintf("signal%d", c)
		}
		units := s.Units
		if *digital {
			units = "adu"
		}
		names[k] = name
		if units != "" {
			names[k] += " (" + units + ")"
		}
		side.Columns = append(side.Columns, sidecarColumn{Signal: c, Name: name, Units: s.Units, Gain: s.Gain, Baseline: s.Baseline})
	}
	switch strings.ToLower(filepath.Ext(*out)) {
	case ".npy":
		err = writeNPY(*out, x, len(cols))
	case ".csv":
		err = writeAtomic(*out, func(w io.Writer) error { return writeSignalCSV(w, names, x) })
	}
	if err != nil {
		return err
	}
	if err := writeAtomic(*out+".json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(side)
	}); err != nil {
		return err
	}
	unit := "physical units"
	if *digital {
		unit = "ADC units"
	}
	fmt.Fprintf(stdout, "wrote %d samples × %d signals (%s) to %s; names, units and timing in %s.json\n", hi-lo, len(cols), unit, *out, *out)
	return nil
}

// wfdbSidecar is the JSON file written beside a converted record
// (docs/config.md, "rnnlab wfdb").
type wfdbSidecar struct {
	Record       string          `json:"record"`
	Values       string          `json:"values"` // "physical" or "digital (ADC units)"
	Fs           float64         `json:"fs_hz"`
	FirstSample  int             `json:"first_sample"` // the record's sample in row 0
	StartSeconds float64         `json:"start_s"`      // first_sample / fs_hz
	Rows         int             `json:"rows"`
	BaseTime     string          `json:"base_time,omitempty"` // the record's start, from its header
	BaseDate     string          `json:"base_date,omitempty"`
	Columns      []sidecarColumn `json:"columns"`
}

type sidecarColumn struct {
	Signal   int     `json:"signal"` // number in the record
	Name     string  `json:"name"`
	Units    string  `json:"units"`    // physical units
	Gain     float64 `json:"gain"`     // ADC units per physical unit
	Baseline int     `json:"baseline"` // ADC units at physical zero
}

// writeSignalCSV writes a header row (quoted per RFC 4180 where a name
// needs it) and the rows×len(names) values.
func writeSignalCSV(w io.Writer, names []string, x []float64) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(names); err != nil {
		return err
	}
	n := len(names)
	row := make([]string, n)
	for t := 0; t < len(x)/n; t++ {
		for k := range row {
			row[k] = strconv.FormatFloat(x[t*n+k], 'g', -1, 64)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// sampleRange is the range the flags ask for, in samples or seconds.
type sampleRange struct {
	from, to       int     // samples (to 0: the end)
	start, end     float64 // seconds (end 0: the end)
	seconds        bool    // --start given
	endSeconds     bool    // --end given
	fromSet, toSet bool
}

// checkWFDBFlags refuses flags that would be ignored or contradict another.
func checkWFDBFlags(set map[string]bool, out string, from, to int, start, end float64) (sampleRange, error) {
	r := sampleRange{from: from, to: to, start: start, end: end, seconds: set["start"], endSeconds: set["end"], fromSet: set["from"], toSet: set["to"]}
	if out == "" {
		for _, f := range []string{"channels", "from", "to", "start", "end", "digital"} {
			if set[f] {
				return r, fmt.Errorf("--%s applies only with --out (without --out, rnnlab wfdb prints the header)", f)
			}
		}
		return r, nil
	}
	if set["annotator"] {
		return r, errors.New("--annotator applies only without --out (it picks the annotations the header summary counts)")
	}
	if ext := strings.ToLower(filepath.Ext(out)); ext != ".npy" && ext != ".csv" {
		return r, fmt.Errorf("--out %s: write .npy or .csv", out)
	}
	if r.seconds && r.fromSet {
		return r, errors.New("--start and --from both give the first sample: use one")
	}
	if r.endSeconds && r.toSet {
		return r, errors.New("--end and --to both give the end: use one")
	}
	if r.seconds && !(start >= 0 && start < math.Inf(1)) {
		return r, fmt.Errorf("--start %g: want a time ≥ 0 seconds", start)
	}
	if r.endSeconds && !(end > 0 && end < math.Inf(1)) {
		return r, fmt.Errorf("--end %g: want a time > 0 seconds (omit --end for the end of the record)", end)
	}
	if r.endSeconds && end <= start {
		return r, fmt.Errorf("--end %g: must come after the start (%g s)", end, start)
	}
	if from < 0 {
		return r, fmt.Errorf("--from %d: want a sample number ≥ 0", from)
	}
	if r.toSet && to <= from {
		return r, fmt.Errorf("--to %d: must be greater than the first sample (%d); omit --to for the end of the record", to, from)
	}
	return r, nil
}

// samples turns the range into [lo, hi) for a record of n samples at fs Hz,
// refusing a range that is not inside it.
func (r sampleRange) samples(fs float64, n int) (lo, hi int, err error) {
	// Times are compared in float64 before conversion, so a huge one cannot
	// wrap around as an int.
	toSample := func(sec float64) int { return int(min(math.Round(sec*fs), float64(n+1))) }
	lo, hi = r.from, n
	if r.seconds {
		lo = toSample(r.start)
	}
	if r.toSet {
		hi = r.to
	}
	if r.endSeconds {
		hi = toSample(r.end)
	}
	dur := float64(n) / fs
	endFlag := "--to"
	if r.endSeconds {
		endFlag = "--end"
	}
	switch {
	case lo >= n && r.seconds:
		return 0, 0, fmt.Errorf("--start %g: the record ends at %.6g s (%d samples at %g Hz)", r.start, dur, n, fs)
	case lo >= n:
		return 0, 0, fmt.Errorf("--from %d: the record has %d samples (0 … %d)", r.from, n, n-1)
	case hi > n && r.endSeconds:
		return 0, 0, fmt.Errorf("--end %g: the record ends at %.6g s (%d samples at %g Hz)", r.end, dur, n, fs)
	case hi > n:
		return 0, 0, fmt.Errorf("--to %d: the record has %d samples", r.to, n)
	case hi <= lo:
		return 0, 0, fmt.Errorf("%s: the range [%d, %d) holds no sample: the end must come after the start", endFlag, lo, hi)
	}
	return lo, hi, nil
}

// parseChannels reads --channels: signal numbers ≥ 0, each at most once.
func parseChannels(set bool, s string) ([]int, error) {
	if !set {
		return nil, nil
	}
	var sig []int
	for _, c := range strings.Split(s, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || i < 0 {
			return nil, fmt.Errorf("--channels: %q is not a signal number (want e.g. --channels 0,1)", c)
		}
		if contains(sig, i) {
			return nil, fmt.Errorf("--channels: signal %d is listed twice", i)
		}
		sig = append(sig, i)
	}
	return sig, nil
}

// annotationLine summarises the annotation file base.ext: counts by
// symbol, or a line saying there is none. A missing file is an error only
// when the user named the annotator; a folder or an unreadable file always
// is.
func annotationLine(base, ext string, typed bool) (string, error) {
	path := base + "." + ext
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && !typed:
		return fmt.Sprintf("annotations (%s): none (no file %s)", ext, path), nil
	case errors.Is(err, os.ErrNotExist):
		return "", usageError{fmt.Errorf("--annotator %s: no annotation file %s", ext, path)}
	case err != nil:
		return "", errorf("cannot read the annotation file: %v", err)
	case fi.IsDir():
		return "", errorf("annotation file %s is a folder, not a file (choose another with --annotator)", path)
	}
	ab, err := os.ReadFile(path)
	if err != nil {
		return "", errorf("cannot read the annotation file: %v", err)
	}
	ann, err := wfdb.ParseAnnotations(filepath.Base(path), ab)
	if err != nil {
		return "", wfdbError(err)
	}
	count := map[string]int{}
	for _, a := range ann {
		count[a.Symbol]++
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, count[k])
	}
	return fmt.Sprintf("annotations (%s): %d — %s", ext, len(ann), strings.Join(parts, ", ")), nil
}

// wfdbError drops the package prefix of a kernel/wfdb error, which would
// otherwise follow the command's own ("rnnlab wfdb: wfdb: …").
func wfdbError(err error) error {
	return errorf("%s", strings.TrimPrefix(err.Error(), "wfdb: "))
}

func contains(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}
