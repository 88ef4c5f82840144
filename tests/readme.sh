#!/bin/sh
# The README's code works as written: every C block compiles (gcc and
# clang, C99 and C11, warnings as errors), the quick start is
# examples/quickstart.c and answers from the loopback demo server, the
# README's cc lines build, and every "$ command" of a console block prints
# exactly the lines shown under it. A C block that is a fragment is compiled
# inside a function, after the declarations of the HTML comment
# "<!-- snippet: ... -->" just above it and the host stand-ins below.
cd "$(dirname "$0")/.." || exit 2
LLMG=${LLMG:-build/asan/llmg}
SERVER=${SERVER:-build/asan/demo_server}
out=build/readme
rm -rf "$out"
mkdir -p "$out"
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
WARN="-Wall -Wextra -Wpedantic -Wshadow -Werror"

# Split the README into its blocks: block_N.c (with block_N.pre when a
# snippet comment precedes it), block_N.console, block_N.sh.
awk -v dir="$out" '
    /^<!-- snippet: .* -->$/ { pre = substr($0, 15, length($0) - 18); next }
    /^```/ && !inblock {
        lang = substr($0, 4); n++; inblock = 1
        file = dir "/block_" n "." (lang == "" ? "txt" : lang)
        printf "" > file
        if (lang == "c" && pre != "") print pre > (dir "/block_" n ".pre")
        pre = ""; next
    }
    /^```$/ && inblock { inblock = 0; close(file); next }
    inblock { print > file; next }
    { if ($0 != "") pre = "" }
' README.md

# ---------------------------------------------------------------- C blocks
cat >"$out/host.h" <<'HOST'
#include "llm_gateway.h"
#include <stdio.h>
#include <stdlib.h>
/* stand-ins for the host's own code the README's fragments call */
void my_http_start(const llmg_request *r);
int my_http_head(int *status, llmg_header **headers, size_t *count);
size_t my_http_read(char *buf, size_t cap);
int my_http_done(void);
void show(const llmg_event *ev);
void snippet(void);
HOST
nc=0
for f in "$out"/block_*.c; do
    [ -e "$f" ] || continue
    nc=$((nc + 1))
    b=${f%.c}
    if grep -q '^int main' "$f"; then
        src=$f
        link="examples/transport.c examples/http_posix.c"
    else
        src=$b.frag.c
        { echo '#include "host.h"'; echo 'void snippet(void)'; echo '{'
          [ -e "$b.pre" ] && cat "$b.pre"
          cat "$f"; echo '}'; } >"$src"
        link=""
    fi
    for cc in gcc clang; do
        for std in c99 c11; do
            if [ -n "$link" ]; then
                $cc -std=$std $WARN -I. -I"$out" -D_POSIX_C_SOURCE=200809L -o "$b.$cc.$std" "$src" $link \
                    >"$b.$cc.$std.log" 2>&1
            else
                $cc -std=$std $WARN -Wno-unused-variable -Wno-unused-but-set-variable -I. -I"$out" \
                    -c -o "$b.$cc.$std.o" "$src" >"$b.$cc.$std.log" 2>&1
            fi
            if [ $? -eq 0 ]; then ok; else bad "README C block $(basename "$b") ($cc -std=$std): $(head -n 5 "$b.$cc.$std.log")"; fi
        done
    done
done
[ "$nc" -ge 4 ] && ok || bad "found $nc C blocks in the README, expected at least 4"

# The quick start is examples/quickstart.c, byte for byte, and it answers.
qs=$(grep -l 'http_transport_of' "$out"/block_*.c | head -n 1)
if [ -n "$qs" ] && cmp -s "$qs" examples/quickstart.c; then ok; else
    bad "the README's quick start differs from examples/quickstart.c"; fi
if gcc -std=c99 $WARN -g -fsanitize=address,undefined -fno-sanitize-recover=all -I. \
        -D_POSIX_C_SOURCE=200809L -o "$out/quickstart" examples/quickstart.c examples/transport.c \
        examples/http_posix.c >"$out/quickstart.log" 2>&1; then
    rm -f "$out/port"
    "$SERVER" --port-file "$out/port" --stream examples/demo_stream.sse >"$out/server.log" 2>&1 &
    server=$!
    n=0
    while [ ! -s "$out/port" ] && [ "$n" -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    OPENAI_API_KEY=KEY "$out/quickstart" "http://127.0.0.1:$(cat "$out/port")/v1" >"$out/quickstart.out" 2>&1
    rc=$?
    wait "$server"
    if [ "$rc" -eq 0 ] && grep -q "^Hello! I'm the demo model" "$out/quickstart.out" &&
       [ "$(tail -n 1 "$out/quickstart.out")" = "(42 tokens out)" ]; then ok; else
        bad "quickstart against the demo server: exit $rc: $(cat "$out/quickstart.out")"; fi
    "$out/quickstart" http://127.0.0.1:9/v1 >"$out/refused.out" 2>&1
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q '^connection: ' "$out/refused.out"; then ok; else
        bad "quickstart with nothing listening: exit $rc: $(cat "$out/refused.out")"; fi
else
    bad "examples/quickstart.c does not build: $(head -n 5 "$out/quickstart.log")"
fi

# ---------------------------------------------------------------- cc lines
# The README's cc command lines, run as written (output into $out).
cat "$out"/block_*.sh | awk '
    /^cc / { cmd = $0; while (cmd ~ /\\$/ && (getline more) > 0) cmd = substr(cmd, 1, length(cmd) - 1) more; print cmd }
' >"$out/cc_lines"
ncc=0
while IFS= read -r line; do
    ncc=$((ncc + 1))
    case $line in *-lcurl*) pkg-config --exists libcurl 2>/dev/null || { ok; continue; } ;; esac
    cmd=$(echo "$line" | sed "s| -o quickstart | -o $out/cc_$ncc |")
    if sh -c "$cmd" >"$out/cc_$ncc.log" 2>&1 && [ -x "$out/cc_$ncc" ]; then ok; else
        bad "README: $line: $(head -n 5 "$out/cc_$ncc.log")"; fi
done <"$out/cc_lines"
[ "$ncc" -ge 2 ] && ok || bad "found $ncc cc lines in the README, expected at least 2"

# ---------------------------------------------------------------- console blocks
# Each "$ command" runs (build/llmg as $LLMG) and must print the lines below it.
ncmd=0
for f in "$out"/block_*.console; do
    [ -e "$f" ] || continue
    awk -v dir="$out" -v base="$(basename "$f" .console)" '
        /^\$ / { n++; print substr($0, 3) > (dir "/" base "." n ".cmd"); printf "" > (dir "/" base "." n ".want"); next }
        n { print > (dir "/" base "." n ".want") }
    ' "$f"
    for c in "$out/$(basename "$f" .console)".*.cmd; do
        [ -e "$c" ] || continue
        ncmd=$((ncmd + 1))
        w=${c%.cmd}.want
        sed "s|build/llmg|$LLMG|g" "$c" >"$c.sh"
        sh "$c.sh" >"${c%.cmd}.got" 2>&1
        if cmp -s "$w" "${c%.cmd}.got"; then ok; else
            bad "README: \$ $(cat "$c")"; diff "$w" "${c%.cmd}.got" | head -n 10; fi
    done
done
[ "$ncmd" -ge 4 ] && ok || bad "found $ncmd console commands in the README, expected at least 4"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
