/* JSON: every RFC 8259 rule valid and invalid, whole and at every split,
   navigation, the writer's exact bytes, the number formatter against libc,
   round trips, hostile inputs and allocation failure. */
#include "test.h"
#include <float.h>

/* Parses whole, then validates incrementally at every split point and one
   byte at a time; all must agree. Returns the whole-buffer status. */
static llmg_status json_verdict(const char *in, size_t len, llmg_error *err_out)
{
    llmg_json_doc doc;
    llmg_error err, e2;
    llmg_status want;
    size_t split, i;
    char *copy = (char *)malloc(len ? len : 1);
    memcpy(copy, in, len);
    llmg_json_doc_init(&doc);
    want = llmg_json_parse(&doc, copy, len, NULL, &err);
    llmg_json_doc_free(&doc);
    if (want == LLMG_NEED_MORE) {              /* a stream says so at finish */
        err.code = LLMG_E_SYNTAX;
    }
    for (split = 0; split <= len; split++) {
        llmg_json_stream s;
        llmg_status a;
        llmg_json_stream_init(&s, NULL, &e2);
        a = llmg_json_stream_feed(&s, copy, split, &e2);
        if (a >= 0) a = llmg_json_stream_feed(&s, copy + split, len - split, &e2);
        if (a >= 0) a = llmg_json_stream_finish(&s, &e2);
        llmg_json_stream_free(&s);
        CHECK((a == LLMG_OK) == (want == LLMG_OK));
        if (a != LLMG_OK && want != LLMG_OK) CHECK(e2.offset == err.offset && e2.code == err.code);
    }
    {
        llmg_json_stream s;
        llmg_status a = LLMG_NEED_MORE;
        llmg_json_stream_init(&s, NULL, &e2);
        for (i = 0; i < len && a >= 0; i++) a = llmg_json_stream_feed(&s, copy + i, 1, &e2);
        if (a >= 0) a = llmg_json_stream_finish(&s, &e2);
        llmg_json_stream_free(&s);
        CHECK((a == LLMG_OK) == (want == LLMG_OK));
        if (a != LLMG_OK && want != LLMG_OK) CHECK(e2.offset == err.offset);
    }
    free(copy);
    if (err_out) *err_out = err;
    return want;
}

static const char *const json_valid[] = {
    "0", "-0", "1", "-1", "123", "1.5", "-0.0", "0e0", "0E+1", "1e-7", "1.25E+300",
    "12345678901234567890123", "1e999999",
    "\"\"", "\"a\"", "\" \"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0041\"", "\"\\u00e9\"",
    "\"\\uD83D\\uDE00\"", "\"\\ud83d\\ude00\"", "\"\xC3\xA9\"", "\"\xE2\x82\xAC\"",
    "\"\xF0\x9F\x98\x80\"", "\"\xEF\xBF\xBF\"", "\"\xF4\x8F\xBF\xBF\"", "\"\x7F\"",
    "\"\\u0000\"", "\"/\"", "true", "false", "null", " true ", "\t\r\n null \n",
    "[]", "{}", "[ ]", "{ }", "[1]", "[1,2]", "[1, \"a\", true, false, null, [], {}]",
    "{\"a\":1}", "{\"a\":1,\"b\":[2,{\"c\":null}]}", "{\"\":0}", "{\"a\":1,\"a\":2}",
    "[[[[[[[[[[]]]]]]]]]]", "{\"a\":{\"b\":{\"c\":{}}}}", "[-1e5,0.5e-2,3E2]",
    " [ 1 , 2 ] ", "\"\\u20AC\\u0024\"",
};

static const struct { const char *in; size_t len; uint64_t at; } json_invalid[] = {
    { "", 0, 0 }, { " ", 0, 1 }, { "01", 0, 1 }, { "-01", 0, 2 }, { "00", 0, 1 },
    { "1.", 0, 2 }, { ".5", 0, 0 }, { "1.e5", 0, 2 }, { "1e", 0, 2 }, { "1e+", 0, 3 },
    { "+1", 0, 0 }, { "-", 0, 1 }, { "- 1", 0, 1 }, { "0x1", 0, 1 }, { "1 2", 0, 2 },
    { "NaN", 0, 0 }, { "Infinity", 0, 0 }, { "-Infinity", 0, 1 }, { "1.5.3", 0, 3 },
    { "tru", 0, 3 }, { "True", 0, 0 }, { "nul", 0, 3 }, { "nulll", 0, 4 }, { "fals", 0, 4 },
    { "\"", 0, 1 }, { "\"abc", 0, 4 }, { "'a'", 0, 0 }, { "\"\\x\"", 0, 2 },
    { "\"\\u12\"", 0, 5 }, { "\"\\u12G4\"", 0, 5 }, { "\"\\uD800\"", 0, 7 },
    { "\"\\uDC00\"", 0, 1 }, { "\"\\uD800\\u0041\"", 0, 7 }, { "\"\\uD800x\"", 0, 7 },
    { "\"\\uD800\\n\"", 0, 8 },
    { "\"a\tb\"", 0, 2 }, { "\"a\nb\"", 0, 2 }, { "\"\x01\"", 0, 1 }, { "\"a\0b\"", 5, 2 },
    { "\"\x80\"", 0, 1 }, { "\"\xC0\xAF\"", 0, 1 }, { "\"\xC1\xBF\"", 0, 1 },
    { "\"\xE0\x80\xAF\"", 0, 2 }, { "\"\xED\xA0\x80\"", 0, 2 }, { "\"\xF0\x80\x80\xAF\"", 0, 2 },
    { "\"\xF4\x90\x80\x80\"", 0, 2 }, { "\"\xF5\x80\x80\x80\"", 0, 1 }, { "\"\xFF\"", 0, 1 },
    { "\"\xC3\"", 0, 2 }, { "\"\xE2\x82\"", 0, 3 }, { "\"\xC3\x28\"", 0, 2 },
    { "[", 0, 1 }, { "[1", 0, 2 }, { "[1,", 0, 3 }, { "[1,]", 0, 3 }, { "[,1]", 0, 1 },
    { "[1 2]", 0, 3 }, { "[1:2]", 0, 2 }, { "]", 0, 0 }, { "[}", 0, 1 }, { "[1}", 0, 2 },
    { "{", 0, 1 }, { "{\"a\"", 0, 4 }, { "{\"a\":", 0, 5 }, { "{\"a\":1", 0, 6 },
    { "{\"a\":1,}", 0, 7 }, { "{a:1}", 0, 1 }, { "{1:1}", 0, 1 }, { "{\"a\" 1}", 0, 5 },
    { "{\"a\":1 \"b\":2}", 0, 7 }, { "{\"a\"::1}", 0, 5 }, { "{\"a\":1]", 0, 6 },
    { "{,}", 0, 1 }, { "{\"a\":1,,\"b\":2}", 0, 7 }, { "[1]]", 0, 3 }, { "{}}", 0, 2 },
    { "[] []", 0, 3 }, { "\xEF\xBB\xBF{}", 0, 0 }, { "[1]x", 0, 3 }, { "1 x", 0, 2 },
    { "\"a\" \"b\"", 0, 4 }, { "[\"a\\\"]", 0, 6 }, { "{\"a\":1}\0", 8, 7 }, { "\0", 1, 0 },
    { "[\x0c]", 0, 1 }, { "[1e5e]", 0, 4 }, { "[-]", 0, 2 }, { "[--1]", 0, 2 },
};

