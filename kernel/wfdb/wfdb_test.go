package wfdb

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/shareddata"
)

// readShared reads files of ../shared/data/ecg, skipping the test where they
// are missing (failing it under CI=true: build/shareddata).
func readShared(t *testing.T, names ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(shareddata.Need(t, "ecg", n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = b
	}
	return out
}

// TestMITBIH100: MIT-BIH record 100 — 2 signals at 360 Hz, 650 000 samples,
// format 212, gain 200, baseline 1024; the first sample of each lead is
// −0.145 mV (MLII) and −0.065 mV (V5) (shared/data/README.md); its
// annotations hold 2239 normal beats, 33 atrial premature beats and 1 PVC
// (MIT-BIH Arrhythmia Database directory, record 100).
func TestMITBIH100(t *testing.T) {
	f := readShared(t, "100.hea", "100.dat", "100.atr")
	h, err := ParseHeader("100.hea", f["100.hea"])
	if err != nil {
		t.Fatal(err)
	}
	if h.Fs != 360 || h.NSamples != 650000 || len(h.Signals) != 2 || h.Signals[0].Format != 212 || h.Signals[1].Description != "V5" {
		t.Fatalf("header %+v", h)
	}
	rec, err := Decode(h, map[string][]byte{"100.dat": f["100.dat"]})
	if err != nil {
		t.Fatal(err)
	}
	p0, p1 := rec.Physical(0), rec.Physical(1)
	if len(p0) != 650000 || math.Abs(p0[0]+0.145) > 1e-12 || math.Abs(p1[0]+0.065) > 1e-12 {
		t.Fatalf("first samples %v, %v mV, want −0.145, −0.065", p0[0], p1[0])
	}
	ann, err := ParseAnnotations("100.atr", f["100.atr"])
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, a := range ann {
		count[a.Symbol]++
	}
	if count["N"] != 2239 || count["A"] != 33 || count["V"] != 1 {
		t.Errorf("beat counts %v, want N 2239, A 33, V 1", count)
	}
	if ann[0].Symbol != "+" || ann[0].Sample != 18 || ann[0].Aux != "(N" || ann[1].Symbol != "N" || ann[1].Sample != 77 {
		t.Errorf("first annotations %+v %+v, want + at 18 with (N, then N at 77", ann[0], ann[1])
	}
	if s := h.Summary(); !strings.Contains(s, "2 signals at 360 Hz") || !strings.Contains(s, "MLII") {
		t.Errorf("summary:\n%s", s)
	}
}

// TestFormat16Records decodes the PTB and test records (format 16) and
// verifies their checksums. The PTB record keeps its three Frank leads in a
// second file (s0010_re.xyz) that the shared data lack, so only the twelve
// signals of s0010_re.dat are decoded.
func TestFormat16Records(t *testing.T) {
	for _, c := range []struct {
		rec  string
		nsig int
		n    int
		fs   float64
	}{{"s0010_re", 12, 38400, 1000}, {"test01_00s", 4, 4000, 500}} {
		f := readShared(t, c.rec+".hea", c.rec+".dat")
		h, err := ParseHeader(c.rec+".hea", f[c.rec+".hea"])
		if err != nil {
			t.Fatal(err)
		}
		if c.rec == "s0010_re" {
			if _, err := Decode(h, map[string][]byte{c.rec + ".dat": f[c.rec+".dat"]}); err == nil || !strings.Contains(err.Error(), "s0010_re.xyz") {
				t.Fatalf("missing second file: %v", err)
			}
			h.Signals = h.Signals[:12]
		}
		rec, err := Decode(h, map[string][]byte{c.rec + ".dat": f[c.rec+".dat"]})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Digital) != c.nsig || len(rec.Digital[0]) != c.n || h.Fs != c.fs {
			t.Fatalf("%s: %d signals × %d samples at %g Hz", c.rec, len(rec.Digital), len(rec.Digital[0]), h.Fs)
		}
		for i, s := range h.Signals {
			if rec.Digital[i][0] != s.InitValue {
				t.Errorf("%s signal %d starts at %d, header says %d", c.rec, i, rec.Digital[i][0], s.InitValue)
			}
		}
	}
}

