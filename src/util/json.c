/* json.c - strict allocation-free JSON validation of one feed record,
 * string decoding and string encoding for the output hot path. */
#include "util/json.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanctag.h"
#include "util/utf8.h"

typedef struct scan {
    const unsigned char *s;
    size_t n, i;
} scan;

static void ws(scan *c)
{
    while (c->i < c->n) {
        unsigned char b = c->s[c->i];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
            break;
        c->i++;
    }
}

static int hex4(const unsigned char *p, unsigned *ret)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char h = p[k];
        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= h - '0';
        else if (h >= 'a' && h <= 'f')
            v |= h - 'a' + 10;
        else if (h >= 'A' && h <= 'F')
            v |= h - 'A' + 10;
        else
            return -1;
    }
    *ret = v;
    return 0;
}

/* A string literal at c->i: validates escapes (including surrogate pairs),
 * control characters and UTF-8. */
static int str_any(scan *c, int key);

static int str(scan *c)
{
    return str_any(c, 0);
}

/* Jansson refuses NUL in object keys even where it allows it in values. */
static int key(scan *c)
{
    return str_any(c, 1);
}

static int str_any(scan *c, int is_key)
{
    if (c->i >= c->n || c->s[c->i] != '"')
        return -1;
    c->i++;
    size_t start = c->i;
    for (;;) {
        /* fast run over plain bytes, 16 at a time where SSE2 is there: a
         * signed compare below 0x20 also catches every byte >= 0x80 */
#ifdef __SSE2__
        {
            const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                          space = _mm_set1_epi8(0x20);
            while (c->i + 16 <= c->n) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(c->s + c->i));
                __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                        _mm_cmpeq_epi8(x, bslash)),
                                           _mm_cmplt_epi8(x, space));
                unsigned mask = (unsigned)_mm_movemask_epi8(hit);
                if (mask) {
                    c->i += (size_t)__builtin_ctz(mask);
                    break;
                }
                c->i += 16;
            }
        }
#endif
        while (c->i < c->n) {
            unsigned char b = c->s[c->i];
            if (b == '"' || b == '\\' || b < 0x20 || b >= 0x80)
                break;
            c->i++;
        }
        if (c->i >= c->n)
            return -1;
        unsigned char b = c->s[c->i];
        if (b == '"') {
            c->i++;
            return 0;
        }
        if (b < 0x20)
            return -1;
        if (b >= 0x80) {
            /* validate the non-ASCII run */
            size_t j = c->i;
            while (j < c->n && c->s[j] >= 0x80)
                j++;
            /* include a possibly split sequence: validation of [i, j) is exact
             * because a sequence never contains ASCII bytes */
            if (sanctagp_utf8_check((const char *)c->s + c->i, j - c->i, NULL))
                return -1;
            c->i = j;
            continue;
        }
        /* escape */
        if (c->i + 1 >= c->n)
            return -1;
        unsigned char e = c->s[c->i + 1];
        if (e == 'u') {
            unsigned v;
            if (c->i + 6 > c->n || hex4(c->s + c->i + 2, &v) || (is_key && v == 0))
                return -1;
            c->i += 6;
            if (v >= 0xD800 && v <= 0xDBFF) {
                unsigned lo;
                if (c->i + 6 > c->n || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u' ||
                    hex4(c->s + c->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                c->i += 6;
            } else if (v >= 0xDC00 && v <= 0xDFFF) {
                return -1;
            }
            continue;
        }
        if (!strchr("\"\\/bfnrt", e) || e == 0)
            return -1;
        c->i += 2;
    }
    (void)start;
}

/* A number as RFC 8259 writes it, any length: whether Jansson can hold it is
 * the reader's business (sanctagp_json_number_overflows). */
