#!/bin/sh
# make fuzz-report: per fuzz target, what the last `make fuzz` did and what
# its working corpus covers now.
#   executions  stat::number_of_executed_units of build/fuzz/<t>.log (the
#               last make fuzz run; "-" when there is no log)
#   corpus      files and bytes in build/fuzz/corpus/<t>/
#   edges       "cov:" of libFuzzer's INITED line when the target reads the
#               corpus once without fuzzing (-runs=0); "-" without a binary
# Runs nothing long: -runs=0 only replays the corpus.
cd "$(dirname "$0")/.." || exit 2
targets=${FUZZ_TARGETS:-"json pjson sse errors stream request"}
printf '%-8s %12s %8s %10s %7s %7s\n' target executions files bytes edges ft
for t in $targets; do
    log=build/fuzz/$t.log
    dir=build/fuzz/corpus/$t
    bin=build/fuzz/fuzz_$t
    execs=-
    if [ -f "$log" ]; then
        execs=$(grep '^stat::number_of_executed_units' "$log" | tail -n 1 | awk '{print $2}')
        [ -n "$execs" ] || execs=-
    fi
    files=0
    bytes=0
    if [ -d "$dir" ]; then
        files=$(find "$dir" -type f | wc -l | tr -d ' ')
        bytes=$(find "$dir" -type f -exec cat {} + 2>/dev/null | wc -c | tr -d ' ')
    fi
    edges=-
    ft=-
    if [ -x "$bin" ] && [ -d "$dir" ]; then
        line=$("$bin" -runs=0 "$dir" 2>&1 | grep -E 'INITED' | tail -n 1)
        edges=$(echo "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
        ft=$(echo "$line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
        [ -n "$edges" ] || edges=-
        [ -n "$ft" ] || ft=-
    fi
    printf '%-8s %12s %8s %10s %7s %7s\n' "$t" "$execs" "$files" "$bytes" "$edges" "$ft"
done
