/* test-cooccur.c - unit tests of src/cooccur/: date parsing, periods, NPMI,
 * counting per document / sentence / token window, country roll-up, label
 * selection, and exact merging of partial outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cooccur/cooccur.h"
#include "tests/test.h"

static void check_date(const char *s, int order, int want_status, int32_t want_ymd, int line)
{
    int32_t ymd = 0;
    int st = sanctagp_cooc_parse_date(s, strlen(s), order, &ymd);
    if (st != want_status || (st == COOC_DATE_OK && ymd != want_ymd)) {
        fprintf(stderr, "%s:%d: parse_date(\"%s\", %d) = %d/%ld, expected %d/%ld\n", __FILE__,
                line, s, order, st, (long)ymd, want_status, (long)want_ymd);
        test_failures++;
    }
}
#define DATE_OK(s, ymd) check_date(s, COOC_ORDER_AUTO, COOC_DATE_OK, ymd, __LINE__)
#define DATE_BAD(s) check_date(s, COOC_ORDER_AUTO, COOC_DATE_UNPARSED, 0, __LINE__)

static void test_dates(void)
{
    /* the forms of the scraped Indonesian feeds */
    DATE_OK("Senin, 04 Des 2023 08:15 WIB", 20231204);
    DATE_OK("Jumat, 1 Desember 2023 19:25 WIB", 20231201);
    DATE_OK("Kamis, 30 November 2023 23:16 WIB", 20231130);
    DATE_OK("Selasa, 28 Apr 2026 19:10 WIB", 20260428);
    DATE_OK("Jum'at, 01 Mei 2026 17:30 WIB", 20260501);
    DATE_OK("Rabu, 27 Mei 2026 08:47 WIB", 20260527);
    DATE_OK("  04 Agustus 2023 | 10:00 ", 20230804);
    DATE_OK("4 Agt 2023", 20230804);
    DATE_OK("17 Pebruari 2021", 20210217);
    DATE_OK("Jakarta, 5 Oktober 2022", 20221005);
    /* ISO and English */
    DATE_OK("2023-12-04", 20231204);
    DATE_OK("2023-12-04T08:15:00+07:00", 20231204);
    DATE_OK("2023-12-04 08:15:00", 20231204);
    DATE_OK("2023/12/04", 20231204);
    DATE_OK("2023-1-5", 20230105);
    DATE_OK("20231204", 20231204);
    DATE_OK("December 4, 2023", 20231204);
    DATE_OK("Dec. 4 2023", 20231204);
    DATE_OK("Monday, December 4, 2023 8:15 AM", 20231204);
    DATE_OK("4 December 2023", 20231204);
    DATE_OK("4-Dec-2023", 20231204);
    DATE_OK("2024-02-29", 20240229);
    /* numeric day and month: only the unambiguous ones by default */
    DATE_OK("10/21/2025 20:43", 20251021);
    DATE_OK("21/10/2025", 20251021);
    DATE_OK("5/5/2025", 20250505);
    DATE_OK("24.12.2023", 20231224);
    check_date("04.11.2023", COOC_ORDER_AUTO, COOC_DATE_AMBIGUOUS, 0, __LINE__);
    check_date("8/11/2025 7:02", COOC_ORDER_AUTO, COOC_DATE_AMBIGUOUS, 0, __LINE__);
    check_date("8/11/2025 7:02", COOC_ORDER_MDY, COOC_DATE_OK, 20250811, __LINE__);
    check_date("8/11/2025 7:02", COOC_ORDER_DMY, COOC_DATE_OK, 20251108, __LINE__);
    check_date("10/21/2025", COOC_ORDER_DMY, COOC_DATE_UNPARSED, 0, __LINE__);
    check_date("21/10/2025", COOC_ORDER_MDY, COOC_DATE_UNPARSED, 0, __LINE__);
    /* not dates */
    DATE_BAD("");
    DATE_BAD("kemarin");
    DATE_BAD("Senin (27/3)");
    DATE_BAD("27 Maret");
    DATE_BAD("2023-02-30");
    DATE_BAD("2023-13-01");
    DATE_BAD("2023-12-04x");
    DATE_BAD("31/31/2023");
    DATE_BAD("12/4/23");
    DATE_BAD("0023-12-04");
    DATE_BAD("1701388800");
}

