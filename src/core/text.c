/* text.c - the tokenizer (original byte offsets kept) and
 * per-token normalisation: an ASCII fast path, ICU NFKC case folding otherwise. */
#include "core/text.h"
#include "util/mem.h"

#include <endian.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* ---- character classes -------------------------------------------------- */

enum {
    CC_SPACE = 0,  /* whitespace other than newline */
    CC_NL = 1,     /* '\n' */
    CC_HYPHEN = 2, /* transparent separator */
    CC_PUNCT = 3,
    CC_LOWER = 4,
    CC_UPPER = 5,
    CC_DIGIT = 6,
    CC_HIGH = 7,   /* non-ASCII: ask ICU */
};

static const uint8_t ascii_class[128] = {
#define R8(a) a, a, a, a, a, a, a, a
    /* 0x00-0x08 */ 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* \t */ 0, /* \n */ 1, /* \v */ 0, /* \f */ 0, /* \r */ 0,
    /* 0x0E-0x1F */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* ' ' */ 0, /* !"#$%&'()*+, */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* - */ 2, /* . / */ 3, 3,
    /* 0-9 */ 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    /* :;<=>?@ */ 3, 3, 3, 3, 3, 3, 3,
    /* A-Z */ R8(5), R8(5), R8(5), 5, 5,
    /* [\]^_` */ 3, 3, 3, 3, 3, 3,
    /* a-z */ R8(4), R8(4), R8(4), 4, 4,
    /* {|}~ DEL */ 3, 3, 3, 3, 3,
#undef R8
};

/* Per-byte bits for the ASCII word fast path. */
enum { WB_WORD = 1, WB_UPPER = 2, WB_LOWER = 4 };
static const uint8_t word_bits[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
#define U(c) [c] = WB_WORD | WB_UPPER
#define L(c) [c] = WB_WORD | WB_LOWER
    U('A'), U('B'), U('C'), U('D'), U('E'), U('F'), U('G'), U('H'), U('I'), U('J'), U('K'),
    U('L'), U('M'), U('N'), U('O'), U('P'), U('Q'), U('R'), U('S'), U('T'), U('U'), U('V'),
    U('W'), U('X'), U('Y'), U('Z'),
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'),
    L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'),
    L('w'), L('x'), L('y'), L('z'),
#undef U
#undef L
};

/* ---- the document pre-pass ------------------------------------------------
 * One pass over the whole document, 16 bytes at a time, writes the arena's
 * lower-cased copy and three bitmaps, one bit per byte: ASCII letters and
 * digits (BM_WORD), ASCII capitals (BM_UPPER) and small letters (BM_LOWER).
 * An ASCII word is then a run of BM_WORD bits, found with a count of trailing
 * zeros, and its case class comes from the two case maps: no per-byte loop. */
enum { BM_WORD = 0, BM_UPPER = 1, BM_LOWER = 2, BM_COUNT = 3 };

static inline uint8_t lower_byte(uint8_t b)
{
    if (b >= 'A' && b <= 'Z')
        return (uint8_t)(b + 32);
    return b == '`' ? '\'' : b; /* the quote family collapses (punct_canon) */
}

/* At least 57 bits of map `bm` from bit `i` on (bits past the document are 0):
 * one unaligned load at the byte holding bit i. The maps are kept as
 * little-endian words, so bit k of the document is bit k%8 of byte k/8. */
#define BITS_AT_VALID 56
static inline uint64_t bits_at(const uint64_t *bm, size_t i)
{
    uint64_t x;
    memcpy(&x, (const unsigned char *)bm + (i >> 3), 8);
    return le64toh(x) >> (i & 7);
}

static int prepass(sanctagp_tokens *tk, const unsigned char *s, size_t len);

/* Words in each bitmap of a document of len bytes: one bit per byte, and a
 * spare word, since bits_at() reads up to 8 bytes on. */
static inline size_t bitmap_words(size_t len)
{
    return len / 64 + 2;
}

