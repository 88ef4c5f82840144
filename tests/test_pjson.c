/* Partial JSON: the view after every byte (a table of rules), the same
   result at every split and one byte at a time, every intermediate view
   valid JSON and a prefix of the final compact form, verdicts and offsets
   equal to llmg_json_parse, limits, linear work on a 1 MB argument, and
   allocation failure. In the tables ' stands for " (t_q). */
#include "test.h"

typedef struct pj_result {
    llmg_status st;                      /* the first error, or LLMG_OK */
    llmg_error  err;
    int         complete;
    t_str       view;
} pj_result;

static void pj_result_free(pj_result *r) { t_str_free(&r->view); }

static int pj_same(const pj_result *a, const pj_result *b)
{
    return a->st == b->st && a->complete == b->complete
        && (a->st == LLMG_OK || (a->err.code == b->err.code && a->err.offset == b->err.offset))
        && a->view.len == b->view.len
        && (a->view.len == 0 || memcmp(a->view.p, b->view.p, a->view.len) == 0);
}

static int pj_is_json(llmg_str v)
{
    llmg_json_doc doc;
    llmg_json_opts o;
    llmg_status st;
    memset(&o, 0, sizeof o);
    o.max_depth = 4096;                  /* the deep tests nest past the default */
    llmg_json_doc_init(&doc);
    st = llmg_json_parse(&doc, v.ptr, v.len, &o, NULL);
    llmg_json_doc_free(&doc);
    return st == LLMG_OK;
}

/* Feeds in[0..len) as pieces: [0, split) and [split, len) when piece is 0,
   else pieces of that many bytes, each copied to a block of its exact size
   (ASan sees any read past it). Stops at the first error; finish != 0
   calls llmg_pjson_finish after the last piece. Every view on the way must
   be valid JSON (or empty) and NUL-terminated. */
static void pj_feed(const char *in, size_t len, size_t split, size_t piece, int finish,
                    pj_result *r)
{
    llmg_pjson p;
    llmg_str v;
    size_t at = 0;
    memset(r, 0, sizeof *r);
    CHECK(llmg_pjson_init(&p, NULL, &r->err) == LLMG_OK);
    r->st = LLMG_OK;
    while (at < len && r->st == LLMG_OK) {
        size_t n = piece ? (piece < len - at ? piece : len - at) : (at < split ? split : len - at);
        char *copy = (char *)malloc(n ? n : 1);
        memcpy(copy, in + at, n);
        r->st = llmg_pjson_feed(&p, copy, n, &r->err);
        free(copy);
        at += n;
        v = llmg_pjson_view(&p);
        CHECK(v.ptr[v.len] == '\0');
        CHECK(v.len == 0 || pj_is_json(v));
    }
    if (r->st == LLMG_OK && finish) r->st = llmg_pjson_finish(&p, &r->err);
    v = llmg_pjson_view(&p);
    t_str_add(&r->view, v.ptr, v.len);
    r->complete = llmg_pjson_complete(&p);
    llmg_pjson_free(&p);
}

/* Whole, then at every split point and one byte at a time: all the same.
   Returns the whole-buffer result (the caller frees it). */
static void pj_every_split(const char *in, size_t len, int finish, pj_result *whole)
{
    size_t split;
    pj_result r;
    pj_feed(in, len, len, 0, finish, whole);
    for (split = 0; split <= len; split++) {
        pj_feed(in, len, split, 0, finish, &r);
        CHECK(pj_same(whole, &r));
        pj_result_free(&r);
    }
    pj_feed(in, len, 0, 1, finish, &r);
    CHECK(pj_same(whole, &r));
    if (!pj_same(whole, &r)) t_note("one byte at a time differs: %s", in);
    pj_result_free(&r);
}

/* Drops the whitespace outside strings: the exact compact form. */
static void pj_minify(const char *s, size_t n, t_str *out)
{
    size_t i;
    int in_str = 0, esc = 0;
    t_str_add(out, "", 0);
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            t_str_add(out, &c, 1);
            if (esc) esc = 0;
            else if (c == '\\') esc = 1;
            else if (c == '"') in_str = 0;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            t_str_add(out, &c, 1);
            if (c == '"') in_str = 1;
        }
    }
}

/* ---------------------------------------------------------------- the rules */

