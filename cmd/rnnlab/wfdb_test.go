package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWFDBCommand prints MIT-BIH record 100's header and converts ten
// seconds of lead MLII; the first value is −0.145 mV.
func TestWFDBCommand(t *testing.T) {
	rec := "../../../shared/data/ecg/100"
	if _, err := os.Stat(rec + ".hea"); err != nil {
		t.Skip("shared data not available")
	}
	st, o, e := runCmd(t, "wfdb", "--record", rec)
	if st != 0 || !strings.Contains(o, "2 signals at 360 Hz") || !strings.Contains(o, "N 2239") {
		t.Fatalf("summary: %d %q %q", st, o, e)
	}
	csv := filepath.Join(t.TempDir(), "mlii.csv")
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--channels", "0", "--start", "0", "--end", "10", "--out", csv); st != 0 {
		t.Fatalf("convert: %q", e)
	}
	b, _ := os.ReadFile(csv)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3601 || lines[0] != "MLII" || lines[1] != "-0.145" {
		t.Fatalf("csv: %d lines, starting %q", len(lines), lines[:2])
	}
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--channels", "7", "--out", csv); st == 0 || !strings.Contains(e, "not a signal number") {
		t.Fatalf("bad channel: %q", e)
	}
}
