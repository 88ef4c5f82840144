/* http_selftest - the C side of tests/http_selftest.sh.

       http_selftest URL [--method M] [--body-file FILE] [--header 'Name: value']...
                     [--bad-header] [--timeout MS] [--cancel-after-bytes N]
                     [--cancel-flag-after-s S] [--cancel-flag-thread-ms MS]
                     [--out FILE] [--headers-out FILE]
       http_selftest --wait-file FILE MS
       http_selftest --raw-request HOST PORT FILE

   The first form makes one http_request and prints what the script checks,
   one "key value" line each: result, status, error, body_calls, body_bytes,
   first_body_ms (-1: no body byte), elapsed_ms. The body goes to --out and
   the response headers, "name: value" one a line, to --headers-out.
   --cancel-after-bytes makes on_body return nonzero once that many bytes
   arrived; --cancel-flag-after-s sets the cancel flag from a SIGALRM
   handler, as a SIGINT handler would (poll then returns EINTR);
   --cancel-flag-thread-ms sets it from another thread, which wakes nobody,
   so only the client's own 100 ms look at the flag can notice it (a
   volatile int written by one thread and read by another: the same
   contract as a signal handler's flag, good enough for a test on the
   platforms this targets). --bad-header adds a header whose
   value holds CR LF. It exits 0 whatever the request gave (2 on usage
   errors), so that a sanitizer report is the only other failure.

   --wait-file prints FILE once it exists and is not empty, waiting up to
   MS milliseconds (exit 1 when it never appears): the port-file handshake
   without relying on a fractional sleep(1).

   --raw-request sends FILE's bytes to HOST:PORT as they are and copies the
   answer to stdout: requests the client never makes (a chunked body). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "../examples/http_posix.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 32

typedef struct run {
    FILE    *out;
    FILE    *headers_out;
    int      status;
    long     body_calls;
    unsigned long long body_bytes;
    unsigned long long cancel_after;    /* 0: never */
    long     first_body_ms;
    struct timespec start;
} run;

static volatile int cancel_flag = 0;
static long cancel_thread_ms = 0;

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)(t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* The library's llmg_str_c needs its implementation; this driver links
   only http_posix.c, which uses nothing but the types. */
static llmg_str str_c(const char *s)
{
    llmg_str v;
    v.ptr = s;
    v.len = strlen(s);
    return v;
}

static void on_alarm(int sig)
{
    (void)sig;
    cancel_flag = 1;
}

static void *cancel_later(void *arg)
{
    struct timespec ts;
    (void)arg;
    ts.tv_sec = cancel_thread_ms / 1000;
    ts.tv_nsec = (cancel_thread_ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
    cancel_flag = 1;
    return NULL;
}

static int on_head(void *user, int status, const llmg_header *h, size_t n)
{
    run *r = (run *)user;
    size_t i;
    r->status = status;
    if (r->headers_out != NULL)
        for (i = 0; i < n; i++)
            fprintf(r->headers_out, "%.*s: %.*s\n", (int)h[i].name.len, h[i].name.ptr,
                    (int)h[i].value.len, h[i].value.ptr);
    return 0;
}

static int on_body(void *user, const char *data, size_t len)
{
    run *r = (run *)user;
    if (r->body_calls++ == 0) r->first_body_ms = ms_since(&r->start);
    r->body_bytes += len;
    if (r->out != NULL) fwrite(data, 1, len, r->out);
    return r->cancel_after > 0 && r->body_bytes >= r->cancel_after;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL, *q;
    size_t cap = 0, n;
    *len = 0;
    if (f == NULL) {
        fprintf(stderr, "http_selftest: cannot open %s\n", path);
        exit(2);
    }
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            q = (char *)realloc(p, cap);
            if (q == NULL) exit(2);
            p = q;
        }
        n = fread(p + *len, 1, cap - *len, f);
        if (n == 0) break;
        *len += n;
    }
    fclose(f);
    return p;
}

static int wait_file(const char *path, long ms)
{
    struct timespec step = {0, 20 * 1000000L}, t0;
    FILE *f;
    char line[64];
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (ms_since(&t0) < ms) {
        f = fopen(path, "r");
        if (f != NULL) {
            if (fgets(line, sizeof line, f) != NULL) {
                fputs(line, stdout);
                fclose(f);
                return 0;
            }
            fclose(f);
        }
        nanosleep(&step, NULL);
    }
    return 1;
}

