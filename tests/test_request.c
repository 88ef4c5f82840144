/* Request building: the API contract (base URL, extra headers, errors and
   their messages, rebuilding), exact body bytes where the gem's key order
   and formats matter, and allocation failure at every k. The mappings
   themselves are checked against the gem's recorded requests
   (tests/conformance_requests.sh) and tests/fixtures/requests. */
#include "test.h"

/* ---------------------------------------------------------------- helpers */

typedef struct call {
    llmg_provider provider;
    const char   *key, *account, *base;
    const char   *messages, *system, *tools, *options;   /* ' for " (t_q) */
} call;

static llmg_status build(llmg_request *req, const call *c, const llmg_allocator *a,
                         const llmg_header *hdr, size_t nhdr, llmg_error *err)
{
    llmg_provider_config cfg;
    llmg_request_input in;
    llmg_request_opts o;
    char *m = c->messages ? t_q(c->messages) : NULL, *s = c->system ? t_q(c->system) : NULL;
    char *t = c->tools ? t_q(c->tools) : NULL, *op = c->options ? t_q(c->options) : NULL;
    llmg_status st;
    memset(&cfg, 0, sizeof cfg);
    memset(&in, 0, sizeof in);
    memset(&o, 0, sizeof o);
    cfg.provider = c->provider;
    cfg.api_key = llmg_str_c(c->key);
    cfg.account_id = llmg_str_c(c->account);
    cfg.base_url = llmg_str_c(c->base);
    cfg.headers = hdr;
    cfg.header_count = nhdr;
    in.messages = llmg_str_c(m);
    in.system = llmg_str_c(s);
    in.tools = llmg_str_c(t);
    in.options = llmg_str_c(op);
    if (a) o.allocator = *a;
    st = llmg_request_build(req, &cfg, &in, &o, err);
    free(m);
    free(s);
    free(t);
    free(op);
    return st;
}

/* 1 when the view holds exactly want (' for "). */
static int same(llmg_str got, const char *want)
{
    char *w = t_q(want);
    int ok = got.len == strlen(w) && memcmp(got.ptr, w, got.len) == 0;
    if (!ok) {
        t_note("want: %s", w);
        fprintf(stderr, "      got:  %.*s\n", (int)got.len, got.ptr);
    }
    free(w);
    return ok;
}

/* 1 when the NUL-terminated view holds exactly want (no ' translation). */
static int same_raw(llmg_str got, const char *want)
{
    int ok = got.len == strlen(want) && memcmp(got.ptr, want, got.len) == 0 && got.ptr[got.len] == '\0';
    if (!ok) fprintf(stderr, "      want: %s\n      got:  %.*s\n", want, (int)got.len, got.ptr);
    return ok;
}

/* The value of header name, or NULL. */
static const llmg_header *header(const llmg_request *req, const char *name)
{
    size_t i;
    for (i = 0; i < req->header_count; i++)
        if (llmg_str_eq(req->headers[i].name, llmg_str_c(name))) return &req->headers[i];
    return NULL;
}

/* ---------------------------------------------------------------- tests */

static void test_request_chat_bytes(void)
{
    call c = {LLMG_PROVIDER_OPENAI_COMPLETIONS, "KEY", NULL, NULL, "'Hi'", "'Be brief'", NULL,
              "{'model':'gpt-5.1','reasoning':'low','seed':7}"};
    llmg_request req;
    llmg_error err;
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_OK);
    CHECK(err.code == LLMG_OK);
    CHECK(same(req.method, "POST"));
    CHECK(same(req.url, "https://api.openai.com/v1/chat/completions"));
    CHECK(req.url.ptr[req.url.len] == '\0');
    CHECK(req.header_count == 2);
    CHECK(same(req.headers[0].name, "content-type") && same(req.headers[0].value, "application/json"));
    CHECK(same(req.headers[1].name, "authorization") && same(req.headers[1].value, "Bearer KEY"));
    /* the gem's key order: options after the messages, in the caller's
       order, new keys last; stream_options, then stream */
    CHECK(same(req.body, "{'model':'gpt-5.1','messages':[{'role':'developer','content':'Be brief'},"
                         "{'role':'user','content':[{'type':'text','text':'Hi'}]}],'seed':7,"
                         "'max_completion_tokens':20480,'reasoning_effort':'low',"
                         "'stream_options':{'include_usage':true},'stream':true}"));
    CHECK(same(req.message, ""));
    llmg_request_free(&req);
}