static void check_period(int per, int32_t ymd, const char *want, int line)
{
    char out[16];
    sanctagp_cooc_period_key(per, ymd, out);
    if (strcmp(out, want) != 0) {
        fprintf(stderr, "%s:%d: period_key(%d, %ld) = %s, expected %s\n", __FILE__, line, per,
                (long)ymd, out, want);
        test_failures++;
    }
}
#define PERIOD(p, ymd, want) check_period(p, ymd, want, __LINE__)

static void test_periods(void)
{
    PERIOD(COOC_PER_NONE, 20231204, "all");
    PERIOD(COOC_PER_DAY, 20231204, "2023-12-04");
    PERIOD(COOC_PER_MONTH, 20231204, "2023-12");
    PERIOD(COOC_PER_YEAR, 20231204, "2023");
    PERIOD(COOC_PER_DAY, 0, "unknown");
    /* ISO 8601 weeks, the year boundaries included */
    PERIOD(COOC_PER_WEEK, 20231204, "2023-W49");
    PERIOD(COOC_PER_WEEK, 20231203, "2023-W48");
    PERIOD(COOC_PER_WEEK, 20210103, "2020-W53");
    PERIOD(COOC_PER_WEEK, 20201231, "2020-W53");
    PERIOD(COOC_PER_WEEK, 20230101, "2022-W52");
    PERIOD(COOC_PER_WEEK, 20241230, "2025-W01");
    PERIOD(COOC_PER_WEEK, 20260101, "2026-W01");
    PERIOD(COOC_PER_WEEK, 20151231, "2015-W53");
}

static void test_npmi(void)
{
    CHECK(fabs(sanctagp_npmi(10, 10, 10, 10) - 1) < 1e-12);   /* every unit has both */
    CHECK(fabs(sanctagp_npmi(10, 10, 10, 100) - 1) < 1e-12);  /* always together */
    CHECK(fabs(sanctagp_npmi(25, 50, 50, 100)) < 1e-12);      /* independent */
    /* ln(1*100/(50*50)) / -ln(1/100) */
    CHECK(fabs(sanctagp_npmi(1, 50, 50, 100) - log(100.0 / 2500) / log(100.0)) < 1e-12);
    CHECK(sanctagp_npmi(1, 50, 50, 100) < 0);
    CHECK(sanctagp_npmi(0, 5, 5, 10) == 0);
}

/* A mention for the tests: key, label, country, sentence, token range. */
typedef struct tm_ {
    const char *key, *label, *country;
    uint32_t sent, tf, te;
} tm_;

static const char *name_of(const char *key)
{
    static const struct {
        const char *k, *n;
    } names[] = {{"country:KP", "North Korea"}, {"country:US", "United States"},
                 {"country:KR", "South Korea"}, {"person:kim", "Kim Jong Un"},
                 {"location:seoul", "Seoul"},   {"org:un", "United Nations"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].k, key) == 0)
            return names[i].n;
    return key;
}

static void add_doc(sanctagp_cooc *c, const char *id, const char *date, const tm_ *m, size_t n,
                    uint64_t nsent, const char *error)
{
    json_t *jid = json_string(id);
    CHECK_EQ_INT(sanctagp_cooc_doc_begin(c, jid, date, 1), 0);
    for (size_t i = 0; i < n; i++)
        CHECK_EQ_INT(sanctagp_cooc_doc_mention(c, m[i].key, name_of(m[i].key), m[i].label,
                                               m[i].country, m[i].sent, m[i].tf, m[i].te),
                     0);
    sanctag_error e;
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctagp_cooc_doc_end(c, nsent, error, &e), 0);
    json_decref(jid);
}

static char *csv_of(sanctagp_cooc *c, const sanctagp_cooc_out *o, int entities)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    CHECK_EQ_INT(sanctagp_cooc_write_csv(c, f, o, entities), 0);
    fclose(f);
    return buf;
}

static sanctagp_cooc *new_table(int window, unsigned tokens, int by, int period,
                                const char *labels)
{
    sanctagp_cooc_opts o;
    memset(&o, 0, sizeof o);
    o.window = window;
    o.tokens = tokens;
    o.by = by;
    o.period = period;
    strcpy(o.date_field, "date");
    strcpy(o.labels, labels ? labels : "");
    o.documents = 1;
    sanctagp_cooc *c = sanctagp_cooc_new(&o);
    CHECK(c != NULL);
    return c;
}

#define KP {"country:KP", "COUNTRY", "KP", 0, 0, 0}
#define US {"country:US", "COUNTRY", "US", 0, 0, 0}
#define KR {"country:KR", "COUNTRY", "KR", 0, 0, 0}

