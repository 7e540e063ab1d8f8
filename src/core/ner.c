/* ner.c - the statistical name recogniser: token features, the model file and
 * Viterbi decoding over BIO tags (ner.h has the design). */
#include "core/ner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "util/mem.h"

/* The decoder's logistic function is a table over logits [-16, 16) in steps
 * of 1/128 (absolute error under 0.001, far below what tells tags apart):
 * a lookup instead of an expf, 7 of which every token would pay per path. */
#define SIG_STEPS 128
#define SIG_SIZE (32 * SIG_STEPS + 1)

struct sanctagp_ner {
    unsigned bits;
    uint32_t mask;
    float scale;
    float sig[SIG_SIZE];   /* the logistic function, tabulated (tag_probs) */
    int16_t *w;         /* (2^bits + 1) rows of NER_ROW, 16-byte aligned */
    uint32_t *lex_hash; /* the lexicon (ner.h) */
    uint8_t *lex_cls;
    uint32_t *slot_hash; /* its hash table */
    uint8_t *slot_cls;
    sanctagp_ner_lexicon lex;
    char *provenance;
    size_t provenance_len;
};

static const char *const labels[NER_NTAGS] = { NULL,  "PERSON",   "PERSON",  "ORG",
                                               "ORG", "LOCATION", "LOCATION" };

const char *sanctagp_ner_label(int tag)
{
    return tag > 0 && tag < NER_NTAGS ? labels[tag] : NULL;
}

/* ---- features ---------------------------------------------------------------- */

