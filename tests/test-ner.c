/* test-ner.c - the statistical name model (core/ner.h): the committed model
 * loads and carries its provenance, bad model files are refused, decoding a
 * fixture sentence is deterministic, and the gazetteer stores the model at
 * build time and loads it with itself.
 * Usage: test-ner MODEL DEFAULT_DB */
#include "test.h"
#include "core/ner.h"

static char *slurp(const char *path, size_t *ret_len)
{
    sanctag_error e = {0};
    char *b = sanctagp_read_file(path, ret_len, &e);
    if (!b)
        fprintf(stderr, "%s\n", e.text);
    return b;
}

static sanctagp_ner *load_file(const char *path)
{
    size_t len;
    char *b = slurp(path, &len), err[128] = "";
    sanctagp_ner *m = b ? sanctagp_ner_load(b, len, err, sizeof err) : NULL;
    if (!m)
        fprintf(stderr, "%s: %s\n", path, err);
    free(b);
    return m;
}

static void test_provenance(const char *model)
{
    sanctagp_ner *m = load_file(model);
    CHECK(m != NULL);
    if (!m)
        return;
    size_t n;
    const char *p = sanctagp_ner_provenance(m, &n);
    CHECK(n > 0 && strlen(p) == n);
    CHECK(strstr(p, "liblinear") != NULL);
    CHECK(strstr(p, "idner_news_2k train.txt") != NULL && strstr(p, "MIT License") != NULL);
    CHECK(strstr(p, "NERGRIT train_preprocess.txt") != NULL &&
          strstr(p, "Apache License 2.0") != NULL);
    CHECK(strstr(p, "not used for training: IndoLEM NER-UI") != NULL);
    const sanctagp_ner_lexicon *lex = sanctagp_ner_lexicon_of(m);
    CHECK(lex->n > 1000);
    CHECK(sanctagp_ner_lex_classes(lex, sanctagp_ner_word_hash("of", 2)) & NER_LEX_CONNECT);
    CHECK(!(sanctagp_ner_lex_classes(lex, sanctagp_ner_word_hash("dan", 3)) & NER_LEX_CONNECT));
    CHECK(sanctagp_ner_lex_classes(lex, sanctagp_ner_word_hash("jakarta", 7)) & NER_LEX_LOC);
    sanctagp_ner_free(m);
}

static void expect_refused(const void *b, size_t len, const char *needle)
{
    char err[128] = "";
    sanctagp_ner *m = sanctagp_ner_load(b, len, err, sizeof err);
    CHECK(m == NULL);
    if (!strstr(err, needle)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err, needle);
        test_failures++;
    }
    sanctagp_ner_free(m);
}

/* A tiny model: every weight 0 but the bias of O; lexicon "bin" (connector). */
static int tiny_model(void **ret, size_t *ret_len)
{
    unsigned bits = 10;
    size_t rows = ((size_t)1 << bits) + 1;
    float *w = calloc(rows * NER_NTAGS, sizeof *w);
    w[(rows - 1) * NER_NTAGS + NER_O] = 2.0f;
    w[(rows - 1) * NER_NTAGS + NER_B_PER] = -1.0f;
    uint32_t h = sanctagp_ner_word_hash("bin", 3);
    uint8_t c = NER_LEX_CONNECT;
    sanctagp_ner_lexicon lex = {.hash = &h, .cls = &c, .n = 1};
    int rc = sanctagp_ner_serialize(bits, w, &lex, "tiny test model\n", ret, ret_len);
    free(w);
    return rc;
}

