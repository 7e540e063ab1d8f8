/* test-gazetteer.c - building, versioning and opening gazetteer databases. */
#include <fcntl.h>

#include "test.h"
#include "gazetteer/queries.h"

#define HDR "key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\tsource\n"

static void expect_build_error(const char *tsv, int code, long line, const char *needle)
{
    sanctag_error e = {0};
    char *p = test_build_gaz(tsv, &e);
    CHECK(p == NULL);
    CHECK_EQ_INT(e.code, code);
    CHECK_EQ_INT(e.line, line);
    if (!strstr(e.text, needle)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e.text, needle);
        test_failures++;
    }
}

static void test_source_errors(void)
{
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\tKorut\tid\tabbr\t\tt\n", SANCTAG_E_FORMAT,
                       2, "kind 'abbr' unknown");
    expect_build_error(HDR "# comment\n\ncountry:KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\tloud\tt\n",
                       SANCTAG_E_FORMAT, 4, "case 'loud' unknown");
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKOR\tKorut\tid\t\t\tt\n", SANCTAG_E_FORMAT,
                       2, "ISO 3166-1");
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\t\tt\textra\n",
                       SANCTAG_E_FORMAT, 2, "10 columns, the header has 9");
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\t\t\n", SANCTAG_E_FORMAT, 2,
                       "empty source");
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\t...\tid\t\t\tt\n"
                           "country:KP\tCOUNTRY\tNK\tKP\t\xe2\x80\x94\tid\t\t\tt\n",
                       SANCTAG_E_FORMAT, 2, "has no letters or digits");
}

static void test_source_errors_more(void)
{
    /* conflicting entity fields name both values */
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\t\tt\n"
                           "country:KP\tORG\t\t\tDPRK\t\t\t\tt\n",
                       SANCTAG_E_FORMAT, 3, "label 'ORG' conflicts with 'COUNTRY'");
    expect_build_error(HDR "country:KP\t\tNK\tKP\tKorut\tid\t\t\tt\n", SANCTAG_E_FORMAT, 2,
                       "without a label");
    expect_build_error("key\tlabel\tnope\tsource\n", SANCTAG_E_FORMAT, 1, "unknown column 'nope'");
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\tKo\xffrut\tid\t\t\tt\n", SANCTAG_E_UTF8, 2,
                       "invalid UTF-8");
    expect_build_error(HDR "country:KP\tCOUNTRY\tNK\tKP\t\tid\t\t\tt\n", SANCTAG_E_FORMAT, 2,
                       "empty alias");
    expect_build_error(HDR "country KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\t\tt\n", SANCTAG_E_FORMAT, 2,
                       "kind:name");
}

static void test_refine_and_version(void)
{
    const char *tsv = HDR "country:LA\tCOUNTRY\tLaos\tLA\tLaos\t\t\t\tt\n"
                          "country:LA\t\t\t\tLaos\t\t\tcap\trefined\n";
    sanctag_error e = {0};
    char *p1 = test_build_gaz(tsv, &e);
    char *p2 = test_build_gaz(tsv, &e);
    CHECK(p1 && p2);
    if (!p1 || !p2)
        return;
    sanctag_gazetteer *a = NULL, *b = NULL;
    CHECK_EQ_INT(sanctag_gazetteer_open(p1, 0, &a, &e), 0);
    CHECK_EQ_INT(sanctag_gazetteer_open(p2, 0, &b, &e), 0);
    /* equal content, equal version */
    CHECK_EQ_STR(sanctag_gazetteer_version(a), sanctag_gazetteer_version(b));
    CHECK_EQ_INT(sanctag_gazetteer_alias_count(a), 1);
    /* the second row refined the first: laos (galangal) no longer matches */
    sanctag_tagger *tg = sanctag_tagger_new(a);
    size_t n;
    CHECK_EQ_INT(sanctag_tagger_tag(tg, "laos Laos", 9, 0, &e), 0);
    sanctag_tagger_spans(tg, &n);
    CHECK_EQ_INT(n, 1);
    sanctag_tagger_free(tg);
    sanctag_gazetteer_unref(b);

    /* a hand edit marks the stored matcher stale: it is recompiled on open */
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open(p2, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db,
                              "INSERT INTO alias (entity_id, text, norm, source_id) "
                              "SELECT id, 'Lao', 'lao', source_id FROM entity",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    CHECK_EQ_INT(sanctag_gazetteer_open(p2, 0, &b, &e), 0);
    CHECK_EQ_INT(sanctag_gazetteer_alias_count(b), 2);
    CHECK(strstr(sanctag_gazetteer_version(b), "+modified") != NULL);
    sanctag_gazetteer_unref(b);
    /* opened for writing, the stale matcher is rebuilt and stored */
    CHECK_EQ_INT(sanctag_gazetteer_open(p2, SANCTAG_OPEN_WRITE, &b, &e), 0);
    sanctag_gazetteer_unref(b);
    CHECK_EQ_INT(sanctag_gazetteer_open(p2, 0, &b, &e), 0);
    CHECK(strstr(sanctag_gazetteer_version(b), "+modified") == NULL);
    CHECK(strcmp(sanctag_gazetteer_version(a), sanctag_gazetteer_version(b)) != 0);
    sanctag_gazetteer_unref(b);
    sanctag_gazetteer_unref(a);
    unlink(p1);
    unlink(p2);
}

static void test_open_errors(void)
{
    sanctag_gazetteer *gz = NULL;
    sanctag_error e = {0};
    CHECK_EQ_INT(sanctag_gazetteer_open("/nonexistent/x.db", 0, &gz, &e), SANCTAG_E_NOTFOUND);
    CHECK(strstr(e.text, "/nonexistent/x.db") != NULL);
    CHECK(gz == NULL);

    char path[] = "/tmp/sanctag-test-corrupt-XXXXXX";
    int fd = mkstemp(path);
    const char junk[] = "this is not a database, just text that pretends to be one\n";
    for (int i = 0; i < 200; i++)
        CHECK(write(fd, junk, sizeof junk - 1) == (ssize_t)(sizeof junk - 1));
    close(fd);
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctag_gazetteer_open(path, 0, &gz, &e), SANCTAG_E_DB);
    CHECK(strstr(e.text, "not a sanctag gazetteer") != NULL);

    /* an SQLite database that is not ours */
    unlink(path);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctag_gazetteer_open(path, 0, &gz, &e), SANCTAG_E_DB);
    CHECK(strstr(e.text, "not a sanctag gazetteer") != NULL);
    unlink(path);

    /* a corrupt matcher image is refused and recompiled from the tables */
    char *p = test_build_gaz(HDR "country:KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\t\tt\n", &e);
    CHECK(p != NULL);
    if (!p)
        return;
    sqlite3_open(p, &db);
    CHECK_EQ_INT(sqlite3_exec(db, "UPDATE matcher SET image = zeroblob(length(image))", NULL, NULL,
                              NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctag_gazetteer_open(p, 0, &gz, &e), 0);
    if (gz) {
        CHECK_EQ_INT(sanctag_gazetteer_entity_count(gz), 1);
        sanctag_gazetteer_unref(gz);
    }
    unlink(p);
}

