/* term.h - private: the one rule for printing text that comes from data
 * (documents, list names, ids, file names) to a terminal. */
#ifndef SANCTAG_UTIL_TERM_H
#define SANCTAG_UTIL_TERM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

/* 1 for a code point a terminal must never receive from data: C0 controls
 * (U+0000-U+001F, tab and line breaks included: callers that keep those test
 * them first), DEL, C1 controls (U+0080-U+009F, where CSI and OSC live), and
 * the bidirectional controls that reorder what follows them (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069): "Trojan Source" spoofing. */
int sanctagp_term_unsafe(uint32_t cp);

/* Appends `n` bytes of `s` with every unsafe code point (above) and every
 * byte that does not start valid UTF-8 written as U+FFFD; with `keep_breaks`,
 * tab and LF are kept as they are. Returns 0, or -1 when out of memory. */
int sanctagp_term_clean(sanctagp_buf *out, const char *s, size_t n, int keep_breaks);

/* Writes NUL-terminated `s` to `f` cleaned as sanctagp_term_clean() (tab and
 * LF replaced too): for one field of a line. NULL writes nothing. */
void sanctagp_term_fputs(const char *s, FILE *f);

#endif