static void test_file_checks(void)
{
    void *b;
    size_t len;
    CHECK(tiny_model(&b, &len) == 0);
    char err[128];
    sanctagp_ner *m = sanctagp_ner_load(b, len, err, sizeof err);
    CHECK(m != NULL);
    if (m) {
        size_t n;
        CHECK_EQ_STR(sanctagp_ner_provenance(m, &n), "tiny test model\n");
        sanctagp_tokens tk = {0};
        CHECK(sanctagp_tokenize(&tk, "Ali bin Abu", 11) == 0);
        sanctagp_ner_tok info[3];
        for (size_t i = 0; i < 3; i++)
            sanctagp_ner_tok_info(sanctagp_ner_lexicon_of(m), &tk, i, &info[i]);
        CHECK(info[1].lex == NER_LEX_CONNECT && info[0].cap && !info[1].cap);
        float prob[NER_NTAGS], sum = 0;
        sanctagp_ner_token_probs(m, &tk, info, 0, NER_O, prob);
        for (int k = 0; k < NER_NTAGS; k++)
            sum += prob[k];
        CHECK(sum > 0.999f && sum < 1.001f);
        CHECK(prob[NER_O] > prob[NER_B_ORG] && prob[NER_B_ORG] > prob[NER_B_PER]);
        sanctagp_tokens_release(&tk);
        sanctagp_ner_free(m);
    }
    unsigned char *c = b;
    expect_refused(c, len - 1, "wrong size");
    expect_refused(c, 6, "bad magic");
    expect_refused(c, 20, "too short");
    c[9] = 1; /* bits 266 */
    expect_refused(c, len, "out of range");
    c[9] = 0;
    c[0] = 'X';
    expect_refused(c, len, "bad magic");
    free(b);
}

typedef struct found {
    char text[2048];
    const sanctagp_tokens *tk;
    const char *doc;
} found;

static int on_name(void *arg, uint32_t first, uint32_t ntok, int label, double score)
{
    found *f = arg;
    const sanctagp_token *a = &f->tk->v[first], *z = &f->tk->v[first + ntok - 1];
    size_t n = strlen(f->text);
    snprintf(f->text + n, sizeof f->text - n, "%s%s %.*s %.6f", n ? "; " : "",
             label == SANCTAGP_NAME_PERSON ? "PERSON" : "ORG", (int)(z->end - a->start),
             f->doc + a->start, score);
    CHECK(score > 0 && score <= 1);
    return 0;
}

static const char fixture[] =
    "Menteri Luar Negeri Retno Marsudi bertemu Joko Widodo di Jakarta, kata juru bicara "
    "Kementerian Luar Negeri. Pelatih Shin Tae-yong memanggil Egy Maulana Vikri ke PSSI.";

/* Names of the fixture through the plug-in point, `covered` marking tokens. */
static void propose(const void *model, sanctagp_ner_propose_fn fn, const uint8_t *covered,
                    found *f)
{
    sanctagp_tokens tk = {0};
    CHECK(sanctagp_tokenize(&tk, fixture, strlen(fixture)) == 0);
    memset(f, 0, sizeof *f);
    f->tk = &tk;
    f->doc = fixture;
    CHECK(fn(model, &tk, covered, on_name, f) == 0);
    sanctagp_tokens_release(&tk);
}

static void test_deterministic(const char *model)
{
    sanctagp_ner *a = load_file(model), *b = load_file(model);
    CHECK(a && b);
    if (!a || !b)
        return;
    found fa, fb, fc;
    propose(a, sanctagp_ner_propose_names, NULL, &fa);
    propose(b, sanctagp_ner_propose_names, NULL, &fb);
    propose(a, sanctagp_ner_propose_names, NULL, &fc);
    printf("fixture: %s\n", fa.text);
    CHECK_EQ_STR(fa.text, fb.text);
    CHECK_EQ_STR(fa.text, fc.text);
    CHECK(strstr(fa.text, "PERSON Retno Marsudi ") != NULL);
    CHECK(strstr(fa.text, "PERSON Joko Widodo ") != NULL);
    CHECK(strstr(fa.text, "Jakarta") == NULL); /* LOCATION: not proposed */
    sanctagp_ner_free(a);
    sanctagp_ner_free(b);
}

