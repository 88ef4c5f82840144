#!/bin/sh
# Conformance of request building with the llm_gateway gem, on the shared
# fixtures (../shared/fixtures, next to the repository). The harness is
# tests/conformance_requests.c (make build/asan/conformance_requests): it
# writes each adapter.stream and adapter.raw_stream call of
# expected/**/*.json (79 calls) as an input file; `llmg request` runs once
# on each (LLMG overrides the path); then the harness compares what it
# printed with the request the gem built: method, url, every header (and
# credential header) and the body, JSON-equal, or for the huge bodies the
# gem's length, SHA-256, head and tail of the body in Ruby's compact form.
# Prints one line per mismatch ("note" lines are not failures) and
# "N passed, N failed", one per call.
# LLMG=tests/fake_llmg_request.sh stands in a fake that prints the gem's
# requests, to check the harness itself.
cd "$(dirname "$0")/.." || exit 2
fixtures=../shared/fixtures
if [ ! -d "$fixtures/expected" ]; then
    echo "conformance: skipped (../shared not found)"
    echo "0 passed, 0 failed"
    exit 0
fi
BIN=${CONFORMANCE:-build/asan/conformance_requests}
LLMG=${LLMG:-build/asan/llmg}
tmp=build/conformance_requests
rm -rf "$tmp"
mkdir -p "$tmp"
files=$(cd "$fixtures/expected" && find . -name '*.json' | sort)
# shellcheck disable=SC2086  # the fixture names have no spaces
"$BIN" "$fixtures/expected" --emit "$tmp" $files >"$tmp/emit.log" 2>&1
emitted=$?
grep -v -E '^emitted [0-9]+ calls$' "$tmp/emit.log"

export CONFORMANCE_BIN="$BIN"   # for tests/fake_llmg_request.sh
for input in "$tmp"/*.json; do
    [ -f "$input" ] || continue
    n=${input%.json}
    "$LLMG" request "$input" >"$n.got" 2>"$n.err"
    echo $? >"$n.rc"
done

"$BIN" --check "$tmp" >"$tmp/check.log" 2>&1
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/check.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/check.log" | tail -n 1)
if [ -z "$line" ]; then
    echo "FAIL conformance: $BIN --check exited $rc without a result line"
    echo "0 passed, 1 failed"
    exit 1
fi
pass=$(echo "$line" | cut -d' ' -f1)
fail=$(echo "$line" | cut -d' ' -f3)
if [ "$emitted" -ne 0 ]; then
    echo "FAIL conformance: $BIN --emit exited $emitted"
    fail=$((fail + 1))
fi
if ! grep -q -E '^llmg request: 79 calls ' "$tmp/check.log"; then
    echo "FAIL conformance: the fixtures' README lists 79 calls (75 adapter.stream, 4 adapter.raw_stream)"
    fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