static int num(scan *c)
{
    size_t i = c->i;
    const unsigned char *s = c->s;
    if (i < c->n && s[i] == '-')
        i++;
    if (i >= c->n)
        return -1;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < c->n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return -1;
    }
    if (i < c->n && s[i] == '.') {
        i++;
        if (i >= c->n || s[i] < '0' || s[i] > '9')
            return -1;
        while (i < c->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < c->n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < c->n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= c->n || s[i] < '0' || s[i] > '9')
            return -1;
        while (i < c->n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    c->i = i;
    return 0;
}

static int lit(scan *c, const char *w)
{
    size_t k = strlen(w);
    if (c->i + k > c->n || memcmp(c->s + c->i, w, k) != 0)
        return -1;
    c->i += k;
    return 0;
}

static int value(scan *c, int depth);

static int container(scan *c, int depth, int obj)
{
    if (depth > SANCTAGP_JSON_MAX_DEPTH)
        return -1;
    c->i++; /* '{' or '[' */
    ws(c);
    char close = obj ? '}' : ']';
    if (c->i < c->n && c->s[c->i] == close) {
        c->i++;
        return 0;
    }
    /* keys of this object, to refuse duplicates at any depth like Jansson */
    struct {
        size_t off, len;
    } seen[64];
    size_t nseen = 0;
    for (;;) {
        if (obj) {
            size_t ks = c->i;
            if (key(c))
                return -1;
            size_t koff = ks + 1, klen = c->i - ks - 2;
            if (memchr(c->s + koff, '\\', klen) || nseen == 64)
                return -1; /* escaped or very many keys: Jansson decides */
            for (size_t q = 0; q < nseen; q++)
                if (seen[q].len == klen && memcmp(c->s + seen[q].off, c->s + koff, klen) == 0)
                    return -1;
            seen[nseen].off = koff;
            seen[nseen].len = klen;
            nseen++;
            ws(c);
            if (c->i >= c->n || c->s[c->i] != ':')
                return -1;
            c->i++;
            ws(c);
        }
        if (value(c, depth + 1))
            return -1;
        ws(c);
        if (c->i >= c->n)
            return -1;
        if (c->s[c->i] == ',') {
            c->i++;
            ws(c);
            continue;
        }
        if (c->s[c->i] == close) {
            c->i++;
            return 0;
        }
        return -1;
    }
}

static int value(scan *c, int depth)
{
    if (c->i >= c->n)
        return -1;
    switch (c->s[c->i]) {
    case '"': return str(c);
    case '{': return container(c, depth, 1);
    case '[': return container(c, depth, 0);
    case 't': return lit(c, "true");
    case 'f': return lit(c, "false");
    case 'n': return lit(c, "null");
    default: return num(c);
    }
}

/* Compares a raw key literal (no escapes expected) with `k`. */
static int key_is(const unsigned char *raw, size_t len, const char *k)
{
    size_t kl = strlen(k);
    return len == kl && memcmp(raw, k, kl) == 0;
}

int sanctagp_json_scan(const char *s, size_t n, const char *const *keys, size_t nkeys,
                       sanctagp_jspan *out)
{
    scan c = {(const unsigned char *)s, n, 0};
    for (size_t k = 0; k < nkeys; k++)
        out[k].found = 0;
    /* top-level keys seen, to refuse duplicates like Jansson does */
    struct {
        size_t off, len;
    } seen[64];
    size_t nseen = 0;
    ws(&c);
    if (c.i >= c.n || c.s[c.i] != '{')
        return -1;
    c.i++;
    ws(&c);
    if (c.i < c.n && c.s[c.i] == '}') {
        c.i++;
    } else {
        for (;;) {
            size_t ks = c.i;
            if (key(&c))
                return -1;
            size_t koff = ks + 1, klen = c.i - ks - 2;
            if (memchr(c.s + koff, '\\', klen))
                return -1; /* escaped keys: let Jansson compare them */
            if (nseen == 64)
                return -1;
            for (size_t q = 0; q < nseen; q++)
                if (seen[q].len == klen && memcmp(c.s + seen[q].off, c.s + koff, klen) == 0)
                    return -1;
            seen[nseen].off = koff;
            seen[nseen].len = klen;
            nseen++;
            ws(&c);
            if (c.i >= c.n || c.s[c.i] != ':')
                return -1;
            c.i++;
            ws(&c);
            size_t vs = c.i;
            if (c.i >= c.n)
                return -1;
            char type = c.s[c.i] == '"' ? 's' : c.s[c.i] == '{' ? 'o' : c.s[c.i] == '[' ? 'a'
                        : c.s[c.i] == 't' ? 't' : c.s[c.i] == 'f' ? 'f' : c.s[c.i] == 'n' ? 'z'
                                                                                         : 'n';
            if (value(&c, 1))
                return -1;
            for (size_t k = 0; k < nkeys; k++)
                if (key_is(c.s + koff, klen, keys[k])) {
                    out[k].off = vs;
                    out[k].len = c.i - vs;
                    out[k].found = 1;
                    out[k].type = type;
                }
            ws(&c);
            if (c.i >= c.n)
                return -1;
            if (c.s[c.i] == ',') {
                c.i++;
                ws(&c);
                continue;
            }
            if (c.s[c.i] == '}') {
                c.i++;
                break;
            }
            return -1;
        }
    }
    ws(&c);
    return c.i == c.n ? 0 : -1;
}

int sanctagp_json_number_overflows(const char *raw, size_t n)
{
    int neg = n > 0 && raw[0] == '-';
    const char *d = raw + neg;
    size_t nd = n - (size_t)neg;
    if (!memchr(raw, '.', n) && !memchr(raw, 'e', n) && !memchr(raw, 'E', n)) {
        /* an integer: Jansson's json_int_t is a long long (strtoll) */
        static const char max[] = "9223372036854775807", min[] = "9223372036854775808";
        return nd > 19 || (nd == 19 && memcmp(d, neg ? min : max, 19) > 0);
    }
    /* a real: Jansson refuses what strtod makes infinite; its decimal point is
     * the locale's (as Jansson converts it) */
    char small[64], *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy)
        return 0; /* out of memory: Jansson decides, and the line fails as before */
    memcpy(copy, raw, n);
    copy[n] = 0;
    const char *dp = localeconv()->decimal_point;
    char *dot = memchr(copy, '.', n);
    if (dot && dp && dp[0] && !dp[1])
        *dot = dp[0];
    errno = 0;
    double v = strtod(copy, NULL);
    int over = errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL);
    if (copy != small)
        free(copy);
    return over;
}

