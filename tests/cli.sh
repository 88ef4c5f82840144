#!/bin/sh
# Runs the llmg tool (the sanitized build) on the fixtures under tests/:
# sse-dump output at many chunk sizes against the .expected files,
# json-check verdicts whole and chunked, exit codes. Prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
LLMG=${LLMG:-build/asan/llmg}
tmp=build/cli
mkdir -p "$tmp"
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL cli: $*"; }

for f in tests/fixtures/sse/*.sse; do
    want=${f%.sse}.expected
    for chunk in 0 1 2 3 5 7 13 64; do
        if [ "$chunk" = 0 ]; then "$LLMG" sse-dump "$f" >"$tmp/out" 2>"$tmp/err"
        else "$LLMG" sse-dump --chunk "$chunk" "$f" >"$tmp/out" 2>"$tmp/err"; fi
        rc=$?
        if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$want"; then ok; else bad "sse-dump --chunk $chunk $f (exit $rc)"; fi
    done
    "$LLMG" sse-dump <"$f" >"$tmp/out" 2>&1 && cmp -s "$tmp/out" "$want" && ok || bad "sse-dump stdin $f"
done

for f in tests/fixtures/json/valid/*.json tests/fixtures/json/invalid/*.json; do
    case $f in */valid/*) want=0 ;; *) want=1 ;; esac
    for chunk in 0 1 7; do
        if [ "$chunk" = 0 ]; then "$LLMG" json-check "$f" >"$tmp/out" 2>"$tmp/err"
        else "$LLMG" json-check --chunk "$chunk" "$f" >"$tmp/out" 2>"$tmp/err"; fi
        rc=$?
        if [ $rc -ne "$want" ]; then bad "json-check --chunk $chunk $f: exit $rc, want $want"; continue; fi
        if [ "$want" = 1 ] && ! grep -q '^error: json: .* at byte [0-9][0-9]*$' "$tmp/err"; then
            bad "json-check $f: stderr is not 'error: <message> at byte <offset>'"; continue
        fi
        ok
    done
done

# the error line names the byte
printf '[1,2,]' | "$LLMG" json-check 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q 'at byte 5$' "$tmp/err" && ok || bad "json-check offset of a trailing comma"
printf '[[[1]]]' | "$LLMG" json-check --max-depth 2 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q 'max_depth at byte 2$' "$tmp/err" && ok || bad "json-check --max-depth"

# usage and I/O errors exit 2
"$LLMG" >/dev/null 2>&1;                          [ $? -eq 2 ] && ok || bad "no command: exit 2"
"$LLMG" frobnicate >/dev/null 2>&1;               [ $? -eq 2 ] && ok || bad "unknown command: exit 2"
"$LLMG" sse-dump --chunk 0 x >/dev/null 2>&1;     [ $? -eq 2 ] && ok || bad "sse-dump --chunk 0: exit 2"
"$LLMG" sse-dump --bogus >/dev/null 2>&1;         [ $? -eq 2 ] && ok || bad "sse-dump --bogus: exit 2"
"$LLMG" sse-dump no/such/file >/dev/null 2>&1;    [ $? -eq 2 ] && ok || bad "sse-dump missing file: exit 2"
"$LLMG" json-check no/such/file >/dev/null 2>&1;  [ $? -eq 2 ] && ok || bad "json-check missing file: exit 2"
"$LLMG" json-check a b >/dev/null 2>&1;           [ $? -eq 2 ] && ok || bad "json-check two files: exit 2"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
