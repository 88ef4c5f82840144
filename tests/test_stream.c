/* The message model and the stream object: JSON round trips, the four
   ways a stream ends, every split point, cancellation, limits, and
   allocation failure. The provider mappings themselves are checked by the
   conformance runs (recorded traffic) and tests/fixtures/streams. */
#include "test.h"

/* ---------------------------------------------------------------- helpers */

/* Renders every event of body (split at the given points, in pieces of
   `chunk` bytes when chunk > 0) as lines, then a status line. */
typedef struct render {
    t_str out;
    t_str partial;                   /* partial_input of each tool event, one a line */
    int   cancel_at;                 /* stop after this many events (0: never) */
    int   seen;
} render;

static int render_event(void *user, const llmg_event *ev)
{
    render *r = (render *)user;
    llmg_json_writer w;
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_event_write_json(ev, &w);
    t_str_add(&r->out, w.out.ptr, w.out.len);
    t_str_addc(&r->out, "\n");
    llmg_json_writer_free(&w);
    if (ev->type >= LLMG_EVENT_TOOL_START && ev->type <= LLMG_EVENT_TOOL_END) {
        t_str_add(&r->partial, ev->partial_input.ptr, ev->partial_input.len);
        t_str_addc(&r->partial, "\n");
    }
    r->seen++;
    return r->cancel_at && r->seen >= r->cancel_at;
}

static int64_t clock_42(void *user)
{
    (void)user;
    return 42;
}

/* Options for provider p with the clock at 42. */
static void test_opts(llmg_stream_opts *o, llmg_host *host, llmg_provider p)
{
    memset(o, 0, sizeof *o);
    memset(host, 0, sizeof *host);
    host->unix_ms = clock_42;
    o->provider = p;
    o->host = host;
}

/* Feeds body to a stream made with o (no_shape: every event parsed in
   full), split at `split`, then in pieces of `chunk` bytes (0: the rest),
   rendering each event; keep: the stream to use and leave unfreed. */
static llmg_status run_with(const llmg_stream_opts *o, int no_shape, const char *body, size_t split,
                            size_t chunk, render *r, llmg_stream *keep)
{
    llmg_stream s, *sp = keep ? keep : &s;
    llmg_status st;
    size_t len = strlen(body), at = 0;
    st = llmg_stream_init(sp, o, NULL);
    sp->_no_shape = no_shape;
    while (st == LLMG_OK && at < len) {
        size_t n = len - at;
        if (split && at < split) n = split - at;
        else if (chunk && chunk < n) n = chunk;
        st = llmg_stream_push(sp, body + at, n, render_event, r, NULL);
        at += n;
        if (st == LLMG_NEED_MORE) st = LLMG_OK;
    }
    if (st == LLMG_OK) st = llmg_stream_end(sp, render_event, r, NULL);
    if (!keep) llmg_stream_free(sp);
    return st;
}

static llmg_status run_split(llmg_provider p, const char *body, size_t split, size_t chunk,
                             const llmg_allocator *a, render *r, llmg_stream *keep)
{
    llmg_stream_opts o;
    llmg_host host;
    test_opts(&o, &host, p);
    if (a) o.allocator = *a;
    return run_with(&o, 0, body, split, chunk, r, keep);
}

static const char anthropic_body[] =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"role\":\"assistant\"}}\n\n"
    "event: content_block_start\n"
    "data: {\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\\u00e9\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"SIG\"}}\n\n"
    "event: content_block_stop\ndata: {\"index\":0}\n\n"
    "event: content_block_start\n"
    "data: {\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi \\\"you\\\"\"}}\n\n"
    "event: content_block_stop\ndata: {\"index\":1}\n\n"
    "event: content_block_start\n"
    "data: {\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"calc\",\"input\":{}}}\n\n"
    "event: content_block_delta\n"
    "data: {\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1.5}\"}}\n\n"
    "event: content_block_stop\ndata: {\"index\":2}\n\n"
    "event: message_delta\n"
    "data: {\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
    "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":1,\"output_tokens\":2}}\n\n"
    "event: message_stop\ndata: {}\n\n";

/* ---------------------------------------------------------------- the message model */

static void round_trip(const char *json_q)
{
    char *json = t_q(json_q);
    llmg_json_doc in, out;
    llmg_message m;
    llmg_json_writer w;
    llmg_error err;
    llmg_json_doc_init(&in);
    llmg_json_doc_init(&out);
    CHECK(llmg_json_parse(&in, json, strlen(json), NULL, NULL) == LLMG_OK);
    CHECK(llmg_message_init(&m, NULL, &err) == LLMG_OK);
    CHECK(llmg_message_from_json(&m, llmg_json_root(&in), &err) == LLMG_OK);
    llmg_json_writer_init(&w, NULL, NULL);
    CHECK(llmg_message_write_json(&m, &w) == LLMG_OK);
    CHECK(llmg_json_parse(&out, w.out.ptr, w.out.len, NULL, NULL) == LLMG_OK);
    if (w.out.len != strlen(json) || memcmp(w.out.ptr, json, w.out.len) != 0) {
        t_note("want %s", json);
        t_note("got  %s", w.out.ptr);
        CHECK(0 && "round trip");
    }
    llmg_json_writer_free(&w);
    llmg_message_free(&m);
    llmg_json_doc_free(&in);
    llmg_json_doc_free(&out);
    free(json);
}

