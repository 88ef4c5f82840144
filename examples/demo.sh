#!/bin/sh
# make demo: llmg chat talks to a small HTTP server on loopback over real
# HTTP, with no API key and no network. The server (build/demo_server, which
# does not use llm_gateway.h) prints the request it received, then streams
# the answer in examples/demo_stream.sse, an OpenAI Chat Completions stream,
# which llmg prints as it arrives: the text, the tool call, the usage.
cd "$(dirname "$0")/.." || exit 2
LLMG=${LLMG:-build/llmg}
SERVER=${SERVER:-build/demo_server}
port_file=build/demo.port
rm -f "$port_file"
"$SERVER" --port-file "$port_file" --stream examples/demo_stream.sse --request-log /dev/stdout &
server=$!
tries=0
while [ ! -s "$port_file" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "demo: the server did not start" >&2
        kill "$server" 2>/dev/null
        exit 1
    fi
    sleep 0.05
done
port=$(cat "$port_file")
echo "== llmg chat -> http://127.0.0.1:$port/v1; the request the server received (key hidden):"
OPENAI_API_KEY=sk-demo-key "$LLMG" chat --provider openai_completions --model demo-model \
    --tool-file examples/weather_tools.json \
    --base-url "http://127.0.0.1:$port/v1" "What's the weather in Lisbon?"
rc=$?
wait "$server"
server_rc=$?
echo "== llmg exited $rc"
echo
echo "To ask the real OpenAI API instead (https needs libcurl, see the README):"
echo "    OPENAI_API_KEY=sk-... build/llmg chat --provider openai_completions --model gpt-5.1 \"What's the weather in Lisbon?\""
[ "$rc" -eq 0 ] && [ "$server_rc" -eq 0 ]
