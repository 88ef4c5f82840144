/* Conformance of the error classifier with the llm_gateway gem.

   usage: conformance_errors EXPECTED_DIR RECORDED_DIR [--emit DIR] FILE...

   Each FILE is a path relative to EXPECTED_DIR: a JSON file of what the gem
   made of one recorded fixture, RECORDED_DIR holding the fixture at the
   same relative path. For every "http_errors" entry the recorded response
   (status, headers, body) goes through llmg_classify_http, and for every
   "streams" entry that ended in an error, the recorded SSE body goes
   through the framer until the event that carries the error, which goes
   through llmg_classify_stream_error. Each must give the kind of the class
   the gem raised and the same message and code (and the rate-limit fields
   where the gem's error carries them).

   --emit DIR writes, for each http_errors entry n, DIR/n.body (the body),
   DIR/n.args (provider, status, then one "Name: value" line per header)
   and DIR/n.want (the library's JSON line), so that a script can check
   that `llmg classify` prints the same.

   Prints one line per mismatch and "N passed, N failed" last. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_pass, n_fail, n_emit;

static const char *const class_kinds[][2] = {
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

static char *read_file(const char *path, size_t *len)
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

static char *path_join(const char *a, const char *b)
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
static char *dup_json_str(llmg_json_val v, size_t *len)
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
static char *json_text(llmg_json_val v)
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

static void mismatch(const char *label, const char *what, const char *want, const char *got)
{
    printf("FAIL %s: %s: gem %s, llmg %s\n", label, what, want, got);
}

/* Compares the result with the gem's "raised" (or "error") object. */
static int compare(const char *label, llmg_json_val raised, const llmg_provider_error *pe)
{
    llmg_json_val cls = llmg_json_getc(raised, "class"), msg = llmg_json_getc(raised, "message");
    llmg_json_val code = llmg_json_getc(raised, "code"), v;
    char *want_kind = NULL, *s, *t;
    const char *kind = NULL;
    size_t i;
    int ok = 1;
    llmg_json_writer w;

    for (i = 0; i < sizeof class_kinds / sizeof class_kinds[0]; i++)
        if (llmg_json_str_eq(cls, llmg_str_c(class_kinds[i][0]))) kind = class_kinds[i][1];
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

static void record(const char *label, int ok)
{
    if (ok) n_pass++;
    else { n_fail++; printf("  in %s\n", label); }
}

/* Writes the files a script needs to run `llmg classify` on one entry. */
static void emit(const char *dir, const llmg_classify_input *in, const llmg_provider_error *pe)
{
    char name[64];
    char *path;
    FILE *f;
    size_t i;
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    for (i = 0; i < in->header_count; i++) {         /* one header a line */
        const llmg_header *h = &in->headers[i];
        if (memchr(h->name.ptr, '\n', h->name.len) || memchr(h->value.ptr, '\n', h->value.len) ||
            memchr(h->name.ptr, ':', h->name.len) || memchr(h->value.ptr, '\r', h->value.len))
            return;
    }
    n_emit++;
    snprintf(name, sizeof name, "%d.body", n_emit);
    path = path_join(dir, name);
    f = fopen(path, "wb");
    if (f) { fwrite(in->body.ptr, 1, in->body.len, f); fclose(f); }
    free(path);
    snprintf(name, sizeof name, "%d.args", n_emit);
    path = path_join(dir, name);
    f = fopen(path, "wb");
    if (f) {
        fprintf(f, "%s\n%d\n", llmg_provider_name(in->provider), in->status);
        for (i = 0; i < in->header_count; i++)
            fprintf(f, "%.*s: %.*s\n", (int)in->headers[i].name.len, in->headers[i].name.ptr,
                    (int)in->headers[i].value.len, in->headers[i].value.ptr);
        fclose(f);
    }
    free(path);
    snprintf(name, sizeof name, "%d.want", n_emit);
    path = path_join(dir, name);
    f = fopen(path, "wb");
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = 1;
    llmg_json_writer_init(&w, &wo, NULL);
    llmg_provider_error_write_json(pe, &w);
    if (f) { fprintf(f, "%s\n", w.out.ptr); fclose(f); }
    llmg_json_writer_free(&w);
    free(path);
}

static void check_http(const char *label, llmg_provider provider, llmg_json_val entry,
                       llmg_json_val response, const char *emit_dir)
{
    llmg_classify_input in;
    llmg_provider_error pe;
    llmg_header *headers;
    llmg_json_val hdrs = llmg_json_getc(response, "headers"), k, v;
    llmg_json_iter it;
    char **owned;
    size_t n = llmg_json_size(hdrs), i = 0, body_len;
    int64_t status = 0;
    char *body;

    memset(&in, 0, sizeof in);
    headers = (llmg_header *)calloc(n ? n : 1, sizeof *headers);
    owned = (char **)calloc(2 * n + 1, sizeof *owned);
    if (!headers || !owned) abort();
    it = llmg_json_iter_init(hdrs);
    while (llmg_json_iter_next(&it, &k, &v)) {
        size_t nl, vl;
        owned[2 * i] = dup_json_str(k, &nl);
        owned[2 * i + 1] = dup_json_str(v, &vl);
        headers[i].name.ptr = owned[2 * i];
        headers[i].name.len = nl;
        headers[i].value.ptr = owned[2 * i + 1];
        headers[i].value.len = vl;
        i++;
    }
    body = dup_json_str(llmg_json_getc(response, "body"), &body_len);
    llmg_json_get_int64(llmg_json_getc(response, "status"), &status);
    if (llmg_json_typeof(llmg_json_getc(entry, "status")) == LLMG_JSON_NUMBER)
        llmg_json_get_int64(llmg_json_getc(entry, "status"), &status);
    in.provider = provider;
    in.status = (int)status;
    in.headers = headers;
    in.header_count = i;
    in.body.ptr = body;
    in.body.len = body_len;
    in.now_ms = 0;
    llmg_provider_error_init(&pe);
    if (llmg_classify_http(&in, NULL, &pe, NULL) != LLMG_OK) {
        printf("FAIL %s: llmg_classify_http failed\n", label);
        record(label, 0);
    } else {
        record(label, compare(label, llmg_json_getc(entry, "raised"), &pe));
        if (emit_dir) emit(emit_dir, &in, &pe);
    }
    llmg_provider_error_free(&pe);
    for (i = 0; i < 2 * n; i++) free(owned[i]);
    free(owned);
    free(headers);
    free(body);
}

/* The first event that the provider's mapper raises on (spec 6.1-6.3). */
static void check_stream(const char *label, llmg_provider provider, llmg_json_val entry,
                         llmg_json_val response)
{
    size_t body_len;
    char *body = dup_json_str(llmg_json_getc(response, "body"), &body_len);
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_provider_error pe;
    int done = 0;
    llmg_provider_error_init(&pe);
    llmg_sse_init(&p, NULL, NULL);
    llmg_sse_feed(&p, body, body_len, NULL);
    while (!done && llmg_sse_next(&p, &ev, NULL) == LLMG_OK) {
        llmg_json_doc doc;
        llmg_json_val data;
        int raise;
        llmg_json_doc_init(&doc);
        llmg_json_parse(&doc, ev.data.ptr, ev.data.len, NULL, NULL);
        data = llmg_json_root(&doc);
        raise = llmg_str_eq(ev.type, llmg_str_c("error"));
        if (provider != LLMG_PROVIDER_ANTHROPIC_MESSAGES) {
            llmg_json_val e = llmg_json_getc(data, "error");
            raise = raise || (llmg_json_typeof(e) != LLMG_JSON_NONE && !llmg_json_is_null(e) &&
                              llmg_json_typeof(e) != LLMG_JSON_FALSE) ||
                    llmg_json_str_eq(llmg_json_getc(data, "type"), llmg_str_c("error"));
        }
        if (raise) {
            done = 1;
            if (llmg_classify_stream_error(provider, data, NULL, &pe, NULL) != LLMG_OK) {
                printf("FAIL %s: llmg_classify_stream_error failed\n", label);
                record(label, 0);
            } else {
                record(label, compare(label, llmg_json_getc(entry, "error"), &pe));
            }
            llmg_provider_error_free(&pe);
        }
        llmg_json_doc_free(&doc);
    }
    if (!done) {
        printf("FAIL %s: no error event in the recorded stream\n", label);
        record(label, 0);
    }
    llmg_sse_free(&p);
    free(body);
}

static void check_file(const char *expected_dir, const char *recorded_dir, const char *rel,
                       const char *emit_dir)
{
    char *epath = path_join(expected_dir, rel), *rpath = path_join(recorded_dir, rel);
    char *etext, *rtext = NULL, *key;
    size_t elen, rlen = 0, i;
    llmg_json_doc edoc, rdoc;
    llmg_json_val errors, streams, interactions, entry;
    llmg_provider provider;
    char label[512];

    llmg_json_doc_init(&edoc);
    llmg_json_doc_init(&rdoc);
    etext = read_file(epath, &elen);
    if (!etext || llmg_json_parse(&edoc, etext, elen, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: cannot read it as JSON\n", epath);
        n_fail++;
        goto done;
    }
    errors = llmg_json_getc(llmg_json_root(&edoc), "http_errors");
    streams = llmg_json_getc(llmg_json_root(&edoc), "streams");
    key = dup_json_str(llmg_json_getc(llmg_json_root(&edoc), "provider_key"), NULL);
    provider = llmg_provider_from_name(llmg_str_c(key));
    free(key);
    if (llmg_json_size(errors) == 0) {
        int any = 0;
        for (i = 0; i < llmg_json_size(streams); i++)
            any |= llmg_json_typeof(llmg_json_getc(llmg_json_at(streams, i), "error")) ==
                   LLMG_JSON_OBJECT;
        if (!any) goto done;
    }
    rtext = read_file(rpath, &rlen);
    if (!rtext || llmg_json_parse(&rdoc, rtext, rlen, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: cannot read it as JSON\n", rpath);
        n_fail++;
        goto done;
    }
    if (provider == LLMG_PROVIDER_NONE) {
        printf("FAIL %s: unknown provider_key\n", epath);
        n_fail++;
        goto done;
    }
    interactions = llmg_json_getc(llmg_json_root(&rdoc), "interactions");
    for (i = 0; i < llmg_json_size(errors); i++) {
        int64_t at = -1;
        entry = llmg_json_at(errors, i);
        llmg_json_get_int64(llmg_json_getc(entry, "interaction"), &at);
        snprintf(label, sizeof label, "%s http_errors[%u]", rel, (unsigned)i);
        check_http(label, provider, entry,
                   llmg_json_getc(llmg_json_at(interactions, (size_t)at), "response"), emit_dir);
    }
    for (i = 0; i < llmg_json_size(streams); i++) {
        int64_t at = -1;
        entry = llmg_json_at(streams, i);
        if (llmg_json_typeof(llmg_json_getc(entry, "error")) != LLMG_JSON_OBJECT) continue;
        llmg_json_get_int64(llmg_json_getc(entry, "interaction"), &at);
        snprintf(label, sizeof label, "%s streams[%u]", rel, (unsigned)i);
        check_stream(label, provider, entry,
                     llmg_json_getc(llmg_json_at(interactions, (size_t)at), "response"));
    }
done:
    llmg_json_doc_free(&edoc);
    llmg_json_doc_free(&rdoc);
    free(etext);
    free(rtext);
    free(epath);
    free(rpath);
}

int main(int argc, char **argv)
{
    const char *emit_dir = NULL;
    int i = 3;
    if (argc < 3) {
        fprintf(stderr, "usage: conformance_errors EXPECTED_DIR RECORDED_DIR [--emit DIR] FILE...\n");
        return 2;
    }
    if (argc > 4 && strcmp(argv[3], "--emit") == 0) {
        emit_dir = argv[4];
        i = 5;
    }
    for (; i < argc; i++) check_file(argv[1], argv[2], argv[i], emit_dir);
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
