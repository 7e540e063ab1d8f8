/* utf8.c - strict UTF-8 validation and byte offset -> codepoint/UTF-16 offset
 * conversion, both eight bytes at a time, and 32 over ASCII. */
#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sanctag.h"

int sanctagp_utf8_check(const char *str, size_t len, size_t *ret_pos)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, 32 then 8 bytes at a time, NUL caught below */
#ifdef __SSE2__
        const __m128i zero = _mm_setzero_si128();
        while (i + 32 <= len) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
            /* a high bit in either, or a zero byte in either */
            __m128i z = _mm_or_si128(_mm_cmpeq_epi8(x, zero), _mm_cmpeq_epi8(y, zero));
            if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(x, y), z)))
                break;
            i += 32;
        }
#endif
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            /* any high bit set, or any zero byte? */
            if ((w & 0x8080808080808080ull) ||
                ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c == 0) {
            if (ret_pos)
                *ret_pos = i;
            return SANCTAG_E_NUL;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3; cp = c & 0x07; min = 0x10000;
        } else {
            goto bad;
        }
        if (len - i <= need)
            goto bad; /* truncated sequence */
        for (size_t k = 1; k <= need; k++) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += need + 1;
        continue;
    bad:
        if (ret_pos)
            *ret_pos = i;
        return SANCTAG_E_UTF8;
    }
    return 0;
}

size_t sanctagp_offset_convert(const char *text, size_t b, int unit, size_t *cur_b,
                               size_t *cur_u)
{
    if (unit == OFF_BYTE)
        return b;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = *cur_b, u = *cur_u;
    /* Both ends are code point boundaries, so the code points between them
     * are the bytes that are no continuation byte (10xxxxxx), counted eight
     * at a time; UTF-16 counts a 4-byte sequence's lead (11110xxx) twice. */
    const uint64_t hi = 0x8080808080808080ull;
    while (i + 8 <= b) {
#ifdef __SSE2__
        /* a news text is mostly ASCII: 32 bytes of it at a time, each a code
         * point in either unit */
        while (i + 32 <= b) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
            if (_mm_movemask_epi8(_mm_or_si128(x, y)))
                break;
            u += 32;
            i += 32;
        }
        if (i + 8 > b)
            break;
#endif
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & hi) {
            uint64_t cont = w & ~(w << 1) & hi;
            u += 8 - (size_t)(((cont >> 7) * 0x0101010101010101ull) >> 56);
            if (unit == OFF_UTF16) {
                uint64_t four = w & (w << 1) & (w << 2) & (w << 3) & hi;
                u += (size_t)(((four >> 7) * 0x0101010101010101ull) >> 56);
            }
        } else {
            u += 8;
        }
        i += 8;
    }
    for (; i < b; i++) {
        unsigned char c = s[i];
        u += (c & 0xC0) != 0x80;
        u += unit == OFF_UTF16 && c >= 0xF0;
    }
    *cur_b = i;
    *cur_u = u;
    return u;
}