static void test_json_valid_every_split(void)
{
    size_t k;
    for (k = 0; k < sizeof json_valid / sizeof json_valid[0]; k++) {
        llmg_error err;
        llmg_status st = json_verdict(json_valid[k], strlen(json_valid[k]), &err);
        CHECK(st == LLMG_OK);
        if (st != LLMG_OK) t_note("rejected: %s", json_valid[k]);
    }
}

static void test_json_invalid_every_split(void)
{
    size_t k;
    for (k = 0; k < sizeof json_invalid / sizeof json_invalid[0]; k++) {
        llmg_error err;
        size_t len = json_invalid[k].len ? json_invalid[k].len : strlen(json_invalid[k].in);
        llmg_status st = json_verdict(json_invalid[k].in, len, &err);
        CHECK(st != LLMG_OK);
        CHECK(err.offset == json_invalid[k].at);
        if (st == LLMG_OK || err.offset != json_invalid[k].at) {
            char at[32];
            snprintf(at, sizeof at, "%llu", (unsigned long long)err.offset);
            t_note("input: %s", json_invalid[k].in);
            t_note("offset: %s", at);
            t_note("msg: %s", err.msg);
        }
    }
}

static void test_json_need_more(void)
{
    llmg_json_doc doc;
    llmg_error err;
    llmg_json_stream s;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, "[1,", 3, NULL, &err) == LLMG_NEED_MORE);
    CHECK(err.offset == 3 && doc.count == 0);
    CHECK(llmg_json_parse(&doc, "{\"a\":[1,2", 9, NULL, &err) == LLMG_NEED_MORE);
    CHECK(llmg_json_parse(&doc, "[1,}", 4, NULL, &err) == LLMG_E_SYNTAX);
    llmg_json_doc_free(&doc);
    llmg_json_stream_init(&s, NULL, &err);
    CHECK(llmg_json_stream_feed(&s, "12", 2, &err) == LLMG_NEED_MORE);
    CHECK(llmg_json_stream_feed(&s, "3 ", 2, &err) == LLMG_OK);
    CHECK(llmg_json_stream_feed(&s, " \n", 2, &err) == LLMG_OK);
    CHECK(llmg_json_stream_feed(&s, "x", 1, &err) == LLMG_E_SYNTAX);
    CHECK(err.offset == 6);
    CHECK(llmg_json_stream_feed(&s, " ", 1, &err) == LLMG_E_SYNTAX);   /* sticky */
    CHECK(llmg_json_stream_finish(&s, &err) == LLMG_E_SYNTAX);
    llmg_json_stream_free(&s);
}

