/* Pieces shared by the conformance programs: reading the shared fixtures
   and comparing JSON the way the fixtures' README asks (key order ignored,
   numbers by value and kind: 1 is not 1.0). Include after llm_gateway.h. */
#ifndef LLMG_CONFORMANCE_H
#define LLMG_CONFORMANCE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#  define CONF_UNUSED __attribute__((unused))
#else
#  define CONF_UNUSED
#endif

/* The gem's error classes and the kinds they map to. */
CONF_UNUSED static const char *const class_kinds[][2] = {
    { "LlmGateway::Errors::BadRequestError",          "bad_request" },
    { "LlmGateway::Errors::PromptTooLong",            "prompt_too_long" },
    { "LlmGateway::Errors::AuthenticationError",      "authentication" },
    { "LlmGateway::Errors::PermissionDeniedError",    "permission_denied" },
    { "LlmGateway::Errors::NotFoundError",            "not_found" },
    { "LlmGateway::Errors::ConflictError",            "conflict" },
    { "LlmGateway::Errors::UnprocessableEntityError", "unprocessable" },
    { "LlmGateway::Errors::RateLimitError",           "rate_limit" },
    { "LlmGateway::Errors::OverloadError",            "overloaded" },
    { "LlmGateway::Errors::InternalServerError",      "server" },
    { "LlmGateway::Errors::APIStatusError",           "api_status" },
    { "LlmGateway::Errors::APITimeoutError",          "timeout" },
    { "LlmGateway::Errors::APIConnectionError",       "connection" }
};