/* Word-continuing classes for non-ASCII code points. */
static int is_transparent_sep(UChar32 c)
{
    switch (c) {
    case 0x2010: case 0x2011: case 0x2012: case 0x2212: case 0xFE63: case 0xFF0D:
    case 0x200B: case 0xFEFF: case 0x2060:
        return 1;
    default:
        return 0;
    }
}

static int is_word_cp(UChar32 c)
{
    uint32_t m = U_GET_GC_MASK(c);
    if (m & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK))
        return 1;
    /* default-ignorable format characters (soft hyphen, ZWJ, ZWNJ) stay inside
     * a word; NFKC case folding removes them */
    if ((m & U_GC_CF_MASK) && !is_transparent_sep(c))
        return 1;
    return 0;
}

/* ---- growing buffers ---------------------------------------------------- */

void sanctagp_tokens_release(sanctagp_tokens *tk)
{
    if (!tk)
        return;
    free(tk->v);
    free(tk->arena);
    free(tk->u16);
    free(tk->bits);
    memset(tk, 0, sizeof *tk);
}

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Fills arena[0, len) with the lower-cased copy of s, zeroes the 8 bytes after
 * it, and computes the three bitmaps (text.c's pre-pass, above). */
static int prepass(sanctagp_tokens *tk, const unsigned char *s, size_t len)
{
    size_t nw = bitmap_words(len);
    if (sanctagp_grow((void **)&tk->arena, &tk->arena_cap, len + 8 + 64, 1) ||
        sanctagp_grow((void **)&tk->bits, &tk->bits_cap, nw * BM_COUNT, sizeof *tk->bits))
        return SANCTAG_E_NOMEM;
    unsigned char *d = (unsigned char *)tk->arena;
    uint64_t *wm = tk->bits, *um = wm + nw, *lm = um + nw;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1),
                  la1 = _mm_set1_epi8('a' - 1), lz1 = _mm_set1_epi8('z' + 1),
                  d1 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1),
                  bt = _mm_set1_epi8('`'), q = _mm_set1_epi8('\''), x20 = _mm_set1_epi8(0x20);
    for (; i + 64 <= len; i += 64) {
        uint64_t w = 0, u = 0, l = 0;
        for (int k = 0; k < 4; k++) {
            /* signed compares: bytes >= 0x80 are negative and match nothing */
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16 * k));
            __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, a1), _mm_cmplt_epi8(x, z1));
            __m128i lo = _mm_and_si128(_mm_cmpgt_epi8(x, la1), _mm_cmplt_epi8(x, lz1));
            __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(x, d1), _mm_cmplt_epi8(x, d9));
            __m128i isbt = _mm_cmpeq_epi8(x, bt);
            __m128i y = _mm_or_si128(x, _mm_and_si128(up, x20));
            y = _mm_or_si128(_mm_andnot_si128(isbt, y), _mm_and_si128(isbt, q));
            _mm_storeu_si128((__m128i *)(void *)(d + i + 16 * k), y);
            uint64_t mu = (uint64_t)(unsigned)_mm_movemask_epi8(up);
            uint64_t ml = (uint64_t)(unsigned)_mm_movemask_epi8(lo);
            uint64_t md = (uint64_t)(unsigned)_mm_movemask_epi8(dg);
            u |= mu << (16 * k);
            l |= ml << (16 * k);
            w |= (mu | ml | md) << (16 * k);
        }
        wm[i / 64] = htole64(w);
        um[i / 64] = htole64(u);
        lm[i / 64] = htole64(l);
    }
#endif
    for (size_t k = i / 64; k < nw; k++)
        wm[k] = um[k] = lm[k] = 0;
    for (; i < len; i++) {
        uint8_t b = s[i];
        d[i] = lower_byte(b);
        uint64_t bit = htole64((uint64_t)1 << (i & 63));
        if (b >= 'A' && b <= 'Z')
            um[i / 64] |= bit;
        else if (b >= 'a' && b <= 'z')
            lm[i / 64] |= bit;
        if (b < 0x80 && (word_bits[b] & WB_WORD))
            wm[i / 64] |= bit;
    }
    memset(d + len, 0, 8);
    tk->arena_len = len + 8;
    return 0;
}

