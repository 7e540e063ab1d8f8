/* namefind_int.h - private to namefind.c and nameforms.c: what the context
 * rules and the short forms of names outside the gazetteer share. */
#ifndef SANCTAG_CORE_NAMEFIND_INT_H
#define SANCTAG_CORE_NAMEFIND_INT_H

#include <stdint.h>
#include <string.h>

#include "core/tagger_int.h"

#define MAX_RUN 12      /* tokens of a name */
#define MAX_FORMS 1024  /* parts of names in one document */
#define FORM_BUCKETS 256

/* The cue roles of token i, looked up once a document (nf.role: ROLE_UNKNOWN
 * until asked). */
#define ROLE_UNKNOWN 0xFFFFu

static inline unsigned roles(sanctag_tagger *tg, size_t i)
{
    uint16_t *r = &tg->nf.role[i];
    if (*r == ROLE_UNKNOWN) {
        const sanctagp_token *t = &tg->tk.v[i];
        *r = t->kind != TK_WORD ? 0
                                : (uint16_t)sanctagp_cues_get_padded(tg->gz->cues,
                                                                     tg->tk.arena + t->norm_off,
                                                                     t->norm_len);
    }
    return *r;
}

static inline int is_cap(const sanctagp_token *t)
{
    return t->kind == TK_WORD && (t->flags & TF_FIRST_UPPER);
}

static inline int same_tokens(const sanctagp_tokens *tk, uint32_t a, uint32_t b, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        const sanctagp_token *x = &tk->v[a + k], *y = &tk->v[b + k];
        if (x->norm_len != y->norm_len ||
            memcmp(tk->arena + x->norm_off, tk->arena + y->norm_off, x->norm_len) != 0)
            return 0;
    }
    return 1;
}

static inline sanctagp_nprop new_prop(uint32_t tok, uint32_t ntok, int label, float score)
{
    return (sanctagp_nprop){tok, ntok, SANCTAG_NO_ENTITY, UINT32_MAX, UINT32_MAX,
                            UINT32_MAX, 0, (uint8_t)label, FOUND_CONTEXT, 0, score};
}

/* A common word that is no personal name token. */
static inline int plain_common(unsigned r)
{
    return (r & CUE_COMMON) && !(r & CUE_PERSON_GIVEN);
}

/* Adds a proposal unless a token of it is taken (a span or a proposal):
 * 0, or SANCTAG_E_NOMEM. */
int sanctagp_nf_propose(sanctag_tagger *tg, sanctagp_nprop p, const char *text);

/* The label of span `si` (index into tg->spans) as SANCTAGP_NAME_*, -1 for
 * other labels; *is_place for COUNTRY and LOCATION. */
int sanctagp_nf_span_label(sanctag_tagger *tg, size_t si, int *is_place);

/* Step 2 (nameforms.c): the parts and acronyms of the proposals so far, as
 * forms (collect), then the uncovered mentions of unambiguous forms as
 * proposals (resolve). 0, or SANCTAG_E_NOMEM. */
int sanctagp_nf_collect_forms(sanctag_tagger *tg);
int sanctagp_nf_resolve_forms(sanctag_tagger *tg);

#endif
