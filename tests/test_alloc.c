/* Allocation failure at every public entry point that allocates: the SSE
   framer, the JSON parser (whole and incremental), the writer, the
   partial-JSON reader, the classifier (HTTP and stream), the stream of
   each API fed in chunks and its final message, message load and save,
   request building and the exchange (200 bodies and error bodies).

   Each job runs an operation from start to end and renders what it gave
   into a string. The sweep runs it unhooked (default allocator), then
   with the counting allocator: it must give the same status and the same
   rendering, and make the same number of allocation requests on a second
   run. Then the k-th request fails, once and from k on, for the sampled
   k: every run must end in LLMG_E_NOMEM (or, where a failure is absorbed,
   exactly the unhooked result), with nothing left allocated once the
   objects are freed, and an error that stays put (sticky) where the API
   says so.

   Sampling of k (total = requests of the unhooked-by-failure run):
   k = 1 .. min(total, 200) every one; past 200, every
   ceil((total - 200) / 100)-th k, and k = total itself. So at most about
   301 values of k per mode; most inputs here make fewer than 200
   requests and get every k.

   Inputs: the hand-written fixtures under tests/fixtures/ (read at run
   time from the repository root, where make test runs), and a few inline
   error bodies. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include "test.h"

#define K_EVERY  200u                    /* every k up to here */
#define K_POINTS 100u                    /* then about this many more */

/* ------------------------------------------------------------ files */

typedef struct t_file {
    char  *p;
    size_t n;
    char   path[512];
} t_file;

static int read_file(const char *path, t_file *f)
{
    FILE *fp = fopen(path, "rb");
    long n;
    memset(f, 0, sizeof *f);
    if (!fp) return 0;
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return 0;
    }
    f->p = (char *)malloc((size_t)n + 1);
    if (!f->p) abort();
    f->n = fread(f->p, 1, (size_t)n, fp);
    f->p[f->n] = '\0';
    fclose(fp);
    snprintf(f->path, sizeof f->path, "%s", path);
    return f->n == (size_t)n;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The files of dir whose names end in suffix (and not in notsuffix),
   sorted; at most max. */
