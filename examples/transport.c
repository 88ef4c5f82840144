/* transport.c - see transport.h */
#include "transport.h"
#include "http_posix.h"
#ifdef LLMG_HAVE_CURL
#include "http_curl.h"
#endif

#include <string.h>

static int on_head(void *user, int status, const llmg_header *h, size_t n)
{
    return llmg_exchange_head((llmg_exchange *)user, status, h, n, NULL) < 0;
}

static int on_body(void *user, const char *data, size_t len)
{
    return llmg_exchange_body((llmg_exchange *)user, data, len) < 0;
}

static llmg_error_kind send_request(void *user, llmg_exchange *x, llmg_str *why)
{
    http_transport *h = (http_transport *)user;
    const llmg_request *r = &x->request;
    http_callbacks cb;
    http_result hr;
    cb.on_head = on_head;
    cb.on_body = on_body;
    cb.user = x;
    h->why[0] = '\0';
    if (strncmp(r->url.ptr, "https://", 8) == 0) {
#ifdef LLMG_HAVE_CURL
        hr = http_curl_request(r->method.ptr, r->url.ptr, r->headers, r->header_count, r->body.ptr,
                               r->body.len, h->timeout_ms, h->cancel, &cb, h->why, sizeof h->why);
#else
        static const char no_tls[] = "https:// needs libcurl: install it (Debian: apt-get install "
                                     "libcurl4-openssl-dev) and build with -DLLMG_HAVE_CURL "
                                     "(make does when libcurl is found), or use an http:// URL";
        memcpy(h->why, no_tls, sizeof no_tls);
        *why = llmg_str_c(h->why);
        return LLMG_ERROR_CONNECTION;
#endif
    } else {
        hr = http_request(r->method.ptr, r->url.ptr, r->headers, r->header_count, r->body.ptr,
                          r->body.len, h->timeout_ms, h->cancel, &cb, h->why, sizeof h->why);
    }
    *why = llmg_str_c(h->why);
    switch (hr) {
    case HTTP_OK: return LLMG_ERROR_NONE;
    case HTTP_ERR_TIMEOUT: return LLMG_ERROR_TIMEOUT;
    case HTTP_ERR_CANCELLED: return LLMG_ERROR_CANCELLED;   /* unless the exchange ended first */
    default: return LLMG_ERROR_CONNECTION;
    }
}

llmg_transport http_transport_of(http_transport *h)
{
    llmg_transport t;
    t.send = send_request;
    t.user = h;
    return t;
}
