/* Hostile streams made in code (tests/hostile.h), for each of the five
   APIs, with the library's default limits: endless text deltas, endless
   tiny blocks, endless tool calls, one huge event, one huge line, an
   event's JSON nested 100000 deep, invalid UTF-8 and NUL bytes inside
   delta strings, garbage lines between and inside events. Each must end
   with the documented status at a sensible offset, leak nothing, and keep
   its peak of live memory under the bound the manual's LIMITS section
   gives:
       framer       max_line_bytes + max_event_bytes (+ event name and id)
       event        tokens of one event's data (32 bytes each: at most one
                    per 2 bytes of data, so 16 bytes a data byte), a
                    scratch buffer of about one event
       message      max_message_bytes (or the bytes it holds) + about 200
                    bytes a block
   One exception, measured and reported rather than hidden: a tool-call
   block costs about 344 bytes (a 152-byte llmg_block plus the 64-byte
   minimum buffer of each of its id, name and arguments), not 200; the
   tool cases use 350. */
#include "test.h"
#include "hostile.h"

#define KIB ((size_t)1024)
#define MIB ((size_t)1024 * 1024)
#define L_DEF (64 * KIB)                 /* llmg_sse_opts.max_line_bytes default */
#define E_DEF (1 * MIB)                  /* llmg_sse_opts.max_event_bytes default */
#define M_DEF (64 * MIB)                 /* llmg_stream_opts.max_message_bytes default */
#define B_DEF ((size_t)65536)            /* llmg_stream_opts.max_blocks default */

static const llmg_provider all5[] = {
    LLMG_PROVIDER_ANTHROPIC_MESSAGES, LLMG_PROVIDER_OPENAI_COMPLETIONS, LLMG_PROVIDER_OPENAI_RESPONSES,
    LLMG_PROVIDER_OPENAI_CODEX, LLMG_PROVIDER_GROQ_COMPLETIONS};

/* The documented bound for a run that read events of at most ev bytes
   into a message of msg bytes and blocks blocks at per_block bytes each. */
static size_t doc_bound(size_t ev, size_t msg, size_t blocks, size_t per_block)
{
    return L_DEF + E_DEF + 2 * KIB + 16 * ev + ev + msg + per_block * blocks;
}

static void note_case(llmg_provider p, h_kind k, const h_result *r)
{
    char b[300];
    snprintf(b, sizeof b, "%s / %s: %s at offset %llu of %llu fed, %zu blocks, peak %zu bytes",
             llmg_provider_name(p), h_kind_names[k], llmg_status_name(r->st),
             (unsigned long long)r->offset, (unsigned long long)r->fed, r->blocks, r->peak);
    t_note("%s", b);
}

#define HCHECK(c) do { if (!(c)) { note_case(p, k, &r); CHECK(c); } } while (0)

/* The floods at the default limits (64 MiB of text, 65536 blocks) take a
   second under ASan and many minutes under valgrind: with
   LLMG_TEST_VALGRIND set (make test-valgrind) they run at 1 MiB and 2048
   blocks instead, set as options, with the same checks. */
static void test_hostile_floods(void)
{
    size_t i, M = M_DEF, B = B_DEF;
    h_opts ho;
    memset(&ho, 0, sizeof ho);
    if (getenv("LLMG_TEST_VALGRIND")) {
        M = ho.max_message_bytes = MIB;
        B = ho.max_blocks = 2048;
    }
    for (i = 0; i < 5; i++) {
        llmg_provider p = all5[i];
        h_kind k;
        h_result r;
        /* text deltas until the message is past max_message_bytes */
        k = H_TEXT_FLOOD;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_E_LIMIT);
        /* the offset of the delta that crossed: the text before it was over M - 16 KiB */
        HCHECK(r.offset >= M - 16384 && r.offset <= r.fed);
        HCHECK(r.blocks == 1 && r.text_bytes <= M && r.text_bytes > M - 2 * 16384);
        HCHECK(r.peak <= doc_bound(r.max_event, M, 1, 200));
        /* tiny blocks, then tool calls, until max_blocks */
        for (k = H_BLOCKS; k <= H_TOOLS; k = (h_kind)(k + 1)) {
            int tool = k == H_TOOLS || p == LLMG_PROVIDER_OPENAI_COMPLETIONS || p == LLMG_PROVIDER_GROQ_COMPLETIONS;
            h_run(p, k, &ho, &r);
            HCHECK(r.st == LLMG_E_LIMIT);
            HCHECK(r.blocks == B);
            HCHECK(r.offset <= r.fed && r.offset + 65536 + r.max_event >= r.fed);   /* in the last batch */
            HCHECK(r.peak <= doc_bound(r.max_event, r.text_bytes + 2 * KIB, r.blocks, tool ? 350 : 200));
        }
    }
}