static void test_message_round_trip(void)
{
    /* written in the writer's key order, so the bytes must come back */
    round_trip("{'role':'user','content':'hello'}");
    round_trip("{'role':'user','content':[{'type':'text','text':'a','cache_control':{'type':'ephemeral'}},"
               "{'type':'image','data':'iVBO','media_type':'image/png'},"
               "{'type':'file','data':'x,y','media_type':'text/csv','name':'d.csv'}]}");
    round_trip("{'role':'developer','content':[{'type':'tool_result','tool_use_id':'t1',"
               "'content':[{'type':'text','text':'r'},{'type':'image','data':'AA','media_type':'image/png'}]}]}");
    round_trip("{'role':'user','content':{'type':'tool_result','tool_use_id':'t1','content':'ok'}}");
    round_trip("{'id':'m1','model':'x','usage':{'input':1,'cache_write':2,'cache_read':3,'output':4,"
               "'total':10,'raw':{'a':[1,2.5]}},'role':'assistant','stop_reason':'tool_use',"
               "'provider':'anthropic','api':'messages','content':[{'type':'reasoning','reasoning':'r',"
               "'signature':'s'},{'id':'t1','type':'tool_use','name':'f','input':{'q':'v','n':1.0}},"
               "{'id':'s1','type':'server_tool_use','name':'bash','input':{}},"
               "{'type':'server_tool_result','tool_use_id':'s1','content':[1,{'b':null}],"
               "'name':'bash_code_execution_tool_result'}],'timestamp':0,'error_message':'e'}");
    /* unknown blocks and keys, and known keys set to null, are kept */
    round_trip("{'role':'user','content':[{'type':'document','source':{'x':1}},"
               "{'type':'text','text':5}],'id':null,'details':{'trace_id':'t'}}");
    round_trip("{'role':'critic','content':[]}");
}

static void test_message_from_json_shapes(void)
{
    const char *json = "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"t\","
                       "\"signature\":\"s\"},{\"type\":\"text\",\"text\":\" \\u00a0\\n\"},"
                       "{\"type\":\"text\",\"text\":\"x\"}],\"usage\":{\"input\":3,\"cache_write\":4,"
                       "\"cache_read\":5,\"output\":6,\"total\":999}}";
    llmg_json_doc d;
    llmg_message m;
    llmg_json_writer w;
    llmg_error err;
    llmg_json_doc_init(&d);
    CHECK(llmg_json_parse(&d, json, strlen(json), NULL, NULL) == LLMG_OK);
    llmg_message_init(&m, NULL, NULL);
    CHECK(llmg_message_from_json(&m, llmg_json_root(&d), &err) == LLMG_OK);
    CHECK(m.role == LLMG_ROLE_ASSISTANT);
    CHECK(m.content_count == 3);
    CHECK(m.content[0].type == LLMG_BLOCK_REASONING);
    CHECK((m.content[0].flags & LLMG_BLOCK_FROM_THINKING) != 0);
    CHECK(llmg_str_eq(llmg_bstr(&m.content[0].text), llmg_str_c("t")));
    CHECK(llmg_block_is_blank(&m.content[1]));          /* space, NBSP, newline */
    CHECK(!llmg_block_is_blank(&m.content[2]));
    CHECK(m.usage.total == 18);                          /* recomputed, as the gem does */
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_message_write_json(&m, &w);
    CHECK(strstr(w.out.ptr, "\"type\":\"reasoning\"") != NULL);
    CHECK(strstr(w.out.ptr, "\\u00a0") == NULL && strstr(w.out.ptr, "\"x\"") != NULL);
    CHECK(strstr(w.out.ptr, "\"total\":18") != NULL);
    llmg_json_writer_free(&w);
    /* not an object, content of the wrong type */
    CHECK(llmg_json_parse(&d, "[1]", 3, NULL, NULL) == LLMG_OK);
    CHECK(llmg_message_from_json(&m, llmg_json_root(&d), &err) == LLMG_E_ARG);
    CHECK(err.offset == 0);
    CHECK(llmg_json_parse(&d, "{\"role\":\"user\", \"content\":5}", 28, NULL, NULL) == LLMG_OK);
    CHECK(llmg_message_from_json(&m, llmg_json_root(&d), &err) == LLMG_E_ARG);
    CHECK(err.offset == 26);
    CHECK(m.content_count == 0);
    llmg_message_free(&m);
    llmg_json_doc_free(&d);
}

/* ---------------------------------------------------------------- streams */

