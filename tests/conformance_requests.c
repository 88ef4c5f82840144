/* Conformance of request building with the llm_gateway gem: what
   `llmg request` prints for every adapter.stream and adapter.raw_stream
   call of the shared fixtures (expected/<t>/<c>.json) must be the request
   the gem built.

   usage:
       conformance_requests EXPECTED_DIR --emit DIR FILE...
       conformance_requests --check DIR
       conformance_requests --fake DIR/N.json
       conformance_requests --equal WANT GOT

   --emit: each FILE is a path relative to EXPECTED_DIR. For the n-th call
   (counted from 1 over all FILEs, in order) it writes DIR/n.json, the
   call's "input" object exactly as the fixture has it ($string descriptors
   included), and DIR/n.want: {"label", "provider", "digest", "expands",
   "request"}, "request" being the fixture's request object. A script then
   runs `llmg request DIR/n.json >DIR/n.got 2>DIR/n.err` and writes its
   exit status to DIR/n.rc.

   --check: for each n.want, llmg must have exited 0 and printed one JSON
   object {"method", "url", "headers", "body"} with
   - the same method, and url equal to request.uri;
   - every header of request.headers and request.secret_headers with the
     same value, names compared lower-case (an extra header is a note, not
     a failure);
   - a body JSON-equal to request.body (key order ignored, numbers by value
     and kind). Where the gem's body is given only by its digest
     (body_bytes, body_sha256, body_head, body_tail), llmg's body written
     again with llmg_json_writer (Ruby's compact format) must have that
     length, SHA-256, head and tail.
   One pass or fail per call; one line per mismatch; a summary line, then
   "N passed, N failed" last.

   --fake: prints what a correct `llmg request` prints for DIR/N.json, from
   DIR/N.want; a digest-only body is rebuilt from its head and tail and the
   input's expanded $string, and its SHA-256 must match. It validates this
   harness (tests/fake_llmg_request.sh). */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"

static int n_pass, n_fail;

/* ---------------------------------------------------------------- SHA-256
   FIPS 180-4, section 6.2. */
typedef struct sha256_ctx {
    uint32_t      h[8];
    unsigned char blk[64];
    size_t        fill;                   /* bytes waiting in blk */
    uint64_t      total;                  /* bytes hashed so far */
} sha256_ctx;

static const uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u
};

