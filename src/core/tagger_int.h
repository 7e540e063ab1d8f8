/* tagger_int.h - private: the tagger's state, shared by the files of the
 * tagger (tagger.c: gazetteer matching and propagation; namefind.c: names
 * outside the gazetteer). */
#ifndef SANCTAG_CORE_TAGGER_INT_H
#define SANCTAG_CORE_TAGGER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/image.h"
#include "core/namefind.h"
#include "core/text.h"
#include "sanctag.h"

typedef struct cand {
    uint32_t tok, ntok;
    const sanctagp_accept *a;
    int ambiguous;
} cand;

struct sanctag_tagger {
    sanctag_gazetteer *gz;
    sanctagp_tokens tk;
    sanctagp_sentences sents; /* filled on demand: sents_ready */
    int sents_ready;
    sanctag_span *spans;
    size_t n_spans, spans_cap;
    cand *cover;       /* greedy cover, --all only */
    size_t n_cover, cover_cap;
    struct form *forms; /* document-level short forms and acronyms */
    size_t n_forms, forms_cap;
    uint8_t *covered;   /* per token: inside some span */
    size_t covered_cap;
    uint32_t *probe;    /* tokens to look up: [2k] token index, [2k+1] dictionary home */
    size_t probe_cap;
    uint32_t *cand;     /* tokens that begin some alias, in order */
    size_t cand_cap, n_cand;
    sanctagp_namefind nf; /* names outside the gazetteer (SANCTAG_TAG_NAMES) */
    sanctag_span *merge;  /* scratch of sanctagp_merge_spans() */
    size_t merge_cap;
};

/* A short form ("Kim") or acronym ("IAEA") that names `entity` in this document
 * from token `from` on. */
struct form {
    uint32_t tok;       /* the token whose normalised text is the form */
    uint32_t entity, from;
    uint8_t acronym, ambiguous;
};

int sanctagp_emit_span(sanctag_tagger *tg, uint32_t tok, uint32_t ntok, uint32_t entity,
                       const char *kind, unsigned flags, uint32_t named_country);

/* Puts tg->spans in output order when [0, nold) is in order and so is
 * [nold, n_spans), a run of spans added after matching (propagated short
 * forms, names outside the gazetteer) whose first tokens no span of the
 * first part has: a merge, what qsort() gave, without its allocation.
 * Returns 0 or SANCTAG_E_NOMEM. */
int sanctagp_merge_spans(sanctag_tagger *tg, size_t nold);

#endif
