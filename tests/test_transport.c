/* The exchange and llmg_call over a fake transport (no sockets): a 200
   stream, error statuses through the classifier, a body that breaks off,
   a timeout, a cancel from the event callback, the pull shape at every
   split point, allocation failure at every k, and the retry advice. The
   real transports are checked end to end in tests/e2e.sh. */
#include "test.h"

static const char chat_sse[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
    "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
    "data: [DONE]\n\n";

/* What the fake transport does. */
typedef struct fake {
    int             status;
    const llmg_header *headers;
    size_t          nheaders;
    const char     *body;
    size_t          body_len;            /* bytes of body delivered (then the ending) */
    size_t          piece;               /* bytes per llmg_exchange_body call */
    llmg_error_kind ending;              /* what send returns */
    int             no_head;             /* fail before the head */
    size_t          sent_body;           /* the request body length it saw */
} fake;

static llmg_error_kind fake_send(void *user, llmg_exchange *x, llmg_str *why)
{
    fake *f = (fake *)user;
    size_t at = 0;
    f->sent_body = x->request.body.len;
    if (f->no_head) {
        *why = llmg_str_c("timed out after 500 ms without data");
        return f->ending;
    }
    if (llmg_exchange_head(x, f->status, f->headers, f->nheaders, NULL) < 0) return LLMG_ERROR_NONE;
    while (at < f->body_len) {
        size_t n = f->piece && f->piece < f->body_len - at ? f->piece : f->body_len - at;
        if (llmg_exchange_body(x, f->body + at, n) < 0) return LLMG_ERROR_NONE;
        at += n;
    }
    *why = llmg_str_c("connection closed");
    return f->ending;
}

typedef struct seen {
    t_str text;
    int   events, cancel_after;
} seen;

static int on_event(void *user, const llmg_event *ev)
{
    seen *s = (seen *)user;
    if (ev->type == LLMG_EVENT_TEXT_DELTA || ev->type == LLMG_EVENT_TEXT_START)
        t_str_add(&s->text, ev->delta.ptr, ev->delta.len);
    s->events++;
    return s->cancel_after && s->events >= s->cancel_after;
}

static llmg_status run(fake *f, seen *s, llmg_provider p, const llmg_allocator *a, llmg_exchange *x,
                       llmg_error *err)
{
    llmg_provider_config cfg;
    llmg_request_input in;
    llmg_exchange_opts o;
    llmg_transport t;
    memset(&cfg, 0, sizeof cfg);
    memset(&in, 0, sizeof in);
    memset(&o, 0, sizeof o);
    cfg.provider = p;
    cfg.api_key = llmg_str_c("KEY");
    in.messages = llmg_str_c("\"Hi\"");
    in.options = llmg_str_c("{\"model\":\"m\"}");
    if (a) o.allocator = *a;
    t.send = fake_send;
    t.user = f;
    return llmg_call(x, &t, &cfg, &in, &o, on_event, s, err);
}

static void fake_ok(fake *f)
{
    memset(f, 0, sizeof *f);
    f->status = 200;
    f->body = chat_sse;
    f->body_len = strlen(chat_sse);
    f->piece = 7;
}

static void test_call_ok(void)
{
    fake f;
    seen s;
    llmg_exchange x;
    llmg_error err;
    const llmg_message *m;
    fake_ok(&f);
    memset(&s, 0, sizeof s);
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, NULL, &x, &err) == LLMG_DONE);
    CHECK(f.sent_body > 0);
    CHECK(s.text.len == 5 && memcmp(s.text.p, "Hello", 5) == 0);
    m = llmg_exchange_message(&x);
    CHECK(m && m->content_count == 1 && m->usage.output == 2);
    CHECK(llmg_exchange_error(&x) == NULL);
    /* the ending is sticky */
    CHECK(llmg_exchange_finish(&x, &err) == LLMG_DONE);
    llmg_exchange_free(&x);
    t_str_free(&s.text);
}