static void test_stream_anthropic_events(void)
{
    render r;
    llmg_stream s;
    const llmg_message *m;
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, 0, 0, NULL, &r, &s) == LLMG_DONE);
    m = llmg_stream_message(&s);
    CHECK(llmg_stream_ended(&s));
    CHECK(m->content_count == 3);
    CHECK(llmg_str_eq(llmg_bstr(&m->content[0].text), llmg_str_c("hm\xc3\xa9")));
    CHECK(llmg_str_eq(llmg_bstr(&m->content[0].signature), llmg_str_c("SIG")));
    CHECK(llmg_str_eq(llmg_bstr(&m->content[1].text), llmg_str_c("Hi \"you\"")));
    CHECK(llmg_str_eq(llmg_bstr(&m->content[2].text), llmg_str_c("{\"a\":1.5}")));
    CHECK(m->usage.input == 3 && m->usage.cache_write == 1 && m->usage.total == 6);
    CHECK(m->timestamp == 42);                          /* the host's clock */
    CHECK(llmg_str_eq(llmg_bstr(&m->stop_reason), llmg_str_c("tool_use")));
    CHECK(strstr(r.out.p, "{\"type\":\"reasoning_delta\",\"content_index\":0,\"delta\":\"\","
                          "\"signature\":\"SIG\"}") != NULL);
    CHECK(strstr(r.out.p, "\"input\":{\"a\":1.5}") != NULL);
    CHECK(strstr(r.out.p, "\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null}") != NULL);
    /* the arguments known so far at tool_start, each tool_delta and tool_end */
    CHECK(r.partial.p && strcmp(r.partial.p, "\n{}\n{\"a\":1.5}\n{\"a\":1.5}\n") == 0);
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
}

/* A tool's arguments are written without the white space outside their
   strings, whatever is inside them (an escaped quote, a space, an escaped
   backslash before the closing quote). */
static void test_stream_tool_input_compact(void)
{
    static const char body[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"model\":\"m\",\"role\":\"assistant\"}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        "\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"f\",\"input\":{}}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\" : \\\"x\\\\\\\" y\\\\\\\\\\\",\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        "{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"b\\\":\\t[1 , 2]\\n}\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    render r;
    llmg_stream s;
    llmg_json_writer w;
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, body, 0, 0, NULL, &r, &s) == LLMG_DONE);
    CHECK(llmg_str_eq(llmg_bstr(&llmg_stream_message(&s)->content[0].text),
                      llmg_str_c("{\"a\" : \"x\\\" y\\\\\", \"b\":\t[1 , 2]\n}")));
    CHECK(llmg_json_writer_init(&w, NULL, NULL) == LLMG_OK);
    CHECK(llmg_message_write_json(llmg_stream_message(&s), &w) == LLMG_OK);
    CHECK(strstr(llmg_json_writer_str(&w).ptr, "\"input\":{\"a\":\"x\\\" y\\\\\",\"b\":[1,2]}") != NULL);
    llmg_json_writer_free(&w);
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
}

static void test_stream_every_split(void)
{
    render whole, part;
    size_t k, n = strlen(anthropic_body);
    llmg_status st, st2;
    memset(&whole, 0, sizeof whole);
    st = run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, 0, 0, NULL, &whole, NULL);
    CHECK(st == LLMG_DONE);
    for (k = 1; k < n; k++) {
        memset(&part, 0, sizeof part);
        st2 = run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, k, 0, NULL, &part, NULL);
        if (st2 != st || part.out.len != whole.out.len || memcmp(part.out.p, whole.out.p, whole.out.len)) {
            CHECK(0 && "a split point changed the events");
            t_str_free(&part.out);
            t_str_free(&part.partial);
            break;
        }
        t_str_free(&part.out);
        t_str_free(&part.partial);
    }
    t_str_free(&whole.out);
    t_str_free(&whole.partial);
}

static void test_stream_truncated(void)
{
    render r;
    llmg_stream s;
    size_t cut = (size_t)(strstr(anthropic_body, "1.5}") - anthropic_body);
    char *body = (char *)malloc(cut + 1);
    const llmg_message *m;
    memcpy(body, anthropic_body, cut);
    body[cut] = '\0';
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, body, 0, 0, NULL, &r, &s) == LLMG_E_TRUNCATED);
    m = llmg_stream_message(&s);
    CHECK(!llmg_stream_ended(&s));
    CHECK((m->flags & LLMG_MSG_FINAL) == 0);
    CHECK(m->content_count == 3);
    CHECK(llmg_str_eq(llmg_bstr(&m->content[2].text), llmg_str_c("{\"a\":")));
    CHECK(strstr(r.out.p, "message_end") == NULL);
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
    free(body);
}

static void test_stream_error_event(void)
{
    const char *body =
        "event: message_start\ndata: {\"message\":{\"id\":\"m\",\"model\":\"x\",\"role\":\"assistant\"}}\n\n"
        "event: content_block_start\ndata: {\"content_block\":{\"type\":\"text\",\"text\":\"par\"}}\n\n"
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    render r;
    llmg_stream s;
    llmg_event ev;
    llmg_error err;
    const llmg_provider_error *pe;
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, body, 0, 0, NULL, &r, &s) == LLMG_E_PROVIDER);
    pe = llmg_stream_error(&s);
    CHECK(pe && pe->kind == LLMG_ERROR_OVERLOADED);
    CHECK(pe && llmg_str_eq(pe->message, llmg_str_c("Overloaded")));
    CHECK(llmg_str_eq(llmg_bstr(&llmg_stream_message(&s)->content[0].text), llmg_str_c("par")));
    /* sticky, with the provider error attached */
    CHECK(llmg_stream_next(&s, &ev, &err) == LLMG_E_PROVIDER);
    CHECK(err.provider == pe);
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
}

