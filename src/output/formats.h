/* formats.h - private: interoperability output formats for one tagged document
 * (spaCy and doccano JSON Lines, brat standoff, CoNLL BIO).
 *
 * Each is a sanctagp_doc_writer (output.h) of the format table: it reads the
 * spans of the last successful sanctag_tagger_tag() on `tg` and APPENDS text
 * to `out`; it keeps no state, so worker threads may format documents
 * concurrently (one tagger, emitter and buffer per thread).
 *
 * Offsets in these formats are always codepoints (Python string indexes),
 * whatever --offsets says: it is what spaCy, doccano and brat count in.
 */
#ifndef SANCTAG_FORMATS_H
#define SANCTAG_FORMATS_H

#include <jansson.h>

#include "output/output.h"
#include "sanctag.h"

/* spaCy JSON Lines: one line
 *   {"text": T, "ents": [{"start": s, "end": e, "label": L, "kb_id": KEY}, ...],
 *    "meta": {"id": ID, ...extra}}
 * the layout of spaCy's displaCy manual mode and Doc.to_json() "ents"; the
 * spans are the non-overlapping cover (nested spans of --all are left out,
 * since a spaCy Doc's entities cannot overlap), and each start/end falls on
 * a token boundary of sanctag's tokenizer. `id` and `extra` are borrowed and
 * may be NULL (id gives null; extra: fields copied into "meta", "id" kept). */
int sanctagp_format_spacy(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                          json_t *id, json_t *extra, const char *text, size_t len);

/* doccano sequence-labelling JSON Lines: one line
 *   {"id": ID, ...extra, "text": T, "label": [[s, e, L], ...]}
 * with every span (nested ones too: doccano allows overlapping spans). */
int sanctagp_format_doccano(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                            json_t *id, json_t *extra, const char *text, size_t len);

/* CoNLL-2003 style BIO: "-DOCSTART- O" and an empty line, then one
 * "TOKEN TAG" line per token (TAG is O, B-LABEL or I-LABEL), an empty line
 * after each sentence. Tokens are sanctag's own (hyphens and whitespace are
 * separators, so they are not tokens); nested spans are left out. Control
 * characters in a token are written as U+FFFD and whitespace in a label as
 * '_', so a line always splits into exactly two fields. */
int sanctagp_format_conll(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                          json_t *id, json_t *extra, const char *text, size_t len);

/* The brat standoff annotation (.ann) for a document whose .txt file holds
 * `text` byte for byte: per span a text-bound line
 *   T<n>\t<LABEL> <start> <end>\t<covered text>
 * (a span that crosses a line break or tab becomes a discontinuous span,
 * "start end;start end", its text the fragments joined by one space), and an
 * AnnotatorNotes line
 *   #<n>\tAnnotatorNotes T<n>\t<key> "<name>" country=CC alias=KIND/LANG
 *   listed=SOURCE:REF programs=[...] (nested|ambiguous|propagated|suppressor)
 * naming the entity (country as the JSON output gives it) and its listing. Every span is written, nested ones
 * too. Empty when the document has no spans. */
int sanctagp_format_brat_ann(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                             json_t *id, json_t *extra, const char *text, size_t len);

/* A file name stem for the brat files of a document, written to `buf` (`cap`
 * bytes, at least 32): a string id with every byte outside [A-Za-z0-9._-]
 * replaced by '_', leading dots dropped, a trailing ".txt" removed, cut to
 * 120 bytes; an integer id in decimal; any other id (null, missing, empty
 * after cleaning) "doc-<ordinal>". Distinct ids may give the same stem
 * ("a/b" and "a_b"): the caller checks for collisions. Returns buf. */
char *sanctagp_brat_stem(json_t *id, unsigned long ordinal, char *buf, size_t cap);

#endif
