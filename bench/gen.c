/* The bench's stream generator (see gen.h). Event shapes follow recorded
   provider traffic field for field: ids of the providers' lengths and
   alphabets, created and sequence numbers, obfuscation padding, usage
   chunks, Anthropic's ping, signature delta and the spaces it pads some
   data objects with, the Responses done events that repeat each item, the
   Codex encrypted reasoning. Content is generated: prose with markdown,
   escapes and UTF-8, C-like code in tool arguments. Delta sizes are drawn
   from the distribution measured per API and per kind in recorded
   traffic, by bucket (uniform inside a bucket; 65+ means 65 to 192).
   Deterministic: one fixed seed, its own PRNG. */
#include "gen.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gen_keys[GEN_APIS] = {
    "anthropic_messages", "openai_completions", "openai_responses", "openai_codex",
    "groq_completions"
};
const char *const gen_bucket_names[GEN_BUCKETS] = { "1-4", "5-8", "9-16", "17-32", "33-64", "65+" };

/* ---------------------------------------------------------------- PRNG, buffers */

static uint64_t seed;
static uint64_t rnd(void)                /* splitmix64 */
{
    uint64_t z = (seed += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static size_t rn(size_t n) { return (size_t)(rnd() % (uint64_t)n); }

typedef struct gbuf { char *p; size_t len, cap; } gbuf;

static void gput(gbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = (char *)realloc(b->p, b->cap);
        if (!b->p) { fprintf(stderr, "bench: out of memory\n"); exit(1); }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}
static void gputs(gbuf *b, const char *s) { gput(b, s, strlen(s)); }

static void gprintf(gbuf *b, const char *fmt, ...)
{
    char tmp[512];
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) abort();
    gput(b, tmp, (size_t)n);
}

/* s as the inside of a JSON string */
static void gesc(gbuf *b, const char *s, size_t n)
{
    size_t i, run = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = NULL;
        char u[8];
        if (c == '"') e = "\\\"";
        else if (c == '\\') e = "\\\\";
        else if (c == '\n') e = "\\n";
        else if (c == '\t') e = "\\t";
        else if (c < 0x20) { snprintf(u, sizeof u, "\\u%04x", c); e = u; }
        if (!e) continue;
        gput(b, s + run, i - run);
        gputs(b, e);
        run = i + 1;
    }
    gput(b, s + run, n - run);
}