static const struct {
    const char *in, *view;
    llmg_status code;
    uint64_t    at;
    int         complete;
} pj_table[] = {
    /* nothing known yet */
    { "", "", LLMG_OK, 0, 0 },
    { "  \n\t", "", LLMG_OK, 0, 0 },
    { "12", "", LLMG_OK, 0, 0 },
    { "-", "", LLMG_OK, 0, 0 },
    { "tru", "", LLMG_OK, 0, 0 },
    { " n", "", LLMG_OK, 0, 0 },
    /* top-level scalars */
    { "12 ", "12", LLMG_OK, 0, 1 },
    { " -0.5e-3\n", "-0.5e-3", LLMG_OK, 0, 1 },
    { "true", "true", LLMG_OK, 0, 1 },
    { " false ", "false", LLMG_OK, 0, 1 },
    { "null", "null", LLMG_OK, 0, 1 },
    { "'", "''", LLMG_OK, 0, 0 },
    { "'he", "'he'", LLMG_OK, 0, 0 },
    { "'he'", "'he'", LLMG_OK, 0, 1 },
    { " 'a b' \n", "'a b'", LLMG_OK, 0, 1 },
    /* containers are included at once, and closed */
    { "[", "[]", LLMG_OK, 0, 0 },
    { "{", "{}", LLMG_OK, 0, 0 },
    { "[]", "[]", LLMG_OK, 0, 1 },
    { " { } ", "{}", LLMG_OK, 0, 1 },
    { "[[[", "[[[]]]", LLMG_OK, 0, 0 },
    { "[[],[", "[[],[]]", LLMG_OK, 0, 0 },
    { "{'a':{", "{'a':{}}", LLMG_OK, 0, 0 },
    { "{'a':[1,{'b':", "{'a':[1,{}]}", LLMG_OK, 0, 0 },
    { "{'a':[],'b':{},'c':[{}]}", "{'a':[],'b':{},'c':[{}]}", LLMG_OK, 0, 1 },
    { "{'a':{'b':{'c':[1,2,{'d':'e", "{'a':{'b':{'c':[1,2,{'d':'e'}]}}}", LLMG_OK, 0, 0 },
    /* members: included once their value is */
    { "{'a'", "{}", LLMG_OK, 0, 0 },
    { "{'a':", "{}", LLMG_OK, 0, 0 },
    { "{'a':12", "{}", LLMG_OK, 0, 0 },
    { "{'a':12,", "{'a':12}", LLMG_OK, 0, 0 },
    { "{'a':12}", "{'a':12}", LLMG_OK, 0, 1 },
    { "{'a':1,", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b'", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':tr", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':true", "{'a':1,'b':true}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':-2.5e", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':-2.5e+1", "{'a':1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':-2.5e+1 ", "{'a':1,'b':-2.5e+1}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':'", "{'a':1,'b':''}", LLMG_OK, 0, 0 },
    { "{'a':1,'b':[", "{'a':1,'b':[]}", LLMG_OK, 0, 0 },
    { "{ 'a b' : ' c ' , 'd' : [ 1 , 2 ] }", "{'a b':' c ','d':[1,2]}", LLMG_OK, 0, 1 },
    { "{'':0}", "{'':0}", LLMG_OK, 0, 1 },
    { "{'k\\u00e9':1,", "{'k\\u00e9':1}", LLMG_OK, 0, 0 },
    { "{'\xC3\xA9':", "{}", LLMG_OK, 0, 0 },
    /* array elements */
    { "[1", "[]", LLMG_OK, 0, 0 },
    { "[1,", "[1]", LLMG_OK, 0, 0 },
    { "[1,2", "[1]", LLMG_OK, 0, 0 },
    { "[1,2]", "[1,2]", LLMG_OK, 0, 1 },
    { "[0", "[]", LLMG_OK, 0, 0 },
    { "[0,'x", "[0,'x']", LLMG_OK, 0, 0 },
    { "[true,fa", "[true]", LLMG_OK, 0, 0 },
    { "[true,false", "[true,false]", LLMG_OK, 0, 0 },
    { "[null,", "[null]", LLMG_OK, 0, 0 },
    { "[ -1.5e+3 , 0 , 1E2 ]", "[-1.5e+3,0,1E2]", LLMG_OK, 0, 1 },
    /* escapes: never half of one */
    { "{'a':'x\\", "{'a':'x'}", LLMG_OK, 0, 0 },
    { "{'a':'x\\n", "{'a':'x\\n'}", LLMG_OK, 0, 0 },
    { "{'a':'x\\u", "{'a':'x'}", LLMG_OK, 0, 0 },
    { "{'a':'x\\u00", "{'a':'x'}", LLMG_OK, 0, 0 },
    { "{'a':'x\\u00e", "{'a':'x'}", LLMG_OK, 0, 0 },
    { "{'a':'x\\u00e9", "{'a':'x\\u00e9'}", LLMG_OK, 0, 0 },
    { "['\\'", "['\\'']", LLMG_OK, 0, 0 },
    { "['\\\\", "['\\\\']", LLMG_OK, 0, 0 },
    { "['a\\/b\\t", "['a\\/b\\t']", LLMG_OK, 0, 0 },
    /* a high surrogate waits for its low one */
    { "['\\uD83D", "['']", LLMG_OK, 0, 0 },
    { "['\\uD83D\\", "['']", LLMG_OK, 0, 0 },
    { "['\\uD83D\\u", "['']", LLMG_OK, 0, 0 },
    { "['\\uD83D\\uDE0", "['']", LLMG_OK, 0, 0 },
    { "['\\uD83D\\uDE00", "['\\uD83D\\uDE00']", LLMG_OK, 0, 0 },
    { "['a\\ud83d\\ude00b", "['a\\ud83d\\ude00b']", LLMG_OK, 0, 0 },
    /* UTF-8: never half a sequence */
    { "['\xC3", "['']", LLMG_OK, 0, 0 },
    { "['\xC3\xA9", "['\xC3\xA9']", LLMG_OK, 0, 0 },
    { "['a\xE2\x82", "['a']", LLMG_OK, 0, 0 },
    { "['a\xE2\x82\xAC", "['a\xE2\x82\xAC']", LLMG_OK, 0, 0 },
    { "['\xF0\x9F\x98", "['']", LLMG_OK, 0, 0 },
    { "['\xF0\x9F\x98\x80!", "['\xF0\x9F\x98\x80!']", LLMG_OK, 0, 0 },
    { "'\xC3\xA9\xC3", "'\xC3\xA9'", LLMG_OK, 0, 0 },
    /* errors: the view stays what it was before the offending byte */
    { "{'a':1}x", "{'a':1}", LLMG_E_SYNTAX, 7, 1 },
    { "{'a':1} {", "{'a':1}", LLMG_E_SYNTAX, 8, 1 },
    { "12x", "", LLMG_E_SYNTAX, 2, 0 },
    { "]", "", LLMG_E_SYNTAX, 0, 0 },
    { "[}", "[]", LLMG_E_SYNTAX, 1, 0 },
    { "[1,2}", "[1]", LLMG_E_SYNTAX, 4, 0 },
    { "[1 2", "[1]", LLMG_E_SYNTAX, 3, 0 },
    { "[01", "[]", LLMG_E_SYNTAX, 2, 0 },
    { "[tx", "[]", LLMG_E_SYNTAX, 2, 0 },
    { "{'a':1,}", "{'a':1}", LLMG_E_SYNTAX, 7, 0 },
    { "{'a' 1", "{}", LLMG_E_SYNTAX, 5, 0 },
    { "['a\x01", "['a']", LLMG_E_SYNTAX, 3, 0 },
    { "'a\tb'", "'a'", LLMG_E_SYNTAX, 2, 0 },
    { "{'a':'\\x", "{'a':''}", LLMG_E_SYNTAX, 7, 0 },
    { "['\\uDC00'", "['']", LLMG_E_SYNTAX, 2, 0 },
    { "['\\uD800\\u0041'", "['']", LLMG_E_SYNTAX, 8, 0 },
    { "['\\uD800x", "['']", LLMG_E_SYNTAX, 8, 0 },
    { "['\xC3(", "['']", LLMG_E_SYNTAX, 3, 0 },
    { "['ok','\xED\xA0\x80", "['ok','']", LLMG_E_SYNTAX, 8, 0 },
};

static void test_pjson_rules(void)
{
    size_t k;
    for (k = 0; k < sizeof pj_table / sizeof pj_table[0]; k++) {
        char *in = t_q(pj_table[k].in), *want = t_q(pj_table[k].view);
        pj_result r;
        pj_every_split(in, strlen(in), 0, &r);
        CHECK(strcmp(r.view.p, want) == 0);
        CHECK(r.st == pj_table[k].code);
        CHECK(r.complete == pj_table[k].complete);
        if (r.st != LLMG_OK) CHECK(r.err.code == r.st && r.err.offset == pj_table[k].at);
        if (strcmp(r.view.p, want) != 0 || r.st != pj_table[k].code
            || (r.st != LLMG_OK && r.err.offset != pj_table[k].at)) {
            char at[32];
            snprintf(at, sizeof at, "%llu", (unsigned long long)r.err.offset);
            t_note("input: %s", in);
            t_note("view:  %s", r.view.p);
            t_note("offset: %s", at);
        }
        pj_result_free(&r);
        free(in);
        free(want);
    }
}

/* An error is sticky; a NULL data pointer is not. */
static void test_pjson_sticky_and_args(void)
{
    llmg_pjson p;
    llmg_pjson_opts o;
    llmg_error err;
    llmg_str v;
    t_alloc ta;
    CHECK(llmg_pjson_init(NULL, NULL, &err) == LLMG_E_ARG);
    memset(&o, 0, sizeof o);
    o.allocator = t_alloc_make(&ta);
    o.allocator.free_fn = NULL;
    CHECK(llmg_pjson_init(&p, &o, &err) == LLMG_E_ARG);
    CHECK(llmg_pjson_feed(&p, "[", 1, &err) == LLMG_E_ARG);   /* stays failed */
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_feed(&p, "[", 1, &err) == LLMG_E_ARG);
    CHECK(llmg_pjson_view(&p).len == 0);
    llmg_pjson_free(&p);

    CHECK(llmg_pjson_init(&p, NULL, &err) == LLMG_OK);
    CHECK(llmg_pjson_feed(&p, NULL, 1, &err) == LLMG_E_ARG);
    CHECK(llmg_pjson_feed(&p, NULL, 0, &err) == LLMG_OK);
    CHECK(llmg_pjson_feed(&p, "[1,", 3, &err) == LLMG_OK);
    CHECK(llmg_pjson_feed(&p, "]", 1, &err) == LLMG_E_SYNTAX && err.offset == 3);
    CHECK(err.msg != NULL && err.provider == NULL);
    CHECK(llmg_pjson_feed(&p, "2]", 2, &err) == LLMG_E_SYNTAX && err.offset == 3);
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_E_SYNTAX && err.offset == 3);
    v = llmg_pjson_view(&p);
    CHECK(v.len == 3 && memcmp(v.ptr, "[1]", 3) == 0);
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_view(&p).len == 0 && llmg_pjson_examined(&p) == 0);
    CHECK(llmg_pjson_feed(&p, "[2]", 3, &err) == LLMG_OK && err.code == LLMG_OK);
    CHECK(llmg_pjson_complete(&p));
    v = llmg_pjson_view(&p);
    CHECK(v.len == 3 && memcmp(v.ptr, "[2]", 3) == 0);
    llmg_pjson_free(&p);
}

