/* test-import.c - sanctions-list imports on small fixtures in each real
 * format (tests/data/import/): what is stored, what matches, the re-import
 * diff, and that bad input is reported with its place and writes nothing.
 *
 * Usage: test-import DATA_DIR   (DATA_DIR = tests/data/import) */
#include <sys/stat.h>

#include "gazetteer/countries.h"
#include "import/import.h"
#include "test.h"

static const char *data_dir;

/* ---- helpers ------------------------------------------------------------------ */

static const char *fixture(const char *rel)
{
    static char bufs[8][512];
    static int slot;
    char *b = bufs[slot++ % 8];
    snprintf(b, 512, "%s/%s", data_dir, rel);
    return b;
}

/* A new empty gazetteer file; returns its path (static, one per slot). */
static const char *new_db(void)
{
    static char paths[16][64];
    static int slot;
    char *p = paths[slot++ % 16];
    snprintf(p, 64, "/tmp/sanctag-import-XXXXXX");
    int fd = mkstemp(p);
    if (fd < 0)
        return NULL;
    close(fd);
    unlink(p);
    sqlite3 *db = NULL;
    sanctag_error e = {0};
    if (sanctagp_db_open(p, DB_CREATE, &db, &e)) {
        fprintf(stderr, "new_db: %s\n", e.text);
        return NULL;
    }
    sqlite3_close(db);
    return p;
}

/* Runs one import; *ret_report (if not NULL) gets the report. */
static int import(const char *dbpath, int format, const char *source, int dry_run,
                  const char *const *files, size_t n, json_t **ret_report, sanctag_error *e)
{
    sqlite3 *db = NULL;
    int rc = sanctagp_db_open(dbpath, DB_WRITE, &db, e);
    if (rc)
        return rc;
    sanctagp_import_opts o = {.format = format, .source = source, .dry_run = dry_run};
    json_t *report = NULL;
    rc = sanctagp_import(db, dbpath, &o, files, n, &report, e);
    sqlite3_close(db);
    if (ret_report)
        *ret_report = report;
    else
        json_decref(report);
    return rc;
}

static int import1(const char *dbpath, int format, const char *file, json_t **ret_report)
{
    sanctag_error e = {0};
    int rc = import(dbpath, format, NULL, 0, &file, 1, ret_report, &e);
    if (rc)
        fprintf(stderr, "import %s: %s\n", file, e.text);
    return rc;
}

/* First column of the first row of `sql` with one text parameter (or none),
 * as a string in a static buffer; "(none)" when there is no row. */
static const char *q(const char *dbpath, const char *sql, const char *arg)
{
    static char out[4][2048];
    static int slot;
    char *o = out[slot++ % 4];
    snprintf(o, 2048, "(none)");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (arg)
            sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(st, 0);
            snprintf(o, 2048, "%s", v ? v : "(null)");
        }
    } else {
        fprintf(stderr, "q: %s\n", db ? sqlite3_errmsg(db) : "open failed");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return o;
}

/* The entity field `col` of `key`. */
static const char *field(const char *dbpath, const char *key, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM entity WHERE key = ?", col);
    return q(dbpath, sql, key);
}

/* "kind/case" of alias `text` of entity `key`. */
static const char *alias_of(const char *dbpath, const char *key, const char *text)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    static char out[128];
    snprintf(out, sizeof out, "(none)");
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT a.kind || '/' || a.case_policy FROM alias a JOIN entity e ON "
                           "e.id = a.entity_id WHERE e.key = ?1 AND a.text = ?2",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* Tags `text` and describes the spans as "key[text];..." (static buffer).
 * Short forms and acronyms resolved through earlier mentions are left out
 * (SANCTAG_TAG_NO_PROPAGATE): these tests are about aliases. */
static const char *tag_flags(const char *dbpath, unsigned open_flags, unsigned tag_flags,
                             const char *text)
{
    static char out[4096];
    out[0] = 0;
    sanctag_gazetteer *gz = NULL;
    sanctag_error e = {0};
    if (sanctag_gazetteer_open(dbpath, open_flags, &gz, &e)) {
        snprintf(out, sizeof out, "(open failed: %s)", e.text);
        return out;
    }
    sanctag_tagger *tg = sanctag_tagger_new(gz);
    if (tg && sanctag_tagger_tag(tg, text, strlen(text), tag_flags, &e) == 0) {
        size_t n;
        const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
        for (size_t i = 0; i < n; i++) {
            sanctag_entity ent;
            if (sanctag_gazetteer_entity(gz, sp[i].entity, &ent))
                continue;
            size_t len = strlen(out);
            snprintf(out + len, sizeof out - len, "%s%s[%.*s]", len ? ";" : "", ent.key,
                     (int)(sp[i].end - sp[i].start), text + sp[i].start);
        }
    }
    sanctag_tagger_free(tg);
    sanctag_gazetteer_unref(gz);
    return out;
}