static const char *hdr = "period,a,a_name,a_label,a_country,b,b_name,b_label,b_country,count,"
                         "documents,a_count,b_count,units,total_documents,npmi,first_seen,"
                         "last_seen\n";

static void test_documents(void)
{
    sanctagp_cooc *c = new_table(COOC_WIN_DOCUMENT, 0, COOC_BY_ENTITY, COOC_PER_NONE, NULL);
    tm_ d1[] = {KP, US, KR, KP}, d2[] = {US, KP}, d3[] = {KP};
    add_doc(c, "d1", "2023-12-04", d1, 4, 0, NULL);
    add_doc(c, "d2", "Selasa, 5 Des 2023", d2, 2, 0, NULL);
    add_doc(c, "d3", NULL, d3, 1, 0, NULL);
    add_doc(c, "d4", NULL, NULL, 0, 0, "invalid_utf8"); /* a document without entities */
    add_doc(c, "d5", "kemarin", NULL, 0, 0, NULL);
    /* N = 5; KP 3, US 2, KR 1; KP-US 2, KP-KR 1, KR-US 1 */
    char *csv = csv_of(c, NULL, 0);
    char want[2048];
    snprintf(want, sizeof want,
             "%s"
             "all,country:KP,North Korea,COUNTRY,KP,country:US,United States,COUNTRY,US,2,2,3,2,5,"
             "5,%.6f,2023-12-04,2023-12-05\n"
             "all,country:KR,South Korea,COUNTRY,KR,country:US,United States,COUNTRY,US,1,1,1,2,5,"
             "5,%.6f,2023-12-04,2023-12-04\n"
             "all,country:KP,North Korea,COUNTRY,KP,country:KR,South Korea,COUNTRY,KR,1,1,3,1,5,"
             "5,%.6f,2023-12-04,2023-12-04\n",
             hdr, round(1e6 * log(2.0 * 5 / 6) / -log(2.0 / 5)) / 1e6,
             round(1e6 * log(1.0 * 5 / 2) / -log(1.0 / 5)) / 1e6, /* ties on count: npmi desc */
             round(1e6 * log(1.0 * 5 / 3) / -log(1.0 / 5)) / 1e6);
    CHECK_EQ_STR(csv, want);
    free(csv);
    sanctagp_cooc_totals *t = sanctagp_cooc_totals_of(c);
    CHECK_EQ_INT(t->documents, 5);
    CHECK_EQ_INT(t->error_documents, 1);
    CHECK_EQ_INT(t->dated, 2);
    CHECK_EQ_INT(t->undated, 2);
    CHECK_EQ_INT(t->unparsed_dates, 1);
    /* filters: --min-count 2 keeps one row; --with country:KR keeps two */
    sanctagp_cooc_out o;
    memset(&o, 0, sizeof o);
    o.min_count = 2;
    csv = csv_of(c, &o, 0);
    CHECK(strstr(csv, "country:KR") == NULL && strstr(csv, "country:US,United States"));
    free(csv);
    char *with[] = {"country:KR"};
    o.min_count = 1;
    o.with = with;
    o.nwith = 1;
    csv = csv_of(c, &o, 0);
    CHECK(strstr(csv, "country:KP,North Korea,COUNTRY,KP,country:US") == NULL);
    /* the --with key comes first, though country:KP sorts before it */
    CHECK(strstr(csv, "country:KR,South Korea,COUNTRY,KR,country:KP") != NULL);
    CHECK(strstr(csv, "KP,country:KR") == NULL && strstr(csv, "US,country:KR") == NULL);
    free(csv);
    /* the entity table */
    csv = csv_of(c, NULL, 1);
    CHECK_EQ_STR(csv, "period,key,name,label,country,count,documents,units,total_documents,"
                      "first_seen,last_seen\n"
                      "all,country:KP,North Korea,COUNTRY,KP,3,3,5,5,2023-12-04,2023-12-05\n"
                      "all,country:US,United States,COUNTRY,US,2,2,5,5,2023-12-04,2023-12-05\n"
                      "all,country:KR,South Korea,COUNTRY,KR,1,1,5,5,2023-12-04,2023-12-04\n");
    free(csv);
    sanctagp_cooc_free(c);
}

