/* tagger.c - document -> spans: tokenize, resolve token ids, walk the trie
 * from every token, select leftmost-longest (or all) matches, apply suppressors. */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/mem.h"
#include "core/image.h"
#include "core/names.h"
#include "core/text.h"
#include "core/tagger.h"
#include "core/tagger_int.h"

#define MAX_FORMS 512

sanctag_tagger *sanctag_tagger_new(sanctag_gazetteer *gz)
{
    if (!gz)
        return NULL;
    sanctag_tagger *tg = calloc(1, sizeof *tg);
    if (!tg)
        return NULL;
    tg->gz = sanctag_gazetteer_ref(gz);
    return tg;
}

void sanctag_tagger_free(sanctag_tagger *tg)
{
    if (!tg)
        return;
    sanctag_gazetteer_unref(tg->gz);
    sanctagp_tokens_release(&tg->tk);
    free(tg->sents.v);
    free(tg->spans);
    free(tg->cover);
    free(tg->forms);
    free(tg->covered);
    free(tg->probe);
    free(tg->cand);
    free(tg->merge);
    sanctagp_namefind_release(&tg->nf);
    free(tg);
}

int sanctag_utf8_check(const char *text, size_t len, size_t *ret_pos)
{
    return sanctagp_utf8_check(text, len, ret_pos);
}

char *sanctag_normalize(const char *text, size_t len)
{
    if (!text || sanctagp_utf8_check(text, len, NULL))
        return NULL;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    char *out = NULL;
    if (sanctagp_tokenize(&tk, text, len) == 0) {
        size_t total = 1;
        for (size_t i = 0; i < tk.n; i++)
            total += tk.v[i].norm_len + 1;
        out = malloc(total);
        if (out) {
            size_t w = 0;
            for (size_t i = 0; i < tk.n; i++) {
                if (i)
                    out[w++] = ' ';
                memcpy(out + w, tk.arena + tk.v[i].norm_off, tk.v[i].norm_len);
                w += tk.v[i].norm_len;
            }
            out[w] = 0;
        }
    }
    sanctagp_tokens_release(&tk);
    return out;
}

/* Longest accepted match starting at token i, or every accepted length when
 * `all` (written to out[], returns the count). Within one trie state the first
 * accept record whose case policy the text satisfies wins; the match is
 * ambiguous when a later satisfied record names another entity. */
static size_t walk(const sanctagp_matcher *m, sanctagp_tokens *tk, size_t i, int all, cand *out)
{
    sanctagp_token *t = tk->v;
    size_t n = tk->n, found = 0;
    if (t[i].flags & TF_NOSTART)
        return 0;
    if (t[i].id == SANCTAGP_UNRESOLVED)
        sanctagp_matcher_resolve_one(m, tk, i);
    if (t[i].id == 0)
        return 0;
    uint32_t state = m->root[t[i].id - 1];
    size_t j = i;
    while (state) {
        uint32_t ao = m->accoff[state];
        uint32_t a0 = ao & ACCOFF_MASK, a1 = m->accoff[state + 1] & ACCOFF_MASK;
        if ((ao & ACCOFF_CHILDREN) && j + 1 < n && t[j + 1].id != SANCTAGP_UNRESOLVED &&
            t[j + 1].id != 0)
            /* the transition is looked up after the accepts: fetch it meanwhile */
            __builtin_prefetch(&m->trans[sanctagp_trans_hash(state, t[j + 1].id) & m->trans_mask]);
        for (uint32_t k = a0; k < a1; k++) {
            const sanctagp_accept *a = &m->accept[k];
            if (!sanctagp_accept_ok(a, &t[i], (uint32_t)(j - i + 1)))
                continue;
            cand c = {(uint32_t)i, (uint32_t)(j - i + 1), a, 0};
            for (uint32_t q = k + 1; q < a1; q++) {
                const sanctagp_accept *b = &m->accept[q];
                if (b->entity != a->entity && !(b->policy & ACC_SUPPRESS) &&
                    sanctagp_accept_ok(b, &t[i], (uint32_t)(j - i + 1))) {
                    c.ambiguous = 1;
                    break;
                }
            }
            if (all || found == 0)
                out[found++] = c;
            else
                out[0] = c;
            break;
        }
        if (!(ao & ACCOFF_CHILDREN) || ++j >= n || (t[j].flags & TF_SENT_START) || j - i >= 64)
            break;
        if (t[j].id == SANCTAGP_UNRESOLVED)
            sanctagp_matcher_resolve_one(m, tk, j);
        if (t[j].id == 0)
            break;
        state = sanctagp_matcher_step(m, state, t[j].id);
    }
    return found;
}