static void test_json_navigation(void)
{
    static const char src[] =
        "{\"name\":\"caf\\u00e9\",\"n\":-42,\"f\":2.5e3,\"big\":123456789012345678901,"
        "\"ok\":true,\"no\":false,\"nil\":null,\"arr\":[1,[2,3],{\"x\":\"y\"},4],"
        "\"esc\\\"key\":\"a\\nb\",\"dup\":1,\"dup\":2,\"emoji\":\"\\uD83D\\uDE00\"}";
    llmg_json_doc doc;
    llmg_error err;
    llmg_json_val root, v, k;
    llmg_json_iter it;
    char buf[32];
    size_t need = 0, count = 0;
    int64_t i64 = 0;
    double d = 0;
    int b = -1;
    llmg_str view;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, src, sizeof src - 1, NULL, &err) == LLMG_OK);
    root = llmg_json_root(&doc);
    CHECK(llmg_json_typeof(root) == LLMG_JSON_OBJECT);
    CHECK(llmg_json_size(root) == 12);
    v = llmg_json_getc(root, "name");
    CHECK(llmg_json_typeof(v) == LLMG_JSON_STRING);
    CHECK(!llmg_json_str_view(v, &view));
    CHECK(llmg_json_get_str(v, NULL, 0, &need) == LLMG_OK && need == 5);
    CHECK(llmg_json_get_str(v, buf, sizeof buf, &need) == LLMG_OK && strcmp(buf, "caf\xC3\xA9") == 0);
    CHECK(llmg_json_get_str(v, buf, 5, &need) == LLMG_E_LIMIT);
    CHECK(llmg_json_str_eq(v, llmg_str_c("caf\xC3\xA9")));
    CHECK(!llmg_json_str_eq(v, llmg_str_c("cafe")));
    CHECK(!llmg_json_str_eq(v, llmg_str_c("caf\xC3\xA9!")));
    CHECK(llmg_json_lexeme(v).len == 11);
    CHECK(llmg_json_get_int64(llmg_json_getc(root, "n"), &i64) == LLMG_OK && i64 == -42);
    CHECK(llmg_json_is_int(llmg_json_getc(root, "n")));
    CHECK(!llmg_json_is_int(llmg_json_getc(root, "f")));
    CHECK(llmg_json_get_int64(llmg_json_getc(root, "f"), &i64) == LLMG_E_ARG);
    CHECK(llmg_json_get_double(llmg_json_getc(root, "f"), &d) == LLMG_OK && d == 2500.0);
    CHECK(llmg_json_get_int64(llmg_json_getc(root, "big"), &i64) == LLMG_E_LIMIT);
    CHECK(llmg_json_get_double(llmg_json_getc(root, "big"), &d) == LLMG_OK && d == 123456789012345678901.0);
    CHECK(llmg_json_get_bool(llmg_json_getc(root, "ok"), &b) == LLMG_OK && b == 1);
    CHECK(llmg_json_get_bool(llmg_json_getc(root, "no"), &b) == LLMG_OK && b == 0);
    CHECK(llmg_json_get_bool(llmg_json_getc(root, "nil"), &b) == LLMG_E_ARG);
    CHECK(llmg_json_is_null(llmg_json_getc(root, "nil")));
    CHECK(llmg_json_typeof(llmg_json_getc(root, "missing")) == LLMG_JSON_NONE);
    CHECK(llmg_json_typeof(llmg_json_getc(llmg_json_getc(root, "n"), "x")) == LLMG_JSON_NONE);
    v = llmg_json_getc(root, "arr");
    CHECK(llmg_json_size(v) == 4);
    CHECK(llmg_json_get_int64(llmg_json_at(v, 3), &i64) == LLMG_OK && i64 == 4);
    CHECK(llmg_json_size(llmg_json_at(v, 1)) == 2);
    CHECK(llmg_json_str_eq(llmg_json_getc(llmg_json_at(v, 2), "x"), llmg_str_c("y")));
    CHECK(llmg_json_typeof(llmg_json_at(v, 4)) == LLMG_JSON_NONE);
    CHECK(llmg_json_lexeme(llmg_json_at(v, 1)).len == 5);
    CHECK(memcmp(llmg_json_lexeme(llmg_json_at(v, 2)).ptr, "{\"x\":\"y\"}", 9) == 0);
    CHECK(llmg_json_str_eq(llmg_json_getc(root, "esc\"key"), llmg_str_c("a\nb")));
    CHECK(llmg_json_get_int64(llmg_json_getc(root, "dup"), &i64) == LLMG_OK && i64 == 2);
    CHECK(llmg_json_str_eq(llmg_json_getc(root, "emoji"), llmg_str_c("\xF0\x9F\x98\x80")));
    it = llmg_json_iter_init(root);
    while (llmg_json_iter_next(&it, &k, &v)) {
        CHECK(llmg_json_typeof(k) == LLMG_JSON_STRING);
        count++;
    }
    CHECK(count == 12);
    it = llmg_json_iter_init(llmg_json_getc(root, "arr"));
    count = 0;
    while (llmg_json_iter_next(&it, &k, &v)) {
        CHECK(llmg_json_typeof(k) == LLMG_JSON_NONE);
        count++;
    }
    CHECK(count == 4);
    {
        llmg_buf out = {0, 0, 0};
        CHECK(llmg_json_dup_str(llmg_json_getc(root, "emoji"), NULL, &out) == LLMG_OK);
        CHECK(out.len == 4 && strcmp(out.ptr, "\xF0\x9F\x98\x80") == 0);
        llmg_buf_free(&out, NULL);
    }
    CHECK(llmg_json_str_view(llmg_json_at(llmg_json_getc(root, "arr"), 2), &view) == 0);
    CHECK(llmg_json_str_view(llmg_json_getc(llmg_json_at(llmg_json_getc(root, "arr"), 2), "x"), &view) == 1);
    CHECK(view.len == 1 && view.ptr[0] == 'y');
    /* reparse reuses the tokens */
    CHECK(llmg_json_parse(&doc, "[true]", 6, NULL, &err) == LLMG_OK);
    CHECK(doc.count == 2 && llmg_json_typeof(llmg_json_at(llmg_json_root(&doc), 0)) == LLMG_JSON_TRUE);
    llmg_json_doc_free(&doc);
}

/* Writes v with the writer; returns a malloc'd copy. */
static char *write_one(double v)
{
    llmg_json_writer w;
    llmg_str s;
    char *r;
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_json_write_double(&w, v);
    s = llmg_json_writer_str(&w);
    r = (char *)malloc(s.len + 1);
    memcpy(r, s.ptr, s.len);
    r[s.len] = '\0';
    llmg_json_writer_free(&w);
    return r;
}

