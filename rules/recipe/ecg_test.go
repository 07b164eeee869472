package recipe

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/shareddata"
	"github.com/rnnlab/rnnlab/kernel/dataset"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// sharedECG is ../shared/data/ecg beside the checkout (its absolute path, or
// "" when there is none: needShared then skips).
var sharedECG, _ = shareddata.Path("ecg")

// osRead is a ReadFunc over the file system, for the shared data.
func osRead(name string) ([]byte, error) { return os.ReadFile(name) }

// needShared skips the test, or fails it under CI=true, where
// ../shared/data/ecg/100 is missing.
func needShared(t *testing.T) {
	t.Helper()
	shareddata.Need(t, "ecg", "100.hea")
}

// TestWFDBSource reads MIT-BIH record 100 through a ReadFunc: the header
// first, then the signal file it names; lead 0 (MLII) starts at −0.145 mV.
func TestWFDBSource(t *testing.T) {
	needShared(t)
	var asked []string
	read := func(name string) ([]byte, error) { asked = append(asked, name); return osRead(name) }
	off := false
	c := DataConfig{Source: filepath.Join(sharedECG, "100"), Channel: 0, Start: 0, End: 10, ZScore: &off}
	s, err := LoadSeries(c, read)
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 || !strings.HasSuffix(asked[0], "100.hea") || !strings.HasSuffix(asked[1], "100.dat") {
		t.Fatalf("files read: %v", asked)
	}
	if s.N != 1 || s.Rows() != 3600 || s.X[0] != -0.145 {
		t.Fatalf("got %d×%d, first %v; want 3600×1 starting −0.145", s.Rows(), s.N, s.X[0])
	}
	if !strings.Contains(s.Name, "MLII") {
		t.Errorf("name %q does not name the lead", s.Name)
	}
	// "100.hea" names the same record; channel 1 is V5.
	c.Source, c.Channel = filepath.Join(sharedECG, "100.hea"), 1
	v5, err := LoadSeries(c, osRead)
	if err != nil || v5.Rows() != 3600 || !strings.Contains(v5.Name, "V5") {
		t.Fatalf("V5: %v %q", err, v5.Name)
	}
	c.Channel = 2
	if _, err := LoadSeries(c, osRead); err == nil || !strings.Contains(err.Error(), "signals 0 … 1") {
		t.Fatalf("bad channel: %v", err)
	}
}

// TestWFDBPreprocessing: baseline removal leaves a near-zero median,
// resampling changes the length by the ratio, explicit delays give their
// dimension, and z-scoring standardises each column.
func TestWFDBPreprocessing(t *testing.T) {
	needShared(t)
	off := false
	c := DataConfig{Source: filepath.Join(sharedECG, "100"), End: 60, Baseline: true, Resample: 180, ZScore: &off}
	s, err := LoadSeries(c, osRead)
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows() < 10790 || s.Rows() > 10800 || s.Prep == nil || s.Prep.Fs != 180 {
		t.Fatalf("resampled to %d rows (prep %+v), want about 10 800 at 180 Hz", s.Rows(), s.Prep)
	}
	if med := median(s.X); math.Abs(med) > 0.05 {
		t.Errorf("median after baseline removal %v mV, want ≈ 0", med)
	}
	c.Delays = []int{0, 20, 68, 55, 10}
	raw, err := LoadSeries(c, osRead)
	if err != nil {
		t.Fatal(err)
	}
	// Column j lags by delays[j]: column 1 at row t is column 0 at row t−20.
	if raw.X[100*5+1] != raw.X[80*5+0] || raw.X[100*5+2] != raw.X[32*5+0] {
		t.Errorf("the columns do not lag column 0 by the delays")
	}
	c.ZScore = nil
	e, err := LoadSeries(c, osRead)
	if err != nil {
		t.Fatal(err)
	}
	if e.N != 5 || e.Rows() != s.Rows()-68 {
		t.Fatalf("embedding %d×%d, want %d×5", e.Rows(), e.N, s.Rows()-68)
	}
	for j := 0; j < 5; j++ {
		var m, v float64
		for i := 0; i < e.Rows(); i++ {
			m += e.X[i*5+j]
		}
		m /= float64(e.Rows())
		for i := 0; i < e.Rows(); i++ {
			v += (e.X[i*5+j] - m) * (e.X[i*5+j] - m)
		}
		if math.Abs(m) > 1e-9 || math.Abs(v/float64(e.Rows()-1)-1) > 1e-9 {
			t.Fatalf("column %d: mean %v variance %v after z-scoring", j, m, v/float64(e.Rows()-1))
		}
	}
}