static const char *tag(const char *dbpath, unsigned open_flags, const char *text)
{
    return tag_flags(dbpath, open_flags, SANCTAG_TAG_NO_PROPAGATE, text);
}

#define CHECK_TAG(db, flags, text, want) CHECK_EQ_STR(tag(db, flags, text), want)

/* Keys of report[member] joined by ",". */
static const char *report_keys(json_t *report, const char *member)
{
    static char out[2][1024];
    static int slot;
    char *o = out[slot++ % 2];
    o[0] = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(report, member), i, v)
    {
        size_t len = strlen(o);
        snprintf(o + len, 1024 - len, "%s%s", len ? "," : "",
                 json_string_value(json_object_get(v, "key")));
    }
    return o;
}

static json_t *changed_entry(json_t *report, const char *key)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(report, "changed"), i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "key")), key) == 0)
            return v;
    }
    return NULL;
}

static int json_array_has(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    }
    return 0;
}

/* Everything that must not change when an import fails: content version,
 * row counts and the source table. */
static char *db_state(const char *dbpath)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s|%s|%s|%s|%s",
             q(dbpath, "SELECT value FROM meta WHERE key = 'version'", NULL),
             q(dbpath, "SELECT count(*) FROM entity", NULL),
             q(dbpath, "SELECT count(*) FROM alias", NULL),
             q(dbpath, "SELECT group_concat(name || '=' || version, ',') FROM source", NULL),
             q(dbpath, "SELECT value FROM meta WHERE key = 'dirty'", NULL));
    return strdup(buf);
}

static void expect_error(const char *dbpath, int format, const char *rel, int code, long line,
                         const char *needle)
{
    char *before = db_state(dbpath);
    const char *file = fixture(rel);
    sanctag_error e = {0};
    int rc = import(dbpath, format, NULL, 0, &file, 1, NULL, &e);
    CHECK_EQ_INT(rc, code);
    CHECK_EQ_INT(e.code, code);
    CHECK_EQ_INT(e.line, line);
    if (!strstr(e.text, needle) || !strstr(e.text, rel)) {
        fprintf(stderr, "%s: message \"%s\" lacks \"%s\" or the file name\n", rel, e.text,
                needle);
        test_failures++;
    }
    char *after = db_state(dbpath);
    CHECK_EQ_STR(after, before);
    free(before);
    free(after);
}

/* ---- UN --------------------------------------------------------------------- */

