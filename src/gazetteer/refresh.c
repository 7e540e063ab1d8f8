/* refresh.c - after entity or alias changes: the rows read once (rows.h),
 * the content version and the matcher computed from them on two threads,
 * then both stored. */
#include "gazetteer/rows.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sanctagp_refresh {
    sanctagp_rows g;
    uint64_t version;       /* sanctagp_rows_version() */
    int version_rc;
    sanctagp_mbuild *b;     /* sanctagp_rows_compile() into it */
    int compile_rc;
    pthread_t threads[2];
    int started[2];
};

static void *version_job(void *arg)
{
    sanctagp_refresh *r = arg;
    r->version_rc = sanctagp_rows_version(&r->g, &r->version);
    return NULL;
}

static void *compile_job(void *arg)
{
    sanctagp_refresh *r = arg;
    r->compile_rc = r->b ? sanctagp_rows_compile(&r->g, 0, r->b) : SANCTAG_E_NOMEM;
    return NULL;
}

/* Waits for the version and the matcher; returns the first failure. */
static int refresh_wait(sanctagp_refresh *r)
{
    for (int i = 0; i < 2; i++)
        if (r->started[i]) {
            pthread_join(r->threads[i], NULL);
            r->started[i] = 0;
        }
    return r->compile_rc ? r->compile_rc : r->version_rc;
}

static void refresh_free(sanctagp_refresh *r)
{
    sanctagp_mbuild_free(r->b);
    sanctagp_rows_free(&r->g);
    free(r);
}

int sanctagp_db_refresh_start(sqlite3 *db, const char *path, sanctagp_refresh **ret,
                              sanctag_error *err)
{
    sanctagp_refresh *r = calloc(1, sizeof *r);
    if (!r)
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    int rc = sanctagp_rows_read(db, path, 1, &r->g, err);
    if (rc) {
        free(r);
        return rc;
    }
    /* the version and the matcher each on a thread of its own: they only
     * read r->g, and the matcher needs the version only to finish. Without
     * threads, here and now. */
    r->b = sanctagp_mbuild_new();
    r->started[0] = pthread_create(&r->threads[0], NULL, version_job, r) == 0;
    if (!r->started[0])
        version_job(r);
    r->started[1] = pthread_create(&r->threads[1], NULL, compile_job, r) == 0;
    if (!r->started[1])
        compile_job(r);
    *ret = r;
    return 0;
}

void sanctagp_db_refresh_cancel(sanctagp_refresh *r)
{
    if (!r)
        return;
    refresh_wait(r);
    refresh_free(r);
}

int sanctagp_db_refresh_finish(sqlite3 *db, const char *path, sanctagp_refresh *r,
                               sanctag_error *err)
{
    int rc = refresh_wait(r);
    char version[64];
    void *img = NULL;
    size_t size = 0;
    if (!rc) {
        snprintf(version, sizeof version, "%016llx", (unsigned long long)r->version);
        rc = sanctagp_mbuild_finish(r->b, version, &img, &size);
    }
    refresh_free(r);
    if (rc)
        return sanctagp_compile_failed(rc, path, err);
    rc = sanctagp_db_store_image(db, version, img, size);
    free(img);
    if (rc != SQLITE_OK)
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                  "%s: cannot store compiled matcher: %s", path,
                                  sqlite3_errmsg(db));
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE meta SET value = '%s' WHERE key = 'version';"
             "UPDATE meta SET value = '0' WHERE key = 'dirty';",
             version);
    return sanctagp_db_exec(db, path, sql, err);
}

int sanctagp_db_refresh(sqlite3 *db, const char *path, sanctag_error *err)
{
    sanctagp_refresh *r = NULL;
    int rc = sanctagp_db_refresh_start(db, path, &r, err);
    return rc ? rc : sanctagp_db_refresh_finish(db, path, r, err);
}
