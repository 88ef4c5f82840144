/* Request building: any transcript, system, tools and options either build
   a request or are refused with LLMG_E_ARG / LLMG_E_SYNTAX / LLMG_E_LIMIT
   and a message; a built request is the same when built again, its body is
   one JSON object with "stream": true and a "model", its URL starts with
   the provider's base and its header names are lower-case, without CR or
   LF. Every message of the transcript also goes through the message model
   (llmg_message_from_json and back), which must read or refuse it cleanly.
   Input: byte 0 picks the provider and the key (API key or OAuth); then
   the four JSON texts messages, system, tools and options, separated by
   0x1E bytes (a missing one is absent). */
#include "../llm_gateway.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request(const llmg_request *req, llmg_provider p)
{
    const char *base = llmg_provider_base_url(p);
    llmg_json_doc doc;
    llmg_json_val root;
    size_t i, k;
    if (req->url.len < strlen(base) || memcmp(req->url.ptr, base, strlen(base)) != 0) abort();
    for (i = 0; i < req->header_count; i++) {
        llmg_str n = req->headers[i].name, v = req->headers[i].value;
        for (k = 0; k < n.len; k++)
            if ((n.ptr[k] >= 'A' && n.ptr[k] <= 'Z') || n.ptr[k] == '\r' || n.ptr[k] == '\n') abort();
        for (k = 0; k < v.len; k++)
            if (v.ptr[k] == '\r' || v.ptr[k] == '\n') abort();
    }
    llmg_json_doc_init(&doc);
    if (llmg_json_parse(&doc, req->body.ptr, req->body.len, NULL, NULL) != LLMG_OK) abort();
    root = llmg_json_root(&doc);
    if (llmg_json_typeof(root) != LLMG_JSON_OBJECT) abort();
    if (llmg_json_typeof(llmg_json_getc(root, "stream")) != LLMG_JSON_TRUE) abort();
    if (llmg_json_typeof(llmg_json_getc(root, "model")) == LLMG_JSON_NONE) abort();
    llmg_json_doc_free(&doc);
}

/* Each element of a messages array through the message model. */
static void message_model(llmg_str text)
{
    llmg_json_doc doc;
    llmg_json_iter it;
    llmg_json_val v;
    llmg_json_doc_init(&doc);
    if (llmg_json_parse(&doc, text.ptr, text.len, NULL, NULL) == LLMG_OK) {
        it = llmg_json_iter_init(llmg_json_root(&doc));
        while (llmg_json_iter_next(&it, NULL, &v)) {
            llmg_message m;
            llmg_json_writer w;
            llmg_status st;
            if (llmg_message_init(&m, NULL, NULL) != LLMG_OK) abort();
            st = llmg_message_from_json(&m, v, NULL);
            if (st != LLMG_OK && st != LLMG_E_ARG && st != LLMG_E_SYNTAX && st != LLMG_E_LIMIT) abort();
            if (st == LLMG_OK) {
                llmg_json_writer_init(&w, NULL, NULL);
                if (llmg_message_write_json(&m, &w) != LLMG_OK) abort();
                llmg_json_writer_free(&w);
            }
            llmg_message_free(&m);
        }
    }
    llmg_json_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llmg_provider_config cfg;
    llmg_request_input in;
    llmg_request a, b;
    llmg_str *field[4];
    llmg_status st;
    size_t i, at = 1, f = 0;
    if (size < 1) return 0;
    memset(&cfg, 0, sizeof cfg);
    memset(&in, 0, sizeof in);
    cfg.provider = (llmg_provider)(1 + data[0] % 5);
    cfg.api_key = llmg_str_c(data[0] & 0x80 ? "sk-ant-oat-fuzz" : "KEY");
    cfg.account_id = llmg_str_c(data[0] & 0x40 ? "ACCT" : "");
    field[0] = &in.messages;
    field[1] = &in.system;
    field[2] = &in.tools;
    field[3] = &in.options;
    for (i = 1; i <= size && f < 4; i++) {
        if (i == size || data[i] == 0x1E) {
            field[f]->ptr = (const char *)data + at;
            field[f]->len = i - at;
            f++;
            at = i + 1;
        }
    }
    llmg_request_init(&a);
    llmg_request_init(&b);
    st = llmg_request_build(&a, &cfg, &in, NULL, NULL);
    if (st == LLMG_OK) {
        check_request(&a, cfg.provider);
        if (llmg_request_build(&b, &cfg, &in, NULL, NULL) != LLMG_OK) abort();
        if (a.body.len != b.body.len || memcmp(a.body.ptr, b.body.ptr, a.body.len) != 0) abort();
        if (a.header_count != b.header_count) abort();
    } else {
        if (st != LLMG_E_ARG && st != LLMG_E_SYNTAX && st != LLMG_E_LIMIT) abort();
        if (!a.message.ptr || !a.message.len || a.body.len || a.header_count) abort();
    }
    llmg_request_free(&a);
    llmg_request_free(&b);
    message_model(in.messages);
    return 0;
}
