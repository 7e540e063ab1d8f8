/* gazetteer.c - opening a gazetteer: the public sanctag_gazetteer object
 * (loading its stored matcher image, or compiling one when it is stale, of an
 * older format or wanted with weak aliases). References and entity access
 * are read-only accessors of the loaded image (core/image.c). */
#include "gazetteer/gazetteer.h"
#include "gazetteer/rows.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Stores a matcher compiled afresh (an image of an older format, or one
 * that did not match its rows) so the next open is fast again, with the
 * checksum of the rows it was compiled from as the version; only when the
 * file may be written and meta is unchanged since it was read. */
static void store_fresh(const char *path, const char *read_version, const char *version,
                        const void *img, size_t size)
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
            int same = v && d && strcmp(v, read_version) == 0 && strcmp(d, "0") == 0;
            sqlite3_stmt *st = NULL;
            if (same && strcmp(version, read_version) != 0 &&
                sqlite3_prepare_v2(db, "UPDATE meta SET value = ?1 WHERE key = 'version'", -1,
                                   &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, version, -1, SQLITE_STATIC);
                same = sqlite3_step(st) == SQLITE_DONE;
            }
            sqlite3_finalize(st);
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

/* Faulting in the pages of a fresh buffer (the kernel zeroes each first)
 * costs about half of loading a large image: 45% of the start-up CPU at
 * 500,000 aliases. That work needs no data, so a second thread does it from
 * the buffer's end downwards while the reader copies from its start, and
 * stops where they meet: the two CPUs share it, and a -j 2 run, which cannot
 * tag before the image is in, starts sooner (issue 20). Populating a page the
 * reader has written already leaves it as it is. Images under 16 MB are
 * read by one thread. */
#define PREFAULT_MIN ((size_t)16 << 20)
#define READ_CHUNK IMAGE_HUGE_PAGE

typedef struct prefault {
    char *base;
    size_t size;
    atomic_size_t done; /* bytes the reader has copied */
} prefault;

static void *prefault_main(void *arg)
{
#ifdef MADV_POPULATE_WRITE
    prefault *pf = arg;
    size_t end = pf->size & ~(READ_CHUNK - 1);
    while (end >= READ_CHUNK) {
        size_t start = end - READ_CHUNK;
        if (start <= atomic_load_explicit(&pf->done, memory_order_relaxed) + READ_CHUNK ||
            madvise(pf->base + start, READ_CHUNK, MADV_POPULATE_WRITE) != 0)
            break;
        end = start;
    }
#else
    (void)arg;
#endif
    return NULL;
}

/* Reads n bytes of blob into buf (from image_alloc) in chunks, with a
 * prefaulting thread beside it when the image is large. */
