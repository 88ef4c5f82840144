#!/bin/sh
# Conformance of the error classifier with the llm_gateway gem, on the
# shared fixtures (../shared/fixtures, next to the repository): every
# http_errors entry, and every stream that ended in an error, of
# expected/**/*.json against its recorded response (conformance_errors.c);
# then `llmg classify` on each http_errors entry must print what the
# library gave. Prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
fixtures=../shared/fixtures
if [ ! -d "$fixtures/expected" ] || [ ! -d "$fixtures/recorded" ]; then
    echo "conformance: skipped (../shared not found)"
    echo "0 passed, 0 failed"
    exit 0
fi
BIN=${CONFORMANCE:-build/asan/conformance_errors}
LLMG=${LLMG:-build/asan/llmg}
tmp=build/conformance
rm -rf "$tmp"
mkdir -p "$tmp"
files=$(cd "$fixtures/expected" && find . -name '*.json' | sort)
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
echo "library: $line"

cli=0
for args in "$tmp"/*.args; do
    [ -f "$args" ] || continue
    n=${args%.args}
    {
        read -r provider
        read -r status
        set -- --provider "$provider" --status "$status"
        while IFS= read -r h; do set -- "$@" --header "$h"; done
    } <"$args"
    "$LLMG" classify "$@" --now-ms 0 "$n.body" >"$n.got" 2>"$n.err"
    got=$?
    if [ "$got" -eq 0 ] && cmp -s "$n.got" "$n.want"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL cli: llmg classify on $n.body (exit $got): $(cat "$n.got" "$n.err")"
    fi
    cli=$((cli + 1))
done
echo "llmg classify: $cli fixtures run through the tool"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