/* strcmp(s, lit) == 0, without the call for the usual first-letter mismatch */
static inline int str_is(const char *s, const char *lit)
{
    return s[0] == lit[0] && strcmp(s, lit) == 0;
}

static int emit(sanctag_tagger *tg, const cand *c, unsigned flags)
{
    if (tg->n_spans == tg->spans_cap &&
        sanctagp_grow((void **)&tg->spans, &tg->spans_cap, tg->n_spans + 1, sizeof *tg->spans))
        return SANCTAG_E_NOMEM;
    const sanctagp_matcher *m = &tg->gz->m;
    const sanctagp_token *t = tg->tk.v;
    sanctag_span *s = &tg->spans[tg->n_spans++];
    s->start = t[c->tok].start;
    s->end = t[c->tok + c->ntok - 1].end;
    s->entity = c->a->entity;
    s->sentence = 0; /* set by number_sentences() */
    s->first_token = c->tok;
    s->ntokens = c->ntok;
    s->alias_kind = sanctagp_kind_names[c->a->kind];
    s->alias_lang = sanctagp_str(m, m->langs[c->a->lang]);
    s->flags = flags | (c->ambiguous ? SANCTAG_SPAN_AMBIGUOUS : 0) |
               ((c->a->policy & ACC_SUPPRESS) ? SANCTAG_SPAN_SUPPRESSOR : 0);
    s->named_country = UINT32_MAX;
    /* a country named inside a longer name: "Kementerian Luar Negeri AS" */
    for (uint32_t k = c->tok; c->ntok > 1 && k < c->tok + c->ntok && s->named_country == UINT32_MAX;
         k++) {
        cand inner[64];
        size_t ni = walk(m, &tg->tk, k, 1, inner);
        for (size_t q = 0; q < ni; q++) {
            if (inner[q].tok + inner[q].ntok > c->tok + c->ntok ||
                (inner[q].tok == c->tok && inner[q].ntok == c->ntok))
                continue;
            const sanctagp_ent *e = &m->ent[inner[q].a->entity];
            if (!(inner[q].a->policy & ACC_SUPPRESS) &&
                str_is(sanctagp_str(m, e->label), "COUNTRY")) {
                s->named_country = inner[q].a->entity;
                break;
            }
        }
    }
    return 0;
}

int sanctagp_emit_span(sanctag_tagger *tg, uint32_t tok, uint32_t ntok, uint32_t entity,
                       const char *kind, unsigned flags, uint32_t named_country)
{
    if (tg->n_spans == tg->spans_cap &&
        sanctagp_grow((void **)&tg->spans, &tg->spans_cap, tg->n_spans + 1, sizeof *tg->spans))
        return SANCTAG_E_NOMEM;
    const sanctagp_token *t = tg->tk.v;
    sanctag_span *s = &tg->spans[tg->n_spans++];
    s->start = t[tok].start;
    s->end = t[tok + ntok - 1].end;
    s->entity = entity;
    s->sentence = 0;
    s->first_token = tok;
    s->ntokens = ntok;
    s->alias_kind = kind;
    s->alias_lang = "";
    s->flags = flags;
    s->named_country = named_country;
    return 0;
}

static int span_cmp(const void *x, const void *y)
{
    const sanctag_span *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;
    return (a->entity > b->entity) - (a->entity < b->entity);
}

