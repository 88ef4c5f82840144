/* make bench: throughput of the JSON tokenizer (whole buffer and
   incremental), the JSON writer, the SSE framer, the partial-JSON reader,
   the request builders and the whole stream path (SSE -> mapper ->
   accumulator -> final message) on one generated stream per API (gen.c),
   each beside two baselines measured in the same run on the same bytes: a
   memchr walk over line ends and a memcpy. Figures are medians of several
   runs; compare ratios, not absolute numbers, across machines.

   build/bench --write-streams DIR writes the generated streams (and what
   each must decode to) for bench/replay.sh and the peers bench.
   build/bench --time-run N CMD [ARG...] runs CMD N times (its output to
   /dev/null) and prints the median wall time in seconds, from before
   the fork to after the wait: what bench/replay.sh reports. */
#define _POSIX_C_SOURCE 200809L
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

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


/* Counting allocator, through the library's hook: calls, and live bytes
   (the library hands sizes back on realloc and free). */
static size_t n_allocs, live, peak;
static void *count_alloc(void *u, size_t n)
{
    (void)u;
    n_allocs++;
    live += n;
    if (live > peak) peak = live;
    return malloc(n);
}
static void *count_realloc(void *u, void *p, size_t o, size_t n)
{
    (void)u;
    n_allocs++;
    live = live - o + n;
    if (live > peak) peak = live;
    return realloc(p, n);
}
static void count_free(void *u, void *p, size_t n) { (void)u; live -= n; free(p); }

static llmg_provider bench_provider;

static void stream_opts(llmg_stream_opts *o, size_t len)
{
    memset(o, 0, sizeof *o);
    o->provider = bench_provider;
    o->allocator.alloc_fn = count_alloc;
    o->allocator.realloc_fn = count_realloc;
    o->allocator.free_fn = count_free;
    /* as llmg replay: the body is in memory, no line or event of it is refused
       (Responses repeats the whole output in single lines at the end) */
    o->sse.max_line_bytes = len + 1;
    o->sse.max_event_bytes = len + 1;
    o->max_message_bytes = len + 1;
}

/* The public pull API, as the header's >>stream example drives it. */
static double b_stream(const buf *in, size_t chunk, size_t *events)
{
    llmg_stream s;
    llmg_stream_opts o;
    llmg_event ev;
    llmg_status st = LLMG_OK;
    size_t at = 0, n_ev = 0, bytes = 0;
    double t0;
    stream_opts(&o, in->len);
    t0 = now_s();
    llmg_stream_init(&s, &o, NULL);
    while (at < in->len) {
        size_t n = chunk < in->len - at ? chunk : in->len - at;
        llmg_stream_feed(&s, in->p + at, n, NULL);
        at += n;
        while ((st = llmg_stream_next(&s, &ev, NULL)) == LLMG_OK) { n_ev++; bytes += ev.delta.len; }
        if (st != LLMG_NEED_MORE) break;
    }
    if (st == LLMG_NEED_MORE) {
        llmg_stream_finish(&s, NULL);
        while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) n_ev++;
    }
    sink = bytes + llmg_stream_message(&s)->content_count;
    llmg_stream_free(&s);
    *events = n_ev;
    return now_s() - t0;
}

/* Concatenates the text of every block of type t. */
static void blocks_text(const llmg_message *m, llmg_block_type t, buf *out)
{
    size_t i;
    out->len = 0;
    for (i = 0; i < m->content_count; i++)
        if (m->content[i].type == t) add(out, m->content[i].text.ptr ? m->content[i].text.ptr : "",
                                         m->content[i].text.len);
}

static void fail(const gen_stream *g, const char *what)
{
    fprintf(stderr, "bench: the generated %s stream is not decoded as expected: %s\n", g->key, what);
    exit(1);
}

/* Once per stream: the library must end it (LLMG_DONE) with exactly the
   generated text, reasoning and tool calls. */