static void test_un(void)
{
    const char *db = new_db();
    json_t *r = NULL;
    CHECK(db && import1(db, IMP_UN_XML, fixture("un/consolidated-v1.xml"), &r) == 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "entities")), 11);
    CHECK_EQ_INT(json_array_size(json_object_get(r, "added")), 11);
    CHECK_EQ_STR(json_string_value(json_object_get(r, "version")), "2026-01-28T00:00:11.197Z");
    json_decref(r);
    CHECK_EQ_STR(q(db, "SELECT count(*) FROM entity WHERE listed = 1", NULL), "11");

    /* sanctions fields and metadata */
    CHECK_EQ_STR(field(db, "un:KPi.033", "label"), "PERSON");
    CHECK_EQ_STR(field(db, "un:KPi.033", "name"), "RI WON HO");
    CHECK_EQ_STR(field(db, "un:KPi.033", "country"), "KP");
    CHECK_EQ_STR(field(db, "un:KPi.033", "programs"), "[\"DPRK\"]");
    CHECK_EQ_STR(field(db, "un:KPi.033", "list_source"), "un-sc");
    CHECK_EQ_STR(field(db, "un:KPi.033", "list_ref"), "KPi.033");
    CHECK_EQ_STR(field(db, "un:KPi.033", "listed_on"), "2016-11-30");
    CHECK_EQ_STR(field(db, "un:KPi.033", "json_extract(attrs, '$.nationality[0]')"), "KP");
    CHECK_EQ_STR(field(db, "un:QDi.290", "programs"), "[\"Al-Qaida\"]");
    CHECK_EQ_STR(field(db, "un:QDi.290", "country"), "RU");
    CHECK_EQ_STR(field(db, "un:KPe.001", "label"), "ORG");
    CHECK_EQ_STR(field(db, "un:KPe.001", "country"), "KP"); /* from its address */
    /* the vessel-like entity: an IMO number and no company word */
    CHECK_EQ_STR(field(db, "un:KPe.990", "label"), "VESSEL");
    CHECK_EQ_STR(field(db, "un:KPe.990", "json_extract(attrs, '$.imo')"), "8518572");
    CHECK_EQ_STR(field(db, "un:KPe.990", "listed_on"), "2016-03-02"); /* "2016-03-02-05:00" */
    CHECK_EQ_STR(q(db, "SELECT version FROM source WHERE name = 'un-sc'", NULL),
                 "2026-01-28T00:00:11.197Z");

    /* alias kinds and case policies */
    CHECK_EQ_STR(alias_of(db, "un:KPi.033", "RI WON HO"), "name/fold");
    CHECK_EQ_STR(alias_of(db, "un:KPi.033", "WON HO RI"), "name/fold");
    CHECK_EQ_STR(alias_of(db, "un:QDi.290", "Abu Usman"), "weak/fold");   /* QUALITY Low */
    CHECK_EQ_STR(alias_of(db, "un:QDi.290", "DOKU UMAROV"), "name/fold"); /* patronymic */
    CHECK_EQ_STR(alias_of(db, "un:KPi.064", "Choe Sok Min"), "(none)");   /* Low, duplicate */
    CHECK_EQ_STR(alias_of(db, "un:KPi.064", "CHOE SOK MIN"), "name/fold"); /* apostrophes */
    CHECK_EQ_STR(alias_of(db, "un:TAi.014", "HIDAYATULLAH"), "weak/fold"); /* one word */
    CHECK_EQ_STR(alias_of(db, "un:KPe.007", "GBAE"), "abbreviation/exact");
    CHECK_EQ_STR(alias_of(db, "un:KPe.007", "General Bureau of Atomic Energy"), "name/cap");
    CHECK_EQ_STR(alias_of(db, "un:KPe.001", "KOMID"), "name/cap"); /* '"KOMID"', 5 letters */
    CHECK_EQ_STR(alias_of(db, "un:KPe.990", "JIE SHUN"), "(none)");
    CHECK_EQ_STR(alias_of(db, "un:KPe.990", "Jie Shun"), "name/cap");
    CHECK_EQ_STR(alias_of(db, "un:CDe.003", "Great Lakes Business Company"), "name/cap");
    CHECK_EQ_STR(alias_of(db, "un:CDe.003", "GLBC"), "abbreviation/exact");

    /* matching: Korean names in every casing and hyphenation, order variants,
     * apostrophes, patronymics, acronyms, names split at ';' */
    CHECK_TAG(db, 0, "Ri Won-ho met Jo Yong-chol.", "un:KPi.033[Ri Won-ho];un:KPi.034[Jo Yong-chol]");
    CHECK_TAG(db, 0, "RI WON HO and ri won ho", "un:KPi.033[RI WON HO];un:KPi.033[ri won ho]");
    CHECK_TAG(db, 0, "Won Ho Ri said", "un:KPi.033[Won Ho Ri]");
    CHECK_TAG(db, 0, "Ra Kyong-su and Ch'oe So'k-min", "un:KPi.008[Ra Kyong-su];un:KPi.064[Ch'oe So'k-min]");
    CHECK_TAG(db, 0, "Choe Sok Min", "un:KPi.064[Choe Sok Min]");
    CHECK_TAG(db, 0, "Doku Umarov and Dokka Umarov", "un:QDi.290[Doku Umarov];un:QDi.290[Dokka Umarov]");
    CHECK_TAG(db, 0, "The General Bureau of Atomic Energy (GBAE) said", "un:KPe.007[General Bureau of Atomic Energy];un:KPe.007[GBAE]");
    CHECK_TAG(db, 0, "the Korea Mining Development Trading Corporation", "un:KPe.001[Korea Mining Development Trading Corporation]");
    CHECK_TAG(db, 0, "Great Lakes Business Company", "un:CDe.003[Great Lakes Business Company]");
    CHECK_TAG(db, 0, "the vessel Jie Shun and JIE SHUN", "un:KPe.990[Jie Shun];un:KPe.990[JIE SHUN]");
    /* what must not match: lower-case organisation names, lower-case
     * acronyms, weak aliases without --weak */
    CHECK_TAG(db, 0, "a general bureau of atomic energy; gbae; Gbae", "");
    CHECK_TAG(db, 0, "Abu Usman and Hidayatullah spoke", "");
    CHECK_TAG(db, SANCTAG_OPEN_WEAK, "Abu Usman and Hidayatullah spoke", "un:QDi.290[Abu Usman];un:TAi.014[Hidayatullah]");
    /* the public entity record carries the listing */
    sanctag_gazetteer *gz = NULL;
    sanctag_error e = {0};
    CHECK(sanctag_gazetteer_open(db, 0, &gz, &e) == 0);
    int found = 0;
    for (uint32_t i = 0; gz && i < sanctag_gazetteer_entity_count(gz); i++) {
        sanctag_entity ent;
        if (sanctag_gazetteer_entity(gz, i, &ent) || strcmp(ent.key, "un:KPe.001") != 0)
            continue;
        found = 1;
        CHECK_EQ_INT(ent.listed, 1);
        CHECK_EQ_STR(ent.programs, "[\"DPRK\"]");
        CHECK_EQ_STR(ent.list_source, "un-sc");
        CHECK_EQ_STR(ent.list_ref, "KPe.001");
    }
    CHECK(found);
    sanctag_gazetteer_unref(gz);
    unlink(db);
}