static size_t list_dir(const char *dir, const char *suffix, const char *notsuffix,
                       char (*names)[256], size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0, ls = strlen(suffix), lns = notsuffix ? strlen(notsuffix) : 0;
    if (!d) return 0;
    while ((e = readdir(d)) != NULL && n < max) {
        size_t l = strlen(e->d_name);
        if (l <= ls || strcmp(e->d_name + l - ls, suffix) != 0) continue;
        if (lns && l > lns && strcmp(e->d_name + l - lns, notsuffix) == 0) continue;
        if (strlen(dir) + 1 + l >= 256) continue;
        memcpy(names[n], dir, strlen(dir));
        names[n][strlen(dir)] = '/';
        memcpy(names[n] + strlen(dir) + 1, e->d_name, l + 1);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    return n;
}

/* ------------------------------------------------------------ the sweep */

/* One operation: ctx in, a rendering out. a == NULL: default allocator. */
typedef llmg_status (*job_fn)(const void *ctx, const llmg_allocator *a, t_str *out);

static int same(const t_str *x, const t_str *y)
{
    return x->len == y->len && (x->len == 0 || memcmp(x->p, y->p, x->len) == 0);
}

static size_t next_k(size_t k, size_t total)
{
    size_t stride;
    if (k < K_EVERY || total <= K_EVERY) return k + 1;
    stride = (total - K_EVERY + K_POINTS - 1) / K_POINTS;
    if (k + stride > total && k < total) return total;
    return k + stride;
}

static size_t sweeps_run, sweep_ks, sweep_degraded;

#define SW_ALLOC   1   /* the job must allocate */
#define SW_DEGRADE 2   /* a failure may also end in the unhooked status with a
                          lesser rendering (a documented fallback: see the job) */

/* Returns the requests the job makes when nothing fails. */
static size_t sweep(const char *label, job_fn fn, const void *ctx, int flags)
{
    t_alloc ta;
    llmg_allocator a = t_alloc_make(&ta);
    t_str want, got;
    llmg_status ref, st;
    size_t k, total;
    int from;
    char note[700];
    memset(&want, 0, sizeof want);
    memset(&got, 0, sizeof got);
    sweeps_run++;
    ref = fn(ctx, NULL, &want);
    t_alloc_arm(&ta, 0, 0);
    st = fn(ctx, &a, &got);
    total = ta.calls;
    if (st != ref || !same(&got, &want) || ta.live != 0 || ta.live_bytes != 0 ||
        ((flags & SW_ALLOC) && total == 0)) {
        snprintf(note, sizeof note, "%s: counting allocator run differs (status %d vs %d, %zu requests, %zu live)",
                 label, (int)st, (int)ref, total, ta.live);
        t_note("%s", note);
        CHECK(0 && "an allocator changed the result");
        goto done;
    }
    got.len = 0;
    t_alloc_arm(&ta, 0, 0);
    fn(ctx, &a, &got);
    CHECK(ta.calls == total);            /* deterministic, so the sweep covers every request */
    for (from = 0; from < 2; from++)
        for (k = 1; k <= total; k = next_k(k, total)) {
            t_alloc_arm(&ta, k, from);
            got.len = 0;
            sweep_ks++;
            st = fn(ctx, &a, &got);
            if (st == ref && !same(&got, &want) && (flags & SW_DEGRADE)) sweep_degraded++;
            else if (ta.failed == 0 || !(st == LLMG_E_NOMEM || (st == ref && same(&got, &want)))) {
                snprintf(note, sizeof note, "%s: request %zu fails%s: status %s, %zu refused",
                         label, k, from ? " and after" : "", llmg_status_name(st), ta.failed);
                t_note("%s", note);
                CHECK(0 && "an allocation failure did not end in LLMG_E_NOMEM");
                goto done;
            }
            if (ta.live != 0 || ta.live_bytes != 0) {
                snprintf(note, sizeof note, "%s: request %zu fails%s: %zu blocks (%zu bytes) leaked",
                         label, k, from ? " and after" : "", ta.live, ta.live_bytes);
                t_note("%s", note);
                CHECK(0 && "leak after an allocation failure");
                goto done;
            }
        }
done:
    t_alloc_arm(&ta, 0, 0);
    t_str_free(&want);
    t_str_free(&got);
    return total;
}

/* ------------------------------------------------------------ rendering helpers */

static void add_num(t_str *out, const char *what, uint64_t v)
{
    char b[64];
    snprintf(b, sizeof b, "%s=%llu\n", what, (unsigned long long)v);
    t_str_addc(out, b);
}

static void add_view(t_str *out, llmg_str s)
{
    t_str_add(out, s.ptr ? s.ptr : "", s.len);
    t_str_addc(out, "\n");
}

/* A sticky error: the same code again. */
#define CHECK_STICKY(call, st) do { if ((st) < 0 && (st) != LLMG_E_ARG) CHECK((call) == (st)); } while (0)

/* ------------------------------------------------------------ jobs */

typedef struct job {
    const char        *label;
    const char        *data;
    size_t             len;
    size_t             chunk;
    llmg_provider      provider;
    int                status;           /* exchange, classify: HTTP status */
    const llmg_header *headers;
    size_t             nheaders;
} job;

static llmg_status job_sse(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_sse_opts o;
    llmg_sse_parser p;
    llmg_sse_event ev;
    llmg_error err;
    llmg_status st = LLMG_OK;
    size_t at = 0;
    memset(&o, 0, sizeof o);
    if (a) o.allocator = *a;
    CHECK(llmg_sse_init(&p, &o, &err) == LLMG_OK);
    while (st >= 0) {
        size_t n = j->len - at < j->chunk ? j->len - at : j->chunk;
        if (n == 0) {
            llmg_sse_finish(&p, &err);
        } else {
            llmg_sse_feed(&p, j->data + at, n, &err);
            at += n;
        }
        while ((st = llmg_sse_next(&p, &ev, &err)) == LLMG_OK) {
            add_view(out, ev.type);
            add_view(out, ev.data);
            add_view(out, ev.id);
        }
        if (st == LLMG_DONE) break;
    }
    CHECK_STICKY(llmg_sse_next(&p, &ev, NULL), st);
    CHECK(st == err.code || st == LLMG_DONE);
    llmg_sse_free(&p);
    return st;
}

static llmg_status job_json_parse(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_json_opts o;
    llmg_json_doc doc;
    llmg_error err;
    llmg_status st;
    size_t i;
    memset(&o, 0, sizeof o);
    if (a) o.allocator = *a;
    llmg_json_doc_init(&doc);
    st = llmg_json_parse(&doc, j->data, j->len, &o, &err);
    add_num(out, "tokens", doc.count);
    if (st == LLMG_OK)                   /* unescaped copies of every string */
        for (i = 0; i < doc.count; i++) {
            llmg_json_val v;
            llmg_buf b;
            v.doc = &doc;
            v.i = i;
            if (llmg_json_typeof(v) != LLMG_JSON_STRING) continue;
            memset(&b, 0, sizeof b);
            st = llmg_json_dup_str(v, a, &b);
            if (st != LLMG_OK) break;
            t_str_add(out, b.ptr ? b.ptr : "", b.len);
            llmg_buf_free(&b, a);
        }
    llmg_json_doc_free(&doc);
    return st;
}

/* The incremental validator allocates only past 512 levels: a deep document. */
static llmg_status job_json_stream(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_json_opts o;
    llmg_json_stream s;
    llmg_error err;
    llmg_status st = LLMG_NEED_MORE;
    size_t at = 0;
    memset(&o, 0, sizeof o);
    o.max_depth = 100000;
    if (a) o.allocator = *a;
    CHECK(llmg_json_stream_init(&s, &o, &err) == LLMG_OK);
    while (at < j->len && st >= 0) {
        size_t n = j->len - at < j->chunk ? j->len - at : j->chunk;
        st = llmg_json_stream_feed(&s, j->data + at, n, &err);
        at += n;
    }
    if (st >= 0) st = llmg_json_stream_finish(&s, &err);
    CHECK_STICKY(llmg_json_stream_feed(&s, " ", 1, NULL), st);
    add_num(out, "at", at);
    llmg_json_stream_free(&s);
    return st;
}

static llmg_status job_json_writer(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_json_writer_opts o;
    llmg_json_writer w;
    llmg_json_doc doc;
    llmg_error err;
    llmg_status st;
    memset(&o, 0, sizeof o);
    if (a) o.allocator = *a;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, j->data, j->len, NULL, &err) == LLMG_OK);
    CHECK(llmg_json_writer_init(&w, &o, &err) == LLMG_OK);
    llmg_json_write_arr_begin(&w);
    llmg_json_write_val(&w, llmg_json_root(&doc));
    llmg_json_write_double(&w, 1e-5);
    llmg_json_write_strc(&w, "tab\there \xc3\xa9");
    llmg_json_write_arr_end(&w);
    st = llmg_json_writer_status(&w, &err);
    if (st == LLMG_OK) add_view(out, llmg_json_writer_str(&w));
    CHECK_STICKY(llmg_json_write_null(&w), st);
    llmg_json_writer_free(&w);
    llmg_json_doc_free(&doc);
    return st;
}

