/* demo_server - a tiny loopback HTTP server that plays a canned LLM answer.

       demo_server --port-file FILE [--stream SSE_FILE] [--mode MODE[,MODE...]]
                   [--request-log FILE] [--body-out FILE] [--head-out FILE]
                   [--requests N] [--delay-ms MS]

   It lets `make demo` and the end-to-end tests run the CLI with no network
   and no API key. It does not use llm_gateway.h: it stands in for the
   provider, so it must not share the library's mistakes.

   It listens on 127.0.0.1 on a port the system picks, writes that port
   (decimal, then a newline) to the port file once it listens, serves N
   connections one after another (default 1), one request each, and exits
   0. The port file is written under a temporary name and renamed, so a
   reader never sees half of it. Setup failures exit 1 with a message on
   stderr; so does 30 s without a connection, so a broken test cannot hang.

   OPTIONS
       --port-file FILE    where to write the port (required)
       --stream SSE_FILE   the response body of the ok, drop and stall modes
       --mode MODES        ok (default), drop, 429, 401 or stall; a comma list
                           gives one mode per request, the last one repeating
                           ("429,ok": a rate limit, then the answer)
           ok      200, text/event-stream, chunked: each "\n\n"-terminated
                   event of SSE_FILE is one chunk, --delay-ms between events
           drop    the same, but the connection closes after about half the
                   events, without the terminating chunk
           429     Too Many Requests, Retry-After: 7, an OpenAI-style JSON error
           401     Unauthorized, an OpenAI-style JSON error
           stall   the head and the first event, then nothing until the
                   client closes (or 30 s)
       --request-log FILE  appends "METHOD /path", one "name: value" line per
                           header, then an empty line, then the body (when
                           there is one) and an empty line; the values of
                           authorization, x-api-key, api-key and
                           chatgpt-account-id read "(hidden)"
       --body-out FILE     the request body, byte for byte (request k >= 2 goes
                           to FILE.k)
       --head-out FILE     the request line and header lines exactly as
                           received, each ended by "\n" (request k >= 2: FILE.k)
       --requests N        connections to serve, default 1 (0: write the port
                           file and exit, which hands a test a free port)
       --delay-ms MS       pause between events, default 30

   For tests only:
       --framing F         chunked, length (Content-Length) or close (the body
                           ends when the connection does); default chunked for
                           ok, drop and stall and length for 429 and 401
       --raw FILE          answer every request with FILE's bytes verbatim, then
                           close (any mode is ignored)
       --piece N           with --raw: write N bytes at a time, --delay-ms apart

   Requests: a request line, headers (64 KiB at most) and a body of
   Content-Length bytes or a chunked body; "Expect: 100-continue" is
   honoured. The server is single-threaded and uses POSIX only. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L         /* sockets, poll, nanosleep; before any header */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if defined(MSG_NOSIGNAL)
#  define SEND_FLAGS MSG_NOSIGNAL
#else
#  define SEND_FLAGS 0                  /* SIGPIPE is ignored in main anyway */
#endif

#define MAX_HEAD        (64 * 1024)
#define MAX_HEADERS     256
#define MAX_BODY        ((size_t)64 * 1024 * 1024)
#define MAX_MODES       16
#define ACCEPT_WAIT_MS  30000           /* exit when no client comes for this long */
#define READ_WAIT_MS    10000           /* drop a client that stops sending its request */
#define STALL_MS        30000

typedef enum mode { MODE_OK, MODE_DROP, MODE_429, MODE_401, MODE_STALL } mode;
typedef enum framing { FRAME_DEFAULT, FRAME_CHUNKED, FRAME_LENGTH, FRAME_CLOSE } framing;

typedef struct options {
    const char *port_file;
    const char *stream_file;
    const char *request_log;
    const char *body_out;
    const char *head_out;
    const char *raw_file;
    mode        modes[MAX_MODES];
    int         mode_count;
    framing     framing;
    long        requests;
    long        delay_ms;
    long        piece;
} options;

/* Bytes of a file, read whole. */
typedef struct blob {
    char  *ptr;
    size_t len;
} blob;

/* One received request. Header views point into head. */
typedef struct request {
    char   head[MAX_HEAD];
    size_t head_len;
    size_t line_start[MAX_HEADERS + 1];   /* [0] the request line, then each header */
    size_t line_len[MAX_HEADERS + 1];
    size_t name_len[MAX_HEADERS + 1];     /* bytes before the colon */
    size_t value_start[MAX_HEADERS + 1];  /* value without surrounding blanks */
    size_t value_len[MAX_HEADERS + 1];
    int    lines;
    char  *body;
    size_t body_len;
} request;