static void test_un_reimport(void)
{
    const char *db = new_db();
    CHECK(db && import1(db, IMP_UN_XML, fixture("un/consolidated-v1.xml"), NULL) == 0);
    json_t *r = NULL;
    CHECK(import1(db, IMP_UN_XML, fixture("un/consolidated-v2.xml"), &r) == 0);
    CHECK_EQ_STR(report_keys(r, "added"), "un:KPi.080");
    CHECK_EQ_STR(report_keys(r, "removed"), "un:KPi.033");
    CHECK_EQ_STR(report_keys(r, "changed"), "un:KPe.001,un:KPe.990,un:KPi.034");
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "unchanged")), 7);
    json_t *c = changed_entry(r, "un:KPe.001");
    CHECK(c && json_array_has(json_object_get(c, "aliases_added"),
                              "Korea Kumryong Trading Corporation"));
    c = changed_entry(r, "un:KPe.990");
    json_t *ch = json_array_get(json_object_get(c, "changes"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "field")), "listed_on");
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "old")), "2016-03-02");
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "new")), "2016-03-04");
    c = changed_entry(r, "un:KPi.034");
    ch = json_array_get(json_object_get(c, "changes"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "field")), "name");
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "new")), "JO YONG CHUL");
    CHECK(json_array_has(json_object_get(c, "aliases_removed"), "JO YONG CHOL"));
    json_decref(r);
    /* the database follows the list */
    CHECK_EQ_STR(field(db, "un:KPi.033", "name"), "(none)");
    CHECK_EQ_STR(q(db, "SELECT count(*) FROM source WHERE name = 'un-sc'", NULL), "1");
    CHECK_EQ_STR(q(db, "SELECT version FROM source WHERE name = 'un-sc'", NULL),
                 "2026-01-29T00:00:09.500Z");
    CHECK_TAG(db, 0, "Ri Won Ho met Tsang Yung-yuan (Neil Tsang) and Jo Yong Chul",
              "un:KPi.080[Tsang Yung-yuan];un:KPi.080[Neil Tsang];un:KPi.034[Jo Yong Chul]");
    /* the same list again: nothing changed */
    CHECK(import1(db, IMP_UN_XML, fixture("un/consolidated-v2.xml"), &r) == 0);
    CHECK_EQ_INT(json_array_size(json_object_get(r, "added")) +
                     json_array_size(json_object_get(r, "removed")) +
                     json_array_size(json_object_get(r, "changed")),
                 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "unchanged")), 11);
    json_decref(r);
    /* a dry run reports the diff and writes nothing */
    char *before = db_state(db);
    const char *v1 = fixture("un/consolidated-v1.xml");
    sanctag_error e = {0};
    CHECK(import(db, IMP_UN_XML, NULL, 1, &v1, 1, &r, &e) == 0);
    CHECK_EQ_STR(report_keys(r, "added"), "un:KPi.033");
    CHECK(json_is_true(json_object_get(r, "dry_run")));
    json_decref(r);
    char *after = db_state(db);
    CHECK_EQ_STR(after, before);
    free(before);
    free(after);
    unlink(db);
}

static void test_un_errors(void)
{
    const char *db = new_db();
    CHECK(db && import1(db, IMP_UN_XML, fixture("un/consolidated-v1.xml"), NULL) == 0);
    expect_error(db, IMP_UN_XML, "un/bad-mismatched-tag.xml", SANCTAG_E_FORMAT, 93,
                 "malformed XML");
    expect_error(db, IMP_UN_XML, "un/bad-no-reference.xml", SANCTAG_E_FORMAT, 131,
                 "INDIVIDUAL without REFERENCE_NUMBER");
    expect_error(db, IMP_UN_XML, "un/bad-date.xml", SANCTAG_E_FORMAT, 379,
                 "LISTED_ON '16/07/2009'");
    expect_error(db, IMP_UN_XML, "un/bad-root.xml", SANCTAG_E_FORMAT, 2, "<CONSOLIDATED_LIST>");
    expect_error(db, IMP_UN_XML, "un/missing.xml", SANCTAG_E_NOTFOUND, 0, "cannot open");
    /* two files, the second bad: nothing of the first is written either */
    char *before = db_state(db);
    const char *two[] = {fixture("un/consolidated-v2.xml"), fixture("un/bad-date.xml")};
    sanctag_error e = {0};
    CHECK_EQ_INT(import(db, IMP_UN_XML, NULL, 0, two, 2, NULL, &e), SANCTAG_E_FORMAT);
    char *after = db_state(db);
    CHECK_EQ_STR(after, before);
    free(before);
    free(after);
    unlink(db);
}

