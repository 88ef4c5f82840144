/* JSON: the whole-buffer tokenizer and the incremental validator must give
   the same verdict and offset, whatever the chunking (chunk sizes from the
   first input byte); an accepted document written and parsed again must
   be accepted, and writing that must give the same bytes (a fixed point);
   any input written as a string (invalid UTF-8 replaced) is such a fixed
   point too. */
#include "../llm_gateway.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llmg_json_doc doc, doc2;
    llmg_json_stream s;
    llmg_json_opts o;
    llmg_error e1, e2;
    llmg_status whole, inc;
    size_t chunk, at = 0;
    const char *in;
    if (size < 2) return 0;
    chunk = (size_t)(data[0] % 16) + 1;
    memset(&o, 0, sizeof o);
    o.max_depth = (size_t)(data[1] % 64) + 1;
    in = (const char *)data + 2;
    size -= 2;

    llmg_json_doc_init(&doc);
    whole = llmg_json_parse(&doc, in, size, &o, &e1);
    llmg_json_stream_init(&s, &o, &e2);
    inc = LLMG_NEED_MORE;
    while (at < size && inc >= 0) {
        size_t n = chunk < size - at ? chunk : size - at;
        inc = llmg_json_stream_feed(&s, in + at, n, &e2);
        at += n;
    }
    if (inc >= 0) inc = llmg_json_stream_finish(&s, &e2);
    llmg_json_stream_free(&s);
    if ((whole == LLMG_OK) != (inc == LLMG_OK)) abort();
    if (whole != LLMG_OK && e1.offset != e2.offset) abort();
    if (whole == LLMG_OK) {
        llmg_json_writer w1, w2;
        llmg_json_writer_opts wo;
        llmg_status st;
        memset(&wo, 0, sizeof wo);
        wo.max_depth = o.max_depth;
        llmg_json_writer_init(&w1, &wo, NULL);
        llmg_json_writer_init(&w2, &wo, NULL);
        st = llmg_json_write_val(&w1, llmg_json_root(&doc));
        if (st == LLMG_OK) {
            llmg_str a = llmg_json_writer_str(&w1), b;
            llmg_json_doc_init(&doc2);
            if (llmg_json_parse(&doc2, a.ptr, a.len, &o, NULL) != LLMG_OK) abort();
            if (llmg_json_write_val(&w2, llmg_json_root(&doc2)) != LLMG_OK) abort();
            b = llmg_json_writer_str(&w2);
            if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) abort();
            llmg_json_doc_free(&doc2);
        } else if (st != LLMG_E_LIMIT) {
            abort();                           /* only a float past a double may fail */
        }
        llmg_json_writer_free(&w1);
        llmg_json_writer_free(&w2);
    }
    llmg_json_doc_free(&doc);
    {
        /* Any bytes written as a string, invalid UTF-8 replaced: a JSON
           string whose value, written again, gives the same bytes. */
        llmg_json_writer w1, w2;
        llmg_json_writer_opts wo;
        llmg_str v, a, b;
        memset(&wo, 0, sizeof wo);
        wo.replace_invalid_utf8 = 1;
        llmg_json_writer_init(&w1, &wo, NULL);
        llmg_json_writer_init(&w2, &wo, NULL);
        v.ptr = in;
        v.len = size;
        if (llmg_json_write_str(&w1, v) != LLMG_OK) abort();
        a = llmg_json_writer_str(&w1);
        llmg_json_doc_init(&doc2);
        if (llmg_json_parse(&doc2, a.ptr, a.len, NULL, NULL) != LLMG_OK) abort();
        if (llmg_json_write_val(&w2, llmg_json_root(&doc2)) != LLMG_OK) abort();
        b = llmg_json_writer_str(&w2);
        if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) abort();
        llmg_json_doc_free(&doc2);
        llmg_json_writer_free(&w1);
        llmg_json_writer_free(&w2);
    }
    return 0;
}
