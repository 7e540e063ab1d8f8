/* fuzz_import.c - the sanctions-list importers (UN XML, OFAC CSV, FtM JSON
 * lines, plain TSV/JSONL, name lines) on arbitrary bytes: a clean error with a
 * message, or an import whose matcher compiles and loads. The first byte picks
 * the format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "import/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[IMP_NFORMATS] = {"list.xml", "sdn.csv", "ents.ftm.json",
                                                    "list.tsv", "list.jsonl", "names.txt"};
    if (size < 1)
        return 0;
    int format = data[0] % IMP_NFORMATS;
    char dir[] = "/tmp/sanctag-fuzz-imp-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, names[format]);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    const char *db_path = ":memory:";
    sanctag_error e = {0};
    sqlite3 *db = NULL;
    if (sanctagp_db_open(db_path, DB_CREATE, &db, &e))
        abort();
    sanctagp_import_opts o = {.format = format, .source = "fuzz", .label = "NAME"};
    const char *files[1] = {path};
    json_t *report = NULL;
    int rc = sanctagp_import(db, db_path, &o, files, 1, &report, &e);
    if (rc) {
        if (e.code == 0 || e.text[0] == 0)
            abort(); /* every failure is described */
    } else {
        void *img = NULL;
        size_t n = 0;
        if (sanctagp_db_compile(db, db_path, 1, "v", &img, &n, &e) != 0)
            abort();
        void *al = aligned_alloc(8, (n + 7) & ~(size_t)7);
        memcpy(al, img, n);
        sanctagp_matcher m;
        if (sanctagp_matcher_load(&m, al, n) != 0)
            abort();
        free(al);
        free(img);
    }
    json_decref(report);
    sqlite3_close(db);
    unlink(path);
    rmdir(dir);
    return 0;
}
