package reservoir

import (
	"testing"

	"github.com/rnnlab/rnnlab/rules/run/runtest"
)

// goldenTiny is the SHA-256 of the tiny comparison's final checkpoint
// (wall-clock metadata removed), natively on amd64; the same bits must
// come out under js/wasm (go test with GOOS=js GOARCH=wasm).
const goldenTiny = "f705ce7691a6df1439c96d339ae6240e8055eafc1db43f556bb44faf12d4da1d"

func TestGoldenTiny(t *testing.T) { runtest.Golden(t, tiny(), goldenTiny) }
