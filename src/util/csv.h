/* csv.h - private: the one CSV/TSV cell writer of every table sanctag writes
 * (`tag --format csv|tsv`, and `cooccur` CSV output). */
#ifndef SANCTAG_UTIL_CSV_H
#define SANCTAG_UTIL_CSV_H

#include <stddef.h>

#include "util/buf.h"

/* Appends one cell holding the `n` bytes of `s` to `out`, for a table whose
 * fields are separated by `sep` (',' for CSV, '\t' for TSV). No separator or
 * line end is written: the caller puts those between and after cells.
 *
 * Two rules, applied in this order:
 *  1. Spreadsheet formula neutralising (OWASP "CSV Injection"): a cell whose
 *     first byte is '=', '+', '-', '@', TAB or CR is written with a single
 *     quote (') before it, so Excel, LibreOffice and Google Sheets show it as
 *     text instead of evaluating it; a plain decimal number ("-3", "+1.5",
 *     "-0.25") is left as it is, since a spreadsheet reads it as the number it
 *     is and nothing else.
 *  2. Quoting as RFC 4180: a cell holding `sep`, a double quote, CR or LF (or
 *     that starts or ends with a space) is enclosed in double quotes, each
 *     double quote inside doubled. pandas.read_csv, Python's csv module and
 *     sqlite3's `.import` (in csv or tabs mode) read it back as it was, with
 *     the quote of rule 1 in front.
 * Before both, a NUL byte (a "\u0000" in a JSON id or field) is written as
 * U+FFFD, the character the terminal rule (util/term.h) puts for a control
 * character: no CSV reader carries a NUL (Python's csv module refuses the
 * line, sqlite3 and C tools end the cell there). Other control characters are
 * left as they are: quoting keeps them inside their cell.
 * Returns 0, or -1 when out of memory. */
int sanctagp_csv_cell(sanctagp_buf *out, const char *s, size_t n, char sep);

/* 1 when sanctagp_csv_cell() would put a quote before `s` (rule 1). */
int sanctagp_csv_neutralised(const char *s, size_t n);

#endif