/* The end of the ASCII word run that starts at i: the first byte at or after
 * i that is no ASCII letter or digit (len at the latest). */
static inline size_t word_run_end(const sanctagp_tokens *tk, size_t i)
{
    for (;;) {
        uint64_t x = ~bits_at(tk->bits, i) & (((uint64_t)1 << BITS_AT_VALID) - 1);
        if (x)
            return i + (size_t)__builtin_ctzll(x);
        i += BITS_AT_VALID;
    }
}

/* Case class of the ASCII word [i, j) from the case maps. */
static inline uint8_t word_case(const sanctagp_tokens *tk, size_t nw, size_t i, size_t j,
                                int *ret_first_upper)
{
    const uint64_t *um = tk->bits + nw, *lm = um + nw;
    uint64_t any_u = 0, any_l = 0, first = 0;
    int multi_u = 0;
    for (size_t k = i; k < j; k += BITS_AT_VALID) {
        size_t m = j - k < BITS_AT_VALID ? j - k : BITS_AT_VALID;
        uint64_t mask = ((uint64_t)1 << m) - 1;
        uint64_t u = bits_at(um, k) & mask, l = bits_at(lm, k) & mask;
        multi_u |= (u & (u - 1)) != 0 || (any_u && u);
        if (!(any_u | any_l)) /* the first cased letter, upper or not */
            first = u & (u | l) & -(u | l);
        any_u |= u;
        any_l |= l;
    }
    /* no branches on the case, which text does not let a processor predict:
     * index (upper?, lower?) into the classes, TITLE or MIXED when both */
    static const uint8_t cls[4] = {TC_NONE, TC_LOWER, TC_UPPER, TC_MIXED};
    int fu = first != 0, idx = (any_u != 0) << 1 | (any_l != 0);
    *ret_first_upper = (any_u | any_l) ? fu : -1;
    return idx == 3 && fu && !multi_u ? TC_TITLE : cls[idx];
}

/* An ASCII word that starts at i: returns its end (as word_run_end) and
 * sets its case class and whether its first cased letter is a capital. Nearly
 * every word is shorter than BITS_AT_VALID bytes, so one load of each map
 * gives its end and its case at once, without the loops above. */
static inline size_t ascii_word(const sanctagp_tokens *tk, const uint64_t *wm, size_t nw, size_t i,
                                uint8_t *ret_cls, int *ret_first_upper)
{
    const uint64_t *um = wm + nw, *lm = um + nw;
    uint64_t run = ~bits_at(wm, i) & (((uint64_t)1 << BITS_AT_VALID) - 1);
    if (__builtin_expect(run == 0, 0)) {
        size_t j = word_run_end(tk, i + BITS_AT_VALID);
        int fu;
        *ret_cls = word_case(tk, nw, i, j, &fu);
        *ret_first_upper = fu == 1;
        return j;
    }
    uint64_t mask = (run & -run) - 1; /* the word's bytes */
    uint64_t u = bits_at(um, i) & mask, l = bits_at(lm, i) & mask, c = u | l, first = c & -c;
    /* as word_case: index (title?, upper?, lower?) into the classes; TITLE is
     * one capital, the first cased letter, and small letters after it */
    static const uint8_t cls[8] = {TC_NONE, TC_LOWER, TC_UPPER, TC_MIXED,
                                   TC_NONE, TC_NONE,  TC_NONE,  TC_TITLE};
    *ret_first_upper = (u & first) != 0;
    *ret_cls = cls[((u == first) & (l != 0)) << 2 | (u != 0) << 1 | (l != 0)];
    return i + (size_t)__builtin_ctzll(run);
}

/* ---- ICU normalisation -------------------------------------------------- */

