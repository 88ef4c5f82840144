/* http_curl - see http_curl.h. libcurl does the TLS and the HTTP; this file
   turns its callbacks into http_posix's: the last header block (after any
   1xx or redirect) is reported once, before the first body byte or at the
   end of an empty body; the idle timeout is libcurl's low-speed limit (less
   than one byte per second for timeout_ms); the cancel flag is polled by
   the progress callback.

   Built with -DHTTP_CURL_DLOPEN, libcurl is not linked: it is loaded at
   the first request (dlopen of libcurl.so.4), so a program that makes
   none, or only http:// ones, starts without it and its dependencies. */
#include "http_curl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HTTP_CURL_DLOPEN
#include <dlfcn.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl_lib;
#define CURLF(name) (curl_lib.name)

/* 1 once every function is found. */
static int curl_load(void)
{
    static const char *const names[] = {
        "curl_global_init", "curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
        "curl_easy_getinfo", "curl_easy_strerror", "curl_easy_cleanup", "curl_slist_append",
        "curl_slist_free_all"
    };
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL), *sym[9];
    size_t i;
    if (!h) return 0;
    for (i = 0; i < 9; i++)
        if (!(sym[i] = dlsym(h, names[i]))) {
            dlclose(h);
            return 0;
        }
    /* an object pointer to a function pointer, as POSIX allows: by bytes */
    memcpy(&curl_lib.global_init, &sym[0], sizeof sym[0]);
    memcpy(&curl_lib.easy_init, &sym[1], sizeof sym[1]);
    memcpy(&curl_lib.easy_setopt, &sym[2], sizeof sym[2]);
    memcpy(&curl_lib.easy_perform, &sym[3], sizeof sym[3]);
    memcpy(&curl_lib.easy_getinfo, &sym[4], sizeof sym[4]);
    memcpy(&curl_lib.easy_strerror, &sym[5], sizeof sym[5]);
    memcpy(&curl_lib.easy_cleanup, &sym[6], sizeof sym[6]);
    memcpy(&curl_lib.slist_append, &sym[7], sizeof sym[7]);
    memcpy(&curl_lib.slist_free_all, &sym[8], sizeof sym[8]);
    return 1;
}
#else
#define CURLF(name) curl_##name
static int curl_load(void) { return 1; }
#endif

typedef struct curl_ctx {
    const http_callbacks *cb;
    volatile int *cancel;
    char        *head;                   /* the current header block, "name: value\r\n"... */
    size_t       head_len, head_cap;
    int          head_done, reported, stopped;
    CURL        *curl;
} curl_ctx;

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
    curl_ctx *c = (curl_ctx *)user;
    size_t len = size * n;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {   /* a new block: forget the previous one */
        c->head_len = 0;
        c->head_done = 0;
        return len;
    }
    if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
        c->head_done = 1;
        return len;
    }
    if (c->head_len + len + 1 > c->head_cap) {
        size_t cap = c->head_cap ? c->head_cap * 2 : 1024;
        char *q;
        while (cap < c->head_len + len + 1) cap *= 2;
        q = (char *)realloc(c->head, cap);
        if (!q) return 0;
        c->head = q;
        c->head_cap = cap;
    }
    memcpy(c->head + c->head_len, p, len);
    c->head_len += len;
    return len;
}

