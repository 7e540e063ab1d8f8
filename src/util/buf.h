/* buf.h - private: the one growable byte buffer. */
#ifndef SANCTAG_UTIL_BUF_H
#define SANCTAG_UTIL_BUF_H

#include <stddef.h>
#include <string.h>

/* Growable byte buffer; documents are serialised into one before writing, so
 * worker threads can format and a single writer keeps input order. */
typedef struct sanctagp_buf {
    char *p;
    size_t len, cap;
} sanctagp_buf;

int sanctagp_buf_append(sanctagp_buf *b, const char *s, size_t n);
void sanctagp_buf_release(sanctagp_buf *b);
/* Hands the text over as an owned NUL-terminated string, its allocation
 * shrunk to fit ("" when nothing was appended), and leaves b empty. NULL when
 * out of memory (b is then unchanged). */
char *sanctagp_buf_take(sanctagp_buf *b);

/* sanctagp_buf_append with the common case (it fits) inlined. */
static inline int sanctagp_buf_put(sanctagp_buf *b, const char *s, size_t n)
{
    if (b->cap - b->len > n) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = 0;
        return 0;
    }
    return sanctagp_buf_append(b, s, n);
}

#endif