static llmg_status job_pjson(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_pjson_opts o;
    llmg_pjson p;
    llmg_error err;
    llmg_status st = LLMG_OK;
    size_t at = 0, views = 0;
    memset(&o, 0, sizeof o);
    if (a) o.allocator = *a;
    CHECK(llmg_pjson_init(&p, &o, &err) == LLMG_OK);
    while (at < j->len && st >= 0) {
        size_t n = j->len - at < j->chunk ? j->len - at : j->chunk;
        st = llmg_pjson_feed(&p, j->data + at, n, &err);
        at += n;
        if (st >= 0) views += llmg_pjson_view(&p).len;
    }
    if (st >= 0) st = llmg_pjson_finish(&p, &err);
    CHECK_STICKY(llmg_pjson_feed(&p, "x", 1, NULL), st);
    add_num(out, "views", views);
    add_view(out, llmg_pjson_view(&p));
    llmg_pjson_free(&p);
    return st;
}

static void render_pe(const llmg_provider_error *pe, t_str *out)
{
    llmg_json_writer w;
    llmg_json_writer_opts o;
    memset(&o, 0, sizeof o);
    o.replace_invalid_utf8 = 1;
    llmg_json_writer_init(&w, &o, NULL);
    llmg_provider_error_write_json(pe, &w);
    add_view(out, llmg_json_writer_str(&w));
    llmg_json_writer_free(&w);
}

