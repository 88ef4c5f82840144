/* Error classification: any response classifies (never a failure but for
   memory), the error object and its rate_limit_info are valid JSON, the
   message and code stay under the cap, and the overflow matcher agrees
   with a plain quadratic reading of the gem's patterns.
   Input: byte 0 picks the provider (and stream or HTTP), byte 1 the
   status, byte 2 the message cap; then header lines "Name: value\n" up to
   an empty line, then the body. */
#include "../llm_gateway.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* pat at s[i..n): '#' one or more digits, '~' '_' or ' ', '*' any run
   without a newline (tried at every length). */
static int match_at(const char *s, size_t n, size_t i, const char *pat)
{
    if (!*pat) return 1;
    if (*pat == '*') {
        for (;; i++) {
            if (match_at(s, n, i, pat + 1)) return 1;
            if (i >= n || s[i] == '\n') return 0;
        }
    }
    if (i >= n) return 0;
    if (*pat == '#') {
        size_t j = i;
        while (j < n && s[j] >= '0' && s[j] <= '9') {
            j++;
            if (match_at(s, n, j, pat + 1)) return 1;
        }
        return 0;
    }
    if (*pat == '~' ? (s[i] != '_' && s[i] != ' ') : lower((unsigned char)s[i]) != *pat) return 0;
    return match_at(s, n, i + 1, pat + 1);
}

static int reference_overflow(const char *s, size_t n)
{
    static const char *const pats[] = {
        "prompt is too long", "exceeds the context window", "reduce the length of the messages",
        "maximum context length is # tokens", "context~length~exceeded", "too many tokens",
        "token limit exceeded", "request too large*tokens per min", "input tokens per minute",
        "reduce the prompt length", "input or output tokens must be reduced"
    };
    size_t k, i;
    for (k = 0; k < sizeof pats / sizeof pats[0]; k++)
        for (i = 0; i < n; i++)
            if (match_at(s, n, i, pats[k])) return 1;
    return 0;
}

static void must_be_json(llmg_str s)
{
    llmg_json_doc doc;
    llmg_json_doc_init(&doc);
    if (llmg_json_parse(&doc, s.ptr, s.len, NULL, NULL) != LLMG_OK) abort();
    llmg_json_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[] = { 400, 401, 403, 404, 409, 422, 429, 500, 503, 529, 418, 200 };
    llmg_classify_input in;
    llmg_classify_opts o;
    llmg_provider_error pe;
    llmg_header h[16];
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    const char *p;
    size_t n, at = 0;
    llmg_status st;
    int stream;
    if (size < 3) return 0;
    memset(&in, 0, sizeof in);
    memset(&o, 0, sizeof o);
    in.provider = (llmg_provider)(data[0] % 5 + 1);
    stream = (data[0] >> 3) & 1;
    in.status = statuses[data[1] % (sizeof statuses / sizeof statuses[0])];
    in.now_ms = (int64_t)data[1] * 1000003;
    o.max_message_bytes = data[2] < 128 ? (size_t)data[2] + 1 : 0;
    p = (const char *)data + 3;
    n = size - 3;
    while (in.header_count < 16 && at < n && p[at] != '\n') {   /* header lines */
        const char *line = p + at, *nl = (const char *)memchr(line, '\n', n - at);
        const char *colon;
        size_t len = nl ? (size_t)(nl - line) : n - at;
        colon = (const char *)memchr(line, ':', len);
        if (colon) {
            h[in.header_count].name.ptr = line;
            h[in.header_count].name.len = (size_t)(colon - line);
            h[in.header_count].value.ptr = colon + 1;
            h[in.header_count].value.len = len - (size_t)(colon - line) - 1;
            in.header_count++;
        }
        at += len + (nl ? 1 : 0);
    }
    if (at < n && p[at] == '\n') at++;
    in.headers = h;
    in.body.ptr = p + at;
    in.body.len = n - at;

    if ((llmg_error_is_context_overflow(in.body) != 0) != (reference_overflow(in.body.ptr, in.body.len) != 0))
        abort();
    if (stream) {
        llmg_json_doc doc;
        llmg_json_doc_init(&doc);
        llmg_json_parse(&doc, in.body.ptr, in.body.len, NULL, NULL);
        st = llmg_classify_stream_error(in.provider, llmg_json_root(&doc), &o, &pe, NULL);
        llmg_json_doc_free(&doc);
    } else {
        st = llmg_classify_http(&in, &o, &pe, NULL);
    }
    if (st != LLMG_OK) abort();
    if ((int)pe.kind <= 0 || (int)pe.kind >= LLMG_ERROR_KIND_COUNT) abort();
    o = llmg_classify_opts_resolved(&o);
    if (pe.message.len > o.max_message_bytes || pe.code.len > o.max_message_bytes) abort();
    if (pe.kind == LLMG_ERROR_RATE_LIMIT) must_be_json(pe.rate_limit_info);
    else if (pe.rate_limit_info.len) abort();
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = 1;
    llmg_json_writer_init(&w, &wo, NULL);
    if (llmg_provider_error_write_json(&pe, &w) != LLMG_OK) abort();
    must_be_json(llmg_json_writer_str(&w));
    llmg_json_writer_free(&w);
    llmg_provider_error_free(&pe);
    return 0;
}
