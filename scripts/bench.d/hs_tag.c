/* hs_tag.c - the Hyperscan peer of `sanctag tag` for scripts/bench.
 *
 * Usage: hs_tag ALIASES TEXT OUT
 *   ALIASES  one name per line (UTF-8)
 *   TEXT     one document per line (UTF-8)
 *   OUT      selected matches, "LINE<TAB>START<TAB>END<TAB>ALIAS#" per line
 *            (byte offsets into the line), or /dev/null
 *
 * Does the job sanctag does, the Hyperscan way: every alias is a caseless
 * literal (HS_FLAG_CASELESS: ASCII case only) compiled with start-of-match
 * (HS_FLAG_SOM_LEFTMOST); a match counts only when the characters on both
 * sides are not letters, marks or digits (Unicode classes, UTF-8 decoded); of
 * the matches left, leftmost-longest non-overlapping ones are selected per
 * document. Prints one JSON object to stdout: aliases, build_s (compile),
 * scan_s (scan + selection + output), bytes (text bytes, newlines excluded),
 * docs, matches, db_bytes. TEXT is read as a stream, one line at a time.
 *
 * Build: cc -O2 hs_tag.c $(pkg-config --cflags --libs libhs icu-uc) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hs/hs.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

typedef struct match {
    uint32_t from, to, id;
} match;

typedef struct ctx {
    const unsigned char *s;
    size_t len;
    match *v;
    size_t n, cap;
} ctx;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "hs_tag: out of memory\n");
        exit(3);
    }
    return q;
}

static int is_word_cp(UChar32 c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

/* Is the character ending just before byte `at` a word character? */
static int word_before(const unsigned char *s, size_t at)
{
    if (at == 0)
        return 0;
    if (s[at - 1] < 0x80)
        return is_word_cp(s[at - 1]);
    int32_t i = (int32_t)at;
    UChar32 c;
    U8_PREV(s, 0, i, c);
    return c >= 0 && is_word_cp(c);
}

/* Is the character starting at byte `at` a word character? */
static int word_at(const unsigned char *s, size_t len, size_t at)
{
    if (at >= len)
        return 0;
    if (s[at] < 0x80)
        return is_word_cp(s[at]);
    int32_t i = (int32_t)at;
    UChar32 c;
    U8_NEXT(s, i, (int32_t)len, c);
    return c >= 0 && is_word_cp(c);
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *arg)
{
    ctx *c = arg;
    (void)flags;
    if (word_before(c->s, (size_t)from) || word_at(c->s, c->len, (size_t)to))
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = (match){(uint32_t)from, (uint32_t)to, id};
    return 0;
}

static int by_start_longest(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    if (x->to != y->to)
        return x->to > y->to ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static char *slurp(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 20, n = 0;
    char *p = xrealloc(NULL, cap);
    size_t got;
    while ((got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            p = xrealloc(p, cap *= 2);
    }
    fclose(f);
    p = xrealloc(p, n + 1);
    p[n] = 0;
    *ret_len = n;
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "Usage: hs_tag ALIASES TEXT OUT\n");
        return 2;
    }
    if (hs_valid_platform() != HS_SUCCESS) {
        fprintf(stderr, "hs_tag: this CPU cannot run Hyperscan (needs SSSE3)\n");
        return 3;
    }
    double t0 = now();
    size_t alen;
    char *abuf = slurp(argv[1], &alen);
    size_t na = 0, acap = 1024;
    const char **lits = xrealloc(NULL, acap * sizeof *lits);
    size_t *lens = xrealloc(NULL, acap * sizeof *lens);
    for (char *p = abuf, *end = abuf + alen; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        size_t l = (size_t)(nl - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l) {
            if (na == acap) {
                acap *= 2;
                lits = xrealloc(lits, acap * sizeof *lits);
                lens = xrealloc(lens, acap * sizeof *lens);
            }
            lits[na] = p;
            lens[na] = l;
            na++;
        }
        p = nl + 1;
    }
    unsigned *flags = xrealloc(NULL, na * sizeof *flags);
    unsigned *ids = xrealloc(NULL, na * sizeof *ids);
    for (size_t i = 0; i < na; i++) {
        flags[i] = HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST;
        ids[i] = (unsigned)i;
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *cerr = NULL;
    if (hs_compile_lit_multi(lits, flags, ids, lens, (unsigned)na, HS_MODE_BLOCK, NULL, &db,
                             &cerr) != HS_SUCCESS) {
        fprintf(stderr, "hs_tag: compile failed (expression %d): %s\n", cerr->expression,
                cerr->message);
        return 3;
    }
    hs_scratch_t *scratch = NULL;
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
        fprintf(stderr, "hs_tag: cannot allocate scratch\n");
        return 3;
    }
    size_t dbsize = 0;
    hs_database_size(db, &dbsize);
    double t1 = now();

    FILE *in = fopen(argv[2], "rb");
    if (!in) {
        perror(argv[2]);
        return 2;
    }
    double t2 = now();
    FILE *out = fopen(argv[3], "wb");
    if (!out) {
        perror(argv[3]);
        return 2;
    }
    static char obuf[1 << 20];
    setvbuf(out, obuf, _IOFBF, sizeof obuf);
    ctx c = {0};
    unsigned long long nmatch = 0, bytes = 0, docs = 0;
    long line = 0;
    char *p = NULL;
    size_t pcap = 0;
    ssize_t got;
    /* one document per line, read as a stream: memory is the database, the
     * scratch and one document */
    while ((got = getline(&p, &pcap, in)) >= 0) {
        size_t l = (size_t)got;
        if (l && p[l - 1] == '\n')
            l--;
        line++;
        if (!l)
            continue;
        docs++;
        bytes += l;
        c.s = (const unsigned char *)p;
        c.len = l;
        c.n = 0;
        if (hs_scan(db, p, (unsigned)l, 0, scratch, on_match, &c) != HS_SUCCESS) {
            fprintf(stderr, "hs_tag: scan failed at line %ld\n", line);
            return 3;
        }
        if (c.n > 1)
            qsort(c.v, c.n, sizeof *c.v, by_start_longest);
        uint32_t cursor = 0;
        for (size_t i = 0; i < c.n; i++) {
            if (c.v[i].from < cursor)
                continue;
            cursor = c.v[i].to;
            nmatch++;
            fprintf(out, "%ld\t%u\t%u\t%u\n", line, c.v[i].from, c.v[i].to, c.v[i].id);
        }
    }
    if (ferror(in)) {
        perror(argv[2]);
        return 3;
    }
    fclose(in);
    free(p);
    if (fclose(out) != 0) {
        perror(argv[3]);
        return 3;
    }
    double t3 = now();
    printf("{\"aliases\": %zu, \"build_s\": %.4f, \"scan_s\": %.4f, "
           "\"bytes\": %llu, \"docs\": %llu, \"matches\": %llu, \"db_bytes\": %zu}\n",
           na, t1 - t0, t3 - t2, bytes, docs, nmatch, dbsize);
    hs_free_scratch(scratch);
    hs_free_database(db);
    free(c.v);
    free(flags);
    free(ids);
    free(lits);
    free(lens);
    free(abuf);
    return 0;
}