static void rid(gbuf *b, const char *prefix, size_t n, const char *alphabet)
{
    size_t i, k = strlen(alphabet);
    gputs(b, prefix);
    for (i = 0; i < n; i++) gput(b, &alphabet[rn(k)], 1);
}
static const char B62[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char HEX[] = "0123456789abcdef";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void uuid(gbuf *b)
{
    rid(b, "", 8, HEX); rid(b, "-", 4, HEX); rid(b, "-4", 3, HEX);
    rid(b, "-a", 3, HEX); rid(b, "-", 12, HEX);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = (char *)malloc(n + 1);
    if (!d) abort();
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---------------------------------------------------------------- content */

static const char *const WORDS[] = {
    "the", "stream", "model", "parser", "returns", "each", "event", "in", "order", "and",
    "a", "tool", "call", "with", "its", "arguments", "so", "that", "we", "can", "check",
    "buffer", "of", "bytes", "is", "split", "at", "any", "point", "which", "means", "state",
    "must", "survive", "between", "chunks", "caf\xc3\xa9", "na\xc3\xafve", "\xe2\x86\x92",
    "\xc3\x97", "\xe2\x9c\x93", "3\xc2\xb3", "it\xe2\x80\x99s", "\"quoted\"", "`code`",
    "**bold**", "C:\\\\tmp", "42", "27", "69", "0.5", "e.g.", "(see", "below)", "first,",
    "then", "finally", "however,", "consider", "number", "sum", "result", "value", "\xf0\x9f\x99\x82"
};
#define N_WORDS (sizeof WORDS / sizeof WORDS[0])

static void sentence(gbuf *b)
{
    size_t k, n = 6 + rn(18);
    if (rn(9) == 0) gputs(b, "- ");
    for (k = 0; k < n; k++) {
        gputs(b, WORDS[rn(N_WORDS)]);
        if (k + 1 < n) gputs(b, " ");
    }
    gputs(b, rn(5) == 0 ? ".\n\n" : (rn(6) == 0 ? ":\n" : ". "));
}

static void code_line(gbuf *b)
{
    static const char *const stmt[] = {
        "    if (n_%u > %u) total += buf[%u];\n",
        "    printf(\"value %%d\\n\", v_%u + %u * %u);\n",
        "    /* caf\xc3\xa9 \xe2\x86\x92 step %u of %u (%u) */\n",
        "    s = strcat(s, \"\\t\\\"x%u\\\"\", %u, %u);\n",
        "static int f_%u(int a, int b) { return a * %u + b - %u; }\n"
    };
    gprintf(b, stmt[rn(5)], (unsigned)rn(1000), (unsigned)rn(1000), (unsigned)rn(100));
}

/* Delta-size distributions (per mille by bucket) measured in recorded
   traffic, per API and kind. */
enum {
    D_ANT_TEXT, D_ANT_THINK, D_ANT_ARGS, D_CHAT_TEXT, D_CHAT_ARGS, D_GROQ_TEXT,
    D_GROQ_REASON, D_RESP_TEXT, D_RESP_REASON, D_CODEX_TEXT, D_CODEX_REASON, D_COUNT
};
static const int DIST[D_COUNT][GEN_BUCKETS] = {
    {  33, 120,  43, 130, 217, 457 },    /* anthropic text_delta */
    {  50,   0,  38,  38, 238, 636 },    /* anthropic thinking_delta */
    { 253, 361, 386,   0,   0,   0 },    /* anthropic input_json_delta */
    { 605, 254, 141,   0,   0,   0 },    /* chat content */
    { 923,   0,  77,   0,   0,   0 },    /* chat / responses / codex tool arguments */
    { 759, 198,  43,   0,   0,   0 },    /* groq content */
    { 577, 312, 111,   0,   0,   0 },    /* groq reasoning */
    { 635, 242, 123,   0,   0,   0 },    /* responses output_text */
    { 488, 386, 115,   5,   6,   0 },    /* responses reasoning_summary_text */
    { 647, 247, 106,   0,   0,   0 },    /* codex output_text */
    { 530, 336, 122,   9,   3,   0 }     /* codex reasoning_summary_text */
};
static const size_t LO[GEN_BUCKETS] = { 1, 5, 9, 17, 33, 65 };
static const size_t HI[GEN_BUCKETS] = { 4, 8, 16, 32, 64, 192 };

static size_t draw(int d)
{
    int r, k, sum = 0, total = 0;
    for (k = 0; k < GEN_BUCKETS; k++) total += DIST[d][k];
    r = (int)rn((size_t)total);
    for (k = 0; k < GEN_BUCKETS - 1; k++) {
        sum += DIST[d][k];
        if (r < sum) break;
    }
    return LO[k] + rn(HI[k] - LO[k] + 1);
}

static int bucket(size_t n)
{
    int k = 0;
    while (k < GEN_BUCKETS - 1 && n > HI[k]) k++;
    return k;
}

/* The next piece of about n bytes of src from *at, cut at a character
   boundary; prose is appended to src as needed when grow is set. */
static size_t piece(gen_stream *g, gbuf *src, size_t *at, size_t n, int grow)
{
    size_t k = n;
    while (grow && src->len < *at + n + 8) sentence(src);
    if (*at + k > src->len) k = src->len - *at;
    while (*at + k < src->len && ((unsigned char)src->p[*at + k] & 0xC0) == 0x80) k++;
    *at += k;
    if (k) { g->hist[bucket(k)]++; g->n_deltas++; }
    return k;
}

/* A tool call's arguments: one JSON object of about target bytes. */
static void make_args(gbuf *a, size_t target, unsigned serial)
{
    gbuf code = { 0, 0, 0 };
    gprintf(a, "{\"path\":\"src/module_%02u/file_%u.c\",\"content\":\"", serial % 37, serial);
    while (code.len * 11 / 10 + 80 < target) code_line(&code);
    gesc(a, code.p ? code.p : "", code.len);
    gprintf(a, "\",\"mode\":\"overwrite\",\"line_count\":%u,\"dry_run\":false}",
            (unsigned)(code.len / 40));
    free(code.p);
}

static const char *const TOOL_NAMES[] = { "write_file", "edit_file", "run_shell", "search_code" };

typedef struct gen_ctx {
    gen_stream *g;
    gbuf        out, text, reasoning, sig;
    gbuf        ids;                     /* NUL-separated strings kept for later events */
    gen_tool    tools[64];
    size_t      n_tools;
    size_t      target;
} gen_ctx;

static gen_tool *new_tool(gen_ctx *c, const char *id, size_t id_len, size_t args_target)
{
    gen_tool *t = &c->tools[c->n_tools];
    gbuf a = { 0, 0, 0 };
    make_args(&a, args_target, (unsigned)c->n_tools);
    t->id = dup_n(id, id_len);
    t->name = dup_n(TOOL_NAMES[c->n_tools % 4], strlen(TOOL_NAMES[c->n_tools % 4]));
    t->args = a.p;
    t->args_len = a.len;
    c->n_tools++;
    return t;
}

/* Argument bytes per tool so the tools fill the rest of the target:
   out bytes per argument byte is ratio (measured on the first tool). */
static size_t args_budget(gen_ctx *c, size_t k, size_t n_tools, double ratio)
{
    size_t left = c->target > c->out.len ? c->target - c->out.len : 0;
    double per = (double)left / (double)(n_tools - k) / ratio;
    return per < 200 ? 200 : (size_t)per;
}

static void obfuscation(gbuf *b, size_t delta_len)
{
    size_t n = delta_len < 14 ? 15 - delta_len + rn(2) : 2 + rn(6);
    rid(b, ",\"obfuscation\":\"", n, B62);
    gputs(b, "\"");
}

/* ---------------------------------------------------------------- Anthropic */

static void pad_close(gbuf *b) { size_t n = rn(16); while (n--) gputs(b, " "); gputs(b, "}\n\n"); }

static void ant_delta(gen_ctx *c, size_t index, const char *type, const char *field,
                      const char *s, size_t n)
{
    gbuf *b = &c->out;
    gprintf(b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%u,"
               "\"delta\":{\"type\":\"%s\",\"%s\":\"", (unsigned)index, type, field);
    gesc(b, s, n);
    gputs(b, "\"}");
    pad_close(b);
    c->g->n_sse++;
}

static void ant_stop(gen_ctx *c, size_t index)
{
    gprintf(&c->out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":%u",
            (unsigned)index);
    pad_close(&c->out);
    c->g->n_sse++;
}

static void gen_anthropic(gen_ctx *c)
{
    gbuf *b = &c->out;
    size_t at = 0, k, n, n_tools = 16, index = 0, in_tok = 1000 + rn(5000);
    double ratio = 20;
    gputs(b, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
             "\"claude-sonnet-4-20250514\",");
    rid(b, "\"id\":\"msg_01", 22, B62);
    gprintf(b, "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,"
               "\"stop_sequence\":null,\"stop_details\":null,\"usage\":{\"input_tokens\":%u,"
               "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"cache_creation\":"
               "{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,"
               "\"service_tier\":\"standard\",\"inference_geo\":\"not_available\"}}", (unsigned)in_tok);
    pad_close(b);
    gputs(b, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
             "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
    pad_close(b);
    gputs(b, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
    c->g->n_sse += 3;
    while (b->len < c->target * 30 / 100) {
        size_t from = at;
        n = piece(c->g, &c->reasoning, &at, draw(D_ANT_THINK), 1);
        ant_delta(c, index, "thinking_delta", "thinking", c->reasoning.p + from, n);
    }
    c->reasoning.len = at;
    rid(&c->sig, "EtMLCmwIDhgCKkC", 1400 + rn(400), B64);
    gputs(&c->sig, "=");
    ant_delta(c, index, "signature_delta", "signature", c->sig.p, c->sig.len);
    ant_stop(c, index++);

    gprintf(b, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%u,"
               "\"content_block\":{\"type\":\"text\",\"text\":\"\"}", (unsigned)index);
    pad_close(b);
    c->g->n_sse++;
    at = 0;
    while (b->len < c->target * 65 / 100) {
        size_t from = at;
        n = piece(c->g, &c->text, &at, draw(D_ANT_TEXT), 1);
        ant_delta(c, index, "text_delta", "text", c->text.p + from, n);
    }
    c->text.len = at;
    ant_stop(c, index++);

    for (k = 0; k < n_tools; k++, index++) {
        gbuf id = { 0, 0, 0 };
        gen_tool *t;
        size_t before = b->len;
        rid(&id, "toolu_01", 22, B62);
        t = new_tool(c, id.p, id.len, args_budget(c, k, n_tools, ratio));
        free(id.p);
        gprintf(b, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%u,"
                   "\"content_block\":{\"type\":\"tool_use\",\"id\":\"%s\",\"name\":\"%s\",\"input\":{},"
                   "\"caller\":{\"type\":\"direct\"}}", (unsigned)index, t->id, t->name);
        pad_close(b);
        c->g->n_sse++;
        ant_delta(c, index, "input_json_delta", "partial_json", "", 0);
        at = 0;
        while (at < t->args_len) {
            gbuf src;
            size_t from = at;
            src.p = t->args; src.len = t->args_len; src.cap = 0;
            n = piece(c->g, &src, &at, draw(D_ANT_ARGS), 0);
            ant_delta(c, index, "input_json_delta", "partial_json", t->args + from, n);
        }
        ant_stop(c, index);
        if (k == 0) ratio = (double)(b->len - before) / (double)t->args_len;
    }
    gprintf(b, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
               "\"tool_use\",\"stop_sequence\":null,\"stop_details\":null},\"usage\":{\"input_tokens\":%u,"
               "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":%u}}\n\n",
            (unsigned)in_tok, (unsigned)(b->len / 40));
    gputs(b, "event: message_stop\ndata: {\"type\":\"message_stop\"");
    pad_close(b);
    c->g->n_sse += 2;
}

/* ---------------------------------------------------------------- Chat and Groq */

typedef struct chat_ids { gbuf id; unsigned created; int groq; } chat_ids;

static void chat_open(gen_ctx *c, const chat_ids *h)
{
    gbuf *b = &c->out;
    if (h->groq)
        gprintf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%u,\"model\":"
                   "\"openai/gpt-oss-120b\",\"system_fingerprint\":\"fp_8a618bed98\",\"choices\":"
                   "[{\"index\":0,\"delta\":", h->id.p, h->created);
    else
        gprintf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%u,\"model\":"
                   "\"gpt-5.1-2025-11-13\",\"service_tier\":\"default\",\"system_fingerprint\":null,"
                   "\"choices\":[{\"index\":0,\"delta\":", h->id.p, h->created);
    c->g->n_sse++;
}

