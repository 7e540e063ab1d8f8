/* output.h - private: the output layer's interface. `sanctag tag` writes each
 * tagged document through a per-thread emitter (the options, the gazetteer
 * and the memo of rendered entities) in one of the formats of a table that
 * maps --format names to writers: json (the output contract, output/json.c),
 * spacy, doccano, conll and brat (output/formats.c). */
#ifndef SANCTAG_OUTPUT_H
#define SANCTAG_OUTPUT_H

#include <jansson.h>
#include <stddef.h>

#include "sanctag.h"
#include "util/buf.h"
#include "util/utf8.h" /* OFF_* */

/* --offsets names of OFF_* ("byte", "codepoint", "utf16"). */
extern const char *const sanctagp_offset_names[3];
int sanctagp_offset_unit(const char *name); /* -1 if unknown */

/* Output formats of `sanctag tag`, in the order of the format table: JSON is
 * the contract; SPACY and DOCCANO are JSON Lines for those tools, CONLL is
 * BIO per token, BRAT is the .ann text of one document (its .txt is the
 * document itself). */
enum {
    FMT_JSON = 0,
    FMT_SPACY = 1,
    FMT_DOCCANO = 2,
    FMT_CONLL = 3,
    FMT_BRAT = 4,
    FMT_CSV = 5, /* one row per mention (output/table.c) */
    FMT_TSV = 6, /* the same, tab separated */
};

/* FMT_* value of a --format name ("json", "spacy", "doccano", "conll",
 * "brat"), or -1 when unknown. */
int sanctagp_format_from_name(const char *name);

/* The --format name of FMT_* `format` ("json", ...), or NULL when unknown. */
const char *sanctagp_format_name(int format);

/* Names of all formats, comma separated, for messages: "json, spacy, ...". */
extern const char sanctagp_format_list[];

typedef struct sanctagp_emit_opts {
    int unit;        /* OFF_* */
    int sentences;   /* add "sentence" per span and a "sentences" array */
    int format;      /* FMT_* */
    /* FMT_CSV/FMT_TSV: the kept input fields (--keep), one column each after
     * "id"; borrowed */
    const char *const *keep;
    size_t nkeep;
} sanctagp_emit_opts;

/* Memo of the JSON an entity contributes to each of its spans (its label,
 * key, name, country and sanctions listing), so a feed that names the same
 * entities again and again renders each once (output/json.c). */
typedef struct sanctagp_ecache sanctagp_ecache;
void sanctagp_ecache_free(sanctagp_ecache *c);

/* What one thread writes documents with. Set up with sanctagp_emitter_init
 * and, once done, sanctagp_emitter_release; used by one thread at a time. */
typedef struct sanctagp_emitter {
    sanctagp_emit_opts o;
    const sanctag_gazetteer *gz; /* borrowed: the documents' gazetteer (NULL: none) */
    sanctagp_ecache *memo;       /* owned; made on first use */
} sanctagp_emitter;

void sanctagp_emitter_init(sanctagp_emitter *em, const sanctag_gazetteer *gz,
                           const sanctagp_emit_opts *o);
void sanctagp_emitter_release(sanctagp_emitter *em);

/* A format's writer: appends the output record(s) of the last successful
 * sanctag_tagger_tag() on `tg` of `text` (`len` bytes, valid UTF-8, exactly as
 * tagged) to `out`, newline terminated. `id` and `extra` (an object of input
 * fields to pass through, --keep) are borrowed and may be NULL; formats that
 * carry no id ignore them. Returns 0, or SANCTAG_E_NOMEM with `out` holding a
 * partial record the caller must discard. No writer prints or keeps state
 * outside `em`, so threads format concurrently, one emitter each. */
typedef int (*sanctagp_doc_writer)(sanctagp_buf *out, sanctagp_emitter *em,
                                   const sanctag_tagger *tg, json_t *id, json_t *extra,
                                   const char *text, size_t len);

