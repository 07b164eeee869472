#!/usr/bin/env bash
# fetch_toolkit.sh — a scratch install of Debian's nvidia-cuda-toolkit 11.8
# (bookworm non-free) under /tmp/cuda-root, for the nvcc compile check on a
# machine without a GPU. It touches neither the system's apt sources nor
# its package state: the sources list, package lists and cache live in
# /tmp, and the .debs are unpacked with dpkg -x (about 0.9 GB download,
# 2.9 GB unpacked). Then:
#   make cuda-compile-check NVCC=/tmp/cuda-root/usr/lib/nvidia-cuda-toolkit/bin/nvcc \
#     NVCC_HOSTFLAGS="-ccbin /usr/bin/g++ -allow-unsupported-compiler"
# (CUDA 11.8 knows gcc ≤ 11; bookworm's gcc 12 works with the flag.)
set -euo pipefail
ROOT=${CUDA_ROOT:-/tmp/cuda-root}
S=/tmp/cuda-scratch
mkdir -p "$S/lists/partial" "$S/cache/archives/partial" "$S/debs" "$ROOT"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib non-free" >"$S/sources.list"
A=(-o Dir::Etc::SourceList="$S/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$S/lists"
	-o Dir::Cache="$S/cache" -o Debug::NoLocking=1)
apt-get "${A[@]}" update
cd "$S/debs"
apt-get "${A[@]}" download nvidia-cuda-toolkit nvidia-cuda-dev libnvvm4 libcudart11.0
for f in *.deb; do dpkg -x "$f" "$ROOT"; done
# The package's nvcc.profile names /usr paths; point it at the scratch root.
B="$ROOT/usr/lib/nvidia-cuda-toolkit/bin"
rm -f "$B/nvcc.profile"
cat >"$B/nvcc.profile" <<'P'
NVVMIR_LIBRARY_DIR = $(_HERE_)/../libdevice
PATH		+= $(_HERE_):$(_HERE_)/../../../bin:
INCLUDES	+= "-I$(_HERE_)/../../../include" $(_SPACE_)
LIBRARIES	=+ $(_SPACE_) "-L$(_HERE_)/../../../lib/x86_64-linux-gnu"
P
"$B/nvcc" --version
