/* Provider streams: SSE -> mapper -> accumulator for one of the five
   APIs (chosen by the first byte). The events, the message after every
   event, the final status, its offset and the provider error must be
   byte-identical whether the body is fed whole, every event parsed in
   full, or cut at points the fuzzer chooses with the shape cache and the
   delta lane on (an event laid out like the one before it parsed by
   comparing bytes, or read in place); limits come from the first bytes
   too. */
#include "../llm_gateway.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct out {
    llmg_json_writer w;
} out;

static int on_event(void *user, const llmg_event *ev)
{
    out *o = (out *)user;
    const llmg_message *m = ev->message;
    if (ev->type >= LLMG_EVENT_TEXT_START) {
        if (ev->content_index >= m->content_count || ev->block != &m->content[ev->content_index])
            abort();
    }
    llmg_event_write_json(ev, &o->w);
    llmg_json_write_str(&o->w, ev->partial_input);
    llmg_message_write_json(m, &o->w);
    return 0;
}

static void feed_all(const char *in, size_t size, const uint8_t *cuts, size_t ncuts,
                     const llmg_stream_opts *opts, int no_shape, out *o)
{
    llmg_stream s;
    llmg_error err;
    llmg_status st;
    size_t at = 0, k = 0;
    llmg_json_writer_opts wo;
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = 1;
    llmg_json_writer_init(&o->w, &wo, NULL);
    llmg_json_write_arr_begin(&o->w);
    st = llmg_stream_init(&s, opts, &err);
    s._no_shape = no_shape;
    while (st == LLMG_OK && at < size) {
        /* a cut byte below 192: 1 to 48 bytes; above: 128 to 8192, so that
           whole events land in one piece and the delta lane reads them */
        unsigned c = ncuts ? cuts[k++ % ncuts] : 0;
        size_t n = !ncuts ? size - at : c < 192 ? (size_t)c % 48 + 1 : (size_t)(c - 191) * 128;
        char *piece;
        if (n > size - at) n = size - at;
        piece = (char *)malloc(n ? n : 1);      /* ASan sees a read past the piece */
        memcpy(piece, in + at, n);
        st = llmg_stream_push(&s, piece, n, on_event, o, &err);
        free(piece);
        at += n;
        if (st == LLMG_NEED_MORE) st = LLMG_OK;
    }
    if (st == LLMG_OK) st = llmg_stream_end(&s, on_event, o, &err);
    llmg_json_write_int(&o->w, st);
    if (st < 0) llmg_json_write_int(&o->w, (int64_t)err.offset);
    if (st == LLMG_E_PROVIDER) llmg_provider_error_write_json(llmg_stream_error(&s), &o->w);
    llmg_message_write_json(llmg_stream_message(&s), &o->w);
    llmg_json_write_arr_end(&o->w);
    llmg_stream_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llmg_stream_opts o;
    out a, b;
    size_t ncuts;
    llmg_str x, y;
    if (size < 3) return 0;
    memset(&o, 0, sizeof o);
    o.provider = (llmg_provider)(data[0] % 5 + 1);
    if (data[1] & 1) o.max_message_bytes = (size_t)(data[2] % 200) + 1;
    if (data[1] & 2) o.max_blocks = (size_t)(data[2] % 4) + 1;
    if (data[1] & 4) o.sse.max_line_bytes = (size_t)(data[2] % 128) + 1;
    if (data[1] & 8) o.max_json_depth = (size_t)(data[2] % 8) + 1;
    ncuts = (size_t)(data[1] >> 4) % 8;
    if (size < 3 + ncuts) return 0;
    /* whole with every event parsed in full; cut with the shape cache */
    feed_all((const char *)data + 3 + ncuts, size - 3 - ncuts, NULL, 0, &o, 1, &a);
    feed_all((const char *)data + 3 + ncuts, size - 3 - ncuts, data + 3, ncuts, &o, 0, &b);
    x = llmg_json_writer_str(&a.w);
    y = llmg_json_writer_str(&b.w);
    if (x.len != y.len || memcmp(x.ptr, y.ptr, x.len) != 0) abort();
    llmg_json_writer_free(&a.w);
    llmg_json_writer_free(&b.w);
    return 0;
}
