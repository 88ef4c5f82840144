/* Hostile response bodies made in code, and a runner that feeds one
   through llmg_stream with a peak-counting allocator. Shared by
   tests/test_hostile.c (asserts) and bench/hostile.c (prints a table).
   Include after llm_gateway.h; everything here is static. */
#ifndef LLMG_HOSTILE_H
#define LLMG_HOSTILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum h_kind {
    H_TEXT_FLOOD,      /* one text block, endless deltas */
    H_BLOCKS,          /* endless tiny blocks (Chat, Groq: tool calls, their only new blocks) */
    H_TOOLS,           /* endless tool calls */
    H_BIG_EVENT,       /* one event of data lines past max_event_bytes */
    H_BIG_LINE,        /* one line past max_line_bytes */
    H_DEEP,            /* one event's JSON nested 100000 levels */
    H_BAD_UTF8,        /* a delta with invalid UTF-8 inside the JSON string */
    H_NUL,             /* a delta with a NUL byte inside the JSON string */
    H_GARBAGE,         /* garbage lines between and inside the events */
    H_KIND_COUNT
} h_kind;

static const char *const h_kind_names[H_KIND_COUNT] = {
    "text deltas forever", "tiny blocks forever", "tool calls forever", "one huge event",
    "one huge line", "JSON nested 100000 deep", "invalid UTF-8 in a delta", "NUL in a delta",
    "garbage lines"};

/* ------------------------------------------------------------ peak allocator */

typedef struct h_alloc {
    size_t live, peak, calls;
} h_alloc;

static void *h_alloc_fn(void *user, size_t n)
{
    h_alloc *h = (h_alloc *)user;
    void *p = malloc(n);
    h->calls++;
    if (p) {
        h->live += n;
        if (h->live > h->peak) h->peak = h->live;
    }
    return p;
}

static void *h_realloc_fn(void *user, void *old, size_t o, size_t n)
{
    h_alloc *h = (h_alloc *)user;
    void *p = realloc(old, n);
    h->calls++;
    if (p) {
        h->live = h->live - o + n;
        if (h->live > h->peak) h->peak = h->live;
    }
    return p;
}

static void h_free_fn(void *user, void *p, size_t n)
{
    h_alloc *h = (h_alloc *)user;
    if (!p) return;
    h->live -= n;
    free(p);
}

/* ------------------------------------------------------------ output buffer */

typedef struct h_out {
    char  *p;
    size_t len, cap;
} h_out;

static void h_put(h_out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1) cap *= 2;
        o->p = (char *)realloc(o->p, cap);
        if (!o->p) abort();
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void h_puts(h_out *o, const char *s) { h_put(o, s, strlen(s)); }

static void h_printf1(h_out *o, const char *fmt, unsigned long a, unsigned long b)
{
    char t[1024];
    int n = snprintf(t, sizeof t, fmt, a, b);
    if (n > 0) h_put(o, t, (size_t)n < sizeof t ? (size_t)n : sizeof t - 1);
}

/* ------------------------------------------------------------ the five dialects */

static int h_is_chat(llmg_provider p)
{
    return p == LLMG_PROVIDER_OPENAI_COMPLETIONS || p == LLMG_PROVIDER_GROQ_COMPLETIONS;
}