/* The default gazetteer holds the model; a gazetteer built without one has none. */
static void test_gazetteer(const char *db)
{
    sanctag_gazetteer *gz = NULL;
    sanctag_error e = {0};
    CHECK(sanctag_gazetteer_open(db, 0, &gz, &e) == 0);
    if (!gz) {
        fprintf(stderr, "%s\n", e.text);
        return;
    }
    CHECK(gz->ner_model != NULL && gz->ner_propose != NULL && gz->ner_free != NULL);
    if (gz->ner_model) {
        found f, g;
        propose(gz->ner_model, gz->ner_propose, NULL, &f);
        CHECK(strstr(f.text, "PERSON Joko Widodo ") != NULL);
        uint8_t covered[64] = {0};
        covered[6] = covered[7] = 1; /* "Joko Widodo": a span covers them */
        propose(gz->ner_model, gz->ner_propose, covered, &g);
        CHECK(strstr(g.text, "Joko") == NULL && strstr(g.text, "Widodo") == NULL);
        CHECK(strstr(g.text, "PERSON Retno Marsudi ") != NULL);
    }
    sanctag_gazetteer_unref(gz);
    char *plain = test_build_gaz("key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\tsource\n"
                                 "country:KP\tCOUNTRY\tNK\tKP\tKorut\tid\t\t\tt\n",
                                 &e);
    CHECK(plain != NULL);
    if (plain && sanctag_gazetteer_open(plain, 0, &gz, &e) == 0) {
        CHECK(gz->ner_model == NULL && gz->ner_propose == NULL);
        sanctag_gazetteer_unref(gz);
    }
    if (plain)
        unlink(plain);
}

/* A copy of file `from` at a fresh temporary path (returned, to free and unlink). */
static char *copy_file(const char *from)
{
    size_t len;
    char *bytes = slurp(from, &len), *to = strdup("/tmp/sanctag-test-lazy-XXXXXX");
    int fd = to ? mkstemp(to) : -1;
    int ok = bytes && fd >= 0 && write(fd, bytes, len) == (ssize_t)len;
    if (fd >= 0)
        close(fd);
    free(bytes);
    if (!ok && to) {
        unlink(to);
        free(to);
        to = NULL;
    }
    CHECK(to != NULL);
    return to;
}

/* Opens a fresh copy of `db` (its path in *ret_path); NULL on failure. */
static sanctag_gazetteer *open_copy(const char *db, char **ret_path)
{
    sanctag_gazetteer *gz = NULL;
    sanctag_error e = {0};
    char *path = copy_file(db);
    if (!path || sanctag_gazetteer_open(path, 0, &gz, &e) != 0) {
        fprintf(stderr, "%s\n", e.text);
        test_failures++;
        if (path)
            unlink(path);
        free(path);
        path = NULL;
    }
    *ret_path = path;
    return gz;
}

/* Proposes over the fixture with gz's model; its return code. */
static int propose_rc(sanctag_gazetteer *gz, found *f)
{
    sanctagp_tokens tk = {0};
    memset(f, 0, sizeof *f);
    f->tk = &tk;
    f->doc = fixture;
    int rc = sanctagp_tokenize(&tk, fixture, strlen(fixture));
    if (!rc)
        rc = gz->ner_propose(gz->ner_model, &tk, NULL, on_name, f);
    sanctagp_tokens_release(&tk);
    return rc;
}

/* The model is read on first use, from the file opened: writes to the file
 * in between do not matter, but the model must be the one checked at open,
 * and a file gone since is reported. */