static void test_sentences(void)
{
    sanctagp_cooc *c = new_table(COOC_WIN_SENTENCE, 0, COOC_BY_ENTITY, COOC_PER_NONE, NULL);
    tm_ d1[] = {{"country:KP", "COUNTRY", "KP", 0, 0, 0}, {"country:US", "COUNTRY", "US", 0, 0, 0},
                {"country:KP", "COUNTRY", "KP", 1, 0, 0}, {"country:US", "COUNTRY", "US", 1, 0, 0},
                {"country:KR", "COUNTRY", "KR", 1, 0, 0}};
    add_doc(c, "d1", NULL, d1, 5, 3, NULL); /* three sentences, the last without entities */
    add_doc(c, "d2", NULL, NULL, 0, 0, "empty_document"); /* no sentences, no units */
    char *csv = csv_of(c, NULL, 0);
    /* units 3: KP 2, US 2, KR 1; KP-US in 2 sentences of 1 document */
    CHECK(strstr(csv, "country:KP,North Korea,COUNTRY,KP,country:US,United States,COUNTRY,US,2,1,"
                      "2,2,3,2,") != NULL);
    CHECK(strstr(csv, "country:KP,North Korea,COUNTRY,KP,country:KR,South Korea,COUNTRY,KR,1,1,"
                      "2,1,3,2,") != NULL);
    free(csv);
    /* a sentence index past the document's sentences is an input error */
    json_t *id = json_string("bad");
    CHECK_EQ_INT(sanctagp_cooc_doc_begin(c, id, NULL, 1), 0);
    CHECK_EQ_INT(sanctagp_cooc_doc_mention(c, "country:KP", "North Korea", "COUNTRY", "KP", 5, 0, 0), 0);
    sanctag_error e;
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctagp_cooc_doc_end(c, 2, NULL, &e), SANCTAG_E_FORMAT);
    json_decref(id);
    sanctagp_cooc_free(c);
}

static void test_tokens(void)
{
    sanctagp_cooc *c = new_table(COOC_WIN_TOKENS, 2, COOC_BY_ENTITY, COOC_PER_NONE, NULL);
    /* KP [0,1) US [3,4): 2 tokens between -> pair; US [3,4) KR [10,12): 6 -> no;
     * KR [10,12) KP [14,15): 2 -> pair KP-KR */
    tm_ d1[] = {{"country:KR", "COUNTRY", "KR", 0, 10, 12}, {"country:KP", "COUNTRY", "KP", 0, 0, 1},
                {"country:US", "COUNTRY", "US", 0, 3, 4}, {"country:KP", "COUNTRY", "KP", 0, 14, 15}};
    add_doc(c, "d1", NULL, d1, 4, 0, NULL);
    char *csv = csv_of(c, NULL, 0);
    CHECK(strstr(csv, "country:KP,North Korea,COUNTRY,KP,country:US") != NULL);
    CHECK(strstr(csv, "country:KP,North Korea,COUNTRY,KP,country:KR") != NULL);
    CHECK(strstr(csv, "country:KR,South Korea,COUNTRY,KR,country:US") == NULL);
    free(csv);
    sanctagp_cooc_free(c);
}

static void test_country_and_labels(void)
{
    sanctagp_cooc *c = new_table(COOC_WIN_DOCUMENT, 0, COOC_BY_COUNTRY, COOC_PER_NONE, NULL);
    tm_ d1[] = {{"person:kim", "PERSON", "KP", 0, 0, 0}, {"location:seoul", "LOCATION", "KR", 0, 0, 0},
                {"org:un", "ORG", "", 0, 0, 0}};
    tm_ d2[] = {{"country:KP", "COUNTRY", "KP", 0, 0, 0}, {"person:kim", "PERSON", "KP", 0, 0, 0}};
    add_doc(c, "d1", NULL, d1, 3, 0, NULL);
    add_doc(c, "d2", NULL, d2, 2, 0, NULL);
    char *csv = csv_of(c, NULL, 0);
    /* KP is named after the COUNTRY entity; KR was only seen through Seoul */
    char want[1024];
    snprintf(want, sizeof want, "%sall,KP,North Korea,COUNTRY,KP,KR,KR,COUNTRY,KR,1,1,2,1,2,2,%.6f,,\n",
             hdr, 0.0);
    CHECK_EQ_STR(csv, want);
    free(csv);
    CHECK_EQ_INT(sanctagp_cooc_totals_of(c)->mentions_no_country, 1);
    sanctagp_cooc_free(c);

    c = new_table(COOC_WIN_DOCUMENT, 0, COOC_BY_ENTITY, COOC_PER_NONE, "COUNTRY,LOCATION");
    add_doc(c, "d1", NULL, d1, 3, 0, NULL);
    csv = csv_of(c, NULL, 0);
    CHECK_EQ_INT(sanctagp_cooc_node_count(c), 1);
    CHECK_EQ_INT(sanctagp_cooc_totals_of(c)->mentions_unlabelled, 2);
    CHECK_EQ_STR(csv, hdr);
    free(csv);
    sanctagp_cooc_free(c);
}