/* finish: a top-level number is complete at the end; anything unfinished
   is an error at the end offset, the view kept. */
static void test_pjson_finish(void)
{
    llmg_pjson p;
    llmg_error err;
    llmg_str v;
    llmg_pjson_init(&p, NULL, &err);
    CHECK(llmg_pjson_feed(&p, "-12.5", 5, &err) == LLMG_OK);
    CHECK(llmg_pjson_view(&p).len == 0 && !llmg_pjson_complete(&p));
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_OK && llmg_pjson_complete(&p));
    v = llmg_pjson_view(&p);
    CHECK(v.len == 5 && memcmp(v.ptr, "-12.5", 5) == 0);
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_OK);
    CHECK(llmg_pjson_feed(&p, " \n", 2, &err) == LLMG_OK);
    CHECK(llmg_pjson_feed(&p, "3", 1, &err) == LLMG_E_SYNTAX && err.offset == 7);
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_feed(&p, "{\"a\":[1,2", 9, &err) == LLMG_OK);
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_E_SYNTAX && err.offset == 9);
    v = llmg_pjson_view(&p);
    CHECK(v.len == 9 && memcmp(v.ptr, "{\"a\":[1]}", 9) == 0);
    CHECK(!llmg_pjson_complete(&p));
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_E_SYNTAX && err.offset == 0);
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_feed(&p, "tru", 3, &err) == LLMG_OK);
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_E_SYNTAX && err.offset == 3);
    CHECK(llmg_pjson_view(&p).len == 0);
    llmg_pjson_free(&p);
}

