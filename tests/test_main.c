/* The one test runner: builds the implementation once and runs every
   suite. Prints "N passed, N failed" last and exits non-zero on failure. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "test.h"

static int case_failed, n_passed, n_failed, fail_lines;
static const char *case_name;

void t_fail(const char *file, int line, const char *expr)
{
    case_failed = 1;
    if (fail_lines++ < 200) printf("FAIL %s: %s:%d: %s\n", case_name, file, line, expr);
}

void t_note(const char *fmt, const char *arg)
{
    if (fail_lines < 200) {
        printf("  note: ");
        printf(fmt, arg);
        printf("\n");
    }
}

void t_run(const char *name, void (*fn)(void))
{
    case_failed = 0;
    case_name = name;
    fn();
    if (case_failed) n_failed++;
    else n_passed++;
}

static void *t_alloc_fn(void *user, size_t n)
{
    t_alloc *ta = (t_alloc *)user;
    void *p;
    ta->calls++;
    if (ta->fail_at && (ta->calls == ta->fail_at || (ta->fail_from && ta->calls > ta->fail_at))) {
        ta->failed++;
        return NULL;
    }
    p = malloc(n);
    if (p) {
        ta->live++;
        ta->live_bytes += n;
        if (ta->live_bytes > ta->peak_bytes) ta->peak_bytes = ta->live_bytes;
    }
    return p;
}

static void *t_realloc_fn(void *user, void *old, size_t o, size_t n)
{
    t_alloc *ta = (t_alloc *)user;
    void *p;
    ta->calls++;
    if (ta->fail_at && (ta->calls == ta->fail_at || (ta->fail_from && ta->calls > ta->fail_at))) {
        ta->failed++;
        return NULL;
    }
    p = realloc(old, n);
    if (p) {
        ta->live_bytes += n;
        ta->live_bytes -= o;
        if (ta->live_bytes > ta->peak_bytes) ta->peak_bytes = ta->live_bytes;
    }
    return p;
}

static void t_free_fn(void *user, void *p, size_t n)
{
    t_alloc *ta = (t_alloc *)user;
    if (!p) return;
    ta->live--;
    ta->live_bytes -= n;
    free(p);
}

llmg_allocator t_alloc_make(t_alloc *ta)
{
    llmg_allocator a;
    memset(ta, 0, sizeof *ta);
    a.alloc_fn = t_alloc_fn;
    a.realloc_fn = t_realloc_fn;
    a.free_fn = t_free_fn;
    a.user = ta;
    return a;
}

void t_alloc_arm(t_alloc *ta, size_t k, int from)
{
    ta->calls = 0;
    ta->failed = 0;
    ta->fail_at = k;
    ta->fail_from = from;
}

void t_str_add(t_str *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 64;
        while (cap < s->len + n + 1) cap *= 2;
        s->p = (char *)realloc(s->p, cap);
        if (!s->p) abort();
        s->cap = cap;
    }
    if (n) memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
}

void t_str_addc(t_str *s, const char *p) { t_str_add(s, p, strlen(p)); }

void t_str_free(t_str *s)
{
    free(s->p);
    s->p = NULL;
    s->len = s->cap = 0;
}

char *t_q(const char *s)
{
    size_t i, n = strlen(s);
    char *r = (char *)malloc(n + 1);
    if (!r) abort();
    for (i = 0; i <= n; i++) r[i] = s[i] == '\'' ? '"' : s[i];
    return r;
}

int main(void)
{
    suite_base();
    suite_sse();
    suite_json();
    suite_pjson();
    suite_errors();
    suite_stream();
    suite_request();
    suite_transport();
    suite_alloc();
    suite_hostile();
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