static void test_hostile_framing(void)
{
    size_t i;
    h_opts ho;
    memset(&ho, 0, sizeof ho);
    for (i = 0; i < 5; i++) {
        llmg_provider p = all5[i];
        h_kind k;
        h_result r;
        /* one event of 1.2 MB of data lines: stopped at max_event_bytes */
        k = H_BIG_EVENT;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_E_LIMIT);
        /* 1017 data bytes a 1023-byte line: past E_DEF data bytes by E_DEF * 6 / 1017 */
        HCHECK(r.offset >= r.mark + E_DEF && r.offset <= r.mark + E_DEF + E_DEF / 100 + 2 * KIB);
        HCHECK(r.peak <= L_DEF + E_DEF + 16 * KIB);
        /* one 200 KB line: stopped at max_line_bytes, the first byte past it */
        k = H_BIG_LINE;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_E_LIMIT);
        HCHECK(r.offset == r.mark + L_DEF);
        HCHECK(r.peak <= L_DEF + 16 * KIB);
        /* JSON nested 100000 deep in one event: LLMG_E_LIMIT at that event */
        k = H_DEEP;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_E_LIMIT);
        HCHECK(r.offset == r.mark);
        HCHECK(r.blocks == 1 && strcmp(r.text_head, "before") == 0);
        HCHECK(r.peak <= doc_bound(r.max_event, 4 * KIB, 1, 200));
    }
}

/* Data that is not JSON is the gem's {raw: ...}, which no mapper acts on:
   the delta is dropped, the stream goes on, the text stays valid UTF-8. */
static void test_hostile_bytes(void)
{
    size_t i;
    h_opts ho;
    memset(&ho, 0, sizeof ho);
    for (i = 0; i < 5; i++) {
        llmg_provider p = all5[i];
        h_kind k;
        h_result r;
        for (k = H_BAD_UTF8; k <= H_NUL; k = (h_kind)(k + 1)) {
            h_run(p, k, &ho, &r);
            HCHECK(r.st == LLMG_DONE);
            HCHECK(r.blocks == 1 && strcmp(r.text_head, "ok1 ok2") == 0 && r.text_ok);
            HCHECK(r.peak <= doc_bound(r.fed, 4 * KIB, 1, 200));
        }
        k = H_GARBAGE;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_DONE);
        HCHECK(r.blocks == 1 && strcmp(r.text_head, "Hello, world") == 0 && r.text_ok);
    }
}

/* The limits are options: small ones hold too. */
static void test_hostile_small_limits(void)
{
    size_t i;
    h_opts ho;
    memset(&ho, 0, sizeof ho);
    ho.max_message_bytes = 100000;
    ho.max_blocks = 10;
    ho.text_chunk = 1000;
    for (i = 0; i < 5; i++) {
        llmg_provider p = all5[i];
        h_kind k = H_TEXT_FLOOD;
        h_result r;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_E_LIMIT && r.text_bytes <= 100000 && r.text_bytes > 98000);
        HCHECK(r.peak <= doc_bound(r.max_event, 100000, 1, 200));
        k = H_TOOLS;
        h_run(p, k, &ho, &r);
        HCHECK(r.st == LLMG_E_LIMIT && r.blocks == 10);
    }
}

void suite_hostile(void)
{
    RUN(test_hostile_floods);
    RUN(test_hostile_framing);
    RUN(test_hostile_bytes);
    RUN(test_hostile_small_limits);
}