/* Normalises UTF-8 `s` with NFKC_Casefold, appending UTF-8 to the arena. */
static int icu_fold_append(sanctagp_tokens *tk, const char *s, size_t len)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st))
        return SANCTAG_E_ICU;
    /* source UTF-16 in the first half of scratch, result in the second */
    size_t srccap = len + 1, dstcap = len * 4 + 16;
    if (sanctagp_grow((void **)&tk->u16, &tk->u16_cap, srccap + dstcap, sizeof(UChar)))
        return SANCTAG_E_NOMEM;
    UChar *src = tk->u16, *dst = tk->u16 + srccap;
    int32_t n16 = 0;
    u_strFromUTF8(src, (int32_t)srccap, &n16, s, (int32_t)len, &st);
    if (U_FAILURE(st))
        return SANCTAG_E_ICU;
    int32_t nd = unorm2_normalize(nf, src, n16, dst, (int32_t)dstcap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        st = U_ZERO_ERROR;
        if (sanctagp_grow((void **)&tk->u16, &tk->u16_cap, srccap + (size_t)nd + 1, sizeof(UChar)))
            return SANCTAG_E_NOMEM;
        src = tk->u16;
        dst = tk->u16 + srccap;
        dstcap = (size_t)nd + 1;
        nd = unorm2_normalize(nf, src, n16, dst, (int32_t)dstcap, &st);
    }
    if (U_FAILURE(st))
        return SANCTAG_E_ICU;
    size_t need8 = (size_t)nd * 3 + 1;
    if (tk->arena_len + need8 + 8 > UINT32_MAX)
        return SANCTAG_E_TOOBIG; /* token offsets into the arena are 32-bit */
    if (sanctagp_grow((void **)&tk->arena, &tk->arena_cap, tk->arena_len + need8, 1))
        return SANCTAG_E_NOMEM;
    int32_t n8 = 0;
    u_strToUTF8(tk->arena + tk->arena_len, (int32_t)need8, &n8, dst, nd, &st);
    if (U_FAILURE(st))
        return SANCTAG_E_ICU;
    tk->arena_len += (size_t)n8;
    return 0;
}

long sanctagp_strip_accents(const char *in, size_t len, char *out, size_t cap,
                            uint16_t **scratch, size_t *scratch_cap)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        return -1;
    size_t part = len * 4 + 16;
    if (sanctagp_grow((void **)scratch, scratch_cap, part * 3, sizeof(UChar)))
        return -1;
    UChar *a = *scratch, *b = a + part, *c = b + part;
    int32_t na = 0;
    u_strFromUTF8(a, (int32_t)part, &na, in, (int32_t)len, &st);
    int32_t nb = unorm2_normalize(nfd, a, na, b, (int32_t)part, &st);
    if (U_FAILURE(st))
        return -1;
    int32_t w = 0;
    for (int32_t i = 0; i < nb;) {
        UChar32 ch;
        int32_t at = i;
        U16_NEXT(b, i, nb, ch);
        if (u_charType(ch) == U_NON_SPACING_MARK)
            continue;
        for (int32_t k = at; k < i; k++)
            a[w++] = b[k];
    }
    int32_t nc = unorm2_normalize(nfc, a, w, c, (int32_t)part, &st);
    if (U_FAILURE(st))
        return -1;
    int32_t n8 = 0;
    u_strToUTF8(out, (int32_t)cap, &n8, c, nc, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || (size_t)n8 > cap)
        return -1;
    return n8;
}

/* Canonical form of a punctuation code point: the quote family collapses. */
static UChar32 punct_canon(UChar32 c)
{
    switch (c) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x02B9:
    case 0x0060: case 0x00B4:
        return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
    case 0x00AB: case 0x00BB:
        return '"';
    default:
        return c;
    }
}

/* ---- sentence rules ----------------------------------------------------- */

static int is_terminal(UChar32 c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xFF01 ||
           c == 0xFF1F;
}

static int is_closer(UChar32 c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x2019 || c == 0x201D ||
           c == 0x00BB;
}

/* Abbreviations after which a period does not end a sentence (lower case).
 * A word of 2 to 6 bytes, packed into an integer, is looked up in a small
 * hash set built once: a period after a word is common, so the test is cheap. */
