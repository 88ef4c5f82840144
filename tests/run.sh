#!/bin/sh
# make test: every part, then one closing line "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
total_pass=0
total_fail=0
part() {   # name, command...
    name=$1; shift
    echo "== $name"
    "$@" >build/part.log 2>&1
    rc=$?
    cat build/part.log
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' build/part.log | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $name: exited $rc without a result line"
        total_fail=$((total_fail + 1))
        return
    fi
    p=$(echo "$line" | cut -d' ' -f1)
    f=$(echo "$line" | cut -d' ' -f3)
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}
mkdir -p build
part "compile matrix (gcc, clang; C99, C11, C++11; every option)" sh tests/compile.sh
part "unit tests, C99 (clang), ASan+UBSan" build/asan/test_unit
part "unit tests, C++11, no SIMD (LLMG_NO_SIMD), ASan+UBSan" build/asan/test_unit_cxx
part "no-malloc build (LLMG_NO_MALLOC, fixed arena), ASan+UBSan" sh tests/nomalloc.sh
part "llmg tool" sh tests/cli.sh
part "conformance with the gem: error classification" sh tests/conformance_errors.sh
part "conformance with the gem: streams" sh tests/conformance_streams.sh
part "hand-written streams (tests/fixtures/streams)" sh tests/streams.sh
part "conformance with the gem: requests" sh tests/conformance_requests.sh
part "hand-written requests (tests/fixtures/requests)" sh tests/requests.sh
part "HTTP client and demo server (loopback)" sh tests/http_selftest.sh
part "llmg chat end to end over loopback HTTP" sh tests/e2e.sh
part "the README's commands and C snippets" sh tests/readme.sh
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
