/* http_posix.c - a small blocking HTTP/1.1 client for plain http:// URLs.
   The manual is in http_posix.h.

   Shape: parse the URL, build the request head in one buffer, connect
   (non-blocking, so the timeout and the cancel flag work), send, read the
   head into a 64 KiB buffer, then pass body bytes on as each read returns
   them. The socket stays non-blocking throughout and every wait is a
   poll() of at most 100 ms when there is a cancel flag to watch.
   Memory: one 64 KiB receive buffer, the request head, and one
   llmg_header per response header line; all freed before returning. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L         /* getaddrinfo, poll, clock_gettime; before any header */
#endif
#include "http_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define HTTP__MAX_HEAD   (64 * 1024)    /* status line + headers; also the trailer limit */
#define HTTP__SLICE_MS   100            /* longest wait between two looks at *cancel */

/* Linux and the BSDs say "no SIGPIPE" per call; macOS per socket. */
#if defined(MSG_NOSIGNAL)
#  define HTTP__SEND_FLAGS MSG_NOSIGNAL
#elif defined(SO_NOSIGPIPE)
#  define HTTP__SEND_FLAGS 0
#else
#  error "http_posix.c: neither MSG_NOSIGNAL nor SO_NOSIGPIPE; a broken connection would raise SIGPIPE"
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define HTTP__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define HTTP__PRINTF(f, a)
#endif

/* ================================================================ state */

typedef struct http__url {
    char        host[256];              /* NUL-terminated for getaddrinfo; no brackets */
    char        port[8];                /* decimal, "80" by default */
    int         port_num;
    int         ipv6;                   /* host was written in brackets */
    const char *target;                 /* path and query, pointing into the URL */
    size_t      target_len;             /* 0: the URL had none, "/" is sent */
    int         target_slash;           /* 1: target starts with '?', prepend "/" */
} http__url;

typedef struct http__conn {
    int                   fd;
    int                   timeout_ms;
    volatile int         *cancel;
    const http_callbacks *cb;
    char                 *err;
    size_t                err_cap;
    char                  where[400];   /* "127.0.0.1:8080", "localhost ([::1]:8080)": for messages */
    uint64_t              body_bytes;   /* delivered to on_body so far */
} http__conn;

typedef enum http__framing {
    HTTP__BODY_NONE,                    /* HEAD, 1xx, 204, 304 */
    HTTP__BODY_LENGTH,                  /* Content-Length */
    HTTP__BODY_CHUNKED,                 /* Transfer-Encoding: chunked */
    HTTP__BODY_CLOSE                    /* until the server closes */
} http__framing;

/* The chunked decoder, RFC 9112 section 7.1. One state per place in the
   grammar, so any split of the input gives the same result. */
typedef enum http__chunk_state {
    HTTP__C_SIZE,                       /* hex digits of a chunk size */
    HTTP__C_EXT,                        /* after the size: blanks, ";ext=val", CR; up to LF */
    HTTP__C_DATA,                       /* chunk data, left bytes to go */
    HTTP__C_DATA_CR,                    /* the CR LF that closes chunk data */
    HTTP__C_DATA_LF,
    HTTP__C_TRAILER,                    /* start of a trailer line; an empty one ends */
    HTTP__C_TRAILER_LINE,               /* inside a trailer field, up to LF */
    HTTP__C_TRAILER_LF,                 /* the LF of the final empty line */
    HTTP__C_DONE
} http__chunk_state;

typedef struct http__chunked {
    http__chunk_state state;
    uint64_t          size;             /* chunk size being read */
    int               digits;           /* hex digits seen for it */
    uint64_t          left;             /* data bytes of this chunk still to come */
    size_t            line_bytes;       /* bytes of this size line's extensions, or of all
                                           trailers; each bounded by HTTP__MAX_HEAD */
} http__chunked;

/* ================================================================ helpers */

static HTTP__PRINTF(3, 4) http_result http__fail(http__conn *c, http_result r, const char *fmt, ...)
{
    va_list ap;
    if (c->err && c->err_cap > 0) {
        va_start(ap, fmt);
        vsnprintf(c->err, c->err_cap, fmt, ap);
        va_end(ap);
    }
    return r;
}

/* Short texts for the errors a user meets, so messages read alike
   everywhere; strerror for the rest. */
static const char *http__errno_text(int e)
{
    switch (e) {
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET:   return "connection reset by peer";
    case EPIPE:        return "connection closed by peer (broken pipe)";
    case ETIMEDOUT:    return "connection timed out";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH:  return "network unreachable";
    case EADDRNOTAVAIL: return "address not available";
    case EAFNOSUPPORT: return "address family not supported";
    default:           return strerror(e);
    }
}

static int http__lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* 1 when the n bytes at a equal the NUL-terminated lower-case word. */
static int http__ieq(const char *a, size_t n, const char *word)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (word[i] == '\0' || http__lower((unsigned char)a[i]) != word[i]) return 0;
    return word[n] == '\0';
}

static int http__is_digit(int ch) { return ch >= '0' && ch <= '9'; }