/* Writes `c` as JSONL (documents included) to a new temporary file. */
static char *write_partial(sanctagp_cooc *c, FILE *spool, const sanctagp_cooc_out *o)
{
    char *path = strdup("/tmp/test-cooccur-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CHECK_EQ_INT(sanctagp_cooc_write_jsonl(c, f, o, spool), 0);
    fclose(f);
    return path;
}

static void shard_docs(sanctagp_cooc *c, int which)
{
    tm_ d1[] = {KP, US}, d2[] = {KP, KR, US}, d3[] = {US};
    if (which != 2) {
        add_doc(c, "a", "2023-12-04", d1, 2, 0, NULL);
        add_doc(c, "b", "10/21/2025", d2, 3, 0, NULL);
    }
    if (which != 1) {
        add_doc(c, "c", "Senin, 04 Des 2023 08:15 WIB", d3, 1, 0, NULL);
        add_doc(c, "d", NULL, d2, 3, 0, NULL);
        add_doc(c, "e", "2023-11-30", NULL, 0, 0, "nul_byte");
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    CHECK(fread(s, 1, (size_t)n, f) == (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static void test_merge(void)
{
    char *paths[3];
    for (int which = 0; which < 3; which++) {
        sanctagp_cooc *c = new_table(COOC_WIN_DOCUMENT, 0, COOC_BY_ENTITY, COOC_PER_MONTH, NULL);
        FILE *spool = tmpfile();
        sanctagp_cooc_set_sink(c, sanctagp_cooc_doc_sink_jsonl, spool);
        CHECK_EQ_INT(sanctagp_cooc_add_gazetteer(c, "v1"), 0);
        shard_docs(c, which); /* 0: all, 1 and 2: the two shards */
        paths[which] = write_partial(c, spool, NULL);
        fclose(spool);
        sanctagp_cooc_free(c);
    }
    sanctagp_cooc_opts po;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctagp_cooc_probe_file(paths[1], &po, &e), 0);
    CHECK_EQ_INT(po.period, COOC_PER_MONTH);
    CHECK(po.documents);
    sanctagp_cooc *m = sanctagp_cooc_new(&po);
    FILE *spool = tmpfile();
    sanctagp_cooc_set_sink(m, sanctagp_cooc_doc_sink_jsonl, spool);
    CHECK_EQ_INT(sanctagp_cooc_merge_file(m, paths[1], &e), 0);
    CHECK_EQ_INT(sanctagp_cooc_merge_file(m, paths[2], &e), 0);
    char *merged = write_partial(m, spool, NULL);
    fclose(spool);
    char *a = slurp(paths[0]), *b = slurp(merged);
    CHECK_EQ_STR(b, a); /* the merge of the shards is the one-shot run, byte for byte */
    CHECK(strstr(a, "\"period\":\"2025-10\"") != NULL);
    CHECK(strstr(a, "\"doc\":5,\"id\":\"e\"") != NULL);
    free(a);
    free(b);
    sanctagp_cooc_free(m);

    /* a filtered output is refused */
    sanctagp_cooc *c = new_table(COOC_WIN_DOCUMENT, 0, COOC_BY_ENTITY, COOC_PER_MONTH, NULL);
    shard_docs(c, 1);
    sanctagp_cooc_out o;
    memset(&o, 0, sizeof o);
    o.top = 1;
    char *filtered = write_partial(c, NULL, &o);
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(sanctagp_cooc_probe_file(filtered, &po, &e), SANCTAG_E_INVALID);
    CHECK(strstr(e.text, "output filters") != NULL);
    sanctagp_cooc_free(c);
    /* different counting options are named */
    c = new_table(COOC_WIN_SENTENCE, 0, COOC_BY_ENTITY, COOC_PER_MONTH, NULL);
    CHECK_EQ_STR(sanctagp_cooc_opts_diff(sanctagp_cooc_options(c), &po), "window");
    sanctagp_cooc_free(c);
    unlink(filtered);
    free(filtered);
    unlink(merged);
    free(merged);
    for (int i = 0; i < 3; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
}

int main(void)
{
    test_dates();
    test_periods();
    test_npmi();
    test_documents();
    test_sentences();
    test_tokens();
    test_country_and_labels();
    test_merge();
    return test_done("test-cooccur");
}
