#!/usr/bin/env bash
# device_check.sh — the one script a session with a GPU machine runs
# (docs/gpu.md). The machine has an NVIDIA GPU, nvcc and python3 with
# PyTorch CUDA, but no Go and no network. From the repository root:
#
#   bash build/cuda/device_check.sh          # the run tool: carry ["build/cuda/bin"]
#
# It needs build/cuda/bin/cuda.test, built beforehand where Go is
# (`make cuda-device-bins`: the tagged tests and benchmarks of
# cmd/internal/cuda, linked against the stub's soname librnncuda.so, with
# everything they need compiled in — no testdata). It then
#   1. builds the real librnncuda.so with nvcc (CUDA_ARCH, default native,
#      falling back to sm_90),
#   2. runs the correctness tests with RNNCUDA_REQUIRE=1 (a missing device
#      fails instead of skipping): ensemble window loss and gradient, Adam
#      and RAdam, rollouts, and rules/bptt training through the device tape,
#      for the dendritic, vanilla and shallow PLRNNs, each against the CPU
#      path at the stated tolerance,
#   3. builds and runs build/cuda/check.c, a C driver needing no Go: the
#      library against the CPU's results in cmd/internal/cuda/testdata/
#      device_golden.bin (dendritic and shallow ensembles), and timings of
#      the 1000-model dendritic and shallow steps (the fallback
#      if the Go binary cannot start there, e.g. an older glibc than 2.34),
#   4. times a training step of the 1000-model ensemble (M=22, B=20, T=200,
#      batch 16) on the device, one model's step on one CPU core, and
#      PyTorch CUDA running the same ensemble as one batched model
#      (build/bench/torch_ensemble_cuda.py, float32 and float64),
#   5. times the shallow PLRNN (rnnlab's default model): a rules/bptt step
#      through the device tape and on one CPU core, in steps/s, at M=3, L=50
#      (batch 16, T=200, generalized teacher forcing) and at M=32, L=1024,
#      and the 1000-model shallow ensemble (M=3, L=50),
#   6. times the LIF network of models/lif on the device (BenchmarkLIFDevice:
#      N = 10 000 and 100 000, fixed in-degree K = 1 000, so 10^8 synapses at
#      N = 100 000; the deterministic gather and the atomic push) and on one
#      CPU core (BenchmarkLIFCPU) in simulated seconds per wall second and
#      synaptic events per second,
#   7. writes report.md (and the raw logs) to $OUT, or build/cuda/out.
# Every stage has its own timeout, cut to what is left of the script's
# budget (CHECK_BUDGET, default 345 s: 285 s before the LIF stage's 60 s), so
# the whole run stays under 6 minutes; a stage that no longer fits is skipped and says so. For a dry run
# without a GPU: NVCC=<a wrapper building the emulator>, CHECK_MODELS,
# RNNCUDA_BENCH_MODELS, SHALLOW_SIZES (a -test.bench pattern, e.g. M3_L50),
# SHALLOW_BENCHTIME (e.g. 1x) and TESTS (a -test.run pattern) shrink the work.
set -u
cd "$(dirname "$0")/../.."
OUTDIR=${OUT:-build/cuda/out}
mkdir -p "$OUTDIR" build/cuda/lib
R="$OUTDIR/report.md"
BIN=build/cuda/bin/cuda.test
LIB=build/cuda/lib
NVCC=${NVCC:-nvcc}
CC=${CC:-$(command -v cc || command -v gcc || echo cc)}
PY=${PYTHON:-python3}
export LD_LIBRARY_PATH="$PWD/$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
start=$(date +%s)
BUDGET=${CHECK_BUDGET:-345}
SHALLOW_SIZES=${SHALLOW_SIZES:-.}
SHALLOW_BENCHTIME=${SHALLOW_BENCHTIME:-10x}
# run_for CAP CMD…: CMD under a timeout of CAP seconds or what is left of the
# budget (less 5 s for the report), whichever is less; refused (status 124)
# when under 10 s are left.
run_for() {
	local cap=$1 left=$((start + BUDGET - $(date +%s) - 5))
	shift
	if [ "$left" -lt 10 ]; then
		echo "skipped: the script's budget of ${BUDGET}s is spent"
		return 124
	fi
	[ "$cap" -gt "$left" ] && cap=$left
	timeout "$cap" "$@"
	local rc=$?
	[ "$rc" = 124 ] && echo "timed out after ${cap}s (the stage's cap, or what was left of the budget): $1 ${2:-} ${3:-} ${4:-} ${5:-} ${6:-}"
	return $rc
}
say() { echo "$*" | tee -a "$R"; }
block() { echo '```' >>"$R"; cat "$1" >>"$R"; echo '```' >>"$R"; }

: >"$R"
say "# rnnlab GPU device check ($(date -u +%FT%TZ))"
say ""
say "## Machine"
{ nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1 || echo "nvidia-smi failed"
  "$NVCC" --version 2>&1 | tail -2
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -1
  nproc; uname -m; ldd --version 2>&1 | head -1
  git rev-parse HEAD 2>/dev/null || echo "no git: commit unknown"; } >"$OUTDIR/machine.txt" 2>&1
