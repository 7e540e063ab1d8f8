/* db.c - the SQLite gazetteer database: its schema, opening (and checking
 * that a file is one of ours), running SQL, meta values and storing the
 * compiled matcher. */
#include "gazetteer/gazetteer.h"
#include "gazetteer/lexicon.h"
#include "gazetteer/links.h"
#include "gazetteer/rows.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- schema -------------------------------------------------------------- */

/* 64 KB pages: the compiled matcher is one BLOB of up to ~70 MB, which SQLite
 * reads one overflow page per system call; at 4 KB pages that is 17,000
 * pread()s and ~50 ms of every start-up, at 64 KB about 1,100 and ~15 ms. */
static const char schema_sql[] =
    "PRAGMA foreign_keys = ON;\n"
    "BEGIN;\n"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE source (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,      -- e.g. 'countries', 'icu-countries', 'un-sc'\n"
    "  format TEXT NOT NULL,           -- tsv, jsonl, icu, un-xml, ...\n"
    "  path TEXT,                      -- file it was read from\n"
    "  version TEXT,                   -- content hash or list date\n"
    "  imported_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE entity (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  key TEXT NOT NULL UNIQUE,       -- stable: country:KP, org:un-security-council\n"
    "  label TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  country TEXT,                   -- ISO 3166-1 alpha-2\n"
    "  valid_from TEXT, valid_to TEXT,\n"
    "  listed INTEGER NOT NULL DEFAULT 0,\n"
    "  programs TEXT,                  -- JSON array\n"
    "  list_source TEXT, list_ref TEXT, listed_on TEXT,\n"
    "  attrs TEXT,                     -- JSON object\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  origin TEXT                     -- provenance note from the source row\n"
    ");\n"
    "CREATE TABLE alias (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,\n"
    "  text TEXT NOT NULL,\n"
    "  norm TEXT NOT NULL,             -- sanctag_normalize(text)\n"
    "  lang TEXT,\n"
    "  kind TEXT NOT NULL DEFAULT 'name',\n"
    "  case_policy TEXT NOT NULL DEFAULT 'auto',\n"
    "  accents TEXT NOT NULL DEFAULT 'fold',\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  origin TEXT,\n"
    "  UNIQUE (entity_id, text)\n"
    ");\n"
    "CREATE INDEX alias_norm ON alias(norm);\n"
    "CREATE INDEX entity_source ON entity(source_id);\n"
    "CREATE INDEX alias_source ON alias(source_id);\n"
    "CREATE TABLE matcher (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  version TEXT NOT NULL,          -- meta.version it was compiled from\n"
    "  format INTEGER NOT NULL,\n"
    "  image BLOB NOT NULL\n"
    ");\n"
    /* any change to entities or aliases marks the compiled matcher stale */
    "CREATE TRIGGER entity_ins AFTER INSERT ON entity BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER entity_upd AFTER UPDATE ON entity BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER entity_del AFTER DELETE ON entity BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER alias_ins AFTER INSERT ON alias BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER alias_upd AFTER UPDATE ON alias BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "CREATE TRIGGER alias_del AFTER DELETE ON alias BEGIN UPDATE meta SET value='1' WHERE key='dirty' AND value<>'1'; END;\n"
    "INSERT INTO meta VALUES ('schema_version', '1'), ('dirty', '1'), ('version', ''),\n"
    "  ('created_by', 'sanctag " SANCTAG_VERSION "');\n";

int sanctagp_db_exec(sqlite3 *db, const char *path, const char *sql, sanctag_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: database error: %s", path,
                           msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return SANCTAG_E_DB;
    }
    return 0;
}

char *sanctagp_db_meta(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        out = strdup(v ? v : "");
    }
    sqlite3_finalize(st);
    return out;
}

/* The columns each table must have (a gazetteer may add more, never lack
 * these): checked on every open, so a crafted file whose "entity" is a view
 * (an endless recursive one hangs any read) or lacks a column is refused up
 * front with a clear error instead of misbehaving later. Optional tables
 * (added after schema version 1, created when a gazetteer is written to)
 * may be missing, but when present are held to the same rule. */