static llmg_status job_classify_http(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_classify_opts o;
    llmg_classify_input in;
    llmg_provider_error pe;
    llmg_error err;
    llmg_status st;
    memset(&o, 0, sizeof o);
    memset(&in, 0, sizeof in);
    if (a) o.allocator = *a;
    in.provider = j->provider;
    in.status = j->status;
    in.headers = j->headers;
    in.header_count = j->nheaders;
    in.body.ptr = j->data;
    in.body.len = j->len;
    in.now_ms = 1700000000000;
    llmg_provider_error_init(&pe);
    st = llmg_classify_http(&in, &o, &pe, &err);
    if (st == LLMG_OK) render_pe(&pe, out);
    else CHECK(pe.kind == LLMG_ERROR_NONE && pe._store.ptr == NULL);   /* zeroed on failure */
    llmg_provider_error_free(&pe);
    return st;
}

static llmg_status job_classify_stream(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_classify_opts o;
    llmg_provider_error pe;
    llmg_json_doc doc;
    llmg_error err;
    llmg_status st;
    memset(&o, 0, sizeof o);
    if (a) o.allocator = *a;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, j->data, j->len, NULL, &err) == LLMG_OK);
    llmg_provider_error_init(&pe);
    st = llmg_classify_stream_error(j->provider, llmg_json_root(&doc), &o, &pe, &err);
    if (st == LLMG_OK) render_pe(&pe, out);
    else CHECK(pe.kind == LLMG_ERROR_NONE && pe._store.ptr == NULL);
    llmg_provider_error_free(&pe);
    llmg_json_doc_free(&doc);
    return st;
}

static void render_event(const llmg_event *ev, t_str *out)
{
    llmg_json_writer w;
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_event_write_json(ev, &w);
    add_view(out, llmg_json_writer_str(&w));
    llmg_json_writer_free(&w);
}

static void render_message(const llmg_message *m, t_str *out)
{
    llmg_json_writer w;
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_message_write_json(m, &w);
    t_str_addc(out, "message ");
    add_view(out, llmg_json_writer_str(&w));
    llmg_json_writer_free(&w);
}

static int64_t clock_1(void *user)
{
    (void)user;
    return 1700000000000;
}

/* The stream, pull shape, in chunks; then the message taken out of it. */
static llmg_status job_stream(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_stream_opts o;
    llmg_stream s;
    llmg_event ev;
    llmg_error err;
    llmg_host host;
    llmg_message m;
    llmg_status st = LLMG_NEED_MORE;
    size_t at = 0;
    memset(&o, 0, sizeof o);
    memset(&host, 0, sizeof host);
    host.unix_ms = clock_1;
    o.provider = j->provider;
    o.host = &host;
    if (a) o.allocator = *a;
    CHECK(llmg_stream_init(&s, &o, &err) == LLMG_OK);
    for (;;) {
        size_t n = j->len - at < j->chunk ? j->len - at : j->chunk;
        if (n == 0) llmg_stream_finish(&s, &err);
        else llmg_stream_feed(&s, j->data + at, n, &err);
        at += n;
        while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) render_event(&ev, out);
        if (st != LLMG_NEED_MORE || n == 0) break;
    }
    if (st < 0) {
        CHECK(err.code == st);
        CHECK(err.offset <= j->len);
        CHECK_STICKY(llmg_stream_next(&s, &ev, NULL), st);
        if (st == LLMG_E_PROVIDER) {
            CHECK(err.provider != NULL && llmg_stream_error(&s) != NULL);
            if (llmg_stream_error(&s)) render_pe(llmg_stream_error(&s), out);
        }
    }
    add_num(out, "status", (uint64_t)(int64_t)st);
    /* the final (or partial) message, moved out of the stream */
    llmg_stream_take_message(&s, &m);
    llmg_stream_free(&s);
    if (st != LLMG_E_NOMEM) render_message(&m, out);
    llmg_message_free(&m);
    return st;
}

/* Every message of a JSON value (one message or an array of them): loaded
   with the allocator and written back with a writer on it. */
static llmg_status job_message(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_json_doc doc;
    llmg_json_writer_opts wo;
    llmg_json_writer w;
    llmg_error err;
    llmg_status st = LLMG_OK;
    llmg_json_iter it;
    llmg_json_val v, root;
    memset(&wo, 0, sizeof wo);
    if (a) wo.allocator = *a;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, j->data, j->len, NULL, &err) == LLMG_OK);
    root = llmg_json_root(&doc);
    CHECK(llmg_json_writer_init(&w, &wo, &err) == LLMG_OK);
    llmg_json_write_arr_begin(&w);
    if (llmg_json_typeof(root) == LLMG_JSON_ARRAY) {
        it = llmg_json_iter_init(root);
    } else {
        it.doc = NULL;
        it.left = 0;
        it.i = 0;
    }
    v = root;
    for (;;) {
        llmg_message m;
        if (it.doc) {
            if (!llmg_json_iter_next(&it, NULL, &v)) break;
        }
        st = llmg_message_init(&m, a, &err);
        CHECK(st == LLMG_OK);
        st = llmg_message_from_json(&m, v, &err);
        if (st == LLMG_OK) st = llmg_message_write_json(&m, &w);
        llmg_message_free(&m);
        if (st != LLMG_OK || !it.doc) break;
    }
    llmg_json_write_arr_end(&w);
    if (st == LLMG_OK) st = llmg_json_writer_status(&w, &err);
    if (st == LLMG_OK) add_view(out, llmg_json_writer_str(&w));
    llmg_json_writer_free(&w);
    llmg_json_doc_free(&doc);
    return st;
}