/* ---------------------------------------------------------------- against llmg_json_parse */

/* Fed whole and finished, at every split and one byte at a time: OK
   exactly when llmg_json_parse accepts, else its code and offset (its
   LLMG_NEED_MORE is an LLMG_E_SYNTAX at finish). */
static void pj_agree(const char *in, size_t len)
{
    llmg_json_doc doc;
    llmg_error err;
    llmg_status want;
    pj_result r;
    llmg_json_doc_init(&doc);
    want = llmg_json_parse(&doc, in, len, NULL, &err);
    llmg_json_doc_free(&doc);
    pj_every_split(in, len, 1, &r);
    if (want == LLMG_OK) {
        CHECK(r.st == LLMG_OK && r.complete);
    } else {
        CHECK(r.st == (want == LLMG_NEED_MORE ? LLMG_E_SYNTAX : want));
        CHECK(r.err.offset == err.offset);
    }
    if ((want == LLMG_OK) != (r.st == LLMG_OK) || (want != LLMG_OK && r.err.offset != err.offset))
        t_note("disagrees with llmg_json_parse: %s", in);
    pj_result_free(&r);
}

static const struct { const char *in; size_t len; } pj_invalid[] = {
    { "", 0 }, { " ", 0 }, { "01", 0 }, { "-01", 0 }, { "1.", 0 }, { ".5", 0 }, { "1.e5", 0 },
    { "1e", 0 }, { "1e+", 0 }, { "+1", 0 }, { "- 1", 0 }, { "0x1", 0 }, { "1 2", 0 },
    { "NaN", 0 }, { "-Infinity", 0 }, { "1.5.3", 0 }, { "tru", 0 }, { "True", 0 },
    { "nulll", 0 }, { "\"", 0 }, { "\"abc", 0 }, { "'a'", 0 }, { "\"\\x\"", 0 },
    { "\"\\u12\"", 0 }, { "\"\\u12G4\"", 0 }, { "\"\\uD800\"", 0 }, { "\"\\uDC00\"", 0 },
    { "\"\\uD800\\u0041\"", 0 }, { "\"\\uD800x\"", 0 }, { "\"\\uD800\\n\"", 0 },
    { "\"a\tb\"", 0 }, { "\"\x01\"", 0 }, { "\"a\0b\"", 5 }, { "\"\x80\"", 0 },
    { "\"\xC0\xAF\"", 0 }, { "\"\xE0\x80\xAF\"", 0 }, { "\"\xED\xA0\x80\"", 0 },
    { "\"\xF0\x80\x80\xAF\"", 0 }, { "\"\xF4\x90\x80\x80\"", 0 }, { "\"\xF5\x80\x80\x80\"", 0 },
    { "\"\xFF\"", 0 }, { "\"\xC3\"", 0 }, { "\"\xE2\x82\"", 0 }, { "\"\xC3\x28\"", 0 },
    { "[", 0 }, { "[1", 0 }, { "[1,", 0 }, { "[1,]", 0 }, { "[,1]", 0 }, { "[1 2]", 0 },
    { "[1:2]", 0 }, { "]", 0 }, { "[}", 0 }, { "[1}", 0 }, { "{", 0 }, { "{\"a\"", 0 },
    { "{\"a\":", 0 }, { "{\"a\":1", 0 }, { "{\"a\":1,}", 0 }, { "{a:1}", 0 }, { "{1:1}", 0 },
    { "{\"a\" 1}", 0 }, { "{\"a\":1 \"b\":2}", 0 }, { "{\"a\"::1}", 0 }, { "{\"a\":1]", 0 },
    { "{,}", 0 }, { "{\"a\":1,,\"b\":2}", 0 }, { "[1]]", 0 }, { "{}}", 0 }, { "[] []", 0 },
    { "\xEF\xBB\xBF{}", 0 }, { "[1]x", 0 }, { "1 x", 0 }, { "\"a\" \"b\"", 0 },
    { "[\"a\\\"]", 0 }, { "{\"a\":1}\0", 8 }, { "\0", 1 }, { "[\x0c]", 0 }, { "[1e5e]", 0 },
    { "[-]", 0 }, { "[--1]", 0 }, { "{\"k\xC3\":1}", 0 }, { "{\"k\\q\":1}", 0 },
    { "{\"a\":[1,{\"b\":tru}]}", 0 }, { "{\"a\":\"x\",\"b\":\"\x7F\x80\"}", 0 },
};

static const char *const pj_valid[] = {
    "0", "-0", "1", "-1", "123", "1.5", "-0.0", "0e0", "0E+1", "1e-7", "1.25E+300",
    "12345678901234567890123", " 7 ", "\"\"", "\"a\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
    "\"\\u0041\"", "\"\\uD83D\\uDE00\"", "\"\xC3\xA9\"", "\"\xF0\x9F\x98\x80\"", "\"\x7F\"",
    "\"\\u0000\"", "true", "false", "null", " true ", "\t\r\n null \n", "[]", "{}", "[ ]",
    "{ }", "[1]", "[1,2]", "[1, \"a\", true, false, null, [], {}]", "{\"a\":1}",
    "{\"a\":1,\"b\":[2,{\"c\":null}]}", "{\"\":0}", "{\"a\":1,\"a\":2}",
    "[[[[[[[[[[]]]]]]]]]]", "{\"a\":{\"b\":{\"c\":{}}}}", "[-1e5,0.5e-2,3E2]", " [ 1 , 2 ] ",
};

