/* db.c - the SQLite gazetteer database: its schema, opening (and checking
 * that a file is one of ours), running SQL, meta values and storing the
 * compiled matcher. */
#include "gazetteer/gazetteer.h"
#include "gazetteer/lexicon.h"
#include "gazetteer/rows.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- schema -------------------------------------------------------------- */

/* 64 KB pages: the compiled matcher is one BLOB of up to ~70 MB, which SQLite
 * reads one overflow page per system call; at 4 KB pages that is 17,000
 * pread()s and ~50 ms of every start-up, at 64 KB about 1,100 and ~15 ms. */
static const char schema_sql[] =
    "PRAGMA page_size = 65536;\n"
    "PRAGMA foreign_keys = ON;\n"
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
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot open database: %s",
                           path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    if (mode != DB_READ)
        /* imports touch every page of large tables: a page cache of up to
         * 256 MB (allocated only as used) saves re-reading them from disk */
        sqlite3_exec(db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", NULL, NULL,
                     NULL);
    if (mode == DB_CREATE) {
        if (sanctagp_db_exec(db, path, schema_sql, err) ||
            sanctagp_db_exec(db, path, sanctagp_lexicon_schema, err)) {
            sqlite3_close(db);
            return SANCTAG_E_DB;
        }
        *ret_db = db;
        return 0;
    }
    /* is it ours? reading meta fails on non-databases and foreign ones alike */
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        int ext = sqlite3_extended_errcode(db);
        const char *why = (ext == SQLITE_NOTADB || ext == SQLITE_CORRUPT)
                              ? "not a database or corrupt"
                              : sqlite3_errmsg(db);
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                           "%s: not a sanctag gazetteer (%s)", path, why);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    rc = sqlite3_step(st);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read gazetteer: %s",
                           path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return SANCTAG_E_DB;
    }
    sqlite3_finalize(st);
    if (version != SANCTAG_SCHEMA_VERSION) {
        sanctagp_error_set(err, SANCTAG_E_SCHEMA, path, 0, 0, -1,
                           "%s: gazetteer schema version %d, this sanctag reads version %d", path,
                           version, SANCTAG_SCHEMA_VERSION);
        sqlite3_close(db);
        return SANCTAG_E_SCHEMA;
    }
    if (mode == DB_WRITE) {
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        /* tables added after schema version 1 without changing it: a
         * gazetteer made before them gets them, empty, when written to */
        if (sanctagp_db_exec(db, path, sanctagp_lexicon_schema, err)) {
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