/* The matcher compiled when a gazetteer is opened (stale, weak, older format)
 * and the one refresh stores come from one path: byte-identical images, a
 * listed entity's aliases first. And the lookup the CLI asks for. */
static void test_one_compile_path(void)
{
    sanctag_error e = {0};
    char *p = test_build_gaz(HDR "org:a\tORG\tA\t\tKorut\tid\t\t\tt\n"
                                 "org:b\tORG\tB\t\tKorut\tid\t\t\tt\n"
                                 "org:b\tORG\tB\t\tBee\ten\tweak\t\tt\n",
                             &e);
    CHECK(p != NULL);
    if (!p)
        return;
    sqlite3 *db = NULL;
    CHECK_EQ_INT(sanctagp_db_open(p, DB_WRITE, &db, &e), 0);
    CHECK_EQ_INT(sanctagp_db_exec(db, p,
                                  "BEGIN; UPDATE entity SET listed = 1, programs = '[\"x\"]' "
                                  "WHERE key = 'org:b'",
                                  &e),
                 0);
    CHECK_EQ_INT(sanctagp_db_refresh(db, p, &e), 0);
    CHECK_EQ_INT(sanctagp_db_exec(db, p, "COMMIT", &e), 0);
    char *version = sanctagp_db_meta(db, "version");
    void *img = NULL;
    size_t size = 0;
    CHECK_EQ_INT(sanctagp_db_compile(db, p, 0, version, &img, &size, &e), 0);
    sqlite3_stmt *st = NULL;
    CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT image FROM matcher", -1, &st, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_EQ_INT(sqlite3_column_bytes(st, 0), (int)size);
    CHECK(img && memcmp(sqlite3_column_blob(st, 0), img, size) == 0);
    sqlite3_finalize(st);
    free(img);
    free(version);
    sqlite3_close(db);

    sanctagp_gazq *q = NULL;
    CHECK_EQ_INT(sanctagp_gazq_open(p, &q, &e), 0);
    if (q) {
        /* the listed entity wins the shared alias; a weak alias is found, unmatched */
        json_t *r = sanctagp_gazq_lookup(q, "Korut", "korut");
        CHECK_EQ_INT((int)json_array_size(r), 2);
        json_t *first = json_array_get(r, 0);
        CHECK(strcmp(json_string_value(json_object_get(first, "key")), "org:b") == 0);
        CHECK(json_object_get(first, "sanctions") != NULL);
        json_decref(r);
        r = sanctagp_gazq_lookup(q, "Bee", "bee");
        CHECK_EQ_INT((int)json_array_size(r), 1);
        CHECK(json_is_null(json_object_get(json_array_get(r, 0), "matches_as_typed")));
        json_decref(r);
        r = sanctagp_gazq_lookup(q, "org:a", "org:a");
        CHECK_EQ_INT((int)json_array_size(r), 1);
        json_decref(r);
        r = sanctagp_gazq_stats(q);
        json_t *listed = json_object_get(r, "listed");
        CHECK_EQ_INT((int)json_integer_value(json_object_get(listed, "total")), 1);
        json_decref(r);
        sanctagp_gazq_close(q);
    }
    unlink(p);
}

int main(void)
{
    test_source_errors();
    test_source_errors_more();
    test_refine_and_version();
    test_open_errors();
    test_one_compile_path();
    return test_done("test-gazetteer");
}