static void test_json_writer_exact(void)
{
    llmg_json_writer w;
    llmg_error err;
    static const struct { double v; const char *want; } dbl[] = {
        { 1.0, "1.0" }, { 0.5, "0.5" }, { -0.0, "-0.0" }, { 0.0, "0.0" }, { 100.0, "100.0" },
        { 1e14, "100000000000000.0" }, { 1e15, "1.0e+15" }, { 1e16, "1.0e+16" },
        { 1234567890123456.7, "1234567890123456.8" }, { 123456789012345.6, "123456789012345.6" }, { 1e20, "1.0e+20" },
        { 0.0001, "0.0001" }, { 0.00001, "1.0e-05" }, { 1.234e-7, "1.234e-07" },
        { 123.456, "123.456" }, { 0.1, "0.1" }, { 1.0 / 3.0, "0.3333333333333333" },
        { 5e-324, "5.0e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 9007199254740993.0, "9.007199254740992e+15" }, { 1.5e300, "1.5e+300" }, { -2.5, "-2.5" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" }, { 12345678.9, "12345678.9" },
    };
    size_t k;
    for (k = 0; k < sizeof dbl / sizeof dbl[0]; k++) {
        char *got = write_one(dbl[k].v);
        CHECK(strcmp(got, dbl[k].want) == 0);
        if (strcmp(got, dbl[k].want) != 0) t_note("got %s", got);
        free(got);
    }
    CHECK(llmg_json_writer_init(&w, NULL, &err) == LLMG_OK);
    llmg_json_write_obj_begin(&w);
    llmg_json_write_keyc(&w, "s");
    llmg_json_write_str(&w, llmg_str_c("a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f \xC3\xA9\xE2\x80\xA8"));
    llmg_json_write_keyc(&w, "i");
    llmg_json_write_int(&w, INT64_MIN);
    llmg_json_write_keyc(&w, "a");
    llmg_json_write_arr_begin(&w);
    llmg_json_write_int(&w, 15);
    llmg_json_write_bool(&w, 1);
    llmg_json_write_bool(&w, 0);
    llmg_json_write_null(&w);
    llmg_json_write_raw(&w, llmg_str_c("{\"raw\":[1]}"));
    llmg_json_write_arr_begin(&w);
    llmg_json_write_arr_end(&w);
    llmg_json_write_obj_begin(&w);
    llmg_json_write_obj_end(&w);
    llmg_json_write_arr_end(&w);
    CHECK(llmg_json_write_obj_end(&w) == LLMG_OK);
    {
        char *want = t_q("{'s':'a\\'b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xC3\xA9\xE2\x80\xA8',"
                         "'i':-9223372036854775808,'a':[15,true,false,null,{'raw':[1]},[],{}]}");
        llmg_str got = llmg_json_writer_str(&w);
        CHECK(got.len == strlen(want) && memcmp(got.ptr, want, got.len) == 0);
        if (got.len != strlen(want) || memcmp(got.ptr, want, got.len) != 0) t_note("got %s", got.ptr);
        free(want);
    }
    /* misuse is a sticky LLMG_E_ARG */
    llmg_json_writer_reset(&w);
    llmg_json_write_obj_begin(&w);
    CHECK(llmg_json_write_int(&w, 1) == LLMG_E_ARG);
    CHECK(llmg_json_write_keyc(&w, "a") == LLMG_E_ARG);
    CHECK(llmg_json_writer_status(&w, &err) == LLMG_E_ARG && strstr(err.msg, "key") != NULL);
    llmg_json_writer_reset(&w);
    CHECK(llmg_json_write_arr_end(&w) == LLMG_E_ARG);
    llmg_json_writer_reset(&w);
    llmg_json_write_int(&w, 1);
    CHECK(llmg_json_write_int(&w, 2) == LLMG_E_ARG);
    llmg_json_writer_reset(&w);
    CHECK(llmg_json_write_str(&w, llmg_str_c("\xff")) == LLMG_E_SYNTAX);
    llmg_json_writer_reset(&w);
    CHECK(llmg_json_write_double(&w, DBL_MAX * 2) == LLMG_E_ARG);
    llmg_json_writer_reset(&w);
    llmg_json_write_obj_begin(&w);
    llmg_json_write_keyc(&w, "k");
    CHECK(llmg_json_write_obj_end(&w) == LLMG_E_ARG);
    llmg_json_writer_free(&w);
    {
        llmg_json_writer_opts wo;
        memset(&wo, 0, sizeof wo);
        wo.replace_invalid_utf8 = 1;
        wo.max_depth = 2;
        llmg_json_writer_init(&w, &wo, NULL);
        llmg_json_write_arr_begin(&w);
        llmg_json_write_str(&w, llmg_str_c("a\xff" "b\xE2\x82" "c\xF0\x9F\x98"));
        llmg_json_write_arr_begin(&w);
        CHECK(llmg_json_write_arr_begin(&w) == LLMG_E_LIMIT);
        CHECK(strncmp(llmg_json_writer_str(&w).ptr, "[\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\",[", 20) == 0);
        llmg_json_writer_free(&w);
    }
}

static int sink_to(void *user, const char *bytes, size_t len)
{
    t_str *out = (t_str *)user;
    if (len == 0 || len > 64 * 7 + 6) return 1;      /* never empty; out held about sink_bytes */
    t_str_add(out, bytes, len);
    return 0;
}

/* s written as a string, quotes included, into out: the writer's output,
   or with sink_bytes what a sink of that size took (flushed, nothing left
   in the writer). */
