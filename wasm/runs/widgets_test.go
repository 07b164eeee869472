package runs

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/rules/run"
)

// Widget runs of the browser test (site/test/runpage.mjs), which compares
// the page's numbers with testdata/widgets.json (written here natively,
// checked here natively and under js/wasm).
const (
	probeHash   = "kind=plastic&eval-batches=10&every=1&probe=00?3 0!3&play=0"
	probeUnits  = 5
	spikingHash = "kind=spiking&n=2000&every=1&play=0"
	spikeUnits  = 3
)

// spikeSum is a checksum of a raster that JavaScript computes the same:
// Σ (k+1)(index_k+1) + Σ round(10·time_k) over the spikes in order.
func spikeSum(ra *run.Raster) float64 {
	var s float64
	for k, i := range ra.Index {
		s += float64((k + 1) * (i + 1))
		s += math.Round(10 * ra.Time[k])
	}
	return s
}

type widgetGolden struct {
	ProbeHash   string        `json:"probeHash"`
	ProbeUnits  int           `json:"probeUnits"`
	Frames      []ProbeFrameS `json:"frames"`
	SpikingHash string        `json:"spikingHash"`
	SpikeUnits  int           `json:"spikeUnits"`
	Spikes      int           `json:"spikes"`
	SpikeSum    float64       `json:"spikeSum"`
}

func TestWidgetGolden(t *testing.T) {
	d := newDriver(t, probeHash, nil)
	for i := 0; i < probeUnits; i++ {
		if err := d.Step(); err != nil {
			t.Fatal(err)
		}
	}
	ps := d.Status().Probe
	if ps == nil || len(ps.Frames) != 8 || ps.Error != "" || ps.Scored != 1 {
		t.Fatalf("probe status %+v", ps)
	}
	s := newDriver(t, spikingHash, nil)
	for i := 0; i < spikeUnits; i++ {
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	ra := s.Report().Figures[0].Raster
	g := widgetGolden{ProbeHash: probeHash, ProbeUnits: probeUnits, Frames: ps.Frames, SpikingHash: spikingHash, SpikeUnits: spikeUnits,
		Spikes: len(ra.Index), SpikeSum: spikeSum(ra)}
	b, err := json.MarshalIndent(g, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/widgets.json", string(b)+"\n")
}

// TestProbeThroughTheDriver: the hash's probe is read at the start and
// after every evaluation, frame picks the character shown (its figures
// join the run's), a bad probe is an error in the status and the run goes
// on, and a kind without probes says so.
func TestProbeThroughTheDriver(t *testing.T) {
	d := newDriver(t, "kind=plastic&eval-batches=2&hidden=8&layers=1&batch=2&probe=0?1 0!1&frame=3&play=0", nil)
	if !d.CanProbe() || d.Probe() == nil || d.Status().Probe.Frame != 3 {
		t.Fatalf("probe at the start: %+v (%s)", d.Status().Probe, d.ProbeError())
	}
	names := ""
	for _, f := range d.Figures() {
		names += f.Name + ","
	}
	if !strings.Contains(names, "probe-fast-weights,probe-prediction,") {
		t.Errorf("figures %s", names)
	}
	v := d.ProbeVersion()
	if err := d.Step(); err != nil {
		t.Fatal(err)
	}
	if d.ProbeVersion() == v {
		t.Error("the probe was not read again after the evaluation")
	}
	st := d.State()
	if !strings.Contains(st.Hash(), "probe=0%3F1+0%211&frame=3") {
		t.Errorf("hash %s", st.Hash())
	}
	st.Probe, st.Frame = "0?x", 0
	if err := d.SetView(st); err == nil || !strings.Contains(err.Error(), `'x'`) || !strings.Contains(d.Status().Probe.Error, "not in the charset") {
		t.Errorf("a bad probe: %v; status %+v", err, d.Status().Probe)
	}
	if in, err := d.PickProbe(); err != nil || !strings.Contains(in, "!") || d.State().Probe != in {
		t.Errorf("PickProbe: %q, %v", in, err)
	}
	sp := newDriver(t, "kind=spiking&n=200&probe=abc&play=0", nil)
	if sp.CanProbe() || !strings.Contains(sp.ProbeError(), "reads no probes") {
		t.Errorf("spiking with a probe: %q", sp.ProbeError())
	}
}

// TestTuneTo: a change of tunable settings tunes the running run (the
// same trainer goes on, the hash carries the new values), other changes
// need a new run, and a bad value is refused by name.
func TestTuneTo(t *testing.T) {
	d := newDriver(t, "kind=spiking&n=300&unit-ms=5&play=0", nil)
	if err := d.Step(); err != nil {
		t.Fatal(err)
	}
	tr := d.Trainer()
	msgs, ok, err := d.TuneTo(mustParse(t, "kind=spiking&n=300&unit-ms=5&g=6&drive=30"))
	if !ok || err != nil || len(msgs) != 2 || d.Trainer() != tr {
		t.Fatalf("TuneTo g, drive: %v %v %v", msgs, ok, err)
	}
	if h := d.State().Hash(); !strings.Contains(h, "g=6") || !strings.Contains(h, "drive=30") {
		t.Errorf("hash after tuning: %s", h)
	}
	if !d.State().SameRun(mustParse(t, "kind=spiking&n=300&unit-ms=5&g=6&drive=30")) {
		t.Error("the tuned state is not the run of the new hash")
	}
	if _, ok, _ := d.TuneTo(mustParse(t, "kind=spiking&n=300&unit-ms=2&g=6&drive=30")); ok {
		t.Error("a change of unit-ms (not tunable) was taken as a tuning")
	}
	if _, ok, err := d.TuneTo(mustParse(t, "kind=spiking&n=300&unit-ms=5&g=6&drive=30&p=0")); !ok || err == nil || !strings.Contains(err.Error(), "spiking.p = 0") {
		t.Errorf("p=0: %v %v", ok, err)
	}
	// back to a default: the flag's default value
	if msgs, ok, err := d.TuneTo(mustParse(t, "kind=spiking&n=300&unit-ms=5&drive=30")); !ok || err != nil || len(msgs) != 1 || !strings.Contains(msgs[0], "g = 5") {
		t.Errorf("g back to its default: %v %v %v", msgs, ok, err)
	}
	if !d.HasLive() || !d.IsLive("raster") || d.IsLive("nope") {
		t.Error("the spiking run's raster is not live")
	}
}