int sanctagp_merge_spans(sanctag_tagger *tg, size_t nold)
{
    size_t n = tg->n_spans, nnew = n - nold;
    if (nnew == 0 || nold == 0)
        return 0;
    if (sanctagp_grow((void **)&tg->merge, &tg->merge_cap, nnew, sizeof *tg->merge))
        return SANCTAG_E_NOMEM;
    /* the added run aside, then both merged from the back */
    sanctag_span *sp = tg->spans, *add = tg->merge;
    memcpy(add, sp + nold, nnew * sizeof *sp);
    size_t i = nold, j = nnew, k = n;
    while (j > 0) {
        if (i > 0 && span_cmp(&sp[i - 1], &add[j - 1]) > 0)
            sp[--k] = sp[--i];
        else
            sp[--k] = add[--j];
    }
    return 0;
}

static int same_norm(const sanctagp_tokens *tk, uint32_t a, uint32_t b)
{
    const sanctagp_token *x = &tk->v[a], *y = &tk->v[b];
    return x->norm_len == y->norm_len &&
           memcmp(tk->arena + x->norm_off, tk->arena + y->norm_off, x->norm_len) == 0;
}

static int add_form(sanctag_tagger *tg, uint32_t tok, uint32_t entity, uint32_t from, int acronym)
{
    for (size_t i = 0; i < tg->n_forms; i++) {
        struct form *f = &tg->forms[i];
        if (!same_norm(&tg->tk, f->tok, tok))
            continue;
        if (f->entity != entity)
            f->ambiguous = 1; /* two entities claim it: leave it untagged */
        return 0;
    }
    if (tg->n_forms >= MAX_FORMS)
        return 0;
    if (sanctagp_grow((void **)&tg->forms, &tg->forms_cap, tg->n_forms + 1, sizeof *tg->forms))
        return SANCTAG_E_NOMEM;
    tg->forms[tg->n_forms++] = (struct form){tok, entity, from, (uint8_t)acronym, 0};
    return 0;
}

/* Document-level propagation: after a full mention, later short forms of a
 * person and acronyms defined in parentheses resolve to the same entity when
 * no other entity of the document claims them. */
static int propagate(sanctag_tagger *tg)
{
    const sanctagp_matcher *m = &tg->gz->m;
    sanctagp_tokens *tk = &tg->tk;
    size_t n = tk->n, nsp = tg->n_spans;
    tg->n_forms = 0;
    if (sanctagp_grow((void **)&tg->covered, &tg->covered_cap, n, 1))
        return SANCTAG_E_NOMEM;
    memset(tg->covered, 0, n);
    for (size_t i = 0; i < nsp; i++) {
        const sanctag_span *s = &tg->spans[i];
        memset(tg->covered + s->first_token, 1, s->ntokens);
    }
    for (size_t i = 0; i < nsp; i++) {
        const sanctag_span *s = &tg->spans[i];
        if (s->flags & SANCTAG_SPAN_SUPPRESSOR)
            continue;
        const sanctagp_ent *e = &m->ent[s->entity];
        const char *label = sanctagp_str(m, e->label);
        uint32_t a = s->first_token, b = s->first_token + s->ntokens; /* [a, b) */
        if (str_is(label, "PERSON")) {
            uint32_t first = UINT32_MAX, last = UINT32_MAX, words = 0;
            for (uint32_t k = a; k < b; k++)
                if (tk->v[k].kind == TK_WORD && tk->v[k].cls != TC_NONE) {
                    if (first == UINT32_MAX)
                        first = k;
                    last = k;
                    words++;
                }
            if (words >= 2) {
                uint32_t f = sanctagp_family_name_first(sanctagp_str(m, e->country)) ? first : last;
                if (tk->v[f].norm_len >= 2 && add_form(tg, f, s->entity, b, 0))
                    return SANCTAG_E_NOMEM;
            }
        } else if (str_is(label, "ORG") && s->ntokens >= 2 && b + 2 < n &&
                   tk->v[b].kind == TK_PUNCT && tk->v[b].norm_len == 1 &&
                   tk->arena[tk->v[b].norm_off] == '(' && tk->v[b + 1].kind == TK_WORD &&
                   tk->v[b + 1].cls == TC_UPPER && tk->v[b + 1].norm_len >= 2 &&
                   tk->v[b + 2].kind == TK_PUNCT && tk->arena[tk->v[b + 2].norm_off] == ')' &&
                   !tg->covered[b + 1]) {
            /* "Badan Energi Atom Internasional (IAEA)" defines IAEA; only a
             * multi-word organisation name does ("SEOUL (ANTARA)" does not) */
            if (add_form(tg, b + 1, s->entity, b + 1, 1))
                return SANCTAG_E_NOMEM;
        }
    }
    if (tg->n_forms == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const sanctagp_token *t = &tk->v[i];
        if (tg->covered[i] || t->kind != TK_WORD || !(t->flags & TF_FIRST_UPPER))
            continue;
        for (size_t k = 0; k < tg->n_forms; k++) {
            const struct form *f = &tg->forms[k];
            if (f->ambiguous || i < f->from || !same_norm(tk, f->tok, (uint32_t)i))
                continue;
            if (f->acronym && t->cls != TC_UPPER)
                continue;
            if (tg->n_spans == tg->spans_cap &&
                sanctagp_grow((void **)&tg->spans, &tg->spans_cap, tg->n_spans + 1, sizeof *tg->spans))
                return SANCTAG_E_NOMEM;
            sanctag_span *s = &tg->spans[tg->n_spans++];
            s->start = t->start;
            s->end = t->end;
            s->entity = f->entity;
            s->sentence = 0;
            s->first_token = (uint32_t)i;
            s->ntokens = 1;
            s->alias_kind = f->acronym ? "acronym" : "short";
            s->alias_lang = "";
            s->flags = SANCTAG_SPAN_PROPAGATED;
            s->named_country = UINT32_MAX;
            break;
        }
    }
    return sanctagp_merge_spans(tg, nsp);
}

