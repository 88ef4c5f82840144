/* llm_gateway.h - v0.1.0 - talk to large language models from C or C++
                                  one header, no I/O, no dependencies but libc

   QUICK START

   Exactly one translation unit compiles the implementation:

        #define LLM_GATEWAY_IMPLEMENTATION
        #include "llm_gateway.h"

   every other one includes the header plainly. A first program, framing a
   server-sent-events stream the host received from somewhere:

        #define LLM_GATEWAY_IMPLEMENTATION
        #include "llm_gateway.h"
        #include <stdio.h>

        int main(void)
        {
            static const char body[] = "event: ping\ndata: {\"n\":1}\n\n";
            llmg_sse_parser p;
            llmg_sse_event ev;
            llmg_error err;
            llmg_sse_init(&p, NULL, &err);
            llmg_sse_feed(&p, body, sizeof body - 1, &err);
            while (llmg_sse_next(&p, &ev, &err) == LLMG_OK)
                printf("%.*s: %.*s\n", (int)ev.type.len, ev.type.ptr,
                                       (int)ev.data.len, ev.data.ptr);
            llmg_sse_free(&p);
            return err.code < 0;
        }

   and the JSON layer, reading a document without copying it:

        llmg_json_doc doc;
        int64_t n;
        llmg_json_doc_init(&doc);
        if (llmg_json_parse(&doc, text, len, NULL, &err) == LLMG_OK &&
            llmg_json_get_int64(llmg_json_getc(llmg_json_root(&doc), "n"), &n) == LLMG_OK)
            printf("n = %lld\n", (long long)n);
        llmg_json_doc_free(&doc);

   TABLE OF CONTENTS   search ">>tag"; the implementation reuses each tag with "impl-"
        >>config     linkage, version, compile-time options
        >>base       llmg_status, llmg_error, llmg_str, llmg_allocator,
                     llmg_fixed (fixed-buffer allocator), llmg_host
        >>json       strict tokenizer, navigation, compact writer
        >>pjson      partial-JSON reader: a value streamed in pieces (tool-call
                     arguments), valid compact JSON of the part known so far
        >>error      error kinds, provider keys, the classifier of
                     provider errors (HTTP responses, stream events)
        >>sse        server-sent-events framing (WHATWG rules)
        >>message    the normalized message, its blocks and usage, to and
                     from the gem's JSON form
        >>stream     response bytes -> normalized events and the message,
                     for the five APIs (mappers + accumulator)
        >>request    a transcript, tools and options -> the HTTP request each
                     provider expects (builders, option mappers, the
                     cross-provider sanitizer)
        >>transport  one request and its response over the host's HTTP: the
                     exchange (sans-I/O), llmg_call (blocking), retry advice

   COMPILE-TIME OPTIONS
        LLM_GATEWAY_IMPLEMENTATION  (one TU)     compile the implementation here
        LLMG_STATIC            (implementation)  every API function becomes static
        LLMG_API               (global)          linkage of the API, default extern
        LLMG_ASSERT(c)         (implementation)  default assert(c) from <assert.h>
        LLMG_MALLOC(n), LLMG_REALLOC(p,n), LLMG_FREE(p)
                               (implementation)  back the default allocator; all
                                                 three or none; default libc
        LLMG_NO_MALLOC         (implementation)  no default allocator: a zero
                                                 llmg_allocator fails with
                                                 LLMG_E_ARG; use llmg_fixed or
                                                 your own allocator
        LLMG_NO_ERROR_STRINGS  (implementation)  error messages become "";
                                                 codes and offsets remain
        LLMG_NO_SIMD           (implementation)  no SSE2 in the string scan
                                                 (used where the compiler
                                                 targets it), plain C only
        No macro changes the layout of a public struct: every translation unit
        sees the same types whatever the implementation TU defines.

   HOST DUTIES
        The library performs no I/O and keeps no global state. The host owns
        the network, the files and the clocks and hands them in through
        llmg_host. Pure modules (json, error, sse) never touch llmg_host;
        the error classifier takes the wall clock as a number. Two
        llm_gateway objects on two threads need no locking; one object is
        used by one thread at a time.

   OWNERSHIP
        Strings are llmg_str views {ptr, len}, never assumed NUL-terminated.
        A function that hands out a borrowed view says how long it stays
        valid in an "Ownership:" line. Memory an object allocates goes
        through the llmg_allocator it was created with, and its free or
        destroy function takes nothing else.

   ERRORS
        Every fallible call returns llmg_status: 0 is success, positive
        values are progress (LLMG_NEED_MORE: feed more bytes; LLMG_DONE),
        negative values are errors. It also fills an optional llmg_error
        (NULL is allowed) with the code, a static message and the byte
        offset in the input, counted from the start of the stream however
        it was chunked. Errors are sticky: after a negative status every
        call on that object returns the same error until it is reset.
        Input that ends inside a token is not invalid: it is LLMG_NEED_MORE.
        When the provider reported the error (LLMG_E_PROVIDER),
        err->provider points at an llmg_provider_error owned by the object
        that reported it: its kind ("rate_limit", "prompt_too_long", ...),
        the provider's message and code, and for a rate limit when to try
        again. llmg_classify_http and llmg_classify_stream_error build one
        from a failed response or a stream's error event, as the
        llm_gateway gem classifies them; err->provider is NULL otherwise.

   LIMITS
        Every size taken from untrusted input has a limit in an options
        struct (zero means the default) and fails with LLMG_E_LIMIT past it:
            SSE line                64 KiB    llmg_sse_opts.max_line_bytes
            SSE event data          1 MiB     llmg_sse_opts.max_event_bytes
            JSON nesting            512       llmg_json_opts.max_depth
            JSON tokens             16 Mi     llmg_json_opts.max_tokens
            JSON writer nesting     512       llmg_json_writer_opts.max_depth
            partial JSON nesting    512       llmg_pjson_opts.max_depth
            partial JSON input      64 MiB    llmg_pjson_opts.max_bytes
            streamed message bytes  64 MiB    llmg_stream_opts.max_message_bytes
            streamed blocks         65536     llmg_stream_opts.max_blocks
            one event's JSON depth  512       llmg_stream_opts.max_json_depth
            request input nesting   512       llmg_request_opts.max_json_depth
            request body            256 MiB   llmg_request_opts.max_body_bytes
        Memory: the SSE framer holds at most one partial line and one event
        (line + event limits, plus the event name and id); a parsed JSON
        document holds sizeof(llmg_json_tok) (32 bytes on 64-bit hosts) per
        token; the incremental JSON validator holds max_depth / 8 bytes past
        512 levels and nothing else; the partial-JSON reader holds the
        compact input read so far plus the bytes it holds back (the longest
        key and scalar), each in a buffer grown by doubling, and the
        validator's nesting bits. A stream holds the framer, the tokens of
        one event's data, a copy of the last small event with its tokens
        (at most 4 KiB and 256 tokens, to parse the next one like it
        quickly) and of the last delta event as framed (at most 4 KiB, to
        read the next one like it in place), a scratch buffer of about one event's size, a
        partial-JSON reader for the open tool call, and the message (within
        max_message_bytes, plus about 220 bytes a text block and 350 a tool
        call: the block and a small buffer for each string). A request build
        holds, until it returns, the tokens of its four inputs and about 100
        bytes a JSON value in an arena, plus the strings it changes; what it
        keeps is the body, the URL and the headers.

   NUMBERS
        Numbers are parsed and printed without strtod or printf, so nothing
        depends on the C locale: parsing is correctly rounded (round half to
        even, any number of digits), printing gives the shortest digits that
        read back to the same double, laid out as Ruby's Float#to_s does
        (checked against Ruby 3.1): "1.0", "0.5", "100000000000000.0",
        "1.0e+15" (an integral value past 15 digits), "1234567890123456.8",
        "0.0001", "1.0e-05".

   LICENSE
        MIT, see the end of this file.
*/

/* ================================================================ >>config
   Linkage, version and the compile-time options listed above.              */
#ifndef LLMG_H_INCLUDED
#define LLMG_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define LLMG_VERSION_MAJOR  0
#define LLMG_VERSION_MINOR  1
#define LLMG_VERSION_PATCH  0
#define LLMG_VERSION_STRING "0.1.0"
#define LLMG_VERSION_NUM    ((LLMG_VERSION_MAJOR << 16) | (LLMG_VERSION_MINOR << 8) | LLMG_VERSION_PATCH)

#ifndef LLMG_API
#  if defined(LLMG_STATIC) && (defined(__GNUC__) || defined(__clang__))
#    define LLMG_API static __attribute__((unused))   /* quiet about what a TU does not call */
#  elif defined(LLMG_STATIC)
#    define LLMG_API static
#  else
#    define LLMG_API extern
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version the implementation was compiled with; compare it with
   LLMG_VERSION_NUM to catch a stale implementation translation unit. */
LLMG_API uint32_t llmg_version(void);

/* ================================================================ >>base
   Status codes, errors, string views, allocators and the host callbacks.   */

/* The status table, written once (an X-macro): name, value, message.
   Zero is success, positive is progress, negative is an error. */
#define LLMG__STATUS_LIST(X)                                                  \
    X(OK,           0, "ok")                                                  \
    X(NEED_MORE,    1, "input ends inside a token; feed more bytes")          \
    X(DONE,         2, "stream finished")                                     \
    X(E_ARG,       -1, "invalid argument")                                    \
    X(E_NOMEM,     -2, "allocation failed")                                   \
    X(E_SYNTAX,    -3, "malformed input")                                     \
    X(E_LIMIT,     -4, "input exceeds a configured limit")                    \
    X(E_HOST,      -5, "host callback reported failure")                      \
    X(E_PROVIDER,  -6, "the provider reported an error")                      \
    X(E_TRUNCATED, -7, "input ended before the provider's final event")       \
    X(E_CANCELLED, -8, "cancelled by the host")

typedef enum llmg_status {
#define LLMG__X(name, value, text) LLMG_##name = value,
    LLMG__STATUS_LIST(LLMG__X)
#undef LLMG__X
} llmg_status;

struct llmg_provider_error;              /* >>error */

typedef struct llmg_error {
    llmg_status code;     /* LLMG_OK on success */
    const char *msg;      /* static text, never freed; "" under LLMG_NO_ERROR_STRINGS */
    uint64_t    offset;   /* bytes from the start of the stream or document */
    const struct llmg_provider_error *provider;  /* LLMG_E_PROVIDER: the classified error,
                                                    owned by the object that reported it
                                                    (valid until its next call); NULL otherwise */
} llmg_error;

/* "LLMG_E_SYNTAX" for LLMG_E_SYNTAX; "LLMG_UNKNOWN" for a value not in the table. */
LLMG_API const char *llmg_status_name(llmg_status s);
/* The generic message of a status ("allocation failed"). */
LLMG_API const char *llmg_status_message(llmg_status s);
/* Line and column (both from 1, column in bytes) of a byte offset in text.
   An offset past the end is clamped to the end. */
LLMG_API void llmg_locate(const char *text, size_t len, uint64_t offset,
                          size_t *line, size_t *col);

/* A borrowed or owned run of bytes; never assumed NUL-terminated. */
typedef struct llmg_str {
    const char *ptr;
    size_t      len;
} llmg_str;

/* A view of a NUL-terminated C string (NULL gives the empty view). */
LLMG_API llmg_str llmg_str_c(const char *s);
/* 1 when both views hold the same bytes. */
LLMG_API int llmg_str_eq(llmg_str a, llmg_str b);

/* Where memory comes from. All zero: LLMG_MALLOC and friends (libc by
   default). Sizes are handed back on realloc and free, so arenas and pools
   need no headers of their own. realloc_fn may be NULL: the library then
   allocates, copies and frees. */
typedef struct llmg_allocator {
    void *(*alloc_fn)  (void *user, size_t size);
    void *(*realloc_fn)(void *user, void *ptr, size_t old_size, size_t new_size);
    void  (*free_fn)   (void *user, void *ptr, size_t size);
    void   *user;                        /* handed back untouched */
} llmg_allocator;

/* A ready allocator over one caller buffer, for hosts without malloc.
   First fit over an address-ordered free list, neighbours merged on free,
   blocks grown in place when the next block is free; every block is
   rounded up to 16 bytes and aligned to 16. No header per block: the
   library passes sizes back. Fields without an underscore are readable. */
typedef struct llmg_fixed {
    unsigned char *_base;
    size_t         _cap;
    void          *_free;
    size_t         used;                 /* bytes allocated now (rounded) */
    size_t         peak;                 /* highest value of used so far */
    size_t         failures;             /* requests that did not fit */
} llmg_fixed;

/* Takes buf (cap bytes, any alignment) as the arena. Ownership: buf stays
   the caller's and must outlive every object allocated from it. */
LLMG_API void llmg_fixed_init(llmg_fixed *f, void *buf, size_t cap);
/* The allocator to put in an options struct; f must outlive its users. */
LLMG_API llmg_allocator llmg_fixed_allocator(llmg_fixed *f);

typedef enum llmg_log_level {
    LLMG_LOG_DEBUG = 0,
    LLMG_LOG_INFO  = 1,
    LLMG_LOG_WARN  = 2,
    LLMG_LOG_ERROR = 3
} llmg_log_level;

/* What the host lends the library. Every callback is optional unless a
   function's documentation says otherwise. user is the first argument of
   every callback. */
typedef struct llmg_host {
    void   *user;
    int64_t  (*unix_ms)(void *user);     /* wall clock, Unix ms: timestamps only; NULL -> 0 */
    uint64_t (*mono_ms)(void *user);     /* monotonic ms: timeouts, backoff, idle time */
    void     (*log)(void *user, llmg_log_level level, llmg_str msg);
} llmg_host;

/* The wall clock of host in Unix ms, 0 when it has none. */
LLMG_API int64_t llmg_host_unix_ms(const llmg_host *host);
/* The monotonic clock of host in ms, 0 when it has none. */
LLMG_API uint64_t llmg_host_mono_ms(const llmg_host *host);

/* A growable byte buffer the library fills and the caller frees with
   llmg_buf_free and the same allocator. ptr is NUL-terminated when not NULL. */
typedef struct llmg_buf {
    char  *ptr;
    size_t len;
    size_t cap;
} llmg_buf;

LLMG_API void llmg_buf_free(llmg_buf *b, const llmg_allocator *a);

/* ================================================================ >>json
   A strict RFC 8259 tokenizer, navigation over its tokens, and a writer
   whose output is byte for byte what Ruby's JSON generator makes.

   Two ways in, one state machine under both:
   - llmg_json_parse: a complete buffer becomes an array of tokens in
     document order (no copy of the source, no recursion, linear time);
   - llmg_json_stream: an incremental validator that takes the document in
     chunks split anywhere and buffers nothing across calls.
   Strict means: UTF-8 validated (no overlongs, no surrogates, nothing past
   U+10FFFF), escapes validated, a \u escape of a surrogate must be a high
   one followed by a low one, no leading zeros, no trailing commas, nothing
   but whitespace after the document. Nesting is limited by
   opts.max_depth and the token count by opts.max_tokens.             */

typedef enum llmg_json_type {
    LLMG_JSON_NONE   = 0,                /* a missing value (lookup failed) */
    LLMG_JSON_NULL   = 1,
    LLMG_JSON_FALSE  = 2,
    LLMG_JSON_TRUE   = 3,
    LLMG_JSON_NUMBER = 4,
    LLMG_JSON_STRING = 5,
    LLMG_JSON_ARRAY  = 6,
    LLMG_JSON_OBJECT = 7
} llmg_json_type;

/* Token flags, above the type in llmg_json_tok.type. */
#define LLMG_JSON_F_ESCAPED  0x10u      /* string: has at least one backslash escape */
#define LLMG_JSON_F_FLOAT    0x20u      /* number: has a fraction or an exponent */
#define LLMG_JSON_F_KEY      0x40u      /* string: an object member's name */
#define LLMG_JSON_TYPE_MASK  0x0Fu

typedef struct llmg_json_tok {
    uint32_t type;                       /* llmg_json_type | LLMG_JSON_F_* */
    uint32_t size;                       /* members of an object, elements of an array */
    uint32_t next;                       /* index of the token after this value's subtree */
    uint32_t parent;                     /* index of the enclosing container, or UINT32_MAX */
    size_t   start;                      /* offset of the first byte (a string's opening quote) */
    size_t   len;                        /* bytes of the lexeme, quotes included */
} llmg_json_tok;

typedef struct llmg_json_opts {
    size_t         max_depth;            /* nesting of arrays and objects; 0 -> 512 */
    size_t         max_tokens;           /* tokens of one document (keys count); 0 -> 16 Mi */
    llmg_allocator allocator;            /* zero -> default allocator */
} llmg_json_opts;

LLMG_API llmg_json_opts llmg_json_opts_resolved(const llmg_json_opts *opts);

/* A tokenized document. Zero it (or call llmg_json_doc_init) before the
   first llmg_json_parse; parsing again reuses the token storage. */
typedef struct llmg_json_doc {
    const char    *src;                  /* the parsed bytes (borrowed) */
    size_t         len;
    llmg_json_tok *toks;
    size_t         count;
    size_t         _cap;
    llmg_allocator _a;
} llmg_json_doc;

LLMG_API void llmg_json_doc_init(llmg_json_doc *doc);
/* Tokenizes src[0..len) as exactly one JSON document.
   Returns LLMG_OK; LLMG_NEED_MORE when src is a valid but unfinished
   prefix (err->offset == len); LLMG_E_SYNTAX with the offset of the first
   offending byte; LLMG_E_LIMIT past max_depth or max_tokens; LLMG_E_NOMEM.
   On failure doc->count is 0. The allocator of the first parse into doc
   is kept until llmg_json_doc_free.
   Ownership: doc borrows src, which must outlive its use of the tokens;
   the tokens are doc's, freed by llmg_json_doc_free. */
LLMG_API llmg_status llmg_json_parse(llmg_json_doc *doc, const char *src, size_t len,
                                     const llmg_json_opts *opts, llmg_error *err);
LLMG_API void llmg_json_doc_free(llmg_json_doc *doc);

/* The incremental validator. Private fields; memory: max_depth / 8 bytes
   past 512 levels, nothing below that. */
typedef struct llmg_json_stream {
    llmg_json_opts _o;
    llmg_error     _err;
    uint64_t       _pos;                 /* stream offset of the next byte */
    size_t         _depth, _tokens;
    uint32_t       _hex, _lit_pos, _open; /* _open: token of the innermost open container */
    unsigned char  _state, _ret, _nhex, _u8_need, _u8_lo, _u8_hi, _lit, _done;
    unsigned char  _stack_inline[64];    /* container kinds, one bit a level */
    llmg_buf       _stack;               /* past 512 levels */
    void          *_doc;                 /* the tokenizer's document, NULL when validating */
} llmg_json_stream;

LLMG_API llmg_status llmg_json_stream_init(llmg_json_stream *s, const llmg_json_opts *opts,
                                           llmg_error *err);
/* Validates the next bytes. Returns LLMG_NEED_MORE while the document may
   go on, LLMG_OK once a complete document has been seen (more bytes may
   still follow: only whitespace is accepted), or the sticky error.
   Ownership: data is read during the call only. */
LLMG_API llmg_status llmg_json_stream_feed(llmg_json_stream *s, const void *data, size_t len,
                                           llmg_error *err);
/* End of input: LLMG_OK when exactly one complete document was fed, else
   LLMG_E_SYNTAX at the end offset ("json: input ends inside the document"). */
LLMG_API llmg_status llmg_json_stream_finish(llmg_json_stream *s, llmg_error *err);
LLMG_API void llmg_json_stream_free(llmg_json_stream *s);

/* A value inside a parsed document: a position in its token array. */
typedef struct llmg_json_val {
    const llmg_json_doc *doc;
    size_t               i;              /* token index; (size_t)-1 for a missing value */
} llmg_json_val;

typedef struct llmg_json_iter {
    const llmg_json_doc *doc;
    size_t               i, left;
} llmg_json_iter;

/* The document's top value (LLMG_JSON_NONE when it has none). */
LLMG_API llmg_json_val  llmg_json_root(const llmg_json_doc *doc);
LLMG_API llmg_json_type llmg_json_typeof(llmg_json_val v);
/* The member of object obj named key (unescaped bytes; the last one when a
   name repeats, as most JSON libraries keep it); missing -> NONE. */
LLMG_API llmg_json_val  llmg_json_get(llmg_json_val obj, llmg_str key);
LLMG_API llmg_json_val  llmg_json_getc(llmg_json_val obj, const char *key);
/* Element idx of array arr (linear in idx); missing -> NONE. */
LLMG_API llmg_json_val  llmg_json_at(llmg_json_val arr, size_t idx);
/* Members or elements in order: for arrays *key is NONE. */
LLMG_API llmg_json_iter llmg_json_iter_init(llmg_json_val container);
LLMG_API int            llmg_json_iter_next(llmg_json_iter *it, llmg_json_val *key,
                                            llmg_json_val *val);
/* Number of members or elements, 0 for anything else. */
LLMG_API size_t         llmg_json_size(llmg_json_val v);
/* The exact source bytes of any value (a string with its quotes, an object
   with its braces). Ownership: a view into the parsed source. */
LLMG_API llmg_str       llmg_json_lexeme(llmg_json_val v);
/* A string's content without its quotes, when it has no escape: 1 and the
   view, else 0 (use llmg_json_get_str). Ownership: view into the source. */
LLMG_API int            llmg_json_str_view(llmg_json_val v, llmg_str *out);
/* Unescapes a string into buf (cap bytes, a NUL is added when it fits);
   *need gets the unescaped length. buf == NULL asks for the length only.
   Returns LLMG_OK, LLMG_E_LIMIT when cap <= length, LLMG_E_ARG for a
   value that is not a string. */
LLMG_API llmg_status    llmg_json_get_str(llmg_json_val v, char *buf, size_t cap, size_t *need);
/* Unescapes a string into out, allocated with a (NULL: default). */
LLMG_API llmg_status    llmg_json_dup_str(llmg_json_val v, const llmg_allocator *a,
                                          llmg_buf *out);
/* 1 when the string value v equals s after unescaping, without copying. */
LLMG_API int            llmg_json_str_eq(llmg_json_val v, llmg_str s);
/* 1 for a number written without fraction or exponent. */
LLMG_API int            llmg_json_is_int(llmg_json_val v);
/* An integer number that fits int64: LLMG_OK; LLMG_E_LIMIT when it does
   not fit; LLMG_E_ARG for a float or a non-number. */
LLMG_API llmg_status    llmg_json_get_int64(llmg_json_val v, int64_t *out);
/* Any number, correctly rounded to the nearest double: LLMG_OK;
   LLMG_E_LIMIT when it overflows (*out is then +-infinity); LLMG_E_ARG
   for a non-number. No strtod: the result does not depend on the locale. */
LLMG_API llmg_status    llmg_json_get_double(llmg_json_val v, double *out);
/* true/false: LLMG_OK and *out 1/0; LLMG_E_ARG otherwise. */
LLMG_API llmg_status    llmg_json_get_bool(llmg_json_val v, int *out);
LLMG_API int            llmg_json_is_null(llmg_json_val v);

/* The writer: compact JSON in the exact format of Ruby's generator (no
   whitespace; raw UTF-8; '/' not escaped; \b \f \n \r \t \" \\ escaped,
   other control characters as \u00xx; integers as integers; doubles as
   Ruby's Float#to_s: shortest round-trip digits, "1.0", "1.0e+15" for an
   integral value past 15 digits, "1.0e-05" below 1e-4; see NUMBERS in the
   manual). Commas and colons are placed for you;
   a key must come before each member's value. Errors are sticky.
   The output is held in memory, or, with a sink, handed over as it grows:
   out then holds about sink_bytes (a long string goes in pieces of that
   size), and llmg_json_writer_flush hands over the rest at the end. */

/* Takes the next len bytes of output, in order: 0 to go on, nonzero to
   stop the writer (LLMG_E_HOST). */
typedef int (*llmg_write_fn)(void *user, const char *bytes, size_t len);

typedef struct llmg_json_writer_opts {
    size_t         max_depth;            /* 0 -> 512 */
    size_t         max_bytes;            /* output limit in bytes, sunk ones included;
                                            0 -> SIZE_MAX / 2 */
    int            replace_invalid_utf8; /* 0: invalid UTF-8 in a string is LLMG_E_SYNTAX;
                                            1: each maximal invalid subpart becomes U+FFFD,
                                            as the WHATWG decoder does (lossy) */
    llmg_write_fn  sink;                 /* NULL: all the output stays in out */
    void          *sink_user;
    size_t         sink_bytes;           /* out is handed to the sink once it holds this
                                            many bytes; 0 -> 64 KiB, at least 64 */
    llmg_allocator allocator;            /* zero -> default allocator */
} llmg_json_writer_opts;

typedef struct llmg_json_writer {
    llmg_buf              out;           /* the JSON so far (with a sink: not yet sunk),
                                            NUL-terminated */
    llmg_json_writer_opts _o;
    llmg_error            _err;
    llmg_buf              _stack;        /* '{' or '[' per open level */
    uint64_t              _sunk;         /* bytes handed to the sink */
    int                   _comma, _key;  /* a value was written / a key waits for its value */
} llmg_json_writer;

LLMG_API llmg_status llmg_json_writer_init(llmg_json_writer *w, const llmg_json_writer_opts *opts,
                                           llmg_error *err);
/* Empties the output and the nesting, keeping the memory (and the sink:
   what it took stays taken). */
LLMG_API void        llmg_json_writer_reset(llmg_json_writer *w);
LLMG_API void        llmg_json_writer_free(llmg_json_writer *w);
/* The output so far (with a sink: what it has not taken yet). Ownership:
   valid until the next call on w. */
LLMG_API llmg_str    llmg_json_writer_str(const llmg_json_writer *w);
/* Hands what out holds to the sink (nothing without one). Returns the
   writer's status: LLMG_E_HOST when the sink refused, any earlier error
   (then nothing is handed over). */
LLMG_API llmg_status llmg_json_writer_flush(llmg_json_writer *w);
/* The writer's sticky status (LLMG_OK while nothing failed). */
LLMG_API llmg_status llmg_json_writer_status(const llmg_json_writer *w, llmg_error *err);
LLMG_API llmg_status llmg_json_write_obj_begin(llmg_json_writer *w);
LLMG_API llmg_status llmg_json_write_obj_end(llmg_json_writer *w);
LLMG_API llmg_status llmg_json_write_arr_begin(llmg_json_writer *w);
LLMG_API llmg_status llmg_json_write_arr_end(llmg_json_writer *w);
LLMG_API llmg_status llmg_json_write_key(llmg_json_writer *w, llmg_str key);
LLMG_API llmg_status llmg_json_write_keyc(llmg_json_writer *w, const char *key);
LLMG_API llmg_status llmg_json_write_str(llmg_json_writer *w, llmg_str s);
LLMG_API llmg_status llmg_json_write_strc(llmg_json_writer *w, const char *s);
LLMG_API llmg_status llmg_json_write_int(llmg_json_writer *w, int64_t v);
/* A finite double in Float#to_s form; NaN and infinities are LLMG_E_ARG
   (Ruby's generator refuses them too). */
LLMG_API llmg_status llmg_json_write_double(llmg_json_writer *w, double v);
LLMG_API llmg_status llmg_json_write_bool(llmg_json_writer *w, int v);
LLMG_API llmg_status llmg_json_write_null(llmg_json_writer *w);
/* Embeds already-validated JSON verbatim as one value (not checked). */
LLMG_API llmg_status llmg_json_write_raw(llmg_json_writer *w, llmg_str json);
/* Re-emits a parsed value in the writer's format: strings unescaped and
   escaped again, integers kept (past int64 their lexeme is kept), floats
   in Float#to_s form; keys in source order, repeated keys kept. */
LLMG_API llmg_status llmg_json_write_val(llmg_json_writer *w, llmg_json_val v);

/* ================================================================ >>pjson
   The partial-JSON reader: one JSON value (tool-call arguments, usually an
   object) that arrives in pieces split at any byte, and at every moment the
   part of it known so far as complete, valid, compact JSON.

   Every byte goes through the strict tokenizer's own machine (>>json), so
   what is accepted and rejected, and the offset of an error, are those of
   llmg_json_parse on the same bytes. The view follows these rules:
   - insignificant whitespace is dropped; strings keep their escapes and
     numbers their lexeme, byte for byte;
   - a number, true, false or null appears once complete: a literal at its
     last letter, a number when a byte that cannot continue it arrives (so
     {"a":12 reads {} and {"a":12, reads {"a":12}); a number at the top
     level, which only whitespace or the end can follow, appears with
     that whitespace or at llmg_pjson_finish;
   - a string appears as soon as its opening quote arrived, up to its last
     complete character, then closed: {"a":"he reads {"a":"he"}. Half an
     escape or half a UTF-8 sequence is held back, and so is a \uD800 to
     \uDBFF escape until its low surrogate escape is complete;
   - an object member appears once its value does: a key without a value,
     or with an unfinished number or literal, is left out, and so is the
     comma before it ({"a":1,"b": and {"a":1,"b read {"a":1});
   - an open array or object appears at once, closed: [ reads [] and
     {"a":[1,{"b": reads {"a":[1,{}]};
   - before any of that the view is empty (length 0): no input, only
     whitespace, or a top-level number or literal not known complete.
   Use, one reader per tool call:
        llmg_pjson_init(&p, NULL, &err);
        for each delta d of the arguments:
            if (llmg_pjson_feed(&p, d.ptr, d.len, &err) < 0) break;
            show(llmg_pjson_view(&p));      valid JSON, or length 0
        at the end: llmg_pjson_finish(&p, &err), then llmg_pjson_free(&p).
   Cost: each input byte is read once (the byte after a number twice) and
   copied at most twice (held back, then committed); a view writes only
   the closers after the committed bytes, one per open container. Over a
   whole stream that is O(input + depth * views), whatever the chunking;
   llmg_pjson_examined counts it.                                       */

typedef struct llmg_pjson_opts {
    size_t         max_depth;            /* nesting of arrays and objects; 0 -> 512 */
    size_t         max_bytes;            /* input bytes accepted in total, trailing
                                            whitespace included; 0 -> 64 MiB */
    llmg_allocator allocator;            /* zero -> default allocator */
} llmg_pjson_opts;

/* Private fields; read the reader only through the functions below. */
typedef struct llmg_pjson {
    llmg_pjson_opts  _o;
    llmg_error       _err;               /* sticky error */
    llmg_json_stream _v;                 /* the strict machine every byte goes through */
    llmg_buf         _out;               /* committed bytes; views add closers past len */
    llmg_buf         _held;              /* held back: a comma, a key and its colon, an
                                            unfinished number or literal, or an unfinished
                                            escape or UTF-8 sequence inside a string */
    uint64_t         _examined;          /* bytes read, copied and written */
    int              _str;               /* a committed string value is open */
    int              _complete;          /* a whole value is in _out */
} llmg_pjson;

/* The options as a reader uses them, defaults filled in. */
LLMG_API llmg_pjson_opts llmg_pjson_opts_resolved(const llmg_pjson_opts *opts);
/* Prepares p for one value. Allocates nothing: the buffers are made on
   first use. They hold the compact input read so far plus max_depth + 2
   bytes for the view's closers, and the held-back bytes (the longest key
   and scalar), each grown by doubling; past 512 levels max_depth / 8 bytes
   of nesting bits.
   Returns LLMG_OK, or LLMG_E_ARG (p NULL, a zero allocator under
   LLMG_NO_MALLOC, an allocator with alloc_fn but no free_fn). */
LLMG_API llmg_status llmg_pjson_init(llmg_pjson *p, const llmg_pjson_opts *opts,
                                     llmg_error *err);
/* Starts a new value (errors, view and counter cleared), keeping the
   buffers. A reader whose init failed stays failed. */
LLMG_API void        llmg_pjson_reset(llmg_pjson *p);
/* Releases the buffers p allocated; p itself is the caller's. */
LLMG_API void        llmg_pjson_free(llmg_pjson *p);
/* Reads the next len bytes of the value (any split is fine).
   Returns LLMG_OK while the input is valid so far, complete or not;
   LLMG_E_SYNTAX at the offset of the offending byte in the whole input
   (a byte other than whitespace after a complete value too);
   LLMG_E_LIMIT past max_depth (offset of the opening bracket) or
   max_bytes (offset max_bytes, the bytes before it read); LLMG_E_NOMEM;
   LLMG_E_ARG for NULL data with len > 0 (not sticky). Errors are sticky
   and leave the view as it was before the byte that caused them.
   Ownership: data is read during the call only. */
LLMG_API llmg_status llmg_pjson_feed(llmg_pjson *p, const void *data, size_t len,
                                     llmg_error *err);
/* The input has ended: a number at the top level is complete now.
   Returns LLMG_OK when a whole value was read; LLMG_E_SYNTAX at the end
   offset when the input stops inside the value (the view stays); the
   sticky error if there is one. Afterwards only whitespace may be fed.
   Fed whole and finished, any input gets LLMG_OK exactly when
   llmg_json_parse accepts it, and the same code and offset otherwise
   (llmg_json_parse says LLMG_NEED_MORE where this says LLMG_E_SYNTAX). */
LLMG_API llmg_status llmg_pjson_finish(llmg_pjson *p, llmg_error *err);
/* The value known so far: valid compact JSON, or the empty string when
   nothing is known yet. O(depth): it writes the closers of the open
   string and containers after the committed bytes. The text is also
   NUL-terminated.
   Ownership: valid until the next call on p. */
LLMG_API llmg_str    llmg_pjson_view(llmg_pjson *p);
/* 1 once a whole value was read: the view is then final. A later error
   (bytes after the value) does not change it. */
LLMG_API int         llmg_pjson_complete(const llmg_pjson *p);
/* The work done since init or reset: input bytes read (the byte that ends
   a number counts twice: the tokenizer reads it again), bytes held back,
   bytes committed, bytes moved when a buffer grew, and bytes written by
   views (closers and the NUL). */
LLMG_API uint64_t    llmg_pjson_examined(const llmg_pjson *p);

/* ================================================================ >>error
   Provider errors: the error kinds, the provider keys, and a pure
   classifier that turns a failed HTTP response (status, headers, body) or
   an error event inside a stream into one llmg_provider_error, exactly as
   the llm_gateway gem (Ruby, 0.8) classifies them in its errors.rb,
   base_client.rb, its clients and its stream mappers' error helper:
   - the context-overflow patterns first (llmg_error_is_context_overflow);
   - then the provider's own handler: Anthropic reads error.message and
     error.type; OpenAI (openai_completions, openai_responses,
     openai_codex) error.message and error.code, 429 with its rate-limit
     metadata and 503; Groq splits 429 on error.code "rate_limit_exceeded";
   - then the status table: 400 bad_request, 401 authentication, 403
     permission_denied, 404 not_found, 409 conflict, 422 unprocessable, 429
     rate_limit, 503 overloaded, other 5xx server, anything else api_status
     (so Anthropic's 529 "overloaded" is server, as in the gem).
   Messages: the provider's text as it is. Where the gem's message would
   be its Ruby class name (the provider gave none), message is null
   (has_message 0). OpenAI builds one when error.message is absent:
   "OpenAI request failed with status <status>: <body, stripped>". A
   message or code that is not a JSON string reads as Ruby's to_s gives
   it (42, false, 1.0e+20), except that an object or array is its compact
   JSON where Ruby would print its inspect form.
   Where the gem would crash (a body or "error" that is JSON but not an
   object) this code reads {}. Integers past int64_t, which Ruby would
   keep, count as absent. A body that is not valid UTF-8 is not JSON here.
   No I/O; the wall clock comes in as a number (now_ms).                  */

/* The error kinds, one per error class of the gem, plus the library's
   own; names are stable lower-case strings. The gem's classes, in order:
   BadRequestError, PromptTooLong (which is a BadRequestError),
   AuthenticationError, PermissionDeniedError, NotFoundError,
   ConflictError, UnprocessableEntityError, RateLimitError, OverloadError,
   InternalServerError, APIStatusError (any other status, or a stream
   error not otherwise classified), APITimeoutError, APIConnectionError.
   The library's own: truncated (the body ended before the provider's
   final event), cancelled (the host stopped it), invalid_response (bytes
   that are not the provider's protocol). NONE is a zeroed object, not an
   error. */
#define LLMG__ERROR_KIND_LIST(X)                    \
    X(NONE,              0, "none")                 \
    X(BAD_REQUEST,       1, "bad_request")          \
    X(PROMPT_TOO_LONG,   2, "prompt_too_long")      \
    X(AUTHENTICATION,    3, "authentication")       \
    X(PERMISSION_DENIED, 4, "permission_denied")    \
    X(NOT_FOUND,         5, "not_found")            \
    X(CONFLICT,          6, "conflict")             \
    X(UNPROCESSABLE,     7, "unprocessable")        \
    X(RATE_LIMIT,        8, "rate_limit")           \
    X(OVERLOADED,        9, "overloaded")           \
    X(SERVER,           10, "server")               \
    X(API_STATUS,       11, "api_status")           \
    X(TIMEOUT,          12, "timeout")              \
    X(CONNECTION,       13, "connection")           \
    X(TRUNCATED,        14, "truncated")            \
    X(CANCELLED,        15, "cancelled")            \
    X(INVALID_RESPONSE, 16, "invalid_response")

typedef enum llmg_error_kind {
#define LLMG__X(name, value, text) LLMG_ERROR_##name = value,
    LLMG__ERROR_KIND_LIST(LLMG__X)
#undef LLMG__X
    LLMG_ERROR_KIND_COUNT
} llmg_error_kind;

/* "rate_limit" for LLMG_ERROR_RATE_LIMIT; "unknown" for a value not in
   the table. */
LLMG_API const char *llmg_error_kind_name(llmg_error_kind kind);

/* The provider keys of the gem's registry. */
typedef enum llmg_provider {
    LLMG_PROVIDER_NONE               = 0,
    LLMG_PROVIDER_ANTHROPIC_MESSAGES = 1,  /* "anthropic_messages" */
    LLMG_PROVIDER_OPENAI_COMPLETIONS = 2,  /* "openai_completions" */
    LLMG_PROVIDER_OPENAI_RESPONSES   = 3,  /* "openai_responses" */
    LLMG_PROVIDER_OPENAI_CODEX       = 4,  /* "openai_codex" */
    LLMG_PROVIDER_GROQ_COMPLETIONS   = 5   /* "groq_completions" */
} llmg_provider;

/* The provider of a key (exact bytes); LLMG_PROVIDER_NONE when unknown. */
LLMG_API llmg_provider llmg_provider_from_name(llmg_str name);
/* The key of a provider: "openai_codex"; "none" for LLMG_PROVIDER_NONE and
   "unknown" for a value not in the enum. */
LLMG_API const char *llmg_provider_name(llmg_provider p);

/* One response header. The library never assumes NUL termination. */
typedef struct llmg_header {
    llmg_str name;                       /* any case; compared ASCII case-insensitively */
    llmg_str value;
} llmg_header;

/* A classified provider error. Zero it (or llmg_provider_error_init)
   before its first use; llmg_provider_error_free releases what a
   classification stored. Do not copy it by value: its views point into
   its own storage, which has one owner.
   Bounds: message and code are each kept up to opts.max_message_bytes
   (64 KiB by default), cut at a UTF-8 boundary, and so is each string of
   rate_limit_info; its storage is one allocation holding the three. */
typedef struct llmg_provider_error {
    llmg_error_kind kind;
    llmg_str        message;             /* NUL-terminated; "" when has_message is 0 */
    int             has_message;         /* 0: the provider gave none (the gem then uses its
                                            Ruby class name; JSON null here) */
    int             message_truncated;   /* 1: cut to opts.max_message_bytes */
    llmg_str        code;                /* the provider's code or type, NUL-terminated */
    int             has_code;            /* 0: none (JSON null) */
    int             code_json;           /* 1: code is the compact JSON of a value that is not
                                            a string (a number, true, ...), 0: a string's content */
    int64_t         retry_after_seconds; /* rate_limit: seconds until the limit resets */
    int             has_retry_after;
    int64_t         reset_at;            /* rate_limit: Unix seconds when it resets */
    int             has_reset_at;
    llmg_str        rate_limit_info;     /* rate_limit: a compact JSON object (see
                                            llmg_classify_http; "{}" when it has
                                            nothing); len 0 for every other kind */
    llmg_buf        _store;              /* message NUL code NUL info NUL */
    llmg_allocator  _a;
} llmg_provider_error;

/* Zeroes pe: kind LLMG_ERROR_NONE, nothing stored. */
LLMG_API void llmg_provider_error_init(llmg_provider_error *pe);
/* Releases the storage; pe is left zeroed (kind LLMG_ERROR_NONE). A zeroed
   pe is fine. */
LLMG_API void llmg_provider_error_free(llmg_provider_error *pe);
/* Writes pe as one JSON object: {"kind","message","code"} (message and code
   null when absent; a code_json code as its JSON value), and for
   rate_limit then "retry_after_seconds", "reset_at" (integers or null) and
   "rate_limit_info". A message built from a response body that is not
   UTF-8 (OpenAI's fallback message) keeps its bytes: give the writer
   replace_invalid_utf8 to print such a message lossily.
   Returns the writer's status. */
LLMG_API llmg_status llmg_provider_error_write_json(const llmg_provider_error *pe,
                                                    llmg_json_writer *w);

typedef struct llmg_classify_opts {
    size_t         max_message_bytes;    /* message and code kept, each; 0 -> 64 KiB */
    size_t         max_body_tokens;      /* JSON tokens of the body; 0 -> 64 Ki; a body with
                                            more counts as not JSON, as the gem counts an
                                            unparseable body: {} */
    llmg_allocator allocator;            /* zero -> default; the result's storage */
} llmg_classify_opts;

LLMG_API llmg_classify_opts llmg_classify_opts_resolved(const llmg_classify_opts *opts);

/* A failed HTTP response. */
typedef struct llmg_classify_input {
    llmg_provider      provider;
    int                status;           /* the HTTP status code */
    const llmg_header *headers;          /* the response headers; may be NULL when
                                            header_count is 0 */
    size_t             header_count;
    llmg_str           body;             /* the whole response body */
    int64_t            now_ms;           /* the host's wall clock, Unix ms
                                            (llmg_host_unix_ms): a Retry-After in seconds
                                            becomes a reset_at */
} llmg_classify_input;

/* Classifies a non-200 response as the gem's handle_error does: the body is
   parsed as JSON (not JSON, not an object, or past max_body_tokens: {}),
   error is its "error" object ({} when it is not an object), then the
   overflow patterns, the provider's handler and the status table above.
   A header that appears more than once counts as its values joined with
   ", ", as Net::HTTP joins them.
   OpenAI's 429 (every OpenAI provider) carries rate-limit metadata, in
   rate_limit_info, members in this order, those without a value left out:
       provider          "openai_codex" when any header starts with x-codex-
       error_type        error.type
       plan_type         header x-codex-plan-type, else error.plan_type
       active_limit      header x-codex-active-limit
       primary_used_percent, secondary_used_percent, primary_window_minutes,
       secondary_window_minutes, primary_over_secondary_limit_percent,
       primary_reset_after_seconds, secondary_reset_after_seconds,
       primary_reset_at, secondary_reset_at (Unix seconds)
                         the x-codex-<name with - for _> headers, by
                         llmg_error_parse_integer
       credits_has_credits, credits_unlimited
                         x-codex-credits-has-credits / -unlimited: "true" or
                         "false" in any case (servers send "False")
       credits_balance   x-codex-credits-balance, by llmg_error_parse_integer
                         (so an empty balance is left out)
       reset_after_seconds  error.resets_in_seconds, else Retry-After seconds
       reset_at          error.resets_at, else Retry-After: seconds from
                         in->now_ms (floored to seconds), or an HTTP date
   (error values go through Ruby's Integer(): integers, floats truncated,
   strings by llmg_error_parse_integer). With any member, reset_at is
   primary_reset_at, else the info's reset_at, and retry_after_seconds is
   primary_reset_after_seconds, else the info's reset_after_seconds.
   Strings are kept up to max_message_bytes; a value from the body that is
   not a string is left out when its JSON is longer than that; header bytes
   that are not UTF-8 become U+FFFD.
   *out is overwritten: free a previous result first.
   Ownership: nothing of *in is kept; *out owns its storage.
   Returns LLMG_OK; LLMG_E_ARG (NULL in or out, unknown provider, NULL
   headers or body with a non-zero count or length, a bad allocator);
   LLMG_E_NOMEM with *out zeroed and nothing leaked. */
LLMG_API llmg_status llmg_classify_http(const llmg_classify_input *in,
                                        const llmg_classify_opts *opts,
                                        llmg_provider_error *out, llmg_error *err);

/* Classifies an error event inside a stream, as the gem's stream mappers
   raise it (raise_stream_error!). data is the
   JSON data of the event that carries the error: for Anthropic the
   helper's payload is data.error ({} when missing), for the others data
   itself; then its "error" object when it has one, else the payload:
   message = message, else "Stream error"; code = code, else type. The
   overflow patterns give prompt_too_long; Anthropic's
   "overloaded_error" gives overloaded; anything else api_status.
   Ownership: data's document must outlive the call only.
   Returns LLMG_OK; LLMG_E_ARG (out NULL, unknown provider, a bad
   allocator); LLMG_E_NOMEM with *out zeroed. */
LLMG_API llmg_status llmg_classify_stream_error(llmg_provider provider, llmg_json_val data,
                                                const llmg_classify_opts *opts,
                                                llmg_provider_error *out, llmg_error *err);

/* 1 when message matches one of the gem's eleven context-overflow
   patterns (case-insensitive, "." not matching a newline):
       prompt is too long              exceeds the context window
       reduce the length of the messages
       maximum context length is \d+ tokens
       context[_ ]length[_ ]exceeded   too many tokens
       token limit exceeded            request too large.*tokens per min
       input tokens per minute         reduce the prompt length
       input or output tokens must be reduced
   Case folding is ASCII only: Ruby's /i also folds a few non-ASCII
   characters onto these letters (KELVIN SIGN onto k, LONG S onto s,
   sharp s onto ss, ligatures), which a provider does not send. Linear in
   the length; no regex library. */
LLMG_API int llmg_error_is_context_overflow(llmg_str message);

/* Ruby's Integer(string), which the gem uses for headers: surrounding
   whitespace (space, \t \n \v \f \r), a sign, the prefixes 0x 0b 0o 0d (any
   case) and a leading 0 for octal, single underscores between digits; the
   whole string or nothing. 1 and *out on success; 0 otherwise, also for a
   value outside int64_t (Ruby would make it a big integer). */
LLMG_API int llmg_error_parse_integer(llmg_str s, int64_t *out);

/* Ruby's Time.httpdate: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
   RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years below 50 are
   20xx) or asctime "Sun Nov  6 08:49:37 1994", names in any case,
   whitespace around, the weekday not checked. Days 1..31 (past the end of
   a month roll over: 31 Feb is 2 or 3 Mar), hour 24 only as 24:00:00, second
   60 allowed, as Ruby's Time.utc accepts them. 1 and *out (Unix seconds)
   on success, else 0. */
LLMG_API int llmg_error_parse_http_date(llmg_str s, int64_t *out);

/* ================================================================ >>sse
   Server-sent events framing, following the WHATWG HTML "server-sent
   events" parsing rules: LF, CR and CRLF line ends (also split across
   calls), one leading UTF-8 BOM stripped, comments, the fields event, data,
   id and retry, unknown fields ignored.

   Pull shape: llmg_sse_feed hands in bytes, llmg_sse_next returns events
   until it says LLMG_NEED_MORE, llmg_sse_finish says the input ended (an
   unfinished block is discarded, as the rules say).

   Bytes are kept as they are: the framer does not decode UTF-8 (a consumer
   that needs text decodes it; the JSON layer validates it). */

typedef struct llmg_sse_opts {
    size_t         max_line_bytes;       /* bytes of one line without its end; 0 -> 64 KiB */
    size_t         max_event_bytes;      /* bytes of one event's joined data; 0 -> 1 MiB */
    llmg_allocator allocator;            /* zero -> default allocator */
} llmg_sse_opts;

typedef struct llmg_sse_event {
    llmg_str type;                       /* the event field, "message" when none was given */
    llmg_str data;                       /* data lines joined with LF, no trailing LF */
    llmg_str id;                         /* the last event ID after this block ("" if none) */
    uint64_t offset;                     /* stream offset of the block's first line */
} llmg_sse_event;

/* Private state; read it only through the functions below. */
typedef struct llmg_sse_parser {
    llmg_sse_opts  _o;
    llmg_error     _err;                 /* sticky error */
    const char    *_in;                  /* borrowed input window */
    size_t         _in_len, _in_pos;
    size_t         _in_cr;               /* 1 + a CR of the window found ahead; 0: none */
    size_t         _in_nocr;             /* the window holds no CR before this position */
    uint64_t       _pos;                 /* stream offset of _in[0] */
    llmg_buf       _line;                /* a line that spans feeds */
    llmg_buf       _data;                /* data lines of the block */
    llmg_buf       _type;                /* event field of the block */
    llmg_buf       _id;                  /* last event ID */
    const char    *_view;                /* data still in the window, not copied */
    size_t         _view_len;
    uint64_t       _block_start;
    uint64_t       _retry;
    size_t         _data_lines;
    unsigned       _bom;                 /* BOM bytes matched, 3 = decided */
    int            _in_line, _in_block, _skip_lf, _has_retry, _finished;
} llmg_sse_parser;

/* Prepares p. Allocates nothing: buffers are made on first use, within
   max_line_bytes + max_event_bytes plus the longest event name and id.
   Returns LLMG_OK, or LLMG_E_ARG (a zero allocator under LLMG_NO_MALLOC,
   an allocator with alloc_fn but no free_fn). */
LLMG_API llmg_status llmg_sse_init(llmg_sse_parser *p, const llmg_sse_opts *opts,
                                   llmg_error *err);
/* The options as p uses them, defaults filled in. */
LLMG_API llmg_sse_opts llmg_sse_opts_resolved(const llmg_sse_opts *opts);
/* Back to the start of a stream (last event ID, retry and errors cleared),
   keeping the buffers it has. */
LLMG_API void llmg_sse_reset(llmg_sse_parser *p);
/* Releases the buffers p allocated; p itself is the caller's. */
LLMG_API void llmg_sse_free(llmg_sse_parser *p);
/* Hands the next bytes of the stream to p. Call it when llmg_sse_next has
   returned LLMG_NEED_MORE (or before the first call).
   Ownership: data is borrowed until llmg_sse_next returns LLMG_NEED_MORE.
   Returns LLMG_OK; LLMG_E_ARG when the previous bytes are not used up yet
   or after llmg_sse_finish; the sticky error if there is one. */
LLMG_API llmg_status llmg_sse_feed(llmg_sse_parser *p, const void *data, size_t len,
                                   llmg_error *err);
/* The next complete event: LLMG_OK with *ev filled; LLMG_NEED_MORE when the
   fed bytes are used up; LLMG_DONE after llmg_sse_finish; LLMG_E_LIMIT when
   a line or an event's data is over its limit (offset: the first byte
   past it); LLMG_E_NOMEM.
   Ownership: the views in *ev are valid until the next call on p. */
LLMG_API llmg_status llmg_sse_next(llmg_sse_parser *p, llmg_sse_event *ev,
                                   llmg_error *err);
/* The input has ended; an unfinished line or block is discarded. Call it
   when llmg_sse_next has returned LLMG_NEED_MORE. Returns LLMG_OK, or the
   sticky error. */
LLMG_API llmg_status llmg_sse_finish(llmg_sse_parser *p, llmg_error *err);
/* 1 and *ms when a valid retry field was seen (the latest one wins; values
   past 2^64-1 saturate), else 0. */
LLMG_API int llmg_sse_retry(const llmg_sse_parser *p, uint64_t *ms);
/* Stream offset of the next byte p will read. */
LLMG_API uint64_t llmg_sse_offset(const llmg_sse_parser *p);

/* ================================================================ >>message
   The normalized message: one shape for every provider. Its JSON form is
   the llm_gateway gem's (spec §2): an assistant message is

       {"id","model","usage","role","stop_reason","provider","api",
        "content":[blocks],"timestamp","error_message"}

   and a transcript is a JSON array of messages that any provider accepts.
   llmg_message_from_json and llmg_message_write_json convert both ways; a
   key or block type this struct does not model is kept as JSON in `extra`
   (or the whole block in LLMG_BLOCK_OTHER), so nothing is lost.

   Strings are llmg_buf: NUL-terminated when ptr is not NULL, ptr NULL for
   empty. llmg_bstr(&b) gives the view ("" for an empty buffer). Whether an
   optional field is present is a flag bit, not a NULL pointer.            */

typedef enum llmg_role {
    LLMG_ROLE_NONE      = 0,
    LLMG_ROLE_USER      = 1,
    LLMG_ROLE_ASSISTANT = 2,
    LLMG_ROLE_DEVELOPER = 3,
    LLMG_ROLE_SYSTEM    = 4,
    LLMG_ROLE_OTHER     = 5              /* any other string: see llmg_message.role_name */
} llmg_role;

typedef enum llmg_block_type {
    LLMG_BLOCK_NONE               = 0,
    LLMG_BLOCK_TEXT               = 1,   /* text                                         */
    LLMG_BLOCK_REASONING          = 2,   /* text = reasoning, signature                  */
    LLMG_BLOCK_TOOL_USE           = 3,   /* id, name, text = input (JSON text)           */
    LLMG_BLOCK_SERVER_TOOL_USE    = 4,   /* the same, a provider-hosted tool             */
    LLMG_BLOCK_SERVER_TOOL_RESULT = 5,   /* id = tool_use_id, name = native type,
                                            text = content (JSON text)                   */
    LLMG_BLOCK_IMAGE              = 6,   /* text = data (base64), media_type             */
    LLMG_BLOCK_FILE               = 7,   /* text = data (raw), media_type, name          */
    LLMG_BLOCK_TOOL_RESULT        = 8,   /* id = tool_use_id, text = content (JSON text:
                                            a string or a block list, or any value)      */
    LLMG_BLOCK_OTHER              = 9    /* any other type: text = the whole block JSON   */
} llmg_block_type;

/* llmg_block.flags */
#define LLMG_BLOCK_HAS_SIGNATURE  0x01u  /* reasoning: signature present (may be "")   */
#define LLMG_BLOCK_HAS_NAME       0x02u  /* name present                                */
#define LLMG_BLOCK_INPUT_INVALID  0x04u  /* tool input is not a JSON object: it reads as {} */
#define LLMG_BLOCK_FROM_THINKING  0x08u  /* reasoning given as the "thinking" alias     */
#define LLMG_BLOCK_ENDED          0x10u  /* stream: the block's end event was applied   */

typedef struct llmg_block {
    llmg_block_type type;
    unsigned        flags;
    llmg_buf        text;                /* see llmg_block_type */
    llmg_buf        signature;           /* reasoning */
    llmg_buf        id;                  /* tool id, or the tool_use_id of a result */
    llmg_buf        name;                /* tool name; native result type; file name */
    llmg_buf        media_type;          /* image, file */
    llmg_buf        extra;               /* other keys as one JSON object, or empty */
} llmg_block;

/* llmg_usage.flags: keys a usage object read from JSON did not have
   (written back without them) */
#define LLMG_USAGE_NO_TOTAL 0x1u
#define LLMG_USAGE_NO_RAW   0x2u

typedef struct llmg_usage {
    int64_t  input, cache_write, cache_read, output;
    int64_t  total;                      /* always input + cache_write + cache_read + output */
    llmg_buf raw;                        /* the provider's usage object, verbatim; empty -> {} */
    unsigned flags;                      /* LLMG_USAGE_NO_* */
} llmg_usage;

/* llmg_message.flags: which optional fields are present */
#define LLMG_MSG_HAS_ID            0x001u
#define LLMG_MSG_HAS_MODEL         0x002u
#define LLMG_MSG_HAS_STOP_REASON   0x004u
#define LLMG_MSG_HAS_PROVIDER      0x008u
#define LLMG_MSG_HAS_API           0x010u
#define LLMG_MSG_HAS_TIMESTAMP     0x020u
#define LLMG_MSG_HAS_ERROR_MESSAGE 0x040u
#define LLMG_MSG_HAS_USAGE         0x080u
#define LLMG_MSG_HAS_CONTENT       0x100u
#define LLMG_MSG_CONTENT_STRING    0x200u /* content was a plain string (one text block)  */
#define LLMG_MSG_CONTENT_OBJECT    0x400u /* content was one block object, not an array   */
#define LLMG_MSG_FINAL             0x800u /* a stream's final message (after message_end) */

typedef struct llmg_message {
    llmg_role    role;
    unsigned     flags;
    llmg_buf     role_name;              /* the role as given (LLMG_ROLE_OTHER) */
    llmg_buf     id, model, stop_reason, provider, api, error_message;
    int64_t      timestamp;              /* Unix ms */
    llmg_usage   usage;
    llmg_block  *content;
    size_t       content_count;
    llmg_buf     extra;                  /* other keys as one JSON object, or empty */
    size_t       _content_cap;
    llmg_allocator _a;
} llmg_message;

/* The view of a buffer: "" when it is empty. */
LLMG_API llmg_str llmg_bstr(const llmg_buf *b);
/* "text", "reasoning", "tool_use", ... as in the JSON form. */
LLMG_API const char *llmg_block_type_name(llmg_block_type t);
LLMG_API const char *llmg_role_name(llmg_role r);
/* 1 when b is a text block whose text is blank: empty or only Unicode
   white space (ASCII, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
   U+2029, U+202F, U+205F, U+3000). The JSON form leaves such blocks out,
   as the gem does; the struct keeps them, so a content_index always names
   the block it was given for. */
LLMG_API int llmg_block_is_blank(const llmg_block *b);

/* Prepares an empty message that allocates with a (NULL: the default). */
LLMG_API llmg_status llmg_message_init(llmg_message *m, const llmg_allocator *a, llmg_error *err);
/* Releases everything m holds; m is left empty and reusable. */
LLMG_API void        llmg_message_clear(llmg_message *m);
LLMG_API void        llmg_message_free(llmg_message *m);
/* Reads one message object (a user, developer, system or assistant
   message; content a string, one block or an array of blocks; the
   "thinking" alias read as reasoning). m must be initialized; its previous
   content is replaced. Returns LLMG_OK, LLMG_E_ARG (not an object, a field
   of the wrong type: err->offset is the value's offset in the document),
   LLMG_E_NOMEM. Ownership: everything is copied. */
LLMG_API llmg_status llmg_message_from_json(llmg_message *m, llmg_json_val v, llmg_error *err);
/* Writes m in its JSON form (assistant key order: id, model, usage, role,
   stop_reason, provider, api, content, timestamp, error_message; only
   present keys; then extra). Blank text blocks are left out; a tool input
   that is not a JSON object is written as {}. */
LLMG_API llmg_status llmg_message_write_json(const llmg_message *m, llmg_json_writer *w);
LLMG_API llmg_status llmg_block_write_json(const llmg_block *b, llmg_json_writer *w);
LLMG_API llmg_status llmg_usage_write_json(const llmg_usage *u, llmg_json_writer *w);

/* ================================================================ >>stream
   Normalized streams: response bytes in, normalized events out, for the
   five APIs. One object does the whole path: the WHATWG SSE framer, the
   gem's field rules (all leading white space stripped from the event name
   and each data line; data "[DONE]" skipped; data that is not JSON handed
   on as the gem's {raw: ...}, which no mapper acts on except as an error
   event), the provider's stream mapper (spec §6) and the accumulator
   (spec §7), which keeps the message readable after every event.

   Pull shape, as the SSE framer:

        llmg_stream s;
        llmg_stream_opts o = {0};
        llmg_event ev;
        o.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
        llmg_stream_init(&s, &o, &err);
        while (bytes arrive) {
            llmg_stream_feed(&s, bytes, n, &err);
            while ((st = llmg_stream_next(&s, &ev, &err)) == LLMG_OK)
                if (ev.type == LLMG_EVENT_TEXT_DELTA) fwrite(ev.delta.ptr, 1, ev.delta.len, stdout);
            if (st != LLMG_NEED_MORE) break;          // LLMG_DONE or an error
        }
        llmg_stream_finish(&s, &err);                  // then next() until not OK
        ... llmg_stream_message(&s) ...
        llmg_stream_free(&s);

   or push shape: llmg_stream_push / llmg_stream_end call a function for
   each event.

   HOW A STREAM ENDS
     (a) the provider's final event (Anthropic message_stop; a Chat chunk
         with no choices; Responses response.completed): the event
         LLMG_EVENT_MESSAGE_END carries the final message, then next()
         returns LLMG_DONE. Bytes after it are not read.
     (b) an error event in the stream: the events before it, then
         LLMG_E_PROVIDER with err->provider (and llmg_stream_error) set, as
         llmg_classify_stream_error classifies it.
     (c) the body ends (llmg_stream_finish) before a final event:
         LLMG_E_TRUNCATED. The partial message stays readable; no final
         message is made up.
     (d) where the gem fails or returns nothing although the provider
         finished (spec §14), this library chose:
         - stop reasons outside the enum are normalized. Anthropic
           max_tokens and model_context_window_exceeded -> "length",
           stop_sequence and pause_turn -> "stop", refusal -> "error" with
           error_message "refusal"; Chat/Groq function_call -> "tool_use",
           content_filter -> "error" with error_message "content_filter";
           any other unknown value -> "stop". The message_delta event
           shows the normalized value.
         - Responses response.incomplete ends like response.completed with
           stop_reason "length" ("error" and error_message
           "content_filter" when incomplete_details.reason says so);
           response.failed is case (b), classified from response.error.
         - a Chat stream whose finish_reason came but no usage chunk: its
           "data: [DONE]" ends the message (usage zero). A chunk with no
           choices ends the message only when it carries usage or a
           finish_reason came before it (Azure sends such a chunk first).
     A stream that breaks the block rules (a delta with no open block, a
     start while another block is open) is LLMG_E_PROVIDER with kind
     "invalid_response", as the gem refuses it. The block the gem drops
     (Anthropic redacted_thinking) is dropped too.

   BEYOND THE GEM
     - tool input: at every tool delta the arguments known so far, as valid
       JSON (ev.partial_input), in work linear in the argument bytes (the
       >>pjson reader); parsed once at tool_end (the gem's fallback: not a
       JSON object -> {}).
     - a server tool result whose content is not an object (Anthropic
       web_search_tool_result holds an array) keeps its value (the gem
       would crash).
     - content_index names the block in llmg_message.content, blank text
       blocks included (the gem's end-event helpers miss by one there).

   MEMORY
     Delta strings are borrowed views valid until the next call on the
     stream: into the fed bytes when the JSON string has no escape, else
     into one reused scratch buffer, or into the message where the delta
     was appended. Nothing is allocated per event in
     steady state; the message grows through the allocator within
     max_message_bytes.                                                      */

typedef enum llmg_event_type {
    LLMG_EVENT_NONE              = 0,
    LLMG_EVENT_MESSAGE_START     = 1,
    LLMG_EVENT_MESSAGE_DELTA     = 2,
    LLMG_EVENT_MESSAGE_END       = 3,
    LLMG_EVENT_TEXT_START        = 4,    /* block events: start, delta, end per kind */
    LLMG_EVENT_TEXT_DELTA        = 5,
    LLMG_EVENT_TEXT_END          = 6,
    LLMG_EVENT_REASONING_START   = 7,
    LLMG_EVENT_REASONING_DELTA   = 8,
    LLMG_EVENT_REASONING_END     = 9,
    LLMG_EVENT_TOOL_START        = 10,
    LLMG_EVENT_TOOL_DELTA        = 11,
    LLMG_EVENT_TOOL_END          = 12,
    LLMG_EVENT_TOOL_RESULT_START = 13,
    LLMG_EVENT_TOOL_RESULT_DELTA = 14,
    LLMG_EVENT_TOOL_RESULT_END   = 15
} llmg_event_type;

/* "text_delta", ... as in the gem. */
LLMG_API const char *llmg_event_type_name(llmg_event_type t);

typedef struct llmg_event {
    llmg_event_type      type;
    size_t               content_index;  /* block events; (size_t)-1 on message events */
    llmg_str             delta;          /* block events: the text added ("" if none) */
    llmg_str             signature;      /* reasoning events: signature added */
    llmg_str             id;             /* tool_start: call id; tool_result_start: tool_use_id */
    llmg_str             name;           /* tool_start: tool name; tool_result_start: native type */
    llmg_block_type      tool_type;      /* tool_start: LLMG_BLOCK_TOOL_USE or _SERVER_TOOL_USE */
    llmg_str             message_delta;  /* message_start/_delta: the delta object, compact JSON */
    const llmg_usage    *usage;          /* message_start/_delta with usage, else NULL */
    llmg_str             partial_input;  /* tool events: the arguments known so far as JSON
                                            ("" while nothing is known) */
    const llmg_block    *block;          /* block events: the block after this event */
    const llmg_message  *message;        /* the message after this event (final on message_end) */
} llmg_event;

typedef struct llmg_stream_opts {
    llmg_provider   provider;            /* required */
    size_t          max_message_bytes;   /* bytes the message may accumulate; 0 -> 64 MiB */
    size_t          max_blocks;          /* content blocks; 0 -> 65536 */
    llmg_sse_opts   sse;                 /* line and event limits; its allocator is ignored */
    size_t          max_json_depth;      /* of one event's data; 0 -> 512 */
    const llmg_host *host;               /* wall clock for the timestamp; NULL -> 0 */
    llmg_allocator  allocator;           /* zero -> default allocator */
} llmg_stream_opts;

typedef struct llmg__patch llmg__patch;

/* Private: a small event kept to parse the next one like it (>>impl-json). */
typedef struct llmg__evshape {
    llmg_json_doc doc;                   /* its tokens; doc.src points into src */
    llmg_buf      src;                   /* its bytes */
    uint16_t      nholes, nconts;
    uint16_t      idx[256];              /* string and number values in order, then
                                            the containers, last first */
} llmg__evshape;

/* Private: the last delta event as framed on the wire, to read the next
   one like it in place (>>impl-stream, "the delta lane"). */
typedef struct llmg__lane {
    llmg_buf      src;                   /* its bytes, first line to blank line */
    size_t        at[4], len[4];         /* its values that may change: offset, length */
    unsigned char kind[4];               /* 'd' the delta, 's' a string, 'n' a number */
    size_t        nholes;
    size_t        pad;                   /* the blanks before the root's '}' */
    size_t        line, value, eol;      /* the data line: start, value start, end */
    size_t        json;                  /* where the data as mapped starts */
    size_t        name_at, name_len;     /* the event's name as mapped ((size_t)-1: no
                                            event line, the framer's "message") */
    size_t        block;                 /* the open block it grows */
    int           type;                  /* the llmg_event_type it gives */
    int           block_kind;            /* LLMG__KIND(type), kept (no division per event) */
    int           ok;
} llmg__lane;

/* Private state. */
typedef struct llmg_stream {
    llmg_stream_opts    _o;
    llmg_allocator      _a;
    llmg_error          _err;            /* sticky */
    llmg_provider_error _perr;
    llmg_sse_parser     _sse;
    llmg_json_doc       _doc;
    llmg__evshape       _shape;          /* the last small event, to parse the next like it */
    llmg__lane          _lane;           /* the last delta event, to read the next in place */
    size_t              _lane_events;    /* events the lane read (tests, bench) */
    int                 _no_shape;       /* 1: parse every event in full, no shape, no
                                            lane (tests compare) */
    llmg_json_writer    _w;              /* compact JSON made by a mapper */
    llmg_pjson          _pj;             /* the open tool call's arguments known so far */
    int                 _pj_ok;          /* 0 once they stopped being valid JSON */
    llmg_buf            _data;           /* an event's data when lines were joined */
    llmg_buf            _scratch;        /* unescaped strings of the current event */
    llmg__patch        *_q;              /* normalized events of the current SSE event */
    size_t              _q_len, _q_cap, _q_head;
    llmg_message        _m;
    size_t              _active;         /* index of the open block, or (size_t)-1 */
    size_t              _bytes;          /* bytes accumulated in the message */
    uint64_t            _ev_offset;      /* stream offset of the current SSE event */
    int                 _state;          /* 0 running, 1 ended, 2 finished */
    int                 _merged;         /* a message delta was merged */
    int                 _finish_seen;    /* chat: a finish_reason came */
    int                 _saw_tool;       /* responses: a tool block was started */
    int                 _ts_set;
    /* Anthropic: the open block's kind; Responses: code interpreter calls */
    int                 _kind;
    void               *_ci;             /* responses: code interpreter states */
    size_t              _ci_len, _ci_cap;
    llmg_buf            _keep;           /* responses: code interpreter strings */
    llmg_buf            _cites;          /* responses: emitted citation keys */
} llmg_stream;

LLMG_API llmg_stream_opts llmg_stream_opts_resolved(const llmg_stream_opts *opts);
/* Prepares s for one response of opts->provider. Allocates nothing.
   Returns LLMG_OK or LLMG_E_ARG (no provider, a bad allocator). */
LLMG_API llmg_status llmg_stream_init(llmg_stream *s, const llmg_stream_opts *opts,
                                      llmg_error *err);
/* Back to the start of a new response, keeping the buffers. */
LLMG_API void        llmg_stream_reset(llmg_stream *s);
LLMG_API void        llmg_stream_free(llmg_stream *s);
/* Hands in the next response bytes. Call it when next() has returned
   LLMG_NEED_MORE (or before the first call). Ownership: data is borrowed
   until next() returns LLMG_NEED_MORE. */
LLMG_API llmg_status llmg_stream_feed(llmg_stream *s, const void *data, size_t len,
                                      llmg_error *err);
/* The next normalized event: LLMG_OK and *ev; LLMG_NEED_MORE; LLMG_DONE
   after the message ended; LLMG_E_PROVIDER (case b); LLMG_E_TRUNCATED
   (case c, after finish); LLMG_E_LIMIT, LLMG_E_NOMEM. Errors are sticky.
   Ownership: the views in *ev are valid until the next call on s. */
LLMG_API llmg_status llmg_stream_next(llmg_stream *s, llmg_event *ev, llmg_error *err);
/* The body has ended. Call it when next() has returned LLMG_NEED_MORE;
   then call next() until it stops returning LLMG_OK. */
LLMG_API llmg_status llmg_stream_finish(llmg_stream *s, llmg_error *err);

/* Push shape: fn gets each event; a nonzero return stops with
   LLMG_E_CANCELLED (the message so far stays readable). push feeds data
   and delivers every event it completes (LLMG_NEED_MORE when it wants
   more, LLMG_DONE when the message ended); end finishes the body and
   delivers the rest (LLMG_DONE, or the error that ended the stream). */
typedef int (*llmg_event_fn)(void *user, const llmg_event *ev);
LLMG_API llmg_status llmg_stream_push(llmg_stream *s, const void *data, size_t len,
                                      llmg_event_fn fn, void *user, llmg_error *err);
LLMG_API llmg_status llmg_stream_end(llmg_stream *s, llmg_event_fn fn, void *user,
                                     llmg_error *err);

/* The message as accumulated so far (the final message once ended).
   Ownership: s's; valid until the next call that changes s. */
LLMG_API const llmg_message *llmg_stream_message(const llmg_stream *s);
/* 1 once the final event was applied. */
LLMG_API int llmg_stream_ended(const llmg_stream *s);
/* The provider's error after LLMG_E_PROVIDER, else NULL. */
LLMG_API const llmg_provider_error *llmg_stream_error(const llmg_stream *s);
/* Moves the message out of s (s keeps an empty one): the caller frees it
   with llmg_message_free. */
LLMG_API void llmg_stream_take_message(llmg_stream *s, llmg_message *out);
/* Writes one event as the gem's event object (the replay line format:
   block events {"type","content_index","delta"} plus id/name/tool_type,
   tool_use_id/name, a non-empty signature; message events {"type",
   "delta"} plus "usage" when given; message_end {"type","message"}). */
LLMG_API llmg_status llmg_event_write_json(const llmg_event *ev, llmg_json_writer *w);

/* ================================================================ >>request
   The other direction: one normalized transcript in, the exact HTTP request
   a provider expects out (method, URL, headers, JSON body), as the
   llm_gateway gem's adapter.stream builds it. The library sends nothing:
   hand the request to your HTTP client and the response to llmg_stream.

        llmg_provider_config cfg = {0};
        llmg_request_input in = {0};
        llmg_request req;
        cfg.provider = LLMG_PROVIDER_ANTHROPIC_MESSAGES;
        cfg.api_key  = llmg_str_c(getenv("ANTHROPIC_API_KEY"));
        in.messages  = llmg_str_c("\"Say hello\"");
        in.options   = llmg_str_c("{\"model\":\"claude-sonnet-4-20250514\"}");
        llmg_request_init(&req);
        if (llmg_request_build(&req, &cfg, &in, NULL, &err) < 0)
            fprintf(stderr, "%s\n", req.message.ptr);
        ... POST req.body to req.url with req.headers ...
        llmg_request_free(&req);

   INPUT is JSON text, read as JSON values all the way: blocks and keys the
   builders do not know pass through unchanged, and a transcript saved from
   any provider (llmg_message_write_json of each answer, or the gem's
   to_h) replays to any other.
     messages  an array of messages {role, content, ...} (roles user,
               assistant, developer, system; content a string, one block or
               an array of blocks), or a string: one user message.
     system    null, a string, or an array of system entries.
     tools     null, or an array of tool definitions in Anthropic's shape
               {name, description, input_schema, cache_control?}, and
               provider-native server tools, passed through.
     options   an object: "model" (the request's model; without it the
               provider's default model, and no cross-provider
               sanitizing), the managed options below, and the provider's
               own options (its allowlist; anything else is an error that
               lists the valid ones).
   Managed options, mapped per provider as the gem does:
     reasoning              none | low | medium | high | xhigh (Groq: none,
                            default, low, medium, high). Anthropic: thinking
                            budget 1024/5120/10240/20480; Chat:
                            reasoning_effort; Responses and Codex:
                            reasoning {effort, summary:"detailed"}; Groq:
                            reasoning_effort + reasoning_format "parsed".
     max_completion_tokens  default 20480: Anthropic max_tokens (always
                            set, over a native max_tokens), Chat and Groq
                            max_completion_tokens, Responses
                            max_output_tokens, Codex none.
     cache_key              Chat, Responses: prompt_cache_key; Codex: the
                            session_id header; Anthropic, Groq: dropped.
     cache_retention        short | long | none. Anthropic: cache_control
                            {type:"ephemeral"} (+ ttl "1h" for long on
                            api.anthropic.com) on the request, the last
                            system block and the last tool; Chat and
                            Responses: prompt_cache_retention in_memory/24h
                            (a cache key alone means in_memory; none drops
                            both); Codex and Groq: dropped.
     response_format        Anthropic: output_config.format json_schema or
                            text; Chat: passed through; Responses, Codex:
                            text.format; Groq: {type} (default "text").
   Groq also always gets temperature 0 unless the options set one.

   CROSS-PROVIDER REPLAY (when options has a model): an assistant message
   that says which provider, api and model wrote it is rewritten for the
   target: its reasoning is kept only for the very same provider, api and
   model (exact string: a dated model id is another model) and otherwise
   becomes text (dropped when blank); server tool blocks are kept only for
   the same provider and api, otherwise they become tool_use and a
   tool_result (object content as compact JSON) moved to a user message
   right after; Chat and Groq also rewrite tool call ids ("a|b" -> "a"
   with characters outside [A-Za-z0-9_-] as "_", at most 40 characters;
   OpenAI: any id cut to 40 characters).

   OUTPUT: method "POST"; url = base + path; headers with lower-case names,
   in the order they are sent: the library's (credentials included), then
   cfg.headers (a name already set is replaced). Bases, which
   cfg.base_url replaces (llama.cpp, vLLM, Ollama and any OpenAI-compatible
   server: openai_completions with its base, e.g. http://localhost:8080/v1):
        anthropic_messages   https://api.anthropic.com             /v1/messages
        openai_completions   https://api.openai.com/v1             /chat/completions
        openai_responses     https://api.openai.com/v1             /responses
        openai_codex         https://chatgpt.com/backend-api/codex /responses
        groq_completions     https://api.groq.com/openai/v1        /chat/completions
   Credentials: Anthropic x-api-key, or with a key starting "sk-ant-oat"
   (an OAuth access token) the Claude Code headers and identity system
   block; the others authorization: Bearer <api_key>; Codex also
   chatgpt-account-id. An empty api_key sends no credential header (local
   servers). The body is compact JSON in Ruby's format, so embedded JSON
   strings (tool-call arguments, converted tool results) are byte for byte
   the gem's.

   ERRORS: LLMG_E_ARG for an input or option the gem refuses; then
   req->message holds the gem's words ("Unknown OpenAI Responses options:
   foo. Valid options: background, ..."; "Invalid reasoning 'x'. Use
   'none', 'low', 'medium', 'high', or 'xhigh'."). LLMG_E_SYNTAX or
   LLMG_E_LIMIT for input that is not JSON (err->offset is the byte in
   that input; req->message names it); LLMG_E_NOMEM. A failed build keeps
   no request: url, headers and body are empty.

   Choices where the gem fails or guesses (see also the gem's quirks the
   builders keep, in the manual):
   - a message that is not an object, messages that are neither an array
     nor a string, tools that are not an array, and options that are not
     an object are errors (the gem crashes on them);
   - a repeated key in a JSON object: readers take the last, as the
     parser does; writers keep both (the gem keeps one);
   - Ruby's to_s of an object or array (Codex tool output given as an
     object, text that is not a string) is written as Ruby 3.4 inspects
     it: {key: "value"}, [:key, "value"].                                    */

typedef struct llmg_provider_config {
    llmg_provider      provider;
    llmg_str           api_key;          /* API key or OAuth access token; empty: no credential */
    llmg_str           account_id;       /* Codex: the ChatGPT account id; empty: not sent */
    llmg_str           base_url;         /* empty: the provider's official base (table above) */
    const llmg_header *headers;          /* extra headers, after the library's */
    size_t             header_count;
} llmg_provider_config;

typedef struct llmg_request_input {
    llmg_str messages;                   /* JSON: array of messages, or a string; required */
    llmg_str system;                     /* JSON: null, string or array; empty: null */
    llmg_str tools;                      /* JSON: null or array; empty: null */
    llmg_str options;                    /* JSON: object; empty: {} */
} llmg_request_input;

typedef struct llmg_request_opts {
    size_t         max_json_depth;       /* nesting of each input; 0 -> 512 */
    size_t         max_body_bytes;       /* 0 -> 256 MiB */
    llmg_allocator allocator;            /* zero -> default allocator */
} llmg_request_opts;

/* A built request. Zero it (or llmg_request_init) before its first build;
   building again replaces what it held. Ownership: every view is owned by
   req, valid until its next build or llmg_request_free. */
typedef struct llmg_request {
    llmg_str           method;           /* "POST" */
    llmg_str           url;              /* NUL-terminated */
    const llmg_header *headers;          /* lower-case names; values NUL-terminated */
    size_t             header_count;
    llmg_str           body;             /* the JSON body, NUL-terminated */
    llmg_str           message;          /* after a failure: why, NUL-terminated; "" on success */
    llmg_allocator     _a;
    llmg_buf           _body, _text;
    llmg_header       *_hdr;
    size_t             _hcap;
} llmg_request;

LLMG_API llmg_request_opts llmg_request_opts_resolved(const llmg_request_opts *opts);
LLMG_API void        llmg_request_init(llmg_request *req);
/* Builds the request for cfg->provider from in. Returns LLMG_OK, or an
   error with req->message saying why (see ERRORS above). */
LLMG_API llmg_status llmg_request_build(llmg_request *req, const llmg_provider_config *cfg,
                                        const llmg_request_input *in,
                                        const llmg_request_opts *opts, llmg_error *err);
LLMG_API void        llmg_request_free(llmg_request *req);
/* The official base URL of a provider ("" for an unknown one). */
LLMG_API const char *llmg_provider_base_url(llmg_provider p);
/* The model a provider's request uses when the options name none. */
LLMG_API const char *llmg_provider_default_model(llmg_provider p);

/* ================================================================ >>transport
   One request and its response, with the host's HTTP underneath. The
   library still does no I/O: an exchange builds the request (>>request),
   the host sends it, and hands the response back as it arrives (status
   and headers once, then body bytes in pieces split anywhere). A 200 body
   goes through the stream (>>stream); any other status is kept (up to
   max_error_body_bytes) and classified at its end (llmg_classify_http),
   so every failure is one llmg_provider_error.

   Two ways to drive it:
   - sans-I/O, for a host with its own loop (a game polling once a frame,
     an epoll server):
        llmg_exchange_init(&x, &cfg, &in, NULL, &err);
        send x.request (method, url, headers, body) your way; then
        llmg_exchange_head(&x, status, headers, n, &err);
        for each piece of body: llmg_exchange_feed(&x, p, n, &err), then
            llmg_exchange_next(&x, &ev, &err) until it stops returning OK
        at the end of the body: llmg_exchange_finish(&x, &err), then next
            until it stops returning OK: LLMG_DONE, or the error
        (or llmg_exchange_push / llmg_exchange_end with a callback).
   - blocking: llmg_call(&x, &transport, &cfg, &in, NULL, on_event, user,
     &err) runs the whole exchange through transport.send, which sends
     the request and calls llmg_exchange_head and llmg_exchange_body as the
     response arrives, and returns how it ended.
   A transport that cannot finish (the connection broke, no byte within
   its timeout, the host stopped it) says so with llmg_exchange_fail: a
   timeout is LLMG_E_PROVIDER with kind timeout; a broken connection is
   kind connection, except inside a 200 body, where the stream decides
   (LLMG_E_TRUNCATED, or LLMG_DONE when its message had already ended); a
   stop by the host is LLMG_E_CANCELLED. In every case what arrived so far
   stays readable (llmg_exchange_message) until llmg_exchange_free.

   Retrying is the host's choice; llmg_retry_delay_ms says whether an
   ending is worth another attempt and how long to wait first.         */

typedef struct llmg_exchange_opts {
    llmg_stream_opts   stream;           /* limits, host (clock); provider: from cfg */
    llmg_request_opts  request;
    llmg_classify_opts classify;
    size_t             max_error_body_bytes; /* of a non-200 body, kept; 0 -> 1 MiB */
    llmg_allocator     allocator;        /* zero -> default; used by all three parts */
} llmg_exchange_opts;

typedef struct llmg_exchange {
    llmg_request        request;         /* what to send: built by llmg_exchange_init */
    int                 status;          /* the response's HTTP status; 0 before head */
    llmg_stream         _s;
    llmg_provider_error _pe;
    llmg_buf            _body;           /* a non-200 body */
    llmg_buf            _htext;          /* a non-200 response's header bytes */
    llmg_header        *_hdr;
    size_t              _nhdr, _hcap;
    llmg_exchange_opts  _o;
    llmg_allocator      _a;
    llmg_status         _st;             /* how it ended (sticky); LLMG_OK while open */
    llmg_error          _err;            /* and its error */
    int                 _state;          /* 0 sent, 1 head seen, 2 ended */
    llmg_event_fn       _fn;             /* llmg_call's callback, for llmg_exchange_body */
    void               *_user;
} llmg_exchange;

/* Builds the request (x->request) and prepares for its response. On
   failure x->request.message says why (see >>request); x can be freed. */
LLMG_API llmg_status llmg_exchange_init(llmg_exchange *x, const llmg_provider_config *cfg,
                                        const llmg_request_input *in,
                                        const llmg_exchange_opts *opts, llmg_error *err);
/* The response's status and headers. Ownership: headers are copied when
   they are needed (a non-200 response), never kept otherwise. */
LLMG_API llmg_status llmg_exchange_head(llmg_exchange *x, int status, const llmg_header *headers,
                                        size_t count, llmg_error *err);
/* Pull shape, as llmg_stream_feed / _next / _finish. A non-200 body gives
   no events: next returns LLMG_NEED_MORE until finish, then the error. */
LLMG_API llmg_status llmg_exchange_feed(llmg_exchange *x, const void *data, size_t len,
                                        llmg_error *err);
LLMG_API llmg_status llmg_exchange_next(llmg_exchange *x, llmg_event *ev, llmg_error *err);
LLMG_API llmg_status llmg_exchange_finish(llmg_exchange *x, llmg_error *err);
/* Push shape, as llmg_stream_push / _end. */
LLMG_API llmg_status llmg_exchange_push(llmg_exchange *x, const void *data, size_t len,
                                        llmg_event_fn fn, void *user, llmg_error *err);
LLMG_API llmg_status llmg_exchange_end(llmg_exchange *x, llmg_event_fn fn, void *user,
                                       llmg_error *err);
/* For a transport under llmg_call: llmg_exchange_push with llmg_call's
   callback. Stop sending when it returns a negative status. */
LLMG_API llmg_status llmg_exchange_body(llmg_exchange *x, const void *data, size_t len);
/* The transport could not finish: kind LLMG_ERROR_TIMEOUT,
   LLMG_ERROR_CONNECTION or LLMG_ERROR_CANCELLED, and why (copied). */
LLMG_API llmg_status llmg_exchange_fail(llmg_exchange *x, llmg_error_kind kind, llmg_str why,
                                        llmg_error *err);
/* The message so far (the final one after LLMG_DONE). Ownership: x's. */
LLMG_API const llmg_message *llmg_exchange_message(const llmg_exchange *x);
/* The provider error after LLMG_E_PROVIDER (HTTP status, in-stream error,
   timeout, connection), else NULL. Ownership: x's. */
LLMG_API const llmg_provider_error *llmg_exchange_error(const llmg_exchange *x);
LLMG_API void llmg_exchange_free(llmg_exchange *x);

/* The host's HTTP client for llmg_call. send sends x->request, then calls
   llmg_exchange_head once and llmg_exchange_body for each piece of the
   body as it arrives, stopping when either returns a negative status; it
   returns LLMG_ERROR_NONE when the response ended, or
   LLMG_ERROR_TIMEOUT, LLMG_ERROR_CONNECTION or LLMG_ERROR_CANCELLED with
   a reason in *why (valid until send returns). */
typedef struct llmg_transport {
    llmg_error_kind (*send)(void *user, llmg_exchange *x, llmg_str *why);
    void *user;
} llmg_transport;

/* The blocking convenience: builds, sends through t, streams the events to
   fn (may be NULL), and ends. Returns LLMG_DONE with the final message in
   llmg_exchange_message(x), or how it failed; free x in every case. */
LLMG_API llmg_status llmg_call(llmg_exchange *x, const llmg_transport *t,
                               const llmg_provider_config *cfg, const llmg_request_input *in,
                               const llmg_exchange_opts *opts, llmg_event_fn fn, void *user,
                               llmg_error *err);

typedef struct llmg_retry_opts {
    unsigned max_attempts;               /* retries after the first try; 0 -> 4 */
    uint64_t base_ms;                    /* first backoff; 0 -> 500 */
    uint64_t max_ms;                     /* cap of a backoff and of a Retry-After; 0 -> 60000 */
} llmg_retry_opts;

/* Whether to try again after an exchange ended with st (and pe, its
   provider error, when st is LLMG_E_PROVIDER), before retry number
   attempt (1 for the first retry): the wait in ms, or -1 for no.
   Retried: rate_limit, overloaded, server, timeout, connection, and a
   truncated body; never a refusal (bad_request, authentication,
   prompt_too_long, ...), a cancel, or past max_attempts. The wait is the
   provider's Retry-After when it gave one (-1 when that exceeds max_ms),
   else exponential backoff with full jitter: random % (min(max_ms,
   base_ms << (attempt - 1)) + 1), random from the host's own source.
   Wait on the monotonic clock (llmg_host_mono_ms), not the wall clock. */
LLMG_API int64_t llmg_retry_delay_ms(llmg_status st, const llmg_provider_error *pe,
                                     unsigned attempt, uint32_t random,
                                     const llmg_retry_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* LLMG_H_INCLUDED */

/* ======================================================================== */
/*                            IMPLEMENTATION                                */
/* ======================================================================== */
#if defined(LLM_GATEWAY_IMPLEMENTATION) && !defined(LLMG__IMPLEMENTED)
#define LLMG__IMPLEMENTED            /* a second instantiation in one TU is a no-op */

/* ================================================================ >>impl-config */
#include <string.h>

#if defined(LLMG_MALLOC) != defined(LLMG_FREE) || defined(LLMG_MALLOC) != defined(LLMG_REALLOC)
#  error "llm_gateway.h: define all of LLMG_MALLOC, LLMG_REALLOC, LLMG_FREE, or none of them"
#endif
#if !defined(LLMG_MALLOC) && !defined(LLMG_NO_MALLOC)
#  include <stdlib.h>
#  define LLMG_MALLOC(n)     malloc(n)
#  define LLMG_REALLOC(p, n) realloc(p, n)
#  define LLMG_FREE(p)       free(p)
#endif
#ifndef LLMG_ASSERT
#  include <assert.h>
#  define LLMG_ASSERT(c) assert(c)
#endif
#ifdef LLMG_NO_ERROR_STRINGS
#  define LLMG__MSG(s) ""
#else
#  define LLMG__MSG(s) s
#endif
#if defined(__GNUC__) || defined(__clang__)
#  define LLMG__UNUSED __attribute__((unused))
#else
#  define LLMG__UNUSED
#endif
#if defined(__SSE2__) && !defined(LLMG_NO_SIMD)
#  include <emmintrin.h>
#  define LLMG__SSE2 1
#endif
#define LLMG__PRIVATE LLMG__UNUSED static
#define LLMG__DEF(v, d) ((v) != 0 ? (v) : (d))

typedef char llmg__check_u32[sizeof(uint32_t) == 4 ? 1 : -1];
typedef char llmg__check_u64[sizeof(uint64_t) == 8 ? 1 : -1];

#ifdef __cplusplus
extern "C" {
#endif

LLMG_API uint32_t llmg_version(void) { return (uint32_t)LLMG_VERSION_NUM; }

/* ================================================================ >>impl-base
   Errors, views, the allocation path and the fixed-buffer allocator.
   All allocation goes through llmg__alloc/llmg__grow/llmg__free; all size
   arithmetic that input can influence goes through llmg__size_add.         */

LLMG_API const char *llmg_status_name(llmg_status s)
{
    switch (s) {
#define LLMG__X(name, value, text) case LLMG_##name: return "LLMG_" #name;
    LLMG__STATUS_LIST(LLMG__X)
#undef LLMG__X
    default: return "LLMG_UNKNOWN";
    }
}

LLMG_API const char *llmg_status_message(llmg_status s)
{
    switch (s) {
#define LLMG__X(name, value, text) case LLMG_##name: return LLMG__MSG(text);
    LLMG__STATUS_LIST(LLMG__X)
#undef LLMG__X
    default: return LLMG__MSG("unknown status");
    }
}

/* Records an error (err may be NULL) and returns its code. */
LLMG__PRIVATE llmg_status llmg__fail(llmg_error *err, llmg_status code, const char *msg,
                                     uint64_t offset)
{
    if (err) {
        err->code = code;
        err->msg = msg;
        err->offset = offset;
        err->provider = NULL;
    }
    return code;
}

LLMG__PRIVATE llmg_status llmg__ok(llmg_error *err, llmg_status code)
{
    if (err) {
        err->code = code;
        err->msg = LLMG__MSG("");
        err->offset = 0;
        err->provider = NULL;
    }
    return code;
}

LLMG_API void llmg_locate(const char *text, size_t len, uint64_t offset,
                          size_t *line, size_t *col)
{
    size_t i, n = offset < (uint64_t)len ? (size_t)offset : len;
    size_t l = 1, c = 1;
    for (i = 0; i < n; i++) {
        if (text[i] == '\n') { l++; c = 1; }
        else c++;
    }
    if (line) *line = l;
    if (col) *col = c;
}

LLMG_API llmg_str llmg_str_c(const char *s)
{
    llmg_str r;
    r.ptr = s ? s : "";
    r.len = s ? strlen(s) : 0;
    return r;
}

LLMG_API int llmg_str_eq(llmg_str a, llmg_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

LLMG__PRIVATE int llmg__size_add(size_t a, size_t b, size_t *out)
{
    if (a > (size_t)-1 - b) return 0;
    *out = a + b;
    return 1;
}

LLMG__PRIVATE int llmg__size_mul(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > (size_t)-1 / b) return 0;
    *out = a * b;
    return 1;
}

#ifndef LLMG_NO_MALLOC
static void *llmg__libc_alloc(void *user, size_t n) { (void)user; return LLMG_MALLOC(n); }
static void *llmg__libc_realloc(void *user, void *p, size_t o, size_t n)
{
    (void)user; (void)o;
    return LLMG_REALLOC(p, n);
}
static void llmg__libc_free(void *user, void *p, size_t n) { (void)user; (void)n; LLMG_FREE(p); }
#endif

/* The allocator an object keeps: the caller's, or the default one. */
LLMG__PRIVATE llmg_status llmg__allocator_resolve(const llmg_allocator *in, llmg_allocator *out,
                                                  llmg_error *err)
{
    if (in && (in->alloc_fn || in->free_fn || in->realloc_fn)) {
        if (!in->alloc_fn || !in->free_fn)
            return llmg__fail(err, LLMG_E_ARG,
                              LLMG__MSG("allocator: alloc_fn and free_fn are both required"), 0);
        *out = *in;
        return LLMG_OK;
    }
#ifdef LLMG_NO_MALLOC
    memset(out, 0, sizeof *out);
    return llmg__fail(err, LLMG_E_ARG,
                      LLMG__MSG("allocator: zero allocator under LLMG_NO_MALLOC; "
                                "pass llmg_fixed_allocator() or your own"), 0);
#else
    out->alloc_fn = llmg__libc_alloc;
    out->realloc_fn = llmg__libc_realloc;
    out->free_fn = llmg__libc_free;
    out->user = NULL;
    return LLMG_OK;
#endif
}

LLMG__PRIVATE void *llmg__alloc(const llmg_allocator *a, size_t n)
{
    return a->alloc_fn(a->user, n ? n : 1);
}

LLMG__PRIVATE void llmg__free(const llmg_allocator *a, void *p, size_t n)
{
    if (p) a->free_fn(a->user, p, n ? n : 1);
}

/* Resizes p from old to n bytes; on failure p is untouched. */
LLMG__PRIVATE void *llmg__realloc(const llmg_allocator *a, void *p, size_t old, size_t n)
{
    void *q;
    if (!p) return llmg__alloc(a, n);
    if (a->realloc_fn) return a->realloc_fn(a->user, p, old ? old : 1, n ? n : 1);
    q = llmg__alloc(a, n);
    if (!q) return NULL;
    memcpy(q, p, old < n ? old : n);
    llmg__free(a, p, old);
    return q;
}

/* The slow half of llmg__buf_reserve: a new capacity for want bytes. */
static llmg_status llmg__buf_grow(llmg_buf *b, const llmg_allocator *a, size_t want, size_t limit)
{
    size_t cap = b->cap ? b->cap : 64;
    char *q;
    while (cap <= want) {
        if (cap > ((size_t)-1) / 2) { cap = want + 1; break; }
        cap *= 2;
    }
    if (cap > limit + 1 && want + 1 <= limit + 1) cap = limit + 1;
    q = (char *)llmg__realloc(a, b->ptr, b->cap, cap);
    if (!q) return LLMG_E_NOMEM;
    b->ptr = q;
    b->cap = cap;
    return LLMG_OK;
}

/* Makes room for need more bytes plus a NUL, doubling, never past limit
   bytes of content. Returns LLMG_OK, LLMG_E_LIMIT or LLMG_E_NOMEM. */
LLMG__PRIVATE llmg_status llmg__buf_reserve(llmg_buf *b, const llmg_allocator *a,
                                            size_t need, size_t limit)
{
    size_t want;
    if (!llmg__size_add(b->len, need, &want) || want > limit) return LLMG_E_LIMIT;
    if (want < b->cap) return LLMG_OK;           /* room for the NUL too */
    return llmg__buf_grow(b, a, want, limit);
}

LLMG__PRIVATE llmg_status llmg__buf_append(llmg_buf *b, const llmg_allocator *a,
                                           const void *src, size_t n, size_t limit)
{
    llmg_status st = llmg__buf_reserve(b, a, n, limit);
    if (st != LLMG_OK) return st;
    if (n) memcpy(b->ptr + b->len, src, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return LLMG_OK;
}

LLMG__PRIVATE void llmg__buf_clear(llmg_buf *b)
{
    b->len = 0;
    if (b->ptr) b->ptr[0] = '\0';
}

LLMG_API void llmg_buf_free(llmg_buf *b, const llmg_allocator *a)
{
    llmg_allocator r;
    if (!b) return;
    if (b->ptr && llmg__allocator_resolve(a, &r, NULL) == LLMG_OK)
        llmg__free(&r, b->ptr, b->cap);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

LLMG_API int64_t llmg_host_unix_ms(const llmg_host *host)
{
    return host && host->unix_ms ? host->unix_ms(host->user) : 0;
}

LLMG_API uint64_t llmg_host_mono_ms(const llmg_host *host)
{
    return host && host->mono_ms ? host->mono_ms(host->user) : 0;
}

/* ---------------------------------------------------------------- fixed-buffer allocator
   Free blocks form a list ordered by address; each free block stores its
   own node. Sizes round up to LLMG__FIXED_ALIGN, which holds a node.     */
#define LLMG__FIXED_ALIGN 16u

typedef struct llmg__fixed_node {
    size_t                   size;
    struct llmg__fixed_node *next;
} llmg__fixed_node;

typedef char llmg__check_fixed_node[sizeof(llmg__fixed_node) <= LLMG__FIXED_ALIGN ? 1 : -1];

static size_t llmg__fixed_round(size_t n)
{
    if (n == 0) n = 1;
    if (n > (size_t)-1 - (LLMG__FIXED_ALIGN - 1)) return 0;
    return (n + (LLMG__FIXED_ALIGN - 1)) & ~(size_t)(LLMG__FIXED_ALIGN - 1);
}

LLMG_API void llmg_fixed_init(llmg_fixed *f, void *buf, size_t cap)
{
    uintptr_t at = (uintptr_t)buf, aligned;
    size_t skip;
    memset(f, 0, sizeof *f);
    if (!buf) return;
    aligned = (at + (LLMG__FIXED_ALIGN - 1)) & ~(uintptr_t)(LLMG__FIXED_ALIGN - 1);
    skip = (size_t)(aligned - at);
    if (cap < skip + LLMG__FIXED_ALIGN) return;
    f->_base = (unsigned char *)buf + skip;
    f->_cap = (cap - skip) & ~(size_t)(LLMG__FIXED_ALIGN - 1);
    f->_free = f->_base;
    ((llmg__fixed_node *)f->_free)->size = f->_cap;
    ((llmg__fixed_node *)f->_free)->next = NULL;
}

static void *llmg__fixed_alloc(void *user, size_t size)
{
    llmg_fixed *f = (llmg_fixed *)user;
    llmg__fixed_node **link = (llmg__fixed_node **)&f->_free, *n;
    size_t need = llmg__fixed_round(size);
    for (n = *link; need && n; link = &n->next, n = n->next) {
        if (n->size < need) continue;
        if (n->size - need >= LLMG__FIXED_ALIGN) {
            llmg__fixed_node *rest = (llmg__fixed_node *)((unsigned char *)n + need);
            rest->size = n->size - need;
            rest->next = n->next;
            *link = rest;
        } else {
            need = n->size;
            *link = n->next;
        }
        f->used += need;
        if (f->used > f->peak) f->peak = f->used;
        return n;
    }
    f->failures++;
    return NULL;
}

static void llmg__fixed_free(void *user, void *ptr, size_t size)
{
    llmg_fixed *f = (llmg_fixed *)user;
    llmg__fixed_node **link = (llmg__fixed_node **)&f->_free, *prev = NULL, *n;
    llmg__fixed_node *b = (llmg__fixed_node *)ptr;
    size_t sz = llmg__fixed_round(size);
    if (!ptr) return;
    LLMG_ASSERT((unsigned char *)ptr >= f->_base && (unsigned char *)ptr < f->_base + f->_cap);
    while (*link && (unsigned char *)*link < (unsigned char *)b) {
        prev = *link;
        link = &(*link)->next;
    }
    n = *link;
    b->size = sz;
    b->next = n;
    *link = b;
    f->used -= sz <= f->used ? sz : f->used;
    if (n && (unsigned char *)b + b->size == (unsigned char *)n) {
        b->size += n->size;
        b->next = n->next;
    }
    if (prev && (unsigned char *)prev + prev->size == (unsigned char *)b) {
        prev->size += b->size;
        prev->next = b->next;
    }
}

static void *llmg__fixed_realloc(void *user, void *ptr, size_t old, size_t size)
{
    llmg_fixed *f = (llmg_fixed *)user;
    size_t have = llmg__fixed_round(old), need = llmg__fixed_round(size);
    llmg__fixed_node **link = (llmg__fixed_node **)&f->_free, *n;
    void *q;
    if (!need) { f->failures++; return NULL; }
    if (need <= have) {                          /* shrinking gives the tail back */
        if (need < have) {
            llmg__fixed_free(user, (unsigned char *)ptr + need, have - need);
        }
        return ptr;
    }
    for (n = *link; n && (unsigned char *)n < (unsigned char *)ptr + have; link = &n->next, n = n->next) {}
    if (n && (unsigned char *)n == (unsigned char *)ptr + have && have + n->size >= need) {
        size_t extra = need - have;               /* grow into the free block after it */
        if (n->size - extra >= LLMG__FIXED_ALIGN) {
            llmg__fixed_node *rest = (llmg__fixed_node *)((unsigned char *)n + extra);
            rest->size = n->size - extra;
            rest->next = n->next;
            *link = rest;
        } else {
            extra = n->size;
            *link = n->next;
        }
        f->used += extra;
        if (f->used > f->peak) f->peak = f->used;
        return ptr;
    }
    q = llmg__fixed_alloc(user, size);
    if (!q) return NULL;
    memcpy(q, ptr, old);
    llmg__fixed_free(user, ptr, old);
    return q;
}

LLMG_API llmg_allocator llmg_fixed_allocator(llmg_fixed *f)
{
    llmg_allocator a;
    a.alloc_fn = llmg__fixed_alloc;
    a.realloc_fn = llmg__fixed_realloc;
    a.free_fn = llmg__fixed_free;
    a.user = f;
    return a;
}

/*@@NUM@@*/
/* ---- llmg__num: exact double <-> decimal conversion (private) ----------
 *
 * Formatting: Burger & Dybvig's free-format algorithm (Steele & White /
 * Dragon4 in shortest mode) on exact big integers, run in plain uint64_t
 * arithmetic when the scaled denominator fits in 60 bits (roughly
 * 0.004 <= |v| < 2^53), with a shortcut for integers below 2^53.  Output
 * digits are the shortest that round-trip and, among those, the closest
 * to the exact value (ties to an even last digit), i.e. what David Gay's
 * dtoa mode 0 produces.
 *
 * Parsing: Clinger's fast path when the significand has at most 19 digits,
 * fits in 53 bits and the power of ten is exact; otherwise an exact
 * big-integer quotient/product that yields 62..64 significant bits plus a
 * sticky bit, rounded half-to-even once.  At most 800 significant digits
 * are kept; any further nonzero digits become one extra '1' digit, which is
 * exact for rounding purposes because every halfway point between doubles
 * has at most 767 significant digits.
 *
 * Needs <string.h>, <stdint.h>, <stddef.h>.  IEEE-754 binary64 doubles
 * with the same byte order as uint64_t are assumed.
 * ---------------------------------------------------------------------- */

#ifndef LLMG__UNUSED
#  if defined(__GNUC__) || defined(__clang__)
#    define LLMG__UNUSED __attribute__((unused))
#  else
#    define LLMG__UNUSED
#  endif
#endif

/* Buffer sizes callers must provide. */
#define LLMG__NUM_DOUBLE_MAX 32
#define LLMG__NUM_INT64_MAX_LEN 21

/* Ruby prints an integral double in fixed notation only up to DBL_DIG
   (15) digits: 1e14.to_s == "100000000000000.0" but 1e15.to_s ==
   "1.0e+15" and 9007199254740992.0.to_s == "9.007199254740992e+15"
   (numeric.c flo_to_s; checked against ruby 3.1.2 and its JSON 2.6.1).
   Values with a fractional part use fixed notation whenever the point
   falls inside the digits (decpt < digit count, so up to 16). */
#ifndef LLMG__NUM_INT_FIXED_MAX
#  define LLMG__NUM_INT_FIXED_MAX 15
#endif

/* Significant digits kept by the parser before folding the rest into a
   sticky digit; must be >= 768 for exact rounding. */
#define LLMG__NUM_MAX_SIG 800

/* Limb capacity of a big integer.  Worst case is the parser's division
   (see llmg__num_parse_slow): D has at most 801 digits (2661 bits) and
   the divisor 5^1124 at most 2610 bits; when D is shifted left the
   dividend has 32 * (divisor limbs) + 63 bits <= 84 limbs, when the
   divisor is shifted instead it has at most 2661 + 31 bits = 85 limbs;
   the division wants one spare limb on top, so 86.  Tests observed 85.
   The formatter needs at most 35 limbs. */
#define LLMG__NUM_BIG_LIMBS 90

/* Test hook: lets a test observe the largest limb count ever used. */
#ifndef LLMG__NUM_TRACK
#  define LLMG__NUM_TRACK(n) ((void)0)
#endif

/* Tests define LLMG__NUM_FORCE_SLOW to push every conversion through the
   exact big-integer code. */
#ifdef LLMG__NUM_FORCE_SLOW
#  define LLMG__NUM_SHORTCUTS 0
#  define LLMG__NUM_NO_FAST_PATH 1
#else
#  define LLMG__NUM_SHORTCUTS 1
#endif

/* x87 evaluation (FLT_EVAL_METHOD 2) would double-round Clinger's fast
   path, so it is disabled there. */
#if defined(__FLT_EVAL_METHOD__) && !defined(LLMG__NUM_NO_FAST_PATH)
#  if __FLT_EVAL_METHOD__ != 0 && __FLT_EVAL_METHOD__ != 1
#    define LLMG__NUM_NO_FAST_PATH 1
#  endif
#endif

typedef struct llmg__num_big {
    int n;                               /* limbs in use; top limb nonzero */
    uint32_t d[LLMG__NUM_BIG_LIMBS];     /* little-endian base 2^32 */
} llmg__num_big;

LLMG__UNUSED static const uint32_t llmg__num_pow5_u32[14] = {
    1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u,
    9765625u, 48828125u, 244140625u, 1220703125u
};

LLMG__UNUSED static const uint32_t llmg__num_pow10_u32[10] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
    100000000u, 1000000000u
};

/* Exactly representable powers of ten for Clinger's fast path. */
LLMG__UNUSED static const double llmg__num_pow10_dbl[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* ---------------------------------------------------------------------- */
/* big integer helpers                                                    */

LLMG__UNUSED static void llmg__num_big_set_u64(llmg__num_big *b, uint64_t v)
{
    b->d[0] = (uint32_t)v;
    b->d[1] = (uint32_t)(v >> 32);
    b->n = (v >> 32) != 0 ? 2 : (v != 0 ? 1 : 0);
}

/* b = b * m + add */
LLMG__UNUSED static void llmg__num_big_muladd(llmg__num_big *b, uint32_t m,
                                              uint32_t add)
{
    uint64_t carry = add;
    int i;
    for (i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->d[i] * m + carry;
        b->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry != 0) {
        b->d[b->n] = (uint32_t)carry;
        b->n++;
        LLMG__NUM_TRACK(b->n);
    }
}

LLMG__UNUSED static void llmg__num_big_mul_pow5(llmg__num_big *b, int e)
{
    while (e >= 13) {
        llmg__num_big_muladd(b, 1220703125u, 0u);
        e -= 13;
    }
    if (e > 0)
        llmg__num_big_muladd(b, llmg__num_pow5_u32[e], 0u);
}

/* b <<= sh (sh >= 0) */
LLMG__UNUSED static void llmg__num_big_shl(llmg__num_big *b, int sh)
{
    int w = sh >> 5;
    unsigned bits = (unsigned)sh & 31u;
    int i;
    if (b->n == 0 || sh == 0)
        return;
    if (bits == 0) {
        for (i = b->n - 1; i >= 0; i--)
            b->d[i + w] = b->d[i];
        b->n += w;
    } else {
        uint32_t top = b->d[b->n - 1] >> (32u - bits);
        for (i = b->n - 1; i > 0; i--)
            b->d[i + w] = (b->d[i] << bits) | (b->d[i - 1] >> (32u - bits));
        b->d[w] = b->d[0] << bits;
        b->n += w;
        if (top != 0) {
            b->d[b->n] = top;
            b->n++;
        }
    }
    for (i = 0; i < w; i++)
        b->d[i] = 0;
    LLMG__NUM_TRACK(b->n);
}

LLMG__UNUSED static int llmg__num_big_cmp(const llmg__num_big *a,
                                          const llmg__num_big *b)
{
    int i;
    if (a->n != b->n)
        return a->n > b->n ? 1 : -1;
    for (i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] > b->d[i] ? 1 : -1;
    return 0;
}

/* Compares a + b with c without modifying them. */
LLMG__UNUSED static int llmg__num_big_cmp_sum(const llmg__num_big *a,
                                              const llmg__num_big *b,
                                              const llmg__num_big *c)
{
    uint32_t sum[LLMG__NUM_BIG_LIMBS + 1];
    const llmg__num_big *lo, *hi;
    uint64_t carry = 0;
    int i, n;
    if (a->n >= b->n) { hi = a; lo = b; } else { hi = b; lo = a; }
    /* a + b has hi->n or hi->n + 1 limbs; quick reject on sizes */
    if (hi->n > c->n)
        return 1;
    if (hi->n + 1 < c->n)
        return -1;
    for (i = 0; i < lo->n; i++) {
        uint64_t t = (uint64_t)hi->d[i] + lo->d[i] + carry;
        sum[i] = (uint32_t)t;
        carry = t >> 32;
    }
    for (; i < hi->n; i++) {
        uint64_t t = (uint64_t)hi->d[i] + carry;
        sum[i] = (uint32_t)t;
        carry = t >> 32;
    }
    n = hi->n;
    if (carry != 0)
        sum[n++] = (uint32_t)carry;
    if (n != c->n)
        return n > c->n ? 1 : -1;
    for (i = n - 1; i >= 0; i--)
        if (sum[i] != c->d[i])
            return sum[i] > c->d[i] ? 1 : -1;
    return 0;
}

/* a -= q * b, requires a >= q * b; q small. */
LLMG__UNUSED static void llmg__num_big_submul(llmg__num_big *a,
                                              const llmg__num_big *b,
                                              uint32_t q)
{
    uint64_t carry = 0, borrow = 0;
    int i;
    for (i = 0; i < b->n; i++) {
        uint64_t p = (uint64_t)b->d[i] * q + carry;
        uint64_t t = (uint64_t)a->d[i] - (p & 0xFFFFFFFFu) - borrow;
        carry = p >> 32;
        a->d[i] = (uint32_t)t;
        borrow = t >> 63;
    }
    borrow += carry;
    for (; borrow != 0 && i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] - borrow;
        a->d[i] = (uint32_t)t;
        borrow = t >> 63;
    }
    while (a->n > 0 && a->d[a->n - 1] == 0)
        a->n--;
}

LLMG__UNUSED static int llmg__num_bitlen64(uint64_t v)
{
    int n = 0;
    while (v >= 0x10000u) { v >>= 16; n += 16; }
    while (v != 0) { v >>= 1; n++; }
    return n;
}

LLMG__UNUSED static int llmg__num_big_bitlen(const llmg__num_big *b)
{
    if (b->n == 0)
        return 0;
    return (b->n - 1) * 32 + llmg__num_bitlen64(b->d[b->n - 1]);
}

/* floor(b / 2^sh) truncated to 64 bits; callers guarantee it fits. */
LLMG__UNUSED static uint64_t llmg__num_big_shr64(const llmg__num_big *b, int sh)
{
    int w = sh >> 5, i;
    unsigned bits = (unsigned)sh & 31u;
    uint64_t r = 0;
    /* gather up to three limbs starting at limb w */
    for (i = 2; i >= 0; i--) {
        uint64_t limb = (w + i < b->n) ? b->d[w + i] : 0u;
        if (i == 2)
            r = bits != 0 ? (limb << (64u - bits)) : 0u;
        else if (i == 1)
            r |= bits != 0 ? (limb << (32u - bits)) : (limb << 32);
        else
            r |= limb >> bits;
    }
    return r;
}

/* Knuth's algorithm D specialised to a quotient below 2^64.
   a: dividend, replaced by the remainder; b: divisor with at least two
   limbs and the top bit of its top limb set; requires a < b * 2^64.
   *nonzero_rem receives whether the remainder is nonzero. */
LLMG__UNUSED static uint64_t llmg__num_big_div64(llmg__num_big *a,
                                                 const llmg__num_big *b,
                                                 int *nonzero_rem)
{
    uint32_t qd[3] = {0u, 0u, 0u};
    uint32_t *u = a->d;
    const uint32_t *v = b->d;
    int nb = b->n, m = a->n - b->n, j, i;
    if (m < 0) {
        *nonzero_rem = a->n != 0;
        return 0;
    }
    if (m > 2)
        m = 2; /* cannot happen when a < b * 2^64 */
    u[a->n] = 0; /* spare limb, guaranteed by LLMG__NUM_BIG_LIMBS */
    LLMG__NUM_TRACK(a->n + 1);
    for (j = m; j >= 0; j--) {
        uint64_t num = ((uint64_t)u[j + nb] << 32) | u[j + nb - 1];
        uint64_t qhat = num / v[nb - 1];
        uint64_t rhat = num % v[nb - 1];
        uint64_t carry = 0, borrow = 0, t;
        while (qhat > 0xFFFFFFFFu ||
               qhat * v[nb - 2] > ((rhat << 32) | u[j + nb - 2])) {
            qhat--;
            rhat += v[nb - 1];
            if (rhat > 0xFFFFFFFFu)
                break;
        }
        for (i = 0; i < nb; i++) {
            uint64_t p = qhat * v[i] + carry;
            carry = p >> 32;
            t = (uint64_t)u[i + j] - (p & 0xFFFFFFFFu) - borrow;
            u[i + j] = (uint32_t)t;
            borrow = t >> 63;
        }
        t = (uint64_t)u[j + nb] - carry - borrow;
        u[j + nb] = (uint32_t)t;
        if ((t >> 63) != 0) {
            /* qhat was one too large: add the divisor back */
            uint64_t c = 0;
            qhat--;
            for (i = 0; i < nb; i++) {
                uint64_t s2 = (uint64_t)u[i + j] + v[i] + c;
                u[i + j] = (uint32_t)s2;
                c = s2 >> 32;
            }
            u[j + nb] = (uint32_t)(u[j + nb] + c);
        }
        qd[j] = (uint32_t)qhat;
    }
    a->n = nb;
    while (a->n > 0 && a->d[a->n - 1] == 0)
        a->n--;
    *nonzero_rem = a->n != 0;
    return ((uint64_t)qd[1] << 32) | qd[0];
}

/* floor(e * log10(2)) for |e| <= 1200 (checked exhaustively offline);
   written without right-shifting negative numbers. */
LLMG__UNUSED static int llmg__num_floor_log10_pow2(int e)
{
    int64_t p = (int64_t)e * 1292913986;
    if (p >= 0)
        return (int)(p / 4294967296LL);
    return -(int)((-p + 4294967295LL) / 4294967296LL);
}

/* ---------------------------------------------------------------------- */
/* formatting                                                             */

/* Ends digit generation: picks the last digit q or q + 1.  tc1: the
   prefix with q is inside the rounding interval, tc2: with q + 1; cmp2:
   sign of 2 * remainder - s (which of the two is closer). */
LLMG__UNUSED static char llmg__num_last_digit(uint64_t q, int tc1, int tc2,
                                              int cmp2)
{
    if (tc1 && tc2) {
        /* both round-trip: take the closer one, ties to an even digit */
        if (cmp2 > 0 || (cmp2 == 0 && (q & 1u) != 0))
            q++;
    } else if (tc2) {
        q++;
    }
    /* q + 1 <= 9 here: otherwise the previous prefix plus one unit would
       already have been inside the interval */
    return (char)('0' + (int)q);
}

/* Shortest round-trip digits of mant * 2^e (mant > 0).  Writes the digits
   (no trailing zeros) to dig, returns their count and sets *decpt so that
   the value is 0.DIGITS * 10^decpt.  `asym` says the gap below is half the
   gap above (normalised power of two).
   Stack: five big integers of 364 bytes (about 2.1 KiB measured at -O0)
   plus cmp_sum's 0.35 KiB scratch; with the callers, about 2.7 KiB is the
   deepest this file goes. */
LLMG__UNUSED static int llmg__num_dragon4(uint64_t mant, int e, int asym,
                                          char *dig, int *decpt)
{
    llmg__num_big r, s, mp, mm_store;
    llmg__num_big *mm;
    int even = (mant & 1u) == 0;
    int k, nd = 0, sbits, shift;
    int pr, ps, pmm, common;
    uint64_t s64;

    /* v = r / s, upper gap mp / s, lower gap mm / s (the gaps are half
       ulps).  Before scaling by 10^k:
         r = mant * 2^(1 + asym + e), s = 2^(1 + asym), mp = 2^(asym + e),
         mm = 2^e;
       negative powers move to the other side of the fraction.  Scaling
       by 10^-k = 5^-k * 2^-k is done the same way, and the common power
       of two is cancelled so the integers stay as small as possible. */
    k = llmg__num_floor_log10_pow2(e + llmg__num_bitlen64(mant) - 1) + 1;
    /* k never exceeds the decimal exponent of v and is at most two below
       the final one; the loop further down raises it. */
    pr = 1 + asym + (e > 0 ? e : 0) + (k < 0 ? -k : 0);
    ps = 1 + asym + (e < 0 ? -e : 0) + (k > 0 ? k : 0);
    pmm = (e > 0 ? e : 0) + (k < 0 ? -k : 0);
    common = pmm < ps ? pmm : ps;
    pr -= common;
    ps -= common;
    pmm -= common;

    llmg__num_big_set_u64(&s, 1u);
    llmg__num_big_set_u64(&mp, 1u);
    if (k >= 0) {
        llmg__num_big_mul_pow5(&s, k);
        llmg__num_big_set_u64(&r, mant);
    } else {
        llmg__num_big_mul_pow5(&mp, -k);
        r = mp;
        if (mant >> 32) {
            /* r = 5^-k * mant, mant split in 32-bit halves */
            llmg__num_big lo = mp;
            llmg__num_big_muladd(&r, (uint32_t)(mant >> 32), 0u);
            llmg__num_big_shl(&r, 32);
            llmg__num_big_muladd(&lo, (uint32_t)mant, 0u);
            {
                uint64_t c = 0;
                int i;
                for (i = 0; i < r.n; i++) {
                    uint64_t t = (uint64_t)r.d[i] + (i < lo.n ? lo.d[i] : 0u) + c;
                    r.d[i] = (uint32_t)t;
                    c = t >> 32;
                }
                if (c != 0) {
                    r.d[r.n] = (uint32_t)c;
                    r.n++;
                }
            }
        } else {
            llmg__num_big_muladd(&r, (uint32_t)mant, 0u);
        }
    }
    llmg__num_big_shl(&r, pr);
    llmg__num_big_shl(&s, ps);
    if (asym) {
        mm_store = mp;
        mm = &mm_store;
        llmg__num_big_shl(mm, pmm);
        llmg__num_big_shl(&mp, pmm + 1);
    } else {
        mm = &mp;
        llmg__num_big_shl(&mp, pmm);
    }

    /* Raise k until the upper end of the rounding interval is below 10^k
       (or at it, when that end is itself excluded). */
    for (;;) {
        int c = llmg__num_big_cmp_sum(&r, &mp, &s);
        if (even ? c >= 0 : c > 0) {
            llmg__num_big_muladd(&s, 10u, 0u);
            k++;
        } else {
            break;
        }
    }
    *decpt = k;

    sbits = llmg__num_big_bitlen(&s);
    if (LLMG__NUM_SHORTCUTS && sbits <= 60) {
        /* Everything fits in 64 bits: r < s, mp < s until the loop ends,
           so ten times any of them stays below 2^64. */
        uint64_t r1 = llmg__num_big_shr64(&r, 0);
        uint64_t s1 = llmg__num_big_shr64(&s, 0);
        uint64_t mp1 = llmg__num_big_shr64(&mp, 0);
        uint64_t mm1 = llmg__num_big_shr64(mm, 0);
        for (;;) {
            uint64_t q;
            int tc1, tc2;
            r1 *= 10u;
            mp1 *= 10u;
            mm1 *= 10u;
            q = r1 / s1;
            r1 %= s1;
            tc1 = even ? r1 <= mm1 : r1 < mm1;
            tc2 = even ? mp1 >= s1 - r1 : mp1 > s1 - r1;
            if (!tc1 && !tc2 && nd < 19) {
                dig[nd++] = (char)('0' + (int)q);
                continue;
            }
            dig[nd++] = llmg__num_last_digit(q, tc1, tc2,
                                             2u * r1 > s1 ? 1 : (2u * r1 == s1 ? 0 : -1));
            break;
        }
    } else {
        /* s is fixed from here on: precompute its top 60 bits so each
           digit costs one 64-bit division plus at most one correction. */
        shift = sbits - 60;
        s64 = llmg__num_big_shr64(&s, shift);
        for (;;) {
            uint64_t q;
            int tc1, tc2, c;
            llmg__num_big_muladd(&r, 10u, 0u);
            llmg__num_big_muladd(&mp, 10u, 0u);
            if (mm != &mp)
                llmg__num_big_muladd(mm, 10u, 0u);
            q = llmg__num_big_shr64(&r, shift) / (s64 + 1u);
            if (q > 9u)
                q = 9u; /* cannot happen since r < 10 s */
            if (q != 0)
                llmg__num_big_submul(&r, &s, (uint32_t)q);
            if (llmg__num_big_cmp(&r, &s) >= 0) {
                llmg__num_big_submul(&r, &s, 1u);
                q++;
            }
            c = llmg__num_big_cmp(&r, mm);
            tc1 = even ? c <= 0 : c < 0;
            c = llmg__num_big_cmp_sum(&r, &mp, &s);
            tc2 = even ? c >= 0 : c > 0;
            if (!tc1 && !tc2 && nd < 19) {
                dig[nd++] = (char)('0' + (int)q);
                continue;
            }
            c = 0;
            if (tc1 && tc2)
                c = llmg__num_big_cmp_sum(&r, &r, &s);
            dig[nd++] = llmg__num_last_digit(q, tc1, tc2, c);
            break;
        }
    }
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    return nd;
}

/* Shortest digits of a positive finite double given its fields. */
LLMG__UNUSED static int llmg__num_shortest(uint32_t biased, uint64_t frac,
                                           char *dig, int *decpt)
{
    uint64_t mant;
    int e;
    if (biased == 0) {
        mant = frac;
        e = -1074;
    } else {
        mant = frac | ((uint64_t)1 << 52);
        e = (int)biased - 1075;
    }
    /* Integers below 2^53: their gap is at most 1/2, so no other decimal
       with as few digits is in range; the digits are the integer's own. */
    if (LLMG__NUM_SHORTCUTS && e < 0 && e >= -52 &&
        (mant & (((uint64_t)1 << -e) - 1u)) == 0) {
        uint64_t iv = mant >> -e;
        char tmp[20];
        int n = 0, i, z;
        while (iv != 0) {
            tmp[n++] = (char)('0' + (int)(iv % 10u));
            iv /= 10u;
        }
        *decpt = n;
        z = 0;
        while (z < n - 1 && tmp[z] == '0')
            z++;
        for (i = 0; i < n - z; i++)
            dig[i] = tmp[n - 1 - i];
        return n - z;
    }
    return llmg__num_dragon4(mant, e, (frac == 0 && biased > 1) ? 1 : 0,
                             dig, decpt);
}

/* Ruby's Float#to_s.  buf needs LLMG__NUM_DOUBLE_MAX bytes; the longest
   output is 24 characters ("-1.2345678901234567e-308").  A NUL is
   written after the text.  v must be finite. */
LLMG__UNUSED static size_t llmg__num_format_double(double v, char *buf)
{
    uint64_t bits;
    uint32_t biased;
    uint64_t frac;
    char dig[24];
    int nd, decpt, i;
    char *p = buf;

    dig[0] = '0'; /* silences a false maybe-uninitialized warning */

    memcpy(&bits, &v, sizeof bits);
    biased = (uint32_t)(bits >> 52) & 0x7FFu;
    frac = bits & 0xFFFFFFFFFFFFFull;
    if ((bits >> 63) != 0)
        *p++ = '-';
    if (biased == 0 && frac == 0) {
        memcpy(p, "0.0", 4);
        return (size_t)(p - buf) + 3u;
    }
    nd = llmg__num_shortest(biased, frac, dig, &decpt);

    /* Ruby's flo_to_s: fixed notation when the point falls inside the
       digits, or for integral values with at most LLMG__NUM_INT_FIXED_MAX
       digits; "0.000ddd" down to three zeros; exponent form otherwise. */
    if (decpt > 0 && (decpt < nd || decpt <= LLMG__NUM_INT_FIXED_MAX)) {
        if (nd <= decpt) {
            memcpy(p, dig, (size_t)nd);
            p += nd;
            for (i = nd; i < decpt; i++)
                *p++ = '0';
            *p++ = '.';
            *p++ = '0';
        } else {
            memcpy(p, dig, (size_t)decpt);
            p += decpt;
            *p++ = '.';
            memcpy(p, dig + decpt, (size_t)(nd - decpt));
            p += nd - decpt;
        }
    } else if (decpt > -4 && decpt <= 0) {
        *p++ = '0';
        *p++ = '.';
        for (i = 0; i < -decpt; i++)
            *p++ = '0';
        memcpy(p, dig, (size_t)nd);
        p += nd;
    } else {
        int x = decpt - 1;
        *p++ = dig[0];
        *p++ = '.';
        if (nd > 1) {
            memcpy(p, dig + 1, (size_t)(nd - 1));
            p += nd - 1;
        } else {
            *p++ = '0';
        }
        *p++ = 'e';
        if (x < 0) {
            *p++ = '-';
            x = -x;
        } else {
            *p++ = '+';
        }
        if (x >= 100) {
            *p++ = (char)('0' + x / 100);
            x %= 100;
        }
        *p++ = (char)('0' + x / 10);
        *p++ = (char)('0' + x % 10);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* ---------------------------------------------------------------------- */
/* parsing                                                                */

/* Rounds (q + f) * 2^bexp to a double, where 0 <= f < 1 and f != 0 iff
   sticky; q has at least 54 significant bits or no bits below them.
   Returns 1 on overflow. */
LLMG__UNUSED static int llmg__num_round_pack(uint64_t q, int bexp, int sticky,
                                             int neg, double *out)
{
    uint64_t m, bits;
    int t = llmg__num_bitlen64(q);
    int e2 = t - 1 + bexp; /* floor(log2(value)) */
    int lsb, drop;
    if (q == 0) {
        m = 0;
        lsb = -1074;
    } else {
        if (e2 > 1023)
            goto overflow;
        lsb = e2 - 52 < -1074 ? -1074 : e2 - 52;
        drop = lsb - bexp;
        if (drop <= 0) {
            m = q << -drop;
        } else if (drop > 64) {
            m = 0; /* below a quarter of the smallest subnormal */
        } else {
            uint64_t rem, half;
            int up;
            if (drop == 64) {
                m = 0;
                rem = q;
            } else {
                m = q >> drop;
                rem = q & (((uint64_t)1 << drop) - 1u);
            }
            half = (uint64_t)1 << (drop - 1);
            up = rem > half || (rem == half && (sticky || (m & 1u) != 0));
            if (up)
                m++;
            if (m == ((uint64_t)1 << 53)) {
                m >>= 1;
                lsb++;
            }
        }
        if (lsb + 52 > 1023)
            goto overflow;
    }
    if (m >= ((uint64_t)1 << 52))
        bits = ((uint64_t)(lsb + 52 + 1023) << 52) | (m & 0xFFFFFFFFFFFFFull);
    else
        bits = m;
    if (neg)
        bits |= (uint64_t)1 << 63;
    memcpy(out, &bits, sizeof bits);
    return 0;
overflow:
    bits = (uint64_t)0x7FF << 52;
    if (neg)
        bits |= (uint64_t)1 << 63;
    memcpy(out, &bits, sizeof bits);
    return 1;
}

/* Exact conversion of D * 10^e10, where D is given by `m` significant
   digits starting at s[pos] (a '.' is skipped) optionally followed by one
   extra '1' digit (`extra_one`).  Stack: two big integers, about 0.9 KiB
   measured at -O0. */
LLMG__UNUSED static int llmg__num_parse_slow(const char *s, size_t pos,
                                             size_t m, int extra_one,
                                             int64_t decpt, int neg,
                                             double *out)
{
    llmg__num_big a, b;
    uint32_t chunk = 0;
    int cnt = 0, e10, sticky = 0, bexp;
    uint64_t q;
    size_t left = m;

    a.n = 0;
    while (left != 0) {
        char c = s[pos++];
        if (c < '0' || c > '9')
            continue;
        chunk = chunk * 10u + (uint32_t)(c - '0');
        cnt++;
        left--;
        if (cnt == 9) {
            llmg__num_big_muladd(&a, 1000000000u, chunk);
            chunk = 0;
            cnt = 0;
        }
    }
    if (extra_one) {
        chunk = chunk * 10u + 1u;
        cnt++;
    }
    if (cnt != 0)
        llmg__num_big_muladd(&a, llmg__num_pow10_u32[cnt], chunk);
    /* m <= 801 and -324 < decpt < 310, so this fits easily */
    e10 = (int)(decpt - (int64_t)(m + (size_t)extra_one));

    if (e10 >= 0) {
        int nb;
        llmg__num_big_mul_pow5(&a, e10);
        nb = llmg__num_big_bitlen(&a);
        if (nb > 64) {
            int sh = nb - 64, i;
            q = llmg__num_big_shr64(&a, sh);
            for (i = 0; i < (sh >> 5) && !sticky; i++)
                sticky = a.d[i] != 0;
            if (!sticky && (sh & 31) != 0)
                sticky = (a.d[sh >> 5] & ((1u << (sh & 31)) - 1u)) != 0;
            bexp = e10 + sh;
        } else {
            q = llmg__num_big_shr64(&a, 0) << (64 - nb);
            bexp = e10 - (64 - nb);
        }
    } else {
        int bd, bp, sh, za, zb;
        llmg__num_big_set_u64(&b, 1u);
        llmg__num_big_mul_pow5(&b, -e10);
        bd = llmg__num_big_bitlen(&a);
        bp = llmg__num_big_bitlen(&b);
        /* quotient D * 2^sh / 5^-e10 lies in (2^62, 2^64) */
        sh = 63 + bp - bd;
        zb = sh < 0 ? -sh : 0;
        zb += (32 - (bp + zb) % 32) % 32; /* normalise the divisor */
        if (bp + zb <= 32)
            zb += 32; /* division needs a divisor of two limbs or more */
        za = zb + sh;
        llmg__num_big_shl(&a, za);
        llmg__num_big_shl(&b, zb);
        q = llmg__num_big_div64(&a, &b, &sticky);
        bexp = e10 - sh;
    }
    return llmg__num_round_pack(q, bexp, sticky, neg, out);
}

/* Correctly rounded JSON number lexeme -> double.  Returns 1 on overflow
   (*out = +-inf), else 0.  Linear time, fixed memory (about 1.3 KiB of
   stack in the slow path, measured at -O0). */
LLMG__UNUSED static int llmg__num_parse_double(const char *s, size_t len,
                                               double *out)
{
    size_t i = 0, int_beg, int_end, frac_beg, frac_end;
    size_t first = 0, last = 0, n, j;
    int neg = 0, found = 0;
    int64_t ev = 0, decpt;
    uint64_t bits;

    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    int_beg = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    int_end = i;
    frac_beg = frac_end = i;
    if (i < len && s[i] == '.') {
        i++;
        frac_beg = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_end = i;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        /* saturate: beyond 10^17 the result is 0 or inf for any input
           that fits in memory */
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (ev < 100000000000000000LL)
                ev = ev * 10 + (s[i] - '0');
            i++;
        }
        if (eneg)
            ev = -ev;
    }

    /* first and last nonzero digit; decpt places the point before the
       first one: value = 0.d1d2... * 10^decpt */
    for (j = int_beg; j < int_end; j++)
        if (s[j] != '0') {
            first = j;
            found = 1;
            break;
        }
    if (found) {
        decpt = (int64_t)(int_end - first);
    } else {
        for (j = frac_beg; j < frac_end; j++)
            if (s[j] != '0') {
                first = j;
                found = 1;
                break;
            }
        decpt = -(int64_t)(j - frac_beg);
    }
    if (!found) {
        bits = neg ? (uint64_t)1 << 63 : 0u;
        memcpy(out, &bits, sizeof bits);
        return 0;
    }
    for (j = frac_end; j > frac_beg; j--)
        if (s[j - 1] != '0')
            break;
    if (j > frac_beg) {
        last = j - 1;
    } else {
        for (j = int_end; j > int_beg; j--)
            if (s[j - 1] != '0')
                break;
        last = j - 1;
    }
    /* digits from first to last, not counting a '.' between them */
    n = last - first + 1;
    if (first < int_end && last >= frac_beg && frac_beg > int_end)
        n--;
    decpt += ev;

#ifndef LLMG__NUM_NO_FAST_PATH
    if (n <= 19) {
        uint64_t w = 0;
        int64_t e10 = decpt - (int64_t)n;
        for (j = first; j <= last; j++)
            if (s[j] != '.')
                w = w * 10u + (uint64_t)(s[j] - '0');
        if (w <= ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22 + 15) {
            double d;
            int ok = 1;
            if (e10 > 22) {
                /* move the excess power into w when that stays exact */
                int x = (int)e10 - 22;
                while (x-- > 0 && ok) {
                    w *= 10u;
                    ok = w <= ((uint64_t)1 << 53);
                }
                e10 = 22;
            }
            if (ok) {
                d = (double)w;
                if (e10 >= 0)
                    d *= llmg__num_pow10_dbl[e10];
                else
                    d /= llmg__num_pow10_dbl[-e10];
                if (neg)
                    d = -d;
                *out = d;
                return 0;
            }
        }
    }
#endif
    if (decpt >= 310) {
        /* value >= 10^309 */
        return llmg__num_round_pack(1u, 2000, 0, neg, out);
    }
    if (decpt <= -324) {
        /* value < 10^-324, below half the smallest subnormal */
        return llmg__num_round_pack(0u, 0, 0, neg, out);
    }
    if (n > LLMG__NUM_MAX_SIG)
        return llmg__num_parse_slow(s, first, LLMG__NUM_MAX_SIG, 1, decpt,
                                    neg, out);
    return llmg__num_parse_slow(s, first, n, 0, decpt, neg, out);
}

/* ---------------------------------------------------------------------- */
/* int64                                                                  */

/* Integer lexeme -> int64.  Returns 0 when it does not fit or is not a
   plain integer. */
LLMG__UNUSED static int llmg__num_parse_int64(const char *s, size_t len,
                                              int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t acc = 0, limit;
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    if (i == len)
        return 0;
    limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1u;
    for (; i < len; i++) {
        unsigned dgt;
        if (s[i] < '0' || s[i] > '9')
            return 0;
        dgt = (unsigned)(s[i] - '0');
        if (acc > (limit - dgt) / 10u)
            return 0;
        acc = acc * 10u + dgt;
    }
    if (neg) {
        /* -(acc) without overflowing when acc == 2^63 */
        *out = acc == 0 ? 0 : -(int64_t)(acc - 1u) - 1;
    } else {
        *out = (int64_t)acc;
    }
    return 1;
}

/* int64 -> decimal; buf needs LLMG__NUM_INT64_MAX_LEN (21) bytes.  No NUL
   is written. */
LLMG__UNUSED static size_t llmg__num_format_int64(int64_t v, char *buf)
{
    char tmp[20];
    uint64_t u = (uint64_t)v;
    size_t n = 0, i = 0, k;
    if (v < 0) {
        buf[i++] = '-';
        u = 0u - u;
    }
    do {
        tmp[n++] = (char)('0' + (int)(u % 10u));
        u /= 10u;
    } while (u != 0);
    for (k = 0; k < n; k++)
        buf[i + k] = tmp[n - 1 - k];
    return i + n;
}
/*@@NUMEND@@*/
/* ================================================================ >>impl-json
   One byte-driven state machine (llmg__json_run) validates every document;
   llmg_json_parse runs it over a whole buffer with a document attached, so
   the same code records tokens. Invariants: the machine never looks back
   at earlier bytes, so chunking cannot change a verdict; a container's
   token keeps its parent index while open; strings are scanned in runs.
   Memory: the token array (max_tokens * sizeof(llmg_json_tok)) and a bit
   stack of max_depth bits (inline up to 512 levels).                     */

/* UTF-8 lead byte: how many continuation bytes follow and the range of the
   first one (the WHATWG decoder's bounds, which exclude overlongs,
   surrogates and code points past U+10FFFF). 0 for a byte that cannot
   start a sequence. */
static int llmg__utf8_lead(unsigned c, unsigned char *need, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80; *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) { *need = 1; return 1; }
    if (c >= 0xE0 && c <= 0xEF) {
        *need = 2;
        if (c == 0xE0) *lo = 0xA0;
        if (c == 0xED) *hi = 0x9F;
        return 1;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        *need = 3;
        if (c == 0xF0) *lo = 0x90;
        if (c == 0xF4) *hi = 0x8F;
        return 1;
    }
    return 0;
}

/* The sequence at s (n bytes, s[0] >= 0x80): its length when valid; minus
   the length of its maximal invalid subpart (what one U+FFFD replaces);
   0 when s ends inside a sequence that is valid so far. */
static int llmg__utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char need, lo, hi;
    size_t k;
    if (!llmg__utf8_lead(s[0], &need, &lo, &hi)) return -1;
    for (k = 1; k <= need; k++) {
        if (k >= n) return 0;
        if (s[k] < lo || s[k] > hi) return -(int)k;
        lo = 0x80; hi = 0xBF;
    }
    return (int)need + 1;
}

enum llmg__json_state {
    LLMG__J_VALUE, LLMG__J_VALUE_OR_CLOSE, LLMG__J_KEY, LLMG__J_KEY_OR_CLOSE,
    LLMG__J_COLON, LLMG__J_AFTER, LLMG__J_END,
    LLMG__J_STR, LLMG__J_ESC, LLMG__J_HEX, LLMG__J_LOW_BS, LLMG__J_LOW_U, LLMG__J_UTF8,
    LLMG__J_MINUS, LLMG__J_ZERO, LLMG__J_INT, LLMG__J_DOT, LLMG__J_FRAC,
    LLMG__J_E, LLMG__J_ESIGN, LLMG__J_EXP, LLMG__J_LIT
};

/* _ret while in a string: what it is */
#define LLMG__J_RET_VALUE 0u
#define LLMG__J_RET_KEY   1u
#define LLMG__J_LOW_FLAG  2u             /* a low surrogate escape must follow */

static const char *const llmg__json_lits[3] = { "true", "false", "null" };
static const unsigned char llmg__json_lit_len[3] = { 4, 5, 4 };
static const llmg_json_type llmg__json_lit_type[3] = {
    LLMG_JSON_TRUE, LLMG_JSON_FALSE, LLMG_JSON_NULL
};

/* 1 for a byte a string may hold as it is: printable ASCII but '"' '\\'. */
static const unsigned char llmg__json_plain[256] = {
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    1,1,0,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,0,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
};

/* The index of the lowest set bit of m != 0. */
static size_t llmg__ctz(uint64_t m)
{
#if defined(__GNUC__) || defined(__clang__)
    return (size_t)__builtin_ctzll(m);
#else
    size_t k = 0;
    for (; !(m & 1u); m >>= 1) k++;
    return k;
#endif
}

/* How many bytes from p on are c (is 1) or are not c (is 0): a memchr
   without the call, for short runs. */
static size_t llmg__span(const char *p, size_t n, char c, int is)
{
    size_t i = 0;
#ifdef LLMG__SSE2
    const __m128i cv = _mm_set1_epi8(c);
    for (; n - i >= 16; i += 16) {
        int m = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), cv));
        if (is) m ^= 0xFFFF;
        if (m) return i + llmg__ctz((uint64_t)(unsigned)m);
    }
#endif
    while (i < n && (p[i] == c) == is) i++;
    return i;
}

/* How many bytes from p on a string may hold as they are: sixteen at a
   time with SSE2, then eight at a time while no byte is '"', '\\', below
   0x20 or above 0x7F (the classic "has a byte less than n" word tests:
   exact, never a false "clean"). */
static size_t llmg__json_plain_run(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
#ifdef LLMG__SSE2
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(' ');
    while (n - i >= 16) {                       /* signed: below ' ' and above 0x7F at once */
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                            _mm_cmpeq_epi8(v, bslash)),
                                               _mm_cmplt_epi8(v, space)));
        if (m) return i + llmg__ctz((uint64_t)(unsigned)m);
        i += 16;
    }
#endif
    while (n - i >= 8) {
        uint64_t w, q, b, m;
        memcpy(&w, p + i, 8);
        q = w ^ (ones * 0x22u);
        b = w ^ (ones * 0x5Cu);
        m = (w | ((w - ones * 0x20u) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
        if (m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (llmg__ctz(m) >> 3);      /* the lowest flag is exact */
#else
            break;
#endif
        }
        i += 8;
    }
    while (i < n && llmg__json_plain[p[i]]) i++;
    return i;
}

/* The length of the valid UTF-8 sequence at s (s[0] >= 0x80), as
   llmg__utf8_seq says, the common two- and three-byte forms first. */
static int llmg__utf8_at(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80) return 2;
    } else if (c >= 0xE1 && c <= 0xEF && c != 0xED) {   /* E0, ED: narrower second bytes */
        if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) return 3;
    }
    return llmg__utf8_seq(s, n);
}

/* The byte a one-byte escape \e stands for; 0 when e is not one. */
static const char llmg__json_esc1_tab[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '/',
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
    0, 0, '\b', 0, 0, 0, '\f', 0, 0, 0, 0, 0, 0, 0, '\n', 0,
    0, 0, '\r', 0, '\t', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static char llmg__json_esc1(unsigned e) { return e < 128 ? llmg__json_esc1_tab[e] : 0; }

/* The letter after the backslash that writes the control byte c (a 'u':
   \u00XX); '"' and '\\' are written as themselves after one. */
static const char llmg__json_ctl_esc[33] = "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu";
static const char llmg__hexdig[] = "0123456789abcdef";

/* How many bytes the escape of c ('"', '\\' or a control byte) takes. */
static size_t llmg__json_esc_len(unsigned c)
{
    return c < 0x20 && llmg__json_ctl_esc[c] == 'u' ? 6 : 2;
}

/* Writes the escape of c at d: llmg__json_esc_len(c) bytes. */
static void llmg__json_esc_put(char *d, unsigned c)
{
    char e = c < 0x20 ? llmg__json_ctl_esc[c] : (char)c;
    d[0] = '\\';
    d[1] = e;
    if (e == 'u') {
        d[2] = '0';
        d[3] = '0';
        d[4] = llmg__hexdig[c >> 4];
        d[5] = llmg__hexdig[c & 15];
    }
}

#ifdef LLMG__SSE2
/* The UTF-8 of the sixteen bytes v, which start at a character boundary,
   checked at once: 0 when every sequence that starts in them is valid as
   far as they go, nonzero when one is not (the caller looks byte by
   byte); *leads flags their lead bytes of two to four. In w = v ^ 0x80 a
   lead byte's class is one signed compare: C0.. is above 0x3F, E0.. above
   0x5F, F0.. above 0x6F, and ASCII below 0. */
static unsigned llmg__utf8_check16(__m128i v, unsigned *leads)
{
#define LLMG__B(x) _mm_set1_epi8((char)(x))
#define LLMG__AFTER(lead, bad) _mm_and_si128(_mm_slli_si128(_mm_cmpeq_epi8(v, LLMG__B(lead)), 1), bad)
    __m128i w = _mm_xor_si128(v, LLMG__B(0x80));
    __m128i l2 = _mm_cmpgt_epi8(w, LLMG__B(0x3F)), l3 = _mm_cmpgt_epi8(w, LLMG__B(0x5F));
    __m128i l4 = _mm_cmpgt_epi8(w, LLMG__B(0x6F)), cont = _mm_cmplt_epi8(v, LLMG__B(-64));
    /* a continuation byte where none is due, or none where one is */
    __m128i err = _mm_xor_si128(cont, _mm_or_si128(_mm_slli_si128(l2, 1),
                                                  _mm_or_si128(_mm_slli_si128(l3, 2), _mm_slli_si128(l4, 3))));
    err = _mm_or_si128(err, _mm_andnot_si128(_mm_cmpgt_epi8(w, LLMG__B(0x41)), l2));   /* C0, C1 */
    err = _mm_or_si128(err, _mm_cmpgt_epi8(w, LLMG__B(0x74)));                         /* F5..FF */
    /* the second byte after E0 (A0..BF), ED (80..9F), F0 (90..BF), F4 (80..8F) */
    if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, LLMG__B(0x10)), LLMG__B(0xF0)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, LLMG__B(0xED)),
                                                    _mm_cmpeq_epi8(v, LLMG__B(0xF4)))))) {
        err = _mm_or_si128(err, LLMG__AFTER(0xE0, _mm_cmplt_epi8(v, LLMG__B(-96))));
        err = _mm_or_si128(err, LLMG__AFTER(0xED, _mm_cmpgt_epi8(v, LLMG__B(-97))));
        err = _mm_or_si128(err, LLMG__AFTER(0xF0, _mm_cmplt_epi8(v, LLMG__B(-112))));
        err = _mm_or_si128(err, LLMG__AFTER(0xF4, _mm_cmpgt_epi8(v, LLMG__B(-113))));
    }
#undef LLMG__AFTER
#undef LLMG__B
    *leads = (unsigned)_mm_movemask_epi8(l2);
    return (unsigned)_mm_movemask_epi8(err);
}
#endif

#ifdef LLMG__SSE2
/* The bytes of v a string stops at: '"', '\\' and the control bytes. */
static unsigned llmg__json_stops16(__m128i v)
{
    const __m128i ctl = _mm_set1_epi8(0x1F);
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                     _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl)));
}

/* The first byte in a block of len bytes of a string from p[i] (n in
   all) that is not UTF-8, or of a sequence that goes on past the block:
   i + len for none. m flags where sequences and bytes to stop at begin
   (those bytes are returned too). */
static size_t llmg__json_block_bad(const unsigned char *p, size_t n, size_t i, size_t len, unsigned m)
{
    int k;
    while (m) {
        size_t at = i + llmg__ctz(m);
        if (p[at] < 0x80 || (k = llmg__utf8_at(p + at, n - at)) <= 0 || at + (size_t)k > i + len)
            return at;
        m &= ~0u << (at + (size_t)k - i);
    }
    return i + len;
}

/* In a block of len bytes of a string from p[i], flagged by
   llmg__json_stops16 and llmg__utf8_check16 and shifted to start at i:
   where a string run must look byte by byte, i + len for nowhere. That
   is the first byte to stop at, or of invalid UTF-8 (bad), or a lead
   byte in the last three, whose sequence may go on past the block (a
   byte to stop at would come before it). */
static size_t llmg__json_block_end(const unsigned char *p, size_t n, size_t i, size_t len,
                                   unsigned stop, unsigned bad, unsigned leads)
{
    unsigned m;
    if (bad) return llmg__json_block_bad(p, n, i, len, stop | leads | bad);
    m = stop ? stop : leads & (0xE000u >> (16 - len));
    return m ? i + llmg__ctz(m) : i + len;
}
#endif

/* What llmg__json_copy_run does at a byte it stops at in plain text. */
enum {
    LLMG__RUN_PASS,         /* stops */
    LLMG__RUN_DECODE,       /* takes a one-byte escape \X unescaped (d NULL: passes it) */
    LLMG__RUN_ESCAPE        /* takes '"', '\\' and a control byte escaped */
};

#ifdef LLMG__SSE2
/* The bytes to stop at (m) of the block of sixteen at p[i], taken as
   mode (DECODE or ESCAPE) takes them, without leaving the block: it is
   valid UTF-8 with no sequence going on past it, already stored at
   d + *o, and n - i >= 33. After each escape the rest of the block is
   stored again where it now goes (sixteen bytes at a time: room the rest
   of p holds). Returns how many bytes of p it took, *o where they end:
   past the block (16, or 17 when an escape at its end took the byte
   after it), or up to a byte mode does not take there. The next block
   does not wait for the escapes: its place in p is known. */
static size_t llmg__json_block_take(const unsigned char *p, size_t n, size_t i, char *d,
                                    size_t dlim, size_t *o, unsigned m, int mode)
{
    size_t from = 0, to = *o, next = 16;        /* p[i + from] goes to d[to] */
    while (m) {
        size_t at = llmg__ctz(m), t = to + (at - from);
        unsigned c = p[i + at];
        if (mode == LLMG__RUN_DECODE) {
            char e;
            if (c != '\\' || (e = llmg__json_esc1(p[i + at + 1])) == 0) {
                *o = t;
                return at;
            }
            if (d) {
                d[t] = e;
                _mm_storeu_si128((__m128i *)(void *)(d + t + 1),
                                 _mm_loadu_si128((const __m128i *)(const void *)(p + i + at + 2)));
            }
            from = at + 2;
            to = t + 1;
            m &= ~(3u << at);                   /* the escaped byte is taken too */
            if (at == 15) next = 17;
        } else {
            size_t elen = llmg__json_esc_len(c);
            if (dlim - t < elen + (n - i - at - 1)) {
                *o = t;
                return at;
            }
            llmg__json_esc_put(d + t, c);
            _mm_storeu_si128((__m128i *)(void *)(d + t + elen),
                             _mm_loadu_si128((const __m128i *)(const void *)(p + i + at + 1)));
            from = at + 1;
            to = t + elen;
            m &= m - 1;
        }
    }
    *o = to + (next - from);
    return next;
}
#endif

/* The run of a string's bytes from p[0..n): how many it takes. Plain
   bytes and valid UTF-8 go as they are; it stops at '"', '\\', a control
   byte and a sequence that is invalid or cut short at n, unless mode
   takes the byte (LLMG__RUN_ESCAPE only while the rest of p still fits
   as it is in the room left). What it takes goes to d (NULL: nowhere,
   but not with LLMG__RUN_ESCAPE), *dn (unless NULL) the bytes written. d holds
   dlim >= n bytes; with SSE2 sixteen are stored at a time before they
   are looked at (past the run d may be written over), their UTF-8
   checked at once, byte by byte only around invalid UTF-8. */
static size_t llmg__json_copy_run(const unsigned char *p, size_t n, char *d, size_t dlim,
                                  size_t *dn, int mode)
{
    size_t i = 0, o = 0, r;
    int k;
    /* o + (n - i) <= dlim throughout: the rest of p fits as it is. */
    for (;;) {
        unsigned c;
#ifdef LLMG__SSE2
        if (n - i >= 16) {                      /* sixteen bytes from i */
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            unsigned leads, stop = llmg__json_stops16(v), bad = llmg__utf8_check16(v, &leads);
            if (d) _mm_storeu_si128((__m128i *)(void *)(d + o), v);
            if (!(stop | bad | (leads & 0xE000u))) {
                i += 16;                        /* the common case: a step that does not */
                o += 16;                        /* wait for the flags */
                continue;
            }
            if (!(bad | (leads & 0xE000u)) && mode != LLMG__RUN_PASS && n - i >= 33) {
                r = llmg__json_block_take(p, n, i, d, dlim, &o, stop, mode);
                i += r;
                if (r >= 16) continue;
            } else {
                r = llmg__json_block_end(p, n, i, 16, stop, bad, leads) - i;
                i += r;
                o += r;
                if (r == 16) continue;
            }
        } else if (n >= 16 && i < n) {          /* the last sixteen, back of them taken */
            size_t back = 16 - (n - i);
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
            unsigned leads, stop = llmg__json_stops16(v) >> back, bad = llmg__utf8_check16(v, &leads) >> back;
            r = llmg__json_block_end(p, n, i, n - i, stop, bad, leads >> back) - i;
            if (d) memcpy(d + o, p + i, r);
            i += r;
            o += r;
        } else
#endif
        {
            r = llmg__json_plain_run(p + i, n - i);
            if (d) memcpy(d + o, p + i, r);
            i += r;
            o += r;
        }
        if (i >= n) break;
        c = p[i];
        if (c >= 0x80) {
            if ((k = llmg__utf8_at(p + i, n - i)) <= 0) break;
            if (d) memcpy(d + o, p + i, (size_t)k);
            i += (size_t)k;
            o += (size_t)k;
        } else if (mode == LLMG__RUN_DECODE) {
            char e;
            if (c != '\\' || i + 1 >= n || (e = llmg__json_esc1(p[i + 1])) == 0) break;
            if (d) d[o] = e;
            o++;
            i += 2;
        } else if (mode == LLMG__RUN_ESCAPE) {
            size_t elen = llmg__json_esc_len(c);
            if (dlim - o < elen + (n - i - 1)) break;
            llmg__json_esc_put(d + o, c);
            o += elen;
            i++;
        } else {
            break;
        }
    }
    if (dn) *dn = o;
    return i;
}

/* How many bytes from p on a string hold as they are, valid UTF-8
   included. */
static size_t llmg__json_text_run(const unsigned char *p, size_t n)
{
    return llmg__json_copy_run(p, n, NULL, n, NULL, LLMG__RUN_PASS);
}

/* How many bytes from p on a string holds as whole characters: what
   llmg__json_text_run passes and complete one-byte escapes (it stops
   before a \u escape too). */
static size_t llmg__json_str_run(const unsigned char *p, size_t n)
{
    return llmg__json_copy_run(p, n, NULL, n, NULL, LLMG__RUN_DECODE);
}

LLMG_API llmg_json_opts llmg_json_opts_resolved(const llmg_json_opts *in)
{
    llmg_json_opts o;
    if (in) o = *in; else memset(&o, 0, sizeof o);
    o.max_depth  = LLMG__DEF(o.max_depth, (size_t)512);
    o.max_tokens = LLMG__DEF(o.max_tokens, (size_t)16 * 1024 * 1024);
    if (o.max_tokens > (size_t)UINT32_MAX - 1) o.max_tokens = (size_t)UINT32_MAX - 1;
    return o;
}

static llmg_status llmg__json_fail(llmg_json_stream *s, llmg_status code, const char *msg,
                                   uint64_t at)
{
    s->_err.code = code;
    s->_err.msg = msg;
    s->_err.offset = at;
    s->_err.provider = NULL;
    return code;
}

static unsigned char *llmg__json_stack(llmg_json_stream *s)
{
    return s->_stack.ptr ? (unsigned char *)s->_stack.ptr : s->_stack_inline;
}

/* Opens a container (1 object, 0 array); checks max_depth. */
static llmg_status llmg__json_push(llmg_json_stream *s, unsigned obj, uint64_t at)
{
    size_t d = s->_depth, bytes = d / 8 + 1;
    unsigned char *st;
    if (d >= s->_o.max_depth)
        return llmg__json_fail(s, LLMG_E_LIMIT,
                               LLMG__MSG("json: nesting deeper than opts.max_depth"), at);
    if (bytes > sizeof s->_stack_inline && bytes > s->_stack.len) {
        size_t old = s->_stack.ptr ? s->_stack.len : sizeof s->_stack_inline;
        size_t want = old * 2;
        if (llmg__buf_reserve(&s->_stack, &s->_o.allocator, want - s->_stack.len,
                              (size_t)-1 / 2) != LLMG_OK)
            return llmg__json_fail(s, LLMG_E_NOMEM,
                                   LLMG__MSG("json: out of memory for the nesting stack"), at);
        if (s->_stack.len == 0) memcpy(s->_stack.ptr, s->_stack_inline, sizeof s->_stack_inline);
        s->_stack.len = want;
    }
    st = llmg__json_stack(s);
    if (obj) st[d / 8] = (unsigned char)(st[d / 8] | (1u << (d % 8)));
    else     st[d / 8] = (unsigned char)(st[d / 8] & ~(1u << (d % 8)));
    s->_depth = d + 1;
    return LLMG_OK;
}

/* 1 when the open container at level d (0 outermost) is an object. */
static unsigned llmg__json_level_is_obj(llmg_json_stream *s, size_t d)
{
    return ((unsigned)llmg__json_stack(s)[d / 8] >> (d % 8)) & 1u;
}

static unsigned llmg__json_top_is_obj(llmg_json_stream *s)
{
    return llmg__json_level_is_obj(s, s->_depth - 1);
}

/* Records the start of a token when a document is attached. */
static llmg_status llmg__json_tok_begin(llmg_json_stream *s, uint32_t type, uint64_t at)
{
    llmg_json_doc *doc = (llmg_json_doc *)s->_doc;
    llmg_json_tok *t;
    uint32_t parent;
    if (++s->_tokens > s->_o.max_tokens)
        return llmg__json_fail(s, LLMG_E_LIMIT,
                               LLMG__MSG("json: more tokens than opts.max_tokens"), at);
    if (!doc) return LLMG_OK;
    if (doc->count == doc->_cap) {
        size_t cap = doc->_cap ? doc->_cap * 2 : 16, bytes;
        void *q;
        if (cap > s->_o.max_tokens) cap = s->_o.max_tokens;
        if (!llmg__size_mul(cap, sizeof *doc->toks, &bytes)
            || !(q = llmg__realloc(&doc->_a, doc->toks, doc->_cap * sizeof *doc->toks, bytes)))
            return llmg__json_fail(s, LLMG_E_NOMEM, LLMG__MSG("json: out of memory for tokens"),
                                   at);
        doc->toks = (llmg_json_tok *)q;
        doc->_cap = cap;
    }
    parent = s->_depth ? s->_open : UINT32_MAX;
    t = &doc->toks[doc->count];
    t->type = type;
    t->size = 0;
    t->next = (uint32_t)doc->count + 1;
    t->parent = parent;
    t->start = (size_t)at;
    t->len = 0;
    if (parent != UINT32_MAX && !(type & LLMG_JSON_F_KEY)
        && (doc->toks[parent].type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_ARRAY)
        doc->toks[parent].size++;
    else if (type & LLMG_JSON_F_KEY)
        doc->toks[parent].size++;
    doc->count++;
    return LLMG_OK;
}

/* A scalar ended at offset end (exclusive); back to the container. */
static void llmg__json_value_end(llmg_json_stream *s, uint64_t end)
{
    llmg_json_doc *doc = (llmg_json_doc *)s->_doc;
    if (doc && doc->count) {
        llmg_json_tok *t = &doc->toks[doc->count - 1];
        t->len = (size_t)end - t->start;
    }
    if (s->_depth == 0) {
        s->_state = LLMG__J_END;
        s->_done = 1;
    } else {
        s->_state = LLMG__J_AFTER;
    }
}

/* A string ended (its closing quote is at end - 1). */
static void llmg__json_str_end(llmg_json_stream *s, uint64_t end)
{
    if (s->_ret & LLMG__J_RET_KEY) {
        llmg_json_doc *doc = (llmg_json_doc *)s->_doc;
        if (doc) {
            llmg_json_tok *t = &doc->toks[doc->count - 1];
            t->len = (size_t)end - t->start;
        }
        s->_state = LLMG__J_COLON;
    } else {
        llmg__json_value_end(s, end);
    }
}

/* Closes the innermost container with the byte at offset at. */
static llmg_status llmg__json_close(llmg_json_stream *s, unsigned obj, uint64_t at)
{
    llmg_json_doc *doc = (llmg_json_doc *)s->_doc;
    if (s->_depth == 0 || llmg__json_top_is_obj(s) != obj)
        return llmg__json_fail(s, LLMG_E_SYNTAX,
                               obj ? LLMG__MSG("json: '}' closes an array")
                                   : LLMG__MSG("json: ']' closes an object"), at);
    s->_depth--;
    if (doc) {
        llmg_json_tok *t = &doc->toks[s->_open];
        t->len = (size_t)(at + 1) - t->start;
        t->next = (uint32_t)doc->count;
        s->_open = t->parent;
    }
    if (s->_depth == 0) {
        s->_state = LLMG__J_END;
        s->_done = 1;
    } else {
        s->_state = LLMG__J_AFTER;
    }
    return LLMG_OK;
}

/* The first byte c of a value, at offset at. */
static llmg_status llmg__json_value_start(llmg_json_stream *s, unsigned c, uint64_t at)
{
    llmg_status st;
    switch (c) {
    case '"':
        s->_state = LLMG__J_STR;
        s->_ret = LLMG__J_RET_VALUE;
        return llmg__json_tok_begin(s, LLMG_JSON_STRING, at);
    case '-':
        s->_state = LLMG__J_MINUS;
        return llmg__json_tok_begin(s, LLMG_JSON_NUMBER, at);
    case '0':
        s->_state = LLMG__J_ZERO;
        return llmg__json_tok_begin(s, LLMG_JSON_NUMBER, at);
    case '1': case '2': case '3': case '4': case '5':
    case '6': case '7': case '8': case '9':
        s->_state = LLMG__J_INT;
        return llmg__json_tok_begin(s, LLMG_JSON_NUMBER, at);
    case 't': case 'f': case 'n':
        s->_state = LLMG__J_LIT;
        s->_lit = (unsigned char)(c == 't' ? 0 : c == 'f' ? 1 : 2);
        s->_lit_pos = 1;
        return llmg__json_tok_begin(s, llmg__json_lit_type[s->_lit], at);
    case '[': case '{': {
        unsigned obj = c == '{';
        uint32_t me = s->_doc ? (uint32_t)((llmg_json_doc *)s->_doc)->count : 0;
        st = llmg__json_tok_begin(s, obj ? LLMG_JSON_OBJECT : LLMG_JSON_ARRAY, at);
        if (st != LLMG_OK) return st;
        st = llmg__json_push(s, obj, at);
        if (st != LLMG_OK) return st;
        s->_open = me;
        s->_state = (unsigned char)(obj ? LLMG__J_KEY_OR_CLOSE : LLMG__J_VALUE_OR_CLOSE);
        return LLMG_OK;
    }
    default:
        return llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: expected a value"), at);
    }
}

static int llmg__json_ws(unsigned c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

static int llmg__json_hexval(unsigned c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    return -1;
}

/* The value of the four hex digits at p, or -1 when they are not. */
static long llmg__json_hex4(const unsigned char *p)
{
    int a = llmg__json_hexval(p[0]), b = llmg__json_hexval(p[1]);
    int c = llmg__json_hexval(p[2]), d = llmg__json_hexval(p[3]);
    if ((a | b | c | d) < 0) return -1;
    return (long)a << 12 | (long)b << 8 | (long)c << 4 | (long)d;
}

static void llmg__json_set_flag(llmg_json_stream *s, uint32_t flag)
{
    llmg_json_doc *doc = (llmg_json_doc *)s->_doc;
    if (doc) doc->toks[doc->count - 1].type |= flag;
}

/* Runs the machine over p[0..n). */
static llmg_status llmg__json_run(llmg_json_stream *s, const unsigned char *p, size_t n)
{
    size_t i = 0;
    uint64_t base = s->_pos;
    llmg_status st = LLMG_OK;
    while (i < n) {
        unsigned c = p[i];
        switch ((enum llmg__json_state)s->_state) {
        case LLMG__J_VALUE:
        case LLMG__J_VALUE_OR_CLOSE:
            if (llmg__json_ws(c)) { i++; break; }
            if (c == ']' && s->_state == LLMG__J_VALUE_OR_CLOSE) st = llmg__json_close(s, 0, base + i);
            else st = llmg__json_value_start(s, c, base + i);
            i++;
            break;
        case LLMG__J_KEY:
        case LLMG__J_KEY_OR_CLOSE:
            if (llmg__json_ws(c)) { i++; break; }
            if (c == '"') {
                s->_state = LLMG__J_STR;
                s->_ret = LLMG__J_RET_KEY;
                st = llmg__json_tok_begin(s, LLMG_JSON_STRING | LLMG_JSON_F_KEY, base + i);
            } else if (c == '}' && s->_state == LLMG__J_KEY_OR_CLOSE) {
                st = llmg__json_close(s, 1, base + i);
            } else {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     s->_state == LLMG__J_KEY
                                         ? LLMG__MSG("json: expected a string key")
                                         : LLMG__MSG("json: expected a string key or '}'"),
                                     base + i);
            }
            i++;
            break;
        case LLMG__J_COLON:
            if (llmg__json_ws(c)) { i++; break; }
            if (c == ':') s->_state = LLMG__J_VALUE;
            else st = llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: expected ':'"), base + i);
            i++;
            break;
        case LLMG__J_AFTER: {
            unsigned obj;
            if (llmg__json_ws(c)) { i++; break; }
            obj = llmg__json_top_is_obj(s);
            if (c == ',') s->_state = (unsigned char)(obj ? LLMG__J_KEY : LLMG__J_VALUE);
            else if (c == (obj ? '}' : ']')) st = llmg__json_close(s, obj, base + i);
            else st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                      obj ? LLMG__MSG("json: expected ',' or '}'")
                                          : LLMG__MSG("json: expected ',' or ']'"), base + i);
            i++;
            break;
        }
        case LLMG__J_END:
            if (llmg__json_ws(c)) { i++; break; }
            st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                 LLMG__MSG("json: trailing characters after the document"),
                                 base + i);
            break;
        case LLMG__J_STR:
            i += llmg__json_plain_run(p + i, n - i);
            if (i == n) break;
            c = p[i];
            if (c == '"') {
                i++;
                llmg__json_str_end(s, base + i);
            } else if (c == '\\') {
                llmg__json_set_flag(s, LLMG_JSON_F_ESCAPED);
                s->_state = LLMG__J_ESC;
                i++;
            } else if (c < 0x20) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     LLMG__MSG("json: control character in a string"), base + i);
            } else if (c < 0x80) {
                i++;                             /* 0x7F */
            } else if (!llmg__utf8_lead(c, &s->_u8_need, &s->_u8_lo, &s->_u8_hi)) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: invalid UTF-8"), base + i);
            } else {
                s->_state = LLMG__J_UTF8;
                i++;
            }
            break;
        case LLMG__J_UTF8:
            if (c < s->_u8_lo || c > s->_u8_hi) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: invalid UTF-8"), base + i);
                break;
            }
            s->_u8_lo = 0x80; s->_u8_hi = 0xBF;
            if (--s->_u8_need == 0) s->_state = LLMG__J_STR;
            i++;
            break;
        case LLMG__J_ESC:
            switch (c) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                s->_state = LLMG__J_STR;
                break;
            case 'u':
                s->_state = LLMG__J_HEX;
                s->_nhex = 0;
                s->_hex = 0;
                break;
            default:
                st = llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: invalid escape"), base + i);
                break;
            }
            i++;
            break;
        case LLMG__J_HEX: {
            int h = llmg__json_hexval(c);
            if (h < 0) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     LLMG__MSG("json: \\u needs four hex digits"), base + i);
                break;
            }
            s->_hex = (s->_hex << 4) | (uint32_t)h;
            i++;
            if (++s->_nhex < 4) break;
            if (s->_ret & LLMG__J_LOW_FLAG) {
                s->_ret = (unsigned char)(s->_ret & ~LLMG__J_LOW_FLAG);
                if (s->_hex < 0xDC00 || s->_hex > 0xDFFF) {
                    st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                         LLMG__MSG("json: high surrogate escape without a low one"),
                                         base + i - 6);
                    break;
                }
                s->_state = LLMG__J_STR;
            } else if (s->_hex >= 0xD800 && s->_hex <= 0xDBFF) {
                s->_state = LLMG__J_LOW_BS;
            } else if (s->_hex >= 0xDC00 && s->_hex <= 0xDFFF) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     LLMG__MSG("json: low surrogate escape without a high one"),
                                     base + i - 6);
            } else {
                s->_state = LLMG__J_STR;
            }
            break;
        }
        case LLMG__J_LOW_BS:
        case LLMG__J_LOW_U:
            if (c != (s->_state == LLMG__J_LOW_BS ? '\\' : 'u')) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     LLMG__MSG("json: high surrogate escape without a low one"),
                                     base + i);
                break;
            }
            if (s->_state == LLMG__J_LOW_BS) {
                s->_state = LLMG__J_LOW_U;
            } else {
                s->_state = LLMG__J_HEX;
                s->_nhex = 0;
                s->_hex = 0;
                s->_ret = (unsigned char)(s->_ret | LLMG__J_LOW_FLAG);
            }
            i++;
            break;
        case LLMG__J_MINUS:
            if (c == '0') s->_state = LLMG__J_ZERO;
            else if (c >= '1' && c <= '9') s->_state = LLMG__J_INT;
            else {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     LLMG__MSG("json: expected a digit after '-'"), base + i);
                break;
            }
            i++;
            break;
        case LLMG__J_ZERO:
        case LLMG__J_INT:
        case LLMG__J_FRAC:
        case LLMG__J_EXP:
            if (c >= '0' && c <= '9') {
                if (s->_state == LLMG__J_ZERO) {
                    st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                         LLMG__MSG("json: leading zero in a number"), base + i);
                    break;
                }
                i++;
                while (i < n && p[i] >= '0' && p[i] <= '9') i++;
                break;
            }
            if (c == '.' && (s->_state == LLMG__J_ZERO || s->_state == LLMG__J_INT)) {
                llmg__json_set_flag(s, LLMG_JSON_F_FLOAT);
                s->_state = LLMG__J_DOT;
                i++;
                break;
            }
            if ((c == 'e' || c == 'E') && s->_state != LLMG__J_EXP) {
                llmg__json_set_flag(s, LLMG_JSON_F_FLOAT);
                s->_state = LLMG__J_E;
                i++;
                break;
            }
            llmg__json_value_end(s, base + i);  /* c is read again in the new state */
            break;
        case LLMG__J_DOT:
        case LLMG__J_ESIGN:
            if (c >= '0' && c <= '9') {
                s->_state = (unsigned char)(s->_state == LLMG__J_DOT ? LLMG__J_FRAC : LLMG__J_EXP);
                i++;
            } else {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     s->_state == LLMG__J_DOT
                                         ? LLMG__MSG("json: expected a digit after '.'")
                                         : LLMG__MSG("json: expected a digit in the exponent"),
                                     base + i);
            }
            break;
        case LLMG__J_E:
            if (c == '+' || c == '-') s->_state = LLMG__J_ESIGN;
            else if (c >= '0' && c <= '9') s->_state = LLMG__J_EXP;
            else {
                st = llmg__json_fail(s, LLMG_E_SYNTAX,
                                     LLMG__MSG("json: expected a digit in the exponent"), base + i);
                break;
            }
            i++;
            break;
        case LLMG__J_LIT:
            if (c != (unsigned char)llmg__json_lits[s->_lit][s->_lit_pos]) {
                st = llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: invalid literal"), base + i);
                break;
            }
            i++;
            if (++s->_lit_pos == llmg__json_lit_len[s->_lit]) llmg__json_value_end(s, base + i);
            break;
        }
        if (st != LLMG_OK) return st;
    }
    s->_pos = base + n;
    return LLMG_OK;
}

/* End of input: a number at the top level ends here. */
static llmg_status llmg__json_end(llmg_json_stream *s)
{
    switch ((enum llmg__json_state)s->_state) {
    case LLMG__J_ZERO: case LLMG__J_INT: case LLMG__J_FRAC: case LLMG__J_EXP:
        if (s->_depth == 0) llmg__json_value_end(s, s->_pos);
        break;
    default:
        break;
    }
    return s->_state == LLMG__J_END ? LLMG_OK : LLMG_NEED_MORE;
}

static void llmg__json_stream_setup(llmg_json_stream *s, const llmg_json_opts *opts)
{
    memset(s, 0, sizeof *s);
    s->_o = llmg_json_opts_resolved(opts);
    s->_state = LLMG__J_VALUE;
    s->_open = UINT32_MAX;
}

LLMG_API llmg_status llmg_json_stream_init(llmg_json_stream *s, const llmg_json_opts *opts,
                                           llmg_error *err)
{
    llmg_status st;
    llmg__json_stream_setup(s, opts);
    st = llmg__allocator_resolve(&s->_o.allocator, &s->_o.allocator, err);
    if (st != LLMG_OK) {
        memset(&s->_o.allocator, 0, sizeof s->_o.allocator);
        return llmg__json_fail(s, st, err ? err->msg : LLMG__MSG(""), 0);
    }
    return llmg__ok(err, LLMG_OK);
}

LLMG_API llmg_status llmg_json_stream_feed(llmg_json_stream *s, const void *data, size_t len,
                                           llmg_error *err)
{
    llmg_status st;
    if (s->_err.code < 0) goto sticky;
    if (!data && len) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("json: data is NULL"), s->_pos);
    st = llmg__json_run(s, (const unsigned char *)data, len);
    if (st < 0) goto sticky;
    return llmg__ok(err, s->_done ? LLMG_OK : LLMG_NEED_MORE);
sticky:
    if (err) *err = s->_err;
    return s->_err.code;
}

LLMG_API llmg_status llmg_json_stream_finish(llmg_json_stream *s, llmg_error *err)
{
    if (s->_err.code >= 0 && llmg__json_end(s) != LLMG_OK)
        llmg__json_fail(s, LLMG_E_SYNTAX, LLMG__MSG("json: input ends inside the document"),
                        s->_pos);
    if (s->_err.code < 0) {
        if (err) *err = s->_err;
        return s->_err.code;
    }
    return llmg__ok(err, LLMG_OK);
}

LLMG_API void llmg_json_stream_free(llmg_json_stream *s)
{
    if (s->_o.allocator.free_fn) llmg_buf_free(&s->_stack, &s->_o.allocator);
}

LLMG_API void llmg_json_doc_init(llmg_json_doc *doc) { memset(doc, 0, sizeof *doc); }

LLMG_API void llmg_json_doc_free(llmg_json_doc *doc)
{
    if (doc->toks) llmg__free(&doc->_a, doc->toks, doc->_cap * sizeof *doc->toks);
    memset(doc, 0, sizeof *doc);
}

LLMG_API llmg_status llmg_json_parse(llmg_json_doc *doc, const char *src, size_t len,
                                     const llmg_json_opts *opts, llmg_error *err)
{
    llmg_json_stream s;
    llmg_status st;
    llmg__json_stream_setup(&s, opts);
    if (!doc->toks) {
        st = llmg__allocator_resolve(&s._o.allocator, &doc->_a, err);
        if (st != LLMG_OK) return st;
    }
    s._o.allocator = doc->_a;
    doc->src = src ? src : "";
    doc->len = len;
    doc->count = 0;
    s._doc = doc;
    if (!src && len) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("json: src is NULL"), 0);
    st = llmg__json_run(&s, (const unsigned char *)doc->src, len);
    if (st == LLMG_OK && llmg__json_end(&s) != LLMG_OK)
        llmg__json_fail(&s, LLMG_NEED_MORE, LLMG__MSG("json: input ends inside the document"),
                        len);
    llmg_buf_free(&s._stack, &s._o.allocator);
    if (s._err.code != LLMG_OK) {
        doc->count = 0;
        if (err) *err = s._err;
        return s._err.code;
    }
    return llmg__ok(err, LLMG_OK);
}

/* ---------------------------------------------------------------- shapes
   A shape is a parsed document kept with its bytes. A later document that
   is the same byte for byte except for the values of its strings and
   numbers (the next event of a stream: the same keys in the same order,
   new text, a new sequence number) is parsed by comparing the bytes
   between those values and scanning the values alone. The tokens are
   exactly what llmg_json_parse gives; anything the scan does not settle
   (another layout, a surrogate escape, a byte the scan refuses) is left
   to llmg_json_parse, which then has the last word on every error. */

#define LLMG__SHAPE_MAX_BYTES  4096u    /* documents kept as shapes: small events, of
                                           at most as many tokens as llmg__evshape.idx holds */

static int llmg__json_is_hole(uint32_t type)
{
    uint32_t t = type & LLMG_JSON_TYPE_MASK;
    return t == LLMG_JSON_NUMBER || (t == LLMG_JSON_STRING && !(type & LLMG_JSON_F_KEY));
}

/* Code point cp (at most 0x10FFFF, not a surrogate) as UTF-8 into d: its
   length, 1 to 4. */
static size_t llmg__utf8_put(uint32_t cp, char *d)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The string at p[0] == '"' in p[0..n): its length, quotes included, and
   LLMG_JSON_F_ESCAPED in *flags when it has an escape; 0: not settled. */
static size_t llmg__json_scan_str(const unsigned char *p, size_t n, uint32_t *flags)
{
    size_t i = 1;
    for (;;) {
        unsigned c;
        i += llmg__json_text_run(p + i, n - i);
        if (i >= n) return 0;
        c = p[i];
        if (c == '"') return i + 1;
        if (c == '\\') {
            unsigned e = i + 1 < n ? p[i + 1] : 0;
            *flags |= LLMG_JSON_F_ESCAPED;
            if (llmg__json_esc1(e)) {
                i += 2;
            } else if (e == 'u' && n - i >= 6) {
                long cp = llmg__json_hex4(p + i + 2);
                if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;   /* surrogates: the long way */
                i += 6;
            } else {
                return 0;
            }
        } else {
            return 0;                        /* a control byte, UTF-8 that is not */
        }
    }
}

/* The string at p (p[0] == '"') scanned as llmg__json_scan_str would, in
   the same pass unescaped into d: the lexeme's length (quotes included)
   with *dn the bytes written, or 0 when it does not settle it (no closing
   quote in the first lim bytes, a surrogate escape, anything the scan
   refuses). lim is at least 1; d must hold lim bytes (llmg__json_copy_run). */
static size_t llmg__json_decode_str(const unsigned char *p, size_t lim, char *d, size_t *dn)
{
    size_t i = 1, o = 0, w;
    for (;;) {
        i += llmg__json_copy_run(p + i, lim - i, d + o, lim - o, &w, LLMG__RUN_DECODE);
        o += w;
        if (i >= lim) return 0;
        if (p[i] == '"') {
            *dn = o;
            return i + 1;
        }
        if (lim - i >= 6 && p[i] == '\\' && p[i + 1] == 'u') {   /* one-byte escapes the run took */
            long cp = llmg__json_hex4(p + i + 2);
            if (cp >= 0 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
                o += llmg__utf8_put((uint32_t)cp, d + o);
                i += 6;
                continue;
            }
        }
        return 0;                               /* a control byte, invalid UTF-8, a cut escape */
    }
}

static int llmg__json_digit(unsigned c) { return c >= '0' && c <= '9'; }

/* The number at p in p[0..n): its length, LLMG_JSON_F_FLOAT in *flags for
   a fraction or an exponent; 0: not settled. */
static size_t llmg__json_scan_num(const unsigned char *p, size_t n, uint32_t *flags)
{
    size_t i = 0;
    if (i < n && p[i] == '-') i++;
    if (i < n && p[i] == '0') {
        i++;
    } else if (i < n && p[i] >= '1' && p[i] <= '9') {
        while (i < n && llmg__json_digit(p[i])) i++;
    } else {
        return 0;
    }
    if (i < n && p[i] == '.') {
        *flags |= LLMG_JSON_F_FLOAT;
        if (++i >= n || !llmg__json_digit(p[i])) return 0;
        while (i < n && llmg__json_digit(p[i])) i++;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        *flags |= LLMG_JSON_F_FLOAT;
        if (++i < n && (p[i] == '+' || p[i] == '-')) i++;
        if (i >= n || !llmg__json_digit(p[i])) return 0;
        while (i < n && llmg__json_digit(p[i])) i++;
    }
    if (i < n && (llmg__json_digit(p[i]) || p[i] == '.' || p[i] == 'e' || p[i] == 'E'
                  || p[i] == '+' || p[i] == '-'))
        return 0;
    return i;
}

/* n bytes at a and b are the same (short runs: no call). */
static int llmg__same(const unsigned char *a, const unsigned char *b, size_t n)
{
    uint64_t x, y;
    size_t i;
    if (n < 8) {
        for (i = 0; i < n; i++)
            if (a[i] != b[i]) return 0;
        return 1;
    }
    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y) return 0;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

/* Keeps doc, an object just parsed, as the shape (when small). Nothing is
   reported: without memory there is just no shape. */
static void llmg__json_shape_keep(llmg__evshape *sh, const llmg_json_doc *doc)
{
    llmg_json_doc *d = &sh->doc;
    size_t k, m = doc->count;
    d->count = 0;
    if (m == 0 || m > sizeof sh->idx / sizeof sh->idx[0] || doc->len > LLMG__SHAPE_MAX_BYTES
        || (doc->toks[0].type & LLMG_JSON_TYPE_MASK) != LLMG_JSON_OBJECT)
        return;
    if (d->_cap < m) {
        size_t cap = m < 32 ? 32 : m;
        void *q = llmg__realloc(&d->_a, d->toks, d->_cap * sizeof *d->toks, cap * sizeof *d->toks);
        if (!q) return;
        d->toks = (llmg_json_tok *)q;
        d->_cap = cap;
    }
    sh->src.len = 0;
    if (llmg__buf_append(&sh->src, &d->_a, doc->src, doc->len, (size_t)-1) != LLMG_OK) return;
    memcpy(d->toks, doc->toks, m * sizeof *doc->toks);
    sh->nholes = sh->nconts = 0;
    for (k = 0; k < m; k++)
        if (llmg__json_is_hole(doc->toks[k].type)) sh->idx[sh->nholes++] = (uint16_t)k;
    for (k = m; k-- > 1;) {                     /* the object itself ends at its '}' */
        uint32_t t = doc->toks[k].type & LLMG_JSON_TYPE_MASK;
        if ((t == LLMG_JSON_OBJECT || t == LLMG_JSON_ARRAY) && doc->toks[k].next - 1 > k)
            sh->idx[sh->nholes + sh->nconts++] = (uint16_t)k;
    }
    d->src = sh->src.ptr;
    d->len = doc->len;
    d->count = m;
}

/* Parses src[0..len) into doc when it has the shape's layout: 1; else 0,
   and doc is to be parsed by llmg_json_parse. */
static int llmg__json_shape_parse(const llmg__evshape *sh, llmg_json_doc *doc, const char *src,
                                  size_t len)
{
    const unsigned char *d = (const unsigned char *)src, *tb = (const unsigned char *)sh->doc.src;
    const llmg_json_tok *tt = sh->doc.toks;
    llmg_json_tok *o = doc->toks;
    size_t pt = 0, pd = 0, j = 0, h, m = sh->doc.count, e, de, end;
    if (m == 0 || doc->_cap < m) return 0;
    memcpy(o, tt, m * sizeof *o);
    for (h = 0; h < sh->nholes; h++) {
        size_t k = sh->idx[h], seg = tt[k].start - pt, n;
        uint32_t flags = 0;
        for (; j < k; j++) o[j].start = o[j].start - pt + pd;   /* tokens between values move */
        j = k + 1;
        if (len - pd < seg || !llmg__same(d + pd, tb + pt, seg)) return 0;
        pd += seg;
        pt = tt[k].start + tt[k].len;
        o[k].start = pd;
        if (len - pd >= tt[k].len && llmg__same(d + pd, tb + tt[k].start, tt[k].len)) {
            pd += tt[k].len;                     /* the same value: the same token */
            continue;
        }
        if ((tt[k].type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_STRING)
            n = pd < len && d[pd] == '"' ? llmg__json_scan_str(d + pd, len - pd, &flags) : 0;
        else
            n = llmg__json_scan_num(d + pd, len - pd, &flags);
        if (n == 0) return 0;
        o[k].len = n;
        o[k].type = (tt[k].type & ~(uint32_t)(LLMG_JSON_F_ESCAPED | LLMG_JSON_F_FLOAT)) | flags;
        pd += n;
    }
    for (; j < m; j++) o[j].start = o[j].start - pt + pd;
    /* The rest, but for the blanks before the object's last '}' (Anthropic
       pads its events there) and after it. */
    e = tt[0].start + tt[0].len - 1;
    while (e > pt && llmg__json_ws(tb[e - 1])) e--;
    for (end = len; end > pd && llmg__json_ws(d[end - 1]); end--) {}
    if (end == pd || d[end - 1] != '}') return 0;
    for (de = end - 1; de > pd && llmg__json_ws(d[de - 1]); de--) {}
    if (de - pd != e - pt || !llmg__same(d + pd, tb + pt, e - pt)) return 0;
    o[0].len = end - o[0].start;
    /* A container ends where its last token ends, plus the same bytes. */
    for (h = 0; h < sh->nconts; h++) {
        size_t k = sh->idx[sh->nholes + h], last = (size_t)tt[k].next - 1;
        o[k].len = (tt[k].start + tt[k].len - (tt[last].start + tt[last].len))
                   + (o[last].start + o[last].len) - o[k].start;
    }
    doc->src = src;
    doc->len = len;
    doc->count = m;
    return 1;
}

/* ---------------------------------------------------------------- navigation */

#define LLMG__JSON_NOWHERE ((size_t)-1)

static const llmg_json_tok *llmg__json_tok(llmg_json_val v)
{
    return v.doc && v.i < v.doc->count ? &v.doc->toks[v.i] : NULL;
}

static llmg_json_val llmg__json_val(const llmg_json_doc *doc, size_t i)
{
    llmg_json_val v;
    v.doc = doc;
    v.i = i;
    return v;
}

LLMG_API llmg_json_val llmg_json_root(const llmg_json_doc *doc)
{
    return llmg__json_val(doc, doc && doc->count ? 0 : LLMG__JSON_NOWHERE);
}

LLMG_API llmg_json_type llmg_json_typeof(llmg_json_val v)
{
    const llmg_json_tok *t = llmg__json_tok(v);
    return t ? (llmg_json_type)(t->type & LLMG_JSON_TYPE_MASK) : LLMG_JSON_NONE;
}

LLMG_API llmg_json_iter llmg_json_iter_init(llmg_json_val c)
{
    llmg_json_iter it;
    const llmg_json_tok *t = llmg__json_tok(c);
    llmg_json_type ty = llmg_json_typeof(c);
    it.doc = c.doc;
    it.i = c.i + 1;
    it.left = t && (ty == LLMG_JSON_ARRAY || ty == LLMG_JSON_OBJECT) ? t->size : 0;
    return it;
}

LLMG_API int llmg_json_iter_next(llmg_json_iter *it, llmg_json_val *key, llmg_json_val *val)
{
    const llmg_json_tok *t;
    if (it->left == 0) return 0;
    it->left--;
    t = &it->doc->toks[it->i];
    if (t->type & LLMG_JSON_F_KEY) {
        if (key) *key = llmg__json_val(it->doc, it->i);
        it->i++;
        t = &it->doc->toks[it->i];
    } else if (key) {
        *key = llmg__json_val(it->doc, LLMG__JSON_NOWHERE);
    }
    if (val) *val = llmg__json_val(it->doc, it->i);
    it->i = t->next;
    return 1;
}

LLMG_API size_t llmg_json_size(llmg_json_val v)
{
    llmg_json_type ty = llmg_json_typeof(v);
    return ty == LLMG_JSON_ARRAY || ty == LLMG_JSON_OBJECT ? v.doc->toks[v.i].size : 0;
}

LLMG_API llmg_str llmg_json_lexeme(llmg_json_val v)
{
    llmg_str s;
    const llmg_json_tok *t = llmg__json_tok(v);
    s.ptr = t ? v.doc->src + t->start : "";
    s.len = t ? t->len : 0;
    return s;
}

/* Unescapes the string lexeme piece by piece: each call hands out either a
   run of bytes as they are in the source or one decoded escape (in tmp).
   *at moves past what was handed out; 0 at the closing quote. The source
   was validated by the tokenizer, so escapes are well formed. */
static int llmg__json_unescape_next(const char *src, size_t *at, size_t end, char tmp[4],
                                    llmg_str *piece)
{
    size_t i = *at, j;
    uint32_t cp;
    if (i >= end) return 0;
    if (src[i] != '\\') {
        j = i + llmg__span(src + i, end - i, '\\', 0);
        piece->ptr = src + i;
        piece->len = j - i;
        *at = j;
        return 1;
    }
    piece->ptr = tmp;
    piece->len = 1;
    switch (src[i + 1]) {
    case 'u':
        cp = (uint32_t)llmg__json_hex4((const unsigned char *)src + i + 2);
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = (uint32_t)llmg__json_hex4((const unsigned char *)src + i + 2);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
        }
        *at = i;
        piece->len = llmg__utf8_put(cp, tmp);
        return 1;
    default: tmp[0] = llmg__json_esc1((unsigned char)src[i + 1]); break;
    }
    *at = i + 2;
    return 1;
}

/* The content src[a..b) of a valid string unescaped into buf while it
   fits below cap (buf may be NULL): the length it has. */
static size_t llmg__json_unescape(const char *src, size_t a, size_t b, char *buf, size_t cap)
{
    size_t n = 0;
    char tmp[4];
    llmg_str piece;
    if (buf && cap > b - a) {                   /* room for it all (it never grows): one pass */
        while (a < b) {
            size_t r = llmg__span(src + a, b - a, '\\', 0);
            memcpy(buf + n, src + a, r);
            n += r;
            a += r;
            if (a < b && src[a + 1] != 'u') {   /* the one-byte escapes without a call */
                buf[n++] = llmg__json_esc1((unsigned char)src[a + 1]);
                a += 2;
            } else if (a < b) {
                llmg__json_unescape_next(src, &a, b, tmp, &piece);
                memcpy(buf + n, piece.ptr, piece.len);
                n += piece.len;
            }
        }
        return n;
    }
    while (llmg__json_unescape_next(src, &a, b, tmp, &piece)) {
        if (buf && n + piece.len < cap) memcpy(buf + n, piece.ptr, piece.len);
        n += piece.len;
    }
    return n;
}

/* The bounds of a string value's content (inside the quotes); 0 if v is
   not a string. */
static int llmg__json_str_bounds(llmg_json_val v, size_t *start, size_t *end)
{
    const llmg_json_tok *t = llmg__json_tok(v);
    if (!t || (t->type & LLMG_JSON_TYPE_MASK) != LLMG_JSON_STRING) return 0;
    *start = t->start + 1;
    *end = t->start + t->len - 1;
    return 1;
}

LLMG_API int llmg_json_str_view(llmg_json_val v, llmg_str *out)
{
    size_t a, b;
    if (!llmg__json_str_bounds(v, &a, &b) || (v.doc->toks[v.i].type & LLMG_JSON_F_ESCAPED))
        return 0;
    out->ptr = v.doc->src + a;
    out->len = b - a;
    return 1;
}

LLMG_API llmg_status llmg_json_get_str(llmg_json_val v, char *buf, size_t cap, size_t *need)
{
    size_t a, b, n;
    if (!llmg__json_str_bounds(v, &a, &b)) return LLMG_E_ARG;
    n = llmg__json_unescape(v.doc->src, a, b, buf, cap);
    if (need) *need = n;
    if (!buf) return LLMG_OK;
    if (n >= cap) {
        if (cap) buf[cap - 1] = '\0';
        return LLMG_E_LIMIT;
    }
    buf[n] = '\0';
    return LLMG_OK;
}

LLMG_API llmg_status llmg_json_dup_str(llmg_json_val v, const llmg_allocator *a, llmg_buf *out)
{
    llmg_allocator al;
    size_t s, e;
    char tmp[4];
    llmg_str piece;
    llmg_status st;
    if (!llmg__json_str_bounds(v, &s, &e)) return LLMG_E_ARG;
    st = llmg__allocator_resolve(a, &al, NULL);
    if (st != LLMG_OK) return st;
    out->len = 0;
    st = llmg__buf_reserve(out, &al, e - s, (size_t)-1 / 2);
    while (st == LLMG_OK && llmg__json_unescape_next(v.doc->src, &s, e, tmp, &piece))
        st = llmg__buf_append(out, &al, piece.ptr, piece.len, (size_t)-1 / 2);
    if (st == LLMG_OK && out->ptr) out->ptr[out->len] = '\0';
    return st;
}

LLMG_API int llmg_json_str_eq(llmg_json_val v, llmg_str want)
{
    size_t a, b, n = 0;
    char tmp[4];
    llmg_str piece;
    if (!llmg__json_str_bounds(v, &a, &b)) return 0;
    if (!(v.doc->toks[v.i].type & LLMG_JSON_F_ESCAPED))
        return b - a == want.len && memcmp(v.doc->src + a, want.ptr, want.len) == 0;
    while (llmg__json_unescape_next(v.doc->src, &a, b, tmp, &piece)) {
        if (piece.len > want.len - n || memcmp(want.ptr + n, piece.ptr, piece.len) != 0) return 0;
        n += piece.len;
    }
    return n == want.len;
}

LLMG_API llmg_json_val llmg_json_get(llmg_json_val obj, llmg_str key)
{
    const llmg_json_tok *t = llmg__json_tok(obj), *toks;
    size_t i, end, found = LLMG__JSON_NOWHERE;
    if (!t || (t->type & LLMG_JSON_TYPE_MASK) != LLMG_JSON_OBJECT) return llmg__json_val(obj.doc, found);
    toks = obj.doc->toks;
    end = t->next;
    for (i = obj.i + 1; i + 1 < end; i = toks[i + 1].next) {   /* key i, value i + 1 */
        const llmg_json_tok *k = &toks[i];
        if (k->type & LLMG_JSON_F_ESCAPED
                ? llmg_json_str_eq(llmg__json_val(obj.doc, i), key)
                : k->len - 2 == key.len && memcmp(obj.doc->src + k->start + 1, key.ptr, key.len) == 0)
            found = i + 1;                       /* the last of repeated keys, as the gem reads */
    }
    return llmg__json_val(obj.doc, found);
}

LLMG_API llmg_json_val llmg_json_getc(llmg_json_val obj, const char *key)
{
    return llmg_json_get(obj, llmg_str_c(key));
}

/* llmg_json_getc for a literal key: its length known at compile time */
static llmg_str llmg__strn(const char *p, size_t n)
{
    llmg_str v;
    v.ptr = p;
    v.len = n;
    return v;
}
#define LLMG__GETC(obj, lit) llmg_json_get((obj), llmg__strn("" lit, sizeof(lit) - 1))

LLMG_API llmg_json_val llmg_json_at(llmg_json_val arr, size_t idx)
{
    llmg_json_iter it;
    llmg_json_val v;
    if (llmg_json_typeof(arr) != LLMG_JSON_ARRAY) return llmg__json_val(arr.doc, LLMG__JSON_NOWHERE);
    it = llmg_json_iter_init(arr);
    while (llmg_json_iter_next(&it, NULL, &v))
        if (idx-- == 0) return v;
    return llmg__json_val(arr.doc, LLMG__JSON_NOWHERE);
}

LLMG_API int llmg_json_is_int(llmg_json_val v)
{
    const llmg_json_tok *t = llmg__json_tok(v);
    return t && (t->type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_NUMBER && !(t->type & LLMG_JSON_F_FLOAT);
}

LLMG_API llmg_status llmg_json_get_int64(llmg_json_val v, int64_t *out)
{
    llmg_str lx = llmg_json_lexeme(v);
    if (!llmg_json_is_int(v)) return LLMG_E_ARG;
    return llmg__num_parse_int64(lx.ptr, lx.len, out) ? LLMG_OK : LLMG_E_LIMIT;
}

LLMG_API llmg_status llmg_json_get_double(llmg_json_val v, double *out)
{
    llmg_str lx = llmg_json_lexeme(v);
    if (llmg_json_typeof(v) != LLMG_JSON_NUMBER) return LLMG_E_ARG;
    return llmg__num_parse_double(lx.ptr, lx.len, out) ? LLMG_E_LIMIT : LLMG_OK;
}

LLMG_API llmg_status llmg_json_get_bool(llmg_json_val v, int *out)
{
    llmg_json_type t = llmg_json_typeof(v);
    if (t != LLMG_JSON_TRUE && t != LLMG_JSON_FALSE) return LLMG_E_ARG;
    *out = t == LLMG_JSON_TRUE;
    return LLMG_OK;
}

LLMG_API int llmg_json_is_null(llmg_json_val v) { return llmg_json_typeof(v) == LLMG_JSON_NULL; }

/* ---------------------------------------------------------------- writer */

LLMG_API llmg_status llmg_json_writer_init(llmg_json_writer *w, const llmg_json_writer_opts *opts,
                                           llmg_error *err)
{
    llmg_status st;
    memset(w, 0, sizeof *w);
    if (opts) w->_o = *opts;
    w->_o.max_depth = LLMG__DEF(w->_o.max_depth, (size_t)512);
    w->_o.max_bytes = LLMG__DEF(w->_o.max_bytes, (size_t)-1 / 2);
    w->_o.sink_bytes = LLMG__DEF(w->_o.sink_bytes, (size_t)64 * 1024);
    if (w->_o.sink_bytes < 64) w->_o.sink_bytes = 64;
    st = llmg__allocator_resolve(&w->_o.allocator, &w->_o.allocator, err);
    if (st != LLMG_OK) {
        memset(&w->_o.allocator, 0, sizeof w->_o.allocator);
        w->_err.code = st;
        w->_err.msg = err ? err->msg : LLMG__MSG("");
        return st;
    }
    return llmg__ok(err, LLMG_OK);
}

LLMG_API void llmg_json_writer_reset(llmg_json_writer *w)
{
    llmg__buf_clear(&w->out);
    w->_stack.len = 0;
    w->_sunk = 0;
    w->_comma = w->_key = 0;
    if (w->_o.allocator.alloc_fn) memset(&w->_err, 0, sizeof w->_err);
}

LLMG_API void llmg_json_writer_free(llmg_json_writer *w)
{
    if (!w->_o.allocator.free_fn) return;
    llmg_buf_free(&w->out, &w->_o.allocator);
    llmg_buf_free(&w->_stack, &w->_o.allocator);
}

LLMG_API llmg_str llmg_json_writer_str(const llmg_json_writer *w)
{
    llmg_str s;
    s.ptr = w->out.ptr ? w->out.ptr : "";
    s.len = w->out.len;
    return s;
}

LLMG_API llmg_status llmg_json_writer_status(const llmg_json_writer *w, llmg_error *err)
{
    if (err) {
        *err = w->_err;
        if (!err->msg) err->msg = LLMG__MSG("");
    }
    return w->_err.code;
}

static llmg_status llmg__jw_fail(llmg_json_writer *w, llmg_status code, const char *msg)
{
    w->_err.code = code;
    w->_err.msg = msg;
    w->_err.offset = w->_sunk + w->out.len;
    w->_err.provider = NULL;
    return code;
}

/* Hands out to the sink. */
static llmg_status llmg__jw_sink(llmg_json_writer *w)
{
    if (w->out.len == 0) return LLMG_OK;
    if (w->_o.sink(w->_o.sink_user, w->out.ptr, w->out.len) != 0)
        return llmg__jw_fail(w, LLMG_E_HOST, LLMG__MSG("json writer: the sink refused the output"));
    w->_sunk += w->out.len;
    llmg__buf_clear(&w->out);
    return LLMG_OK;
}

/* Before more output: out goes to the sink once it holds sink_bytes. */
static llmg_status llmg__jw_spill(llmg_json_writer *w)
{
    return w->_o.sink && w->out.len >= w->_o.sink_bytes ? llmg__jw_sink(w) : LLMG_OK;
}

LLMG_API llmg_status llmg_json_writer_flush(llmg_json_writer *w)
{
    if (w->_err.code < 0) return w->_err.code;
    return w->_o.sink ? llmg__jw_sink(w) : LLMG_OK;
}

/* The room out may still grow by: max_bytes less what the sink took. */
static size_t llmg__jw_limit(const llmg_json_writer *w)
{
    return w->_o.max_bytes - (size_t)w->_sunk;
}

static llmg_status llmg__jw_put(llmg_json_writer *w, const char *s, size_t n)
{
    llmg_status st = llmg__jw_spill(w);
    if (st != LLMG_OK) return st;
    st = llmg__buf_append(&w->out, &w->_o.allocator, s, n, llmg__jw_limit(w));
    if (st == LLMG_E_LIMIT)
        return llmg__jw_fail(w, st, LLMG__MSG("json writer: output longer than opts.max_bytes"));
    if (st != LLMG_OK) return llmg__jw_fail(w, st, LLMG__MSG("json writer: out of memory"));
    return LLMG_OK;
}

static char llmg__jw_top(const llmg_json_writer *w)
{
    return w->_stack.len ? w->_stack.ptr[w->_stack.len - 1] : '\0';
}

/* Before any value: the comma, and the checks that keep the output valid. */
static llmg_status llmg__jw_pre(llmg_json_writer *w)
{
    char top = llmg__jw_top(w);
    if (w->_err.code < 0) return w->_err.code;
    if (top == '{') {
        if (!w->_key)
            return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: a member value needs a key first"));
        w->_key = 0;
        return LLMG_OK;
    }
    if (top == '\0' && (w->out.len > 0 || w->_sunk > 0))
        return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: one top-level value only"));
    if (w->_comma) return llmg__jw_put(w, ",", 1);
    return LLMG_OK;
}

static llmg_status llmg__jw_post(llmg_json_writer *w, llmg_status st)
{
    if (st == LLMG_OK) w->_comma = 1;
    return st;
}

/* Escapes s[0..n) the way Ruby's generator does, in one piece. */
static llmg_status llmg__jw_escape_piece(llmg_json_writer *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o;
    llmg_status st;
    /* Written in place: the room left always holds the rest of s as it
       is (no byte of s is written shorter), and is made larger when an
       escape that writes more than it reads does not fit. */
    st = llmg__buf_reserve(&w->out, &w->_o.allocator, n, llmg__jw_limit(w));
    if (st != LLMG_OK) goto fail;
    while (st == LLMG_OK && i < n) {
        size_t need;
        unsigned c;
        i += llmg__json_copy_run(p + i, n - i, w->out.ptr + w->out.len, w->out.cap - 1 - w->out.len,
                                 &o, LLMG__RUN_ESCAPE);
        w->out.len += o;
        if (i >= n) break;
        c = p[i];
        if (c < 0x80) {                          /* an escape the room did not hold */
            need = n - i - 1 + llmg__json_esc_len(c);
            st = llmg__buf_reserve(&w->out, &w->_o.allocator, need, llmg__jw_limit(w));
        } else if (!w->_o.replace_invalid_utf8) {
            st = LLMG_E_SYNTAX;                  /* not UTF-8 (the run took the rest) */
        } else {
            int k = llmg__utf8_seq(p + i, n - i);
            i += k < 0 ? (size_t)-k : n - i;     /* 0: cut short at the end */
            st = llmg__buf_reserve(&w->out, &w->_o.allocator, n - i + 3, llmg__jw_limit(w));
            if (st == LLMG_OK) {
                memcpy(w->out.ptr + w->out.len, "\xEF\xBF\xBD", 3);
                w->out.len += 3;
            }
        }
    }
    w->out.ptr[w->out.len] = '\0';
    if (st == LLMG_OK) return LLMG_OK;
fail:
    return llmg__jw_fail(w, st, st == LLMG_E_SYNTAX ? LLMG__MSG("json writer: string is not valid UTF-8")
                              : st == LLMG_E_LIMIT ? LLMG__MSG("json writer: output longer than opts.max_bytes")
                              : LLMG__MSG("json writer: out of memory"));
}

/* Escapes s[0..n); with a sink, a long s goes in pieces of about
   sink_bytes. A piece ends before the last byte of the four up to its end
   that is not a continuation byte, or, when all four are, at its end (no
   lead byte there for one to continue): no character and no maximal
   invalid subpart is split. */
static llmg_status llmg__jw_escape(llmg_json_writer *w, const char *s, size_t n)
{
    llmg_status st;
    while (w->_o.sink && n > w->_o.sink_bytes) {
        size_t k = w->_o.sink_bytes, back;
        for (back = 0; back < 4 && ((unsigned char)s[k - back] & 0xC0) == 0x80; back++) {}
        if (back < 4) k -= back;
        st = llmg__jw_escape_piece(w, s, k);
        if (st == LLMG_OK) st = llmg__jw_spill(w);
        if (st != LLMG_OK) return st;
        s += k;
        n -= k;
    }
    return llmg__jw_escape_piece(w, s, n);
}

static llmg_status llmg__jw_quoted(llmg_json_writer *w, const char *s, size_t n)
{
    llmg_status st = llmg__jw_put(w, "\"", 1);
    if (st == LLMG_OK) st = llmg__jw_escape(w, s, n);
    if (st == LLMG_OK) st = llmg__jw_put(w, "\"", 1);
    return st;
}

static llmg_status llmg__jw_open(llmg_json_writer *w, char kind)
{
    llmg_status st = llmg__jw_pre(w);
    if (st != LLMG_OK) return st;
    if (w->_stack.len >= w->_o.max_depth)
        return llmg__jw_fail(w, LLMG_E_LIMIT, LLMG__MSG("json writer: nesting deeper than opts.max_depth"));
    st = llmg__buf_append(&w->_stack, &w->_o.allocator, &kind, 1, (size_t)-1 / 2);
    if (st != LLMG_OK) return llmg__jw_fail(w, st, LLMG__MSG("json writer: out of memory"));
    w->_comma = 0;
    return llmg__jw_put(w, &kind, 1);
}

static llmg_status llmg__jw_close(llmg_json_writer *w, char kind)
{
    char close = kind == '{' ? '}' : ']';
    if (w->_err.code < 0) return w->_err.code;
    if (llmg__jw_top(w) != kind)
        return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: close does not match the open container"));
    if (w->_key)
        return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: a key has no value"));
    w->_stack.len--;
    return llmg__jw_post(w, llmg__jw_put(w, &close, 1));
}

LLMG_API llmg_status llmg_json_write_obj_begin(llmg_json_writer *w) { return llmg__jw_open(w, '{'); }
LLMG_API llmg_status llmg_json_write_obj_end(llmg_json_writer *w) { return llmg__jw_close(w, '{'); }
LLMG_API llmg_status llmg_json_write_arr_begin(llmg_json_writer *w) { return llmg__jw_open(w, '['); }
LLMG_API llmg_status llmg_json_write_arr_end(llmg_json_writer *w) { return llmg__jw_close(w, '['); }

static llmg_status llmg__jw_key_pre(llmg_json_writer *w)
{
    if (w->_err.code < 0) return w->_err.code;
    if (llmg__jw_top(w) != '{' || w->_key)
        return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: a key outside an object or after a key"));
    return w->_comma ? llmg__jw_put(w, ",", 1) : LLMG_OK;
}

static llmg_status llmg__jw_key_post(llmg_json_writer *w, llmg_status st)
{
    if (st == LLMG_OK) st = llmg__jw_put(w, ":", 1);
    if (st == LLMG_OK) w->_key = 1;
    return st;
}

LLMG_API llmg_status llmg_json_write_key(llmg_json_writer *w, llmg_str key)
{
    llmg_status st = llmg__jw_key_pre(w);
    if (st == LLMG_OK) st = llmg__jw_quoted(w, key.ptr, key.len);
    return llmg__jw_key_post(w, st);
}

LLMG_API llmg_status llmg_json_write_keyc(llmg_json_writer *w, const char *key)
{
    return llmg_json_write_key(w, llmg_str_c(key));
}

LLMG_API llmg_status llmg_json_write_str(llmg_json_writer *w, llmg_str s)
{
    llmg_status st = llmg__jw_pre(w);
    if (st == LLMG_OK) st = llmg__jw_quoted(w, s.ptr, s.len);
    return llmg__jw_post(w, st);
}

LLMG_API llmg_status llmg_json_write_strc(llmg_json_writer *w, const char *s)
{
    return llmg_json_write_str(w, llmg_str_c(s));
}

LLMG_API llmg_status llmg_json_write_int(llmg_json_writer *w, int64_t v)
{
    char buf[24];
    llmg_status st = llmg__jw_pre(w);
    if (st == LLMG_OK) st = llmg__jw_put(w, buf, llmg__num_format_int64(v, buf));
    return llmg__jw_post(w, st);
}

static int llmg__double_finite(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return ((bits >> 52) & 0x7FF) != 0x7FF;
}

LLMG_API llmg_status llmg_json_write_double(llmg_json_writer *w, double v)
{
    char buf[LLMG__NUM_DOUBLE_MAX];
    llmg_status st;
    if (w->_err.code < 0) return w->_err.code;
    if (!llmg__double_finite(v))
        return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: NaN and infinity have no JSON form"));
    st = llmg__jw_pre(w);
    if (st == LLMG_OK) st = llmg__jw_put(w, buf, llmg__num_format_double(v, buf));
    return llmg__jw_post(w, st);
}

LLMG_API llmg_status llmg_json_write_bool(llmg_json_writer *w, int v)
{
    llmg_status st = llmg__jw_pre(w);
    if (st == LLMG_OK) st = v ? llmg__jw_put(w, "true", 4) : llmg__jw_put(w, "false", 5);
    return llmg__jw_post(w, st);
}

LLMG_API llmg_status llmg_json_write_null(llmg_json_writer *w)
{
    llmg_status st = llmg__jw_pre(w);
    if (st == LLMG_OK) st = llmg__jw_put(w, "null", 4);
    return llmg__jw_post(w, st);
}

LLMG_API llmg_status llmg_json_write_raw(llmg_json_writer *w, llmg_str json)
{
    llmg_status st = llmg__jw_pre(w);
    if (st == LLMG_OK) st = llmg__jw_put(w, json.ptr, json.len);
    return llmg__jw_post(w, st);
}

/* A parsed string re-escaped: unescaped piece by piece, never copied whole. */
static llmg_status llmg__jw_lexeme_str(llmg_json_writer *w, llmg_json_val v)
{
    size_t a = 0, b = 0;
    char tmp[4];
    llmg_str piece;
    llmg_status st = llmg__jw_put(w, "\"", 1);
    llmg__json_str_bounds(v, &a, &b);
    while (st == LLMG_OK && llmg__json_unescape_next(v.doc->src, &a, b, tmp, &piece))
        st = llmg__jw_escape(w, piece.ptr, piece.len);
    if (st == LLMG_OK) st = llmg__jw_put(w, "\"", 1);
    return st;
}

/* One scalar token in the writer's format. */
static llmg_status llmg__jw_scalar(llmg_json_writer *w, llmg_json_val v)
{
    const llmg_json_tok *t = &v.doc->toks[v.i];
    llmg_str lx = llmg_json_lexeme(v);
    llmg_status st;
    double d;
    if (t->type & LLMG_JSON_F_KEY) {
        st = llmg__jw_key_pre(w);
        if (st == LLMG_OK) st = llmg__jw_lexeme_str(w, v);
        return llmg__jw_key_post(w, st);
    }
    switch (t->type & LLMG_JSON_TYPE_MASK) {
    case LLMG_JSON_STRING:
        st = llmg__jw_pre(w);
        if (st == LLMG_OK) st = llmg__jw_lexeme_str(w, v);
        return llmg__jw_post(w, st);
    case LLMG_JSON_NUMBER:
        if (!(t->type & LLMG_JSON_F_FLOAT)) {
            /* Ruby reads "-0" as the integer 0; other integer lexemes are
               already canonical, those past int64 included */
            if (lx.len == 2 && lx.ptr[0] == '-' && lx.ptr[1] == '0') lx.ptr++, lx.len--;
            return llmg_json_write_raw(w, lx);
        }
        if (llmg__num_parse_double(lx.ptr, lx.len, &d))
            return llmg__jw_fail(w, LLMG_E_LIMIT, LLMG__MSG("json writer: number overflows a double"));
        return llmg_json_write_double(w, d);
    default:
        return llmg_json_write_raw(w, lx);
    }
}

LLMG_API llmg_status llmg_json_write_val(llmg_json_writer *w, llmg_json_val v)
{
    size_t i, end, open = LLMG__JSON_NOWHERE;
    const llmg_json_tok *t = llmg__json_tok(v);
    llmg_status st = LLMG_OK;
    if (w->_err.code < 0) return w->_err.code;
    if (!t) return llmg__jw_fail(w, LLMG_E_ARG, LLMG__MSG("json writer: no such value"));
    end = t->next;
    for (i = v.i; i < end && st == LLMG_OK; i++) {
        llmg_json_tok *ti = &v.doc->toks[i];
        uint32_t ty = ti->type & LLMG_JSON_TYPE_MASK;
        while (open != LLMG__JSON_NOWHERE && v.doc->toks[open].next <= i && st == LLMG_OK) {
            st = llmg__jw_close(w, (v.doc->toks[open].type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_OBJECT ? '{' : '[');
            open = open == v.i ? LLMG__JSON_NOWHERE : v.doc->toks[open].parent;
        }
        if (st != LLMG_OK) break;
        if (ty == LLMG_JSON_OBJECT || ty == LLMG_JSON_ARRAY) {
            st = llmg__jw_open(w, ty == LLMG_JSON_OBJECT ? '{' : '[');
            open = i;
        } else {
            st = llmg__jw_scalar(w, llmg__json_val(v.doc, i));
        }
    }
    while (open != LLMG__JSON_NOWHERE && st == LLMG_OK) {
        st = llmg__jw_close(w, (v.doc->toks[open].type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_OBJECT ? '{' : '[');
        open = open == v.i ? LLMG__JSON_NOWHERE : v.doc->toks[open].parent;
    }
    return st;
}

/* ================================================================ >>impl-pjson
   The partial-JSON reader. Each byte runs through the tokenizer's machine
   (llmg__json_run) first; the state the machine read it in then says where
   the byte goes:
   - whitespace outside strings: nowhere;
   - the opening bracket of a container, the opening quote of a string
     value, and a string value's bytes once they end a character: to _out,
     after whatever _held holds (the member's comma, key and colon);
   - what may still turn out not to be includable (a comma, a key and its
     colon, an unfinished number or literal, an unfinished escape or UTF-8
     sequence): to _held, moved to _out in one piece once it is;
   - closing brackets: to _out (nothing is held then).
   A run of bytes a string holds as they are skips the per-byte path.
   Invariants: _out, then '"' when _str, then one closer per container the
   machine has open, is valid JSON; _out only grows; inside a string value
   _held holds at most one unfinished escape or UTF-8 sequence. Before the
   machine sees a byte, both buffers have room for all that the byte can
   add (and for the view's closers), so a refused allocation changes
   nothing; a byte the machine rejects changes neither its depth nor the
   buffers, so the view stays as it was.
   Memory: _out holds the committed input plus max_depth + 2 bytes of
   closers; _held the longest key and colon, the longest number or literal
   and a comma; each buffer grows by doubling.                            */

LLMG_API llmg_pjson_opts llmg_pjson_opts_resolved(const llmg_pjson_opts *in)
{
    llmg_pjson_opts o;
    if (in) o = *in; else memset(&o, 0, sizeof o);
    o.max_depth = LLMG__DEF(o.max_depth, (size_t)512);
    o.max_bytes = LLMG__DEF(o.max_bytes, (size_t)64 * 1024 * 1024);
    return o;
}

static llmg_status llmg__pjson_fail(llmg_pjson *p, llmg_status code, const char *msg,
                                    uint64_t at)
{
    p->_err.code = code;
    p->_err.msg = msg;
    p->_err.offset = at;
    p->_err.provider = NULL;
    return code;
}

/* The machine, ready for a new value: the tokenizer's validator with no
   document attached. Without a document there is no 32-bit token index
   to protect, and max_bytes bounds the count, so max_tokens is lifted.
   Its nesting stack past 512 levels is kept: a level's bit is written
   when the level opens, before it is ever read. */
static void llmg__pjson_machine(llmg_pjson *p)
{
    llmg_json_opts jo;
    llmg_buf keep = p->_v._stack;
    memset(&jo, 0, sizeof jo);
    jo.max_depth = p->_o.max_depth;
    jo.allocator = p->_o.allocator;
    llmg__json_stream_setup(&p->_v, &jo);
    p->_v._o.max_tokens = (size_t)-1;
    p->_v._stack = keep;
}

/* Makes room for need more bytes in b; a move to a larger block counts
   as work. */
static llmg_status llmg__pjson_reserve(llmg_pjson *p, llmg_buf *b, size_t need)
{
    size_t cap = b->cap;
    if (llmg__buf_reserve(b, &p->_o.allocator, need, (size_t)-1 - 1) != LLMG_OK)
        return llmg__pjson_fail(p, LLMG_E_NOMEM, LLMG__MSG("pjson: out of memory"),
                                p->_v._pos);
    if (b->cap != cap) p->_examined += b->len;
    return LLMG_OK;
}

/* Room for one step: to_held more bytes in _held; in _out, what _held
   holds, to_out more bytes and the view's closers, of which a step adds at
   most one (a container or a string value opens). */
static llmg_status llmg__pjson_room(llmg_pjson *p, size_t to_held, size_t to_out)
{
    size_t need;
    llmg_status st;
    if (!llmg__size_add(p->_held.len, to_out, &need)
        || !llmg__size_add(need, p->_v._depth, &need) || !llmg__size_add(need, 1, &need))
        return llmg__pjson_fail(p, LLMG_E_NOMEM, LLMG__MSG("pjson: out of memory"),
                                p->_v._pos);
    if (to_held) {
        st = llmg__pjson_reserve(p, &p->_held, to_held);
        if (st != LLMG_OK) return st;
    }
    return llmg__pjson_reserve(p, &p->_out, need);
}

static void llmg__pjson_hold(llmg_pjson *p, const unsigned char *src, size_t n)
{
    llmg_buf *h = &p->_held;
    LLMG_ASSERT(h->len + n < h->cap);
    memcpy(h->ptr + h->len, src, n);
    h->len += n;
    p->_examined += n;
}

/* Moves what _held holds, then n bytes from src, to _out. */
static void llmg__pjson_commit(llmg_pjson *p, const unsigned char *src, size_t n)
{
    llmg_buf *o = &p->_out, *h = &p->_held;
    LLMG_ASSERT(o->len + h->len + n < o->cap);
    if (h->len) memcpy(o->ptr + o->len, h->ptr, h->len);
    if (n) memcpy(o->ptr + o->len + h->len, src, n);
    o->len += h->len + n;
    p->_examined += h->len + n;
    h->len = 0;
}

/* 1 for the machine's states inside a number. */
static int llmg__pjson_in_number(unsigned s)
{
    switch ((enum llmg__json_state)s) {
    case LLMG__J_MINUS: case LLMG__J_ZERO: case LLMG__J_INT: case LLMG__J_DOT:
    case LLMG__J_FRAC: case LLMG__J_E: case LLMG__J_ESIGN: case LLMG__J_EXP:
        return 1;
    default:
        return 0;
    }
}

/* The byte at `at`, accepted by the machine in state s outside strings,
   numbers and literals: whitespace, punctuation, or a value's first byte. */
static void llmg__pjson_punct(llmg_pjson *p, unsigned s, const unsigned char *at)
{
    unsigned c = *at;
    if (llmg__json_ws(c)) return;
    switch ((enum llmg__json_state)s) {
    case LLMG__J_VALUE:
    case LLMG__J_VALUE_OR_CLOSE:
        if (c == '"') p->_str = 1;
        if (c == '"' || c == '[' || c == '{' || c == ']') llmg__pjson_commit(p, at, 1);
        else llmg__pjson_hold(p, at, 1);        /* a number or a literal begins */
        break;
    case LLMG__J_KEY:
    case LLMG__J_KEY_OR_CLOSE:
        if (c == '}') llmg__pjson_commit(p, at, 1);
        else llmg__pjson_hold(p, at, 1);        /* a key's opening quote */
        break;
    case LLMG__J_COLON:
        llmg__pjson_hold(p, at, 1);
        break;
    case LLMG__J_AFTER:
        if (c == ',') llmg__pjson_hold(p, at, 1);
        else llmg__pjson_commit(p, at, 1);      /* '}' or ']' */
        break;
    default:                                    /* LLMG__J_END takes whitespace only */
        break;
    }
}

/* One byte through the machine, then where it goes. */
static llmg_status llmg__pjson_byte(llmg_pjson *p, const unsigned char *at)
{
    llmg_json_stream *v = &p->_v;
    unsigned s = v->_state;
    size_t depth = v->_depth;
    int key = (v->_ret & LLMG__J_RET_KEY) != 0;  /* meaningful inside a string */
    llmg_status st = llmg__pjson_room(p, 1, 1);
    if (st != LLMG_OK) return st;
    if (llmg__json_run(v, at, 1) != LLMG_OK) {
        p->_err = v->_err;
        return p->_err.code;
    }
    p->_examined++;
    switch ((enum llmg__json_state)s) {
    case LLMG__J_STR: case LLMG__J_ESC: case LLMG__J_HEX:
    case LLMG__J_LOW_BS: case LLMG__J_LOW_U: case LLMG__J_UTF8:
        if (key) {
            llmg__pjson_hold(p, at, 1);
        } else if (s == LLMG__J_STR && *at == '"') {
            llmg__pjson_commit(p, at, 1);
            p->_str = 0;
        } else {
            llmg__pjson_hold(p, at, 1);
            if (v->_state == LLMG__J_STR) llmg__pjson_commit(p, NULL, 0);  /* a character ended */
        }
        break;
    case LLMG__J_ZERO: case LLMG__J_INT: case LLMG__J_FRAC: case LLMG__J_EXP:
        if (llmg__pjson_in_number(v->_state)) {
            llmg__pjson_hold(p, at, 1);
            break;
        }
        /* The byte ended the number, and the machine read it again after it. */
        p->_examined++;
        llmg__pjson_commit(p, NULL, 0);
        llmg__pjson_punct(p, depth ? LLMG__J_AFTER : LLMG__J_END, at);
        break;
    case LLMG__J_MINUS: case LLMG__J_DOT: case LLMG__J_E: case LLMG__J_ESIGN:
        llmg__pjson_hold(p, at, 1);
        break;
    case LLMG__J_LIT:
        llmg__pjson_hold(p, at, 1);
        if (v->_state != LLMG__J_LIT) llmg__pjson_commit(p, NULL, 0);
        break;
    default:
        llmg__pjson_punct(p, s, at);
        break;
    }
    p->_complete = v->_done;
    return LLMG_OK;
}

/* n bytes a string holds as they are (llmg__json_plain_run), the machine
   being in LLMG__J_STR. There they change nothing but the machine's offset
   (see that case of llmg__json_run), so it is moved on without reading
   them a second time. More of a string value, with nothing held and the
   room there (the common case of a tool call's deltas), goes straight to
   _out. */
static llmg_status llmg__pjson_plain(llmg_pjson *p, const unsigned char *at, size_t n)
{
    int key = (p->_v._ret & LLMG__J_RET_KEY) != 0;
    llmg_buf *o = &p->_out;
    llmg_status st;
    if (!key && !p->_held.len && o->cap - o->len > n && o->cap - o->len - n > p->_v._depth + 1) {
        memcpy(o->ptr + o->len, at, n);         /* more of a string value: the room is there */
        o->len += n;
        p->_v._pos += n;
        p->_examined += 2 * n;
        return LLMG_OK;
    }
    st = key ? llmg__pjson_room(p, n, 0) : llmg__pjson_room(p, 0, n);
    if (st != LLMG_OK) return st;
    p->_v._pos += n;
    p->_examined += n;
    if (key) llmg__pjson_hold(p, at, n);
    else llmg__pjson_commit(p, at, n);
    return LLMG_OK;
}

LLMG_API llmg_status llmg_pjson_init(llmg_pjson *p, const llmg_pjson_opts *opts,
                                     llmg_error *err)
{
    llmg_status st;
    if (!p) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("pjson: reader is NULL"), 0);
    memset(p, 0, sizeof *p);
    p->_o = llmg_pjson_opts_resolved(opts);
    st = llmg__allocator_resolve(&p->_o.allocator, &p->_o.allocator, err);
    if (st != LLMG_OK) {
        memset(&p->_o.allocator, 0, sizeof p->_o.allocator);
        llmg__pjson_fail(p, st, err ? err->msg : LLMG__MSG("allocator: invalid"), 0);
        return st;
    }
    llmg__pjson_machine(p);
    return llmg__ok(err, LLMG_OK);
}

LLMG_API void llmg_pjson_reset(llmg_pjson *p)
{
    if (!p->_o.allocator.alloc_fn) return;     /* init failed: nothing to reset to */
    memset(&p->_err, 0, sizeof p->_err);
    llmg__pjson_machine(p);
    p->_out.len = 0;
    p->_held.len = 0;
    p->_examined = 0;
    p->_str = 0;
    p->_complete = 0;
}

LLMG_API void llmg_pjson_free(llmg_pjson *p)
{
    const llmg_allocator *a = &p->_o.allocator;
    if (!a->free_fn) return;
    llmg_buf_free(&p->_out, a);
    llmg_buf_free(&p->_held, a);
    llmg_json_stream_free(&p->_v);
}

LLMG_API llmg_status llmg_pjson_feed(llmg_pjson *p, const void *data, size_t len,
                                     llmg_error *err)
{
    const unsigned char *in = (const unsigned char *)data;
    uint64_t left;
    size_t n, i = 0;
    llmg_status st = LLMG_OK;
    if (p->_err.code < 0) goto sticky;
    if (!data && len)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("pjson: data is NULL"), p->_v._pos);
    left = (uint64_t)p->_o.max_bytes - p->_v._pos;
    n = (uint64_t)len < left ? len : (size_t)left;
    while (i < n && st == LLMG_OK) {
        size_t k = p->_v._state == LLMG__J_STR ? llmg__json_str_run(in + i, n - i) : 0;
        if (k) {
            st = llmg__pjson_plain(p, in + i, k);
        } else {
            st = llmg__pjson_byte(p, in + i);
            k = 1;
        }
        i += k;
    }
    if (st == LLMG_OK && n < len)
        llmg__pjson_fail(p, LLMG_E_LIMIT, LLMG__MSG("pjson: input longer than opts.max_bytes"),
                         p->_v._pos);
    if (p->_err.code < 0) goto sticky;
    return llmg__ok(err, LLMG_OK);
sticky:
    if (err) *err = p->_err;
    return p->_err.code;
}

LLMG_API llmg_status llmg_pjson_finish(llmg_pjson *p, llmg_error *err)
{
    if (p->_err.code < 0 || llmg__pjson_room(p, 0, 0) != LLMG_OK) goto sticky;
    if (llmg__json_end(&p->_v) != LLMG_OK) {
        llmg__pjson_fail(p, LLMG_E_SYNTAX, LLMG__MSG("pjson: input ends inside the value"),
                         p->_v._pos);
        goto sticky;
    }
    llmg__pjson_commit(p, NULL, 0);              /* a number at the top level, if any */
    p->_complete = 1;
    return llmg__ok(err, LLMG_OK);
sticky:
    if (err) *err = p->_err;
    return p->_err.code;
}

LLMG_API llmg_str llmg_pjson_view(llmg_pjson *p)
{
    llmg_buf *o = &p->_out;
    size_t n = o->len, d = p->_v._depth;
    llmg_str r;
    r.ptr = "";
    r.len = 0;
    if (n == 0) return r;
    LLMG_ASSERT(n + (size_t)p->_str + d < o->cap);
    if (p->_str) o->ptr[n++] = '"';
    while (d > 0) {
        d--;
        o->ptr[n++] = llmg__json_level_is_obj(&p->_v, d) ? '}' : ']';
    }
    o->ptr[n] = '\0';
    p->_examined += n - o->len + 1;
    r.ptr = o->ptr;
    r.len = n;
    return r;
}

LLMG_API int llmg_pjson_complete(const llmg_pjson *p) { return p->_complete; }

LLMG_API uint64_t llmg_pjson_examined(const llmg_pjson *p) { return p->_examined; }

/* ================================================================ >>impl-error
   Provider error classification, following the gem's errors.rb,
   base_client.rb, its clients and stream_mapper.rb. Pure: the result
   depends on the arguments only; the wall clock comes in as now_ms. No
   regex library: the overflow patterns are matched by hand, linear in the
   message.
   Memory: the body's tokens (at most max_body_tokens), a scratch copy of a
   message or code that has escapes or is not a string (no larger than the
   body), the rate-limit info writer, and the result: message and code up
   to max_message_bytes each, the info, two NULs between them and one at
   the end.                                                                */

LLMG_API const char *llmg_error_kind_name(llmg_error_kind kind)
{
    switch (kind) {
#define LLMG__X(name, value, text) case LLMG_ERROR_##name: return text;
    LLMG__ERROR_KIND_LIST(LLMG__X)
#undef LLMG__X
    default: return "unknown";
    }
}

static const char *const llmg__provider_names[] = {
    "none", "anthropic_messages", "openai_completions", "openai_responses", "openai_codex",
    "groq_completions"
};
#define LLMG__PROVIDER_COUNT 6

/* What each provider calls itself in a message: provider and api. */
static const char *const llmg__provider_ident[][2] = {
    {"", ""}, {"anthropic", "messages"}, {"openai", "completions"}, {"openai", "responses"},
    {"openai", "responses"}, {"groq", "completions"}
};

LLMG_API llmg_provider llmg_provider_from_name(llmg_str name)
{
    int i;
    for (i = 1; i < LLMG__PROVIDER_COUNT; i++)
        if (llmg_str_eq(name, llmg_str_c(llmg__provider_names[i]))) return (llmg_provider)i;
    return LLMG_PROVIDER_NONE;
}

LLMG_API const char *llmg_provider_name(llmg_provider p)
{
    return (int)p >= 0 && (int)p < LLMG__PROVIDER_COUNT ? llmg__provider_names[(int)p] : "unknown";
}

/* ---------------------------------------------------------------- ASCII helpers */

static unsigned char llmg__ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Ruby's whitespace for Integer() and the \s of its regexes. */
static int llmg__ruby_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* 1 when s equals lit (lower-case ASCII) ignoring ASCII case. */
static int llmg__ascii_ieq(llmg_str s, const char *lit)
{
    size_t i, n = strlen(lit);
    if (s.len != n) return 0;
    for (i = 0; i < n; i++)
        if (llmg__ascii_lower((unsigned char)s.ptr[i]) != (unsigned char)lit[i]) return 0;
    return 1;
}

static int llmg__ascii_iprefix(llmg_str s, const char *lit)
{
    size_t i, n = strlen(lit);
    if (s.len < n) return 0;
    for (i = 0; i < n; i++)
        if (llmg__ascii_lower((unsigned char)s.ptr[i]) != (unsigned char)lit[i]) return 0;
    return 1;
}

/* ---------------------------------------------------------------- context overflow
   The gem's OVERFLOW_PATTERNS in a small notation: lower-case ASCII matched
   ignoring ASCII case; '#' is one or more ASCII digits (Ruby's \d); '~' is
   an underscore or a space ([_ ]). A second part must follow the first on
   the same line (".*", which does not match a newline).                  */
static const char *const llmg__overflow_pat[11][2] = {
    { "prompt is too long", NULL },                    /* Anthropic */
    { "exceeds the context window", NULL },            /* OpenAI */
    { "reduce the length of the messages", NULL },     /* Groq */
    { "maximum context length is # tokens", NULL },
    { "context~length~exceeded", NULL },
    { "too many tokens", NULL },
    { "token limit exceeded", NULL },
    { "request too large", "tokens per min" },         /* OpenAI TPM */
    { "input tokens per minute", NULL },               /* Anthropic TPM */
    { "reduce the prompt length", NULL },
    { "input or output tokens must be reduced", NULL }
};

/* Matches pat at s[i..n); *end gets the end of the match. '#' takes every
   digit there: no pattern has a digit after '#', so greed never gives
   back, and the digits after one prefix are read once. */
static int llmg__overflow_at(const char *s, size_t n, size_t i, const char *pat, size_t *end)
{
    for (; *pat; pat++) {
        unsigned char c;
        if (i >= n) return 0;
        c = llmg__ascii_lower((unsigned char)s[i]);
        if (*pat == '#') {
            if (c < '0' || c > '9') return 0;
            while (i < n && s[i] >= '0' && s[i] <= '9') i++;
            continue;
        }
        if (*pat == '~' ? (c != '_' && c != ' ') : c != (unsigned char)*pat) return 0;
        i++;
    }
    *end = i;
    return 1;
}

/* The first match of pat in s[from..to): its start, or to when none.
   Every pattern starts with a letter. Linear: the pattern length is a
   constant. */
static size_t llmg__overflow_find(const char *s, size_t from, size_t to, const char *pat, size_t *end)
{
    size_t i;
    for (i = from; i < to; i++)
        if (llmg__ascii_lower((unsigned char)s[i]) == (unsigned char)pat[0] &&
            llmg__overflow_at(s, to, i, pat, end))
            return i;
    return to;
}

LLMG_API int llmg_error_is_context_overflow(llmg_str m)
{
    size_t k, end, end2;
    if (!m.ptr || m.len == 0) return 0;
    for (k = 0; k < 11; k++) {
        const char *first = llmg__overflow_pat[k][0], *second = llmg__overflow_pat[k][1];
        size_t at = 0;
        if (!second) {
            if (llmg__overflow_find(m.ptr, 0, m.len, first, &end) < m.len) return 1;
            continue;
        }
        /* The leftmost first part of a line leaves the most room after it:
           when the second part is not in the rest of that line, no other
           first part of the line can help, so go on at the next line. */
        while (at < m.len) {
            const char *nl;
            size_t eol;
            if (llmg__overflow_find(m.ptr, at, m.len, first, &end) == m.len) break;
            nl = (const char *)memchr(m.ptr + end, '\n', m.len - end);
            eol = nl ? (size_t)(nl - m.ptr) : m.len;
            if (llmg__overflow_find(m.ptr, end, eol, second, &end2) < eol) return 1;
            at = eol + 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- Ruby Integer() */

static unsigned llmg__int_digit(unsigned char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    c = llmg__ascii_lower(c);
    if (c >= 'a' && c <= 'z') return (unsigned)(c - 'a') + 10u;
    return 99u;
}

LLMG_API int llmg_error_parse_integer(llmg_str s, int64_t *out)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0, n = s.len;
    unsigned base = 10, d;
    int neg = 0, digits = 0, under = 0;
    uint64_t v = 0, lim;
    if (!p) return 0;
    while (i < n && llmg__ruby_space(p[i])) i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    if (i < n && p[i] == '0') {
        unsigned char c = i + 1 < n ? llmg__ascii_lower(p[i + 1]) : 0;
        if (c == 'x' || c == 'b' || c == 'o' || c == 'd') {
            base = c == 'x' ? 16u : c == 'b' ? 2u : c == 'o' ? 8u : 10u;
            i += 2;
        } else {
            base = 8;                    /* "017" is 15; the 0 is an octal digit */
        }
    }
    lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (p[i] == '_') {               /* one underscore, between digits */
            if (!digits || under) return 0;
            under = 1;
            continue;
        }
        d = llmg__int_digit(p[i]);
        if (d >= base) break;
        if (v > (lim - d) / base) return 0;
        v = v * base + d;
        digits = 1;
        under = 0;
    }
    if (!digits || under) return 0;
    while (i < n && llmg__ruby_space(p[i])) i++;
    if (i != n) return 0;
    if (out) {
        if (!neg) *out = (int64_t)v;
        else *out = v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v;
    }
    return 1;
}

/* ---------------------------------------------------------------- HTTP date */

static const char llmg__date_months[12][4] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
};
static const char *const llmg__date_weekdays[7] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

typedef struct llmg__date_scan {
    const unsigned char *p;
    size_t               i, n;
} llmg__date_scan;

/* Takes the n bytes of lit (lower case) ignoring ASCII case. */
static int llmg__date_lit(llmg__date_scan *s, const char *lit, size_t n)
{
    size_t k;
    if (s->n - s->i < n) return 0;
    for (k = 0; k < n; k++)
        if (llmg__ascii_lower(s->p[s->i + k]) != (unsigned char)lit[k]) return 0;
    s->i += n;
    return 1;
}

static int llmg__date_num(llmg__date_scan *s, size_t digits, int *v)
{
    size_t k;
    int r = 0;
    if (s->n - s->i < digits) return 0;
    for (k = 0; k < digits; k++) {
        unsigned char c = s->p[s->i + k];
        if (c < '0' || c > '9') return 0;
        r = r * 10 + (c - '0');
    }
    s->i += digits;
    *v = r;
    return 1;
}

static int llmg__date_month(llmg__date_scan *s, int *m)
{
    int k;
    for (k = 0; k < 12; k++)
        if (llmg__date_lit(s, llmg__date_months[k], 3)) { *m = k + 1; return 1; }
    return 0;
}

static int llmg__date_weekday(llmg__date_scan *s, int full)
{
    int k;
    for (k = 0; k < 7; k++) {
        const char *w = llmg__date_weekdays[k];
        if (llmg__date_lit(s, w, full ? strlen(w) : 3)) return 1;
    }
    return 0;
}

/* hh:mm:ss */
static int llmg__date_clock(llmg__date_scan *s, int *h, int *mi, int *se)
{
    return llmg__date_num(s, 2, h) && llmg__date_lit(s, ":", 1) && llmg__date_num(s, 2, mi) &&
           llmg__date_lit(s, ":", 1) && llmg__date_num(s, 2, se);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
   (H. Hinnant's days_from_civil); linear in d, so a day past the end of
   its month rolls over into the next, as Ruby's Time.utc does. */
static int64_t llmg__date_days(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* One of the three forms of Time.httpdate, whole string (form 0 IMF-fixdate,
   1 RFC 850, 2 asctime). */
static int llmg__date_form(const unsigned char *p, size_t n, int form, int64_t *out)
{
    llmg__date_scan s;
    int day = 0, mon = 0, year = 0, h = 0, mi = 0, se = 0, ok;
    s.p = p;
    s.i = 0;
    s.n = n;
    while (s.i < n && llmg__ruby_space(p[s.i])) s.i++;
    if (form == 0) {
        ok = llmg__date_weekday(&s, 0) && llmg__date_lit(&s, ", ", 2) &&
             llmg__date_num(&s, 2, &day) && llmg__date_lit(&s, " ", 1) &&
             llmg__date_month(&s, &mon) && llmg__date_lit(&s, " ", 1) &&
             llmg__date_num(&s, 4, &year) && llmg__date_lit(&s, " ", 1) &&
             llmg__date_clock(&s, &h, &mi, &se) && llmg__date_lit(&s, " gmt", 4);
    } else if (form == 1) {
        ok = llmg__date_weekday(&s, 1) && llmg__date_lit(&s, ", ", 2) &&
             llmg__date_num(&s, 2, &day) && llmg__date_lit(&s, "-", 1) &&
             llmg__date_month(&s, &mon) && llmg__date_lit(&s, "-", 1) &&
             llmg__date_num(&s, 2, &year) && llmg__date_lit(&s, " ", 1) &&
             llmg__date_clock(&s, &h, &mi, &se) && llmg__date_lit(&s, " gmt", 4);
        year += year < 50 ? 2000 : 1900;
    } else {
        ok = llmg__date_weekday(&s, 0) && llmg__date_lit(&s, " ", 1) &&
             llmg__date_month(&s, &mon) && llmg__date_lit(&s, " ", 1);
        if (ok && !llmg__date_num(&s, 2, &day))          /* "06" or " 6" */
            ok = llmg__date_lit(&s, " ", 1) && llmg__date_num(&s, 1, &day);
        ok = ok && llmg__date_lit(&s, " ", 1) && llmg__date_clock(&s, &h, &mi, &se) &&
             llmg__date_lit(&s, " ", 1) && llmg__date_num(&s, 4, &year);
    }
    if (!ok) return 0;
    while (s.i < n && llmg__ruby_space(p[s.i])) s.i++;
    if (s.i != n) return 0;
    /* The ranges Ruby's Time.utc accepts. */
    if (day < 1 || day > 31 || mi > 59 || se > 60 || h > 24 || (h == 24 && (mi || se))) return 0;
    *out = llmg__date_days(year, mon, day) * 86400 + (int64_t)h * 3600 + mi * 60 + se;
    return 1;
}

LLMG_API int llmg_error_parse_http_date(llmg_str s, int64_t *out)
{
    int form;
    int64_t v;
    if (!s.ptr) return 0;
    for (form = 0; form < 3; form++) {
        if (llmg__date_form((const unsigned char *)s.ptr, s.len, form, &v)) {
            if (out) *out = v;
            return 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- the result under construction */

#define LLMG__NOLIMIT ((size_t)-1 / 2)

typedef struct llmg__pe_build {
    llmg_classify_opts   o;
    llmg_allocator       a;
    llmg_provider_error *out;
    llmg_error_kind      kind;
    llmg_str             msg, code;      /* views: the source, a static text or a scratch buffer */
    int                  has_msg, has_code, code_json;
    llmg_buf             msg_tmp, code_tmp, tmp, hdr;  /* scratch */
    llmg_json_writer     info;           /* rate_limit_info of an OpenAI 429 */
    int                  info_on;
    size_t               info_keys;
    int64_t              retry, reset;
    int                  has_retry, has_reset;
} llmg__pe_build;

static llmg_status llmg__pe_begin(llmg__pe_build *b, const llmg_classify_opts *opts,
                                  llmg_provider_error *out, llmg_error *err)
{
    memset(b, 0, sizeof *b);
    memset(out, 0, sizeof *out);
    b->o = llmg_classify_opts_resolved(opts);
    b->out = out;
    b->msg.ptr = b->code.ptr = "";
    return llmg__allocator_resolve(&b->o.allocator, &b->a, err);
}

static void llmg__pe_end(llmg__pe_build *b)
{
    llmg_buf_free(&b->msg_tmp, &b->a);
    llmg_buf_free(&b->code_tmp, &b->a);
    llmg_buf_free(&b->tmp, &b->a);
    llmg_buf_free(&b->hdr, &b->a);
    if (b->info_on) llmg_json_writer_free(&b->info);
}

static int llmg__pe_truthy(llmg_json_val v)
{
    llmg_json_type t = llmg_json_typeof(v);
    return t != LLMG_JSON_NONE && t != LLMG_JSON_NULL && t != LLMG_JSON_FALSE;
}

/* The compact JSON of v into tmp (its lexeme if the writer refuses it, as
   for a float past a double). */
static llmg_status llmg__pe_render(llmg__pe_build *b, llmg_json_val v, llmg_buf *tmp)
{
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    llmg_status st;
    llmg_str s;
    memset(&wo, 0, sizeof wo);
    wo.allocator = b->a;
    llmg_json_writer_init(&w, &wo, NULL);
    st = llmg_json_write_val(&w, v);
    if (st == LLMG_E_NOMEM) {
        llmg_json_writer_free(&w);
        return st;
    }
    s = st == LLMG_OK ? llmg_json_writer_str(&w) : llmg_json_lexeme(v);
    llmg__buf_clear(tmp);
    st = llmg__buf_append(tmp, &b->a, s.ptr, s.len, LLMG__NOLIMIT);
    llmg_json_writer_free(&w);
    return st;
}

/* The text of v as Ruby's to_s gives it: a string's content (a view into
   the source when it has no escape, else unescaped into tmp); the compact
   JSON of anything else (Ruby would print a Hash or an Array in its own
   inspect form; numbers and true/false read the same). *has is 0 for a
   missing value and for null. */
static llmg_status llmg__pe_text(llmg__pe_build *b, llmg_json_val v, llmg_buf *tmp,
                                 llmg_str *out, int *has)
{
    llmg_json_type t = llmg_json_typeof(v);
    llmg_status st;
    out->ptr = "";
    out->len = 0;
    *has = t != LLMG_JSON_NONE && t != LLMG_JSON_NULL;
    if (!*has) return LLMG_OK;
    if (t == LLMG_JSON_STRING) {
        if (llmg_json_str_view(v, out)) return LLMG_OK;
        st = llmg_json_dup_str(v, &b->a, tmp);
    } else {
        st = llmg__pe_render(b, v, tmp);
    }
    if (st != LLMG_OK) return st;
    out->ptr = tmp->ptr ? tmp->ptr : "";
    out->len = tmp->len;
    return LLMG_OK;
}

static llmg_status llmg__pe_set_message(llmg__pe_build *b, llmg_json_val v)
{
    return llmg__pe_text(b, v, &b->msg_tmp, &b->msg, &b->has_msg);
}

/* The code: a string's content, or the JSON of another value (code_json). */
static llmg_status llmg__pe_set_code(llmg__pe_build *b, llmg_json_val v)
{
    b->code_json = llmg_json_typeof(v) != LLMG_JSON_STRING;
    return llmg__pe_text(b, v, &b->code_tmp, &b->code, &b->has_code);
}

/* Ruby's Integer(v) for a JSON value: an integer as it is, a float
   truncated toward zero, a string by llmg_error_parse_integer; anything
   else (or outside int64_t) fails. */
static llmg_status llmg__pe_int_of(llmg__pe_build *b, llmg_json_val v, int64_t *out, int *ok)
{
    llmg_json_type t = llmg_json_typeof(v);
    *ok = 0;
    if (t == LLMG_JSON_NUMBER) {
        double d;
        if (llmg_json_is_int(v)) *ok = llmg_json_get_int64(v, out) == LLMG_OK;
        else if (llmg_json_get_double(v, &d) == LLMG_OK &&
                 d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            *out = (int64_t)d;
            *ok = 1;
        }
    } else if (t == LLMG_JSON_STRING) {
        llmg_str s;
        int has;
        llmg_status st = llmg__pe_text(b, v, &b->tmp, &s, &has);
        if (st != LLMG_OK) return st;
        *ok = llmg_error_parse_integer(s, out);
    }
    return LLMG_OK;
}

/* The value of a response header (name in lower case), its repeated
   fields joined with ", " as Net::HTTP joins them. Ownership: a view into
   the input or into b->hdr, valid until the next lookup. */
static llmg_status llmg__pe_header(llmg__pe_build *b, const llmg_classify_input *in,
                                   const char *name, llmg_str *out, int *found)
{
    size_t i, hits = 0, first = 0;
    llmg_status st = LLMG_OK;
    *found = 0;
    out->ptr = "";
    out->len = 0;
    for (i = 0; i < in->header_count; i++) {
        if (!llmg__ascii_ieq(in->headers[i].name, name)) continue;
        if (!hits++) first = i;
    }
    if (!hits) return LLMG_OK;
    *found = 1;
    if (hits == 1) {
        if (in->headers[first].value.ptr) *out = in->headers[first].value;
        return LLMG_OK;
    }
    llmg__buf_clear(&b->hdr);
    for (i = first; i < in->header_count && st == LLMG_OK; i++) {
        llmg_str v = in->headers[i].value;
        if (!llmg__ascii_ieq(in->headers[i].name, name)) continue;
        if (i != first) st = llmg__buf_append(&b->hdr, &b->a, ", ", 2, LLMG__NOLIMIT);
        if (st == LLMG_OK && v.len) st = llmg__buf_append(&b->hdr, &b->a, v.ptr, v.len, LLMG__NOLIMIT);
    }
    if (st != LLMG_OK) return st;
    if (b->hdr.ptr) {
        out->ptr = b->hdr.ptr;
        out->len = b->hdr.len;
    }
    return LLMG_OK;
}

/* The length of s kept under a cap: cut back to a UTF-8 boundary. */
static size_t llmg__pe_capped(llmg_str s, size_t cap)
{
    size_t n = s.len;
    if (n <= cap) return n;
    n = cap;
    while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0u) == 0x80u) n--;
    return n;
}

/* ---------------------------------------------------------------- rate-limit info (OpenAI 429) */

static void llmg__pe_info_key(llmg__pe_build *b, const char *key)
{
    llmg_json_write_keyc(&b->info, key);
    b->info_keys++;
}

static void llmg__pe_info_str(llmg__pe_build *b, const char *key, llmg_str s)
{
    llmg__pe_info_key(b, key);
    s.len = llmg__pe_capped(s, b->o.max_message_bytes);
    llmg_json_write_str(&b->info, s);
}

/* A value from the error object, nulls left out; a string capped like a
   message, any other value only when its JSON fits under the cap. */
static llmg_status llmg__pe_info_val(llmg__pe_build *b, const char *key, llmg_json_val v)
{
    llmg_json_type t = llmg_json_typeof(v);
    if (t == LLMG_JSON_NONE || t == LLMG_JSON_NULL) return LLMG_OK;
    if (t == LLMG_JSON_STRING) {
        llmg_str s;
        int has;
        llmg_status st = llmg__pe_text(b, v, &b->tmp, &s, &has);
        if (st == LLMG_OK) llmg__pe_info_str(b, key, s);
        return st;
    }
    if (llmg_json_lexeme(v).len <= b->o.max_message_bytes) {
        double d = 0;
        llmg__pe_info_key(b, key);
        if (t == LLMG_JSON_NUMBER && (llmg_json_get_double(v, &d) != LLMG_OK || d - d != 0))
            llmg_json_write_raw(&b->info, llmg_json_lexeme(v));   /* past a double: as sent */
        else
            llmg_json_write_val(&b->info, v);
    }
    return LLMG_OK;
}

static void llmg__pe_info_int(llmg__pe_build *b, const char *key, int64_t v)
{
    llmg__pe_info_key(b, key);
    llmg_json_write_int(&b->info, v);
}

/* The reset times an OpenAI 429 carries. */
typedef struct llmg__pe_resets {
    int64_t primary_at, primary_after, at, after;
    int     has_primary_at, has_primary_after, has_at, has_after;
} llmg__pe_resets;

/* The members from provider to credits_balance. */
static llmg_status llmg__pe_info_fields(llmg__pe_build *b, const llmg_classify_input *in,
                                        llmg_json_val error, llmg__pe_resets *r)
{
    static const char *const fields[][2] = {         /* key, header */
        { "primary_used_percent",                 "x-codex-primary-used-percent" },
        { "secondary_used_percent",               "x-codex-secondary-used-percent" },
        { "primary_window_minutes",               "x-codex-primary-window-minutes" },
        { "secondary_window_minutes",             "x-codex-secondary-window-minutes" },
        { "primary_over_secondary_limit_percent", "x-codex-primary-over-secondary-limit-percent" },
        { "primary_reset_after_seconds",          "x-codex-primary-reset-after-seconds" },
        { "secondary_reset_after_seconds",        "x-codex-secondary-reset-after-seconds" },
        { "primary_reset_at",                     "x-codex-primary-reset-at" },
        { "secondary_reset_at",                   "x-codex-secondary-reset-at" },
        { "credits_has_credits",                  "x-codex-credits-has-credits" },
        { "credits_unlimited",                    "x-codex-credits-unlimited" },
        { "credits_balance",                      "x-codex-credits-balance" }
    };
    llmg_str hv;
    int found;
    size_t i;
    int64_t v;
    llmg_status st;

    for (i = 0; i < in->header_count; i++)
        if (llmg__ascii_iprefix(in->headers[i].name, "x-codex-")) break;
    if (i < in->header_count) {
        llmg__pe_info_key(b, "provider");
        llmg_json_write_strc(&b->info, "openai_codex");
    }
    st = llmg__pe_info_val(b, "error_type", LLMG__GETC(error, "type"));
    if (st == LLMG_OK) st = llmg__pe_header(b, in, "x-codex-plan-type", &hv, &found);
    if (st != LLMG_OK) return st;
    if (found) llmg__pe_info_str(b, "plan_type", hv);
    else if ((st = llmg__pe_info_val(b, "plan_type", LLMG__GETC(error, "plan_type"))) != LLMG_OK)
        return st;
    if ((st = llmg__pe_header(b, in, "x-codex-active-limit", &hv, &found)) != LLMG_OK) return st;
    if (found) llmg__pe_info_str(b, "active_limit", hv);

    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if ((st = llmg__pe_header(b, in, fields[i][1], &hv, &found)) != LLMG_OK) return st;
        if (!found) continue;
        if (i == 9 || i == 10) {         /* servers send "False": any case */
            if (llmg__ascii_ieq(hv, "true") || llmg__ascii_ieq(hv, "false")) {
                llmg__pe_info_key(b, fields[i][0]);
                llmg_json_write_bool(&b->info, llmg__ascii_ieq(hv, "true"));
            }
            continue;
        }
        if (!llmg_error_parse_integer(hv, &v)) continue;  /* "" too: an empty balance */
        llmg__pe_info_int(b, fields[i][0], v);
        if (i == 5) { r->primary_after = v; r->has_primary_after = 1; }
        if (i == 7) { r->primary_at = v; r->has_primary_at = 1; }
    }
    return LLMG_OK;
}

/* reset_after_seconds and reset_at: the error's own, else Retry-After,
   as seconds (from the host's clock) or an HTTP date. */
static llmg_status llmg__pe_info_resets(llmg__pe_build *b, const llmg_classify_input *in,
                                        llmg_json_val error, llmg__pe_resets *r)
{
    llmg_str hv;
    int found, secs_ok;
    int64_t secs = 0;
    llmg_status st;
    /* the last header lookup: hv stays valid to the end */
    if ((st = llmg__pe_header(b, in, "retry-after", &hv, &found)) != LLMG_OK) return st;
    secs_ok = found && llmg_error_parse_integer(hv, &secs);

    st = llmg__pe_int_of(b, LLMG__GETC(error, "resets_in_seconds"), &r->after, &r->has_after);
    if (st != LLMG_OK) return st;
    if (!r->has_after && secs_ok) {
        r->after = secs;
        r->has_after = 1;
    }
    if (r->has_after) llmg__pe_info_int(b, "reset_after_seconds", r->after);

    st = llmg__pe_int_of(b, LLMG__GETC(error, "resets_at"), &r->at, &r->has_at);
    if (st != LLMG_OK) return st;
    if (!r->has_at && secs_ok) {
        int64_t now_s = in->now_ms / 1000 - (in->now_ms % 1000 < 0);
        r->has_at = secs >= 0 ? now_s <= INT64_MAX - secs : now_s >= INT64_MIN - secs;
        r->at = r->has_at ? now_s + secs : 0;
    } else if (!r->has_at && found) {
        r->has_at = llmg_error_parse_http_date(hv, &r->at);
    }
    if (r->has_at) llmg__pe_info_int(b, "reset_at", r->at);
    return LLMG_OK;
}

/* OpenAI's 429: rate_limit_info in the order documented at
   llmg_classify_http, then reset_at and retry_after_seconds, preferring
   the primary window's. */
static llmg_status llmg__pe_rate_limit(llmg__pe_build *b, const llmg_classify_input *in,
                                       llmg_json_val error)
{
    llmg_json_writer_opts wo;
    llmg__pe_resets r;
    llmg_status st;
    memset(&r, 0, sizeof r);
    memset(&wo, 0, sizeof wo);
    wo.allocator = b->a;
    wo.replace_invalid_utf8 = 1;         /* header bytes that are not UTF-8 print as U+FFFD */
    llmg_json_writer_init(&b->info, &wo, NULL);
    b->info_on = 1;
    llmg_json_write_obj_begin(&b->info);
    st = llmg__pe_info_fields(b, in, error, &r);
    if (st == LLMG_OK) st = llmg__pe_info_resets(b, in, error, &r);
    if (st != LLMG_OK) return st;
    llmg_json_write_obj_end(&b->info);
    if ((st = llmg_json_writer_status(&b->info, NULL)) != LLMG_OK) return st;
    if (b->info_keys) {
        b->has_reset = r.has_primary_at || r.has_at;
        b->reset = r.has_primary_at ? r.primary_at : r.at;
        b->has_retry = r.has_primary_after || r.has_after;
        b->retry = r.has_primary_after ? r.primary_after : r.after;
    }
    return LLMG_OK;
}

/* ---------------------------------------------------------------- the handlers */

/* base_client.rb's handle_error: a provisional APIStatusError by status. */
static llmg_error_kind llmg__pe_status_kind(int status)
{
    switch (status) {
    case 400: return LLMG_ERROR_BAD_REQUEST;
    case 401: return LLMG_ERROR_AUTHENTICATION;
    case 403: return LLMG_ERROR_PERMISSION_DENIED;
    case 404: return LLMG_ERROR_NOT_FOUND;
    case 409: return LLMG_ERROR_CONFLICT;
    case 422: return LLMG_ERROR_UNPROCESSABLE;
    case 429: return LLMG_ERROR_RATE_LIMIT;
    case 503: return LLMG_ERROR_OVERLOADED;
    default:  return status >= 500 && status <= 599 ? LLMG_ERROR_SERVER : LLMG_ERROR_API_STATUS;
    }
}

static int llmg__pe_overflow(const llmg__pe_build *b)
{
    return b->has_msg && llmg_error_is_context_overflow(b->msg);
}

/* Anthropic: message = error.message, code = error.type. */
static llmg_status llmg__pe_anthropic(llmg__pe_build *b, const llmg_classify_input *in,
                                      llmg_json_val error)
{
    llmg_status st = llmg__pe_set_message(b, LLMG__GETC(error, "message"));
    if (st == LLMG_OK) st = llmg__pe_set_code(b, LLMG__GETC(error, "type"));
    b->kind = llmg__pe_overflow(b) ? LLMG_ERROR_PROMPT_TOO_LONG : llmg__pe_status_kind(in->status);
    return st;
}

/* "OpenAI request failed with status <status>[: <body, stripped>]"; Ruby's
   strip takes NUL and ASCII whitespace from both ends. */
static llmg_status llmg__pe_openai_fallback(llmg__pe_build *b, const llmg_classify_input *in)
{
    static const char head[] = "OpenAI request failed with status ";
    const char *p = in->body.ptr;
    size_t s = 0, e = in->body.len;
    char num[24];
    int k = 0;
    unsigned u;
    llmg_status st;
    while (s < e && (p[s] == '\0' || llmg__ruby_space((unsigned char)p[s]))) s++;
    while (e > s && (p[e - 1] == '\0' || llmg__ruby_space((unsigned char)p[e - 1]))) e--;
    u = in->status < 0 ? 0u - (unsigned)in->status : (unsigned)in->status;
    do { num[sizeof num - 1 - (size_t)k++] = (char)('0' + u % 10u); u /= 10u; } while (u);
    if (in->status < 0) num[sizeof num - 1 - (size_t)k++] = '-';
    llmg__buf_clear(&b->msg_tmp);
    st = llmg__buf_append(&b->msg_tmp, &b->a, head, sizeof head - 1, LLMG__NOLIMIT);
    if (st == LLMG_OK)
        st = llmg__buf_append(&b->msg_tmp, &b->a, num + sizeof num - (size_t)k, (size_t)k, LLMG__NOLIMIT);
    if (st == LLMG_OK && e > s) {
        /* more than the cap is never kept: copy no more than that */
        size_t keep = e - s < b->o.max_message_bytes + 4 ? e - s : b->o.max_message_bytes + 4;
        st = llmg__buf_append(&b->msg_tmp, &b->a, ": ", 2, LLMG__NOLIMIT);
        if (st == LLMG_OK) st = llmg__buf_append(&b->msg_tmp, &b->a, p + s, keep, LLMG__NOLIMIT);
    }
    if (st != LLMG_OK) return st;
    b->msg.ptr = b->msg_tmp.ptr;
    b->msg.len = b->msg_tmp.len;
    b->has_msg = 1;
    return LLMG_OK;
}

/* OpenAI, Responses and Codex: message = error.message, code = error.code;
   overflow, then 429 (with its rate-limit metadata), 503, then the status
   table with a message made from the body when error.message is absent. */
static llmg_status llmg__pe_openai(llmg__pe_build *b, const llmg_classify_input *in,
                                   llmg_json_val error)
{
    llmg_json_val m = LLMG__GETC(error, "message");
    llmg_status st = llmg__pe_set_message(b, m);
    if (st == LLMG_OK) st = llmg__pe_set_code(b, LLMG__GETC(error, "code"));
    if (st != LLMG_OK) return st;
    if (llmg__pe_overflow(b)) {
        b->kind = LLMG_ERROR_PROMPT_TOO_LONG;
    } else if (in->status == 429) {
        b->kind = LLMG_ERROR_RATE_LIMIT;
        st = llmg__pe_rate_limit(b, in, error);
    } else if (in->status == 503) {
        b->kind = LLMG_ERROR_OVERLOADED;
    } else {
        b->kind = llmg__pe_status_kind(in->status);
        if (!llmg__pe_truthy(m)) st = llmg__pe_openai_fallback(b, in);
    }
    return st;
}

/* Groq: like OpenAI, but an overflow carries error.type as its code, and a
   429 is a rate limit only for code "rate_limit_exceeded", whose message is
   then error.type (sic); any other 429 is overloaded. */
static llmg_status llmg__pe_groq(llmg__pe_build *b, const llmg_classify_input *in,
                                 llmg_json_val error)
{
    llmg_json_val code = LLMG__GETC(error, "code"), type = LLMG__GETC(error, "type");
    llmg_status st = llmg__pe_set_message(b, LLMG__GETC(error, "message"));
    if (st != LLMG_OK) return st;
    if (llmg__pe_overflow(b)) {
        b->kind = LLMG_ERROR_PROMPT_TOO_LONG;
        return llmg__pe_set_code(b, type);
    }
    if (in->status == 429 && llmg_json_str_eq(code, llmg_str_c("rate_limit_exceeded"))) {
        b->kind = LLMG_ERROR_RATE_LIMIT;
        st = llmg__pe_set_message(b, type);
    } else {
        b->kind = in->status == 429 ? LLMG_ERROR_OVERLOADED : llmg__pe_status_kind(in->status);
    }
    if (st == LLMG_OK) st = llmg__pe_set_code(b, code);
    return st;
}

/* Moves the pieces into out's storage in one allocation. */
static llmg_status llmg__pe_finish(llmg__pe_build *b)
{
    llmg_provider_error *pe = b->out;
    size_t cap = b->o.max_message_bytes, mlen, clen, total, code_at, info_at;
    llmg_str info;
    llmg_status st;
    info.ptr = "";
    info.len = 0;
    if (b->kind == LLMG_ERROR_RATE_LIMIT) {
        if (b->info_on && b->info_keys) info = llmg_json_writer_str(&b->info);
        else info = llmg_str_c("{}");
    }
    if (b->has_code && b->code_json && b->code.len > cap) b->has_code = 0;  /* no half JSON */
    mlen = b->has_msg ? llmg__pe_capped(b->msg, cap) : 0;
    clen = b->has_code ? llmg__pe_capped(b->code, cap) : 0;
    total = mlen + clen + info.len + 2;
    pe->_a = b->a;
    st = llmg__buf_reserve(&pe->_store, &b->a, total, LLMG__NOLIMIT);
    if (st == LLMG_OK) st = llmg__buf_append(&pe->_store, &b->a, b->msg.ptr, mlen, LLMG__NOLIMIT);
    if (st == LLMG_OK) st = llmg__buf_append(&pe->_store, &b->a, "", 1, LLMG__NOLIMIT);
    code_at = pe->_store.len;
    if (st == LLMG_OK) st = llmg__buf_append(&pe->_store, &b->a, b->code.ptr, clen, LLMG__NOLIMIT);
    if (st == LLMG_OK) st = llmg__buf_append(&pe->_store, &b->a, "", 1, LLMG__NOLIMIT);
    info_at = pe->_store.len;
    if (st == LLMG_OK) st = llmg__buf_append(&pe->_store, &b->a, info.ptr, info.len, LLMG__NOLIMIT);
    if (st != LLMG_OK) return st;
    pe->kind = b->kind;
    pe->message.ptr = pe->_store.ptr;
    pe->message.len = mlen;
    pe->has_message = b->has_msg;
    pe->message_truncated = b->has_msg && mlen < b->msg.len;
    pe->code.ptr = pe->_store.ptr + code_at;
    pe->code.len = clen;
    pe->has_code = b->has_code;
    pe->code_json = b->has_code && b->code_json;
    pe->retry_after_seconds = b->has_retry ? b->retry : 0;
    pe->has_retry_after = b->has_retry;
    pe->reset_at = b->has_reset ? b->reset : 0;
    pe->has_reset_at = b->has_reset;
    pe->rate_limit_info.ptr = pe->_store.ptr + info_at;
    pe->rate_limit_info.len = info.len;
    return LLMG_OK;
}

/* Ends a classification: scratch released; on failure out is zeroed. */
static llmg_status llmg__pe_close(llmg__pe_build *b, llmg_status st, llmg_error *err)
{
    if (st == LLMG_OK) st = llmg__pe_finish(b);
    llmg__pe_end(b);
    if (st != LLMG_OK) {
        llmg_provider_error_free(b->out);
        return llmg__fail(err, st, st == LLMG_E_NOMEM ? LLMG__MSG("classify: allocation failed")
                                                      : LLMG__MSG("classify: failed"), 0);
    }
    return llmg__ok(err, LLMG_OK);
}

/* ---------------------------------------------------------------- public */

LLMG_API void llmg_provider_error_init(llmg_provider_error *pe)
{
    if (pe) memset(pe, 0, sizeof *pe);
}

LLMG_API void llmg_provider_error_free(llmg_provider_error *pe)
{
    if (!pe) return;
    if (pe->_store.ptr && pe->_a.free_fn) llmg_buf_free(&pe->_store, &pe->_a);
    memset(pe, 0, sizeof *pe);
}

LLMG_API llmg_classify_opts llmg_classify_opts_resolved(const llmg_classify_opts *in)
{
    llmg_classify_opts o;
    if (in) o = *in; else memset(&o, 0, sizeof o);
    o.max_message_bytes = LLMG__DEF(o.max_message_bytes, (size_t)64 * 1024);
    o.max_body_tokens   = LLMG__DEF(o.max_body_tokens, (size_t)64 * 1024);
    return o;
}

LLMG_API llmg_status llmg_provider_error_write_json(const llmg_provider_error *pe,
                                                    llmg_json_writer *w)
{
    if (!pe || !w) return LLMG_E_ARG;
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "kind");
    llmg_json_write_strc(w, llmg_error_kind_name(pe->kind));
    llmg_json_write_keyc(w, "message");
    if (pe->has_message) llmg_json_write_str(w, pe->message);
    else llmg_json_write_null(w);
    llmg_json_write_keyc(w, "code");
    if (!pe->has_code) llmg_json_write_null(w);
    else if (pe->code_json) llmg_json_write_raw(w, pe->code);
    else llmg_json_write_str(w, pe->code);
    if (pe->kind == LLMG_ERROR_RATE_LIMIT) {
        llmg_json_write_keyc(w, "retry_after_seconds");
        if (pe->has_retry_after) llmg_json_write_int(w, pe->retry_after_seconds);
        else llmg_json_write_null(w);
        llmg_json_write_keyc(w, "reset_at");
        if (pe->has_reset_at) llmg_json_write_int(w, pe->reset_at);
        else llmg_json_write_null(w);
        llmg_json_write_keyc(w, "rate_limit_info");
        llmg_json_write_raw(w, pe->rate_limit_info.len ? pe->rate_limit_info : llmg_str_c("{}"));
    }
    llmg_json_write_obj_end(w);
    return llmg_json_writer_status(w, NULL);
}

LLMG_API llmg_status llmg_classify_http(const llmg_classify_input *in,
                                        const llmg_classify_opts *opts,
                                        llmg_provider_error *out, llmg_error *err)
{
    llmg__pe_build b;
    llmg_json_doc doc;
    llmg_json_opts jo;
    llmg_json_val error;
    llmg_status st;
    if (!in || !out)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("classify: in and out are required"), 0);
    if (in->provider <= LLMG_PROVIDER_NONE || (int)in->provider >= LLMG__PROVIDER_COUNT) {
        memset(out, 0, sizeof *out);
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("classify: in->provider is not a provider"), 0);
    }
    if ((in->header_count && !in->headers) || (in->body.len && !in->body.ptr)) {
        memset(out, 0, sizeof *out);
        return llmg__fail(err, LLMG_E_ARG,
                          LLMG__MSG("classify: in->headers or in->body is NULL with a length"), 0);
    }
    st = llmg__pe_begin(&b, opts, out, err);
    if (st != LLMG_OK) return st;
    llmg_json_doc_init(&doc);
    memset(&jo, 0, sizeof jo);
    jo.max_tokens = b.o.max_body_tokens;
    jo.allocator = b.a;
    /* Not JSON, past the token limit, or not an object: {} as the gem
       reads a body it cannot parse (a body that is JSON but not an object
       would crash the gem). */
    st = llmg_json_parse(&doc, in->body.ptr ? in->body.ptr : "", in->body.len, &jo, NULL);
    if (st != LLMG_E_NOMEM) {
        error = LLMG__GETC(llmg_json_root(&doc), "error");
        if (llmg_json_typeof(error) != LLMG_JSON_OBJECT)  /* the gem would index a string, or crash */
            error = llmg__json_val(&doc, LLMG__JSON_NOWHERE);
        switch (in->provider) {
        case LLMG_PROVIDER_ANTHROPIC_MESSAGES: st = llmg__pe_anthropic(&b, in, error); break;
        case LLMG_PROVIDER_GROQ_COMPLETIONS:   st = llmg__pe_groq(&b, in, error); break;
        default:                               st = llmg__pe_openai(&b, in, error); break;
        }
    }
    st = llmg__pe_close(&b, st, err);
    llmg_json_doc_free(&doc);
    return st;
}

LLMG_API llmg_status llmg_classify_stream_error(llmg_provider provider, llmg_json_val data,
                                                const llmg_classify_opts *opts,
                                                llmg_provider_error *out, llmg_error *err)
{
    llmg__pe_build b;
    llmg_json_val payload = data, inner, m, code;
    llmg_status st;
    if (!out) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("classify: out is required"), 0);
    if (provider <= LLMG_PROVIDER_NONE || (int)provider >= LLMG__PROVIDER_COUNT) {
        memset(out, 0, sizeof *out);
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("classify: provider is not a provider"), 0);
    }
    st = llmg__pe_begin(&b, opts, out, err);
    if (st != LLMG_OK) return st;
    /* Anthropic's mapper hands over data.error (or {}); a payload that is
       not an object counts as {} (the gem would crash on it). */
    if (provider == LLMG_PROVIDER_ANTHROPIC_MESSAGES) payload = LLMG__GETC(data, "error");
    if (llmg_json_typeof(payload) != LLMG_JSON_OBJECT)
        payload = llmg__json_val(data.doc, LLMG__JSON_NOWHERE);
    inner = LLMG__GETC(payload, "error");
    if (llmg_json_typeof(inner) == LLMG_JSON_OBJECT) payload = inner;
    m = LLMG__GETC(payload, "message");
    code = LLMG__GETC(payload, "code");
    if (!llmg__pe_truthy(code)) code = LLMG__GETC(payload, "type");
    if (llmg__pe_truthy(m)) {
        st = llmg__pe_set_message(&b, m);
    } else {
        b.msg = llmg_str_c("Stream error");
        b.has_msg = 1;
    }
    if (st == LLMG_OK) st = llmg__pe_set_code(&b, code);
    if (llmg__pe_overflow(&b))
        b.kind = LLMG_ERROR_PROMPT_TOO_LONG;
    else if (provider == LLMG_PROVIDER_ANTHROPIC_MESSAGES && b.has_code && !b.code_json &&
             llmg_str_eq(b.code, llmg_str_c("overloaded_error")))
        b.kind = LLMG_ERROR_OVERLOADED;
    else
        b.kind = LLMG_ERROR_API_STATUS;
    return llmg__pe_close(&b, st, err);
}


/* ================================================================ >>impl-sse
   SSE framing, following the WHATWG HTML "server-sent events" parsing rules.
   Invariants: at most one partial line is buffered (in _line); a line that
   is complete inside the fed window is read in place, and an event whose
   only data line is in the window hands out a view into it (_view); the
   view is copied into _data before the window is given back. Each input
   byte is looked at once by memchr and once more at most when copied.
   Memory: at most max_line_bytes + max_event_bytes + the longest event
   name and id (each within max_line_bytes), allocated on first use.      */

static const char llmg__sse_default_type[] = "message";

LLMG_API llmg_sse_opts llmg_sse_opts_resolved(const llmg_sse_opts *in)
{
    llmg_sse_opts o;
    if (in) o = *in; else memset(&o, 0, sizeof o);
    o.max_line_bytes  = LLMG__DEF(o.max_line_bytes,  (size_t)64 * 1024);
    o.max_event_bytes = LLMG__DEF(o.max_event_bytes, (size_t)1024 * 1024);
    return o;
}

LLMG_API llmg_status llmg_sse_init(llmg_sse_parser *p, const llmg_sse_opts *opts,
                                   llmg_error *err)
{
    llmg_status st;
    if (!p) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("sse: parser is NULL"), 0);
    memset(p, 0, sizeof *p);
    p->_o = llmg_sse_opts_resolved(opts);
    st = llmg__allocator_resolve(&p->_o.allocator, &p->_o.allocator, err);
    if (st != LLMG_OK) {
        memset(&p->_o.allocator, 0, sizeof p->_o.allocator);
        p->_err.code = st;
        p->_err.msg = err ? err->msg : LLMG__MSG("allocator: invalid");
        return st;
    }
    return llmg__ok(err, LLMG_OK);
}

LLMG_API void llmg_sse_reset(llmg_sse_parser *p)
{
    llmg_sse_opts o = p->_o;
    llmg_buf keep[4];
    llmg_error err = p->_err;
    keep[0] = p->_line; keep[1] = p->_data; keep[2] = p->_type; keep[3] = p->_id;
    memset(p, 0, sizeof *p);
    p->_o = o;
    if (!o.allocator.alloc_fn) p->_err = err;    /* init failed: nothing to reset to */
    p->_line = keep[0]; p->_data = keep[1]; p->_type = keep[2]; p->_id = keep[3];
    p->_line.len = p->_data.len = p->_type.len = p->_id.len = 0;
}

LLMG_API void llmg_sse_free(llmg_sse_parser *p)
{
    const llmg_allocator *a = &p->_o.allocator;
    if (!a->free_fn) return;
    llmg_buf_free(&p->_line, a);
    llmg_buf_free(&p->_data, a);
    llmg_buf_free(&p->_type, a);
    llmg_buf_free(&p->_id, a);
}

/* Makes an error sticky and reports it. */
static llmg_status llmg__sse_fail(llmg_sse_parser *p, llmg_error *err, llmg_status code,
                                  const char *msg, uint64_t offset)
{
    p->_err.code = code;
    p->_err.msg = msg;
    p->_err.offset = offset;
    p->_err.provider = NULL;
    if (err) *err = p->_err;
    return code;
}

static llmg_status llmg__sse_sticky(const llmg_sse_parser *p, llmg_error *err)
{
    if (err) *err = p->_err;
    return p->_err.code;
}

LLMG_API llmg_status llmg_sse_feed(llmg_sse_parser *p, const void *data, size_t len,
                                   llmg_error *err)
{
    if (p->_err.code < 0) return llmg__sse_sticky(p, err);
    if (p->_finished)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("sse: feed after finish"), p->_pos);
    if (p->_in_pos < p->_in_len)
        return llmg__fail(err, LLMG_E_ARG,
                          LLMG__MSG("sse: feed before next used up the previous bytes"),
                          p->_pos + p->_in_pos);
    if (!data && len)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("sse: data is NULL"), p->_pos);
    p->_pos += p->_in_len;
    p->_in = (const char *)data;
    p->_in_len = len;
    p->_in_pos = 0;
    p->_in_cr = p->_in_nocr = 0;
    return llmg__ok(err, LLMG_OK);
}

/* Copies a data view still pointing into the window into _data. */
static llmg_status llmg__sse_keep_view(llmg_sse_parser *p)
{
    llmg_status st;
    if (!p->_view) return LLMG_OK;
    llmg__buf_clear(&p->_data);
    st = llmg__buf_append(&p->_data, &p->_o.allocator, p->_view, p->_view_len,
                          p->_o.max_event_bytes);
    p->_view = NULL;
    return st;
}

static int llmg__sse_field_is(const char *name, size_t len, const char *lit, size_t lit_len)
{
    return len == lit_len && memcmp(name, lit, len) == 0;
}

/* One data line: the first stays a view when it is read in place. */
static llmg_status llmg__sse_data_line(llmg_sse_parser *p, const char *v, size_t n,
                                       int in_place, uint64_t at)
{
    const llmg_allocator *a = &p->_o.allocator;
    size_t total = 0;
    llmg_status st = LLMG_OK;
    size_t have = p->_view ? p->_view_len : p->_data.len;
    if (p->_data_lines > 0 && !llmg__size_add(have, 1, &total)) total = (size_t)-1;
    if (!llmg__size_add(total, n, &total) || total > p->_o.max_event_bytes)
        return llmg__sse_fail(p, NULL, LLMG_E_LIMIT,
                              LLMG__MSG("sse: event data longer than opts.max_event_bytes"), at);
    if (p->_data_lines == 0 && in_place) {
        p->_view = v;
        p->_view_len = n;
    } else {
        st = llmg__sse_keep_view(p);
        if (st == LLMG_OK && p->_data_lines > 0)
            st = llmg__buf_append(&p->_data, a, "\n", 1, p->_o.max_event_bytes);
        if (st == LLMG_OK) st = llmg__buf_append(&p->_data, a, v, n, p->_o.max_event_bytes);
    }
    if (st != LLMG_OK)
        return llmg__sse_fail(p, NULL, st, LLMG__MSG("sse: out of memory for event data"), at);
    p->_data_lines++;
    return LLMG_OK;
}

/* Interprets one complete line (without its end). Returns LLMG_OK when an
   event was dispatched into *ev, LLMG_NEED_MORE when not, or an error. */
static llmg_status llmg__sse_line(llmg_sse_parser *p, const char *line, size_t len,
                                  int in_place, uint64_t at, llmg_sse_event *ev)
{
    const llmg_allocator *a = &p->_o.allocator;
    const char *colon, *value;
    size_t name_len, vlen;
    llmg_status st;

    if (len == 0) {                              /* blank line: dispatch */
        p->_in_block = 0;
        if (p->_data_lines == 0) {
            p->_type.len = 0;
            return LLMG_NEED_MORE;
        }
        /* The buffers are emptied by length only: their bytes stay
           readable through *ev until the next call on p. */
        if (p->_type.len > 0) {
            ev->type.ptr = p->_type.ptr;
            ev->type.len = p->_type.len;
        } else {
            ev->type.ptr = llmg__sse_default_type;
            ev->type.len = sizeof llmg__sse_default_type - 1;
        }
        if (p->_view) {
            ev->data.ptr = p->_view;
            ev->data.len = p->_view_len;
            p->_view = NULL;
        } else {
            ev->data.ptr = p->_data.ptr ? p->_data.ptr : "";
            ev->data.len = p->_data.len;
        }
        ev->id.ptr = p->_id.ptr ? p->_id.ptr : "";
        ev->id.len = p->_id.len;
        ev->offset = p->_block_start;
        p->_data.len = 0;
        p->_type.len = 0;
        p->_data_lines = 0;
        return LLMG_OK;
    }
    if (!p->_in_block) {
        p->_in_block = 1;
        p->_block_start = at;
    }
    if (line[0] == ':') return LLMG_NEED_MORE;   /* comment */
    colon = (const char *)memchr(line, ':', len);
    name_len = colon ? (size_t)(colon - line) : len;
    value = colon ? colon + 1 : line + len;
    vlen = colon ? len - name_len - 1 : 0;
    if (vlen > 0 && value[0] == ' ') { value++; vlen--; }

    switch (name_len) {
    case 2:
        if (!llmg__sse_field_is(line, name_len, "id", 2)) break;
        if (memchr(value, '\0', vlen)) break;    /* an id with NUL is ignored */
        p->_id.len = 0;
        st = llmg__buf_append(&p->_id, a, value, vlen, p->_o.max_line_bytes);
        if (st != LLMG_OK) return llmg__sse_fail(p, NULL, st, LLMG__MSG("sse: out of memory"), at);
        break;
    case 4:
        if (!llmg__sse_field_is(line, name_len, "data", 4)) break;
        st = llmg__sse_data_line(p, value, vlen, in_place, at);
        if (st != LLMG_OK) return st;
        break;
    case 5: {
        size_t i;
        uint64_t ms = 0;
        if (llmg__sse_field_is(line, name_len, "event", 5)) {
            p->_type.len = 0;
            st = llmg__buf_append(&p->_type, a, value, vlen, p->_o.max_line_bytes);
            if (st != LLMG_OK)
                return llmg__sse_fail(p, NULL, st, LLMG__MSG("sse: out of memory"), at);
            break;
        }
        if (!llmg__sse_field_is(line, name_len, "retry", 5) || vlen == 0) break;
        for (i = 0; i < vlen; i++) {
            unsigned d = (unsigned)(unsigned char)value[i] - '0';
            if (d > 9) break;
            ms = ms > (UINT64_MAX - d) / 10 ? UINT64_MAX : ms * 10 + d;
        }
        if (i == vlen) {
            p->_retry = ms;
            p->_has_retry = 1;
        }
        break;
    }
    default:
        break;
    }
    return LLMG_NEED_MORE;
}

static const unsigned char llmg__sse_bom[3] = { 0xEF, 0xBB, 0xBF };

/* Matches a leading BOM, possibly split across feeds. Bytes that started
   like a BOM but were not one become the start of the first line. */
static llmg_status llmg__sse_bom_step(llmg_sse_parser *p)
{
    while (p->_bom < 3 && p->_in_pos < p->_in_len) {
        if ((unsigned char)p->_in[p->_in_pos] == llmg__sse_bom[p->_bom]) {
            p->_in_pos++;
            p->_bom++;
            continue;
        }
        if (p->_bom > 0) {                      /* stream offsets 0 .. _bom-1 */
            llmg_status st;
            if (p->_bom > p->_o.max_line_bytes)
                return llmg__sse_fail(p, NULL, LLMG_E_LIMIT,
                                      LLMG__MSG("sse: line longer than opts.max_line_bytes"),
                                      p->_o.max_line_bytes);
            st = llmg__buf_append(&p->_line, &p->_o.allocator, llmg__sse_bom, p->_bom,
                                  p->_o.max_line_bytes);
            if (st != LLMG_OK)
                return llmg__sse_fail(p, NULL, st, LLMG__MSG("sse: out of memory for a line"),
                                      p->_bom);
            p->_in_line = 1;
        }
        p->_bom = 3;
    }
    return LLMG_OK;
}

LLMG_API llmg_status llmg_sse_next(llmg_sse_parser *p, llmg_sse_event *ev, llmg_error *err)
{
    const llmg_allocator *a = &p->_o.allocator;
    llmg_status st;
    if (p->_err.code < 0) return llmg__sse_sticky(p, err);
    if (p->_finished) return llmg__ok(err, LLMG_DONE);
    if (p->_bom < 3) {
        st = llmg__sse_bom_step(p);
        if (st < 0) return llmg__sse_sticky(p, err);
    }
    while (p->_in_pos < p->_in_len) {
        const char *s = p->_in + p->_in_pos;
        size_t n = p->_in_len - p->_in_pos, len, lim;
        uint64_t at = p->_pos + p->_in_pos;
        const char *lf, *cr, *end;
        if (p->_skip_lf) {                       /* CR LF split across feeds */
            p->_skip_lf = 0;
            if (s[0] == '\n') { p->_in_pos++; continue; }
        }
        lf = (const char *)memchr(s, '\n', n);
        /* A CR ends the line only before its LF: the search stops there,
           and no byte is searched twice. */
        lim = lf ? (size_t)(lf - p->_in) : p->_in_len;
        if ((p->_in_cr == 0 || p->_in_cr - 1 < p->_in_pos) && p->_in_nocr < lim) {
            size_t from = p->_in_nocr > p->_in_pos ? p->_in_nocr : p->_in_pos;
            const char *c = (const char *)memchr(p->_in + from, '\r', lim - from);
            if (c) p->_in_cr = 1 + (size_t)(c - p->_in);
            else p->_in_nocr = lim;
        }
        cr = p->_in_cr != 0 && p->_in_cr - 1 >= p->_in_pos && p->_in_cr - 1 < lim
                 ? p->_in + p->_in_cr - 1 : NULL;
        end = cr ? cr : lf;
        if (!end) {                              /* the line goes on in the next feed */
            size_t room = p->_o.max_line_bytes - p->_line.len;
            if (n > room)
                return llmg__sse_fail(p, err, LLMG_E_LIMIT,
                                      LLMG__MSG("sse: line longer than opts.max_line_bytes"),
                                      at + room);
            st = llmg__sse_keep_view(p);
            if (st == LLMG_OK) st = llmg__buf_append(&p->_line, a, s, n, p->_o.max_line_bytes);
            if (st != LLMG_OK)
                return llmg__sse_fail(p, err, st, LLMG__MSG("sse: out of memory for a line"), at);
            p->_in_line = 1;
            p->_in_pos = p->_in_len;
            break;
        }
        len = (size_t)(end - s);
        p->_in_pos += len + 1;
        if (end == cr) {
            if (p->_in_pos < p->_in_len) {
                if (p->_in[p->_in_pos] == '\n') p->_in_pos++;
            } else {
                p->_skip_lf = 1;
            }
        }
        if (p->_in_line) {                       /* finish the buffered line */
            uint64_t line_at = at - p->_line.len;
            if (len > p->_o.max_line_bytes - p->_line.len)
                return llmg__sse_fail(p, err, LLMG_E_LIMIT,
                                      LLMG__MSG("sse: line longer than opts.max_line_bytes"),
                                      at + (p->_o.max_line_bytes - p->_line.len));
            st = llmg__buf_append(&p->_line, a, s, len, p->_o.max_line_bytes);
            if (st != LLMG_OK)
                return llmg__sse_fail(p, err, st, LLMG__MSG("sse: out of memory for a line"), at);
            p->_in_line = 0;
            st = llmg__sse_line(p, p->_line.ptr, p->_line.len, 0, line_at, ev);
            llmg__buf_clear(&p->_line);
        } else {
            if (len > p->_o.max_line_bytes)
                return llmg__sse_fail(p, err, LLMG_E_LIMIT,
                                      LLMG__MSG("sse: line longer than opts.max_line_bytes"),
                                      at + p->_o.max_line_bytes);
            st = llmg__sse_line(p, s, len, 1, at, ev);
        }
        if (st == LLMG_OK) return llmg__ok(err, LLMG_OK);
        if (st < 0) return llmg__sse_sticky(p, err);
    }
    st = llmg__sse_keep_view(p);
    if (st != LLMG_OK)
        return llmg__sse_fail(p, err, st, LLMG__MSG("sse: out of memory for event data"),
                              p->_pos + p->_in_len);
    return llmg__ok(err, LLMG_NEED_MORE);
}

LLMG_API llmg_status llmg_sse_finish(llmg_sse_parser *p, llmg_error *err)
{
    if (p->_err.code < 0) return llmg__sse_sticky(p, err);
    if (p->_in_pos < p->_in_len)
        return llmg__fail(err, LLMG_E_ARG,
                          LLMG__MSG("sse: finish before next used up the fed bytes"),
                          p->_pos + p->_in_pos);
    p->_pos += p->_in_len;
    p->_in = NULL;
    p->_in_len = p->_in_pos = 0;
    p->_finished = 1;
    p->_view = NULL;
    p->_data_lines = 0;
    p->_in_line = p->_in_block = 0;
    p->_line.len = p->_data.len = p->_type.len = 0;
    return llmg__ok(err, LLMG_OK);
}

LLMG_API int llmg_sse_retry(const llmg_sse_parser *p, uint64_t *ms)
{
    if (!p->_has_retry) return 0;
    if (ms) *ms = p->_retry;
    return 1;
}

LLMG_API uint64_t llmg_sse_offset(const llmg_sse_parser *p)
{
    return p->_pos + p->_in_pos;
}

/* ================================================================ >>impl-message */

static const char *const llmg__block_names[] = {
    "", "text", "reasoning", "tool_use", "server_tool_use", "server_tool_result",
    "image", "file", "tool_result", "other"
};
static const char *const llmg__role_names[] = {
    "", "user", "assistant", "developer", "system", "other"
};

/* Reading parsed values. */
/* A parsed key written as a key. */
static void llmg__write_key(llmg_json_writer *w, llmg_json_val k, const llmg_allocator *a)
{
    llmg_str ks;
    llmg_buf tmp;
    if (llmg_json_str_view(k, &ks)) {
        llmg_json_write_key(w, ks);
        return;
    }
    memset(&tmp, 0, sizeof tmp);
    if (llmg_json_dup_str(k, a, &tmp) == LLMG_OK) llmg_json_write_key(w, llmg_bstr(&tmp));
    else llmg__jw_fail(w, LLMG_E_NOMEM, LLMG__MSG("json writer: allocation failed"));
    llmg_buf_free(&tmp, a);
}

static int llmg__truthy(llmg_json_val v)
{
    llmg_json_type t = llmg_json_typeof(v);
    return t != LLMG_JSON_NONE && t != LLMG_JSON_NULL && t != LLMG_JSON_FALSE;
}

static int llmg__is_str(llmg_json_val v, const char *lit)
{
    return llmg_json_typeof(v) == LLMG_JSON_STRING && llmg_json_str_eq(v, llmg_str_c(lit));
}

/* An integer count: integers as they are, floats truncated (Ruby's to_i),
   anything else 0. */
static int64_t llmg__count(llmg_json_val v)
{
    int64_t n = 0;
    double d;
    if (llmg_json_typeof(v) != LLMG_JSON_NUMBER) return 0;
    if (llmg_json_get_int64(v, &n) == LLMG_OK) return n;
    if (llmg_json_get_double(v, &d) == LLMG_OK && d > -9.2e18 && d < 9.2e18) return (int64_t)d;
    return 0;
}

/* The first of a and b that is not null (Ruby's a || b on the dig). */
static llmg_json_val llmg__first(llmg_json_val a, llmg_json_val b)
{
    llmg_json_type t = llmg_json_typeof(a);
    return t != LLMG_JSON_NONE && t != LLMG_JSON_NULL ? a : b;
}

LLMG_API llmg_str llmg_bstr(const llmg_buf *b)
{
    llmg_str s;
    s.ptr = b && b->ptr ? b->ptr : "";
    s.len = b && b->ptr ? b->len : 0;
    return s;
}

LLMG_API const char *llmg_block_type_name(llmg_block_type t)
{
    return (unsigned)t < sizeof llmg__block_names / sizeof *llmg__block_names
               ? llmg__block_names[t] : "unknown";
}

LLMG_API const char *llmg_role_name(llmg_role r)
{
    return (unsigned)r < sizeof llmg__role_names / sizeof *llmg__role_names
               ? llmg__role_names[r] : "unknown";
}

/* Length of the Unicode white space character at s (Ruby's [[:space:]]),
   or 0. */
static size_t llmg__uspace(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))) return 1;
    if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0)) return 2;
    if (n < 3) return 0;
    if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) return 3;               /* U+1680 */
    if (s[0] == 0xE2 && s[1] == 0x80 &&
        (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF)) return s[2] >= 0x80 ? 3 : 0;
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) return 3;               /* U+205F */
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;               /* U+3000 */
    return 0;
}

static int llmg__is_blank(llmg_str s)
{
    size_t i = 0, k;
    while (i < s.len) {
        k = llmg__uspace((const unsigned char *)s.ptr + i, s.len - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

LLMG_API int llmg_block_is_blank(const llmg_block *b)
{
    return b && b->type == LLMG_BLOCK_TEXT && llmg__is_blank(llmg_bstr(&b->text));
}

/* Replaces b's bytes with src[0..n); an empty buffer keeps no memory only
   when it never had any. */
static llmg_status llmg__bset(llmg_buf *b, const llmg_allocator *a, const char *src, size_t n)
{
    b->len = 0;
    if (b->ptr) b->ptr[0] = '\0';
    return llmg__buf_append(b, a, src, n, LLMG__NOLIMIT);
}

static void llmg__block_free(llmg_block *b, const llmg_allocator *a)
{
    llmg_buf_free(&b->text, a);
    llmg_buf_free(&b->signature, a);
    llmg_buf_free(&b->id, a);
    llmg_buf_free(&b->name, a);
    llmg_buf_free(&b->media_type, a);
    llmg_buf_free(&b->extra, a);
    memset(b, 0, sizeof *b);
}

LLMG_API llmg_status llmg_message_init(llmg_message *m, const llmg_allocator *a, llmg_error *err)
{
    if (!m) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("message: m is required"), 0);
    memset(m, 0, sizeof *m);
    return llmg__allocator_resolve(a, &m->_a, err);
}

LLMG_API void llmg_message_clear(llmg_message *m)
{
    llmg_allocator a;
    size_t i;
    if (!m || !m->_a.free_fn) return;
    a = m->_a;
    for (i = 0; i < m->content_count; i++) llmg__block_free(&m->content[i], &a);
    llmg__free(&a, m->content, m->_content_cap * sizeof *m->content);
    llmg_buf_free(&m->role_name, &a);
    llmg_buf_free(&m->id, &a);
    llmg_buf_free(&m->model, &a);
    llmg_buf_free(&m->stop_reason, &a);
    llmg_buf_free(&m->provider, &a);
    llmg_buf_free(&m->api, &a);
    llmg_buf_free(&m->error_message, &a);
    llmg_buf_free(&m->extra, &a);
    llmg_buf_free(&m->usage.raw, &a);
    memset(m, 0, sizeof *m);
    m->_a = a;
}

LLMG_API void llmg_message_free(llmg_message *m)
{
    if (!m) return;
    llmg_message_clear(m);
    memset(m, 0, sizeof *m);
}

/* A new empty block at the end of m's content. */
static llmg_status llmg__msg_push_block(llmg_message *m, llmg_block_type t, llmg_block **out)
{
    if (m->content_count == m->_content_cap) {
        size_t cap = m->_content_cap ? m->_content_cap * 2 : 8, bytes;
        llmg_block *p;
        if (!llmg__size_mul(cap, sizeof *p, &bytes)) return LLMG_E_NOMEM;
        p = (llmg_block *)llmg__realloc(&m->_a, m->content, m->_content_cap * sizeof *p, bytes);
        if (!p) return LLMG_E_NOMEM;
        m->content = p;
        m->_content_cap = cap;
    }
    *out = &m->content[m->content_count++];
    memset(*out, 0, sizeof **out);
    (*out)->type = t;
    return LLMG_OK;
}

static void llmg__msg_pop_block(llmg_message *m)
{
    if (m->content_count) llmg__block_free(&m->content[--m->content_count], &m->_a);
}

/* ---------------------------------------------------------------- writing */

/* The first white space in JSON text p[0..n) outside its strings (n for
   none); a string's bytes are passed a run at a time. */
static size_t llmg__json_blank_at(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i++];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return i - 1;
        while (c == '"' && i < n) {             /* in a string: to its closing quote */
            i += llmg__json_str_run((const unsigned char *)p + i, n - i);
            if (i >= n) break;
            c = (unsigned char)p[i];
            i += c == '\\' && n - i >= 2 ? 2 : 1;
            c = c == '"' ? 0 : '"';
        }
    }
    return n;
}

/* Embeds a buffer of JSON text as one value, without the white space a
   provider may have put in it (so one event stays one line). */
static void llmg__write_json_text(llmg_json_writer *w, llmg_str json, const char *empty)
{
    size_t at, start;
    llmg_status st;
    if (!json.len) {
        llmg_json_write_raw(w, llmg_str_c(empty));
        return;
    }
    at = llmg__json_blank_at(json.ptr, json.len);
    if (at == json.len) {
        llmg_json_write_raw(w, json);
        return;
    }
    /* Rare: copy without the white space outside strings. */
    st = llmg__jw_pre(w);
    start = 0;
    while (st == LLMG_OK) {
        st = llmg__jw_put(w, json.ptr + start, at - start);
        if (at == json.len) break;
        start = at + 1;
        at = start + llmg__json_blank_at(json.ptr + start, json.len - start);
    }
    llmg__jw_post(w, st);
}

/* The members of an extra object ({"a":1,"b":2}) spliced into the object
   being written. */
static void llmg__write_extra(llmg_json_writer *w, const llmg_buf *extra)
{
    llmg_json_doc doc;
    llmg_json_iter it;
    llmg_json_val k, v;
    llmg_str key;
    llmg_buf tmp;
    if (!extra->len) return;
    llmg_json_doc_init(&doc);
    memset(&tmp, 0, sizeof tmp);
    {
        llmg_json_opts jo;
        memset(&jo, 0, sizeof jo);
        jo.allocator = w->_o.allocator;
        if (llmg_json_parse(&doc, extra->ptr, extra->len, &jo, NULL) != LLMG_OK) {
            llmg__jw_fail(w, LLMG_E_NOMEM, LLMG__MSG("json writer: allocation failed"));
            return;
        }
    }
    it = llmg_json_iter_init(llmg_json_root(&doc));
    while (llmg_json_iter_next(&it, &k, &v)) {
        if (!llmg_json_str_view(k, &key)) {
            if (llmg_json_dup_str(k, &w->_o.allocator, &tmp) != LLMG_OK) {
                llmg__jw_fail(w, LLMG_E_NOMEM, LLMG__MSG("json writer: allocation failed"));
                break;
            }
            key = llmg_bstr(&tmp);
        }
        llmg_json_write_key(w, key);
        llmg_json_write_val(w, v);
    }
    llmg_buf_free(&tmp, &w->_o.allocator);
    llmg_json_doc_free(&doc);
}

/* 1 when text is one JSON value (objects_only: one object), as the gem's
   JSON.parse would read it; white space around it is allowed. */
static int llmg__json_text_ok(llmg_str text, int objects_only, const llmg_allocator *a)
{
    llmg_json_stream vs;
    llmg_json_opts jo;
    size_t i = 0;
    int ok;
    while (i < text.len && (text.ptr[i] == ' ' || text.ptr[i] == '\t' || text.ptr[i] == '\n' ||
                            text.ptr[i] == '\r'))
        i++;
    if (i == text.len || (objects_only && text.ptr[i] != '{')) return 0;
    memset(&jo, 0, sizeof jo);
    jo.allocator = *a;
    ok = llmg_json_stream_init(&vs, &jo, NULL) == LLMG_OK &&
         llmg_json_stream_feed(&vs, text.ptr, text.len, NULL) >= 0 &&
         llmg_json_stream_finish(&vs, NULL) == LLMG_OK;
    llmg_json_stream_free(&vs);
    return ok;
}

/* A tool input or result content: its JSON text, or fallback when it is
   blank or not JSON (objects_only: also when it is not an object). */
static void llmg__write_parsed(llmg_json_writer *w, llmg_str text, int objects_only,
                               const char *fallback)
{
    if (llmg__json_text_ok(text, objects_only, &w->_o.allocator))
        llmg__write_json_text(w, text, fallback);
    else
        llmg_json_write_raw(w, llmg_str_c(fallback));
}

LLMG_API llmg_status llmg_usage_write_json(const llmg_usage *u, llmg_json_writer *w)
{
    if (!u || !w) return LLMG_E_ARG;
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "input");
    llmg_json_write_int(w, u->input);
    llmg_json_write_keyc(w, "cache_write");
    llmg_json_write_int(w, u->cache_write);
    llmg_json_write_keyc(w, "cache_read");
    llmg_json_write_int(w, u->cache_read);
    llmg_json_write_keyc(w, "output");
    llmg_json_write_int(w, u->output);
    if (!(u->flags & LLMG_USAGE_NO_TOTAL)) {
        llmg_json_write_keyc(w, "total");
        llmg_json_write_int(w, u->total);
    }
    if (!(u->flags & LLMG_USAGE_NO_RAW)) {
        llmg_json_write_keyc(w, "raw");
        llmg__write_json_text(w, llmg_bstr(&u->raw), "{}");
    }
    llmg_json_write_obj_end(w);
    return llmg_json_writer_status(w, NULL);
}

static void llmg__write_bstr(llmg_json_writer *w, const char *key, const llmg_buf *b)
{
    llmg_json_write_keyc(w, key);
    llmg_json_write_str(w, llmg_bstr(b));
}

LLMG_API llmg_status llmg_block_write_json(const llmg_block *b, llmg_json_writer *w)
{
    if (!b || !w) return LLMG_E_ARG;
    if (b->type == LLMG_BLOCK_OTHER) {
        llmg__write_json_text(w, llmg_bstr(&b->text), "{}");
        return llmg_json_writer_status(w, NULL);
    }
    llmg_json_write_obj_begin(w);
    switch (b->type) {
    case LLMG_BLOCK_TOOL_USE:
    case LLMG_BLOCK_SERVER_TOOL_USE:
        llmg__write_bstr(w, "id", &b->id);
        llmg_json_write_keyc(w, "type");
        llmg_json_write_strc(w, llmg_block_type_name(b->type));
        llmg__write_bstr(w, "name", &b->name);
        llmg_json_write_keyc(w, "input");
        if (b->flags & LLMG_BLOCK_INPUT_INVALID) llmg_json_write_raw(w, llmg_str_c("{}"));
        else llmg__write_parsed(w, llmg_bstr(&b->text), 1, "{}");
        break;
    case LLMG_BLOCK_SERVER_TOOL_RESULT:
    case LLMG_BLOCK_TOOL_RESULT:
        llmg_json_write_keyc(w, "type");
        llmg_json_write_strc(w, llmg_block_type_name(b->type));
        llmg__write_bstr(w, "tool_use_id", &b->id);
        llmg_json_write_keyc(w, "content");
        llmg__write_parsed(w, llmg_bstr(&b->text), 0, "{}");
        if (b->flags & LLMG_BLOCK_HAS_NAME) llmg__write_bstr(w, "name", &b->name);
        break;
    case LLMG_BLOCK_REASONING:
        llmg_json_write_keyc(w, "type");
        llmg_json_write_strc(w, "reasoning");
        llmg__write_bstr(w, "reasoning", &b->text);
        if (b->flags & LLMG_BLOCK_HAS_SIGNATURE) llmg__write_bstr(w, "signature", &b->signature);
        break;
    case LLMG_BLOCK_IMAGE:
    case LLMG_BLOCK_FILE:
        llmg_json_write_keyc(w, "type");
        llmg_json_write_strc(w, llmg_block_type_name(b->type));
        llmg__write_bstr(w, "data", &b->text);
        llmg__write_bstr(w, "media_type", &b->media_type);
        if (b->flags & LLMG_BLOCK_HAS_NAME) llmg__write_bstr(w, "name", &b->name);
        break;
    default:
        llmg_json_write_keyc(w, "type");
        llmg_json_write_strc(w, "text");
        llmg__write_bstr(w, "text", &b->text);
        break;
    }
    llmg__write_extra(w, &b->extra);
    llmg_json_write_obj_end(w);
    return llmg_json_writer_status(w, NULL);
}

LLMG_API llmg_status llmg_message_write_json(const llmg_message *m, llmg_json_writer *w)
{
    size_t i;
    unsigned f;
    if (!m || !w) return LLMG_E_ARG;
    f = m->flags;
    llmg_json_write_obj_begin(w);
    if (f & LLMG_MSG_HAS_ID) llmg__write_bstr(w, "id", &m->id);
    if (f & LLMG_MSG_HAS_MODEL) llmg__write_bstr(w, "model", &m->model);
    if (f & LLMG_MSG_HAS_USAGE) {
        llmg_json_write_keyc(w, "usage");
        llmg_usage_write_json(&m->usage, w);
    }
    if (m->role != LLMG_ROLE_NONE) {
        llmg_json_write_keyc(w, "role");
        if (m->role == LLMG_ROLE_OTHER) llmg_json_write_str(w, llmg_bstr(&m->role_name));
        else llmg_json_write_strc(w, llmg_role_name(m->role));
    }
    if (f & LLMG_MSG_HAS_STOP_REASON) llmg__write_bstr(w, "stop_reason", &m->stop_reason);
    if (f & LLMG_MSG_HAS_PROVIDER) llmg__write_bstr(w, "provider", &m->provider);
    if (f & LLMG_MSG_HAS_API) llmg__write_bstr(w, "api", &m->api);
    if (f & LLMG_MSG_HAS_CONTENT) {
        llmg_json_write_keyc(w, "content");
        if ((f & LLMG_MSG_CONTENT_STRING) && m->content_count == 1 &&
            m->content[0].type == LLMG_BLOCK_TEXT) {
            llmg_json_write_str(w, llmg_bstr(&m->content[0].text));
        } else if ((f & LLMG_MSG_CONTENT_OBJECT) && m->content_count == 1) {
            llmg_block_write_json(&m->content[0], w);
        } else {
            llmg_json_write_arr_begin(w);
            for (i = 0; i < m->content_count; i++)
                if (!llmg_block_is_blank(&m->content[i])) llmg_block_write_json(&m->content[i], w);
            llmg_json_write_arr_end(w);
        }
    }
    if (f & LLMG_MSG_HAS_TIMESTAMP) {
        llmg_json_write_keyc(w, "timestamp");
        llmg_json_write_int(w, m->timestamp);
    }
    if (f & LLMG_MSG_HAS_ERROR_MESSAGE) llmg__write_bstr(w, "error_message", &m->error_message);
    llmg__write_extra(w, &m->extra);
    llmg_json_write_obj_end(w);
    return llmg_json_writer_status(w, NULL);
}

/* ---------------------------------------------------------------- reading */

/* The compact JSON of v into b. */
static llmg_status llmg__bjson(llmg_buf *b, const llmg_allocator *a, llmg_json_val v)
{
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    llmg_status st;
    llmg_str out;
    memset(&wo, 0, sizeof wo);
    wo.allocator = *a;
    st = llmg_json_writer_init(&w, &wo, NULL);
    if (st != LLMG_OK) return st;
    llmg_json_write_val(&w, v);
    st = llmg_json_writer_status(&w, NULL);
    out = llmg_json_writer_str(&w);
    if (st == LLMG_OK) st = llmg__bset(b, a, out.ptr, out.len);
    llmg_json_writer_free(&w);
    return st;
}

/* A string member into b; 1 when v is a string, 0 (b untouched) else. */
static int llmg__bstring(llmg_buf *b, const llmg_allocator *a, llmg_json_val v, llmg_status *st)
{
    if (llmg_json_typeof(v) != LLMG_JSON_STRING) return 0;
    if (*st == LLMG_OK) *st = llmg_json_dup_str(v, a, b);
    return 1;
}

/* Members of obj not named in known (NULL-terminated) as one object. */
static llmg_status llmg__extra(llmg_buf *b, const llmg_allocator *a, llmg_json_val obj,
                               const char *const *known)
{
    llmg_json_writer w;
    llmg_json_writer_opts wo;
    llmg_json_iter it = llmg_json_iter_init(obj);
    llmg_json_val k, v;
    llmg_status st;
    int any = 0;
    memset(&wo, 0, sizeof wo);
    wo.allocator = *a;
    st = llmg_json_writer_init(&w, &wo, NULL);
    if (st != LLMG_OK) return st;
    llmg_json_write_obj_begin(&w);
    while (llmg_json_iter_next(&it, &k, &v)) {
        const char *const *q;
        int hit = 0;
        for (q = known; *q && !hit; q++) hit = llmg_json_str_eq(k, llmg_str_c(*q));
        /* a known key with null is kept as it was */
        if (hit && !llmg_json_is_null(v)) continue;
        llmg__write_key(&w, k, a);
        llmg_json_write_val(&w, v);
        any = 1;
    }
    llmg_json_write_obj_end(&w);
    st = llmg_json_writer_status(&w, NULL);
    if (st == LLMG_OK && any) st = llmg__bset(b, a, w.out.ptr, w.out.len);
    llmg_json_writer_free(&w);
    return st;
}

/* 1 when every member named in known has the JSON type of its letter
   (s string, a any, o object) or null, and those marked upper case are
   present. */
static int llmg__shape(llmg_json_val obj, const char *const *known, const char *types)
{
    size_t i;
    for (i = 0; known[i]; i++) {
        llmg_json_val v = llmg_json_getc(obj, known[i]);
        llmg_json_type t = llmg_json_typeof(v);
        char c = types[i];
        if (t == LLMG_JSON_NONE) {
            if (c >= 'A' && c <= 'Z') return 0;
            continue;
        }
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c == 's' && t != LLMG_JSON_STRING) return 0;
        if (c == 'o' && t != LLMG_JSON_OBJECT) return 0;
    }
    return 1;
}

static llmg_status llmg__block_from_json(llmg_block *b, const llmg_allocator *a, llmg_json_val v)
{
    static const char *const k_text[] = {"type", "text", NULL};
    static const char *const k_reason[] = {"type", "reasoning", "signature", NULL};
    static const char *const k_think[] = {"type", "thinking", "reasoning", "signature", NULL};
    static const char *const k_tool[] = {"type", "id", "name", "input", NULL};
    static const char *const k_sres[] = {"type", "tool_use_id", "content", "name", NULL};
    static const char *const k_res[] = {"type", "tool_use_id", "content", NULL};
    static const char *const k_image[] = {"type", "data", "media_type", NULL};
    static const char *const k_file[] = {"type", "data", "media_type", "name", NULL};
    llmg_json_val t = LLMG__GETC(v, "type");
    llmg_status st = LLMG_OK;
    const char *const *known = NULL;
    memset(b, 0, sizeof *b);
    b->type = LLMG_BLOCK_OTHER;
    if (llmg__is_str(t, "text") && llmg__shape(v, k_text, "SS")) {
        b->type = LLMG_BLOCK_TEXT;
        llmg__bstring(&b->text, a, LLMG__GETC(v, "text"), &st);
        known = k_text;
    } else if ((llmg__is_str(t, "reasoning") && llmg__shape(v, k_reason, "SSs")) ||
               (llmg__is_str(t, "thinking") && llmg__shape(v, k_think, "Ssss"))) {
        int thinking = llmg__is_str(t, "thinking");
        b->type = LLMG_BLOCK_REASONING;
        if (thinking) b->flags |= LLMG_BLOCK_FROM_THINKING;
        if (!thinking || !llmg__bstring(&b->text, a, LLMG__GETC(v, "thinking"), &st))
            llmg__bstring(&b->text, a, LLMG__GETC(v, "reasoning"), &st);
        if (llmg__bstring(&b->signature, a, LLMG__GETC(v, "signature"), &st))
            b->flags |= LLMG_BLOCK_HAS_SIGNATURE;
        known = thinking ? k_think : k_reason;
    } else if ((llmg__is_str(t, "tool_use") || llmg__is_str(t, "server_tool_use")) &&
               llmg__shape(v, k_tool, "SSSO")) {
        b->type = llmg__is_str(t, "tool_use") ? LLMG_BLOCK_TOOL_USE : LLMG_BLOCK_SERVER_TOOL_USE;
        llmg__bstring(&b->id, a, LLMG__GETC(v, "id"), &st);
        llmg__bstring(&b->name, a, LLMG__GETC(v, "name"), &st);
        b->flags |= LLMG_BLOCK_HAS_NAME | LLMG_BLOCK_ENDED;
        if (st == LLMG_OK) st = llmg__bjson(&b->text, a, LLMG__GETC(v, "input"));
        known = k_tool;
    } else if (llmg__is_str(t, "server_tool_result") && llmg__shape(v, k_sres, "SSas") &&
               LLMG__GETC(v, "content").i != LLMG__JSON_NOWHERE) {
        b->type = LLMG_BLOCK_SERVER_TOOL_RESULT;
        llmg__bstring(&b->id, a, LLMG__GETC(v, "tool_use_id"), &st);
        if (llmg__bstring(&b->name, a, LLMG__GETC(v, "name"), &st)) b->flags |= LLMG_BLOCK_HAS_NAME;
        if (st == LLMG_OK) st = llmg__bjson(&b->text, a, LLMG__GETC(v, "content"));
        known = k_sres;
    } else if (llmg__is_str(t, "tool_result") && llmg__shape(v, k_res, "SSa") &&
               LLMG__GETC(v, "content").i != LLMG__JSON_NOWHERE) {
        b->type = LLMG_BLOCK_TOOL_RESULT;
        llmg__bstring(&b->id, a, LLMG__GETC(v, "tool_use_id"), &st);
        if (st == LLMG_OK) st = llmg__bjson(&b->text, a, LLMG__GETC(v, "content"));
        known = k_res;
    } else if (llmg__is_str(t, "image") && llmg__shape(v, k_image, "SSS")) {
        b->type = LLMG_BLOCK_IMAGE;
        llmg__bstring(&b->text, a, LLMG__GETC(v, "data"), &st);
        llmg__bstring(&b->media_type, a, LLMG__GETC(v, "media_type"), &st);
        known = k_image;
    } else if (llmg__is_str(t, "file") && llmg__shape(v, k_file, "SSSs")) {
        b->type = LLMG_BLOCK_FILE;
        llmg__bstring(&b->text, a, LLMG__GETC(v, "data"), &st);
        llmg__bstring(&b->media_type, a, LLMG__GETC(v, "media_type"), &st);
        if (llmg__bstring(&b->name, a, LLMG__GETC(v, "name"), &st)) b->flags |= LLMG_BLOCK_HAS_NAME;
        known = k_file;
    }
    if (known) {
        if (st == LLMG_OK) st = llmg__extra(&b->extra, a, v, known);
    } else {
        st = llmg__bjson(&b->text, a, v);      /* kept whole */
    }
    return st;
}

LLMG_API llmg_status llmg_message_from_json(llmg_message *m, llmg_json_val v, llmg_error *err)
{
    static const char *const known[] = {"id", "model", "usage", "role", "stop_reason", "provider",
                                        "api", "content", "timestamp", "error_message", NULL};
    static const char *const str_keys[] = {"id", "model", "stop_reason", "provider", "api",
                                           "error_message"};
    static const unsigned str_flags[] = {LLMG_MSG_HAS_ID, LLMG_MSG_HAS_MODEL,
                                         LLMG_MSG_HAS_STOP_REASON, LLMG_MSG_HAS_PROVIDER,
                                         LLMG_MSG_HAS_API, LLMG_MSG_HAS_ERROR_MESSAGE};
    llmg_json_val content, role, usage, ts, b;
    llmg_buf *str_bufs[6];
    llmg_status st = LLMG_OK;
    llmg_block *blk;
    size_t i;
    if (!m || !m->_a.free_fn) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("message: not initialized"), 0);
    llmg_message_clear(m);
    if (llmg_json_typeof(v) != LLMG_JSON_OBJECT)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("message: not a JSON object"),
                          v.doc && v.i < v.doc->count ? v.doc->toks[v.i].start : 0);
    content = LLMG__GETC(v, "content");
    if (llmg_json_typeof(content) != LLMG_JSON_NONE && llmg_json_typeof(content) != LLMG_JSON_NULL &&
        llmg_json_typeof(content) != LLMG_JSON_STRING && llmg_json_typeof(content) != LLMG_JSON_OBJECT &&
        llmg_json_typeof(content) != LLMG_JSON_ARRAY)
        return llmg__fail(err, LLMG_E_ARG,
                          LLMG__MSG("message: content is not a string, a block or an array of blocks"),
                          v.doc->toks[content.i].start);
    str_bufs[0] = &m->id;
    str_bufs[1] = &m->model;
    str_bufs[2] = &m->stop_reason;
    str_bufs[3] = &m->provider;
    str_bufs[4] = &m->api;
    str_bufs[5] = &m->error_message;
    for (i = 0; i < 6; i++)
        if (llmg__bstring(str_bufs[i], &m->_a, llmg_json_getc(v, str_keys[i]), &st)) m->flags |= str_flags[i];
    role = LLMG__GETC(v, "role");
    if (llmg_json_typeof(role) == LLMG_JSON_STRING) {
        int r;
        m->role = LLMG_ROLE_OTHER;
        for (r = LLMG_ROLE_USER; r < LLMG_ROLE_OTHER; r++)
            if (llmg_json_str_eq(role, llmg_str_c(llmg__role_names[r]))) m->role = (llmg_role)r;
        if (m->role == LLMG_ROLE_OTHER) llmg__bstring(&m->role_name, &m->_a, role, &st);
    }
    ts = LLMG__GETC(v, "timestamp");
    if (llmg_json_get_int64(ts, &m->timestamp) == LLMG_OK) m->flags |= LLMG_MSG_HAS_TIMESTAMP;
    usage = LLMG__GETC(v, "usage");
    if (llmg_json_typeof(usage) == LLMG_JSON_OBJECT) {
        llmg_json_val raw = LLMG__GETC(usage, "raw");
        m->flags |= LLMG_MSG_HAS_USAGE;
        m->usage.input = llmg__count(LLMG__GETC(usage, "input"));
        m->usage.cache_write = llmg__count(LLMG__GETC(usage, "cache_write"));
        m->usage.cache_read = llmg__count(LLMG__GETC(usage, "cache_read"));
        m->usage.output = llmg__count(LLMG__GETC(usage, "output"));
        m->usage.total = m->usage.input + m->usage.cache_write + m->usage.cache_read + m->usage.output;
        if (st == LLMG_OK && llmg_json_typeof(raw) == LLMG_JSON_OBJECT)
            st = llmg__bjson(&m->usage.raw, &m->_a, raw);
        if (LLMG__GETC(usage, "total").i == LLMG__JSON_NOWHERE) m->usage.flags |= LLMG_USAGE_NO_TOTAL;
        if (raw.i == LLMG__JSON_NOWHERE) m->usage.flags |= LLMG_USAGE_NO_RAW;
    }
    if (llmg_json_typeof(content) == LLMG_JSON_STRING) {
        m->flags |= LLMG_MSG_HAS_CONTENT | LLMG_MSG_CONTENT_STRING;
        if (st == LLMG_OK) st = llmg__msg_push_block(m, LLMG_BLOCK_TEXT, &blk);
        if (st == LLMG_OK) st = llmg_json_dup_str(content, &m->_a, &blk->text);
    } else if (llmg_json_typeof(content) == LLMG_JSON_OBJECT) {
        m->flags |= LLMG_MSG_HAS_CONTENT | LLMG_MSG_CONTENT_OBJECT;
        if (st == LLMG_OK) st = llmg__msg_push_block(m, LLMG_BLOCK_OTHER, &blk);
        if (st == LLMG_OK) st = llmg__block_from_json(blk, &m->_a, content);
    } else if (llmg_json_typeof(content) == LLMG_JSON_ARRAY) {
        m->flags |= LLMG_MSG_HAS_CONTENT;
        for (i = 0; st == LLMG_OK && (b = llmg_json_at(content, i)).i != LLMG__JSON_NOWHERE; i++) {
            st = llmg__msg_push_block(m, LLMG_BLOCK_OTHER, &blk);
            if (st == LLMG_OK) st = llmg__block_from_json(blk, &m->_a, b);
        }
    }
    if (st == LLMG_OK) st = llmg__extra(&m->extra, &m->_a, v, known);
    if (st != LLMG_OK) {
        llmg_message_clear(m);
        return llmg__fail(err, st, LLMG__MSG("message: allocation failed"), 0);
    }
    return llmg__ok(err, LLMG_OK);
}

/* ================================================================ >>impl-stream
   Three parts: patches (the normalized events of one SSE event, queued by
   a mapper), the mappers (one per API family, all of the same shape:
   llmg__map_<api>(s, name, data) queues patches), and the accumulator
   (llmg__apply: one patch into the message and the event the host sees). */

static const char *const llmg__event_names[] = {
    "", "message_start", "message_delta", "message_end",
    "text_start", "text_delta", "text_end",
    "reasoning_start", "reasoning_delta", "reasoning_end",
    "tool_start", "tool_delta", "tool_end",
    "tool_result_start", "tool_result_delta", "tool_result_end"
};

LLMG_API const char *llmg_event_type_name(llmg_event_type t)
{
    return (unsigned)t < sizeof llmg__event_names / sizeof *llmg__event_names
               ? llmg__event_names[t] : "unknown";
}

/* Block kinds: the block events come in start, delta, end triples. */
enum { LLMG__K_NONE = 0, LLMG__K_TEXT = 1, LLMG__K_REASONING = 2, LLMG__K_TOOL = 3,
       LLMG__K_RESULT = 4 };
#define LLMG__KIND(t)  ((t) >= LLMG_EVENT_TEXT_START ? ((int)(t) - LLMG_EVENT_TEXT_START) / 3 + 1 : 0)
#define LLMG__PHASE(t) (((int)(t) - LLMG_EVENT_TEXT_START) % 3)   /* 0 start, 1 delta, 2 end */
#define LLMG__EV(kind, phase) ((llmg_event_type)(LLMG_EVENT_TEXT_START + ((kind) - 1) * 3 + (phase)))
#define LLMG__NO_BLOCK ((size_t)-1)

/* A string a patch refers to: bytes of the event's data (p set) or of the
   scratch buffer (p NULL, at off), which may move while a mapper runs. */
typedef struct llmg__ref {
    const char *p;
    size_t      off, len;
} llmg__ref;

struct llmg__patch {
    llmg_event_type type;
    llmg_block_type tool_type;
    unsigned        mflags;          /* message: LLMG_MSG_HAS_* fields given */
    llmg__ref       delta, sig, id, name;
    llmg__ref       mdelta;          /* message: the delta object, compact JSON */
    llmg__ref       model, role, stop, errmsg;
    int64_t         ts;
    int             has_usage;
    int64_t         u[4];            /* input, cache_write, cache_read, output */
    llmg__ref       uraw;
};

/* A code interpreter call of the Responses API, by output_index. Its
   strings live in s->_cibuf. */
typedef struct llmg__ci {
    int64_t   index;
    llmg__ref id, container, outputs; /* offsets into _cibuf (p NULL) */
    int       has_id, opened, closed;
} llmg__ci;

static llmg_str llmg__rstr(const llmg_buf *scratch, llmg__ref r)
{
    llmg_str s;
    s.len = r.len;
    s.ptr = r.p ? r.p : (r.len ? scratch->ptr + r.off : "");
    return s;
}

static llmg__ref llmg__lit(const char *s)
{
    llmg__ref r;
    r.p = s;
    r.off = 0;
    r.len = strlen(s);
    return r;
}

static llmg__ref llmg__view(llmg_str v)
{
    llmg__ref r;
    r.p = v.ptr;
    r.off = 0;
    r.len = v.len;
    return r;
}

static llmg_status llmg__sfail(llmg_stream *s, llmg_status code, const char *msg, llmg_error *err)
{
    if (s->_err.code >= 0) llmg__fail(&s->_err, code, msg, s->_ev_offset);
    if (err) *err = s->_err;
    return s->_err.code;
}

/* A provider error of kind `kind` with a static message: LLMG_E_PROVIDER. */
static llmg_status llmg__sfail_kind(llmg_stream *s, llmg_error_kind kind, const char *msg,
                                    llmg_error *err)
{
    llmg__pe_build b;
    llmg_classify_opts co;
    llmg_status st;
    memset(&co, 0, sizeof co);
    co.allocator = s->_a;
    llmg_provider_error_free(&s->_perr);
    st = llmg__pe_begin(&b, &co, &s->_perr, NULL);
    if (st == LLMG_OK) {
        b.kind = kind;
        b.msg = llmg_str_c(msg);
        b.has_msg = 1;
    }
    st = llmg__pe_close(&b, st, NULL);
    if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
    st = llmg__sfail(s, LLMG_E_PROVIDER, msg, err);
    s->_err.provider = &s->_perr;
    if (err) err->provider = &s->_perr;
    return st;
}

/* ---------------------------------------------------------------- patches */

static llmg_status llmg__q_push(llmg_stream *s, llmg_event_type t, llmg__patch **out)
{
    llmg__patch *p;
    if (s->_q_len == s->_q_cap) {
        size_t cap = s->_q_cap ? s->_q_cap * 2 : 8, bytes;
        if (!llmg__size_mul(cap, sizeof *p, &bytes)) return LLMG_E_NOMEM;
        p = (llmg__patch *)llmg__realloc(&s->_a, s->_q, s->_q_cap * sizeof *p, bytes);
        if (!p) return LLMG_E_NOMEM;
        s->_q = p;
        s->_q_cap = cap;
    }
    p = &s->_q[s->_q_len++];
    memset(p, 0, sizeof *p);
    p->type = t;
    p->tool_type = LLMG_BLOCK_TOOL_USE;
    *out = p;
    return LLMG_OK;
}

/* A block patch with its delta. */
static llmg_status llmg__q_block(llmg_stream *s, llmg_event_type t, llmg__ref delta,
                                 llmg__patch **out)
{
    llmg__patch *p;
    llmg_status st = llmg__q_push(s, t, &p);
    if (st != LLMG_OK) return st;
    p->delta = delta;
    if (out) *out = p;
    return LLMG_OK;
}

/* Bytes into the scratch buffer. */
static llmg_status llmg__scratch_put(llmg_stream *s, const char *p, size_t n, llmg__ref *r)
{
    llmg_status st;
    r->p = NULL;
    r->off = s->_scratch.len;
    r->len = n;
    st = llmg__buf_append(&s->_scratch, &s->_a, p, n, LLMG__NOLIMIT);
    return st;
}

/* The content of a string value: a view into the data when it has no
   escape, else unescaped once into scratch. Not a string: 0 and "". */
static llmg_status llmg__sval(llmg_stream *s, llmg_json_val v, llmg__ref *r, int *present)
{
    llmg_str view;
    size_t need = 0, lex;
    llmg_status st;
    r->p = "";
    r->off = r->len = 0;
    if (present) *present = 0;
    if (llmg_json_typeof(v) != LLMG_JSON_STRING) return LLMG_OK;
    if (present) *present = 1;
    if (llmg_json_str_view(v, &view)) {
        *r = llmg__view(view);
        return LLMG_OK;
    }
    lex = llmg_json_lexeme(v).len;
    st = llmg__buf_reserve(&s->_scratch, &s->_a, lex, LLMG__NOLIMIT);
    if (st != LLMG_OK) return st;
    llmg_json_get_str(v, s->_scratch.ptr + s->_scratch.len, s->_scratch.cap - s->_scratch.len, &need);
    r->p = NULL;
    r->off = s->_scratch.len;
    r->len = need;
    s->_scratch.len += need;
    return LLMG_OK;
}

/* What the stream's writer holds, moved to scratch. */
static llmg_status llmg__scratch_writer(llmg_stream *s, llmg__ref *r)
{
    llmg_str out;
    llmg_status st = llmg_json_writer_status(&s->_w, NULL);
    if (st != LLMG_OK) return st;
    out = llmg_json_writer_str(&s->_w);
    return llmg__scratch_put(s, out.ptr, out.len, r);
}

/* The compact JSON of a value (the gem's JSON.generate) in scratch; an
   absent or null value gives "" when empty_for_null. */
static llmg_status llmg__sjson(llmg_stream *s, llmg_json_val v, int empty_for_null, llmg__ref *r)
{
    llmg_json_type t = llmg_json_typeof(v);
    r->p = "";
    r->off = r->len = 0;
    if (t == LLMG_JSON_NONE || (empty_for_null && t == LLMG_JSON_NULL)) return LLMG_OK;
    llmg_json_writer_reset(&s->_w);
    llmg_json_write_val(&s->_w, v);
    return llmg__scratch_writer(s, r);
}





/* Seconds from the provider as Unix ms. */
static int llmg__ts_ms(llmg_json_val v, int64_t *out)
{
    int64_t n;
    double d;
    if (llmg_json_typeof(v) != LLMG_JSON_NUMBER) return 0;
    if (llmg_json_get_int64(v, &n) == LLMG_OK && n > -9223372036854775LL && n < 9223372036854775LL) {
        *out = n * 1000;
        return 1;
    }
    if (llmg_json_get_double(v, &d) == LLMG_OK && d > -9.2e15 && d < 9.2e15) {
        *out = (int64_t)(d * 1000.0);
        return 1;
    }
    return 0;
}

/* A message patch's usage: counters, and the provider's object verbatim. */
static void llmg__patch_usage(llmg__patch *p, llmg_json_val u, int64_t input, int64_t cw,
                              int64_t cr, int64_t output)
{
    p->has_usage = 1;
    p->u[0] = input;
    p->u[1] = cw;
    p->u[2] = cr;
    p->u[3] = output;
    if (llmg_json_typeof(u) == LLMG_JSON_OBJECT) p->uraw = llmg__view(llmg_json_lexeme(u));
    else p->uraw = llmg__lit("{}");
}

/* A message patch from fields; the delta object is written in this order:
   id, model, role, timestamp, stop_reason (only those given). */
typedef struct llmg__mfields {
    llmg__ref id, model, role, stop, errmsg;
    int64_t   ts;
    unsigned  has;                   /* LLMG_MSG_HAS_ID, _MODEL, _TIMESTAMP, _STOP_REASON,
                                        _ERROR_MESSAGE; role: LLMG__HAS_ROLE */
} llmg__mfields;
#define LLMG__HAS_ROLE 0x10000u

static llmg_status llmg__q_message(llmg_stream *s, llmg_event_type t, const llmg__mfields *f,
                                   llmg__patch **out)
{
    llmg__patch *p;
    llmg_json_writer *w = &s->_w;
    llmg_status st;
    llmg_json_writer_reset(w);
    llmg_json_write_obj_begin(w);
    if (f && (f->has & LLMG_MSG_HAS_ID)) {
        llmg_json_write_keyc(w, "id");
        llmg_json_write_str(w, llmg__rstr(&s->_scratch, f->id));
    }
    if (f && (f->has & LLMG_MSG_HAS_MODEL)) {
        llmg_json_write_keyc(w, "model");
        llmg_json_write_str(w, llmg__rstr(&s->_scratch, f->model));
    }
    if (f && (f->has & LLMG__HAS_ROLE)) {
        llmg_json_write_keyc(w, "role");
        llmg_json_write_str(w, llmg__rstr(&s->_scratch, f->role));
    }
    if (f && (f->has & LLMG_MSG_HAS_TIMESTAMP)) {
        llmg_json_write_keyc(w, "timestamp");
        llmg_json_write_int(w, f->ts);
    }
    if (f && (f->has & LLMG_MSG_HAS_STOP_REASON)) {
        llmg_json_write_keyc(w, "stop_reason");
        llmg_json_write_str(w, llmg__rstr(&s->_scratch, f->stop));
    }
    llmg_json_write_obj_end(w);
    st = llmg__q_push(s, t, &p);
    if (st != LLMG_OK) return st;
    st = llmg__scratch_writer(s, &p->mdelta);
    if (st != LLMG_OK) return st;
    if (f) {
        p->mflags = f->has;
        p->id = f->id;
        p->model = f->model;
        p->role = f->role;
        p->stop = f->stop;
        p->errmsg = f->errmsg;
        p->ts = f->ts;
    }
    if (out) *out = p;
    return LLMG_OK;
}

/* The error event of a stream: classified, then LLMG_E_PROVIDER. */
static llmg_status llmg__stream_error(llmg_stream *s, llmg_json_val payload, llmg_error *err)
{
    llmg_classify_opts co;
    llmg_status st;
    memset(&co, 0, sizeof co);
    co.allocator = s->_a;
    llmg_provider_error_free(&s->_perr);
    st = llmg_classify_stream_error(s->_o.provider, payload, &co, &s->_perr, NULL);
    if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
    st = llmg__sfail(s, LLMG_E_PROVIDER, LLMG__MSG("stream: the provider sent an error event"), err);
    s->_err.provider = &s->_perr;
    if (err) err->provider = &s->_perr;
    return st;
}

/* ---------------------------------------------------------------- stop reasons */

/* The gem's normalization, extended where it would fail (spec §14):
   *errmsg is set for the reasons that become "error". */
static const char *llmg__stop_reason(llmg_provider p, llmg_str r, const char **errmsg)
{
    static const char *const anthropic[][2] = {
        {"end_turn", "stop"}, {"tool_use", "tool_use"}, {"max_tokens", "length"},
        {"model_context_window_exceeded", "length"}, {"stop_sequence", "stop"},
        {"pause_turn", "stop"}, {"refusal", "error"}
    };
    static const char *const chat[][2] = {
        {"stop", "stop"}, {"length", "length"}, {"tool_calls", "tool_use"},
        {"function_call", "tool_use"}, {"content_filter", "error"}
    };
    const char *const (*t)[2] = p == LLMG_PROVIDER_ANTHROPIC_MESSAGES ? anthropic : chat;
    size_t n = p == LLMG_PROVIDER_ANTHROPIC_MESSAGES ? sizeof anthropic / sizeof *anthropic
                                                      : sizeof chat / sizeof *chat, i;
    *errmsg = NULL;
    for (i = 0; i < n; i++)
        if (llmg_str_eq(r, llmg_str_c(t[i][0]))) {
            if (t[i][1][0] == 'e') *errmsg = t[i][0];
            return t[i][1];
        }
    return "stop";
}


/* ---------------------------------------------------------------- Anthropic Messages */

static llmg_status llmg__map_anthropic(llmg_stream *s, llmg_str name, llmg_json_val data,
                                       llmg_error *err)
{
    llmg__patch *p;
    llmg__ref r;
    llmg_status st = LLMG_OK;
    int kind = s->_kind;
    size_t n = name.len;
    const char *nm = name.ptr;
#define LLMG__IS(lit) (n == sizeof(lit) - 1 && memcmp(nm, lit, n) == 0)
    if (LLMG__IS("content_block_delta")) {
        llmg_json_val d = LLMG__GETC(data, "delta");
        switch (kind) {
        case LLMG__K_TEXT:
            st = llmg__sval(s, LLMG__GETC(d, "text"), &r, NULL);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TEXT_DELTA, r, NULL);
            break;
        case LLMG__K_REASONING:
            st = llmg__sval(s, LLMG__GETC(d, "thinking"), &r, NULL);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_REASONING_DELTA, r, &p);
            if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(d, "signature"), &p->sig, NULL);
            break;
        case LLMG__K_TOOL:
            st = llmg__sval(s, LLMG__GETC(d, "partial_json"), &r, NULL);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_DELTA, r, NULL);
            break;
        case LLMG__K_RESULT:
            st = llmg__sjson(s, LLMG__GETC(d, "content"), 1, &r);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_RESULT_DELTA, r, NULL);
            break;
        default:
            break;
        }
    } else if (LLMG__IS("content_block_start")) {
        llmg_json_val cb = LLMG__GETC(data, "content_block"), t = LLMG__GETC(cb, "type");
        llmg_str ts = llmg_str_c("");
        if (llmg_json_typeof(t) == LLMG_JSON_STRING && !llmg_json_str_view(t, &ts)) ts.len = 0;
        s->_kind = LLMG__K_NONE;
        if (ts.len >= 12 && memcmp(ts.ptr + ts.len - 12, "_tool_result", 12) == 0) {
            s->_kind = LLMG__K_RESULT;
            st = llmg__sjson(s, LLMG__GETC(cb, "content"), 1, &r);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_RESULT_START, r, &p);
            if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(cb, "tool_use_id"), &p->id, NULL);
            if (st == LLMG_OK) p->name = llmg__view(ts);
        } else if (llmg_str_eq(ts, llmg_str_c("text"))) {
            s->_kind = LLMG__K_TEXT;
            st = llmg__sval(s, LLMG__GETC(cb, "text"), &r, NULL);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TEXT_START, r, NULL);
        } else if (llmg_str_eq(ts, llmg_str_c("thinking"))) {
            s->_kind = LLMG__K_REASONING;
            st = llmg__sval(s, LLMG__GETC(cb, "thinking"), &r, NULL);
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_REASONING_START, r, NULL);
        } else if (llmg_str_eq(ts, llmg_str_c("tool_use")) ||
                   llmg_str_eq(ts, llmg_str_c("server_tool_use"))) {
            s->_kind = LLMG__K_TOOL;
            st = llmg__q_block(s, LLMG_EVENT_TOOL_START, llmg__lit(""), &p);
            if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(cb, "id"), &p->id, NULL);
            if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(cb, "name"), &p->name, NULL);
            if (st == LLMG_OK && ts.ptr[0] == 's') p->tool_type = LLMG_BLOCK_SERVER_TOOL_USE;  /* server_tool_use */
        }
    } else if (LLMG__IS("content_block_stop")) {
        if (kind != LLMG__K_NONE) st = llmg__q_block(s, LLMG__EV(kind, 2), llmg__lit(""), NULL);
        s->_kind = LLMG__K_NONE;
    } else if (LLMG__IS("message_start")) {
        llmg__mfields f;
        llmg_json_val msg = LLMG__GETC(data, "message");
        int has;
        memset(&f, 0, sizeof f);
        st = llmg__sval(s, LLMG__GETC(msg, "id"), &f.id, &has);
        f.has |= has ? LLMG_MSG_HAS_ID : 0;
        if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(msg, "model"), &f.model, &has);
        f.has |= has ? LLMG_MSG_HAS_MODEL : 0;
        if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(msg, "role"), &f.role, &has);
        f.has |= has ? LLMG__HAS_ROLE : 0;
        if (st == LLMG_OK) st = llmg__q_message(s, LLMG_EVENT_MESSAGE_START, &f, NULL);
    } else if (LLMG__IS("message_delta")) {
        /* The provider's delta as received, stop_reason normalized. */
        llmg_json_val d = LLMG__GETC(data, "delta"), k, v, u;
        llmg_json_iter it = llmg_json_iter_init(d);
        llmg_json_writer *w = &s->_w;
        llmg__ref stop = llmg__lit(""), errmsg = llmg__lit("");
        unsigned has = 0;
        llmg_json_writer_reset(w);
        llmg_json_write_obj_begin(w);
        while (llmg_json_iter_next(&it, &k, &v)) {
            llmg__write_key(w, k, &s->_a);
            if (llmg_json_str_eq(k, llmg_str_c("stop_reason")) &&
                llmg_json_typeof(v) == LLMG_JSON_STRING) {
                const char *em;
                const char *norm;
                llmg__ref raw;
                st = llmg__sval(s, v, &raw, NULL);
                if (st != LLMG_OK) break;
                norm = llmg__stop_reason(s->_o.provider, llmg__rstr(&s->_scratch, raw), &em);
                stop = llmg__lit(norm);
                has |= LLMG_MSG_HAS_STOP_REASON;
                if (em) {
                    errmsg = llmg__lit(em);
                    has |= LLMG_MSG_HAS_ERROR_MESSAGE;
                }
                llmg_json_write_strc(w, norm);
            } else {
                llmg_json_write_val(w, v);
            }
        }
        llmg_json_write_obj_end(w);
        if (st == LLMG_OK) st = llmg__q_push(s, LLMG_EVENT_MESSAGE_DELTA, &p);
        if (st == LLMG_OK) st = llmg__scratch_writer(s, &p->mdelta);
        if (st == LLMG_OK) {
            p->mflags = has;
            p->stop = stop;
            p->errmsg = errmsg;
            u = LLMG__GETC(data, "usage");
            if (llmg_json_typeof(u) == LLMG_JSON_OBJECT)
                llmg__patch_usage(p, u, llmg__count(LLMG__GETC(u, "input_tokens")),
                                  llmg__count(LLMG__GETC(u, "cache_creation_input_tokens")),
                                  llmg__count(LLMG__GETC(u, "cache_read_input_tokens")),
                                  llmg__count(LLMG__GETC(u, "output_tokens")));
        }
    } else if (LLMG__IS("message_stop")) {
        st = llmg__q_push(s, LLMG_EVENT_MESSAGE_END, &p);
    } else if (LLMG__IS("error")) {
        return llmg__stream_error(s, data, err);
    }
#undef LLMG__IS
    return st;
}

/* ---------------------------------------------------------------- Chat Completions, Groq */

/* The mapper's view of the open block while it queues patches. */
typedef struct llmg__active {
    int       kind;
    llmg__ref id, name;              /* the open tool's (resolve with llmg__rstr) */
} llmg__active;

static llmg_status llmg__close_active(llmg_stream *s, llmg__active *a)
{
    llmg_status st = LLMG_OK;
    if (a->kind != LLMG__K_NONE) st = llmg__q_block(s, LLMG__EV(a->kind, 2), llmg__lit(""), NULL);
    a->kind = LLMG__K_NONE;
    return st;
}

/* A text or reasoning delta: closes another open block, then starts or
   continues this kind. */
static llmg_status llmg__chat_piece(llmg_stream *s, llmg__active *a, int kind, llmg_json_val v)
{
    llmg__ref r;
    llmg_status st;
    if (llmg_json_typeof(v) != LLMG_JSON_STRING || llmg_json_lexeme(v).len <= 2) return LLMG_OK;
    if (a->kind != kind) {
        st = llmg__close_active(s, a);
        if (st != LLMG_OK) return st;
    }
    st = llmg__sval(s, v, &r, NULL);
    if (st != LLMG_OK) return st;
    st = llmg__q_block(s, LLMG__EV(kind, a->kind == kind ? 1 : 0), r, NULL);
    a->kind = kind;
    return st;
}

/* The final usage chunk: its usage (when it has one), then the end. */
static llmg_status llmg__chat_end(llmg_stream *s, llmg_json_val usage)
{
    llmg__patch *p;
    llmg_status st = llmg__q_message(s, LLMG_EVENT_MESSAGE_DELTA, NULL, &p);
    if (st == LLMG_OK && llmg_json_typeof(usage) == LLMG_JSON_OBJECT) {
        llmg_json_val ptd = LLMG__GETC(usage, "prompt_tokens_details");
        int64_t cr = llmg__count(llmg__first(LLMG__GETC(ptd, "cached_tokens"),
                                             LLMG__GETC(usage, "prompt_cache_hit_tokens")));
        int64_t cw = llmg__count(llmg__first(LLMG__GETC(ptd, "cache_write_tokens"),
                                             LLMG__GETC(usage, "cache_write_tokens")));
        int64_t in = llmg__count(LLMG__GETC(usage, "prompt_tokens")) - cr - cw;
        llmg__patch_usage(p, usage, in > 0 ? in : 0, cw, cr,
                          llmg__count(LLMG__GETC(usage, "completion_tokens")));
    }
    if (st == LLMG_OK) st = llmg__q_push(s, LLMG_EVENT_MESSAGE_END, &p);
    return st;
}

static llmg_status llmg__map_chat(llmg_stream *s, llmg_str name, llmg_json_val data,
                                  llmg_error *err)
{
    llmg_json_val choices = LLMG__GETC(data, "choices"), choice, delta, tcs, tc, reasoning;
    llmg__active a;
    llmg_status st = LLMG_OK;
    size_t i;
    if (llmg_str_eq(name, llmg_str_c("error")) || llmg__truthy(LLMG__GETC(data, "error")) ||
        llmg__is_str(LLMG__GETC(data, "type"), "error"))
        return llmg__stream_error(s, data, err);
    if (llmg_json_size(choices) == 0) {
        llmg_json_val usage = LLMG__GETC(data, "usage");
        int has_usage = llmg_json_typeof(usage) == LLMG_JSON_OBJECT;
        if (!has_usage && !s->_finish_seen) return LLMG_OK;   /* Azure's first chunk */
        return llmg__chat_end(s, usage);
    }
    choice = llmg_json_at(choices, 0);
    delta = LLMG__GETC(choice, "delta");
    tcs = LLMG__GETC(delta, "tool_calls");
    reasoning = LLMG__GETC(delta, "reasoning");
    if (llmg_json_typeof(reasoning) == LLMG_JSON_NONE || llmg_json_typeof(reasoning) == LLMG_JSON_NULL)
        reasoning = LLMG__GETC(delta, "reasoning_content");     /* llama.cpp, vLLM */

    /* The open block as the accumulator has it. */
    memset(&a, 0, sizeof a);
    if (s->_active != LLMG__NO_BLOCK) {
        const llmg_block *b = &s->_m.content[s->_active];
        a.kind = b->type == LLMG_BLOCK_TEXT ? LLMG__K_TEXT
               : b->type == LLMG_BLOCK_REASONING ? LLMG__K_REASONING
               : b->type == LLMG_BLOCK_SERVER_TOOL_RESULT ? LLMG__K_RESULT : LLMG__K_TOOL;
        a.id = llmg__view(llmg_bstr(&b->id));
        a.name = llmg__view(llmg_bstr(&b->name));
    }

    if (!s->_merged &&
        (llmg_json_typeof(LLMG__GETC(delta, "role")) != LLMG_JSON_NONE ||
         llmg__truthy(LLMG__GETC(data, "id")) || llmg__truthy(LLMG__GETC(data, "model")) ||
         llmg__truthy(LLMG__GETC(delta, "content")) || llmg__truthy(reasoning) ||
         llmg_json_size(tcs) > 0)) {
        llmg__mfields f;
        int has;
        memset(&f, 0, sizeof f);
        st = llmg__sval(s, LLMG__GETC(data, "id"), &f.id, &has);
        f.has |= has ? LLMG_MSG_HAS_ID : 0;
        if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(data, "model"), &f.model, &has);
        f.has |= has ? LLMG_MSG_HAS_MODEL : 0;
        if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(delta, "role"), &f.role, &has);
        if (!has) f.role = llmg__lit("assistant");
        f.has |= LLMG__HAS_ROLE;
        if (llmg__ts_ms(LLMG__GETC(data, "created"), &f.ts)) f.has |= LLMG_MSG_HAS_TIMESTAMP;
        if (st == LLMG_OK) st = llmg__q_message(s, LLMG_EVENT_MESSAGE_START, &f, NULL);
    }
    if (st == LLMG_OK) st = llmg__chat_piece(s, &a, LLMG__K_REASONING, reasoning);
    if (st == LLMG_OK) st = llmg__chat_piece(s, &a, LLMG__K_TEXT, LLMG__GETC(delta, "content"));
    for (i = 0; st == LLMG_OK && (tc = llmg_json_at(tcs, i)).i != LLMG__JSON_NOWHERE; i++) {
        llmg_json_val fn = LLMG__GETC(tc, "function");
        llmg_json_val idv = LLMG__GETC(tc, "id"), namev = LLMG__GETC(fn, "name");
        int has_id = llmg_json_typeof(idv) == LLMG_JSON_STRING;
        int has_name = llmg_json_typeof(namev) == LLMG_JSON_STRING;
        llmg__ref args;
        if (has_id || has_name) {
            int start = 1;
            if (a.kind == LLMG__K_TOOL) {
                start = (has_id && !llmg_json_str_eq(idv, llmg__rstr(&s->_scratch, a.id))) ||
                        (has_name && !llmg_json_str_eq(namev, llmg__rstr(&s->_scratch, a.name)));
                if (start) st = llmg__close_active(s, &a);
            } else {
                st = llmg__close_active(s, &a);
            }
            if (st == LLMG_OK && start) {
                llmg__patch *p;
                st = llmg__q_block(s, LLMG_EVENT_TOOL_START, llmg__lit(""), &p);
                if (st == LLMG_OK) st = llmg__sval(s, idv, &p->id, NULL);
                if (st == LLMG_OK) st = llmg__sval(s, namev, &p->name, NULL);
                if (st == LLMG_OK) {
                    a.kind = LLMG__K_TOOL;
                    a.id = p->id;
                    a.name = p->name;
                }
            }
        }
        if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(fn, "arguments"), &args, NULL);
        if (st == LLMG_OK && args.len) st = llmg__q_block(s, LLMG_EVENT_TOOL_DELTA, args, NULL);
    }
    if (st == LLMG_OK) {
        llmg_json_val fr = LLMG__GETC(choice, "finish_reason");
        if (llmg_json_typeof(fr) == LLMG_JSON_STRING) {
            llmg__mfields f;
            llmg__ref raw;
            const char *em;
            memset(&f, 0, sizeof f);
            st = llmg__close_active(s, &a);
            if (st == LLMG_OK) st = llmg__sval(s, fr, &raw, NULL);
            if (st == LLMG_OK) {
                f.stop = llmg__lit(llmg__stop_reason(s->_o.provider, llmg__rstr(&s->_scratch, raw), &em));
                f.has = LLMG_MSG_HAS_STOP_REASON;
                if (em) {
                    f.errmsg = llmg__lit(em);
                    f.has |= LLMG_MSG_HAS_ERROR_MESSAGE;
                }
                st = llmg__q_message(s, LLMG_EVENT_MESSAGE_DELTA, &f, NULL);
                s->_finish_seen = 1;
            }
        }
    }
    return st;
}

/* ---------------------------------------------------------------- Responses, Codex */

/* Code interpreter state of output_index idx, made when missing. */
static llmg_status llmg__ci_get(llmg_stream *s, int64_t idx, llmg__ci **out)
{
    llmg__ci *c = (llmg__ci *)s->_ci;
    size_t i;
    for (i = 0; i < s->_ci_len; i++)
        if (c[i].index == idx) {
            *out = &c[i];
            return LLMG_OK;
        }
    if (s->_ci_len == s->_ci_cap) {
        size_t cap = s->_ci_cap ? s->_ci_cap * 2 : 4;
        c = (llmg__ci *)llmg__realloc(&s->_a, s->_ci, s->_ci_cap * sizeof *c, cap * sizeof *c);
        if (!c) return LLMG_E_NOMEM;
        s->_ci = c;
        s->_ci_cap = cap;
    }
    c = &((llmg__ci *)s->_ci)[s->_ci_len++];
    memset(c, 0, sizeof *c);
    c->index = idx;
    c->outputs = llmg__lit("null");
    *out = c;
    return LLMG_OK;
}

/* Keeps bytes for the life of the stream (code interpreter ids, citation
   keys): a ref into _keep. */
static llmg_status llmg__keep(llmg_stream *s, llmg_str v, llmg__ref *r)
{
    r->p = NULL;
    r->off = s->_keep.len;
    r->len = v.len;
    return llmg__buf_append(&s->_keep, &s->_a, v.ptr, v.len, LLMG__NOLIMIT);
}

static llmg_str llmg__kept(const llmg_stream *s, llmg__ref r)
{
    return llmg__rstr(&s->_keep, r);
}

/* The tool id of the code interpreter call that owns container c. */
static int llmg__ci_by_container(llmg_stream *s, llmg_str c, llmg_str *id)
{
    llmg__ci *ci = (llmg__ci *)s->_ci;
    size_t i = s->_ci_len;
    while (i-- > 0)
        if (ci[i].has_id && ci[i].container.len && llmg_str_eq(llmg__kept(s, ci[i].container), c)) {
            *id = llmg__kept(s, ci[i].id);
            return 1;
        }
    return 0;
}

/* One container_file_citation annotation: a tool_result block tied to its
   code interpreter call, once per (tool, container, file, filename). */
static llmg_status llmg__cite(llmg_stream *s, llmg_json_val ann)
{
    llmg_json_val cv = LLMG__GETC(ann, "container_id"), fv = LLMG__GETC(ann, "file_id"),
                  nv = LLMG__GETC(ann, "filename");
    llmg_str tool, k;
    llmg_buf cont;
    llmg_json_writer *w = &s->_w;
    llmg__patch *p;
    llmg__ref r, id;
    llmg_status st;
    size_t at;
    if (!llmg__is_str(LLMG__GETC(ann, "type"), "container_file_citation") ||
        llmg_json_typeof(cv) != LLMG_JSON_STRING)
        return LLMG_OK;
    memset(&cont, 0, sizeof cont);
    st = llmg_json_dup_str(cv, &s->_a, &cont);
    if (st != LLMG_OK) return st;        /* tool is not set: nothing to write */
    if (!llmg__ci_by_container(s, llmg_bstr(&cont), &tool)) {
        llmg_buf_free(&cont, &s->_a);
        return LLMG_OK;
    }
    st = llmg__scratch_put(s, tool.ptr, tool.len, &id);
    /* The dedup key: ["tool","container",file_id,filename] on a line. */
    llmg_json_writer_reset(w);
    llmg_json_write_arr_begin(w);
    llmg_json_write_str(w, tool);
    llmg_json_write_str(w, llmg_bstr(&cont));
    llmg_json_write_val(w, fv);
    llmg_json_write_val(w, nv);
    llmg_json_write_arr_end(w);
    llmg_buf_free(&cont, &s->_a);
    if (st == LLMG_OK) st = llmg_json_writer_status(w, NULL);
    if (st != LLMG_OK) return st;
    k = llmg_json_writer_str(w);
    for (at = 0; at + k.len < s->_cites.len; ) {
        if (memcmp(s->_cites.ptr + at, k.ptr, k.len) == 0 && s->_cites.ptr[at + k.len] == '\n')
            return LLMG_OK;
        while (s->_cites.ptr[at] != '\n') at++;
        at++;
    }
    st = llmg__buf_append(&s->_cites, &s->_a, k.ptr, k.len, LLMG__NOLIMIT);
    if (st == LLMG_OK) st = llmg__buf_append(&s->_cites, &s->_a, "\n", 1, LLMG__NOLIMIT);
    if (st != LLMG_OK) return st;
    llmg_json_writer_reset(w);
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "container_id");
    llmg_json_write_val(w, cv);
    llmg_json_write_keyc(w, "file_id");
    llmg_json_write_val(w, fv);
    llmg_json_write_keyc(w, "filename");
    llmg_json_write_val(w, nv);
    llmg_json_write_obj_end(w);
    st = llmg__scratch_writer(s, &r);
    if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_RESULT_START, r, &p);
    if (st == LLMG_OK) {
        p->id = id;
        p->name = llmg__lit("container_file_citation_tool_result");
        st = llmg__q_block(s, LLMG_EVENT_TOOL_RESULT_END, llmg__lit(""), NULL);
    }
    return st;
}

static llmg_status llmg__cite_all(llmg_stream *s, llmg_json_val anns)
{
    llmg_json_val a;
    llmg_status st = LLMG_OK;
    size_t i;
    if (llmg_json_typeof(anns) != LLMG_JSON_ARRAY) return LLMG_OK;
    for (i = 0; st == LLMG_OK && (a = llmg_json_at(anns, i)).i != LLMG__JSON_NOWHERE; i++)
        st = llmg__cite(s, a);
    return st;
}

/* Annotations of data, data.part, data.item and each data.item.content[]. */
static llmg_status llmg__citations(llmg_stream *s, llmg_json_val data)
{
    llmg_json_val item = LLMG__GETC(data, "item"), content, c;
    llmg_status st = llmg__cite_all(s, LLMG__GETC(data, "annotations"));
    size_t i;
    if (st == LLMG_OK) st = llmg__cite_all(s, LLMG__GETC(llmg_json_getc(data, "part"), "annotations"));
    if (st == LLMG_OK) st = llmg__cite_all(s, LLMG__GETC(item, "annotations"));
    content = LLMG__GETC(item, "content");
    if (llmg_json_typeof(content) != LLMG_JSON_ARRAY) return st;
    for (i = 0; st == LLMG_OK && (c = llmg_json_at(content, i)).i != LLMG__JSON_NOWHERE; i++)
        st = llmg__cite_all(s, LLMG__GETC(c, "annotations"));
    return st;
}

static int64_t llmg__output_index(llmg_json_val data)
{
    int64_t idx = 0;
    if (llmg_json_get_int64(LLMG__GETC(data, "output_index"), &idx) != LLMG_OK) idx = 0;
    return idx;
}

/* The code interpreter's input closed: "container_id" and "outputs" after
   the streamed code, then tool_end. */
static llmg_status llmg__ci_finish(llmg_stream *s, llmg_json_val data, llmg_json_val item)
{
    llmg__ci *c;
    llmg_json_val v;
    llmg_json_writer *w = &s->_w;
    llmg_str out;
    llmg__ref r;
    llmg_status st = llmg__ci_get(s, llmg__output_index(data), &c);
    if (st != LLMG_OK) return st;
    v = LLMG__GETC(item, "id");
    if (!c->has_id && llmg_json_typeof(v) == LLMG_JSON_STRING) {
        llmg_buf tmp;
        memset(&tmp, 0, sizeof tmp);
        st = llmg_json_dup_str(v, &s->_a, &tmp);
        if (st == LLMG_OK) st = llmg__keep(s, llmg_bstr(&tmp), &c->id);
        llmg_buf_free(&tmp, &s->_a);
        if (st != LLMG_OK) return st;
        c->has_id = 1;
    }
    v = LLMG__GETC(item, "container_id");
    if (v.i != LLMG__JSON_NOWHERE) {
        llmg_buf tmp;
        memset(&tmp, 0, sizeof tmp);
        if (llmg_json_typeof(v) == LLMG_JSON_STRING) st = llmg_json_dup_str(v, &s->_a, &tmp);
        if (st == LLMG_OK) st = llmg__keep(s, llmg_bstr(&tmp), &c->container);
        llmg_buf_free(&tmp, &s->_a);
        if (st != LLMG_OK) return st;
    }
    v = LLMG__GETC(item, "outputs");
    if (v.i != LLMG__JSON_NOWHERE) {
        llmg_json_writer_reset(w);
        llmg_json_write_val(w, v);
        st = llmg_json_writer_status(w, NULL);
        if (st == LLMG_OK) st = llmg__keep(s, llmg_json_writer_str(w), &c->outputs);
        if (st != LLMG_OK) return st;
    }
    if (c->closed) return LLMG_OK;
    /* {"code":" (unless opened) + ", + {container_id, outputs} without its { */
    llmg_json_writer_reset(w);
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "container_id");
    if (c->container.len || llmg_json_typeof(LLMG__GETC(item, "container_id")) == LLMG_JSON_STRING)
        llmg_json_write_str(w, llmg__kept(s, c->container));
    else
        llmg_json_write_null(w);
    llmg_json_write_keyc(w, "outputs");
    llmg_json_write_raw(w, llmg__kept(s, c->outputs));
    llmg_json_write_obj_end(w);
    st = llmg_json_writer_status(w, NULL);
    if (st != LLMG_OK) return st;
    out = llmg_json_writer_str(w);
    r.p = NULL;
    r.off = s->_scratch.len;
    st = llmg__buf_append(&s->_scratch, &s->_a, c->opened ? "\"," : "{\"code\":\"\",", c->opened ? 2 : 11,
                          LLMG__NOLIMIT);
    if (st == LLMG_OK) st = llmg__buf_append(&s->_scratch, &s->_a, out.ptr + 1, out.len - 1, LLMG__NOLIMIT);
    if (st != LLMG_OK) return st;
    r.len = s->_scratch.len - r.off;
    c->opened = c->closed = 1;
    st = llmg__q_block(s, LLMG_EVENT_TOOL_DELTA, r, NULL);
    if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_END, llmg__lit(""), NULL);
    return st;
}

/* response.completed and response.incomplete: the message's last delta,
   its usage, its end. */
static llmg_status llmg__responses_end(llmg_stream *s, llmg_json_val resp, int incomplete)
{
    llmg__mfields f;
    llmg__patch *p;
    llmg_json_val u = LLMG__GETC(resp, "usage"), out = LLMG__GETC(resp, "output");
    llmg_status st;
    int has;
    memset(&f, 0, sizeof f);
    st = llmg__sval(s, LLMG__GETC(resp, "id"), &f.id, &has);
    f.has |= has ? LLMG_MSG_HAS_ID : 0;
    if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(resp, "model"), &f.model, &has);
    f.has |= has ? LLMG_MSG_HAS_MODEL : 0;
    f.role = llmg__lit("assistant");
    f.has |= LLMG__HAS_ROLE | LLMG_MSG_HAS_STOP_REASON;
    if (llmg__ts_ms(LLMG__GETC(resp, "created_at"), &f.ts)) f.has |= LLMG_MSG_HAS_TIMESTAMP;
    if (incomplete) {
        llmg_json_val why = LLMG__GETC(llmg_json_getc(resp, "incomplete_details"), "reason");
        if (llmg__is_str(why, "content_filter")) {
            f.stop = llmg__lit("error");
            f.errmsg = llmg__lit("content_filter");
            f.has |= LLMG_MSG_HAS_ERROR_MESSAGE;
        } else {
            f.stop = llmg__lit("length");
        }
    } else {
        size_t n = llmg_json_size(out);
        int tool = s->_saw_tool ||
                   (n && llmg__is_str(LLMG__GETC(llmg_json_at(out, n - 1), "type"), "function_call"));
        f.stop = llmg__lit(tool ? "tool_use" : "stop");
    }
    if (st == LLMG_OK) st = llmg__q_message(s, LLMG_EVENT_MESSAGE_DELTA, &f, &p);
    if (st == LLMG_OK && u.i != LLMG__JSON_NOWHERE) {
        llmg_json_val itd = LLMG__GETC(u, "input_tokens_details");
        int64_t cr = llmg__count(LLMG__GETC(itd, "cached_tokens"));
        int64_t cw = llmg__count(llmg__first(LLMG__GETC(itd, "cache_write_tokens"),
                                             LLMG__GETC(u, "cache_write_tokens")));
        int64_t in = llmg__count(LLMG__GETC(u, "input_tokens")) - cr - cw;
        llmg__patch_usage(p, u, in > 0 ? in : 0, cw, cr, llmg__count(LLMG__GETC(u, "output_tokens")));
    }
    if (st == LLMG_OK) st = llmg__q_push(s, LLMG_EVENT_MESSAGE_END, &p);
    return st;
}

static llmg_status llmg__map_responses(llmg_stream *s, llmg_str name, llmg_json_val data,
                                       llmg_error *err)
{
    llmg__patch *p;
    llmg__ref r;
    llmg_status st = LLMG_OK;
    const char *nm;
    size_t n;
    if (llmg_str_eq(name, llmg_str_c("error")) || llmg__truthy(LLMG__GETC(data, "error")) ||
        llmg__is_str(LLMG__GETC(data, "type"), "error"))
        return llmg__stream_error(s, data, err);
    if (name.len < 9 || memcmp(name.ptr, "response.", 9) != 0) return LLMG_OK;
    nm = name.ptr + 9;
    n = name.len - 9;
#define LLMG__IS(lit) (n == sizeof(lit) - 1 && memcmp(nm, lit, n) == 0)
    if (LLMG__IS("output_text.delta")) {
        st = llmg__sval(s, LLMG__GETC(data, "delta"), &r, NULL);
        if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TEXT_DELTA, r, NULL);
    } else if (LLMG__IS("reasoning_summary_text.delta")) {
        st = llmg__sval(s, LLMG__GETC(data, "delta"), &r, NULL);
        if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_REASONING_DELTA, r, NULL);
    } else if (LLMG__IS("function_call_arguments.delta")) {
        st = llmg__sval(s, LLMG__GETC(data, "delta"), &r, NULL);
        if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_DELTA, r, NULL);
    } else if (LLMG__IS("code_interpreter_call_code.delta")) {
        llmg__ci *c;
        llmg_json_val d = LLMG__GETC(data, "delta");
        llmg_str body;
        st = llmg__ci_get(s, llmg__output_index(data), &c);
        if (st != LLMG_OK) return st;
        llmg_json_writer_reset(&s->_w);
        if (llmg_json_typeof(d) == LLMG_JSON_STRING) llmg_json_write_val(&s->_w, d);
        else llmg_json_write_strc(&s->_w, "");
        st = llmg_json_writer_status(&s->_w, NULL);
        if (st != LLMG_OK) return st;
        body = llmg_json_writer_str(&s->_w);
        r.p = NULL;
        r.off = s->_scratch.len;
        if (!c->opened) st = llmg__buf_append(&s->_scratch, &s->_a, "{\"code\":\"", 9, LLMG__NOLIMIT);
        if (st == LLMG_OK)
            st = llmg__buf_append(&s->_scratch, &s->_a, body.ptr + 1, body.len - 2, LLMG__NOLIMIT);
        if (st != LLMG_OK) return st;
        r.len = s->_scratch.len - r.off;
        c->opened = 1;
        st = llmg__q_block(s, LLMG_EVENT_TOOL_DELTA, r, NULL);
    } else if (LLMG__IS("created")) {
        llmg__mfields f;
        llmg_json_val resp = LLMG__GETC(data, "response");
        int has;
        memset(&f, 0, sizeof f);
        st = llmg__sval(s, LLMG__GETC(resp, "id"), &f.id, &has);
        f.has |= has ? LLMG_MSG_HAS_ID : 0;
        if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(resp, "model"), &f.model, &has);
        f.has |= has ? LLMG_MSG_HAS_MODEL : 0;
        f.role = llmg__lit("assistant");
        f.has |= LLMG__HAS_ROLE;
        if (llmg__ts_ms(LLMG__GETC(resp, "created_at"), &f.ts)) f.has |= LLMG_MSG_HAS_TIMESTAMP;
        if (st == LLMG_OK) st = llmg__q_message(s, LLMG_EVENT_MESSAGE_START, &f, NULL);
    } else if (LLMG__IS("output_item.added")) {
        llmg_json_val item = LLMG__GETC(data, "item"), t = LLMG__GETC(item, "type");
        if (llmg__is_str(t, "message")) {
            if (!s->_merged) {
                llmg__mfields f;
                int has;
                memset(&f, 0, sizeof f);
                st = llmg__sval(s, LLMG__GETC(item, "role"), &f.role, &has);
                if (!has) f.role = llmg__lit("assistant");
                f.has = LLMG__HAS_ROLE;
                if (st == LLMG_OK) st = llmg__q_message(s, LLMG_EVENT_MESSAGE_START, &f, NULL);
            }
        } else if (llmg__is_str(t, "function_call")) {
            llmg_json_val id = LLMG__GETC(item, "call_id");
            if (!llmg__truthy(id)) id = LLMG__GETC(item, "id");
            s->_saw_tool = 1;
            st = llmg__q_block(s, LLMG_EVENT_TOOL_START, llmg__lit(""), &p);
            if (st == LLMG_OK) st = llmg__sval(s, id, &p->id, NULL);
            if (st == LLMG_OK) st = llmg__sval(s, LLMG__GETC(item, "name"), &p->name, NULL);
        } else if (llmg__is_str(t, "code_interpreter_call")) {
            llmg__ci *c;
            llmg_json_val id = LLMG__GETC(item, "id");
            llmg_buf tmp;
            memset(&tmp, 0, sizeof tmp);
            s->_saw_tool = 1;
            st = llmg__ci_get(s, llmg__output_index(data), &c);
            if (st != LLMG_OK) return st;
            c->opened = c->closed = 0;
            if (llmg_json_typeof(id) == LLMG_JSON_STRING) {
                st = llmg_json_dup_str(id, &s->_a, &tmp);
                if (st == LLMG_OK) st = llmg__keep(s, llmg_bstr(&tmp), &c->id);
                c->has_id = st == LLMG_OK;
            }
            llmg_buf_free(&tmp, &s->_a);
            if (st == LLMG_OK && llmg_json_typeof(LLMG__GETC(item, "container_id")) == LLMG_JSON_STRING) {
                st = llmg_json_dup_str(LLMG__GETC(item, "container_id"), &s->_a, &tmp);
                if (st == LLMG_OK) st = llmg__keep(s, llmg_bstr(&tmp), &c->container);
                llmg_buf_free(&tmp, &s->_a);
            }
            if (st == LLMG_OK && LLMG__GETC(item, "outputs").i != LLMG__JSON_NOWHERE) {
                llmg_json_writer_reset(&s->_w);
                llmg_json_write_val(&s->_w, LLMG__GETC(item, "outputs"));
                st = llmg_json_writer_status(&s->_w, NULL);
                if (st == LLMG_OK) st = llmg__keep(s, llmg_json_writer_str(&s->_w), &c->outputs);
            }
            if (st == LLMG_OK) st = llmg__q_block(s, LLMG_EVENT_TOOL_START, llmg__lit(""), &p);
            if (st == LLMG_OK) st = llmg__sval(s, id, &p->id, NULL);
            if (st == LLMG_OK) {
                p->name = llmg__lit("code_interpreter_call");
                p->tool_type = LLMG_BLOCK_SERVER_TOOL_USE;
            }
        }
    } else if (LLMG__IS("output_item.done")) {
        llmg_json_val item = LLMG__GETC(data, "item"), t = LLMG__GETC(item, "type");
        if (llmg__is_str(t, "code_interpreter_call")) st = llmg__ci_finish(s, data, item);
        else if (llmg__is_str(t, "message")) st = llmg__citations(s, data);
    } else if (LLMG__IS("content_part.added")) {
        if (llmg__is_str(LLMG__GETC(llmg_json_getc(data, "part"), "type"), "output_text"))
            st = llmg__q_block(s, LLMG_EVENT_TEXT_START, llmg__lit(""), NULL);
    } else if (LLMG__IS("content_part.done") || LLMG__IS("output_text.done")) {
        llmg_json_val part = LLMG__GETC(data, "part");
        if (llmg_json_size(part) == 0 || llmg__is_str(LLMG__GETC(part, "type"), "output_text")) {
            if (s->_active != LLMG__NO_BLOCK && s->_m.content[s->_active].type == LLMG_BLOCK_TEXT)
                st = llmg__q_block(s, LLMG_EVENT_TEXT_END, llmg__lit(""), NULL);
            if (st == LLMG_OK) st = llmg__citations(s, data);
        }
    } else if (LLMG__IS("function_call_arguments.done")) {
        st = llmg__q_block(s, LLMG_EVENT_TOOL_END, llmg__lit(""), NULL);
    } else if (LLMG__IS("reasoning_summary_part.added")) {
        st = llmg__q_block(s, LLMG_EVENT_REASONING_START, llmg__lit(""), NULL);
    } else if (LLMG__IS("reasoning_summary_part.done")) {
        st = llmg__q_block(s, LLMG_EVENT_REASONING_END, llmg__lit(""), NULL);
    } else if (LLMG__IS("completed")) {
        st = llmg__responses_end(s, LLMG__GETC(data, "response"), 0);
    } else if (LLMG__IS("incomplete")) {
        st = llmg__responses_end(s, LLMG__GETC(data, "response"), 1);
    } else if (LLMG__IS("failed")) {
        return llmg__stream_error(s, LLMG__GETC(data, "response"), err);
    }
#undef LLMG__IS
    return st;
}

/* ---------------------------------------------------------------- the accumulator */

/* Appends to a block field, counting against max_message_bytes. */
static llmg_status llmg__grow(llmg_stream *s, llmg_buf *b, llmg_str add)
{
    llmg_status st;
    size_t total;
    if (!add.len) {
        if (!b->ptr) return llmg__buf_reserve(b, &s->_a, 0, LLMG__NOLIMIT);
        return LLMG_OK;
    }
    if (!llmg__size_add(s->_bytes, add.len, &total) || total > s->_o.max_message_bytes)
        return LLMG_E_LIMIT;
    st = llmg__buf_append(b, &s->_a, add.ptr, add.len, LLMG__NOLIMIT);
    if (st == LLMG_OK) s->_bytes = total;
    return st;
}

static llmg_status llmg__mset(llmg_stream *s, llmg_buf *b, llmg_str v)
{
    size_t total;
    if (!llmg__size_add(s->_bytes, v.len, &total) || total > s->_o.max_message_bytes)
        return LLMG_E_LIMIT;
    s->_bytes = total;
    return llmg__bset(b, &s->_a, v.ptr, v.len);
}

/* Tool input parsed once, at its end: the gem reads anything that is not
   a JSON object as {}. */
static void llmg__finish_input(llmg_stream *s, llmg_block *b)
{
    if (!llmg__json_text_ok(llmg_bstr(&b->text), 1, &s->_a)) b->flags |= LLMG_BLOCK_INPUT_INVALID;
}

/* The final message: provider and api names, usage present. */
static llmg_status llmg__finish_message(llmg_stream *s)
{
    const char *const *names = llmg__provider_ident[s->_o.provider];
    llmg_message *m = &s->_m;
    llmg_status st = llmg__bset(&m->provider, &s->_a, names[0], strlen(names[0]));
    if (st == LLMG_OK)
        st = llmg__bset(&m->api, &s->_a, names[1], strlen(names[1]));
    if (st != LLMG_OK) return st;
    if (!m->role) m->role = LLMG_ROLE_ASSISTANT;
    m->flags |= LLMG_MSG_HAS_PROVIDER | LLMG_MSG_HAS_API | LLMG_MSG_HAS_USAGE |
                LLMG_MSG_HAS_CONTENT | LLMG_MSG_FINAL;
    return LLMG_OK;
}

/* A message patch merged into the message. */
static llmg_status llmg__merge(llmg_stream *s, const llmg__patch *p)
{
    llmg_message *m = &s->_m;
    llmg_status st = LLMG_OK;
    unsigned f = p->mflags;
    if ((f & LLMG_MSG_HAS_ID) && st == LLMG_OK) st = llmg__mset(s, &m->id, llmg__rstr(&s->_scratch, p->id));
    if ((f & LLMG_MSG_HAS_MODEL) && st == LLMG_OK)
        st = llmg__mset(s, &m->model, llmg__rstr(&s->_scratch, p->model));
    if ((f & LLMG_MSG_HAS_STOP_REASON) && st == LLMG_OK)
        st = llmg__mset(s, &m->stop_reason, llmg__rstr(&s->_scratch, p->stop));
    if ((f & LLMG_MSG_HAS_ERROR_MESSAGE) && st == LLMG_OK)
        st = llmg__mset(s, &m->error_message, llmg__rstr(&s->_scratch, p->errmsg));
    if ((f & LLMG__HAS_ROLE) && st == LLMG_OK) {
        llmg_str r = llmg__rstr(&s->_scratch, p->role);
        llmg_role role = LLMG_ROLE_OTHER;
        int i;
        for (i = LLMG_ROLE_USER; i < LLMG_ROLE_OTHER; i++)
            if (llmg_str_eq(r, llmg_str_c(llmg__role_names[i]))) role = (llmg_role)i;
        if (role == LLMG_ROLE_OTHER) st = llmg__mset(s, &m->role_name, r);
        if (st == LLMG_OK) m->role = role;
    }
    if (st == LLMG_OK && p->has_usage) {
        st = llmg__bset(&m->usage.raw, &s->_a, llmg__rstr(&s->_scratch, p->uraw).ptr, p->uraw.len);
        if (st == LLMG_OK) {
            m->usage.input = p->u[0];
            m->usage.cache_write = p->u[1];
            m->usage.cache_read = p->u[2];
            m->usage.output = p->u[3];
            m->usage.total = p->u[0] + p->u[1] + p->u[2] + p->u[3];
        }
    }
    if (st != LLMG_OK) return st;
    if (f & LLMG_MSG_HAS_TIMESTAMP) m->timestamp = p->ts;
    m->flags |= f & (LLMG_MSG_HAS_ID | LLMG_MSG_HAS_MODEL | LLMG_MSG_HAS_STOP_REASON |
                     LLMG_MSG_HAS_ERROR_MESSAGE | LLMG_MSG_HAS_TIMESTAMP);
    if (f) s->_merged = 1;
    return LLMG_OK;
}

static const char *const llmg__order_msgs[] = {
    LLMG__MSG("stream: a block starts while another block is open"),
    LLMG__MSG("stream: a block delta or end comes with no open block"),
    LLMG__MSG("stream: a block delta or end does not match the open block")
};

/* An event of type t with its delta and signature, every other field
   empty (field by field: a memset of the struct costs more). */
static void llmg__event_init(llmg_stream *s, llmg_event *ev, llmg_event_type t, llmg_str delta,
                             llmg_str sig)
{
    llmg_str none;
    none.ptr = "";
    none.len = 0;
    ev->type = t;
    ev->content_index = LLMG__NO_BLOCK;
    ev->delta = delta;
    ev->signature = sig;
    ev->id = none;                       /* one by one: a chain reads each back from *ev */
    ev->name = none;
    ev->message_delta = none;
    ev->partial_input = none;
    ev->tool_type = LLMG_BLOCK_NONE;
    ev->usage = NULL;
    ev->block = NULL;
    ev->message = &s->_m;
}

/* A tool block's arguments known so far, after its delta: each delta is
   read once. Fails only for memory. */
static llmg_status llmg__tool_args(llmg_stream *s, llmg_str delta, int start, llmg_event *ev)
{
    llmg_status st;
    if (start) {
        llmg_pjson_reset(&s->_pj);
        s->_pj_ok = 1;
    }
    if (s->_pj_ok && delta.len) {
        st = llmg_pjson_feed(&s->_pj, delta.ptr, delta.len, NULL);
        if (st == LLMG_E_NOMEM) return st;
        if (st != LLMG_OK) s->_pj_ok = 0;    /* not JSON: the last view stays */
    }
    ev->partial_input = llmg_pjson_view(&s->_pj);
    return LLMG_OK;
}

/* The block fields of an event of block b (at idx) of kind. */
static void llmg__event_block(llmg_event *ev, llmg_block *b, size_t idx, int kind)
{
    ev->content_index = idx;
    ev->block = b;
    if (kind == LLMG__K_TOOL || kind == LLMG__K_RESULT) {
        ev->id = llmg_bstr(&b->id);
        ev->name = llmg_bstr(&b->name);
        ev->tool_type = b->type;
    }
}

/* Applies one patch: the message changes, *ev describes the change. */
static llmg_status llmg__apply(llmg_stream *s, const llmg__patch *p, llmg_event *ev, llmg_error *err)
{
    llmg_message *m = &s->_m;
    llmg_block *b = NULL;
    llmg_status st = LLMG_OK;
    int kind = LLMG__KIND(p->type), phase = kind ? LLMG__PHASE(p->type) : -1;
    size_t idx = LLMG__NO_BLOCK;
    llmg_str delta = llmg__rstr(&s->_scratch, p->delta);
    llmg__event_init(s, ev, p->type, delta, llmg__rstr(&s->_scratch, p->sig));
    if (kind) {
        static const llmg_block_type kinds[] = {
            LLMG_BLOCK_NONE, LLMG_BLOCK_TEXT, LLMG_BLOCK_REASONING, LLMG_BLOCK_TOOL_USE,
            LLMG_BLOCK_SERVER_TOOL_RESULT
        };
        if (phase == 0) {
            if (s->_active != LLMG__NO_BLOCK)
                return llmg__sfail_kind(s, LLMG_ERROR_INVALID_RESPONSE, llmg__order_msgs[0], err);
            if (m->content_count >= s->_o.max_blocks)
                return llmg__sfail(s, LLMG_E_LIMIT, LLMG__MSG("stream: more blocks than max_blocks"), err);
            st = llmg__msg_push_block(m, kind == LLMG__K_TOOL ? p->tool_type : kinds[kind], &b);
            if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
            idx = m->content_count - 1;
            if (kind == LLMG__K_REASONING) b->flags |= LLMG_BLOCK_HAS_SIGNATURE;
            if (kind == LLMG__K_TOOL || kind == LLMG__K_RESULT) {
                st = llmg__mset(s, &b->id, llmg__rstr(&s->_scratch, p->id));
                if (st == LLMG_OK) st = llmg__mset(s, &b->name, llmg__rstr(&s->_scratch, p->name));
                b->flags |= LLMG_BLOCK_HAS_NAME;
            }
        } else {
            if (s->_active == LLMG__NO_BLOCK)
                return llmg__sfail_kind(s, LLMG_ERROR_INVALID_RESPONSE, llmg__order_msgs[1], err);
            idx = s->_active;
            b = &m->content[idx];
            if ((b->type == LLMG_BLOCK_SERVER_TOOL_USE ? LLMG_BLOCK_TOOL_USE : b->type) !=
                kinds[kind])
                return llmg__sfail_kind(s, LLMG_ERROR_INVALID_RESPONSE, llmg__order_msgs[2], err);
        }
        /* The text grows; the signature of reasoning too. */
        if (st == LLMG_OK) st = llmg__grow(s, &b->text, delta);
        if (st == LLMG_OK && kind == LLMG__K_REASONING) st = llmg__grow(s, &b->signature, ev->signature);
        if (st != LLMG_OK) {
            if (phase == 0) llmg__msg_pop_block(m);
            return llmg__sfail(s, st, st == LLMG_E_LIMIT
                                      ? LLMG__MSG("stream: the message is over max_message_bytes")
                                      : LLMG__MSG("stream: allocation failed"), err);
        }
        if (kind == LLMG__K_TOOL && llmg__tool_args(s, delta, phase == 0, ev) != LLMG_OK) {
            if (phase == 0) llmg__msg_pop_block(m);
            return llmg__sfail(s, LLMG_E_NOMEM, LLMG__MSG("stream: allocation failed"), err);
        }
        if (phase == 0) s->_active = idx;
        if (phase == 2) {
            s->_active = LLMG__NO_BLOCK;
            b->flags |= LLMG_BLOCK_ENDED;
            if (kind == LLMG__K_TOOL) llmg__finish_input(s, b);
        }
        llmg__event_block(ev, b, idx, kind);
    }
    if (!s->_ts_set) {
        m->timestamp = s->_o.host ? llmg_host_unix_ms(s->_o.host) : 0;
        m->flags |= LLMG_MSG_HAS_TIMESTAMP;
        s->_ts_set = 1;
    }
    if (p->type == LLMG_EVENT_MESSAGE_START || p->type == LLMG_EVENT_MESSAGE_DELTA) {
        st = llmg__merge(s, p);
        if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
        ev->message_delta = llmg__rstr(&s->_scratch, p->mdelta);
        if (p->has_usage) ev->usage = &m->usage;
    } else if (p->type == LLMG_EVENT_MESSAGE_END) {
        st = llmg__finish_message(s);
        if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
        s->_state = 1;
    }
    return LLMG_OK;
}

/* ---------------------------------------------------------------- the driver */

LLMG_API llmg_stream_opts llmg_stream_opts_resolved(const llmg_stream_opts *in)
{
    llmg_stream_opts o;
    if (in) o = *in;
    else memset(&o, 0, sizeof o);
    o.max_message_bytes = LLMG__DEF(o.max_message_bytes, (size_t)64 << 20);
    o.max_blocks = LLMG__DEF(o.max_blocks, (size_t)65536);
    o.max_json_depth = LLMG__DEF(o.max_json_depth, (size_t)512);
    o.sse = llmg_sse_opts_resolved(&o.sse);
    return o;
}

LLMG_API llmg_status llmg_stream_init(llmg_stream *s, const llmg_stream_opts *opts, llmg_error *err)
{
    llmg_status st;
    llmg_json_writer_opts wo;
    if (!s) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("stream: s is required"), 0);
    memset(s, 0, sizeof *s);
    s->_o = llmg_stream_opts_resolved(opts);
    if (s->_o.provider <= LLMG_PROVIDER_NONE || (int)s->_o.provider >= LLMG__PROVIDER_COUNT)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("stream: opts->provider is not a provider"), 0);
    st = llmg__allocator_resolve(&s->_o.allocator, &s->_a, err);
    if (st != LLMG_OK) return st;
    s->_o.allocator = s->_a;
    s->_o.sse.allocator = s->_a;
    st = llmg_sse_init(&s->_sse, &s->_o.sse, err);
    if (st != LLMG_OK) return st;
    memset(&wo, 0, sizeof wo);
    wo.allocator = s->_a;
    wo.replace_invalid_utf8 = 1;
    st = llmg_json_writer_init(&s->_w, &wo, err);
    if (st != LLMG_OK) return st;
    {
        llmg_pjson_opts po;
        memset(&po, 0, sizeof po);
        po.max_bytes = s->_o.max_message_bytes;
        po.allocator = s->_a;
        st = llmg_pjson_init(&s->_pj, &po, err);
        if (st != LLMG_OK) return st;
    }
    llmg_json_doc_init(&s->_doc);
    llmg_json_doc_init(&s->_shape.doc);
    s->_shape.doc._a = s->_a;
    s->_m._a = s->_a;
    s->_active = LLMG__NO_BLOCK;
    return llmg__ok(err, LLMG_OK);
}

LLMG_API void llmg_stream_reset(llmg_stream *s)
{
    if (!s) return;
    llmg_sse_reset(&s->_sse);
    llmg_pjson_reset(&s->_pj);
    llmg_provider_error_free(&s->_perr);
    llmg_message_clear(&s->_m);
    memset(&s->_err, 0, sizeof s->_err);
    s->_q_len = s->_q_head = 0;
    s->_ci_len = 0;
    s->_scratch.len = s->_keep.len = s->_cites.len = s->_data.len = 0;
    s->_active = LLMG__NO_BLOCK;
    s->_bytes = 0;
    s->_ev_offset = 0;
    s->_state = s->_merged = s->_finish_seen = s->_saw_tool = s->_ts_set = s->_kind = 0;
    s->_lane.ok = 0;
}

LLMG_API void llmg_stream_free(llmg_stream *s)
{
    if (!s || !s->_a.free_fn) return;
    llmg_sse_free(&s->_sse);
    llmg_json_doc_free(&s->_doc);
    llmg_json_doc_free(&s->_shape.doc);
    llmg_buf_free(&s->_shape.src, &s->_a);
    llmg_buf_free(&s->_lane.src, &s->_a);
    llmg_json_writer_free(&s->_w);
    llmg_pjson_free(&s->_pj);
    llmg_provider_error_free(&s->_perr);
    llmg_message_free(&s->_m);
    llmg_buf_free(&s->_data, &s->_a);
    llmg_buf_free(&s->_scratch, &s->_a);
    llmg_buf_free(&s->_keep, &s->_a);
    llmg_buf_free(&s->_cites, &s->_a);
    llmg__free(&s->_a, s->_q, s->_q_cap * sizeof *s->_q);
    llmg__free(&s->_a, s->_ci, s->_ci_cap * sizeof(llmg__ci));
    memset(s, 0, sizeof *s);
}

static llmg_status llmg__sticky(llmg_stream *s, llmg_error *err)
{
    if (err) *err = s->_err;
    return s->_err.code;
}

LLMG_API llmg_status llmg_stream_feed(llmg_stream *s, const void *data, size_t len, llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!s) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("stream: s is required"), 0);
    if (s->_err.code < 0) return llmg__sticky(s, err);
    if (s->_state >= 2)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("stream: feed after finish"), 0);
    if (s->_state == 1) return llmg__ok(err, LLMG_OK);          /* ended: the rest is not read */
    st = llmg_sse_feed(&s->_sse, data, len, &e);
    if (err) *err = e;
    return st;
}

LLMG_API llmg_status llmg_stream_finish(llmg_stream *s, llmg_error *err)
{
    llmg_status st;
    if (!s) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("stream: s is required"), 0);
    if (s->_err.code < 0) return llmg__sticky(s, err);
    if (s->_state != 0) {
        if (s->_state == 1) s->_state = 3;
        return llmg__ok(err, LLMG_OK);
    }
    st = llmg_sse_finish(&s->_sse, err);
    if (st == LLMG_OK) s->_state = 2;
    return st;
}

/* The gem's field rules: all leading white space (Ruby's lstrip: NUL,
   \t \n \v \f \r, space) off the event name and each data line. */
static llmg_str llmg__lstrip(llmg_str v)
{
    while (v.len && (v.ptr[0] == ' ' || v.ptr[0] == '\0' || (v.ptr[0] >= '\t' && v.ptr[0] <= '\r'))) {
        v.ptr++;
        v.len--;
    }
    return v;
}

static llmg_status llmg__strip_lines(llmg_stream *s, llmg_str data, llmg_str *out)
{
    size_t i = 0, j;
    llmg_status st;
    if (!memchr(data.ptr, '\n', data.len)) {
        *out = llmg__lstrip(data);
        return LLMG_OK;
    }
    s->_data.len = 0;
    while (i <= data.len) {
        llmg_str line;
        const char *nl = (const char *)memchr(data.ptr + i, '\n', data.len - i);
        j = nl ? (size_t)(nl - data.ptr) : data.len;
        line.ptr = data.ptr + i;
        line.len = j - i;
        line = llmg__lstrip(line);
        if (i && (st = llmg__buf_append(&s->_data, &s->_a, "\n", 1, LLMG__NOLIMIT)) != LLMG_OK) return st;
        if ((st = llmg__buf_append(&s->_data, &s->_a, line.ptr, line.len, LLMG__NOLIMIT)) != LLMG_OK)
            return st;
        i = j + 1;
    }
    *out = llmg_bstr(&s->_data);
    return LLMG_OK;
}

/* ---------------------------------------------------------------- the delta lane

   Most events of a stream are deltas of the open block that differ from
   the one before only in the delta string, and for the OpenAI APIs in
   values no mapper reads (obfuscation, sequence_number). The lane keeps
   the last such event as framed on the wire, and reads the next one that
   has the same bytes around those values straight from the fed window:
   the framer, the tokenizer and the mapper are skipped, the accumulator
   is not. An event that crosses the end of a fed chunk is put together
   by the framer, and its name and data are read the same way, the
   tokenizer and the mapper skipped. It is sound because
     - a delta event changes no mapper state, so the mapping of the next
       one depends only on its name and data, which differ only where the
       lane looks: the delta becomes the event's delta, the unread values
       are not read;
     - each value is scanned as the tokenizer would (a string, a number;
       anything the scan does not settle goes the long way), so what the
       lane accepts, llmg_json_parse accepts with the same tokens;
     - the lines and the event's data are checked against their limits
       (past one, the long way reports the error);
     - any event that is not such a delta drops the lane.
   The fuzz target fuzz_stream compares it with parsing every event in
   full (_no_shape).                                                      */

#define LLMG__LANE_MAX_BYTES 4096u      /* events kept: the size of a delta event */

/* Root keys no mapper reads. */
static const char *const llmg__lane_unread[] = { "obfuscation", "sequence_number" };

/* A patch that is one delta of text, reasoning or tool input and nothing
   else: the mapper that queued it changed nothing. */
static int llmg__lane_pure(const llmg_stream *s)
{
    const llmg__patch *p = s->_q;
    int kind = s->_q_len == 1 ? LLMG__KIND(p->type) : 0;
    return kind >= LLMG__K_TEXT && kind <= LLMG__K_TOOL && LLMG__PHASE(p->type) == 1
           && !p->sig.len && !p->id.len && !p->name.len && !p->mflags && !p->has_usage;
}

static int llmg__lane_blank(unsigned char c) { return c == ' ' || c == '\t'; }

/* After the mapper: keeps the event sev (data: its data as mapped, its
   tokens in s->_doc) as the lane when it is a pure delta read in place
   from the window, an event: line (if any) and one data line; drops the
   lane when it is not a pure delta. */
static void llmg__lane_learn(llmg_stream *s, const llmg_sse_event *sev, llmg_str data)
{
    llmg__lane *ln = &s->_lane;
    const llmg_sse_parser *sp = &s->_sse;
    const llmg__patch *p = s->_q;
    const llmg_json_tok *t = s->_doc.toks;
    const char *ev0, *ev1, *eol, *line, *close;
    llmg_str name;
    size_t i, k, m = s->_doc.count, delta;
    if (s->_no_shape) return;
    if (!llmg__lane_pure(s)) {
        ln->ok = 0;
        return;
    }
    /* The whole event in the window, its one data line last, the delta a
       view into it. */
    if (sev->offset < sp->_pos || sp->_skip_lf || !p->delta.p || !p->delta.len || m == 0)
        return;
    ev0 = sp->_in + (size_t)(sev->offset - sp->_pos);
    ev1 = sp->_in + sp->_in_pos;
    eol = sev->data.ptr + sev->data.len;
    if (ev0 >= ev1 || (size_t)(ev1 - ev0) > LLMG__LANE_MAX_BYTES || sev->data.ptr < ev0
        || eol > ev1 || data.ptr + data.len != eol || ev1[-1] != '\n'
        || p->delta.p <= data.ptr || p->delta.p + p->delta.len >= eol)
        return;
    for (i = 0; eol + i < ev1; i++)
        if (eol[i] != '\n' && eol[i] != '\r') return;
    ln->ok = 0;
    ln->nholes = 0;
    /* The values that may change: the delta, and those of unread keys. */
    delta = (size_t)(p->delta.p - data.ptr) - 1;
    for (k = 1; k < m; k++) {
        int hole = 0;
        if (t[k].start == delta && (t[k].type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_STRING
            && !(t[k].type & LLMG_JSON_F_KEY))
            hole = 'd';
        else if (t[k].parent == 0 && (t[k].type & LLMG_JSON_F_KEY) && !(t[k].type & LLMG_JSON_F_ESCAPED)
                 && llmg__json_is_hole(t[k + 1].type)) {
            for (i = 0; i < sizeof llmg__lane_unread / sizeof *llmg__lane_unread; i++)
                if (t[k].len - 2 == strlen(llmg__lane_unread[i])
                    && memcmp(data.ptr + t[k].start + 1, llmg__lane_unread[i], t[k].len - 2) == 0)
                    hole = (t[k + 1].type & LLMG_JSON_TYPE_MASK) == LLMG_JSON_NUMBER ? 'n' : 's';
            if (hole) k++;
        }
        if (!hole) continue;
        if (ln->nholes == sizeof ln->at / sizeof *ln->at) return;
        ln->at[ln->nholes] = (size_t)(data.ptr - ev0) + t[k].start;
        ln->len[ln->nholes] = t[k].len;
        ln->kind[ln->nholes++] = (unsigned char)hole;
    }
    for (i = 0; i < ln->nholes && ln->kind[i] != 'd'; i++) {}
    if (i == ln->nholes) return;
    /* The root's '}' and the blanks before it, after the last value. */
    close = data.ptr + t[0].start + t[0].len - 1;
    k = (size_t)(close - ev0);
    while (k > ln->at[ln->nholes - 1] + ln->len[ln->nholes - 1] && llmg__lane_blank((unsigned char)ev0[k - 1]))
        k--;
    ln->pad = k;
    for (line = sev->data.ptr; line > ev0 && line[-1] != '\n' && line[-1] != '\r'; line--) {}
    name = llmg__lstrip(sev->type);
    ln->name_at = (size_t)-1;
    ln->name_len = 0;
    if (line > ev0) {                           /* before the data line, one event: line */
        const char *q = ev0;
        if (line - ev0 < 7 || memcmp(ev0, "event:", 6) != 0) return;
        while (*q != '\n' && *q != '\r') q++;
        ln->name_at = (size_t)(llmg__lstrip(llmg__strn(ev0 + 6, (size_t)(q - ev0) - 6)).ptr - ev0);
        ln->name_len = (size_t)(q - ev0) - ln->name_at;
        if (!llmg_str_eq(name, llmg__strn(ev0 + ln->name_at, ln->name_len))) return;
        for (; q < line; q++)
            if (*q != '\n' && *q != '\r') return;   /* an id or retry field: not in the lane */
    }
    ln->line = (size_t)(line - ev0);
    ln->value = (size_t)(sev->data.ptr - ev0);
    ln->json = (size_t)(data.ptr - ev0);
    ln->eol = (size_t)(eol - ev0);
    ln->type = (int)p->type;
    ln->block_kind = LLMG__KIND(p->type);
    ln->block = s->_active;
    ln->src.len = 0;
    if (llmg__buf_append(&ln->src, &s->_a, ev0, (size_t)(ev1 - ev0), LLMG__NOLIMIT) != LLMG_OK) return;
    ln->ok = 1;
}

/* A miss: the block's text gets its NUL back (a delta may have been
   decoded over it, past the text's end). Returns 0. */
static int llmg__lane_miss(llmg_stream *s)
{
    llmg_buf *text = &s->_m.content[s->_lane.block].text;
    if (text->ptr) text->ptr[text->len] = '\0';
    return 0;
}

/* The bytes w[0..n) read against the lane's event from its byte pt on (0:
   the framed event; the start of its JSON: an event's data): the values
   that may change scanned, the delta decoded straight into the block's
   text past its end (kept only if the event is taken), the rest the
   same, up to the blanks after the root's '}'. 1 with *used the bytes
   read and *dlen the delta's (a caller that does not take the event calls
   llmg__lane_miss); 0 when they are not an event like the lane's. The
   room for the delta is what the text has free: a delta that does not
   fit goes the long way, which grows the text as appending does. */
static int llmg__lane_match(llmg_stream *s, const unsigned char *w, size_t n, size_t pt,
                            size_t *used, size_t *dlen)
{
    const llmg__lane *ln = &s->_lane;
    const unsigned char *e = (const unsigned char *)ln->src.ptr;
    llmg_buf *text = &s->_m.content[ln->block].text;
    size_t pd = 0, h, seg, room = text->cap - text->len;
    *dlen = 0;
    if (room < 2) return 0;                     /* not even "" (and no buffer yet) */
    for (h = 0; h < ln->nholes; h++) {
        size_t k;
        uint32_t f = 0;
        seg = ln->at[h] - pt;
        if (n - pd < seg || (seg >= 32 ? memcmp(w + pd, e + pt, seg) != 0 : !llmg__same(w + pd, e + pt, seg)))
            return llmg__lane_miss(s);
        pd += seg;
        pt = ln->at[h] + ln->len[h];
        if (pd >= n) return llmg__lane_miss(s);
        if (ln->kind[h] == 'n') k = llmg__json_scan_num(w + pd, n - pd, &f);
        else if (w[pd] != '"') k = 0;
        else if (ln->kind[h] == 's') k = llmg__json_scan_str(w + pd, n - pd, &f);
        else k = llmg__json_decode_str(w + pd, n - pd < room ? n - pd : room,
                                       text->ptr + text->len, dlen);
        if (k == 0 || (ln->kind[h] == 'd' && *dlen == 0))   /* an empty delta: the long way */
            return llmg__lane_miss(s);
        pd += k;
    }
    seg = ln->pad - pt;
    if (n - pd < seg || !llmg__same(w + pd, e + pt, seg)) return llmg__lane_miss(s);
    pd += seg;
    pd += llmg__span((const char *)w + pd, n - pd, ' ', 1);   /* Anthropic pads here */
    while (pd < n && llmg__lane_blank(w[pd])) pd++;
    if (pd >= n || w[pd] != '}') return llmg__lane_miss(s);
    for (pd++; pd < n && llmg__lane_blank(w[pd]); pd++) {}
    *used = pd;
    return 1;
}

/* The event read through the lane, its delta (dlen bytes) in the block's
   text already: the block's type and the message's timestamp were checked
   and set when the lane learnt it. */
static llmg_status llmg__lane_emit(llmg_stream *s, llmg_event *ev, size_t dlen, llmg_error *err)
{
    const llmg__lane *ln = &s->_lane;
    llmg_buf *text = &s->_m.content[ln->block].text;
    llmg_str delta, none;
    s->_q_len = s->_q_head = 0;
    s->_scratch.len = 0;
    s->_lane_events++;
    delta.ptr = text->ptr + text->len;
    delta.len = dlen;
    text->len += dlen;
    text->ptr[text->len] = '\0';
    s->_bytes += dlen;
    none.ptr = "";
    none.len = 0;
    llmg__event_init(s, ev, (llmg_event_type)ln->type, delta, none);
    if (ln->block_kind == LLMG__K_TOOL && llmg__tool_args(s, delta, 0, ev) != LLMG_OK)
        return llmg__sfail(s, LLMG_E_NOMEM, LLMG__MSG("stream: allocation failed"), err);
    llmg__event_block(ev, &s->_m.content[ln->block], ln->block, ln->block_kind);
    return llmg__ok(err, LLMG_OK);
}

/* 1 when the lane may read the next event: it is kept, for the open block. */
static int llmg__lane_open(const llmg_stream *s)
{
    return s->_lane.ok && s->_state == 0 && s->_active != LLMG__NO_BLOCK && s->_active == s->_lane.block;
}

/* A delta of the message's size limit: 1 when it fits. */
static int llmg__lane_fits(const llmg_stream *s, size_t dlen)
{
    size_t total;
    return llmg__size_add(s->_bytes, dlen, &total) && total <= s->_o.max_message_bytes;
}

/* The next event through the lane, straight from the fed window: 1 when
   it read one (*out: LLMG_OK with *ev, or the error that ended the
   stream), 0 when the bytes at the window's position are not an event
   like the lane's. */
static int llmg__lane_next(llmg_stream *s, llmg_event *ev, llmg_error *err, llmg_status *out)
{
    const llmg__lane *ln = &s->_lane;
    llmg_sse_parser *sp = &s->_sse;
    const unsigned char *w;
    size_t n, pd, seg, eol, dlen;
    if (!llmg__lane_open(s) || sp->_err.code < 0 || sp->_in_block || sp->_in_line || sp->_skip_lf
        || sp->_bom < 3 || sp->_in_pos >= sp->_in_len)  /* no bytes (and perhaps no window) */
        return 0;
    w = (const unsigned char *)sp->_in + sp->_in_pos;
    n = sp->_in_len - sp->_in_pos;
    if (!llmg__lane_match(s, w, n, 0, &eol, &dlen)) return 0;
    pd = eol;
    seg = ln->src.len - ln->eol;
    if (n - pd < seg || !llmg__same(w + pd, (const unsigned char *)ln->src.ptr + ln->eol, seg))
        return llmg__lane_miss(s);
    pd += seg;
    if (eol - ln->line > sp->_o.max_line_bytes || eol - ln->value > sp->_o.max_event_bytes
        || !llmg__lane_fits(s, dlen))
        return llmg__lane_miss(s);
    s->_ev_offset = sp->_pos + sp->_in_pos;
    sp->_in_pos += pd;
    *out = llmg__lane_emit(s, ev, dlen, err);
    return 1;
}

/* An event the framer put together (one that crossed the end of a fed
   chunk, say) read through the lane when its name and data are like the
   lane's: the mapper sees only those. 1 when it read it (*out as above),
   0 when it goes the long way. */
static int llmg__lane_event(llmg_stream *s, const llmg_sse_event *sev, llmg_event *ev,
                            llmg_error *err, llmg_status *out)
{
    const llmg__lane *ln = &s->_lane;
    llmg_str name = llmg__lstrip(sev->type), data;
    size_t used, dlen;
    if (!llmg__lane_open(s) || (sev->data.len && memchr(sev->data.ptr, '\n', sev->data.len))) return 0;
    if (!llmg_str_eq(name, ln->name_at == (size_t)-1 ? llmg_str_c("message")
                                                     : llmg__strn(ln->src.ptr + ln->name_at, ln->name_len)))
        return 0;
    data = llmg__lstrip(sev->data);
    if (!llmg__lane_match(s, (const unsigned char *)data.ptr, data.len, ln->json, &used, &dlen))
        return 0;
    if (used != data.len || !llmg__lane_fits(s, dlen)) return llmg__lane_miss(s);
    s->_ev_offset = sev->offset;
    *out = llmg__lane_emit(s, ev, dlen, err);
    return 1;
}

/* One SSE event through the field rules and the provider's mapper. */
static llmg_status llmg__map_event(llmg_stream *s, const llmg_sse_event *sev, llmg_error *err)
{
    llmg_str name = llmg__lstrip(sev->type), data;
    llmg_json_opts jo;
    llmg_json_val root;
    llmg_status st;
    s->_q_len = s->_q_head = 0;
    s->_scratch.len = 0;
    s->_ev_offset = sev->offset;
    st = llmg__strip_lines(s, sev->data, &data);
    if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
    if (data.len == 6 && memcmp(data.ptr, "[DONE]", 6) == 0) {
        /* Chat: [DONE] after a finish_reason with no usage chunk ends it. */
        if ((s->_o.provider == LLMG_PROVIDER_OPENAI_COMPLETIONS ||
             s->_o.provider == LLMG_PROVIDER_GROQ_COMPLETIONS) && s->_finish_seen) {
            llmg__patch *p;
            st = llmg__q_push(s, LLMG_EVENT_MESSAGE_END, &p);
            if (st != LLMG_OK) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
        }
        return LLMG_OK;
    }
    memset(&jo, 0, sizeof jo);
    jo.max_depth = s->_o.max_json_depth;
    jo.allocator = s->_a;
    if (!s->_no_shape && llmg__json_shape_parse(&s->_shape, &s->_doc, data.ptr, data.len)) {
        st = LLMG_OK;
    } else {
        st = llmg_json_parse(&s->_doc, data.ptr, data.len, &jo, NULL);
        if (st == LLMG_OK && !s->_no_shape)
            llmg__json_shape_keep(&s->_shape, &s->_doc);
    }
    if (st == LLMG_E_NOMEM) return llmg__sfail(s, st, LLMG__MSG("stream: allocation failed"), err);
    if (st == LLMG_E_LIMIT)              /* JSON, but nested past max_json_depth */
        return llmg__sfail(s, st, LLMG__MSG("stream: an event's JSON is over max_json_depth"), err);
    if (st != LLMG_OK) {
        /* Not JSON: the gem's {raw: data}, which only an error event acts on. */
        if (!llmg_str_eq(name, llmg_str_c("error"))) return LLMG_OK;
        llmg_json_parse(&s->_doc, "{}", 2, &jo, NULL);
    }
    root = llmg_json_root(&s->_doc);
    if (llmg_json_typeof(root) != LLMG_JSON_OBJECT) {
        if (!llmg_str_eq(name, llmg_str_c("error"))) return LLMG_OK;
        llmg_json_parse(&s->_doc, "{}", 2, &jo, NULL);
        root = llmg_json_root(&s->_doc);
    }
    switch (s->_o.provider) {
    case LLMG_PROVIDER_ANTHROPIC_MESSAGES: st = llmg__map_anthropic(s, name, root, err); break;
    case LLMG_PROVIDER_OPENAI_COMPLETIONS:
    case LLMG_PROVIDER_GROQ_COMPLETIONS:   st = llmg__map_chat(s, name, root, err); break;
    default:                               st = llmg__map_responses(s, name, root, err); break;
    }
    if (st < 0 && s->_err.code >= 0)
        return llmg__sfail(s, st, st == LLMG_E_NOMEM ? LLMG__MSG("stream: allocation failed")
                                                     : LLMG__MSG("stream: event not mapped"), err);
    if (st == LLMG_OK) llmg__lane_learn(s, sev, data);
    return st;
}

LLMG_API llmg_status llmg_stream_next(llmg_stream *s, llmg_event *ev, llmg_error *err)
{
    llmg_sse_event sev;
    llmg_error e;
    llmg_status st;
    if (!s || !ev) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("stream: s and ev are required"), 0);
    for (;;) {
        if (s->_err.code < 0) return llmg__sticky(s, err);
        if (s->_q_head < s->_q_len) {
            st = llmg__apply(s, &s->_q[s->_q_head], ev, err);
            if (st != LLMG_OK) return st;
            s->_q_head++;
            return llmg__ok(err, LLMG_OK);
        }
        if (s->_state == 1 || s->_state == 3) {
            if (s->_state == 1) {
                /* The rest of the body is not read: release what was fed. */
                while (llmg_sse_next(&s->_sse, &sev, NULL) == LLMG_OK) {}
            }
            return llmg__ok(err, LLMG_DONE);
        }
        if (llmg__lane_next(s, ev, err, &st)) return st;
        st = llmg_sse_next(&s->_sse, &sev, &e);
        if (st == LLMG_NEED_MORE) return llmg__ok(err, st);
        if (st == LLMG_DONE)
            return llmg__sfail(s, LLMG_E_TRUNCATED,
                               LLMG__MSG("stream: the body ended before the message ended"), err);
        if (st != LLMG_OK) {
            s->_ev_offset = e.offset;              /* the framer's offset, not the event's */
            return llmg__sfail(s, st, e.msg, err);
        }
        if (llmg__lane_event(s, &sev, ev, err, &st)) return st;
        st = llmg__map_event(s, &sev, err);
        if (st != LLMG_OK) return st;
    }
}

LLMG_API llmg_status llmg_stream_push(llmg_stream *s, const void *data, size_t len,
                                      llmg_event_fn fn, void *user, llmg_error *err)
{
    llmg_event ev;
    llmg_status st = llmg_stream_feed(s, data, len, err);
    if (st != LLMG_OK) return st;
    while ((st = llmg_stream_next(s, &ev, err)) == LLMG_OK)
        if (fn && fn(user, &ev))
            return llmg__sfail(s, LLMG_E_CANCELLED, LLMG__MSG("stream: cancelled by the host"), err);
    return st;
}

LLMG_API llmg_status llmg_stream_end(llmg_stream *s, llmg_event_fn fn, void *user, llmg_error *err)
{
    llmg_event ev;
    llmg_status st;
    while ((st = llmg_stream_next(s, &ev, err)) == LLMG_OK)
        if (fn && fn(user, &ev))
            return llmg__sfail(s, LLMG_E_CANCELLED, LLMG__MSG("stream: cancelled by the host"), err);
    if (st != LLMG_NEED_MORE) return st;
    st = llmg_stream_finish(s, err);
    if (st != LLMG_OK) return st;
    while ((st = llmg_stream_next(s, &ev, err)) == LLMG_OK)
        if (fn && fn(user, &ev))
            return llmg__sfail(s, LLMG_E_CANCELLED, LLMG__MSG("stream: cancelled by the host"), err);
    return st;
}

LLMG_API const llmg_message *llmg_stream_message(const llmg_stream *s) { return s ? &s->_m : NULL; }

LLMG_API int llmg_stream_ended(const llmg_stream *s) { return s && (s->_state == 1 || s->_state == 3); }

LLMG_API const llmg_provider_error *llmg_stream_error(const llmg_stream *s)
{
    return s && s->_err.code == LLMG_E_PROVIDER ? &s->_perr : NULL;
}

LLMG_API void llmg_stream_take_message(llmg_stream *s, llmg_message *out)
{
    if (!s || !out) return;
    *out = s->_m;
    memset(&s->_m, 0, sizeof s->_m);
    s->_m._a = s->_a;
    s->_active = LLMG__NO_BLOCK;
    s->_lane.ok = 0;
}

LLMG_API llmg_status llmg_event_write_json(const llmg_event *ev, llmg_json_writer *w)
{
    int kind;
    if (!ev || !w) return LLMG_E_ARG;
    kind = LLMG__KIND(ev->type);
    llmg_json_write_obj_begin(w);
    llmg_json_write_keyc(w, "type");
    llmg_json_write_strc(w, llmg_event_type_name(ev->type));
    if (ev->type == LLMG_EVENT_MESSAGE_END) {
        llmg_json_write_keyc(w, "message");
        llmg_message_write_json(ev->message, w);
    } else if (!kind) {
        llmg_json_write_keyc(w, "delta");
        llmg_json_write_raw(w, ev->message_delta.len ? ev->message_delta : llmg_str_c("{}"));
        if (ev->usage) {
            llmg_json_write_keyc(w, "usage");
            llmg_usage_write_json(ev->usage, w);
        }
    } else {
        llmg_json_write_keyc(w, "content_index");
        llmg_json_write_int(w, (int64_t)ev->content_index);
        llmg_json_write_keyc(w, "delta");
        llmg_json_write_str(w, ev->delta);
        if (ev->type == LLMG_EVENT_TOOL_START) {
            llmg_json_write_keyc(w, "id");
            llmg_json_write_str(w, ev->id);
            llmg_json_write_keyc(w, "name");
            llmg_json_write_str(w, ev->name);
            llmg_json_write_keyc(w, "tool_type");
            llmg_json_write_strc(w, llmg_block_type_name(ev->tool_type));
        } else if (ev->type == LLMG_EVENT_TOOL_RESULT_START) {
            llmg_json_write_keyc(w, "tool_use_id");
            llmg_json_write_str(w, ev->id);
            llmg_json_write_keyc(w, "name");
            llmg_json_write_str(w, ev->name);
        }
        if (kind == LLMG__K_REASONING && ev->signature.len) {
            llmg_json_write_keyc(w, "signature");
            llmg_json_write_str(w, ev->signature);
        }
    }
    llmg_json_write_obj_end(w);
    return llmg_json_writer_status(w, NULL);
}

/* ================================================================ >>impl-request
   The builders work on a small tree of JSON values (llmg__v) with the
   semantics of the Ruby hashes the gem builds: a member set again keeps its
   place, a new one goes last. Scalars of the caller's input stay tokens of
   the parsed documents and are written back with llmg_json_write_val, so
   nothing is copied that is not changed. Every node and string lives in one
   arena (llmg__rq), freed at once when the build ends.
   A node belongs to at most one container: linking a node that already has
   a place links a copy, and a container is filled before it is linked
   anywhere else. Nothing that came from the input is ever changed in
   place: rewriting a message means a shallow copy of it (llmg__vcopy).
   Allocation failures make helpers return NULL; every helper takes NULL
   as "nothing", and the build checks rq->st once at the end.            */

enum {
    LLMG__V_NULL, LLMG__V_FALSE, LLMG__V_TRUE, LLMG__V_INT, LLMG__V_STR,
    LLMG__V_ARR, LLMG__V_OBJ, LLMG__V_SRC          /* SRC: a scalar token of an input */
};

typedef struct llmg__v llmg__v;
struct llmg__v {
    unsigned char kind, linked;
    llmg_str      key;                   /* the member's name, in an object */
    llmg_str      s;                     /* STR */
    int64_t       i;                     /* INT */
    llmg_json_val src;                   /* SRC */
    llmg__v      *head, *tail, *next;    /* ARR, OBJ: children; next: sibling */
    size_t        n;
};

typedef struct llmg__rq_blk { struct llmg__rq_blk *next; size_t size; } llmg__rq_blk;
typedef struct llmg__rq_doc { llmg_json_doc doc; struct llmg__rq_doc *next; } llmg__rq_doc;

typedef struct llmg__rq {
    llmg_allocator a;
    llmg__rq_blk  *blk;
    unsigned char *p;
    size_t         left;
    llmg__rq_doc  *docs;
    llmg_request_opts o;
    llmg_status    st;                   /* first failure; LLMG_OK while none */
    const char    *smsg;                 /* its static message */
    uint64_t       offset;
    llmg_buf       msg;                  /* the gem's words */
    llmg_str       tprov, tapi;          /* the target's identity, for the sanitizer */
} llmg__rq;

#define LLMG__RQ_BLOCK 65536u
#define LLMG__RQ_ALIGN(n) (((n) + 15u) & ~(size_t)15u)

static void llmg__rq_nomem(llmg__rq *rq)
{
    if (rq->st == LLMG_OK) {
        rq->st = LLMG_E_NOMEM;
        rq->smsg = LLMG__MSG("request: allocation failed");
    }
}

static void *llmg__rq_mem(llmg__rq *rq, size_t n)
{
    void *r;
    if (rq->st != LLMG_OK) return NULL;
    if (n > ((size_t)-1) / 4) { llmg__rq_nomem(rq); return NULL; }
    n = LLMG__RQ_ALIGN(n);
    if (n > rq->left) {
        size_t head = LLMG__RQ_ALIGN(sizeof(llmg__rq_blk));
        size_t size = n + head > LLMG__RQ_BLOCK ? n + head : LLMG__RQ_BLOCK;
        llmg__rq_blk *b = (llmg__rq_blk *)llmg__alloc(&rq->a, size);
        if (!b) { llmg__rq_nomem(rq); return NULL; }
        b->next = rq->blk;
        b->size = size;
        rq->blk = b;
        rq->p = (unsigned char *)b + head;
        rq->left = size - head;
    }
    r = rq->p;
    rq->p += n;
    rq->left -= n;
    return r;
}

static llmg_str llmg__rq_dup(llmg__rq *rq, const char *p, size_t n)
{
    llmg_str s;
    char *d = (char *)llmg__rq_mem(rq, n + 1);
    s.ptr = d ? d : "";
    s.len = d ? n : 0;
    if (d) {
        if (n) memcpy(d, p, n);
        d[n] = '\0';
    }
    return s;
}

/* Records the first failure; the message is built by llmg__rq_say. */
static void llmg__rq_fail(llmg__rq *rq, llmg_status st, const char *smsg)
{
    if (rq->st != LLMG_OK) return;
    rq->st = st;
    rq->smsg = smsg;
    llmg__buf_clear(&rq->msg);
}

static void llmg__rq_say(llmg__rq *rq, llmg_str s)
{
    if (rq->st == LLMG_E_NOMEM) return;
    if (llmg__buf_append(&rq->msg, &rq->a, s.ptr, s.len, (size_t)1 << 20) == LLMG_E_NOMEM) {
        /* not the words cut short under the refusal's message: the failure */
        rq->st = LLMG_E_NOMEM;
        rq->smsg = LLMG__MSG("request: allocation failed");
        llmg__buf_clear(&rq->msg);
    }
}

static void llmg__rq_sayc(llmg__rq *rq, const char *s) { llmg__rq_say(rq, llmg_str_c(s)); }

/* ---------------------------------------------------------------- values */

static llmg__v *llmg__vnew(llmg__rq *rq, int kind)
{
    llmg__v *v = (llmg__v *)llmg__rq_mem(rq, sizeof *v);
    if (v) {
        memset(v, 0, sizeof *v);
        v->kind = (unsigned char)kind;
    }
    return v;
}

static llmg__v *llmg__vnull(llmg__rq *rq) { return llmg__vnew(rq, LLMG__V_NULL); }
static llmg__v *llmg__vobj(llmg__rq *rq) { return llmg__vnew(rq, LLMG__V_OBJ); }
static llmg__v *llmg__varr(llmg__rq *rq) { return llmg__vnew(rq, LLMG__V_ARR); }

static llmg__v *llmg__vbool(llmg__rq *rq, int b)
{
    return llmg__vnew(rq, b ? LLMG__V_TRUE : LLMG__V_FALSE);
}

static llmg__v *llmg__vint(llmg__rq *rq, int64_t i)
{
    llmg__v *v = llmg__vnew(rq, LLMG__V_INT);
    if (v) v->i = i;
    return v;
}

/* A string viewing s, which must outlive the build (a literal, the arena,
   or the caller's input). */
static llmg__v *llmg__vstr(llmg__rq *rq, llmg_str s)
{
    llmg__v *v = llmg__vnew(rq, LLMG__V_STR);
    if (v) v->s = s;
    return v;
}

static llmg__v *llmg__vstrc(llmg__rq *rq, const char *s) { return llmg__vstr(rq, llmg_str_c(s)); }

/* The JSON type of a value; NONE for NULL. */
static llmg_json_type llmg__vtype(const llmg__v *v)
{
    if (!v) return LLMG_JSON_NONE;
    switch (v->kind) {
    case LLMG__V_NULL:  return LLMG_JSON_NULL;
    case LLMG__V_FALSE: return LLMG_JSON_FALSE;
    case LLMG__V_TRUE:  return LLMG_JSON_TRUE;
    case LLMG__V_INT:   return LLMG_JSON_NUMBER;
    case LLMG__V_STR:   return LLMG_JSON_STRING;
    case LLMG__V_ARR:   return LLMG_JSON_ARRAY;
    case LLMG__V_OBJ:   return LLMG_JSON_OBJECT;
    default:            return llmg_json_typeof(v->src);
    }
}

static int llmg__vis_obj(const llmg__v *v) { return v && v->kind == LLMG__V_OBJ; }
static int llmg__vis_arr(const llmg__v *v) { return v && v->kind == LLMG__V_ARR; }
static int llmg__vis_null(const llmg__v *v) { return llmg__vtype(v) == LLMG_JSON_NULL; }

/* Ruby truthiness: anything but absent, null and false. */
static int llmg__vtruthy(const llmg__v *v)
{
    llmg_json_type t = llmg__vtype(v);
    return t != LLMG_JSON_NONE && t != LLMG_JSON_NULL && t != LLMG_JSON_FALSE;
}

/* A string's bytes, unescaped (into the arena when the input escaped
   them): 1, or 0 for a value that is not a string. */
static int llmg__vs(llmg__rq *rq, const llmg__v *v, llmg_str *out)
{
    size_t need = 0;
    char *d;
    out->ptr = "";
    out->len = 0;
    if (llmg__vtype(v) != LLMG_JSON_STRING) return 0;
    if (v->kind == LLMG__V_STR) { *out = v->s; return 1; }
    if (llmg_json_str_view(v->src, out)) return 1;
    llmg_json_get_str(v->src, NULL, 0, &need);
    d = (char *)llmg__rq_mem(rq, need + 1);
    if (d && llmg_json_get_str(v->src, d, need + 1, &need) == LLMG_OK) {
        out->ptr = d;
        out->len = need;
    }
    return 1;
}

/* 1 when v is a string equal to lit. */
static int llmg__vis(const llmg__v *v, const char *lit)
{
    llmg_str l = llmg_str_c(lit);
    if (llmg__vtype(v) != LLMG_JSON_STRING) return 0;
    if (v->kind == LLMG__V_STR) return llmg_str_eq(v->s, l);
    return llmg_json_str_eq(v->src, l);
}

/* Ruby's blank? (see the manual): absent, null, false, a string of only
   Unicode white space, an empty array or object. */
static int llmg__vblank(llmg__rq *rq, const llmg__v *v)
{
    llmg_str s;
    switch (llmg__vtype(v)) {
    case LLMG_JSON_NONE: case LLMG_JSON_NULL: case LLMG_JSON_FALSE: return 1;
    case LLMG_JSON_STRING: llmg__vs(rq, v, &s); return llmg__is_blank(s);
    case LLMG_JSON_ARRAY: case LLMG_JSON_OBJECT: return v->n == 0;
    default: return 0;
    }
}

/* The member named key (the last one when a name repeats), or NULL. */
static llmg__v *llmg__vget(const llmg__v *obj, const char *key)
{
    llmg_str k = llmg_str_c(key);
    llmg__v *c, *found = NULL;
    if (!llmg__vis_obj(obj)) return NULL;
    for (c = obj->head; c; c = c->next)
        if (llmg_str_eq(c->key, k)) found = c;
    return found;
}

/* The type member's string, "" when it has none. */
static llmg_str llmg__vtype_of(llmg__rq *rq, const llmg__v *block)
{
    llmg_str s;
    llmg__vs(rq, llmg__vget(block, "type"), &s);
    return s;
}

static int llmg__vtype_is(const llmg__v *block, const char *type)
{
    return llmg__vis(llmg__vget(block, "type"), type);
}

/* v itself when it has no place yet, else a copy of its node (sharing its
   children) that can take one. */
static llmg__v *llmg__vplace(llmg__rq *rq, llmg__v *v)
{
    llmg__v *c;
    if (!v) return NULL;
    if (!v->linked) return v;
    c = (llmg__v *)llmg__rq_mem(rq, sizeof *c);
    if (!c) return NULL;
    *c = *v;
    c->linked = 0;
    c->next = NULL;
    c->key.ptr = "";
    c->key.len = 0;
    return c;
}

static void llmg__vpush(llmg__rq *rq, llmg__v *arr, llmg__v *val)
{
    if (!arr || !val) return;
    val = llmg__vplace(rq, val);
    if (!val) return;
    val->linked = 1;
    if (arr->tail) arr->tail->next = val;
    else arr->head = val;
    arr->tail = val;
    arr->n++;
}

/* obj[k] = val (NULL val: null): an existing member keeps its place.
   Ownership: k must outlive the build (a literal, the arena, an input). */
static void llmg__vsetk(llmg__rq *rq, llmg__v *obj, llmg_str k, llmg__v *val)
{
    llmg__v *c, *prev = NULL;
    if (!obj) return;
    if (!val) val = llmg__vnull(rq);
    val = llmg__vplace(rq, val);
    if (!val) return;
    val->key = k;
    val->linked = 1;
    for (c = obj->head; c; prev = c, c = c->next) {
        if (!llmg_str_eq(c->key, k)) continue;
        val->next = c->next;
        if (prev) prev->next = val;
        else obj->head = val;
        if (obj->tail == c) obj->tail = val;
        return;
    }
    val->next = NULL;
    if (obj->tail) obj->tail->next = val;
    else obj->head = val;
    obj->tail = val;
    obj->n++;
}

static void llmg__vset(llmg__rq *rq, llmg__v *obj, const char *key, llmg__v *val)
{
    llmg__vsetk(rq, obj, llmg_str_c(key), val);
}

static void llmg__vsetc(llmg__rq *rq, llmg__v *obj, const char *key, const char *s)
{
    llmg__vset(rq, obj, key, llmg__vstrc(rq, s));
}

/* Removes every member named key; returns the last one removed, or NULL. */
static llmg__v *llmg__vdel(llmg__v *obj, const char *key)
{
    llmg_str k = llmg_str_c(key);
    llmg__v *c, *prev = NULL, *found = NULL;
    if (!llmg__vis_obj(obj)) return NULL;
    for (c = obj->head; c;) {
        llmg__v *next = c->next;
        if (llmg_str_eq(c->key, k)) {
            if (prev) prev->next = next;
            else obj->head = next;
            if (obj->tail == c) obj->tail = prev;
            obj->n--;
            found = c;
        } else {
            prev = c;
        }
        c = next;
    }
    return found;
}

/* A new container with the same members (Ruby's dup and merge base). */
static llmg__v *llmg__vcopy(llmg__rq *rq, const llmg__v *v)
{
    llmg__v *c, *out;
    if (!v || (v->kind != LLMG__V_OBJ && v->kind != LLMG__V_ARR)) return NULL;
    out = llmg__vnew(rq, v->kind);
    for (c = v->head; c && out; c = c->next) {
        if (v->kind == LLMG__V_ARR) {
            llmg__vpush(rq, out, c);
        } else {
            llmg__v *d = llmg__vplace(rq, c);
            if (!d) return NULL;
            d->key = c->key;
            d->linked = 1;
            if (out->tail) out->tail->next = d;
            else out->head = d;
            out->tail = d;
            out->n++;
        }
    }
    return out;
}

/* A copy of obj with key set to val: Ruby's obj.merge(key => val). */
static llmg__v *llmg__vmerge(llmg__rq *rq, const llmg__v *obj, const char *key, llmg__v *val)
{
    llmg__v *c = llmg__vcopy(rq, obj);
    llmg__vset(rq, c, key, val);
    return c;
}

/* The tree of a parsed value; scalars stay its tokens. Keys are unescaped. */
static llmg__v *llmg__vload(llmg__rq *rq, llmg_json_val v)
{
    llmg_json_type t = llmg_json_typeof(v);
    llmg_json_iter it;
    llmg_json_val k, x;
    llmg__v *c;
    if (t != LLMG_JSON_OBJECT && t != LLMG_JSON_ARRAY) {
        c = llmg__vnew(rq, LLMG__V_SRC);
        if (c) c->src = v;
        return c;
    }
    c = llmg__vnew(rq, t == LLMG_JSON_OBJECT ? LLMG__V_OBJ : LLMG__V_ARR);
    it = llmg_json_iter_init(v);
    while (c && llmg_json_iter_next(&it, &k, &x)) {
        llmg__v *e = llmg__vload(rq, x);
        if (!e) return NULL;
        e->linked = 1;
        if (t == LLMG_JSON_OBJECT) {
            llmg__v kv;
            memset(&kv, 0, sizeof kv);
            kv.kind = LLMG__V_SRC;
            kv.src = k;
            llmg__vs(rq, &kv, &e->key);
        }
        if (c->tail) c->tail->next = e;
        else c->head = e;
        c->tail = e;
        c->n++;
    }
    return c;
}

static void llmg__vwrite(llmg_json_writer *w, const llmg__v *v)
{
    const llmg__v *c;
    if (!v) { llmg_json_write_null(w); return; }
    switch (v->kind) {
    case LLMG__V_NULL:  llmg_json_write_null(w); break;
    case LLMG__V_FALSE: llmg_json_write_bool(w, 0); break;
    case LLMG__V_TRUE:  llmg_json_write_bool(w, 1); break;
    case LLMG__V_INT:   llmg_json_write_int(w, v->i); break;
    case LLMG__V_STR:   llmg_json_write_str(w, v->s); break;
    case LLMG__V_SRC:   llmg_json_write_val(w, v->src); break;
    case LLMG__V_ARR:
        llmg_json_write_arr_begin(w);
        for (c = v->head; c; c = c->next) llmg__vwrite(w, c);
        llmg_json_write_arr_end(w);
        break;
    default:
        llmg_json_write_obj_begin(w);
        for (c = v->head; c; c = c->next) {
            llmg_json_write_key(w, c->key);
            llmg__vwrite(w, c);
        }
        llmg_json_write_obj_end(w);
        break;
    }
}

/* A writer on the build's allocator and limits. */
static int llmg__rq_writer(llmg__rq *rq, llmg_json_writer *w)
{
    llmg_json_writer_opts wo;
    memset(&wo, 0, sizeof wo);
    wo.max_depth = rq->o.max_json_depth + 8;   /* the builders nest inputs a few levels deeper */
    wo.max_bytes = rq->o.max_body_bytes;
    wo.allocator = rq->a;
    if (llmg_json_writer_init(w, &wo, NULL) == LLMG_OK) return 1;
    llmg__rq_nomem(rq);
    return 0;
}

/* Ends a writer: its failure becomes the build's. */
static void llmg__rq_writer_check(llmg__rq *rq, llmg_json_writer *w)
{
    llmg_error e;
    if (llmg_json_writer_status(w, &e) >= 0) return;
    if (e.code == LLMG_E_NOMEM) llmg__rq_nomem(rq);
    else llmg__rq_fail(rq, e.code, e.msg);
}

/* The compact JSON of v as a string (Ruby's to_json). */
static llmg__v *llmg__vjson(llmg__rq *rq, const llmg__v *v)
{
    llmg_json_writer w;
    llmg__v *r = NULL;
    if (rq->st != LLMG_OK || !llmg__rq_writer(rq, &w)) return NULL;
    llmg__vwrite(&w, v);
    llmg__rq_writer_check(rq, &w);
    if (rq->st == LLMG_OK) {
        llmg_str s = llmg_json_writer_str(&w);
        r = llmg__vstr(rq, llmg__rq_dup(rq, s.ptr, s.len));
    }
    llmg_json_writer_free(&w);
    return r;
}

/* Ruby's inspect of a value, appended to b: strings quoted with Ruby's
   escapes, nil, numbers as Ruby prints them, [a, b], {key: value} (Ruby
   3.4's Hash#inspect). as_symbol writes a string as a symbol (:key). */
static void llmg__rb_inspect(llmg__rq *rq, llmg_buf *b, const llmg__v *v, int as_symbol);

static void llmg__rb_put(llmg__rq *rq, llmg_buf *b, const char *p, size_t n)
{
    if (llmg__buf_append(b, &rq->a, p, n, (size_t)-1 / 4) != LLMG_OK) llmg__rq_nomem(rq);
}

/* 1 when s reads back as a bare symbol or key: [A-Za-z_][A-Za-z0-9_]*. */
static int llmg__rb_simple_name(llmg_str s)
{
    size_t i;
    if (!s.len || (s.ptr[0] >= '0' && s.ptr[0] <= '9')) return 0;
    for (i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

static void llmg__rb_quote(llmg__rq *rq, llmg_buf *b, llmg_str s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;
    llmg__rb_put(rq, b, "\"", 1);
    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        const char *e = NULL;
        char u[6];
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\t': e = "\\t"; break;
        case '\r': e = "\\r"; break;
        case '\f': e = "\\f"; break;
        case '\v': e = "\\v"; break;
        case '\b': e = "\\b"; break;
        case '\a': e = "\\a"; break;
        case 0x1B: e = "\\e"; break;
        case '#':
            if (i + 1 < s.len && (s.ptr[i + 1] == '{' || s.ptr[i + 1] == '$' || s.ptr[i + 1] == '@'))
                e = "\\#";
            break;
        default: break;
        }
        if (e) { llmg__rb_put(rq, b, e, strlen(e)); continue; }
        if (c < 0x20 || c == 0x7F) {
            u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
            u[4] = hex[c >> 4]; u[5] = hex[c & 15];
            llmg__rb_put(rq, b, u, 6);
            continue;
        }
        llmg__rb_put(rq, b, s.ptr + i, 1);
    }
    llmg__rb_put(rq, b, "\"", 1);
}

static void llmg__rb_inspect(llmg__rq *rq, llmg_buf *b, const llmg__v *v, int as_symbol)
{
    const llmg__v *c;
    llmg_str s;
    switch (llmg__vtype(v)) {
    case LLMG_JSON_STRING:
        llmg__vs(rq, v, &s);
        if (as_symbol) {
            llmg__rb_put(rq, b, ":", 1);
            if (llmg__rb_simple_name(s)) llmg__rb_put(rq, b, s.ptr, s.len);
            else llmg__rb_quote(rq, b, s);
        } else {
            llmg__rb_quote(rq, b, s);
        }
        break;
    case LLMG_JSON_ARRAY:
        llmg__rb_put(rq, b, "[", 1);
        for (c = v->head; c; c = c->next) {
            llmg__rb_inspect(rq, b, c, 0);
            if (c->next) llmg__rb_put(rq, b, ", ", 2);
        }
        llmg__rb_put(rq, b, "]", 1);
        break;
    case LLMG_JSON_OBJECT:
        llmg__rb_put(rq, b, "{", 1);
        for (c = v->head; c; c = c->next) {
            if (llmg__rb_simple_name(c->key)) llmg__rb_put(rq, b, c->key.ptr, c->key.len);
            else llmg__rb_quote(rq, b, c->key);
            llmg__rb_put(rq, b, ": ", 2);
            llmg__rb_inspect(rq, b, c, 0);
            if (c->next) llmg__rb_put(rq, b, ", ", 2);
        }
        llmg__rb_put(rq, b, "}", 1);
        break;
    case LLMG_JSON_NONE: case LLMG_JSON_NULL:
        llmg__rb_put(rq, b, "nil", 3);
        break;
    default: {                                   /* numbers, true, false: their JSON */
        llmg__v *j = llmg__vjson(rq, v);
        if (j) llmg__rb_put(rq, b, j->s.ptr, j->s.len);
        break;
    }
    }
}

/* Ruby's to_s, as string interpolation uses it: a string's bytes, "" for
   nil, numbers and literals as printed, inspect for arrays and objects. */
static llmg_str llmg__vtos(llmg__rq *rq, const llmg__v *v)
{
    llmg_str s;
    llmg_buf b;
    switch (llmg__vtype(v)) {
    case LLMG_JSON_STRING: llmg__vs(rq, v, &s); return s;
    case LLMG_JSON_NONE: case LLMG_JSON_NULL: return llmg_str_c("");
    default: break;
    }
    memset(&b, 0, sizeof b);
    llmg__rb_inspect(rq, &b, v, 0);
    s = llmg__rq_dup(rq, b.ptr ? b.ptr : "", b.len);
    llmg_buf_free(&b, &rq->a);
    return s;
}

/* A string of up to four pieces joined. */
static llmg__v *llmg__vcat(llmg__rq *rq, llmg_str a, llmg_str b, llmg_str c, llmg_str d)
{
    size_t n = a.len + b.len + c.len + d.len;
    char *p = (char *)llmg__rq_mem(rq, n + 1);
    llmg_str s;
    if (!p) return NULL;
    if (a.len) memcpy(p, a.ptr, a.len);
    if (b.len) memcpy(p + a.len, b.ptr, b.len);
    if (c.len) memcpy(p + a.len + b.len, c.ptr, c.len);
    if (d.len) memcpy(p + a.len + b.len + c.len, d.ptr, d.len);
    p[n] = '\0';
    s.ptr = p;
    s.len = n;
    return llmg__vstr(rq, s);
}

/* "data:<media_type>;base64,<data>", each part as Ruby interpolates it. */
static llmg__v *llmg__vdata_url(llmg__rq *rq, const llmg__v *media_type, llmg_str data)
{
    return llmg__vcat(rq, llmg_str_c("data:"), llmg__vtos(rq, media_type), llmg_str_c(";base64,"),
                      data);
}

/* RFC 2045 base64 as Ruby's Base64.encode64 writes it: a line feed after
   every 60 characters and at the end (nothing for empty input). */
static llmg_str llmg__base64_mime(llmg__rq *rq, llmg_str in)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t groups = (in.len + 2) / 3, chars = groups * 4, lines = (chars + 59) / 60;
    size_t i, o = 0, col = 0;
    char *p = (char *)llmg__rq_mem(rq, chars + lines + 1);
    llmg_str s;
    s.ptr = "";
    s.len = 0;
    if (!p) return s;
    for (i = 0; i < in.len; i += 3) {
        unsigned long x = (unsigned long)(unsigned char)in.ptr[i] << 16;
        size_t k, left = in.len - i;
        char q[4];
        if (left > 1) x |= (unsigned long)(unsigned char)in.ptr[i + 1] << 8;
        if (left > 2) x |= (unsigned char)in.ptr[i + 2];
        q[0] = tab[(x >> 18) & 63];
        q[1] = tab[(x >> 12) & 63];
        q[2] = left > 1 ? tab[(x >> 6) & 63] : '=';
        q[3] = left > 2 ? tab[x & 63] : '=';
        for (k = 0; k < 4; k++) {
            p[o++] = q[k];
            if (++col == 60) { p[o++] = '\n'; col = 0; }
        }
    }
    if (col) p[o++] = '\n';
    p[o] = '\0';
    s.ptr = p;
    s.len = o;
    return s;
}

/* The first n characters (UTF-8) of s. */
static llmg_str llmg__utf8_prefix(llmg_str s, size_t n)
{
    size_t i = 0, chars = 0;
    while (i < s.len && chars < n) {
        i++;
        while (i < s.len && ((unsigned char)s.ptr[i] & 0xC0) == 0x80) i++;
        chars++;
    }
    s.len = i;
    return s;
}

/* ---------------------------------------------------------------- input */

/* Parses one input text; NULL (and *absent 1) when it is empty. quiet:
   text that is not JSON is NULL, not a failure. */
static llmg__v *llmg__rq_parse(llmg__rq *rq, llmg_str text, const char *what, int *absent, int quiet)
{
    llmg__rq_doc *d;
    llmg_json_opts jo;
    llmg_error e;
    llmg_status st;
    *absent = text.len == 0;
    if (*absent || rq->st != LLMG_OK) return NULL;
    d = (llmg__rq_doc *)llmg__rq_mem(rq, sizeof *d);
    if (!d) return NULL;
    llmg_json_doc_init(&d->doc);
    d->next = rq->docs;
    rq->docs = d;
    memset(&jo, 0, sizeof jo);
    jo.max_depth = rq->o.max_json_depth;
    jo.allocator = rq->a;
    st = llmg_json_parse(&d->doc, text.ptr, text.len, &jo, &e);
    if (st == LLMG_OK) return llmg__vload(rq, llmg_json_root(&d->doc));
    if (st == LLMG_E_NOMEM) {
        llmg__rq_nomem(rq);
        return NULL;
    }
    if (quiet) return NULL;
    if (st == LLMG_NEED_MORE) {
        st = LLMG_E_SYNTAX;
        e.msg = LLMG__MSG("json: unexpected end of input");
    }
    llmg__rq_fail(rq, st, e.msg);
    rq->offset = e.offset;
    llmg__rq_sayc(rq, what);
    llmg__rq_sayc(rq, ": ");
    llmg__rq_sayc(rq, e.msg);
    return NULL;
}

/* An error in the gem's words: a, then Ruby's to_s of v (if any), then b. */
static void llmg__rq_refuse(llmg__rq *rq, const char *smsg, const char *a, const llmg__v *v,
                            const char *b)
{
    llmg_str s;
    if (rq->st != LLMG_OK) return;
    s = v ? llmg__vtos(rq, v) : llmg_str_c("");
    llmg__rq_fail(rq, LLMG_E_ARG, smsg);
    llmg__rq_sayc(rq, a);
    llmg__rq_say(rq, s);
    llmg__rq_sayc(rq, b);
}

/* ---------------------------------------------------------------- sanitizer
   spec §5: assistant messages that name their provider, api and model are
   rewritten for the target; tool results are moved out of assistant
   messages; Chat and Groq rewrite tool call ids.                        */

/* The text of a reasoning block replayed as text: thinking, else reasoning,
   else the summary list's texts joined with "\n"; NULL when none. */
static llmg__v *llmg__reasoning_text(llmg__rq *rq, const llmg__v *b)
{
    llmg__v *t = llmg__vget(b, "thinking"), *sum, *item;
    llmg_buf j;
    llmg__v *r;
    int first = 1;
    if (llmg__vtype(t) == LLMG_JSON_STRING) return t;
    t = llmg__vget(b, "reasoning");
    if (llmg__vtype(t) == LLMG_JSON_STRING) return t;
    sum = llmg__vget(b, "summary");
    if (!llmg__vis_arr(sum)) return NULL;
    memset(&j, 0, sizeof j);
    for (item = sum->head; item; item = item->next) {
        llmg__v *x = item;
        llmg_str s;
        if (llmg__vis_obj(item)) {
            x = llmg__vget(item, "text");
            if (!llmg__vtruthy(x)) x = llmg__vget(item, "summary_text");
            if (!llmg__vtruthy(x)) x = llmg__vget(item, "reasoning");
            if (!llmg__vtruthy(x)) continue;
        } else if (llmg__vtype(item) != LLMG_JSON_STRING) {
            continue;
        }
        s = llmg__vtos(rq, x);
        if (!first) llmg__rb_put(rq, &j, "\n", 1);
        llmg__rb_put(rq, &j, s.ptr, s.len);
        first = 0;
    }
    r = j.len ? llmg__vstr(rq, llmg__rq_dup(rq, j.ptr, j.len)) : NULL;
    llmg_buf_free(&j, &rq->a);
    return r;
}

static int llmg__same_str(llmg__rq *rq, const llmg__v *v, llmg_str want)
{
    llmg_str s;
    return llmg__vs(rq, v, &s) && llmg_str_eq(s, want);
}

static llmg__v *llmg__sanitize_message(llmg__rq *rq, llmg__v *m, const llmg__v *tmodel)
{
    llmg__v *content = llmg__vget(m, "content"), *out, *b;
    llmg__v *prov = llmg__vget(m, "provider"), *api = llmg__vget(m, "api"), *model = llmg__vget(m, "model");
    llmg_str tm;
    int same_pa, same_model;
    if (!llmg__vis(llmg__vget(m, "role"), "assistant") || !llmg__vis_arr(content)) return m;
    if (llmg__vblank(rq, prov) || llmg__vblank(rq, api) || llmg__vblank(rq, model)) return m;
    same_pa = llmg__same_str(rq, prov, rq->tprov) && llmg__same_str(rq, api, rq->tapi);
    same_model = same_pa && llmg__vs(rq, tmodel, &tm) && llmg__same_str(rq, model, tm);
    out = llmg__varr(rq);
    for (b = content->head; b && out; b = b->next) {
        if (!llmg__vis_obj(b)) {
            llmg__vpush(rq, out, b);
        } else if (llmg__vtype_is(b, "server_tool_use")) {
            llmg__v *in = llmg__vget(b, "input"), *outs = llmg__vget(in, "outputs"), *x = b;
            if (!same_pa) {
                x = llmg__vmerge(rq, b, "type", llmg__vstrc(rq, "tool_use"));
            } else if (llmg__vis_obj(in) && llmg__vis_obj(outs)) {
                llmg__v *vals = llmg__varr(rq), *o;
                for (o = outs->head; o; o = o->next) llmg__vpush(rq, vals, o);
                x = llmg__vmerge(rq, b, "input", llmg__vmerge(rq, in, "outputs", vals));
            }
            llmg__vpush(rq, out, x);
        } else if (llmg__vtype_is(b, "server_tool_result")) {
            llmg__v *x = b, *c;
            if (!same_pa) {
                x = llmg__vmerge(rq, b, "type", llmg__vstrc(rq, "tool_result"));
                c = llmg__vget(x, "content");
                if (llmg__vis_obj(c)) llmg__vset(rq, x, "content", llmg__vjson(rq, c));
            }
            llmg__vpush(rq, out, x);
        } else if ((llmg__vtype_is(b, "thinking") || llmg__vtype_is(b, "reasoning")) && !same_model) {
            llmg__v *t = llmg__reasoning_text(rq, b), *x;
            if (!t || llmg__vblank(rq, t)) continue;
            x = llmg__vobj(rq);
            llmg__vsetc(rq, x, "type", "text");
            llmg__vset(rq, x, "text", t);
            llmg__vpush(rq, out, x);
        } else {
            llmg__vpush(rq, out, b);
        }
    }
    return llmg__vmerge(rq, m, "content", out);
}

/* A Chat Completions tool call id for the target (spec §5.3). */
static llmg__v *llmg__chat_tool_id(llmg__rq *rq, llmg__v *id)
{
    llmg_str s;
    size_t i, n;
    char *p;
    if (!llmg__vs(rq, id, &s)) return id;
    p = (char *)memchr(s.ptr, '|', s.len);
    if (!p) {
        if (!llmg_str_eq(rq->tprov, llmg_str_c("openai"))) return id;
        return llmg__vstr(rq, llmg__utf8_prefix(s, 40));
    }
    s.len = (size_t)(p - s.ptr);
    p = (char *)llmg__rq_mem(rq, 41);
    if (!p) return NULL;
    for (i = 0, n = 0; i < s.len && n < 40; n++) {
        unsigned char c = (unsigned char)s.ptr[i++];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-';
        while (i < s.len && ((unsigned char)s.ptr[i] & 0xC0) == 0x80) i++;   /* one character */
        p[n] = keep ? (char)c : '_';
    }
    p[n] = '\0';
    s.ptr = p;
    s.len = n;
    return llmg__vstr(rq, s);
}

static llmg__v *llmg__sanitize(llmg__rq *rq, llmg__v *msgs, const llmg__v *tmodel, int chat)
{
    llmg__v *out, *m;
    if (!llmg__vis_arr(msgs)) return msgs;
    out = llmg__varr(rq);
    for (m = msgs ? msgs->head : NULL; m && out; m = m->next) {
        llmg__v *s = llmg__vis_obj(m) ? llmg__sanitize_message(rq, m, tmodel) : m;
        llmg__v *content = llmg__vget(s, "content"), *keep, *moved, *b;
        if (!llmg__vis(llmg__vget(s, "role"), "assistant") || !llmg__vis_arr(content)) {
            llmg__vpush(rq, out, s);
            continue;
        }
        keep = llmg__varr(rq);
        moved = llmg__varr(rq);
        for (b = content->head; b; b = b->next)
            llmg__vpush(rq, llmg__vis_obj(b) && llmg__vtype_is(b, "tool_result") ? moved : keep, b);
        if (!moved || !moved->n) {
            llmg__vpush(rq, out, s);
            continue;
        }
        if (keep && keep->n) llmg__vpush(rq, out, llmg__vmerge(rq, s, "content", keep));
        s = llmg__vobj(rq);
        llmg__vsetc(rq, s, "role", "user");
        llmg__vset(rq, s, "content", moved);
        llmg__vpush(rq, out, s);
    }
    if (!chat || !out) return out;
    msgs = out;
    out = llmg__varr(rq);
    for (m = msgs ? msgs->head : NULL; m && out; m = m->next) {
        llmg__v *content = llmg__vget(m, "content"), *nc, *b;
        if (!llmg__vis_arr(content)) {
            llmg__vpush(rq, out, m);
            continue;
        }
        nc = llmg__varr(rq);
        for (b = content->head; b; b = b->next) {
            if (llmg__vtype_is(b, "tool_use") || llmg__vtype_is(b, "function"))
                llmg__vpush(rq, nc, llmg__vmerge(rq, b, "id", llmg__chat_tool_id(rq, llmg__vget(b, "id"))));
            else if (llmg__vtype_is(b, "tool_result"))
                llmg__vpush(rq, nc, llmg__vmerge(rq, b, "tool_use_id",
                                                llmg__chat_tool_id(rq, llmg__vget(b, "tool_use_id"))));
            else
                llmg__vpush(rq, nc, b);
        }
        llmg__vpush(rq, out, llmg__vmerge(rq, m, "content", nc));
    }
    return out;
}

/* ---------------------------------------------------------------- block mappers
   One per wire shape, each c -> the provider's block (spec §3): a content
   item that is not an object is the text block {type:"text", text:c}.   */

/* {type:"text", text:c} for a content item that is not an object. */
static llmg__v *llmg__as_block(llmg__rq *rq, llmg__v *c)
{
    llmg__v *b;
    if (llmg__vis_obj(c)) return c;
    b = llmg__vobj(rq);
    llmg__vsetc(rq, b, "type", "text");
    llmg__vset(rq, b, "text", c);
    return b;
}

/* An array of content items mapped by fn, each object item of items (a
   tool result's content list); anything else as it is. */
static llmg__v *llmg__map_items(llmg__rq *rq, llmg__v *items,
                                llmg__v *(*fn)(llmg__rq *, llmg__v *))
{
    llmg__v *out, *c;
    if (!llmg__vis_arr(items)) return items;
    out = llmg__varr(rq);
    for (c = items->head; c; c = c->next) llmg__vpush(rq, out, llmg__vis_obj(c) ? fn(rq, c) : c);
    return out;
}

/* The content of a message as a list mapped by fn: a list item by item,
   anything else (a string, one block, null) as a one-item list. */
static llmg__v *llmg__map_content(llmg__rq *rq, llmg__v *content,
                                  llmg__v *(*fn)(llmg__rq *, llmg__v *))
{
    llmg__v *out = llmg__varr(rq), *c;
    if (!llmg__vis_arr(content)) {
        llmg__vpush(rq, out, fn(rq, content));
        return out;
    }
    for (c = content->head; c; c = c->next) llmg__vpush(rq, out, fn(rq, c));
    return out;
}

/* {type, <src key>: <value of key>, ...}: a fresh object from a list of
   "key" / "key=source" names read from b; NULL-terminated. */
static llmg__v *llmg__pick(llmg__rq *rq, const char *type, const llmg__v *b, const char *const *keys)
{
    llmg__v *o = llmg__vobj(rq);
    if (type) llmg__vsetc(rq, o, "type", type);
    for (; *keys; keys += 2) llmg__vset(rq, o, keys[0], llmg__vget(b, keys[1]));
    return o;
}

static llmg__v *llmg__block_anthropic(llmg__rq *rq, llmg__v *c)
{
    static const char *const tool_use[] = {"id", "id", "name", "name", "input", "input", NULL};
    llmg_str type;
    llmg__v *o, *src, *x;
    c = llmg__as_block(rq, c);
    type = llmg__vtype_of(rq, c);
    if (llmg_str_eq(type, llmg_str_c("text"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "text");
        llmg__vset(rq, o, "text", llmg__vget(c, "text"));
        x = llmg__vget(c, "cache_control");
        if (llmg__vtruthy(x)) llmg__vset(rq, o, "cache_control", x);
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("file")) || llmg_str_eq(type, llmg_str_c("image"))) {
        int file = type.len == 4 && type.ptr[0] == 'f';
        src = llmg__vobj(rq);
        llmg__vset(rq, src, "data", llmg__vget(c, "data"));
        llmg__vsetc(rq, src, "type", file ? "text" : "base64");
        llmg__vset(rq, src, "media_type", llmg__vget(c, "media_type"));
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", file ? "document" : "image");
        llmg__vset(rq, o, "source", src);
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("tool_use"))) return llmg__pick(rq, "tool_use", c, tool_use);
    if (llmg_str_eq(type, llmg_str_c("tool_result"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "tool_result");
        llmg__vset(rq, o, "tool_use_id", llmg__vget(c, "tool_use_id"));
        llmg__vset(rq, o, "content", llmg__map_items(rq, llmg__vget(c, "content"), llmg__block_anthropic));
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("server_tool_result"))) {
        llmg__v *name = llmg__vget(c, "name"), *native = NULL;
        llmg_str rt;
        o = llmg__vobj(rq);
        if (llmg__vtruthy(name) && !llmg__vis(name, "server_tool_result")) {
            native = name;
        } else {
            llmg__vs(rq, llmg__vget(llmg__vget(c, "content"), "type"), &rt);
            if (llmg_str_eq(rt, llmg_str_c("bash_code_execution_result")))
                native = llmg__vstrc(rq, "bash_code_execution_tool_result");
            else if (rt.len >= 34 && !memcmp(rt.ptr, "text_editor_code_execution_", 27) &&
                     !memcmp(rt.ptr + rt.len - 7, "_result", 7))
                native = llmg__vstrc(rq, "text_editor_code_execution_tool_result");
            else
                native = llmg__vtruthy(name) ? name : llmg__vstrc(rq, "server_tool_result");
        }
        llmg__vset(rq, o, "type", native);
        llmg__vset(rq, o, "tool_use_id", llmg__vget(c, "tool_use_id"));
        llmg__vset(rq, o, "content", llmg__vget(c, "content"));
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("thinking")) || llmg_str_eq(type, llmg_str_c("reasoning"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "thinking");
        llmg__vset(rq, o, "thinking", llmg__vget(c, "reasoning"));
        x = llmg__vget(c, "signature");
        if (x && !llmg__vis_null(x)) llmg__vset(rq, o, "signature", x);
        return o;
    }
    return c;
}

static llmg__v *llmg__block_chat(llmg__rq *rq, llmg__v *c)
{
    llmg_str type, data;
    llmg__v *o, *x, *mt;
    c = llmg__as_block(rq, c);
    type = llmg__vtype_of(rq, c);
    if (llmg_str_eq(type, llmg_str_c("text"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "text");
        llmg__vset(rq, o, "text", llmg__vget(c, "text"));
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("file"))) {
        mt = llmg__vget(c, "media_type");
        if (llmg__vis(mt, "text/plain")) mt = llmg__vstrc(rq, "application/pdf");
        x = llmg__vobj(rq);
        llmg__vset(rq, x, "filename", llmg__vget(c, "name"));
        data = llmg__base64_mime(rq, llmg__vtos(rq, llmg__vget(c, "data")));
        llmg__vset(rq, x, "file_data", llmg__vdata_url(rq, mt, data));
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "file");
        llmg__vset(rq, o, "file", x);
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("image"))) {
        x = llmg__vobj(rq);
        llmg__vset(rq, x, "url", llmg__vdata_url(rq, llmg__vget(c, "media_type"),
                                                 llmg__vtos(rq, llmg__vget(c, "data"))));
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "image_url");
        llmg__vset(rq, o, "image_url", x);
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("tool_use")) || llmg_str_eq(type, llmg_str_c("function"))) {
        x = llmg__vobj(rq);
        llmg__vset(rq, x, "name", llmg__vget(c, "name"));
        llmg__vset(rq, x, "arguments", llmg__vjson(rq, llmg__vget(c, "input")));
        o = llmg__vobj(rq);
        llmg__vset(rq, o, "id", llmg__vget(c, "id"));
        llmg__vsetc(rq, o, "type", "function");
        llmg__vset(rq, o, "function", x);
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("tool_result"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "role", "tool");
        llmg__vset(rq, o, "tool_call_id", llmg__vget(c, "tool_use_id"));
        llmg__vset(rq, o, "content", llmg__map_items(rq, llmg__vget(c, "content"), llmg__block_chat));
        return o;
    }
    return c;
}

static llmg__v *llmg__block_responses(llmg__rq *rq, llmg__v *c)
{
    static const char *const id_only[] = {"id", "id", NULL};
    llmg_str type;
    llmg__v *o;
    c = llmg__as_block(rq, c);
    type = llmg__vtype_of(rq, c);
    if (llmg_str_eq(type, llmg_str_c("text")) || llmg_str_eq(type, llmg_str_c("output_text"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "input_text");
        llmg__vset(rq, o, "text", llmg__vget(c, "text"));
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("image"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "input_image");
        llmg__vset(rq, o, "image_url", llmg__vdata_url(rq, llmg__vget(c, "media_type"),
                                                       llmg__vtos(rq, llmg__vget(c, "data"))));
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("message"))) {
        llmg__v *list = llmg__vget(c, "content");
        return llmg__vis_arr(list) ? llmg__map_content(rq, list, llmg__block_responses) : llmg__varr(rq);
    }
    if (llmg_str_eq(type, llmg_str_c("tool_use")) || llmg_str_eq(type, llmg_str_c("function_call")))
        return llmg__pick(rq, NULL, c, id_only);
    if (llmg_str_eq(type, llmg_str_c("tool_result"))) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "function_call_output");
        llmg__vset(rq, o, "call_id", llmg__vget(c, "tool_use_id"));
        llmg__vset(rq, o, "output", llmg__map_items(rq, llmg__vget(c, "content"), llmg__block_responses));
        return o;
    }
    if (llmg_str_eq(type, llmg_str_c("reasoning")) && llmg__vtruthy(llmg__vget(c, "id")))
        return llmg__pick(rq, NULL, c, id_only);
    return c;
}

/* ---------------------------------------------------------------- message mappers */

/* The messages as an array of objects; anything else is refused. */
static int llmg__rq_messages_ok(llmg__rq *rq, const llmg__v *msgs)
{
    const llmg__v *m;
    size_t i = 0;
    char num[24];
    if (!llmg__vis_arr(msgs)) {
        if (rq->st == LLMG_OK) {
            llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid messages"));
            llmg__rq_sayc(rq, "messages must be a string or an array of messages");
        }
        return 0;
    }
    for (m = msgs->head; m; m = m->next, i++) {
        size_t k = sizeof num - 1, x = i;
        if (llmg__vis_obj(m)) continue;
        llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid messages"));
        num[k] = '\0';
        do { num[--k] = (char)('0' + x % 10); x /= 10; } while (x);
        llmg__rq_sayc(rq, "message ");
        llmg__rq_sayc(rq, num + k);
        llmg__rq_sayc(rq, " is not an object");
        return 0;
    }
    return 1;
}

/* {role (developer -> user), content: mapped list}: Anthropic and Chat. */
static llmg__v *llmg__message_basic(llmg__rq *rq, llmg__v *m, llmg__v *(*fn)(llmg__rq *, llmg__v *))
{
    llmg__v *o = llmg__vobj(rq), *role = llmg__vget(m, "role");
    if (llmg__vis(role, "developer")) role = llmg__vstrc(rq, "user");
    llmg__vset(rq, o, "role", role);
    llmg__vset(rq, o, "content", llmg__map_content(rq, llmg__vget(m, "content"), fn));
    return o;
}

static llmg__v *llmg__messages_anthropic(llmg__rq *rq, llmg__v *msgs)
{
    llmg__v *out = llmg__varr(rq), *m;
    for (m = msgs ? msgs->head : NULL; m; m = m->next)
        llmg__vpush(rq, out, llmg__message_basic(rq, m, llmg__block_anthropic));
    return out;
}

/* Chat Completions: tool results become role "tool" messages after their
   message, tool calls its tool_calls; content null when nothing else. */
static llmg__v *llmg__messages_chat(llmg__rq *rq, llmg__v *msgs)
{
    llmg__v *out = llmg__varr(rq), *m;
    for (m = msgs ? msgs->head : NULL; m; m = m->next) {
        llmg__v *mm = llmg__message_basic(rq, m, llmg__block_chat);
        llmg__v *calls = llmg__varr(rq), *regular = llmg__varr(rq), *tools = llmg__varr(rq), *c;
        llmg__v *content = llmg__vget(mm, "content");
        if (!content || !calls || !regular || !tools) return NULL;
        for (c = content->head; c; c = c->next) {
            llmg__v *k = llmg__vget(c, "type");
            if (!llmg__vtruthy(k)) k = llmg__vget(c, "role");
            llmg__vpush(rq, llmg__vis(k, "tool") ? tools : llmg__vis(k, "function") ? calls : regular, c);
        }
        if (calls->n || regular->n) {
            if (!llmg__vtruthy(llmg__vget(mm, "role"))) llmg__vsetc(rq, mm, "role", "assistant");
            if (calls->n) llmg__vset(rq, mm, "tool_calls", calls);
            llmg__vset(rq, mm, "content", regular->n ? regular : NULL);
            llmg__vpush(rq, out, mm);
        }
        for (c = tools->head; c; c = c->next) llmg__vpush(rq, out, c);
    }
    return out;
}

/* Groq, before the Chat mapping: file blocks become text. */
static llmg__v *llmg__groq_files(llmg__rq *rq, llmg__v *msgs)
{
    llmg__v *out = llmg__varr(rq), *m;
    for (m = msgs ? msgs->head : NULL; m; m = m->next) {
        llmg__v *content = llmg__vget(m, "content"), *nc, *b;
        int any = 0;
        if (llmg__vis_arr(content))
            for (b = content->head; b; b = b->next) any |= llmg__vtype_is(b, "file");
        if (!any) {
            llmg__vpush(rq, out, m);
            continue;
        }
        nc = llmg__varr(rq);
        for (b = content->head; b; b = b->next) {
            llmg__v *t, *x;
            if (!llmg__vtype_is(b, "file")) {
                llmg__vpush(rq, nc, b);
                continue;
            }
            t = llmg__vget(b, "text");
            if (llmg__vblank(rq, t))
                t = llmg__vcat(rq, llmg_str_c("[File: "), llmg__vtos(rq, llmg__vget(b, "name")),
                               llmg_str_c("]"), llmg_str_c(""));
            x = llmg__vobj(rq);
            llmg__vsetc(rq, x, "type", "text");
            llmg__vset(rq, x, "text", t);
            llmg__vpush(rq, nc, x);
        }
        llmg__vpush(rq, out, llmg__vmerge(rq, m, "content", nc));
    }
    return out;
}

/* Groq, after the Chat mapping: an assistant message's reasoning blocks
   become its "reasoning" field. */
static void llmg__groq_reasoning(llmg__rq *rq, llmg__v *msgs)
{
    llmg__v *m;
    for (m = msgs ? msgs->head : NULL; m; m = m->next) {
        llmg__v *content = llmg__vget(m, "content"), *keep, *b;
        llmg_buf j;
        int found = 0;
        if (!llmg__vis(llmg__vget(m, "role"), "assistant") || !llmg__vis_arr(content)) continue;
        keep = llmg__varr(rq);
        memset(&j, 0, sizeof j);
        for (b = content->head; b; b = b->next) {
            llmg__v *t;
            if (!llmg__vtype_is(b, "reasoning") && !llmg__vtype_is(b, "thinking")) {
                llmg__vpush(rq, keep, b);
                continue;
            }
            found = 1;
            t = llmg__vget(b, "reasoning");
            if (!llmg__vtruthy(t)) t = llmg__vget(b, "thinking");
            if (llmg__vtruthy(t)) {
                llmg_str s = llmg__vtos(rq, t);
                if (j.len || j.ptr) llmg__rb_put(rq, &j, "\n", 1);
                llmg__rb_put(rq, &j, s.ptr, s.len);
            }
        }
        if (found && keep) {
            llmg__vset(rq, m, "content", keep->n ? keep : NULL);
            if (j.len) llmg__vset(rq, m, "reasoning", llmg__vstr(rq, llmg__rq_dup(rq, j.ptr, j.len)));
        }
        llmg_buf_free(&j, &rq->a);
    }
}

/* Responses: appends items to out, arrays inside spliced (Ruby's flatten). */
static void llmg__push_flat(llmg__rq *rq, llmg__v *out, llmg__v *item)
{
    llmg__v *c;
    if (!llmg__vis_arr(item)) {
        llmg__vpush(rq, out, item);
        return;
    }
    for (c = item->head; c; c = c->next) llmg__push_flat(rq, out, c);
}

/* {type:"function_call", call_id, name, arguments}: arguments the compact
   JSON of the input ("{}" for none). */
static llmg__v *llmg__function_call(llmg__rq *rq, llmg__v *call_id, llmg__v *name, llmg__v *args,
                                    int compact)
{
    llmg__v *o = llmg__vobj(rq);
    llmg__vsetc(rq, o, "type", "function_call");
    if (!compact || llmg__vtruthy(call_id)) llmg__vset(rq, o, "call_id", call_id);
    if (!compact || llmg__vtruthy(name)) llmg__vset(rq, o, "name", name);
    llmg__vset(rq, o, "arguments", args);
    return o;
}

static llmg__v *llmg__messages_responses(llmg__rq *rq, llmg__v *msgs)
{
    llmg__v *out = llmg__varr(rq), *m;
    for (m = msgs ? msgs->head : NULL; m; m = m->next) {
        llmg__v *id = llmg__vget(m, "id"), *content = llmg__vget(m, "content"), *b, *o;
        if (llmg__vtruthy(id) && llmg__vis_arr(content)) {          /* assistant history */
            for (b = content->head; b; b = b->next) {
                if (llmg__vtype_is(b, "text")) {
                    llmg__v *part = llmg__vobj(rq), *list = llmg__varr(rq);
                    llmg__vsetc(rq, part, "type", "output_text");
                    llmg__vset(rq, part, "text", llmg__vget(b, "text"));
                    llmg__vpush(rq, list, part);
                    o = llmg__vobj(rq);
                    llmg__vsetc(rq, o, "role", "assistant");
                    llmg__vset(rq, o, "content", list);
                    llmg__vpush(rq, out, o);
                } else if (llmg__vtype_is(b, "tool_use")) {
                    llmg__v *in = llmg__vget(b, "input");
                    llmg__v *args = llmg__vjson(rq, llmg__vtruthy(in) ? in : llmg__vobj(rq));
                    llmg__vpush(rq, out, llmg__function_call(rq, llmg__vget(b, "id"), llmg__vget(b, "name"),
                                                             args, 0));
                } else if (llmg__vtype_is(b, "server_tool_use")) {
                    llmg__v *in = llmg__vget(b, "input"), *k;
                    o = llmg__vobj(rq);
                    llmg__vset(rq, o, "id", llmg__vget(b, "id"));
                    llmg__vset(rq, o, "type", llmg__vget(b, "name"));
                    llmg__vsetc(rq, o, "status", "completed");
                    if (llmg__vis_obj(in)) {
                        for (k = in->head; k; k = k->next) llmg__vsetk(rq, o, k->key, k);
                    }
                    llmg__vpush(rq, out, o);
                }
            }
        } else if (llmg__vtruthy(id)) {
            o = llmg__vobj(rq);
            llmg__vset(rq, o, "id", id);
            llmg__vpush(rq, out, o);
        } else {
            llmg__v *list = llmg__map_content(rq, content, llmg__block_responses);
            if (llmg__vis_arr(content) && content->head && llmg__vtype_is(content->head, "tool_result")) {
                for (b = list ? list->head : NULL; b; b = b->next) llmg__push_flat(rq, out, b);
                continue;
            }
            o = llmg__vobj(rq);
            llmg__vset(rq, o, "role", llmg__vget(m, "role"));
            llmg__vset(rq, o, "content", list);
            llmg__vpush(rq, out, o);
        }
    }
    {                                                            /* the client's input.flatten */
        llmg__v *flat = llmg__varr(rq);
        for (m = out ? out->head : NULL; m; m = m->next) llmg__push_flat(rq, flat, m);
        return flat;
    }
}

/* Codex: every object typed reasoning or summary_text, or thinking without
   a signature, removed from the whole tree, and so is every null. */
static llmg__v *llmg__codex_strip(llmg__rq *rq, llmg__v *v)
{
    llmg__v *out, *c;
    if (llmg__vis_obj(v)) {
        llmg__v *sig;
        if (llmg__vtype_is(v, "reasoning") || llmg__vtype_is(v, "summary_text")) return NULL;
        sig = llmg__vget(v, "signature");
        if (llmg__vtype_is(v, "thinking") && (!sig || llmg__vis_null(sig))) return NULL;
    } else if (!llmg__vis_arr(v)) {
        return v && !llmg__vis_null(v) ? v : NULL;
    }
    out = llmg__vnew(rq, v->kind);
    for (c = v->head; c && out; c = c->next) {
        llmg__v *x = llmg__codex_strip(rq, c);
        if (!x) continue;
        if (v->kind == LLMG__V_ARR) llmg__vpush(rq, out, x);
        else llmg__vsetk(rq, out, c->key, x);
    }
    return out;
}

/* Codex tool output: always a list of input_text / input_image items. */
static llmg__v *llmg__codex_output(llmg__rq *rq, llmg__v *output)
{
    llmg__v *out = llmg__varr(rq), *list = output, *c;
    if (llmg__vis_obj(output)) {                  /* Array(hash): [key, value] pairs */
        list = llmg__varr(rq);
        for (c = output->head; c; c = c->next) {
            llmg__v *pair = llmg__varr(rq);
            llmg__vpush(rq, pair, llmg__vstr(rq, c->key));
            llmg__vpush(rq, pair, c);
            llmg__vpush(rq, list, pair);
        }
    } else if (!llmg__vis_arr(output)) {
        list = llmg__varr(rq);
        if (output && !llmg__vis_null(output)) llmg__vpush(rq, list, output);
    }
    for (c = list ? list->head : NULL; c; c = c->next) {
        llmg__v *o = llmg__vobj(rq);
        if (llmg__vis_obj(c)) {
            llmg__v *t = llmg__vget(c, "type");
            if (llmg__vis(t, "text") || llmg__vis(t, "input_text") || llmg__vis(t, "output_text")) {
                llmg__vsetc(rq, o, "type", "input_text");
                llmg__vset(rq, o, "text", llmg__vstr(rq, llmg__vtos(rq, llmg__vget(c, "text"))));
            } else if (llmg__vis(t, "image") || llmg__vis(t, "input_image")) {
                llmg__v *url = llmg__vget(c, "image_url"), *mt = llmg__vget(c, "mimeType");
                if (!llmg__vtruthy(mt)) mt = llmg__vget(c, "media_type");
                if (!llmg__vtruthy(mt)) mt = llmg__vstrc(rq, "image/png");
                if (!llmg__vtruthy(url)) url = llmg__vdata_url(rq, mt, llmg__vtos(rq, llmg__vget(c, "data")));
                llmg__vsetc(rq, o, "type", "input_image");
                llmg__vset(rq, o, "image_url", url);
            } else {
                o = c;
            }
        } else if (llmg__vis_arr(c)) {                           /* a [key, value] pair */
            llmg_buf b;
            memset(&b, 0, sizeof b);
            llmg__rb_put(rq, &b, "[", 1);
            llmg__rb_inspect(rq, &b, c->head, 1);
            llmg__rb_put(rq, &b, ", ", 2);
            llmg__rb_inspect(rq, &b, c->head ? c->head->next : NULL, 0);
            llmg__rb_put(rq, &b, "]", 1);
            llmg__vsetc(rq, o, "type", "input_text");
            llmg__vset(rq, o, "text", llmg__vstr(rq, llmg__rq_dup(rq, b.ptr ? b.ptr : "", b.len)));
            llmg_buf_free(&b, &rq->a);
        } else {
            llmg__vsetc(rq, o, "type", "input_text");
            llmg__vset(rq, o, "text", llmg__vstr(rq, llmg__vtos(rq, c)));
        }
        llmg__vpush(rq, out, o);
    }
    return out;
}

/* Codex: an assistant turn's text parts in one assistant item placed
   first, then its function calls and signed reasoning items. */
static void llmg__codex_assistant(llmg__rq *rq, llmg__v *out, llmg__v *content)
{
    llmg__v *parts = llmg__varr(rq), *items = llmg__varr(rq), *p, *o;
    if (!parts || !items) return;
    for (p = content->head; p; p = p->next) {
        if (!llmg__vis_obj(p)) continue;
        if (llmg__vtype_is(p, "tool_use") || llmg__vtype_is(p, "function_call")) {
            llmg__v *id = llmg__vget(p, "id"), *args = llmg__vget(p, "input");
            if (!llmg__vtruthy(id)) id = llmg__vget(p, "call_id");
            if (!llmg__vtruthy(args)) args = llmg__vget(p, "arguments");
            if (!llmg__vtruthy(args)) args = llmg__vobj(rq);
            if (llmg__vtype(args) != LLMG_JSON_STRING) args = llmg__vjson(rq, args);
            llmg__vpush(rq, items, llmg__function_call(rq, id, llmg__vget(p, "name"), args, 1));
        } else if (llmg__vtype_is(p, "thinking")) {
            llmg_str sig;
            int absent;
            if (!llmg__vs(rq, llmg__vget(p, "signature"), &sig) || !sig.len) continue;
            /* the signature is the reasoning item's JSON; a bad one is dropped */
            llmg__vpush(rq, items, llmg__rq_parse(rq, sig, "signature", &absent, 1));
        } else if (llmg__vtype_is(p, "text") || llmg__vtype_is(p, "input_text") ||
                   llmg__vtype_is(p, "output_text")) {
            o = llmg__vobj(rq);
            llmg__vsetc(rq, o, "type", "output_text");
            llmg__vset(rq, o, "text", llmg__vstr(rq, llmg__vtos(rq, llmg__vget(p, "text"))));
            llmg__vpush(rq, parts, o);
        } else {
            llmg__vpush(rq, parts, llmg__block_responses(rq, p));
        }
    }
    if (parts->n) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "role", "assistant");
        llmg__vset(rq, o, "content", parts);
        llmg__vpush(rq, out, o);
    }
    for (p = items->head; p; p = p->next) llmg__vpush(rq, out, p);
}

static llmg__v *llmg__messages_codex(llmg__rq *rq, llmg__v *msgs)
{
    llmg__v *out = llmg__varr(rq), *m, *stripped = llmg__codex_strip(rq, msgs), *final;
    for (m = stripped ? stripped->head : NULL; m; m = m->next) {
        llmg__v *role = llmg__vget(m, "role"), *content = llmg__vget(m, "content"), *o, *p;
        if (!llmg__vis_obj(m)) continue;
        if ((llmg__vis(role, "user") || llmg__vis(role, "developer")) && llmg__vis_arr(content) &&
            content->head && llmg__vtype_is(content->head, "tool_result")) {
            for (p = content->head; p; p = p->next) {
                llmg__v *x = p;
                if (llmg__vtype_is(p, "tool_result"))
                    x = llmg__vmerge(rq, p, "content", llmg__codex_output(rq, llmg__vget(p, "content")));
                llmg__vpush(rq, out, llmg__block_responses(rq, x));
            }
            continue;
        }
        if (llmg__vis(role, "assistant") && llmg__vis_arr(content)) {
            llmg__codex_assistant(rq, out, content);
            continue;
        }
        o = llmg__vobj(rq);
        llmg__vset(rq, o, "role", role);
        llmg__vset(rq, o, "content", llmg__map_content(rq, content, llmg__block_responses));
        llmg__vpush(rq, out, o);
    }
    final = llmg__varr(rq);                      /* assistant items say output_text */
    for (m = out ? out->head : NULL; m && final; m = m->next) {
        llmg__v *content = llmg__vget(m, "content"), *nc, *p;
        if (!llmg__vis_obj(m) || !llmg__vis(llmg__vget(m, "role"), "assistant") || !llmg__vis_arr(content)) {
            llmg__vpush(rq, final, m);
            continue;
        }
        nc = llmg__varr(rq);
        for (p = content->head; p; p = p->next)
            llmg__vpush(rq, nc, llmg__vtype_is(p, "input_text")
                                    ? llmg__vmerge(rq, p, "type", llmg__vstrc(rq, "output_text")) : p);
        llmg__vpush(rq, final, llmg__vmerge(rq, m, "content", nc));
    }
    return final;
}

/* ---------------------------------------------------------------- tools and system */

/* Chat: {type:"function", function:{name, description, parameters}}. */
static llmg__v *llmg__tools_chat(llmg__rq *rq, llmg__v *tools)
{
    static const char *const fn[] = {"name", "name", "description", "description",
                                     "parameters", "input_schema", NULL};
    llmg__v *out, *t, *o;
    if (!llmg__vis_arr(tools)) return tools;
    out = llmg__varr(rq);
    for (t = tools->head; t; t = t->next) {
        o = llmg__vobj(rq);
        llmg__vsetc(rq, o, "type", "function");
        llmg__vset(rq, o, "function", llmg__pick(rq, NULL, t, fn));
        llmg__vpush(rq, out, o);
    }
    return out;
}

/* Responses: server tools (no name) as they are; others as functions. */
static llmg__v *llmg__tools_responses(llmg__rq *rq, llmg__v *tools)
{
    static const char *const fn[] = {"name", "name", "description", "description",
                                     "parameters", "input_schema", NULL};
    static const char *const lists[] = {"contents", "content"};
    llmg__v *out, *t;
    size_t k;
    if (!llmg__vis_arr(tools)) return tools;
    out = llmg__varr(rq);
    for (t = tools->head; t; t = t->next) {
        llmg__v *o;
        if (!llmg__vtruthy(llmg__vget(t, "name"))) {
            llmg__vpush(rq, out, t);
            continue;
        }
        o = llmg__pick(rq, "function", t, fn);
        for (k = 0; k < 2; k++) {
            llmg__v *l = llmg__vget(t, lists[k]);
            if (llmg__vis_arr(l)) llmg__vset(rq, o, lists[k], llmg__map_items(rq, l, llmg__block_responses));
        }
        llmg__vpush(rq, out, o);
    }
    return out;
}

/* System entries with role "system" given role to (Chat: developer). */
static llmg__v *llmg__system_roles(llmg__rq *rq, llmg__v *sys, const char *from, const char *to)
{
    llmg__v *out = llmg__varr(rq), *s;
    for (s = sys ? sys->head : NULL; s; s = s->next)
        llmg__vpush(rq, out, llmg__vis(llmg__vget(s, "role"), from)
                                 ? llmg__vmerge(rq, s, "role", llmg__vstrc(rq, to)) : s);
    return out;
}

/* ---------------------------------------------------------------- options (spec §4) */

static const char *const llmg__opts_anthropic[] = {
    "max_tokens", "model", "cache_control", "cache_retention", "container", "inference_geo",
    "metadata", "output_config", "service_tier", "stop_sequences", "stream", "temperature",
    "thinking", "top_k", "top_p", NULL
};
static const char *const llmg__opts_chat[] = {
    "model", "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
    "max_completion_tokens", "max_tokens", "metadata", "modalities", "n", "parallel_tool_calls",
    "prediction", "presence_penalty", "prompt_cache_key", "prompt_cache_retention",
    "reasoning_effort", "response_format", "safety_identifier", "seed", "service_tier", "stop",
    "store", "stream", "stream_options", "temperature", "tool_choice", "top_logprobs", "top_p",
    "user", "verbosity", "web_search_options", NULL
};
static const char *const llmg__opts_responses[] = {
    "background", "context_management", "conversation", "include", "max_output_tokens",
    "max_tool_calls", "metadata", "model", "parallel_tool_calls", "previous_response_id", "prompt",
    "prompt_cache_key", "prompt_cache_retention", "reasoning", "safety_identifier", "service_tier",
    "store", "stream", "stream_options", "temperature", "text", "tool_choice", "top_logprobs",
    "top_p", "truncation", "user", NULL
};
static const char *const llmg__opts_groq[] = {
    "model", "citation_options", "compound_custom", "disable_tool_validation", "documents",
    "exclude_domains", "frequency_penalty", "function_call", "functions", "include_domains",
    "include_reasoning", "logit_bias", "logprobs", "max_completion_tokens", "max_tokens", "metadata",
    "n", "parallel_tool_calls", "presence_penalty", "reasoning_effort", "reasoning_format",
    "response_format", "search_settings", "seed", "service_tier", "stop", "store", "stream",
    "stream_options", "temperature", "tool_choice", "top_logprobs", "top_p", "user", NULL
};

static int llmg__in_list(llmg_str key, const char *const *list)
{
    for (; *list; list++)
        if (llmg_str_eq(key, llmg_str_c(*list))) return 1;
    return 0;
}

/* Unknown <api> options: a, b. Valid options: ... */
static void llmg__options_check(llmg__rq *rq, const llmg__v *opts, const char *api,
                                const char *const *valid)
{
    const llmg__v *c;
    int n = 0;
    if (rq->st != LLMG_OK) return;
    for (c = opts ? opts->head : NULL; c; c = c->next) {
        if (llmg__in_list(c->key, valid)) continue;
        if (!n++) {
            llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: unknown option"));
            llmg__rq_sayc(rq, "Unknown ");
            llmg__rq_sayc(rq, api);
            llmg__rq_sayc(rq, " options: ");
        } else {
            llmg__rq_sayc(rq, ", ");
        }
        llmg__rq_say(rq, c->key);
    }
    if (!n) return;
    llmg__rq_sayc(rq, ". Valid options: ");
    for (; *valid; valid++) {
        llmg__rq_sayc(rq, *valid);
        llmg__rq_sayc(rq, valid[1] ? ", " : ".");
    }
}

/* The reasoning level's index in levels, or a refusal in the gem's words. */
static int llmg__reasoning_level(llmg__rq *rq, const llmg__v *r, const char *const *levels,
                                 const char *use)
{
    llmg_str s = llmg__vtos(rq, r);
    int i;
    for (i = 0; levels[i]; i++)
        if (llmg_str_eq(s, llmg_str_c(levels[i]))) return i;
    llmg__rq_refuse(rq, LLMG__MSG("request: invalid reasoning"), "Invalid reasoning '", r, use);
    return -1;
}

static const char *const llmg__levels[] = {"low", "medium", "high", "xhigh", NULL};
static const char llmg__levels_use[] = "'. Use 'none', 'low', 'medium', 'high', or 'xhigh'.";

/* reasoning given and not "none". */
static int llmg__reasoning_on(llmg__rq *rq, const llmg__v *r)
{
    return r && !llmg__vis_null(r) && !llmg_str_eq(llmg__vtos(rq, r), llmg_str_c("none"));
}

/* options[key] || default integer. */
static llmg__v *llmg__or_int(llmg__rq *rq, llmg__v *v, int64_t dflt)
{
    return llmg__vtruthy(v) ? v : llmg__vint(rq, dflt);
}

static llmg__v *llmg__options_anthropic(llmg__rq *rq, llmg__v *in)
{
    static const char *const managed[] = {"reasoning", "max_completion_tokens", "response_format",
                                          "cache_key", "prompt_cache_key", "prompt_cache_retention", NULL};
    static const int64_t budget[] = {1024, 5120, 10240, 20480};
    llmg__v *o = llmg__vcopy(rq, in), *rf = llmg__vget(in, "response_format"), *r = llmg__vget(in, "reasoning");
    size_t k;
    for (k = 0; managed[k]; k++) llmg__vdel(o, managed[k]);
    llmg__vset(rq, o, "max_tokens", llmg__or_int(rq, llmg__vget(in, "max_completion_tokens"), 20480));
    if (rf && !llmg__vis_null(rf)) {
        llmg__v *t = llmg__vis_obj(rf) ? llmg__vget(rf, "type") : rf, *oc = llmg__vobj(rq);
        int json = llmg__vis(t, "json_object") || llmg__vis(t, "json_schema");
        llmg__vsetc(rq, oc, "format", json ? "json_schema" : "text");
        llmg__vset(rq, o, "output_config", oc);
    }
    if (llmg__reasoning_on(rq, r)) {
        int i = llmg__reasoning_level(rq, r, llmg__levels, llmg__levels_use);
        llmg__v *th = llmg__vobj(rq);
        if (i < 0) return NULL;
        llmg__vsetc(rq, th, "type", "enabled");
        llmg__vset(rq, th, "budget_tokens", llmg__vint(rq, budget[i]));
        llmg__vset(rq, o, "thinking", th);
    }
    llmg__options_check(rq, o, "Anthropic Messages", llmg__opts_anthropic);
    return o;
}

/* prompt_cache_key and prompt_cache_retention from cache_key and
   cache_retention (Chat Completions and Responses). */
static void llmg__options_prompt_cache(llmg__rq *rq, llmg__v *o, llmg__v *in)
{
    llmg__v *key = llmg__vget(in, "cache_key"), *ret = llmg__vget(in, "cache_retention");
    int none = 0;
    if (key && !llmg__vis_null(key)) llmg__vset(rq, o, "prompt_cache_key", key);
    if (ret && !llmg__vis_null(ret)) {
        llmg_str s = llmg__vtos(rq, ret);
        none = llmg_str_eq(s, llmg_str_c("none"));
        if (llmg_str_eq(s, llmg_str_c("short"))) llmg__vsetc(rq, o, "prompt_cache_retention", "in_memory");
        else if (llmg_str_eq(s, llmg_str_c("long"))) llmg__vsetc(rq, o, "prompt_cache_retention", "24h");
        else if (none) llmg__vset(rq, o, "prompt_cache_retention", NULL);
        else llmg__rq_refuse(rq, LLMG__MSG("request: invalid cache_retention"), "Invalid cache_retention '",
                             ret, "'. Use 'short', 'long', or 'none'.");
    }
    if (llmg__vtruthy(llmg__vget(o, "prompt_cache_key")) &&
        !llmg__vtruthy(llmg__vget(o, "prompt_cache_retention")))
        llmg__vsetc(rq, o, "prompt_cache_retention", "in_memory");
    if (none) {
        llmg__vdel(o, "prompt_cache_key");
        llmg__vdel(o, "prompt_cache_retention");
    }
}

static llmg__v *llmg__options_chat(llmg__rq *rq, llmg__v *in)
{
    llmg__v *o = llmg__vcopy(rq, in), *r = llmg__vget(in, "reasoning");
    llmg__vdel(o, "reasoning");
    llmg__vdel(o, "cache_key");
    llmg__vdel(o, "cache_retention");
    llmg__vset(rq, o, "max_completion_tokens", llmg__or_int(rq, llmg__vget(in, "max_completion_tokens"), 20480));
    llmg__options_prompt_cache(rq, o, in);
    if (llmg__reasoning_on(rq, r) && llmg__reasoning_level(rq, r, llmg__levels, llmg__levels_use) >= 0)
        llmg__vset(rq, o, "reasoning_effort", llmg__vstr(rq, llmg__vtos(rq, r)));
    llmg__options_check(rq, o, "OpenAI Chat Completions", llmg__opts_chat);
    return o;
}

static llmg__v *llmg__options_responses(llmg__rq *rq, llmg__v *in)
{
    llmg__v *o = llmg__vcopy(rq, in), *rf = llmg__vget(in, "response_format"), *r, *mot;
    llmg__vdel(o, "max_completion_tokens");
    llmg__vdel(o, "response_format");
    llmg__vdel(o, "cache_key");
    llmg__vdel(o, "cache_retention");
    mot = llmg__vget(in, "max_completion_tokens");
    if (!llmg__vtruthy(mot)) mot = llmg__vget(in, "max_output_tokens");
    llmg__vset(rq, o, "max_output_tokens", llmg__or_int(rq, mot, 20480));
    llmg__options_prompt_cache(rq, o, in);
    if (rf && !llmg__vis_null(rf)) {
        llmg__v *text = llmg__vget(o, "text"), *fmt = rf;
        text = llmg__vis_obj(text) ? llmg__vcopy(rq, text) : llmg__vobj(rq);
        if (llmg__vtype(rf) == LLMG_JSON_STRING) {
            fmt = llmg__vobj(rq);
            llmg__vset(rq, fmt, "type", rf);
        }
        llmg__vset(rq, text, "format", fmt);
        llmg__vset(rq, o, "text", text);
    }
    r = llmg__vdel(o, "reasoning");
    if (llmg__reasoning_on(rq, r) && llmg__reasoning_level(rq, r, llmg__levels, llmg__levels_use) >= 0) {
        llmg__v *x = llmg__vobj(rq);
        llmg__vset(rq, x, "effort", llmg__vstr(rq, llmg__vtos(rq, r)));
        llmg__vsetc(rq, x, "summary", "detailed");
        llmg__vset(rq, o, "reasoning", x);
    }
    llmg__options_check(rq, o, "OpenAI Responses", llmg__opts_responses);
    return o;
}

static llmg__v *llmg__options_codex(llmg__rq *rq, llmg__v *in)
{
    static const char *const drop[] = {"max_output_tokens", "max_completion_tokens",
                                       "prompt_cache_retention", "cacheRetention", "cache_retention", NULL};
    llmg__v *o = llmg__options_responses(rq, in);
    size_t k;
    for (k = 0; drop[k]; k++) llmg__vdel(o, drop[k]);
    return o;
}

static llmg__v *llmg__options_groq(llmg__rq *rq, llmg__v *in)
{
    static const char *const levels[] = {"default", "low", "medium", "high", NULL};
    llmg__v *o = llmg__vcopy(rq, in), *r = llmg__vget(in, "reasoning"), *rf;
    llmg__vdel(o, "reasoning");
    llmg__vdel(o, "cache_key");
    llmg__vdel(o, "cache_retention");
    if (!llmg__vget(in, "temperature")) llmg__vset(rq, o, "temperature", llmg__vint(rq, 0));
    llmg__vset(rq, o, "max_completion_tokens", llmg__or_int(rq, llmg__vget(in, "max_completion_tokens"), 20480));
    rf = llmg__vget(in, "response_format");
    if (!llmg__vtruthy(rf)) rf = llmg__vstrc(rq, "text");
    if (llmg__vtype(rf) == LLMG_JSON_STRING) {
        llmg__v *x = llmg__vobj(rq);
        llmg__vset(rq, x, "type", rf);
        rf = x;
    }
    llmg__vset(rq, o, "response_format", rf);
    if (llmg__reasoning_on(rq, r) &&
        llmg__reasoning_level(rq, r, levels, "'. Use 'none', 'default', 'low', 'medium', or 'high'.") >= 0) {
        llmg__vset(rq, o, "reasoning_effort", llmg__vstr(rq, llmg__vtos(rq, r)));
        llmg__vsetc(rq, o, "reasoning_format", "parsed");
    }
    llmg__options_check(rq, o, "Groq Chat Completions", llmg__opts_groq);
    return o;
}

/* ---------------------------------------------------------------- bodies (spec §3) */

/* Ruby's body.merge!(options): each option set in turn. */
static void llmg__vmerge_all(llmg__rq *rq, llmg__v *body, const llmg__v *opts)
{
    const llmg__v *c;
    for (c = opts ? opts->head : NULL; c; c = c->next)
        llmg__vsetk(rq, body, c->key, (llmg__v *)c);
}

/* Anthropic's cache control for a retention: NULL for none. */
static llmg__v *llmg__anthropic_cache(llmg__rq *rq, const llmg__v *ret, int official)
{
    llmg__v *cc;
    llmg_str s;
    if (!ret || llmg__vis_null(ret)) return NULL;
    s = llmg__vtos(rq, ret);
    if (llmg_str_eq(s, llmg_str_c("none"))) return NULL;
    cc = llmg__vobj(rq);
    llmg__vsetc(rq, cc, "type", "ephemeral");
    if (official && llmg_str_eq(s, llmg_str_c("long"))) llmg__vsetc(rq, cc, "ttl", "1h");
    return cc;
}

/* The last object of list gets cache_control cc, the others lose theirs. */
static llmg__v *llmg__cache_last(llmg__rq *rq, llmg__v *list, llmg__v *cc)
{
    llmg__v *out, *c;
    if (!cc || !llmg__vis_arr(list) || !list->n) return list;
    out = llmg__varr(rq);
    for (c = list->head; c; c = c->next) {
        llmg__v *d = llmg__vis_obj(c) ? llmg__vcopy(rq, c) : c;
        if (llmg__vis_obj(c)) {
            if (c->next) llmg__vdel(d, "cache_control");
            else llmg__vset(rq, d, "cache_control", cc);
        }
        llmg__vpush(rq, out, d);
    }
    return out;
}

/* ---------------------------------------------------------------- the build */

static const char *const llmg__base_urls[] = {
    "", "https://api.anthropic.com", "https://api.openai.com/v1", "https://api.openai.com/v1",
    "https://chatgpt.com/backend-api/codex", "https://api.groq.com/openai/v1"
};
static const char *const llmg__paths[] = {
    "", "/v1/messages", "/chat/completions", "/responses", "/responses", "/chat/completions"
};
static const char *const llmg__default_models[] = {
    "", "claude-3-7-sonnet-20250219", "gpt-4o", "gpt-4o", "gpt-4o", "openai/gpt-oss-120b"
};

LLMG_API const char *llmg_provider_base_url(llmg_provider p)
{
    return (int)p > 0 && (int)p < LLMG__PROVIDER_COUNT ? llmg__base_urls[p] : "";
}

LLMG_API const char *llmg_provider_default_model(llmg_provider p)
{
    return (int)p > 0 && (int)p < LLMG__PROVIDER_COUNT ? llmg__default_models[p] : "";
}

LLMG_API llmg_request_opts llmg_request_opts_resolved(const llmg_request_opts *in)
{
    llmg_request_opts o;
    if (in) o = *in;
    else memset(&o, 0, sizeof o);
    o.max_json_depth = LLMG__DEF(o.max_json_depth, 512);
    o.max_body_bytes = LLMG__DEF(o.max_body_bytes, (size_t)256 << 20);
    return o;
}

LLMG_API void llmg_request_init(llmg_request *req) { memset(req, 0, sizeof *req); }

LLMG_API void llmg_request_free(llmg_request *req)
{
    if (!req) return;
    if (req->_a.free_fn) {
        llmg_buf_free(&req->_body, &req->_a);
        llmg_buf_free(&req->_text, &req->_a);
        llmg__free(&req->_a, req->_hdr, req->_hcap * sizeof *req->_hdr);
    }
    memset(req, 0, sizeof *req);
}

/* The host of a URL ("https://host:port/path" -> "host"). */
static llmg_str llmg__url_host(llmg_str url)
{
    const char *p = url.ptr, *end = url.ptr + url.len, *q;
    for (q = p; q + 2 < end; q++)
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') { p = q + 3; break; }
    for (q = p; q < end && *q != '/' && *q != ':' && *q != '?' && *q != '#'; q++) {}
    url.ptr = p;
    url.len = (size_t)(q - p);
    return url;
}

/* One header: name and value appended to req->_text as NUL-terminated
   strings (views fixed once the text stops moving). */
typedef struct llmg__hdr_ref { size_t name, name_len, value, value_len; } llmg__hdr_ref;

static int llmg__hdr_bad(llmg_str s)
{
    size_t i;
    for (i = 0; i < s.len; i++)
        if (s.ptr[i] == '\r' || s.ptr[i] == '\n' || s.ptr[i] == '\0') return 1;
    return 0;
}

static llmg_status llmg__rq_build(llmg__rq *rq, llmg_request *req, const llmg_provider_config *cfg,
                                  const llmg_request_input *in)
{
    llmg_provider p = cfg->provider;
    llmg__v *msgs, *sys, *tools, *opts, *model, *body, *mapped = NULL, *mo = NULL, *x;
    llmg_str base = cfg->base_url, key = cfg->api_key, session;
    llmg_json_writer w;
    int absent, oauth = 0;
    size_t i, nh = 0;
    struct { const char *name; llmg_str value; } h[8];
    llmg__hdr_ref *refs;

    msgs = llmg__rq_parse(rq, in->messages, "messages", &absent, 0);
    if (absent && rq->st == LLMG_OK) {
        llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid messages"));
        llmg__rq_sayc(rq, "messages are required");
    }
    sys = llmg__rq_parse(rq, in->system, "system", &absent, 0);
    tools = llmg__rq_parse(rq, in->tools, "tools", &absent, 0);
    opts = llmg__rq_parse(rq, in->options, "options", &absent, 0);
    if (absent) opts = llmg__vobj(rq);
    if (rq->st != LLMG_OK) return rq->st;

    if (llmg__vtype(msgs) == LLMG_JSON_STRING) {                 /* one user message */
        llmg__v *m = llmg__vobj(rq);
        llmg__vsetc(rq, m, "role", "user");
        llmg__vset(rq, m, "content", msgs);
        msgs = llmg__varr(rq);
        llmg__vpush(rq, msgs, m);
    }
    if (!llmg__rq_messages_ok(rq, msgs)) return rq->st;
    switch (llmg__vtype(sys)) {
    case LLMG_JSON_NONE: case LLMG_JSON_NULL: sys = llmg__varr(rq); break;
    case LLMG_JSON_STRING: {
        llmg__v *s = llmg__vobj(rq);
        llmg__vsetc(rq, s, "role", "system");
        llmg__vset(rq, s, "content", sys);
        sys = llmg__varr(rq);
        llmg__vpush(rq, sys, s);
        break;
    }
    case LLMG_JSON_ARRAY: break;
    default: {                                   /* the Ruby class of what came */
        llmg_json_type t = llmg__vtype(sys);
        const char *c = t == LLMG_JSON_OBJECT ? "Hash" : t == LLMG_JSON_TRUE ? "TrueClass"
                      : t == LLMG_JSON_FALSE ? "FalseClass"
                      : sys->kind == LLMG__V_SRC && !llmg_json_is_int(sys->src) ? "Float" : "Integer";
        llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid system"));
        llmg__rq_sayc(rq, "System parameter must be a string or array, got ");
        llmg__rq_sayc(rq, c);
        return rq->st;
    }
    }
    if (llmg__vis_null(tools)) tools = NULL;
    if (tools && !llmg__vis_arr(tools)) {
        llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid tools"));
        llmg__rq_sayc(rq, "tools must be null or an array of tool definitions");
        return rq->st;
    }
    if (!llmg__vis_obj(opts)) {
        llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid options"));
        llmg__rq_sayc(rq, "options must be a JSON object");
        return rq->st;
    }

    /* sanitize, then map the input, then the options (the gem's order) */
    model = llmg__vget(opts, "model");
    if (llmg__vtruthy(model))
        msgs = llmg__sanitize(rq, msgs, model, p == LLMG_PROVIDER_OPENAI_COMPLETIONS ||
                                               p == LLMG_PROVIDER_GROQ_COMPLETIONS);
    if (!base.len) base = llmg_str_c(llmg__base_urls[p]);
    while (base.len && base.ptr[base.len - 1] == '/') base.len--;
    body = llmg__vobj(rq);
    llmg__vsetc(rq, body, "model", llmg__default_models[p]);
    session.ptr = "";
    session.len = 0;
    switch (p) {
    case LLMG_PROVIDER_ANTHROPIC_MESSAGES: {
        llmg__v *cc, *ret;
        oauth = key.len >= 10 && !memcmp(key.ptr, "sk-ant-oat", 10);
        mapped = llmg__messages_anthropic(rq, msgs);
        if (sys->n == 1 && llmg__vis(llmg__vget(sys->head, "role"), "system")) {
            llmg__v *s = llmg__vobj(rq), *one = llmg__varr(rq);
            llmg__vsetc(rq, s, "type", "text");
            llmg__vset(rq, s, "text", llmg__vget(sys->head, "content"));
            x = llmg__vget(sys->head, "cache_control");
            if (llmg__vtruthy(x)) llmg__vset(rq, s, "cache_control", x);
            llmg__vpush(rq, one, s);
            sys = one;
        }
        mo = llmg__options_anthropic(rq, opts);
        if (rq->st != LLMG_OK) return rq->st;
        ret = llmg__vdel(mo, "cache_retention");
        cc = llmg__anthropic_cache(rq, ret, llmg_str_eq(llmg__url_host(base), llmg_str_c("api.anthropic.com")));
        llmg__vset(rq, body, "messages", mapped);
        tools = llmg__cache_last(rq, tools, cc);
        if (tools && tools->n) llmg__vset(rq, body, "tools", tools);
        if (oauth) {
            llmg__v *id = llmg__vobj(rq), *s = llmg__varr(rq);
            llmg__vsetc(rq, id, "type", "text");
            llmg__vsetc(rq, id, "text", "You are Claude Code, Anthropic's official CLI for Claude.");
            llmg__vpush(rq, s, id);
            for (x = sys->head; x; x = x->next) llmg__vpush(rq, s, x);
            sys = s;
        }
        sys = llmg__cache_last(rq, sys, cc);
        if (sys && sys->n) llmg__vset(rq, body, "system", sys);
        if (cc) llmg__vset(rq, body, "cache_control", cc);
        llmg__vmerge_all(rq, body, mo);
        break;
    }
    case LLMG_PROVIDER_OPENAI_COMPLETIONS:
    case LLMG_PROVIDER_GROQ_COMPLETIONS: {
        int groq = p == LLMG_PROVIDER_GROQ_COMPLETIONS;
        llmg__v *all = llmg__varr(rq), *so;
        if (groq) msgs = llmg__groq_files(rq, msgs);
        mapped = llmg__messages_chat(rq, msgs);
        if (groq) llmg__groq_reasoning(rq, mapped);
        sys = llmg__system_roles(rq, sys, "system", "developer");
        if (groq) sys = llmg__system_roles(rq, sys, "developer", "system");
        tools = llmg__tools_chat(rq, tools);
        mo = groq ? llmg__options_groq(rq, opts) : llmg__options_chat(rq, opts);
        if (rq->st != LLMG_OK) return rq->st;
        for (x = sys ? sys->head : NULL; x; x = x->next) llmg__vpush(rq, all, x);
        for (x = mapped ? mapped->head : NULL; x; x = x->next) llmg__vpush(rq, all, x);
        llmg__vset(rq, body, "messages", all);
        if (groq) {
            llmg__vset(rq, body, "tools", tools);
            so = llmg__vobj(rq);
            llmg__vset(rq, so, "include_usage", llmg__vbool(rq, 1));
            llmg__vset(rq, body, "stream_options", so);
            llmg__vmerge_all(rq, body, mo);
        } else {
            if (tools) llmg__vset(rq, body, "tools", tools);
            llmg__vmerge_all(rq, body, mo);
            so = llmg__vget(body, "stream_options");
            so = llmg__vis_obj(so) ? llmg__vcopy(rq, so) : llmg__vobj(rq);
            llmg__vset(rq, so, "include_usage", llmg__vbool(rq, 1));
            llmg__vset(rq, body, "stream_options", so);
        }
        break;
    }
    case LLMG_PROVIDER_OPENAI_RESPONSES:
        mapped = llmg__messages_responses(rq, msgs);
        sys = llmg__system_roles(rq, sys, "system", "developer");
        tools = llmg__tools_responses(rq, tools);
        mo = llmg__options_responses(rq, opts);
        if (rq->st != LLMG_OK) return rq->st;
        llmg__vset(rq, body, "input", mapped);
        if (sys && sys->n) llmg__vset(rq, body, "instructions", llmg__vget(sys->head, "content"));
        if (tools) llmg__vset(rq, body, "tools", tools);
        llmg__vmerge_all(rq, body, mo);
        break;
    case LLMG_PROVIDER_OPENAI_CODEX: {
        llmg_buf j;
        llmg__v *inc;
        mapped = llmg__messages_codex(rq, msgs);
        sys = llmg__system_roles(rq, sys, "system", "developer");
        tools = llmg__tools_responses(rq, tools);
        mo = llmg__options_codex(rq, opts);
        if (rq->st != LLMG_OK) return rq->st;
        memset(&j, 0, sizeof j);
        for (x = sys ? sys->head : NULL; x; x = x->next) {
            llmg__v *t = llmg__vis_obj(x) ? llmg__vget(x, "content") : x;
            llmg_str s;
            if (!llmg__vtruthy(t)) continue;
            s = llmg__vtos(rq, t);
            if (j.ptr) llmg__rb_put(rq, &j, "\n", 1);
            llmg__rb_put(rq, &j, s.ptr, s.len);
        }
        if (llmg__is_blank(llmg_bstr(&j))) llmg__vsetc(rq, body, "instructions", "You are a helpful assistant.");
        else llmg__vset(rq, body, "instructions", llmg__vstr(rq, llmg__rq_dup(rq, j.ptr, j.len)));
        llmg_buf_free(&j, &rq->a);
        llmg__vset(rq, body, "input", mapped);
        llmg__vset(rq, body, "store", llmg__vbool(rq, 0));
        inc = llmg__varr(rq);
        llmg__vpush(rq, inc, llmg__vstrc(rq, "reasoning.encrypted_content"));
        llmg__vset(rq, body, "include", inc);
        llmg__vset(rq, body, "stream", llmg__vbool(rq, 1));
        if (tools) llmg__vset(rq, body, "tools", tools);
        llmg__vmerge_all(rq, body, mo);
        x = llmg__vdel(body, "prompt_cache_key");
        if (llmg__vtruthy(x)) session = llmg__vtos(rq, x);
        break;
    }
    default:
        break;
    }
    llmg__vset(rq, body, "stream", llmg__vbool(rq, 1));
    if (rq->st != LLMG_OK) return rq->st;

    /* the body */
    if (!llmg__rq_writer(rq, &w)) return rq->st;
    llmg__vwrite(&w, body);
    llmg__rq_writer_check(rq, &w);
    if (rq->st == LLMG_OK) {
        req->_body = w.out;
        memset(&w.out, 0, sizeof w.out);
    }
    llmg_json_writer_free(&w);
    if (rq->st != LLMG_OK) return rq->st;

    /* the headers, in the gem's order */
#define LLMG__H(n, v) (h[nh].name = (n), h[nh].value = (v), nh++)
    if (p == LLMG_PROVIDER_ANTHROPIC_MESSAGES) {
        LLMG__H("anthropic-version", llmg_str_c("2023-06-01"));
        LLMG__H("content-type", llmg_str_c("application/json"));
        if (!oauth) {
            if (key.len) LLMG__H("x-api-key", key);
            LLMG__H("anthropic-beta", llmg_str_c("code-execution-2025-05-22,files-api-2025-04-14"));
        } else {
            LLMG__H("authorization", llmg_str_c(""));
            LLMG__H("anthropic-dangerous-direct-browser-access", llmg_str_c("true"));
            LLMG__H("anthropic-beta", llmg_str_c("claude-code-20250219,oauth-2025-04-20"));
            LLMG__H("user-agent", llmg_str_c("claude-cli/2.1.2 (external, cli)"));
            LLMG__H("x-app", llmg_str_c("cli"));
        }
    } else {
        LLMG__H("content-type", llmg_str_c("application/json"));
        if (key.len) LLMG__H("authorization", llmg_str_c(""));
        if (p == LLMG_PROVIDER_OPENAI_CODEX) {
            LLMG__H("openai-beta", llmg_str_c("responses=experimental"));
            if (cfg->account_id.len) LLMG__H("chatgpt-account-id", cfg->account_id);
            if (session.len) LLMG__H("session_id", session);
        }
    }
#undef LLMG__H
    refs = (llmg__hdr_ref *)llmg__rq_mem(rq, (nh + cfg->header_count) * sizeof *refs + 1);
    if (!refs) return rq->st;
    {
        llmg_buf *t = &req->_text;
        llmg_allocator *a = &rq->a;
        llmg_status st = llmg__buf_append(t, a, base.ptr, base.len, LLMG__NOLIMIT);
        if (st == LLMG_OK) st = llmg__buf_append(t, a, llmg__paths[p], strlen(llmg__paths[p]) + 1, LLMG__NOLIMIT);
        for (i = 0; i < nh + cfg->header_count && st == LLMG_OK; i++) {
            llmg_str name, value;
            size_t k, j;
            if (i < nh) {
                name = llmg_str_c(h[i].name);
                value = h[i].value;
            } else {
                name = cfg->headers[i - nh].name;
                value = cfg->headers[i - nh].value;
                if (!name.len || llmg__hdr_bad(name) || llmg__hdr_bad(value)) {
                    llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid header"));
                    llmg__rq_sayc(rq, "a header name is empty, or a name or value holds CR, LF or NUL");
                    return rq->st;
                }
            }
            if (i < nh && (llmg__hdr_bad(value))) {
                llmg__rq_fail(rq, LLMG_E_ARG, LLMG__MSG("request: invalid header"));
                llmg__rq_sayc(rq, "the api key or account id holds CR, LF or NUL");
                return rq->st;
            }
            refs[i].name = t->len;
            refs[i].name_len = name.len;
            for (k = 0; k < name.len && st == LLMG_OK; k++) {
                char c = name.ptr[k];
                if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
                st = llmg__buf_append(t, a, &c, 1, LLMG__NOLIMIT);
            }
            if (st == LLMG_OK) st = llmg__buf_append(t, a, "", 1, LLMG__NOLIMIT);
            refs[i].value = t->len;
            if (st == LLMG_OK && i < nh && !value.len && !strcmp(h[i].name, "authorization")) {
                st = llmg__buf_append(t, a, "Bearer ", 7, LLMG__NOLIMIT);
                value = key;
            }
            if (st == LLMG_OK) st = llmg__buf_append(t, a, value.ptr, value.len, LLMG__NOLIMIT);
            refs[i].value_len = t->len - refs[i].value;
            if (st == LLMG_OK) st = llmg__buf_append(t, a, "", 1, LLMG__NOLIMIT);
            /* a name set again replaces the earlier value, in its place */
            for (j = 0; j < i && st == LLMG_OK; j++) {
                if (refs[j].name_len != refs[i].name_len ||
                    memcmp(t->ptr + refs[j].name, t->ptr + refs[i].name, refs[i].name_len)) continue;
                refs[j].value = refs[i].value;
                refs[j].value_len = refs[i].value_len;
                refs[i].name_len = (size_t)-1;
                break;
            }
        }
        if (st == LLMG_OK) {
            req->_hcap = nh + cfg->header_count;
            req->_hdr = (llmg_header *)llmg__alloc(a, (req->_hcap ? req->_hcap : 1) * sizeof *req->_hdr);
            if (!req->_hdr) st = LLMG_E_NOMEM;
        }
        if (st != LLMG_OK) {
            llmg__rq_nomem(rq);
            return rq->st;
        }
        for (i = 0; i < req->_hcap; i++) {
            if (refs[i].name_len == (size_t)-1) continue;
            req->_hdr[req->header_count].name.ptr = t->ptr + refs[i].name;
            req->_hdr[req->header_count].name.len = refs[i].name_len;
            req->_hdr[req->header_count].value.ptr = t->ptr + refs[i].value;
            req->_hdr[req->header_count].value.len = refs[i].value_len;
            req->header_count++;
        }
        req->url.ptr = t->ptr;
        req->url.len = base.len + strlen(llmg__paths[p]);
    }
    return LLMG_OK;
}

LLMG_API llmg_status llmg_request_build(llmg_request *req, const llmg_provider_config *cfg,
                                        const llmg_request_input *in,
                                        const llmg_request_opts *opts, llmg_error *err)
{
    llmg__rq rq;
    llmg_status st;
    llmg_allocator a;
    if (!req || !cfg || !in) return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("request: NULL argument"), 0);
    llmg_request_free(req);
    req->message = llmg_str_c("");
    req->method = llmg_str_c("POST");
    memset(&rq, 0, sizeof rq);
    rq.o = llmg_request_opts_resolved(opts);
    st = llmg__allocator_resolve(&rq.o.allocator, &a, err);
    if (st != LLMG_OK) return st;
    if (cfg->provider <= LLMG_PROVIDER_NONE || (int)cfg->provider >= LLMG__PROVIDER_COUNT)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("request: unknown provider"), 0);
    if (cfg->header_count && !cfg->headers)
        return llmg__fail(err, LLMG_E_ARG, LLMG__MSG("request: header_count without headers"), 0);
    rq.a = a;
    req->_a = a;
    rq.tprov = llmg_str_c(llmg__provider_ident[cfg->provider][0]);
    rq.tapi = llmg_str_c(llmg__provider_ident[cfg->provider][1]);
    st = llmg__rq_build(&rq, req, cfg, in);
    if (st == LLMG_OK && rq.st != LLMG_OK) st = rq.st;
    while (rq.docs) {
        llmg_json_doc_free(&rq.docs->doc);
        rq.docs = rq.docs->next;
    }
    while (rq.blk) {
        llmg__rq_blk *next = rq.blk->next;
        llmg__free(&a, rq.blk, rq.blk->size);
        rq.blk = next;
    }
    if (st == LLMG_OK) {
        llmg_buf_free(&rq.msg, &a);
        req->body = llmg_bstr(&req->_body);
        req->headers = req->_hdr;
        return llmg__ok(err, LLMG_OK);
    }
    {
        llmg_str m = llmg_bstr(&rq.msg);
        const char *smsg = rq.smsg ? rq.smsg : llmg_status_message(st);
        uint64_t off = rq.offset;
        llmg_request_free(req);
        req->_a = a;
        req->method = llmg_str_c("POST");
        if (!m.len) m = llmg_str_c(smsg);
        if (llmg__buf_append(&req->_text, &a, m.ptr, m.len, LLMG__NOLIMIT) == LLMG_OK)
            req->message = llmg_bstr(&req->_text);
        else
            req->message = llmg_str_c(smsg);
        llmg_buf_free(&rq.msg, &a);
        return llmg__fail(err, st, smsg, off);
    }
}

/* ================================================================ >>impl-transport
   An exchange is a request, a stream and a place for a failed response.
   Its ending (_st, with _err) is sticky: once the stream ended, failed, or
   the transport gave up, every call returns the same.                  */

/* Records how the exchange ended when st does end it; returns st. */
static llmg_status llmg__xnote(llmg_exchange *x, llmg_status st, const llmg_error *e, llmg_error *err)
{
    if (st == LLMG_DONE || st < 0) {
        x->_st = st;
        x->_state = 2;
        if (e) x->_err = *e;
        else llmg__fail(&x->_err, st, llmg_status_message(st), 0);
        if (st == LLMG_E_PROVIDER) x->_err.provider = llmg_exchange_error(x);
        if (err) *err = x->_err;
    } else if (err && e) {
        *err = *e;
    }
    return st;
}

/* The stored ending again, into err. */
static llmg_status llmg__xended(llmg_exchange *x, llmg_error *err)
{
    if (err) *err = x->_err;
    return x->_st;
}

static llmg_status llmg__xmisuse(llmg_error *err, const char *msg)
{
    return llmg__fail(err, LLMG_E_ARG, msg, 0);
}

LLMG_API llmg_status llmg_exchange_init(llmg_exchange *x, const llmg_provider_config *cfg,
                                        const llmg_request_input *in,
                                        const llmg_exchange_opts *opts, llmg_error *err)
{
    llmg_stream_opts so;
    llmg_request_opts ro;
    llmg_status st;
    if (!x || !cfg || !in) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    memset(x, 0, sizeof *x);
    if (opts) x->_o = *opts;
    st = llmg__allocator_resolve(&x->_o.allocator, &x->_a, err);
    if (st != LLMG_OK) return st;
    x->_o.max_error_body_bytes = LLMG__DEF(x->_o.max_error_body_bytes, (size_t)1 << 20);
    x->_o.classify.allocator = x->_a;
    ro = x->_o.request;
    ro.allocator = x->_a;
    x->_o.stream.provider = cfg->provider;
    so = x->_o.stream;
    so.allocator = x->_a;
    llmg_request_init(&x->request);
    llmg_provider_error_init(&x->_pe);
    st = llmg_request_build(&x->request, cfg, in, &ro, err);
    if (st == LLMG_OK) st = llmg_stream_init(&x->_s, &so, err);
    if (st != LLMG_OK) {
        x->_st = st;
        x->_state = 2;
        if (err) x->_err = *err;
        else llmg__fail(&x->_err, st, llmg_status_message(st), 0);
    }
    return st;
}

LLMG_API llmg_status llmg_exchange_head(llmg_exchange *x, int status, const llmg_header *headers,
                                        size_t count, llmg_error *err)
{
    size_t i, *offs;
    llmg_status st = LLMG_OK;
    if (!x || (count && !headers)) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (x->_state != 0) return llmg__xmisuse(err, LLMG__MSG("exchange: the head came already"));
    x->status = status;
    x->_state = 1;
    if (status == 200 || !count) return llmg__ok(err, LLMG_OK);
    /* a failed response: its headers are classified at its end */
    x->_hdr = (llmg_header *)llmg__alloc(&x->_a, count * sizeof *x->_hdr);
    offs = (size_t *)llmg__alloc(&x->_a, count * 2 * sizeof *offs);
    if (!x->_hdr || !offs) st = LLMG_E_NOMEM;
    x->_hcap = count;
    for (i = 0; i < count && st == LLMG_OK; i++) {
        offs[2 * i] = x->_htext.len;
        st = llmg__buf_append(&x->_htext, &x->_a, headers[i].name.ptr, headers[i].name.len, LLMG__NOLIMIT);
        offs[2 * i + 1] = x->_htext.len;
        if (st == LLMG_OK)
            st = llmg__buf_append(&x->_htext, &x->_a, headers[i].value.ptr, headers[i].value.len, LLMG__NOLIMIT);
    }
    for (i = 0; i < count && st == LLMG_OK; i++) {
        size_t end = i + 1 < count ? offs[2 * i + 2] : x->_htext.len;
        x->_hdr[i].name.ptr = x->_htext.ptr + offs[2 * i];
        x->_hdr[i].name.len = offs[2 * i + 1] - offs[2 * i];
        x->_hdr[i].value.ptr = x->_htext.ptr + offs[2 * i + 1];
        x->_hdr[i].value.len = end - offs[2 * i + 1];
    }
    if (offs) llmg__free(&x->_a, offs, count * 2 * sizeof *offs);
    if (st != LLMG_OK) {
        llmg_error e;
        llmg__fail(&e, st, LLMG__MSG("exchange: allocation failed"), 0);
        return llmg__xnote(x, st, &e, err);
    }
    x->_nhdr = count;
    return llmg__ok(err, LLMG_OK);
}

/* A non-200 body: kept up to max_error_body_bytes, the rest dropped. */
static void llmg__xkeep(llmg_exchange *x, const void *data, size_t len)
{
    size_t room = x->_o.max_error_body_bytes - x->_body.len;
    if (len > room) len = room;
    /* what cannot be kept for want of memory is left out: the classifier
       reads a body cut short as it reads any body that is not JSON */
    if (len) (void)llmg__buf_append(&x->_body, &x->_a, data, len, LLMG__NOLIMIT);
}

/* The end of a non-200 body: its classification, as LLMG_E_PROVIDER. */
static llmg_status llmg__xclassify(llmg_exchange *x, llmg_error *err)
{
    llmg_classify_input in;
    llmg_error e;
    llmg_status st;
    memset(&in, 0, sizeof in);
    in.provider = x->_o.stream.provider;
    in.status = x->status;
    in.headers = x->_hdr;
    in.header_count = x->_nhdr;
    in.body = llmg_bstr(&x->_body);
    in.now_ms = llmg_host_unix_ms(x->_o.stream.host);
    llmg_provider_error_free(&x->_pe);
    st = llmg_classify_http(&in, &x->_o.classify, &x->_pe, &e);
    if (st != LLMG_OK) return llmg__xnote(x, st, &e, err);
    llmg__fail(&e, LLMG_E_PROVIDER, LLMG__MSG("exchange: the provider answered with an error status"), 0);
    return llmg__xnote(x, LLMG_E_PROVIDER, &e, err);
}

LLMG_API llmg_status llmg_exchange_feed(llmg_exchange *x, const void *data, size_t len,
                                        llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!x || (len && !data)) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (x->_state != 1) return llmg__xmisuse(err, LLMG__MSG("exchange: body before the head"));
    if (x->status != 200) {
        llmg__xkeep(x, data, len);
        return llmg__ok(err, LLMG_OK);
    }
    st = llmg_stream_feed(&x->_s, data, len, &e);
    return llmg__xnote(x, st, &e, err);
}

LLMG_API llmg_status llmg_exchange_next(llmg_exchange *x, llmg_event *ev, llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!x || !ev) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (x->_state != 1) return llmg__xmisuse(err, LLMG__MSG("exchange: events before the head"));
    if (x->status != 200) return llmg__ok(err, LLMG_NEED_MORE);
    st = llmg_stream_next(&x->_s, ev, &e);
    return llmg__xnote(x, st, &e, err);
}

LLMG_API llmg_status llmg_exchange_finish(llmg_exchange *x, llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!x) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (x->_state != 1) return llmg__xmisuse(err, LLMG__MSG("exchange: finish before the head"));
    if (x->status != 200) return llmg__xclassify(x, err);
    st = llmg_stream_finish(&x->_s, &e);
    return llmg__xnote(x, st, &e, err);
}

LLMG_API llmg_status llmg_exchange_push(llmg_exchange *x, const void *data, size_t len,
                                        llmg_event_fn fn, void *user, llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!x || (len && !data)) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (x->_state != 1) return llmg__xmisuse(err, LLMG__MSG("exchange: body before the head"));
    if (x->status != 200) {
        llmg__xkeep(x, data, len);
        return llmg__ok(err, LLMG_NEED_MORE);
    }
    st = llmg_stream_push(&x->_s, data, len, fn, user, &e);
    return llmg__xnote(x, st, &e, err);
}

LLMG_API llmg_status llmg_exchange_end(llmg_exchange *x, llmg_event_fn fn, void *user, llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!x) return llmg__xmisuse(err, LLMG__MSG("exchange: NULL argument"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (x->_state != 1) return llmg__xmisuse(err, LLMG__MSG("exchange: end before the head"));
    if (x->status != 200) return llmg__xclassify(x, err);
    st = llmg_stream_end(&x->_s, fn, user, &e);
    return llmg__xnote(x, st, &e, err);
}

LLMG_API llmg_status llmg_exchange_body(llmg_exchange *x, const void *data, size_t len)
{
    return x ? llmg_exchange_push(x, data, len, x->_fn, x->_user, NULL) : LLMG_E_ARG;
}

LLMG_API llmg_status llmg_exchange_fail(llmg_exchange *x, llmg_error_kind kind, llmg_str why,
                                        llmg_error *err)
{
    llmg_error e;
    llmg_status st;
    if (!x || (kind != LLMG_ERROR_TIMEOUT && kind != LLMG_ERROR_CONNECTION && kind != LLMG_ERROR_CANCELLED))
        return llmg__xmisuse(err, LLMG__MSG("exchange: fail takes timeout, connection or cancelled"));
    if (x->_state == 2) return llmg__xended(x, err);
    if (kind == LLMG_ERROR_CANCELLED) {
        llmg__fail(&e, LLMG_E_CANCELLED, LLMG__MSG("exchange: cancelled by the host"), 0);
        return llmg__xnote(x, LLMG_E_CANCELLED, &e, err);
    }
    if (kind == LLMG_ERROR_CONNECTION && x->_state == 1 && x->status == 200) {
        /* the body broke off: the stream says whether its message ended */
        st = llmg_stream_end(&x->_s, x->_fn, x->_user, &e);
        return llmg__xnote(x, st, &e, err);
    }
    llmg_provider_error_free(&x->_pe);
    x->_pe._a = x->_a;
    if (llmg__buf_append(&x->_pe._store, &x->_a, why.ptr, why.len, (size_t)1 << 16) != LLMG_OK ||
        llmg__buf_append(&x->_pe._store, &x->_a, "\0\0", 3, LLMG__NOLIMIT) != LLMG_OK) {
        llmg_provider_error_free(&x->_pe);
        llmg__fail(&e, LLMG_E_NOMEM, LLMG__MSG("exchange: allocation failed"), 0);
        return llmg__xnote(x, LLMG_E_NOMEM, &e, err);
    }
    x->_pe.kind = kind;
    x->_pe.message.ptr = x->_pe._store.ptr;
    x->_pe.message.len = strlen(x->_pe._store.ptr);
    x->_pe.has_message = 1;
    x->_pe.code.ptr = x->_pe._store.ptr + x->_pe.message.len + 1;
    x->_pe.rate_limit_info.ptr = x->_pe.code.ptr + 1;
    llmg__fail(&e, LLMG_E_PROVIDER, kind == LLMG_ERROR_TIMEOUT ? LLMG__MSG("exchange: timed out")
                                                             : LLMG__MSG("exchange: connection failed"), 0);
    return llmg__xnote(x, LLMG_E_PROVIDER, &e, err);
}

LLMG_API const llmg_message *llmg_exchange_message(const llmg_exchange *x)
{
    return x ? llmg_stream_message(&x->_s) : NULL;
}

LLMG_API const llmg_provider_error *llmg_exchange_error(const llmg_exchange *x)
{
    if (!x) return NULL;
    if (llmg_stream_error(&x->_s)) return llmg_stream_error(&x->_s);
    return x->_pe.kind != LLMG_ERROR_NONE ? &x->_pe : NULL;
}

LLMG_API void llmg_exchange_free(llmg_exchange *x)
{
    if (!x) return;
    llmg_request_free(&x->request);
    llmg_stream_free(&x->_s);
    llmg_provider_error_free(&x->_pe);
    if (x->_a.free_fn) {
        llmg_buf_free(&x->_body, &x->_a);
        llmg_buf_free(&x->_htext, &x->_a);
        llmg__free(&x->_a, x->_hdr, x->_hcap * sizeof *x->_hdr);
    }
    memset(x, 0, sizeof *x);
}

LLMG_API llmg_status llmg_call(llmg_exchange *x, const llmg_transport *t,
                               const llmg_provider_config *cfg, const llmg_request_input *in,
                               const llmg_exchange_opts *opts, llmg_event_fn fn, void *user,
                               llmg_error *err)
{
    llmg_error_kind kind;
    llmg_str why;
    llmg_status st;
    if (!x || !t || !t->send) return llmg__xmisuse(err, LLMG__MSG("call: NULL argument"));
    st = llmg_exchange_init(x, cfg, in, opts, err);
    if (st != LLMG_OK) return st;
    x->_fn = fn;
    x->_user = user;
    why.ptr = "";
    why.len = 0;
    kind = t->send(t->user, x, &why);
    if (x->_state == 2) return llmg__xended(x, err);
    if (kind != LLMG_ERROR_NONE) return llmg_exchange_fail(x, kind, why, err);
    if (x->_state == 0)
        return llmg_exchange_fail(x, LLMG_ERROR_CONNECTION, llmg_str_c("the transport gave no response"), err);
    return llmg_exchange_end(x, fn, user, err);
}

LLMG_API int64_t llmg_retry_delay_ms(llmg_status st, const llmg_provider_error *pe,
                                     unsigned attempt, uint32_t random,
                                     const llmg_retry_opts *opts)
{
    unsigned max_attempts = opts && opts->max_attempts ? opts->max_attempts : 4;
    uint64_t base = opts && opts->base_ms ? opts->base_ms : 500;
    uint64_t cap = opts && opts->max_ms ? opts->max_ms : 60000;
    uint64_t window = base;
    unsigned i;
    if (attempt == 0 || attempt > max_attempts) return -1;
    if (st == LLMG_E_PROVIDER) {
        if (!pe) return -1;
        switch (pe->kind) {
        case LLMG_ERROR_RATE_LIMIT: case LLMG_ERROR_OVERLOADED: case LLMG_ERROR_SERVER:
        case LLMG_ERROR_TIMEOUT: case LLMG_ERROR_CONNECTION:
            break;
        default:
            return -1;
        }
        if (pe->has_retry_after && pe->retry_after_seconds >= 0) {
            if ((uint64_t)pe->retry_after_seconds > cap / 1000) return -1;
            return pe->retry_after_seconds * 1000;
        }
    } else if (st != LLMG_E_TRUNCATED) {
        return -1;
    }
    for (i = 1; i < attempt && window < cap; i++) window *= 2;
    if (window > cap) window = cap;
    return (int64_t)(random % (window + 1));
}

#ifdef __cplusplus
}
#endif
#endif /* LLM_GATEWAY_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the llm_gateway.h authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