static void chat_close(gen_ctx *c, const chat_ids *h, const char *finish, size_t delta_len)
{
    gbuf *b = &c->out;
    if (h->groq) {
        gprintf(b, ",\"logprobs\":null,\"finish_reason\":%s}]}\n\n", finish);
    } else {
        gprintf(b, ",\"finish_reason\":%s}],\"usage\":null", finish);
        obfuscation(b, delta_len);
        gputs(b, "}\n\n");
    }
}

static void chat_piece(gen_ctx *c, const chat_ids *h, const char *field, const char *extra,
                       const char *s, size_t n)
{
    chat_open(c, h);
    gprintf(&c->out, "{\"%s\":\"", field);
    gesc(&c->out, s, n);
    gprintf(&c->out, "\"%s}", extra);
    chat_close(c, h, "null", n);
}

static void groq_usage(gbuf *b, size_t out_tokens)
{
    gprintf(b, "\"usage\":{\"queue_time\":0.047591792,\"prompt_tokens\":167,\"prompt_time\":0.006648028,"
               "\"completion_tokens\":%u,\"completion_time\":9.131126169,\"total_tokens\":%u,"
               "\"total_time\":9.137774197,\"completion_tokens_details\":{\"reasoning_tokens\":%u}}",
            (unsigned)out_tokens, (unsigned)out_tokens + 167, (unsigned)out_tokens / 3);
}

