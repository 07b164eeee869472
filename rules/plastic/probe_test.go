package plastic_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/build/golden"
	"github.com/rnnlab/rnnlab/rules/run"
)

// TestProbeLeavesTheRunAlone: probing a run (each updater) between units
// changes neither its checkpoint nor its later units (run.Prober's contract).
func TestProbeLeavesTheRunAlone(t *testing.T) {
	for _, u := range []string{"dfa", "perstep", "bptt"} {
		s := tiny()
		s.Updater = u
		a, b := start(t, s, run.Env{}), start(t, s, run.Env{})
		advance(t, a, 3)
		advance(t, b, 3)
		before := save(t, a)
		p, err := a.(run.Prober).Probe("000?1 0!1")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Frames) != 9 {
			t.Fatalf("%s: %d frames for 9 characters", u, len(p.Frames))
		}
		if !bytes.Equal(before, save(t, a)) {
			t.Fatalf("%s: the probe changed the checkpoint", u)
		}
		advance(t, a, 2)
		advance(t, b, 2)
		if !bytes.Equal(save(t, a), save(t, b)) {
			t.Fatalf("%s: a probed run trains differently from one never probed", u)
		}
	}
}

// TestProbeFrames: the frames of a key-recall string store and score the
// key, the rule writes into the fast weights (DFA: the heat map changes
// from frame to frame; BPTT: it does not), the probabilities sum to 1, and
// a probe is repeatable; golden numbers natively and under js/wasm.
func TestProbeFrames(t *testing.T) {
	s := tiny()
	tr := start(t, s, run.Env{})
	advance(t, tr, 8)
	pr := tr.(run.Prober)
	p, err := pr.Probe("00?3 0!3")
	if err != nil {
		t.Fatal(err)
	}
	if p.Frames[3].Note != `key '3' stored` || p.Frames[6].Score < 0 || p.Scored != 1 {
		t.Fatalf("frames: key note %q, recall score %d, scored %d", p.Frames[3].Note, p.Frames[6].Score, p.Scored)
	}
	for i, f := range p.Frames {
		var sum float64
		for _, v := range f.Figures[1].Lines[0].Y {
			sum += v
		}
		if sum < 1-1e-9 || sum > 1+1e-9 {
			t.Fatalf("frame %d: probabilities sum to %v", i, sum)
		}
		if f.Figures[0].Heat.Rows*f.Figures[0].Heat.Cols != len(f.Figures[0].Heat.Values) {
			t.Fatalf("frame %d: heat map shape", i)
		}
	}
	changed := func(p *run.Probe) bool {
		h0, h1 := p.Frames[0].Figures[0].Heat.Values, p.Frames[len(p.Frames)-1].Figures[0].Heat.Values
		for k := range h0 {
			if h0[k] != h1[k] {
				return true
			}
		}
		return false
	}
	if !changed(p) {
		t.Fatal("DFA: the fast weights did not change while the string was read")
	}
	q, _ := pr.Probe("00?3 0!3")
	if fmt.Sprint(q.Frames[6].Figures[1].Lines[0].Y) != fmt.Sprint(p.Frames[6].Figures[1].Lines[0].Y) {
		t.Fatal("two probes of the same string differ")
	}
	s.Updater = "bptt"
	bt := start(t, s, run.Env{})
	advance(t, bt, 2)
	bp, _ := bt.(run.Prober).Probe("00?3 0!3")
	if changed(bp) || len(bp.Notes) == 0 {
		t.Fatalf("BPTT: the fast weights changed within a sequence, or no note says why not (%v)", bp.Notes)
	}
	var b strings.Builder
	for _, f := range p.Frames {
		fmt.Fprintf(&b, "%s → %s %.17g score %d heat %016x\n", f.Char, f.Predicted, f.Prob, f.Score, golden.HashBits(f.Figures[0].Heat.Values))
	}
	golden.Check(t, "testdata/probe.txt", b.String())
}

// TestProbeBadInput: the errors name the problem.
func TestProbeBadInput(t *testing.T) {
	tr := start(t, tiny(), run.Env{})
	pr := tr.(run.ProbeSampler)
	for in, want := range map[string]string{
		"":                      "empty",
		"00?x 0!x":              `character 'x' at byte 3 is not in the charset`,
		strings.Repeat("0", 65): "at most 64",
	} {
		_, err := pr.Probe(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Probe(%q) = %v, want an error containing %q", in, err, want)
		}
	}
	a, b := pr.SampleProbe(3), pr.SampleProbe(3)
	if a != b || !strings.Contains(a, "?") || !strings.Contains(a, "!") {
		t.Fatalf("SampleProbe(3) gives %q and %q", a, b)
	}
	if _, err := pr.Probe(a); err != nil {
		t.Fatal(err)
	}
}
