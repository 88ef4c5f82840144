/* llmg - the llm_gateway.h command-line tool.

   llmg sse-dump   [--chunk N] [FILE]   frame a server-sent-events stream
   llmg json-check [--chunk N] [--max-depth N] [FILE]
                                        validate one JSON document
   llmg classify   --provider KEY (--status CODE | --stream)
                   [--header 'Name: value']... [--now-ms MS] [FILE]
                                        classify a provider error
   llmg replay     --provider KEY [--chunk N] [--status CODE] [--now-ms MS]
                   [--final-only] [FILE]
                                        normalize a response body
   llmg request    [--provider KEY] [FILE]
                                        the HTTP request for a call
   llmg chat       --provider KEY --model MODEL [--base-url URL] [--system TEXT]
                   [--reasoning LEVEL] [--tool-file FILE] [--timeout SECONDS]
                   [--json] PROMPT...   talk to a provider (http://, and https://
                                        when built with libcurl)

   FILE defaults to standard input. Exit status, for every subcommand: 0
   success, 1 a provider or stream error (also invalid input), 2 usage or
   I/O error, 3 truncated (the input ended before the provider's final
   event), 130 cancelled. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
#include "transport.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum cli_exit {
    CLI_EXIT_OK        = 0,
    CLI_EXIT_ERROR     = 1,    /* a provider or stream error; invalid input */
    CLI_EXIT_USAGE     = 2,    /* usage or I/O error */
    CLI_EXIT_TRUNCATED = 3,    /* the input ended before the provider's final event */
    CLI_EXIT_CANCELLED = 130   /* the host stopped it (as a shell reports SIGINT) */
};

/* The exit status for a library status. */
static int exit_for(llmg_status st)
{
    switch (st) {
    case LLMG_OK: case LLMG_NEED_MORE: case LLMG_DONE: return CLI_EXIT_OK;
    case LLMG_E_TRUNCATED: return CLI_EXIT_TRUNCATED;
    case LLMG_E_CANCELLED: return CLI_EXIT_CANCELLED;
    case LLMG_E_ARG: case LLMG_E_NOMEM: case LLMG_E_HOST: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_ERROR;
    }
}

static const char usage_text[] =
    "usage: llmg <command> [options] [FILE]\n"
    "\n"
    "commands:\n"
    "  sse-dump   [--chunk N] [FILE]                 one JSON line per SSE event\n"
    "  json-check [--chunk N] [--max-depth N] [FILE] exit 0 if FILE is one valid JSON document\n"
    "  classify   --provider KEY --status CODE [--header 'Name: value']... [--now-ms MS] [FILE]\n"
    "                                                the error object of a failed response\n"
    "                                                (FILE: its body) as one JSON line\n"
    "  classify   --provider KEY --stream [FILE]     the same for an in-stream error event\n"
    "                                                (FILE: the event's data)\n"
    "  replay     --provider KEY [--chunk N] [--status CODE] [--now-ms MS] [--final-only] [FILE]\n"
    "                                                the normalized events of a response body\n"
    "                                                (FILE), one JSON line each\n"
    "  request    [--provider KEY] [FILE]            the HTTP request (method, url, headers, body)\n"
    "                                                of a call {messages, system, tools, options,\n"
    "                                                config} as one JSON line\n"
    "  chat       --provider KEY --model MODEL [--base-url URL] [--system TEXT]\n"
    "             [--reasoning LEVEL] [--tool-file FILE] [--timeout SECONDS] [--json] PROMPT...\n"
    "                                                send PROMPT and stream the answer; the key\n"
    "                                                comes from ANTHROPIC_API_KEY, OPENAI_API_KEY,\n"
    "                                                GROQ_API_KEY, or OPENAI_CODEX_ACCESS_TOKEN and\n"
    "                                                CHATGPT_ACCOUNT_ID\n"
    "  version                                       print the library version\n"
    "\n"
    "FILE defaults to standard input. --chunk N feeds N bytes per call (default: all at once).\n"
    "KEY: anthropic_messages, openai_completions, openai_responses, openai_codex,\n"
    "groq_completions. --now-ms: the wall clock in Unix ms (default: now).\n"
    "exit status: 0 ok, 1 provider or stream error (or invalid input), 2 usage or I/O error,\n"
    "3 truncated, 130 cancelled\n";

static int usage(const char *why)
{
    if (why) fprintf(stderr, "llmg: %s\n", why);
    fputs(usage_text, stderr);
    return CLI_EXIT_USAGE;
}

/* Reads a whole file (or stdin for NULL or "-") into a malloc'd buffer. */
static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = (!path || strcmp(path, "-") == 0) ? stdin : fopen(path, "rb");
    size_t cap = 1 << 16, n = 0;
    char *buf;
    if (!f) {
        fprintf(stderr, "llmg: cannot open %s\n", path);
        return 0;
    }
    buf = (char *)malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        {
            char *bigger = (char *)realloc(buf, cap * 2);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    if (!buf || ferror(f)) {
        fprintf(stderr, "llmg: cannot read %s\n", path ? path : "standard input");
        if (f != stdin) fclose(f);
        free(buf);
        return 0;
    }
    if (f != stdin) fclose(f);
    *out = buf;
    *len = n;
    return 1;
}

