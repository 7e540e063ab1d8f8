/* links.h - links between curated entities and sanctions-list records
 * (issue 16): one entity per real-world thing. The table, `gaz link` /
 * `gaz unlink`, the link source of `gaz build` (gazetteers/links.tsv) and
 * the links proposed at import; rows.h has the links applied at compile. */
#ifndef SANCTAG_GAZETTEER_LINKS_H
#define SANCTAG_GAZETTEER_LINKS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "util/error.h"

/* Creates the link table (and its triggers) when the gazetteer has none:
 * gazetteers opened for writing get it, readers cope without it. */
int sanctagp_links_ensure(sqlite3 *db, const char *path, sanctag_error *err);
/* 1 when the gazetteer has a link table */
int sanctagp_links_present(sqlite3 *db);
/* 0 when `key` is a curated entity (one on no list of its own), else an
 * error naming the key */
int sanctagp_link_check_curated(sqlite3 *db, const char *path, const char *key, sanctag_error *err);
/* Adds (or updates the note and origin of) the link curated <-> source:ref;
 * origin is "curated", "proposed", "analyst" or
 * "rejected" (a rejected link linked again takes the new origin). The curated entity must
 * exist; with need_record the list record too. */
int sanctagp_link_add(sqlite3 *db, const char *path, const char *curated, const char *source,
                      const char *ref, const char *note, const char *origin, int need_record,
                      sanctag_error *err);
/* Removes a link (`gaz unlink`): the row stays as origin 'rejected', not
 * applied and not proposed again; SANCTAG_E_NOTFOUND when there is none. */
int sanctagp_link_remove(sqlite3 *db, const char *path, const char *curated, const char *source,
                         const char *ref, sanctag_error *err);
/* 1 when a loaded TSV source is a link source (its header, after comment
 * lines: curated_key, list_source, list_ref[, note[, status]]; status is
 * empty or "link", or "rejected": a reviewed namesake, never proposed) */
int sanctagp_links_is_source(const char *buf, size_t len);
/* Adds the links of a loaded link source (modified in place); errors name
 * the line. */
int sanctagp_links_source(sqlite3 *db, const char *db_path, const char *path, char *buf, size_t len,
                          sanctag_error *err);

/* Proposes links for the records of list `source` just imported (in the
 * import's transaction): a record whose full name the import found colliding
 * with a strong alias of exactly one curated entity with the same label and
 * a compatible country (the same, or either unknown), that no link names yet
 * (not even a rejected one), the curated entity linked to no other record of
 * that list. Writes each as origin 'proposed' and returns them as a JSON
 * array of {"curated", "source", "ref", "entity", "name"}; *ret_held gets,
 * alike, those not written because several records of the list have that
 * curated entity's full name (namesakes: the analyst links the right one). */
int sanctagp_links_propose(sqlite3 *db, const char *path, const char *source, json_t **ret,
                           json_t **ret_held, sanctag_error *err);

/* The links of entity `key` (either end) to lists the gazetteer holds (the
 * links of a list not imported are not shown), as a JSON array of
 * {"curated", "source", "ref", "origin", "note", "applied"}, for `gaz lookup`. */
int sanctagp_links_of(sqlite3 *db, const char *path, const char *key, json_t **ret,
                      sanctag_error *err);

/* `gaz link` (unlink 0) / `gaz unlink` (1) in one transaction, the matcher
 * recompiled: `record` is a list entity's key ("ofac:20157") or SOURCE:REF
 * ("ofac-sdn:20157"); linking needs the record in the gazetteer, unlinking
 * does not. *ret: {"curated", "source", "ref", "entity", "name"}. */
int sanctagp_link_edit(sqlite3 *db, const char *path, const char *curated, const char *record,
                       const char *note, int unlink, json_t **ret, sanctag_error *err);

#endif
