/* train-ner - trains sanctag's statistical name recogniser (core/ner.h) with
 * liblinear and writes the model file (gazetteers/ner-model.bin).
 *
 * Usage: train-ner -o MODEL --train FILE... --dev FILE... [--lexicon TSV...]
 *                  [--c C[,C...]] [--bits N] [--eps E] [--provenance FILE]
 *
 * Every training token (sanctag's own tokens of each corpus sentence, see
 * scripts/ner/conll.h) becomes one liblinear instance: the static features of
 * core/ner.c plus the previous-tag features with the gold previous tag, as an
 * MEMM is trained. liblinear's L2-regularised logistic regression (solver
 * L2R_LR, one-vs-rest, deterministic) is trained once per C; the C whose model
 * scores the best exact-span F1 over all labels on the --dev files, decoded as
 * the tagger decodes, is written. Connector words (lower-case words inside
 * names: "dan", "bin", "van") are the words tagged I- between two tagged
 * words at least 3 times and in at least 20% of their occurrences between
 * two capitalised words. The --lexicon files (gazetteer sources, see
 * scripts/ner/lexicon.h) give the other word classes. The --provenance text (training files, licences) is
 * stored in the model after the parameters. Same inputs, same bytes. */
#include <linear.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ner.h"
#include "scripts/ner/conll.h"
#include "scripts/ner/lexicon.h"

typedef struct options {
    const char *out, *provenance;
    const char *train[8], *dev[8], *lexicon[16];
    int ntrain, ndev, nlexicon;
    double cs[16];
    int ncs;
    unsigned bits;
    double eps;
} options;

static void usage(void)
{
    fputs("Usage: train-ner -o MODEL --train FILE... --dev FILE... [--lexicon TSV...]\n"
          "                 [--c C[,C...]] [--bits N] [--eps E] [--provenance FILE]\n",
          stderr);
    exit(2);
}

static void parse(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->bits = NER_DEFAULT_BITS;
    o->eps = 0.01;
    const char **list = NULL;
    int *count = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") && i + 1 < argc) {
            o->out = argv[++i];
        } else if (!strcmp(a, "--provenance") && i + 1 < argc) {
            o->provenance = argv[++i];
        } else if (!strcmp(a, "--bits") && i + 1 < argc) {
            o->bits = (unsigned)atoi(argv[++i]);
        } else if (!strcmp(a, "--eps") && i + 1 < argc) {
            o->eps = atof(argv[++i]);
        } else if (!strcmp(a, "--c") && i + 1 < argc) {
            char *s = argv[++i], *end;
            while (*s && o->ncs < 16) {
                o->cs[o->ncs++] = strtod(s, &end);
                if (end == s || !(o->cs[o->ncs - 1] > 0))
                    usage();
                s = *end == ',' ? end + 1 : end;
            }
        } else if (!strcmp(a, "--train")) {
            list = o->train, count = &o->ntrain;
        } else if (!strcmp(a, "--dev")) {
            list = o->dev, count = &o->ndev;
        } else if (!strcmp(a, "--lexicon")) {
            list = o->lexicon, count = &o->nlexicon;
        } else if (a[0] != '-' && list && *count < (list == o->lexicon ? 16 : 8)) {
            list[(*count)++] = a;
        } else {
            usage();
        }
    }
    if (!o->out || !o->ntrain || !o->ndev || o->bits < 10 || o->bits > 22)
        usage();
    if (!o->ncs)
        o->cs[o->ncs++] = 1.0;
}

