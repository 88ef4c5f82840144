/* Conformance of the stream mappers and the accumulator with the
   llm_gateway gem, on the shared fixtures (../shared/fixtures next to the
   repository): every SSE response of recorded/<t>/<c>.json goes through
   llmg_stream, whole and at every chunk size from 1 to 64, and must give
   the gem's events and final message of expected/<t>/<c>.json (JSON-equal,
   numbers by value and kind) and, where the gem raised, its error (kind of
   the class, message, code). Every chunked run must print exactly the
   bytes of the whole run.

   A second mode checks hand-written cases (tests/fixtures/streams):
       conformance_streams --case KEY BODY EXPECTED EXIT
   where EXPECTED holds the replay lines and EXIT the exit status.

   FILE arguments under handoff/ are transcripts of recorded/handoff: each
   message must survive llmg_message_from_json + llmg_message_write_json.
   So must every final message.

   With --emit DIR it also writes, per stream, DIR/N.sse (the body),
   DIR/N.args (the provider key) and DIR/N.out (the lines the library
   gave), for a script to check that `llmg replay` prints the same.
   Prints one line per mismatch and "N passed, N failed" last. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include "conformance.h"

static int n_pass, n_fail, n_emit;

typedef struct run {
    llmg_json_writer w;              /* the lines, each ending in \n */
    llmg_json_writer line;
    llmg_status      st;
} run;

static int on_event(void *user, const llmg_event *ev)
{
    run *r = (run *)user;
    llmg_str s;
    llmg_json_writer_reset(&r->line);
    llmg_event_write_json(ev, &r->line);
    s = llmg_json_writer_str(&r->line);
    llmg_json_write_raw(&r->w, s);
    return 0;
}

static int64_t zero_clock(void *user)
{
    (void)user;
    return 0;
}

/* The replay of one body at one chunk size (0: whole): the lines in
   r->w (a JSON array, one event per element) and the final status. */
static void replay(llmg_provider provider, const char *body, size_t len, size_t chunk, run *r)
{
    llmg_stream s;
    llmg_stream_opts o;
    llmg_host host;
    size_t at = 0;
    llmg_status st;
    memset(&o, 0, sizeof o);
    memset(&host, 0, sizeof host);
    host.unix_ms = zero_clock;
    o.provider = provider;
    o.host = &host;
    llmg_json_writer_init(&r->w, NULL, NULL);
    llmg_json_writer_init(&r->line, NULL, NULL);
    llmg_json_write_arr_begin(&r->w);
    st = llmg_stream_init(&s, &o, NULL);
    while (st == LLMG_OK && at < len) {
        size_t n = chunk && chunk < len - at ? chunk : len - at;
        st = llmg_stream_push(&s, body + at, n, on_event, r, NULL);
        at += n;
        if (st == LLMG_NEED_MORE) st = LLMG_OK;
    }
    if (st == LLMG_OK) st = llmg_stream_end(&s, on_event, r, NULL);
    if (st == LLMG_E_PROVIDER) {
        llmg_json_write_obj_begin(&r->w);
        llmg_json_write_keyc(&r->w, "type");
        llmg_json_write_strc(&r->w, "error");
        llmg_json_write_keyc(&r->w, "error");
        llmg_provider_error_write_json(llmg_stream_error(&s), &r->w);
        llmg_json_write_obj_end(&r->w);
    }
    llmg_json_write_arr_end(&r->w);
    r->st = st;
    llmg_stream_free(&s);
}

static void run_free(run *r)
{
    llmg_json_writer_free(&r->w);
    llmg_json_writer_free(&r->line);
}

static void record(const char *label, int ok)
{
    if (ok) n_pass++;
    else n_fail++;
    (void)label;
}

