/* sources.h - private: the one reader of gazetteer sources in TSV and JSONL
 * (sources.c), used by `gaz build` (build.c) and by the plain list imports
 * (import/tabular.c): the column table, file loading with UTF-8 checks that
 * name the line, line splitting, TSV headers and cells, JSONL records. */
#ifndef SANCTAG_GAZETTEER_SOURCES_H
#define SANCTAG_GAZETTEER_SOURCES_H

#include <stddef.h>

#include <jansson.h>

#include "sanctag.h"

/* Columns (TSV header names, JSONL field names). */
enum {
    SRC_KEY, SRC_LABEL, SRC_NAME, SRC_COUNTRY, SRC_ALIAS, SRC_LANG, SRC_KIND, SRC_CASE,
    SRC_ACCENTS, SRC_VALID_FROM, SRC_VALID_TO, SRC_SOURCE, SRC_ATTRS,
    SRC_NGAZ, /* the gazetteer columns end here; the sanctions columns follow */
    SRC_LISTED = SRC_NGAZ, SRC_PROGRAMS, SRC_LIST_REF, SRC_LISTED_ON,
    SRC_NCOLS
};

/* Dialects: which columns a reader knows and what it requires.
 *  SRC_GAZ   gazetteer sources (`gaz build`): the gazetteer columns; a TSV
 *            header names key, label, alias and source; at most 64 cells a
 *            line; JSONL fields are strings (attrs an object).
 *  SRC_LIST  plain sanctions lists (`gaz import --format tsv|jsonl`): all
 *            columns; a TSV header names key, label and alias; at most 34
 *            cells a line; JSONL programs may be an array, listed a boolean
 *            or an integer. */
enum { SRC_GAZ, SRC_LIST };

/* Reads a file (sanctagp_read_file) and checks it is UTF-8 without NUL;
 * errors name the line, and with `columns` the column too. On success the
 * owned NUL-terminated buffer is in *ret_buf. */
int sanctagp_src_load(const char *path, int columns, char **ret_buf, size_t *ret_len,
                      sanctag_error *err);

/* Line number (1-based) of byte `pos` in buf. */
long sanctagp_src_line_of(const char *buf, size_t pos);

/* The next line of [*p, end) or NULL at the end: NUL-terminated in place (its
 * '\n' overwritten, with strip_cr a '\r' before it too), its length in
 * *ret_len; *p moves past it. */
char *sanctagp_src_line(char **p, char *end, int strip_cr, size_t *ret_len);

/* Called for each TSV row or JSONL record, with its cells by column ("" when
 * absent) and, for a JSONL record, its "aliases" array (else NULL). */
typedef int (*sanctagp_src_row_fn)(void *ctx, const char *path, long line,
                                   const char *const v[SRC_NCOLS], json_t *aliases,
                                   sanctag_error *err);

/* Reads a loaded TSV buffer (modified in place): '#' and empty lines skipped,
 * the first other line the header, then one call of fn a row. */
int sanctagp_src_tsv(const char *path, char *buf, size_t len, int dialect,
                     sanctagp_src_row_fn fn, void *ctx, sanctag_error *err);

/* Reads a loaded JSONL buffer: blank lines skipped, one object a line, one
 * call of fn a record. */
int sanctagp_src_jsonl(const char *path, char *buf, size_t len, int dialect,
                       sanctagp_src_row_fn fn, void *ctx, sanctag_error *err);

/* Applies one element of a record's "aliases" array to a copy v of its
 * columns: a string is the alias; an object may set alias, lang, kind, case
 * and accents. Returns -1 when it is neither. */
int sanctagp_src_alias(json_t *a, const char *v[SRC_NCOLS]);

#endif
