/* The bench's stream generator: large, deterministic provider streams in
   the exact event shapes of recorded traffic, with generated content. It
   does not use the library: build/bench checks each stream through it. */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>

#define GEN_APIS 5                       /* the order of gen_keys */
#define GEN_BUCKETS 6                    /* delta sizes 1-4 5-8 9-16 17-32 33-64 65+ */

extern const char *const gen_keys[GEN_APIS];
extern const char *const gen_bucket_names[GEN_BUCKETS];

typedef struct gen_tool {
    char  *id, *name, *args;             /* args: the raw JSON text the deltas spell */
    size_t args_len;
} gen_tool;

typedef struct gen_stream {
    const char *key;                     /* provider key, e.g. "anthropic_messages" */
    char       *sse;                     /* the response body */
    size_t      len;
    char       *text;                    /* every text delta, in order */
    size_t      text_len;
    char       *reasoning;               /* every reasoning delta, in order */
    size_t      reasoning_len;
    gen_tool   *tools;
    size_t      n_tools;
    size_t      hist[GEN_BUCKETS];       /* content deltas by decoded size */
    size_t      n_deltas;                /* text, reasoning and argument deltas */
    size_t      n_sse;                   /* SSE events (data lines) */
} gen_stream;

/* Makes stream `api` (an index into gen_keys) of about target bytes. */
void gen_stream_make(gen_stream *g, int api, size_t target);
void gen_stream_free(gen_stream *g);
/* Writes dir/KEY.sse and dir/KEY.expect.json ({"text","reasoning","tools":
   [{"id","name","arguments"}],"events"}: events = data lines, [DONE]
   included); 0 on failure. */
int gen_stream_write(const gen_stream *g, const char *dir);

/* A tool-call argument object of about target bytes, its length in *len,
   and the sizes of the deltas it arrives in (Chat tool-argument
   distribution), *n_cuts of them. Free both with free(). */
char *gen_tool_args(size_t target, size_t *len, size_t **cuts, size_t *n_cuts);

/* A request transcript of about target bytes as llmg_request_input JSON:
   messages (user text, assistant text and tool_use, user tool_result),
   and tools. Free with free(). */
void gen_transcript(size_t target, char **messages, size_t *messages_len,
                    char **tools, size_t *tools_len);

#endif