/* 1 when the raw key literal k[0..n) (quotes included) is `want`. */
static int raw_key_is(const char *k, size_t n, const char *want)
{
    if (!memchr(k, '\\', n))
        return key_is((const unsigned char *)k + 1, n - 2, want);
    sanctagp_buf d = {0};
    int is = sanctagp_json_unescape(k, n, &d) == 0 && d.len == strlen(want) &&
             memcmp(d.p, want, d.len) == 0;
    sanctagp_buf_release(&d);
    return is;
}

long sanctagp_json_quote_big_numbers(const char *s, size_t n, const char *text_key,
                                     sanctagp_buf *out)
{
    /* containers open at each depth ('{' or '['), as deep as Jansson reads */
    char open[2048];
    size_t depth = 0, i = 0, key_off = 0, key_len = 0;
    long quoted = 0;
    unsigned char prev = 0; /* the last structural character or token end */
    out->len = 0;
    if (sanctagp_buf_append(out, "", 0))
        return -1;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        size_t from = i;
        if (b == '"') {
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            i = i < n ? i + 1 : n;
            if (depth == 1 && open[0] == '{' && (prev == '{' || prev == ','))
                key_off = from, key_len = i - from; /* a key of the record */
            prev = '"';
        } else if (b == '{' || b == '[') {
            if (depth < sizeof open)
                open[depth] = (char)b;
            depth++;
            prev = b;
            i++;
        } else if (b == '}' || b == ']') {
            depth -= depth > 0;
            prev = b;
            i++;
        } else if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
            i++;
        } else if (b == '-' || (b >= '0' && b <= '9')) {
            scan c = {(const unsigned char *)s, n, i};
            int ok = num(&c) == 0;
            i = ok ? c.i : i + 1;
            /* a whole number literal where a value of an object or array
             * goes: a string there is as valid (or not) as the number */
            int end = i == n || (s[i] && strchr(" \t\n\r,]}", s[i]));
            int value = depth > 0 && depth <= sizeof open &&
                        (prev == ':' || prev == '[' || (prev == ',' && open[depth - 1] == '['));
            prev = '0';
            if (ok && end && value && sanctagp_json_number_overflows(s + from, i - from)) {
                /* the text field keeps its type: a number, refused as text */
                int text = text_key && depth == 1 && open[0] == '{' && key_len >= 2 &&
                           raw_key_is(s + key_off, key_len, text_key);
                if (text ? sanctagp_buf_append(out, "0", 1)
                         : sanctagp_buf_append(out, "\"", 1) ||
                               sanctagp_buf_append(out, s + from, i - from) ||
                               sanctagp_buf_append(out, "\"", 1))
                    return -1;
                quoted++;
                continue;
            }
        } else {
            prev = b;
            i++;
        }
        if (sanctagp_buf_append(out, s + from, i - from))
            return -1;
    }
    return quoted;
}

