/* conll.c - reading NER corpora onto sanctag tokens, and exact-span scoring
 * (conll.h). */
#include "scripts/ner/conll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int map_label(const char *tag)
{
    if (tag[0] != 'B' && tag[0] != 'I')
        return NER_O;
    if (tag[1] != '-')
        return NER_O;
    const char *x = tag + 2;
    int base = !strcmp(x, "PER") || !strcmp(x, "PERSON")                                  ? NER_B_PER
               : !strcmp(x, "ORG") || !strcmp(x, "ORGANISATION") || !strcmp(x, "ORGANIZATION") ? NER_B_ORG
               : !strcmp(x, "LOC") || !strcmp(x, "LOCATION") || !strcmp(x, "PLACE")         ? NER_B_LOC
                                                                                              : NER_O;
    return base == NER_O ? NER_O : base + (tag[0] == 'I');
}

typedef struct pending {
    char *text;
    size_t len, cap;
    uint32_t *tstart, *tend;
    uint8_t *ttag;
    size_t n, ncap;
} pending;

static sanctagp_tokens scratch;

/* Turns the pending corpus tokens into a sentence of c. */
static int flush(conll_corpus *c, pending *p)
{
    if (p->n == 0)
        return 0;
    if (sanctagp_tokenize(&scratch, p->text, p->len))
        return -1;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    conll_sent *s = &c->v[c->n++];
    s->text = malloc(p->len + 1);
    memcpy(s->text, p->text, p->len);
    s->text[p->len] = 0;
    s->len = p->len;
    s->ntok = scratch.n;
    s->gold = calloc(scratch.n + 1, 1);
    size_t k = 0;
    for (size_t i = 0; i < scratch.n; i++) {
        uint32_t at = scratch.v[i].start;
        while (k + 1 < p->n && p->tend[k] <= at)
            k++;
        int t = p->ttag[k];
        if (t != NER_O && (t & 1) && i > 0 && scratch.v[i - 1].start >= p->tstart[k])
            t++; /* a later piece of a B- token */
        s->gold[i] = (uint8_t)t;
    }
    for (size_t i = 0; i < scratch.n; i++) { /* I-X without B-X/I-X before: B-X */
        int t = s->gold[i];
        if (t != NER_O && !(t & 1) && (i == 0 || (s->gold[i - 1] != t && s->gold[i - 1] != t - 1)))
            s->gold[i] = (uint8_t)(t - 1);
    }
    c->ntok += scratch.n;
    p->len = 0;
    p->n = 0;
    return 0;
}

static void push_token(pending *p, const char *tok, size_t n, int tag)
{
    if (p->len + n + 2 > p->cap) {
        p->cap = 2 * (p->len + n + 2) + 256;
        p->text = realloc(p->text, p->cap);
    }
    if (p->n == p->ncap) {
        p->ncap = p->ncap ? 2 * p->ncap : 256;
        p->tstart = realloc(p->tstart, p->ncap * 4);
        p->tend = realloc(p->tend, p->ncap * 4);
        p->ttag = realloc(p->ttag, p->ncap);
    }
    if (p->len)
        p->text[p->len++] = ' ';
    p->tstart[p->n] = (uint32_t)p->len;
    memcpy(p->text + p->len, tok, n);
    p->len += n;
    p->tend[p->n] = (uint32_t)p->len;
    p->ttag[p->n++] = (uint8_t)tag;
}

int conll_read(conll_corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    pending p;
    memset(&p, 0, sizeof p);
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = 0;
    ssize_t got;
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n == 0) {
            rc = flush(c, &p);
            continue;
        }
        char *sep = strchr(line, '\t') ? "\t" : " ";
        char *tok_end = strstr(line, sep), *tag = strrchr(line, sep[0]);
        if (!tok_end || !tag || tok_end == line) {
            fprintf(stderr, "%s:%ld: expected a token and a tag\n", path, lineno);
            rc = -1;
            break;
        }
        if (sanctagp_utf8_check(line, (size_t)(tok_end - line), NULL) != 0) {
            fprintf(stderr, "%s:%ld: token is not valid UTF-8\n", path, lineno);
            rc = -1;
            break;
        }
        push_token(&p, line, (size_t)(tok_end - line), map_label(tag + 1));
    }
    if (rc == 0)
        rc = flush(c, &p);
    free(line);
    free(p.text);
    free(p.tstart);
    free(p.tend);
    free(p.ttag);
    fclose(f);
    return rc;
}