static void test_pjson_agrees_with_parse(void)
{
    size_t k;
    for (k = 0; k < sizeof pj_invalid / sizeof pj_invalid[0]; k++)
        pj_agree(pj_invalid[k].in, pj_invalid[k].len ? pj_invalid[k].len : strlen(pj_invalid[k].in));
    for (k = 0; k < sizeof pj_valid / sizeof pj_valid[0]; k++)
        pj_agree(pj_valid[k], strlen(pj_valid[k]));
    for (k = 0; k < sizeof pj_table / sizeof pj_table[0]; k++) {
        char *in = t_q(pj_table[k].in);
        pj_agree(in, strlen(in));
        free(in);
    }
}

/* ---------------------------------------------------------------- generated documents */

static uint32_t pj_seed;

static uint32_t pj_rand(uint32_t n)
{
    pj_seed = pj_seed * 1664525u + 1013904223u;
    return (pj_seed >> 8) % n;
}

static void pj_gen_ws(t_str *s)
{
    static const char *const ws[] = { " ", "\n", "\t ", "\r\n  " };
    if (pj_rand(4) == 0) t_str_addc(s, ws[pj_rand(4)]);
}

static void pj_gen_str(t_str *s)
{
    static const char *const parts[] = {
        "a", "hello", " ", "x y", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\uD83D\\uDE00",
        "\\ud83d\\ude00", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "{[,:]}", "\x7F",
    };
    uint32_t n = pj_rand(5), i;
    t_str_addc(s, "\"");
    for (i = 0; i < n; i++) t_str_addc(s, parts[pj_rand(sizeof parts / sizeof parts[0])]);
    t_str_addc(s, "\"");
}

static void pj_gen_val(t_str *s, int depth)
{
    static const char *const nums[] = {
        "0", "-0", "12", "-3", "1.5", "-0.25", "1e3", "2E-2", "6.02e+23",
        "123456789012345678901234567890",
    };
    static const char *const lits[] = { "true", "false", "null" };
    uint32_t r = pj_rand(10), n, i;
    if (depth < 4 && r < 4) {
        int obj = r < 2;
        t_str_addc(s, obj ? "{" : "[");
        n = pj_rand(5);
        for (i = 0; i < n; i++) {
            pj_gen_ws(s);
            if (i) { t_str_addc(s, ","); pj_gen_ws(s); }
            if (obj) { pj_gen_str(s); pj_gen_ws(s); t_str_addc(s, ":"); pj_gen_ws(s); }
            pj_gen_val(s, depth + 1);
        }
        pj_gen_ws(s);
        t_str_addc(s, obj ? "}" : "]");
    } else if (r < 6) {
        pj_gen_str(s);
    } else if (r < 8) {
        t_str_addc(s, nums[pj_rand(sizeof nums / sizeof nums[0])]);
    } else {
        t_str_addc(s, lits[pj_rand(3)]);
    }
}

/* A document: mostly an object (tool-call arguments), whitespace around. */
static void pj_gen_doc(t_str *s)
{
    s->len = 0;
    pj_gen_ws(s);
    if (pj_rand(4) != 0) {
        uint32_t n = pj_rand(4) + 1, i;
        t_str_addc(s, "{");
        for (i = 0; i < n; i++) {
            if (i) t_str_addc(s, ",");
            pj_gen_ws(s);
            pj_gen_str(s);
            t_str_addc(s, ":");
            pj_gen_ws(s);
            pj_gen_val(s, 1);
        }
        t_str_addc(s, "}");
    } else {
        pj_gen_val(s, 0);
    }
    pj_gen_ws(s);
}

/* 1 when v is a prefix of want followed only by closers: at most one '"',
   then ']' and '}'. */
static int pj_prefix_then_closers(llmg_str v, const t_str *want)
{
    size_t m = 0, i;
    while (m < v.len && m < want->len && v.ptr[m] == want->p[m]) m++;
    if (m == v.len) return 1;
    i = m;
    if (v.ptr[i] == '"') i++;
    for (; i < v.len; i++)
        if (v.ptr[i] != ']' && v.ptr[i] != '}') return 0;
    return 1;
}

/* The writer's form of a document (strings unescaped and escaped again,
   floats normalised): equal for two documents with the same data. */
static void pj_written(const char *s, size_t n, t_str *out)
{
    llmg_json_doc doc;
    llmg_json_writer w;
    llmg_str ws;
    llmg_json_doc_init(&doc);
    llmg_json_writer_init(&w, NULL, NULL);
    CHECK(llmg_json_parse(&doc, s, n, NULL, NULL) == LLMG_OK);
    CHECK(llmg_json_write_val(&w, llmg_json_root(&doc)) == LLMG_OK);
    ws = llmg_json_writer_str(&w);
    t_str_add(out, ws.ptr, ws.len);
    llmg_json_writer_free(&w);
    llmg_json_doc_free(&doc);
}

/* One byte at a time: every view valid JSON, the committed part a prefix
   of the compact form, complete exactly at the value's last byte; after
   finish the view is the compact form, byte for byte, and holds the same
   data as the document. */
