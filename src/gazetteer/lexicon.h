/* lexicon.h - private: the lexicon of a gazetteer, word lists a list import
 * decides alias quality from (issue 16), and the tables beside it.
 *
 * `gaz build` stores reviewable word tables (gazetteers/common-words.tsv,
 * given-names.tsv, news-names.tsv) in the table lexicon(word, class, docs,
 * evidence, source_id) with their files in lexicon_source; they are not
 * entities or aliases, so the content version and the matcher do not see
 * them. A file is a lexicon, not a gazetteer source, when its header's first
 * column is `word` or `token`; its columns decide the classes its rows give:
 *   dict column          class "common" (a common word; docs: docs_lower)
 *   names column         class "given"  (a personal-name token; docs: docs_cap)
 *   docs_upper, no dict  class "upper"  (written in all capitals in `docs`
 *                        news articles) and "cap" (capitalised in `docs`)
 * evidence is the row as "column=value ..." for people reading a reason.
 *
 * alias_policy(source_id, entity_key, text, norm, action, rule, evidence)
 * records why a list import made an alias weak or dropped it (`gaz lookup`
 * shows it; dropped aliases are only here, never compiled). */
#ifndef SANCTAG_GAZETTEER_LEXICON_H
#define SANCTAG_GAZETTEER_LEXICON_H

#include <sqlite3.h>

#include "sanctag.h"

/* The lexicon and alias_policy tables, created when missing (a gazetteer
 * made before them is used as it is, with an empty lexicon). */
extern const char sanctagp_lexicon_schema[];

/* 1 when the loaded TSV buffer's header (first line not a '#' comment)
 * starts with the column `word` or `token`. */
int sanctagp_is_lexicon(const char *buf, size_t len);

/* Stores the lexicon file `path` (loaded into buf, modified in place) as
 * the lexicon source named `name` with `version`. */
int sanctagp_lexicon_add(sqlite3 *db, const char *db_path, const char *path, const char *name,
                         const char *version, char *buf, size_t len, sanctag_error *err);

#endif