static const struct {
    const char *name, *columns;
    int optional;
} expected_tables[] = {
    {"meta", "key value", 0},
    {"source", "id name format path version imported_at", 0},
    {"entity",
     "id key label name country valid_from valid_to listed programs list_source list_ref "
     "listed_on attrs source_id origin",
     0},
    {"alias", "id entity_id text norm lang kind case_policy accents source_id origin", 0},
    {"matcher", "id version format image", 0},
    {"lexicon_source", "id name path version imported_at", 1},
    {"lexicon", "word class docs evidence source_id", 1},
    {"alias_policy", "id source_id entity_key text norm action rule evidence", 1},
    {"link", "id curated_key list_source list_ref note origin created_at", 1},
};

/* 1 if the space-separated `list` holds the word w */
static int has_word(const char *list, const char *w, size_t n)
{
    for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

/* Every table of expected_tables is a plain table (not a view, not a virtual
 * table) with at least the expected columns. Costs a few schema lookups: the
 * schema is parsed once per connection anyway. */
static int check_tables(sqlite3 *db, const char *path, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT m.type, m.sql, (SELECT group_concat(p.name, ' ') "
                           "FROM pragma_table_info(?1) p) FROM sqlite_master m WHERE m.name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                  "%s: cannot read its schema: %s", path, sqlite3_errmsg(db));
    int rc = 0;
    for (size_t i = 0; i < sizeof expected_tables / sizeof *expected_tables && !rc; i++) {
        const char *name = expected_tables[i].name, *want = expected_tables[i].columns;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            if (expected_tables[i].optional)
                continue;
            rc = sanctagp_error_set(err, SANCTAG_E_SCHEMA, path, 0, 0, -1,
                                    "%s: not a sanctag gazetteer (no table '%s')", path, name);
            break;
        }
        const char *type = (const char *)sqlite3_column_text(st, 0);
        const char *sql = (const char *)sqlite3_column_text(st, 1);
        const char *cols = (const char *)sqlite3_column_text(st, 2);
        if (!type || strcmp(type, "table") != 0 || !sql ||
            strncmp(sql, "CREATE TABLE", 12) != 0) {
            rc = sanctagp_error_set(err, SANCTAG_E_SCHEMA, path, 0, 0, -1,
                                    "%s: not a sanctag gazetteer ('%s' is a %s, not a plain "
                                    "table)",
                                    path, name,
                                    type && strcmp(type, "table") != 0 ? type : "virtual table");
            break;
        }
        for (const char *w = want; *w && !rc;) {
            size_t n = strcspn(w, " ");
            char col[32];
            snprintf(col, sizeof col, "%.*s", (int)n, w);
            if (!cols || !has_word(cols, col, n))
                rc = sanctagp_error_set(err, SANCTAG_E_SCHEMA, path, 0, 0, -1,
                                        "%s: not a sanctag gazetteer (table '%s' has no column "
                                        "'%s')",
                                        path, name, col);
            w += n + (w[n] == ' ');
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* A read-only open met a hot journal: a writer (an import, a build) was
 * killed mid-commit and left DB-journal, which only a connection that may
 * write can roll back. When the file and its directory are writable, one
 * read-write connection rolls it back (SQLite does that on its first read)
 * and says so; otherwise the error says what to do. */
static int roll_back_hot_journal(const char *path, sanctag_error *err)
{
    char *dir = strdup(path);
    if (!dir)
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    char *slash = strrchr(dir, '/');
    const char *d = !slash ? "." : slash == dir ? "/" : (*slash = '\0', dir);
    int writable = access(path, W_OK) == 0 && access(d, W_OK | X_OK) == 0;
    free(dir);
    if (!writable)
        return sanctagp_error_set(
            err, SANCTAG_E_DB, path, 0, 0, -1,
            "%s: a write to it was interrupted (a killed import?) and left %s-journal behind; "
            "a reader without write access cannot roll it back: run any sanctag command on it "
            "once as a user who may write %s and its directory",
            path, path, path);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                           "%s: cannot roll back the interrupted write its journal records: %s",
                           path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    sqlite3_close(db);
    fprintf(stderr,
            "sanctag: %s: rolled back a write that was interrupted (a killed import or build "
            "left %s-journal); the gazetteer is as it was before that write\n",
            path, path);
    return 0;
}

/* Reads the schema version; SANCTAG_E_DB with err set when the file is no
 * SQLite database (or a corrupt one), *hot set when a read-only connection
 * met a hot journal. */
static int read_schema_version(sqlite3 *db, const char *path, int *ret, int *hot,
                               sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
                                &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        *ret = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
            sqlite3_finalize(st);
            return 0;
        }
    }
    sqlite3_finalize(st);
    int ext = sqlite3_extended_errcode(db);
    if (ext == SQLITE_READONLY_ROLLBACK) {
        *hot = 1;
        return SANCTAG_E_DB;
    }
    const char *why = (ext == SQLITE_NOTADB || ext == SQLITE_CORRUPT) ? "not a database or corrupt"
                                                                       : sqlite3_errmsg(db);
    return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                              "%s: not a sanctag gazetteer (%s)", path, why);
}

/* Opens an existing file as SQLite; NULL with err set on failure. */
static sqlite3 *open_file(const char *path, int flags, sanctag_error *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot open database: %s",
                           path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    if (flags & SQLITE_OPEN_READWRITE)
        /* imports touch every page of large tables: a page cache of up to
         * 256 MB (allocated only as used) saves re-reading them from disk */
        sqlite3_exec(db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", NULL, NULL,
                     NULL);
    return db;
}

int sanctagp_db_open(const char *path, int mode, sqlite3 **ret_db, sanctag_error *err)
{
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (mode == DB_CREATE && exists)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                                  "%s: already exists (refusing to overwrite)", path);
    if (mode != DB_CREATE && !exists)
        return sanctagp_error_set(err, SANCTAG_E_NOTFOUND, path, 0, 0, -1,
                                  "%s: gazetteer not found: %s", path, strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return sanctagp_error_set(err, SANCTAG_E_IO, path, 0, 0, -1,
                                  "%s: is a directory, not a gazetteer database", path);
    int flags = mode == DB_READ ? SQLITE_OPEN_READONLY
                : mode == DB_WRITE ? SQLITE_OPEN_READWRITE
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3 *db = open_file(path, flags, err);
    if (!db)
        return SANCTAG_E_DB;
    if (mode == DB_CREATE) {
        /* one transaction: a killed create leaves an empty file, never a
         * half-made schema (the page size is set before it, as it must be) */
        if (sanctagp_db_exec(db, path, "PRAGMA page_size = 65536", err) ||
            sanctagp_db_exec(db, path, schema_sql, err) ||
            sanctagp_db_exec(db, path, sanctagp_lexicon_schema, err) ||
            sanctagp_links_ensure(db, path, err) ||
            sanctagp_db_exec(db, path, "COMMIT", err)) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            sqlite3_close(db);
            return SANCTAG_E_DB;
        }
        *ret_db = db;
        return 0;
    }
    /* is it ours? reading meta fails on non-databases and foreign ones alike */
    int version = -1, hot = 0;
    int rc = read_schema_version(db, path, &version, &hot, err);
    if (rc && hot) {
        sqlite3_close(db);
        if ((rc = roll_back_hot_journal(path, err)))
            return rc;
        if (!(db = open_file(path, flags, err)))
            return SANCTAG_E_DB;
        rc = read_schema_version(db, path, &version, &hot, err);
        if (rc && hot)
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: a hot journal is left even after rolling it back", path);
    }
    if (!rc && version != SANCTAG_SCHEMA_VERSION)
        rc = sanctagp_error_set(err, SANCTAG_E_SCHEMA, path, 0, 0, -1,
                                "%s: gazetteer schema version %d, this sanctag reads version %d",
                                path, version, SANCTAG_SCHEMA_VERSION);
    if (!rc)
        rc = check_tables(db, path, err);
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    if (mode == DB_WRITE) {
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        /* tables added after schema version 1 without changing it: a
         * gazetteer made before them gets them, empty, when written to */
        if (sanctagp_db_exec(db, path, sanctagp_lexicon_schema, err) ||
            sanctagp_links_ensure(db, path, err)) {
            sqlite3_close(db);
            return SANCTAG_E_DB;
        }
    }
    *ret_db = db;
    return 0;
}

int sanctagp_db_store_image(sqlite3 *db, const char *version, const void *img, size_t size)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT OR REPLACE INTO matcher (id, version, format, image) "
                                "VALUES (1, ?, ?, ?)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)SANCTAGP_IMAGE_FORMAT);
        sqlite3_bind_blob64(st, 3, img, size, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return rc;
}
