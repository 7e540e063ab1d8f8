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

int sanctagp_term_clean(sanctagp_buf *out, const char *s, size_t n, int keep_breaks)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = next_cp(u, &i, n);
        if (keep_breaks && (cp == '\n' || cp == '\t'))
            continue;
        if (cp == UINT32_MAX || sanctagp_term_unsafe(cp)) {
            if (sanctagp_buf_append(out, s + from, at - from) ||
                sanctagp_buf_append(out, "\xEF\xBF\xBD", 3))
                return -1;
            from = i;
        }
    }
    return sanctagp_buf_append(out, s + from, n - from) ? -1 : 0;
}

void sanctagp_term_fputs(const char *s, FILE *f)
{
    if (!s)
        return;
    sanctagp_buf b = {0};
    if (sanctagp_term_clean(&b, s, strlen(s), 0) == 0 && b.len)
        fwrite(b.p, 1, b.len, f);
    sanctagp_buf_release(&b);
}