/* A buffered reader over the client socket; every wait is bounded. */
typedef struct reader {
    int    fd;
    char   buf[16384];
    size_t pos, len;
} reader;

static const char json_429[] =
    "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"rate_limit_error\","
    "\"code\":\"rate_limit_exceeded\"}}";
static const char json_401[] =
    "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
    "\"code\":\"invalid_api_key\"}}";

/* ================================================================ helpers */

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("demo_server: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void note(const char *fmt, ...)
{
    va_list ap;
    fputs("demo_server: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void sleep_ms(long ms)
{
    struct timespec ts;
    if (ms <= 0) return;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch; }

/* 1 when the n bytes at a equal the lower-case word, ignoring case. */
static int ieq(const char *a, size_t n, const char *word)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (word[i] == '\0' || lower((unsigned char)a[i]) != word[i]) return 0;
    return word[n] == '\0';
}

static long parse_long(const char *s, const char *flag, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        die("%s wants a number from %ld to %ld, not \"%s\"", flag, lo, hi, s);
    return v;
}

static blob read_file(const char *path)
{
    blob b;
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f == NULL) die("cannot open %s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) == 0) n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) die("cannot read %s: %s", path, strerror(errno));
    b.len = (size_t)n;
    b.ptr = (char *)malloc(b.len + 1);
    if (b.ptr == NULL) die("out of memory reading %s", path);
    if (fread(b.ptr, 1, b.len, f) != b.len) die("cannot read %s", path);
    fclose(f);
    return b;
}

/* FILE for the first request, FILE.k for request k >= 2, so a retry test
   can look at every attempt. */
static FILE *open_numbered(const char *path, long k, const char *how)
{
    char name[4096];
    FILE *f;
    if (k <= 1) snprintf(name, sizeof name, "%s", path);
    else snprintf(name, sizeof name, "%s.%ld", path, k);
    f = fopen(name, how);
    if (f == NULL) note("cannot open %s: %s", name, strerror(errno));
    return f;
}

/* ================================================================ options */

static void usage(void)
{
    fputs("usage: demo_server --port-file FILE [--stream SSE_FILE] [--mode ok|drop|429|401|stall[,...]]\n"
          "                   [--request-log FILE] [--body-out FILE] [--head-out FILE]\n"
          "                   [--requests N] [--delay-ms MS]\n", stderr);
    exit(1);
}

static void parse_modes(options *o, const char *s)
{
    const char *p = s, *e;
    size_t n;
    o->mode_count = 0;
    for (;;) {
        e = strchr(p, ',');
        n = e ? (size_t)(e - p) : strlen(p);
        if (o->mode_count == MAX_MODES) die("more than %d modes in --mode", MAX_MODES);
        if (ieq(p, n, "ok")) o->modes[o->mode_count++] = MODE_OK;
        else if (ieq(p, n, "drop")) o->modes[o->mode_count++] = MODE_DROP;
        else if (ieq(p, n, "429")) o->modes[o->mode_count++] = MODE_429;
        else if (ieq(p, n, "401")) o->modes[o->mode_count++] = MODE_401;
        else if (ieq(p, n, "stall")) o->modes[o->mode_count++] = MODE_STALL;
        else die("unknown mode \"%.*s\" (ok, drop, 429, 401 or stall)", (int)n, p);
        if (e == NULL) break;
        p = e + 1;
    }
}

static void parse_args(options *o, int argc, char **argv)
{
    int i;
    memset(o, 0, sizeof *o);
    o->modes[0] = MODE_OK;
    o->mode_count = 1;
    o->requests = 1;
    o->delay_ms = 30;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) usage();
        if (v == NULL) {
            fprintf(stderr, "demo_server: %s needs a value\n", a);
            usage();
        }
        i++;
        if (strcmp(a, "--port-file") == 0) o->port_file = v;
        else if (strcmp(a, "--stream") == 0) o->stream_file = v;
        else if (strcmp(a, "--mode") == 0) parse_modes(o, v);
        else if (strcmp(a, "--request-log") == 0) o->request_log = v;
        else if (strcmp(a, "--body-out") == 0) o->body_out = v;
        else if (strcmp(a, "--head-out") == 0) o->head_out = v;
        else if (strcmp(a, "--requests") == 0) o->requests = parse_long(v, a, 0, 1000000);
        else if (strcmp(a, "--delay-ms") == 0) o->delay_ms = parse_long(v, a, 0, 600000);
        else if (strcmp(a, "--raw") == 0) o->raw_file = v;
        else if (strcmp(a, "--piece") == 0) o->piece = parse_long(v, a, 1, 1L << 30);
        else if (strcmp(a, "--framing") == 0) {
            if (strcmp(v, "chunked") == 0) o->framing = FRAME_CHUNKED;
            else if (strcmp(v, "length") == 0) o->framing = FRAME_LENGTH;
            else if (strcmp(v, "close") == 0) o->framing = FRAME_CLOSE;
            else die("--framing is chunked, length or close, not \"%s\"", v);
        } else {
            fprintf(stderr, "demo_server: unknown option %s\n", a);
            usage();
        }
    }
    if (o->port_file == NULL) {
        fprintf(stderr, "demo_server: --port-file is required\n");
        usage();
    }
    if (o->raw_file == NULL && o->stream_file == NULL && o->requests > 0)
        for (i = 0; i < o->mode_count; i++)
            if (o->modes[i] == MODE_OK || o->modes[i] == MODE_DROP || o->modes[i] == MODE_STALL)
                die("--mode ok, drop and stall need --stream SSE_FILE");
}

