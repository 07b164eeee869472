package flipflop

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
)

// goldenTiny is the SHA-256 of the tiny run's final checkpoint (wall-clock
// metadata removed), natively on amd64; the same bits must come out under
// js/wasm (go test with GOOS=js GOARCH=wasm).
const goldenTiny = "5a1fe67ccc24cda5abd09d8f97866a1c17cab93bf37b0e96b97f66e8a21ff152"

func TestGoldenTiny(t *testing.T) {
	tr, err := tiny().Start(run.Env{})
	if err != nil {
		t.Fatal(err)
	}
	for !tr.Done() {
		if err := tr.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	ck, err := tr.Save()
	if err != nil {
		t.Fatal(err)
	}
	for k := range ck.Meta {
		if strings.HasPrefix(k, "time.") {
			delete(ck.Meta, k)
		}
	}
	var buf bytes.Buffer
	if err := ck.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	if got := hex.EncodeToString(sum[:]); got != goldenTiny {
		t.Errorf("checkpoint SHA-256 %s, golden %s", got, goldenTiny)
	}
}
