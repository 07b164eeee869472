# rnnlab — build, test and demo targets. `make demo` and `make test` are the
# two commands a newcomer runs (README.md).

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
CORE     := ./kernel/... ./models/... ./rules/... ./analysis/...
BIN      := bin/rnnlab
OUT      := out
SITE     := site/dist
ADDR     ?= 127.0.0.1:8080
WASMBUILD := GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w'

.PHONY: all build site serve demo test test-native test-wasm test-browser test-slurm vet bench bench-wasm clean

all: build

# The native command: pure Go, no cgo, so it needs no system libraries. It
# embeds the site that `make site` built (site/embed.go), for `rnnlab serve`.
build: site
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/rnnlab

# The static site, in site/dist (any static server can host the folder):
# the lab widget and the home page's shell as WebAssembly, Go's wasm_exec.js,
# the pages of site/static, and .br/.gz siblings of each (build/sitebuild,
# which also prints the sizes). The shell is skipped while site/shell is absent.
site:
	$(WASMBUILD) -o $(SITE)/lab.wasm ./site/lab
	$(WASMBUILD) -o $(SITE)/run.wasm ./site/run
	@if [ -d site/shell ]; then echo "$(WASMBUILD) -o $(SITE)/shell.wasm ./site/shell"; \
	  $(WASMBUILD) -o $(SITE)/shell.wasm ./site/shell; \
	else echo "site/shell not there yet: no shell.wasm"; rm -f $(SITE)/shell.wasm; fi
	cp $(GOROOT)/lib/wasm/wasm_exec.js $(SITE)/
	cp -R site/static/. $(SITE)/
	$(GO) run ./build/sitebuild $(SITE)

# Serve the embedded site (ADDR=host:port to change the address).
serve: build
	./$(BIN) serve --addr $(ADDR)

# Train a clipped shallow PLRNN on Lorenz-63 (build/demo.json), print its
# long-horizon metrics, write the checkpoint, metrics, generated
# trajectories and plots under out/demo (README.md lists them).
demo: build
	rm -rf $(OUT)/demo
	./$(BIN) train --config build/demo.json --out $(OUT)/demo
	./$(BIN) eval --checkpoint $(OUT)/demo/checkpoint.safetensors
	./$(BIN) generate --checkpoint $(OUT)/demo/checkpoint.safetensors --steps 20000 --out $(OUT)/demo/long.npy --plot $(OUT)/demo/long.png
	@echo
	@echo "Plots: $(OUT)/demo/attractor.png $(OUT)/demo/loss.png $(OUT)/demo/long.png"
	@echo "Open the page: $(BIN) serve  →  http://$(ADDR)/"

test: vet cuda-vet test-native test-wasm test-browser

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Tests that need ../shared/data skip without it (failing under CI=true) and
# append a line per skip to $(SHAREDSKIPS) (build/shareddata);
# $(SHAREDSUM) prints the total in one line.
SHAREDSKIPS := $(abspath $(OUT))/shared-skips.txt
SHAREDSUM    = @if [ -s $(SHAREDSKIPS) ]; then awk '{ n += $$2; if (!($$1 in seen)) { seen[$$1]; p = p " " $$1 } } END { printf "%d tests skipped: ../shared/data not found (in%s)\n", n, p }' $(SHAREDSKIPS); fi

test-native:
	@mkdir -p $(OUT) && rm -f $(SHAREDSKIPS)
	RNNLAB_SHARED_SKIPS=$(SHAREDSKIPS) $(GO) test -count=1 ./...
	$(SHAREDSUM)

# The core under js/wasm, run by node: the golden tests prove the same seed
# gives bit-identical trajectories and trained parameters on both targets.
test-wasm:
	@mkdir -p $(OUT) && rm -f $(SHAREDSKIPS)
	RNNLAB_SHARED_SKIPS=$(SHAREDSKIPS) GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" $(CORE) ./wasm/session/...
	$(SHAREDSUM)

# The site in headless Chromium (site/test/run.mjs): every widget view draws,
# training, native-vs-browser trajectories, bad files, shared links, the home
# and lesson pages; screenshots and perf.json under out/browser.
test-browser: build site/test/node_modules/.package-lock.json
	node site/test/run.mjs --strict --bin $(BIN) --out $(OUT)/browser

site/test/node_modules/.package-lock.json: site/test/package-lock.json
	cd site/test && npm ci --no-audit --no-fund