static int raw_request(const char *host, const char *port, const char *path)
{
    struct addrinfo hints, *res;
    char buf[4096], *data;
    size_t len, at = 0;
    ssize_t n;
    int fd;

    data = read_all(path, &len);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return 1;
    fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        freeaddrinfo(res);
        return 1;
    }
    freeaddrinfo(res);
    while (at < len) {
        n = send(fd, data + at, len - at, MSG_NOSIGNAL);
        if (n <= 0) return 1;
        at += (size_t)n;
    }
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    close(fd);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    run r;
    http_callbacks cb;
    llmg_header hs[MAX_HEADERS];
    size_t nh = 0, body_len = 0;
    char *body = NULL, err[512];
    const char *url = NULL, *method = "POST", *colon;
    int timeout_ms = 0, alarm_s = 0, i;
    http_result res;
    pthread_t thread;

    if (argc == 4 && strcmp(argv[1], "--wait-file") == 0) return wait_file(argv[2], atol(argv[3]));
    if (argc == 5 && strcmp(argv[1], "--raw-request") == 0) return raw_request(argv[2], argv[3], argv[4]);

    memset(&r, 0, sizeof r);
    r.first_body_ms = -1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--bad-header") == 0) {
            hs[nh].name = str_c("X-Bad");
            hs[nh++].value = str_c("a\r\nInjected: 1");
            continue;
        }
        if (a[0] != '-') {
            url = a;
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "http_selftest: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--method") == 0) method = v;
        else if (strcmp(a, "--body-file") == 0) body = read_all(v, &body_len);
        else if (strcmp(a, "--timeout") == 0) timeout_ms = atoi(v);
        else if (strcmp(a, "--cancel-after-bytes") == 0) r.cancel_after = strtoull(v, NULL, 10);
        else if (strcmp(a, "--cancel-flag-after-s") == 0) alarm_s = atoi(v);
        else if (strcmp(a, "--cancel-flag-thread-ms") == 0) cancel_thread_ms = atol(v);
        else if (strcmp(a, "--out") == 0) r.out = fopen(v, "wb");
        else if (strcmp(a, "--headers-out") == 0) r.headers_out = fopen(v, "w");
        else if (strcmp(a, "--header") == 0 && nh < MAX_HEADERS && (colon = strchr(v, ':')) != NULL) {
            hs[nh].name.ptr = v;
            hs[nh].name.len = (size_t)(colon - v);
            hs[nh++].value = str_c(colon + (colon[1] == ' ' ? 2 : 1));
        } else {
            fprintf(stderr, "http_selftest: bad option %s\n", a);
            return 2;
        }
    }
    if (url == NULL) {
        fprintf(stderr, "usage: http_selftest URL [options]\n");
        return 2;
    }
    if (alarm_s > 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);   /* no SA_RESTART: poll returns EINTR, as for SIGINT */
        alarm((unsigned)alarm_s);
    }

    if (cancel_thread_ms > 0 && pthread_create(&thread, NULL, cancel_later, NULL) != 0) {
        fprintf(stderr, "http_selftest: pthread_create failed\n");
        return 2;
    }
    cb.on_head = on_head;
    cb.on_body = on_body;
    cb.user = &r;
    clock_gettime(CLOCK_MONOTONIC, &r.start);
    res = http_request(method, url, hs, nh, body, body_len, timeout_ms,
                       alarm_s > 0 || cancel_thread_ms > 0 ? &cancel_flag : NULL, &cb, err, sizeof err);
    if (cancel_thread_ms > 0) pthread_join(thread, NULL);
    printf("result %s\n", http_result_name(res));
    printf("status %d\n", r.status);
    printf("error %s\n", err);
    printf("body_calls %ld\n", r.body_calls);
    printf("body_bytes %llu\n", r.body_bytes);
    printf("first_body_ms %ld\n", r.first_body_ms);
    printf("elapsed_ms %ld\n", ms_since(&r.start));
    if (r.out != NULL) fclose(r.out);
    if (r.headers_out != NULL) fclose(r.headers_out);
    free(body);
    return 0;
}