static llmg_status sink_write(const char *s, size_t n, int replace, size_t sink_bytes, t_str *out)
{
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    llmg_str v;
    llmg_status st;
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = replace;
    if (sink_bytes) {
        wo.sink = sink_to;
        wo.sink_user = out;
        wo.sink_bytes = sink_bytes;
    }
    llmg_json_writer_init(&w, &wo, NULL);
    v.ptr = s;
    v.len = n;
    st = llmg_json_write_str(&w, v);
    if (st == LLMG_OK && sink_bytes) {
        st = llmg_json_writer_flush(&w);
        if (st == LLMG_OK && llmg_json_writer_str(&w).len != 0) st = LLMG_E_ARG;
    } else if (st == LLMG_OK) {
        t_str_add(out, llmg_json_writer_str(&w).ptr, llmg_json_writer_str(&w).len);
    }
    llmg_json_writer_free(&w);
    return st;
}

/* The content the writer makes of s alone (between the quotes), into out;
   its status. */
static llmg_status escaped(const char *s, size_t n, int replace, t_str *out)
{
    t_str whole;
    llmg_status st;
    memset(&whole, 0, sizeof whole);
    st = sink_write(s, n, replace, 0, &whole);
    if (st == LLMG_OK) t_str_add(out, whole.p + 1, whole.len - 2);
    t_str_free(&whole);
    return st;
}

/* Long strings are escaped sixteen bytes at a time where the compiler has
   SSE2: every piece (plain, escaped, UTF-8 of each length, invalid UTF-8 of
   each kind) at every position against the block ends gives what it gives
   alone, in both modes. The pieces never join (none starts with a
   continuation byte), so the whole is the pieces' outputs in order; and
   through a sink, which takes the output in pieces, the same bytes. */
static void test_json_writer_long_strings(void)
{
    static const char *const atoms[] = {
        "a", "plain text ", "\"", "\\", "\n", "\x01", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x99\x82", "\xff", "\xe2\x82", "\xf0\x9f\x98", "\xc0\x80", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xe0\x80\x80"
    };
    size_t na = sizeof atoms / sizeof *atoms, round, bad = 0;
    uint32_t seed = 12345;
    for (round = 0; round < 3000; round++) {
        t_str in, want, got;
        size_t k, count;
        int replace = (int)(round & 1), invalid = 0;
        llmg_status st;
        memset(&in, 0, sizeof in);
        memset(&want, 0, sizeof want);
        memset(&got, 0, sizeof got);
        seed = seed * 1103515245u + 12345u;
        count = (seed >> 16) % 40;
        for (k = 0; k < count; k++) {
            const char *a;
            seed = seed * 1103515245u + 12345u;
            /* mostly plain, as text is */
            a = (seed >> 16) % 3 ? atoms[(seed >> 20) % 2] : atoms[(seed >> 18) % na];
            t_str_addc(&in, a);
            if (escaped(a, strlen(a), replace, &want) != LLMG_OK) invalid = 1;
        }
        st = escaped(in.p ? in.p : "", in.len, replace, &got);
        if (st == LLMG_OK) {
            /* through a sink at its smallest: the same bytes, in pieces */
            t_str sunk;
            memset(&sunk, 0, sizeof sunk);
            if (sink_write(in.p ? in.p : "", in.len, replace, 64, &sunk) != LLMG_OK
                || sunk.len != got.len + 2 || (got.len && memcmp(sunk.p + 1, got.p, got.len) != 0))
                bad++;
            t_str_free(&sunk);
        }
        if (!replace && invalid) {
            if (st != LLMG_E_SYNTAX) bad++;
        } else if (st != LLMG_OK || got.len != want.len || (want.len && memcmp(got.p, want.p, want.len) != 0)) {
            if (!bad) t_note("round %s", replace ? "replacing" : "strict");
            bad++;
        }
        t_str_free(&in);
        t_str_free(&want);
        t_str_free(&got);
    }
    CHECK(bad == 0);
}

static int sink_refuse(void *user, const char *bytes, size_t len)
{
    (void)bytes;
    (void)len;
    return --*(int *)user < 0;
}

/* A writer with a sink: a document written in pieces is the document;
   max_bytes counts what the sink took; one top-level value across what
   it took; a sink that refuses stops the writer (LLMG_E_HOST, sticky, at
   the offset reached). */
