/* hash.h - private: the one byte-string hash (64-bit FNV-1a), used for
 * content versions and hash tables. The matcher's token hash (core/matcher.h)
 * is a different function on purpose: it hashes 8-byte words and is part of
 * the stored image format. */
#ifndef SANCTAG_UTIL_HASH_H
#define SANCTAG_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SANCTAGP_FNV1A_SEED 0xcbf29ce484222325ull

/* Continues the FNV-1a hash `h` over n bytes of s (start with the seed). */
static inline uint64_t sanctagp_fnv1a(uint64_t h, const void *s, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

#endif