static void gen_chat(gen_ctx *c, int groq)
{
    gbuf *b = &c->out, req = { 0, 0, 0 };
    chat_ids h;
    size_t at = 0, k, n, n_tools = groq ? 8 : 16, chunks = 0;
    double ratio = groq ? 1.2 : 100;
    memset(&h, 0, sizeof h);
    h.groq = groq;
    h.created = 1779846194;
    if (groq) { gputs(&h.id, "chatcmpl-"); uuid(&h.id); rid(&req, "req_01", 20, "0123456789abcdefghjkmnpqrstvwxyz"); }
    else rid(&h.id, "chatcmpl-", 29, B62);

    chat_open(c, &h);
    if (groq) {
        gprintf(b, "{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],"
                   "\"x_groq\":{\"id\":\"%s\",\"seed\":%u}}\n\n", req.p, (unsigned)rn(1000000000));
        while (b->len < c->target * 45 / 100) {
            size_t from = at;
            n = piece(c->g, &c->reasoning, &at, draw(D_GROQ_REASON), 1);
            chat_piece(c, &h, "reasoning", ",\"channel\":\"analysis\"", c->reasoning.p + from, n);
            if (++chunks % 1500 == 0) h.created++;
        }
        c->reasoning.len = at;
    } else {
        gputs(b, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}");
        chat_close(c, &h, "null", 0);
    }
    at = 0;
    while (b->len < c->target * (groq ? 90u : 65u) / 100) {
        size_t from = at;
        n = piece(c->g, &c->text, &at, draw(groq ? D_GROQ_TEXT : D_CHAT_TEXT), 1);
        chat_piece(c, &h, "content", "", c->text.p + from, n);
        if (groq && ++chunks % 1500 == 0) h.created++;
    }
    c->text.len = at;

    for (k = 0; k < n_tools; k++) {
        gbuf id = { 0, 0, 0 };
        gen_tool *t;
        size_t before = b->len;
        if (groq) { gputs(&id, "fc_"); uuid(&id); }
        else rid(&id, "call_", 24, B62);
        t = new_tool(c, id.p, id.len, args_budget(c, k, n_tools, ratio));
        free(id.p);
        chat_open(c, &h);
        if (groq) {
            gprintf(b, "{\"tool_calls\":[{\"id\":\"%s\",\"type\":\"function\",\"function\":{\"name\":\"%s\","
                       "\"arguments\":\"", t->id, t->name);
            gesc(b, t->args, t->args_len);
            gprintf(b, "\"},\"index\":%u}]}", (unsigned)k);
            chat_close(c, &h, "null", 0);
            c->g->hist[bucket(t->args_len)]++;
            c->g->n_deltas++;
        } else {
            gprintf(b, "{\"tool_calls\":[{\"index\":%u,\"id\":\"%s\",\"type\":\"function\",\"function\":"
                       "{\"name\":\"%s\",\"arguments\":\"\"}}]}", (unsigned)k, t->id, t->name);
            chat_close(c, &h, "null", 0);
            at = 0;
            while (at < t->args_len) {
                gbuf src;
                size_t from = at;
                src.p = t->args; src.len = t->args_len; src.cap = 0;
                n = piece(c->g, &src, &at, draw(D_CHAT_ARGS), 0);
                chat_open(c, &h);
                gprintf(b, "{\"tool_calls\":[{\"index\":%u,\"function\":{\"arguments\":\"", (unsigned)k);
                gesc(b, t->args + from, n);
                gputs(b, "\"}}]}");
                chat_close(c, &h, "null", n);
            }
        }
        if (k == 0) ratio = (double)(b->len - before) / (double)t->args_len;
    }
    chat_open(c, &h);
    if (groq) {
        gprintf(b, "{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"x_groq\":{\"id\":\"%s\",", req.p);
        groq_usage(b, b->len / 40);
        gputs(b, "},");
        groq_usage(b, b->len / 40);
        gprintf(b, "}\n\ndata: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%u,\"model\":"
                   "\"openai/gpt-oss-120b\",\"system_fingerprint\":\"fp_8a618bed98\",\"choices\":[],",
                h.id.p, h.created);
        groq_usage(b, b->len / 40);
        gputs(b, ",\"service_tier\":\"on_demand\"}\n\n");
    } else {
        gputs(b, "{}");
        chat_close(c, &h, "\"tool_calls\"", 0);
        gprintf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%u,\"model\":"
                   "\"gpt-5.1-2025-11-13\",\"service_tier\":\"default\",\"system_fingerprint\":null,"
                   "\"choices\":[],\"usage\":{\"prompt_tokens\":173,\"completion_tokens\":%u,"
                   "\"total_tokens\":%u,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                   "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                   "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}",
                h.id.p, h.created, (unsigned)(b->len / 40), (unsigned)(b->len / 40) + 173);
        obfuscation(b, 0);
        gputs(b, "}\n\n");
    }
    gputs(b, "data: [DONE]\n\n");
    c->g->n_sse += 2;
    free(h.id.p);
    free(req.p);
}