func TestFormatsByHand(t *testing.T) {
	// Two signals, two samples each: (1, −1), (2047, −2048) in format 212,
	// 16, 61 and 80 (80 holds only 8 bits: (1, −1), (127, −127)).
	cases := []struct {
		format int
		data   []byte
		want   [2][2]int
	}{
		{212, []byte{0x01, 0xf0, 0xff, 0xff, 0x87, 0x00}, [2][2]int{{1, 2047}, {-1, -2048}}},
		{16, []byte{1, 0, 0xff, 0xff, 0xff, 0x07, 0x00, 0xf8}, [2][2]int{{1, 2047}, {-1, -2048}}},
		{61, []byte{0, 1, 0xff, 0xff, 0x07, 0xff, 0xf8, 0x00}, [2][2]int{{1, 2047}, {-1, -2048}}},
		{80, []byte{129, 127, 255, 1}, [2][2]int{{1, 127}, {-1, -127}}},
	}
	for _, c := range cases {
		hdr := "r 2 100 2\nr.dat " + itoa(c.format) + " 100 12 0\nr.dat " + itoa(c.format) + " 100 12 0\n"
		h, err := ParseHeader("r.hea", []byte(hdr))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := Decode(h, map[string][]byte{"r.dat": c.data})
		if err != nil {
			t.Fatalf("format %d: %v", c.format, err)
		}
		for s := 0; s < 2; s++ {
			for k := 0; k < 2; k++ {
				if rec.Digital[s][k] != c.want[s][k] {
					t.Fatalf("format %d: signals %v, want %v", c.format, rec.Digital, c.want)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	hdrCases := []struct {
		hdr, want string
	}{
		{"", "no record line"},
		{"r/2 2 360\n", "multi-segment"},
		{"r 2 360 10\nr.dat 212 200\n", "announces 2 signals"},
		{"r 1 abc\n", "bad sampling frequency"},
		{"r 1 360\nr.dat 212 2x0\n", "bad ADC gain"},
		{"r 1 360\nr.dat 212 200(x)/mV\n", "bad baseline"},
	}
	for _, c := range hdrCases {
		_, err := ParseHeader("r.hea", []byte(c.hdr))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "r.hea") {
			t.Errorf("header %q: %v, want an error naming r.hea and %q", c.hdr, err, c.want)
		}
	}
	h, _ := ParseHeader("r.hea", []byte("r 1 360 10\nr.dat 16 200 12 0 0 5 0 x\n"))
	if _, err := Decode(h, map[string][]byte{"r.dat": make([]byte, 7)}); err == nil || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), "byte 7") {
		t.Errorf("truncated data: %v", err)
	}
	if _, err := Decode(h, map[string][]byte{"r.dat": make([]byte, 20)}); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("checksum: %v", err)
	}
	for _, c := range []struct{ hdr, want string }{
		{"r 1 360 10\nr.dat 516 200\n", "format 516 (FLAC-compressed) is not supported"},
		{"r 1 360 10\nr.dat 9 200\n", "signal format 9 is not supported (supported: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311)"},
		{"r 1 360 10\nr.dat 16x2 200\n", "2 samples per frame"},
	} {
		h, err := ParseHeader("r.hea", []byte(c.hdr))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(h, map[string][]byte{"r.dat": make([]byte, 80)}); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "signal 0") {
			t.Errorf("%q: %v, want an error naming signal 0 and %q", c.hdr, err, c.want)
		}
	}
	if _, err := ParseAnnotations("a.atr", []byte{0x12, 0xfc, 0x03}); err == nil || !strings.Contains(err.Error(), "a.atr") {
		t.Errorf("annotations: %v", err)
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func FuzzHeader(f *testing.F) {
	f.Add([]byte("100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n"))
	f.Add([]byte("r 1 100/10(5) 3\nr.dat 16x2:1+4 100(3)/uV 12 0\n# c\n"))
	f.Add([]byte("r 2 100 3\nr.dat 310:2+1 200 10 0 0\nr.dat 310 200 10 0 0\n"))
	f.Add([]byte("r 2 100\nr.dat 8:1 200 10 0 -5\n100.dat 311 200\n"))
	f.Add([]byte("r 1 100 2\nr.dat 24+3 200 99 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader("f.hea", b)
		if err != nil {
			return
		}
		h.Summary()
		rec, err := Decode(h, map[string][]byte{"r.dat": b, "100.dat": b})
		if err != nil {
			return
		}
		for i, d := range rec.Digital {
			if len(d) != rec.Samples {
				t.Fatalf("signal %d has %d samples, the record %d", i, len(d), rec.Samples)
			}
		}
		rec.Rows(nil, 0, 0, false)
	})
}

func FuzzAnnotations(f *testing.F) {
	f.Add([]byte{0x12, 0x70, 0x03, 0xfc, 0x28, 0x4e, 0, 0, 0x3b, 0x04, 0, 0})
	f.Add([]byte{0, 0xec, 1, 0, 2, 0, 0x01, 0x04})
	f.Fuzz(func(t *testing.T, b []byte) { ParseAnnotations("f.atr", b) })
}

func TestMain(m *testing.M) { shareddata.Main(m) }