static void test_json_writer_sink(void)
{
    llmg_json_writer w, plain;
    llmg_json_writer_opts wo;
    llmg_error err;
    t_str got;
    int k, left;
    memset(&got, 0, sizeof got);
    memset(&wo, 0, sizeof wo);
    wo.sink = sink_to;
    wo.sink_user = &got;
    wo.sink_bytes = 1;                          /* raised to 64 */
    CHECK(llmg_json_writer_init(&w, &wo, NULL) == LLMG_OK);
    CHECK(llmg_json_writer_init(&plain, NULL, NULL) == LLMG_OK);
    llmg_json_write_arr_begin(&w);
    llmg_json_write_arr_begin(&plain);
    for (k = 0; k < 200; k++) {
        llmg_json_write_strc(&w, "caf\xc3\xa9 \"quoted\"");
        llmg_json_write_strc(&plain, "caf\xc3\xa9 \"quoted\"");
        llmg_json_write_int(&w, k);
        llmg_json_write_int(&plain, k);
    }
    llmg_json_write_arr_end(&w);
    llmg_json_write_arr_end(&plain);
    CHECK(llmg_json_writer_str(&w).len < 64 + 32);
    CHECK(llmg_json_writer_flush(&w) == LLMG_OK && llmg_json_writer_str(&w).len == 0);
    CHECK(got.len == llmg_json_writer_str(&plain).len
          && memcmp(got.p, llmg_json_writer_str(&plain).ptr, got.len) == 0);
    CHECK(llmg_json_write_int(&w, 1) == LLMG_E_ARG);    /* the array went to the sink: still one value */
    llmg_json_writer_free(&w);
    llmg_json_writer_free(&plain);
    t_str_free(&got);

    /* max_bytes counts the sunk bytes */
    memset(&got, 0, sizeof got);
    wo.sink_bytes = 64;
    wo.max_bytes = 300;
    CHECK(llmg_json_writer_init(&w, &wo, NULL) == LLMG_OK);
    llmg_json_write_arr_begin(&w);
    for (k = 0; k < 100 && llmg_json_write_strc(&w, "0123456789") == LLMG_OK; k++) {}
    CHECK(llmg_json_writer_status(&w, &err) == LLMG_E_LIMIT);
    CHECK(err.offset == got.len + llmg_json_writer_str(&w).len && got.len > 0 && err.offset <= 300);
    llmg_json_writer_free(&w);
    t_str_free(&got);

    /* a sink that refuses the second time */
    left = 1;
    memset(&wo, 0, sizeof wo);
    wo.sink = sink_refuse;
    wo.sink_user = &left;
    wo.sink_bytes = 64;
    CHECK(llmg_json_writer_init(&w, &wo, NULL) == LLMG_OK);
    llmg_json_write_arr_begin(&w);
    for (k = 0; k < 100 && llmg_json_write_strc(&w, "0123456789") == LLMG_OK; k++) {}
    CHECK(k > 5 && k < 20);
    CHECK(llmg_json_writer_status(&w, &err) == LLMG_E_HOST && strstr(err.msg, "sink") != NULL);
    CHECK(err.offset >= 64 && err.offset < 160);
    CHECK(llmg_json_writer_flush(&w) == LLMG_E_HOST);
    llmg_json_writer_free(&w);
}

/* tokenize -> write -> tokenize -> write is stable, and the first write
   is the expected canonical form. */
static void test_json_round_trip(void)
{
    static const struct { const char *in, *want; } cases[] = {
        { " { \"a\" : [ 1 , 2.50 , -0 , 1E2 , 1e-5 , true , null ] } ",
          "{'a':[1,2.5,0,100.0,1.0e-05,true,null]}" },
        { "\"\\u0041\\/\\u00e9\\uD83D\\uDE00\\u001f\\u007f\"", "'A/\xC3\xA9\xF0\x9F\x98\x80\\u001f\x7f'" },
        { "[123456789012345678901234567890,-9223372036854775809]",
          "[123456789012345678901234567890,-9223372036854775809]" },
        { "{\"a\":{},\"b\":[[],[{}]],\"a\":3}", "{'a':{},'b':[[],[{}]],'a':3}" },
        { "[0.1,1e22,1e16,9999999999999998,0.00001234]",
          "[0.1,1.0e+22,1.0e+16,9999999999999998,1.234e-05]" },
        { "\"tab\\there\"", "'tab\\there'" },
    };
    size_t k;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        llmg_json_doc d1, d2;
        llmg_json_writer w1, w2;
        llmg_error err;
        llmg_str s1, s2;
        char *want = t_q(cases[k].want);
        llmg_json_doc_init(&d1);
        llmg_json_doc_init(&d2);
        llmg_json_writer_init(&w1, NULL, NULL);
        llmg_json_writer_init(&w2, NULL, NULL);
        CHECK(llmg_json_parse(&d1, cases[k].in, strlen(cases[k].in), NULL, &err) == LLMG_OK);
        CHECK(llmg_json_write_val(&w1, llmg_json_root(&d1)) == LLMG_OK);
        s1 = llmg_json_writer_str(&w1);
        CHECK(s1.len == strlen(want) && memcmp(s1.ptr, want, s1.len) == 0);
        if (s1.len != strlen(want) || memcmp(s1.ptr, want, s1.len) != 0) t_note("got %s", s1.ptr);
        CHECK(llmg_json_parse(&d2, s1.ptr, s1.len, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_write_val(&w2, llmg_json_root(&d2)) == LLMG_OK);
        s2 = llmg_json_writer_str(&w2);
        CHECK(s1.len == s2.len && memcmp(s1.ptr, s2.ptr, s1.len) == 0);
        llmg_json_writer_free(&w1);
        llmg_json_writer_free(&w2);
        llmg_json_doc_free(&d1);
        llmg_json_doc_free(&d2);
        free(want);
    }
    {   /* a value inside a document, and an overflowing float */
        llmg_json_doc d;
        llmg_json_writer w;
        llmg_json_doc_init(&d);
        llmg_json_writer_init(&w, NULL, NULL);
        CHECK(llmg_json_parse(&d, "{\"x\":[1,{\"y\":2}],\"z\":1e400}", 27, NULL, NULL) == LLMG_OK);
        CHECK(llmg_json_write_val(&w, llmg_json_getc(llmg_json_root(&d), "x")) == LLMG_OK);
        CHECK(strcmp(llmg_json_writer_str(&w).ptr, "[1,{\"y\":2}]") == 0);
        llmg_json_writer_reset(&w);
        CHECK(llmg_json_write_val(&w, llmg_json_root(&d)) == LLMG_E_LIMIT);
        llmg_json_writer_free(&w);
        llmg_json_doc_free(&d);
    }
}

/* The formatter and parser against libc on many doubles: every power of
   ten and two, subnormals, and random bit patterns. */