static void pj_check_prefixes(const char *in, size_t len)
{
    llmg_pjson p;
    llmg_error err;
    llmg_str v;
    t_str want = {0, 0, 0}, a = {0, 0, 0}, b = {0, 0, 0};
    size_t i, last = len;
    int bad = 0;
    pj_minify(in, len, &want);
    while (last > 0 && strchr(" \n\r\t", in[last - 1])) last--;
    llmg_pjson_init(&p, NULL, &err);
    for (i = 0; i < len && !bad; i++) {
        if (llmg_pjson_feed(&p, in + i, 1, &err) != LLMG_OK) bad = 1;
        v = llmg_pjson_view(&p);
        if (v.len && !pj_is_json(v)) bad = 2;
        if (!pj_prefix_then_closers(v, &want)) bad = 3;
        /* complete at the last byte, or for a number at the byte after it */
        if (llmg_pjson_complete(&p) != (i + 1 >= last && (i + 1 > last || !strchr("0123456789", in[i]))))
            bad = 4;
    }
    CHECK(bad == 0);
    CHECK(llmg_pjson_finish(&p, &err) == LLMG_OK && llmg_pjson_complete(&p));
    v = llmg_pjson_view(&p);
    CHECK(v.len == want.len && memcmp(v.ptr, want.p, v.len) == 0);
    pj_written(v.ptr, v.len, &a);
    pj_written(in, len, &b);
    CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
    if (bad || v.len != want.len) t_note("document: %s", in);
    llmg_pjson_free(&p);
    t_str_free(&want);
    t_str_free(&a);
    t_str_free(&b);
}

static void test_pjson_prefixes(void)
{
    size_t k;
    t_str doc = {0, 0, 0};
    for (k = 0; k < sizeof pj_valid / sizeof pj_valid[0]; k++)
        pj_check_prefixes(pj_valid[k], strlen(pj_valid[k]));
    pj_seed = 1;
    for (k = 0; k < 400; k++) {
        pj_gen_doc(&doc);
        pj_check_prefixes(doc.p, doc.len);
    }
    t_str_free(&doc);
}

/* Generated documents at every split, and with one byte replaced: the
   same verdict and offset as llmg_json_parse at every split. */
static void test_pjson_generated_splits(void)
{
    size_t k;
    t_str doc = {0, 0, 0};
    static const char subst[] = { '"', '\\', ',', ':', '}', ']', '[', '{', 'x', '1', '\x01',
                                  '\x80', '\xC3', ' ', 'e', '-', '.' };
    pj_seed = 2;
    for (k = 0; k < 120; k++) {
        pj_result r;
        pj_gen_doc(&doc);
        pj_every_split(doc.p, doc.len, 1, &r);
        CHECK(r.st == LLMG_OK && r.complete);
        pj_result_free(&r);
        if (doc.len) doc.p[pj_rand((uint32_t)doc.len)] = subst[pj_rand(sizeof subst)];
        pj_agree(doc.p, doc.len);
    }
    t_str_free(&doc);
}

/* ---------------------------------------------------------------- limits */

static void test_pjson_limits(void)
{
    llmg_pjson p;
    llmg_pjson_opts o;
    llmg_json_opts jo;
    llmg_json_doc doc;
    llmg_error err, jerr;
    llmg_str v;
    t_str deep = {0, 0, 0};
    int i;
    o = llmg_pjson_opts_resolved(NULL);
    CHECK(o.max_depth == 512 && o.max_bytes == (size_t)64 * 1024 * 1024);

    memset(&o, 0, sizeof o);
    o.max_depth = 3;
    memset(&jo, 0, sizeof jo);
    jo.max_depth = 3;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, "[[{\"a\":[1]}]]", 13, &jo, &jerr) == LLMG_E_LIMIT);
    llmg_json_doc_free(&doc);
    llmg_pjson_init(&p, &o, &err);
    CHECK(llmg_pjson_feed(&p, "[[{\"a\":[1]}]]", 13, &err) == LLMG_E_LIMIT);
    CHECK(err.offset == jerr.offset && err.offset == 7);
    v = llmg_pjson_view(&p);
    CHECK(v.len == 6 && memcmp(v.ptr, "[[{}]]", 6) == 0);
    llmg_pjson_free(&p);

    /* max_bytes: the bytes before the limit are read, the error is at it */
    memset(&o, 0, sizeof o);
    o.max_bytes = 5;
    llmg_pjson_init(&p, &o, &err);
    CHECK(llmg_pjson_feed(&p, "[1,", 3, &err) == LLMG_OK);
    CHECK(llmg_pjson_feed(&p, "2,3]", 4, &err) == LLMG_E_LIMIT && err.offset == 5);
    v = llmg_pjson_view(&p);
    CHECK(v.len == 5 && memcmp(v.ptr, "[1,2]", 5) == 0);
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_feed(&p, "[1,2]", 5, &err) == LLMG_OK && llmg_pjson_complete(&p));
    CHECK(llmg_pjson_feed(&p, " ", 1, &err) == LLMG_E_LIMIT && err.offset == 5);
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_feed(&p, "[1,}x", 5, &err) == LLMG_E_SYNTAX && err.offset == 3);
    llmg_pjson_free(&p);

    /* past 512 levels the nesting bits grow, and a reset keeps them */
    memset(&o, 0, sizeof o);
    o.max_depth = 2000;
    for (i = 0; i < 1500; i++) t_str_addc(&deep, "[");
    llmg_pjson_init(&p, &o, &err);
    CHECK(llmg_pjson_feed(&p, deep.p, deep.len, &err) == LLMG_OK);
    v = llmg_pjson_view(&p);
    CHECK(v.len == 3000 && v.ptr[1499] == '[' && v.ptr[1500] == ']' && v.ptr[2999] == ']');
    llmg_pjson_reset(&p);
    deep.len = 0;                        /* 1400 levels, objects and arrays mixed */
    for (i = 0; i < 1400; i++) t_str_addc(&deep, i % 3 ? "[" : "{\"k\":");
    CHECK(llmg_pjson_feed(&p, deep.p, deep.len, &err) == LLMG_OK);
    v = llmg_pjson_view(&p);
    CHECK(v.ptr[v.len - 1] == '}' && v.ptr[v.len - 2] == ']' && v.ptr[v.len - 3] == ']');
    CHECK(v.ptr[v.len - 4] == '}' && pj_is_json(v));
    for (i = 1399; i >= 0; i--) t_str_addc(&deep, i % 3 ? "]" : "}");
    CHECK(llmg_pjson_feed(&p, deep.p + deep.len - 1400, 1400, &err) == LLMG_OK);
    CHECK(llmg_pjson_complete(&p));
    v = llmg_pjson_view(&p);
    CHECK(v.len == deep.len && memcmp(v.ptr, deep.p, v.len) == 0);
    llmg_pjson_free(&p);
    t_str_free(&deep);
}