/* Each span's sentence: the number of sentence starts among tokens 1 to its
 * first token, in one sweep (spans come ordered by start). */
static void number_sentences(sanctag_tagger *tg)
{
    const sanctagp_token *v = tg->tk.v;
    uint32_t si = 0;
    size_t k = 0;
    for (size_t i = 0; i < tg->n_spans; i++) {
        sanctag_span *s = &tg->spans[i];
        if (s->first_token < k) { /* not in order after all: count again */
            k = 0;
            si = 0;
        }
        for (; k < s->first_token; k++)
            si += (v[k + 1].flags & TF_SENT_START) != 0;
        s->sentence = si;
    }
}

/* Token ids, in two passes without branches that depend on the text, which
 * a processor cannot predict. The first hashes every token and writes the
 * start filter's verdict (TF_NOSTART) and, for each token the filter lets
 * through and the one after it, an entry in the probe list. The second looks
 * those up in a software pipeline: the dictionary slot of entry k + LOOKAHEAD
 * is prefetched while entry k is probed, so lookups in a dictionary larger
 * than the caches do not wait on memory one after another. Tokens that begin
 * an alias go to the candidate list, where the matching starts; any other
 * token is looked up only if a match reaches it. */
#define LOOKAHEAD 8
#define WALK_AHEAD 4 /* candidates between a prefetch and its walk */