/* Tool-call arguments are the compact JSON of the input in Ruby's format:
   insertion order, floats as Float#to_s, raw UTF-8, '/' unescaped. */
static void test_request_arguments_format(void)
{
    call c = {LLMG_PROVIDER_OPENAI_COMPLETIONS, "KEY", NULL, NULL,
              "[{'role':'assistant','content':[{'type':'tool_use','id':'t1','name':'f',"
              "'input':{'z':1E20,'a':0.50,'b':-0,'u':'\xc3\xa9/\\u00e9','n':null}}]}]",
              NULL, NULL, NULL};
    llmg_request req;
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, NULL, 0, NULL) == LLMG_OK);
    CHECK(same(req.body, "{'model':'gpt-4o','messages':[{'role':'assistant','content':null,"
                         "'tool_calls':[{'id':'t1','type':'function','function':{'name':'f',"
                         "'arguments':'{\\'z\\':1.0e+20,\\'a\\':0.5,\\'b\\':0,\\'u\\':\\'\xc3\xa9/\xc3\xa9\\',"
                         "\\'n\\':null}'}}]}],'max_completion_tokens':20480,"
                         "'stream_options':{'include_usage':true},'stream':true}"));
    llmg_request_free(&req);
}

/* RFC 2045 base64, 60 columns and a final line feed; text/plain is sent as
   application/pdf (the gem's quirk). */
static void test_request_chat_file(void)
{
    call c = {LLMG_PROVIDER_OPENAI_COMPLETIONS, "KEY", NULL, NULL,
              "[{'role':'user','content':[{'type':'file','name':'a.txt','media_type':'text/plain',"
              "'data':'0123456789012345678901234567890123456789012345678'}]}]",
              NULL, NULL, NULL};
    llmg_request req;
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, NULL, 0, NULL) == LLMG_OK);
    CHECK(same(req.body, "{'model':'gpt-4o','messages':[{'role':'user','content':[{'type':'file',"
                         "'file':{'filename':'a.txt','file_data':'data:application/pdf;base64,"
                         "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0\\n"
                         "NTY3OA==\\n'}}]}],'max_completion_tokens':20480,"
                         "'stream_options':{'include_usage':true},'stream':true}"));
    llmg_request_free(&req);
}

/* base_url replaces the base; extra headers come last, lower-case, and
   replace a header of the same name in its place; no key, no credential. */
static void test_request_base_url_and_headers(void)
{
    call c = {LLMG_PROVIDER_OPENAI_COMPLETIONS, "", NULL, "http://127.0.0.1:8080/v1/", "'Hi'", NULL, NULL,
              "{'model':'local'}"};
    llmg_header h[2];
    llmg_request req;
    llmg_error err;
    h[0].name = llmg_str_c("X-Trace");
    h[0].value = llmg_str_c("abc");
    h[1].name = llmg_str_c("Content-Type");
    h[1].value = llmg_str_c("application/json; charset=utf-8");
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, h, 2, &err) == LLMG_OK);
    CHECK(same(req.url, "http://127.0.0.1:8080/v1/chat/completions"));
    CHECK(req.header_count == 2);
    CHECK(same(req.headers[0].name, "content-type"));
    CHECK(same(req.headers[0].value, "application/json; charset=utf-8"));
    CHECK(same(req.headers[1].name, "x-trace") && same(req.headers[1].value, "abc"));
    CHECK(header(&req, "authorization") == NULL);

    h[0].value = llmg_str_c("a\r\nInjected: 1");           /* header injection is refused */
    CHECK(build(&req, &c, NULL, h, 1, &err) == LLMG_E_ARG);
    CHECK(req.body.len == 0 && req.url.len == 0 && req.header_count == 0);
    CHECK(strstr(req.message.ptr, "CR, LF") != NULL);
    llmg_request_free(&req);
}