/* ---- the liblinear problem ---- */

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Features of token i into row (sorted, duplicates summed, bias, terminator). */
static size_t make_row(const sanctagp_tokens *tk, const sanctagp_ner_tok *info, size_t i,
                       int prev, unsigned bits, struct feature_node *row)
{
    uint32_t f[NER_MAX_STATIC + NER_MAX_DYNAMIC];
    size_t n = sanctagp_ner_static_features(tk, info, i, bits, f);
    n += sanctagp_ner_dynamic_features(info, i, prev, bits, f + n);
    for (size_t k = 0; k < n; k++)
        row[k] = (struct feature_node){(int)f[k] + 1, 1.0};
    qsort(row, n, sizeof *row, cmp_node);
    size_t w = 0;
    for (size_t k = 0; k < n; k++) {
        if (w && row[w - 1].index == row[k].index)
            row[w - 1].value += 1.0;
        else
            row[w++] = row[k];
    }
    row[w++] = (struct feature_node){(int)(1u << bits) + 1, 1.0};
    row[w++] = (struct feature_node){-1, 0};
    return w;
}

typedef struct word_stat {
    uint32_t word;
    int inside, flanked;
} word_stat;

static int cmp_stat(const void *a, const void *b)
{
    uint32_t x = ((const word_stat *)a)->word, y = ((const word_stat *)b)->word;
    return (x > y) - (x < y);
}

static sanctagp_ner_tok *info_of(const sanctagp_ner_lexicon *lex, const sanctagp_tokens *tk)
{
    sanctagp_ner_tok *info = malloc((tk->n + 1) * sizeof *info);
    for (size_t i = 0; i < tk->n; i++)
        sanctagp_ner_tok_info(lex, tk, i, &info[i]);
    return info;
}

/* Connector statistics of corpus c (see the top of this file). */
static word_stat *connector_stats(const conll_corpus *c, size_t *ret_n)
{
    word_stat *stats = malloc((c->ntok + 1) * sizeof *stats);
    size_t n = 0;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    for (size_t s = 0; stats && s < c->n; s++) {
        const conll_sent *st = &c->v[s];
        if (conll_tokenize(st, &tk))
            break;
        sanctagp_ner_tok *info = info_of(NULL, &tk);
        for (size_t i = 1; i + 1 < tk.n; i++)
            if (tk.v[i].kind == TK_WORD && tk.v[i].cls == TC_LOWER && info[i - 1].cap &&
                info[i + 1].cap) {
                int g = st->gold[i];
                stats[n++] = (word_stat){info[i].word,
                                         g != NER_O && !(g & 1) && st->gold[i + 1] == g, 1};
            }
        free(info);
    }
    sanctagp_tokens_release(&tk);
    *ret_n = n;
    return stats;
}

/* The training instances of corpus c. */
static int build_problem(const conll_corpus *c, const sanctagp_ner_lexicon *lex, unsigned bits,
                         struct problem *prob, struct feature_node **ret_pool)
{
    size_t per = NER_MAX_STATIC + NER_MAX_DYNAMIC + 2;
    struct feature_node *pool = malloc(c->ntok * per * sizeof *pool);
    *ret_pool = pool;
    prob->x = malloc(c->ntok * sizeof *prob->x);
    prob->y = malloc(c->ntok * sizeof *prob->y);
    if (!pool || !prob->x || !prob->y)
        return -1;
    size_t l = 0, used = 0;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    for (size_t s = 0; s < c->n; s++) {
        const conll_sent *st = &c->v[s];
        if (conll_tokenize(st, &tk))
            return -1;
        sanctagp_ner_tok *info = info_of(lex, &tk);
        for (size_t i = 0; i < tk.n; i++) {
            int start = i == 0 || (tk.v[i].flags & TF_SENT_START);
            int prev = start ? NER_O : st->gold[i - 1];
            prob->x[l] = pool + used;
            prob->y[l] = st->gold[i] + 1;
            used += make_row(&tk, info, i, prev, bits, pool + used);
            l++;
        }
        free(info);
    }
    sanctagp_tokens_release(&tk);
    prob->l = (int)l;
    prob->n = (int)(1u << bits) + 1;
    prob->bias = 1.0;
    return 0;
}

