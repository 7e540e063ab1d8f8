/* eval-ner - scores sanctag's NER model on CoNLL-style test files: exact-span
 * precision, recall and F1 per label (PERSON, ORG, LOCATION) and over all,
 * the document decoded as the tagger decodes it (sanctagp_ner_propose: only
 * runs of capitalised words are labelled, see core/ner.h).
 *
 * Usage: eval-ner [--show] [--min-score S] MODEL FILE...
 *        eval-ner --bench MODEL TEXT [DB]
 * --show prints every sentence whose tags differ, "token[gold|predicted]".
 * --min-score drops the names the model scores below S (0 to 1), as a caller
 * that wants precision over recall would.
 * --bench reads TEXT as one document a line and reports the CPU time
 * (user + system) of tokenizing it alone and of tokenizing and running the
 * model (the tagger's plug-in call), per MB; with DB, a gazetteer, its
 * matching is part of both and the tokens of its spans are covered (the
 * model is asked only about the rest, as the tagger asks it).
 * Labels PER/PERSON, ORG/ORGANISATION/ORGANIZATION and LOC/LOCATION/PLACE
 * count; others (TIME, QUANTITY, ...) are O. One block of lines a file, then
 * the total over all files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ner.h"
#include "gazetteer/gazetteer.h"
#include "scripts/ner/conll.h"

static void add_score(conll_score *to, const conll_score *from)
{
    for (int l = 0; l < 4; l++) {
        to->tp[l] += from->tp[l];
        to->fp[l] += from->fp[l];
        to->fn[l] += from->fn[l];
    }
}

static int count_name(void *arg, uint32_t tok, uint32_t ntok, int label, double score)
{
    (void)tok, (void)ntok, (void)label, (void)score;
    ++*(long *)arg;
    return 0;
}

/* The bench: the text's lines, and optionally a gazetteer whose spans mark
 * tokens covered (the model is then asked only about the rest, as the
 * tagger asks it). */
typedef struct bench_in {
    const char *text;
    size_t len;
    sanctag_tagger *tg;
} bench_in;

/* Marks in covered[] the tokens of the gazetteer's spans over the document. */
static void cover(sanctag_tagger *tg, const char *doc, size_t n, uint8_t *covered, size_t ntok)
{
    sanctag_error e = {0};
    memset(covered, 0, ntok);
    if (sanctag_tagger_tag(tg, doc, n, 0, &e) != 0)
        return;
    size_t nspans;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &nspans);
    for (size_t k = 0; k < nspans; k++)
        for (uint32_t t = 0; t < sp[k].ntokens && sp[k].first_token + t < ntok; t++)
            covered[sp[k].first_token + t] = 1;
}

/* CPU seconds of one pass over the lines: tokenizing (and with in->tg the
 * gazetteer's tagging), and with m also proposing names (into *names). */
static double pass(const sanctagp_ner *m, const bench_in *in, long *names)
{
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    uint8_t *covered = NULL;
    size_t cap = 0;
    clock_t t0 = clock();
    for (size_t at = 0; at < in->len;) {
        const char *doc = in->text + at, *nl = memchr(doc, '\n', in->len - at);
        size_t n = nl ? (size_t)(nl - doc) : in->len - at;
        if (sanctagp_tokenize(&tk, doc, n) == 0) {
            if (tk.n > cap) {
                cap = tk.n * 2;
                covered = realloc(covered, cap);
            }
            if (in->tg)
                cover(in->tg, doc, n, covered, tk.n);
            if (m)
                sanctagp_ner_propose_names(m, &tk, in->tg ? covered : NULL, count_name, names);
        }
        at += n + 1;
    }
    double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    free(covered);
    sanctagp_tokens_release(&tk);
    return s;
}

static int bench(const sanctagp_ner *m, const char *path, const char *db)
{
    sanctag_error e = {0};
    bench_in in = {0};
    char *text = sanctagp_read_file(path, &in.len, &e);
    sanctag_gazetteer *gz = NULL;
    if (!text || (db && sanctag_gazetteer_open(db, 0, &gz, &e) != 0) ||
        (gz && !(in.tg = sanctag_tagger_new(gz)))) {
        fprintf(stderr, "eval-ner: %s\n", e.text);
        return 1;
    }
    in.text = text;
    long names = 0, ignored = 0;
    double mb = (double)in.len / 1e6, base = pass(NULL, &in, &ignored);
    double both = pass(m, &in, &names);
    double again = pass(NULL, &in, &ignored); /* the better of two: less noise */
    base = again < base ? again : base;
    printf("%s: %.1f MB, %ld names; CPU s/MB: %s %.4f, with the model %.4f, model alone "
           "%.4f (%.0f MB/s)\n",
           path, mb, names, gz ? "tokenize+gazetteer" : "tokenize", base / mb, both / mb,
           (both - base) / mb, both > base ? mb / (both - base) : 0.0);
    sanctag_tagger_free(in.tg);
    sanctag_gazetteer_unref(gz);
    free(text);
    return 0;
}

int main(int argc, char **argv)
{
    FILE *show = NULL;
    float min_score = 0;
    int bench_mode = 0;
    for (; argc > 1 && argv[1][0] == '-' && argv[1][1]; argv++, argc--) {
        if (!strcmp(argv[1], "--show")) {
            show = stdout;
        } else if (!strcmp(argv[1], "--bench")) {
            bench_mode = 1;
        } else if (!strcmp(argv[1], "--min-score") && argc > 2) {
            min_score = strtof(argv[2], NULL);
            argv++, argc--;
        } else {
            argc = 0; /* usage */
            break;
        }
    }
    if (argc < 3) {
        fputs("Usage: eval-ner [--show] [--min-score S] MODEL FILE...\n"
              "       eval-ner --bench MODEL TEXT [DB]\n",
              stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "eval-ner: %s: cannot open\n", argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *bytes = malloc((size_t)n + 1);
    if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "eval-ner: %s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(f);
    char err[128];
    sanctagp_ner *m = sanctagp_ner_load(bytes, (size_t)n, err, sizeof err);
    free(bytes);
    if (!m) {
        fprintf(stderr, "eval-ner: %s: %s\n", argv[1], err);
        return 1;
    }
    if (bench_mode) {
        int rc = bench(m, argv[2], argc > 3 ? argv[3] : NULL);
        sanctagp_ner_free(m);
        return rc;
    }
    conll_score total = {0};
    for (int i = 2; i < argc; i++) {
        conll_corpus c = {0};
        if (conll_read(&c, argv[i]))
            return 1;
        conll_score sc = {0};
        if (conll_evaluate(m, &c, &sc, min_score, show)) {
            fprintf(stderr, "eval-ner: %s: decoding failed\n", argv[i]);
            return 1;
        }
        conll_score_print(&sc, argv[i]);
        add_score(&total, &sc);
        conll_free(&c);
    }
    if (argc > 3)
        conll_score_print(&total, "total");
    sanctagp_ner_free(m);
    return 0;
}
