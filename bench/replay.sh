#!/bin/sh
# Whole-process timing: build/llmg replay --provider KEY --final-only
# --chunk 16384 FILE on each generated stream, RUNS times (median), beside
# `wc -l FILE` on the same file in the same run (a whole process that only
# walks the line ends). Usage: sh bench/replay.sh [DIR]  (default
# build/bench-streams; the streams are written there by build/bench).
set -eu
DIR=${1:-build/bench-streams}
RUNS=${RUNS:-7}
LLMG=${LLMG:-build/llmg}
[ -x "$LLMG" ] || { echo "replay.sh: $LLMG missing (make build/llmg)" >&2; exit 1; }
mkdir -p "$DIR"
build/bench --write-streams "$DIR" >/dev/null

# median seconds of RUNS runs of "$@" (stdout discarded; any failure aborts),
# timed by build/bench from fork to wait: nothing of the shell in it
median_s() {
    build/bench --time-run "$RUNS" "$@"
}

echo
echo "Whole process: $LLMG replay --final-only --chunk 16384 (median of $RUNS runs, startup included)"
printf '  %-20s %8s %14s %14s %10s\n' stream MB "llmg MB/s" "wc -l MB/s" "x wc -l"
for key in anthropic_messages openai_completions openai_responses openai_codex groq_completions; do
    f="$DIR/$key.sse"
    bytes=$(wc -c < "$f")
    # the run must end the message: exit 0 and a message_end line
    "$LLMG" replay --provider "$key" --final-only --chunk 16384 "$f" | grep -q '"type":"message_end"' || {
        echo "replay.sh: llmg replay did not finish $f" >&2; exit 1; }
    t=$(median_s "$LLMG" replay --provider "$key" --final-only --chunk 16384 "$f")
    w=$(median_s wc -l "$f")
    awk -v k="$key" -v b="$bytes" -v t="$t" -v w="$w" 'BEGIN {
        printf "  %-20s %8.1f %14.0f %14.0f %10.3f\n", k, b / 1e6, b / t / 1e6, b / w / 1e6, w / t }'
done
rm -f "$DIR/times"