/* Adds the connector words of statistics st to x; returns their count. */
static size_t connectors(word_stat *st, size_t n, lexicon *x)
{
    qsort(st, n, sizeof *st, cmp_stat);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int inside = 0, flanked = 0;
        for (; j < n && st[j].word == st[i].word; j++) {
            inside += st[j].inside;
            flanked += st[j].flanked;
        }
        if (inside >= 3 && inside * 5 >= flanked) {
            lexicon_add(x, st[i].word, NER_LEX_CONNECT);
            k++;
        }
        i = j;
    }
    return k;
}

/* ---- the model ---- */

/* The model's weights by bucket and tag. A tag the training data never has
 * (a tiny corpus) gets no weights and a bias of -20: probability ~0. */
static float *weights_of(const struct model *md, unsigned bits)
{
    size_t rows = ((size_t)1 << bits) + 1;
    float *w = calloc(rows * NER_NTAGS, sizeof *w);
    int nc = get_nr_class(md), labels[NER_NTAGS];
    if (!w || nc < 2 || nc > NER_NTAGS)
        return NULL;
    for (int t = 0; t < NER_NTAGS; t++)
        w[(rows - 1) * NER_NTAGS + t] = -20.0f;
    get_labels(md, labels);
    for (int k = 0; k < nc; k++) {
        int tag = labels[k] - 1;
        /* liblinear keeps one weight vector when there are two classes: the first's */
        int col = nc == 2 ? 0 : k;
        float sign = nc == 2 && k == 1 ? -1.0f : 1.0f;
        for (size_t b = 0; b + 1 < rows; b++)
            w[b * NER_NTAGS + tag] = sign * (float)get_decfun_coef(md, (int)b + 1, col);
        w[(rows - 1) * NER_NTAGS + tag] = sign * (float)get_decfun_bias(md, col);
    }
    return w;
}

static void quiet(const char *s)
{
    (void)s;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(f);
    return b;
}

/* Largest difference between liblinear's predict_probability and the
 * decoder's probabilities (quantised weights) over the first tokens of c. */
static double check_probs(const struct model *md, const sanctagp_ner *m, const conll_corpus *c,
                          unsigned bits)
{
    double worst = 0;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    int labels[NER_NTAGS];
    get_labels(md, labels);
    for (size_t s = 0; s < c->n && s < 50; s++) {
        if (conll_tokenize(&c->v[s], &tk))
            break;
        sanctagp_ner_tok *info = info_of(sanctagp_ner_lexicon_of(m), &tk);
        for (size_t i = 0; i < tk.n; i++) {
            int prev = i == 0 || (tk.v[i].flags & TF_SENT_START) ? NER_O : c->v[s].gold[i - 1];
            struct feature_node row[NER_MAX_STATIC + NER_MAX_DYNAMIC + 2];
            make_row(&tk, info, i, prev, bits, row);
            double ref[NER_NTAGS];
            float ours[NER_NTAGS];
            predict_probability(md, row, ref);
            sanctagp_ner_token_probs(m, &tk, info, i, prev, ours);
            for (int k = 0; k < get_nr_class(md); k++) {
                double d = ref[k] - ours[labels[k] - 1];
                worst = d > worst ? d : -d > worst ? -d : worst;
            }
        }
        free(info);
    }
    sanctagp_tokens_release(&tk);
    return worst;
}

