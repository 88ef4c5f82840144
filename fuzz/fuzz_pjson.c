/* Partial JSON: the first byte chooses a chunk size (low four bits) and
   max_depth (high four bits, 0 for the default). Fed in chunks, the reader
   must end with the same status, offset, completeness and view as fed
   whole; every view on the way must be valid JSON (or empty) whose
   committed part is a prefix of the final view; fed whole and finished it
   must accept exactly what llmg_json_parse accepts, with the same code and
   offset otherwise, and the final view of a valid document must be its
   compact form byte for byte. */
#include "../llm_gateway.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct run {
    llmg_status st;
    llmg_error  err;
    int         complete;
    char       *view;
    size_t      len;
} run;

static void keep_view(llmg_pjson *p, run *r)
{
    llmg_str v = llmg_pjson_view(p);
    if (v.ptr[v.len] != '\0') abort();
    r->view = (char *)malloc(v.len + 1);
    if (!r->view) abort();
    memcpy(r->view, v.ptr, v.len);
    r->len = v.len;
    r->complete = llmg_pjson_complete(p);
}

static int is_json(llmg_str v)
{
    llmg_json_doc doc;
    llmg_status st;
    llmg_json_doc_init(&doc);
    st = llmg_json_parse(&doc, v.ptr, v.len, NULL, NULL);
    llmg_json_doc_free(&doc);
    return st == LLMG_OK;
}

/* v is a prefix of want, then at most one '"', then only ']' and '}'. */
static int prefix_then_closers(llmg_str v, const char *want, size_t want_len)
{
    size_t m = 0;
    while (m < v.len && m < want_len && v.ptr[m] == want[m]) m++;
    if (m < v.len && v.ptr[m] == '"') m++;
    for (; m < v.len; m++)
        if (v.ptr[m] != ']' && v.ptr[m] != '}') return 0;
    return 1;
}

static int same(const run *a, const run *b)
{
    return a->st == b->st && a->complete == b->complete && a->len == b->len
        && memcmp(a->view, b->view, a->len) == 0
        && (a->st == LLMG_OK || (a->err.code == b->err.code && a->err.offset == b->err.offset));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llmg_pjson_opts o;
    llmg_json_opts jo;
    llmg_json_doc doc;
    llmg_pjson p;
    llmg_error perr;
    llmg_status want;
    run whole, fin, chunked;
    size_t chunk, at = 0, i;
    const char *in;
    char *compact;
    size_t clen = 0;
    int in_str = 0, esc = 0;
    if (size < 1) return 0;
    chunk = (size_t)(data[0] & 15) + 1;
    memset(&o, 0, sizeof o);
    o.max_depth = (size_t)(data[0] >> 4) * 3;
    in = (const char *)data + 1;
    size -= 1;

    /* whole, then finished */
    llmg_pjson_init(&p, &o, NULL);
    whole.st = llmg_pjson_feed(&p, in, size, &whole.err);
    keep_view(&p, &whole);
    fin.st = whole.st == LLMG_OK ? llmg_pjson_finish(&p, &fin.err) : whole.st;
    if (whole.st != LLMG_OK) fin.err = whole.err;
    keep_view(&p, &fin);
    llmg_pjson_free(&p);
    if (fin.st == LLMG_OK && !fin.complete) abort();

    /* chunked: every view valid JSON and a prefix of the final one */
    llmg_pjson_init(&p, &o, NULL);
    chunked.st = LLMG_OK;
    while (at < size && chunked.st == LLMG_OK) {
        size_t n = chunk < size - at ? chunk : size - at;
        llmg_str v;
        chunked.st = llmg_pjson_feed(&p, in + at, n, &chunked.err);
        at += n;
        v = llmg_pjson_view(&p);
        if (v.len != 0 && !is_json(v)) abort();
        if (!prefix_then_closers(v, whole.view, whole.len)) abort();
    }
    keep_view(&p, &chunked);
    if (!same(&whole, &chunked)) abort();
    llmg_pjson_free(&p);

    /* the verdict of llmg_json_parse */
    memset(&jo, 0, sizeof jo);
    jo.max_depth = o.max_depth;
    llmg_json_doc_init(&doc);
    want = llmg_json_parse(&doc, in, size, &jo, &perr);
    llmg_json_doc_free(&doc);
    if ((want == LLMG_OK) != (fin.st == LLMG_OK)) abort();
    if (want != LLMG_OK) {
        if (fin.st != (want == LLMG_NEED_MORE ? LLMG_E_SYNTAX : want)) abort();
        if (fin.err.offset != perr.offset) abort();
    } else {
        /* the compact form: the input without whitespace outside strings */
        compact = (char *)malloc(size + 1);
        if (!compact) abort();
        for (i = 0; i < size; i++) {
            char c = in[i];
            if (in_str) {
                compact[clen++] = c;
                if (esc) esc = 0;
                else if (c == '\\') esc = 1;
                else if (c == '"') in_str = 0;
            } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                compact[clen++] = c;
                if (c == '"') in_str = 1;
            }
        }
        if (fin.len != clen || memcmp(fin.view, compact, clen) != 0) abort();
        free(compact);
    }
    free(whole.view);
    free(fin.view);
    free(chunked.view);
    return 0;
}