/* Anthropic: OAuth mode from the key prefix; cache_retention long gives
   ttl 1h on api.anthropic.com only. */
static void test_request_anthropic_modes(void)
{
    call c = {LLMG_PROVIDER_ANTHROPIC_MESSAGES, "sk-ant-oat-X", NULL, NULL, "'Hi'", "'Sys'", NULL,
              "{'model':'m','cache_retention':'long'}"};
    llmg_request req;
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, NULL, 0, NULL) == LLMG_OK);
    CHECK(same(req.url, "https://api.anthropic.com/v1/messages"));
    CHECK(header(&req, "x-api-key") == NULL);
    CHECK(header(&req, "authorization") && same(header(&req, "authorization")->value, "Bearer sk-ant-oat-X"));
    CHECK(header(&req, "user-agent") && same(header(&req, "user-agent")->value, "claude-cli/2.1.2 (external, cli)"));
    /* (t_q cannot write the identity's apostrophe) */
    CHECK(strcmp(req.body.ptr, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                 "\"text\",\"text\":\"Hi\"}]}],\"system\":[{\"type\":\"text\",\"text\":\"You are Claude Code, "
                 "Anthropic's official CLI for Claude.\"},{\"type\":\"text\",\"text\":\"Sys\",\"cache_control\":"
                 "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":"
                 "\"1h\"},\"max_tokens\":20480,\"stream\":true}") == 0);

    c.key = "KEY";
    c.base = "https://proxy.example/anthropic";
    CHECK(build(&req, &c, NULL, NULL, 0, NULL) == LLMG_OK);
    CHECK(same(req.url, "https://proxy.example/anthropic/v1/messages"));
    CHECK(header(&req, "x-api-key") && same(header(&req, "x-api-key")->value, "KEY"));
    CHECK(same(req.body, "{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':'Hi'}]}],"
                         "'system':[{'type':'text','text':'Sys','cache_control':{'type':'ephemeral'}}],"
                         "'cache_control':{'type':'ephemeral'},'max_tokens':20480,'stream':true}"));
    llmg_request_free(&req);
}

/* Codex: the cache key moves to the session_id header; the account id is
   sent; token options are dropped. */
static void test_request_codex_headers(void)
{
    call c = {LLMG_PROVIDER_OPENAI_CODEX, "TOKEN", "ACCT", NULL, "'Hi'", NULL, NULL,
              "{'model':'gpt-5.4','cache_key':'sess-1','max_completion_tokens':10}"};
    llmg_request req;
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, NULL, 0, NULL) == LLMG_OK);
    CHECK(same(req.url, "https://chatgpt.com/backend-api/codex/responses"));
    CHECK(req.header_count == 5);
    CHECK(same(req.headers[2].name, "openai-beta") && same(req.headers[2].value, "responses=experimental"));
    CHECK(same(req.headers[3].name, "chatgpt-account-id") && same(req.headers[3].value, "ACCT"));
    CHECK(same(req.headers[4].name, "session_id") && same(req.headers[4].value, "sess-1"));
    CHECK(same(req.body, "{'model':'gpt-5.4','instructions':'You are a helpful assistant.','input':["
                         "{'role':'user','content':[{'type':'input_text','text':'Hi'}]}],'store':false,"
                         "'include':['reasoning.encrypted_content'],'stream':true}"));
    llmg_request_free(&req);
}

