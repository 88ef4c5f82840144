/* The test runner's shared pieces: a check() macro in the manner of jsmn,
   a counting allocator that can fail the k-th allocation, and a growable
   string for rendering results. */
#ifndef LLMG_TEST_H
#define LLMG_TEST_H

#include "../llm_gateway.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void t_fail(const char *file, int line, const char *expr);
void t_run(const char *name, void (*fn)(void));
void t_note(const char *fmt, const char *arg);

#define CHECK(c) do { if (!(c)) t_fail(__FILE__, __LINE__, #c); } while (0)
#define RUN(fn) t_run(#fn, fn)

/* Counting allocator. arm(k, from): the k-th allocation request from now
   (1-based; realloc counts) fails, and with from != 0 every one after it. */
typedef struct t_alloc {
    size_t calls;        /* requests seen */
    size_t live;         /* blocks not freed */
    size_t live_bytes;
    size_t peak_bytes;
    size_t fail_at;      /* 0: never */
    int    fail_from;
    size_t failed;       /* requests refused */
} t_alloc;

llmg_allocator t_alloc_make(t_alloc *ta);
void t_alloc_arm(t_alloc *ta, size_t k, int from);

/* A growable string for rendering events and documents. */
typedef struct t_str {
    char  *p;
    size_t len, cap;
} t_str;

void t_str_add(t_str *s, const char *p, size_t n);
void t_str_addc(t_str *s, const char *p);
void t_str_free(t_str *s);
/* Turns ' into " so expectations can be written without escapes. */
char *t_q(const char *s);

/* The suites */
void suite_base(void);
void suite_sse(void);
void suite_json(void);
void suite_pjson(void);
void suite_errors(void);
void suite_stream(void);
void suite_request(void);
void suite_transport(void);
void suite_alloc(void);
void suite_hostile(void);

#endif