/* ---- OFAC ------------------------------------------------------------------- */

static void test_ofac(void)
{
    const char *db = new_db();
    /* any order: the kind of file is told by its width */
    const char *files[] = {fixture("ofac/alt.csv"), fixture("ofac/add.csv"),
                           fixture("ofac/sdn.csv")};
    json_t *r = NULL;
    sanctag_error e = {0};
    CHECK(db && import(db, IMP_OFAC_CSV, NULL, 0, files, 3, &r, &e) == 0);
    if (e.code)
        fprintf(stderr, "ofac: %s\n", e.text);
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "entities")), 8); /* 9 rows - aircraft */
    json_t *sk = json_object_get(r, "skipped");
    CHECK_EQ_INT(json_integer_value(json_object_get(sk, "OFAC aircraft")), 1);
    CHECK_EQ_INT(json_integer_value(
                     json_object_get(sk, "OFAC alt.csv rows naming no imported sdn.csv entry")),
                 2);
    json_decref(r);
    CHECK_EQ_STR(field(db, "ofac:20157", "label"), "PERSON");
    CHECK_EQ_STR(field(db, "ofac:20157", "name"), "KIM, Jong Un");
    CHECK_EQ_STR(field(db, "ofac:20157", "programs"), "[\"DPRK3\"]");
    CHECK_EQ_STR(field(db, "ofac:20157", "list_source"), "ofac-sdn");
    CHECK_EQ_STR(field(db, "ofac:20157", "list_ref"), "20157");
    CHECK_EQ_STR(field(db, "ofac:20157", "json_extract(attrs, '$.title')"),
                 "Chairman of the \"Workers' Party of Korea\""); /* CSV "" quoting */
    CHECK_EQ_STR(field(db, "ofac:9345", "programs"), "[\"NPWMD\",\"DPRK2\"]");
    CHECK_EQ_STR(field(db, "ofac:9345", "country"), "KP");  /* add.csv "Korea, North" */
    CHECK_EQ_STR(field(db, "ofac:306", "country"), "CU");   /* add.csv */
    CHECK_EQ_STR(field(db, "ofac:12209", "country"), "(null)"); /* addresses disagree */
    CHECK_EQ_STR(field(db, "ofac:35096", "country"), "RU"); /* remarks nationality */
    CHECK_EQ_STR(field(db, "ofac:4243", "label"), "VESSEL");
    CHECK_EQ_STR(field(db, "ofac:4243", "country"), "PA"); /* flag */
    CHECK_EQ_STR(field(db, "ofac:4243", "json_extract(attrs, '$.imo')"), "7406784");
    CHECK_EQ_STR(field(db, "ofac:17069", "country"), "KP");
    CHECK_EQ_STR(field(db, "ofac:17069", "json_extract(attrs, '$.imo')"), "7937317");
    CHECK_EQ_STR(field(db, "ofac:15431", "label"), "(none)"); /* aircraft */
    /* names in news order; weak AKAs from the remarks */
    CHECK_EQ_STR(alias_of(db, "ofac:20157", "KIM Jong Un"), "name/fold");
    CHECK_EQ_STR(alias_of(db, "ofac:20157", "Jong Un KIM"), "name/fold");
    CHECK_EQ_STR(alias_of(db, "ofac:7831", "Lionel DUMONT"), "name/fold");
    CHECK_EQ_STR(alias_of(db, "ofac:7831", "DUMONT Lionel"), "(none)"); /* not East Asian */
    CHECK_EQ_STR(alias_of(db, "ofac:7831", "Jacques BROUGERE"), "name/fold");
    CHECK_EQ_STR(alias_of(db, "ofac:7831", "ABU KHAMZA"), "weak/fold");
    CHECK_EQ_STR(alias_of(db, "ofac:7831", "BILAL"), "weak/fold");
    CHECK_EQ_STR(alias_of(db, "ofac:306", "BNC"), "weak/exact");
    CHECK_EQ_STR(alias_of(db, "ofac:306", "National Bank of Cuba"), "name/cap");
    CHECK_EQ_STR(alias_of(db, "ofac:4243", "EBANO"), "name/exact");
    CHECK_EQ_STR(alias_of(db, "ofac:4243", "Sand Swan"), "weak/cap");
    CHECK_EQ_STR(alias_of(db, "ofac:9345", "KOMID"), "weak/cap");
    CHECK_EQ_STR(alias_of(db, "ofac:35096", "Vladimir PUTIN"), "name/fold");

    CHECK_TAG(db, 0, "Kim Jong Un, Kim Jong-un, KIM JONG UN and Jong Un Kim",
              "ofac:20157[Kim Jong Un];ofac:20157[Kim Jong-un];ofac:20157[KIM JONG UN];"
              "ofac:20157[Jong Un Kim]");
    CHECK_TAG(db, 0, "Vladimir Putin and Vladimir Vladimirovich Putin",
              "ofac:35096[Vladimir Putin];ofac:35096[Vladimir Vladimirovich Putin]");
    CHECK_TAG(db, 0, "The Chong Chon Gang and the EBANO; the Ebano", "ofac:17069[Chong Chon Gang];ofac:4243[EBANO]");
    CHECK_TAG(db, 0, "the Banco Nacional de Cuba (BNC) and Bureau 39",
              "ofac:306[Banco Nacional de Cuba];ofac:12209[Bureau 39]");
    CHECK_TAG(db, 0, "Bilal and the Third Floor of KOMID", "");
    CHECK_TAG(db, SANCTAG_OPEN_WEAK, "Bilal and the Third Floor of KOMID",
              "ofac:7831[Bilal];ofac:12209[Third Floor];ofac:9345[KOMID]");

    /* re-import: a delisting, a programme change, a new vessel */
    const char *v2[] = {fixture("ofac/sdn-v2.csv"), fixture("ofac/alt.csv")};
    CHECK(import(db, IMP_OFAC_CSV, NULL, 0, v2, 2, &r, &e) == 0);
    CHECK_EQ_STR(report_keys(r, "added"), "ofac:17084");
    CHECK_EQ_STR(report_keys(r, "removed"), "ofac:7831");
    /* 20157: programmes; 306, 9345: their add.csv countries went with add.csv */
    CHECK_EQ_STR(report_keys(r, "changed"), "ofac:20157,ofac:306,ofac:9345");
    json_t *c = changed_entry(r, "ofac:20157");
    json_t *ch = json_array_get(json_object_get(c, "changes"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "field")), "programs");
    CHECK_EQ_STR(json_string_value(json_object_get(ch, "new")), "[\"DPRK3\",\"DPRK4\"]");
    json_decref(r);
    CHECK_TAG(db, 0, "Lionel Dumont and the Am Nok Gang", "ofac:17084[Am Nok Gang]");

    /* malformed files */
    const char *alt = fixture("ofac/alt.csv");
    const char *bad[][2] = {{fixture("ofac/bad-fields.csv"), alt},
                            {fixture("ofac/bad-quote.csv"), alt},
                            {fixture("ofac/bad-entnum.csv"), alt},
                            {fixture("ofac/not-ofac.csv"), alt},
                            {alt, fixture("ofac/add.csv")}};
    const long lines[] = {4, 6, 7, 1, 0};
    const char *needles[] = {"11 fields, an OFAC sdn.csv record has 12", "after a closing quote",
                             "ent_num '17069X' is not a number", "not an OFAC sdn.csv",
                             "no OFAC sdn.csv among the files"};
    for (int i = 0; i < 5; i++) {
        char *before = db_state(db);
        sanctag_error be = {0};
        int rc = import(db, IMP_OFAC_CSV, NULL, 0, bad[i], 2, NULL, &be);
        CHECK(rc == SANCTAG_E_FORMAT || rc == SANCTAG_E_INVALID);
        CHECK_EQ_INT(be.line, lines[i]);
        if (!strstr(be.text, needles[i]) || !strstr(be.text, bad[i][0])) {
            fprintf(stderr, "ofac bad %d: \"%s\" lacks \"%s\"\n", i, be.text, needles[i]);
            test_failures++;
        }
        char *after = db_state(db);
        CHECK_EQ_STR(after, before);
        free(before);
        free(after);
    }
    unlink(db);
}