// TestAutoEmbedding: on lead MLII of record 100 (360 Hz), the first AMI
// minimum lies within a QRS–T time scale (a few ms to 300 ms) and FNN picks
// a small dimension.
func TestAutoEmbedding(t *testing.T) {
	needShared(t)
	c := DataConfig{Source: filepath.Join(sharedECG, "100"), End: 120, Baseline: true, Embed: "auto", TestFraction: 0.2}
	s, err := LoadSeries(c, osRead)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Prep
	t.Logf("auto embedding: %s; FNN %v", p, p.FNN)
	if p.Tau < 2 || p.Tau > 108 {
		t.Errorf("delay %d samples (%.0f ms): implausible for an ECG at 360 Hz", p.Tau, 1000*float64(p.Tau)/360)
	}
	if p.Dim < 2 || p.Dim > AutoMaxDim || s.N != p.Dim {
		t.Errorf("dimension %d (series %d columns)", p.Dim, s.N)
	}
}

func TestDataKeyErrors(t *testing.T) {
	cfg := Default()
	cfg.Data.Embed = "pecuzal"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "data.embed") {
		t.Fatalf("unknown embed: %v", err)
	}
	cfg.Data.Embed = "delays"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "data.delays") {
		t.Fatalf("delays without delays: %v", err)
	}
	cfg.Data.Embed, cfg.Data.Delays = "", []int{0, -3}
	if err := cfg.Validate(); err == nil {
		t.Fatal("negative delay accepted")
	}
	if !IsWFDB("data/100") || !IsWFDB("100.hea") || IsWFDB("x.npy") || IsWFDB("lorenz63") {
		t.Fatal("IsWFDB")
	}
	// Baseline removal of a file series needs a sampling rate.
	if _, _, _, err := Preprocess([]float64{1, 2, 3}, 0, DataConfig{Baseline: true}); err == nil {
		t.Fatal("baseline without a rate accepted")
	}
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// TestDiagnose: the collapse and divergence detectors on synthetic series.
func TestDiagnose(t *testing.T) {
	const T, n = 20000, 2
	// "Data": a spiky beat train with period 300 and a smooth second coordinate.
	beat := func(t int, period float64) float64 {
		ph := math.Mod(float64(t), period) / period
		return math.Exp(-math.Pow((ph-0.3)/0.02, 2))*4 + 0.3*math.Sin(2*math.Pi*ph)
	}
	data := make([]float64, T*n)
	for i := 0; i < T; i++ {
		data[i*n], data[i*n+1] = beat(i, 300), math.Cos(2*math.Pi*float64(i)/300)
	}
	r := rng.New(1)
	mk := func(f func(t int) (float64, float64)) []float64 {
		g := make([]float64, T*n)
		for i := 0; i < T; i++ {
			g[i*n], g[i*n+1] = f(i)
		}
		return g
	}
	cases := []struct {
		name  string
		gen   []float64
		check func(Behaviour) bool
	}{
		{"same process", mk(func(i int) (float64, float64) {
			return beat(i, 310) + 0.01*r.Norm(), math.Cos(2 * math.Pi * float64(i) / 310)
		}), func(b Behaviour) bool {
			return !b.Collapsed() && !b.Diverged && math.Abs(b.PeakRate/b.DataRate-300.0/310) < 0.02
		}},
		{"fixed point", mk(func(i int) (float64, float64) {
			d := math.Exp(-float64(i) / 500)
			return 0.2 + d*beat(i, 300), d
		}), func(b Behaviour) bool { return b.FixedPoint && b.Collapsed() }},
		{"2-cycle", mk(func(i int) (float64, float64) { return float64(i%2) * 0.5, float64(i%2) - 0.5 }),
			func(b Behaviour) bool { return b.Cycle == 2 && b.ShortCycle && b.Collapsed() }},
		{"smooth oscillation without beats", mk(func(i int) (float64, float64) {
			return 0.3 * math.Sin(float64(i)/40+0.1*math.Sin(float64(i)/777)), math.Cos(float64(i) / 40)
		}), func(b Behaviour) bool { return b.NoBeats && b.Collapsed() && !b.FixedPoint }},
		{"periodic beats", mk(func(i int) (float64, float64) { return beat(i, 290), math.Cos(2 * math.Pi * float64(i) / 290) }),
			func(b Behaviour) bool { return b.Cycle == 290 && !b.Collapsed() }},
		{"blow-up", mk(func(i int) (float64, float64) { return beat(i, 300) * math.Exp(float64(i)/2000), 0 }),
			func(b Behaviour) bool { return b.Diverged && !b.Collapsed() }},
		{"NaN", mk(func(i int) (float64, float64) {
			if i > 5000 {
				return math.NaN(), 0
			}
			return beat(i, 300), 0
		}), func(b Behaviour) bool { return b.Diverged && strings.Contains(b.Words, "non-finite") }},
	}
	for _, c := range cases {
		b := Diagnose(c.gen, data, n)
		t.Logf("%s: %s", c.name, b.Words)
		if !c.check(b) {
			t.Errorf("%s: wrong verdict %+v", c.name, b)
		}
	}
}