/* Compares the replay lines with the gem's events (and error). */
static int compare_events(const char *label, llmg_json_val want, llmg_json_val want_error,
                          const run *r)
{
    llmg_json_doc got;
    llmg_json_val g;
    size_t i, n = llmg_json_size(want), m;
    int ok = 1, has_error = llmg_json_typeof(want_error) == LLMG_JSON_OBJECT;
    llmg_str out = llmg_json_writer_str(&r->w);
    llmg_json_doc_init(&got);
    if (llmg_json_parse(&got, out.ptr, out.len, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: the library's lines are not JSON\n", label);
        return 0;
    }
    g = llmg_json_root(&got);
    m = llmg_json_size(g);
    if (m != n + (size_t)has_error) {
        printf("FAIL %s: %u events, the gem has %u%s\n", label, (unsigned)m, (unsigned)n,
               has_error ? " and an error" : "");
        ok = 0;
    }
    for (i = 0; ok && i < n; i++)
        if (!json_equal(llmg_json_at(want, i), llmg_json_at(g, i))) {
            char *a = json_text(llmg_json_at(want, i)), *b = json_text(llmg_json_at(g, i));
            printf("FAIL %s: event %u:\n  gem  %.600s\n  llmg %.600s\n", label, (unsigned)i, a, b);
            free(a);
            free(b);
            ok = 0;
        }
    if (ok && has_error) {
        /* the error line against the gem's raised error */
        llmg_provider_error pe;
        llmg_json_val e = llmg_json_getc(llmg_json_at(g, n), "error");
        llmg_str k;
        size_t j;
        llmg_provider_error_init(&pe);
        pe.kind = LLMG_ERROR_NONE;
        if (llmg_json_str_view(llmg_json_getc(e, "kind"), &k))
            for (j = 0; j < LLMG_ERROR_KIND_COUNT; j++)
                if (llmg_str_eq(k, llmg_str_c(llmg_error_kind_name((llmg_error_kind)j))))
                    pe.kind = (llmg_error_kind)j;
        pe.has_message = llmg_json_typeof(llmg_json_getc(e, "message")) == LLMG_JSON_STRING;
        if (pe.has_message) llmg_json_str_view(llmg_json_getc(e, "message"), &pe.message);
        pe.has_code = llmg_json_typeof(llmg_json_getc(e, "code")) == LLMG_JSON_STRING;
        if (pe.has_code) llmg_json_str_view(llmg_json_getc(e, "code"), &pe.code);
        if (!compare(label, want_error, &pe)) ok = 0;
    }
    if (ok && has_error != (r->st == LLMG_E_PROVIDER)) {
        printf("FAIL %s: status %s\n", label, llmg_status_name(r->st));
        ok = 0;
    }
    llmg_json_doc_free(&got);
    return ok;
}

static void write_file(const char *path, const char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n) {
        printf("FAIL cannot write %s\n", path);
        n_fail++;
    }
    if (f) fclose(f);
}

/* The lines of a run, one per line, as `llmg replay` prints them. */
static void write_lines(const char *path, const run *r)
{
    llmg_json_doc d;
    llmg_json_iter it;
    llmg_json_val v;
    llmg_str out = llmg_json_writer_str(&r->w);
    FILE *f = fopen(path, "wb");
    llmg_json_doc_init(&d);
    if (f && llmg_json_parse(&d, out.ptr, out.len, NULL, NULL) == LLMG_OK) {
        it = llmg_json_iter_init(llmg_json_root(&d));
        while (llmg_json_iter_next(&it, NULL, &v)) {
            llmg_str lex = llmg_json_lexeme(v);
            fwrite(lex.ptr, 1, lex.len, f);
            fputc('\n', f);
        }
    }
    if (f) fclose(f);
    llmg_json_doc_free(&d);
}

/* Every chunk size from 1 to 64 must print the bytes of the whole run. */
static int same_at_every_chunk(const char *label, llmg_provider provider, const char *body,
                               size_t len, const run *whole)
{
    run part;
    size_t chunk;
    for (chunk = 1; chunk <= 64; chunk++) {
        llmg_str a = llmg_json_writer_str(&whole->w), b;
        int same;
        replay(provider, body, len, chunk, &part);
        b = llmg_json_writer_str(&part.w);
        same = a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0 && part.st == whole->st;
        run_free(&part);
        if (!same) {
            printf("FAIL %s: chunk size %u gives other events than the whole body\n", label,
                   (unsigned)chunk);
            return 0;
        }
    }
    return 1;
}

/* Whole, then every chunk size from 1 to 64: the same bytes. */
static void check_body(const char *label, llmg_provider provider, const char *body, size_t len,
                       llmg_json_val want, llmg_json_val want_error, const char *emit_dir,
                       const char *key)
{
    run whole;
    replay(provider, body, len, 0, &whole);
    record(label, compare_events(label, want, want_error, &whole));
    record(label, same_at_every_chunk(label, provider, body, len, &whole));
    if (emit_dir) {
        char name[64], *p;
        snprintf(name, sizeof name, "%d.sse", n_emit);
        p = path_join(emit_dir, name);
        write_file(p, body, len);
        free(p);
        snprintf(name, sizeof name, "%d.args", n_emit);
        p = path_join(emit_dir, name);
        {
            char line[256];
            int exit_code = whole.st == LLMG_DONE ? 0 : whole.st == LLMG_E_TRUNCATED ? 3 : 1;
            int n = snprintf(line, sizeof line, "%s\n%d\n%s\n", key, exit_code, label);
            write_file(p, line, (size_t)n);
        }
        free(p);
        snprintf(name, sizeof name, "%d.out", n_emit);
        p = path_join(emit_dir, name);
        write_lines(p, &whole);
        free(p);
        n_emit++;
    }
    run_free(&whole);
}