static void check_stream(const gen_stream *g)
{
    llmg_stream s;
    llmg_stream_opts o;
    llmg_event ev;
    llmg_error err;
    llmg_status st = LLMG_OK;
    const llmg_message *m;
    buf got = { 0, 0, 0 };
    size_t at = 0, i, k = 0;
    bench_provider = llmg_provider_from_name(llmg_str_c(g->key));
    stream_opts(&o, g->len);
    if (llmg_stream_init(&s, &o, &err) != LLMG_OK) fail(g, "init");
    while (at < g->len) {
        size_t n = 16384 < g->len - at ? 16384 : g->len - at;
        llmg_stream_feed(&s, g->sse + at, n, &err);
        at += n;
        while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) {}
        if (st != LLMG_NEED_MORE) break;
    }
    if (st == LLMG_NEED_MORE) {
        llmg_stream_finish(&s, &err);
        while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) {}
    }
    if (st != LLMG_DONE) {
        fprintf(stderr, "bench: %s: %s at byte %llu\n", g->key, llmg_status_name(st),
                (unsigned long long)err.offset);
        fail(g, "final status is not LLMG_DONE");
    }
    m = llmg_stream_message(&s);
    blocks_text(m, LLMG_BLOCK_TEXT, &got);
    if (got.len != g->text_len || memcmp(got.p, g->text, got.len) != 0) {
        fprintf(stderr, "bench: %s: text %zu bytes, expected %zu\n", g->key, got.len, g->text_len);
        fail(g, "text differs");
    }
    blocks_text(m, LLMG_BLOCK_REASONING, &got);
    if (got.len != g->reasoning_len || memcmp(got.p, g->reasoning, got.len) != 0) fail(g, "reasoning differs");
    for (i = 0; i < m->content_count; i++) {
        const llmg_block *b = &m->content[i];
        if (b->type != LLMG_BLOCK_TOOL_USE) continue;
        if (k >= g->n_tools) fail(g, "more tool calls than generated");
        if (!llmg_str_eq(llmg_bstr(&b->id), llmg_str_c(g->tools[k].id)) ||
            !llmg_str_eq(llmg_bstr(&b->name), llmg_str_c(g->tools[k].name)))
            fail(g, "tool call id or name differs");
        if (b->text.len != g->tools[k].args_len || memcmp(b->text.ptr, g->tools[k].args, b->text.len) != 0)
            fail(g, "tool call arguments differ");
        k++;
    }
    if (k != g->n_tools) fail(g, "fewer tool calls than generated");
    free(got.p);
    llmg_stream_free(&s);
}

static const llmg_provider providers[GEN_APIS] = {
    LLMG_PROVIDER_ANTHROPIC_MESSAGES, LLMG_PROVIDER_OPENAI_COMPLETIONS, LLMG_PROVIDER_OPENAI_RESPONSES,
    LLMG_PROVIDER_OPENAI_CODEX, LLMG_PROVIDER_GROQ_COMPLETIONS
};

/* Delta sizes in the recorded traffic the generator follows (text,
   reasoning and tool-argument deltas, percent by bucket). */
static const double recorded[GEN_APIS][GEN_BUCKETS] = {
    { 16.6, 23.9, 24.6,  3.3,  8.6, 22.8 },
    { 62.6, 23.7, 13.6,  0.0,  0.0,  0.0 },
    { 59.9, 30.2,  9.3,  0.2,  0.3,  0.0 },
    { 55.4, 31.7, 11.9,  0.7,  0.2,  0.0 },
    { 63.6, 27.5,  8.9,  0.0,  0.0,  0.0 }
};