/* ---- OpenSanctions FollowTheMoney ---------------------------------------------- */

static void test_ftm(void)
{
    const char *db = new_db();
    json_t *r = NULL;
    CHECK(db && import1(db, IMP_FTM, fixture("ftm/entities.ftm.json"), &r) == 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "entities")), 5);
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "listed")), 4);
    json_t *sk = json_object_get(r, "skipped");
    CHECK_EQ_INT(json_integer_value(json_object_get(sk, "FtM Address entities")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(sk, "FtM sanctions of entities not in the file")), 1);
    json_decref(r);
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "label"), "PERSON");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "listed"), "1");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "programs"), "[\"DPRK3\"]"); /* Sanction line */
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "list_ref"), "20157");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "listed_on"), "2016-07-06");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "list_source"), "opensanctions");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-kim", "country"), "KP");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-omm", "label"), "ORG");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-omm", "list_ref"), "KPe.020"); /* nested sanction */
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-omm", "listed_on"), "2014-07-28");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-ccg", "label"), "VESSEL");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-ccg", "listed"), "1"); /* topics: sanction */
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-ccg", "json_extract(attrs, '$.imo')"), "7937317");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-putin", "listed_on"), "2022-02-25");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-putin", "programs"), "[\"RUSSIA-EO14024\"]");
    CHECK_EQ_STR(field(db, "ftm:NK-fixture-linked", "listed"), "0"); /* sanction.linked */
    CHECK_EQ_STR(alias_of(db, "ftm:NK-fixture-kim", "Kim"), "weak/fold");
    CHECK_EQ_STR(alias_of(db, "ftm:NK-fixture-kim", "김정은"), "name/fold"); /* Hangul: one token */
    CHECK_EQ_STR(alias_of(db, "ftm:NK-fixture-omm", "OMM"), "abbreviation/exact");
    CHECK_TAG(db, 0, "Kim Jong-un and Vladimir Putin; Kim alone",
              "ftm:NK-fixture-kim[Kim Jong-un];ftm:NK-fixture-putin[Vladimir Putin]");
    CHECK_TAG(db, 0, "김정은 위원장", "ftm:NK-fixture-kim[김정은]");
    /* the weak one-word "Kim" is not matched, but the tagger still resolves the
     * short form through the full name earlier in the document */
    CHECK_EQ_STR(tag_flags(db, 0, 0, "Kim Jong-un spoke. Kim left."),
                 "ftm:NK-fixture-kim[Kim Jong-un];ftm:NK-fixture-kim[Kim]");
    CHECK_EQ_STR(tag_flags(db, 0, 0, "Kim left."), "");
    expect_error(db, IMP_FTM, "ftm/bad-json.ftm.json", SANCTAG_E_JSON, 3, "malformed JSON");
    expect_error(db, IMP_FTM, "ftm/bad-schema.ftm.json", SANCTAG_E_FORMAT, 2,
                 "not a FollowTheMoney entity");
    unlink(db);
}

