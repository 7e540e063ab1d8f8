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

/* The model as an open gazetteer holds it: the stored bytes, checked at
 * open (header and size), parsed on first use. Only `--names model` uses
 * it, and parsing it cost a tenth of every open's instructions (building
 * its lexicon's hash table, converting 0.5 MB of weights). */
typedef struct lazy_ner {
    pthread_mutex_t lock;
    _Atomic(sanctagp_ner *) model;
    int failed;
    void *bytes;
    size_t len;
} lazy_ner;

static sanctagp_ner *lazy_get(lazy_ner *z)
{
    sanctagp_ner *m = atomic_load_explicit(&z->model, memory_order_acquire);
    if (m)
        return m;
    pthread_mutex_lock(&z->lock);
    m = atomic_load_explicit(&z->model, memory_order_relaxed);
    if (!m && !z->failed) {
        char why[128];
        m = sanctagp_ner_load(z->bytes, z->len, why, sizeof why);
        if (m) {
            atomic_store_explicit(&z->model, m, memory_order_release);
            free(z->bytes);
            z->bytes = NULL;
        } else {
            z->failed = 1;
        }
    }
    pthread_mutex_unlock(&z->lock);
    return m;
}

static int lazy_propose(const void *model, const sanctagp_tokens *tk, const uint8_t *covered,
                        sanctagp_ner_sink sink, void *arg)
{
    sanctagp_ner *m = lazy_get((lazy_ner *)(uintptr_t)model);
    /* the checks at open passed: only memory or a corrupt lexicon fail here */
    return m ? sanctagp_ner_propose_names(m, tk, covered, sink, arg) : SANCTAG_E_DB;
}

static void lazy_free(const void *model)
{
    lazy_ner *z = (lazy_ner *)(uintptr_t)model;
    if (!z)
        return;
    sanctagp_ner_free(atomic_load_explicit(&z->model, memory_order_relaxed));
    pthread_mutex_destroy(&z->lock);
    free(z->bytes);
    free(z);
}

int sanctagp_db_load_ner(sqlite3 *db, const char *path, sanctag_gazetteer *gz, sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    /* gazetteers built without a model have no table: nothing to load */
    if (sqlite3_prepare_v2(db, "SELECT rowid, length(model) FROM ner_model WHERE id = 1", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        /* read with the BLOB API straight into the buffer kept: one copy, not
         * SQLite's assembled value and then ours (each page of a fresh buffer
         * is a page fault, and those are dear on a VM) */
        sqlite3_int64 rowid = sqlite3_column_int64(st, 0), n = sqlite3_column_int64(st, 1);
        sqlite3_blob *blob = NULL;
        char why[128];
        lazy_ner *z = n > 0 && n < INT32_MAX ? calloc(1, sizeof *z) : NULL;
        if (z && !(z->bytes = malloc((size_t)n))) {
            free(z);
            z = NULL;
        }
        if (!z && n > 0 && n < INT32_MAX)
            rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        else if (!z)
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: its stored name model is unusable: it is empty or too large",
                                    path);
        else if (sqlite3_blob_open(db, "main", "ner_model", "model", rowid, 0, &blob) != SQLITE_OK ||
                 sqlite3_blob_read(blob, z->bytes, (int)n, 0) != SQLITE_OK)
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: cannot read its stored name model: %s", path,
                                    sqlite3_errmsg(db));
        else if (sanctagp_ner_check(z->bytes, (size_t)n, why, sizeof why))
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: its stored name model is unusable: %s", path, why);
        else if (pthread_mutex_init(&z->lock, NULL) != 0)
            rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        sqlite3_blob_close(blob);
        if (rc && z) {
            free(z->bytes);
            free(z);
        } else if (z) {
            z->len = (size_t)n;
            atomic_init(&z->model, NULL);
            gz->ner_model = z;
            gz->ner_propose = lazy_propose;
            gz->ner_free = lazy_free;
        }
    }
    sqlite3_finalize(st);
    return rc;
}
