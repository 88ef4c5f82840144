#!/bin/sh
# The hand-written request cases of tests/fixtures/requests/<group>/: for
# each <case>.json (one call: messages, system, tools, options, config, as
# `llmg request` reads it), `llmg request` must either print a request
# JSON-equal to <case>.want.json and exit 0, or, where <case>.error exists,
# print "error: <its first line>" on stderr and exit 1. Always runs.
cd "$(dirname "$0")/.." || exit 2
BIN=${CONFORMANCE:-build/asan/conformance_requests}
LLMG=${LLMG:-build/asan/llmg}
dir=tests/fixtures/requests
out=build/requests
rm -rf "$out"
mkdir -p "$out"
pass=0
fail=0
for input in "$dir"/*/*.json; do
    case "$input" in *.want.json) continue ;; esac
    [ -f "$input" ] || continue
    c=${input%.json}
    name=${c#"$dir"/}
    got="$out/$(echo "$name" | tr / _)"
    "$LLMG" request "$input" >"$got.out" 2>"$got.err"
    rc=$?
    if [ -f "$c.error" ]; then
        want="error: $(head -n 1 "$c.error")"
        if [ "$rc" -eq 1 ] && [ "$(cat "$got.err")" = "$want" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $name: exit $rc, stderr: $(head -c 600 "$got.err")"
            echo "     expected exit 1 and: $(echo "$want" | head -c 600)"
        fi
    elif [ ! -f "$c.want.json" ]; then
        fail=$((fail + 1))
        echo "FAIL $name: neither $c.want.json nor $c.error"
    elif [ "$rc" -ne 0 ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc: $(head -c 600 "$got.err")"
    elif "$BIN" --equal "$c.want.json" "$got.out" 2>/dev/null; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: the request differs from $c.want.json; got:"
        head -c 3000 "$got.out"
        echo
    fi
done
if [ $((pass + fail)) -eq 0 ]; then
    echo "FAIL no cases under $dir"
    fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