int main(int argc, char **argv)
{
    options o;
    parse(argc, argv, &o);
    set_print_string_function(quiet);
    conll_corpus trainset = {0}, dev = {0};
    for (int i = 0; i < o.ntrain; i++)
        if (conll_read(&trainset, o.train[i]))
            return 1;
    for (int i = 0; i < o.ndev; i++)
        if (conll_read(&dev, o.dev[i]))
            return 1;
    fprintf(stderr, "train-ner: %zu training sentences (%zu tokens), %zu dev sentences\n",
            trainset.n, trainset.ntok, dev.n);
    struct problem prob = {0};
    struct feature_node *pool = NULL;
    lexicon lex = {0};
    for (int i = 0; i < o.nlexicon; i++)
        if (lexicon_read(&lex, o.lexicon[i]))
            return 1;
    size_t nstats;
    word_stat *stats = connector_stats(&trainset, &nstats);
    size_t nconn = stats ? connectors(stats, nstats, &lex) : 0;
    lexicon_finish(&lex);
    if (!stats || build_problem(&trainset, &lex.lex, o.bits, &prob, &pool)) {
        fprintf(stderr, "train-ner: out of memory or tokenizer failure\n");
        return 1;
    }
    char *extra = o.provenance ? slurp(o.provenance) : NULL;
    if (o.provenance && !extra) {
        fprintf(stderr, "train-ner: %s: cannot read\n", o.provenance);
        return 1;
    }
    void *best = NULL;
    size_t best_len = 0;
    double best_f1 = -1, best_c = 0;
    for (int k = 0; k < o.ncs; k++) {
        struct parameter param = {.solver_type = L2R_LR, .eps = o.eps, .C = o.cs[k]};
        const char *bad = check_parameter(&prob, &param);
        if (bad) {
            fprintf(stderr, "train-ner: liblinear: %s\n", bad);
            return 1;
        }
        struct model *md = train(&prob, &param);
        float *w = weights_of(md, o.bits);
        char head[1024];
        snprintf(head, sizeof head,
                 "sanctag NER model (core/ner.h): MEMM over BIO tags PERSON/ORG/LOCATION\n"
                 "trainer: scripts/train-ner.c; liblinear %d, solver L2R_LR (one-vs-rest "
                 "logistic regression), C %g, eps %g, bias 1\n"
                 "features: %u hash bits, %d training instances, %zu lexicon words, %zu connector "
                 "words\n",
                 liblinear_version, o.cs[k], o.eps, o.bits, prob.l, lex.n, nconn);
        size_t plen = strlen(head) + (extra ? strlen(extra) : 0) + 1;
        char *prov = malloc(plen);
        snprintf(prov, plen, "%s%s", head, extra ? extra : "");
        void *bytes;
        size_t len;
        char err[128];
        sanctagp_ner *m = NULL;
        if (!w || sanctagp_ner_serialize(o.bits, w, &lex.lex, prov, &bytes, &len) ||
            !(m = sanctagp_ner_load(bytes, len, err, sizeof err))) {
            fprintf(stderr, "train-ner: could not make the model\n");
            return 1;
        }
        conll_score sc = {0};
        conll_evaluate(m, &dev, &sc, 0, NULL);
        double f1 = conll_f1(&sc, 3);
        fprintf(stderr,
                "train-ner: C %g: dev F1 %.4f (PERSON %.4f, ORG %.4f, LOCATION %.4f); "
                "decoder vs predict_probability: max |diff| %.2g\n",
                o.cs[k], f1, conll_f1(&sc, 0), conll_f1(&sc, 1), conll_f1(&sc, 2),
                check_probs(md, m, &trainset, o.bits));
        if (f1 > best_f1) {
            free(best);
            best = bytes;
            best_len = len;
            best_f1 = f1;
            best_c = o.cs[k];
        } else {
            free(bytes);
        }
        sanctagp_ner_free(m);
        free(prov);
        free(w);
        free_and_destroy_model(&md);
    }
    FILE *f = fopen(o.out, "wb");
    if (!f || fwrite(best, 1, best_len, f) != best_len || fclose(f) != 0) {
        fprintf(stderr, "train-ner: %s: cannot write\n", o.out);
        return 1;
    }
    fprintf(stderr, "train-ner: wrote %s (%zu bytes), C %g\n", o.out, best_len, best_c);
    free(best);
    free(extra);
    free(stats);
    free(pool);
    free(prob.x);
    free(prob.y);
    lexicon_free(&lex);
    conll_free(&trainset);
    conll_free(&dev);
    return 0;
}
