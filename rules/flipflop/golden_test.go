package flipflop

import (
	"testing"

	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// goldenTiny is the SHA-256 of the tiny run's final checkpoint (wall-clock
// metadata removed), natively on amd64; the same bits must come out under
// js/wasm (go test with GOOS=js GOARCH=wasm).
const goldenTiny = "5a1fe67ccc24cda5abd09d8f97866a1c17cab93bf37b0e96b97f66e8a21ff152"

func TestGoldenTiny(t *testing.T) { runtest.Golden(t, tiny(), goldenTiny) }