static void stream_rows(int api)
{
    gen_stream g;
    buf in;
    size_t ev = 0, i, args = 0;
    double base;
    gen_stream_make(&g, api, (size_t)10 << 20);
    for (i = 0; i < g.n_tools; i++) args += g.tools[i].args_len;
    check_stream(&g);
    bench_provider = providers[api];
    in.p = g.sse;
    in.len = in.cap = g.len;
    printf("\n%s stream, %.1f MB, %zu SSE events, %zu deltas; text %zu B, reasoning %zu B, "
           "%zu tool calls (%zu B of arguments)\n", g.key, (double)g.len / 1e6, g.n_sse, g.n_deltas,
           g.text_len, g.reasoning_len, g.n_tools, args);
    printf("  delta sizes (bytes)  ");
    for (i = 0; i < GEN_BUCKETS; i++) printf(" %6s", gen_bucket_names[i]);
    printf("\n    generated          ");
    for (i = 0; i < GEN_BUCKETS; i++) printf(" %5.1f%%", 100.0 * (double)g.hist[i] / (double)g.n_deltas);
    printf("\n    recorded traffic   ");
    for (i = 0; i < GEN_BUCKETS; i++) printf(" %5.1f%%", recorded[api][i]);
    printf("\n");
    base = run(b_memchr, &in, 0, &ev);
    row("baseline: memchr line walk", b_memchr, &in, 0, base);
    row("baseline: memcpy", b_memcpy, &in, 0, base);
    row("llmg_stream, 16 KiB chunks (events)", b_stream, &in, 16384, base);
    row("llmg_stream, 1 KiB chunks (events)", b_stream, &in, 1024, base);
    n_allocs = 0;
    live = peak = 0;
    b_stream(&in, 16384, &ev);
    printf("  allocations: %zu for %zu events (%.4f per event); peak live %.2f MB (%.2f x stream)\n",
           n_allocs, ev, (double)n_allocs / (double)ev, (double)peak / 1e6, (double)peak / (double)g.len);
    gen_stream_free(&g);
}

/* The partial-JSON reader on one tool-call argument fed in delta-sized
   pieces: feeding alone, and feeding with a view after every piece (what
   a UI showing the arguments as they come does). */
static size_t *pj_cuts, pj_n_cuts;

static double pjson_run(const buf *in, int views)
{
    llmg_pjson p;
    llmg_pjson_opts o;
    size_t i, at = 0, seen = 0;
    double t0;
    memset(&o, 0, sizeof o);
    llmg_pjson_init(&p, &o, NULL);
    t0 = now_s();
    for (i = 0; i < pj_n_cuts; i++) {
        if (llmg_pjson_feed(&p, in->p + at, pj_cuts[i], NULL) != LLMG_OK) abort();
        at += pj_cuts[i];
        if (views) seen += llmg_pjson_view(&p).len;
    }
    if (llmg_pjson_finish(&p, NULL) != LLMG_OK || !llmg_pjson_complete(&p)) abort();
    sink = seen + llmg_pjson_view(&p).len;
    t0 = now_s() - t0;
    llmg_pjson_free(&p);
    return t0;
}
static double b_pjson_feed(const buf *in, size_t chunk, size_t *events)
{
    (void)chunk;
    *events = pj_n_cuts;
    return pjson_run(in, 0);
}
static double b_pjson_view(const buf *in, size_t chunk, size_t *events)
{
    (void)chunk;
    *events = pj_n_cuts;
    return pjson_run(in, 1);
}

/* Request builders: MB/s of request body produced from one transcript. */
static llmg_request_input req_in;
static llmg_provider_config req_cfg;
static size_t req_body;

static double b_request(const buf *in, size_t chunk, size_t *events)
{
    llmg_request req;
    llmg_error err;
    double t0, t;
    (void)in;
    (void)chunk;
    llmg_request_init(&req);
    t0 = now_s();
    if (llmg_request_build(&req, &req_cfg, &req_in, NULL, &err) != LLMG_OK) {
        fprintf(stderr, "bench: request build for %s failed: %s\n",
                llmg_provider_name(req_cfg.provider), req.message.ptr);
        exit(1);
    }
    t = now_s() - t0;
    req_body = req.body.len;
    llmg_request_free(&req);
    *events = 0;
    return t;
}