/* A body to replay: a regular file is mapped (no copy, no growing buffer:
   the timing of a large replay is the parsing), anything else read. */
typedef struct body_in { char *p; size_t len; int mapped; } body_in;

static int body_open(const char *path, body_in *b)
{
    struct stat sb;
    int fd;
    b->mapped = 0;
    if (path && strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) >= 0) {
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
            void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m != MAP_FAILED) {
                close(fd);
                b->p = (char *)m;
                b->len = (size_t)sb.st_size;
                b->mapped = 1;
                return 1;
            }
        }
        close(fd);
    }
    return read_all(path, &b->p, &b->len);
}

static void body_close(body_in *b)
{
    if (b->mapped) munmap(b->p, b->len);
    else free(b->p);
}

/* A positive decimal argument. */
static int parse_size(const char *s, size_t *out)
{
    size_t v = 0;
    if (!s || !*s) return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > ((size_t)-1 - 9) / 10) return 0;
        v = v * 10 + (size_t)(*s - '0');
    }
    if (v == 0) return 0;
    *out = v;
    return 1;
}

typedef struct cli_opts {
    size_t      chunk;          /* 0: everything in one call */
    size_t      max_depth;
    const char *file;
} cli_opts;

/* Parses the shared options; returns 0 and prints usage on a bad one. */
static int parse_opts(int argc, char **argv, cli_opts *o, int allow_depth)
{
    int i;
    memset(o, 0, sizeof *o);
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--chunk") == 0) {
            if (++i >= argc || !parse_size(argv[i], &o->chunk)) return 0;
        } else if (allow_depth && strcmp(argv[i], "--max-depth") == 0) {
            if (++i >= argc || !parse_size(argv[i], &o->max_depth)) return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return 0;
        } else if (!o->file) {
            o->file = argv[i];
        } else {
            return 0;
        }
    }
    return 1;
}

/* A writer's sink: the output straight to a FILE. */
static int file_sink(void *user, const char *bytes, size_t len)
{
    return fwrite(bytes, 1, len, (FILE *)user) != len;
}

/* Ends the writer's line on stdout (what a sink did not take yet first). */
static int print_line(llmg_json_writer *w)
{
    llmg_str s;
    llmg_json_writer_flush(w);
    s = llmg_json_writer_str(w);
    fwrite(s.ptr, 1, s.len, stdout);
    fputc('\n', stdout);
    llmg_json_writer_reset(w);
    return 1;
}

static int report(const char *what, const llmg_error *err)
{
    fprintf(stderr, "error: %s%s at byte %llu\n", what, err->msg,
            (unsigned long long)err->offset);
    return err->code < 0 ? exit_for(err->code) : CLI_EXIT_ERROR;
}

/* ---------------------------------------------------------------- sse-dump
   Invalid UTF-8 in a field is printed as U+FFFD per maximal invalid
   subpart, as the WHATWG decoder would have read it; the library itself
   keeps the bytes. */
static void dump_event(llmg_json_writer *w, const llmg_sse_event *ev)
{
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "event");
    llmg_json_write_str(w, ev->type);
    llmg_json_write_keyc(w, "data");
    llmg_json_write_str(w, ev->data);
    llmg_json_write_keyc(w, "id");
    llmg_json_write_str(w, ev->id);
    llmg_json_write_obj_end(w);
    print_line(w);
}

static int cmd_sse_dump(int argc, char **argv)
{
    cli_opts o;
    char *buf;
    size_t len, at = 0;
    llmg_sse_parser p;
    llmg_sse_opts so;
    llmg_sse_event ev;
    llmg_error err;
    llmg_status st = LLMG_OK;
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    uint64_t retry;
    int rc = 0;

    if (!parse_opts(argc, argv, &o, 0)) return usage("sse-dump: bad arguments");
    if (!read_all(o.file, &buf, &len)) return CLI_EXIT_USAGE;
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = 1;
    llmg_json_writer_init(&w, &wo, NULL);
    /* the whole input is in memory already: no line or event of it is refused */
    memset(&so, 0, sizeof so);
    so.max_line_bytes = len + 1;
    so.max_event_bytes = len + 1;
    llmg_sse_init(&p, &so, NULL);
    do {
        size_t n = o.chunk && o.chunk < len - at ? o.chunk : len - at;
        st = llmg_sse_feed(&p, buf + at, n, &err);
        at += n;
        while (st >= 0 && (st = llmg_sse_next(&p, &ev, &err)) == LLMG_OK) dump_event(&w, &ev);
    } while (st == LLMG_NEED_MORE && at < len);
    if (st >= 0) st = llmg_sse_finish(&p, &err);
    if (st < 0) {
        rc = report("", &err);
    } else if (llmg_sse_retry(&p, &retry)) {
        char num[32];
        snprintf(num, sizeof num, "%llu", (unsigned long long)retry);
        llmg_json_write_obj_begin(&w);
        llmg_json_write_keyc(&w, "retry");
        llmg_json_write_raw(&w, llmg_str_c(num));
        llmg_json_write_obj_end(&w);
        print_line(&w);
    }
    llmg_sse_free(&p);
    llmg_json_writer_free(&w);
    free(buf);
    if (fflush(stdout) != 0) return CLI_EXIT_USAGE;
    return rc;
}

