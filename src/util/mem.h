/* mem.h - private: the one growth helper for arrays that grow by doubling. */
#ifndef SANCTAG_UTIL_MEM_H
#define SANCTAG_UTIL_MEM_H

#include <stddef.h>

/* Grows *p (an array of *cap elements of `elem` bytes) so that it holds at
 * least `need` elements: the capacity doubles from 16, and a size that would
 * overflow size_t fails like a failed allocation. On failure *p and *cap are
 * unchanged. Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
