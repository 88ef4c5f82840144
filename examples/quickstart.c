#define LLM_GATEWAY_IMPLEMENTATION
#include "llm_gateway.h"
#include "examples/transport.h"
#include <stdio.h>
#include <stdlib.h>

static int on_event(void *user, const llmg_event *ev)     /* as each event arrives */
{
    (void)user;
    if (ev->type == LLMG_EVENT_TEXT_START || ev->type == LLMG_EVENT_TEXT_DELTA)
        fwrite(ev->delta.ptr, 1, ev->delta.len, stdout);
    return 0;                                              /* nonzero cancels */
}

int main(int argc, char **argv)
{
    llmg_provider_config cfg = {0};
    llmg_request_input in = {0};
    http_transport http = {0};
    llmg_transport t = http_transport_of(&http);
    llmg_exchange x;
    llmg_error err;
    llmg_status st;
    cfg.provider = LLMG_PROVIDER_OPENAI_COMPLETIONS;
    cfg.api_key = llmg_str_c(getenv("OPENAI_API_KEY"));
    if (argc > 1) cfg.base_url = llmg_str_c(argv[1]);      /* http://localhost:8080/v1 */
    in.messages = llmg_str_c("\"Name three prime numbers.\"");
    in.options = llmg_str_c("{\"model\":\"gpt-5.1\"}");
    st = llmg_call(&x, &t, &cfg, &in, NULL, on_event, NULL, &err);
    if (st == LLMG_DONE)
        printf("\n(%lld tokens out)\n", (long long)llmg_exchange_message(&x)->usage.output);
    else if (err.provider)                                 /* the provider's own words */
        printf("\n%s: %s\n", llmg_error_kind_name(err.provider->kind), err.provider->message.ptr);
    else
        printf("\nerror: %s\n", err.msg);
    llmg_exchange_free(&x);
    return st == LLMG_DONE ? 0 : 1;
}