/* ---------------------------------------------------------------- json-check */
static int cmd_json_check(int argc, char **argv)
{
    cli_opts o;
    char *buf;
    size_t len;
    llmg_json_opts jo;
    llmg_error err;
    llmg_status st;

    if (!parse_opts(argc, argv, &o, 1)) return usage("json-check: bad arguments");
    if (!read_all(o.file, &buf, &len)) return CLI_EXIT_USAGE;
    memset(&jo, 0, sizeof jo);
    jo.max_depth = o.max_depth;
    if (o.chunk == 0) {
        llmg_json_doc doc;
        llmg_json_doc_init(&doc);
        st = llmg_json_parse(&doc, buf, len, &jo, &err);
        llmg_json_doc_free(&doc);
    } else {
        llmg_json_stream s;
        size_t at = 0;
        st = llmg_json_stream_init(&s, &jo, &err);
        while (st >= 0 && at < len) {
            size_t n = o.chunk < len - at ? o.chunk : len - at;
            st = llmg_json_stream_feed(&s, buf + at, n, &err);
            at += n;
        }
        if (st >= 0) st = llmg_json_stream_finish(&s, &err);
        llmg_json_stream_free(&s);
    }
    free(buf);
    if (st != LLMG_OK) return report("", &err);
    return 0;
}

/* ---------------------------------------------------------------- classify
   The error object of a failed response (or of an in-stream error event)
   as one JSON line. The classification itself never fails on bad input:
   exit 0 whatever the body holds. */

/* A signed decimal int64 argument. */
static int parse_i64(const char *s, int64_t *out)
{
    int64_t v;
    if (!s || !llmg_error_parse_integer(llmg_str_c(s), &v)) return 0;
    for (; *s; s++)                      /* decimal digits and a sign only */
        if (!(*s >= '0' && *s <= '9') && !(*s == '-' && s[1])) return 0;
    *out = v;
    return 1;
}

/* "Name: value" split at the first colon, spaces and tabs trimmed. */
static int parse_header(char *arg, llmg_header *h)
{
    char *colon = strchr(arg, ':'), *name = arg, *value, *end;
    if (!colon) return 0;
    *colon = '\0';
    value = colon + 1;
    while (*name == ' ' || *name == '\t') name++;
    for (end = colon; end > name && (end[-1] == ' ' || end[-1] == '\t'); end--) end[-1] = '\0';
    while (*value == ' ' || *value == '\t') value++;
    for (end = value + strlen(value); end > value && (end[-1] == ' ' || end[-1] == '\t'); end--)
        end[-1] = '\0';
    if (!*name) return 0;
    h->name = llmg_str_c(name);
    h->value = llmg_str_c(value);
    return 1;
}

static int cmd_classify(int argc, char **argv)
{
    llmg_classify_input in;
    llmg_provider_error pe;
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    llmg_error err;
    llmg_status st;
    llmg_header *headers;
    const char *file = NULL;
    char *buf = NULL;
    size_t len = 0;
    int64_t num;
    int i, have_status = 0, have_now = 0, stream = 0, rc = CLI_EXIT_OK;

    memset(&in, 0, sizeof in);
    headers = (llmg_header *)malloc(sizeof *headers * (size_t)(argc > 0 ? argc : 1));
    if (!headers) return usage("classify: out of memory");
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--provider") == 0 && i + 1 < argc) {
            in.provider = llmg_provider_from_name(llmg_str_c(argv[++i]));
            if (in.provider == LLMG_PROVIDER_NONE) { rc = -1; break; }
        } else if (strcmp(a, "--status") == 0 && i + 1 < argc) {
            if (!parse_i64(argv[++i], &num) || num < 0 || num > 999) { rc = -1; break; }
            in.status = (int)num;
            have_status = 1;
        } else if (strcmp(a, "--header") == 0 && i + 1 < argc) {
            if (!parse_header(argv[++i], &headers[in.header_count])) { rc = -1; break; }
            in.header_count++;
        } else if (strcmp(a, "--now-ms") == 0 && i + 1 < argc) {
            if (!parse_i64(argv[++i], &in.now_ms)) { rc = -1; break; }
            have_now = 1;
        } else if (strcmp(a, "--stream") == 0) {
            stream = 1;
        } else if ((a[0] == '-' && a[1] != '\0') || file) {
            rc = -1;
            break;
        } else {
            file = a;
        }
    }
    if (rc == 0 && (in.provider == LLMG_PROVIDER_NONE || have_status == stream)) rc = -1;
    if (rc != 0) {
        free(headers);
        return usage("classify: bad arguments");
    }
    if (!read_all(file, &buf, &len)) {
        free(headers);
        return CLI_EXIT_USAGE;
    }
    if (!have_now) in.now_ms = (int64_t)time(NULL) * 1000;
    in.headers = headers;
    in.body.ptr = buf;
    in.body.len = len;
    llmg_provider_error_init(&pe);
    if (stream) {
        /* data that is not JSON reaches the gem's mapper as {raw: data}:
           no error object, so {} classifies the same */
        llmg_json_doc doc;
        llmg_json_doc_init(&doc);
        st = llmg_json_parse(&doc, buf, len, NULL, &err);
        if (st != LLMG_E_NOMEM)
            st = llmg_classify_stream_error(in.provider, llmg_json_root(&doc), NULL, &pe, &err);
        llmg_json_doc_free(&doc);
    } else {
        st = llmg_classify_http(&in, NULL, &pe, &err);
    }
    if (st == LLMG_OK) {
        memset(&wo, 0, sizeof wo);
        wo.replace_invalid_utf8 = 1;      /* a fallback message carries body bytes */
        llmg_json_writer_init(&w, &wo, NULL);
        st = llmg_provider_error_write_json(&pe, &w);
        if (st == LLMG_OK) print_line(&w);
        else fprintf(stderr, "llmg: classify: %s\n", llmg_status_message(st));
        llmg_json_writer_free(&w);
        rc = exit_for(st);
    } else {
        fprintf(stderr, "llmg: classify: %s\n", err.msg);
        rc = exit_for(st);
    }
    llmg_provider_error_free(&pe);
    free(buf);
    free(headers);
    if (fflush(stdout) != 0) return CLI_EXIT_USAGE;
    return rc;
}