static void test_stream_out_of_order(void)
{
    const char *body =
        "event: response.created\ndata: {\"response\":{\"id\":\"r\",\"model\":\"x\",\"created_at\":1}}\n\n"
        "event: response.output_text.delta\ndata: {\"delta\":\"x\"}\n\n";
    render r;
    llmg_stream s;
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_OPENAI_RESPONSES, body, 0, 0, NULL, &r, &s) == LLMG_E_PROVIDER);
    CHECK(llmg_stream_error(&s) && llmg_stream_error(&s)->kind == LLMG_ERROR_INVALID_RESPONSE);
    CHECK(llmg_stream_message(&s)->timestamp == 1000);
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
}

static void test_stream_chat_endings(void)
{
    const char *done_only =
        "data: {\"id\":\"c\",\"model\":\"m\",\"created\":2,\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"}}]}\n\n"
        "data: {\"id\":\"c\",\"choices\":[{\"delta\":{},\"finish_reason\":\"max_tokens\"}]}\n\n"
        "data: [DONE]\n\n";
    const char *azure_first =
        "data: {\"choices\":[],\"prompt_filter_results\":[]}\n\n"
        "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"content_filter\"}]}\n\n"
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":2},\"completion_tokens\":1}}\n\n";
    render r;
    llmg_stream s;
    const llmg_message *m;
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_OPENAI_COMPLETIONS, done_only, 0, 0, NULL, &r, &s) == LLMG_DONE);
    m = llmg_stream_message(&s);
    CHECK(llmg_str_eq(llmg_bstr(&m->stop_reason), llmg_str_c("stop")));   /* unknown -> stop */
    CHECK(m->timestamp == 2000 && m->usage.total == 0);
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_GROQ_COMPLETIONS, azure_first, 0, 0, NULL, &r, &s) == LLMG_DONE);
    m = llmg_stream_message(&s);
    CHECK(llmg_str_eq(llmg_bstr(&m->stop_reason), llmg_str_c("error")));
    CHECK(llmg_str_eq(llmg_bstr(&m->error_message), llmg_str_c("content_filter")));
    CHECK(m->usage.input == 3 && m->usage.cache_read == 2 && m->usage.output == 1);
    CHECK(llmg_str_eq(llmg_bstr(&m->provider), llmg_str_c("groq")));
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
}

static void test_stream_cancel_and_misuse(void)
{
    render r;
    llmg_stream s;
    llmg_stream_opts o;
    llmg_error err;
    llmg_event ev;
    memset(&r, 0, sizeof r);
    r.cancel_at = 3;
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, 0, 0, NULL, &r, &s) == LLMG_E_CANCELLED);
    CHECK(r.seen == 3);
    CHECK(llmg_stream_message(&s)->content_count == 1);  /* what arrived stays readable */
    llmg_stream_free(&s);
    t_str_free(&r.out);
    t_str_free(&r.partial);
    /* no provider; feeding twice without next; feed after finish */
    memset(&o, 0, sizeof o);
    CHECK(llmg_stream_init(&s, &o, &err) == LLMG_E_ARG);
    o.provider = LLMG_PROVIDER_OPENAI_CODEX;
    CHECK(llmg_stream_init(&s, &o, &err) == LLMG_OK);
    CHECK(llmg_stream_feed(&s, "data: x\n\n", 9, &err) == LLMG_OK);
    CHECK(llmg_stream_feed(&s, "data: x\n\n", 9, &err) == LLMG_E_ARG);
    CHECK(llmg_stream_next(&s, &ev, &err) == LLMG_NEED_MORE);   /* not JSON: ignored */
    CHECK(llmg_stream_finish(&s, &err) == LLMG_OK);
    CHECK(llmg_stream_feed(&s, "x", 1, &err) == LLMG_E_ARG);
    CHECK(llmg_stream_next(&s, &ev, &err) == LLMG_E_TRUNCATED);
    /* reset: a new response on the same object */
    llmg_stream_reset(&s);
    CHECK(llmg_stream_feed(&s, "event: response.created\ndata: {\"response\":{\"id\":\"r\"}}\n\n", 56, &err) == LLMG_OK);
    CHECK(llmg_stream_next(&s, &ev, &err) == LLMG_OK && ev.type == LLMG_EVENT_MESSAGE_START);
    llmg_stream_free(&s);
}

static void test_stream_limits(void)
{
    llmg_stream s;
    llmg_stream_opts o;
    llmg_error err;
    llmg_status st;
    llmg_event ev;
    memset(&o, 0, sizeof o);
    o.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
    o.max_message_bytes = 20;
    CHECK(llmg_stream_init(&s, &o, &err) == LLMG_OK);
    llmg_stream_feed(&s, anthropic_body, strlen(anthropic_body), &err);
    while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) {}
    CHECK(st == LLMG_E_LIMIT);
    CHECK(err.offset > 0 && err.offset < strlen(anthropic_body));
    CHECK(llmg_stream_message(&s)->content_count >= 1);
    llmg_stream_free(&s);
    o.max_message_bytes = 0;
    o.max_blocks = 2;
    CHECK(llmg_stream_init(&s, &o, &err) == LLMG_OK);
    llmg_stream_feed(&s, anthropic_body, strlen(anthropic_body), &err);
    while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK) {}
    CHECK(st == LLMG_E_LIMIT);
    CHECK(llmg_stream_message(&s)->content_count == 2);
    llmg_stream_free(&s);
}

