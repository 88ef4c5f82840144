#!/bin/sh
# make bench-peers: install the pinned peers (npm ci), write the generated
# streams, time each peer library and llmg on them. Optional: without
# Node.js and npm it says so and exits 0.
set -eu
DIR=${1:-build/bench-streams}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "bench-peers: skipped: needs Node.js (>= 20) and npm on PATH"
    exit 0
fi
( cd bench/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null ) || {
    echo "bench-peers: npm ci in bench/peers failed (is the npm registry reachable?)" >&2; exit 1; }
mkdir -p "$DIR"
build/bench --write-streams "$DIR" >/dev/null
exec node bench/peers/peers.mjs "$DIR" build/llmg