static void test_call_error_status(void)
{
    static const char body[] = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                               "\"code\":\"rate_limit_exceeded\"}}";
    llmg_header h[1];
    fake f;
    seen s;
    llmg_exchange x;
    llmg_error err;
    const llmg_provider_error *pe;
    memset(&f, 0, sizeof f);
    memset(&s, 0, sizeof s);
    h[0].name = llmg_str_c("Retry-After");
    h[0].value = llmg_str_c("7");
    f.status = 429;
    f.headers = h;
    f.nheaders = 1;
    f.body = body;
    f.body_len = strlen(body);
    f.piece = 5;
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, NULL, &x, &err) == LLMG_E_PROVIDER);
    pe = llmg_exchange_error(&x);
    CHECK(pe && pe->kind == LLMG_ERROR_RATE_LIMIT && err.provider == pe);
    CHECK(pe && pe->has_retry_after && pe->retry_after_seconds == 7);
    CHECK(pe && llmg_str_eq(pe->message, llmg_str_c("Rate limit reached")));
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, pe, 1, 12345, NULL) == 7000);
    CHECK(s.events == 0);
    llmg_exchange_free(&x);

    f.status = 401;
    f.nheaders = 0;
    f.body = "{\"error\":{\"message\":\"Incorrect API key\",\"code\":\"invalid_api_key\"}}";
    f.body_len = strlen(f.body);
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_RESPONSES, NULL, &x, &err) == LLMG_E_PROVIDER);
    pe = llmg_exchange_error(&x);
    CHECK(pe && pe->kind == LLMG_ERROR_AUTHENTICATION);
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, pe, 1, 1, NULL) == -1);
    llmg_exchange_free(&x);
}

static void test_call_breaks_off(void)
{
    fake f;
    seen s;
    llmg_exchange x;
    llmg_error err;
    int64_t d;
    fake_ok(&f);
    f.body_len = 300;                             /* inside the second event */
    f.ending = LLMG_ERROR_CONNECTION;
    memset(&s, 0, sizeof s);
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, NULL, &x, &err) == LLMG_E_TRUNCATED);
    CHECK(s.text.len == 3 && memcmp(s.text.p, "Hel", 3) == 0);
    CHECK(llmg_exchange_message(&x)->content_count == 1);
    d = llmg_retry_delay_ms(LLMG_E_TRUNCATED, NULL, 1, 0xFFFFFFFFu, NULL);
    CHECK(d >= 0 && d <= 500);
    llmg_exchange_free(&x);
    t_str_free(&s.text);

    fake_ok(&f);                                  /* no byte before the timeout */
    f.no_head = 1;
    f.ending = LLMG_ERROR_TIMEOUT;
    memset(&s, 0, sizeof s);
    CHECK(run(&f, &s, LLMG_PROVIDER_ANTHROPIC_MESSAGES, NULL, &x, &err) == LLMG_E_PROVIDER);
    CHECK(llmg_exchange_error(&x) && llmg_exchange_error(&x)->kind == LLMG_ERROR_TIMEOUT);
    CHECK(llmg_str_eq(llmg_exchange_error(&x)->message, llmg_str_c("timed out after 500 ms without data")));
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, llmg_exchange_error(&x), 2, 7, NULL) == 7);
    llmg_exchange_free(&x);

    fake_ok(&f);                                  /* the whole body, then a broken connection */
    f.ending = LLMG_ERROR_CONNECTION;
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, NULL, &x, &err) == LLMG_DONE);
    llmg_exchange_free(&x);
    t_str_free(&s.text);
}

static void test_call_cancel(void)
{
    fake f;
    seen s;
    llmg_exchange x;
    llmg_error err;
    fake_ok(&f);
    memset(&s, 0, sizeof s);
    s.cancel_after = 2;
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, NULL, &x, &err) == LLMG_E_CANCELLED);
    CHECK(s.events == 2);
    CHECK(llmg_exchange_message(&x)->content_count == 1);
    CHECK(llmg_retry_delay_ms(LLMG_E_CANCELLED, NULL, 1, 0, NULL) == -1);
    llmg_exchange_free(&x);
    t_str_free(&s.text);
}