/* ---------------------------------------------------------------- linear work */

/* A 1 MB argument fed one byte at a time with a view after every byte.
   The bound follows from the algorithm, per input byte of this document:
   - read once (a byte that ends a number twice: three bytes here);
   - copied at most twice: plain string content once, to the committed
     buffer; escapes, UTF-8 sequences, keys and scalars are held back
     first, then committed;
   - moved when the committed buffer doubles: the moves add up to less
     than its final capacity, 2^20 here for 1000033 committed bytes, so
     under 1.05 a byte;
   - each view writes at most 3 bytes here ('"' or ']', then '}', then
     the NUL).
   That is under 1 + 2 + 1.05 + 3 = 7.05, so 8 holds with room; any
   re-reading of the prefix would break it by orders of magnitude. With
   no views, the same input costs under 1 + 2 + 1.05. (Measured: 6.49
   and 3.49.) */
static void test_pjson_linear_1mb(void)
{
    static const char *const pieces[] = {
        "plain text ", "caf\xC3\xA9 ", "\\n", "\\\"quoted\\\" ", "\\u00e9\\uD83D\\uDE00 ",
        "\xF0\x9F\x98\x80 ", "tab\\t", "{not: json}, ",
    };
    t_str doc = {0, 0, 0}, want = {0, 0, 0};
    llmg_pjson p;
    llmg_error err;
    llmg_str v = {0, 0};
    size_t i, k = 0;
    int ok = 1;
    uint64_t examined;
    t_str_addc(&doc, "{\"path\": \"src/main.c\", \"line\": 120, \"content\": \"");
    while (doc.len < 1000000) t_str_addc(&doc, pieces[k++ % (sizeof pieces / sizeof pieces[0])]);
    t_str_addc(&doc, "\", \"flags\": [1, 2, true, null], \"n\": -3.5e2}");
    llmg_pjson_init(&p, NULL, &err);
    for (i = 0; i < doc.len; i++) {
        if (llmg_pjson_feed(&p, doc.p + i, 1, &err) != LLMG_OK) ok = 0;
        v = llmg_pjson_view(&p);
    }
    CHECK(ok && llmg_pjson_complete(&p));
    pj_minify(doc.p, doc.len, &want);
    CHECK(v.len == want.len && memcmp(v.ptr, want.p, v.len) == 0);
    examined = llmg_pjson_examined(&p);
    CHECK(examined >= 2 * (uint64_t)want.len);  /* it counts: each kept byte read and copied */
    CHECK(examined <= 8 * (uint64_t)doc.len);
    llmg_pjson_free(&p);

    /* the same bytes in one piece, no views */
    llmg_pjson_init(&p, NULL, &err);
    CHECK(llmg_pjson_feed(&p, doc.p, doc.len, &err) == LLMG_OK);
    CHECK(llmg_pjson_examined(&p) * 100 <= 405 * (uint64_t)doc.len);
    llmg_pjson_free(&p);
    t_str_free(&doc);
    t_str_free(&want);
}

/* A 200 KB key (held back until its value arrives) and deep nesting
   viewed after every byte: still linear, each view O(depth). Per byte:
   at most two reads and two copies (a comma after a number: read, read
   again, held, committed), moves under twice a byte (the buffers
   double), and a view writes depth closers and a NUL. */
static void test_pjson_long_key_and_depth(void)
{
    t_str doc = {0, 0, 0};
    llmg_pjson p;
    llmg_error err;
    llmg_str v;
    size_t i;
    int depth = 50;
    t_str_addc(&doc, "{\"");
    while (doc.len < 200000) t_str_addc(&doc, "key\\u0041");
    t_str_addc(&doc, "\":");
    llmg_pjson_init(&p, NULL, &err);
    for (i = 0; i < doc.len; i++) llmg_pjson_feed(&p, doc.p + i, 1, &err);
    v = llmg_pjson_view(&p);
    CHECK(v.len == 2 && memcmp(v.ptr, "{}", 2) == 0);
    CHECK(llmg_pjson_feed(&p, "7}", 2, &err) == LLMG_OK && llmg_pjson_complete(&p));
    v = llmg_pjson_view(&p);
    CHECK(v.len == doc.len + 2 && v.ptr[v.len - 2] == '7');
    CHECK(llmg_pjson_examined(&p) <= (1 + 2 + 2) * (uint64_t)doc.len);  /* one view */
    llmg_pjson_free(&p);

    doc.len = 0;
    for (i = 0; i < (size_t)depth; i++) t_str_addc(&doc, "[");
    while (doc.len < 100000) t_str_addc(&doc, "1,");
    t_str_addc(&doc, "1");
    for (i = 0; i < (size_t)depth; i++) t_str_addc(&doc, "]");
    llmg_pjson_init(&p, NULL, &err);
    for (i = 0; i < doc.len; i++) {
        llmg_pjson_feed(&p, doc.p + i, 1, &err);
        llmg_pjson_view(&p);
    }
    CHECK(llmg_pjson_complete(&p));
    CHECK(llmg_pjson_examined(&p) <= (2 + 2 + 2 + (uint64_t)depth + 1) * doc.len);
    llmg_pjson_free(&p);
    t_str_free(&doc);
}

/* ---------------------------------------------------------------- allocation failure */

