package main

import (
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/npy"
	"github.com/rnnlab/rnnlab/rules/recipe"
)

// sharedRecord returns the path of a record in ../shared/data/ecg, skipping
// the test when the shared data are absent (and failing under CI=true,
// where they must be present).
func sharedRecord(t *testing.T, name string) string {
	t.Helper()
	return needSharedRecord(t, "ecg/"+name)
}

// TestWFDBCommand prints MIT-BIH record 100's header and converts ten
// seconds of lead MLII; the first value is −0.145 mV.
func TestWFDBCommand(t *testing.T) {
	rec := sharedRecord(t, "100")
	st, o, e := runCmd(t, "wfdb", "--record", rec)
	if st != 0 || !strings.Contains(o, "2 signals at 360 Hz") || !strings.Contains(o, "N 2239") || strings.Contains(o, "cannot convert") {
		t.Fatalf("summary: %d %q %q", st, o, e)
	}
	csvPath := filepath.Join(t.TempDir(), "mlii.csv")
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--channels", "0", "--start", "0", "--end", "10", "--out", csvPath); st != 0 {
		t.Fatalf("convert: %q", e)
	}
	b, _ := os.ReadFile(csvPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3601 || lines[0] != "MLII (mV)" || lines[1] != "-0.145" {
		t.Fatalf("csv: %d lines, starting %q", len(lines), lines[:2])
	}
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--channels", "7", "--out", csvPath); st != 2 || !strings.Contains(e, "--channels: 7 is not a signal number") {
		t.Fatalf("bad channel: %d %q", st, e)
	}
	// The end of the record is 650 000 / 360 = 1805.56 s.
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--start", "1800", "--end", "1806", "--out", csvPath); st != 2 || !strings.Contains(e, "--end 1806: the record ends at 1805.56 s") {
		t.Fatalf("end past the record: %d %q", st, e)
	}
}

// handRecord writes a two-signal record r in format 16 with five stored
// frames: signal 0 "lead I, left arm" (gain 200, mV), signal 1 `say "hi"`
// (gain 100, baseline 5, µV written uV) with skew 1, 4 samples at 100 Hz.
// Checksums (first 4 stored samples): 200−200+400+0 = 400, 5+105+205−95 = 220.
// Deskewed physical values: signal 0 = 1, −1, 2, 0; signal 1 = (105−5)/100 …
// = 1, 2, −1, 3.
func handRecord(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "r.hea"), "r 2 100 4 10:00:00 01/02/2003\n"+
		"r.dat 16 200/mV 16 0 200 400 0 lead I, left arm\n"+
		"r.dat 16:1 100(5)/uV 16 0 5 220 0 say \"hi\"\n")
	var data []byte
	for _, v := range []int16{200, 5, -200, 105, 400, 205, 0, -95, 10, 305} {
		data = binary.LittleEndian.AppendUint16(data, uint16(v))
	}
	if err := os.WriteFile(filepath.Join(dir, "r.dat"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "r")
}