static void request_rows(void)
{
    static const char *const models[GEN_APIS] = {
        "claude-sonnet-4-20250514", "gpt-5.1", "gpt-5.4", "gpt-5.4", "openai/gpt-oss-120b"
    };
    char *msgs, *tools, opts[128];
    size_t msgs_len, tools_len, ev;
    buf in;
    int api;
    double base;
    gen_transcript((size_t)4 << 20, &msgs, &msgs_len, &tools, &tools_len);
    in.p = msgs;
    in.len = in.cap = msgs_len;
    printf("\nRequest builders: llmg_request_build on a %.1f MB transcript (user text, assistant "
           "text + tool_use, tool_result); MB/s of body produced\n", (double)msgs_len / 1e6);
    base = run(b_memchr, &in, 0, &ev);
    row("baseline: memchr line walk (input)", b_memchr, &in, 0, base);
    row("baseline: memcpy (input)", b_memcpy, &in, 0, base);
    for (api = 0; api < GEN_APIS; api++) {
        double t;
        char name[64];
        memset(&req_in, 0, sizeof req_in);
        memset(&req_cfg, 0, sizeof req_cfg);
        req_cfg.provider = providers[api];
        req_cfg.api_key = llmg_str_c("KEY");
        req_in.messages.ptr = msgs;
        req_in.messages.len = msgs_len;
        req_in.tools.ptr = tools;
        req_in.tools.len = tools_len;
        req_in.system = llmg_str_c("\"You are a helpful assistant.\"");
        snprintf(opts, sizeof opts, "{\"model\":\"%s\"}", models[api]);
        req_in.options = llmg_str_c(opts);
        t = run(b_request, &in, 0, &ev);
        snprintf(name, sizeof name, "%s", gen_keys[api]);
        printf("  %-34s %9.0f MB/s  (body %.1f MB)   %6.3f x memchr\n", name,
               (double)req_body / t / 1e6, (double)req_body / 1e6, base / t);
    }
    free(msgs);
    free(tools);
}

static int write_streams(const char *dir)
{
    int api;
    for (api = 0; api < GEN_APIS; api++) {
        gen_stream g;
        gen_stream_make(&g, api, (size_t)10 << 20);
        if (!gen_stream_write(&g, dir)) return 1;
        check_stream(&g);
        printf("%s/%s.sse  %zu bytes\n", dir, g.key, g.len);
        gen_stream_free(&g);
    }
    return 0;
}

/* The median wall time of runs runs of argv[0] (a whole process:
   fork, exec, its work, exit, wait); a run that fails ends it. */
static int time_run(int runs, char **argv)
{
    double t[64];
    int i;
    if (runs < 1 || runs > 64) {
        fprintf(stderr, "bench: --time-run takes 1 to 64 runs\n");
        return 2;
    }
    for (i = 0; i < runs; i++) {
        int status;
        double t0 = now_s();
        pid_t pid = fork();
        if (pid < 0) {
            perror("bench: fork");
            return 1;
        }
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd < 0 || dup2(fd, 1) < 0) _exit(127);
            execvp(argv[0], argv);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench: %s failed\n", argv[0]);
            return 1;
        }
        t[i] = now_s() - t0;
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp_double);
    printf("%.6f\n", t[(runs - 1) / 2]);
    return 0;
}

int main(int argc, char **argv)
{
    buf json = { 0, 0, 0 }, sse = { 0, 0, 0 }, args = { 0, 0, 0 };
    size_t ev;
    int api;
    double base;
    if (argc == 3 && strcmp(argv[1], "--write-streams") == 0) return write_streams(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "--time-run") == 0) return time_run(atoi(argv[2]), argv + 3);
    if (argc != 1) {
        fprintf(stderr, "usage: bench [--write-streams DIR | --time-run N CMD [ARG...]]\n");
        return 2;
    }
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
    free(json.p);
    free(sse.p);

    args.p = gen_tool_args((size_t)1 << 20, &args.len, &pj_cuts, &pj_n_cuts);
    args.cap = args.len;
    printf("\nPartial-JSON reader: one %.1f MB tool-call argument in %zu delta-sized pieces\n",
           (double)args.len / 1e6, pj_n_cuts);
    base = run(b_memchr, &args, 0, &ev);
    row("baseline: memchr line walk", b_memchr, &args, 0, base);
    row("baseline: memcpy", b_memcpy, &args, 0, base);
    row("llmg_pjson_feed (pieces)", b_pjson_feed, &args, 0, base);
    row("llmg_pjson_feed + view each piece", b_pjson_view, &args, 0, base);
    free(args.p);
    free(pj_cuts);

    request_rows();

    printf("\nGenerated provider streams: SSE -> mapper -> accumulator -> final message "
           "(llmg_stream_feed/next/finish)\n");
    for (api = 0; api < GEN_APIS; api++) stream_rows(api);
    return 0;
}