/* ---------------------------------------------------------------- Responses and Codex */

typedef struct resp_state {
    int      codex;
    unsigned seq;
    gbuf     prefix;                     /* the 24 hex digits every id of the response shares */
    gbuf     resp_id, rs_id, msg_id, enc;
    size_t   parts[9];                   /* reasoning summary part boundaries in c->reasoning */
    size_t   n_parts;
} resp_state;

static void item_id(gbuf *b, const char *kind, const resp_state *r)
{
    gputs(b, kind);
    gput(b, r->prefix.p, r->prefix.len);
    rid(b, "", 26, HEX);
}

static void resp_ev(gen_ctx *c, resp_state *r, const char *type)
{
    gprintf(&c->out, "event: response.%s\ndata: {\"type\":\"response.%s\"", type, type);
    (void)r;
    c->g->n_sse++;
}
/* Keys come in alphabetical order after "type", as OpenAI sends them:
   tail is what follows sequence_number (summary_index, text). */
static void resp_end_tail(gen_ctx *c, resp_state *r, const char *tail)
{
    gprintf(&c->out, ",\"sequence_number\":%u", r->seq++);
    gputs(&c->out, tail);
    gputs(&c->out, "}\n\n");
}
static void resp_end(gen_ctx *c, resp_state *r) { resp_end_tail(c, r, ""); }

static void tool_defs(gbuf *b)
{
    size_t k;
    gputs(b, "[");
    for (k = 0; k < 4; k++)
        gprintf(b, "%s{\"type\":\"function\",\"description\":\"Tool %s of the bench\",\"name\":\"%s\","
                   "\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
                   "\"content\":{\"type\":\"string\"}},\"required\":[\"path\"],\"additionalProperties\":"
                   "false},\"strict\":true}", k ? "," : "", TOOL_NAMES[k], TOOL_NAMES[k]);
    gputs(b, "]");
}

static void summary_list(gen_ctx *c, const resp_state *r)
{
    size_t p;
    gputs(&c->out, "[");
    for (p = 0; p < r->n_parts; p++) {
        gputs(&c->out, p ? ",{\"type\":\"summary_text\",\"text\":\"" : "{\"type\":\"summary_text\",\"text\":\"");
        gesc(&c->out, c->reasoning.p + r->parts[p], r->parts[p + 1] - r->parts[p]);
        gputs(&c->out, "\"}");
    }
    gputs(&c->out, "]");
}

static void reasoning_item(gen_ctx *c, const resp_state *r, int done)
{
    gprintf(&c->out, "{\"id\":\"%s\",\"type\":\"reasoning\"", r->rs_id.p);
    if (r->codex) { gputs(&c->out, ",\"encrypted_content\":\""); gputs(&c->out, r->enc.p); gputs(&c->out, "\""); }
    gputs(&c->out, ",\"summary\":");
    if (done) summary_list(c, r);
    else gputs(&c->out, "[]");
    gputs(&c->out, "}");
}

