// Package shareddata finds, for tests, the benchmark data that sits beside
// the checkout in ../shared/data (PhysioNet records, the GTF paper's
// Lorenz-63 set; README.md, "Data and licences"). The path is resolved from
// the module root, the folder holding go.mod, so a test reads the same files
// from any package and from any place the checkout was cloned to.
//
// A test that needs the data calls Need (or Path); each package with such
// tests runs them through Main from its TestMain:
//
//	func TestMain(m *testing.M) { shareddata.Main(m) }
//
// Where the data are missing, Need skips the test, and Main prints one line
// after the package's tests, "shareddata: 3 tests skipped: ../shared/data not
// found (stat /path/of/the/first/missing/file: …)", on the test binary's
// standard output (shown by go test -v or in directory mode; a package whose
// TestMain does more calls Summarize itself). When RNNLAB_SHARED_SKIPS names
// a file, Need also appends "<package> 1" to it for each skip, so that `make
// test` sums the skips of all packages into one line (go test hides a
// passing package's output in package-list mode), with or without a
// TestMain. Under CI=true a missing folder is a failure instead:
// CI always has ../shared beside its clone, so a skip there would hide a
// broken path.
//
// The package is for tests only: the numerical core never touches files
// (build/archtest), and this package lies outside it.
package shareddata

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// EnvCI is the variable that, set to "true", turns a missing ../shared into
// a failure. CI sets it (.ci/run runs under CI=true).
const EnvCI = "CI"

// EnvSkips names the file to which Need appends a line for each skip.
const EnvSkips = "RNNLAB_SHARED_SKIPS"

var (
	skipped atomic.Int64

	firstMu      sync.Mutex
	firstMissing error // the first missing path, for the summary

	rootOnce sync.Once
	root     string
	rootErr  error
)

// ModuleRoot returns the folder holding the go.mod above the working
// directory (go test runs a test in its package's folder).
func ModuleRoot() (string, error) {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = fmt.Errorf("shareddata: working directory: %w", err)
			return
		}
		for d := dir; ; {
			if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
				root = d
				return
			}
			up := filepath.Dir(d)
			if up == d {
				rootErr = fmt.Errorf("shareddata: no go.mod in %s or any folder above it", dir)
				return
			}
			d = up
		}
	})
	return root, rootErr
}

// Dir returns the absolute path of ../shared/data, relative to the module
// root.
func Dir() (string, error) {
	r, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(r), "shared", "data"), nil
}

// Path returns the path of elem (slash-separated, e.g. "ecg/100") under
// ../shared/data, whether or not it exists.
func Path(elem ...string) (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{d}, elem...)...), nil
}

// Need returns the path of elem under ../shared/data when that file or
// folder exists. When it does not, Need skips t, counting the skip for
// Main's summary, or, under CI=true, fails t naming the missing path.
func Need(t testing.TB, elem ...string) string {
	t.Helper()
	d, err := Dir()
	return need(t, d, err, elem...)
}

// need is Need for the data folder dir (or the error finding it).
func need(t testing.TB, dir string, err error, elem ...string) string {
	t.Helper()
	if err == nil {
		p := filepath.Join(append([]string{dir}, elem...)...)
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	missing(t, err)
	return ""
}

// missing skips or, under CI=true, fails t for want of the shared data.
func missing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvCI) == "true" {
		t.Fatalf("shared data missing under CI=true (CI must have ../shared beside the checkout): %v", err)
	}
	skipped.Add(1)
	firstMu.Lock()
	if firstMissing == nil {
		firstMissing = err
	}
	firstMu.Unlock()
	if f := os.Getenv(EnvSkips); f != "" {
		if err := appendSkip(f); err != nil {
			t.Fatalf("shared data not available, and the skip cannot be counted: %v", err)
		}
	}
	t.Skipf("shared data not available: %v", err)
}

// Skipped is the number of tests Need has skipped so far in this binary.
func Skipped() int { return int(skipped.Load()) }

// Main runs the package's tests, prints the summary line when some were
// skipped for want of the shared data, and exits with the tests' code.
func Main(m *testing.M) {
	code := m.Run()
	Summarize(os.Stdout)
	os.Exit(code)
}

// Summarize writes the summary line, when Need has skipped tests, to w.
func Summarize(w io.Writer) {
	n := Skipped()
	if n == 0 {
		return
	}
	firstMu.Lock()
	why := firstMissing
	firstMu.Unlock()
	fmt.Fprintf(w, "shareddata: %d %s skipped: ../shared/data not found (%v)\n", n, plural(n, "test", "tests"), why)
}

// appendSkip appends "<package> 1" to the file f (RNNLAB_SHARED_SKIPS).
func appendSkip(f string) error {
	out, err := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s=%s: %w", EnvSkips, f, err)
	}
	_, werr := fmt.Fprintf(out, "%s 1\n", packageName())
	return errors.Join(werr, out.Close())
}

// packageName names the package under test by its folder relative to the
// module root ("./kernel/npy").
func packageName() string {
	r, err := ModuleRoot()
	wd, werr := os.Getwd()
	if err != nil || werr != nil {
		return "?"
	}
	rel, err := filepath.Rel(r, wd)
	if err != nil {
		return wd
	}
	return "./" + filepath.ToSlash(rel)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
