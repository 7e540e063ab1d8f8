/* gazetteer.h - private: the SQLite gazetteer store and its sources; the store
 * opens and fills the sanctag_gazetteer object (core/image.h). */
#ifndef SANCTAG_GAZETTEER_H
#define SANCTAG_GAZETTEER_H

#include <sqlite3.h>
#include <stdarg.h>

#include "core/image.h"
#include "core/matcher.h"
#include "util/error.h"
#include "sanctag.h"

/* Opens a gazetteer database. mode: 0 read-only (must exist and be a sanctag
 * gazetteer), 1 read-write (same), 2 create a new empty gazetteer (the file
 * must not exist). */
enum { DB_READ = 0, DB_WRITE = 1, DB_CREATE = 2 };
int sanctagp_db_open(const char *path, int mode, sqlite3 **ret_db, sanctag_error *err);

/* Runs SQL; on failure describes it in err against `path`. */
int sanctagp_db_exec(sqlite3 *db, const char *path, const char *sql, sanctag_error *err);

/* After entity/alias changes, inside the caller's transaction: recomputes the
 * content version, compiles the matcher and stores it. */
int sanctagp_db_refresh(sqlite3 *db, const char *path, sanctag_error *err);

/* The same in two steps, so that the caller can go on using the connection
 * while the matcher compiles: _start reads the rows and compiles them on
 * other threads; _finish waits, then stores the matcher and the version,
 * and frees r; _cancel (NULL allowed) waits and frees r without storing. */
typedef struct sanctagp_refresh sanctagp_refresh;
int sanctagp_db_refresh_start(sqlite3 *db, const char *path, sanctagp_refresh **ret,
                              sanctag_error *err);
int sanctagp_db_refresh_finish(sqlite3 *db, const char *path, sanctagp_refresh *r,
                               sanctag_error *err);
void sanctagp_db_refresh_cancel(sanctagp_refresh *r);

/* Compiles the matcher from the entity and alias rows, as sanctagp_db_refresh()
 * does (rows.h: the one compile path), with weak aliases when `weak`. */
int sanctagp_db_compile(sqlite3 *db, const char *path, int weak, const char *version,
                        void **ret_image, size_t *ret_size, sanctag_error *err);

/* Meta value (owned string, NULL if absent). */
char *sanctagp_db_meta(sqlite3 *db, const char *key);

/* ---- sources (build.c) ---- */

/* One alias row of a gazetteer source, as read from TSV/JSONL. Zero-initialise
 * it: the sanctions fields (set by list imports) then mean "not listed". */
typedef struct sanctagp_row {
    const char *key, *label, *name, *country, *alias, *lang, *kind, *case_policy, *accents;
    const char *valid_from, *valid_to, *origin, *attrs;
    int listed;            /* 1: on a sanctions list */
    const char *programs;  /* JSON array of programme names */
    const char *list_source, *list_ref, *listed_on;
} sanctagp_row;

/* Writer for rows of one source inside an open transaction. */
typedef struct sanctagp_writer sanctagp_writer;

int sanctagp_writer_new(sqlite3 *db, const char *db_path, const char *source_name,
                        const char *format, const char *file, const char *version,
                        sanctagp_writer **ret, sanctag_error *err);
/* Refuses rows whose key belongs to an entity of another source (imports). */
void sanctagp_writer_exclusive(sanctagp_writer *w);
/* Adds a row; `where`/`line` locate it for error messages. */
int sanctagp_writer_add(sanctagp_writer *w, const sanctagp_row *r, const char *where, long line,
                        sanctag_error *err);
int sanctagp_writer_finish(sanctagp_writer *w, sanctag_error *err);
void sanctagp_writer_free(sanctagp_writer *w);

/* Reads a whole file (a directory is refused) into an owned NUL-terminated
 * buffer; NULL with err set naming the file. Shared by sources and importers. */
char *sanctagp_read_file(const char *path, size_t *ret_len, sanctag_error *err);

/* Adds one gazetteer source: a .tsv or .jsonl file, a .model file (the
 * statistical name model, nermodel.c), or the built-in "icu:countries" (every
 * ISO 3166-1 country, English and Indonesian display names from ICU locale
 * data). */
int sanctagp_source_add(sqlite3 *db, const char *db_path, const char *src, sanctag_error *err);

/* 1 when the file src is a link source (curated entity <-> list record,
 * links.c), which `gaz build` adds after all the other sources, whatever
 * their order on the command line: its rows name their entities. */
int sanctagp_source_is_links(const char *src);

/* The source id a writer writes under. */
sqlite3_int64 sanctagp_writer_source_id(const sanctagp_writer *w);

/* ---- the statistical name model (nermodel.c) ---- */

/* Checks the model file `path` (core/ner.h) and stores it, with its
 * provenance, as source `name` in the ner_model table (made if missing; one
 * model a gazetteer). */
int sanctagp_source_ner_model(sqlite3 *db, const char *db_path, const char *path,
                              const char *name, sanctag_error *err);

/* Checks the stored model's header, if there is a model, and gives it to gz
 * (ner_model, ner_propose, ner_error, ner_free), to be read from `path` and
 * parsed on first use.
 * Returns 0 (also when there is none) or an error naming `path` when the
 * stored model is unusable. */
int sanctagp_db_load_ner(sqlite3 *db, const char *path, sanctag_gazetteer *gz,
                         sanctag_error *err);
/* ---- cue words of name recognition (cues.c) ---- */

/* 1 when a loaded .tsv source is a cue source: its first line after comments
 * is the header "word<TAB>role[...]". */
int sanctagp_is_cue_source(const char *buf, size_t len);
/* Writes a cue source (buf: the file's bytes, modified) as source `name`
 * into table `cue`; errors name the file and line. */
int sanctagp_cue_source(sqlite3 *db, const char *db_path, const char *path, const char *name,
                        const char *version, char *buf, size_t len, sanctag_error *err);
/* The stored cue words with the lexicon's common words and given names (*ret
 * NULL when the gazetteer has no cue words). Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_cues_read(sqlite3 *db, sanctagp_cues **ret);

#endif
