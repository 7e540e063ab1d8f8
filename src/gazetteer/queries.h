/* queries.h - the questions the command line asks a gazetteer (`gaz lookup`,
 * `gaz stats`, `gaz build`'s summary), so that no command writes SQL against
 * the gazetteer's tables or walks the matcher itself. Answers are JSON values
 * shaped as the commands' --json output; their text output is printed from
 * the same values. */
#ifndef SANCTAG_GAZETTEER_QUERIES_H
#define SANCTAG_GAZETTEER_QUERIES_H

#include <jansson.h>

#include "core/text.h"
#include "gazetteer/gazetteer.h"

/* A gazetteer opened to be asked: its database read-only and its matcher
 * loaded (sanctag_gazetteer_open()). */
typedef struct sanctagp_gazq {
    char *path;
    sqlite3 *db;
    sanctag_gazetteer *gz;
    sanctag_tagger *tg;      /* NULL (out of memory): no mention search */
    sqlite3_stmt *by_key;    /* an entity with its source, by key */
    sqlite3_stmt *by_norm;   /* entity keys by alias normal form */
    sqlite3_stmt *aliases;   /* an entity's aliases with their sources */
    sqlite3_stmt *reason;    /* why a list import made an alias weak (NULL: no table) */
    sqlite3_stmt *dropped;   /* aliases a list import dropped, by norm (NULL: no table) */
} sanctagp_gazq;
int sanctagp_gazq_open(const char *path, sanctagp_gazq **ret, sanctag_error *err);
void sanctagp_gazq_close(sanctagp_gazq *q);

/* The entities `name` resolves to (`norm`: sanctag_normalize(name)), a JSON
 * array of objects {key, label, name, matches_as_typed | found_by, country?,
 * valid_from?, valid_to?, sanctions?, source, origin?, aliases: [{alias,
 * lang, kind, case, source, origin, policy?: {action, rule, evidence}}]}
 * (policy: why a list import made the alias weak): first those the matcher reaches for
 * the whole name, then those with an alias of that normal form it does not
 * match (weak ones); when there are none, the entity whose key is `name`,
 * else the entities of the mentions the tagger finds in it. Empty when
 * nothing; NULL when out of memory. */
json_t *sanctagp_gazq_lookup(sanctagp_gazq *q, const char *name, const char *norm);

/* The aliases of normal form `norm` a list import dropped (never matched),
 * a JSON array of {alias, key, source, rule, evidence}; empty when none or
 * the gazetteer predates the table; NULL when out of memory. */
json_t *sanctagp_gazq_dropped(sanctagp_gazq *q, const char *norm);

/* Everything `gaz stats --json` prints: version, matcher, sources, entities
 * per label and source, aliases per kind, language and case policy, shared
 * and never-matching aliases, listed entities per list and programme. NULL
 * when out of memory. */
json_t *sanctagp_gazq_stats(sanctagp_gazq *q);

/* Counts of entities, aliases and sources in a database (0 when unreadable). */
void sanctagp_db_counts(sqlite3 *db, long long *ret_entities, long long *ret_aliases,
                        long long *ret_sources);

/* The case policy an alias is matched with, as lookup and stats show it:
 * `stored` unless it is "auto", then what auto resolves to for `alias`,
 * "auto (exact)", "auto (cap)" or "auto (fold)". Into buf; returns buf. */
const char *sanctagp_policy_shown(const char *alias, const char *stored, char *buf, size_t cap);

/* The same with `tk` (reused between calls: release it after the last), and
 * the number of tokens of the alias and whether a sentence starts inside it
 * (then it can never match). */
void sanctagp_alias_shape(sanctagp_tokens *tk, const char *alias, const char *stored,
                          char *policy, size_t cap, size_t *ret_ntok, int *ret_break);

#endif