block "$OUTDIR/machine.txt"

say "## Build (nvcc)"
FLAGS=(-O2 -fmad=false -Xcompiler -fPIC,-ffp-contract=off -shared -Xlinker -soname=librnncuda.so)
built=0
for arch in ${CUDA_ARCH:-native} sm_90; do
	# A host gcc newer than this nvcc knows is refused unless allowed.
	for host in "" "-allow-unsupported-compiler"; do
		if run_for 150 "$NVCC" $host -arch="$arch" "${FLAGS[@]}" -o "$LIB/librnncuda.so" build/cuda/rnncuda.cu >"$OUTDIR/build.log" 2>&1; then
			say "built $LIB/librnncuda.so with -arch=$arch $host"
			built=1
			break 2
		fi
		say "nvcc -arch=$arch $host failed:"
		block "$OUTDIR/build.log"
	done
done
if [ "$built" = 0 ]; then
	say "**no library: the remaining stages cannot run**"
	exit 1
fi

say "## Correctness (RNNCUDA_REQUIRE=1 $BIN -test.v)"
if [ ! -x "$BIN" ]; then
	say "**$BIN is missing: build it where Go is with \`make cuda-device-bins\` and carry build/cuda/bin**"
fi
RNNCUDA_REQUIRE=1 run_for 120 "$BIN" -test.v -test.count=1 -test.run "${TESTS:-.}" >"$OUTDIR/tests.log" 2>&1
rc=$?
grep -E '^(--- |ok|PASS|FAIL)|relative difference|device:|panic|rnncuda' "$OUTDIR/tests.log" >"$OUTDIR/tests.summary" || true
block "$OUTDIR/tests.summary"
say "tests exit status: $rc $( [ $rc = 0 ] && echo '(all passed)' || echo '(FAILED or cut short: see tests.log)')"

say "## C driver (no Go): golden comparison and timing"
if "$CC" -std=c99 -O2 -Ibuild/cuda -o "$OUTDIR/check" build/cuda/check.c -L"$LIB" -lrnncuda -lm >"$OUTDIR/check_build.log" 2>&1; then
	run_for 40 "$OUTDIR/check" cmd/internal/cuda/testdata/device_golden.bin "${CHECK_MODELS:-1000}" 10 >"$OUTDIR/check.log" 2>&1
	say "check exit status: $? (0: all within tolerance)"
	block "$OUTDIR/check.log"
else
	say "$CC check.c failed:"
	block "$OUTDIR/check_build.log"
fi

say "## Timings"
run_for 40 "$BIN" -test.run '^$' -test.bench 'BenchmarkEnsembleStep$' -test.benchtime 20x >"$OUTDIR/bench_gpu.log" 2>&1
GOMAXPROCS=1 run_for 30 "$BIN" -test.run '^$' -test.bench 'BenchmarkCPUStep$' -test.benchtime 20x -test.cpu 1 >"$OUTDIR/bench_cpu.log" 2>&1
run_for 40 "$BIN" -test.run '^$' -test.bench "BenchmarkShallowTapeStep/$SHALLOW_SIZES" -test.benchtime "$SHALLOW_BENCHTIME" >"$OUTDIR/bench_shallow_gpu.log" 2>&1
GOMAXPROCS=1 run_for 40 "$BIN" -test.run '^$' -test.bench "BenchmarkShallowCPUStep/$SHALLOW_SIZES" -test.benchtime 5x -test.cpu 1 >"$OUTDIR/bench_shallow_cpu.log" 2>&1
run_for 30 "$BIN" -test.run '^$' -test.bench 'BenchmarkShallowEnsembleStep' -test.benchtime "$SHALLOW_BENCHTIME" >"$OUTDIR/bench_shallow_ens.log" 2>&1
run_for 40 "$PY" build/bench/torch_ensemble_cuda.py --models 1000 --latents 22 --bases 20 --seqlen 200 --batch 16 >"$OUTDIR/torch32.log" 2>&1
run_for 30 "$PY" build/bench/torch_ensemble_cuda.py --models 1000 --latents 22 --bases 20 --seqlen 200 --batch 16 --float64 --reps 5 >"$OUTDIR/torch64.log" 2>&1
cat "$OUTDIR"/bench_*.log "$OUTDIR/torch32.log" "$OUTDIR/torch64.log" | grep -E 'Benchmark|torch|FAIL|rror|skipped|timed out' >"$OUTDIR/timings.txt"
block "$OUTDIR/timings.txt"

