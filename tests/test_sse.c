/* SSE framer: the WHATWG rules case by case, every split point, one byte
   at a time, large inputs at chunk sizes 1 to 64, limits, misuse and
   allocation failure. */
#include "test.h"

/* Renders one event as sse-dump does. */
static void render_event(t_str *out, const llmg_sse_event *ev)
{
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    llmg_str s;
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = 1;
    llmg_json_writer_init(&w, &wo, NULL);
    llmg_json_write_obj_begin(&w);
    llmg_json_write_keyc(&w, "event");
    llmg_json_write_str(&w, ev->type);
    llmg_json_write_keyc(&w, "data");
    llmg_json_write_str(&w, ev->data);
    llmg_json_write_keyc(&w, "id");
    llmg_json_write_str(&w, ev->id);
    llmg_json_write_obj_end(&w);
    s = llmg_json_writer_str(&w);
    t_str_add(out, s.ptr, s.len);
    t_str_addc(out, "\n");
    llmg_json_writer_free(&w);
}

/* Feeds in[0..len) cut at split (if 0 < split < len) and then in pieces of
   chunk bytes (0: whole); renders events, then the retry line. */
static llmg_status sse_run(const char *in, size_t len, size_t split, size_t chunk,
                           const llmg_sse_opts *opts, t_str *out, llmg_error *err)
{
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_status st;
    size_t at = 0;
    uint64_t retry;
    char *copy = NULL;
    st = llmg_sse_init(&p, opts, err);
    if (st != LLMG_OK) return st;
    do {
        size_t n = len - at;
        if (split > at && split < len) n = split - at;
        if (chunk && chunk < n) n = chunk;
        /* an exact-size heap copy of each piece: ASan sees any over-read */
        free(copy);
        copy = (char *)malloc(n ? n : 1);
        if (n) memcpy(copy, in + at, n);
        st = llmg_sse_feed(&p, copy, n, err);
        at += n;
        while (st >= 0 && (st = llmg_sse_next(&p, &ev, err)) == LLMG_OK) render_event(out, &ev);
    } while (st == LLMG_NEED_MORE && at < len);
    free(copy);
    if (st >= 0) st = llmg_sse_finish(&p, err);
    if (st >= 0 && llmg_sse_next(&p, &ev, err) != LLMG_DONE) st = LLMG_E_ARG;
    if (st >= 0 && llmg_sse_retry(&p, &retry)) {
        char line[48];
        snprintf(line, sizeof line, "{\"retry\":%llu}\n", (unsigned long long)retry);
        t_str_addc(out, line);
    }
    llmg_sse_free(&p);
    return st;
}

typedef struct sse_case {
    const char *in;
    size_t      len;
    const char *want;         /* JSON lines with ' for " */
} sse_case;

#define IN(s) s, sizeof(s) - 1
#define EV(t, d, i) "{'event':'" t "','data':'" d "','id':'" i "'}\n"