static void message_item(gen_ctx *c, const resp_state *r)
{
    gprintf(&c->out, "{\"id\":\"%s\",\"type\":\"message\",\"status\":\"completed\",\"content\":"
                     "[{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"", r->msg_id.p);
    gesc(&c->out, c->text.p, c->text.len);
    gputs(&c->out, "\"}],\"phase\":\"final_answer\",\"role\":\"assistant\"}");
}

static void call_item(gen_ctx *c, const gen_tool *t, const char *fc_id, const char *status)
{
    gprintf(&c->out, "{\"id\":\"%s\",\"type\":\"function_call\",\"status\":\"%s\",\"arguments\":\"",
            fc_id, status);
    if (status[0] == 'c') gesc(&c->out, t->args, t->args_len);
    gprintf(&c->out, "\",\"call_id\":\"%s\",\"name\":\"%s\"}", t->id, t->name);
}

/* The response object of response.created / in_progress / completed. */
static void resp_obj(gen_ctx *c, resp_state *r, int completed, char **fc_ids)
{
    gbuf *b = &c->out;
    size_t k;
    gprintf(b, ",\"response\":{\"id\":\"%s\",\"object\":\"response\",\"created_at\":1779846185,"
               "\"status\":\"%s\",\"background\":false,\"completed_at\":%s,\"error\":null,"
               "\"frequency_penalty\":0.0,\"incomplete_details\":null,", r->resp_id.p,
            completed ? "completed" : "in_progress", completed ? "1779846386" : "null");
    if (r->codex)
        gputs(b, "\"instructions\":\"You are a helpful assistant.\",\"max_output_tokens\":null,"
                 "\"max_tool_calls\":null,\"model\":\"gpt-5.4\",\"moderation\":null,");
    else
        gputs(b, "\"instructions\":null,\"max_output_tokens\":20480,\"max_tool_calls\":null,"
                 "\"model\":\"gpt-5.4-2026-03-05\",\"moderation\":null,");
    if (!r->codex || !completed) {
        gputs(b, "\"output\":[");
        if (completed) {
            reasoning_item(c, r, 1);
            gputs(b, ",");
            message_item(c, r);
            for (k = 0; k < c->n_tools; k++) { gputs(b, ","); call_item(c, &c->tools[k], fc_ids[k], "completed"); }
        }
        gputs(b, "],");
    }
    gputs(b, "\"parallel_tool_calls\":true,\"presence_penalty\":0.0,\"previous_response_id\":null,");
    if (r->codex)
        gputs(b, "\"prompt_cache_key\":\"6c7b0851-3877-492d-87ba-bd26a27e8a48\",\"prompt_cache_retention\":"
                 "\"24h\",\"reasoning\":{\"context\":\"current_turn\",\"effort\":\"high\",\"summary\":"
                 "\"detailed\"},\"safety_identifier\":\"user-HsvB364TnRHovzQ3zkQXkZvS\",");
    else
        gputs(b, "\"prompt_cache_key\":null,\"prompt_cache_retention\":\"in_memory\",\"reasoning\":"
                 "{\"context\":\"current_turn\",\"effort\":\"high\",\"summary\":\"detailed\"},"
                 "\"safety_identifier\":null,");
    gprintf(b, "\"service_tier\":\"%s\",\"store\":%s,\"temperature\":1.0,\"text\":{\"format\":"
               "{\"type\":\"text\"},\"verbosity\":\"medium\"},\"tool_choice\":\"auto\",",
            completed ? "default" : "auto", r->codex ? "false" : "true");
    if (r->codex)
        gputs(b, "\"tool_usage\":{\"image_gen\":{\"input_tokens\":0,\"input_tokens_details\":{\"image_tokens\":0,"
                 "\"text_tokens\":0},\"output_tokens\":0,\"output_tokens_details\":{\"image_tokens\":0,"
                 "\"text_tokens\":0},\"total_tokens\":0},\"web_search\":{\"num_requests\":0}},");
    gputs(b, "\"tools\":");
    tool_defs(b);
    gputs(b, ",\"top_logprobs\":0,\"top_p\":0.98,\"truncation\":\"disabled\",\"usage\":");
    if (completed)
        gprintf(b, "{\"input_tokens\":1091,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":%u,"
                   "\"output_tokens_details\":{\"reasoning_tokens\":%u},\"total_tokens\":%u}",
                (unsigned)(b->len / 40), (unsigned)(c->reasoning.len / 4), (unsigned)(b->len / 40) + 1091);
    else
        gputs(b, "null");
    gputs(b, ",\"user\":null,\"metadata\":{}}");
}

static void resp_delta(gen_ctx *c, resp_state *r, const char *type, const char *before,
                       const char *s, size_t n, const char *id, const char *after, const char *tail)
{
    resp_ev(c, r, type);
    gputs(&c->out, before);
    gputs(&c->out, ",\"delta\":\"");
    gesc(&c->out, s, n);
    gprintf(&c->out, "\",\"item_id\":\"%s\"", id);
    if (strcmp(type, "output_text.delta") == 0) gputs(&c->out, ",\"logprobs\":[]");
    obfuscation(&c->out, n);
    gputs(&c->out, after);
    resp_end_tail(c, r, tail);
}

static void gen_responses(gen_ctx *c, int codex)
{
    gbuf *b = &c->out;
    resp_state r;
    char *fc_ids[64];
    size_t at = 0, k, n, p, n_tools = 16;
    double ratio = 100;
    memset(&r, 0, sizeof r);
    r.codex = codex;
    rid(&r.prefix, "", 24, HEX);
    item_id(&r.resp_id, "resp_", &r);
    item_id(&r.rs_id, "rs_", &r);
    item_id(&r.msg_id, "msg_", &r);
    rid(&r.enc, "gAAAAABqFkzQ", 1200 + rn(400), B64URL);
    gputs(&r.enc, "==");

    resp_ev(c, &r, "created"); resp_obj(c, &r, 0, NULL); resp_end(c, &r);
    resp_ev(c, &r, "in_progress"); resp_obj(c, &r, 0, NULL); resp_end(c, &r);
    resp_ev(c, &r, "output_item.added");
    gputs(b, ",\"item\":"); reasoning_item(c, &r, 0); gputs(b, ",\"output_index\":0"); resp_end(c, &r);

    /* reasoning: summary parts of a few hundred deltas each */
    r.parts[0] = 0;
    for (p = 0; p < 8 && b->len < c->target * 30 / 100; p++) {
        size_t stop = b->len + c->target * 30 / 100 / 8;
        char tail[32];
        snprintf(tail, sizeof tail, ",\"summary_index\":%u", (unsigned)p);
        resp_ev(c, &r, "reasoning_summary_part.added");
        gprintf(b, ",\"item_id\":\"%s\",\"output_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":\"\"}",
                r.rs_id.p);
        resp_end_tail(c, &r, tail);
        while (b->len < stop) {
            size_t from = at;
            n = piece(c->g, &c->reasoning, &at, draw(codex ? D_CODEX_REASON : D_RESP_REASON), 1);
            resp_delta(c, &r, "reasoning_summary_text.delta", "", c->reasoning.p + from, n,
                       r.rs_id.p, ",\"output_index\":0", tail);
        }
        c->reasoning.len = at;       /* the part ends here */
        r.parts[p + 1] = at;
        r.n_parts = p + 1;
        resp_ev(c, &r, "reasoning_summary_text.done");
        gprintf(b, ",\"item_id\":\"%s\",\"output_index\":0,\"sequence_number\":%u,\"summary_index\":%u,"
                   "\"text\":\"", r.rs_id.p, r.seq++, (unsigned)p);
        gesc(b, c->reasoning.p + r.parts[p], at - r.parts[p]);
        gputs(b, "\"}\n\n");
        resp_ev(c, &r, "reasoning_summary_part.done");
        gprintf(b, ",\"item_id\":\"%s\",\"output_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":\"",
                r.rs_id.p);
        gesc(b, c->reasoning.p + r.parts[p], at - r.parts[p]);
        gputs(b, "\"}");
        resp_end_tail(c, &r, tail);
    }
    resp_ev(c, &r, "output_item.done");
    gputs(b, ",\"item\":"); reasoning_item(c, &r, 1); gputs(b, ",\"output_index\":0"); resp_end(c, &r);

    resp_ev(c, &r, "output_item.added");
    gprintf(b, ",\"item\":{\"id\":\"%s\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],"
               "\"phase\":\"final_answer\",\"role\":\"assistant\"},\"output_index\":1", r.msg_id.p);
    resp_end(c, &r);
    resp_ev(c, &r, "content_part.added");
    gprintf(b, ",\"content_index\":0,\"item_id\":\"%s\",\"output_index\":1,\"part\":{\"type\":\"output_text\","
               "\"annotations\":[],\"logprobs\":[],\"text\":\"\"}", r.msg_id.p);
    resp_end(c, &r);
    at = 0;
    while (b->len < c->target * 65 / 100) {
        size_t from = at;
        n = piece(c->g, &c->text, &at, draw(codex ? D_CODEX_TEXT : D_RESP_TEXT), 1);
        resp_delta(c, &r, "output_text.delta", ",\"content_index\":0", c->text.p + from, n,
                   r.msg_id.p, ",\"output_index\":1", "");
    }
    c->text.len = at;
    resp_ev(c, &r, "output_text.done");
    gprintf(b, ",\"content_index\":0,\"item_id\":\"%s\",\"logprobs\":[],\"output_index\":1,\"text\":\"", r.msg_id.p);
    gesc(b, c->text.p, c->text.len);
    gputs(b, "\"");
    resp_end(c, &r);
    resp_ev(c, &r, "content_part.done");
    gprintf(b, ",\"content_index\":0,\"item_id\":\"%s\",\"output_index\":1,\"part\":{\"type\":\"output_text\","
               "\"annotations\":[],\"logprobs\":[],\"text\":\"", r.msg_id.p);
    gesc(b, c->text.p, c->text.len);
    gputs(b, "\"}");
    resp_end(c, &r);
    resp_ev(c, &r, "output_item.done");
    gputs(b, ",\"item\":"); message_item(c, &r); gputs(b, ",\"output_index\":1"); resp_end(c, &r);

    for (k = 0; k < n_tools; k++) {
        gbuf id = { 0, 0, 0 }, fc = { 0, 0, 0 };
        gen_tool *t;
        char after[32];
        size_t before = b->len;
        rid(&id, "call_", 24, B62);
        item_id(&fc, "fc_", &r);
        fc_ids[k] = fc.p;
        /* a tool costs about 3x its arguments in done events: count them in */
        t = new_tool(c, id.p, id.len, args_budget(c, k, n_tools, ratio));
        free(id.p);
        snprintf(after, sizeof after, ",\"output_index\":%u", (unsigned)(k + 2));
        resp_ev(c, &r, "output_item.added");
        gputs(b, ",\"item\":"); call_item(c, t, fc.p, "in_progress"); gputs(b, after); resp_end(c, &r);
        at = 0;
        while (at < t->args_len) {
            gbuf src;
            size_t from = at;
            src.p = t->args; src.len = t->args_len; src.cap = 0;
            n = piece(c->g, &src, &at, draw(D_CHAT_ARGS), 0);
            resp_delta(c, &r, "function_call_arguments.delta", "", t->args + from, n, fc.p, after, "");
        }
        resp_ev(c, &r, "function_call_arguments.done");
        gputs(b, ",\"arguments\":\"");
        gesc(b, t->args, t->args_len);
        gprintf(b, "\",\"item_id\":\"%s\"%s", fc.p, after);
        resp_end(c, &r);
        resp_ev(c, &r, "output_item.done");
        gputs(b, ",\"item\":"); call_item(c, t, fc.p, "completed"); gputs(b, after); resp_end(c, &r);
        if (k == 0) ratio = (double)(b->len - before) / (double)t->args_len;
    }
    resp_ev(c, &r, "completed"); resp_obj(c, &r, 1, fc_ids); resp_end(c, &r);
    for (k = 0; k < n_tools; k++) free(fc_ids[k]);
    free(r.prefix.p); free(r.resp_id.p); free(r.rs_id.p); free(r.msg_id.p); free(r.enc.p);
}

/* ---------------------------------------------------------------- entry points */

void gen_stream_make(gen_stream *g, int api, size_t target)
{
    gen_ctx c;
    memset(g, 0, sizeof *g);
    memset(&c, 0, sizeof c);
    seed = (uint64_t)0x5EED0000u + (uint64_t)api;
    c.g = g;
    c.target = target;
    g->key = gen_keys[api];
    switch (api) {
    case 0: gen_anthropic(&c); break;
    case 1: gen_chat(&c, 0); break;
    case 2: gen_responses(&c, 0); break;
    case 3: gen_responses(&c, 1); break;
    default: gen_chat(&c, 1); break;
    }
    g->sse = c.out.p;
    g->len = c.out.len;
    g->text = c.text.p ? c.text.p : dup_n("", 0);
    g->text_len = c.text.len;
    g->reasoning = c.reasoning.p ? c.reasoning.p : dup_n("", 0);
    g->reasoning_len = c.reasoning.len;
    g->n_tools = c.n_tools;
    g->tools = (gen_tool *)malloc(c.n_tools * sizeof *g->tools);
    if (!g->tools) abort();
    memcpy(g->tools, c.tools, c.n_tools * sizeof *g->tools);
    free(c.sig.p);
    free(c.ids.p);
}

void gen_stream_free(gen_stream *g)
{
    size_t k;
    for (k = 0; k < g->n_tools; k++) { free(g->tools[k].id); free(g->tools[k].name); free(g->tools[k].args); }
    free(g->tools);
    free(g->sse);
    free(g->text);
    free(g->reasoning);
    memset(g, 0, sizeof *g);
}

static int write_file(const char *path, const char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(p, 1, n, f) == n;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok) fprintf(stderr, "bench: cannot write %s\n", path);
    return ok;
}

