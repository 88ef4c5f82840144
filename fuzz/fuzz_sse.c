/* SSE: the events, the last event ID and retry, and any error with its
   offset must be byte-identical whether the input is fed whole or cut at
   points the fuzzer chooses (cut sizes come from the first input bytes,
   the limits from the next two). */
#include "../llm_gateway.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct out { char *p; size_t len, cap; } out;

static void put(out *o, const void *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->p = (char *)realloc(o->p, o->cap);
        if (!o->p) abort();
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void put_str(out *o, llmg_str s)
{
    put(o, &s.len, sizeof s.len);
    put(o, s.ptr, s.len);
}

static llmg_status feed_all(const char *in, size_t size, const uint8_t *cuts, size_t ncuts,
                            const llmg_sse_opts *opts, out *o)
{
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_error err;
    llmg_status st;
    size_t at = 0, k = 0;
    uint64_t retry = 0;
    llmg_sse_init(&p, opts, &err);
    do {
        size_t n = ncuts ? (size_t)cuts[k++ % ncuts] % 32 + 1 : size - at;
        char *piece;
        if (n > size - at) n = size - at;
        piece = (char *)malloc(n ? n : 1);
        memcpy(piece, in + at, n);
        st = llmg_sse_feed(&p, piece, n, &err);
        at += n;
        while (st >= 0 && (st = llmg_sse_next(&p, &ev, &err)) == LLMG_OK) {
            put_str(o, ev.type);
            put_str(o, ev.data);
            put_str(o, ev.id);
            put(o, &ev.offset, sizeof ev.offset);
        }
        free(piece);
    } while (st == LLMG_NEED_MORE && at < size);
    if (st >= 0) st = llmg_sse_finish(&p, &err);
    if (st < 0) put(o, &err.offset, sizeof err.offset);
    if (llmg_sse_retry(&p, &retry)) put(o, &retry, sizeof retry);
    put(o, &st, sizeof st);
    llmg_sse_free(&p);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llmg_sse_opts o;
    out a = { 0, 0, 0 }, b = { 0, 0, 0 };
    size_t ncuts;
    if (size < 3) return 0;
    memset(&o, 0, sizeof o);
    o.max_line_bytes = data[0] & 1 ? (size_t)(data[1] % 64) + 1 : 0;
    o.max_event_bytes = data[0] & 2 ? (size_t)(data[2] % 128) + 1 : 0;
    ncuts = (size_t)(data[0] >> 2) % 8;
    if (size < 3 + ncuts) return 0;
    feed_all((const char *)data + 3 + ncuts, size - 3 - ncuts, NULL, 0, &o, &a);
    feed_all((const char *)data + 3 + ncuts, size - 3 - ncuts, data + 3, ncuts, &o, &b);
    if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0) abort();
    free(a.p);
    free(b.p);
    return 0;
}
