/* The quick start of llm_gateway.h's manual: frame a server-sent-events
   stream and print each event. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include <stdio.h>

int main(void)
{
    static const char body[] = "event: ping\ndata: {\"n\":1}\n\n";
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_error err;
    llmg_sse_init(&p, NULL, &err);
    llmg_sse_feed(&p, body, sizeof body - 1, &err);
    while (llmg_sse_next(&p, &ev, &err) == LLMG_OK)
        printf("%.*s: %.*s\n", (int)ev.type.len, ev.type.ptr,
                               (int)ev.data.len, ev.data.ptr);
    llmg_sse_free(&p);
    return err.code < 0;
}
