package archtest

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// forbiddenAnywhere may not appear among the transitive dependencies of a
// core package.
var forbiddenAnywhere = []string{
	"syscall/js",
	"github.com/hajimehoshi/ebiten",
	"github.com/vugu/vugu",
	"honnef.co/go/js",
	"golang.org/x/term",
	"gonum.org/v1/plot",
	"os/exec",
	"net/http",
}

// forbiddenDirect may not be imported directly by a core package (the
// standard library uses some of them internally, e.g. fmt imports os).
// flag is allowed: a kind of run binds its section to a *flag.FlagSet the
// edge makes (run.Spec.Flags), which only parses strings; what of flag
// touches the process (os.Args, os.Stderr: the package-level CommandLine
// and its functions) is refused by TestCoreFlagUse.
var forbiddenDirect = []string{"os", "io/ioutil", "io/fs", "path/filepath", "os/signal", "syscall", "unsafe", "runtime/cgo", "C", "log"}

// processFlag matches the uses of package flag that read the process's
// arguments or write to its standard error: the CommandLine flag set and
// the package-level functions over it.
var processFlag = regexp.MustCompile(`\bflag\.(CommandLine|Parse|Parsed|Args|Arg|NArg|NFlag|Usage|PrintDefaults|Set|Lookup|Visit|VisitAll|(Bool|Int|Int64|Uint|Uint64|String|Float64|Duration|Text|Func|BoolFunc)(Var)?|Var)\b`)

// TestCoreFlagUse: the core uses package flag only through flag sets it is
// given, never the process's CommandLine.
func TestCoreFlagUse(t *testing.T) {
	for _, p := range listCore(t) {
		for _, f := range p.GoFiles {
			b, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if m := processFlag.FindString(line); m != "" && !strings.HasPrefix(strings.TrimSpace(line), "//") {
					t.Errorf("%s:%d uses %s: the core binds flags only on the *flag.FlagSet it is given (run.Spec.Flags), never the process's", filepath.Join(p.ImportPath, f), i+1, m)
				}
			}
		}
	}
}

var corePatterns = []string{"./kernel/...", "./models/...", "./rules/...", "./analysis/..."}

type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
	Deps       []string
}

func listCore(t *testing.T) []pkg {
	args := append([]string{"list", "-json", "-deps=false"}, corePatterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d core packages", len(pkgs))
	}
	return pkgs
}

func TestCoreDependencies(t *testing.T) {
	for _, p := range listCore(t) {
		for _, d := range p.Deps {
			for _, f := range forbiddenAnywhere {
				if d == f || strings.HasPrefix(d, f+"/") {
					t.Errorf("%s depends on %s", p.ImportPath, d)
				}
			}
		}
		for _, d := range p.Imports {
			for _, f := range forbiddenDirect {
				if d == f {
					t.Errorf("%s imports %s directly; the core must not touch files, the terminal or the platform", p.ImportPath, d)
				}
			}
		}
	}
}

// TestCoreBuildsForWasm builds the core for js/wasm, so a platform-specific
// import or an amd64-only file without a fallback is caught natively too.
func TestCoreBuildsForWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the core for js/wasm")
	}
	cmd := exec.Command("go", append([]string{"build"}, corePatterns...)...)
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("core does not build for js/wasm: %v\n%s", err, out)
	}
}

// TestNativeCommandDependencies proves the native command, which embeds the
// built site, stays free of browser packages and of cgo: `go list -deps
// ./cmd/rnnlab` with CGO_ENABLED=0 names no syscall/js, ebiten, vugu,
// honnef.co/go/js or runtime/cgo.
func TestNativeCommandDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./cmd/rnnlab")
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/rnnlab: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list found only %d dependencies of cmd/rnnlab", len(deps))
	}
	browser := []string{"syscall/js", "github.com/hajimehoshi/ebiten", "github.com/vugu/vugu", "honnef.co/go/js", "runtime/cgo"}
	for _, d := range deps {
		for _, f := range browser {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("cmd/rnnlab depends on %s; the native command must not pull in browser packages or cgo", d)
			}
		}
	}
}

// TestWidgetDependencies keeps the lab widget's download small: its js/wasm
// import graph must not reach net/http (through ebitenutil, which imports it
// under js), crypto/tls, crypto/x509 or dom/v2, each worth hundreds of
// kilobytes of brotli (see docs/performance.md, the static site).
func TestWidgetDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./site/lab")
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./site/lab (js/wasm): %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list found only %d dependencies of site/lab", len(deps))
	}
	heavy := []string{"net/http", "crypto/tls", "crypto/x509", "honnef.co/go/js/dom/v2", "github.com/hajimehoshi/ebiten/v2/ebitenutil"}
	for _, d := range deps {
		for _, f := range heavy {
			if d == f {
				t.Errorf("site/lab depends on %s under js/wasm; that package weighs on every widget page's first visit", d)
			}
		}
	}
}