static int64_t replay_clock(void *user) { return *(const int64_t *)user; }

/* An error line: {"type":"error","error":{...}}. */
static void print_error_line(llmg_json_writer *w, const llmg_provider_error *pe)
{
    llmg_json_writer_reset(w);
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "type");
    llmg_json_write_strc(w, "error");
    llmg_json_write_keyc(w, "error");
    llmg_provider_error_write_json(pe, w);
    llmg_json_write_obj_end(w);
    print_line(w);
}

typedef struct replay_out {
    llmg_json_writer w;
    int              final_only;
} replay_out;

static int replay_event(void *user, const llmg_event *ev)
{
    replay_out *o = (replay_out *)user;
    if (o->final_only && ev->type != LLMG_EVENT_MESSAGE_END) return 0;
    llmg_json_writer_reset(&o->w);
    llmg_event_write_json(ev, &o->w);
    return !print_line(&o->w);
}

static int cmd_replay(int argc, char **argv)
{
    const char *file = NULL;
    size_t chunk = 0, len, at = 0;
    int64_t status = 200, now = 0;
    int have_now = 0, i, rc;
    char *buf;
    body_in in_body;
    llmg_stream_opts so;
    llmg_stream s;
    llmg_host host;
    llmg_error err;
    llmg_status st;
    replay_out out;
    llmg_json_writer_opts wo;

    memset(&so, 0, sizeof so);
    memset(&out, 0, sizeof out);
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--provider") == 0 && i + 1 < argc) {
            so.provider = llmg_provider_from_name(llmg_str_c(argv[++i]));
            if (so.provider == LLMG_PROVIDER_NONE) return usage("replay: unknown provider");
        } else if (strcmp(a, "--chunk") == 0 && i + 1 < argc) {
            if (!parse_size(argv[++i], &chunk) || chunk == 0) return usage("replay: bad --chunk");
        } else if (strcmp(a, "--status") == 0 && i + 1 < argc) {
            if (!parse_i64(argv[++i], &status)) return usage("replay: bad --status");
        } else if (strcmp(a, "--now-ms") == 0 && i + 1 < argc) {
            if (!parse_i64(argv[++i], &now)) return usage("replay: bad --now-ms");
            have_now = 1;
        } else if (strcmp(a, "--final-only") == 0) {
            out.final_only = 1;
        } else if ((a[0] == '-' && a[1] != '\0') || file) {
            return usage("replay: bad arguments");
        } else {
            file = a;
        }
    }
    if (so.provider == LLMG_PROVIDER_NONE) return usage("replay: --provider is required");
    if (!have_now) now = (int64_t)time(NULL) * 1000;
    if (!body_open(file, &in_body)) return CLI_EXIT_USAGE;
    buf = in_body.p;
    len = in_body.len;
    memset(&wo, 0, sizeof wo);
    wo.replace_invalid_utf8 = 1;
    wo.sink = file_sink;                /* a long message goes out as it is written */
    wo.sink_user = stdout;
    llmg_json_writer_init(&out.w, &wo, NULL);

    if (status != 200) {
        /* An HTTP error body: the classified error. */
        llmg_classify_input in;
        llmg_provider_error pe;
        memset(&in, 0, sizeof in);
        in.provider = so.provider;
        in.status = (int)status;
        in.body.ptr = buf;
        in.body.len = len;
        in.now_ms = now;
        llmg_provider_error_init(&pe);
        st = llmg_classify_http(&in, NULL, &pe, &err);
        if (st == LLMG_OK) print_error_line(&out.w, &pe);
        else fprintf(stderr, "llmg: replay: %s\n", err.msg);
        llmg_provider_error_free(&pe);
        llmg_json_writer_free(&out.w);
        body_close(&in_body);
        if (fflush(stdout) != 0) return CLI_EXIT_USAGE;
        return st == LLMG_OK ? CLI_EXIT_ERROR : exit_for(st);
    }

    host.user = &now;
    host.unix_ms = replay_clock;
    host.mono_ms = NULL;
    host.log = NULL;
    so.host = &host;
    /* the whole body is in memory already: no line or event of it is refused */
    so.sse.max_line_bytes = len + 1;
    so.sse.max_event_bytes = len + 1;
    so.max_message_bytes = len + 1;
    st = llmg_stream_init(&s, &so, &err);
    while (st == LLMG_OK && at < len) {
        size_t n = chunk && chunk < len - at ? chunk : len - at;
        st = llmg_stream_push(&s, buf + at, n, replay_event, &out, &err);
        at += n;
        if (st == LLMG_NEED_MORE) st = LLMG_OK;
    }
    if (st == LLMG_OK) st = llmg_stream_end(&s, replay_event, &out, &err);
    if (st == LLMG_E_PROVIDER) {
        print_error_line(&out.w, llmg_stream_error(&s));
    } else if (st < 0 && st != LLMG_E_TRUNCATED) {
        fprintf(stderr, "llmg: replay: %s (at byte %llu)\n", err.msg, (unsigned long long)err.offset);
    }
    rc = st == LLMG_DONE ? CLI_EXIT_OK : exit_for(st);
    llmg_stream_free(&s);
    llmg_json_writer_free(&out.w);
    body_close(&in_body);
    if (fflush(stdout) != 0) return CLI_EXIT_USAGE;
    return rc;
}