static const sse_case sse_cases[] = {
    { IN("data: hello\n\n"), EV("message", "hello", "") },
    { IN("data:hello\n\n"), EV("message", "hello", "") },
    { IN("data:  two\n\n"), EV("message", " two", "") },
    { IN("data:\thello\n\n"), EV("message", "\\thello", "") },
    { IN("event: ping\ndata: x\n\n"), EV("ping", "x", "") },
    { IN("data: x\nevent: late\n\n"), EV("late", "x", "") },
    { IN("data: a\ndata: b\n\n"), EV("message", "a\\nb", "") },
    { IN("data: a\ndata:\n\n"), EV("message", "a\\n", "") },
    { IN("data:\n\n"), EV("message", "", "") },
    { IN("data\n\n"), EV("message", "", "") },
    { IN("data:\ndata:\n\n"), EV("message", "\\n", "") },
    { IN("data: a\n\ndata: b\n\n"), EV("message", "a", "") EV("message", "b", "") },
    { IN("data: a\r\n\r\ndata: b\r\n\r\n"), EV("message", "a", "") EV("message", "b", "") },
    { IN("data: a\r\rdata: b\r\r"), EV("message", "a", "") EV("message", "b", "") },
    { IN("data: a\r\n\ndata: b\n\r\n"), EV("message", "a", "") EV("message", "b", "") },
    { IN("data: a\n\r\rdata: b\r\n\n"), EV("message", "a", "") EV("message", "b", "") },
    { IN("data: x\r"), "" },
    { IN("data: x\r\r"), EV("message", "x", "") },
    { IN(": comment\ndata: x\n\n"), EV("message", "x", "") },
    { IN(": only a comment\n\n"), "" },
    { IN(":\n\n"), "" },
    { IN("data: x\n: inside\ndata: y\n\n"), EV("message", "x\\ny", "") },
    { IN("id: 1\ndata: x\n\n"), EV("message", "x", "1") },
    { IN("id: 1\ndata: a\n\ndata: b\n\n"), EV("message", "a", "1") EV("message", "b", "1") },
    { IN("id: 1\ndata: a\n\nid\ndata: b\n\n"), EV("message", "a", "1") EV("message", "b", "") },
    { IN("id: 1\ndata: a\n\nid:\ndata: b\n\n"), EV("message", "a", "1") EV("message", "b", "") },
    { IN("id: 5\n\ndata: d\n\n"), EV("message", "d", "5") },
    { IN("data: d\nid: 7\n\n"), EV("message", "d", "7") },
    { IN("id: a\0b\ndata: x\n\n"), EV("message", "x", "") },
    { IN("id: 1\ndata: a\n\nid: a\0b\ndata: x\n\n"), EV("message", "a", "1") EV("message", "x", "1") },
    { IN("id:  sp\ndata: x\n\n"), EV("message", "x", " sp") },
    { IN("retry: 1000\n\n"), "{'retry':1000}\n" },
    { IN("retry: 10a\n\n"), "" },
    { IN("retry:\n\n"), "" },
    { IN("retry\n\n"), "" },
    { IN("retry: -1\n\n"), "" },
    { IN("retry:  100\n\n"), "" },
    { IN("retry: 5\n\nretry: 7\ndata: x\n\n"), EV("message", "x", "") "{'retry':7}\n" },
    { IN("retry: 5\n\nretry: x\n\n"), "{'retry':5}\n" },
    { IN("retry: 99999999999999999999999\n\n"), "{'retry':18446744073709551615}\n" },
    { IN("retry: 42"), "" },
    { IN("foo: bar\ndata: x\n\n"), EV("message", "x", "") },
    { IN(" data: x\n\n"), "" },
    { IN("data : x\n\n"), "" },
    { IN("DATA: x\n\n"), "" },
    { IN("data: a:b: c\n\n"), EV("message", "a:b: c", "") },
    { IN("\xEF\xBB\xBF" "data: bom\n\n"), EV("message", "bom", "") },
    { IN("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n"), "" },
    { IN("\xEF\xBB" "data: x\n\n"), "" },
    { IN("\xEF\xBB\xBF\n" "data: x\n\n"), EV("message", "x", "") },
    { IN("\xEF" "\ndata: x\n\n"), EV("message", "x", "") },
    { IN("data: x\n"), "" },
    { IN("data: x"), "" },
    { IN("data: x\n\ndata: y"), EV("message", "x", "") },
    { IN("event: a\ndata: 1\n\ndata: 2\n\n"), EV("a", "1", "") EV("message", "2", "") },
    { IN("event: a\n\ndata: 2\n\n"), EV("message", "2", "") },
    { IN("event\ndata: x\n\n"), EV("message", "x", "") },
    { IN("event:\ndata: x\n\n"), EV("message", "x", "") },
    { IN("event: a\nevent: b\ndata: x\n\n"), EV("b", "x", "") },
    { IN(""), "" },
    { IN("\n\n\n\r\n\r"), "" },
    { IN("data: a\0b\n\n"), EV("message", "a\\u0000b", "") },
    { IN("data: \xff\n\n"), EV("message", "\xEF\xBF\xBD", "") },
    { IN("data: \xE2\x82\n\n"), EV("message", "\xEF\xBF\xBD", "") },
    { IN("data: \xE2\x82\xAC\n\n"), EV("message", "\xE2\x82\xAC", "") },
    { IN("data: {\"a\":1}\n\n"), EV("message", "{\\'a\\':1}", "") },
    { IN("event: x\r\ndata: 1\r\nid: 9\r\nretry: 3\r\n\r\n"),
      EV("x", "1", "9") "{'retry':3}\n" },
};

/* ' inside expectations stands for ", and \\' for an escaped quote. */
static char *sse_want(const char *w)
{
    size_t i, j = 0, n = strlen(w);
    char *r = (char *)malloc(n + 1);
    if (!r) abort();
    for (i = 0; i < n; i++) {
        if (w[i] == '\\' && w[i + 1] == '\'') { r[j++] = '\\'; r[j++] = '"'; i++; }
        else r[j++] = w[i] == '\'' ? '"' : w[i];
    }
    r[j] = '\0';
    return r;
}

static size_t case_len(const sse_case *c) { return c->len; }

