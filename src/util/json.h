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

/* 1 when the number literal raw[0..n) (as sanctagp_json_scan accepts it) is
 * one JSON allows but Jansson refuses to hold ("too big integer", "real number
 * overflow"): an integer, no fraction or exponent, outside the range of a
 * 64-bit signed integer, or a number whose magnitude is beyond a double. */
int sanctagp_json_number_overflows(const char *raw, size_t n);

/* Copies the JSON text s[0..n) into `out` (cleared first, NUL-terminated)
 * with every number that overflows (above) where a value of an object or
 * array goes written as a string of its text: {"n":1e999} becomes
 * {"n":"1e999"}; but as the value of the record's `text_key` (NULL: none) as
 * 0, so the text field stays a number (which is not text). Jansson then
 * reads a line it refused only for such a number, and the values keep their
 * digits exactly; a text that was not JSON stays not JSON, and one without
 * such numbers is copied as it is. Returns how many numbers were replaced, or
 * -1 when out of memory. */
long sanctagp_json_quote_big_numbers(const char *s, size_t n, const char *text_key,
                                     sanctagp_buf *out);

/* Decodes the JSON string literal raw[0..n) (quotes included) into `out`
 * (cleared first, NUL-terminated). Returns 0, or -1 on an escape that does not
 * decode to valid UTF-8 (a lone surrogate). */
int sanctagp_json_unescape(const char *raw, size_t n, sanctagp_buf *out);

/* Appends `s` as a JSON string literal. Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_json_put_string(sanctagp_buf *out, const char *s, size_t n);

/* Appends a decimal integer. */
int sanctagp_json_put_uint(sanctagp_buf *out, unsigned long long v);

#endif
