// Package golden holds the helpers of rnnlab's bit-for-bit golden tests. It reads
// and writes files, so it lives under build/ and only tests import it.
package golden

import (
	"flag"
	"hash/fnv"
	"math"
	"os"
	"testing"
)

// update makes Check rewrite golden files instead of comparing:
// `go test ./pkg -run Golden -update`, only for an intended change of results.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// HashBits is the FNV-1a hash of the IEEE-754 bit patterns of x, a compact
// fingerprint for bit-for-bit golden tests.
func HashBits(x []float64) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	for _, v := range x {
		u := math.Float64bits(v)
		for k := 0; k < 8; k++ {
			buf[k] = byte(u >> (8 * k))
		}
		h.Write(buf[:])
	}
	return h.Sum64()
}

// Check compares got with the content of the golden file at path, or
// rewrites the file when the test binary runs with -update. Golden tests run
// natively and under js/wasm (`make test`), which is how rnnlab proves that
// results are bit-identical on both targets.
func Check(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("results differ from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