static int resolve_ids(sanctag_tagger *tg)
{
    const sanctagp_matcher *m = &tg->gz->m;
    sanctagp_tokens *tk = &tg->tk;
    sanctagp_token *v = tk->v;
    size_t n = tk->n;
    if (sanctagp_grow((void **)&tg->probe, &tg->probe_cap, 2 * n, sizeof *tg->probe) ||
        sanctagp_grow((void **)&tg->cand, &tg->cand_cap, n, sizeof *tg->cand))
        return SANCTAG_E_NOMEM;
    uint32_t *probe = tg->probe, *cands = tg->cand;
    size_t np = 0, nc = 0;
    uint32_t prev_start = 0;
    /* in locals: the stores below could alias them (-fno-strict-aliasing),
     * and the loop would load them again for every token */
    const char *arena = tk->arena;
    const uint64_t *filter = m->filter;
    unsigned filter_shift = m->filter_shift;
    uint32_t dict_mask = m->dict_mask;
    for (size_t i = 0; i < n; i++) {
        sanctagp_token *t = &v[i];
        uint64_t h = sanctagp_hash_padded(arena + t->norm_off, t->norm_len);
        uint64_t fk = h >> filter_shift; /* sanctagp_matcher_may_start() */
        uint32_t start = (uint32_t)(filter[fk >> 6] >> (fk & 63) & 1) |
                         ((t->flags & TF_NONASCII) != 0);
        t->id = SANCTAGP_UNRESOLVED;
        t->flags |= (uint8_t)((start ^ 1) * TF_NOSTART);
        probe[2 * np] = (uint32_t)i;
        probe[2 * np + 1] = (uint32_t)h & dict_mask; /* sanctagp_dict_slot() */
        np += start | prev_start;
        prev_start = start;
    }
    for (size_t k = 0; k < np && k < LOOKAHEAD; k++)
        __builtin_prefetch(&m->dict[probe[2 * k + 1]]);
    for (size_t k = 0; k < np; k++) {
        if (k + LOOKAHEAD < np)
            __builtin_prefetch(&m->dict[probe[2 * (k + LOOKAHEAD) + 1]]);
        size_t j = probe[2 * k];
        sanctagp_token *t = &v[j];
        uint32_t id;
        if (t->flags & TF_NONASCII)
            id = sanctagp_matcher_resolve_one(m, tk, j); /* with the accent-free fallback */
        else
            id = t->id = sanctagp_dict_probe(m, probe[2 * k + 1], tk->arena + t->norm_off,
                                             t->norm_len);
        if (id && !(t->flags & TF_NOSTART)) {
            __builtin_prefetch(&m->root[id - 1]);
            cands[nc++] = (uint32_t)j;
        }
    }
    tg->n_cand = nc;
    return 0;
}

