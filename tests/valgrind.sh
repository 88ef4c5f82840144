#!/bin/sh
# make test-valgrind: plain builds (no sanitizers) under valgrind
# --leak-check=full; any valgrind error fails the run.
#   1. the unit tests (LLMG_TEST_VALGRIND=1: the hostile floods run at
#      small configured limits instead of the 64 MiB / 65536-block
#      defaults, which make test covers under ASan)
#   2. conformance_streams --case on the first two hand-written stream
#      cases of each API (whole and at every chunk size 1..64)
#   3. with ../shared/fixtures next to the repository: conformance_errors
#      over every expected file, and conformance_streams over the
#      handoff_stream_text_test, handoff_stream_tool_call_test and cache_test
#      responses (each whole and at every chunk size 1..64)
#   4. llmg request on every 8th hand-written request case (exit 0 where a
#      .want.json exists, 1 where a .error does)
cd "$(dirname "$0")/.." || exit 2
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
mkdir -p build/valgrind

echo "== unit tests"
LLMG_TEST_VALGRIND=1 $VG build/plain/test_unit >build/valgrind/unit.log 2>&1
rc=$?
tail -n 1 build/valgrind/unit.log
if [ "$rc" -eq 0 ]; then ok; else grep -E '^FAIL|^==' build/valgrind/unit.log | head -20; bad "unit tests (exit $rc)"; fi

echo "== hand-written streams"
set --
for d in tests/fixtures/streams/*/; do
    key=$(basename "$d")
    for sse in $(ls "$d"*.sse | head -n 2); do
        c=${sse%.sse}
        set -- "$@" "$key" "$sse" "$c.expected" "$c.exit"
    done
done
$VG build/plain/conformance_streams --case "$@" >build/valgrind/streams.log 2>&1
rc=$?
tail -n 1 build/valgrind/streams.log
if [ "$rc" -eq 0 ]; then ok; else grep -E '^FAIL|^==' build/valgrind/streams.log | head -20; bad "conformance_streams --case (exit $rc)"; fi

fixtures=../shared/fixtures
if [ -d "$fixtures/expected" ] && [ -d "$fixtures/recorded" ]; then
    echo "== recorded error responses"
    files=$(cd "$fixtures/expected" && find . -name '*.json' | sort)
    # shellcheck disable=SC2086
    $VG build/plain/conformance_errors "$fixtures/expected" "$fixtures/recorded" $files \
        >build/valgrind/errors.log 2>&1
    rc=$?
    tail -n 1 build/valgrind/errors.log
    if [ "$rc" -eq 0 ]; then ok; else grep -E '^FAIL|^==' build/valgrind/errors.log | head -20; bad "conformance_errors (exit $rc)"; fi
    echo "== recorded streams (handoff_stream_text_test, handoff_stream_tool_call_test, cache_test)"
    files=$(cd "$fixtures/expected" && find ./handoff_stream_text_test ./handoff_stream_tool_call_test ./cache_test -name '*.json' 2>/dev/null | sort)
    # shellcheck disable=SC2086
    $VG build/plain/conformance_streams "$fixtures/expected" "$fixtures/recorded" $files \
        >build/valgrind/recorded.log 2>&1
    rc=$?
    tail -n 1 build/valgrind/recorded.log
    if [ "$rc" -eq 0 ] && ! grep -q '^0 passed' build/valgrind/recorded.log; then ok; else grep -E '^FAIL|^==' build/valgrind/recorded.log | head -20; bad "conformance_streams recorded (exit $rc)"; fi
else
    echo "== recorded fixtures: skipped (../shared not found)"
fi

echo "== llmg request on hand-written cases"
n=0
for input in tests/fixtures/requests/*/*.json; do
    case "$input" in *.want.json) continue ;; esac
    n=$((n + 1))
    [ $((n % 8)) -eq 1 ] || continue
    c=${input%.json}
    want=0
    [ -f "$c.error" ] && want=1
    $VG build/plain/llmg request "$input" >build/valgrind/request.out 2>build/valgrind/request.err
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "llmg request $input: exit $rc, expected $want: $(head -c 300 build/valgrind/request.err)"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