CONF_UNUSED static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f) return NULL;
    for (;;) {
        size_t got;
        if (n == cap) {
            char *bigger = (char *)realloc(buf, cap ? cap * 2 : 65536);
            if (!bigger) { free(buf); fclose(f); return NULL; }
            buf = bigger;
            cap = cap ? cap * 2 : 65536;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    *len = n;
    return buf;
}

CONF_UNUSED static char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = (char *)malloc(la + lb + 2);
    if (!p) abort();
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* An unescaped, NUL-terminated copy of a string value ("" for anything
   else); free() it. */
CONF_UNUSED static char *dup_json_str(llmg_json_val v, size_t *len)
{
    size_t n = 0;
    char *s;
    if (llmg_json_typeof(v) == LLMG_JSON_STRING) llmg_json_get_str(v, NULL, 0, &n);
    s = (char *)malloc(n + 1);
    if (!s) abort();
    s[0] = '\0';
    if (n) llmg_json_get_str(v, s, n + 1, NULL);
    if (len) *len = n;
    return s;
}

/* The compact JSON of a value, or of one field of the result. */
CONF_UNUSED static char *json_text(llmg_json_val v)
{
    llmg_json_writer w;
    char *s;
    llmg_json_writer_init(&w, NULL, NULL);
    if (llmg_json_typeof(v) == LLMG_JSON_NONE) llmg_json_write_null(&w);
    else llmg_json_write_val(&w, v);
    s = (char *)malloc(w.out.len + 1);
    if (!s) abort();
    memcpy(s, w.out.ptr ? w.out.ptr : "", w.out.len);
    s[w.out.len] = '\0';
    llmg_json_writer_free(&w);
    return s;
}

/* The kind of a gem error class name, or NULL. */
CONF_UNUSED static const char *kind_of_class(llmg_json_val cls)
{
    size_t i;
    for (i = 0; i < sizeof class_kinds / sizeof class_kinds[0]; i++)
        if (llmg_json_str_eq(cls, llmg_str_c(class_kinds[i][0]))) return class_kinds[i][1];
    return NULL;
}

/* JSON equality: objects by key set, arrays in order, strings unescaped,
   integers by value, floats by double value, an integer never equal to a
   float. */
CONF_UNUSED static int json_equal(llmg_json_val a, llmg_json_val b)
{
    llmg_json_type t = llmg_json_typeof(a);
    if (t != llmg_json_typeof(b)) return 0;
    switch (t) {
    case LLMG_JSON_NUMBER: {
        int ia = llmg_json_is_int(a), ib = llmg_json_is_int(b);
        int64_t x, y;
        double dx, dy;
        if (ia != ib) return 0;
        if (ia && llmg_json_get_int64(a, &x) == LLMG_OK && llmg_json_get_int64(b, &y) == LLMG_OK)
            return x == y;
        if (llmg_json_get_double(a, &dx) != LLMG_OK || llmg_json_get_double(b, &dy) != LLMG_OK)
            return llmg_str_eq(llmg_json_lexeme(a), llmg_json_lexeme(b));
        return dx == dy;
    }
    case LLMG_JSON_STRING: {
        size_t la, lb;
        char *sa = dup_json_str(a, &la), *sb = dup_json_str(b, &lb);
        int eq = la == lb && memcmp(sa, sb, la) == 0;
        free(sa);
        free(sb);
        return eq;
    }
    case LLMG_JSON_ARRAY: {
        size_t i, n = llmg_json_size(a);
        if (n != llmg_json_size(b)) return 0;
        for (i = 0; i < n; i++)
            if (!json_equal(llmg_json_at(a, i), llmg_json_at(b, i))) return 0;
        return 1;
    }
    case LLMG_JSON_OBJECT: {
        llmg_json_iter it = llmg_json_iter_init(a);
        llmg_json_val k, v;
        if (llmg_json_size(a) != llmg_json_size(b)) return 0;
        while (llmg_json_iter_next(&it, &k, &v)) {
            size_t kl;
            char *ks = dup_json_str(k, &kl);
            llmg_str key;
            int eq;
            key.ptr = ks;
            key.len = kl;
            eq = json_equal(v, llmg_json_get(b, key));
            free(ks);
            if (!eq) return 0;
        }
        return 1;
    }
    default:
        return 1;
    }
}

CONF_UNUSED static void mismatch(const char *label, const char *what, const char *want, const char *got)
{
    printf("FAIL %s: %s: gem %s, llmg %s\n", label, what, want, got);
}

/* Compares the result with the gem's "raised" (or "error") object. */
CONF_UNUSED static int compare(const char *label, llmg_json_val raised, const llmg_provider_error *pe)
{
    llmg_json_val cls = llmg_json_getc(raised, "class"), msg = llmg_json_getc(raised, "message");
    llmg_json_val code = llmg_json_getc(raised, "code"), v;
    char *want_kind = NULL, *s, *t;
    const char *kind = NULL;
    int ok = 1;
    llmg_json_writer w;

    kind = kind_of_class(cls);
    want_kind = dup_json_str(cls, NULL);
    if (!kind || strcmp(kind, llmg_error_kind_name(pe->kind)) != 0) {
        mismatch(label, "kind", want_kind, llmg_error_kind_name(pe->kind));
        ok = 0;
    }

    /* message: the gem's default message is its class name; llmg has null */
    if (pe->has_message) {
        size_t n;
        s = dup_json_str(msg, &n);
        if (llmg_json_typeof(msg) != LLMG_JSON_STRING || n != pe->message.len ||
            memcmp(s, pe->message.ptr, n) != 0) {
            mismatch(label, "message", s, pe->message.ptr);
            ok = 0;
        }
        free(s);
    } else if (!llmg_json_str_eq(msg, llmg_str_c(want_kind)) && !llmg_json_is_null(msg)) {
        mismatch(label, "message", "(a message)", "null");
        ok = 0;
    }

    /* code, compared as JSON */
    s = json_text(code);
    llmg_json_writer_init(&w, NULL, NULL);
    if (!pe->has_code) llmg_json_write_null(&w);
    else if (pe->code_json) llmg_json_write_raw(&w, pe->code);
    else llmg_json_write_str(&w, pe->code);
    if (strcmp(s, w.out.ptr) != 0) {
        mismatch(label, "code", s, w.out.ptr);
        ok = 0;
    }
    llmg_json_writer_free(&w);
    free(s);

    /* the rate-limit fields, where the gem's error carries them */
    v = llmg_json_getc(raised, "reset_after_seconds");
    if (llmg_json_typeof(v) != LLMG_JSON_NONE) {
        int64_t n = 0;
        int has = llmg_json_get_int64(v, &n) == LLMG_OK;
        if (has != pe->has_retry_after || (has && n != pe->retry_after_seconds)) {
            s = json_text(v);
            mismatch(label, "reset_after_seconds", s, "another value");
            free(s);
            ok = 0;
        }
    }
    v = llmg_json_getc(raised, "reset_at");
    if (llmg_json_typeof(v) != LLMG_JSON_NONE) {
        int64_t n = 0;
        int has = llmg_json_get_int64(v, &n) == LLMG_OK;
        if ((!has && !llmg_json_is_null(v)) || has != pe->has_reset_at ||
            (has && n != pe->reset_at)) {
            s = json_text(v);
            mismatch(label, "reset_at", s, "another value");
            free(s);
            ok = 0;
        }
    }
    v = llmg_json_getc(raised, "rate_limit_info");
    if (llmg_json_typeof(v) != LLMG_JSON_NONE) {
        /* the same members, each with the same JSON, in any order */
        llmg_json_doc mine;
        llmg_json_iter it;
        llmg_json_val k, ev;
        llmg_json_doc_init(&mine);
        if (llmg_json_parse(&mine, pe->rate_limit_info.ptr, pe->rate_limit_info.len, NULL, NULL) !=
                LLMG_OK ||
            llmg_json_size(v) != llmg_json_size(llmg_json_root(&mine))) {
            ok = 0;
        } else {
            it = llmg_json_iter_init(v);
            while (llmg_json_iter_next(&it, &k, &ev)) {
                char *name = dup_json_str(k, NULL);
                s = json_text(ev);
                t = json_text(llmg_json_getc(llmg_json_root(&mine), name));
                if (strcmp(s, t) != 0) {
                    mismatch(label, name, s, t);
                    ok = 0;
                }
                free(s);
                free(t);
                free(name);
            }
        }
        if (!ok) mismatch(label, "rate_limit_info", "(see above)", pe->rate_limit_info.ptr);
        llmg_json_doc_free(&mine);
    }
    free(want_kind);
    return ok;
}

#endif