static int blob_read_all(sqlite3_blob *blob, char *buf, size_t n)
{
    prefault pf = {buf, n, 0};
    pthread_t t;
    int helper = 0;
#if defined(MADV_POPULATE_WRITE) && defined(MADV_HUGEPAGE)
    helper = n >= PREFAULT_MIN && pthread_create(&t, NULL, prefault_main, &pf) == 0;
#endif
    int rc = SQLITE_OK;
    for (size_t off = 0; off < n && rc == SQLITE_OK; off += READ_CHUNK) {
        size_t len = n - off < READ_CHUNK ? n - off : READ_CHUNK;
        rc = sqlite3_blob_read(blob, buf + off, (int)len, (int)off);
        atomic_store_explicit(&pf.done, off + len, memory_order_relaxed);
    }
    if (helper)
        pthread_join(t, NULL);
    return rc;
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
        /* the image's pages, and what the open reads after them, pass once
         * through SQLite's page cache: a few buffers reused, not 2 MB of
         * fresh ones (a third of the page faults of an open of the default
         * gazetteer, and page faults are dear on a VM) */
        sqlite3_exec(db, "PRAGMA cache_size = 4", NULL, NULL, NULL);
        if (copy && sqlite3_blob_open(db, "main", "matcher", "image", rowid, 0, &blob) == SQLITE_OK &&
            sqlite3_blob_bytes(blob) == n && blob_read_all(blob, copy, (size_t)n) == SQLITE_OK) {
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

/* Makes the compiled image (malloc'd, freed here) gz's, as `version`. */
static int adopt_image(sanctag_gazetteer *gz, const char *path, void *img, size_t size,
                       const char *version, sanctag_error *err)
{
    gz->image = image_alloc(size);
    if (!gz->image) {
        free(img);
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    }
    memcpy(gz->image, img, size);
    free(img);
    gz->image_size = size;
    if (sanctagp_matcher_load(&gz->m, gz->image, gz->image_size))
        return sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                                  "%s: compiled matcher failed validation", path);
    snprintf(gz->version, sizeof gz->version, "%s", version);
    return 0;
}

/* The stored matcher, when there is one of this format, is trusted only
 * when it is the very image the rows now in the file compile to: its header
 * names the content checksum (the version) of the rows it was compiled
 * from, but a foreign image with that string patched in would claim the
 * same, so the rows are checksummed and compiled and the result compared
 * byte for byte. That costs what a stale open costs (0.17 s of CPU for the
 * default gazetteer), so a file found good is remembered (verify.c; sb was
 * taken before anything was read) and its later opens skip the check. When
 * it does not match, the fresh matcher is used, with a notice, and *done is
 * 2 (the caller stores it once its read transaction is over); 1 when the
 * stored one matches, 0 when there is no usable stored matcher. */
static int load_checked(sqlite3 *db, const char *path, const struct stat *sb,
                        sanctag_gazetteer *gz, const char *version, int *done,
                        sanctag_error *err)
{
    *done = 0;
    if (!load_stored(db, version, &gz->image, &gz->image_size))
        return 0;
    /* a file found good before, unchanged since it was stat'ed (sb) until
     * after its image was read, holds this sanctag's own compile: its
     * indexes need no range checks (a third of a start-up at 500,000
     * aliases); any other image gets them all */
    int known = sb && sanctagp_verified_known(sb, version) && sanctagp_verified_same(path, sb);
    if (known ? sanctagp_matcher_attach(&gz->m, gz->image, gz->image_size)
              : sanctagp_matcher_load(&gz->m, gz->image, gz->image_size)) {
        free(gz->image);
        gz->image = NULL;
        return 0;
    }
    snprintf(gz->version, sizeof gz->version, "%s", version);
    if (known)
        return *done = 1, 0;
    sanctagp_rows g;
    char hex[17];
    int rc = sanctagp_db_checksum(db, path, &g, hex, err);
    if (rc)
        return rc;
    void *img = NULL;
    size_t size = 0;
    sanctagp_mbuild *b = sanctagp_mbuild_new();
    rc = b ? sanctagp_rows_compile(&g, 0, b) : SANCTAG_E_NOMEM;
    sanctagp_rows_free(&g);
    rc = rc ? rc : sanctagp_mbuild_finish(b, hex, &img, &size);
    sanctagp_mbuild_free(b);
    if (rc)
        return sanctagp_compile_failed(rc, path, err);
    if (strcmp(hex, version) == 0 && size == gz->image_size && memcmp(img, gz->image, size) == 0) {
        free(img);
        if (sb)
            sanctagp_verified_note(sb, version);
        return *done = 1, 0;
    }
    char said[sizeof gz->m.h->version + 1];
    snprintf(said, sizeof said, "%.*s", (int)sizeof gz->m.h->version, gz->m.h->version);
    fprintf(stderr,
            "sanctag: %s: the stored matcher (compiled from content %s, it says) is not what "
            "the entities and aliases beside it (content %s) compile to: compiled afresh "
            "from them%s\n",
            path, said, hex,
            access(path, W_OK) == 0 ? " and stored" : " (in memory: the file is read-only)");
    free(gz->image);
    gz->image = NULL;
    memset(&gz->m, 0, sizeof gz->m);
    *done = 2;
    return adopt_image(gz, path, img, size, hex, err);
}

/* The cue words of name recognition, where the image holds them (gz->cues
 * NULL when it has none): 0, SANCTAG_E_DB or SANCTAG_E_NOMEM. */
static int image_cues(sanctag_gazetteer *gz)
{
    const sanctagp_img_header *h = gz->m.h;
    if (!h->n_cue_slots)
        return 0;
    const char *base = gz->image;
    return sanctagp_cues_view(base + h->off_cues, (size_t)h->n_cue_slots, (size_t)h->n_cues,
                              base + h->off_cuepool, (size_t)h->cuepool_size, &gz->cues);
}

int sanctag_gazetteer_open(const char *path, unsigned flags, sanctag_gazetteer **ret_gz,
                           sanctag_error *err)
{
    if (!path || !ret_gz)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, "", 0, 0, -1, "no gazetteer path");
    struct stat sb; /* before anything is read: see verify.c */
    int have_stat = stat(path, &sb) == 0;
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
    int weak = (flags & SANCTAG_OPEN_WEAK) != 0, done = 0;
    /* one read transaction: the matcher and the rows it is checked against
     * are of the same moment */
    if (!stale && !weak && !(rc = sanctagp_db_exec(db, path, "BEGIN", err))) {
        rc = load_checked(db, path, have_stat ? &sb : NULL, gz, version, &done, err);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        if (!rc && done == 2)
            store_fresh(path, version, gz->version, gz->image, gz->image_size);
    }
    if (rc)
        goto fail;
    if (!done) {
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
        if (!stale && !weak)
            store_fresh(path, version, version, img, size);
        if ((rc = adopt_image(gz, path, img, size, v, err)))
            goto fail;
    }
    if ((rc = image_cues(gz))) {
        rc = sanctagp_error_set(err, rc, path, 0, 0, -1,
                                rc == SANCTAG_E_NOMEM ? "%s: out of memory"
                                                      : "%s: the compiled matcher's cue words "
                                                        "are not a valid table",
                                path);
        goto fail;
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
        sanctagp_cues_free(gz->cues);
        free(gz);
    }
    return rc;
}