static int check_double(double v)
{
    char buf[64], *end;
    double back = 0, parsed = 0;
    size_t n, digits = 0, i, shortest = 17;
    int p;
    char *s = write_one(v);
    back = strtod(s, &end);
    if (memcmp(&back, &v, sizeof v) != 0) { free(s); return 0; }
    /* the fewest digits whose correctly rounded string round-trips */
    for (p = 0; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p, v);
        if (strtod(buf, NULL) == v) { shortest = (size_t)p + 1; break; }
    }
    n = strlen(s);
    /* count significant digits of our output */
    {
        const char *q = s;
        int seen = 0;
        size_t trailing = 0;
        for (i = 0; i < n && s[i] != 'e'; i++) {
            if (q[i] >= '0' && q[i] <= '9') {
                if (q[i] != '0') seen = 1;
                if (seen) { digits++; trailing = q[i] == '0' ? trailing + 1 : 0; }
            }
        }
        digits -= trailing;
        if (digits == 0) digits = 1;
    }
    {   /* our parser agrees with libc on our own output and on %.17g */
        llmg_json_doc d;
        llmg_json_doc_init(&d);
        snprintf(buf, sizeof buf, "%.17g", v);
        if (strchr(buf, 'n') || strchr(buf, 'i')) { free(s); return 1; }
        if (llmg_json_parse(&d, buf, strlen(buf), NULL, NULL) != LLMG_OK
            || llmg_json_get_double(llmg_json_root(&d), &parsed) != LLMG_OK
            || memcmp(&parsed, &v, sizeof v) != 0) {
            llmg_json_doc_free(&d);
            free(s);
            return 0;
        }
        llmg_json_doc_free(&d);
    }
    free(s);
    /* the correctly rounded string of n digits can miss where a neighbour
       of it round-trips: only at a power of two, whose lower gap is half */
    if (digits + 1 == shortest) {
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        return (bits & 0xFFFFFFFFFFFFFull) == 0;
    }
    return digits == shortest;
}

static int check_double_noted(double v)
{
    int ok = check_double(v);
    if (!ok) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", v);
        t_note("double: %s", buf);
    }
    return ok;
}
#define check_double check_double_noted

static void test_json_doubles_against_libc(void)
{
    int e, bad = 0;
    unsigned long long x = 0x9E3779B97F4A7C15ull;
    long i;
    double v;
    for (e = -323; e <= 308; e++) {
        char buf[32];
        snprintf(buf, sizeof buf, "1e%d", e);
        v = strtod(buf, NULL);
        bad += !check_double(v) + !check_double(-v);
    }
    for (e = -1074; e <= 1023; e++) {
        uint64_t bits = e >= -1022 ? (uint64_t)(e + 1023) << 52 : (uint64_t)1 << (e + 1074);
        memcpy(&v, &bits, sizeof v);
        bad += !check_double(v);
    }
    for (i = 1; i < 2000; i++) {
        uint64_t bits = (uint64_t)i * 2251799813685ull;  /* subnormals */
        memcpy(&v, &bits, sizeof v);
        bad += !check_double(v);
    }
    bad += !check_double(DBL_MAX) + !check_double(DBL_MIN) + !check_double(DBL_EPSILON);
    for (i = 0; i < 200000; i++) {
        uint64_t bits;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        bits = (uint64_t)x;
        memcpy(&v, &bits, sizeof v);
        if (v != v || v - v != 0) continue;     /* NaN, infinity */
        bad += !check_double(v);
    }
    CHECK(bad == 0);
}

