package shareddata

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeT records what Need does to a test: Skipf and Fatalf end the
// goroutine, as testing's do.
type fakeT struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls need on a fake test in its own goroutine and returns the fake
// and what need returned.
func run(t *testing.T, dir string, elem ...string) (*fakeT, string) {
	f := &fakeT{TB: t}
	var got string
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = need(f, dir, nil, elem...)
	}()
	<-done
	return f, got
}

func TestModuleRoot(t *testing.T) {
	r, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(r, "go.mod"))
	if err != nil || !strings.Contains(string(b), "module github.com/rnnlab/rnnlab\n") {
		t.Fatalf("module root %s: go.mod %q, %v", r, b, err)
	}
	wd, _ := os.Getwd()
	if rel, err := filepath.Rel(r, wd); err != nil || rel != filepath.Join("build", "shareddata") {
		t.Fatalf("module root %s is not two folders above %s", r, wd)
	}
	if d, _ := Dir(); d != filepath.Join(filepath.Dir(r), "shared", "data") {
		t.Fatalf("Dir() = %s, want ../shared/data beside %s", d, r)
	}
}

func TestNeed(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "ecg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ecg", "100.hea"), []byte("100 2 360 650000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvCI, "")
	t.Setenv(EnvSkips, "") // its skips are simulated: keep them out of make test's count
	before := Skipped()
	if f, got := run(t, dir, "ecg", "100.hea"); f.skipped || f.failed || got != filepath.Join(dir, "ecg", "100.hea") {
		t.Fatalf("present file: skipped %v failed %v, path %q", f.skipped, f.failed, got)
	}
	if Skipped() != before {
		t.Fatal("a present file counted as a skip")
	}
	f, _ := run(t, dir, "ecg", "101.hea")
	if !f.skipped || f.failed || !strings.Contains(f.msg, "101.hea") {
		t.Fatalf("missing file outside CI: skipped %v failed %v %q", f.skipped, f.failed, f.msg)
	}
	run(t, filepath.Join(dir, "nowhere"), "dsr", "x.npy")
	if Skipped() != before+2 {
		t.Fatalf("Skipped() = %d after two missing files, want %d", Skipped(), before+2)
	}

	t.Setenv(EnvCI, "true")
	f, _ = run(t, dir, "ecg", "101.hea")
	if f.skipped || !f.failed || !strings.Contains(f.msg, "CI=true") || !strings.Contains(f.msg, "101.hea") {
		t.Fatalf("missing file under CI=true: skipped %v failed %v %q", f.skipped, f.failed, f.msg)
	}
	if Skipped() != before+2 {
		t.Fatal("a failure under CI=true counted as a skip")
	}
}

// TestReport checks the summary line and the file that make test sums.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	skips := filepath.Join(dir, "skips.txt")
	t.Setenv(EnvCI, "")
	t.Setenv(EnvSkips, skips)
	before := Skipped()
	run(t, filepath.Join(dir, "nowhere"), "dsr", "a.npy")
	run(t, filepath.Join(dir, "nowhere"), "dsr", "b.npy")
	var sb strings.Builder
	Summarize(&sb)
	want := fmt.Sprintf("shareddata: %d tests skipped: ../shared/data not found (", before+2)
	if !strings.HasPrefix(sb.String(), want) || !strings.HasSuffix(sb.String(), ")\n") {
		t.Fatalf("summary %q, want %q…", sb.String(), want)
	}
	b, _ := os.ReadFile(skips)
	if string(b) != "./build/shareddata 1\n./build/shareddata 1\n" {
		t.Fatalf("skips file: %q", b)
	}
	t.Setenv(EnvSkips, filepath.Join(dir, "no", "such", "folder", "skips.txt"))
	if f, _ := run(t, filepath.Join(dir, "nowhere"), "c.npy"); !f.failed || !strings.Contains(f.msg, "cannot be counted") {
		t.Fatalf("an unwritable skips file: failed %v %q", f.failed, f.msg)
	}
}
