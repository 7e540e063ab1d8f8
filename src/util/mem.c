/* mem.c - the growth helper (see mem.h) and sanctag_free. */
#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>

#include "sanctag.h"

int sanctagp_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    if (elem == 0)
        return SANCTAG_E_NOMEM;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem)
            return SANCTAG_E_NOMEM;
        nc *= 2;
    }
    if (nc > SIZE_MAX / elem)
        return SANCTAG_E_NOMEM;
    void *q = realloc(*p, nc * elem);
    if (!q)
        return SANCTAG_E_NOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

/* Frees memory the public API hands out (sanctag.h). */
void sanctag_free(void *p)
{
    free(p);
}