/* Every allocation the stream makes fails once, then from k on: each run
   ends cleanly, frees everything, and a run that did not fail gives the
   same events. */
static void test_stream_alloc_failure(void)
{
    t_alloc ta;
    llmg_allocator a = t_alloc_make(&ta);
    render good, r;
    size_t k, total;
    int from;
    llmg_status st;
    memset(&good, 0, sizeof good);
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, 0, 7, &a, &good, NULL) == LLMG_DONE);
    total = ta.calls;
    CHECK(total > 5 && ta.live == 0);
    for (from = 0; from <= 1; from++)
        for (k = 1; k <= total + 1; k++) {
            t_alloc_arm(&ta, k, from);
            memset(&r, 0, sizeof r);
            st = run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, 0, 7, &a, &r, NULL);
            CHECK(st == LLMG_DONE || st == LLMG_E_NOMEM);
            /* DONE after a refused allocation: only the shape cache may
               do without memory, and the events are the same */
            if (st == LLMG_DONE)
                CHECK(r.out.len == good.out.len && memcmp(r.out.p, good.out.p, r.out.len) == 0);
            if (ta.live != 0) {
                CHECK(0 && "leak after an allocation failure");
                break;
            }
            t_str_free(&r.out);
            t_str_free(&r.partial);
        }
    t_alloc_arm(&ta, 0, 0);
    t_str_free(&good.out);
    t_str_free(&good.partial);
}

/* The whole stream path on a fixed buffer. */
static void test_stream_fixed_buffer(void)
{
    static unsigned char mem[64 * 1024];
    llmg_fixed f;
    llmg_allocator a;
    render r;
    llmg_fixed_init(&f, mem, sizeof mem);
    a = llmg_fixed_allocator(&f);
    memset(&r, 0, sizeof r);
    CHECK(run_split(LLMG_PROVIDER_ANTHROPIC_MESSAGES, anthropic_body, 0, 16, &a, &r, NULL) == LLMG_DONE);
    CHECK(f.used == 0 && f.peak > 0 && f.peak < sizeof mem);
    t_str_free(&r.out);
    t_str_free(&r.partial);
}

/* The shape cache (an event laid out like the one before it is parsed by
   comparing bytes and scanning only its values) gives exactly the events
   of a full parse, whatever the new values hold: escapes, surrogates,
   invalid UTF-8, control bytes, numbers in every form, broken ones, and
   blanks or garbage where the event ends. */
/* Feeds body to two streams, one event at a time, the shape cache on in
   one and off in the other, and checks after each event that both hold
   the same tokens; renders the events of both. */
static void render_shapes(const char *body, render *r0, render *r1, llmg_status *st0, llmg_status *st1)
{
    llmg_stream s[2];
    llmg_stream_opts o;
    const char *at = body, *end = body + strlen(body);
    int i;
    memset(&o, 0, sizeof o);
    o.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
    *st0 = llmg_stream_init(&s[0], &o, NULL);
    *st1 = llmg_stream_init(&s[1], &o, NULL);
    s[1]._no_shape = 1;
    while (at < end && *st0 >= 0 && *st1 >= 0) {
        const char *e = strstr(at, "\n\n");
        size_t n = e ? (size_t)(e + 2 - at) : (size_t)(end - at);
        size_t lane = s[0]._lane_events;
        *st0 = llmg_stream_push(&s[0], at, n, render_event, r0, NULL);
        *st1 = llmg_stream_push(&s[1], at, n, render_event, r1, NULL);
        at += n;
        if (s[0]._lane_events != lane) continue;   /* read in place: no tokens to compare */
        if (s[0]._doc.count != s[1]._doc.count) {
            CHECK(0 && "the shape cache made another number of tokens");
            break;
        }
        for (i = 0; i < (int)s[0]._doc.count; i++) {
            const llmg_json_tok *a = &s[0]._doc.toks[i], *b = &s[1]._doc.toks[i];
            if (a->type != b->type || a->size != b->size || a->next != b->next || a->parent != b->parent
                || a->start != b->start || a->len != b->len) {
                CHECK(0 && "the shape cache made another token");
                break;
            }
        }
    }
    if (*st0 == LLMG_NEED_MORE) *st0 = llmg_stream_end(&s[0], render_event, r0, NULL);
    if (*st1 == LLMG_NEED_MORE) *st1 = llmg_stream_end(&s[1], render_event, r1, NULL);
    llmg_stream_free(&s[0]);
    llmg_stream_free(&s[1]);
}

