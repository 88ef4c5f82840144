/* transport.h - an llmg_transport over HTTP, ready for llmg_call

   llm_gateway.h performs no I/O: llmg_call hands the request to a
   transport, which sends it and feeds the response back. This one sends
   http:// URLs with the small POSIX client of http_posix.c, and https://
   URLs with libcurl (http_curl.c) when built with -DLLMG_HAVE_CURL;
   without libcurl an https:// URL fails with a connection error saying
   how to install it.

   BUILD
        cc -std=c99 app.c examples/transport.c examples/http_posix.c
        cc -std=c99 -DLLMG_HAVE_CURL app.c examples/transport.c \
           examples/http_posix.c examples/http_curl.c -lcurl

   USE
        http_transport http = {0};           // idle timeout 0: wait forever
        llmg_transport t = http_transport_of(&http);
        http.timeout_ms = 120000;
        st = llmg_call(&x, &t, &cfg, &in, NULL, on_event, NULL, &err);

   A timeout is reported as LLMG_ERROR_TIMEOUT, a stop through *cancel as
   LLMG_ERROR_CANCELLED, anything else that breaks the exchange (no
   connection, a connection cut short, not HTTP) as LLMG_ERROR_CONNECTION;
   the reason is in http.why. One http_transport serves one call at a time.

   LICENSE: the same as llm_gateway.h (see LICENSE). */
#ifndef HTTP_TRANSPORT_H
#define HTTP_TRANSPORT_H

#include "../llm_gateway.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct http_transport {
    int           timeout_ms;   /* idle timeout: no byte for this long fails; <= 0: none */
    volatile int *cancel;       /* NULL, or a flag (set by a signal handler) that stops the call */
    char          why[512];     /* the reason of the last failure, "" after a success */
} http_transport;

/* The llmg_transport for llmg_call; h must outlive the call. */
llmg_transport http_transport_of(http_transport *h);

#ifdef __cplusplus
}
#endif

#endif /* HTTP_TRANSPORT_H */