static void test_json_hostile(void)
{
    llmg_json_doc doc;
    llmg_error err;
    llmg_json_opts o;
    size_t n = 100000, i;
    char *deep = (char *)malloc(2 * n + 1);
    double d;
    llmg_json_doc_init(&doc);
    for (i = 0; i < n; i++) { deep[i] = '['; deep[2 * n - 1 - i] = ']'; }
    CHECK(llmg_json_parse(&doc, deep, 2 * n, NULL, &err) == LLMG_E_LIMIT);
    CHECK(err.offset == 512 && strstr(err.msg, "max_depth") != NULL);
    memset(&o, 0, sizeof o);
    o.max_depth = n;
    CHECK(llmg_json_parse(&doc, deep, 2 * n, &o, &err) == LLMG_OK);
    CHECK(doc.count == n);
    CHECK(llmg_json_parse(&doc, deep, n, &o, &err) == LLMG_NEED_MORE);   /* all open */
    {   /* the deep document re-written, no recursion */
        llmg_json_writer w;
        llmg_json_writer_opts wo;
        memset(&wo, 0, sizeof wo);
        wo.max_depth = n;
        CHECK(llmg_json_parse(&doc, deep, 2 * n, &o, &err) == LLMG_OK);
        llmg_json_writer_init(&w, &wo, NULL);
        CHECK(llmg_json_write_val(&w, llmg_json_root(&doc)) == LLMG_OK);
        CHECK(w.out.len == 2 * n && memcmp(w.out.ptr, deep, 2 * n) == 0);
        llmg_json_writer_free(&w);
    }
    free(deep);
    {   /* a 100 MB string */
        size_t big = (size_t)100 * 1024 * 1024;
        char *s = (char *)malloc(big + 2);
        llmg_str view;
        memset(s + 1, 'a', big);
        s[0] = '"';
        s[big + 1] = '"';
        CHECK(llmg_json_parse(&doc, s, big + 2, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_str_view(llmg_json_root(&doc), &view) && view.len == big);
        s[big / 2] = '\0';
        CHECK(llmg_json_parse(&doc, s, big + 2, NULL, &err) == LLMG_E_SYNTAX);
        CHECK(err.offset == big / 2);
        free(s);
    }
    {   /* numbers with 10 000 digits, and exponents past any double */
        size_t len = 10000;
        char *num = (char *)malloc(len + 16);
        memset(num, '9', len);
        CHECK(llmg_json_parse(&doc, num, len, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_get_double(llmg_json_root(&doc), &d) == LLMG_E_LIMIT);
        num[0] = '1';
        memset(num + 1, '0', len - 1);
        memcpy(num + len, "e-9999", 6);
        CHECK(llmg_json_parse(&doc, num, len + 6, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_get_double(llmg_json_root(&doc), &d) == LLMG_OK && d == 1.0);
        memcpy(num, "0.", 2);
        memset(num + 2, '0', len - 3);
        num[len - 1] = '1';
        CHECK(llmg_json_parse(&doc, num, len, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_get_double(llmg_json_root(&doc), &d) == LLMG_OK && d == 0.0);
        free(num);
        CHECK(llmg_json_parse(&doc, "1e999999", 8, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_get_double(llmg_json_root(&doc), &d) == LLMG_E_LIMIT && d > DBL_MAX);
        CHECK(llmg_json_parse(&doc, "-1e-999999", 10, NULL, &err) == LLMG_OK);
        CHECK(llmg_json_get_double(llmg_json_root(&doc), &d) == LLMG_OK && d == 0.0);
    }
    memset(&o, 0, sizeof o);
    o.max_tokens = 3;
    CHECK(llmg_json_parse(&doc, "[1,2]", 5, &o, &err) == LLMG_OK);
    CHECK(llmg_json_parse(&doc, "[1,2,3]", 7, &o, &err) == LLMG_E_LIMIT);
    CHECK(err.offset == 5);
    llmg_json_doc_free(&doc);
}

static void test_json_alloc_failure(void)
{
    static const char src[] = "{\"a\":[1,2,3,{\"b\":\"c\\n\"}],\"d\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]],"
                              "\"e\":\"x\",\"f\":[true,false,null,1.5,2,3,4,5,6,7,8,9,10,11,12,13,14]}";
    t_alloc ta;
    llmg_json_opts o;
    size_t k, total;
    int from;
    memset(&o, 0, sizeof o);
    o.allocator = t_alloc_make(&ta);
    o.max_depth = 1000;
    {
        llmg_json_doc doc;
        llmg_json_doc_init(&doc);
        CHECK(llmg_json_parse(&doc, src, sizeof src - 1, &o, NULL) == LLMG_OK);
        llmg_json_doc_free(&doc);
    }
    total = ta.calls;
    CHECK(total > 2 && ta.live == 0);
    for (from = 0; from <= 1; from++) {
        for (k = 1; k <= total + 1; k++) {
            llmg_json_doc doc;
            llmg_json_writer w;
            llmg_json_writer_opts wo;
            llmg_error err;
            llmg_status st;
            t_alloc_arm(&ta, k, from);
            llmg_json_doc_init(&doc);
            st = llmg_json_parse(&doc, src, sizeof src - 1, &o, &err);
            CHECK(st == LLMG_OK || (st == LLMG_E_NOMEM && doc.count == 0));
            if (st == LLMG_OK) {
                memset(&wo, 0, sizeof wo);
                wo.allocator = o.allocator;
                llmg_json_writer_init(&w, &wo, NULL);
                st = llmg_json_write_val(&w, llmg_json_root(&doc));
                CHECK(st == LLMG_OK || st == LLMG_E_NOMEM);
                llmg_json_writer_free(&w);
            }
            llmg_json_doc_free(&doc);
            CHECK(ta.live == 0);
        }
    }
}

/* A large generated document validated at chunk sizes 1 to 64, and the
   same document with one bad byte: same verdict and offset every time. */
static void test_json_large_chunked(void)
{
    t_str doc = {0, 0, 0};
    size_t chunk, bad_at;
    int i;
    char item[128];
    t_str_addc(&doc, "[");
    for (i = 0; i < 400; i++) {
        snprintf(item, sizeof item, "%s{\"i\":%d,\"s\":\"caf\xc3\xa9 \\u00e9 \\n %d\",\"f\":%d.5e-3,\"a\":[true,null]}",
                 i ? "," : "", i, i * 7, i);
        t_str_addc(&doc, item);
    }
    t_str_addc(&doc, "]");
    bad_at = doc.len / 2;
    for (chunk = 1; chunk <= 64; chunk++) {
        int pass;
        for (pass = 0; pass < 2; pass++) {
            llmg_json_stream s;
            llmg_error err;
            llmg_status st = LLMG_NEED_MORE;
            size_t at = 0;
            char saved = doc.p[bad_at];
            if (pass == 1) doc.p[bad_at] = '\x01';
            llmg_json_stream_init(&s, NULL, &err);
            while (at < doc.len && st >= 0) {
                size_t n = chunk < doc.len - at ? chunk : doc.len - at;
                st = llmg_json_stream_feed(&s, doc.p + at, n, &err);
                at += n;
            }
            if (st >= 0) st = llmg_json_stream_finish(&s, &err);
            llmg_json_stream_free(&s);
            if (pass == 0) CHECK(st == LLMG_OK);
            else CHECK(st == LLMG_E_SYNTAX && err.offset == bad_at);
            doc.p[bad_at] = saved;
        }
    }
    t_str_free(&doc);
}

void suite_json(void)
{
    RUN(test_json_large_chunked);
    RUN(test_json_valid_every_split);
    RUN(test_json_invalid_every_split);
    RUN(test_json_need_more);
    RUN(test_json_navigation);
    RUN(test_json_writer_exact);
    RUN(test_json_writer_long_strings);
    RUN(test_json_writer_sink);
    RUN(test_json_round_trip);
    RUN(test_json_doubles_against_libc);
    RUN(test_json_hostile);
    RUN(test_json_alloc_failure);
}