/* ---------------------------------------------------------------- request
   FILE is one call: {"messages", "system", "tools", "options", "config"},
   config holding "provider" (the key), "api_key" and "account_id". Any
   string may be given as {"$string": {"bytes": N, "parts": [{"text": T,
   "repeat": K}, ...]}}: the parts joined, each repeated K times (default
   1), N bytes in all. Prints {"method","url","headers","body"}. */

/* The string a $string descriptor stands for, into out; 0 when d is not
   a well-formed descriptor. */
static int expand_string(llmg_json_val d, llmg_buf *out)
{
    llmg_json_val parts = llmg_json_getc(d, "parts"), part;
    llmg_json_iter it;
    int64_t bytes = -1;
    if (llmg_json_typeof(parts) != LLMG_JSON_ARRAY) return 0;
    if (llmg_json_typeof(llmg_json_getc(d, "bytes")) != LLMG_JSON_NONE &&
        llmg_json_get_int64(llmg_json_getc(d, "bytes"), &bytes) != LLMG_OK) return 0;
    out->len = 0;
    it = llmg_json_iter_init(parts);
    while (llmg_json_iter_next(&it, NULL, &part)) {
        llmg_buf text;
        int64_t repeat = 1, k;
        memset(&text, 0, sizeof text);
        if (llmg_json_typeof(llmg_json_getc(part, "repeat")) != LLMG_JSON_NONE &&
            (llmg_json_get_int64(llmg_json_getc(part, "repeat"), &repeat) != LLMG_OK || repeat < 0))
            return 0;
        if (llmg_json_dup_str(llmg_json_getc(part, "text"), NULL, &text) != LLMG_OK) return 0;
        for (k = 0; k < repeat; k++) {
            if (out->len + text.len + 1 > out->cap) {
                size_t cap = out->cap ? out->cap : 4096;
                char *p;
                while (cap < out->len + text.len + 1) cap *= 2;
                p = (char *)realloc(out->ptr, cap);
                if (!p) { llmg_buf_free(&text, NULL); return 0; }
                out->ptr = p;
                out->cap = cap;
            }
            if (text.len) memcpy(out->ptr + out->len, text.ptr, text.len);
            out->len += text.len;
        }
        llmg_buf_free(&text, NULL);
    }
    return bytes < 0 || (uint64_t)bytes == out->len;
}

/* Writes v with every $string descriptor expanded; 0 on a bad descriptor. */
static int write_expanded(llmg_json_writer *w, llmg_json_val v)
{
    llmg_json_type t = llmg_json_typeof(v);
    llmg_json_iter it;
    llmg_json_val k, x;
    if (t == LLMG_JSON_OBJECT && llmg_json_size(v) == 1 &&
        llmg_json_typeof(llmg_json_getc(v, "$string")) == LLMG_JSON_OBJECT) {
        llmg_buf s;
        int ok;
        llmg_str view;
        memset(&s, 0, sizeof s);
        ok = expand_string(llmg_json_getc(v, "$string"), &s);
        view.ptr = s.ptr ? s.ptr : "";
        view.len = s.len;
        if (ok) llmg_json_write_str(w, view);
        free(s.ptr);
        return ok;
    }
    if (t != LLMG_JSON_OBJECT && t != LLMG_JSON_ARRAY) return llmg_json_write_val(w, v) == LLMG_OK;
    if (t == LLMG_JSON_OBJECT) llmg_json_write_obj_begin(w);
    else llmg_json_write_arr_begin(w);
    it = llmg_json_iter_init(v);
    while (llmg_json_iter_next(&it, &k, &x)) {
        if (t == LLMG_JSON_OBJECT) llmg_json_write_val(w, k);
        if (!write_expanded(w, x)) return 0;
    }
    if (t == LLMG_JSON_OBJECT) llmg_json_write_obj_end(w);
    else llmg_json_write_arr_end(w);
    return 1;
}

