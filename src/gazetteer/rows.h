/* rows.h - private to the gazetteer store (db.c, rows.c, version.c,
 * refresh.c, gazetteer.c): the entity and alias rows read once into memory,
 * and the one path that compiles them into a matcher.
 *
 * Every matcher comes from rows read here: the one stored by
 * sanctagp_db_refresh() and the one compiled when a gazetteer is opened
 * whose stored matcher is stale, of an older image format or without weak
 * aliases (sanctagp_db_compile()). So both order entities and aliases alike:
 * entities by id; the aliases of listed entities, then those of the others,
 * each in alias id order (sanctagp_rows_compile()).
 *
 * The content version (version.c) hashes the same rows: see
 * sanctagp_rows_version(). Both tables are read once, in table order
 * (reading them through the key index would jump around the file, and
 * sorting rows costs string comparisons); the key order is read from the key
 * index alone (entity ids in key order: a scan of a covering index). */
#ifndef SANCTAG_GAZETTEER_ROWS_H
#define SANCTAG_GAZETTEER_ROWS_H

#include <stdint.h>

#include "gazetteer/gazetteer.h"

/* columns of an entity row and of an alias row, in the order read (the
 * content version's order) */
enum { EC_KEY, EC_LABEL, EC_NAME, EC_COUNTRY, EC_VALID_FROM, EC_VALID_TO, EC_LISTED,
       EC_PROGRAMS, EC_LIST_SOURCE, EC_LIST_REF, EC_LISTED_ON, EC_ATTRS, EC_N };
enum { AC_TEXT, AC_LANG, AC_KIND, AC_CASE, AC_ACCENTS, AC_N };

/* An entity row: its columns' texts, each followed by a NUL in rows.buf, and
 * their lengths (the hash covers every byte SQLite returns, the compiler sees
 * C strings as sqlite3_column_text() gives them). */
typedef struct sanctagp_rowent {
    sqlite3_int64 id;
    size_t off;
    uint32_t len[EC_N];
    int listed; /* sqlite3_column_int(listed) */
    int pass;   /* its aliases compile in pass 0 (listed > 0), 1 (listed <= 0), or -1 (NULL) */
} sanctagp_rowent;

typedef struct sanctagp_rowalias {
    size_t off;
    uint32_t len[AC_N];
    uint32_t ent; /* index of its entity in rows.ent, ROWS_NONE when there is none */
} sanctagp_rowalias;

#define ROWS_NONE UINT32_MAX

/* A link applied (links.c): list entity `list` is merged into curated
 * entity `cur`. */
typedef struct sanctagp_rowlink {
    uint32_t cur, list;
} sanctagp_rowlink;

typedef struct sanctagp_rows {
    char *buf;
    size_t n, cap;
    sanctagp_rowent *ent; /* by id */
    size_t nent, entcap;
    sanctagp_rowalias *al; /* by id */
    size_t nal, alcap;
    uint32_t *by_key; /* ent indices in key order (when read with key_order) */
    uint32_t *dense;  /* index + 1 by id - id0, when ids are dense enough */
    sqlite3_int64 id0;
    size_t ndense;
    /* links whose both ends exist (links.c), by curated key, UN lists first;
     * NULL arrays when there is none */
    sanctagp_rowlink *links;
    size_t nlinks, linkcap;
    uint32_t *merged;     /* by entity: the curated entity it is merged into, or ROWS_NONE */
    uint32_t *first_link; /* by entity: its first link as the curated end, or ROWS_NONE */
    /* the cue words (cues.c), compiled into the image with the rest; NULL: none */
    sanctagp_cues *cues;
} sanctagp_rows;

/* column k of a row whose columns start at p */
static inline const char *sanctagp_rows_col(const char *p, const uint32_t *len, int k)
{
    for (int i = 0; i < k; i++)
        p += len[i] + 1;
    return p;
}

/* index of the entity with rowid `id`, or ROWS_NONE */
uint32_t sanctagp_rows_find(const sanctagp_rows *g, sqlite3_int64 id);

/* ---- links (links.c) ---- */

/* Reads the links whose curated entity and list record both exist into g
 * (after its entities): a list record merged into at most one curated
 * entity, no chains. A gazetteer without a link table has none. */
int sanctagp_rows_links(sqlite3 *db, const char *path, sanctagp_rows *g, sanctag_error *err);

/* Adds entity i to the matcher: a curated entity with links as listed with
 * every list record behind it (its own first, then the linked ones: UN lists
 * first), the union of their programmes, and the first record's source,
 * reference and date; any listed entity with its records. */
int sanctagp_links_entity(const sanctagp_rows *g, uint32_t i, sanctagp_mbuild *b,
                          uint32_t *ret_idx);

/* The compile pass of entity i's aliases (sanctagp_rowent.pass), 0 for a
 * curated entity linked to a listed record. */
int sanctagp_links_pass(const sanctagp_rows *g, uint32_t i);

/* Reads every entity and alias row; with `key_order` also the entities' key
 * order (by_key), which only the content version needs. On failure err
 * names the database, and g is left empty. */
int sanctagp_rows_read(sqlite3 *db, const char *path, int key_order, sanctagp_rows *g,
                       sanctag_error *err);
void sanctagp_rows_free(sanctagp_rows *g);

/* Adds the rows' entities and aliases (weak ones when `weak`) to `b`, up to
 * sanctagp_mbuild_finish(). */
int sanctagp_rows_compile(const sanctagp_rows *g, int weak, sanctagp_mbuild *b);

/* The content version of rows read with key_order (version.c): 0 or
 * SANCTAG_E_NOMEM. */
int sanctagp_rows_version(const sanctagp_rows *g, uint64_t *ret);

/* ---- the stored matcher against its rows (verify.c) ---- */

/* Reads the rows (key order, left in *g for compiling; freed on failure)
 * and writes their content checksum, the version, as 16 hex digits. */
int sanctagp_db_checksum(sqlite3 *db, const char *path, sanctagp_rows *g, char hex[17],
                         sanctag_error *err);
/* 1 when this very state of a file (device, inode, size, mtime, ctime) was
 * found earlier to hold rows whose checksum is `version`. */
struct stat;
int sanctagp_verified_known(const struct stat *sb, const char *version);
/* Remembers that it does (a no-op when there is no cache directory). */
void sanctagp_verified_note(const struct stat *sb, const char *version);
/* 1 when the file at path is still in state sb (nothing wrote to it since). */
int sanctagp_verified_same(const char *path, const struct stat *sb);

/* Describes a compile failure `rc` other than a database error in err (when
 * err holds nothing yet); returns rc. */
int sanctagp_compile_failed(int rc, const char *path, sanctag_error *err);

/* Stores a compiled matcher for gazetteer `version` (db.c). Returns an
 * SQLite code. */
int sanctagp_db_store_image(sqlite3 *db, const char *version, const void *img, size_t size);

#endif