void conll_free(conll_corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].text);
        free(c->v[i].gold);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

int conll_tokenize(const conll_sent *s, sanctagp_tokens *tk)
{
    if (sanctagp_tokenize(tk, s->text, s->len) || tk->n != s->ntok)
        return -1;
    return 0;
}

/* End (exclusive) of the span that starts at token i of tags, or i when none does. */
static size_t span_end(const uint8_t *tags, size_t n, size_t i)
{
    int t = tags[i];
    if (t == NER_O || !(t & 1))
        return i;
    size_t k = i + 1;
    while (k < n && tags[k] == t + 1)
        k++;
    return k;
}

void conll_score_add(conll_score *sc, const uint8_t *gold, const uint8_t *pred, size_t ntok)
{
    for (size_t i = 0; i < ntok; i++) {
        size_t ge = span_end(gold, ntok, i), pe = span_end(pred, ntok, i);
        int gl = (gold[i] - 1) / 2, pl = (pred[i] - 1) / 2;
        if (ge > i && pe > i && ge == pe && gl == pl) {
            sc->tp[gl]++;
            sc->tp[3]++;
            continue;
        }
        if (ge > i) {
            sc->fn[gl]++;
            sc->fn[3]++;
        }
        if (pe > i) {
            sc->fp[pl]++;
            sc->fp[3]++;
        }
    }
}

double conll_f1(const conll_score *sc, int l)
{
    double d = 2.0 * sc->tp[l] + sc->fp[l] + sc->fn[l];
    return d > 0 ? 2.0 * sc->tp[l] / d : 0;
}

void conll_score_print(const conll_score *sc, const char *name)
{
    static const char *const names[4] = {"PERSON", "ORG", "LOCATION", "all"};
    for (int l = 0; l < 4; l++) {
        long tp = sc->tp[l], fp = sc->fp[l], fn = sc->fn[l];
        double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
        double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
        printf("%s\t%s\tP %.3f\tR %.3f\tF1 %.3f\t(gold %ld, found %ld)\n", name, names[l], p, r,
               conll_f1(sc, l), tp + fn, tp + fp);
    }
}

typedef struct collect {
    uint8_t *pred;
    float min_score;
} collect;

static int on_name(void *arg, uint32_t first, uint32_t ntok, const char *label, float score)
{
    collect *c = arg;
    if (score < c->min_score)
        return 0;
    int b = label[0] == 'P' ? NER_B_PER : label[0] == 'O' ? NER_B_ORG : NER_B_LOC;
    c->pred[first] = (uint8_t)b;
    for (uint32_t k = 1; k < ntok; k++)
        c->pred[first + k] = (uint8_t)(b + 1);
    return 0;
}

/* One line: the sentence with [gold|predicted] after every token either tags. */
static void show_sentence(FILE *f, const conll_sent *s, const sanctagp_tokens *tk,
                          const uint8_t *pred)
{
    static const char *const tn[NER_NTAGS] = {"O",     "B-PER", "I-PER", "B-ORG",
                                              "I-ORG", "B-LOC", "I-LOC"};
    for (size_t k = 0; k < s->ntok; k++) {
        const sanctagp_token *t = &tk->v[k];
        fprintf(f, "%s%.*s", k ? " " : "", (int)(t->end - t->start), s->text + t->start);
        if (s->gold[k] || pred[k])
            fprintf(f, "[%s|%s]", tn[s->gold[k]], tn[pred[k]]);
    }
    fputc('\n', f);
}

int conll_evaluate(const sanctagp_ner *m, const conll_corpus *c, conll_score *sc, float min_score,
                   FILE *show)
{
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    sanctagp_ner_work w;
    memset(&w, 0, sizeof w);
    int rc = 0;
    uint8_t *pred = NULL;
    for (size_t i = 0; i < c->n && rc == 0; i++) {
        const conll_sent *s = &c->v[i];
        if ((rc = conll_tokenize(s, &tk)) != 0)
            break;
        pred = realloc(pred, s->ntok + 1);
        memset(pred, NER_O, s->ntok);
        collect col = {pred, min_score};
        rc = sanctagp_ner_propose(m, &tk, NULL, &w, on_name, &col);
        conll_score_add(sc, s->gold, pred, s->ntok);
        if (show && memcmp(s->gold, pred, s->ntok))
            show_sentence(show, s, &tk, pred);
    }
    free(pred);
    sanctagp_ner_work_release(&w);
    sanctagp_tokens_release(&tk);
    return rc;
}