/* in->FIELD: the expanded JSON text of call.FIELD (empty when absent). */
static int request_field(llmg_json_val call, const char *name, llmg_buf *text)
{
    llmg_json_writer w;
    llmg_json_val v = llmg_json_getc(call, name);
    int ok;
    memset(text, 0, sizeof *text);
    if (llmg_json_typeof(v) == LLMG_JSON_NONE) return 1;
    if (llmg_json_writer_init(&w, NULL, NULL) != LLMG_OK) return 0;
    ok = write_expanded(&w, v) && llmg_json_writer_status(&w, NULL) == LLMG_OK;
    *text = w.out;
    memset(&w.out, 0, sizeof w.out);
    llmg_json_writer_free(&w);
    return ok;
}

static int cmd_request(int argc, char **argv)
{
    static const char *const fields[] = {"messages", "system", "tools", "options"};
    const char *file = NULL;
    llmg_provider provider = LLMG_PROVIDER_NONE;
    llmg_provider_config cfg;
    llmg_request_input in;
    llmg_request req;
    llmg_json_doc doc;
    llmg_json_val call, conf;
    llmg_json_writer w;
    llmg_buf text[4], key, account;
    llmg_str *slot[4];
    llmg_error err;
    llmg_status st;
    char *buf;
    size_t len, i;
    int rc = CLI_EXIT_OK;

    for (i = 0; i < (size_t)argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--provider") == 0 && i + 1 < (size_t)argc) {
            provider = llmg_provider_from_name(llmg_str_c(argv[++i]));
            if (provider == LLMG_PROVIDER_NONE) return usage("request: unknown provider");
        } else if ((a[0] == '-' && a[1] != '\0') || file) {
            return usage("request: bad arguments");
        } else {
            file = a;
        }
    }
    if (!read_all(file, &buf, &len)) return CLI_EXIT_USAGE;
    llmg_json_doc_init(&doc);
    if (llmg_json_parse(&doc, buf, len, NULL, &err) != LLMG_OK) {
        rc = report("request: ", &err);
        llmg_json_doc_free(&doc);
        free(buf);
        return rc;
    }
    call = llmg_json_root(&doc);
    conf = llmg_json_getc(call, "config");
    memset(&cfg, 0, sizeof cfg);
    memset(&in, 0, sizeof in);
    memset(&key, 0, sizeof key);
    memset(&account, 0, sizeof account);
    cfg.provider = provider;
    if (provider == LLMG_PROVIDER_NONE) {
        llmg_buf name;
        memset(&name, 0, sizeof name);
        if (llmg_json_dup_str(llmg_json_getc(conf, "provider"), NULL, &name) == LLMG_OK)
            cfg.provider = llmg_provider_from_name(llmg_bstr(&name));
        llmg_buf_free(&name, NULL);
    }
    if (llmg_json_dup_str(llmg_json_getc(conf, "api_key"), NULL, &key) == LLMG_OK) cfg.api_key = llmg_bstr(&key);
    if (llmg_json_dup_str(llmg_json_getc(conf, "account_id"), NULL, &account) == LLMG_OK)
        cfg.account_id = llmg_bstr(&account);
    slot[0] = &in.messages;
    slot[1] = &in.system;
    slot[2] = &in.tools;
    slot[3] = &in.options;
    for (i = 0; i < 4; i++) {
        if (!request_field(call, fields[i], &text[i])) {
            fprintf(stderr, "error: %s: a $string descriptor is malformed or its parts do not add up "
                            "to its bytes\n", fields[i]);
            rc = CLI_EXIT_ERROR;
        }
        *slot[i] = llmg_bstr(&text[i]);
    }
    if (rc == CLI_EXIT_OK && cfg.provider == LLMG_PROVIDER_NONE) {
        fputs("error: unknown provider: give config.provider or --provider KEY\n", stderr);
        rc = CLI_EXIT_ERROR;
    }
    llmg_request_init(&req);
    if (rc == CLI_EXIT_OK) {
        st = llmg_request_build(&req, &cfg, &in, NULL, &err);
        if (st < 0) {
            fprintf(stderr, "error: %s\n", req.message.ptr);
            rc = st == LLMG_E_NOMEM ? CLI_EXIT_USAGE : CLI_EXIT_ERROR;
        } else {
            llmg_json_writer_init(&w, NULL, NULL);
            llmg_json_write_obj_begin(&w);
            llmg_json_write_keyc(&w, "method");
            llmg_json_write_str(&w, req.method);
            llmg_json_write_keyc(&w, "url");
            llmg_json_write_str(&w, req.url);
            llmg_json_write_keyc(&w, "headers");
            llmg_json_write_obj_begin(&w);
            for (i = 0; i < req.header_count; i++) {
                llmg_json_write_key(&w, req.headers[i].name);
                llmg_json_write_str(&w, req.headers[i].value);
            }
            llmg_json_write_obj_end(&w);
            llmg_json_write_keyc(&w, "body");
            llmg_json_write_raw(&w, req.body);
            llmg_json_write_obj_end(&w);
            if (llmg_json_writer_status(&w, &err) == LLMG_OK) print_line(&w);
            else rc = report("request: ", &err);
            llmg_json_writer_free(&w);
        }
    }
    llmg_request_free(&req);
    for (i = 0; i < 4; i++) llmg_buf_free(&text[i], NULL);
    llmg_buf_free(&key, NULL);
    llmg_buf_free(&account, NULL);
    llmg_json_doc_free(&doc);
    free(buf);
    if (fflush(stdout) != 0) return CLI_EXIT_USAGE;
    return rc;
}