// TestWFDBStretchOutsideRecord: data.start or data.end past the end of the
// record is refused (it was clamped to the end without a word), and a
// skewed signal is read deskewed. The record: 1 signal at 10 Hz, format 16,
// skew 1, 4 samples, 5 stored frames 9, 1, 2, 3, 4.
func TestWFDBStretchOutsideRecord(t *testing.T) {
	files := map[string][]byte{
		"r.hea": []byte("r 1 10 4\nr.dat 16:1 1 16 0\n"),
		"r.dat": {9, 0, 1, 0, 2, 0, 3, 0, 4, 0},
	}
	read := func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("no file %s", name)
	}
	off := false
	x, _, _, err := LoadWFDB(DataConfig{Source: "r", ZScore: &off}, read)
	if err != nil || fmt.Sprint(x) != "[1 2 3 4]" {
		t.Fatalf("whole record: %v %v, want [1 2 3 4]", x, err)
	}
	for _, c := range []struct {
		start, end float64
		want       string
	}{
		{0, 0.5, "data.end 0.5: record r ends at 0.4 s"},
		{0.4, 0, "data.start 0.4: record r ends at 0.4 s"},
		{1e300, 0, "data.start 1e+300: record r ends at 0.4 s"},
		{0, 1e300, "data.end 1e+300: record r ends at 0.4 s"},
	} {
		_, _, _, err := LoadWFDB(DataConfig{Source: "r", Start: c.start, End: c.end, ZScore: &off}, read)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("start %g end %g: %v, want %q", c.start, c.end, err, c.want)
		}
	}
}

// TestDiagnoseWords: on data that are not a recording the behaviour is
// told in terms of large peaks and cycles, never R peaks and beats; the
// measures are the ECG's.
func TestDiagnoseWords(t *testing.T) {
	x := dataset.Lorenz63Data(6000, 0.01, 1)
	ecg, peaks := Diagnose(x[3000:], x[:3000], 3), DiagnosePeaks(x[3000:], x[:3000], 3)
	if !strings.Contains(ecg.Words, "R peak") {
		t.Errorf("ECG words: %q", ecg.Words)
	}
	if strings.Contains(peaks.Words, "R peak") || strings.Contains(peaks.Words, "beat") || strings.Contains(peaks.Verdict(), "beat") || !strings.Contains(peaks.Words, "large peaks") {
		t.Errorf("peak words: %q (%s)", peaks.Words, peaks.Verdict())
	}
	if ecg.PeakRate != peaks.PeakRate || ecg.Beats != peaks.Beats {
		t.Errorf("the measures differ: %+v %+v", ecg, peaks)
	}
	t.Log(peaks.Verdict(), "—", peaks.Words)
}