/* A request case of tests/fixtures/requests: {messages, system, tools,
   options, config}. */
static void request_input(const llmg_json_doc *doc, llmg_provider_config *cfg, llmg_request_input *in)
{
    llmg_json_val root = llmg_json_root(doc), c = llmg_json_getc(root, "config"), v;
    memset(cfg, 0, sizeof *cfg);
    memset(in, 0, sizeof in[0]);
    in->messages = llmg_json_lexeme(llmg_json_getc(root, "messages"));
    v = llmg_json_getc(root, "system");
    if (llmg_json_typeof(v) != LLMG_JSON_NONE) in->system = llmg_json_lexeme(v);
    v = llmg_json_getc(root, "tools");
    if (llmg_json_typeof(v) != LLMG_JSON_NONE) in->tools = llmg_json_lexeme(v);
    v = llmg_json_getc(root, "options");
    if (llmg_json_typeof(v) != LLMG_JSON_NONE) in->options = llmg_json_lexeme(v);
    {
        llmg_str s;
        if (llmg_json_str_view(llmg_json_getc(c, "provider"), &s)) cfg->provider = llmg_provider_from_name(s);
        if (llmg_json_str_view(llmg_json_getc(c, "api_key"), &s)) cfg->api_key = s;
        if (llmg_json_str_view(llmg_json_getc(c, "account_id"), &s)) cfg->account_id = s;
    }
}

static void render_request(const llmg_request *r, t_str *out)
{
    size_t i;
    add_view(out, r->url);
    for (i = 0; i < r->header_count; i++) {
        add_view(out, r->headers[i].name);
        add_view(out, r->headers[i].value);
    }
    add_view(out, r->body);
}

static llmg_status job_request(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_json_doc doc;
    llmg_provider_config cfg;
    llmg_request_input in;
    llmg_request_opts o;
    llmg_request req;
    llmg_error err;
    llmg_status st;
    memset(&o, 0, sizeof o);
    if (a) o.allocator = *a;
    llmg_json_doc_init(&doc);
    CHECK(llmg_json_parse(&doc, j->data, j->len, NULL, &err) == LLMG_OK);
    request_input(&doc, &cfg, &in);
    llmg_request_init(&req);
    st = llmg_request_build(&req, &cfg, &in, &o, &err);
    if (st == LLMG_OK) render_request(&req, out);
    else if (st != LLMG_E_NOMEM) add_view(out, req.message);
    if (st != LLMG_OK) CHECK(req.body.len == 0 && req.header_count == 0 && req.url.len == 0 &&
                             req.message.len > 0);
    llmg_request_free(&req);
    llmg_json_doc_free(&doc);
    return st;
}