static const char *const abbrevs[] = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "no",
    "vol", "jl", "jln", "kol", "brig", "gen", "jend", "letjen",
    "mayjen", "irjen", "kompol", "hj", "ir", "drs", "dra", "sdr",
    "bpk", "ny", "tn", "vs", "sen", "rep", "gov", "lt", "capt",
    "col", "maj", "sgt", "inc", "ltd", "co", "corp", "dll",
    "dsb", "dkk", "hlm", "tel", "telp", "mt", "ft", "approx",
    "etc", "moh", "muh", "kep", "kec", "kab", "prov", "kel",
    "ds", "pt", "tbk", "kh", "ust", "mgr",
};
#define ABBREV_SLOTS 256 /* a power of two, well above twice the list */
static uint64_t abbrev_set[ABBREV_SLOTS];
static pthread_once_t abbrev_once = PTHREAD_ONCE_INIT;

static inline uint64_t pack6(const char *w, size_t n)
{
    uint64_t k = 0;
    memcpy(&k, w, n); /* n <= 6: the top bytes stay 0, and no key is 0 */
    return k;
}

static inline size_t abbrev_slot(uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 56) & (ABBREV_SLOTS - 1);
}

static void abbrev_init(void)
{
    for (size_t i = 0; i < sizeof abbrevs / sizeof *abbrevs; i++) {
        uint64_t k = pack6(abbrevs[i], strlen(abbrevs[i]));
        size_t j = abbrev_slot(k);
        while (abbrev_set[j] && abbrev_set[j] != k)
            j = (j + 1) & (ABBREV_SLOTS - 1);
        abbrev_set[j] = k;
    }
}

static int is_abbrev(const char *w, size_t n)
{
    if (n == 1)
        return 1; /* an initial: "U.S.", "J. Smith" */
    if (n > 6)
        return 0;
    pthread_once(&abbrev_once, abbrev_init);
    uint64_t k = pack6(w, n);
    for (size_t j = abbrev_slot(k); abbrev_set[j]; j = (j + 1) & (ABBREV_SLOTS - 1))
        if (abbrev_set[j] == k)
            return 1;
    return 0;
}

/* ---- tokenizer ---------------------------------------------------------- */

/* The class (CC_*) of non-ASCII code point `cp`. */
static int high_class(UChar32 cp)
{
    if (cp == 0x2029 || cp == 0x2028 || cp == 0x85)
        return CC_NL;
    if (u_isUWhiteSpace(cp))
        return CC_SPACE;
    if (is_transparent_sep(cp))
        return CC_HYPHEN;
    if (is_word_cp(cp))
        return CC_HIGH;
    return CC_PUNCT;
}

/* The normalised form of non-ASCII punctuation token `t` (code point `cp`),
 * appended to the arena: a curly quote becomes the ASCII one, anything else
 * is case folded. Returns 0 or an error code. */
static int punct_norm(sanctagp_tokens *tk, sanctagp_token *t, UChar32 cp)
{
    int rc;
    UChar32 canon = punct_canon(cp);
    t->norm_off = (uint32_t)tk->arena_len;
    if (canon < 0x80) { /* a curly quote: the ASCII one */
        if (sanctagp_grow((void **)&tk->arena, &tk->arena_cap, tk->arena_len + 1 + 8, 1))
            return SANCTAG_E_NOMEM;
        tk->arena[tk->arena_len++] = (char)canon;
    } else {
        char buf[8];
        size_t bl = 0;
        U8_APPEND_UNSAFE(buf, bl, canon);
        t->flags |= TF_NONASCII;
        if ((rc = icu_fold_append(tk, buf, bl)))
            return rc;
    }
    t->norm_len = (uint32_t)(tk->arena_len - t->norm_off);
    return 0;
}

/* Sentence bookkeeping after punctuation token `t` (code point `cp`):
 * *after_terminal becomes 1 after a sentence terminal (kept through closing
 * quotes and brackets), 0 otherwise; *terminal_blocked says the terminal
 * is an abbreviation's period. */
