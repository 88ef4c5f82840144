#!/bin/sh
# Conformance of the stream mappers and the accumulator with the
# llm_gateway gem, on the shared fixtures (../shared/fixtures, next to the
# repository): every SSE response of recorded/**/*.json against the events,
# final message and error of expected/**/*.json, whole and at every chunk
# size from 1 to 64 (conformance_streams.c); then `llmg replay` on each
# body, whole and in 3-byte chunks, must print what the library gave, with
# the right exit status. Prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
fixtures=../shared/fixtures
if [ ! -d "$fixtures/expected" ] || [ ! -d "$fixtures/recorded" ]; then
    echo "conformance: skipped (../shared not found)"
    echo "0 passed, 0 failed"
    exit 0
fi
BIN=${CONFORMANCE:-build/asan/conformance_streams}
LLMG=${LLMG:-build/asan/llmg}
tmp=build/conformance_streams
rm -rf "$tmp"
mkdir -p "$tmp"
files=$(cd "$fixtures/expected" && find . -name '*.json' | sort)
files="$files $(cd "$fixtures/recorded" && find handoff -name '*.json' | sort)"
# shellcheck disable=SC2086  # the fixture names have no spaces
"$BIN" "$fixtures/expected" "$fixtures/recorded" --emit "$tmp" $files >"$tmp/lib.log" 2>&1
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/lib.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/lib.log" | tail -n 1)
if [ -z "$line" ]; then
    echo "FAIL conformance: $BIN exited $rc without a result line"
    echo "0 passed, 1 failed"
    exit 1
fi
pass=$(echo "$line" | cut -d' ' -f1)
fail=$(echo "$line" | cut -d' ' -f3)
echo "library: $line (75 responses: events, then the same at chunk sizes 1..64; final messages and handoff transcripts: JSON round trip)"

cli=0
for args in "$tmp"/*.args; do
    [ -f "$args" ] || continue
    n=${args%.args}
    { read -r provider; read -r want; read -r label; } <"$args"
    for chunk in 0 3; do
        if [ "$chunk" -eq 0 ]; then set --; else set -- --chunk "$chunk"; fi
        "$LLMG" replay --provider "$provider" --now-ms 0 "$@" "$n.sse" >"$n.got" 2>"$n.err"
        got=$?
        if [ "$got" -eq "$want" ] && cmp -s "$n.got" "$n.out"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL cli: llmg replay $* on $label (exit $got, expected $want): $(head -c 300 "$n.err")"
        fi
    done
    cli=$((cli + 1))
done
echo "llmg replay: $cli responses run through the tool"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
