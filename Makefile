# rnnlab — build, test and demo targets. `make demo` and `make test` are the
# two commands a newcomer runs (README.md).

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
CORE     := ./kernel/... ./models/... ./rules/... ./analysis/...
BIN      := bin/rnnlab
OUT      := out

.PHONY: all build demo test test-native test-wasm vet bench bench-wasm clean

all: build

# The native command: pure Go, no cgo, so it needs no system libraries.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/rnnlab

# Train a small dendritic PLRNN on Lorenz-63, print its long-horizon metrics,
# write the checkpoint, metrics, generated trajectory and plots under out/demo.
demo: build
	rm -rf $(OUT)/demo
	./$(BIN) train --config build/demo.json --out $(OUT)/demo
	./$(BIN) eval --checkpoint $(OUT)/demo/checkpoint.safetensors
	./$(BIN) generate --checkpoint $(OUT)/demo/checkpoint.safetensors --steps 20000 --out $(OUT)/demo/long.npy --plot $(OUT)/demo/long.png
	@echo
	@echo "Plots: $(OUT)/demo/attractor.png $(OUT)/demo/loss.png $(OUT)/demo/long.png"

test: vet test-native test-wasm

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

test-native:
	$(GO) test -count=1 ./...

# The core under js/wasm, run by node: the golden tests prove the same seed
# gives bit-identical trajectories and trained parameters on both targets.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" $(CORE)

bench:
	$(GO) test -run '^$$' -bench . -benchtime 1s $(CORE)

bench-wasm:
	GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench . -benchtime 1s -exec="$(WASMEXEC)" $(CORE)

clean:
	rm -rf bin $(OUT)
