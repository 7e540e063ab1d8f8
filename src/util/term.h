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

/* What sanctagp_term_clean() keeps of the C0 controls: nothing (0), tab and
 * LF (SANCTAGP_TERM_KEEP_BREAKS), or those and a CR right before an LF too
 * (SANCTAGP_TERM_KEEP_CRLF: the row ends of a CSV table). */
enum { SANCTAGP_TERM_KEEP_BREAKS = 1, SANCTAGP_TERM_KEEP_CRLF = 3 };

/* Appends `n` bytes of `s` with every unsafe code point (above) and every
 * byte that does not start valid UTF-8 written as U+FFFD, but the breaks
 * `keep` names (above) as they are. For text; JSON has its own rule (below).
 * Returns 0, or -1 when out of memory. */
int sanctagp_term_clean(sanctagp_buf *out, const char *s, size_t n, int keep);

/* The same rule for JSON text: every unsafe code point but LF (the line end
 * of JSON Lines) written as a \uXXXX escape, so the JSON stays valid and
 * decodes to the same value; a byte that does not start valid UTF-8 as
 * \uFFFD. Only for JSON text whose bytes at or above 0x7F and whose C0
 * controls but LF lie inside strings, as every JSON writer of sanctag's
 * gives (Jansson's and util/json.h's escape C0 controls themselves; DEL, C1
 * and bidirectional controls are what they leave raw). Returns 0, or -1 when
 * out of memory. */
int sanctagp_term_clean_json(sanctagp_buf *out, const char *s, size_t n);

/* Writes NUL-terminated `s` to `f` cleaned as sanctagp_term_clean() (tab and
 * LF replaced too): for one field of a line. NULL writes nothing. */
void sanctagp_term_fputs(const char *s, FILE *f);

#endif