/* Refusals in the gem's words; JSON errors name the input and the byte. */
static void test_request_errors(void)
{
    call c = {LLMG_PROVIDER_OPENAI_RESPONSES, "KEY", NULL, NULL, "'Hi'", NULL, NULL,
              "{'model':'m','zeta':1,'alpha':2}"};
    llmg_request req;
    llmg_error err;
    llmg_request_init(&req);
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(err.code == LLMG_E_ARG && strstr(err.msg, "unknown option") != NULL);
    CHECK(same(req.message, "Unknown OpenAI Responses options: zeta, alpha. Valid options: background, "
                            "context_management, conversation, include, max_output_tokens, max_tool_calls, "
                            "metadata, model, parallel_tool_calls, previous_response_id, prompt, "
                            "prompt_cache_key, prompt_cache_retention, reasoning, safety_identifier, "
                            "service_tier, store, stream, stream_options, temperature, text, tool_choice, "
                            "top_logprobs, top_p, truncation, user."));
    CHECK(req.body.len == 0 && req.url.len == 0 && req.header_count == 0);

    c.options = "{'reasoning':'extreme'}";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same_raw(req.message, "Invalid reasoning 'extreme'. Use 'none', 'low', 'medium', 'high', or 'xhigh'."));
    c.provider = LLMG_PROVIDER_GROQ_COMPLETIONS;
    c.options = "{'reasoning':'xhigh'}";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same_raw(req.message, "Invalid reasoning 'xhigh'. Use 'none', 'default', 'low', 'medium', or 'high'."));
    c.provider = LLMG_PROVIDER_OPENAI_COMPLETIONS;
    c.options = "{'cache_retention':'week'}";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same_raw(req.message, "Invalid cache_retention 'week'. Use 'short', 'long', or 'none'."));
    c.options = NULL;
    c.system = "42.5";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same(req.message, "System parameter must be a string or array, got Float"));
    c.system = NULL;

    c.options = "{'model':";                                /* not JSON */
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_SYNTAX);
    CHECK(err.offset == 9);
    CHECK(strncmp(req.message.ptr, "options: ", 9) == 0);
    c.options = "{'model':'m'} x";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_SYNTAX);
    CHECK(err.offset == 14);
    c.options = "[1]";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same(req.message, "options must be a JSON object"));
    c.options = NULL;
    c.messages = "[{'role':'user','content':'a'},'b']";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same(req.message, "message 1 is not an object"));
    c.messages = NULL;
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    CHECK(same(req.message, "messages are required"));
    c.messages = "'Hi'";
    c.tools = "{'name':'f'}";
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    c.tools = NULL;
    c.provider = (llmg_provider)7;          /* not a provider (in the enum's range) */
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_E_ARG);
    c.provider = LLMG_PROVIDER_OPENAI_COMPLETIONS;
    CHECK(build(&req, &c, NULL, NULL, 0, &err) == LLMG_OK);   /* and it recovers */
    CHECK(req.body.len > 0 && same(req.message, ""));
    llmg_request_free(&req);
    llmg_request_free(&req);                                  /* twice is harmless */
}

/* A transcript that takes every path: replayed from another provider and
   from the same one, with reasoning, tool calls, server tools, images,
   files, tool results with lists, a system prompt, tools and options. */
static const char rich_messages[] =
    "[{'role':'user','content':[{'type':'text','text':'look','cache_control':{'type':'ephemeral'}},"
    "{'type':'image','media_type':'image/png','data':'iVBORw0K'},"
    "{'type':'file','name':'n.txt','media_type':'text/plain','data':'hello file'}]},"
    "{'id':'msg_1','model':'claude-x','role':'assistant','provider':'anthropic','api':'messages',"
    "'usage':{'input':1},'content':[{'type':'reasoning','reasoning':'think','signature':'sig'},"
    "{'type':'thinking','thinking':'more','signature':'{\\'type\\':\\'reasoning\\',\\'id\\':\\'rs_1\\'}'},"
    "{'type':'text','text':'ok'},{'id':'call:a/1|x','type':'tool_use','name':'f','input':{'q':1.5}},"
    "{'id':'srv_1','type':'server_tool_use','name':'bash','input':{'command':'ls','outputs':{'a':1}}},"
    "{'type':'server_tool_result','tool_use_id':'srv_1','name':'bash_code_execution_tool_result',"
    "'content':{'type':'bash_code_execution_result','stdout':'x'}},{'type':'reasoning','summary':["
    "{'text':'s1'},'s2']}]},"
    "{'role':'developer','content':[{'type':'tool_result','tool_use_id':'call:a/1|x','content':["
    "{'type':'text','text':'r'},{'type':'image','media_type':'image/png','data':'AAAA'}]},"
    "{'type':'text','text':'after'}],'details':{'trace':1}},"
    "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t2','content':{'k':[1,'v']}}]},"
    "{'role':'assistant','content':'plain'}]";

