package recipe

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/embed"
	"github.com/rnnlab/rnnlab/kernel/wfdb"
)

// Auto-embedding settings (data.embed "auto"): the delay is the first
// minimum of the auto mutual information (Fraser & Swinney 1986) over lags
// up to AutoMaxLag seconds, estimated with AutoAMIBins bins; the dimension
// is the smallest d ≤ AutoMaxDim whose false-nearest-neighbour fraction
// (Kennel et al. 1992, rtol 10, atol 2, on AutoFNNPoints points of the
// training head) falls below AutoFNNThreshold.
const (
	AutoMaxLag       = 1.0 // seconds
	AutoAMIBins      = 32
	AutoMaxDim       = 10
	AutoFNNThreshold = 0.01
	AutoFNNPoints    = 2000
)

// Prep records what the preprocessing of a recording chose: the sampling
// rate after resampling, the delays of the embedding and the rows left.
type Prep struct {
	Fs     float64 // samples per second of the series (0: unknown)
	Delays []int   // delays of the embedding (nil: none)
	Tau    int     // the uniform delay chosen by "auto" (0 otherwise)
	Dim    int     // embedding dimension (0: none)
	FNN    []float64
	Rows   int
}

// String is the line rnnlab train prints.
func (p Prep) String() string {
	var parts []string
	if p.Fs > 0 {
		parts = append(parts, fmt.Sprintf("%g Hz", p.Fs))
	}
	switch {
	case p.Tau > 0:
		fnn := ""
		if p.Dim-1 < len(p.FNN) && p.Dim >= 1 {
			fnn = fmt.Sprintf(", FNN %.2f%% at d=%d", 100*p.FNN[p.Dim-1], p.Dim)
		}
		parts = append(parts, fmt.Sprintf("auto embedding: delay %d samples (first AMI minimum), dimension %d%s, delays %v", p.Tau, p.Dim, fnn, p.Delays))
	case len(p.Delays) > 0:
		parts = append(parts, fmt.Sprintf("delay embedding %v (dimension %d)", p.Delays, p.Dim))
	}
	parts = append(parts, fmt.Sprintf("%d rows", p.Rows))
	return strings.Join(parts, ", ")
}

// IsWFDB reports whether a data source names a WFDB record: a path ending
// in .hea, or a path without an extension (the record name, as PhysioNet
// writes it: "data/100" for data/100.hea and its signal files).
func IsWFDB(source string) bool {
	s := strings.ToLower(source)
	switch s {
	case "lorenz63", "lorenz", "rossler", "rössler", "":
		return false
	}
	ext := path.Ext(s)
	return ext == ".hea" || ext == ""
}

// LoadWFDB reads one lead of a WFDB record through read: first the header
// (record + ".hea"), then the signal file it names for that lead, relative
// to the header's directory. It returns the lead in physical units over
// [start, end) seconds (end 0: to the end) and the sampling rate.
func LoadWFDB(c DataConfig, read ReadFunc) ([]float64, float64, string, error) {
	hname := c.Source
	if !strings.HasSuffix(strings.ToLower(hname), ".hea") {
		hname += ".hea"
	}
	hb, err := read(hname)
	if err != nil {
		return nil, 0, "", err
	}
	h, err := wfdb.ParseHeader(path.Base(hname), hb)
	if err != nil {
		return nil, 0, "", err
	}
	if c.Channel < 0 || c.Channel >= len(h.Signals) {
		return nil, 0, "", fmt.Errorf("data.channel %d: record %s has signals 0 … %d", c.Channel, h.Record, len(h.Signals)-1)
	}
	file := h.Signals[c.Channel].File
	sb, err := read(path.Join(path.Dir(hname), file))
	if err != nil {
		return nil, 0, "", err
	}
	// Decode only the signals stored in that file.
	rec, err := wfdb.DecodeSignals(h, map[string][]byte{file: sb}, []int{c.Channel})
	if err != nil {
		return nil, 0, "", err
	}
	if c.Start < 0 || (c.End != 0 && c.End <= c.Start) {
		return nil, 0, "", fmt.Errorf("data.start %g and data.end %g: want 0 ≤ start < end (end 0: to the end of the record)", c.Start, c.End)
	}
	// Times are capped in float64 before conversion, so a huge one cannot
	// wrap around as an int.
	toSample := func(sec float64) int { return int(min(math.Round(sec*h.Fs), float64(rec.Samples+1))) }
	from, to := toSample(c.Start), 0
	if c.End > 0 {
		to = toSample(c.End)
	}
	// A stretch outside the record is refused, not clamped.
	if dur := float64(rec.Samples) / h.Fs; from >= rec.Samples {
		return nil, 0, "", fmt.Errorf("data.start %g: record %s ends at %.6g s (%d samples at %g Hz)", c.Start, h.Record, dur, rec.Samples, h.Fs)
	} else if to > rec.Samples {
		return nil, 0, "", fmt.Errorf("data.end %g: record %s ends at %.6g s (%d samples at %g Hz); data.end 0 reads to the end", c.End, h.Record, dur, rec.Samples, h.Fs)
	}
	x, err := rec.Rows([]int{c.Channel}, from, to, false)
	if err != nil {
		return nil, 0, "", fmt.Errorf("%s: %v", h.Record, err)
	}
	for t, v := range x {
		if math.IsNaN(v) {
			return nil, 0, "", fmt.Errorf("%s: signal %d has an invalid sample at %d (%.3f s); choose data.start/data.end around it", h.Record, c.Channel, from+t, float64(from+t)/h.Fs)
		}
	}
	desc := h.Signals[c.Channel].Description
	if desc == "" {
		desc = fmt.Sprintf("signal %d", c.Channel)
	}
	span := fmt.Sprintf("%.4g–%.4g s", c.Start, float64(from+len(x))/h.Fs)
	return x, h.Fs, fmt.Sprintf("WFDB %s %s (%s)", h.Record, desc, span), nil
}

