/* nermodel.c - the statistical name model (core/ner.h) in the gazetteer: a
 * model file given to `gaz build` as a source is checked and stored in the
 * `ner_model` table beside its provenance; opening the gazetteer checks it and
 * hands it to the tagger through core/names_model.h, parsed on first use. */
#include "gazetteer/gazetteer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ner.h"
#include "util/hash.h"

static const char table_sql[] =
    "CREATE TABLE IF NOT EXISTS ner_model (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1), -- a gazetteer holds at most one model\n"
    "  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,\n"
    "  format TEXT NOT NULL,           -- the model file's magic, e.g. SNERMDL2\n"
    "  provenance TEXT NOT NULL,       -- trainer, training data and their licences\n"
    "  model BLOB NOT NULL\n"
    ");\n";

static int db_fail(sqlite3 *db, const char *db_path, sanctag_error *err)
{
    return sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1, "%s: %s", db_path,
                              sqlite3_errmsg(db));
}

int sanctagp_source_ner_model(sqlite3 *db, const char *db_path, const char *path,
                              const char *name, sanctag_error *err)
{
    size_t len;
    char *bytes = sanctagp_read_file(path, &len, err);
    if (!bytes)
        return err && err->code ? err->code : SANCTAG_E_IO;
    char why[128];
    sanctagp_ner *m = sanctagp_ner_load(bytes, len, why, sizeof why);
    if (!m) {
        free(bytes);
        return sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, 0, "%s: %s", path, why);
    }
    size_t plen;
    const char *prov = sanctagp_ner_provenance(m, &plen);
    char ver[32];
    snprintf(ver, sizeof ver, "%016llx",
             (unsigned long long)sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, bytes, len));
    sqlite3_stmt *st = NULL;
    sanctagp_writer *w = NULL; /* the source row: a source without entities */
    int rc = sanctagp_db_exec(db, db_path, table_sql, err);
    if (!rc)
        rc = sanctagp_writer_new(db, db_path, name, "ner-model", path, ver, &w, err);
    if (!rc && sqlite3_prepare_v2(db,
                                  "INSERT INTO ner_model (id, source_id, format, provenance, model) "
                                  "VALUES (1, ?, ?, ?, ?)",
                                  -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(db, db_path, err);
    if (!rc) {
        sqlite3_bind_int64(st, 1, sanctagp_writer_source_id(w));
        sqlite3_bind_text(st, 2, NER_MAGIC, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, prov, (int)plen, SQLITE_STATIC);
        sqlite3_bind_blob64(st, 4, bytes, len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY
                     ? sanctagp_error_set(err, SANCTAG_E_INVALID, path, 0, 0, -1,
                                          "%s: %s already holds a name model (one a gazetteer)",
                                          path, db_path)
                     : db_fail(db, db_path, err);
    }
    sqlite3_finalize(st);
    sanctagp_writer_free(w);
    sanctagp_ner_free(m);
    free(bytes);
    return rc;
}

/* The model as an open gazetteer holds it: checked at open (its header and
 * size), read and parsed on first use. Only `--names model` uses it, and
 * every other open would pay for it: reading its half a megabyte (each page
 * of a fresh buffer is a page fault, some 10 us on a VM), building its
 * lexicon's hash table, converting its weights. The first use opens the file
 * again, read-only (a connection kept open would be one carried across a
 * fork, or left on a file renamed over, which SQLite forbids), and reads the
 * model only if it is the one checked at open: the same source version (a
 * hash of its bytes) and size. Other writes to the file in between do not
 * matter. */
typedef struct lazy_ner {
    pthread_mutex_t lock;
    _Atomic(sanctagp_ner *) model;
    int failed;
    char *path;
    size_t len;
    char *version;      /* of the model's source row */
    char why[640];      /* when failed */
} lazy_ner;

static const char model_sql[] =
    "SELECT n.rowid, length(n.model), s.version FROM ner_model n "
    "JOIN source s ON s.id = n.source_id WHERE n.id = 1";

/* Reads the model's bytes from the file at z->path; NULL with the reason in
 * z->why. */
static void *lazy_read(lazy_ner *z)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_blob *blob = NULL;
    sanctag_error e = {0};
    void *bytes = NULL;
    if (sanctagp_db_open(z->path, DB_READ, &db, &e)) {
        snprintf(z->why, sizeof z->why, "cannot read it: %s", e.text);
        return NULL;
    }
    /* one read transaction: the row checked is the blob read */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, model_sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(z->why, sizeof z->why, "cannot read it: %s", sqlite3_errmsg(db));
    } else if (sqlite3_step(st) != SQLITE_ROW ||
               (size_t)sqlite3_column_int64(st, 1) != z->len || !sqlite3_column_text(st, 2) ||
               strcmp((const char *)sqlite3_column_text(st, 2), z->version) != 0) {
        snprintf(z->why, sizeof z->why,
                 "the file's model was replaced or removed after the gazetteer was opened "
                 "(run again)");
    } else if (!(bytes = malloc(z->len))) {
        snprintf(z->why, sizeof z->why, "out of memory reading it");
    } else if (sqlite3_blob_open(db, "main", "ner_model", "model", sqlite3_column_int64(st, 0),
                                 0, &blob) != SQLITE_OK ||
               sqlite3_blob_read(blob, bytes, (int)z->len, 0) != SQLITE_OK) {
        snprintf(z->why, sizeof z->why, "cannot read it: %s", sqlite3_errmsg(db));
    }
    sqlite3_blob_close(blob);
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (z->why[0]) {
        free(bytes);
        bytes = NULL;
    }
    return bytes;
}