int sanctag_tagger_tag(sanctag_tagger *tg, const char *text, size_t len, unsigned flags,
                       sanctag_error *err)
{
    size_t pos = 0;
    int rc;
    tg->n_spans = 0;
    tg->sents.n = 0;
    tg->sents_ready = 1; /* nothing to list until a document is tagged */
    if (!text && len)
        return sanctagp_error_set(err, SANCTAG_E_INVALID, "", 0, 0, -1, "no text");
    if ((rc = sanctagp_utf8_check(text, len, &pos)))
        return sanctagp_error_set(err, rc, "", 0, 0, (long long)pos,
                                  rc == SANCTAG_E_NUL ? "NUL byte at byte %zu"
                                                      : "invalid UTF-8 at byte %zu",
                                  pos);
    if ((rc = sanctagp_tokenize(&tg->tk, text, len)))
        return sanctagp_error_set(err, rc, "", 0, 0, -1, "cannot tokenize: %s",
                                  sanctag_status_name(rc));
    if (tg->tk.n == 0)
        return sanctagp_error_set(err, SANCTAG_E_EMPTY, "", 0, 0, 0,
                                  len ? "document has only whitespace" : "empty document");
    /* room for the sentences now, so that listing them later cannot fail */
    if (sanctagp_grow((void **)&tg->sents.v, &tg->sents.cap, tg->tk.nsent, sizeof *tg->sents.v))
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1, "out of memory");

    const sanctagp_matcher *m = &tg->gz->m;
    if (resolve_ids(tg))
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1, "out of memory");
    size_t n = tg->tk.n;
    int all = (flags & SANCTAG_TAG_ALL) != 0;
    int show_sup = (flags & SANCTAG_TAG_SUPPRESSORS) != 0;
    cand buf[64];
    tg->n_cover = 0;

    /* the leftmost-longest, non-overlapping cover; suppressors take part */
    size_t covered_to = 0; /* tokens before this one are inside a match */
    const sanctagp_token *tv = tg->tk.v;
    for (size_t q = 0; q < tg->n_cand; q++) {
        if (q + WALK_AHEAD < tg->n_cand) {
            /* a walk waits on the trie; fetch what the walk WALK_AHEAD
             * candidates on will read first: its state's accept range and
             * its first transition */
            size_t f = tg->cand[q + WALK_AHEAD];
            uint32_t st = m->root[tv[f].id - 1];
            __builtin_prefetch(&m->accoff[st]);
            if (f + 1 < n && tv[f + 1].id != SANCTAGP_UNRESOLVED && tv[f + 1].id != 0)
                __builtin_prefetch(
                    &m->trans[sanctagp_trans_hash(st, tv[f + 1].id) & m->trans_mask]);
        }
        size_t i = tg->cand[q];
        if (i < covered_to || walk(m, &tg->tk, i, 0, buf) == 0)
            continue;
        cand c = buf[0];
        if (all) {
            if (sanctagp_grow((void **)&tg->cover, &tg->cover_cap, tg->n_cover + 1, sizeof *tg->cover))
                return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1, "out of memory");
            tg->cover[tg->n_cover++] = c;
        } else if (!(c.a->policy & ACC_SUPPRESS) || show_sup) {
            if (emit(tg, &c, 0))
                return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1, "out of memory");
        }
        covered_to = i + c.ntok;
    }

    if (all) {
        /* every match, except inside a suppressor of the cover */
        size_t ci = 0;
        for (size_t i = 0; i < n; i++) {
            size_t k = walk(m, &tg->tk, i, 1, buf);
            for (size_t q = 0; q < k; q++) {
                cand *c = &buf[q];
                int in_cover = 0, suppressed = 0;
                while (ci < tg->n_cover && tg->cover[ci].tok + tg->cover[ci].ntok <= i)
                    ci++;
                for (size_t z = ci; z < tg->n_cover && tg->cover[z].tok < c->tok + c->ntok; z++) {
                    const cand *v = &tg->cover[z];
                    if (v->tok == c->tok && v->ntok == c->ntok && v->a == c->a)
                        in_cover = 1;
                    else if ((v->a->policy & ACC_SUPPRESS) && v->tok < c->tok + c->ntok &&
                             c->tok < v->tok + v->ntok)
                        suppressed = 1;
                }
                if (c->a->policy & ACC_SUPPRESS) {
                    if (!show_sup || !in_cover)
                        continue;
                } else if (suppressed) {
                    continue;
                }
                if (emit(tg, c, in_cover ? 0 : SANCTAG_SPAN_NESTED))
                    return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1,
                                              "out of memory");
            }
        }
        if (tg->n_spans > 1)
            qsort(tg->spans, tg->n_spans, sizeof *tg->spans, span_cmp);
    }
    if (flags & SANCTAG_TAG_NAMES) {
        int nrc = sanctagp_names_find(tg, text, !(flags & SANCTAG_TAG_NO_PROPAGATE),
                                      (flags & SANCTAG_TAG_NAMES_MODEL) != 0);
        if (nrc == SANCTAG_E_DB) { /* the model, read on first use (gazetteer/nermodel.c) */
            const char *why = tg->gz->ner_error ? tg->gz->ner_error(tg->gz->ner_model) : NULL;
            return sanctagp_error_set(err, nrc, "", 0, 0, -1,
                                      "%s: its stored name model is unusable: %s",
                                      sanctag_gazetteer_path(tg->gz),
                                      why ? why : "it does not parse");
        }
        if (nrc)
            return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1, "out of memory");
    } else if (!(flags & SANCTAG_TAG_NO_PROPAGATE) && propagate(tg)) {
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, "", 0, 0, -1, "out of memory");
    }
    number_sentences(tg);
    tg->sents_ready = 0; /* listed by sanctag_tagger_sentences() when asked */
    return 0;
}

const sanctag_span *sanctag_tagger_spans(const sanctag_tagger *tg, size_t *ret_n)
{
    *ret_n = tg->n_spans;
    return tg->spans;
}

size_t sanctagp_tagger_keep_spans(sanctag_tagger *tg,
                                  int (*keep)(const sanctag_span *s, void *arg), void *arg)
{
    size_t w = 0;
    for (size_t i = 0; i < tg->n_spans; i++)
        if (keep(&tg->spans[i], arg))
            tg->spans[w++] = tg->spans[i];
    tg->n_spans = w;
    return w;
}

const sanctag_sentence *sanctag_tagger_sentences(const sanctag_tagger *tg, size_t *ret_n)
{
    if (!tg->sents_ready) {
        /* a tagger is used by one thread at a time; the room was made by the tagging */
        sanctag_tagger *w = (sanctag_tagger *)tg;
        sanctagp_sentences_from_tokens(&w->sents, &w->tk);
        w->sents_ready = 1;
    }
    *ret_n = tg->sents.n;
    return tg->sents.v;
}
