/* stream - print the text of a provider's streamed response as it arrives.

       build/stream PROVIDER_KEY < body.sse

   Reads the response body from standard input in 4 KiB pieces, as a
   network read would hand them over, and prints text and reasoning deltas
   as they come, then the tool calls, the stop reason and the usage of the
   final message. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include <stdio.h>

int main(int argc, char **argv)
{
    llmg_stream s;
    llmg_stream_opts o = {0};
    llmg_event ev;
    llmg_error err;
    llmg_status st = LLMG_NEED_MORE;
    const llmg_message *m;
    char chunk[4096];
    size_t n, i;

    o.provider = llmg_provider_from_name(llmg_str_c(argc > 1 ? argv[1] : ""));
    if (llmg_stream_init(&s, &o, &err) != LLMG_OK) {
        fprintf(stderr, "usage: stream PROVIDER_KEY < body.sse\n");
        return 2;
    }
    while (st == LLMG_NEED_MORE) {
        n = fread(chunk, 1, sizeof chunk, stdin);
        if (n == 0) st = llmg_stream_finish(&s, &err);
        else st = llmg_stream_feed(&s, chunk, n, &err);
        while (st == LLMG_OK && (st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK)
            if (ev.type == LLMG_EVENT_TEXT_DELTA || ev.type == LLMG_EVENT_TEXT_START ||
                ev.type == LLMG_EVENT_REASONING_DELTA || ev.type == LLMG_EVENT_REASONING_START)
                fwrite(ev.delta.ptr, 1, ev.delta.len, stdout);
        if (st == LLMG_NEED_MORE && n == 0) st = LLMG_E_TRUNCATED;
    }
    m = llmg_stream_message(&s);                /* readable whatever happened */
    printf("\n");
    for (i = 0; i < m->content_count; i++)
        if (m->content[i].type == LLMG_BLOCK_TOOL_USE)
            printf("tool call %s(%s)\n", m->content[i].name.ptr, llmg_bstr(&m->content[i].text).ptr);
    if (st == LLMG_DONE)
        printf("stop_reason %s, %lld tokens in, %lld out\n", m->stop_reason.ptr,
               (long long)m->usage.input, (long long)m->usage.output);
    else if (st == LLMG_E_PROVIDER)
        printf("provider error: %s\n", llmg_stream_error(&s)->message.ptr);
    else
        printf("stream error: %s\n", err.msg);
    llmg_stream_free(&s);
    return st == LLMG_DONE ? 0 : 1;
}