#define SHA_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = SHA_ROR(w[i - 15], 7) ^ SHA_ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = SHA_ROR(w[i - 2], 17) ^ SHA_ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; k = h[7];
    for (i = 0; i < 64; i++) {
        t1 = k + (SHA_ROR(e, 6) ^ SHA_ROR(e, 11) ^ SHA_ROR(e, 25)) + ((e & f) ^ (~e & g)) +
             sha256_k[i] + w[i];
        t2 = (SHA_ROR(a, 2) ^ SHA_ROR(a, 13) ^ SHA_ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha256_init(sha256_ctx *s)
{
    static const uint32_t iv[8] = { 0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u };
    memcpy(s->h, iv, sizeof iv);
    s->fill = 0;
    s->total = 0;
}

static void sha256_update(sha256_ctx *s, const void *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    s->total += len;
    while (len > 0) {
        size_t take = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->blk + s->fill, p, take);
        s->fill += take;
        p += take;
        len -= take;
        if (s->fill == 64) {
            sha256_block(s->h, s->blk);
            s->fill = 0;
        }
    }
}

/* The digest as 64 lower-case hex digits and a NUL. */
static void sha256_final(sha256_ctx *s, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char pad[72];
    uint64_t bits = s->total * 8;
    size_t n = (s->fill < 56 ? 56 : 120) - s->fill, i;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (i = 0; i < 8; i++) pad[n + i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(s, pad, n + 8);
    for (i = 0; i < 32; i++) {
        unsigned byte = (unsigned)(s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xFFu;
        hex[2 * i] = digits[byte >> 4];
        hex[2 * i + 1] = digits[byte & 15];
    }
    hex[64] = '\0';
}

static void sha256_hex(const void *data, size_t len, char hex[65])
{
    sha256_ctx s;
    sha256_init(&s);
    sha256_update(&s, data, len);
    sha256_final(&s, hex);
}

/* Known answers (FIPS 180-4 examples, and the empty message); 1 when all
   hold. A million 'a's fed in uneven pieces covers the block carry-over. */
static int sha256_self_test(void)
{
    static const char *const cases[][2] = {
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" }
    };
    char hex[65], a[997];
    sha256_ctx s;
    size_t i, left = 1000000;
    int ok = 1;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sha256_hex(cases[i][0], strlen(cases[i][0]), hex);
        if (strcmp(hex, cases[i][1]) != 0) {
            printf("FAIL sha256 self-test: \"%s\" gives %s, not %s\n", cases[i][0], hex, cases[i][1]);
            ok = 0;
        }
    }
    memset(a, 'a', sizeof a);
    sha256_init(&s);
    while (left > 0) {
        size_t n = left < sizeof a ? left : sizeof a;
        sha256_update(&s, a, n);
        left -= n;
    }
    sha256_final(&s, hex);
    if (strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") != 0) {
        printf("FAIL sha256 self-test: a million 'a' gives %s\n", hex);
        ok = 0;
    }
    return ok;
}

/* ---------------------------------------------------------------- helpers */

typedef struct text {
    char  *ptr;
    size_t len;
} text;

static void text_free(text *t)
{
    free(t->ptr);
    t->ptr = NULL;
    t->len = 0;
}

/* The compact JSON of a value in Ruby's format (the writer's), owned. */
static text compact(llmg_json_val v)
{
    text t;
    t.ptr = json_text(v);
    t.len = strlen(t.ptr);
    return t;
}

static char *n_path(const char *dir, int n, const char *ext)
{
    char name[64];
    snprintf(name, sizeof name, "%d.%s", n, ext);
    return path_join(dir, name);
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f) return 0;
    ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Shows up to max bytes of s, control bytes as '.', so a line stays one line. */
static void put_clip(const char *s, size_t len, size_t max)
{
    size_t i;
    for (i = 0; i < len && i < max; i++) putchar((unsigned char)s[i] < 0x20 ? '.' : s[i]);
    if (len > max) fputs("...", stdout);
}

/* A value's compact JSON, clipped to 120 bytes. */
static void put_val(llmg_json_val v)
{
    text t;
    if (llmg_json_typeof(v) == LLMG_JSON_NONE) {
        fputs("(absent)", stdout);
        return;
    }
    t = compact(v);
    put_clip(t.ptr, t.len, 120);
    text_free(&t);
}

static size_t first_diff_at(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i, n = na < nb ? na : nb;
    for (i = 0; i < n && a[i] == b[i]; i++) {}
    return i;
}

/* Both bodies around byte at: 100 bytes before, 200 after. */
static void show_bytes_at(const char *a, size_t na, const char *b, size_t nb, size_t at)
{
    size_t from = at > 100 ? at - 100 : 0;
    printf("    gem  [%lu..): ", (unsigned long)from);
    if (from < na) put_clip(a + from, na - from, 300);
    printf("\n    llmg [%lu..): ", (unsigned long)from);
    if (from < nb) put_clip(b + from, nb - from, 300);
    putchar('\n');
}

/* The first place where two JSON values differ, as one line after
   "FAIL label: body": where (a path from the body's top) and what. 1 when
   found. */
static int json_where(const char *label, llmg_json_val want, llmg_json_val got, char *path,
                      size_t at, size_t cap)
{
    llmg_json_type t = llmg_json_typeof(want);
    llmg_json_iter it;
    llmg_json_val k, v;
    size_t i;
    if (t == llmg_json_typeof(got) && t == LLMG_JSON_OBJECT) {
        it = llmg_json_iter_init(want);
        while (llmg_json_iter_next(&it, &k, &v)) {
            size_t kl;
            char *ks = dup_json_str(k, &kl);
            llmg_str key;
            llmg_json_val g;
            key.ptr = ks;
            key.len = kl;
            g = llmg_json_get(got, key);
            snprintf(path + at, cap - at, ".%s", ks);
            free(ks);
            if (llmg_json_typeof(g) == LLMG_JSON_NONE) {
                printf("FAIL %s: body: key %s missing (gem ", label, path);
                put_val(v);
                puts(")");
                return 1;
            }
            if (json_where(label, v, g, path, strlen(path), cap)) return 1;
        }
        it = llmg_json_iter_init(got);
        while (llmg_json_iter_next(&it, &k, &v)) {
            size_t kl;
            char *ks = dup_json_str(k, &kl);
            llmg_str key;
            key.ptr = ks;
            key.len = kl;
            if (llmg_json_typeof(llmg_json_get(want, key)) == LLMG_JSON_NONE) {
                snprintf(path + at, cap - at, ".%s", ks);
                printf("FAIL %s: body: extra key %s (llmg ", label, path);
                put_val(v);
                puts(")");
                free(ks);
                return 1;
            }
            free(ks);
        }
        path[at] = '\0';
        return 0;
    }
    if (t == llmg_json_typeof(got) && t == LLMG_JSON_ARRAY) {
        size_t nw = llmg_json_size(want), ng = llmg_json_size(got);
        for (i = 0; i < nw && i < ng; i++) {
            snprintf(path + at, cap - at, "[%lu]", (unsigned long)i);
            if (json_where(label, llmg_json_at(want, i), llmg_json_at(got, i), path, strlen(path),
                           cap))
                return 1;
        }
        path[at] = '\0';
        if (nw != ng) {
            printf("FAIL %s: body: %s has %lu elements, gem %lu\n", label, at ? path : "(top)",
                   (unsigned long)ng, (unsigned long)nw);
            return 1;
        }
        return 0;
    }
    if (json_equal(want, got)) return 0;
    if (t == LLMG_JSON_STRING && llmg_json_typeof(got) == t &&
        (llmg_json_lexeme(want).len > 120 || llmg_json_lexeme(got).len > 120)) {
        size_t la, lb;
        char *sa = dup_json_str(want, &la), *sb = dup_json_str(got, &lb);
        i = first_diff_at(sa, la, sb, lb);
        printf("FAIL %s: body: %s: strings of %lu bytes (gem) and %lu (llmg) first differ at "
               "byte %lu: gem \"", label, at ? path : "(top)", (unsigned long)la,
               (unsigned long)lb, (unsigned long)i);
        if (i < la) put_clip(sa + i, la - i, 40);
        fputs("\", llmg \"", stdout);
        if (i < lb) put_clip(sb + i, lb - i, 40);
        puts("\"");
        free(sa);
        free(sb);
        return 1;
    }
    printf("FAIL %s: body: %s: gem ", label, at ? path : "(top)");
    put_val(want);
    fputs(", llmg ", stdout);
    put_val(got);
    putchar('\n');
    return 1;
}

/* ------------------------------------------------------- $string and bodies */

/* The first {"$string": {...}} descriptor inside v, or NONE. */
static llmg_json_val find_descriptor(llmg_json_val v)
{
    llmg_json_iter it;
    llmg_json_val k, e, none;
    llmg_json_type t = llmg_json_typeof(v);
    none.doc = NULL;
    none.i = (size_t)-1;
    if (t == LLMG_JSON_OBJECT && llmg_json_size(v) == 1 &&
        llmg_json_typeof(llmg_json_getc(v, "$string")) == LLMG_JSON_OBJECT)
        return llmg_json_getc(v, "$string");
    if (t != LLMG_JSON_OBJECT && t != LLMG_JSON_ARRAY) return none;
    it = llmg_json_iter_init(v);
    while (llmg_json_iter_next(&it, &k, &e)) {
        llmg_json_val d = find_descriptor(e);
        if (llmg_json_typeof(d) != LLMG_JSON_NONE) return d;
    }
    return none;
}

/* The string a descriptor stands for; checked against its "bytes" and
   "sha256". NULL (and a line on stderr) when it does not hold. */
static char *expand_descriptor(llmg_json_val d, size_t *len)
{
    llmg_json_val parts = llmg_json_getc(d, "parts");
    size_t i, total = 0, at = 0;
    int64_t want_bytes = -1;
    char hex[65], *want_hex, *s;
    for (i = 0; i < llmg_json_size(parts); i++) {
        llmg_json_val p = llmg_json_at(parts, i);
        int64_t rep = 1;
        size_t n = 0;
        llmg_json_get_str(llmg_json_getc(p, "text"), NULL, 0, &n);
        if (llmg_json_typeof(llmg_json_getc(p, "repeat")) != LLMG_JSON_NONE &&
            (llmg_json_get_int64(llmg_json_getc(p, "repeat"), &rep) != LLMG_OK || rep < 0 ||
             (n && (uint64_t)rep > ((size_t)-1 / 4) / n)))
            return NULL;
        total += n * (size_t)rep;
    }
    s = (char *)malloc(total + 1);
    if (!s) abort();
    for (i = 0; i < llmg_json_size(parts); i++) {
        llmg_json_val p = llmg_json_at(parts, i);
        int64_t rep = 1, r;
        size_t n = 0;
        char *piece = dup_json_str(llmg_json_getc(p, "text"), &n);
        llmg_json_get_int64(llmg_json_getc(p, "repeat"), &rep);
        for (r = 0; r < rep; r++) {
            memcpy(s + at, piece, n);
            at += n;
        }
        free(piece);
    }
    s[total] = '\0';
    llmg_json_get_int64(llmg_json_getc(d, "bytes"), &want_bytes);
    sha256_hex(s, total, hex);
    want_hex = dup_json_str(llmg_json_getc(d, "sha256"), NULL);
    if (want_bytes < 0 || (uint64_t)want_bytes != total || strcmp(hex, want_hex) != 0) {
        fprintf(stderr, "$string: %lu bytes with sha256 %s, the descriptor says %ld and %s\n",
                (unsigned long)total, hex, (long)want_bytes, want_hex);
        free(s);
        s = NULL;
    }
    free(want_hex);
    *len = total;
    return s;
}

/* The gem's exact body of a digest-only request, rebuilt from body_head,
   body_tail and the JSON-escaped expansion of the input's $string (the
   huge part the head and tail leave out); it must have body_bytes and
   body_sha256. NULL (and a line on stderr) when that cannot be done. */
static char *rebuild_body(llmg_json_val input, llmg_json_val request, size_t *len)
{
    llmg_json_val d = find_descriptor(input);
    size_t slen, hlen, tlen, elen, p, rest, total;
    int64_t want_bytes = -1;
    char *s, *head, *tail, *esc, *body = NULL, hex[65], *want_hex;
    llmg_json_writer w;
    if (llmg_json_typeof(d) == LLMG_JSON_NONE) {
        fprintf(stderr, "rebuild: the input has no $string\n");
        return NULL;
    }
    s = expand_descriptor(d, &slen);
    if (!s) return NULL;
    llmg_json_writer_init(&w, NULL, NULL);
    {
        llmg_str sv;
        sv.ptr = s;
        sv.len = slen;
        llmg_json_write_str(&w, sv);
    }
    free(s);
    esc = w.out.ptr + 1;                     /* without the quotes */
    elen = w.out.len - 2;
    head = dup_json_str(llmg_json_getc(request, "body_head"), &hlen);
    tail = dup_json_str(llmg_json_getc(request, "body_tail"), &tlen);
    llmg_json_get_int64(llmg_json_getc(request, "body_bytes"), &want_bytes);
    total = want_bytes > 0 ? (size_t)want_bytes : 0;
    /* the string's first byte: just after a quote, the rest of the head
       (or all of the string) following */
    for (p = 1; p < hlen; p++) {
        size_t n = hlen - p < elen ? hlen - p : elen;
        if (head[p - 1] == '"' && memcmp(head + p, esc, n) == 0) break;
    }
    if (p >= hlen || p + elen > total || (rest = total - p - elen) > tlen) {
        fprintf(stderr, "rebuild: the $string is not where body_head and body_bytes say\n");
    } else {
        body = (char *)malloc(total + 1);
        if (!body) abort();
        memcpy(body, head, p);
        memcpy(body + p, esc, elen);
        memcpy(body + p + elen, tail + tlen - rest, rest);
        body[total] = '\0';
        sha256_hex(body, total, hex);
        want_hex = dup_json_str(llmg_json_getc(request, "body_sha256"), NULL);
        if (hlen > total || tlen > total || memcmp(body, head, hlen) != 0 ||
            memcmp(body + total - tlen, tail, tlen) != 0 || strcmp(hex, want_hex) != 0) {
            fprintf(stderr, "rebuild: the rebuilt body (sha256 %s) is not the gem's (%s)\n", hex,
                    want_hex);
            free(body);
            body = NULL;
        }
        free(want_hex);
    }
    llmg_json_writer_free(&w);
    free(head);
    free(tail);
    *len = total;
    return body;
}

/* ---------------------------------------------------------------- --emit */

typedef struct tally {
    int         calls, digest, expands;
    char       *keys[16];
    int         count[16];
} tally;

static void tally_key(tally *t, const char *key)
{
    int i;
    for (i = 0; i < 16 && t->keys[i]; i++)
        if (strcmp(t->keys[i], key) == 0) break;
    if (i == 16) return;
    if (!t->keys[i]) {
        char *copy = (char *)malloc(strlen(key) + 1);
        if (!copy) abort();
        strcpy(copy, key);
        t->keys[i] = copy;
    }
    t->count[i]++;
}

static int emit_file(const char *expected_dir, const char *rel, const char *dir, int *n)
{
    char *path = path_join(expected_dir, rel), *src, *provider;
    size_t len, i;
    llmg_json_doc doc;
    llmg_json_val calls;
    int ok = 1;
    llmg_json_doc_init(&doc);
    src = read_file(path, &len);
    if (!src || llmg_json_parse(&doc, src, len, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: cannot read it as JSON\n", path);
        ok = 0;
        goto done;
    }
    if (rel[0] == '.' && rel[1] == '/') rel += 2;
    calls = llmg_json_getc(llmg_json_root(&doc), "calls");
    for (i = 0; i < llmg_json_size(calls); i++) {
        llmg_json_val call = llmg_json_at(calls, i), input = llmg_json_getc(call, "input");
        llmg_json_val request = llmg_json_getc(call, "request"), entry = llmg_json_getc(call, "entry");
        llmg_json_writer w;
        llmg_str lx;
        char label[600], *out;
        int digest, expands;
        if (!llmg_json_str_eq(entry, llmg_str_c("adapter.stream")) &&
            !llmg_json_str_eq(entry, llmg_str_c("adapter.raw_stream")))
            continue;
        (*n)++;
        provider = dup_json_str(llmg_json_getc(llmg_json_getc(input, "config"), "provider"), NULL);
        digest = llmg_json_is_null(llmg_json_getc(request, "body"));
        expands = llmg_json_typeof(find_descriptor(input)) != LLMG_JSON_NONE;
        snprintf(label, sizeof label, "%s calls[%lu] (%s, #%d)", rel, (unsigned long)i,
                 llmg_json_str_eq(entry, llmg_str_c("adapter.stream")) ? "adapter.stream"
                                                                       : "adapter.raw_stream",
                 *n);
        lx = llmg_json_lexeme(input);
        out = n_path(dir, *n, "json");
        if (!write_file(out, lx.ptr, lx.len)) { printf("FAIL %s: cannot write\n", out); ok = 0; }
        free(out);
        llmg_json_writer_init(&w, NULL, NULL);
        llmg_json_write_obj_begin(&w);
        llmg_json_write_keyc(&w, "label");
        llmg_json_write_strc(&w, label);
        llmg_json_write_keyc(&w, "provider");
        llmg_json_write_strc(&w, provider);
        llmg_json_write_keyc(&w, "digest");
        llmg_json_write_bool(&w, digest);
        llmg_json_write_keyc(&w, "expands");
        llmg_json_write_bool(&w, expands);
        llmg_json_write_keyc(&w, "request");
        llmg_json_write_val(&w, request);
        llmg_json_write_obj_end(&w);
        out = n_path(dir, *n, "want");
        if (llmg_json_writer_status(&w, NULL) != LLMG_OK || !write_file(out, w.out.ptr, w.out.len)) {
            printf("FAIL %s: cannot write\n", out);
            ok = 0;
        }
        free(out);
        llmg_json_writer_free(&w);
        free(provider);
    }
done:
    llmg_json_doc_free(&doc);
    free(src);
    free(path);
    return ok;
}

/* ---------------------------------------------------------------- --check */

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

/* The member of obj whose lower-cased name is name (already lower case),
   and how many members have it. */
static llmg_json_val header_get(llmg_json_val obj, const char *name, int *count)
{
    llmg_json_iter it = llmg_json_iter_init(obj);
    llmg_json_val k, v, found;
    found.doc = NULL;
    found.i = (size_t)-1;
    *count = 0;
    while (llmg_json_iter_next(&it, &k, &v)) {
        char *ks = dup_json_str(k, NULL);
        lower(ks);
        if (strcmp(ks, name) == 0) {
            found = v;
            (*count)++;
        }
        free(ks);
    }
    return found;
}

/* Every header of the gem's set must be in llmg's, with the same value. */
static int check_header_set(const char *label, llmg_json_val want, llmg_json_val got)
{
    llmg_json_iter it = llmg_json_iter_init(want);
    llmg_json_val k, v;
    int ok = 1;
    while (llmg_json_iter_next(&it, &k, &v)) {
        char *name = dup_json_str(k, NULL);
        int count;
        llmg_json_val g;
        lower(name);
        g = header_get(got, name, &count);
        if (count == 0) {
            printf("FAIL %s: header %s missing (gem ", label, name);
            put_val(v);
            puts(")");
            ok = 0;
        } else if (count > 1) {
            printf("FAIL %s: header %s printed %d times\n", label, name, count);
            ok = 0;
        } else if (llmg_json_typeof(g) != LLMG_JSON_STRING || !json_equal(v, g)) {
            printf("FAIL %s: header %s: gem ", label, name);
            put_val(v);
            fputs(", llmg ", stdout);
            put_val(g);
            putchar('\n');
            ok = 0;
        }
        free(name);
    }
    return ok;
}

static int check_headers(const char *label, llmg_json_val request, llmg_json_val got)
{
    llmg_json_val want = llmg_json_getc(request, "headers");
    llmg_json_val secret = llmg_json_getc(request, "secret_headers"), k, v;
    llmg_json_iter it;
    int ok;
    if (llmg_json_typeof(got) != LLMG_JSON_OBJECT) {
        printf("FAIL %s: \"headers\" is not an object\n", label);
        return 0;
    }
    ok = check_header_set(label, want, got);
    ok &= check_header_set(label, secret, got);
    it = llmg_json_iter_init(got);
    while (llmg_json_iter_next(&it, &k, &v)) {
        char *name = dup_json_str(k, NULL);
        int c1, c2;
        lower(name);
        header_get(want, name, &c1);
        header_get(secret, name, &c2);
        if (c1 + c2 == 0) {
            printf("note %s: extra header %s: ", label, name);
            put_val(v);
            putchar('\n');
        }
        free(name);
    }
    return ok;
}

/* The gem's body is a string: llmg's must be JSON-equal to it. */
static int check_body_json(const char *label, llmg_json_val want_str, llmg_json_val got)
{
    size_t len;
    char *src = dup_json_str(want_str, &len), path[1024];
    llmg_json_doc want;
    text a, b;
    int ok;
    llmg_json_doc_init(&want);
    if (llmg_json_parse(&want, src, len, NULL, NULL) != LLMG_OK) {
        printf("FAIL %s: the gem's body is not JSON\n", label);
        free(src);
        return 0;
    }
    ok = json_equal(llmg_json_root(&want), got);
    a = compact(llmg_json_root(&want));
    b = compact(got);
    if (!ok) {
        size_t at = first_diff_at(a.ptr, a.len, b.ptr, b.len);
        path[0] = '\0';
        if (!json_where(label, llmg_json_root(&want), got, path, 0, sizeof path))
            printf("FAIL %s: body differs\n", label);
        printf("    compact bodies (gem %lu bytes, llmg %lu) first differ at byte %lu:\n",
               (unsigned long)a.len, (unsigned long)b.len, (unsigned long)at);
        show_bytes_at(a.ptr, a.len, b.ptr, b.len, at);
    } else if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) {
        printf("note %s: body JSON-equal to the gem's, but in another key order (first at byte "
               "%lu)\n",
               label, (unsigned long)first_diff_at(a.ptr, a.len, b.ptr, b.len));
    }
    text_free(&a);
    text_free(&b);
    llmg_json_doc_free(&want);
    free(src);
    return ok;
}

/* The gem's body is known by its length, SHA-256, head and tail: llmg's
   body, written in Ruby's format, must have them. Where it does not, the
   gem's whole body is rebuilt (from the input's $string) to show where
   they differ; failing that, the head or tail shows it. */
static int check_body_digest(const char *label, llmg_json_val request, llmg_json_val got,
                             const char *input_path)
{
    text b = compact(got);
    size_t hlen, tlen, ilen, glen, head_at, tail_at, off;
    char *head = dup_json_str(llmg_json_getc(request, "body_head"), &hlen);
    char *tail = dup_json_str(llmg_json_getc(request, "body_tail"), &tlen);
    char *want_hex = dup_json_str(llmg_json_getc(request, "body_sha256"), NULL), hex[65];
    char *isrc, *gem = NULL;
    int64_t want_bytes = -1;
    int ok = 1;
    llmg_json_doc idoc;

    llmg_json_get_int64(llmg_json_getc(request, "body_bytes"), &want_bytes);
    if (want_bytes < 0 || (uint64_t)want_bytes != b.len) {
        printf("FAIL %s: body: %lu bytes in Ruby's compact form, gem %ld\n", label,
               (unsigned long)b.len, (long)want_bytes);
        ok = 0;
    }
    sha256_hex(b.ptr, b.len, hex);
    if (strcmp(hex, want_hex) != 0) {
        printf("FAIL %s: body: sha256 %s, gem %s\n", label, hex, want_hex);
        ok = 0;
    }
    head_at = first_diff_at(head, hlen, b.ptr, b.len);
    if (head_at < hlen) {
        printf("FAIL %s: body: differs from body_head at byte %lu\n", label, (unsigned long)head_at);
        ok = 0;
    }
    off = b.len >= tlen ? b.len - tlen : 0;
    tail_at = b.len >= tlen ? first_diff_at(tail, tlen, b.ptr + off, tlen) : 0;
    if (tail_at < tlen) {
        printf("FAIL %s: body: differs from body_tail (the last %lu bytes) at byte %lu\n", label,
               (unsigned long)tlen, (unsigned long)(off + tail_at));
        ok = 0;
    }
    if (ok) goto done;

    llmg_json_doc_init(&idoc);
    isrc = read_file(input_path, &ilen);
    if (isrc && llmg_json_parse(&idoc, isrc, ilen, NULL, NULL) == LLMG_OK)
        gem = rebuild_body(llmg_json_root(&idoc), request, &glen);
    if (gem) {
        llmg_json_doc gdoc;
        char path[1024];
        size_t at = first_diff_at(gem, glen, b.ptr, b.len);
        llmg_json_doc_init(&gdoc);
        path[0] = '\0';
        if (llmg_json_parse(&gdoc, gem, glen, NULL, NULL) == LLMG_OK &&
            !json_where(label, llmg_json_root(&gdoc), got, path, 0, sizeof path))
            printf("note %s: body JSON-equal to the gem's, but not in its byte form "
                   "(key order)\n", label);
        printf("    compact bodies (gem %lu bytes, llmg %lu; the gem's rebuilt from the digest) "
               "first differ at byte %lu:\n",
               (unsigned long)glen, (unsigned long)b.len, (unsigned long)at);
        show_bytes_at(gem, glen, b.ptr, b.len, at);
        llmg_json_doc_free(&gdoc);
        free(gem);
    } else if (head_at < hlen) {
        printf("    body_head and llmg's compact body around byte %lu:\n", (unsigned long)head_at);
        show_bytes_at(head, hlen, b.ptr, b.len, head_at);
    } else if (tail_at < tlen) {
        size_t from = tail_at > 100 ? tail_at - 100 : 0;
        printf("    body_tail and llmg's compact body around byte %lu:\n",
               (unsigned long)(off + tail_at));
        printf("    gem  [%lu..): ", (unsigned long)(off + from));
        put_clip(tail + from, tlen - from, 300);
        printf("\n    llmg [%lu..): ", (unsigned long)(off + from));
        put_clip(b.ptr + off + from, b.len - off - from, 300);
        putchar('\n');
    }
    llmg_json_doc_free(&idoc);
    free(isrc);
done:
    free(head);
    free(tail);
    free(want_hex);
    text_free(&b);
    return ok;
}

/* One printable line of llmg's stderr: its first 200 bytes. */
static void put_stderr(const char *dir, int n)
{
    char *path = n_path(dir, n, "err"), *s;
    size_t len = 0;
    s = read_file(path, &len);
    while (s && len && (s[len - 1] == '\n' || s[len - 1] == '\r')) len--;
    if (s && len) put_clip(s, len, 200);
    else fputs("(nothing on stderr)", stdout);
    free(s);
    free(path);
}

static int check_call(const char *dir, int n, llmg_json_val want)
{
    char *label = dup_json_str(llmg_json_getc(want, "label"), NULL);
    llmg_json_val request = llmg_json_getc(want, "request"), top, body;
    char *path, *rc_text, *got = NULL, *input_path = n_path(dir, n, "json");
    size_t len = 0;
    long rc = -1;
    llmg_json_doc doc;
    llmg_error err;
    int ok = 1;
    llmg_json_doc_init(&doc);

    path = n_path(dir, n, "rc");
    rc_text = read_file(path, &len);
    free(path);
    if (rc_text) {                          /* "N\n" */
        char num[32], *end;
        size_t m = len < sizeof num - 1 ? len : sizeof num - 1;
        memcpy(num, rc_text, m);
        num[m] = '\0';
        rc = strtol(num, &end, 10);
        if (end == num) rc = -1;
        free(rc_text);
    }
    if (rc != 0) {
        if (rc < 0) printf("FAIL %s: llmg request was not run: ", label);
        else printf("FAIL %s: llmg request exited %ld: ", label, rc);
        put_stderr(dir, n);
        putchar('\n');
        ok = 0;
        goto done;
    }
    path = n_path(dir, n, "got");
    got = read_file(path, &len);
    free(path);
    if (!got || llmg_json_parse(&doc, got, len, NULL, &err) != LLMG_OK ||
        llmg_json_typeof(llmg_json_root(&doc)) != LLMG_JSON_OBJECT) {
        printf("FAIL %s: stdout is not one JSON object (%s at byte %lu): ", label,
               got ? (doc.count ? "not an object" : err.msg) : "no output",
               got && !doc.count ? (unsigned long)err.offset : 0ul);
        if (got) put_clip(got, len, 200);
        putchar('\n');
        ok = 0;
        goto done;
    }
    top = llmg_json_root(&doc);
    if (!json_equal(llmg_json_getc(request, "method"), llmg_json_getc(top, "method"))) {
        printf("FAIL %s: method: gem ", label);
        put_val(llmg_json_getc(request, "method"));
        fputs(", llmg ", stdout);
        put_val(llmg_json_getc(top, "method"));
        putchar('\n');
        ok = 0;
    }
    if (!json_equal(llmg_json_getc(request, "uri"), llmg_json_getc(top, "url"))) {
        printf("FAIL %s: url: gem ", label);
        put_val(llmg_json_getc(request, "uri"));
        fputs(", llmg ", stdout);
        put_val(llmg_json_getc(top, "url"));
        putchar('\n');
        ok = 0;
    }
    ok &= check_headers(label, request, llmg_json_getc(top, "headers"));
    body = llmg_json_getc(top, "body");
    if (llmg_json_typeof(body) == LLMG_JSON_NONE) {
        printf("FAIL %s: no \"body\"\n", label);
        ok = 0;
    } else if (llmg_json_typeof(llmg_json_getc(request, "body")) == LLMG_JSON_STRING) {
        ok &= check_body_json(label, llmg_json_getc(request, "body"), body);
    } else {
        ok &= check_body_digest(label, request, body, input_path);
    }
    path = n_path(dir, n, "err");
    free(got);
    got = read_file(path, &len);
    free(path);
    if (got && len) {
        printf("note %s: llmg request exited 0 but wrote to stderr: ", label);
        put_clip(got, len, 200);
        putchar('\n');
    }
done:
    if (ok) n_pass++;
    else n_fail++;
    llmg_json_doc_free(&doc);
    free(got);
    free(input_path);
    free(label);
    return ok;
}

static void check_dir(const char *dir)
{
    tally t;
    int n, i;
    memset(&t, 0, sizeof t);
    if (!sha256_self_test()) n_fail++;
    for (n = 1;; n++) {
        char *path = n_path(dir, n, "want"), *src;
        size_t len;
        llmg_json_doc doc;
        src = read_file(path, &len);
        free(path);
        if (!src) break;
        llmg_json_doc_init(&doc);
        if (llmg_json_parse(&doc, src, len, NULL, NULL) != LLMG_OK) {
            printf("FAIL %d.want: not JSON\n", n);
            n_fail++;
        } else {
            llmg_json_val want = llmg_json_root(&doc);
            char *key = dup_json_str(llmg_json_getc(want, "provider"), NULL);
            tally_key(&t, key);
            free(key);
            t.calls++;
            t.digest += llmg_json_typeof(llmg_json_getc(want, "digest")) == LLMG_JSON_TRUE;
            t.expands += llmg_json_typeof(llmg_json_getc(want, "expands")) == LLMG_JSON_TRUE;
            check_call(dir, n, want);
        }
        llmg_json_doc_free(&doc);
        free(src);
    }
    printf("llmg request: %d calls (", t.calls);
    for (i = 0; i < 16 && t.keys[i]; i++) {
        printf("%s%s %d", i ? ", " : "", t.keys[i], t.count[i]);
        free(t.keys[i]);
    }
    printf("); %d bodies known by digest only, %d inputs with $string\n", t.digest, t.expands);
}

/* ---------------------------------------------------------------- --fake */

/* What a correct `llmg request` prints for DIR/N.json. */
static int fake(const char *input_path)
{
    size_t plen = strlen(input_path), ilen, wlen, blen;
    char *want_path = (char *)malloc(plen + 6), *isrc, *wsrc;
    llmg_json_doc idoc, wdoc;
    llmg_json_val request, k, v;
    llmg_json_writer w;
    int i, rc = 1;
    if (!want_path) abort();
    memcpy(want_path, input_path, plen + 1);
    if (plen > 5 && strcmp(want_path + plen - 5, ".json") == 0) want_path[plen - 5] = '\0';
    strcat(want_path, ".want");
    llmg_json_doc_init(&idoc);
    llmg_json_doc_init(&wdoc);
    isrc = read_file(input_path, &ilen);
    wsrc = read_file(want_path, &wlen);
    if (!isrc || !wsrc || llmg_json_parse(&idoc, isrc, ilen, NULL, NULL) != LLMG_OK ||
        llmg_json_parse(&wdoc, wsrc, wlen, NULL, NULL) != LLMG_OK) {
        fprintf(stderr, "error: cannot read %s and %s\n", input_path, want_path);
        goto done;
    }
    if (!sha256_self_test()) goto done;
    request = llmg_json_getc(llmg_json_root(&wdoc), "request");
    llmg_json_writer_init(&w, NULL, NULL);
    llmg_json_write_obj_begin(&w);
    llmg_json_write_keyc(&w, "method");
    llmg_json_write_val(&w, llmg_json_getc(request, "method"));
    llmg_json_write_keyc(&w, "url");
    llmg_json_write_val(&w, llmg_json_getc(request, "uri"));
    llmg_json_write_keyc(&w, "headers");
    llmg_json_write_obj_begin(&w);
    for (i = 0; i < 2; i++) {
        llmg_json_iter it = llmg_json_iter_init(llmg_json_getc(request, i ? "secret_headers" : "headers"));
        while (llmg_json_iter_next(&it, &k, &v)) {
            llmg_json_write_val(&w, k);
            llmg_json_write_val(&w, v);
        }
    }
    llmg_json_write_obj_end(&w);
    llmg_json_write_keyc(&w, "body");
    v = llmg_json_getc(request, "body");
    if (llmg_json_typeof(v) == LLMG_JSON_STRING) {
        char *body = dup_json_str(v, &blen);
        llmg_str s;
        s.ptr = body;
        s.len = blen;
        llmg_json_write_raw(&w, s);
        free(body);
    } else {
        char *body = rebuild_body(llmg_json_root(&idoc), request, &blen);
        llmg_str s;
        if (!body) {
            llmg_json_writer_free(&w);
            goto done;
        }
        s.ptr = body;
        s.len = blen;
        llmg_json_write_raw(&w, s);
        free(body);
    }
    llmg_json_write_obj_end(&w);
    if (llmg_json_writer_status(&w, NULL) == LLMG_OK) {
        fwrite(w.out.ptr, 1, w.out.len, stdout);
        putchar('\n');
        rc = 0;
    }
    llmg_json_writer_free(&w);
done:
    llmg_json_doc_free(&idoc);
    llmg_json_doc_free(&wdoc);
    free(isrc);
    free(wsrc);
    free(want_path);
    return rc;
}

/* --equal: both files parse as JSON and are JSON-equal. */
static int equal_files(const char *want_path, const char *got_path)
{
    size_t wl = 0, gl = 0;
    char *want = read_file(want_path, &wl), *got = read_file(got_path, &gl);
    llmg_json_doc wd, gd;
    int rc = 1;
    llmg_json_doc_init(&wd);
    llmg_json_doc_init(&gd);
    if (!want || !got) {
        fprintf(stderr, "cannot read %s\n", want ? got_path : want_path);
    } else if (llmg_json_parse(&wd, want, wl, NULL, NULL) != LLMG_OK) {
        fprintf(stderr, "%s: not one JSON value\n", want_path);
    } else if (llmg_json_parse(&gd, got, gl, NULL, NULL) != LLMG_OK) {
        fprintf(stderr, "%s: not one JSON value\n", got_path);
    } else if (!json_equal(llmg_json_root(&wd), llmg_json_root(&gd))) {
        fprintf(stderr, "%s and %s differ\n", want_path, got_path);
    } else {
        rc = 0;
    }
    llmg_json_doc_free(&wd);
    llmg_json_doc_free(&gd);
    free(want);
    free(got);
    return rc;
}

int main(int argc, char **argv)
{
    int i, n = 0, ok = 1;
    if (argc == 3 && strcmp(argv[1], "--check") == 0) {
        check_dir(argv[2]);
        printf("%d passed, %d failed\n", n_pass, n_fail);
        return n_fail ? 1 : 0;
    }
    if (argc == 3 && strcmp(argv[1], "--fake") == 0) return fake(argv[2]);
    if (argc == 4 && strcmp(argv[1], "--equal") == 0) return equal_files(argv[2], argv[3]);
    if (argc < 4 || strcmp(argv[2], "--emit") != 0) {
        fprintf(stderr, "usage: conformance_requests EXPECTED_DIR --emit DIR FILE...\n"
                        "       conformance_requests --check DIR\n"
                        "       conformance_requests --fake DIR/N.json\n"
                        "       conformance_requests --equal WANT GOT\n");
        return 2;
    }
    for (i = 4; i < argc; i++) ok &= emit_file(argv[1], argv[i], argv[3], &n);
    printf("emitted %d calls\n", n);
    return ok ? 0 : 1;
}
