/* fuzz_tsv.c - the gazetteer source reader and matcher compiler on arbitrary
 * TSV: a clean error or a gazetteer that opens and tags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char tsv_path[64];
    if (!tsv_path[0])
        snprintf(tsv_path, sizeof tsv_path, "/tmp/sanctag-fuzz-tsv-%d.tsv", (int)getpid());
    FILE *f = fopen(tsv_path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    /* an in-memory database: the same code path as a file, much faster */
    const char *db_path = ":memory:";
    sanctag_error e = {0};
    sqlite3 *db = NULL;
    int rc = sanctagp_db_open(db_path, DB_CREATE, &db, &e);
    if (!rc)
        rc = sanctagp_db_exec(db, db_path, "BEGIN", &e);
    if (!rc)
        rc = sanctagp_source_add(db, db_path, tsv_path, &e);
    if (!rc)
        rc = sanctagp_db_refresh(db, db_path, &e);
    if (!rc)
        rc = sanctagp_db_exec(db, db_path, "COMMIT", &e);
    void *img = NULL;
    size_t img_size = 0;
    if (!rc)
        rc = sanctagp_db_compile(db, db_path, 1, "v", &img, &img_size, &e);
    sqlite3_close(db);
    if (rc) {
        if (e.code == 0 || e.text[0] == 0)
            abort(); /* every failure is described */
        return 0;
    }
    /* the compiled matcher loads, and tags the input itself (its aliases are in it) */
    sanctag_gazetteer gz = {0};
    gz.refs = 1;
    gz.image = aligned_alloc(8, (img_size + 7) & ~(size_t)7);
    memcpy(gz.image, img, img_size);
    free(img);
    if (sanctagp_matcher_load(&gz.m, gz.image, img_size) != 0)
        abort();
    sanctag_tagger *tg = sanctag_tagger_new(&gz);
    if (sanctag_utf8_check((const char *)data, size, NULL) == 0 &&
        sanctag_tagger_tag(tg, (const char *)data, size, SANCTAG_TAG_ALL, &e) != 0)
        e.code = 0; /* a bad document is a result, not a failure */
    sanctag_tagger_free(tg); /* drops the reference taken by tagger_new */
    free(gz.image);
    return 0;
}
