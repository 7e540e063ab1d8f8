/* emit.h - private: the output contract (one JSON object per document). */
#ifndef SANCTAG_EMIT_H
#define SANCTAG_EMIT_H

#include <jansson.h>
#include <string.h>

#include "sanctag.h"
#include "util/buf.h"

enum { OFF_BYTE = 0, OFF_CODEPOINT = 1, OFF_UTF16 = 2 };
extern const char *const sanctagp_offset_names[3];
int sanctagp_offset_unit(const char *name); /* -1 if unknown */

/* Output formats of `sanctag tag` (names and writers in formats.h): JSON is
 * the contract above; SPACY and DOCCANO are JSON Lines for those tools, CONLL
 * is BIO per token, BRAT is the .ann text of one document (its .txt is the
 * document itself). */
enum { FMT_JSON = 0, FMT_SPACY = 1, FMT_DOCCANO = 2, FMT_CONLL = 3, FMT_BRAT = 4 };

typedef struct sanctagp_emit_opts {
    int unit;        /* OFF_* */
    int sentences;   /* add "sentence" per span and a "sentences" array */
    int format;      /* FMT_* */
} sanctagp_emit_opts;

/* Per-thread memo of the JSON an entity contributes to each of its spans (its
 * label, key, name, country and sanctions listing), so a feed that names the
 * same entities again and again renders each once. Owned by a tagger. */
typedef struct sanctagp_ecache sanctagp_ecache;
void sanctagp_ecache_free(sanctagp_ecache *c);
sanctagp_ecache **sanctagp_tagger_ecache(const sanctag_tagger *tg);

/* Appends the output record(s) of a tagged document in o->format, newline
 * terminated. `extra` (borrowed, may be NULL) is an object of input fields to
 * pass through (--keep). Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_format_doc(sanctagp_buf *out, const sanctagp_emit_opts *o, const sanctag_tagger *tg,
                        const sanctag_gazetteer *gz, json_t *id, json_t *extra, const char *text,
                        size_t len);

/* Appends the record of a document that could not be tagged. */
int sanctagp_format_error(sanctagp_buf *out, const sanctagp_emit_opts *o,
                          const sanctag_gazetteer *gz, json_t *id, json_t *extra,
                          const sanctag_error *e, const char *file, long line, const char *text);

/* Appends the output record of a tagged document (the contract, as one JSON
 * line) to `out`: the hot path, no Jansson tree per span. Returns 0 or
 * SANCTAG_E_NOMEM. */
int sanctagp_doc_write(sanctagp_buf *out, const sanctag_tagger *tg, const sanctag_gazetteer *gz,
                       json_t *id, json_t *extra, const char *text, size_t len,
                       const sanctagp_emit_opts *o);

/* Builds the output record of a tagged document. `id` is borrowed (copied
 * with a new reference; NULL gives JSON null). Returns a new reference or NULL
 * when out of memory. */
json_t *sanctagp_doc_json(const sanctag_tagger *tg, const sanctag_gazetteer *gz, json_t *id,
                          json_t *extra, const char *text, size_t len,
                          const sanctagp_emit_opts *o);

/* Builds the record of a document that could not be tagged. `text` is the
 * document (NULL if none) so e->position can be given as text line/column. */
json_t *sanctagp_error_json(const sanctag_gazetteer *gz, json_t *id, json_t *extra,
                            const sanctag_error *e, const char *file, long line,
                            const char *text, const sanctagp_emit_opts *o);

/* A JSON string of `s`, invalid UTF-8 bytes replaced by U+FFFD (file names,
 * truncated messages). New reference or NULL when out of memory. */
json_t *sanctagp_json_string_lossy(const char *s);

/* Converts byte offset `b` of valid UTF-8 `text` into `unit`, scanning from
 * (*cur_b, *cur_u), which must not lie after `b`; updates the cursor. */
size_t sanctagp_offset_convert(const char *text, size_t b, int unit, size_t *cur_b,
                               size_t *cur_u);

#endif