static sanctagp_ner *lazy_get(lazy_ner *z)
{
    sanctagp_ner *m = atomic_load_explicit(&z->model, memory_order_acquire);
    if (m)
        return m;
    pthread_mutex_lock(&z->lock);
    m = atomic_load_explicit(&z->model, memory_order_relaxed);
    if (!m && !z->failed) {
        void *bytes = lazy_read(z);
        char why[128];
        if (bytes && !(m = sanctagp_ner_load(bytes, z->len, why, sizeof why)))
            snprintf(z->why, sizeof z->why, "it does not parse: %s", why);
        free(bytes);
        if (m)
            atomic_store_explicit(&z->model, m, memory_order_release);
        else
            z->failed = 1;
    }
    pthread_mutex_unlock(&z->lock);
    return m;
}

static int lazy_propose(const void *model, const sanctagp_tokens *tk, const uint8_t *covered,
                        sanctagp_ner_sink sink, void *arg)
{
    sanctagp_ner *m = lazy_get((lazy_ner *)(uintptr_t)model);
    /* the checks at open passed: memory, the file or a corrupt lexicon fail here */
    return m ? sanctagp_ner_propose_names(m, tk, covered, sink, arg) : SANCTAG_E_DB;
}

static const char *lazy_error(const void *model)
{
    const lazy_ner *z = model;
    return z->failed ? z->why : NULL; /* set before failed, both under the lock */
}

static void lazy_free(const void *model)
{
    lazy_ner *z = (lazy_ner *)(uintptr_t)model;
    if (!z)
        return;
    sanctagp_ner_free(atomic_load_explicit(&z->model, memory_order_relaxed));
    pthread_mutex_destroy(&z->lock);
    free(z->path);
    free(z->version);
    free(z);
}

int sanctagp_db_load_ner(sqlite3 *db, const char *path, sanctag_gazetteer *gz,
                         sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    /* gazetteers built without a model have no table: nothing to load */
    if (sqlite3_prepare_v2(db, model_sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        /* the header alone, with the BLOB API: the rest on first use */
        sqlite3_int64 rowid = sqlite3_column_int64(st, 0), n = sqlite3_column_int64(st, 1);
        const char *version = (const char *)sqlite3_column_text(st, 2);
        sqlite3_blob *blob = NULL;
        unsigned char head[SANCTAGP_NER_HEADER];
        size_t nh = n > 0 && (size_t)n < sizeof head ? (size_t)n : sizeof head;
        char why[128];
        lazy_ner *z = NULL;
        if (n <= 0 || n >= INT32_MAX)
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: its stored name model is unusable: it is empty or too large",
                                    path);
        else if (sqlite3_blob_open(db, "main", "ner_model", "model", rowid, 0, &blob) != SQLITE_OK ||
                 sqlite3_blob_read(blob, head, (int)nh, 0) != SQLITE_OK)
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: cannot read its stored name model: %s", path,
                                    sqlite3_errmsg(db));
        else if (sanctagp_ner_check_header(head, nh, (size_t)n, why, sizeof why))
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: its stored name model is unusable: %s", path, why);
        else if (!(z = calloc(1, sizeof *z)) || !(z->path = strdup(path)) ||
                 !(z->version = strdup(version ? version : "")) ||
                 pthread_mutex_init(&z->lock, NULL) != 0)
            rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        sqlite3_blob_close(blob);
        if (rc && z) {
            free(z->path);
            free(z->version);
            free(z);
        } else if (z) {
            z->len = (size_t)n;
            atomic_init(&z->model, NULL);
            gz->ner_model = z;
            gz->ner_propose = lazy_propose;
            gz->ner_error = lazy_error;
            gz->ner_free = lazy_free;
        }
    }
    sqlite3_finalize(st);
    return rc;
}