// Preprocess turns a scalar recording sampled at fs Hz (0: unknown) into the
// series a model trains on, as the data config asks: baseline removal
// (200 ms + 600 ms median filters), resampling (moving-average low-pass
// before downsampling, then linear interpolation) and a delay embedding
// (explicit delays, or "auto": uniform, delay at the first AMI minimum,
// dimension where FNN < 1%, both chosen on the training head only).
func Preprocess(x []float64, fs float64, c DataConfig) ([]float64, int, Prep, error) {
	p := Prep{Fs: fs}
	if c.Baseline {
		if fs <= 0 {
			return nil, 0, p, errors.New("data.baseline needs the sampling rate: give a WFDB record or set data.dt")
		}
		x = embed.RemoveBaseline(x, fs)
	}
	if c.Resample > 0 && c.Resample != fs {
		if fs <= 0 {
			return nil, 0, p, errors.New("data.resample needs the sampling rate: give a WFDB record or set data.dt")
		}
		if c.Resample < fs {
			x = movingAverage(x, int(math.Round(fs/c.Resample)))
		}
		x = embed.Resample(x, fs, c.Resample)
		p.Fs = c.Resample
	}
	n := 1
	switch {
	case len(c.Delays) > 0:
		p.Delays = append([]int(nil), c.Delays...)
	case strings.EqualFold(c.Embed, "auto"):
		nTrain, _, _ := c.PartRows(len(x))
		head := x[:nTrain]
		maxLag := 500
		if p.Fs > 0 {
			maxLag = int(AutoMaxLag * p.Fs)
		}
		maxLag = min(maxLag, len(head)/4)
		tau := embed.FirstMinimum(embed.AutoMutualInformation(head, maxLag, AutoAMIBins))
		if tau < 1 {
			return nil, 0, p, fmt.Errorf("data.embed auto: the auto mutual information has no minimum below %d lags; give data.delays", maxLag)
		}
		p.Tau = tau
		p.FNN = embed.FalseNearestNeighbours(head, tau, AutoMaxDim, 10, 2, AutoFNNPoints)
		dim, best := 0, math.Inf(1)
		for d, f := range p.FNN {
			if f < AutoFNNThreshold {
				dim = d + 1
				break
			}
			if f < best {
				best, dim = f, d+1
			}
		}
		p.Delays = embed.Uniform(dim, tau)
	}
	if len(p.Delays) > 0 {
		e, err := embed.Delay(x, p.Delays)
		if err != nil {
			return nil, 0, p, fmt.Errorf("data.delays %v: %v", p.Delays, err)
		}
		x, n = e, len(p.Delays)
		p.Dim = n
	}
	p.Rows = len(x) / n
	if p.Rows < 2 {
		return nil, 0, p, fmt.Errorf("the preprocessed series has %d rows; choose a longer stretch", p.Rows)
	}
	return x, n, p, nil
}

// movingAverage returns the centred running mean over w samples (the
// window shrinks at the edges).
func movingAverage(x []float64, w int) []float64 {
	if w <= 1 {
		return append([]float64(nil), x...)
	}
	h := w / 2
	pre := make([]float64, len(x)+1)
	for i, v := range x {
		pre[i+1] = pre[i] + v
	}
	out := make([]float64, len(x))
	for t := range x {
		lo, hi := max(0, t-h), min(len(x), t-h+w)
		out[t] = (pre[hi] - pre[lo]) / float64(hi-lo)
	}
	return out
}

// preprocessing reports whether a data config asks for any of the
// recording preprocessing steps.
func (c DataConfig) preprocessing() bool {
	return c.Baseline || c.Resample > 0 || len(c.Delays) > 0 || (c.Embed != "" && !strings.EqualFold(c.Embed, "none"))
}

// validateData checks the recording keys.
func (c DataConfig) validateData() error {
	switch strings.ToLower(c.Embed) {
	case "", "none", "auto", "delays":
	default:
		return fmt.Errorf("unknown data.embed %q: choose auto, delays (with data.delays) or none", c.Embed)
	}
	if strings.EqualFold(c.Embed, "delays") && len(c.Delays) == 0 {
		return errors.New("data.embed \"delays\" needs data.delays, e.g. [0, 20, 68, 55, 10]")
	}
	for _, d := range c.Delays {
		if d < 0 {
			return fmt.Errorf("data.delays %v: delays must be ≥ 0", c.Delays)
		}
	}
	if c.Resample < 0 || c.Start < 0 || c.End < 0 || c.Channel < 0 {
		return errors.New("data.resample, data.start, data.end and data.channel must be ≥ 0")
	}
	return nil
}