/* A message through llmg_message_from_json and llmg_message_write_json
   must come back JSON-equal (the gem's to_h is lossless here). */
static int round_trips(const char *label, llmg_json_val msg)
{
    llmg_message m;
    llmg_json_writer w;
    llmg_json_doc d;
    int ok;
    llmg_message_init(&m, NULL, NULL);
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_json_doc_init(&d);
    ok = llmg_message_from_json(&m, msg, NULL) == LLMG_OK && llmg_message_write_json(&m, &w) == LLMG_OK &&
         llmg_json_parse(&d, w.out.ptr, w.out.len, NULL, NULL) == LLMG_OK &&
         json_equal(msg, llmg_json_root(&d));
    if (!ok) {
        char *a = json_text(msg);
        printf("FAIL %s: message round trip:\n  in  %.600s\n  out %.600s\n", label, a,
               w.out.ptr ? w.out.ptr : "");
        free(a);
    }
    llmg_json_doc_free(&d);
    llmg_json_writer_free(&w);
    llmg_message_free(&m);
    return ok;
}

/* Every message of a handoff transcript (recorded/handoff). */
static void check_transcript(const char *recorded_dir, const char *rel)
{
    char *path = path_join(recorded_dir, rel), *text;
    size_t len, i;
    llmg_json_doc d;
    llmg_json_val root, msgs;
    char label[512];
    llmg_json_doc_init(&d);
    text = read_file(path, &len);
    if (!text || llmg_json_parse(&d, text, len, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: cannot read it as JSON\n", path);
        n_fail++;
    } else {
        root = llmg_json_root(&d);
        msgs = llmg_json_typeof(root) == LLMG_JSON_ARRAY ? root : llmg_json_getc(root, "messages");
        for (i = 0; i < llmg_json_size(msgs); i++) {
            snprintf(label, sizeof label, "%s [%u]", rel, (unsigned)i);
            record(label, round_trips(label, llmg_json_at(msgs, i)));
        }
    }
    llmg_json_doc_free(&d);
    free(text);
    free(path);
}

static void check_file(const char *expected_dir, const char *recorded_dir, const char *rel,
                       const char *emit_dir)
{
    char *epath = path_join(expected_dir, rel), *rpath = path_join(recorded_dir, rel);
    char *etext, *rtext = NULL, *key = NULL, *body;
    size_t elen, rlen = 0, blen, i;
    llmg_json_doc edoc, rdoc;
    llmg_json_val streams, interactions, entry, resp;
    llmg_provider provider;
    char label[512];

    llmg_json_doc_init(&edoc);
    llmg_json_doc_init(&rdoc);
    etext = read_file(epath, &elen);
    if (!etext || llmg_json_parse(&edoc, etext, elen, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: cannot read it as JSON\n", epath);
        n_fail++;
        goto done;
    }
    streams = llmg_json_getc(llmg_json_root(&edoc), "streams");
    if (llmg_json_size(streams) == 0) goto done;
    key = dup_json_str(llmg_json_getc(llmg_json_root(&edoc), "provider_key"), NULL);
    provider = llmg_provider_from_name(llmg_str_c(key));
    rtext = read_file(rpath, &rlen);
    if (provider == LLMG_PROVIDER_NONE || !rtext ||
        llmg_json_parse(&rdoc, rtext, rlen, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: cannot read it (or its provider_key)\n", rpath);
        n_fail++;
        goto done;
    }
    interactions = llmg_json_getc(llmg_json_root(&rdoc), "interactions");
    for (i = 0; i < llmg_json_size(streams); i++) {
        int64_t at = -1;
        entry = llmg_json_at(streams, i);
        llmg_json_get_int64(llmg_json_getc(entry, "interaction"), &at);
        resp = llmg_json_getc(llmg_json_at(interactions, (size_t)at), "response");
        snprintf(label, sizeof label, "%s streams[%u]", rel, (unsigned)i);
        if (llmg_json_typeof(llmg_json_getc(resp, "body")) != LLMG_JSON_STRING) {
            printf("FAIL %s: the recorded body is not a string\n", label);
            n_fail++;
            continue;
        }
        body = dup_json_str(llmg_json_getc(resp, "body"), &blen);
        check_body(label, provider, body, blen, llmg_json_getc(entry, "events"),
                   llmg_json_getc(entry, "error"), emit_dir, key);
        free(body);
        if (llmg_json_typeof(llmg_json_getc(entry, "final_message")) == LLMG_JSON_OBJECT)
            record(label, round_trips(label, llmg_json_getc(entry, "final_message")));
    }
done:
    llmg_json_doc_free(&edoc);
    llmg_json_doc_free(&rdoc);
    free(key);
    free(etext);
    free(rtext);
    free(epath);
    free(rpath);
}

/* A hand-written case: BODY, EXPECTED lines, EXIT status. Lines are
   compared JSON-equal; an expected error object may leave out "message"
   and "code" (then only the kind is checked). */
static void check_case(const char *key, const char *body_path, const char *want_path,
                       const char *exit_path)
{
    llmg_provider provider = llmg_provider_from_name(llmg_str_c(key));
    size_t blen, wlen, xlen;
    char *body = read_file(body_path, &blen), *want = read_file(want_path, &wlen),
         *xs = read_file(exit_path, &xlen);
    run whole;
    int want_exit, got_exit, ok = 1;
    size_t at = 0, line = 0;
    llmg_json_doc got, w;
    llmg_json_val g;
    if (!body || !want || !xs || provider == LLMG_PROVIDER_NONE) {
        printf("FAIL %s: cannot read the case\n", body_path);
        n_fail++;
        free(body);
        free(want);
        free(xs);
        return;
    }
    want_exit = atoi(xs);
    replay(provider, body, blen, 0, &whole);
    got_exit = whole.st == LLMG_DONE ? 0 : whole.st == LLMG_E_TRUNCATED ? 3 : 1;
    if (got_exit != want_exit) {
        printf("FAIL %s: exit %d, expected %d (%s)\n", body_path, got_exit, want_exit,
               llmg_status_name(whole.st));
        ok = 0;
    }
    llmg_json_doc_init(&got);
    llmg_json_doc_init(&w);
    {
        llmg_str out = llmg_json_writer_str(&whole.w);
        llmg_json_parse(&got, out.ptr, out.len, NULL, NULL);
    }
    g = llmg_json_root(&got);
    while (at < wlen) {
        char *nl = (char *)memchr(want + at, '\n', wlen - at);
        size_t end = nl ? (size_t)(nl - want) : wlen;
        if (end > at) {
            llmg_json_val e, x = llmg_json_at(g, line);
            if (llmg_json_parse(&w, want + at, end - at, NULL, NULL) != LLMG_OK) {
                printf("FAIL %s: expected line %u is not JSON\n", want_path, (unsigned)line + 1);
                ok = 0;
                break;
            }
            e = llmg_json_root(&w);
            if (llmg_json_str_eq(llmg_json_getc(e, "type"), llmg_str_c("error")) &&
                llmg_json_size(llmg_json_getc(e, "error")) == 1) {
                if (!json_equal(llmg_json_getc(llmg_json_getc(e, "error"), "kind"),
                                llmg_json_getc(llmg_json_getc(x, "error"), "kind")))
                    x.i = (size_t)-1;
                else
                    x = e;
            }
            if (!json_equal(e, x)) {
                char *a = json_text(e), *b = json_text(x);
                printf("FAIL %s: line %u:\n  want %.600s\n  got  %.600s\n", body_path,
                       (unsigned)line + 1, a, b);
                free(a);
                free(b);
                ok = 0;
                break;
            }
            line++;
        }
        at = end + 1;
    }
    if (ok && line != llmg_json_size(g)) {
        printf("FAIL %s: %u lines, expected %u\n", body_path, (unsigned)llmg_json_size(g),
               (unsigned)line);
        ok = 0;
    }
    record(body_path, ok);
    record(body_path, same_at_every_chunk(body_path, provider, body, blen, &whole));
    llmg_json_doc_free(&got);
    llmg_json_doc_free(&w);
    run_free(&whole);
    free(body);
    free(want);
    free(xs);
}

int main(int argc, char **argv)
{
    const char *emit_dir = NULL;
    int i = 3;
    if (argc >= 6 && strcmp(argv[1], "--case") == 0) {
        for (i = 2; i + 3 < argc; i += 4) check_case(argv[i], argv[i + 1], argv[i + 2], argv[i + 3]);
        printf("%d passed, %d failed\n", n_pass, n_fail);
        return n_fail ? 1 : 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: conformance_streams EXPECTED_DIR RECORDED_DIR [--emit DIR] FILE...\n"
                        "       conformance_streams --case KEY BODY EXPECTED EXIT...\n");
        return 2;
    }
    if (argc > 4 && strcmp(argv[3], "--emit") == 0) {
        emit_dir = argv[4];
        i = 5;
    }
    for (; i < argc; i++) {
        if (strncmp(argv[i], "handoff/", 8) == 0) check_transcript(argv[2], argv[i]);
        else check_file(argv[1], argv[2], argv[i], emit_dir);
    }
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
