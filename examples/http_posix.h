/* http_posix.h - a small blocking HTTP/1.1 client for plain http:// URLs

   llm_gateway.h performs no I/O: the host moves the bytes. This is a
   transport a host can plug in for servers it reaches without TLS: a
   llama.cpp, Ollama or vLLM server on the local machine or network, and
   the loopback demo server (examples/demo_server.c). Cloud providers need
   https, which this client does not speak: use a TLS-capable transport
   such as libcurl for them.

   BUILD
        cc -std=c99 app.c examples/http_posix.c

        http_posix.c needs POSIX.1-2008 (getaddrinfo, poll, clock_gettime)
        and defines _POSIX_C_SOURCE=200809L itself when the compiler line
        does not; a wider feature macro (_DEFAULT_SOURCE, _GNU_SOURCE) works
        too. No library beyond libc. This header needs only the types of
        llm_gateway.h, so it may be included before or after the TU that
        defines LLM_GATEWAY_IMPLEMENTATION.

   QUICK START

        static int on_head(void *user, int status, const llmg_header *h, size_t n)
        {
            (void)user; (void)h; (void)n;
            fprintf(stderr, "HTTP %d\n", status);
            return 0;                                  // 0: go on
        }
        static int on_body(void *user, const char *data, size_t len)
        {
            (void)user;
            fwrite(data, 1, len, stdout);              // feed llmg_stream_feed here
            return 0;
        }

        http_callbacks cb = {on_head, on_body, NULL};
        llmg_header hs[1];
        char err[256];
        http_result r;
        hs[0].name = llmg_str_c("Content-Type");
        hs[0].value = llmg_str_c("application/json");
        r = http_request("POST", "http://127.0.0.1:8080/v1/chat/completions", hs, 1,
                         body, body_len, 30000, NULL, &cb, err, sizeof err);
        if (r != HTTP_OK) fprintf(stderr, "%s: %s\n", http_result_name(r), err);

   WHAT IS SENT
        "METHOD target HTTP/1.1", then Host, the caller's headers in order
        with their names as given, Content-Length when body is not NULL,
        and "Connection: close": one connection per request, no keep-alive.
        A caller's Host header replaces the one taken from the URL; caller
        headers named Content-Length, Transfer-Encoding or Connection are
        dropped, because the client frames the body itself. No
        Accept-Encoding is sent, so servers answer uncompressed.

   WHAT IS RECEIVED
        The status line and headers (at most 64 KiB together) go to on_head
        once; interim 1xx responses are skipped. The body goes to on_body
        piece by piece, as each read returns it: nothing waits for the
        whole body, so a streamed answer streams. Chunked bodies arrive
        de-chunked (extensions and trailers are read and dropped); a
        Content-Length body ends at that length; otherwise the body runs
        until the server closes. HEAD requests and 1xx, 204 and 304
        responses have no body. Redirects are not followed: a 3xx is handed
        over like any other status.

   TIMEOUT AND CANCEL
        timeout_ms is an idle timeout: it restarts whenever a byte moves,
        so a slow stream is fine as long as it keeps moving. It also bounds
        the connect of each address (a connect that times out on every
        address is HTTP_ERR_CONNECT). *cancel, when given, is read at least
        every 100 ms while waiting and before every read and send, so a
        SIGINT handler can set it (C blesses only volatile sig_atomic_t in
        a handler; sig_atomic_t is int on Linux, the BSDs and macOS). Name
        resolution (getaddrinfo) blocks and can be neither cancelled nor
        timed out.

   SIGNALS AND THREADS
        SIGPIPE cannot kill the process: every send passes MSG_NOSIGNAL (or
        the socket has SO_NOSIGPIPE where that is the platform's way); the
        process's signal dispositions are never changed. No global state:
        threads may run requests concurrently. An interrupted system call
        (EINTR) is retried after looking at *cancel.

   OWNERSHIP
        Every argument stays the caller's and is not kept after the call.
        The headers handed to on_head and the bytes handed to on_body point
        into the client's buffer and are valid only during that callback.

   LICENSE: the same as llm_gateway.h (see LICENSE). */
#ifndef HTTP_POSIX_H
#define HTTP_POSIX_H

#include <stddef.h>
#include "../llm_gateway.h"                  /* llmg_str and llmg_header only */

#ifdef __cplusplus
extern "C" {
#endif

/* What the response is handed to. Every member may be NULL (a NULL
   callback just means "not interested"). */
typedef struct http_callbacks {
    /* The status line and headers arrived (interim 1xx responses are not
       reported). status is the three-digit code; headers[0..count) are in
       the order received, names as the server sent them, values without
       surrounding blanks. Return nonzero to stop: the request then ends
       with HTTP_ERR_CANCELLED. Ownership: valid only during the call. */
    int (*on_head)(void *user, int status, const llmg_header *headers, size_t count);
    /* A piece of the body (de-chunked, len > 0), as soon as it was read.
       Return nonzero to stop (HTTP_ERR_CANCELLED). Ownership: data is
       valid only during the call. */
    int (*on_body)(void *user, const char *data, size_t len);
    void *user;                              /* first argument of both */
} http_callbacks;

typedef enum http_result {
    HTTP_OK = 0,             /* the whole response was read (any status: 404 and 500 too) */
    HTTP_ERR_URL = -1,       /* not an http:// URL this client can parse; https:// is refused */
    HTTP_ERR_CONNECT = -2,   /* the name did not resolve, or no address accepted the
                                connection (refused, unreachable, connect timed out) */
    HTTP_ERR_IO = -3,        /* the connection broke while sending, or ended before the
                                response did: inside the headers, fewer bytes than
                                Content-Length, an unfinished chunked body */
    HTTP_ERR_TIMEOUT = -4,   /* no byte moved for timeout_ms (idle timeout) */
    HTTP_ERR_CANCELLED = -5, /* a callback returned nonzero, or *cancel became nonzero */
    HTTP_ERR_PROTOCOL = -6,  /* not an HTTP/1.x response, a bad chunk size or
                                Content-Length, headers or trailers over 64 KiB */
    HTTP_ERR_ARG = -7        /* a bad argument: NULL method, a method or header name
                                that is not a token, CR or LF in a header value */
} http_result;

/* Sends one request and streams the response to cb; returns once the
   response ended, failed or was cancelled.
       method       "POST", "GET", ...: sent as given
       url          "http://host[:port][/path][?query]"; host is a name, an IPv4
                    address or an IPv6 address in brackets; port defaults to 80;
                    a "#fragment" is not sent
       headers      header_count request headers (may be NULL when 0)
       body         body_len bytes, or NULL for no body (and no Content-Length)
       timeout_ms   idle timeout; <= 0: wait forever
       cancel       NULL, or a flag polled at least every 100 ms; nonzero stops
       cb           NULL discards the response
       err          err_cap bytes receiving a one-line, NUL-terminated reason on
                    failure ("" on success); may be NULL
   Returns HTTP_OK or one of the errors above. The callbacks may have been
   called before an error (a body cut short has been delivered up to the
   break). */
http_result http_request(const char *method, const char *url,
                         const llmg_header *headers, size_t header_count,
                         const char *body, size_t body_len, int timeout_ms,
                         volatile int *cancel, const http_callbacks *cb,
                         char *err, size_t err_cap);

/* "HTTP_ERR_TIMEOUT" for HTTP_ERR_TIMEOUT; "HTTP_UNKNOWN" for other values. */
const char *http_result_name(http_result r);

#ifdef __cplusplus
}
#endif

#endif /* HTTP_POSIX_H */
