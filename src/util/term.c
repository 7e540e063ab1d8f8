/* term.c - text from data made safe for a terminal (term.h). */
#include "util/term.h"

#include <string.h>

int sanctagp_term_unsafe(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point at s[*i] (n bytes), advancing *i; UINT32_MAX (and one byte)
 * for anything that is not valid UTF-8. */
static uint32_t next_cp(const unsigned char *s, size_t *i, size_t n)
{
    size_t k = *i;
    unsigned c = s[k];
    size_t len = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3
                 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (len == 0 || k + len > n) {
        *i = k + 1;
        return UINT32_MAX;
    }
    uint32_t cp = len == 1 ? c : c & (0x7Fu >> len);
    for (size_t j = 1; j < len; j++) {
        if ((s[k + j] & 0xC0) != 0x80) {
            *i = k + 1;
            return UINT32_MAX;
        }
        cp = cp << 6 | (s[k + j] & 0x3Fu);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
        *i = k + 1;
        return UINT32_MAX;
    }
    *i = k + len;
    return cp;
}

/* Kept by the JSON rule: LF alone (not a SANCTAGP_TERM_KEEP_* value). */
#define KEEP_LF 4

/* The one walk of both rules: every code point that is unsafe and not kept,
 * and every byte that is not UTF-8, replaced by what `put` appends. */
static int clean(sanctagp_buf *out, const char *s, size_t n, int keep,
                 int (*put)(sanctagp_buf *, uint32_t))
{
    const unsigned char *u = (const unsigned char *)s;
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = next_cp(u, &i, n);
        if ((keep & (SANCTAGP_TERM_KEEP_BREAKS | KEEP_LF)) && cp == '\n')
            continue;
        if ((keep & SANCTAGP_TERM_KEEP_BREAKS) && cp == '\t')
            continue;
        if (keep == SANCTAGP_TERM_KEEP_CRLF && cp == '\r' && i < n && u[i] == '\n')
            continue;
        if (cp == UINT32_MAX || sanctagp_term_unsafe(cp)) {
            if (sanctagp_buf_append(out, s + from, at - from) || put(out, cp))
                return -1;
            from = i;
        }
    }
    return sanctagp_buf_append(out, s + from, n - from) ? -1 : 0;
}

static int put_replacement(sanctagp_buf *out, uint32_t cp)
{
    (void)cp;
    return sanctagp_buf_append(out, "\xEF\xBF\xBD", 3);
}

/* \uXXXX: every unsafe code point is in the BMP; not UTF-8 is U+FFFD */
static int put_json_escape(sanctagp_buf *out, uint32_t cp)
{
    static const char hex[] = "0123456789ABCDEF"; /* upper case, as Jansson writes */
    if (cp > 0xFFFF)
        cp = 0xFFFD;
    char e[6] = {'\\', 'u', hex[cp >> 12], hex[cp >> 8 & 15], hex[cp >> 4 & 15], hex[cp & 15]};
    return sanctagp_buf_append(out, e, sizeof e);
}

int sanctagp_term_clean(sanctagp_buf *out, const char *s, size_t n, int keep)
{
    return clean(out, s, n, keep, put_replacement);
}

int sanctagp_term_clean_json(sanctagp_buf *out, const char *s, size_t n)
{
    /* LF only: a tab is never raw in a JSON string, and between values
     * sanctag writes none */
    return clean(out, s, n, KEEP_LF, put_json_escape);
}