/* The output record(s) of a tagged document in em->o.format. */
int sanctagp_format_doc(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                        json_t *id, json_t *extra, const char *text, size_t len);

/* Appends the record of a document that could not be tagged (only the JSON
 * contract has error records: other formats append nothing). `text` is the
 * document (NULL if none) so e->position can be given as text line/column. */
int sanctagp_format_error(sanctagp_buf *out, sanctagp_emitter *em, json_t *id, json_t *extra,
                          const sanctag_error *e, const char *file, long line, const char *text);

/* The JSON output contract (docs/DESIGN.md), the json format's writer: one JSON
 * line per document written straight into `out`, no Jansson tree per span. */
int sanctagp_doc_write(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                       json_t *id, json_t *extra, const char *text, size_t len);

/* The csv and tsv formats (output/table.c): one row per mention, derived
 * from the document's JSON record, with the columns
 *   id, <each --keep field>, start, end, text, label, entity, name, country,
 *   listed, programs, list_source, list_ref, listed_on, error
 * (strings as they are, other JSON values compact, programmes joined by
 * "; ", listed "true" or "false"), every cell through sanctagp_csv_cell()
 * (util/csv.h), rows ended by CRLF as RFC 4180 says. A document without
 * mentions has no row; a document that could not be tagged has one row with
 * empty mention columns and "code: message" in "error". */
int sanctagp_format_table(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                          json_t *id, json_t *extra, const char *text, size_t len);
/* The header row of em->o.format (FMT_CSV or FMT_TSV). */
int sanctagp_table_header(sanctagp_buf *out, const sanctagp_emitter *em);
/* The error row of the JSON error record `record` (`len` bytes). */
int sanctagp_table_error(sanctagp_buf *out, const sanctagp_emitter *em, const char *record,
                         size_t len);

/* 1 when `key` is a field of the contract's own ("id", "offsets", "spans",
 * "sentences", "gazetteer", "error"): passed-through input fields never
 * replace one. */
int sanctagp_contract_field(const char *key);

/* Copies the fields of `extra` (borrowed; NULL or not an object: nothing)
 * into object `dst`, except those named in reserved[0, nres). */
void sanctagp_copy_fields(json_t *dst, json_t *extra, const char *const *reserved, size_t nres);

/* Appends the compact JSON text of any value `v` (borrowed). Returns 0 or
 * SANCTAG_E_NOMEM. */
int sanctagp_put_jansson(sanctagp_buf *out, json_t *v);

/* Appends `j` (a new reference, consumed; NULL means out of memory) as one
 * compact JSON line. Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_put_json_line(sanctagp_buf *out, json_t *j);

/* A JSON string of `s`, invalid UTF-8 bytes replaced by U+FFFD (file names,
 * truncated messages). New reference or NULL when out of memory. */
json_t *sanctagp_json_string_lossy(const char *s);

/* ---- JSON input read with Jansson (every command that reads records) ---- */

/* One JSON Lines record: json_loadb() of `line` with `flags`, except that a
 * line Jansson refuses only for a number it cannot hold (an integer beyond 64
 * bits, a real beyond a double) is read again with each such number as a
 * string of its digits (util/json.h, sanctagp_json_quote_big_numbers; in the
 * field `text_key`, when not NULL, as a number still, so a text field that is
 * a number stays "not a string"): such a line is valid JSON and is tagged, not
 * refused as invalid_json. `je`, when not NULL, gets Jansson's error of a line
 * that stays refused. */
json_t *sanctagp_json_load_line(const char *line, size_t len, size_t flags, const char *text_key,
                                json_error_t *je);

/* One value of a record where sanctagp_json_scan() found it (the id, a --keep
 * field): decoded by Jansson with `flags` (JSON_DECODE_ANY added), a number
 * Jansson cannot hold, alone or inside an array or object, as the string of
 * its digits, as the line reader above gives it. NULL when it is not JSON or
 * memory ran out. */
json_t *sanctagp_json_load_value(const char *raw, size_t len, size_t flags);

#endif