static int http__hex(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = http__lower(ch);
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

/* RFC 9110 tchar: what a method or header name may be made of. */
static int http__is_tchar(int ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) return 1;
    return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int http__is_token(const char *p, size_t n)
{
    size_t i;
    if (n == 0) return 0;
    for (i = 0; i < n; i++)
        if (!http__is_tchar((unsigned char)p[i])) return 0;
    return 1;
}

static uint64_t http__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int http__cancelled(const http__conn *c)
{
    return c->cancel != NULL && *c->cancel != 0;
}

/* Room for the sum of the sizes, or 0 when it would not fit in size_t. */
static int http__add(size_t *total, size_t n)
{
    if (n > (size_t)-1 - *total) return 0;
    *total += n;
    return 1;
}

/* ================================================================ URL */

static http_result http__parse_url(http__conn *c, const char *url, http__url *u)
{
    const char *p, *auth, *auth_end, *host, *host_end, *port = NULL, *port_end = NULL, *end;
    size_t i, n;
    long v;

    memset(u, 0, sizeof *u);
    if (url == NULL) return http__fail(c, HTTP_ERR_URL, "no URL given");
    /* A space or control byte would let the URL end the request line early. */
    for (i = 0; url[i] != '\0'; i++)
        if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
            return http__fail(c, HTTP_ERR_URL, "URL has a space or control character at byte %zu: %s", i, url);
    p = strstr(url, "://");
    if (p == NULL) return http__fail(c, HTTP_ERR_URL, "not an http:// URL: \"%s\"", url);
    n = (size_t)(p - url);
    if (http__ieq(url, n, "https"))
        return http__fail(c, HTTP_ERR_URL, "https is not supported by http_posix (plain http:// only; "
                          "use a TLS-capable transport such as libcurl): %s", url);
    if (!http__ieq(url, n, "http"))
        return http__fail(c, HTTP_ERR_URL, "unsupported scheme \"%.*s\" (only http:// is supported): %s",
                          (int)n, url, url);

    auth = p + 3;
    auth_end = auth + strcspn(auth, "/?#");
    if (memchr(auth, '@', (size_t)(auth_end - auth)) != NULL)
        return http__fail(c, HTTP_ERR_URL, "user info (user@host) in a URL is not supported; "
                          "send an Authorization header instead: %s", url);
    if (*auth == '[') {                 /* IPv6 literal, RFC 3986 section 3.2.2 */
        host = auth + 1;
        host_end = memchr(host, ']', (size_t)(auth_end - host));
        if (host_end == NULL) return http__fail(c, HTTP_ERR_URL, "unclosed '[' in URL host: %s", url);
        for (p = host; p < host_end; p++)
            if (http__hex((unsigned char)*p) < 0 && *p != ':' && *p != '.')
                return http__fail(c, HTTP_ERR_URL, "bad IPv6 address in URL: %s", url);
        end = host_end + 1;
        u->ipv6 = 1;
    } else {
        host = auth;
        host_end = host + strcspn(host, ":/?#");
        for (p = host; p < host_end; p++)
            if (!(http__is_tchar((unsigned char)*p) && *p != '*' && *p != '|'))
                return http__fail(c, HTTP_ERR_URL, "bad character '%c' in URL host: %s", *p, url);
        end = host_end;
    }
    if (host_end == host) return http__fail(c, HTTP_ERR_URL, "no host in URL: %s", url);
    if ((size_t)(host_end - host) >= sizeof u->host)
        return http__fail(c, HTTP_ERR_URL, "URL host longer than %zu bytes", sizeof u->host - 1);
    if (end < auth_end) {
        if (*end != ':') return http__fail(c, HTTP_ERR_URL, "unexpected '%c' after the URL host: %s", *end, url);
        port = end + 1;
        port_end = auth_end;
    }
    memcpy(u->host, host, (size_t)(host_end - host));
    u->host[host_end - host] = '\0';

    u->port_num = 80;
    if (port != NULL && port < port_end) {    /* "host:" alone means the default port */
        v = 0;
        for (p = port; p < port_end; p++) {
            if (!http__is_digit((unsigned char)*p) || p - port >= 5)
                return http__fail(c, HTTP_ERR_URL, "bad port in URL: %s", url);
            v = v * 10 + (*p - '0');
        }
        if (v < 1 || v > 65535) return http__fail(c, HTTP_ERR_URL, "port out of range (1-65535) in URL: %s", url);
        u->port_num = (int)v;
    }
    snprintf(u->port, sizeof u->port, "%d", u->port_num);

    /* The target runs to the fragment, which is never sent (RFC 9110 4.2.4). */
    u->target = auth_end;
    u->target_len = strcspn(auth_end, "#");
    u->target_slash = u->target_len > 0 && *u->target == '?';
    return HTTP_OK;
}

/* ================================================================ request head */

static int http__is_own_header(llmg_str name)
{
    return http__ieq(name.ptr, name.len, "content-length") ||
           http__ieq(name.ptr, name.len, "transfer-encoding") ||
           http__ieq(name.ptr, name.len, "connection");
}

static http_result http__check_headers(http__conn *c, const llmg_header *hs, size_t n)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        if (hs[i].name.ptr == NULL || !http__is_token(hs[i].name.ptr, hs[i].name.len))
            return http__fail(c, HTTP_ERR_ARG, "request header %zu: the name is empty or not a token", i);
        if (hs[i].value.ptr == NULL && hs[i].value.len > 0)
            return http__fail(c, HTTP_ERR_ARG, "request header %zu: NULL value", i);
        for (j = 0; j < hs[i].value.len; j++)
            if (hs[i].value.ptr[j] == '\r' || hs[i].value.ptr[j] == '\n' || hs[i].value.ptr[j] == '\0')
                return http__fail(c, HTTP_ERR_ARG, "request header \"%.*s\": CR, LF or NUL in the value",
                                  (int)hs[i].name.len, hs[i].name.ptr);
    }
    return HTTP_OK;
}

