#!/bin/sh
# The HTTP client (examples/http_posix.c) against the demo server
# (examples/demo_server.c) over loopback, both built with ASan + UBSan in
# build/http/. One PASS or FAIL line per check, then "N passed, N failed";
# exits 1 when a check failed. Run from anywhere: it works from the
# repository root. No fixed ports: every server picks its own and hands it
# over in a port file. CC picks the compiler (default cc).
cd "$(dirname "$0")/.." || exit 2
CC=${CC:-cc}
B=build/http
SSE=examples/demo_stream.sse
FLAGS="-std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror
       -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p "$B"
rm -f "$B"/*.out "$B"/*.log "$B"/*.txt "$B"/port*

pass=0
fail=0
result() {   # 0|1, description
    if [ "$1" -eq 0 ]; then pass=$((pass + 1)); echo "PASS $2"
    else fail=$((fail + 1)); echo "FAIL $2"; fi
    return "$1"
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
}

# shellcheck disable=SC2086
$CC $FLAGS -o "$B/demo_server" examples/demo_server.c
result $? "build demo_server with $CC, warnings as errors, ASan + UBSan"
# shellcheck disable=SC2086
$CC $FLAGS -o "$B/http_selftest" tests/http_selftest.c examples/http_posix.c -pthread
result $? "build http_posix.c + tests/http_selftest.c with $CC, warnings as errors, ASan + UBSan"
[ "$fail" -eq 0 ] || finish
T="$B/http_selftest"

# run_limited SECONDS COMMAND...: the command's status, or 137 when it
# had to be killed; nothing a bug does can hang the script.
run_limited() {
    lim=$1; shift
    "$@" &
    rl_pid=$!
    ( sleep "$lim"; kill -9 "$rl_pid" ) >/dev/null 2>&1 &
    rl_dog=$!
    wait "$rl_pid"
    rl_rc=$?
    kill "$rl_dog" 2>/dev/null
    return $rl_rc
}

# server ARGS...: starts the demo server in the background; sets srv_pid
# and port. Waits up to 5 s for the port file.
server() {
    rm -f "$B/port"
    "$B/demo_server" --port-file "$B/port" "$@" 2>"$B/server.log" &
    srv_pid=$!
    port=$("$T" --wait-file "$B/port" 5000) || port=0
}
# server_done: waits for the server to exit by itself (at most 5 s);
# srv_rc is its exit status.
server_done() {
    ( sleep 5; kill -9 "$srv_pid" ) >/dev/null 2>&1 &
    dog=$!
    wait "$srv_pid"
    srv_rc=$?
    kill "$dog" 2>/dev/null
    if [ "$srv_rc" -ne 0 ] || [ -s "$B/server.log" ]; then
        bad_servers=$((bad_servers + 1))
        { echo "== exit $srv_rc"; cat "$B/server.log"; } >>"$B/servers.log"
    fi
}
bad_servers=0
bad_clients=0
trap 'kill "$srv_pid" 2>/dev/null; exit 130' INT TERM
# client ARGS...: one request; its report in $B/client.txt, cli_rc its status.
client() {
    run_limited 15 "$T" "$@" >"$B/client.txt" 2>"$B/client.log"
    cli_rc=$?
    if [ "$cli_rc" -ne 0 ] || [ -s "$B/client.log" ]; then
        bad_clients=$((bad_clients + 1))
        { echo "== $* (exit $cli_rc)"; cat "$B/client.log"; } >>"$B/clients.log"
    fi
}
field() { sed -n "s/^$1 //p" "$B/client.txt"; }
is() { [ "$(field "$1")" = "$2" ]; }
why() { echo "     client: $(tr '\n' ' ' <"$B/client.txt") exit $cli_rc; $(head -c 300 "$B/client.log")"; }
# prefix_of SMALL BIG: SMALL is a non-empty proper prefix of BIG.
prefix_of() {
    n=$(wc -c <"$1" | tr -d ' ')
    m=$(wc -c <"$2" | tr -d ' ')
    [ "$n" -gt 0 ] && [ "$n" -lt "$m" ] && dd if="$2" bs=1 count="$n" 2>/dev/null | cmp -s - "$1"
}

printf '{"model":"demo-model","stream":true,"messages":[{"role":"user","content":"Weather in Lisbon? \303\251\\n"}]}\n' >"$B/request.txt"
KEY=sk-demo-secret-0123456789

# ---------------------------------------------------------------- ok
server --stream "$SSE" --request-log "$B/request.log" --body-out "$B/body.out" --head-out "$B/head.out"
client "http://127.0.0.1:$port/v1/chat/completions?x=1" --body-file "$B/request.txt" \
    --header "Content-Type: application/json" --header "Authorization: Bearer $KEY" \
    --header "x-api-key: $KEY" --timeout 5000 --out "$B/ok.out"
server_done
is result HTTP_OK && is status 200 && [ $cli_rc -eq 0 ] && cmp -s "$B/ok.out" "$SSE"
result $? "ok: HTTP_OK, status 200, the body equals demo_stream.sse byte for byte" || why
calls=$(field body_calls); first=$(field first_body_ms); total=$(field elapsed_ms)
[ "${calls:-0}" -ge 10 ] && [ "${first:--1}" -ge 0 ] && [ $((first * 3)) -lt "${total:-0}" ]
result $? "ok: the body streamed ($calls on_body calls; first byte after $first ms of $total)"
[ "$srv_rc" -eq 0 ] && cmp -s "$B/body.out" "$B/request.txt"
result $? "ok: the server got the request body byte for byte (--body-out) and exited 0"
len=$(wc -c <"$B/request.txt" | tr -d ' ')
grep -qx "POST /v1/chat/completions?x=1 HTTP/1.1" "$B/head.out" &&
    grep -qx "Host: 127.0.0.1:$port" "$B/head.out" &&
    grep -qx "Content-Type: application/json" "$B/head.out" &&
    grep -qx "Authorization: Bearer $KEY" "$B/head.out" &&
    grep -qx "x-api-key: $KEY" "$B/head.out" &&
    grep -qx "Content-Length: $len" "$B/head.out" &&
    grep -qx "Connection: close" "$B/head.out" &&
    [ "$(wc -l <"$B/head.out" | tr -d ' ')" -eq 7 ]
result $? "ok: --head-out shows the request line, Host, the headers as given, Content-Length, Connection"
grep -qx "POST /v1/chat/completions?x=1" "$B/request.log" &&
    grep -qx "Authorization: (hidden)" "$B/request.log" &&
    grep -qx "x-api-key: (hidden)" "$B/request.log" &&
    grep -qx "Content-Type: application/json" "$B/request.log" &&
    grep -qxF "$(cat "$B/body.out")" "$B/request.log" &&
    ! grep -q "$KEY" "$B/request.log" && [ -z "$(tail -n 1 "$B/request.log")" ]
result $? "ok: --request-log shows the request and its body, and hides the key"

# ---------------------------------------------------------------- framing
for framing in length close; do
    server --stream "$SSE" --framing $framing --delay-ms 1
    client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --timeout 5000 --out "$B/$framing.out"
    server_done
    is result HTTP_OK && is status 200 && [ $cli_rc -eq 0 ] && cmp -s "$B/$framing.out" "$SSE"
    result $? "framing $framing: HTTP_OK and exactly the bytes of the stream" || why
done

# ---------------------------------------------------------------- drop
server --stream "$SSE" --mode drop --delay-ms 1
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --timeout 5000 --out "$B/drop.out"
server_done
is result HTTP_ERR_IO && is status 200 && [ $cli_rc -eq 0 ] && prefix_of "$B/drop.out" "$SSE" &&
    field error | grep -q "closed inside the chunked body"
result $? "drop (chunked): HTTP_ERR_IO, a proper prefix of the stream, \"$(field error)\"" || why
server --stream "$SSE" --mode drop --delay-ms 1 --framing length
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --timeout 5000 --out "$B/drop2.out"
server_done
size=$(wc -c <"$SSE" | tr -d ' ')
got=$(wc -c <"$B/drop2.out" | tr -d ' ')
is result HTTP_ERR_IO && prefix_of "$B/drop2.out" "$SSE" &&
    field error | grep -q "connection closed after $got of $size body bytes"
result $? "drop (Content-Length): HTTP_ERR_IO, \"$(field error)\"" || why

# ---------------------------------------------------------------- 429, 401
printf '%s' '{"error":{"message":"Rate limit reached for requests","type":"rate_limit_error","code":"rate_limit_exceeded"}}' >"$B/429.want"
server --mode 429
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --out "$B/429.out" --headers-out "$B/429.headers"
server_done
is result HTTP_OK && is status 429 && grep -qx "Retry-After: 7" "$B/429.headers" &&
    grep -qx "Content-Type: application/json" "$B/429.headers" && cmp -s "$B/429.out" "$B/429.want"
result $? "429: status 429, Retry-After: 7 seen in on_head, the JSON body complete" || why
server --mode 401
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --out "$B/401.out"
server_done
is result HTTP_OK && is status 401 && grep -q '"code":"invalid_api_key"' "$B/401.out"
result $? "401: status 401 and the invalid_api_key body" || why
server --mode 429,ok --requests 2 --stream "$SSE" --delay-ms 1 --body-out "$B/retry.out"
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --out "$B/r1.out"
s1=$(field status)
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --out "$B/r2.out"
server_done
[ "$s1" = 429 ] && is status 200 && cmp -s "$B/r2.out" "$SSE" && [ "$srv_rc" -eq 0 ] &&
    cmp -s "$B/retry.out" "$B/request.txt" && cmp -s "$B/retry.out.2" "$B/request.txt"
result $? "--mode 429,ok --requests 2: a rate limit, then the answer; bodies in FILE and FILE.2" || why

# ---------------------------------------------------------------- stall, cancel
server --stream "$SSE" --mode stall
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --timeout 500 --out "$B/stall.out"
server_done
ms=$(field elapsed_ms)
is result HTTP_ERR_TIMEOUT && [ "${ms:-0}" -ge 450 ] && [ "${ms:-0}" -le 3000 ] &&
    prefix_of "$B/stall.out" "$SSE" && field error | grep -q "timed out after 500 ms without data"
result $? "stall, timeout 500 ms: HTTP_ERR_TIMEOUT after $ms ms, \"$(field error)\"" || why
server --stream "$SSE" --delay-ms 5
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --cancel-after-bytes 1 --out "$B/c.out"
server_done
is result HTTP_ERR_CANCELLED && is body_calls 1 && [ "$srv_rc" -eq 0 ]
result $? "cancel: on_body returning nonzero gives HTTP_ERR_CANCELLED; the server survives" || why
server --stream "$SSE" --mode stall
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --cancel-flag-after-s 1
server_done
ms=$(field elapsed_ms)
is result HTTP_ERR_CANCELLED && [ "${ms:-0}" -ge 900 ] && [ "${ms:-0}" -le 2500 ]
result $? "cancel flag set by a signal handler (no timeout): HTTP_ERR_CANCELLED after $ms ms" || why
server --stream "$SSE" --mode stall
client "http://127.0.0.1:$port/v1/chat/completions" --body-file "$B/request.txt" --cancel-flag-thread-ms 600
server_done
ms=$(field elapsed_ms)
is result HTTP_ERR_CANCELLED && [ "${ms:-0}" -ge 550 ] && [ "${ms:-0}" -le 1500 ]
result $? "cancel flag set by another thread, no signal to wake poll: HTTP_ERR_CANCELLED after $ms ms" || why

# ---------------------------------------------------------------- connect, URL, arguments
server --requests 0                   # hands over a port, then frees it
server_done
client "http://127.0.0.1:$port/" --timeout 2000
is result HTTP_ERR_CONNECT && [ "$(field error)" = "connection refused (127.0.0.1:$port)" ]
result $? "refused: HTTP_ERR_CONNECT, \"$(field error)\"" || why
client "https://127.0.0.1:$port/v1/chat/completions"
is result HTTP_ERR_URL && field error | grep -q "https is not supported"
result $? "https: HTTP_ERR_URL, \"$(field error)\"" || why
bad=0
for u in "ftp://127.0.0.1/" "127.0.0.1:80/" "http://[::1/" "http://h:99999/" "http://h:8x/" \
         "http:///path" "http://user@h/" "http://h/a b"; do
    client "$u"
    is result HTTP_ERR_URL || { bad=1; echo "     $u: $(field result) $(field error)"; }
done
result $bad "bad URLs (ftp, no scheme, unclosed [, port out of range, user info, space): HTTP_ERR_URL"
client "http://127.0.0.1:$port/" --bad-header
is result HTTP_ERR_ARG
result $? "CR LF in a header value: HTTP_ERR_ARG, nothing sent" || why
server --stream "$SSE" --delay-ms 1
client "http://localhost:$port/v1/chat/completions" --body-file "$B/request.txt" --timeout 5000 --out "$B/lh.out"
server_done
is result HTTP_OK && cmp -s "$B/lh.out" "$SSE"
result $? "a host name (localhost) resolves and connects, whatever address family comes first" || why

# ---------------------------------------------------------------- a big request body
dd if=/dev/urandom of="$B/big.txt" bs=65536 count=48 2>/dev/null
server --stream "$SSE" --delay-ms 1 --body-out "$B/big.out"
client "http://127.0.0.1:$port/upload" --body-file "$B/big.txt" --timeout 5000 --out "$B/bigr.out"
server_done
is result HTTP_OK && cmp -s "$B/big.out" "$B/big.txt"
result $? "a 3 MiB request body arrives byte for byte (partial sends, waiting for POLLOUT)" || why

# ---------------------------------------------------------------- hand-made responses (--raw)
# Every framing feature at once, written one byte at a time: an interim
# 100 Continue, an obs-folded header (its CR LF and blanks become spaces),
# bare-LF line ends, chunk extensions, upper-case hex sizes and trailers.
printf 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Folded: one\r\n  two\r\nTransfer-Encoding: gzip, chunked\nX-Empty:\r\n\r\n5;name=value;q="a b"\r\nHello\r\nA \r\n, streamed\r\n1\n!\n0;last\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n' >"$B/raw1.txt"
printf 'Hello, streamed!' >"$B/raw1.want"
server --raw "$B/raw1.txt" --piece 1 --delay-ms 0
client "http://127.0.0.1:$port/" --timeout 5000 --out "$B/raw1.out" --headers-out "$B/raw1.headers"
server_done
is result HTTP_OK && is status 200 && cmp -s "$B/raw1.out" "$B/raw1.want" &&
    grep -qx "X-Folded: one    two" "$B/raw1.headers" && grep -qx "X-Empty: " "$B/raw1.headers"
result $? "chunked with extensions, trailers, a 100 Continue and a folded header, one byte per write" || why

check_raw() {   # description, expected result, error substring, printf format of the response
    printf "$4" >"$B/raw.txt"
    server --raw "$B/raw.txt"
    client "http://127.0.0.1:$port/" --timeout 5000
    server_done
    is result "$2" && field error | grep -q "$3"
    result $? "$1: $2, \"$(field error)\"" || why
}
check_raw "a chunk size that is not hex" HTTP_ERR_PROTOCOL "chunk size is not hexadecimal" \
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'
check_raw "no CR LF after chunk data" HTTP_ERR_PROTOCOL "no CR LF after chunk data" \
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n'
check_raw "a body shorter than Content-Length" HTTP_ERR_IO "connection closed after 5 of 10 body bytes" \
    'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello'
check_raw "two different Content-Length values" HTTP_ERR_PROTOCOL "bad Content-Length" \
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello'
check_raw "not HTTP at all" HTTP_ERR_PROTOCOL "not an HTTP/1.x response" \
    'SSH-2.0-OpenSSH_9.2\r\n'
check_raw "HTTP/2 status line" HTTP_ERR_PROTOCOL "bad status line" \
    'HTTP/2 200\r\n\r\n'
check_raw "the server closes before answering" HTTP_ERR_IO "before any response byte" ''
check_raw "closed inside the headers" HTTP_ERR_IO "inside the response headers" \
    'HTTP/1.1 200 OK\r\nContent-Ty'
awk 'BEGIN { printf "HTTP/1.1 200 OK\r\nX-Big: "; for (i = 0; i < 70000; i++) printf "a"; printf "\r\n\r\n" }' >"$B/raw.txt"
server --raw "$B/raw.txt"
client "http://127.0.0.1:$port/" --timeout 5000
server_done
is result HTTP_ERR_PROTOCOL && field error | grep -q "larger than 64 KiB"
result $? "headers over 64 KiB: HTTP_ERR_PROTOCOL, \"$(field error)\"" || why
awk 'BEGIN { printf "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
             for (i = 0; i < 3000; i++) printf "1;extension=abcdefghijklmnopqrstuvwxyz\r\nx\r\n";
             printf "0\r\n\r\n" }' >"$B/raw.txt"
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "x" }' >"$B/raw.want"
server --raw "$B/raw.txt"
client "http://127.0.0.1:$port/" --timeout 5000 --out "$B/raw.out"
server_done
is result HTTP_OK && cmp -s "$B/raw.out" "$B/raw.want"
result $? "3000 chunks with extensions (over 64 KiB of them in all, each line short): HTTP_OK" || why
printf 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n' >"$B/raw.txt"
server --raw "$B/raw.txt"
client "http://127.0.0.1:$port/" --method DELETE --timeout 5000
server_done
is result HTTP_OK && is status 204 && is body_calls 0
result $? "204: HTTP_OK with no body, whatever Content-Length says" || why

# ---------------------------------------------------------------- the server reads chunked requests
printf 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n' >"$B/chunked_req.txt"
printf 'Wikipedia in \r\n\r\nchunks.' >"$B/chunked_req.want"
server --stream "$SSE" --delay-ms 1 --body-out "$B/chunked_req.out"
run_limited 15 "$T" --raw-request 127.0.0.1 "$port" "$B/chunked_req.txt" >"$B/chunked_resp.txt" 2>/dev/null
server_done
cmp -s "$B/chunked_req.out" "$B/chunked_req.want" && head -n 1 "$B/chunked_resp.txt" | grep -q "^HTTP/1.1 200 OK"
result $? "demo_server de-chunks a chunked request body"

# ---------------------------------------------------------------- every run, sanitizers included
[ "$bad_clients" -eq 0 ]
result $? "every client run exited 0 with nothing on stderr (no ASan/UBSan/LSan report; $B/clients.log)"
[ "$bad_servers" -eq 0 ]
result $? "every demo_server exited 0 with nothing on stderr ($B/servers.log)"

finish