static void punct_sentence(const sanctagp_tokens *tk, const sanctagp_token *v, size_t n,
                           const sanctagp_token *t, UChar32 cp, int *after_terminal,
                           int *terminal_blocked)
{
    if (is_terminal(cp)) {
        if (*after_terminal != 1) {
            *terminal_blocked = 0;
            if (cp == '.' && n >= 2) {
                const sanctagp_token *p = &v[n - 2];
                /* "U.S." and "Mr." do not end sentences: the word must be
                 * glued to the period */
                if (p->kind == TK_WORD && p->end == t->start &&
                    is_abbrev(tk->arena + p->norm_off, p->norm_len))
                    *terminal_blocked = 1;
            }
        }
        *after_terminal = 1;
    } else if (*after_terminal == 1 && is_closer(cp)) {
        /* closing quotes or brackets right after the terminal keep it */
    } else {
        *after_terminal = 0;
    }
}

/* A word token `t` that starts at *pi with byte `c` (class `cls`, code point
 * `cp` of `clen` bytes) and is not plain ASCII: scans to its end (left in
 * *pi), counts its cased letters, and normalises it (in place when ASCII
 * after all, through ICU otherwise). Sets t->cls, t->norm_*, *first_upper.
 * Returns 0 or an error code. */
static int word_general(sanctagp_tokens *tk, sanctagp_token *t, const unsigned char *s,
                        size_t len, size_t *pi, unsigned char c, int cls, UChar32 cp, size_t clen,
                        int *ret_first_upper)
{
    int rc, nonascii = 0, nupper = 0, nlower = 0, first_upper = -1;
    size_t i = *pi, wstart = i;
    for (;;) {
        if (c < 0x80) {
            if (cls == CC_UPPER) {
                nupper++;
                if (first_upper < 0)
                    first_upper = 1;
            } else if (cls == CC_LOWER) {
                nlower++;
                if (first_upper < 0)
                    first_upper = 0;
            }
            i += 1;
        } else {
            nonascii = 1;
            if (u_isupper(cp) || u_istitle(cp)) {
                nupper++;
                if (first_upper < 0)
                    first_upper = 1;
            } else if (u_islower(cp)) {
                nlower++;
                if (first_upper < 0)
                    first_upper = 0;
            }
            i += clen;
        }
        if (i >= len)
            break;
        c = s[i];
        if (c < 0x80) {
            cls = ascii_class[c];
            if (cls != CC_LOWER && cls != CC_UPPER && cls != CC_DIGIT)
                break;
            cp = c;
            clen = 1;
        } else {
            size_t j = i;
            U8_NEXT_UNSAFE(s, j, cp);
            if (!is_word_cp(cp))
                break;
            cls = CC_HIGH;
            clen = j - i;
        }
    }
    if (!nonascii) {
        t->norm_len = (uint32_t)(i - wstart); /* the copy, in place */
    } else {
        t->flags |= TF_NONASCII;
        t->norm_off = (uint32_t)tk->arena_len;
        if ((rc = icu_fold_append(tk, (const char *)s + wstart, i - wstart)))
            return rc;
        t->norm_len = (uint32_t)(tk->arena_len - t->norm_off);
    }
    if (nupper + nlower == 0)
        t->cls = TC_NONE;
    else if (nupper == 0)
        t->cls = TC_LOWER;
    else if (nlower == 0)
        t->cls = TC_UPPER;
    else if (first_upper == 1 && nupper == 1)
        t->cls = TC_TITLE;
    else
        t->cls = TC_MIXED;
    *pi = i;
    *ret_first_upper = first_upper;
    return 0;
}