# A sweep as a real Slurm job array on a one-node cluster that
# build/slurm/start.sh installs (apt: slurm-wlm, munge) and starts here;
# build/slurm/stop.sh then stops the daemons it started, pass or fail, and
# leaves alone those that ran before.
test-slurm:
	@trap 'bash build/slurm/stop.sh; exit 143' INT TERM; \
	  st=0; bash build/slurm/start.sh && RNNLAB_SLURM=1 $(GO) test -count=1 -run TestSlurmArray ./cmd/rnnlab || st=$$?; \
	  bash build/slurm/stop.sh || { [ $$st != 0 ] || st=1; }; exit $$st

bench:
	$(GO) test -run '^$$' -bench . -benchtime 1s $(CORE) ./wasm/session/...

bench-wasm:
	GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench . -benchtime 1s -exec="$(WASMEXEC)" $(CORE) ./wasm/session/...

clean:
	rm -rf bin $(OUT)
	find $(SITE) -mindepth 1 ! -name README.md ! -name .gitignore -delete

# ---- The GPU path (docs/gpu.md): librnncuda.so from build/cuda, the
# no-device stub of the same soname, and the Go package cmd/internal/cuda
# built with -tags cuda against either. `make test` stays GPU-free.
NVCC           ?= nvcc
CUDA_ARCH      ?= native
NVCC_HOSTFLAGS ?=
CUDA_LIB       := build/cuda/lib/librnncuda.so
CUDA_FLAGS     := -O2 -fmad=false -Xcompiler -fPIC,-ffp-contract=off
CUDA_SHARED    := -shared -Xlinker -soname=librnncuda.so

.PHONY: cuda cuda-stub cuda-emu cuda-compile-check cuda-vet cuda-emu-test cuda-device-bins

# The real library, where nvcc exists (CUDA_ARCH=sm_90 to build without a GPU).
cuda:
	@command -v $(NVCC) >/dev/null || { echo "make cuda: $(NVCC) not found: install the CUDA toolkit or set NVCC=/path/to/nvcc (docs/gpu.md)"; exit 1; }
	mkdir -p build/cuda/lib
	$(NVCC) $(NVCC_HOSTFLAGS) -arch=$(CUDA_ARCH) $(CUDA_FLAGS) $(CUDA_SHARED) -o $(CUDA_LIB) build/cuda/rnncuda.cu

# The stub: same soname and symbols, plain C, every call reports "no device".
cuda-stub:
	mkdir -p build/cuda/lib
	$(CC) -std=c99 -Wall -Wextra -Werror -O2 -fPIC -shared -Wl,-soname,librnncuda.so -o $(CUDA_LIB) build/cuda/stub.c

# The kernels compiled for the CPU emulator (build/cuda/emu): checks their
# logic without a GPU; not a timing.
cuda-emu:
	mkdir -p build/cuda/lib
	$(CXX) -std=c++20 -O1 -ffp-contract=off -fPIC -shared -pthread -x c++ -DRNNCUDA_EMU -Ibuild/cuda/emu -Ibuild/cuda \
	  -Wl,-soname,librnncuda.so -o $(CUDA_LIB) build/cuda/rnncuda.cu

# nvcc compile check of the .cu sources for the H200 (sm_90), no GPU needed;
# with the scratch toolkit of build/cuda/fetch_toolkit.sh:
#   make cuda-compile-check NVCC=/tmp/cuda-root/usr/lib/nvidia-cuda-toolkit/bin/nvcc \
#     NVCC_HOSTFLAGS="-ccbin /usr/bin/g++ -allow-unsupported-compiler"
cuda-compile-check:
	mkdir -p build/cuda/out
	$(NVCC) $(NVCC_HOSTFLAGS) -arch=sm_90 $(CUDA_FLAGS) -Xptxas -v -c -o build/cuda/out/rnncuda.o build/cuda/rnncuda.cu

# CI: vet the tagged packages and run their tests against the stub (the GPU
# tests skip, the no-device test asserts the stub's errors).
cuda-vet: cuda-stub
	CGO_ENABLED=1 $(GO) vet -tags cuda ./cmd/...
	CGO_ENABLED=1 $(GO) test -count=1 -tags cuda ./cmd/internal/cuda/

# The tagged tests against the CPU emulator: every GPU test runs.
cuda-emu-test: cuda-emu
	CGO_ENABLED=1 $(GO) test -count=1 -tags cuda -v ./cmd/internal/cuda/
	$(MAKE) cuda-stub

# The test and benchmark binary for build/cuda/device_check.sh, linked
# against the stub's soname (the device builds the real library).
cuda-device-bins: cuda-stub
	mkdir -p build/cuda/bin
	CGO_ENABLED=1 $(GO) test -c -tags cuda -trimpath -o build/cuda/bin/cuda.test ./cmd/internal/cuda