/* ---------------------------------------------------------------- chat
   One request to a real server through llmg_call: the transport is
   transport.c's, http_posix (http://) or libcurl (https://, when built
   with it). Text
   streams to stdout as it arrives (reasoning dimmed on a terminal); tool
   calls and usage are summarized at the end; --json prints the replay
   line format instead. Ctrl-C cancels (exit 130). */

static volatile int chat_cancel;

static void on_sigint(int sig)
{
    (void)sig;
    chat_cancel = 1;
}

typedef struct chat_state {
    int  json, tty, in_reasoning;
    llmg_json_writer w;
} chat_state;

static int chat_event(void *user, const llmg_event *ev)
{
    chat_state *c = (chat_state *)user;
    if (c->json) {
        llmg_event_write_json(ev, &c->w);
        print_line(&c->w);
        fflush(stdout);
        return 0;
    }
    switch (ev->type) {
    case LLMG_EVENT_REASONING_START: case LLMG_EVENT_REASONING_DELTA:
        if (!c->in_reasoning && c->tty) fputs("\033[2m", stdout);
        c->in_reasoning = 1;
        fwrite(ev->delta.ptr, 1, ev->delta.len, stdout);
        break;
    case LLMG_EVENT_REASONING_END:
        if (c->tty) fputs("\033[0m", stdout);
        fputs("\n", stdout);
        c->in_reasoning = 0;
        break;
    case LLMG_EVENT_TEXT_START: case LLMG_EVENT_TEXT_DELTA:
        fwrite(ev->delta.ptr, 1, ev->delta.len, stdout);
        break;
    case LLMG_EVENT_TEXT_END:
        fputs("\n", stdout);
        break;
    default:
        break;
    }
    fflush(stdout);
    return 0;
}

/* The end of a plain chat: tool calls and usage, one line each. */
static void chat_summary(const llmg_message *m)
{
    size_t i;
    for (i = 0; i < m->content_count; i++) {
        const llmg_block *b = &m->content[i];
        if (b->type != LLMG_BLOCK_TOOL_USE && b->type != LLMG_BLOCK_SERVER_TOOL_USE) continue;
        printf("tool call %s(%s)\n", llmg_bstr(&b->name).ptr,
               b->flags & LLMG_BLOCK_INPUT_INVALID ? "{}" : llmg_bstr(&b->text).ptr);
    }
    printf("stop_reason %s, %lld tokens in, %lld out\n", llmg_bstr(&m->stop_reason).ptr,
           (long long)(m->usage.input + m->usage.cache_read + m->usage.cache_write),
           (long long)m->usage.output);
}

/* A JSON string of the given bytes, into a malloc'd buffer. */
static char *json_string(const char *s)
{
    llmg_json_writer w;
    char *out;
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_json_write_strc(&w, s);
    out = llmg_json_writer_status(&w, NULL) == LLMG_OK ? strdup(w.out.ptr) : NULL;
    llmg_json_writer_free(&w);
    return out;
}