int gen_stream_write(const gen_stream *g, const char *dir)
{
    char path[4096];
    gbuf e = { 0, 0, 0 };
    size_t k;
    int ok;
    snprintf(path, sizeof path, "%s/%s.sse", dir, g->key);
    if (!write_file(path, g->sse, g->len)) return 0;
    gputs(&e, "{\"text\":\"");
    gesc(&e, g->text, g->text_len);
    gputs(&e, "\",\"reasoning\":\"");
    gesc(&e, g->reasoning, g->reasoning_len);
    gputs(&e, "\",\"tools\":[");
    for (k = 0; k < g->n_tools; k++) {
        gprintf(&e, "%s{\"id\":\"%s\",\"name\":\"%s\",\"arguments\":\"", k ? "," : "",
                g->tools[k].id, g->tools[k].name);
        gesc(&e, g->tools[k].args, g->tools[k].args_len);
        gputs(&e, "\"}");
    }
    gprintf(&e, "],\"events\":%u}\n", (unsigned)g->n_sse);
    snprintf(path, sizeof path, "%s/%s.expect.json", dir, g->key);
    ok = write_file(path, e.p, e.len);
    free(e.p);
    return ok;
}

char *gen_tool_args(size_t target, size_t *len, size_t **cuts, size_t *n_cuts)
{
    gbuf a = { 0, 0, 0 };
    size_t at = 0, n = 0, cap = 0, *c = NULL;
    seed = (uint64_t)0xA4650000u;
    make_args(&a, target, 7);
    while (at < a.len) {
        size_t k = draw(D_CHAT_ARGS);
        if (at + k > a.len) k = a.len - at;
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            c = (size_t *)realloc(c, cap * sizeof *c);
            if (!c) abort();
        }
        c[n++] = k;
        at += k;
    }
    *len = a.len;
    *cuts = c;
    *n_cuts = n;
    return a.p;
}