/* ================================================================ reading a request */

/* 1: bytes arrived, 0: the client closed, -1: error or READ_WAIT_MS of silence. */
static int rd_fill(reader *r)
{
    struct pollfd pfd;
    ssize_t n;
    int k;
    for (;;) {
        pfd.fd = r->fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        k = poll(&pfd, 1, READ_WAIT_MS);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        n = recv(r->fd, r->buf, sizeof r->buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return 0;
        r->pos = 0;
        r->len = (size_t)n;
        return 1;
    }
}

/* Reads one line, LF included, into out (capacity cap). Returns the
   line's length, -1 when the client closed or failed, -2 when the line
   is longer than cap. */
static long rd_line(reader *r, char *out, size_t cap)
{
    size_t n = 0;
    char ch;
    for (;;) {
        if (r->pos == r->len && rd_fill(r) != 1) return -1;
        ch = r->buf[r->pos++];
        if (n == cap) return -2;
        out[n++] = ch;
        if (ch == '\n') return (long)n;
    }
}

static int rd_bytes(reader *r, char *out, size_t n)
{
    size_t take;
    while (n > 0) {
        if (r->pos == r->len && rd_fill(r) != 1) return -1;
        take = r->len - r->pos < n ? r->len - r->pos : n;
        memcpy(out, r->buf + r->pos, take);
        r->pos += take;
        out += take;
        n -= take;
    }
    return 0;
}

static int send_all(int fd, const char *p, size_t n)
{
    ssize_t w;
    while (n > 0) {
        w = send(fd, p, n, SEND_FLAGS);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;          /* the client went away: not the server's failure */
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int grow_body(request *q, size_t more)
{
    char *p;
    if (more > MAX_BODY - q->body_len) return -1;
    p = (char *)realloc(q->body, q->body_len + more + 1);
    if (p == NULL) return -1;
    q->body = p;
    return 0;
}

/* A chunked request body, RFC 9112 7.1; extensions and trailers dropped. */
static const char *read_chunked(reader *r, request *q)
{
    char line[4096];
    long n;
    size_t size;
    int digits, h;
    for (;;) {
        if ((n = rd_line(r, line, sizeof line)) < 0) return "the chunked body ended early";
        size = 0;
        digits = 0;
        for (; digits < n; digits++) {
            int ch = lower((unsigned char)line[digits]);
            if (ch >= '0' && ch <= '9') h = ch - '0';
            else if (ch >= 'a' && ch <= 'f') h = ch - 'a' + 10;
            else break;
            if (size > MAX_BODY) return "chunk too large";
            size = size * 16 + (size_t)h;
        }
        if (digits == 0) return "bad chunk size";
        if (size == 0) break;
        if (grow_body(q, size) != 0) return "request body too large";
        if (rd_bytes(r, q->body + q->body_len, size) != 0) return "the chunked body ended early";
        q->body_len += size;
        if ((n = rd_line(r, line, sizeof line)) < 0 || (n != 1 && n != 2) || line[n - 1] != '\n')
            return "no CR LF after chunk data";
    }
    for (;;) {                          /* trailers, then the empty line */
        if ((n = rd_line(r, line, sizeof line)) < 0) return "the chunked body ended early";
        if (n <= 2 && (line[0] == '\n' || line[0] == '\r')) return NULL;
    }
}

/* The value of the first header called name, or NULL. */
static const char *header_value(const request *q, const char *name, size_t *len)
{
    int i;
    for (i = 1; i < q->lines; i++)
        if (ieq(q->head + q->line_start[i], q->name_len[i], name)) {
            *len = q->value_len[i];
            return q->head + q->value_start[i];
        }
    return NULL;
}

/* Reads one request into q. Returns NULL or why it failed. */
static const char *read_request(reader *r, request *q)
{
    long n;
    size_t at, i, vlen;
    const char *v, *colon;
    char *end;
    unsigned long long cl;

    q->head_len = 0;
    q->lines = 0;
    for (;;) {
        n = rd_line(r, q->head + q->head_len, MAX_HEAD - q->head_len);
        if (n == -2) return "request head over 64 KiB";
        if (n < 0) return "the client closed before the request ended";
        at = q->head_len;
        q->head_len += (size_t)n;
        while (n > 0 && (q->head[at + (size_t)n - 1] == '\n' || q->head[at + (size_t)n - 1] == '\r')) n--;
        if (n == 0) {
            if (q->lines == 0) continue;    /* RFC 9112 2.2: ignore empty lines before the request */
            break;
        }
        if (q->lines == MAX_HEADERS + 1) return "more than 256 headers";
        q->line_start[q->lines] = at;
        q->line_len[q->lines] = (size_t)n;
        if (q->lines > 0) {
            colon = (const char *)memchr(q->head + at, ':', (size_t)n);
            if (colon == NULL) return "a header line without a colon";
            q->name_len[q->lines] = (size_t)(colon - (q->head + at));
            i = q->name_len[q->lines] + 1;
            while (i < (size_t)n && (q->head[at + i] == ' ' || q->head[at + i] == '\t')) i++;
            q->value_start[q->lines] = at + i;
            vlen = (size_t)n - i;
            while (vlen > 0 && (q->head[at + i + vlen - 1] == ' ' || q->head[at + i + vlen - 1] == '\t')) vlen--;
            q->value_len[q->lines] = vlen;
        }
        q->lines++;
    }
    if (memchr(q->head + q->line_start[0], ' ', q->line_len[0]) == NULL) return "a bad request line";

    /* "Expect: 100-continue" (curl sends it for large bodies): say go on. */
    v = header_value(q, "expect", &vlen);
    if (v != NULL && ieq(v, vlen, "100-continue"))
        (void)send_all(r->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);

    q->body_len = 0;
    v = header_value(q, "transfer-encoding", &vlen);
    if (v != NULL && vlen >= 7 && ieq(v + vlen - 7, 7, "chunked")) return read_chunked(r, q);
    v = header_value(q, "content-length", &vlen);
    if (v == NULL) return NULL;
    {
        char num[32];
        if (vlen == 0 || vlen >= sizeof num) return "a bad Content-Length";
        memcpy(num, v, vlen);
        num[vlen] = '\0';
        cl = strtoull(num, &end, 10);
        if (*end != '\0' || num[0] < '0' || num[0] > '9') return "a bad Content-Length";
    }
    if (cl > MAX_BODY || grow_body(q, (size_t)cl) != 0) return "request body too large";
    if (rd_bytes(r, q->body, (size_t)cl) != 0) return "the client closed inside the body";
    q->body_len = (size_t)cl;
    return NULL;
}

/* ================================================================ what the tests see */

static int is_secret(const char *name, size_t n)
{
    return ieq(name, n, "authorization") || ieq(name, n, "x-api-key") ||
           ieq(name, n, "api-key") || ieq(name, n, "chatgpt-account-id");
}

static void log_request(const options *o, const request *q, long k)
{
    FILE *f;
    int i;
    const char *sp1, *sp2, *line = q->head + q->line_start[0];

    if (o->request_log != NULL && (f = fopen(o->request_log, "a")) != NULL) {
        /* "POST /v1/chat/completions": the request line without the version. */
        sp1 = (const char *)memchr(line, ' ', q->line_len[0]);
        sp2 = sp1 ? (const char *)memchr(sp1 + 1, ' ', q->line_len[0] - (size_t)(sp1 + 1 - line)) : NULL;
        fprintf(f, "%.*s\n", (int)(sp2 ? (size_t)(sp2 - line) : q->line_len[0]), line);
        for (i = 1; i < q->lines; i++) {
            const char *name = q->head + q->line_start[i];
            fprintf(f, "%.*s: %.*s\n", (int)q->name_len[i], name,
                    is_secret(name, q->name_len[i]) ? 8 : (int)q->value_len[i],
                    is_secret(name, q->name_len[i]) ? "(hidden)" : q->head + q->value_start[i]);
        }
        fputc('\n', f);
        if (q->body_len) {
            fwrite(q->body, 1, q->body_len, f);
            fputs("\n\n", f);
        }
        fclose(f);
    } else if (o->request_log != NULL) {
        note("cannot open %s: %s", o->request_log, strerror(errno));
    }
    if (o->head_out != NULL && (f = open_numbered(o->head_out, k, "w")) != NULL) {
        for (i = 0; i < q->lines; i++)
            fprintf(f, "%.*s\n", (int)q->line_len[i], q->head + q->line_start[i]);
        fclose(f);
    }
    if (o->body_out != NULL && (f = open_numbered(o->body_out, k, "wb")) != NULL) {
        if (q->body_len > 0) fwrite(q->body, 1, q->body_len, f);
        fclose(f);
    }
}

/* ================================================================ answering */

static int send_head(int fd, int status, const char *reason, const char *type, framing fr,
                     size_t length, const char *extra)
{
    char h[512];
    int n;
    char frame[64];
    if (fr == FRAME_CHUNKED) snprintf(frame, sizeof frame, "Transfer-Encoding: chunked\r\n");
    else if (fr == FRAME_LENGTH) snprintf(frame, sizeof frame, "Content-Length: %lu\r\n", (unsigned long)length);
    else frame[0] = '\0';
    n = snprintf(h, sizeof h,
                 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%sCache-Control: no-cache\r\n%s"
                 "Connection: close\r\n\r\n", status, reason, type, frame, extra);
    return send_all(fd, h, (size_t)n);
}

/* One piece of the body in the chosen framing. */
static int send_piece(int fd, framing fr, const char *p, size_t n)
{
    char size[32];
    int k;
    if (n == 0) return 0;
    if (fr != FRAME_CHUNKED) return send_all(fd, p, n);
    k = snprintf(size, sizeof size, "%lx\r\n", (unsigned long)n);
    if (send_all(fd, size, (size_t)k) != 0 || send_all(fd, p, n) != 0) return -1;
    return send_all(fd, "\r\n", 2);
}

static int send_end(int fd, framing fr)
{
    return fr == FRAME_CHUNKED ? send_all(fd, "0\r\n\r\n", 5) : 0;
}

/* Length of the event starting at p: up to and including "\n\n", or the rest. */
static size_t event_len(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i + 1 < n; i++)
        if (p[i] == '\n' && p[i + 1] == '\n') return i + 2;
    return n;
}

static size_t count_events(const blob *sse)
{
    size_t at = 0, k = 0;
    while (at < sse->len) {
        at += event_len(sse->ptr + at, sse->len - at);
        k++;
    }
    return k;
}

/* Sends events [0, upto) of the stream, delay_ms apart. */
static int send_events(int fd, framing fr, const blob *sse, size_t upto, long delay_ms)
{
    size_t at = 0, k, n;
    for (k = 0; k < upto && at < sse->len; k++) {
        if (k > 0) sleep_ms(delay_ms);
        n = event_len(sse->ptr + at, sse->len - at);
        if (send_piece(fd, fr, sse->ptr + at, n) != 0) return -1;
        at += n;
    }
    return 0;
}

/* Waits until the client closes (or STALL_MS): the stall mode's silence. */
static void wait_for_close(int fd)
{
    char buf[4096];
    struct pollfd pfd;
    int waited = 0, k;
    ssize_t n;
    while (waited < STALL_MS) {
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        k = poll(&pfd, 1, 200);
        waited += 200;
        if (k < 0 && errno != EINTR) return;
        if (k <= 0) continue;
        n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0 && !(n < 0 && errno == EINTR)) return;
    }
}

static void answer(const options *o, int fd, mode m, const blob *sse, const blob *raw)
{
    framing fr = o->framing;
    size_t at, n, half;

    if (raw->ptr != NULL) {
        for (at = 0; at < raw->len; at += n) {
            n = o->piece > 0 && (size_t)o->piece < raw->len - at ? (size_t)o->piece : raw->len - at;
            if (at > 0) sleep_ms(o->delay_ms);
            if (send_all(fd, raw->ptr + at, n) != 0) return;
        }
        return;
    }
    if (m == MODE_429 || m == MODE_401) {
        const char *body = m == MODE_429 ? json_429 : json_401;
        if (fr == FRAME_DEFAULT) fr = FRAME_LENGTH;
        if (send_head(fd, m == MODE_429 ? 429 : 401, m == MODE_429 ? "Too Many Requests" : "Unauthorized",
                      "application/json", fr, strlen(body), m == MODE_429 ? "Retry-After: 7\r\n" : "") != 0 ||
            send_piece(fd, fr, body, strlen(body)) != 0)
            return;
        (void)send_end(fd, fr);
        return;
    }
    if (fr == FRAME_DEFAULT) fr = FRAME_CHUNKED;
    if (send_head(fd, 200, "OK", "text/event-stream", fr, sse->len, "") != 0) return;
    if (m == MODE_OK) {
        if (send_events(fd, fr, sse, (size_t)-1, o->delay_ms) == 0) (void)send_end(fd, fr);
    } else if (m == MODE_DROP) {
        half = count_events(sse) / 2;
        (void)send_events(fd, fr, sse, half > 0 ? half : 1, o->delay_ms);
    } else {
        if (send_events(fd, fr, sse, 1, 0) == 0) wait_for_close(fd);
    }
}

/* ================================================================ main */

static int listen_loopback(int *port)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int fd, one = 1;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket: %s", strerror(errno));
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = 0;                         /* the system picks a free port */
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) die("bind 127.0.0.1: %s", strerror(errno));
    if (listen(fd, 8) != 0) die("listen: %s", strerror(errno));
    if (getsockname(fd, (struct sockaddr *)&a, &alen) != 0) die("getsockname: %s", strerror(errno));
    *port = ntohs(a.sin_port);
    return fd;
}