/* One exchange, pull shape: build, head, the body in chunks, finish. */
static llmg_status job_exchange(const void *ctx, const llmg_allocator *a, t_str *out)
{
    const job *j = (const job *)ctx;
    llmg_provider_config cfg;
    llmg_request_input in;
    llmg_exchange_opts o;
    llmg_exchange x;
    llmg_event ev;
    llmg_error err;
    llmg_status st;
    size_t at = 0;
    memset(&cfg, 0, sizeof cfg);
    memset(&in, 0, sizeof in);
    memset(&o, 0, sizeof o);
    cfg.provider = j->provider;
    cfg.api_key = llmg_str_c("KEY");
    cfg.account_id = llmg_str_c("ACCT");
    in.messages = llmg_str_c("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    in.system = llmg_str_c("\"Be brief.\"");
    in.options = llmg_str_c("{\"model\":\"m\"}");
    if (a) o.allocator = *a;
    st = llmg_exchange_init(&x, &cfg, &in, &o, &err);
    if (st == LLMG_OK) {
        add_view(out, x.request.body);
        st = llmg_exchange_head(&x, j->status, j->headers, j->nheaders, &err);
    }
    while (st >= 0) {
        size_t n = j->len - at < j->chunk ? j->len - at : j->chunk;
        if (n == 0) llmg_exchange_finish(&x, &err);
        else llmg_exchange_feed(&x, j->data + at, n, &err);
        at += n;
        while ((st = llmg_exchange_next(&x, &ev, &err)) == LLMG_OK) render_event(&ev, out);
        if (st != LLMG_NEED_MORE || n == 0) break;
    }
    add_num(out, "status", (uint64_t)(int64_t)st);
    if (st < 0) CHECK_STICKY(llmg_exchange_next(&x, &ev, NULL), st);
    if (st == LLMG_E_PROVIDER) {
        CHECK(llmg_exchange_error(&x) != NULL && llmg_exchange_error(&x)->kind != LLMG_ERROR_NONE);
        if (llmg_exchange_error(&x)) render_pe(llmg_exchange_error(&x), out);
    }
    if (st != LLMG_E_NOMEM && llmg_exchange_message(&x)) render_message(llmg_exchange_message(&x), out);
    llmg_exchange_free(&x);
    return st;
}

/* ------------------------------------------------------------ inputs */

#define MAX_FILES 256
static char names[MAX_FILES][256];

static const struct { const char *dir; llmg_provider p; } stream_dirs[] = {
    {"tests/fixtures/streams/anthropic_messages", LLMG_PROVIDER_ANTHROPIC_MESSAGES},
    {"tests/fixtures/streams/openai_completions", LLMG_PROVIDER_OPENAI_COMPLETIONS},
    {"tests/fixtures/streams/openai_responses", LLMG_PROVIDER_OPENAI_RESPONSES},
    {"tests/fixtures/streams/openai_codex", LLMG_PROVIDER_OPENAI_CODEX},
    {"tests/fixtures/streams/groq_completions", LLMG_PROVIDER_GROQ_COMPLETIONS},
};

/* The final message of a stream case as JSON (for message load/save). */
static void final_message_json(const job *j, t_str *msg)
{
    t_str r;
    const char *p;
    memset(&r, 0, sizeof r);
    job_stream(j, NULL, &r);
    p = r.p ? strstr(r.p, "\nmessage ") : NULL;
    if (p) {
        const char *e = strchr(p + 9, '\n');
        t_str_add(msg, p + 9, e ? (size_t)(e - (p + 9)) : strlen(p + 9));
    }
    t_str_free(&r);
}

static void test_alloc_streams(void)
{
    size_t d, i, n, files = 0, biggest = 0;
    for (d = 0; d < sizeof stream_dirs / sizeof stream_dirs[0]; d++) {
        n = list_dir(stream_dirs[d].dir, ".sse", NULL, names, MAX_FILES);
        CHECK(n >= 5);
        for (i = 0; i < n; i++) {
            t_file f;
            job j;
            t_str msg;
            size_t calls;
            CHECK(read_file(names[i], &f));
            memset(&j, 0, sizeof j);
            j.label = names[i];
            j.data = f.p;
            j.len = f.n;
            j.provider = stream_dirs[d].p;
            j.chunk = 7 + i % 5;
            calls = sweep(names[i], job_stream, &j, 1);
            if (calls > biggest) biggest = calls;
            j.chunk = 64;
            sweep(names[i], job_sse, &j, 0);
            /* the exchange on a 200 body: every other case (the stream path is
               the same; the exchange adds the request and the head) */
            if (i % 2 == 0) {
                j.status = 200;
                j.chunk = 97;
                sweep(names[i], job_exchange, &j, 1);
            }
            /* the final message, loaded and written back */
            memset(&msg, 0, sizeof msg);
            final_message_json(&j, &msg);
            if (msg.len) {
                job jm;
                memset(&jm, 0, sizeof jm);
                jm.data = msg.p;
                jm.len = msg.len;
                sweep(names[i], job_message, &jm, 1);
            }
            t_str_free(&msg);
            free(f.p);
            files++;
        }
    }
    CHECK(files >= 40);
    printf("  alloc: %zu stream cases; the largest made %zu allocation requests\n", files, biggest);
}