void gen_transcript(size_t target, char **messages, size_t *messages_len,
                    char **tools, size_t *tools_len)
{
    gbuf m = { 0, 0, 0 }, t = { 0, 0, 0 }, s = { 0, 0, 0 };
    unsigned turn = 0;
    size_t k;
    seed = (uint64_t)0x7EA50000u;
    gputs(&m, "[");
    while (m.len < target) {
        gbuf id = { 0, 0, 0 };
        rid(&id, "toolu_01", 22, B62);
        s.len = 0;
        for (k = 0; k < 3 + rn(6); k++) sentence(&s);
        gputs(&m, turn ? ",{\"role\":\"user\",\"content\":\"" : "{\"role\":\"user\",\"content\":\"");
        gesc(&m, s.p, s.len);
        gputs(&m, "\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"");
        s.len = 0;
        for (k = 0; k < 4 + rn(12); k++) sentence(&s);
        gesc(&m, s.p, s.len);
        gprintf(&m, "\"},{\"type\":\"tool_use\",\"id\":\"%s\",\"name\":\"%s\",\"input\":", id.p,
                TOOL_NAMES[turn % 4]);
        s.len = 0;
        make_args(&s, 100 + rn(600), turn);
        gput(&m, s.p, s.len);
        gprintf(&m, "}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"%s\","
                    "\"content\":\"", id.p);
        s.len = 0;
        for (k = 0; k < 10 + rn(60); k++) code_line(&s);
        gesc(&m, s.p, s.len);
        gputs(&m, "\",\"is_error\":false}]}");
        free(id.p);
        turn++;
    }
    gputs(&m, ",{\"role\":\"user\",\"content\":\"Continue.\"}]");
    gputs(&t, "[");
    for (k = 0; k < 4; k++)
        gprintf(&t, "%s{\"name\":\"%s\",\"description\":\"Tool %s of the bench\",\"input_schema\":"
                    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":"
                    "{\"type\":\"string\"}},\"required\":[\"path\"]}}", k ? "," : "", TOOL_NAMES[k],
                TOOL_NAMES[k]);
    gputs(&t, "]");
    free(s.p);
    *messages = m.p;
    *messages_len = m.len;
    *tools = t.p;
    *tools_len = t.len;
}
