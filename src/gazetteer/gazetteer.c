/* gazetteer.c - opening a gazetteer: the public sanctag_gazetteer object
 * (loading its stored matcher image, or compiling one when it is stale, of an
 * older format or wanted with weak aliases). References and entity access
 * are read-only accessors of the loaded image (core/image.c). */
#include "gazetteer/gazetteer.h"
#include "gazetteer/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void store_upgraded(const char *path, const char *version, const void *img, size_t size)
{
    if (access(path, W_OK) != 0)
        return;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
        SQLITE_OK) {
        sqlite3_busy_timeout(db, 0);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
            char *v = sanctagp_db_meta(db, "version"), *d = sanctagp_db_meta(db, "dirty");
            /* unchanged since we read it */
            int same = v && d && strcmp(v, version) == 0 && strcmp(d, "0") == 0;
            if (same && sanctagp_db_store_image(db, version, img, size) == SQLITE_OK)
                sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            else
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            free(v);
            free(d);
        }
    }
    sqlite3_close(db);
}

/* Memory for a matcher image. The trie is read at random all over the image,
 * so a large one is put on 2 MB pages where the kernel offers them
 * (transparent huge pages in "madvise" mode, Debian's default): a 70 MB image
 * then needs 35 TLB entries instead of 17,000, and loading it takes 35 page
 * faults instead of 17,000. Small images stay on the heap. */
#define IMAGE_HUGE_MIN ((size_t)4 << 20)
#define IMAGE_HUGE_PAGE ((size_t)2 << 20)

static void *image_alloc(size_t n)
{
    size_t want = (n + 7) & ~(size_t)7;
#ifdef MADV_HUGEPAGE
    if (want >= IMAGE_HUGE_MIN) {
        want = (want + IMAGE_HUGE_PAGE - 1) & ~(IMAGE_HUGE_PAGE - 1);
        void *p = aligned_alloc(IMAGE_HUGE_PAGE, want);
        if (p)
            (void)madvise(p, want, MADV_HUGEPAGE); /* advice only: 4 KB pages work too */
        return p;
    }
#endif
    return aligned_alloc(8, want);
}

/* Reads the stored matcher straight into an aligned buffer with the
 * incremental BLOB API: one copy, so a 70 MB image costs 70 MB of memory,
 * not twice that while SQLite assembles the value. */
static int load_stored(sqlite3 *db, const char *version, void **ret, size_t *ret_size)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT rowid, length(image) FROM matcher WHERE id = 1 AND version = ? "
                           "AND format = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)SANCTAGP_IMAGE_FORMAT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
        sqlite3_int64 n = sqlite3_column_int64(st, 1);
        sqlite3_blob *blob = NULL;
        void *copy = n > 0 && n < INT32_MAX ? image_alloc((size_t)n) : NULL;
        if (copy && sqlite3_blob_open(db, "main", "matcher", "image", rowid, 0, &blob) == SQLITE_OK &&
            sqlite3_blob_bytes(blob) == n && sqlite3_blob_read(blob, copy, (int)n, 0) == SQLITE_OK) {
            *ret = copy;
            *ret_size = (size_t)n;
            ok = 1;
        } else {
            free(copy);
        }
        sqlite3_blob_close(blob);
    }
    sqlite3_finalize(st);
    return ok;
}

int sanctag_gazetteer_open(const char *path, unsigned flags, sanctag_gazetteer **ret_gz,
                           sanctag_error *err)
{
    if (!path || !ret_gz)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, "", 0, 0, -1, "no gazetteer path");
    sqlite3 *db = NULL;
    int rc = sanctagp_db_open(path, (flags & SANCTAG_OPEN_WRITE) ? DB_WRITE : DB_READ, &db, err);
    if (rc)
        return rc;
    sanctag_gazetteer *gz = calloc(1, sizeof *gz);
    char *version = NULL, *dirty = NULL;
    if (!gz || !(gz->path = strdup(path))) {
        rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        goto fail;
    }
    gz->refs = 1;
    version = sanctagp_db_meta(db, "version");
    dirty = sanctagp_db_meta(db, "dirty");
    int stale = !version || !dirty || strcmp(dirty, "0") != 0;
    int weak = (flags & SANCTAG_OPEN_WEAK) != 0;
    if (!stale && !weak && load_stored(db, version, &gz->image, &gz->image_size) &&
        sanctagp_matcher_load(&gz->m, gz->image, gz->image_size) == 0) {
        snprintf(gz->version, sizeof gz->version, "%s", version);
    } else {
        free(gz->image);
        gz->image = NULL;
        if (stale && (flags & SANCTAG_OPEN_WRITE)) {
            /* rebuild and store, so the next start-up is fast again */
            if ((rc = sanctagp_db_exec(db, path, "BEGIN IMMEDIATE", err)))
                goto fail;
            rc = sanctagp_db_refresh(db, path, err);
            rc = rc ? rc : sanctagp_db_exec(db, path, "COMMIT", err);
            if (rc) {
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
                goto fail;
            }
            free(version);
            version = sanctagp_db_meta(db, "version");
        }
        void *img = NULL;
        size_t size = 0;
        char v[64];
        snprintf(v, sizeof v, "%s%s%s", version ? version : "", stale ? "+modified" : "",
                 weak ? "+weak" : "");
        if ((rc = sanctagp_db_compile(db, path, weak, v, &img, &size, err)))
            goto fail;
        gz->image = image_alloc(size);
        if (!gz->image) {
            free(img);
            rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
            goto fail;
        }
        memcpy(gz->image, img, size);
        if (!stale && !weak)
            store_upgraded(path, version, img, size);
        free(img);
        gz->image_size = size;
        if (sanctagp_matcher_load(&gz->m, gz->image, gz->image_size)) {
            rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: compiled matcher failed validation", path);
            goto fail;
        }
        snprintf(gz->version, sizeof gz->version, "%s", v);
    }
    if ((rc = sanctagp_db_load_ner(db, path, gz, err)))
        goto fail;
    free(version);
    free(dirty);
    sqlite3_close(db);
    *ret_gz = gz;
    return 0;
fail:
    free(version);
    free(dirty);
    sqlite3_close(db);
    if (gz) {
        free(gz->path);
        free(gz->image);
        if (gz->ner_free)
            gz->ner_free(gz->ner_model);
        free(gz);
    }
    return rc;
}
