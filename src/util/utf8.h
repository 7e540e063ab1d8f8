/* utf8.h - private: UTF-8 validation and offset units. */
#ifndef SANCTAG_UTIL_UTF8_H
#define SANCTAG_UTIL_UTF8_H

#include <stddef.h>

/* Strict UTF-8 validation (no overlongs, surrogates, > U+10FFFF) that also
 * rejects NUL. Returns 0, SANCTAG_E_UTF8 or SANCTAG_E_NUL with *ret_pos. */
int sanctagp_utf8_check(const char *s, size_t len, size_t *ret_pos);

/* Units of text offsets: bytes, Unicode code points, UTF-16 code units. */
enum { OFF_BYTE = 0, OFF_CODEPOINT = 1, OFF_UTF16 = 2 };

/* Converts byte offset `b` of valid UTF-8 `text` into `unit`, scanning from
 * (*cur_b, *cur_u), which must not lie after `b`; updates the cursor. */
size_t sanctagp_offset_convert(const char *text, size_t b, int unit, size_t *cur_b,
                               size_t *cur_u);

#endif
