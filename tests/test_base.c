/* Base: statuses, locate, string views, allocator resolution and the
   fixed-buffer allocator (checked against a model under random use). */
#include "test.h"

static void test_version_and_status(void)
{
    CHECK(llmg_version() == LLMG_VERSION_NUM);
    CHECK(strcmp(LLMG_VERSION_STRING, "0.1.0") == 0);
    CHECK(strcmp(llmg_status_name(LLMG_E_SYNTAX), "LLMG_E_SYNTAX") == 0);
    CHECK(strcmp(llmg_status_name(LLMG_NEED_MORE), "LLMG_NEED_MORE") == 0);
    CHECK(strcmp(llmg_status_name(LLMG_E_CANCELLED), "LLMG_E_CANCELLED") == 0);
    CHECK(strcmp(llmg_status_name((llmg_status)5), "LLMG_UNKNOWN") == 0);
    CHECK(strcmp(llmg_status_message(LLMG_E_NOMEM), "allocation failed") == 0);
    CHECK(LLMG_OK == 0 && LLMG_NEED_MORE > 0 && LLMG_DONE > 0);
    CHECK(LLMG_E_PROVIDER < 0 && LLMG_E_TRUNCATED < 0 && LLMG_E_CANCELLED < 0);
}

static void test_locate_and_str(void)
{
    size_t line = 0, col = 0;
    const char *t = "ab\ncd\n\nx";
    llmg_locate(t, strlen(t), 0, &line, &col);
    CHECK(line == 1 && col == 1);
    llmg_locate(t, strlen(t), 4, &line, &col);
    CHECK(line == 2 && col == 2);
    llmg_locate(t, strlen(t), 7, &line, &col);
    CHECK(line == 4 && col == 1);
    llmg_locate(t, strlen(t), 999, &line, &col);
    CHECK(line == 4 && col == 2);
    CHECK(llmg_str_eq(llmg_str_c("abc"), llmg_str_c("abc")));
    CHECK(!llmg_str_eq(llmg_str_c("abc"), llmg_str_c("abd")));
    CHECK(llmg_str_c(NULL).len == 0);
}

static void *only_alloc(void *u, size_t n) { (void)u; (void)n; return NULL; }

static void test_allocator_resolution(void)
{
    llmg_sse_parser p;
    llmg_sse_opts o;
    llmg_error err;
    memset(&o, 0, sizeof o);
    o.allocator.alloc_fn = only_alloc;              /* no free_fn */
    CHECK(llmg_sse_init(&p, &o, &err) == LLMG_E_ARG);
    CHECK(strstr(err.msg, "free_fn") != NULL);
    {
        llmg_sse_event ev;
        CHECK(llmg_sse_next(&p, &ev, &err) == LLMG_E_ARG);   /* sticky */
        llmg_sse_reset(&p);                                 /* nothing to reset to */
        CHECK(llmg_sse_feed(&p, "data: x\n\n", 9, &err) == LLMG_E_ARG);
        llmg_sse_free(&p);
    }
}

/* The fixed allocator under random alloc, grow, shrink and free, with the
   contents checked: blocks never overlap, everything returns. */
static void test_fixed_allocator_random(void)
{
    enum { SLOTS = 64 };
    static unsigned char arena[1 << 16];
    llmg_fixed f;
    llmg_allocator a;
    unsigned char *ptr[SLOTS];
    size_t size[SLOTS];
    unsigned seed = 12345;
    int i, step, fails = 0;
    llmg_fixed_init(&f, arena + 3, sizeof arena - 3);     /* misaligned on purpose */
    a = llmg_fixed_allocator(&f);
    memset(ptr, 0, sizeof ptr);
    memset(size, 0, sizeof size);
    for (step = 0; step < 200000; step++) {
        int s;
        size_t n;
        seed = seed * 1103515245u + 12345u;
        s = (int)((seed >> 8) % SLOTS);
        n = 1 + (seed >> 16) % 700;
        if (!ptr[s]) {
            ptr[s] = (unsigned char *)a.alloc_fn(a.user, n);
            if (!ptr[s]) { fails++; continue; }
            CHECK(((uintptr_t)ptr[s] & 15u) == 0);
            size[s] = n;
            memset(ptr[s], s, n);
        } else if ((seed >> 30) & 1) {
            unsigned char *q = (unsigned char *)a.realloc_fn(a.user, ptr[s], size[s], n);
            size_t keep = n < size[s] ? n : size[s], j;
            if (!q) { fails++; continue; }
            for (j = 0; j < keep; j++) if (q[j] != (unsigned char)s) break;
            CHECK(j == keep);
            ptr[s] = q;
            size[s] = n;
            memset(ptr[s], s, n);
        } else {
            size_t j;
            for (j = 0; j < size[s]; j++) if (ptr[s][j] != (unsigned char)s) break;
            CHECK(j == size[s]);
            a.free_fn(a.user, ptr[s], size[s]);
            ptr[s] = NULL;
        }
    }
    for (i = 0; i < SLOTS; i++) if (ptr[i]) a.free_fn(a.user, ptr[i], size[i]);
    CHECK(f.used == 0);
    CHECK(f.peak <= sizeof arena);
    CHECK((size_t)fails == f.failures);
    /* after everything is back, the whole arena is one block again */
    {
        void *all = a.alloc_fn(a.user, sizeof arena - 32);
        CHECK(all != NULL);
        a.free_fn(a.user, all, sizeof arena - 32);
    }
    CHECK(f.used == 0);
}

static void test_fixed_allocator_limits(void)
{
    static unsigned char small[64];
    llmg_fixed f;
    llmg_allocator a;
    void *p, *q;
    llmg_fixed_init(&f, small, sizeof small);
    a = llmg_fixed_allocator(&f);
    p = a.alloc_fn(a.user, 40);
    CHECK(p != NULL);
    CHECK(a.alloc_fn(a.user, 40) == NULL);
    CHECK(f.failures == 1);
    q = a.realloc_fn(a.user, p, 40, 10);                   /* shrink keeps it */
    CHECK(q == p);
    a.free_fn(a.user, q, 10);
    CHECK(f.used == 0);
    CHECK(a.alloc_fn(a.user, (size_t)-1) == NULL);
    llmg_fixed_init(&f, NULL, 0);
    a = llmg_fixed_allocator(&f);
    CHECK(a.alloc_fn(a.user, 1) == NULL);
}

void suite_base(void)
{
    RUN(test_version_and_status);
    RUN(test_locate_and_str);
    RUN(test_allocator_resolution);
    RUN(test_fixed_allocator_random);
    RUN(test_fixed_allocator_limits);
}
