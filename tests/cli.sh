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

# classify: one JSON line, exit 0 whatever the body holds
want='{"kind":"authentication","message":"invalid x-api-key","code":"authentication_error"}'
printf '%s' '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}' >"$tmp/body"
out=$("$LLMG" classify --provider anthropic_messages --status 401 "$tmp/body"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "$want" ] && ok || bad "classify anthropic 401 from a file (exit $rc): $out"
out=$("$LLMG" classify --status 401 --provider anthropic_messages <"$tmp/body"); rc=$?
[ $rc -eq 0 ] && [ "$out" = "$want" ] && ok || bad "classify anthropic 401 from stdin (exit $rc): $out"
out=$(printf 'Bad Gateway\n' | "$LLMG" classify --provider openai_codex --status 502); rc=$?
[ $rc -eq 0 ] && [ "$out" = '{"kind":"server","message":"OpenAI request failed with status 502: Bad Gateway","code":null}' ] \
    && ok || bad "classify a body that is not JSON (exit $rc): $out"
out=$(printf '' | "$LLMG" classify --provider openai_completions --status 429 \
      --header 'Retry-After :  30 ' --header 'x-request-id: a:b' --now-ms 1700000000500); rc=$?
[ $rc -eq 0 ] && [ "$out" = '{"kind":"rate_limit","message":null,"code":null,"retry_after_seconds":30,"reset_at":1700000030,"rate_limit_info":{"reset_after_seconds":30,"reset_at":1700000030}}' ] \
    && ok || bad "classify --header --now-ms (exit $rc): $out"
out=$(printf '' | "$LLMG" classify --provider openai_codex --status 429 \
      --header 'retry-after: Sun, 06 Nov 1994 08:49:37 GMT'); rc=$?
[ $rc -eq 0 ] && [ "$out" = '{"kind":"rate_limit","message":null,"code":null,"retry_after_seconds":null,"reset_at":784111777,"rate_limit_info":{"reset_at":784111777}}' ] \
    && ok || bad "classify Retry-After as a date (exit $rc): $out"
out=$(printf '%s' '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' |
      "$LLMG" classify --provider anthropic_messages --stream); rc=$?
[ $rc -eq 0 ] && [ "$out" = '{"kind":"overloaded","message":"Overloaded","code":"overloaded_error"}' ] \
    && ok || bad "classify --stream (exit $rc): $out"
out=$(printf 'not json' | "$LLMG" classify --provider groq_completions --stream); rc=$?
[ $rc -eq 0 ] && [ "$out" = '{"kind":"api_status","message":"Stream error","code":null}' ] \
    && ok || bad "classify --stream on data that is not JSON (exit $rc): $out"

# classify: usage and I/O errors exit 2
for args in "--status 400" "--provider openai --status 400" "--provider groq_completions" \
            "--provider groq_completions --status 400 --stream" "--provider groq_completions --status abc" \
            "--provider groq_completions --status 1000" "--provider groq_completions --status -1" \
            "--provider groq_completions --status 400 --header novalue" \
            "--provider groq_completions --status 400 --header :x" \
            "--provider groq_completions --status 400 --now-ms soon" \
            "--provider groq_completions --status 400 --now-ms 0x10" \
            "--provider groq_completions --status 400 --bogus" \
            "--provider groq_completions --status 400 a b" "--provider groq_completions --status" \
            "--provider groq_completions --status 400 no/such/file"; do
    # shellcheck disable=SC2086
    "$LLMG" classify $args </dev/null >/dev/null 2>&1
    rc=$?
    [ $rc -eq 2 ] && ok || bad "classify $args: exit $rc, want 2"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
