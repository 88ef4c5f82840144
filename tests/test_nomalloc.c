/* The library built with -DLLMG_NO_MALLOC: no default allocator, every
   byte from an llmg_fixed arena over a static buffer. Linked with
   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free, so a call
   of any of them from this translation unit (the whole implementation is
   in it) aborts; tests/nomalloc.sh also checks with nm that the object
   names none of them. For each hand-written stream fixture that finishes
   (tests/fixtures/streams/<api>/, all five APIs) and for made-up text
   responses of growing size, the whole stream path (SSE, mapper,
   accumulator, final message) runs on the arena; then the smallest arena
   that gives the same result is searched, for the rule of thumb printed
   at the end. Run from the repository root. */
#define _POSIX_C_SOURCE 200809L
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Anything that reaches the libc allocator from here is a failure. */
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_malloc(size_t n) { (void)n; fputs("FAIL malloc called\n", stderr); abort(); }
void *__wrap_calloc(size_t n, size_t m) { (void)n; (void)m; fputs("FAIL calloc called\n", stderr); abort(); }
void *__wrap_realloc(void *p, size_t n) { (void)p; (void)n; fputs("FAIL realloc called\n", stderr); abort(); }
void __wrap_free(void *p) { (void)p; fputs("FAIL free called\n", stderr); abort(); }

static int passed, failed;
#define CHECK(c) do { if (c) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); } } while (0)

static unsigned char arena[4u << 20];
static char input[4u << 20];

typedef struct outcome {
    llmg_status st;
    size_t      events, blocks, bytes;   /* bytes: every block's text */
    size_t      peak;
} outcome;

static void run(llmg_provider p, const char *body, size_t len, size_t cap, outcome *o)
{
    llmg_fixed f;
    llmg_stream_opts so;
    llmg_stream s;
    llmg_event ev;
    llmg_error err;
    llmg_status st = LLMG_NEED_MORE;
    size_t at = 0, b;
    const llmg_message *m;
    memset(o, 0, sizeof *o);
    llmg_fixed_init(&f, arena, cap);
    memset(&so, 0, sizeof so);
    so.provider = p;
    so.allocator = llmg_fixed_allocator(&f);
    if (llmg_stream_init(&s, &so, &err) != LLMG_OK) { o->st = err.code; return; }
    for (;;) {
        size_t n = len - at < 64 ? len - at : 64;
        if (n == 0) llmg_stream_finish(&s, &err);
        else llmg_stream_feed(&s, body + at, n, &err);
        at += n;
        while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) o->events++;
        if (st != LLMG_NEED_MORE || n == 0) break;
    }
    o->st = st;
    m = llmg_stream_message(&s);
    o->blocks = m->content_count;
    for (b = 0; b < m->content_count; b++) o->bytes += m->content[b].text.len;
    llmg_stream_free(&s);
    o->peak = f.peak;
    if (f.used != 0) o->st = (llmg_status)-100;     /* something was not given back */
}

static int same(const outcome *a, const outcome *b)
{
    return a->st == b->st && a->events == b->events && a->blocks == b->blocks && a->bytes == b->bytes;
}

/* The smallest arena (to 16 bytes) that gives the result of a roomy one. */
static size_t smallest(llmg_provider p, const char *body, size_t len, const outcome *want)
{
    size_t lo = 16, hi = want->peak + 16, c;
    outcome o;
    run(p, body, len, hi, &o);
    while (!same(&o, want) && hi < sizeof arena) {   /* the peak fits, but first fit may not */
        hi = hi * 2 < sizeof arena ? hi * 2 : sizeof arena;
        run(p, body, len, hi, &o);
    }
    while (lo + 16 < hi) {
        c = (lo + hi) / 2;
        run(p, body, len, c, &o);
        if (same(&o, want)) hi = c;
        else lo = c;
    }
    return hi;
}