typedef struct http__out {
    char  *p;
    size_t len;
} http__out;

static void http__put(http__out *o, const char *s, size_t n)
{
    if (n > 0) memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void http__puts(http__out *o, const char *s) { http__put(o, s, strlen(s)); }

/* The request line and headers in one malloc'd block: one send, and the
   caller frees one pointer. */
static http_result http__build_head(http__conn *c, const char *method, const http__url *u,
                                    const llmg_header *hs, size_t n, const char *body,
                                    size_t body_len, http__out *o)
{
    char hostport[300], num[32];
    size_t i, cap = 0;
    int has_host = 0, ok = 1;

    if (u->ipv6) snprintf(hostport, sizeof hostport, "[%s]", u->host);
    else snprintf(hostport, sizeof hostport, "%s", u->host);
    if (u->port_num != 80) {            /* RFC 9110 7.2: the port only when not the default */
        snprintf(num, sizeof num, ":%d", u->port_num);
        strcat(hostport, num);
    }
    snprintf(num, sizeof num, "%llu", (unsigned long long)body_len);

    for (i = 0; i < n; i++) has_host |= http__ieq(hs[i].name.ptr, hs[i].name.len, "host");
    ok &= http__add(&cap, strlen(method) + 2 + u->target_len + 11 + 2);  /* "M /t HTTP/1.1\r\n" */
    ok &= http__add(&cap, 8 + strlen(hostport));                         /* "Host: x\r\n" */
    for (i = 0; i < n; i++) {
        ok &= http__add(&cap, hs[i].name.len);
        ok &= http__add(&cap, hs[i].value.len);
        ok &= http__add(&cap, 4);
    }
    ok &= http__add(&cap, 18 + strlen(num) + 19 + 2 + 1);                /* CL, Connection, end */
    if (!ok) return http__fail(c, HTTP_ERR_ARG, "request headers too large");
    o->p = (char *)malloc(cap);
    o->len = 0;
    if (o->p == NULL) return http__fail(c, HTTP_ERR_IO, "out of memory (%zu bytes of request head)", cap);

    http__puts(o, method);
    http__puts(o, " ");
    if (u->target_len == 0 || u->target_slash) http__puts(o, "/");
    http__put(o, u->target, u->target_len);
    http__puts(o, " HTTP/1.1\r\n");
    if (!has_host) {
        http__puts(o, "Host: ");
        http__puts(o, hostport);
        http__puts(o, "\r\n");
    }
    for (i = 0; i < n; i++) {
        if (http__is_own_header(hs[i].name)) continue;
        http__put(o, hs[i].name.ptr, hs[i].name.len);
        http__puts(o, ": ");
        http__put(o, hs[i].value.ptr, hs[i].value.len);
        http__puts(o, "\r\n");
    }
    if (body != NULL) {
        http__puts(o, "Content-Length: ");
        http__puts(o, num);
        http__puts(o, "\r\n");
    }
    http__puts(o, "Connection: close\r\n\r\n");
    return HTTP_OK;
}

/* ================================================================ socket */

/* Waits until fd is ready for events, looking at *cancel at least every
   HTTP__SLICE_MS. doing names the phase for the timeout message. */
static http_result http__wait(http__conn *c, int fd, short events, const char *doing)
{
    uint64_t start = http__now_ms(), elapsed;
    struct pollfd pfd;
    int slice, n;

    for (;;) {
        if (http__cancelled(c)) return http__fail(c, HTTP_ERR_CANCELLED, "cancelled (the cancel flag was set)");
        slice = -1;
        if (c->timeout_ms > 0) {
            elapsed = http__now_ms() - start;
            if (elapsed >= (uint64_t)c->timeout_ms)
                return http__fail(c, HTTP_ERR_TIMEOUT, "timed out after %d ms %s", c->timeout_ms, doing);
            slice = c->timeout_ms - (int)elapsed;
        }
        if (c->cancel != NULL && (slice < 0 || slice > HTTP__SLICE_MS)) slice = HTTP__SLICE_MS;
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        n = poll(&pfd, 1, slice);
        if (n > 0) return HTTP_OK;      /* readable, writable, or an error recv/send will report */
        if (n < 0 && errno != EINTR)
            return http__fail(c, HTTP_ERR_IO, "poll failed: %s", strerror(errno));
    }
}

/* "127.0.0.1:8080", "[::1]:8080", or "localhost (127.0.0.1:8080)" for a name. */
static void http__describe(http__conn *c, const http__url *u, const struct addrinfo *ai)
{
    char num[64], port[16];
    int numeric;
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, num, sizeof num, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(c->where, sizeof c->where, "%s port %s", u->host, u->port);
        return;
    }
    numeric = strcmp(num, u->host) == 0;
    if (ai->ai_family == AF_INET6)
        snprintf(c->where, sizeof c->where, "%s%s[%s]:%s%s", numeric ? "" : u->host,
                 numeric ? "" : " (", num, port, numeric ? "" : ")");
    else
        snprintf(c->where, sizeof c->where, "%s%s%s:%s%s", numeric ? "" : u->host,
                 numeric ? "" : " (", num, port, numeric ? "" : ")");
}