/* The plain ASCII run that starts with a word at i: words one space or hyphen
 * apart, or with punctuation that ends no sentence between them ("kata, kata",
 * "(kata"). Most of a text is such runs, and in them no token starts a
 * sentence (but the first may: `flags`) and the sentence state after each is
 * the same (nothing since the last word or punctuation), so this loop, small enough
 * to keep its state in registers, writes their tokens straight to
 * *pt..tend (moving *pt on) and leaves anything else to sanctagp_tokenize()'s
 * loop: it returns where that loop goes on, right after a word or punctuation, or
 * at a word it leaves (a non-ASCII letter follows it, or the list is full).
 * Not inlined: inside that loop it would share its registers. */
__attribute__((noinline)) static size_t ascii_run(const sanctagp_tokens *tk, const unsigned char *s,
                                                  size_t len, size_t i, size_t nw,
                                                  sanctagp_token **pt, const sanctagp_token *tend,
                                                  uint8_t flags)
{
    const uint64_t *wm = tk->bits;
    sanctagp_token *t = *pt;
    while (t < tend) {
        uint8_t wcls;
        int fu;
        size_t j = ascii_word(tk, wm, nw, i, &wcls, &fu);
        if (j < len && s[j] >= 0x80)
            break; /* word_general() */
        *t++ = (sanctagp_token){(uint32_t)i, (uint32_t)j, (uint32_t)i, (uint32_t)(j - i), 0,
                                TK_WORD, wcls, (uint8_t)(flags | (fu ? TF_FIRST_UPPER : 0))};
        flags = 0;
        i = j;
        if (i + 1 >= len)
            break;
        unsigned char c = s[i];
        if ((c == ' ' || c == '-') && (word_bits[s[i + 1]] & WB_WORD)) {
            i++;
            continue;
        }
        if (c >= 0x80 || ascii_class[c] != CC_PUNCT || c == '.' || c == '!' || c == '?' ||
            t == tend)
            break;
        /* ASCII punctuation, no terminal: the arena's copy is its canonical form */
        *t++ = (sanctagp_token){(uint32_t)i, (uint32_t)(i + 1), (uint32_t)i, 1, 0, TK_PUNCT,
                                TC_NONE, 0};
        i++;
        size_t k = i + (s[i] == ' ');
        if (k >= len || !(word_bits[s[k]] & WB_WORD))
            break;
        i = k;
    }
    *pt = t;
    return i;
}

