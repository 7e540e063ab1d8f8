/* test.h - tiny test harness shared by the unit tests: CHECK macros and a
 * helper that builds a gazetteer from inline TSV text. */
#ifndef SANCTAG_TEST_H
#define SANCTAG_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazetteer/gazetteer.h"

static int test_failures;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__,      \
                    __func__, #cond);                                                 \
            test_failures++;                                                          \
        }                                                                             \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                            \
    do {                                                                              \
        long long a_ = (long long)(a), b_ = (long long)(b);                           \
        if (a_ != b_) {                                                               \
            fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n", __FILE__,       \
                    __LINE__, __func__, #a, a_, b_);                                  \
            test_failures++;                                                          \
        }                                                                             \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                            \
    do {                                                                              \
        const char *a_ = (a), *b_ = (b);                                              \
        if (!a_ || strcmp(a_, b_) != 0) {                                             \
            fprintf(stderr, "%s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__,   \
                    __LINE__, __func__, #a, a_ ? a_ : "(null)", b_);                  \
            test_failures++;                                                          \
        }                                                                             \
    } while (0)

static int test_done(const char *name)
{
    if (test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, test_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

/* Builds a gazetteer database from TSV text (header included) into a new
 * temporary file; returns its path (static buffer per call slot) or NULL
 * with *err filled. */
__attribute__((unused)) static char *test_build_gaz(const char *tsv, sanctag_error *err)
{
    static char paths[8][64];
    static int slot;
    char *db_path = paths[slot++ % 8];
    char tsv_path[64];
    snprintf(tsv_path, sizeof tsv_path, "/tmp/sanctag-test-XXXXXX.tsv");
    int fd = mkstemps(tsv_path, 4);
    if (fd < 0)
        return NULL;
    if (write(fd, tsv, strlen(tsv)) != (ssize_t)strlen(tsv)) {
        close(fd);
        return NULL;
    }
    close(fd);
    snprintf(db_path, 64, "/tmp/sanctag-test-XXXXXX");
    fd = mkstemp(db_path);
    if (fd < 0)
        return NULL;
    close(fd);
    unlink(db_path);
    sqlite3 *db = NULL;
    int rc = sanctagp_db_open(db_path, DB_CREATE, &db, err);
    if (!rc)
        rc = sanctagp_db_exec(db, db_path, "BEGIN", err);
    if (!rc)
        rc = sanctagp_source_add(db, db_path, tsv_path, err);
    if (!rc)
        rc = sanctagp_db_refresh(db, db_path, err);
    if (!rc)
        rc = sanctagp_db_exec(db, db_path, "COMMIT", err);
    sqlite3_close(db);
    unlink(tsv_path);
    if (rc) {
        unlink(db_path);
        return NULL;
    }
    return db_path;
}

#endif