static http_result http__connect_one(http__conn *c, const struct addrinfo *ai)
{
    int fd, flags, e = 0, one = 1;
    socklen_t elen = sizeof e;
    http_result r;

    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) return http__fail(c, HTTP_ERR_CONNECT, "cannot create a socket for %s: %s", c->where, http__errno_text(errno));
    c->fd = fd;                         /* from here the caller closes it */
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);         /* a child process must not hold the connection */
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return http__fail(c, HTTP_ERR_CONNECT, "cannot make the socket non-blocking: %s", strerror(errno));
#if defined(SO_NOSIGPIPE)
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        /* EINTR leaves a non-blocking connect running, as EINPROGRESS does. */
        if (errno != EINPROGRESS && errno != EINTR)
            return http__fail(c, HTTP_ERR_CONNECT, "%s (%s)", http__errno_text(errno), c->where);
        r = http__wait(c, fd, POLLOUT, "connecting");
        if (r == HTTP_ERR_TIMEOUT)
            return http__fail(c, HTTP_ERR_CONNECT, "connect timed out after %d ms (%s)", c->timeout_ms, c->where);
        if (r != HTTP_OK) return r;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0) e = errno;
        if (e != 0) return http__fail(c, HTTP_ERR_CONNECT, "%s (%s)", http__errno_text(e), c->where);
    }
    /* The head and the body go out in two sends; without this the second
       could wait for the server's delayed ACK of the first. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return HTTP_OK;
}

/* Tries each address of the host in turn; the last failure is reported. */
static http_result http__connect(http__conn *c, const http__url *u)
{
    struct addrinfo hints, *res = NULL, *ai;
    http_result r = HTTP_ERR_CONNECT;
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(u->host, u->port, &hints, &res);
    if (rc != 0)
        return http__fail(c, HTTP_ERR_CONNECT, "cannot resolve host \"%s\": %s", u->host,
                          rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    if (res == NULL) return http__fail(c, HTTP_ERR_CONNECT, "host \"%s\" has no address", u->host);
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        if (c->fd >= 0) { close(c->fd); c->fd = -1; }
        http__describe(c, u, ai);
        r = http__connect_one(c, ai);
        if (r == HTTP_OK || r == HTTP_ERR_CANCELLED) break;
    }
    freeaddrinfo(res);
    return r;
}

static http_result http__send_all(http__conn *c, const char *p, size_t n)
{
    ssize_t w;
    while (n > 0) {
        if (http__cancelled(c)) return http__fail(c, HTTP_ERR_CANCELLED, "cancelled (the cancel flag was set)");
        w = send(c->fd, p, n, HTTP__SEND_FLAGS);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            http_result r = http__wait(c, c->fd, POLLOUT, "sending the request (the server stopped reading)");
            if (r != HTTP_OK) return r;
        } else {
            return http__fail(c, HTTP_ERR_IO, "%s while sending the request (%s)",
                              http__errno_text(w < 0 ? errno : EPIPE), c->where);
        }
    }
    return HTTP_OK;
}

/* Reads what the socket has, at most cap bytes. *got == 0: the server
   closed the connection. */
