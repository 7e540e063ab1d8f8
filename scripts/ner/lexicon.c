/* lexicon.c - the NER model's word lexicon from gazetteer sources (lexicon.h). */
#include "scripts/ner/lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

void lexicon_add(lexicon *x, uint32_t h, unsigned cls)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 4096;
        x->hash = realloc(x->hash, x->cap * sizeof *x->hash);
        x->cls = realloc(x->cls, x->cap);
        if (!x->hash || !x->cls) {
            fputs("train-ner: out of memory\n", stderr);
            exit(1);
        }
    }
    x->hash[x->n] = h;
    x->cls[x->n++] = (uint8_t)cls;
}

/* Index of column `name` in the tab-separated header line, or -1. */
static int column(const char *header, const char *name)
{
    int k = 0;
    size_t n = strlen(name);
    for (const char *p = header;; k++) {
        const char *e = strchr(p, '\t');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, name, n))
            return k;
        if (!e)
            return -1;
        p = e + 1;
    }
}

/* Field k of the tab-separated line (NUL-terminated in place), or NULL. */
static char *field(char *line, int k)
{
    char *p = line;
    for (int i = 0; i < k; i++) {
        p = strchr(p, '\t');
        if (!p)
            return NULL;
        p++;
    }
    char *e = strchr(p, '\t');
    if (e)
        *e = 0;
    return p;
}

static unsigned label_class(const char *label)
{
    return !strcmp(label, "PERSON")                                  ? NER_LEX_PER
           : !strcmp(label, "ORG")                                   ? NER_LEX_ORG
           : !strcmp(label, "LOCATION") || !strcmp(label, "COUNTRY") ? NER_LEX_LOC
                                                                     : 0;
}

/* Adds every word of text with classes cls. */
static int add_words(lexicon *x, sanctagp_tokens *tk, const char *text, unsigned cls)
{
    if (sanctagp_tokenize(tk, text, strlen(text)))
        return -1;
    for (size_t i = 0; i < tk->n; i++)
        if (tk->v[i].kind == TK_WORD)
            lexicon_add(x,
                        sanctagp_ner_word_hash(sanctagp_token_norm(tk, &tk->v[i]),
                                               tk->v[i].norm_len),
                        cls);
    return 0;
}

int lexicon_read(lexicon *x, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    char *line = NULL, *header = NULL;
    size_t cap = 0;
    long lineno = 0;
    int word = -1, label = -1, rc = 0;
    unsigned fixed = 0;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (!header) {
            header = strdup(line);
            if ((word = column(header, "token")) >= 0)
                fixed = NER_LEX_GIVEN;
            else if ((word = column(header, "word")) >= 0)
                fixed = NER_LEX_COMMON;
            else if ((word = column(header, "alias")) < 0 || (label = column(header, "label")) < 0)
                rc = -1;
            continue;
        }
        char *copy = strdup(line);
        const char *w = field(line, word), *l = label >= 0 ? field(copy, label) : NULL;
        unsigned cls = fixed ? fixed : l ? label_class(l) : 0;
        if (!w)
            rc = -1;
        else if (cls && add_words(x, &tk, w, cls))
            rc = -1;
        free(copy);
    }
    if (rc)
        fprintf(stderr, "%s:%ld: expected a token, word or label+alias column\n", path, lineno);
    sanctagp_tokens_release(&tk);
    free(header);
    free(line);
    fclose(f);
    return rc;
}

static lexicon *sort_ctx;

static int cmp_index(const void *a, const void *b)
{
    uint32_t x = sort_ctx->hash[*(const size_t *)a], y = sort_ctx->hash[*(const size_t *)b];
    return (x > y) - (x < y);
}

void lexicon_finish(lexicon *x)
{
    size_t *ix = malloc((x->n + 1) * sizeof *ix);
    uint32_t *h = malloc((x->n + 1) * sizeof *h);
    uint8_t *c = malloc(x->n + 1);
    if (!ix || !h || !c) {
        fputs("train-ner: out of memory\n", stderr);
        exit(1);
    }
    for (size_t i = 0; i < x->n; i++)
        ix[i] = i;
    sort_ctx = x;
    qsort(ix, x->n, sizeof *ix, cmp_index);
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++) {
        uint32_t hv = x->hash[ix[i]];
        if (k && h[k - 1] == hv) {
            c[k - 1] |= x->cls[ix[i]];
        } else {
            h[k] = hv;
            c[k++] = x->cls[ix[i]];
        }
    }
    free(ix);
    free(x->hash);
    free(x->cls);
    x->hash = h;
    x->cls = c;
    x->n = x->cap = k;
    x->lex = (sanctagp_ner_lexicon){.hash = h, .cls = c, .n = k};
}

void lexicon_free(lexicon *x)
{
    free(x->hash);
    free(x->cls);
    memset(x, 0, sizeof *x);
}