static void test_alloc_sse_json(void)
{
    static const char *const dirs[] = {"tests/fixtures/sse", "tests/fixtures/json/valid",
                                       "tests/fixtures/json/invalid"};
    size_t d, i, n;
    for (d = 0; d < 3; d++) {
        n = list_dir(dirs[d], d == 0 ? ".sse" : ".json", NULL, names, MAX_FILES);
        CHECK(n >= 3);
        for (i = 0; i < n; i++) {
            t_file f;
            job j;
            CHECK(read_file(names[i], &f));
            memset(&j, 0, sizeof j);
            j.data = f.p;
            j.len = f.n;
            if (d == 0) {
                size_t c;
                for (c = 1; c <= 64; c *= 8) {
                    j.chunk = c;
                    sweep(names[i], job_sse, &j, 1);
                }
            } else {
                j.chunk = 3;
                sweep(names[i], job_json_parse, &j, d == 1);
                sweep(names[i], job_pjson, &j, d == 1);
                if (d == 1) sweep(names[i], job_json_writer, &j, 1);
            }
            free(f.p);
        }
    }
}

/* Deep documents: the incremental validator, the writer's nesting stack
   and the partial-JSON reader past 512 levels. */
static void test_alloc_deep_json(void)
{
    static char deep[8 * 1500 + 64];
    size_t i, n = 0;
    job j;
    for (i = 0; i < 1500; i++) {
        memcpy(deep + n, "[{\"k\":", 6);
        n += 6;
    }
    deep[n++] = '1';
    for (i = 0; i < 1500; i++) {
        memcpy(deep + n, "}]", 2);
        n += 2;
    }
    memset(&j, 0, sizeof j);
    j.data = deep;
    j.len = n;
    j.chunk = 61;
    sweep("deep document, incremental", job_json_stream, &j, 1);
    sweep("deep document, pjson", job_pjson, &j, 1);
}

static void test_alloc_requests(void)
{
    static const char *const groups[] = {"tests/fixtures/requests/blocks", "tests/fixtures/requests/errors",
                                         "tests/fixtures/requests/example", "tests/fixtures/requests/handoff",
                                         "tests/fixtures/requests/options"};
    size_t g, i, n, files = 0, biggest = 0;
    for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        n = list_dir(groups[g], ".json", ".want.json", names, MAX_FILES);
        CHECK(n >= 2);
        for (i = 0; i < n; i++) {
            t_file f;
            job j;
            llmg_json_doc doc;
            size_t calls;
            CHECK(read_file(names[i], &f));
            memset(&j, 0, sizeof j);
            j.data = f.p;
            j.len = f.n;
            {
                /* a refusal (a case with a .error file) whose words cannot be
                   copied keeps its status with the static message: degrade */
                char epath[256];
                FILE *ef;
                size_t l = strlen(names[i]);
                memcpy(epath, names[i], l - 5);
                memcpy(epath + l - 5, ".error", 7);
                ef = fopen(epath, "rb");
                if (ef) fclose(ef);
                calls = sweep(names[i], job_request, &j, SW_ALLOC | (ef ? SW_DEGRADE : 0));
            }
            if (calls > biggest) biggest = calls;
            /* its messages, loaded and written back, and the whole case
               through the writer and the partial-JSON reader (a third of
               the cases each: they are all alike to those layers) */
            llmg_json_doc_init(&doc);
            if (i % 3 == 0 && llmg_json_parse(&doc, f.p, f.n, NULL, NULL) == LLMG_OK) {
                llmg_json_val m = llmg_json_getc(llmg_json_root(&doc), "messages");
                if (llmg_json_typeof(m) == LLMG_JSON_ARRAY) {
                    job jm;
                    llmg_str lx = llmg_json_lexeme(m);
                    memset(&jm, 0, sizeof jm);
                    jm.data = lx.ptr;
                    jm.len = lx.len;
                    sweep(names[i], job_message, &jm, 1);
                }
                j.chunk = 17;
                sweep(names[i], job_json_writer, &j, 1);
                sweep(names[i], job_pjson, &j, 1);
                sweep(names[i], job_json_parse, &j, 1);
            }
            llmg_json_doc_free(&doc);
            free(f.p);
            files++;
        }
    }
    CHECK(files >= 100);
    printf("  alloc: %zu request cases; the largest build made %zu allocation requests\n", files, biggest);
}

