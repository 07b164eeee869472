#!/usr/bin/env bash
# Times rnnlab's BPTT step against the PyTorch peer (build/bench/torch_step.py),
# alternating the two, pair by pair, so that a drift in the machine's speed
# affects both alike. Prints each pair's ms/step and the median ratio
# PyTorch ÷ rnnlab per size. Usage (from the repository root):
#   bash build/bench/compare.sh [pairs] [sizes...]     e.g. bash build/bench/compare.sh 3 22 200
# BATCHES="16" limits the batch sizes (default "16 64"). Each line also
# gives the load average and both sides' CPU time per step beside wall time
# (PyTorch: the median of its timed steps; rnnlab: /usr/bin/time of the
# benchmark process over its 11 steps, setup included).
# Needs Debian's python3-torch (/usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3}; shift || true
sizes=${*:-15 22 50 100 200}
bin=$(mktemp -d)/bptt.test
go test -c -o "$bin" ./rules/bptt/
for s in ${BATCHES:-16 64}; do
for m in $sizes; do
  ratios=()
  for p in $(seq "$pairs"); do
    tout=$(/usr/bin/python3 build/bench/torch_step.py --latents "$m" --batch "$s" --reps 5 2>&1)
    tm=$(echo "$tout" | awk '/^torch M=/ {print $NF}')
    tc=$(echo "$tout" | awk '/^torch cpu/ {printf "%.1f", $NF}') # median CPU time of the timed steps
    gout=$( { cd rules/bptt && /usr/bin/time -f "CPU %U %S" "$bin" -test.run '^$' -test.bench "TrainStepSizes/M=$m/S=$s\$" -test.benchtime 10x; } 2>&1 )
    gm=$(echo "$gout" | awk '/ms\/step/ {for (i=1;i<=NF;i++) if ($i=="ms/step") print $(i-1)}')
    gc=$(echo "$gout" | awk '/^CPU/ {printf "%.1f", ($2+$3)*1000/11}') # 10 timed steps and the benchmark's first
    r=$(awk -v a="$tm" -v b="$gm" 'BEGIN{printf "%.2f", a/b}')
    echo "M=$m S=$s pair $p: torch $tm ms (CPU $tc), rnnlab $gm ms (CPU $gc), ratio $r, load $(cut -d' ' -f1 /proc/loadavg)"
    ratios+=("$r")
  done
  printf '%s\n' "${ratios[@]}" | sort -g | awk -v m="$m" -v s="$s" '{a[NR]=$1} END{print "M=" m " S=" s " median ratio " a[int((NR+1)/2)]}'
done
done