/* The pull shape, the body split at every point. */
static void test_exchange_pull_splits(void)
{
    size_t len = strlen(chat_sse), cut;
    for (cut = 0; cut <= len; cut++) {
        llmg_provider_config cfg;
        llmg_request_input in;
        llmg_exchange x;
        llmg_event ev;
        llmg_status st;
        t_str text;
        memset(&cfg, 0, sizeof cfg);
        memset(&in, 0, sizeof in);
        memset(&text, 0, sizeof text);
        cfg.provider = LLMG_PROVIDER_GROQ_COMPLETIONS;
        in.messages = llmg_str_c("\"Hi\"");
        CHECK(llmg_exchange_init(&x, &cfg, &in, NULL, NULL) == LLMG_OK);
        CHECK(llmg_exchange_next(&x, &ev, NULL) == LLMG_E_ARG);     /* before the head */
        CHECK(llmg_exchange_head(&x, 200, NULL, 0, NULL) == LLMG_OK);
        st = llmg_exchange_feed(&x, chat_sse, cut, NULL);
        while (st == LLMG_OK && (st = llmg_exchange_next(&x, &ev, NULL)) == LLMG_OK)
            if (ev.type == LLMG_EVENT_TEXT_DELTA || ev.type == LLMG_EVENT_TEXT_START)
                t_str_add(&text, ev.delta.ptr, ev.delta.len);
        if (st == LLMG_NEED_MORE) st = llmg_exchange_feed(&x, chat_sse + cut, len - cut, NULL);
        while (st == LLMG_OK && (st = llmg_exchange_next(&x, &ev, NULL)) == LLMG_OK)
            if (ev.type == LLMG_EVENT_TEXT_DELTA || ev.type == LLMG_EVENT_TEXT_START)
                t_str_add(&text, ev.delta.ptr, ev.delta.len);
        if (st == LLMG_NEED_MORE) st = llmg_exchange_finish(&x, NULL);
        while (st == LLMG_OK) st = llmg_exchange_next(&x, &ev, NULL);
        CHECK(st == LLMG_DONE);
        CHECK(text.len == 5 && memcmp(text.p, "Hello", 5) == 0);
        llmg_exchange_free(&x);
        t_str_free(&text);
    }
}

static void test_call_alloc_failure(void)
{
    t_alloc ta;
    llmg_allocator a = t_alloc_make(&ta);
    size_t k, total;
    int from;
    fake f;
    seen s;
    llmg_exchange x;
    fake_ok(&f);
    memset(&s, 0, sizeof s);
    t_alloc_arm(&ta, 0, 0);
    CHECK(run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, &a, &x, NULL) == LLMG_DONE);
    llmg_exchange_free(&x);
    total = ta.calls;
    CHECK(ta.live == 0);
    for (from = 0; from < 2; from++) {
        for (k = 1; k <= total; k++) {
            llmg_status st;
            t_alloc_arm(&ta, k, from);
            st = run(&f, &s, LLMG_PROVIDER_OPENAI_COMPLETIONS, &a, &x, NULL);
            CHECK(st == LLMG_DONE || st == LLMG_E_NOMEM);
            llmg_exchange_free(&x);
            CHECK(ta.live == 0);
        }
    }
    t_alloc_arm(&ta, 0, 0);
    t_str_free(&s.text);
}

static void test_retry_backoff(void)
{
    llmg_provider_error pe;
    llmg_retry_opts o;
    memset(&pe, 0, sizeof pe);
    memset(&o, 0, sizeof o);
    pe.kind = LLMG_ERROR_OVERLOADED;
    o.base_ms = 100;
    o.max_ms = 1000;
    o.max_attempts = 6;
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 1, 0xFFFFFFFFu, &o) <= 100);
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 3, 400, &o) == 400);      /* window 400 */
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 3, 401, &o) == 0);        /* 401 % 401 */
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 6, 999999, &o) <= 1000);  /* capped */
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 7, 1, &o) == -1);         /* past max_attempts */
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 0, 1, &o) == -1);
    pe.kind = LLMG_ERROR_PROMPT_TOO_LONG;
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 1, 1, &o) == -1);
    pe.kind = LLMG_ERROR_RATE_LIMIT;
    pe.has_retry_after = 1;
    pe.retry_after_seconds = 2;
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 1, 1, &o) == -1);         /* 2 s > max_ms */
    o.max_ms = 0;
    CHECK(llmg_retry_delay_ms(LLMG_E_PROVIDER, &pe, 1, 1, &o) == 2000);
    CHECK(llmg_retry_delay_ms(LLMG_E_SYNTAX, NULL, 1, 1, &o) == -1);
}

void suite_transport(void)
{
    RUN(test_call_ok);
    RUN(test_call_error_status);
    RUN(test_call_breaks_off);
    RUN(test_call_cancel);
    RUN(test_exchange_pull_splits);
    RUN(test_call_alloc_failure);
    RUN(test_retry_backoff);
}