int sanctagp_tokenize(sanctagp_tokens *tk, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    int rc;
    if (len >= UINT32_MAX)
        return SANCTAG_E_TOOBIG;
    tk->n = 0;
    tk->nsent = 0;
    if ((rc = prepass(tk, s, len)))
        return rc;
    size_t nw = bitmap_words(len);
    /* the token list in locals, stored back at the end: the project builds
     * with -fno-strict-aliasing, so every store to a token would otherwise
     * make the compiler store and reload tk->n, tk->v, tk->nsent, ... */
    sanctagp_token *v = tk->v;
    size_t n = 0, cap = tk->cap, nsent = 0;

    /* sentence state */
    int newlines = 0;         /* newlines seen in the current separator run */
    int after_terminal = 0;   /* 1: terminal punct (+closers) just seen, 2: and whitespace after */
    int terminal_blocked = 0; /* the terminal followed an abbreviation */
    int next_start = 1;       /* next token begins a sentence */

    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        UChar32 cp;
        int cls;
        size_t clen = 1;
        if (c < 0x80) {
            cls = ascii_class[c];
            cp = c;
        } else {
            size_t j = i;
            U8_NEXT_UNSAFE(s, j, cp);
            clen = j - i;
            cls = high_class(cp);
            if (cp == 0x2029)
                newlines++; /* a paragraph separator counts as a blank line */
        }

        if (cls == CC_SPACE || cls == CC_NL || cls == CC_HYPHEN) {
            if (cls == CC_NL)
                newlines++;
            if (cls != CC_HYPHEN && after_terminal == 1)
                after_terminal = 2;
            i += clen;
            continue;
        }

        /* a token starts here; decide whether it starts a sentence */
        int sent = next_start || newlines >= 2;
        if (after_terminal == 2 && !terminal_blocked) {
            /* a new sentence unless the next word starts in lower case */
            int lower = (c < 0x80) ? (cls == CC_LOWER) : (cls == CC_HIGH && u_islower(cp));
            if (!lower)
                sent = 1;
        }
        next_start = 0;
        newlines = 0;

    token_start:
        if (n == cap) {
            tk->n = n;
            if (sanctagp_grow((void **)&tk->v, &tk->cap, n + 1, sizeof *tk->v))
                goto fail_nomem;
            v = tk->v;
            cap = tk->cap;
        }
        if (cls != CC_PUNCT && c < 0x80) {
            /* an ASCII word: it and the plain run after it */
            sanctagp_token *t0 = v + n, *t1 = t0;
            size_t k = ascii_run(tk, s, len, i, nw, &t1, v + cap, sent ? TF_SENT_START : 0);
            if (t1 != t0) {
                n = (size_t)(t1 - v);
                nsent += sent != 0;
                after_terminal = 0; /* a word or punctuation that ends no sentence last */
                i = k;
                continue;
            }
            /* a non-ASCII letter follows: word_general() */
        }
        sanctagp_token *t = &v[n++];
        uint8_t tflags = sent ? TF_SENT_START : 0;
        nsent += sent != 0;

        if (cls == CC_PUNCT) {
            /* norm_off: the lower-cased copy; punct_norm() moves it */
            *t = (sanctagp_token){(uint32_t)i, (uint32_t)(i + clen), (uint32_t)i, 1, 0, TK_PUNCT,
                                  TC_NONE, tflags};
            i += clen;
            /* an ASCII one: the copy has the canonical form ('`' -> '\'') */
            if (cp >= 0x80 && (rc = punct_norm(tk, t, cp)))
                goto fail;
            punct_sentence(tk, v, n, t, cp, &after_terminal, &terminal_blocked);
            /* "kata, kata" and "(kata": after punctuation that ends no sentence,
             * a word (after at most one space) starts no sentence either */
            if (after_terminal == 0 && i < len) {
                size_t k = i + (s[i] == ' ');
                if (k < len && (word_bits[s[k]] & WB_WORD)) {
                    i = k;
                    c = s[i];
                    cls = ascii_class[c];
                    cp = c;
                    clen = 1;
                    sent = 0;
                    goto token_start;
                }
            }
            continue;
        }

        /* a word with letters beyond ASCII, normalised by ICU */
        int first_upper = -1;
        t->start = (uint32_t)i;
        t->id = 0;
        t->flags = tflags;
        t->norm_off = (uint32_t)i; /* the lower-cased copy; ICU tokens move it */
        t->kind = TK_WORD;
        if ((rc = word_general(tk, t, s, len, &i, c, cls, cp, clen, &first_upper)))
            goto fail;
        t->end = (uint32_t)i;
        if (first_upper == 1)
            t->flags |= TF_FIRST_UPPER;
        /* "Antaranews.com", "1.7": a period glued to a word is no boundary;
         * and what follows a word starts no sentence unless a terminal does */
        after_terminal = 0;
    }
    tk->n = n;
    tk->nsent = nsent;
    /* 8 spare bytes after the last token: the matcher reads tokens 8 bytes at a time */
    if (sanctagp_grow((void **)&tk->arena, &tk->arena_cap, tk->arena_len + 8, 1))
        return SANCTAG_E_NOMEM;
    return 0;

fail_nomem:
    rc = SANCTAG_E_NOMEM;
fail:
    tk->n = n;
    tk->nsent = nsent;
    return rc;
}

void sanctagp_sentences_from_tokens(sanctagp_sentences *out, const sanctagp_tokens *tk)
{
    out->n = 0;
    for (size_t i = 0; i < tk->n; i++) {
        const sanctagp_token *t = &tk->v[i];
        if (i == 0 || (t->flags & TF_SENT_START)) {
            out->v[out->n].start = t->start;
            out->v[out->n].end = t->end;
            out->n++;
        } else {
            out->v[out->n - 1].end = t->end;
        }
    }
}