/* The view a fresh reader shows after the first n bytes of in. */
static void pj_view_after(const char *in, size_t n, size_t max_depth, t_str *out)
{
    llmg_pjson p;
    llmg_pjson_opts o;
    llmg_str v;
    memset(&o, 0, sizeof o);
    o.max_depth = max_depth;
    llmg_pjson_init(&p, &o, NULL);
    llmg_pjson_feed(&p, in, n, NULL);
    v = llmg_pjson_view(&p);
    out->len = 0;
    t_str_add(out, v.ptr, v.len);
    llmg_pjson_free(&p);
}

/* Every allocation failing in turn (once, and from then on), feeding in
   pieces of 3 bytes: each run ends in LLMG_OK or LLMG_E_NOMEM, the view
   after LLMG_E_NOMEM is the view before the byte that failed, and nothing
   leaks. The second document nests past 512 levels, so the nesting bits
   allocate too. */
static void pj_alloc_failure(const char *src, size_t len, size_t max_depth)
{
    llmg_pjson_opts o;
    t_alloc ta;
    t_str ref = {0, 0, 0};
    size_t k, piece = 3;
    int from, nomem_seen = 0;
    memset(&o, 0, sizeof o);
    o.allocator = t_alloc_make(&ta);
    o.max_depth = max_depth;
    for (from = 0; from <= 1; from++) {
        for (k = 1;; k++) {
            llmg_pjson p;
            llmg_error err;
            llmg_status st = LLMG_OK;
            size_t at = 0;
            llmg_str v;
            t_alloc_arm(&ta, k, from);
            CHECK(llmg_pjson_init(&p, &o, &err) == LLMG_OK);
            while (at < len && st == LLMG_OK) {
                size_t n = piece < len - at ? piece : len - at;
                st = llmg_pjson_feed(&p, src + at, n, &err);
                llmg_pjson_view(&p);
                at += n;
            }
            if (st == LLMG_OK) st = llmg_pjson_finish(&p, &err);
            CHECK(st == LLMG_OK || st == LLMG_E_NOMEM);
            v = llmg_pjson_view(&p);
            if (st == LLMG_E_NOMEM) {
                nomem_seen++;
                CHECK(err.offset <= len);
                pj_view_after(src, (size_t)err.offset, max_depth, &ref);
                CHECK(v.len == ref.len && (v.len == 0 || memcmp(v.ptr, ref.p, v.len) == 0));
                CHECK(v.len == 0 || pj_is_json(v));
                CHECK(llmg_pjson_feed(&p, " ", 1, NULL) == LLMG_E_NOMEM);   /* sticky */
            } else {
                CHECK(llmg_pjson_complete(&p) && pj_is_json(v));
            }
            llmg_pjson_free(&p);
            CHECK(ta.live == 0);
            if (ta.failed == 0) break;
            CHECK(k < 1000);             /* the failures end */
            if (k >= 1000) break;
        }
    }
    CHECK(nomem_seen > 2);
    t_str_free(&ref);
}

static void test_pjson_alloc_failure(void)
{
    static const char src[] =
        "{\"name\": \"read_file\", \"a very long key that is held back for a while\": "
        "[1, 2.5, {\"deep\": [[[\"caf\xC3\xA9 \\u00e9 \\uD83D\\uDE00\"]]]}], \"n\": null, "
        "\"text\": \"a longer string value that makes the committed buffer grow past its "
        "first block of sixty-four bytes, and then some more\"}";
    t_str deep = {0, 0, 0};
    int i;
    pj_alloc_failure(src, sizeof src - 1, 0);
    for (i = 0; i < 700; i++) t_str_addc(&deep, "[");
    t_str_addc(&deep, "\"x\"");
    for (i = 0; i < 700; i++) t_str_addc(&deep, "]");
    pj_alloc_failure(deep.p, deep.len, 1000);
    t_str_free(&deep);
}

/* Reset keeps the buffers: the same value again allocates nothing. */
static void test_pjson_reset_keeps_buffers(void)
{
    static const char src[] = "{\"a\": [1, 2, {\"b\": \"a string long enough to need more than "
                              "sixty-four bytes of buffer, surely\"}], \"c\": true}";
    llmg_pjson_opts o;
    llmg_pjson p;
    llmg_str v1, v2;
    t_str first = {0, 0, 0};
    t_alloc ta;
    size_t calls;
    memset(&o, 0, sizeof o);
    o.allocator = t_alloc_make(&ta);
    llmg_pjson_init(&p, &o, NULL);
    CHECK(ta.calls == 0);                /* init allocates nothing */
    CHECK(llmg_pjson_feed(&p, src, sizeof src - 1, NULL) == LLMG_OK);
    v1 = llmg_pjson_view(&p);
    t_str_add(&first, v1.ptr, v1.len);
    calls = ta.calls;
    CHECK(calls > 0);
    llmg_pjson_reset(&p);
    CHECK(llmg_pjson_feed(&p, src, sizeof src - 1, NULL) == LLMG_OK);
    v2 = llmg_pjson_view(&p);
    CHECK(ta.calls == calls);
    CHECK(v2.len == first.len && memcmp(v2.ptr, first.p, v2.len) == 0);
    llmg_pjson_free(&p);
    CHECK(ta.live == 0);
    t_str_free(&first);
}

void suite_pjson(void)
{
    RUN(test_pjson_rules);
    RUN(test_pjson_sticky_and_args);
    RUN(test_pjson_finish);
    RUN(test_pjson_agrees_with_parse);
    RUN(test_pjson_prefixes);
    RUN(test_pjson_generated_splits);
    RUN(test_pjson_limits);
    RUN(test_pjson_linear_1mb);
    RUN(test_pjson_long_key_and_depth);
    RUN(test_pjson_alloc_failure);
    RUN(test_pjson_reset_keeps_buffers);
}