static void build_rich(llmg_provider p, const char *model, const llmg_allocator *a, llmg_request *req,
                       llmg_status *st)
{
    call c;
    char opts[256];
    memset(&c, 0, sizeof c);
    c.provider = p;
    c.key = p == LLMG_PROVIDER_ANTHROPIC_MESSAGES ? "sk-ant-oat-1" : "KEY";
    c.account = "ACCT";
    c.messages = rich_messages;
    c.system = "[{'role':'system','content':'one'},{'role':'system','content':'two'}]";
    c.tools = "[{'name':'f','description':'d','input_schema':{'type':'object'},'cache_control':"
              "{'type':'ephemeral'}},{'type':'code_interpreter','container':{'type':'auto'}}]";
    snprintf(opts, sizeof opts, "{'model':'%s','reasoning':'%s','cache_key':'k','cache_retention':'%s'}",
             model, p == LLMG_PROVIDER_GROQ_COMPLETIONS ? "default" : "high",
             p == LLMG_PROVIDER_GROQ_COMPLETIONS ? "short" : "long");
    if (p == LLMG_PROVIDER_OPENAI_CODEX) snprintf(opts, sizeof opts, "{'model':'%s','cache_key':'k'}", model);
    c.options = opts;
    *st = build(req, &c, a, NULL, 0, NULL);
}

/* Every allocation of a build fails once, then from k on: each run ends in
   LLMG_E_NOMEM with nothing kept and nothing leaked, or succeeds with the
   same request as a run without failures. */
static void test_request_alloc_failure(void)
{
    static const char *const models[] = {"claude-x", "other"};
    t_alloc ta;
    llmg_allocator a = t_alloc_make(&ta);
    int p, m, from;
    for (p = 1; p <= 5; p++) {
        for (m = 0; m < 2; m++) {
            llmg_request want, got;
            llmg_status st;
            size_t k, total;
            llmg_request_init(&want);
            build_rich((llmg_provider)p, models[m], NULL, &want, &st);
            CHECK(st == LLMG_OK);
            t_alloc_arm(&ta, 0, 0);
            llmg_request_init(&got);
            build_rich((llmg_provider)p, models[m], &a, &got, &st);
            total = ta.calls;
            llmg_request_free(&got);
            CHECK(ta.live == 0);
            for (from = 0; from < 2; from++) {
                for (k = 1; k <= total; k++) {
                    t_alloc_arm(&ta, k, from);
                    llmg_request_init(&got);
                    build_rich((llmg_provider)p, models[m], &a, &got, &st);
                    if (st == LLMG_OK) {
                        CHECK(got.body.len == want.body.len && !memcmp(got.body.ptr, want.body.ptr, got.body.len));
                    } else {
                        CHECK(st == LLMG_E_NOMEM);
                        CHECK(got.body.len == 0 && got.header_count == 0);
                    }
                    llmg_request_free(&got);
                    if (ta.live != 0) {
                        CHECK(0 && "leak after an allocation failure");
                        return;
                    }
                }
            }
            llmg_request_free(&want);
        }
    }
    t_alloc_arm(&ta, 0, 0);
}

/* The whole build on a caller's buffer. */
static void test_request_fixed_buffer(void)
{
    static unsigned char buf[1 << 19];
    llmg_fixed f;
    llmg_allocator a;
    llmg_request req;
    llmg_status st;
    llmg_fixed_init(&f, buf, sizeof buf);
    a = llmg_fixed_allocator(&f);
    llmg_request_init(&req);
    build_rich(LLMG_PROVIDER_OPENAI_RESPONSES, "gpt-5.4", &a, &req, &st);
    CHECK(st == LLMG_OK);
    CHECK(req.body.len > 0 && f.used > 0);
    llmg_request_free(&req);
    CHECK(f.used == 0);
}

void suite_request(void)
{
    RUN(test_request_chat_bytes);
    RUN(test_request_arguments_format);
    RUN(test_request_chat_file);
    RUN(test_request_base_url_and_headers);
    RUN(test_request_anthropic_modes);
    RUN(test_request_codex_headers);
    RUN(test_request_errors);
    RUN(test_request_alloc_failure);
    RUN(test_request_fixed_buffer);
}