static int cmd_chat(int argc, char **argv)
{
    static const struct { llmg_provider p; const char *key_env; } keys[] = {
        {LLMG_PROVIDER_ANTHROPIC_MESSAGES, "ANTHROPIC_API_KEY"},
        {LLMG_PROVIDER_OPENAI_COMPLETIONS, "OPENAI_API_KEY"},
        {LLMG_PROVIDER_OPENAI_RESPONSES, "OPENAI_API_KEY"},
        {LLMG_PROVIDER_OPENAI_CODEX, "OPENAI_CODEX_ACCESS_TOKEN"},
        {LLMG_PROVIDER_GROQ_COMPLETIONS, "GROQ_API_KEY"}
    };
    const char *model = NULL, *system = NULL, *reasoning = NULL, *tool_file = NULL, *base = NULL;
    char prompt[65536];
    size_t plen = 0, tlen = 0, i;
    char *tools = NULL, *sys_json = NULL, *msg_json = NULL, *opt_json = NULL, *model_json = NULL;
    char *reason_json = NULL;
    double timeout = 120;
    llmg_provider_config cfg;
    llmg_request_input in;
    http_transport http;
    llmg_transport t;
    llmg_exchange x;
    llmg_error err;
    llmg_status st;
    chat_state c;
    struct sigaction sa;
    int rc, n;

    memset(&cfg, 0, sizeof cfg);
    memset(&in, 0, sizeof in);
    memset(&c, 0, sizeof c);
    prompt[0] = '\0';
    for (n = 0; n < argc; n++) {
        const char *a = argv[n];
        int more = n + 1 < argc;
        if (strcmp(a, "--provider") == 0 && more) {
            cfg.provider = llmg_provider_from_name(llmg_str_c(argv[++n]));
            if (cfg.provider == LLMG_PROVIDER_NONE) return usage("chat: unknown provider");
        } else if (strcmp(a, "--model") == 0 && more) {
            model = argv[++n];
        } else if (strcmp(a, "--base-url") == 0 && more) {
            base = argv[++n];
        } else if (strcmp(a, "--system") == 0 && more) {
            system = argv[++n];
        } else if (strcmp(a, "--reasoning") == 0 && more) {
            reasoning = argv[++n];
        } else if (strcmp(a, "--tool-file") == 0 && more) {
            tool_file = argv[++n];
        } else if (strcmp(a, "--timeout") == 0 && more) {
            char *end;
            timeout = strtod(argv[++n], &end);
            if (*end || !(timeout > 0) || timeout > 86400) return usage("chat: bad --timeout");
        } else if (strcmp(a, "--json") == 0) {
            c.json = 1;
        } else if (a[0] == '-' && a[1] == '-' && plen == 0) {
            return usage("chat: bad arguments");
        } else {
            size_t l = strlen(a);
            if (plen + l + 2 > sizeof prompt) return usage("chat: the prompt is longer than 64 KiB");
            if (plen) prompt[plen++] = ' ';
            memcpy(prompt + plen, a, l + 1);
            plen += l;
        }
    }
    if (cfg.provider == LLMG_PROVIDER_NONE) return usage("chat: --provider is required");
    if (!model) return usage("chat: --model is required");
    if (!plen) return usage("chat: no prompt");
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].p == cfg.provider) cfg.api_key = llmg_str_c(getenv(keys[i].key_env));
    if (cfg.provider == LLMG_PROVIDER_OPENAI_CODEX) cfg.account_id = llmg_str_c(getenv("CHATGPT_ACCOUNT_ID"));
    if (!cfg.api_key.len && !base) {
        for (i = 0; keys[i].p != cfg.provider; i++) {}
        fprintf(stderr, "llmg: chat: set %s (or give --base-url for a server without a key)\n", keys[i].key_env);
        return CLI_EXIT_USAGE;
    }
    cfg.base_url = llmg_str_c(base);
    if (tool_file && !read_all(tool_file, &tools, &tlen)) return CLI_EXIT_USAGE;
    msg_json = json_string(prompt);
    model_json = json_string(model);
    sys_json = system ? json_string(system) : NULL;
    reason_json = reasoning ? json_string(reasoning) : NULL;
    opt_json = (char *)malloc(strlen(model_json) + (reason_json ? strlen(reason_json) : 0) + 64);
    if (!msg_json || !model_json || !opt_json || (system && !sys_json) || (reasoning && !reason_json)) {
        fprintf(stderr, "llmg: chat: out of memory\n");
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    sprintf(opt_json, "{\"model\":%s%s%s}", model_json, reason_json ? ",\"reasoning\":" : "",
            reason_json ? reason_json : "");
    in.messages = llmg_str_c(msg_json);
    in.system = llmg_str_c(sys_json);
    in.tools.ptr = tools;
    in.tools.len = tlen;
    in.options = llmg_str_c(opt_json);

    c.tty = isatty(1);
    memset(&http, 0, sizeof http);
    http.timeout_ms = (int)(timeout * 1000);
    http.cancel = &chat_cancel;
    if (c.json) llmg_json_writer_init(&c.w, NULL, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    t = http_transport_of(&http);
    st = llmg_call(&x, &t, &cfg, &in, NULL, chat_event, &c, &err);
    if (c.in_reasoning && c.tty) fputs("\033[0m\n", stdout);
    if (st == LLMG_DONE) {
        if (!c.json) chat_summary(llmg_exchange_message(&x));
        rc = CLI_EXIT_OK;
    } else if (x.request.message.len) {          /* the request could not be built */
        if (st == LLMG_E_SYNTAX)
            fprintf(stderr, "error: %s at byte %llu\n", x.request.message.ptr,
                    (unsigned long long)err.offset);
        else
            fprintf(stderr, "error: %s\n", x.request.message.ptr);
        rc = CLI_EXIT_ERROR;
    } else if (st == LLMG_E_PROVIDER && llmg_exchange_error(&x)) {
        const llmg_provider_error *pe = llmg_exchange_error(&x);
        if (c.json) {
            print_error_line(&c.w, pe);
        }
        fprintf(stderr, "error: %s: %s\n", llmg_error_kind_name(pe->kind),
                pe->has_message ? pe->message.ptr : "(no message)");
        rc = CLI_EXIT_ERROR;
    } else {
        fprintf(stderr, "\nerror: %s\n", st == LLMG_E_TRUNCATED ? "the response broke off before its end"
                                       : st == LLMG_E_CANCELLED ? "cancelled" : err.msg);
        rc = exit_for(st);
    }
    llmg_exchange_free(&x);
    if (c.json) llmg_json_writer_free(&c.w);
done:
    free(tools);
    free(msg_json);
    free(model_json);
    free(sys_json);
    free(reason_json);
    free(opt_json);
    if (fflush(stdout) != 0) return CLI_EXIT_USAGE;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage(NULL);
    if (strcmp(argv[1], "sse-dump") == 0) return cmd_sse_dump(argc - 2, argv + 2);
    if (strcmp(argv[1], "json-check") == 0) return cmd_json_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "classify") == 0) return cmd_classify(argc - 2, argv + 2);
    if (strcmp(argv[1], "replay") == 0) return cmd_replay(argc - 2, argv + 2);
    if (strcmp(argv[1], "request") == 0) return cmd_request(argc - 2, argv + 2);
    if (strcmp(argv[1], "chat") == 0) return cmd_chat(argc - 2, argv + 2);
    if (strcmp(argv[1], "version") == 0) {
        printf("llmg %s\n", LLMG_VERSION_STRING);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    return usage("unknown command");
}