static const struct { const char *dir; llmg_provider p; } dirs[] = {
    {"tests/fixtures/streams/anthropic_messages", LLMG_PROVIDER_ANTHROPIC_MESSAGES},
    {"tests/fixtures/streams/openai_completions", LLMG_PROVIDER_OPENAI_COMPLETIONS},
    {"tests/fixtures/streams/openai_responses", LLMG_PROVIDER_OPENAI_RESPONSES},
    {"tests/fixtures/streams/openai_codex", LLMG_PROVIDER_OPENAI_CODEX},
    {"tests/fixtures/streams/groq_completions", LLMG_PROVIDER_GROQ_COMPLETIONS},
};

static size_t read_into(const char *path)
{
    FILE *fp = fopen(path, "rb");
    size_t n;
    if (!fp) return 0;
    n = fread(input, 1, sizeof input, fp);
    fclose(fp);
    return n;
}

/* A Chat response of about n bytes of text in deltas of 40. */
static size_t make_chat(size_t text)
{
    static const char head[] = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                               "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
    static const char tail[] = "\"},\"finish_reason\":null}]}\n\n";
    static const char end[] = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                              "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                              "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                              "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n"
                              "data: [DONE]\n\n";
    size_t n = 0, t;
    for (t = 0; t < text; t += 40) {
        memcpy(input + n, head, sizeof head - 1);
        n += sizeof head - 1;
        memset(input + n, 'a', 40);
        n += 40;
        memcpy(input + n, tail, sizeof tail - 1);
        n += sizeof tail - 1;
    }
    memcpy(input + n, end, sizeof end - 1);
    return n + sizeof end - 1;
}

int main(void)
{
    size_t d, total = 0, worst_num = 0, worst_den = 1;
    llmg_stream s;
    llmg_stream_opts so;
    llmg_error err;
    outcome want;
    /* no default allocator: a zero one is refused */
    memset(&so, 0, sizeof so);
    so.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
    CHECK(llmg_stream_init(&s, &so, &err) == LLMG_E_ARG);
    printf("| case | api | bytes | blocks | arena peak | smallest arena |\n|---|---|---:|---:|---:|---:|\n");
    for (d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dp = opendir(dirs[d].dir);
        struct dirent *e;
        size_t cases = 0;
        CHECK(dp != NULL);
        if (!dp) continue;
        while ((e = readdir(dp)) != NULL) {
            char path[512];
            size_t l = strlen(e->d_name), len, min;
            if (l < 5 || strcmp(e->d_name + l - 4, ".sse") != 0) continue;
            snprintf(path, sizeof path, "%s/%s", dirs[d].dir, e->d_name);
            len = read_into(path);
            CHECK(len > 0);
            run(dirs[d].p, input, len, sizeof arena, &want);
            CHECK(want.st == LLMG_DONE || want.st == LLMG_E_PROVIDER || want.st == LLMG_E_TRUNCATED);
            if (want.st != LLMG_DONE) continue;
            cases++;
            min = smallest(dirs[d].p, input, len, &want);
            /* below the peak only by the shape cache, which does without
               memory (at most 4 KiB of bytes and 256 tokens) */
            CHECK(min + 4096 + 256 * sizeof(llmg_json_tok) + 64 >= want.peak
                  && min <= 2 * want.peak + 4096);
            printf("| %s | %s | %zu | %zu | %zu | %zu |\n", e->d_name, llmg_provider_name(dirs[d].p), len,
                   want.blocks, want.peak, min);
            if (min * worst_den > worst_num * (len ? len : 1)) { worst_num = min; worst_den = len; }
        }
        closedir(dp);
        CHECK(cases >= 2);
        total += cases;
    }
    /* made-up Chat text responses: the growth with the text */
    {
        static const size_t sizes[] = {1000, 10000, 100000, 400000};
        size_t i;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t len = make_chat(sizes[i]), min;
            run(LLMG_PROVIDER_OPENAI_COMPLETIONS, input, len, sizeof arena, &want);
            CHECK(want.st == LLMG_DONE && want.bytes >= sizes[i]);
            min = smallest(LLMG_PROVIDER_OPENAI_COMPLETIONS, input, len, &want);
            CHECK(min >= want.peak);
            printf("| chat text %zu B | openai_completions | %zu | %zu | %zu | %zu |\n", want.bytes,
                   len, want.blocks, want.peak, min);
        }
    }
    printf("%zu fixtures that finish ran on a fixed arena with no malloc\n", total);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
