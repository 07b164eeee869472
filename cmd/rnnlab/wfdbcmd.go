package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/wfdb"
)

// cmdWFDB prints a PhysioNet record's header (and annotation counts) or
// converts chosen signals and a sample or time range to .npy or CSV.
func cmdWFDB(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("wfdb", stderr)
	record := fs.String("record", "", "record path without extension, e.g. data/100 for data/100.hea and data/100.dat (required)")
	channels := fs.String("channels", "", "comma-separated signal numbers (default: all)")
	from := fs.Int("from", 0, "first sample")
	to := fs.Int("to", 0, "end sample, exclusive (default: the end)")
	start := fs.Float64("start", -1, "start time in seconds (instead of --from)")
	end := fs.Float64("end", -1, "end time in seconds (instead of --to)")
	digital := fs.Bool("digital", false, "write ADC units instead of physical units")
	out := fs.String("out", "", "write the signals to this .npy or .csv file (without it: print the header)")
	annotator := fs.String("annotator", "atr", "annotation file extension to summarise")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *record == "" {
		return usageError{errors.New("--record is required")}
	}
	hname := *record + ".hea"
	hb, err := os.ReadFile(hname)
	if err != nil {
		return errorf("cannot read the header: %v", err)
	}
	h, err := wfdb.ParseHeader(filepath.Base(hname), hb)
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprint(stdout, h.Summary())
		if ab, err := os.ReadFile(*record + "." + *annotator); err == nil {
			ann, err := wfdb.ParseAnnotations(filepath.Base(*record)+"."+*annotator, ab)
			if err != nil {
				return err
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
			fmt.Fprintf(stdout, "annotations (%s): %d — %s\n", *annotator, len(ann), strings.Join(parts, ", "))
		}
		return nil
	}
	var sig []int
	if *channels != "" {
		for _, c := range strings.Split(*channels, ",") {
			i, err := strconv.Atoi(strings.TrimSpace(c))
			if err != nil || i < 0 || i >= len(h.Signals) {
				return usageError{fmt.Errorf("--channels: %q is not a signal number of this record (0 … %d)", c, len(h.Signals)-1)}
			}
			sig = append(sig, i)
		}
	}
	// Read only the files the chosen signals need.
	need := map[string]bool{}
	for i, s := range h.Signals {
		if len(sig) == 0 || contains(sig, i) {
			need[s.File] = true
		}
	}
	files := map[string][]byte{}
	dir := filepath.Dir(*record)
	for name := range need {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return errorf("cannot read signal file: %v", err)
		}
		files[name] = b
	}
	sub := *h
	sub.Signals = nil
	var keep []int
	for i, s := range h.Signals {
		if need[s.File] {
			sub.Signals = append(sub.Signals, s)
			keep = append(keep, i)
		}
	}
	rec, err := wfdb.Decode(&sub, files)
	if err != nil {
		return err
	}
	var cols []int
	for k, i := range keep {
		if len(sig) == 0 || contains(sig, i) {
			cols = append(cols, k)
		}
	}
	if *start >= 0 {
		*from = int(*start * h.Fs)
	}
	if *end >= 0 {
		*to = int(*end * h.Fs)
	}
	x, err := rec.Rows(cols, *from, *to, *digital)
	if err != nil {
		return errorf("%v", err)
	}
	n := len(cols)
	switch strings.ToLower(filepath.Ext(*out)) {
	case ".npy":
		if err := writeNPY(*out, x, n); err != nil {
			return err
		}
	case ".csv":
		if err := writeAtomic(*out, func(w io.Writer) error {
			bw := bufio.NewWriter(w)
			names := make([]string, n)
			for k, c := range cols {
				names[k] = sub.Signals[c].Description
				if names[k] == "" {
					names[k] = fmt.Sprintf("signal%d", keep[c])
				}
			}
			fmt.Fprintln(bw, strings.Join(names, ","))
			for t := 0; t < len(x)/n; t++ {
				for k := 0; k < n; k++ {
					if k > 0 {
						bw.WriteByte(',')
					}
					bw.WriteString(strconv.FormatFloat(x[t*n+k], 'g', -1, 64))
				}
				bw.WriteByte('\n')
			}
			return bw.Flush()
		}); err != nil {
			return err
		}
	default:
		return usageError{fmt.Errorf("--out %s: write .npy or .csv", *out)}
	}
	unit := "physical units"
	if *digital {
		unit = "ADC units"
	}
	fmt.Fprintf(stdout, "wrote %d samples × %d signals (%s) to %s\n", len(x)/n, n, unit, *out)
	return nil
}

func contains(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}