static int put_utf8(sanctagp_buf *out, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18);
        b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return sanctagp_buf_append(out, b, n);
}

int sanctagp_json_unescape(const char *raw, size_t n, sanctagp_buf *out)
{
    out->len = 0;
    if (n < 2 || sanctagp_buf_append(out, "", 0))
        return -1;
    const unsigned char *s = (const unsigned char *)raw + 1;
    size_t len = n - 2, i = 0;
    while (i < len) {
        const unsigned char *bs = memchr(s + i, '\\', len - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : len - i;
        if (run && sanctagp_buf_append(out, (const char *)s + i, run))
            return -1;
        i += run;
        if (!bs)
            break;
        unsigned char e = s[i + 1];
        unsigned cp;
        switch (e) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (hex4(s + i + 2, &cp))
                return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (hex4(s + i + 8, &lo))
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            i += 6;
            if (put_utf8(out, cp))
                return -1;
            continue;
        default: cp = e; break; /* " \ / */
        }
        i += 2;
        char ch = (char)cp;
        if (sanctagp_buf_append(out, &ch, 1))
            return -1;
    }
    return 0;
}

/* The length of the longest prefix of s[0, n) that JSON writes as it is (no
 * control character, quote or backslash), 8 bytes at a time: a word holds
 * such a byte when one of the classic zero-byte tests says so. */
static size_t plain_prefix(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        uint64_t special = ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b);
        if (special & highs)
            break;
    }
    while (i < n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

int sanctagp_json_put_string(sanctagp_buf *out, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF"; /* as Jansson writes them */
    const unsigned char *s = (const unsigned char *)str;
    size_t i = plain_prefix(s, n);
    if (i == n && out->cap - out->len > n + 2) {
        /* the usual case, nothing to escape and room for it: one copy */
        char *d = out->p + out->len;
        d[0] = '"';
        memcpy(d + 1, s, n);
        d[n + 1] = '"';
        d[n + 2] = 0;
        out->len += n + 2;
        return 0;
    }
    if (sanctagp_buf_put(out, "\"", 1))
        return SANCTAG_E_NOMEM;
    i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] >= 0x20 && s[j] != '"' && s[j] != '\\')
            j++;
        if (j > i && sanctagp_buf_put(out, (const char *)s + i, j - i))
            return SANCTAG_E_NOMEM;
        if (j >= n)
            break;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (s[j]) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[s[j] >> 4];
            esc[5] = hex[s[j] & 15];
            el = 6;
        }
        if (sanctagp_buf_put(out, esc, el))
            return SANCTAG_E_NOMEM;
        i = j + 1;
    }
    return sanctagp_buf_put(out, "\"", 1);
}

int sanctagp_json_put_uint(sanctagp_buf *out, unsigned long long v)
{
    char b[24];
    int k = 24;
    do {
        b[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return sanctagp_buf_put(out, b + k, (size_t)(24 - k));
}