/* The events before the repeated unit: a message and, for text, its block. */
static void h_head(h_out *o, llmg_provider p, int text_block)
{
    if (p == LLMG_PROVIDER_ANTHROPIC_MESSAGES) {
        h_puts(o, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                  "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,"
                  "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n");
        if (text_block)
            h_puts(o, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                      "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    } else if (!h_is_chat(p)) {
        h_puts(o, "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\","
                  "\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"m\",\"output\":[]}}\n\n");
        if (text_block)
            h_puts(o, "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                      "\"output_index\":0,\"item\":{\"id\":\"msg_0\",\"type\":\"message\",\"status\":\"in_progress\","
                      "\"content\":[],\"role\":\"assistant\"}}\n\n"
                      "event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\","
                      "\"item_id\":\"msg_0\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\","
                      "\"annotations\":[],\"text\":\"\"}}\n\n");
    }
}

/* One text delta event carrying text (n bytes, already JSON-string safe). */
static void h_text_delta(h_out *o, llmg_provider p, const char *text, size_t n)
{
    if (p == LLMG_PROVIDER_ANTHROPIC_MESSAGES) {
        h_puts(o, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                  "\"delta\":{\"type\":\"text_delta\",\"text\":\"");
    } else if (h_is_chat(p)) {
        h_puts(o, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                  "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    } else {
        h_puts(o, "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                  "\"item_id\":\"msg_0\",\"output_index\":0,\"content_index\":0,\"delta\":\"");
    }
    h_put(o, text, n);
    if (h_is_chat(p)) h_puts(o, "\"},\"finish_reason\":null}]}\n\n");
    else if (p == LLMG_PROVIDER_ANTHROPIC_MESSAGES) h_puts(o, "\"}}\n\n");
    else h_puts(o, "\"}\n\n");
}

/* Block number i: a tiny text block, or a tool call with arguments {}. */
static void h_block(h_out *o, llmg_provider p, unsigned long i, int tool)
{
    if (p == LLMG_PROVIDER_ANTHROPIC_MESSAGES) {
        if (tool)
            h_printf1(o, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%lu,"
                         "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_%lu\",\"name\":\"f\",\"input\":{}}}\n\n", i, i);
        else
            h_printf1(o, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%lu,"
                         "\"content_block\":{\"type\":\"text\",\"text\":\"x\"}}\n\n", i, 0);
        h_printf1(o, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":%lu}\n\n", i, 0);
    } else if (h_is_chat(p)) {
        h_printf1(o, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                     "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%lu,\"id\":\"call_%lu\","
                     "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                     "\"finish_reason\":null}]}\n\n", i, i);
    } else if (tool) {
        h_printf1(o, "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                     "\"output_index\":%lu,\"item\":{\"id\":\"fc_%lu\",\"type\":\"function_call\",\"status\":"
                     "\"in_progress\",\"arguments\":\"\",\"call_id\":\"call\",\"name\":\"f\"}}\n\n", i, i);
        h_printf1(o, "event: response.function_call_arguments.delta\ndata: {\"type\":"
                     "\"response.function_call_arguments.delta\",\"item_id\":\"fc_%lu\",\"output_index\":%lu,"
                     "\"delta\":\"{}\"}\n\n", i, i);
        h_printf1(o, "event: response.function_call_arguments.done\ndata: {\"type\":"
                     "\"response.function_call_arguments.done\",\"item_id\":\"fc_%lu\",\"output_index\":%lu,"
                     "\"arguments\":\"{}\"}\n\n", i, i);
    } else {
        h_printf1(o, "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                     "\"output_index\":%lu,\"item\":{\"id\":\"msg_%lu\",\"type\":\"message\",\"status\":"
                     "\"in_progress\",\"content\":[],\"role\":\"assistant\"}}\n\n", i, i);
        h_printf1(o, "event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\","
                     "\"item_id\":\"msg_%lu\",\"output_index\":%lu,\"content_index\":0,\"part\":"
                     "{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}}\n\n", i, i);
        h_printf1(o, "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                     "\"item_id\":\"msg_%lu\",\"output_index\":%lu,\"content_index\":0,\"delta\":\"x\"}\n\n", i, i);
        h_printf1(o, "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\","
                     "\"item_id\":\"msg_%lu\",\"output_index\":%lu,\"content_index\":0,\"text\":\"x\"}\n\n", i, i);
    }
}

/* The final events: close the text block (when open) and end the message. */
static void h_tail(h_out *o, llmg_provider p, int text_block)
{
    if (p == LLMG_PROVIDER_ANTHROPIC_MESSAGES) {
        if (text_block)
            h_puts(o, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        h_puts(o, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                  "\"usage\":{\"output_tokens\":5}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    } else if (h_is_chat(p)) {
        h_puts(o, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                  "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                  "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                  "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":5,\"total_tokens\":6}}\n\n"
                  "data: [DONE]\n\n");
    } else {
        if (text_block)
            h_puts(o, "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\","
                      "\"output_index\":0,\"item\":{\"id\":\"msg_0\",\"type\":\"message\",\"status\":\"completed\","
                      "\"content\":[],\"role\":\"assistant\"}}\n\n");
        h_puts(o, "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                  "\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\",\"output\":[],"
                  "\"usage\":{\"input_tokens\":1,\"output_tokens\":5,\"total_tokens\":6}}}\n\n");
    }
}

/* ------------------------------------------------------------ the runner */

typedef struct h_opts {
    size_t max_message_bytes, max_blocks;   /* 0: the library's defaults */
    unsigned long units;                    /* repetitions of the flood unit; 0: 1000000 */
    size_t text_chunk;                      /* text-flood delta bytes; 0: 16 KiB */
} h_opts;

typedef struct h_result {
    llmg_status st;
    uint64_t    offset;                      /* err.offset when st < 0 */
    uint64_t    fed;                         /* bytes handed to llmg_stream_feed */
    uint64_t    mark;                        /* offset of the hostile event or line */
    size_t      peak;                        /* highest live bytes of the stream's allocator */
    size_t      blocks;                      /* content blocks of the message at the end */
    size_t      text_bytes;                  /* text of the message's text blocks */
    size_t      max_event;                   /* longest event the generator wrote */
    int         text_ok;                     /* every text block is valid UTF-8 without NUL */
    char        text_head[64];               /* the first text block's first bytes */
} h_result;

static int h_utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], need, min, cp;
        if (c == 0) return 0;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { need = 1; min = 0x80; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; min = 0x800; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; min = 0x10000; cp = c & 0x07; }
        else return 0;
        {
            size_t k;
            for (k = 1; k <= need; k++) {
                if (i + k >= n || (s[i + k] & 0xC0) != 0x80) return 0;
                cp = (cp << 6) | (s[i + k] & 0x3Fu);
            }
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += need + 1;
    }
    return 1;
}

/* Feeds o[from..] in pieces of at most 64 KiB, draining events. */
static llmg_status h_feed(llmg_stream *s, const h_out *o, size_t from, h_result *r, llmg_error *err)
{
    llmg_event ev;
    llmg_status st = LLMG_NEED_MORE;
    while (from < o->len) {
        size_t n = o->len - from < 65536 ? o->len - from : 65536;
        llmg_stream_feed(s, o->p + from, n, err);
        from += n;
        r->fed += n;
        while ((st = llmg_stream_next(s, &ev, err)) == LLMG_OK) {}
        if (st != LLMG_NEED_MORE) return st;
    }
    return st;
}

static void h_unit(h_out *o, llmg_provider p, h_kind kind, unsigned long i, size_t text_chunk,
                   const char *text)
{
    if (kind == H_TEXT_FLOOD) h_text_delta(o, p, text, text_chunk);
    else h_block(o, p, i, kind == H_TOOLS || h_is_chat(p));
}

static void h_run(llmg_provider p, h_kind kind, const h_opts *ho, h_result *r)
{
    h_alloc ha;
    llmg_stream_opts so;
    llmg_stream s;
    llmg_error err;
    llmg_event ev;
    h_out o;
    llmg_status st = LLMG_NEED_MORE;
    unsigned long i, units = ho->units ? ho->units : 1000000ul;
    size_t text_chunk = ho->text_chunk ? ho->text_chunk : 16384;
    int text_block = kind != H_BLOCKS && kind != H_TOOLS && kind != H_BIG_EVENT && kind != H_BIG_LINE;
    char *text = (char *)malloc(text_chunk);
    const llmg_message *m;
    if (!text) abort();
    memset(text, 'a', text_chunk);
    memset(r, 0, sizeof *r);
    memset(&ha, 0, sizeof ha);
    memset(&o, 0, sizeof o);
    memset(&so, 0, sizeof so);
    so.provider = p;
    so.max_message_bytes = ho->max_message_bytes;
    so.max_blocks = ho->max_blocks;
    so.allocator.alloc_fn = h_alloc_fn;
    so.allocator.realloc_fn = h_realloc_fn;
    so.allocator.free_fn = h_free_fn;
    so.allocator.user = &ha;
    if (llmg_stream_init(&s, &so, &err) != LLMG_OK) abort();
    h_head(&o, p, text_block);
    switch (kind) {
    case H_TEXT_FLOOD:
    case H_BLOCKS:
    case H_TOOLS:
        /* generated and fed in batches, so "forever" costs no memory here */
        for (i = 0; i < units && st == LLMG_NEED_MORE; ) {
            size_t before = o.len;
            do {
                before = o.len;
                h_unit(&o, p, kind, i, text_chunk, text);
                if (o.len - before > r->max_event) r->max_event = o.len - before;
                i++;
            } while (i < units && o.len < 65536);
            st = h_feed(&s, &o, 0, r, &err);
            o.len = 0;
        }
        if (st == LLMG_NEED_MORE) h_tail(&o, p, text_block);
        break;
    case H_BIG_EVENT: {
        size_t k;
        char line[1024];
        memset(line, 'a', sizeof line);
        memcpy(line, "data: ", 6);
        line[sizeof line - 1] = '\n';
        r->mark = o.len;
        h_puts(&o, p == LLMG_PROVIDER_ANTHROPIC_MESSAGES ? "event: content_block_delta\n" : "");
        for (k = 0; k < 1200; k++) h_put(&o, line, sizeof line);   /* 1.2 MB of data lines */
        h_puts(&o, "\n");
        r->max_event = o.len;
        h_tail(&o, p, 0);
        break;
    }
    case H_BIG_LINE: {
        size_t k;
        r->mark = o.len;
        h_puts(&o, "data: {\"x\":\"");
        for (k = 0; k < 200; k++) h_put(&o, text, text_chunk < 1000 ? text_chunk : 1000);
        h_puts(&o, "\"}\n\n");
        h_tail(&o, p, 0);
        break;
    }
    case H_DEEP: {
        size_t k, start;
        h_text_delta(&o, p, "before", 6);
        start = r->mark = o.len;
        h_puts(&o, p == LLMG_PROVIDER_ANTHROPIC_MESSAGES ? "event: content_block_delta\n" : "");
        h_puts(&o, "data: {\"type\":\"content_block_delta\",\"index\":0,\"choices\":[],\"deep\":");
        /* 200000 brackets on data lines of 10000 (joined with LF: JSON white space) */
        for (k = 0; k < 200000; k++) {
            h_puts(&o, k < 100000 ? "[" : "]");
            if (k % 10000 == 9999) h_puts(&o, "\ndata: ");
        }
        h_puts(&o, "}\n\n");
        r->max_event = o.len - start;
        h_text_delta(&o, p, "after", 5);
        h_tail(&o, p, 1);
        break;
    }
    case H_BAD_UTF8:
    case H_NUL:
        h_text_delta(&o, p, "ok1 ", 4);
        if (kind == H_BAD_UTF8) {
            h_text_delta(&o, p, "bad \xff\xfe", 6);
            h_text_delta(&o, p, "overlong \xc0\xaf", 11);
            h_text_delta(&o, p, "surrogate \xed\xa0\x80", 13);
            h_text_delta(&o, p, "cut \xe2\x82", 6);
        } else {
            h_text_delta(&o, p, "nul \0 in string", 15);
        }
        h_text_delta(&o, p, "ok2", 3);
        if (kind == H_NUL) h_put(&o, "data: {\"a\":1}\0\n\n", 17);  /* NUL after the JSON */
        h_tail(&o, p, 1);
        break;
    case H_GARBAGE: {
        /* the clean stream, with ignorable lines spliced in after every line */
        h_out c;
        size_t k;
        static const char bin[] = "\xff\xfe\x00junk: \x01\n";   /* a NUL inside: sizeof */
        static const char *const junk[] = {
            "garbage without a colon\n", ": a comment\n", "foo: bar\n", "retry: soon\n",
            bin, "Data: capitalised is another field\n", "event_: x\n",
            "  data: leading spaces make another field\n"};
        memset(&c, 0, sizeof c);
        h_text_delta(&c, p, "Hello", 5);
        h_text_delta(&c, p, ", world", 7);
        h_tail(&c, p, 1);
        for (k = 0, i = 0; k < c.len; k++) {
            h_put(&o, c.p + k, 1);
            if (c.p[k] == '\n') {
                const char *j = junk[i++ % (sizeof junk / sizeof junk[0])];
                h_put(&o, j, j == bin ? sizeof bin - 1 : strlen(j));
            }
        }
        free(c.p);
        break;
    }
    default:
        break;
    }
    if (st == LLMG_NEED_MORE && o.len) st = h_feed(&s, &o, 0, r, &err);
    if (st == LLMG_NEED_MORE) {
        llmg_stream_finish(&s, &err);
        while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) {}
    }
    r->st = st;
    r->offset = st < 0 ? err.offset : 0;
    m = llmg_stream_message(&s);
    r->blocks = m ? m->content_count : 0;
    r->text_ok = 1;
    if (m) {
        size_t b;
        for (b = 0; b < m->content_count; b++) {
            const llmg_block *bl = &m->content[b];
            if (bl->type != LLMG_BLOCK_TEXT) continue;
            if (r->text_bytes == 0 && bl->text.len) {
                size_t n = bl->text.len < sizeof r->text_head - 1 ? bl->text.len : sizeof r->text_head - 1;
                memcpy(r->text_head, bl->text.ptr, n);
                r->text_head[n] = '\0';
            }
            r->text_bytes += bl->text.len;
            if (!h_utf8_ok((const unsigned char *)bl->text.ptr, bl->text.len)) r->text_ok = 0;
        }
    }
    r->peak = ha.peak;
    llmg_stream_free(&s);
    if (ha.live != 0) r->st = (llmg_status)-100;   /* a leak: no status of the library */
    free(o.p);
    free(text);
}

#endif