/* Written under a temporary name, then renamed: rename is atomic, so a
   test polling for the file never reads half a number. */
static void write_port_file(const char *path, int port)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (f == NULL) die("cannot write %s: %s", tmp, strerror(errno));
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0) die("cannot write %s: %s", tmp, strerror(errno));
    if (rename(tmp, path) != 0) die("cannot rename %s to %s: %s", tmp, path, strerror(errno));
}

int main(int argc, char **argv)
{
    options o;
    blob sse, raw;
    request *q;
    reader *r;
    struct sigaction sa;
    struct pollfd pfd;
    int lfd, cfd, port, k;
    long served;
    const char *why;

    parse_args(&o, argc, argv);
    memset(&sse, 0, sizeof sse);
    memset(&raw, 0, sizeof raw);
    if (o.stream_file != NULL) sse = read_file(o.stream_file);
    if (o.raw_file != NULL) raw = read_file(o.raw_file);

    /* A client that hangs up mid-answer must not kill the server. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);

    q = (request *)calloc(1, sizeof *q);
    r = (reader *)calloc(1, sizeof *r);
    if (q == NULL || r == NULL) die("out of memory");

    lfd = listen_loopback(&port);
    write_port_file(o.port_file, port);

    for (served = 0; served < o.requests; served++) {
        pfd.fd = lfd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        k = poll(&pfd, 1, ACCEPT_WAIT_MS);
        if (k < 0 && errno == EINTR) { served--; continue; }
        if (k < 0) die("poll: %s", strerror(errno));
        if (k == 0) die("no connection for %d s; exiting", ACCEPT_WAIT_MS / 1000);
        cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) { served--; continue; }
            die("accept: %s", strerror(errno));
        }
        r->fd = cfd;
        r->pos = r->len = 0;
        why = read_request(r, q);
        if (why != NULL) {
            static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            note("request %ld: %s", served + 1, why);
            (void)send_all(cfd, bad, sizeof bad - 1);
        } else {
            log_request(&o, q, served + 1);
            answer(&o, cfd, o.modes[served < o.mode_count ? served : o.mode_count - 1], &sse, &raw);
        }
        close(cfd);
        free(q->body);
        q->body = NULL;
    }
    close(lfd);
    free(q);
    free(r);
    free(sse.ptr);
    free(raw.ptr);
    return 0;
}
