/* make bench: throughput of the JSON tokenizer (whole buffer and
   incremental), the JSON writer and the SSE framer, each beside two
   baselines measured in the same run on the same bytes: a memchr walk over
   line ends and a memcpy. Figures are medians of several runs; compare
   ratios, not absolute numbers, across machines. */
#define _POSIX_C_SOURCE 199309L
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct buf { char *p; size_t len, cap; } buf;

static void add(buf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = (char *)realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}
static void adds(buf *b, const char *s) { add(b, s, strlen(s)); }

static unsigned rng = 2463534242u;
static unsigned next_rand(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

/* A JSON document like a long transcript: messages with text (some
   escapes and UTF-8), tool calls with arguments, usage numbers. */
static void make_json(buf *b, size_t target)
{
    static const char *words[] = { "the", "model", "streams", "tokens", "caf\xc3\xa9", "\\n",
                                   "\\\"quoted\\\"", "\xe2\x82\xac", "tool", "result", "0.5" };
    char tmp[256];
    int first = 1;
    adds(b, "[");
    while (b->len < target) {
        int k, n = 5 + (int)(next_rand() % 60);
        if (!first) adds(b, ",");
        first = 0;
        adds(b, "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"");
        for (k = 0; k < n; k++) {
            adds(b, words[next_rand() % (sizeof words / sizeof words[0])]);
            adds(b, " ");
        }
        snprintf(tmp, sizeof tmp,
                 "\"},{\"type\":\"tool_use\",\"id\":\"toolu_%u\",\"name\":\"add\","
                 "\"input\":{\"a\":%u,\"b\":%u.25,\"ok\":true,\"none\":null}}],"
                 "\"usage\":{\"input\":%u,\"output\":%u,\"total\":%u,\"ratio\":1.5e-3}}",
                 next_rand(), next_rand() % 1000, next_rand() % 1000,
                 next_rand() % 100000, next_rand() % 1000, next_rand() % 100000);
        adds(b, tmp);
    }
    adds(b, "]");
}

/* An SSE stream of small JSON deltas, as providers send them. */
static void make_sse(buf *b, size_t target)
{
    char tmp[256];
    while (b->len < target) {
        int n = 1 + (int)(next_rand() % 24);
        snprintf(tmp, sizeof tmp,
                 "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                 "\"delta\":{\"type\":\"text_delta\",\"text\":\"%.*s\"}}\n\n",
                 n, "abcdefghijklmnopqrstuvwxyz");
        adds(b, tmp);
    }
}

typedef double (*bench_fn)(const buf *in, size_t chunk, size_t *events);
static double run(bench_fn fn, const buf *in, size_t chunk, size_t *events);
static void row(const char *name, bench_fn fn, const buf *in, size_t chunk, double base);
static double b_memchr(const buf *in, size_t chunk, size_t *events);
static double b_memcpy(const buf *in, size_t chunk, size_t *events);
static volatile size_t sink;

static double run(bench_fn fn, const buf *in, size_t chunk, size_t *events)
{
    double t[RUNS];
    int i;
    for (i = 0; i < RUNS; i++) t[i] = fn(in, chunk, events);
    qsort(t, RUNS, sizeof t[0], cmp_double);
    return t[RUNS / 2];
}

static double b_memchr(const buf *in, size_t chunk, size_t *events)
{
    double t0 = now_s();
    const char *p = in->p, *end = in->p + in->len;
    size_t n = 0;
    (void)chunk;
    while (p < end && (p = (const char *)memchr(p, '\n', (size_t)(end - p))) != NULL) { n++; p++; }
    sink = n;
    *events = 0;
    return now_s() - t0;
}

static double b_memcpy(const buf *in, size_t chunk, size_t *events)
{
    char *dst = (char *)malloc(in->len);
    double t0 = now_s(), t;
    memcpy(dst, in->p, in->len);
    sink = (size_t)dst[in->len / 2];
    t = now_s() - t0;
    free(dst);
    (void)chunk;
    *events = 0;
    return t;
}

static double b_json_parse(const buf *in, size_t chunk, size_t *events)
{
    llmg_json_doc doc;
    llmg_json_opts o;
    double t0, t;
    (void)chunk;
    memset(&o, 0, sizeof o);
    o.max_tokens = (size_t)1 << 30;
    llmg_json_doc_init(&doc);
    t0 = now_s();
    if (llmg_json_parse(&doc, in->p, in->len, &o, NULL) != LLMG_OK) abort();
    t = now_s() - t0;
    *events = doc.count;
    llmg_json_doc_free(&doc);
    return t;
}

static double b_json_stream(const buf *in, size_t chunk, size_t *events)
{
    llmg_json_stream s;
    llmg_json_opts o;
    size_t at = 0;
    double t0;
    memset(&o, 0, sizeof o);
    o.max_tokens = (size_t)1 << 30;
    llmg_json_stream_init(&s, &o, NULL);
    t0 = now_s();
    while (at < in->len) {
        size_t n = chunk < in->len - at ? chunk : in->len - at;
        if (llmg_json_stream_feed(&s, in->p + at, n, NULL) < 0) abort();
        at += n;
    }
    if (llmg_json_stream_finish(&s, NULL) != LLMG_OK) abort();
    *events = 0;
    llmg_json_stream_free(&s);
    return now_s() - t0;
}

static double b_json_rewrite(const buf *in, size_t chunk, size_t *events)
{
    llmg_json_doc doc;
    llmg_json_opts o;
    llmg_json_writer w;
    double t0, t;
    (void)chunk;
    memset(&o, 0, sizeof o);
    o.max_tokens = (size_t)1 << 30;
    llmg_json_doc_init(&doc);
    if (llmg_json_parse(&doc, in->p, in->len, &o, NULL) != LLMG_OK) abort();
    llmg_json_writer_init(&w, NULL, NULL);
    t0 = now_s();
    if (llmg_json_write_val(&w, llmg_json_root(&doc)) != LLMG_OK) abort();
    t = now_s() - t0;
    *events = 0;
    llmg_json_writer_free(&w);
    llmg_json_doc_free(&doc);
    return t;
}

static double b_sse(const buf *in, size_t chunk, size_t *events)
{
    llmg_sse_parser p;
    llmg_sse_event ev;
    size_t at = 0, n_ev = 0, bytes = 0;
    double t0;
    llmg_sse_init(&p, NULL, NULL);
    t0 = now_s();
    while (at < in->len) {
        size_t n = chunk < in->len - at ? chunk : in->len - at;
        llmg_sse_feed(&p, in->p + at, n, NULL);
        at += n;
        while (llmg_sse_next(&p, &ev, NULL) == LLMG_OK) { n_ev++; bytes += ev.data.len; }
    }
    llmg_sse_finish(&p, NULL);
    sink = bytes;
    *events = n_ev;
    llmg_sse_free(&p);
    return now_s() - t0;
}

static void row(const char *name, bench_fn fn, const buf *in, size_t chunk, double base)
{
    size_t events = 0;
    double t = run(fn, in, chunk, &events);
    double mbs = (double)in->len / t / 1e6;
    printf("  %-34s %9.0f MB/s", name, mbs);
    if (events) printf(" %12.0f items/s", (double)events / t);
    else printf(" %21s", "");
    printf("   %6.3f x memchr\n", base / t);
}

/* Provider streams: text deltas of 1 to 24 bytes, then a tool call whose
   arguments arrive in deltas of the same sizes, as real traffic has them. */
static const char words[] = "the quick brown fox jumps over a lazy dog, \\\"quoted\\\" and caf\xc3\xa9 ";

static void delta_text(char *out, size_t cap)
{
    int n = 1 + (int)(next_rand() % 24), at = (int)(next_rand() % 40);
    snprintf(out, cap, "%.*s", n, words + at);
    /* never end inside an escape or a UTF-8 sequence */
    n = (int)strlen(out);
    while (n > 0 && (out[n - 1] == '\\' || ((unsigned char)out[n - 1] & 0xC0) == 0xC0)) out[--n] = '\0';
    while (n > 1 && out[n - 1] == '\\' ) out[--n] = '\0';
}

static void make_anthropic(buf *b, size_t target)
{
    char d[64], tmp[512];
    adds(b, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
            "\"model\":\"claude\",\"role\":\"assistant\"}}\n\n"
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    while (b->len < target * 7 / 10) {
        delta_text(d, sizeof d);
        snprintf(tmp, sizeof tmp, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                 "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"%s\"}}\n\n", d);
        adds(b, tmp);
    }
    adds(b, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,"
            "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"write\",\"input\":{}}}\n\n"
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,"
            "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"text\\\": \\\"\"}}\n\n");
    while (b->len < target) {
        delta_text(d, sizeof d);
        snprintf(tmp, sizeof tmp, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                 "\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"%s\"}}\n\n", d);
        adds(b, tmp);
    }
    adds(b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,"
            "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"}\"}}\n\n"
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
            "\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}\n\n"
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

static void make_chat(buf *b, size_t target)
{
    char d[64], tmp[512];
    while (b->len < target) {
        delta_text(d, sizeof d);
        snprintf(tmp, sizeof tmp, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                 "\"created\":1700000000,\"model\":\"gpt\",\"choices\":[{\"index\":0,\"delta\":"
                 "{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n", d);
        adds(b, tmp);
    }
    adds(b, "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9}}\n\n"
            "data: [DONE]\n\n");
}

static void make_responses(buf *b, size_t target)
{
    char d[64], tmp[512];
    adds(b, "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\","
            "\"model\":\"gpt\",\"created_at\":1700000000}}\n\n"
            "event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\","
            "\"part\":{\"type\":\"output_text\",\"text\":\"\"}}\n\n");
    while (b->len < target) {
        delta_text(d, sizeof d);
        snprintf(tmp, sizeof tmp, "event: response.output_text.delta\ndata: {\"type\":"
                 "\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,"
                 "\"content_index\":0,\"delta\":\"%s\"}\n\n", d);
        adds(b, tmp);
    }
    adds(b, "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\"}\n\n"
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":"
            "\"resp_1\",\"model\":\"gpt\",\"created_at\":1700000000,\"output\":[],\"usage\":"
            "{\"input_tokens\":5,\"output_tokens\":9}}}\n\n");
}

/* Counting allocator, for allocations per event. */
static size_t n_allocs;
static void *count_alloc(void *u, size_t n) { (void)u; n_allocs++; return malloc(n); }
static void *count_realloc(void *u, void *p, size_t o, size_t n) { (void)u; (void)o; n_allocs++; return realloc(p, n); }
static void count_free(void *u, void *p, size_t n) { (void)u; (void)n; free(p); }

static llmg_provider bench_provider;

static double b_stream(const buf *in, size_t chunk, size_t *events)
{
    llmg_stream s;
    llmg_stream_opts o;
    llmg_event ev;
    size_t at = 0, n_ev = 0, bytes = 0;
    double t0;
    memset(&o, 0, sizeof o);
    o.provider = bench_provider;
    o.allocator.alloc_fn = count_alloc;
    o.allocator.realloc_fn = count_realloc;
    o.allocator.free_fn = count_free;
    t0 = now_s();
    llmg_stream_init(&s, &o, NULL);
    while (at < in->len) {
        size_t n = chunk < in->len - at ? chunk : in->len - at;
        llmg_stream_feed(&s, in->p + at, n, NULL);
        at += n;
        while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) { n_ev++; bytes += ev.delta.len; }
    }
    llmg_stream_finish(&s, NULL);
    while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) n_ev++;
    sink = bytes + llmg_stream_message(&s)->content_count;
    llmg_stream_free(&s);
    *events = n_ev;
    return now_s() - t0;
}

static void stream_rows(const char *title, llmg_provider p, void (*make)(buf *, size_t))
{
    buf in = { 0, 0, 0 };
    size_t ev = 0;
    double base;
    make(&in, (size_t)10 << 20);
    bench_provider = p;
    printf("\n%s stream, %.1f MB: SSE -> mapper -> accumulator -> final message\n", title,
           (double)in.len / 1e6);
    base = run(b_memchr, &in, 0, &ev);
    row("baseline: memchr line walk", b_memchr, &in, 0, base);
    row("baseline: memcpy", b_memcpy, &in, 0, base);
    row("llmg_stream, 16 KiB chunks (events)", b_stream, &in, 16384, base);
    row("llmg_stream, 1 KiB chunks (events)", b_stream, &in, 1024, base);
    n_allocs = 0;
    b_stream(&in, 16384, &ev);
    printf("  allocations: %zu for %zu events (%.4f per event)\n", n_allocs, ev, (double)n_allocs / (double)ev);
    free(in.p);
}

int main(void)
{
    buf json = { 0, 0, 0 }, sse = { 0, 0, 0 };
    size_t ev;
    double base;
    make_json(&json, (size_t)64 << 20);
    make_sse(&sse, (size_t)32 << 20);

    printf("JSON document, %.1f MB (median of %d runs)\n", (double)json.len / 1e6, RUNS);
    base = run(b_memchr, &json, 0, &ev);
    row("baseline: memchr line walk", b_memchr, &json, 0, base);
    row("baseline: memcpy", b_memcpy, &json, 0, base);
    row("llmg_json_parse (tokens)", b_json_parse, &json, 0, base);
    row("llmg_json_stream, 16 KiB chunks", b_json_stream, &json, 16384, base);
    row("llmg_json_stream, 1 KiB chunks", b_json_stream, &json, 1024, base);
    row("llmg_json_write_val (output bytes)", b_json_rewrite, &json, 0, base);

    printf("\nSSE stream of small deltas, %.1f MB\n", (double)sse.len / 1e6);
    base = run(b_memchr, &sse, 0, &ev);
    row("baseline: memchr line walk", b_memchr, &sse, 0, base);
    row("baseline: memcpy", b_memcpy, &sse, 0, base);
    row("llmg_sse, 16 KiB chunks (events)", b_sse, &sse, 16384, base);
    row("llmg_sse, 1 KiB chunks (events)", b_sse, &sse, 1024, base);
    stream_rows("Anthropic Messages", LLMG_PROVIDER_ANTHROPIC_MESSAGES, make_anthropic);
    stream_rows("OpenAI Chat Completions", LLMG_PROVIDER_OPENAI_COMPLETIONS, make_chat);
    stream_rows("OpenAI Responses", LLMG_PROVIDER_OPENAI_RESPONSES, make_responses);
    free(json.p);
    free(sse.p);
    return 0;
}