static void test_lazy(const char *db)
{
    char *path;
    found f;
    sanctag_gazetteer *gz = open_copy(db, &path);
    if (gz) {
        sqlite3 *other = NULL;
        CHECK(sqlite3_open(path, &other) == SQLITE_OK &&
              sqlite3_exec(other, "CREATE TABLE zz (x); DROP TABLE zz", NULL, NULL, NULL) ==
                  SQLITE_OK);
        sqlite3_close(other);
        CHECK(propose_rc(gz, &f) == 0 && strstr(f.text, "PERSON Joko Widodo ") != NULL);
        sanctag_gazetteer_unref(gz);
        unlink(path);
        free(path);
    }
    if ((gz = open_copy(db, &path))) {
        sqlite3 *other = NULL;
        CHECK(sqlite3_open(path, &other) == SQLITE_OK &&
              sqlite3_exec(other, "UPDATE source SET version = 'other' WHERE id = "
                                  "(SELECT source_id FROM ner_model)",
                           NULL, NULL, NULL) == SQLITE_OK);
        sqlite3_close(other);
        CHECK(propose_rc(gz, &f) == SANCTAG_E_DB);
        const char *why = gz->ner_error ? gz->ner_error(gz->ner_model) : NULL;
        CHECK(why && strstr(why, "replaced or removed after the gazetteer was opened") != NULL);
        /* and it stays refused, without reading again */
        CHECK(propose_rc(gz, &f) == SANCTAG_E_DB);
        sanctag_gazetteer_unref(gz);
        unlink(path);
        free(path);
    }
    if ((gz = open_copy(db, &path))) {
        unlink(path);
        CHECK(propose_rc(gz, &f) == SANCTAG_E_DB);
        const char *why = gz->ner_error ? gz->ner_error(gz->ner_model) : NULL;
        CHECK(why && strstr(why, "cannot read it") != NULL && strstr(why, path) != NULL);
        sanctag_gazetteer_unref(gz);
        free(path);
    }
}

/* gaz build's .model source: stored once, refused when broken or doubled. */
static void test_build_source(const char *model)
{
    char db_path[64] = "/tmp/sanctag-test-ner-XXXXXX", bad[64] = "/tmp/sanctag-bad-XXXXXX.model";
    int fd = mkstemp(db_path);
    close(fd);
    unlink(db_path);
    fd = mkstemps(bad, 6);
    static const char junk[] = "SNERMDL2\xff\xff\xff\xff but not a model, really";
    CHECK(fd >= 0 && write(fd, junk, sizeof junk - 1) == (ssize_t)sizeof junk - 1);
    close(fd);
    sqlite3 *db = NULL;
    sanctag_error e = {0};
    CHECK(sanctagp_db_open(db_path, DB_CREATE, &db, &e) == 0);
    CHECK(sanctagp_source_add(db, db_path, bad, &e) == SANCTAG_E_INVALID);
    if (!strstr(e.text, bad) || !strstr(e.text, "header out of range")) {
        fprintf(stderr, "message \"%s\"\n", e.text);
        test_failures++;
    }
    memset(&e, 0, sizeof e);
    CHECK(sanctagp_source_add(db, db_path, model, &e) == 0);
    CHECK(sanctagp_source_add(db, db_path, model, &e) == SANCTAG_E_INVALID);
    CHECK(strstr(e.text, "already in") != NULL);
    /* a second model under another name: one a gazetteer */
    char other[64] = "/tmp/sanctag-other-XXXXXX.model";
    size_t len;
    char *bytes = slurp(model, &len);
    fd = mkstemps(other, 6);
    CHECK(bytes && fd >= 0 && write(fd, bytes, len) == (ssize_t)len);
    close(fd);
    free(bytes);
    memset(&e, 0, sizeof e);
    CHECK(sanctagp_source_add(db, db_path, other, &e) == SANCTAG_E_INVALID);
    CHECK(strstr(e.text, "already holds a name model") != NULL);
    unlink(other);
    sqlite3_close(db);
    unlink(db_path);
    unlink(bad);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test-ner MODEL DEFAULT_DB\n");
        return 2;
    }
    test_provenance(argv[1]);
    test_file_checks();
    test_deterministic(argv[1]);
    test_gazetteer(argv[2]);
    test_lazy(argv[2]);
    test_build_source(argv[1]);
    return test_done("test-ner");
}
