#!/bin/sh
# End to end: `llmg chat` over real HTTP on loopback, against
# build/asan/demo_server (which does not use llm_gateway.h), for every
# provider key: the body the server received must equal
# tests/fixtures/e2e/<key>.body byte for byte, the request line and the
# credential header must be the provider's, and llmg must print the answer
# (its --json lines are as many as `llmg replay` gives for the same stream).
# Then the failures: a connection dropped midway (exit 3, partial text
# shown), 429 with Retry-After, 401, and a server that stalls past --timeout.
cd "$(dirname "$0")/.." || exit 2
LLMG=${LLMG:-build/asan/llmg}
SERVER=${SERVER:-build/asan/demo_server}
out=build/e2e
rm -rf "$out"
mkdir -p "$out"
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# serve NAME MODE STREAM: starts the server; sets $port
serve() {
    rm -f "$out/$1.port"
    "$SERVER" --port-file "$out/$1.port" --mode "$2" ${3:+--stream "$3"} --delay-ms 1 \
        --body-out "$out/$1.body" --head-out "$out/$1.head" >"$out/$1.server" 2>&1 &
    server=$!
    n=0
    while [ ! -s "$out/$1.port" ] && [ "$n" -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
    port=$(cat "$out/$1.port" 2>/dev/null)
}

# chat NAME KEY [ARGS...]: llmg chat against the server; sets $rc
chat() {
    name=$1; key=$2; shift 2
    ANTHROPIC_API_KEY=KEY OPENAI_API_KEY=KEY GROQ_API_KEY=KEY OPENAI_CODEX_ACCESS_TOKEN=KEY \
    CHATGPT_ACCOUNT_ID=ACCT "$LLMG" chat --provider "$key" --model test-model \
        --base-url "http://127.0.0.1:$port$base" "$@" "Hello there" >"$out/$name.out" 2>"$out/$name.err"
    rc=$?
    wait "$server"
}

for spec in anthropic_messages:text_basic:/v1/messages:x-api-key \
            openai_completions:text_basic:/chat/completions:authorization \
            openai_responses:text_basic:/responses:authorization \
            openai_codex:reasoning_text:/responses:authorization \
            groq_completions:reasoning_text:/chat/completions:authorization; do
    key=${spec%%:*}; rest=${spec#*:}; case=${rest%%:*}; rest=${rest#*:}
    path=${rest%%:*}; cred=${rest#*:}
    sse=tests/fixtures/streams/$key/$case.sse
    base=""
    [ "$key" = anthropic_messages ] || base=/v1
    [ "$key" = anthropic_messages ] && base=""
    serve "$key" ok "$sse"
    chat "$key" "$key"
    if [ "$rc" -eq 0 ] && grep -q '^stop_reason ' "$out/$key.out"; then ok; else
        bad "$key: llmg chat exited $rc: $(head -c 300 "$out/$key.err")"; fi
    if cmp -s "$out/$key.body" "tests/fixtures/e2e/$key.body"; then ok; else
        bad "$key: the body the server received differs from tests/fixtures/e2e/$key.body"; fi
    if head -n 1 "$out/$key.head" | grep -q "^POST $base$path HTTP/1.1"; then ok; else
        bad "$key: request line $(head -n 1 "$out/$key.head")"; fi
    if grep -i -q "^$cred: .*KEY" "$out/$key.head"; then ok; else bad "$key: no $cred header"; fi
    serve "$key.json" ok "$sse"
    chat "$key.json" "$key" --json
    want=$("$LLMG" replay --provider "$key" "$sse" | wc -l)
    got=$(wc -l <"$out/$key.json.out")
    if [ "$rc" -eq 0 ] && [ "$got" -eq "$want" ]; then ok; else
        bad "$key --json: exit $rc, $got lines, llmg replay gives $want"; fi
done

# --tool-file, --system and --reasoning: the tools reach the body in each
# provider's shape (golden tests/fixtures/e2e/<key>.tools.body)
for key in anthropic_messages openai_completions openai_responses; do
    base=/v1
    [ "$key" = anthropic_messages ] && base=""
    serve "$key.tools" ok "tests/fixtures/streams/$key/text_basic.sse"
    chat "$key.tools" "$key" --tool-file examples/weather_tools.json --system "Be brief." \
        --reasoning low
    if [ "$rc" -eq 0 ] && cmp -s "$out/$key.tools.body" "tests/fixtures/e2e/$key.tools.body"; then ok; else
        bad "$key --tool-file: exit $rc, body differs from tests/fixtures/e2e/$key.tools.body"; fi
done
printf '[{"name": "get_weather",' >"$out/bad_tools.json"
port=9 base=/v1
ANTHROPIC_API_KEY=KEY "$LLMG" chat --provider anthropic_messages --model m --base-url http://127.0.0.1:9 \
    --tool-file "$out/bad_tools.json" hi >"$out/bad_tools.out" 2>"$out/bad_tools.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^error: tools: json: unexpected end of input at byte 24$' "$out/bad_tools.err"; then ok; else
    bad "a broken --tool-file: exit $rc: $(cat "$out/bad_tools.err")"; fi

key=openai_completions
base=/v1
serve drop drop examples/demo_stream.sse
chat drop "$key"
if [ "$rc" -eq 3 ] && grep -q 'Hello' "$out/drop.out"; then ok; else
    bad "drop: exit $rc (want 3 with the partial text): $(head -c 200 "$out/drop.out")"; fi
serve r429 429
chat r429 "$key"
if [ "$rc" -eq 1 ] && grep -q 'rate_limit: Rate limit reached' "$out/r429.err"; then ok; else
    bad "429: exit $rc: $(cat "$out/r429.err")"; fi
serve r401 401
chat r401 "$key"
if [ "$rc" -eq 1 ] && grep -q 'authentication: Incorrect API key' "$out/r401.err"; then ok; else
    bad "401: exit $rc: $(cat "$out/r401.err")"; fi
serve stall stall examples/demo_stream.sse
chat stall "$key" --timeout 1
if [ "$rc" -eq 1 ] && grep -q '^error: timeout: ' "$out/stall.err"; then ok; else
    bad "stall: exit $rc: $(cat "$out/stall.err")"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