metric() { grep "$3" "$1" | grep -o "[0-9.e+]* $2" | head -1 | awk '{print $1}'; }
c_metric() { grep "$1" "$OUTDIR/check.log" 2>/dev/null | grep -o 'ns/model-step [0-9.]*' | awk '{print $2}'; }
g64=$(metric "$OUTDIR/bench_gpu.log" ns/model-step float64)
g32=$(metric "$OUTDIR/bench_gpu.log" ns/model-step float32)
[ -n "$g64" ] || g64=$(c_metric float64)
[ -n "$g32" ] || g32=$(c_metric float32)
cpu=$(metric "$OUTDIR/bench_cpu.log" ns/model-step CPUStep)
t32=$(grep -o 'us/model-step [0-9.]*' "$OUTDIR/torch32.log" | awk '{print $2 * 1000}')
t64=$(grep -o 'us/model-step [0-9.]*' "$OUTDIR/torch64.log" | awk '{print $2 * 1000}')
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; else echo "n/a"; fi; }
say ""
say "| per model and training step | ns | speed-up of rnncuda |"
say "|---|---|---|"
say "| rnncuda float64 (device) | ${g64:-n/a} | |"
say "| rnncuda float32 (device) | ${g32:-n/a} | |"
say "| CPU, one core (rules/bptt, float64) | ${cpu:-n/a} | float64 $(ratio "$cpu" "$g64") (target ≥ 100×) |"
say "| PyTorch CUDA float32, one batched model | ${t32:-n/a} | float32 $(ratio "$t32" "$g32") (target ≥ 10×) |"
say "| PyTorch CUDA float64, one batched model | ${t64:-n/a} | float64 $(ratio "$t64" "$g64") |"
say ""
sps() { grep "$2" "$1" 2>/dev/null | grep -o '[0-9.e+]* steps/s' | head -1 | awk '{print $1}'; }
say "Shallow PLRNN (rnnlab's default model family), one rules/bptt training step (batch 16, T = 200, generalized teacher forcing α = 0.1, RAdam):"
say ""
say "| model | device tape, steps/s | CPU one core, steps/s | speed-up |"
say "|---|---|---|---|"
for size in M3_L50 M32_L1024; do
	gs=$(sps "$OUTDIR/bench_shallow_gpu.log" "$size")
	cs=$(sps "$OUTDIR/bench_shallow_cpu.log" "$size")
	say "| clipped, ${size/_/, } | ${gs:-n/a} | ${cs:-n/a} | $(ratio "$gs" "$cs") |"
done
cs=$(sps "$OUTDIR/bench_shallow_cpu.log" M3_L50)
for prec in float64 float32; do
	es=$(grep "$prec" "$OUTDIR/bench_shallow_ens.log" 2>/dev/null | grep -o '[0-9.e+]* model-steps/s' | head -1 | awk '{print $1}')
	[ -n "$es" ] || es=$(grep "c-driver shallow.*$prec" "$OUTDIR/check.log" 2>/dev/null | grep -o 'model-steps/s [0-9.]*' | awk '{print $2}')
	say "| ensemble of 1000 × (M3, L50), $prec, sparse forcing τ = 25: model-steps/s | ${es:-n/a} | ${cs:-n/a} (one model) | $(ratio "$es" "$cs") |"
done
say ""
say "## LIF network (models/lif) on the device"
say ""
say "BenchmarkLIFDevice: exponential synapses, K = 1 000 fixed in-degree, constant drive; 200 ms warm-up, then ${LIF_BENCHTIME:-3x} × 100 ms. gather: the deterministic per-target gather (the CPU's bits); atomic: float64 atomics over the spiking rows."
RNNCUDA_LIF_N=${RNNCUDA_LIF_N:-10000,100000} run_for 40 "$BIN" -test.run '^$' -test.bench 'BenchmarkLIFDevice' -test.benchtime "${LIF_BENCHTIME:-3x}" >"$OUTDIR/bench_lif.log" 2>&1
RNNCUDA_LIF_N=${RNNCUDA_LIF_N:-10000,100000} GOMAXPROCS=1 run_for 20 "$BIN" -test.run '^$' -test.bench 'BenchmarkLIFCPU' -test.benchtime 1x -test.cpu 1 >>"$OUTDIR/bench_lif.log" 2>&1
grep -E 'Benchmark|FAIL|rror|skipped|timed out|panic' "$OUTDIR/bench_lif.log" >"$OUTDIR/lif.txt"
block "$OUTDIR/lif.txt"
say ""
say "| LIF, N | propagation | sim-s/s | events/s | Hz |"
say "|---|---|---|---|---|"
grep '^BenchmarkLIF' "$OUTDIR/bench_lif.log" 2>/dev/null | while read -r name rest; do
	n=$(echo "$name" | sed -n 's/.*N=\([0-9]*\).*/\1/p'); mode=$(echo "$name" | sed -n 's/.*N=[0-9]*\/\([a-z]*\).*/device, \1/p')
	[ -n "$mode" ] || mode="CPU, one core (models/lif)"
	say "| $n | $mode | $(echo "$rest" | grep -o '[0-9.e+]* sim-s/s' | awk '{print $1}') | $(echo "$rest" | grep -o '[0-9.e+]* events/s' | awk '{print $1}') | $(echo "$rest" | grep -o '[0-9.e+]* Hz' | awk '{print $1}') |"
done
say ""
say "Total time of this script: $(( $(date +%s) - start )) s."