static void test_sse_cases_every_split(void)
{
    size_t k, split, chunk;
    for (k = 0; k < sizeof sse_cases / sizeof sse_cases[0]; k++) {
        const sse_case *c = &sse_cases[k];
        size_t len = case_len(c);
        char *want = sse_want(c->want);
        for (split = 0; split <= len; split++) {
            for (chunk = 0; chunk <= 1; chunk++) {
                t_str out = {0, 0, 0};
                llmg_error err;
                llmg_status st = sse_run(c->in, len, split, chunk, NULL, &out, &err);
                int ok = st == LLMG_OK && strcmp(out.p ? out.p : "", want) == 0;
                CHECK(ok);
                if (!ok) {
                    t_note("input: %s", c->in);
                    t_note("got:   %s", out.p ? out.p : "(none)");
                    t_note("want:  %s", want);
                    split = len + 1;
                }
                t_str_free(&out);
            }
        }
        free(want);
    }
}

static void test_sse_offsets(void)
{
    static const char in[] = ": c\nid: 1\ndata: a\n\n\n\ndata: b\r\n\r\nevent: e\ndata: c\n\n";
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_error err;
    uint64_t want[3] = { 0, 21, 32 };
    int n = 0;
    CHECK(llmg_sse_init(&p, NULL, &err) == LLMG_OK);
    CHECK(llmg_sse_feed(&p, in, sizeof in - 1, &err) == LLMG_OK);
    while (llmg_sse_next(&p, &ev, &err) == LLMG_OK) {
        CHECK(n < 3 && ev.offset == want[n]);
        n++;
    }
    CHECK(n == 3);
    CHECK(err.code == LLMG_NEED_MORE);
    CHECK(llmg_sse_offset(&p) == sizeof in - 1);
    CHECK(llmg_sse_finish(&p, &err) == LLMG_OK);
    CHECK(llmg_sse_next(&p, &ev, &err) == LLMG_DONE);
    llmg_sse_free(&p);
}

/* A line or an event over its limit: the same error and offset at every
   split point. */
static void test_sse_limits(void)
{
    static const struct { const char *in; size_t line, event; uint64_t at; } cases[] = {
        { "data: 123\n\n", 8, 0, 8 },
        { "data: 12\n\n", 8, 0, (uint64_t)-1 },
        { "id: 1\ndata: abc\ndata: def\n\n", 0, 5, 16 },
        { "data: abcde\n\n", 0, 5, (uint64_t)-1 },
        { "data: abcdef\n\n", 0, 5, 0 },
        { ": a long comment line\n\n", 10, 0, 10 },
        { "data: x\r\n\r\n", 7, 0, (uint64_t)-1 },
        { "\xEF\xBBx\n\n", 1, 0, 1 },        /* a BOM cut short counts as line bytes */
        { "\xEF\xBBx\n\n", 3, 0, (uint64_t)-1 },
    };
    size_t k, split;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len = strlen(cases[k].in);
        llmg_sse_opts o;
        memset(&o, 0, sizeof o);
        o.max_line_bytes = cases[k].line;
        o.max_event_bytes = cases[k].event;
        for (split = 0; split <= len; split++) {
            t_str out = {0, 0, 0};
            llmg_error err;
            llmg_status st = sse_run(cases[k].in, len, split, 0, &o, &out, &err);
            if (cases[k].at == (uint64_t)-1) {
                CHECK(st == LLMG_OK);
            } else {
                CHECK(st == LLMG_E_LIMIT);
                CHECK(err.offset == cases[k].at);
                CHECK(err.msg && strncmp(err.msg, "sse: ", 5) == 0);
            }
            t_str_free(&out);
        }
    }
}

/* Errors are sticky; misuse is LLMG_E_ARG. */
static void test_sse_misuse_and_sticky(void)
{
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_error err;
    llmg_sse_opts o;
    memset(&o, 0, sizeof o);
    o.max_line_bytes = 4;
    CHECK(llmg_sse_init(&p, &o, &err) == LLMG_OK);
    CHECK(llmg_sse_feed(&p, "data: x\n\n", 9, &err) == LLMG_OK);
    CHECK(llmg_sse_feed(&p, "more", 4, &err) == LLMG_E_ARG);
    CHECK(llmg_sse_next(&p, &ev, &err) == LLMG_E_LIMIT);
    CHECK(err.offset == 4);
    CHECK(llmg_sse_next(&p, &ev, &err) == LLMG_E_LIMIT);
    CHECK(llmg_sse_feed(&p, "x", 1, &err) == LLMG_E_LIMIT);
    CHECK(llmg_sse_finish(&p, &err) == LLMG_E_LIMIT);
    llmg_sse_reset(&p);
    CHECK(llmg_sse_feed(&p, "id\n\n", 4, &err) == LLMG_OK);
    CHECK(llmg_sse_next(&p, &ev, &err) == LLMG_NEED_MORE);
    CHECK(llmg_sse_finish(&p, &err) == LLMG_OK);
    CHECK(llmg_sse_feed(&p, "x", 1, &err) == LLMG_E_ARG);
    llmg_sse_free(&p);
    CHECK(llmg_sse_feed(&p, NULL, 0, &err) == LLMG_E_ARG);    /* after finish */
}

