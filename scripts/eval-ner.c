/* eval-ner - scores sanctag's NER model on CoNLL-style test files: exact-span
 * precision, recall and F1 per label (PERSON, ORG, LOCATION) and over all,
 * the document decoded as the tagger decodes it (sanctagp_ner_propose: only
 * runs of capitalised words are labelled, see core/ner.h).
 *
 * Usage: eval-ner [--show] MODEL FILE...
 *        eval-ner --bench MODEL TEXT
 * --show prints every sentence whose tags differ, "token[gold|predicted]".
 * --bench reads TEXT as one document a line and reports the CPU time
 * (user + system) of tokenizing it alone and of tokenizing and running the
 * model (the tagger's plug-in call, nothing covered), per MB.
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

/* CPU seconds of one pass over the lines of text[0..len): tokenizing, and
 * with m also proposing names (counted into *names). */
static double pass(const sanctagp_ner *m, const char *text, size_t len, long *names)
{
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    clock_t t0 = clock();
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - text - at) : len - at;
        if (sanctagp_tokenize(&tk, text + at, n) == 0 && m)
            sanctagp_ner_propose_names(m, &tk, NULL, count_name, names);
        at += n + 1;
    }
    double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    sanctagp_tokens_release(&tk);
    return s;
}

static int bench(const sanctagp_ner *m, const char *path)
{
    sanctag_error e = {0};
    size_t len;
    char *text = sanctagp_read_file(path, &len, &e);
    if (!text) {
        fprintf(stderr, "eval-ner: %s\n", e.text);
        return 1;
    }
    long names = 0, ignored = 0;
    double mb = (double)len / 1e6, tok = pass(NULL, text, len, &ignored);
    double both = pass(m, text, len, &names);
    double again = pass(NULL, text, len, &ignored); /* the better of two: less noise */
    tok = again < tok ? again : tok;
    printf("%s: %.1f MB, %ld names; CPU s/MB: tokenize %.4f, tokenize+model %.4f, model "
           "alone %.4f (%.0f MB/s)\n",
           path, mb, names, tok / mb, both / mb, (both - tok) / mb,
           both > tok ? mb / (both - tok) : 0.0);
    free(text);
    return 0;
}

int main(int argc, char **argv)
{
    FILE *show = NULL;
    int bench_mode = argc > 1 && !strcmp(argv[1], "--bench");
    if (bench_mode || (argc > 1 && !strcmp(argv[1], "--show"))) {
        show = bench_mode ? NULL : stdout;
        argv++;
        argc--;
    }
    if (argc < 3) {
        fputs("Usage: eval-ner [--show] MODEL FILE...\n       eval-ner --bench MODEL TEXT\n",
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
        int rc = bench(m, argv[2]);
        sanctagp_ner_free(m);
        return rc;
    }
    conll_score total = {0};
    for (int i = 2; i < argc; i++) {
        conll_corpus c = {0};
        if (conll_read(&c, argv[i]))
            return 1;
        conll_score sc = {0};
        if (conll_evaluate(m, &c, &sc, show)) {
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
