/* lexicon.h - the word lexicon of the NER model (core/ner.h, NER_LEX_*),
 * made by scripts/train-ner.c from gazetteer sources and the training data. */
#ifndef SANCTAG_SCRIPTS_LEXICON_H
#define SANCTAG_SCRIPTS_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "core/ner.h"

/* A growing list of (word hash, classes); lexicon_finish sorts it, merges
 * duplicates (classes or'ed) and points `lex` at the result. */
typedef struct lexicon {
    uint32_t *hash;
    uint8_t *cls;
    size_t n, cap;
    sanctagp_ner_lexicon lex;
} lexicon;

/* Adds the words of a gazetteer source: a TSV whose first non-comment line
 * names the columns. `token` (gazetteers/given-names.tsv): NER_LEX_GIVEN;
 * `word` (gazetteers/common-words.tsv): NER_LEX_COMMON; `label` and `alias`
 * (the alias sources): every word of the alias, classed by the label
 * (PERSON, ORG, LOCATION or COUNTRY; other labels are skipped). Returns 0, or
 * -1 with a message on stderr naming the file and line. */
int lexicon_read(lexicon *x, const char *path);

/* Adds word hash h with classes cls. */
void lexicon_add(lexicon *x, uint32_t h, unsigned cls);

void lexicon_finish(lexicon *x);
void lexicon_free(lexicon *x);

#endif