// TestWFDBCSVAndSidecar: the CSV header is RFC 4180 (a comma or a quote in a
// description survives), carries the units, and a JSON sidecar gives names,
// units, rate and start; the skew of signal 1 is applied.
func TestWFDBCSVAndSidecar(t *testing.T) {
	rec := handRecord(t)
	out := filepath.Join(filepath.Dir(rec), "x.csv")
	st, o, e := runCmd(t, "wfdb", "--record", rec, "--out", out)
	if st != 0 || !strings.Contains(o, "x.csv.json") {
		t.Fatalf("convert: %d %q %q", st, o, e)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	want := [][]string{{"lead I, left arm (mV)", `say "hi" (uV)`}, {"1", "1"}, {"-1", "2"}, {"2", "-1"}, {"0", "3"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("csv %q, want %q", rows, want)
	}
	var side wfdbSidecar
	b, err := os.ReadFile(out + ".json")
	if err != nil || json.Unmarshal(b, &side) != nil {
		t.Fatalf("sidecar: %v\n%s", err, b)
	}
	if side.Fs != 100 || side.Rows != 4 || side.FirstSample != 0 || side.BaseTime != "10:00:00" || side.BaseDate != "01/02/2003" ||
		len(side.Columns) != 2 || side.Columns[0].Name != "lead I, left arm" || side.Columns[1].Units != "uV" || side.Columns[1].Baseline != 5 || side.Values != "physical" {
		t.Errorf("sidecar %+v", side)
	}
	// A time range, the channels in the order asked, ADC units, .npy.
	npyOut := filepath.Join(filepath.Dir(rec), "x.npy")
	if st, _, e := runCmd(t, "wfdb", "--record", rec+".hea", "--channels", "1,0", "--start", "0.01", "--end", "0.03", "--digital", "--out", npyOut); st != 0 {
		t.Fatalf("npy: %q", e)
	}
	b, _ = os.ReadFile(npyOut + ".json")
	side = wfdbSidecar{}
	if err := json.Unmarshal(b, &side); err != nil || side.FirstSample != 1 || side.StartSeconds != 0.01 || side.Rows != 2 || side.Columns[0].Signal != 1 || side.Values != "digital (ADC units)" {
		t.Errorf("npy sidecar %v %+v", err, side)
	}
	x, n := readNPYForTest(t, npyOut)
	if n != 2 || !slices.Equal(x, []float64{205, -200, -95, 400}) {
		t.Errorf("npy %v (%d columns), want [205 -200 -95 400]", x, n)
	}
}

// TestWFDBFlagsRefused: every flag the user typed is applied or refused with
// a message that starts with the flag (exit status 2), and nothing is written.
func TestWFDBFlagsRefused(t *testing.T) {
	rec := handRecord(t)
	out := filepath.Join(filepath.Dir(rec), "keep.csv")
	writeFile(t, out, "mine\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--start", "-3"}, "--start -3: want a time ≥ 0 seconds"},
		{[]string{"--start", "0.01", "--from", "2"}, "--start and --from both give the first sample"},
		{[]string{"--end", "0.02", "--to", "2"}, "--end and --to both give the end"},
		{[]string{"--channels", "0,0"}, "--channels: signal 0 is listed twice"},
		{[]string{"--channels", "2"}, "--channels: 2 is not a signal number of this record (0 … 1)"},
		{[]string{"--channels", "-1"}, `--channels: "-1" is not a signal number`},
		{[]string{"--channels", "0,,1"}, `--channels: "" is not a signal number`},
		{[]string{"--from", "-1"}, "--from -1: want a sample number ≥ 0"},
		{[]string{"--from", "4"}, "--from 4: the record has 4 samples"},
		{[]string{"--to", "0"}, "--to 0: must be greater than the first sample"},
		{[]string{"--to", "5"}, "--to 5: the record has 4 samples"},
		{[]string{"--end", "0"}, "--end 0: want a time > 0 seconds"},
		{[]string{"--start", "0.03", "--end", "0.02"}, "--end 0.02: must come after the start"},
		{[]string{"--start", "0.05"}, "--start 0.05: the record ends at 0.04 s"},
		{[]string{"--start", "0.02", "--to", "1"}, "--to: the range [2, 1) holds no sample"},
		{[]string{"--start", "NaN"}, "--start NaN"},
		{[]string{"--start", "1e300"}, "--start 1e+300: the record ends at 0.04 s"},
		{[]string{"--end", "1e300"}, "--end 1e+300: the record ends at 0.04 s"},
		{[]string{"--start", "Inf"}, "--start +Inf: want a time ≥ 0 seconds"},
		{[]string{"--annotator", "qrs"}, "--annotator applies only without --out"},
	}
	for _, c := range cases {
		args := append([]string{"wfdb", "--record", rec, "--out", out}, c.args...)
		st, _, e := runCmd(t, args...)
		if st != 2 || !strings.HasPrefix(e, "rnnlab wfdb: --") || !strings.Contains(e, c.want) {
			t.Errorf("%v: status %d, %q; want 2 and %q", c.args, st, e, c.want)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != "mine\n" {
		t.Errorf("a refused command changed %s: %q", out, b)
	}
	for _, f := range []string{"--channels", "--digital", "--start"} {
		args := []string{"wfdb", "--record", rec, f}
		if f != "--digital" {
			args = append(args, "0")
		}
		if st, _, e := runCmd(t, args...); st != 2 || !strings.Contains(e, f+" applies only with --out") {
			t.Errorf("%s without --out: %d %q", f, st, e)
		}
	}
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--out", filepath.Join(filepath.Dir(rec), "x.txt")); st != 2 || !strings.Contains(e, "--out") {
		t.Errorf("--out x.txt: %d %q", st, e)
	}
}

// TestWFDBHeaderMessages: the summary marks signals that cannot be
// converted, annotation trouble is said, a header error names its line once
// (no "wfdb: wfdb:"), and a 99-bit ADC is refused.
func TestWFDBHeaderMessages(t *testing.T) {
	rec := handRecord(t)
	dir := filepath.Dir(rec)
	st, o, e := runCmd(t, "wfdb", "--record", rec)
	if st != 0 || !strings.Contains(o, "skew 1") || !strings.Contains(o, "annotations (atr): none (no file "+rec+".atr)") {
		t.Errorf("summary: %d %q %q", st, o, e)
	}
	if st, _, e := runCmd(t, "wfdb", "--record", rec, "--annotator", "qrs"); st != 2 || !strings.Contains(e, "--annotator qrs: no annotation file") {
		t.Errorf("missing annotator: %d %q", st, e)
	}
	if err := os.Mkdir(rec+".atr", 0o755); err != nil {
		t.Fatal(err)
	}
	if st, o, e := runCmd(t, "wfdb", "--record", rec); st != 1 || !strings.Contains(e, "r.atr is a folder") {
		t.Errorf("annotation folder: %d %q %q", st, o, e)
	}
	// An unreadable file (root reads any file, so only other users can check).
	if os.Geteuid() != 0 {
		writeFile(t, rec+".qrs", "")
		if err := os.Chmod(rec+".qrs", 0); err != nil {
			t.Fatal(err)
		}
		if st, _, e := runCmd(t, "wfdb", "--record", rec, "--annotator", "qrs"); st != 1 || !strings.Contains(e, "cannot read the annotation file") {
			t.Errorf("unreadable annotations: %d %q", st, e)
		}
	}
	writeFile(t, filepath.Join(dir, "f.hea"), "f 2 100 4\nf.dat 516 200 16 0 0 0 0 flac\nr.dat 16 200 16 0\n")
	st, o, _ = runCmd(t, "wfdb", "--record", filepath.Join(dir, "f"))
	if st != 0 || !strings.Contains(o, "cannot convert: format 516 (FLAC-compressed) is not supported") {
		t.Errorf("unconvertible signal not marked: %q", o)
	}
	out := filepath.Join(dir, "f.csv")
	if st, _, e := runCmd(t, "wfdb", "--record", filepath.Join(dir, "f"), "--out", out); st != 1 || !strings.Contains(e, "signal 0 cannot be converted") || !strings.Contains(e, "--channels") {
		t.Errorf("converting the FLAC signal: %d %q", st, e)
	}
	if st, _, e := runCmd(t, "wfdb", "--record", filepath.Join(dir, "f"), "--channels", "1", "--out", out); st != 0 {
		t.Errorf("converting the other signal: %d %q", st, e)
	}
	writeFile(t, filepath.Join(dir, "b.hea"), "b 1 100\nb.dat 16 200 99 0\n")
	st, _, e = runCmd(t, "wfdb", "--record", filepath.Join(dir, "b"))
	if st != 1 || e != "rnnlab wfdb: b.hea, line 2: ADC resolution 99 bits is outside 1 … 32 (0 or a missing field means the format's default)\n" {
		t.Errorf("99-bit ADC: %d %q", st, e)
	}
}

// TestPrepLineSaysTheRateOnce: "resampled to 120 Hz, 120 Hz" said the rate
// twice.
func TestPrepLineSaysTheRateOnce(t *testing.T) {
	s := prepLine(DataConfig{Resample: 120}, recipe.Prep{Fs: 120, Delays: []int{0, 5}, Dim: 2, Rows: 100})
	if strings.Count(s, "120 Hz") != 1 || !strings.HasPrefix(s, "resampled to 120 Hz, delay embedding") {
		t.Errorf("prep line %q", s)
	}
	if s := prepLine(DataConfig{}, recipe.Prep{Fs: 360, Rows: 100}); !strings.Contains(s, "360 Hz") {
		t.Errorf("prep line without resampling %q lost the rate", s)
	}
}

// readNPYForTest reads a 2-d .npy file: its values and column count.
func readNPYForTest(t *testing.T, path string) ([]float64, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := npy.Read(f)
	if err != nil || len(a.Shape) != 2 {
		t.Fatalf("%s: %v %+v", path, err, a)
	}
	return a.Data, a.Shape[1]
}