static http_result http__recv(http__conn *c, char *buf, size_t cap, size_t *got)
{
    ssize_t n;
    http_result r;
    *got = 0;
    for (;;) {
        if (http__cancelled(c)) return http__fail(c, HTTP_ERR_CANCELLED, "cancelled (the cancel flag was set)");
        n = recv(c->fd, buf, cap, 0);
        if (n >= 0) {
            *got = (size_t)n;
            return HTTP_OK;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return http__fail(c, HTTP_ERR_IO, "%s while reading the response (%s, after %llu body bytes)",
                              http__errno_text(errno), c->where, (unsigned long long)c->body_bytes);
        r = http__wait(c, c->fd, POLLIN, "without data");
        if (r != HTTP_OK) return r;
    }
}

/* ================================================================ response head */

/* The end of the head (index just past the empty line) or 0. A bare LF
   ends a line too, as RFC 9112 2.2 allows a recipient to accept. *scan
   remembers how far earlier calls looked, so nothing is scanned twice. */
static size_t http__head_end(const char *buf, size_t len, size_t *scan)
{
    size_t i;
    for (i = *scan; i < len; i++) {
        if (buf[i] != '\n') continue;
        if (i + 1 < len && buf[i + 1] == '\n') return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') return i + 3;
    }
    *scan = len >= 2 ? len - 2 : 0;
    return 0;
}

/* Reads until the head is complete. Then buf[0..*head_len) is the head and
   buf[*head_len..*have) the first body bytes. */
static http_result http__read_head(http__conn *c, char *buf, size_t *have, size_t *head_len)
{
    size_t scan = 0, got, i, n;
    http_result r;
    char shown[24];

    for (;;) {
        /* Fail at once on a peer that is not speaking HTTP. */
        n = *have < 5 ? *have : 5;
        if (memcmp(buf, "HTTP/", n) != 0) {
            for (i = 0; i < *have && i < sizeof shown - 1; i++)
                shown[i] = buf[i] >= ' ' && buf[i] < 0x7f ? buf[i] : '.';
            shown[i] = '\0';
            return http__fail(c, HTTP_ERR_PROTOCOL, "not an HTTP/1.x response from %s (it starts \"%s\")",
                              c->where, shown);
        }
        *head_len = http__head_end(buf, *have, &scan);
        if (*head_len > 0) return HTTP_OK;
        if (*have == HTTP__MAX_HEAD)
            return http__fail(c, HTTP_ERR_PROTOCOL, "response headers larger than %d KiB (%s)",
                              HTTP__MAX_HEAD / 1024, c->where);
        r = http__recv(c, buf + *have, HTTP__MAX_HEAD - *have, &got);
        if (r == HTTP_ERR_TIMEOUT && *have == 0)
            return http__fail(c, HTTP_ERR_TIMEOUT, "timed out after %d ms without data (%s sent no response)",
                              c->timeout_ms, c->where);
        if (r != HTTP_OK) return r;
        if (got == 0 && *have == 0)
            return http__fail(c, HTTP_ERR_IO, "connection closed by %s before any response byte", c->where);
        if (got == 0)
            return http__fail(c, HTTP_ERR_IO, "connection closed inside the response headers (%s, after %zu bytes)",
                              c->where, *have);
        *have += got;
    }
}

/* The next line of [*p, end): its bytes without CR LF; *p moves past it. */
static llmg_str http__line(char **p, char *end)
{
    llmg_str l;
    char *nl = (char *)memchr(*p, '\n', (size_t)(end - *p));
    if (nl == NULL) nl = end;
    l.ptr = *p;
    l.len = (size_t)(nl - *p);
    if (l.len > 0 && l.ptr[l.len - 1] == '\r') l.len--;
    *p = nl < end ? nl + 1 : end;
    return l;
}

static llmg_str http__trim(const char *p, size_t n)
{
    llmg_str s;
    while (n > 0 && (*p == ' ' || *p == '\t')) { p++; n--; }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    s.ptr = p;
    s.len = n;
    return s;
}

/* Status line and header fields. The views point into head, which may be
   rewritten in place (obs-fold). *hs is malloc'd; the caller frees it. */
static http_result http__parse_head(http__conn *c, char *head, size_t len, int *status,
                                    llmg_header **hs, size_t *count)
{
    char *p = head, *end = head + len, *colon;
    llmg_str l;
    size_t lines = 0, i;
    llmg_header *h;

    *hs = NULL;
    *count = 0;
    l = http__line(&p, end);
    /* "HTTP/1.1 200 OK"; the reason phrase may be missing or empty. */
    if (l.len < 12 || memcmp(l.ptr, "HTTP/1.", 7) != 0 || !http__is_digit((unsigned char)l.ptr[7]) ||
        l.ptr[8] != ' ' || !http__is_digit((unsigned char)l.ptr[9]) ||
        !http__is_digit((unsigned char)l.ptr[10]) || !http__is_digit((unsigned char)l.ptr[11]) ||
        (l.len > 12 && l.ptr[12] != ' '))
        return http__fail(c, HTTP_ERR_PROTOCOL, "bad status line from %s: \"%.*s\"", c->where,
                          (int)(l.len < 60 ? l.len : 60), l.ptr);
    *status = (l.ptr[9] - '0') * 100 + (l.ptr[10] - '0') * 10 + (l.ptr[11] - '0');

    for (i = (size_t)(p - head); i < len; i++) lines += head[i] == '\n';
    h = (llmg_header *)malloc((lines > 0 ? lines : 1) * sizeof *h);
    if (h == NULL) return http__fail(c, HTTP_ERR_IO, "out of memory (%zu response headers)", lines);
    *hs = h;
    while (p < end) {
        l = http__line(&p, end);
        if (l.len == 0) break;          /* the empty line that ends the head */
        if (l.ptr[0] == ' ' || l.ptr[0] == '\t') {
            /* obs-fold: RFC 9112 5.2 asks a user agent to replace it with
               spaces. The continuation follows the previous value in the
               buffer, so blank out the line break and widen the view. */
            char *from, *to;
            if (*count == 0) return http__fail(c, HTTP_ERR_PROTOCOL, "header continuation line before any header");
            from = (char *)h[*count - 1].value.ptr + h[*count - 1].value.len;
            for (to = from; to < l.ptr; to++) *to = ' ';
            h[*count - 1].value = http__trim(h[*count - 1].value.ptr, (size_t)(l.ptr + l.len - h[*count - 1].value.ptr));
            continue;
        }
        colon = (char *)memchr(l.ptr, ':', l.len);
        if (colon == NULL || !http__is_token(l.ptr, (size_t)(colon - l.ptr)))
            return http__fail(c, HTTP_ERR_PROTOCOL, "malformed response header line: \"%.*s\"",
                              (int)(l.len < 60 ? l.len : 60), l.ptr);
        h[*count].name.ptr = l.ptr;
        h[*count].name.len = (size_t)(colon - l.ptr);
        h[*count].value = http__trim(colon + 1, (size_t)(l.ptr + l.len - (colon + 1)));
        (*count)++;
    }
    return HTTP_OK;
}

/* Parses a Content-Length value: digits, or a list of equal values
   ("5, 5", which RFC 9110 8.6 allows a recipient to accept). */
static int http__parse_length(llmg_str v, uint64_t *out)
{
    size_t i = 0;
    int have = 0;
    uint64_t n, first = 0;
    while (i < v.len) {
        n = 0;
        while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t')) i++;
        if (i == v.len || !http__is_digit((unsigned char)v.ptr[i])) return 0;
        while (i < v.len && http__is_digit((unsigned char)v.ptr[i])) {
            if (n > (UINT64_MAX - 9) / 10) return 0;
            n = n * 10 + (uint64_t)(v.ptr[i++] - '0');
        }
        while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t')) i++;
        if (i < v.len && (v.ptr[i++] != ',' || i == v.len)) return 0;   /* junk, or "5," */
        if (have && n != first) return 0;
        first = n;
        have = 1;
    }
    *out = first;
    return have;
}

/* How the body is framed, RFC 9112 6.3. Transfer-Encoding wins over
   Content-Length; a body that is neither runs until the server closes. */
static http_result http__framing_of(http__conn *c, const char *method, int status,
                                    const llmg_header *hs, size_t n,
                                    http__framing *f, uint64_t *length)
{
    size_t i, k;
    int te = 0, chunked = 0, cl = 0;
    uint64_t v;
    llmg_str last;

    if (strcmp(method, "HEAD") == 0 || status == 204 || status == 304) {
        *f = HTTP__BODY_NONE;
        return HTTP_OK;
    }
    for (i = 0; i < n; i++) {
        if (http__ieq(hs[i].name.ptr, hs[i].name.len, "transfer-encoding")) {
            /* chunked must be the final coding; only the last header counts. */
            te = 1;
            for (k = hs[i].value.len; k > 0 && hs[i].value.ptr[k - 1] != ','; k--) {}
            last = http__trim(hs[i].value.ptr + k, hs[i].value.len - k);
            chunked = http__ieq(last.ptr, last.len, "chunked");
        } else if (http__ieq(hs[i].name.ptr, hs[i].name.len, "content-length")) {
            if (!http__parse_length(hs[i].value, &v) || (cl && v != *length))
                return http__fail(c, HTTP_ERR_PROTOCOL, "bad Content-Length \"%.*s\"",
                                  (int)(hs[i].value.len < 40 ? hs[i].value.len : 40), hs[i].value.ptr);
            *length = v;
            cl = 1;
        }
    }
    if (te) *f = chunked ? HTTP__BODY_CHUNKED : HTTP__BODY_CLOSE;
    else *f = cl ? HTTP__BODY_LENGTH : HTTP__BODY_CLOSE;
    return HTTP_OK;
}

/* ================================================================ body */

static http_result http__deliver(http__conn *c, const char *p, size_t n)
{
    if (n == 0) return HTTP_OK;
    c->body_bytes += n;
    if (c->cb != NULL && c->cb->on_body != NULL && c->cb->on_body(c->cb->user, p, n) != 0)
        return http__fail(c, HTTP_ERR_CANCELLED, "cancelled by on_body after %llu body bytes",
                          (unsigned long long)c->body_bytes);
    return HTTP_OK;
}

static http_result http__chunk_error(http__conn *c, const char *what)
{
    return http__fail(c, HTTP_ERR_PROTOCOL, "bad chunked body: %s (%s, after %llu body bytes)",
                      what, c->where, (unsigned long long)c->body_bytes);
}

/* The size line ended: data follows, or the trailers after the last chunk. */
static void http__chunk_size_done(http__chunked *d)
{
    d->left = d->size;
    d->state = d->size == 0 ? HTTP__C_TRAILER : HTTP__C_DATA;
    d->size = 0;
    d->digits = 0;
    d->line_bytes = 0;                  /* the limit is per size line, and for all trailers */
}

/* Feeds n bytes to the chunked decoder; data runs go straight to on_body. */
static http_result http__chunked_feed(http__conn *c, http__chunked *d, const char *p, size_t n)
{
    size_t i = 0, take;
    int ch, h;
    http_result r;

    while (i < n && d->state != HTTP__C_DONE) {
        if (d->state == HTTP__C_DATA) {
            take = n - i;
            if ((uint64_t)take > d->left) take = (size_t)d->left;
            if ((r = http__deliver(c, p + i, take)) != HTTP_OK) return r;
            i += take;
            d->left -= take;
            if (d->left == 0) d->state = HTTP__C_DATA_CR;
            continue;
        }
        ch = (unsigned char)p[i++];
        switch (d->state) {
        case HTTP__C_SIZE:
            h = http__hex(ch);
            if (h >= 0) {
                if (d->size > (UINT64_MAX >> 8)) return http__chunk_error(c, "chunk size too large");
                d->size = d->size * 16 + (uint64_t)h;
                d->digits++;
                break;
            }
            if (d->digits == 0) return http__chunk_error(c, "chunk size is not hexadecimal");
            if (ch == '\n') http__chunk_size_done(d);
            else if (ch == ';' || ch == ' ' || ch == '\t' || ch == '\r') d->state = HTTP__C_EXT;
            else return http__chunk_error(c, "chunk size is not hexadecimal");
            break;
        case HTTP__C_EXT:
            /* Extensions carry nothing this client uses; skip to the LF. */
            if (++d->line_bytes > HTTP__MAX_HEAD) return http__chunk_error(c, "chunk extensions over 64 KiB");
            if (ch == '\n') http__chunk_size_done(d);
            break;
        case HTTP__C_DATA_CR:
            if (ch == '\n') d->state = HTTP__C_SIZE;           /* bare LF accepted */
            else if (ch == '\r') d->state = HTTP__C_DATA_LF;
            else return http__chunk_error(c, "no CR LF after chunk data");
            break;
        case HTTP__C_DATA_LF:
            if (ch != '\n') return http__chunk_error(c, "no CR LF after chunk data");
            d->state = HTTP__C_SIZE;
            break;
        case HTTP__C_TRAILER:
            if (ch == '\n') d->state = HTTP__C_DONE;
            else if (ch == '\r') d->state = HTTP__C_TRAILER_LF;
            else d->state = HTTP__C_TRAILER_LINE;
            break;
        case HTTP__C_TRAILER_LINE:
            /* Trailer fields are read and dropped (RFC 9112 7.1.2 lets a
               recipient discard them). */
            if (++d->line_bytes > HTTP__MAX_HEAD) return http__chunk_error(c, "trailers over 64 KiB");
            if (ch == '\n') d->state = HTTP__C_TRAILER;
            break;
        case HTTP__C_TRAILER_LF:
            if (ch != '\n') return http__chunk_error(c, "no LF after the last trailer line");
            d->state = HTTP__C_DONE;
            break;
        case HTTP__C_DATA:
        case HTTP__C_DONE:
            break;
        }
    }
    return HTTP_OK;
}

/* Passes the body on: first the bytes that came with the head, then each
   read, until the framing says the body is complete. */
static http_result http__read_body(http__conn *c, http__framing f, uint64_t length,
                                   char *buf, size_t have, size_t head_len)
{
    http__chunked d;
    const char *p = buf + head_len;
    size_t n = have - head_len, got;
    http_result r;

    memset(&d, 0, sizeof d);
    d.state = HTTP__C_SIZE;
    if (f == HTTP__BODY_NONE || (f == HTTP__BODY_LENGTH && length == 0)) return HTTP_OK;
    for (;;) {
        if (f == HTTP__BODY_LENGTH) {
            uint64_t left = length - c->body_bytes;
            if ((uint64_t)n > left) n = (size_t)left;    /* bytes past the body are ignored */
            if ((r = http__deliver(c, p, n)) != HTTP_OK) return r;
            if (c->body_bytes == length) return HTTP_OK;
        } else if (f == HTTP__BODY_CHUNKED) {
            if ((r = http__chunked_feed(c, &d, p, n)) != HTTP_OK) return r;
            if (d.state == HTTP__C_DONE) return HTTP_OK;
        } else {
            if ((r = http__deliver(c, p, n)) != HTTP_OK) return r;
        }
        r = http__recv(c, buf, HTTP__MAX_HEAD, &got);
        if (r != HTTP_OK) return r;
        if (got == 0) break;
        p = buf;
        n = got;
    }
    /* The server closed the connection. */
    if (f == HTTP__BODY_LENGTH)
        return http__fail(c, HTTP_ERR_IO, "connection closed after %llu of %llu body bytes (%s)",
                          (unsigned long long)c->body_bytes, (unsigned long long)length, c->where);
    if (f == HTTP__BODY_CHUNKED)
        return http__fail(c, HTTP_ERR_IO, "connection closed inside the chunked body, after %llu body bytes (%s)",
                          (unsigned long long)c->body_bytes, c->where);
    return HTTP_OK;
}

/* ================================================================ http_request */

static http_result http__exchange(http__conn *c, const char *method, const char *url,
                                  const llmg_header *headers, size_t header_count,
                                  const char *body, size_t body_len,
                                  char **buf, llmg_header **hs)
{
    http__url u;
    http__out head;
    http__framing framing = HTTP__BODY_CLOSE;
    uint64_t length = 0;
    size_t have = 0, head_len = 0, count = 0;
    int status = 0;
    http_result r, sent;
    char send_err[256];

    if (method == NULL || !http__is_token(method, strlen(method)))
        return http__fail(c, HTTP_ERR_ARG, "the method is NULL or not a token");
    if (header_count > 0 && headers == NULL) return http__fail(c, HTTP_ERR_ARG, "headers is NULL");
    if ((r = http__parse_url(c, url, &u)) != HTTP_OK) return r;
    if ((r = http__check_headers(c, headers, header_count)) != HTTP_OK) return r;
    if ((r = http__build_head(c, method, &u, headers, header_count, body, body_len, &head)) != HTTP_OK)
        return r;
    r = http__connect(c, &u);
    if (r != HTTP_OK) {
        free(head.p);
        return r;
    }
    sent = http__send_all(c, head.p, head.len);
    if (sent == HTTP_OK && body != NULL) sent = http__send_all(c, body, body_len);
    free(head.p);
    if (sent != HTTP_OK && sent != HTTP_ERR_IO) return sent;
    /* A server may answer and close before reading the whole request (a
       413, a 401): the answer explains more than "broken pipe", so read
       it, and report the send error only when there is none. */
    if (sent == HTTP_ERR_IO && c->err != NULL && c->err_cap > 0)
        snprintf(send_err, sizeof send_err, "%s", c->err);
    else
        send_err[0] = '\0';

    *buf = (char *)malloc(HTTP__MAX_HEAD);
    if (*buf == NULL) return http__fail(c, HTTP_ERR_IO, "out of memory (receive buffer)");
    for (;;) {
        r = http__read_head(c, *buf, &have, &head_len);
        if (r != HTTP_OK && sent == HTTP_ERR_IO && r != HTTP_ERR_CANCELLED)
            return http__fail(c, HTTP_ERR_IO, "%s", send_err);
        if (r != HTTP_OK) return r;
        free(*hs);
        if ((r = http__parse_head(c, *buf, head_len, &status, hs, &count)) != HTTP_OK) return r;
        if (status == 101)
            return http__fail(c, HTTP_ERR_PROTOCOL, "unexpected 101 Switching Protocols from %s", c->where);
        if (status >= 200) break;
        /* An interim response (100 Continue, 103 Early Hints): the final
           one follows on the same connection. */
        memmove(*buf, *buf + head_len, have - head_len);
        have -= head_len;
    }
    if ((r = http__framing_of(c, method, status, *hs, count, &framing, &length)) != HTTP_OK) return r;
    if (c->cb != NULL && c->cb->on_head != NULL && c->cb->on_head(c->cb->user, status, *hs, count) != 0)
        return http__fail(c, HTTP_ERR_CANCELLED, "cancelled by on_head (status %d)", status);
    free(*hs);
    *hs = NULL;
    return http__read_body(c, framing, length, *buf, have, head_len);
}

http_result http_request(const char *method, const char *url,
                         const llmg_header *headers, size_t header_count,
                         const char *body, size_t body_len, int timeout_ms,
                         volatile int *cancel, const http_callbacks *cb,
                         char *err, size_t err_cap)
{
    http__conn c;
    char *buf = NULL;
    llmg_header *hs = NULL;
    http_result r;

    memset(&c, 0, sizeof c);
    c.fd = -1;
    c.timeout_ms = timeout_ms;
    c.cancel = cancel;
    c.cb = cb;
    c.err = err;
    c.err_cap = err_cap;
    if (err != NULL && err_cap > 0) err[0] = '\0';
    r = http__exchange(&c, method, url, headers, header_count, body, body_len, &buf, &hs);
    if (c.fd >= 0) close(c.fd);
    free(buf);
    free(hs);
    if (r == HTTP_OK && err != NULL && err_cap > 0) err[0] = '\0';
    return r;
}

const char *http_result_name(http_result r)
{
    switch (r) {
    case HTTP_OK:            return "HTTP_OK";
    case HTTP_ERR_URL:       return "HTTP_ERR_URL";
    case HTTP_ERR_CONNECT:   return "HTTP_ERR_CONNECT";
    case HTTP_ERR_IO:        return "HTTP_ERR_IO";
    case HTTP_ERR_TIMEOUT:   return "HTTP_ERR_TIMEOUT";
    case HTTP_ERR_CANCELLED: return "HTTP_ERR_CANCELLED";
    case HTTP_ERR_PROTOCOL:  return "HTTP_ERR_PROTOCOL";
    case HTTP_ERR_ARG:       return "HTTP_ERR_ARG";
    }
    return "HTTP_UNKNOWN";
}
