/* Compile test: the implementation in one translation unit, built with each
   compiler, standard and option (see tests/compile.sh), then run. The
   declarations are included first on purpose: the implementation must
   still be instantiated by the second include, and a third is a no-op. */
#include "../../llm_gateway.h"
#ifdef TEST_CUSTOM_MALLOC
#include <stdlib.h>
void *test_malloc(size_t n);
#define LLMG_MALLOC(n)     test_malloc(n)
#define LLMG_REALLOC(p, n) realloc(p, n)
#define LLMG_FREE(p)       free(p)
#endif
#define LLM_GATEWAY_IMPLEMENTATION
#include "../../llm_gateway.h"
#include "../../llm_gateway.h"

#ifdef TEST_CUSTOM_MALLOC
static int custom_calls;
void *test_malloc(size_t n) { custom_calls++; return malloc(n); }
#endif

int main(void)
{
    static unsigned char arena[8192];
    static const char body[] = "event: e\ndata: {\"k\":[1,2.5,\"v\"]}\n\n";
    llmg_fixed f;
    llmg_sse_opts o;
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_error err;
    llmg_json_doc doc;
    llmg_json_opts jo;
    int events = 0;

    if (llmg_version() != LLMG_VERSION_NUM) return 1;
    llmg_fixed_init(&f, arena, sizeof arena);
    memset(&o, 0, sizeof o);
#ifdef LLMG_NO_MALLOC
    /* a zero allocator has nothing behind it */
    if (llmg_sse_init(&p, &o, &err) != LLMG_E_ARG) return 2;
#endif
    o.allocator = llmg_fixed_allocator(&f);
    if (llmg_sse_init(&p, &o, &err) != LLMG_OK) return 3;
    if (llmg_sse_feed(&p, body, sizeof body - 1, &err) != LLMG_OK) return 4;
    while (llmg_sse_next(&p, &ev, &err) == LLMG_OK) {
        memset(&jo, 0, sizeof jo);
        jo.allocator = o.allocator;
        llmg_json_doc_init(&doc);
        if (llmg_json_parse(&doc, ev.data.ptr, ev.data.len, &jo, &err) != LLMG_OK) return 5;
        if (llmg_json_size(llmg_json_getc(llmg_json_root(&doc), "k")) != 3) return 6;
        llmg_json_doc_free(&doc);
        events++;
    }
    llmg_sse_free(&p);
    if (events != 1 || f.used != 0) return 7;
    {
        llmg_classify_input in;
        llmg_classify_opts co;
        llmg_provider_error pe;
        memset(&in, 0, sizeof in);
        memset(&co, 0, sizeof co);
        co.allocator = o.allocator;
        in.provider = llmg_provider_from_name(llmg_str_c("anthropic_messages"));
        in.status = 529;
        in.body = llmg_str_c("{\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        if (llmg_classify_http(&in, &co, &pe, &err) != LLMG_OK || pe.kind != LLMG_ERROR_SERVER ||
            err.provider != NULL)
            return 11;
        llmg_provider_error_free(&pe);
        if (f.used != 0) return 12;
    }
    {
        llmg_pjson pj;
        llmg_pjson_opts po;
        llmg_str v;
        memset(&po, 0, sizeof po);
        po.allocator = o.allocator;
        if (llmg_pjson_init(&pj, &po, &err) != LLMG_OK) return 13;
        if (llmg_pjson_feed(&pj, "{\"a\":[1,\"x", 10, &err) != LLMG_OK) return 14;
        v = llmg_pjson_view(&pj);
        if (v.len != 13 || memcmp(v.ptr, "{\"a\":[1,\"x\"]}", 13) != 0) return 15;
        llmg_pjson_free(&pj);
        if (f.used != 0) return 16;
    }
#ifdef LLMG_NO_ERROR_STRINGS
    if (llmg_json_parse(&doc, "[", 1, &jo, &err) != LLMG_NEED_MORE || err.msg[0] != '\0') return 8;
#else
    if (llmg_json_parse(&doc, "[", 1, &jo, &err) != LLMG_NEED_MORE || err.msg[0] == '\0') return 8;
#endif
    llmg_json_doc_free(&doc);
#ifdef TEST_CUSTOM_MALLOC
    {
        llmg_json_doc d2;
        llmg_json_doc_init(&d2);
        if (llmg_json_parse(&d2, "[1]", 3, NULL, &err) != LLMG_OK) return 9;
        llmg_json_doc_free(&d2);
        if (custom_calls == 0) return 10;
    }
#endif
    return 0;
}