static void test_stream_shapes(void)
{
    static const char *const texts[] = {
        "\"plain\"", "\"\"", "\"a\\\"b\"", "\"\\u00e9t\\u00E9\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
        "\"\\ude00x\"", "\"tab\\there\\n\"", "\"a\001b\"", "\"\377\"", "\"\342\202\"", "\"\342\202\254\"",
        "\"\\x\"", "\"\\u12g4\"", "\"a\\\\\"", "\"\\\"", "\"abc", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
        "\"long text long text long text \\/ done\"", "1", "null", "\"a\" ", "\"a\"\"b\""
    };
    static const char *const nums[] = {
        "0", "7", "12345678901234567890", "-1", "1.5", "1e3", "2E+2", "3e-1", "-0", "01", "1.", "-",
        "1e", "00", "1.5.2", "+1", "0x1", "1e+", "\"1\"", "1 "
    };
    static const char head[] =
        "event: message_start\n"
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"role\":\"assistant\"}}\n\n"
        "event: content_block_start\n"
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    static const char tail[] =
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    static const char *const pads[] = {   /* how the event ends (Anthropic pads before '}') */
        "}   }", "}\t}\r\n ", "} }x", "}  }}", "   }}", "}", "}} ", "]}"
    };
    size_t i, nt = sizeof texts / sizeof *texts, nn = sizeof nums / sizeof *nums;
    size_t cases = nt + nn + sizeof pads / sizeof *pads;
    for (i = 0; i < cases; i++) {
        const char *text = i < nt ? texts[i] : "\"x\"";
        const char *num = i >= nt && i < nt + nn ? nums[i - nt] : "0";
        const char *pad = i >= nt + nn ? pads[i - nt - nn] : "}}";
        t_str body;
        render a, b;
        llmg_status sa, sb;
        int k;
        memset(&body, 0, sizeof body);
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        t_str_addc(&body, head);
        for (k = 0; k < 3; k++) {               /* the layout, a variant, the layout again */
            t_str_addc(&body, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");
            t_str_addc(&body, k == 1 ? num : "0");
            t_str_addc(&body, ",\"delta\":{\"type\":\"text_delta\",\"text\":");
            t_str_addc(&body, k == 1 ? text : "\"ok\"");
            t_str_addc(&body, k == 1 ? pad : "}}");
            t_str_addc(&body, "\n\n");
        }
        t_str_addc(&body, tail);
        render_shapes(body.p, &a, &b, &sa, &sb);
        if (sa != sb || a.out.len != b.out.len || memcmp(a.out.p, b.out.p, a.out.len) != 0) {
            t_note("text %s", text);
            t_note("index %s", num);
            t_note("end %s", pad);
            t_note("shapes:  %s", a.out.p);
            t_note("no shapes: %s", b.out.p);
            CHECK(0 && "the shape cache changed the events");
        }
        CHECK(a.seen >= 5);
        t_str_free(&body);
        t_str_free(&a.out);
        t_str_free(&a.partial);
        t_str_free(&b.out);
        t_str_free(&b.partial);
    }
}

/* The delta lane (a delta event laid out like the one before it is read
   in place, its framing, tokens and mapping skipped) gives exactly the
   events of a full parse: whatever the delta, the values no mapper reads
   (obfuscation, sequence_number), the padding and the line ends hold,
   fed whole or in chunks of 1 to 64 bytes, and with a line limit that the
   new delta passes. */
typedef struct lane_api {
    llmg_provider p;
    const char *head, *delta, *tail;   /* delta: %T the text, %U the unread value, %P the end */
} lane_api;

static llmg_status lane_run(llmg_provider p, const char *body, size_t chunk, size_t max_line,
                            int no_lane, render *r, size_t *lane_events)
{
    llmg_stream s;
    llmg_stream_opts o;
    llmg_host host;
    llmg_status st;
    test_opts(&o, &host, p);
    o.sse.max_line_bytes = max_line;
    st = run_with(&o, no_lane, body, 0, chunk, r, &s);
    t_str_addc(&r->out, llmg_status_name(st));
    if (lane_events) *lane_events = s._lane_events;
    llmg_stream_free(&s);
    return st;
}

/* One delta event of api, its lines ended by eol. */
static void lane_event(t_str *b, const lane_api *api, const char *text, const char *unread,
                       const char *pad, const char *eol)
{
    const char *p;
    for (p = api->delta; *p; p++) {
        if (*p == '\n') t_str_addc(b, eol);
        else if (p[0] == '%' && p[1] == 'T') t_str_addc(b, text), p++;
        else if (p[0] == '%' && p[1] == 'U') t_str_addc(b, unread), p++;
        else if (p[0] == '%' && p[1] == 'P') t_str_addc(b, pad), p++;
        else t_str_add(b, p, 1);
    }
}

static void test_stream_lane(void)
{
    static const lane_api apis[] = {
        { LLMG_PROVIDER_ANTHROPIC_MESSAGES,
          "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"model\":\"m\",\"role\":\"assistant\"}}\n\n"
          "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
          "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%U,\"delta\":{\"type\":\"text_delta\",\"text\":%T}%P\n\n",
          "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
          "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\n"
          "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n" },
        { LLMG_PROVIDER_OPENAI_COMPLETIONS,
          "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
          "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%T},\"finish_reason\":null}],\"obfuscation\":%U%P\n\n",
          "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}\n\n"
          "data: [DONE]\n\n" },
        { LLMG_PROVIDER_OPENAI_RESPONSES,
          "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\",\"model\":\"m\"}}\n\n"
          "event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\",\"part\":{\"type\":\"output_text\"}}\n\n",
          "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":%T,\"obfuscation\":\"o\",\"output_index\":0,\"sequence_number\":%U%P\n\n",
          "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\"}\n\n"
          "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":3}}}\n\n" }
    };
    static const char *const texts[] = {
        "\"plain\"", "\"\"", "\"a\\\"b\\n\"", "\"\\u00e9t\\u00E9\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
        "\"a\001b\"", "\"\377\"", "\"\342\202\"", "\"\342\202\254 \360\237\231\202\"", "\"\\x\"", "\"a\\\\\"",
        "\"\xed\xa0\x80\"", "\"long text long text long text long text \\/ done\"", "1", "null", "\"a\"\"b\"",
        /* long ones: UTF-8 across sixteen-byte blocks, escapes in them, past a new block's room */
        ("\"0123456789abcd\xc3\xa9 and \xe2\x82\xac across \xf0\x9f\x99\x82 blocks, \\n at 40, \\u00e9\\u20ac, "
         "then plain text for long enough to pass the room of a short block\""),
        "\"0123456789abcdefghijklmn\xe2\x82 then plain text\"", "\"0123456789abcdefghijklmnopq\001r\"",
        "\"0123456789abcdefghijklmnopq\\ud83d\\ude00 rest\"", "\"0123456789abcdefghijklmnopqrstuvwxyz no end"
    };
    static const char *const unread[] = {   /* obfuscation (a string) or sequence_number (a number) */
        "\"abc\"", "\"\"", "\"a\\u0041\"", "\"\\ud83d\"", "\"x", "7", "12345678901234567890", "-1", "1.5e3",
        "01", "-", "\"7\"", "null", "1 ", "2e"
    };
    static const char *const pads[] = { "}", "   }", "}  ", "\t} ", "}}", "} x", "" };
    static const char *const eols[] = { "\n", "\r\n", "\r" };
    static const size_t big[] = { 97, 128, 200, 333, 512, 1000, 4096 };   /* chunks a lane is learnt in */
    size_t a, i, c, chunk;
    for (a = 0; a < sizeof apis / sizeof *apis; a++) {
        const lane_api *api = &apis[a];
        int anthropic = api->p == LLMG_PROVIDER_ANTHROPIC_MESSAGES;
        size_t e;
        for (e = 0; e < sizeof eols / sizeof *eols; e++) {
            t_str body;
            render ref, got;
            size_t lane = 0, lane_cut = 0, n = 0, limit;
            const char *eol = eols[e];
            memset(&body, 0, sizeof body);
            t_str_addc(&body, api->head);
            for (i = 0; i < sizeof texts / sizeof *texts + 7; i++) {
                const char *good_unread = anthropic ? "0" : api->p == LLMG_PROVIDER_OPENAI_COMPLETIONS ? "\"ob\"" : "5";
                const char *text = texts[i % (sizeof texts / sizeof *texts)];
                const char *odd = unread[i % (sizeof unread / sizeof *unread)];
                const char *pad = pads[i % (sizeof pads / sizeof *pads)];
                /* twice as usual, then one with another delta, unread value and padding */
                lane_event(&body, api, "\"ok \"", good_unread, "}", eol);
                lane_event(&body, api, "\"ok\"", good_unread, "}", eol);
                lane_event(&body, api, text, anthropic ? "0" : odd, anthropic ? pad : "}", eol);
                n += 2;
            }
            t_str_addc(&body, api->tail);
            for (limit = 0; limit < 2; limit++) {
                size_t max_line = limit ? 150 : 0;
                memset(&ref, 0, sizeof ref);
                lane_run(api->p, body.p, 0, max_line, 1, &ref, NULL);
                for (c = 0; c <= 64 + sizeof big / sizeof *big; c++) {
                    chunk = c <= 64 ? c : big[c - 65];
                    memset(&got, 0, sizeof got);
                    lane_run(api->p, body.p, chunk, max_line, 0, &got,
                             limit ? NULL : chunk == 0 ? &lane : chunk == 333 ? &lane_cut : NULL);
                    if (got.out.len != ref.out.len || memcmp(got.out.p, ref.out.p, ref.out.len) != 0) {
                        t_note("api %s", llmg_provider_name(api->p));
                        t_note("line ends %s", e == 0 ? "LF" : e == 1 ? "CRLF" : "CR");
                        t_note("lane:    %s", got.out.p);
                        t_note("no lane: %s", ref.out.p);
                        {
                            char num[24];
                            snprintf(num, sizeof num, "%u", (unsigned)chunk);
                            t_note("chunk %s", num);
                        }
                        CHECK(0 && "the delta lane changed the events");
                        c = 64 + sizeof big / sizeof *big;
                    }
                    t_str_free(&got.out);
                    t_str_free(&got.partial);
                }
                t_str_free(&ref.out);
                t_str_free(&ref.partial);
            }
            /* Fed whole, the lane read most usual deltas, and in chunks of
               333 bytes most of them too, those across a chunk's end put
               together by the framer (CR line ends: none, a CR at the end
               of an event is not settled in place). */
            if (e < 2) CHECK(lane >= n / 2 && lane_cut >= n / 2);
            else CHECK(lane == 0 && lane_cut == 0);
            t_str_free(&body);
        }
    }
    {
        /* an empty feed (no window at all) while the lane is kept */
        static const char two[] =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}\n\n";
        llmg_stream s;
        llmg_stream_opts o;
        llmg_event ev;
        int k, got = 0;
        memset(&o, 0, sizeof o);
        o.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
        CHECK(llmg_stream_init(&s, &o, NULL) == LLMG_OK);
        CHECK(llmg_stream_feed(&s, apis[0].head, strlen(apis[0].head), NULL) == LLMG_OK);
        while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) {}
        for (k = 0; k < 3; k++) {
            CHECK(llmg_stream_feed(&s, two, sizeof two - 1, NULL) == LLMG_OK);
            while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) got++;
            CHECK(llmg_stream_feed(&s, NULL, 0, NULL) == LLMG_OK);
            CHECK(llmg_stream_next(&s, &ev, NULL) == LLMG_NEED_MORE);
        }
        CHECK(got == 3 && s._lane_events == 2);
        CHECK(llmg_stream_message(&s)->content[0].text.len == 3);
        llmg_stream_free(&s);
    }
    {
        /* a delta the lane decodes but does not take (not JSON after its
           '}', whole or put together by the framer): the text keeps its NUL */
        static const char odd[] =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"zz\"}} x\n\n";
        static const char two[] =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}\n\n";
        size_t cut;
        for (cut = 0; cut < 2; cut++) {
            llmg_stream s;
            llmg_stream_opts o;
            llmg_event ev;
            const llmg_buf *text;
            memset(&o, 0, sizeof o);
            o.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
            CHECK(llmg_stream_init(&s, &o, NULL) == LLMG_OK);
            CHECK(llmg_stream_feed(&s, apis[0].head, strlen(apis[0].head), NULL) == LLMG_OK);
            while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) {}
            CHECK(llmg_stream_feed(&s, two, sizeof two - 1, NULL) == LLMG_OK);
            while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) {}
            if (cut) {
                CHECK(llmg_stream_feed(&s, odd, 40, NULL) == LLMG_OK);
                while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) {}
                CHECK(llmg_stream_feed(&s, odd + 40, sizeof odd - 41, NULL) == LLMG_OK);
            } else {
                CHECK(llmg_stream_feed(&s, odd, sizeof odd - 1, NULL) == LLMG_OK);
            }
            while (llmg_stream_next(&s, &ev, NULL) == LLMG_OK) {}
            text = &llmg_stream_message(&s)->content[0].text;
            CHECK(text->len == 1 && text->ptr[0] == 'a' && text->ptr[1] == '\0');
            llmg_stream_free(&s);
        }
    }
}