uint32_t sanctagp_ner_word_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* Slot of hash h in a table of mask + 1 slots (multiplicative hashing: the
 * word hashes' high bits are the better mixed). */
static inline uint32_t slot_of(uint32_t h, uint32_t mask)
{
    return (uint32_t)(((uint64_t)h * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

unsigned sanctagp_ner_lex_classes(const sanctagp_ner_lexicon *lex, uint32_t h)
{
    if (lex && lex->mask) {
        for (uint32_t s = slot_of(h, lex->mask);; s = (s + 1) & lex->mask) {
            if (!lex->slot_cls[s])
                return 0;
            if (lex->slot_hash[s] == h)
                return lex->slot_cls[s];
        }
    }
    size_t lo = 0, hi = lex ? lex->n : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lex->hash[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lex && lo < lex->n && lex->hash[lo] == h ? lex->cls[lo] : 0;
}

static inline uint32_t mix(uint32_t a, uint32_t b)
{
    uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u + (a << 6) + (a >> 2));
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* Feature templates: each feature is a hash of its template number and values. */
enum {
    F_W0 = 1,
    F_SH0,
    F_P2,
    F_P3,
    F_S2,
    F_S3,
    F_WM1,
    F_WM2,
    F_WP1,
    F_WP2,
    F_SHM1,
    F_SHM2,
    F_SHP1,
    F_SHP2,
    F_WM1_SH0,
    F_WP1_SH0,
    F_START_SH0,
    F_SH3,
    F_W0_WP1,
    F_WM1_W0,
    F_S4,
    F_WM2_WM1,
    F_WP1_WP2,
    F_LEX0,
    F_LEXM1,
    F_LEXP1,
    F_LEX3,
    F_LEX0_SH0,
    F_LEXM1_W0,
    F_PT = 40,
    F_PT_SH0,
    F_PT_W0,
};

#define H_OUTSIDE 0x5bd1e995u /* word and shape of a position outside the sentence */

/* Shape: case class, the normalised bytes with letters as x, digits as d and
 * runs collapsed (at most 6), and the length up to 4. */
static uint32_t shape_of(const sanctagp_token *t, const char *norm)
{
    char pat[8];
    size_t k = 0;
    for (size_t i = 0; i < t->norm_len && k < 6; i++) {
        unsigned char c = (unsigned char)norm[i];
        char p = c >= 0x80                ? 'x'
                 : (c >= 'a' && c <= 'z') ? 'x'
                 : (c >= '0' && c <= '9') ? 'd'
                                          : (char)c;
        if (c >= 0x80 && c < 0xC0)
            continue; /* UTF-8 continuation byte */
        if (k == 0 || pat[k - 1] != p)
            pat[k++] = p;
    }
    uint32_t h = sanctagp_ner_word_hash(pat, k);
    unsigned len = t->norm_len < 4 ? t->norm_len : 4;
    return mix(h, (uint32_t)t->cls * 8u + len + ((t->flags & TF_FIRST_UPPER) ? 64u : 0u));
}

void sanctagp_ner_tok_info(const sanctagp_ner_lexicon *lex, const sanctagp_tokens *tk, size_t i,
                           sanctagp_ner_tok *out)
{
    const sanctagp_token *t = &tk->v[i];
    const char *s = sanctagp_token_norm(tk, t);
    size_t n = t->norm_len;
    out->word = sanctagp_ner_word_hash(s, n);
    out->cap = t->kind == TK_WORD && t->cls >= TC_TITLE;
    /* the arena starts with the document at its own offsets (core/text.h) */
    out->glued = i > 0 && t->kind == TK_WORD && tk->v[i - 1].kind == TK_WORD &&
                 t->start == tk->v[i - 1].end + 1 && tk->arena[t->start - 1] == '-';
    out->shape = mix(shape_of(t, s), out->glued);
    out->lex = (uint8_t)sanctagp_ner_lex_classes(lex, out->word);
}

/* Index of the token k positions from i inside i's sentence, or -1. */
static long neighbour(const sanctagp_tokens *tk, size_t i, int k)
{
    long j = (long)i + k;
    if (j < 0 || (size_t)j >= tk->n)
        return -1;
    if (k < 0) {
        for (long x = (long)i; x > j; x--)
            if (tk->v[x].flags & TF_SENT_START)
                return -1;
    } else {
        for (long x = (long)i + 1; x <= j; x++)
            if (tk->v[x].flags & TF_SENT_START)
                return -1;
    }
    return j;
}

size_t sanctagp_ner_static_features(const sanctagp_tokens *tk, const sanctagp_ner_tok *info,
                                    size_t i, unsigned bits, uint32_t *out)
{
    uint32_t mask = (1u << bits) - 1, w[5], sh[5], lx[5];
    for (int k = -2; k <= 2; k++) {
        long j = neighbour(tk, i, k);
        w[k + 2] = j < 0 ? H_OUTSIDE : info[j].word;
        sh[k + 2] = j < 0 ? H_OUTSIDE : info[j].shape;
        /* word classes only of the token and its first neighbours (the
         * decoder looks up no others) */
        lx[k + 2] = j < 0 ? 0xFFu : k == -2 || k == 2 ? 0 : info[j].lex;
    }
    const sanctagp_ner_tok *t = &info[i];
    /* affixes: only of the token scored, not of its neighbours */
    const char *str = sanctagp_token_norm(tk, &tk->v[i]);
    size_t len = tk->v[i].norm_len;
    uint32_t p2 = sanctagp_ner_word_hash(str, len < 2 ? len : 2);
    uint32_t p3 = sanctagp_ner_word_hash(str, len < 3 ? len : 3);
    uint32_t s2 = sanctagp_ner_word_hash(str + (len < 2 ? 0 : len - 2), len < 2 ? len : 2);
    uint32_t s3 = sanctagp_ner_word_hash(str + (len < 3 ? 0 : len - 3), len < 3 ? len : 3);
    uint32_t s4 = sanctagp_ner_word_hash(str + (len < 4 ? 0 : len - 4), len < 4 ? len : 4);
    uint32_t start = (tk->v[i].flags & TF_SENT_START) ? 1 : 0;
    size_t n = 0;
    out[n++] = mix(F_W0, t->word) & mask;
    out[n++] = mix(F_SH0, t->shape) & mask;
    out[n++] = mix(F_P2, p2) & mask;
    out[n++] = mix(F_P3, p3) & mask;
    out[n++] = mix(F_S2, s2) & mask;
    out[n++] = mix(F_S3, s3) & mask;
    out[n++] = mix(F_WM1, w[1]) & mask;
    out[n++] = mix(F_WM2, w[0]) & mask;
    out[n++] = mix(F_WP1, w[3]) & mask;
    out[n++] = mix(F_WP2, w[4]) & mask;
    out[n++] = mix(F_SHM1, sh[1]) & mask;
    out[n++] = mix(F_SHM2, sh[0]) & mask;
    out[n++] = mix(F_SHP1, sh[3]) & mask;
    out[n++] = mix(F_SHP2, sh[4]) & mask;
    out[n++] = mix(mix(F_WM1_SH0, w[1]), sh[2]) & mask;
    out[n++] = mix(mix(F_WP1_SH0, w[3]), sh[2]) & mask;
    out[n++] = mix(mix(F_START_SH0, start), sh[2]) & mask;
    out[n++] = mix(mix(mix(F_SH3, sh[1]), sh[2]), sh[3]) & mask;
    out[n++] = mix(mix(F_W0_WP1, w[2]), w[3]) & mask;
    out[n++] = mix(mix(F_WM1_W0, w[1]), w[2]) & mask;
    out[n++] = mix(F_S4, s4) & mask;
    out[n++] = mix(mix(F_WM2_WM1, w[0]), w[1]) & mask;
    out[n++] = mix(mix(F_WP1_WP2, w[3]), w[4]) & mask;
    out[n++] = mix(F_LEX0, lx[2]) & mask;
    out[n++] = mix(F_LEXM1, lx[1]) & mask;
    out[n++] = mix(F_LEXP1, lx[3]) & mask;
    out[n++] = mix(F_LEX3, lx[1] << 16 | lx[2] << 8 | lx[3]) & mask;
    out[n++] = mix(mix(F_LEX0_SH0, lx[2]), sh[2]) & mask;
    out[n++] = mix(mix(F_LEXM1_W0, lx[1]), w[2]) & mask;
    return n;
}

size_t sanctagp_ner_dynamic_features(const sanctagp_ner_tok *info, size_t i, int prev,
                                     unsigned bits, uint32_t *out)
{
    uint32_t mask = (1u << bits) - 1, p = (uint32_t)prev;
    out[0] = mix(F_PT, p) & mask;
    out[1] = mix(mix(F_PT_SH0, p), info[i].shape) & mask;
    out[2] = mix(mix(F_PT_W0, p), info[i].word) & mask;
    return 3;
}

/* ---- the model file ------------------------------------------------------------ */

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

#define HEADER SANCTAGP_NER_HEADER

/* Bytes of the lexicon section of a model of nlex words. */
static size_t lex_bytes(size_t nlex)
{
    return (5 * nlex + 3) & ~(size_t)3;
}

int sanctagp_ner_serialize(unsigned bits, const float *weights, const sanctagp_ner_lexicon *lex,
                           const char *provenance, void **ret, size_t *ret_len)
{
    size_t rows = ((size_t)1 << bits) + 1, plen = strlen(provenance);
    size_t len = HEADER + plen + lex_bytes(lex->n) + rows * NER_ROW * 2;
    unsigned char *b = calloc(1, len);
    if (!b)
        return -1;
    float max = 0;
    for (size_t i = 0; i < rows * NER_NTAGS; i++)
        max = fabsf(weights[i]) > max ? fabsf(weights[i]) : max;
    float scale = max > 0 ? max / 32767.0f : 1.0f;
    memcpy(b, NER_MAGIC, 8);
    put32(b + 8, bits);
    put32(b + 12, NER_NTAGS);
    put32(b + 16, (uint32_t)lex->n);
    uint32_t sbits;
    memcpy(&sbits, &scale, 4);
    put32(b + 20, sbits);
    put32(b + 24, (uint32_t)plen);
    memcpy(b + HEADER, provenance, plen);
    unsigned char *p = b + HEADER + plen;
    for (size_t i = 0; i < lex->n; i++) {
        put32(p + 4 * i, lex->hash[i]);
        p[4 * lex->n + i] = lex->cls[i];
    }
    p += lex_bytes(lex->n);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < NER_NTAGS; c++) {
            long q = lrintf(weights[r * NER_NTAGS + c] / scale);
            uint16_t u = (uint16_t)(int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q);
            unsigned char *d = p + (r * NER_ROW + c) * 2;
            d[0] = (unsigned char)u;
            d[1] = (unsigned char)(u >> 8);
        }
    *ret = b;
    *ret_len = len;
    return 0;
}

static sanctagp_ner *load_fail(sanctagp_ner *m, char *err, size_t cap, const char *msg)
{
    snprintf(err, cap, "%s", msg);
    sanctagp_ner_free(m);
    return NULL;
}

/* Copies the lexicon section p of nlex words into m and makes its hash
 * table (at most half full); -1 unless ascending with nonzero classes, -2
 * out of memory. */
static int load_lexicon(sanctagp_ner *m, const unsigned char *p, uint32_t nlex)
{
    uint32_t mask = 15;
    while (mask / 2 < nlex)
        mask = mask * 2 + 1;
    m->slot_hash = malloc(((size_t)mask + 1) * sizeof *m->slot_hash);
    m->slot_cls = calloc((size_t)mask + 1, 1);
    if (!m->slot_hash || !m->slot_cls)
        return -2;
    for (uint32_t i = 0; i < nlex; i++) {
        uint32_t h = m->lex_hash[i] = get32(p + 4 * (size_t)i);
        uint8_t c = m->lex_cls[i] = p[4 * (size_t)nlex + i];
        if ((i && h <= m->lex_hash[i - 1]) || !c)
            return -1;
        uint32_t s = slot_of(h, mask);
        while (m->slot_cls[s])
            s = (s + 1) & mask;
        m->slot_hash[s] = h;
        m->slot_cls[s] = c;
    }
    m->lex =
        (sanctagp_ner_lexicon){ m->lex_hash, m->lex_cls, nlex, m->slot_hash, m->slot_cls, mask };
    return 0;
}

int sanctagp_ner_check_header(const void *head, size_t nhead, size_t len, char *err,
                              size_t errcap)
{
    const unsigned char *b = head;
    const char *why = NULL;
    if (!b || len < 8 || nhead < 8 || memcmp(b, NER_MAGIC, 8) != 0)
        why = "not a sanctag NER model (bad magic)";
    else if (len < HEADER || nhead < HEADER)
        why = "NER model too short for its header";
    if (why) {
        snprintf(err, errcap, "%s", why);
        return -1;
    }
    uint32_t bits = get32(b + 8), ntags = get32(b + 12), nlex = get32(b + 16);
    uint32_t plen = get32(b + 24);
    if (bits < 8 || bits > 24 || ntags != NER_NTAGS || nlex > (1u << 24) || plen > (1u << 24))
        why = "NER model header out of range";
    else if (len != HEADER + (size_t)plen + lex_bytes(nlex) +
                        (((size_t)1 << bits) + 1) * NER_ROW * 2)
        why = "NER model has the wrong size for its header";
    if (why) {
        snprintf(err, errcap, "%s", why);
        return -1;
    }
    return 0;
}

int sanctagp_ner_check(const void *data, size_t len, char *err, size_t errcap)
{
    return sanctagp_ner_check_header(data, len, len, err, errcap);
}

sanctagp_ner *sanctagp_ner_load(const void *data, size_t len, char *err, size_t errcap)
{
    const unsigned char *b = data;
    if (sanctagp_ner_check(data, len, err, errcap))
        return NULL;
    uint32_t bits = get32(b + 8), nlex = get32(b + 16);
    uint32_t sbits = get32(b + 20), plen = get32(b + 24);
    size_t rows = ((size_t)1 << bits) + 1;
    sanctagp_ner *m = calloc(1, sizeof *m);
    if (!m)
        return load_fail(NULL, err, errcap, "out of memory");
    m->bits = bits;
    m->mask = (1u << bits) - 1;
    memcpy(&m->scale, &sbits, 4);
    if (!(m->scale > 0) || !isfinite(m->scale))
        return load_fail(m, err, errcap, "NER model has a bad weight scale");
    for (int k = 0; k < SIG_SIZE; k++)
        m->sig[k] = (float)(1.0 / (1.0 + exp(-(double)(k - SIG_SIZE / 2) / SIG_STEPS)));
    m->provenance = malloc(plen + 1);
    m->lex_hash = malloc(4 * (size_t)nlex + 4);
    m->lex_cls = malloc((size_t)nlex + 1);
    m->w = aligned_alloc(64, (rows * NER_ROW * 2 + 63) & ~(size_t)63);
    if (!m->provenance || !m->lex_hash || !m->lex_cls || !m->w)
        return load_fail(m, err, errcap, "out of memory");
    memcpy(m->provenance, b + HEADER, plen);
    m->provenance[plen] = 0;
    m->provenance_len = plen;
    const unsigned char *p = b + HEADER + plen;
    int lrc = load_lexicon(m, p, nlex);
    if (lrc)
        return load_fail(m, err, errcap,
                         lrc == -2 ? "out of memory" : "NER model lexicon is not sorted");
    p += lex_bytes(nlex);
    for (size_t i = 0; i < rows * NER_ROW; i++)
        m->w[i] = (int16_t)(uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
    return m;
}

void sanctagp_ner_free(sanctagp_ner *m)
{
    if (!m)
        return;
    free(m->w);
    free(m->lex_hash);
    free(m->lex_cls);
    free(m->slot_hash);
    free(m->slot_cls);
    free(m->provenance);
    free(m);
}

const sanctagp_ner_lexicon *sanctagp_ner_lexicon_of(const sanctagp_ner *m)
{
    return &m->lex;
}

const char *sanctagp_ner_provenance(const sanctagp_ner *m, size_t *ret_len)
{
    *ret_len = m->provenance_len;
    return m->provenance;
}

/* ---- decoding ------------------------------------------------------------------ */

void sanctagp_ner_work_release(sanctagp_ner_work *w)
{
    free(w->info);
    free(w->score);
    free(w->back);
    free(w->prob);
    free(w->tagprob);
    free(w->tags);
    memset(w, 0, sizeof *w);
}

static int work_reserve(sanctagp_ner_work *w, size_t ntok)
{
    if (ntok > w->info_cap) {
        size_t cap = ntok + ntok / 2 + 64;
        sanctagp_ner_tok *info = realloc(w->info, cap * sizeof *info);
        if (!info)
            return -1;
        w->info = info;
        w->info_cap = cap;
    }
    if (ntok > w->cap) {
        size_t cap = ntok + ntok / 2 + 64;
        free(w->score);
        free(w->back);
        free(w->prob);
        free(w->tagprob);
        free(w->tags);
        w->score = malloc(cap * NER_NTAGS * sizeof *w->score);
        w->back = malloc(cap * NER_NTAGS);
        w->prob = malloc(cap * NER_NTAGS * sizeof *w->prob);
        w->tagprob = malloc(cap * sizeof *w->tagprob);
        w->tags = malloc(cap);
        w->cap = cap;
        if (!w->score || !w->back || !w->prob || !w->tagprob || !w->tags) {
            w->cap = 0;
            return -1;
        }
    }
    return 0;
}

static int allowed(int prev, int tag)
{
    /* I-X (even tags above 0) only after B-X or I-X */
    return tag == NER_O || (tag & 1) || prev == tag || prev == tag - 1;
}

/* acc[0..8) += the rows of buckets f[0..nf) (each NER_ROW int16 weights, 16
 * bytes, 16-byte aligned). The sums of the 32 feature rows of a token are
 * most of the decoder's work: SSE2 (every x86-64) adds a row in two
 * instructions, widened to int32 so that no sum can overflow. */
static void sum_rows(const int16_t *w, const uint32_t *f, size_t nf, int32_t *acc)
{
#if defined(__SSE2__)
    __m128i lo = _mm_loadu_si128((const __m128i *)acc);
    __m128i hi = _mm_loadu_si128((const __m128i *)(acc + 4));
    for (size_t k = 0; k < nf; k++) {
        __m128i r = _mm_load_si128((const __m128i *)(w + (size_t)f[k] * NER_ROW));
        lo = _mm_add_epi32(lo, _mm_srai_epi32(_mm_unpacklo_epi16(r, r), 16));
        hi = _mm_add_epi32(hi, _mm_srai_epi32(_mm_unpackhi_epi16(r, r), 16));
    }
    _mm_storeu_si128((__m128i *)acc, lo);
    _mm_storeu_si128((__m128i *)(acc + 4), hi);
#else
    for (size_t k = 0; k < nf; k++)
        for (int c = 0; c < NER_ROW; c++)
            acc[c] += w[(size_t)f[k] * NER_ROW + c];
#endif
}

/* Probabilities of the tags of token i after tag prev, as liblinear's
 * predict_probability gives them for one-vs-rest logistic regression: a
 * sigmoid per tag, normalised to sum 1. `base` holds the static sums. */
static void tag_probs(const sanctagp_ner *m, const sanctagp_ner_tok *info, size_t i, int prev,
                      const int32_t *base, float *prob)
{
    int32_t acc[NER_ROW];
    memcpy(acc, base, sizeof acc);
    uint32_t f[NER_MAX_DYNAMIC];
    size_t nf = sanctagp_ner_dynamic_features(info, i, prev, m->bits, f);
    sum_rows(m->w, f, nf, acc);
    float sum = 0, k = m->scale * SIG_STEPS, half = SIG_SIZE / 2;
    for (int c = 0; c < NER_NTAGS; c++) {
        float x = (float)acc[c] * k;
        x = x < -half ? -half : x > half ? half : x;
        prob[c] = m->sig[(int)(x + half + 0.5f)];
        sum += prob[c];
    }
    float inv = 1.0f / sum;
    for (int c = 0; c < NER_NTAGS; c++)
        prob[c] *= inv;
}

/* The bias plus the weights of the static features of token i, per tag. */
static void static_sums(const sanctagp_ner *m, const sanctagp_tokens *tk,
                        const sanctagp_ner_tok *info, size_t i, int32_t *base)
{
    uint32_t f[NER_MAX_STATIC + 1];
    size_t nf = sanctagp_ner_static_features(tk, info, i, m->bits, f);
    f[nf++] = m->mask + 1; /* the bias row */
    memset(base, 0, NER_ROW * sizeof *base);
    sum_rows(m->w, f, nf, base);
}

void sanctagp_ner_token_probs(const sanctagp_ner *m, const sanctagp_tokens *tk,
                              const sanctagp_ner_tok *info, size_t i, int prev, float *prob)
{
    int32_t base[NER_ROW];
    static_sums(m, tk, info, i, base);
    tag_probs(m, info, i, prev, base, prob);
}

/* Paths below the best path's probability times this are not extended
 * (1e-3: the same NER-UI and dev scores as no beam, half the evaluations). */
#define BEAM_RATIO 1e-3f

/* Viterbi over tokens [a, b) of tk (w->info filled for them), the tag before
 * a and before every sentence start being O; the best tags into
 * w->tags[0..b-a) and the probability of each chosen tag into w->tagprob.
 * Path probabilities are kept as products, each column rescaled to a best
 * of 1 (no logarithms), and only paths within BEAM_RATIO of the best are
 * extended (a beam; the tags after a pruned path are rarely worth 7 more
 * model evaluations). */
static void viterbi(const sanctagp_ner *m, const sanctagp_tokens *tk, sanctagp_ner_work *w,
                    size_t a, size_t b)
{
    size_t n = b - a;
    for (size_t j = 0; j < n; j++) {
        size_t i = a + j;
        int32_t base[NER_ROW];
        static_sums(m, tk, w->info, i, base);
        float *sc = w->score + j * NER_NTAGS, *pr = w->prob + j * NER_NTAGS;
        const float *last = j ? sc - NER_NTAGS : NULL;
        uint8_t *bk = w->back + j * NER_NTAGS;
        for (int c = 0; c < NER_NTAGS; c++)
            sc[c] = 0;
        int restart = j == 0 || (tk->v[i].flags & TF_SENT_START);
        int bestp = 0;
        for (int p = 1; j && p < NER_NTAGS; p++)
            bestp = last[p] > last[bestp] ? p : bestp;
        for (int p = 0; p < NER_NTAGS; p++) {
            if (restart ? p != NER_O : !(last[p] > 0) || last[p] < last[bestp] * BEAM_RATIO)
                continue;
            float before = j == 0 ? 1.0f : restart ? last[bestp] : last[p];
            float prob[NER_NTAGS];
            tag_probs(m, w->info, i, p, base, prob);
            for (int c = 0; c < NER_NTAGS; c++) {
                float s = before * prob[c];
                if (allowed(p, c) && s > sc[c]) {
                    sc[c] = s;
                    bk[c] = (uint8_t)(restart ? bestp : p);
                    pr[c] = prob[c];
                }
            }
        }
        float top = 0;
        for (int c = 0; c < NER_NTAGS; c++)
            top = sc[c] > top ? sc[c] : top;
        for (int c = 0; top > 0 && c < NER_NTAGS; c++)
            sc[c] /= top;
    }
    int c = 0;
    const float *sc = w->score + (n - 1) * NER_NTAGS;
    for (int k = 1; k < NER_NTAGS; k++)
        c = sc[k] > sc[c] ? k : c;
    for (size_t j = n; j-- > 0;) {
        w->tags[j] = (uint8_t)c;
        w->tagprob[j] = w->prob[j * NER_NTAGS + c];
        c = w->back[j * NER_NTAGS + c];
    }
}

/* Reports the names among tags[0..n) of tokens [a, a + n). */
static int report(const sanctagp_ner_work *w, size_t a, size_t n, sanctagp_ner_cb cb, void *arg)
{
    for (size_t j = 0; j < n;) {
        int t = w->tags[j];
        if (t == NER_O || !(t & 1)) {
            j++;
            continue;
        }
        size_t k = j + 1;
        double logp = log(w->tagprob[j]);
        while (k < n && w->tags[k] == t + 1)
            logp += log(w->tagprob[k++]);
        int rc = cb(arg, (uint32_t)(a + j), (uint32_t)(k - j), labels[t],
                    (float)exp(logp / (double)(k - j)));
        if (rc)
            return rc;
        j = k;
    }
    return 0;
}

static int usable(const sanctagp_tokens *tk, const uint8_t *skip, size_t i)
{
    return !(skip && skip[i]);
}

/* Token info for [from, to) beyond the high-water mark *filled. */
/* info.lex of a token whose lexicon classes are not looked up yet: the
 * decoder looks them up only for the tokens the features read them of (a
 * run and one token either side), not for the second neighbours. */
#define LEX_UNSET 0x80

static void fill_info(const sanctagp_tokens *tk, sanctagp_ner_work *w, size_t *filled,
                      size_t from, size_t to)
{
    for (size_t j = from > *filled ? from : *filled; j < to; j++) {
        sanctagp_ner_tok_info(NULL, tk, j, &w->info[j]);
        w->info[j].lex = LEX_UNSET;
    }
    if (to > *filled)
        *filled = to;
}

static unsigned lex_of(const sanctagp_ner *m, sanctagp_ner_work *w, size_t j)
{
    if (w->info[j].lex == LEX_UNSET)
        w->info[j].lex = (uint8_t)sanctagp_ner_lex_classes(&m->lex, w->info[j].word);
    return w->info[j].lex;
}

int sanctagp_ner_propose(const sanctagp_ner *m, const sanctagp_tokens *tk, const uint8_t *skip,
                         sanctagp_ner_work *w, sanctagp_ner_cb cb, void *arg)
{
    if (!m || tk->n == 0)
        return 0;
    if (work_reserve(w, tk->n))
        return SANCTAG_E_NOMEM;
    /* token info is computed lazily, only around runs; runs come in token
     * order and look at most 2 tokens back, so a high-water mark suffices */
    size_t filled = 0; /* info valid up to here for every token a run reads */
    for (size_t i = 0; i < tk->n; i++) {
        const sanctagp_token *t = &tk->v[i];
        if (t->kind != TK_WORD || t->cls < TC_TITLE || !usable(tk, skip, i))
            continue;
        /* a run: capitalised words, joined by connector words */
        size_t end = i + 1;
        fill_info(tk, w, &filled, i >= 2 ? i - 2 : 0, end);
        for (;;) {
            /* the features of token end - 1 read tokens end and end + 1 */
            fill_info(tk, w, &filled, end, end + 2 < tk->n ? end + 2 : tk->n);
            if (end >= tk->n || (tk->v[end].flags & TF_SENT_START) || !usable(tk, skip, end))
                break;
            if (w->info[end].cap || w->info[end].glued) {
                end++;
                continue;
            }
            if (end + 1 < tk->n && tk->v[end].kind == TK_WORD && w->info[end + 1].cap &&
                !(tk->v[end + 1].flags & TF_SENT_START) && usable(tk, skip, end + 1) &&
                (lex_of(m, w, end) & NER_LEX_CONNECT)) {
                end += 2;
                continue;
            }
            break;
        }
        /* one capitalised common word ("Namun", "Menurut", "Presiden") that
         * no name list has as a given name is not a name on its own: the
         * model is not asked (most one-word runs, a third of the runs) */
        if (end == i + 1 && (lex_of(m, w, i) & (NER_LEX_COMMON | NER_LEX_GIVEN | NER_LEX_PER)) ==
                                NER_LEX_COMMON)
            continue;
        for (size_t j = i ? i - 1 : 0; j <= end && j < tk->n; j++)
            lex_of(m, w, j);
        viterbi(m, tk, w, i, end);
        int rc = report(w, i, end - i, cb, arg);
        if (rc)
            return rc;
        i = end - 1;
    }
    return 0;
}

int sanctagp_ner_decode_all(const sanctagp_ner *m, const sanctagp_tokens *tk, sanctagp_ner_work *w,
                            uint8_t *tags)
{
    if (tk->n == 0)
        return 0;
    if (work_reserve(w, tk->n))
        return SANCTAG_E_NOMEM;
    for (size_t j = 0; j < tk->n; j++)
        sanctagp_ner_tok_info(&m->lex, tk, j, &w->info[j]);
    viterbi(m, tk, w, 0, tk->n);
    memcpy(tags, w->tags, tk->n);
    return 0;
}

/* ---- the tagger's plug-in point ---- */

typedef struct sink_ctx {
    sanctagp_ner_sink sink;
    void *arg;
} sink_ctx;

static int to_sink(void *arg, uint32_t first, uint32_t ntok, const char *label, float score)
{
    const sink_ctx *c = arg;
    if (label[0] == 'L')
        return 0;
    return c->sink(c->arg, first, ntok, label[0] == 'P' ? SANCTAGP_NAME_PERSON : SANCTAGP_NAME_ORG,
                   (double)score);
}

int sanctagp_ner_propose_names(const void *model, const sanctagp_tokens *tk, const uint8_t *covered,
                               sanctagp_ner_sink sink, void *arg)
{
    sanctagp_ner_work w;
    memset(&w, 0, sizeof w);
    sink_ctx c = { sink, arg };
    int rc = sanctagp_ner_propose(model, tk, covered, &w, to_sink, &c);
    sanctagp_ner_work_release(&w);
    return rc;
}

void sanctagp_ner_free_model(const void *model)
{
    sanctagp_ner_free((sanctagp_ner *)(uintptr_t)model);
}
