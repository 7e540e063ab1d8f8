/* json.h - private: the JSON Lines record scanner and the JSON string writer,
 * the hot path of JSON Lines in (cli input) and out (output/json.c).
 *
 * Reading a feed line with Jansson builds every field of the record (IndoSum
 * records carry the text twice); the tagger needs two. The scanner validates
 * the whole line strictly (RFC 8259, UTF-8) without building anything and
 * hands back where the wanted top-level values are. Anything it does not
 * accept goes to Jansson, which then produces the error message, so messages
 * do not depend on the path taken. */
#ifndef SANCTAG_UTIL_JSON_H
#define SANCTAG_UTIL_JSON_H

#include <stddef.h>

#include "util/buf.h"

/* Where a top-level value lies in the line: [off, off + len), raw JSON text. */
typedef struct sanctagp_jspan {
    size_t off, len;
    int found;
    char type; /* 's' string, 'n' number, 'o' object, 'a' array, 't' true, 'f' false, 'z' null */
} sanctagp_jspan;

#define SANCTAGP_JSON_MAX_DEPTH 512

/* Validates that s[0..n) is exactly one JSON object (surrounding whitespace
 * allowed) with no duplicate top-level keys, and records the values of the
 * `nkeys` wanted keys in out[]. Returns 0, or -1 when the line is not such an
 * object (the caller then asks Jansson for the error). */
int sanctagp_json_scan(const char *s, size_t n, const char *const *keys, size_t nkeys,
                       sanctagp_jspan *out);

/* Decodes the JSON string literal raw[0..n) (quotes included) into `out`
 * (cleared first, NUL-terminated). Returns 0, or -1 on an escape that does not
 * decode to valid UTF-8 (a lone surrogate). */
int sanctagp_json_unescape(const char *raw, size_t n, sanctagp_buf *out);

/* Appends `s` as a JSON string literal. Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_json_put_string(sanctagp_buf *out, const char *s, size_t n);

/* Appends a decimal integer. */
int sanctagp_json_put_uint(sanctagp_buf *out, unsigned long long v);

#endif