/* The lane's decoding against the full parse's on random text: plain
   runs of every length, one-byte escapes, \u escapes (not surrogates,
   which the lane leaves to the long way) and UTF-8 of each length, so
   that escapes fall at every place of a sixteen-byte block, in runs, at
   its last byte (the escaped byte in the next block) and next to
   characters that cross it. Fed whole, the lane reads most of it (the
   rest are deltas longer than the room the text has left, which go the
   long way until the text grows). */
static void test_stream_lane_random_text(void)
{
    static const char *const atoms[] = {
        "a", "plain ", "0123456789abcdef", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b\\f\\r",
        "\\u00e9", "\\u20AC", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x99\x82",
        "\\n\\n\\n\\n\\n\\n\\n\\n\\n"
    };
    static const char head[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"model\":\"m\",\"role\":\"assistant\"}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    static const char tail[] =
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    size_t na = sizeof atoms / sizeof *atoms, round;
    uint32_t seed = 777;
    for (round = 0; round < 4; round++) {
        t_str body;
        render ref, got;
        size_t lane = 0, ev, events = 300;
        memset(&body, 0, sizeof body);
        memset(&ref, 0, sizeof ref);
        memset(&got, 0, sizeof got);
        t_str_addc(&body, head);
        for (ev = 0; ev < events; ev++) {
            size_t k, count;
            seed = seed * 1103515245u + 12345u;
            count = (seed >> 16) % 24 + 1;
            t_str_addc(&body, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                              "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"");
            for (k = 0; k < count; k++) {
                seed = seed * 1103515245u + 12345u;
                t_str_addc(&body, atoms[(seed >> 16) % na]);
            }
            t_str_addc(&body, "\"}}\n\n");
        }
        t_str_addc(&body, tail);
        lane_run(LLMG_PROVIDER_ANTHROPIC_MESSAGES, body.p, 0, 0, 1, &ref, NULL);
        lane_run(LLMG_PROVIDER_ANTHROPIC_MESSAGES, body.p, 0, 0, 0, &got, &lane);
        CHECK(got.out.len == ref.out.len && memcmp(got.out.p, ref.out.p, ref.out.len) == 0);
        CHECK(strstr(ref.out.p, "DONE") != NULL);
        CHECK(lane >= events / 2);
        t_str_free(&body);
        t_str_free(&ref.out);
        t_str_free(&ref.partial);
        t_str_free(&got.out);
        t_str_free(&got.partial);
    }
}

void suite_stream(void)
{
    RUN(test_message_round_trip);
    RUN(test_message_from_json_shapes);
    RUN(test_stream_anthropic_events);
    RUN(test_stream_tool_input_compact);
    RUN(test_stream_every_split);
    RUN(test_stream_shapes);
    RUN(test_stream_lane);
    RUN(test_stream_lane_random_text);
    RUN(test_stream_truncated);
    RUN(test_stream_error_event);
    RUN(test_stream_out_of_order);
    RUN(test_stream_chat_endings);
    RUN(test_stream_cancel_and_misuse);
    RUN(test_stream_limits);
    RUN(test_stream_alloc_failure);
    RUN(test_stream_fixed_buffer);
}
