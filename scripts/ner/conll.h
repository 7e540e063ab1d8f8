/* conll.h - the NER corpora of scripts/train-ner.c and scripts/eval-ner.c:
 * CoNLL-style files (one token a line, the tag last, tab- or
 * space-separated, blank line between sentences, CRLF or LF) mapped onto
 * sanctag's own tokens (core/text.h), so that training, evaluation and the
 * tagger see the same token stream; and exact-span scoring. */
#ifndef SANCTAG_SCRIPTS_CONLL_H
#define SANCTAG_SCRIPTS_CONLL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/ner.h"
#include "core/text.h"

/* One sentence, tokenized by sanctagp_tokenize; gold[i] is the NER_* tag of
 * token i (a corpus token split into several of ours: B-X then I-X). */
typedef struct conll_sent {
    char *text;
    size_t len;
    uint8_t *gold;
    size_t ntok;
} conll_sent;

typedef struct conll_corpus {
    conll_sent *v;
    size_t n, cap;
    size_t ntok;
} conll_corpus;

/* Reads `path` into c (appending). Labels PER/PERSON, ORG/ORGANISATION/
 * ORGANIZATION and LOC/LOCATION/PLACE map to PERSON, ORG and LOCATION; every
 * other label is O. Returns 0, or -1 with a message on stderr naming the file
 * and line. */
int conll_read(conll_corpus *c, const char *path);
void conll_free(conll_corpus *c);

/* Tokenizes sentence s into tk (the same tokens as when it was read). */
int conll_tokenize(const conll_sent *s, sanctagp_tokens *tk);

/* Exact-span counts per label (0 PERSON, 1 ORG, 2 LOCATION, 3 all). */
typedef struct conll_score {
    long tp[4], fp[4], fn[4];
} conll_score;

/* Adds the spans of predicted tags `pred` against gold tags, both over ntok tokens. */
void conll_score_add(conll_score *sc, const uint8_t *gold, const uint8_t *pred, size_t ntok);
double conll_f1(const conll_score *sc, int label);
/* Prints P/R/F1 a label, prefixed by `name`. */
void conll_score_print(const conll_score *sc, const char *name);

/* Tags every sentence of c with the tagger's run-restricted decoder
 * (sanctagp_ner_propose, no token skipped; names scored below min_score
 * dropped) and scores them; with `show`,
 * writes there every sentence whose tags differ, as
 * "token[gold|predicted]". */
int conll_evaluate(const sanctagp_ner *m, const conll_corpus *c, conll_score *sc, float min_score,
                   FILE *show);

#endif
