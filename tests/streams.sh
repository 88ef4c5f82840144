#!/bin/sh
# The hand-written stream cases of tests/fixtures/streams/<provider>/: each
# <case>.sse through the library (whole and at chunk sizes 1..64) must give
# the lines of <case>.expected and the exit status of <case>.exit; then
# `llmg replay` must print the same and exit the same. Always runs.
cd "$(dirname "$0")/.." || exit 2
BIN=${CONFORMANCE:-build/asan/conformance_streams}
LLMG=${LLMG:-build/asan/llmg}
dir=tests/fixtures/streams
set --
for sse in "$dir"/*/*.sse; do
    [ -f "$sse" ] || continue
    c=${sse%.sse}
    key=$(basename "$(dirname "$sse")")
    set -- "$@" "$key" "$sse" "$c.expected" "$c.exit"
done
if [ $# -eq 0 ]; then
    echo "FAIL no cases under $dir"
    echo "0 passed, 1 failed"
    exit 1
fi
"$BIN" --case "$@" >build/streams.log 2>&1
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' build/streams.log
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' build/streams.log | tail -n 1)
[ -n "$line" ] || { echo "FAIL $BIN exited $rc without a result line"; echo "0 passed, 1 failed"; exit 1; }
pass=$(echo "$line" | cut -d' ' -f1)
fail=$(echo "$line" | cut -d' ' -f3)
# the tool: its exit status for every case
for sse in "$dir"/*/*.sse; do
    c=${sse%.sse}
    key=$(basename "$(dirname "$sse")")
    want=$(cat "$c.exit")
    "$LLMG" replay --provider "$key" --now-ms 0 --chunk 5 "$sse" >build/streams.out 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL llmg replay $sse: exit $got, expected $want"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
