#!/usr/bin/env bash
# Times rnnlab's leaky-RNN training step (rules/tasktrain BenchmarkTrainStep,
# one core, float64) against its PyTorch peer (build/bench/torch_leaky.py, one
# thread, float32), alternating the two pair by pair so that a drift in the
# machine's speed affects both alike. Per pair it prints wall ms/step (each
# side's own timer) and CPU ms/step (Go: user+sys of the benchmark process
# from /usr/bin/time over its steps, setup included; PyTorch: process time
# per step), the two ratios PyTorch ÷ rnnlab, and the load average.
# Usage (from the repository root):
#   nice -n 10 bash build/bench/leaky_pairs.sh [pairs] [64|256]...
# Needs Debian's python3-torch (/usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3}; shift || true
sizes=${*:-64 256}
bin=$(mktemp -d)/tasktrain.test
go test -c -o "$bin" ./rules/tasktrain/
for n in $sizes; do
  case $n in
    64) S=32 T=100 W=40 gosteps=30 reps=5 ;;
    256) S=64 T=500 W=200 gosteps=3 reps=2 ;;
    *) echo "size $n: want 64 or 256" >&2; exit 2 ;;
  esac
  for p in $(seq "$pairs"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    tl=$(/usr/bin/python3 build/bench/torch_leaky.py --units "$n" --batch "$S" --steps "$T" --warm "$W" --reps "$reps")
    tw=$(echo "$tl" | awk '{print $(NF-2)}'); tc=$(echo "$tl" | awk '{print $NF}')
    out=$( { GOMAXPROCS=1 /usr/bin/time -f 'cpu %U %S' "$bin" -test.run '^$' \
      -test.bench "TrainStep/N=$n," -test.benchtime "${gosteps}x"; } 2>&1 )
    gw=$(echo "$out" | awk '{for (i=1;i<=NF;i++) if ($i=="ms/step") print $(i-1)}')
    gc=$(echo "$out" | awk -v k="$gosteps" '$1=="cpu" {printf "%.1f", 1000*($2+$3)/k}')
    echo "N=$n pair $p load $load: torch wall $tw cpu $tc ms; rnnlab wall $gw cpu $gc ms; ratio wall $(awk -v a="$tw" -v b="$gw" 'BEGIN{printf "%.2f", a/b}') cpu $(awk -v a="$tc" -v b="$gc" 'BEGIN{printf "%.2f", a/b}')"
  done
done
