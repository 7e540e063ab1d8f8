/* buf.c - the growable byte buffer (see buf.h). */
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>

#include "sanctag.h"

int sanctagp_buf_append(sanctagp_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        if (n > SIZE_MAX - 1 - b->len)
            return SANCTAG_E_NOMEM;
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + n + 1) {
            if (nc > SIZE_MAX / 2)
                return SANCTAG_E_NOMEM;
            nc *= 2;
        }
        char *q = realloc(b->p, nc);
        if (!q)
            return SANCTAG_E_NOMEM;
        b->p = q;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

void sanctagp_buf_release(sanctagp_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *sanctagp_buf_take(sanctagp_buf *b)
{
    char *p;
    if (!b->p) {
        p = malloc(1);
        if (p)
            *p = 0;
        return p;
    }
    p = realloc(b->p, b->len + 1);
    if (!p)
        return NULL;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}