/* ---- plain TSV / JSONL, ownership of keys, source kinds --------------------------- */

static void check_plain(const char *db, const char *source)
{
    CHECK_EQ_STR(field(db, "list:acme", "listed"), "1");
    CHECK_EQ_STR(field(db, "list:acme", "programs"), "[\"DPRK\",\"IRAN\"]");
    CHECK_EQ_STR(field(db, "list:acme", "list_ref"), "A-1");
    CHECK_EQ_STR(field(db, "list:acme", "listed_on"), "2020-05-01");
    CHECK_EQ_STR(field(db, "list:acme", "list_source"), source);
    CHECK_EQ_STR(field(db, "list:doe", "listed"), "0");
    CHECK_EQ_STR(alias_of(db, "list:acme", "ACME"), "abbreviation/exact");
    CHECK_TAG(db, 0, "ACME, Acme and Acme Shipping Co; JD Smithers, John Doe",
              "list:acme[ACME];list:acme[Acme Shipping Co];list:doe[John Doe]");
}

static void test_plain(void)
{
    const char *db = new_db();
    CHECK(db && import1(db, IMP_TSV, fixture("plain/list.tsv"), NULL) == 0);
    check_plain(db, "list"); /* default source: the file name */
    unlink(db);
    db = new_db();
    CHECK(db && import1(db, IMP_JSONL, fixture("plain/list.jsonl"), NULL) == 0);
    check_plain(db, "list");
    expect_error(db, IMP_TSV, "plain/bad-programs.tsv", SANCTAG_E_FORMAT, 2,
                 "programs must be a JSON array of strings");
    expect_error(db, IMP_TSV, "plain/bad-column.tsv", SANCTAG_E_FORMAT, 1,
                 "unknown column 'colour'");
    unlink(db);
}