static void test_alloc_errors(void)
{
    static const llmg_header codex_h[] = {
        {{"x-codex-plan-type", 17}, {"plus", 4}},
        {{"X-Codex-Primary-Used-Percent", 28}, {"97", 2}},
        {{"x-codex-primary-reset-after-seconds", 35}, {"120", 3}},
        {{"x-codex-credits-has-credits", 27}, {"False", 5}},
        {{"retry-after", 11}, {"30", 2}},
        {{"retry-after", 11}, {"31", 2}},
    };
    static const llmg_header date_h[] = {{{"Retry-After", 11}, {"Wed, 21 Oct 2037 07:28:00 GMT", 29}}};
    static const struct {
        llmg_provider p;
        int status;
        const llmg_header *h;
        size_t nh;
        const char *body;
    } http[] = {
        {LLMG_PROVIDER_OPENAI_CODEX, 429, codex_h, 6,
         "{\"error\":{\"type\":\"usage_limit_reached\",\"message\":\"The usage limit has been reached\","
         "\"plan_type\":\"plus\",\"resets_in_seconds\":3600,\"resets_at\":1700003600}}"},
        {LLMG_PROVIDER_OPENAI_COMPLETIONS, 429, date_h, 1,
         "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"},
        {LLMG_PROVIDER_OPENAI_RESPONSES, 400, NULL, 0,
         "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens.\","
         "\"code\":\"context_length_exceeded\"}}"},
        {LLMG_PROVIDER_ANTHROPIC_MESSAGES, 529, NULL, 0,
         "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"},
        {LLMG_PROVIDER_ANTHROPIC_MESSAGES, 400, NULL, 0,
         "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens\"}}"},
        {LLMG_PROVIDER_GROQ_COMPLETIONS, 429, NULL, 0,
         "{\"error\":{\"message\":\"Rate limit reached for model\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"},
        {LLMG_PROVIDER_OPENAI_COMPLETIONS, 503, NULL, 0, "<html>Service Unavailable \xff</html>"},
        {LLMG_PROVIDER_OPENAI_COMPLETIONS, 500, NULL, 0, "{\"error\":{\"code\":42,\"message\":[1,{\"a\":null}]}}"},
    };
    static const struct { llmg_provider p; const char *data; } events[] = {
        {LLMG_PROVIDER_ANTHROPIC_MESSAGES,
         "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"},
        {LLMG_PROVIDER_OPENAI_COMPLETIONS, "{\"error\":{\"message\":\"context_length_exceeded\",\"code\":400}}"},
        {LLMG_PROVIDER_OPENAI_RESPONSES,
         "{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The server had an error\"}"},
        {LLMG_PROVIDER_GROQ_COMPLETIONS, "{\"raw\":\"not json\"}"},
    };
    size_t i;
    for (i = 0; i < sizeof http / sizeof http[0]; i++) {
        job j;
        char label[64];
        memset(&j, 0, sizeof j);
        j.provider = http[i].p;
        j.status = http[i].status;
        j.headers = http[i].h;
        j.nheaders = http[i].nh;
        j.data = http[i].body;
        j.len = strlen(http[i].body);
        j.chunk = 5;
        snprintf(label, sizeof label, "classify_http case %zu", i);
        sweep(label, job_classify_http, &j, 1);
        snprintf(label, sizeof label, "exchange, error body %zu", i);
        /* a body that cannot be kept for want of memory is classified as a
           body that is not JSON (the exchange's documented choice): still
           LLMG_E_PROVIDER with a provider error, maybe a coarser one */
        sweep(label, job_exchange, &j, SW_ALLOC | SW_DEGRADE);
    }
    for (i = 0; i < sizeof events / sizeof events[0]; i++) {
        job j;
        char label[64];
        memset(&j, 0, sizeof j);
        j.provider = events[i].p;
        j.data = events[i].data;
        j.len = strlen(events[i].data);
        snprintf(label, sizeof label, "classify_stream_error case %zu", i);
        sweep(label, job_classify_stream, &j, 1);
    }
}

static void test_alloc_summary(void)
{
    CHECK(sweeps_run > 300);
    printf("  alloc: %zu sweeps, %zu runs with a failing allocation, %zu of them a documented fallback\n",
           sweeps_run, sweep_ks, sweep_degraded);
}

void suite_alloc(void)
{
    RUN(test_alloc_sse_json);
    RUN(test_alloc_deep_json);
    RUN(test_alloc_errors);
    RUN(test_alloc_streams);
    RUN(test_alloc_requests);
    RUN(test_alloc_summary);
}
