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

#include "conformance.h"

static int n_pass, n_fail, n_emit;

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