static void test_ownership(void)
{
    const char *db = new_db();
    CHECK(db && import1(db, IMP_UN_XML, fixture("un/consolidated-v1.xml"), NULL) == 0);
    /* an imported list owns its keys */
    expect_error(db, IMP_TSV, "plain/steals-key.tsv", SANCTAG_E_INVALID, 2,
                 "key 'un:KPi.033' already belongs to source 'un-sc'");
    /* a source is only replaced by a list of the same kind */
    char *before = db_state(db);
    const char *f = fixture("plain/list.tsv");
    sanctag_error e = {0};
    CHECK_EQ_INT(import(db, IMP_TSV, "un-sc", 0, &f, 1, NULL, &e), SANCTAG_E_INVALID);
    CHECK(strstr(e.text, "refusing to replace") != NULL);
    char *after = db_state(db);
    CHECK_EQ_STR(after, before);
    free(before);
    free(after);
    /* two lists side by side, each replaced on its own */
    const char *ofac[] = {fixture("ofac/sdn.csv"), fixture("ofac/alt.csv")};
    CHECK(import(db, IMP_OFAC_CSV, NULL, 0, ofac, 2, NULL, &e) == 0);
    CHECK(import1(db, IMP_UN_XML, fixture("un/consolidated-v2.xml"), NULL) == 0);
    CHECK_EQ_STR(q(db, "SELECT count(*) FROM entity WHERE key LIKE 'ofac:%'", NULL), "8");
    CHECK_EQ_STR(q(db, "SELECT count(*) FROM entity WHERE key LIKE 'un:%'", NULL), "11");
    unlink(db);
}

/* A curated entity keeps an alias a list record shares with it (issue 16,
 * rule collision-curated): the list's alias is dropped, with its reason. */
static void test_listed_wins(void)
{
    sanctag_error e = {0};
    char *db = test_build_gaz("key\tlabel\tname\tcountry\talias\tsource\n"
                              "org:komid\tORG\tKOMID\tKP\tKorea Mining Development Trading "
                              "Corporation\tcurated\n"
                              "country:KP\tCOUNTRY\tNorth Korea\tKP\tNorth Korea\tcurated\n",
                              &e);
    CHECK(db != NULL);
    CHECK_TAG(db, 0, "North Korea's Korea Mining Development Trading Corporation",
              "country:KP[North Korea];org:komid[Korea Mining Development Trading Corporation]");
    CHECK(db && import1(db, IMP_UN_XML, fixture("un/consolidated-v1.xml"), NULL) == 0);
    CHECK_TAG(db, 0, "North Korea's Korea Mining Development Trading Corporation",
              "country:KP[North Korea];org:komid[Korea Mining Development Trading Corporation]");
    CHECK_EQ_STR(q(db,
                   "SELECT action || ' ' || rule || ' ' || (evidence LIKE 'alias of "
                   "org:komid (ORG, source %') FROM alias_policy WHERE entity_key = "
                   "'un:KPe.001' AND norm = 'korea mining development trading corporation'",
                   NULL),
                 "dropped collision-curated 1");
    if (db)
        unlink(db);
}

static void test_countries(void)
{
    static const char *const cases[][2] = {
        {"Democratic People's Republic of Korea", "KP"},
        {"Korea, North", "KP"},
        {"Korea, South", "KR"},
        {"Iran (Islamic Republic of)", "IR"},
        {"Syrian Arab Republic", "SY"},
        {"Russian Federation", "RU"},
        {"United Kingdom of Great Britain and Northern Ireland", "GB"},
        {"China, Hong Kong Special Administrative Region", "HK"},
        {"Congo, Democratic Republic of the", "CD"},
        {"Democratic Republic of the Congo", "CD"},
        {"Congo", "CG"},
        {"St. Kitts & Nevis", "KN"},
        {"St. Vincent and the Grenadines", "VC"},
        {"Türkiye", "TR"},
        {"Turkey", "TR"},
        {"Burma", "MM"},
        {"Man, Isle of", "IM"},
        {"Virgin Islands, British", "VG"},
        {"The Gambia", "GM"},
        {"Viet Nam", "VN"},
        {"KP", "KP"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char cc[3] = "";
        if (!sanctagp_country_code(cases[i][0], cc) || strcmp(cc, cases[i][1]) != 0) {
            fprintf(stderr, "country '%s' -> '%s', expected %s\n", cases[i][0], cc,
                    cases[i][1]);
            test_failures++;
        }
    }
    static const char *const unknown[] = {"former Soviet Union", "None Identified", "na", "ZZ",
                                          "kp", ""};
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
        char cc[3] = "";
        if (sanctagp_country_code(unknown[i], cc)) {
            fprintf(stderr, "country '%s' -> '%s', expected none\n", unknown[i], cc);
            test_failures++;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-import DATA_DIR\n");
        return 99;
    }
    data_dir = argv[1];
    test_countries();
    test_un();
    test_un_reimport();
    test_un_errors();
    test_ofac();
    test_ftm();
    test_plain();
    test_ownership();
    test_listed_wins();
    return test_done("test-import");
}