/* A large stream of every shape, at chunk sizes 1 to 64. */
static void make_big_stream(t_str *s)
{
    int i;
    char line[160];
    for (i = 0; i < 1500; i++) {
        const char *eol = (i % 3 == 0) ? "\n" : (i % 3 == 1) ? "\r\n" : "\r";
        snprintf(line, sizeof line, "%sevent: e%d%sid: %d%sdata: {\"i\":%d,\"t\":\"%.*s\"}%s",
                 i % 7 == 0 ? ": keepalive\n" : "", i % 5, eol, i, eol, i, i % 40,
                 "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", eol);
        t_str_addc(s, line);
        if (i % 4 == 0) {
            snprintf(line, sizeof line, "data: second line %d%s", i, eol);
            t_str_addc(s, line);
        }
        if (i % 11 == 0) t_str_addc(s, "retry: 250\n");
        t_str_addc(s, eol);
    }
}

static void test_sse_big_chunked(void)
{
    t_str big = {0, 0, 0}, whole = {0, 0, 0};
    llmg_error err;
    size_t chunk;
    make_big_stream(&big);
    CHECK(sse_run(big.p, big.len, 0, 0, NULL, &whole, &err) == LLMG_OK);
    CHECK(whole.len > big.len / 2);
    for (chunk = 1; chunk <= 64; chunk++) {
        t_str out = {0, 0, 0};
        CHECK(sse_run(big.p, big.len, 0, chunk, NULL, &out, &err) == LLMG_OK);
        CHECK(out.len == whole.len && memcmp(out.p, whole.p, whole.len) == 0);
        t_str_free(&out);
    }
    t_str_free(&whole);
    t_str_free(&big);
}

/* Failing the k-th allocation, once or from k on: a clean LLMG_E_NOMEM
   or the full result, never a leak. */
static void test_sse_alloc_failure(void)
{
    size_t k, c;
    for (c = 0; c < sizeof sse_cases / sizeof sse_cases[0]; c++) {
        const sse_case *sc = &sse_cases[c];
        size_t len = case_len(sc);
        char *want = sse_want(sc->want);
        t_alloc ta;
        llmg_sse_opts o;
        size_t total;
        int from;
        memset(&o, 0, sizeof o);
        o.allocator = t_alloc_make(&ta);
        {
            t_str out = {0, 0, 0};
            llmg_error err;
            CHECK(sse_run(sc->in, len, len / 2, 1, &o, &out, &err) == LLMG_OK);
            t_str_free(&out);
        }
        total = ta.calls;
        CHECK(ta.live == 0);
        for (from = 0; from <= 1; from++) {
            for (k = 1; k <= total + 1; k++) {
                t_str out = {0, 0, 0};
                llmg_error err;
                llmg_status st;
                t_alloc_arm(&ta, k, from);
                st = sse_run(sc->in, len, len / 2, 1, &o, &out, &err);
                CHECK(st == LLMG_OK || st == LLMG_E_NOMEM);
                if (st == LLMG_OK) CHECK(strcmp(out.p ? out.p : "", want) == 0);
                if (st == LLMG_E_NOMEM) CHECK(ta.failed > 0);
                CHECK(ta.live == 0);
                t_str_free(&out);
            }
        }
        free(want);
    }
}

/* The framer on a fixed buffer, without malloc. */
static void test_sse_fixed_buffer(void)
{
    static unsigned char arena[4096];
    llmg_fixed f;
    llmg_sse_opts o;
    t_str out = {0, 0, 0};
    llmg_error err;
    t_str big = {0, 0, 0};
    llmg_fixed_init(&f, arena, sizeof arena);
    memset(&o, 0, sizeof o);
    o.allocator = llmg_fixed_allocator(&f);
    o.max_line_bytes = 512;
    o.max_event_bytes = 1024;
    make_big_stream(&big);
    CHECK(sse_run(big.p, big.len, 0, 7, &o, &out, &err) == LLMG_OK);
    CHECK(f.used == 0);
    CHECK(f.peak > 0 && f.peak <= sizeof arena);
    CHECK(f.failures == 0);
    t_str_free(&out);
    t_str_free(&big);
}

void suite_sse(void)
{
    RUN(test_sse_cases_every_split);
    RUN(test_sse_offsets);
    RUN(test_sse_limits);
    RUN(test_sse_misuse_and_sticky);
    RUN(test_sse_big_chunked);
    RUN(test_sse_alloc_failure);
    RUN(test_sse_fixed_buffer);
}
