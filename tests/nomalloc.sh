#!/bin/sh
# The -DLLMG_NO_MALLOC build (tests/test_nomalloc.c, ASan+UBSan): its
# object must name none of malloc, calloc, realloc, free (nm), and the
# program, linked with --wrap stubs that abort on any of them, must pass.
cd "$(dirname "$0")/.." || exit 2
OBJ=build/asan/test_nomalloc.o
BIN=build/asan/test_nomalloc
pass=0
fail=0
if [ ! -f "$OBJ" ] || [ ! -x "$BIN" ]; then
    echo "FAIL $OBJ or $BIN missing (make $BIN)"
    echo "0 passed, 1 failed"
    exit 1
fi
refs=$(nm -u "$OBJ" | awk '{print $NF}' | grep -E '^(malloc|calloc|realloc|free)$')
if [ -z "$refs" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $OBJ references: $refs"; fi
"$BIN" >build/nomalloc.log 2>&1
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' build/nomalloc.log
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' build/nomalloc.log | tail -n 1)
if [ -z "$line" ]; then
    echo "FAIL $BIN exited $rc without a result line"
    fail=$((fail + 1))
else
    pass=$((pass + $(echo "$line" | cut -d' ' -f1)))
    f=$(echo "$line" | cut -d' ' -f3)
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    fail=$((fail + f))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
