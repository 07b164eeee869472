// Package runtest checks that a kind of run keeps the run package's
// contract: its run file round-trips, its runs resume bit for bit from a
// checkpoint, and its evaluation is well formed.
package runtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
)

// Conformance checks kind k with the (small) section spec:
//   - spec validates, and Encode → Decode gives it back;
//   - a run started from spec, advanced n units, saved, encoded, decoded,
//     resumed and advanced m more writes the same checkpoint bytes as one
//     advanced n + m units without stopping (so nothing of the run's
//     state, random streams included, is left out of the checkpoint;
//     metadata keys beginning "time." — wall-clock measurements — are
//     left out of the comparison);
//   - Progress counts the units; Evaluate returns a report of the kind
//     whose tables and figures have distinct names and consistent shapes.
func Conformance(t *testing.T, k *run.Kind, spec run.Spec, n, m int) {
	t.Helper()
	if err := spec.Validate(); err != nil {
		t.Fatalf("%s: the section does not validate: %v", k.Name, err)
	}
	doc, err := k.Encode(spec)
	if err != nil {
		t.Fatalf("%s: Encode: %v", k.Name, err)
	}
	k2, back, err := run.Decode(doc)
	if err != nil {
		t.Fatalf("%s: Decode of its own run file: %v\n%s", k.Name, err, doc)
	}
	if k2.Name != k.Name || !reflect.DeepEqual(back, spec) {
		t.Fatalf("%s: run file does not round-trip:\n%s\ngot %#v", k.Name, doc, back)
	}
	env := run.Env{Workers: 1}

	whole := advance(t, start(t, spec, env), n+m)
	want := encode(t, whole)

	half := advance(t, start(t, spec, env), n)
	if p := half.Progress(); p.Step != n {
		t.Errorf("%s: Progress().Step = %d after %d units", k.Name, p.Step, n)
	}
	mid := encode(t, half)
	resumed, rk, err := run.Resume(mid, run.Env{Workers: 2})
	if err != nil {
		t.Fatalf("%s: Resume: %v", k.Name, err)
	}
	if rk.Name != k.Name {
		t.Fatalf("checkpoint of %s resumed as %s", k.Name, rk.Name)
	}
	if p := resumed.Progress(); p.Step != n {
		t.Errorf("%s: resumed at unit %d, saved at %d", k.Name, p.Step, n)
	}
	got := encode(t, advance(t, resumed, m))
	if !bytes.Equal(got, want) {
		t.Errorf("%s: a run resumed after %d units and advanced %d more differs from one advanced %d without stopping", k.Name, n, m, n+m)
	}

	rep, err := whole.Evaluate()
	if err != nil {
		t.Fatalf("%s: Evaluate: %v", k.Name, err)
	}
	CheckReport(t, k.Name, rep)
}

// CheckReport checks that a report is well formed.
func CheckReport(t *testing.T, kind string, rep *run.Report) {
	t.Helper()
	if rep.Kind != kind {
		t.Errorf("report of kind %q from a %s run", rep.Kind, kind)
	}
	names := map[string]bool{}
	for _, tb := range rep.Tables {
		if tb.Name == "" || names["t:"+tb.Name] {
			t.Errorf("%s: table name %q empty or repeated", kind, tb.Name)
		}
		names["t:"+tb.Name] = true
		for i, r := range tb.Rows {
			if len(r) != len(tb.Columns) {
				t.Errorf("%s: table %s row %d has %d cells for %d columns", kind, tb.Name, i, len(r), len(tb.Columns))
			}
		}
	}
	for _, f := range rep.Figures {
		if f.Name == "" || names["f:"+f.Name] {
			t.Errorf("%s: figure name %q empty or repeated", kind, f.Name)
		}
		names["f:"+f.Name] = true
		for _, l := range f.Lines {
			if len(l.X) != len(l.Y) {
				t.Errorf("%s: figure %s line %q has %d x and %d y", kind, f.Name, l.Label, len(l.X), len(l.Y))
			}
		}
		if h := f.Heat; h != nil && len(h.Values) != h.Rows*h.Cols {
			t.Errorf("%s: figure %s heat map has %d values for %d×%d", kind, f.Name, len(h.Values), h.Rows, h.Cols)
		}
		if r := f.Raster; r != nil && len(r.Time) != len(r.Index) {
			t.Errorf("%s: figure %s raster has %d times and %d indices", kind, f.Name, len(r.Time), len(r.Index))
		}
	}
}

// Golden runs spec to its end (run.Env{}) and checks the SHA-256 of its
// final checkpoint, metadata keys "time." left out, against want: a kind's
// pinned result, which must come out the same natively and under js/wasm.
func Golden(t *testing.T, spec run.Spec, want string) {
	t.Helper()
	tr := start(t, spec, run.Env{})
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(encode(t, tr))
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("checkpoint SHA-256 %s, golden %s", got, want)
	}
}

func start(t *testing.T, spec run.Spec, env run.Env) run.Trainer {
	t.Helper()
	tr, err := spec.Start(env)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return tr
}

func advance(t *testing.T, tr run.Trainer, n int) run.Trainer {
	t.Helper()
	for i := 0; i < n && !tr.Done(); i++ {
		if err := tr.Advance(); err != nil {
			t.Fatalf("Advance %d: %v", i, err)
		}
	}
	return tr
}

func encode(t *testing.T, tr run.Trainer) []byte {
	t.Helper()
	ck, err := tr.Save()
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	for k := range ck.Meta {
		if strings.HasPrefix(k, "time.") {
			delete(ck.Meta, k)
		}
	}
	var buf bytes.Buffer
	if err := ck.Encode(&buf); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}