/* Reports the status and the headers of the last block, once. */
static int report_head(curl_ctx *c)
{
    llmg_header hs[128];
    size_t count = 0, i = 0;
    long status = 0;
    if (c->reported) return 0;
    c->reported = 1;
    CURLF(easy_getinfo)(c->curl, CURLINFO_RESPONSE_CODE, &status);
    while (i < c->head_len && count < sizeof hs / sizeof hs[0]) {
        size_t end = i, colon;
        while (end < c->head_len && c->head[end] != '\n') end++;
        for (colon = i; colon < end && c->head[colon] != ':'; colon++) {}
        if (colon < end) {
            size_t v = colon + 1, ve = end;
            while (v < ve && (c->head[v] == ' ' || c->head[v] == '\t')) v++;
            while (ve > v && (c->head[ve - 1] == '\r' || c->head[ve - 1] == ' ')) ve--;
            hs[count].name.ptr = c->head + i;
            hs[count].name.len = colon - i;
            hs[count].value.ptr = c->head + v;
            hs[count].value.len = ve - v;
            count++;
        }
        i = end + 1;
    }
    if (c->cb && c->cb->on_head && c->cb->on_head(c->cb->user, (int)status, hs, count)) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

static size_t on_write(char *p, size_t size, size_t n, void *user)
{
    curl_ctx *c = (curl_ctx *)user;
    size_t len = size * n;
    if (report_head(c)) return 0;
    if (len && c->cb && c->cb->on_body && c->cb->on_body(c->cb->user, p, len)) {
        c->stopped = 1;
        return 0;
    }
    return len;
}

static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t d, curl_off_t e)
{
    curl_ctx *c = (curl_ctx *)user;
    (void)a; (void)b; (void)d; (void)e;
    if (c->cancel && *c->cancel) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

static http_result fail(char *err, size_t cap, http_result r, const char *why, const char *detail)
{
    if (err && cap) snprintf(err, cap, "%s%s%s", why, detail ? ": " : "", detail ? detail : "");
    return r;
}

http_result http_curl_request(const char *method, const char *url,
                              const llmg_header *headers, size_t header_count,
                              const char *body, size_t body_len, int timeout_ms,
                              volatile int *cancel, const http_callbacks *cb,
                              char *err, size_t err_cap)
{
    static int initialized;
    struct curl_slist *list = NULL;
    curl_ctx c;
    CURLcode rc;
    http_result r = HTTP_OK;
    size_t i;
    if (err && err_cap) err[0] = '\0';
    if (!method || !url) return fail(err, err_cap, HTTP_ERR_ARG, "no method or URL", NULL);
    if (!initialized) {
        if (!curl_load())
            return fail(err, err_cap, HTTP_ERR_CONNECT, "libcurl could not be loaded (libcurl.so.4)", NULL);
        if (CURLF(global_init)(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return fail(err, err_cap, HTTP_ERR_CONNECT, "libcurl did not initialize", NULL);
        initialized = 1;
    }
    memset(&c, 0, sizeof c);
    c.cb = cb;
    c.cancel = cancel;
    c.curl = CURLF(easy_init)();
    if (!c.curl) return fail(err, err_cap, HTTP_ERR_CONNECT, "libcurl did not initialize", NULL);
    for (i = 0; i < header_count; i++) {
        char line[8192];
        struct curl_slist *next;
        if (headers[i].name.len + headers[i].value.len + 3 > sizeof line) {
            r = fail(err, err_cap, HTTP_ERR_ARG, "a header is longer than 8 KiB", NULL);
            break;
        }
        snprintf(line, sizeof line, "%.*s: %.*s", (int)headers[i].name.len, headers[i].name.ptr,
                 (int)headers[i].value.len, headers[i].value.ptr);
        next = CURLF(slist_append)(list, line);
        if (!next) {
            r = fail(err, err_cap, HTTP_ERR_ARG, "out of memory", NULL);
            break;
        }
        list = next;
    }
    if (r == HTTP_OK) {
        CURLF(easy_setopt)(c.curl, CURLOPT_URL, url);
        CURLF(easy_setopt)(c.curl, CURLOPT_CUSTOMREQUEST, method);
        CURLF(easy_setopt)(c.curl, CURLOPT_HTTPHEADER, list);
        if (body) {
            CURLF(easy_setopt)(c.curl, CURLOPT_POSTFIELDS, body);
            CURLF(easy_setopt)(c.curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        }
        CURLF(easy_setopt)(c.curl, CURLOPT_HEADERFUNCTION, on_header);
        CURLF(easy_setopt)(c.curl, CURLOPT_HEADERDATA, &c);
        CURLF(easy_setopt)(c.curl, CURLOPT_WRITEFUNCTION, on_write);
        CURLF(easy_setopt)(c.curl, CURLOPT_WRITEDATA, &c);
        CURLF(easy_setopt)(c.curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        CURLF(easy_setopt)(c.curl, CURLOPT_XFERINFODATA, &c);
        CURLF(easy_setopt)(c.curl, CURLOPT_NOPROGRESS, 0L);
        CURLF(easy_setopt)(c.curl, CURLOPT_NOSIGNAL, 1L);
        CURLF(easy_setopt)(c.curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
        if (timeout_ms > 0) {                          /* idle: under 1 byte/s for the timeout */
            CURLF(easy_setopt)(c.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
            CURLF(easy_setopt)(c.curl, CURLOPT_LOW_SPEED_TIME, (long)((timeout_ms + 999) / 1000));
        }
        rc = CURLF(easy_perform)(c.curl);
        if (rc == CURLE_OK && report_head(&c)) rc = CURLE_WRITE_ERROR;
        if (rc == CURLE_OK) r = HTTP_OK;
        else if (c.stopped) r = fail(err, err_cap, HTTP_ERR_CANCELLED, "stopped", NULL);
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            r = fail(err, err_cap, HTTP_ERR_TIMEOUT, "timed out", CURLF(easy_strerror)(rc));
        else if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
                 rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_SSL_CONNECT_ERROR ||
                 rc == CURLE_PEER_FAILED_VERIFICATION)
            r = fail(err, err_cap, HTTP_ERR_CONNECT, "cannot connect", CURLF(easy_strerror)(rc));
        else if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
            r = fail(err, err_cap, HTTP_ERR_URL, "bad URL", CURLF(easy_strerror)(rc));
        else
            r = fail(err, err_cap, HTTP_ERR_IO, "the connection broke", CURLF(easy_strerror)(rc));
    }
    CURLF(slist_free_all)(list);
    CURLF(easy_cleanup)(c.curl);
    free(c.head);
    return r;
}
