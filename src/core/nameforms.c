/* nameforms.c - short forms and acronyms of names outside the gazetteer
 * (issue 17, step 2 of namefind.c): parts of a person's full name written
 * earlier in the document ("Zulkifli" after "Zulkifli Hasan", "Suu Kyi",
 * "Kim"), and acronyms in parentheses whose letters agree with the ORG name
 * right before them, resolve to that name unless two names of the document
 * share the part. */
#include <stdlib.h>
#include <string.h>

#include "core/namefind_int.h"
#include "util/mem.h"

static int same_owner(const sanctagp_namefind *nf, const sanctagp_nprop *x, const sanctagp_nprop *y)
{
    if (x->entity != SANCTAG_NO_ENTITY || y->entity != SANCTAG_NO_ENTITY)
        return x->entity == y->entity;
    return strcmp(nf->arena + x->key, nf->arena + y->key) == 0;
}

/* Derived keys one letter apart, added, dropped or changed: one person's
 * name spelt two ways in one article ("Siti Fadilah Supari", "Siti
 * Fadillah Supari"; "Anas Urbaningrum", "Anas Urbaningrung"), which then
 * share their parts as one name does. Keys under 16 bytes ("name:person:"
 * and a short name) must be equal. */
static int one_letter_apart(const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    if (nx < ny) {
        const char *t = x;
        x = y;
        y = t;
        size_t tn = nx;
        nx = ny;
        ny = tn;
    }
    if (ny < 16 || nx - ny > 1)
        return 0;
    size_t i = 0;
    while (i < ny && x[i] == y[i])
        i++;
    if (i == ny)
        return 1; /* one letter added at the end */
    if (x[i] == '-' || y[i] == '-')
        return 0; /* not a word more or less */
    /* the rest after the difference is the same: a change (equal lengths)
     * or a letter added to the longer */
    return nx == ny ? strcmp(x + i + 1, y + i + 1) == 0 : strcmp(x + i + 1, y + i) == 0;
}

/* Two names that share a part are one person's when they are one letter apart. */
static int same_person(const sanctagp_namefind *nf, const sanctagp_nprop *x,
                       const sanctagp_nprop *y)
{
    if (same_owner(nf, x, y))
        return 1;
    return x->entity == SANCTAG_NO_ENTITY && y->entity == SANCTAG_NO_ENTITY &&
           x->label == SANCTAGP_NAME_PERSON && y->label == SANCTAGP_NAME_PERSON &&
           one_letter_apart(nf->arena + x->key, nf->arena + y->key);
}

/* The bucket of forms whose first token is token `tok`: a cheap key of its
 * normalised text (length, first and last byte), not a hash of all of it. */
static uint32_t *form_bucket(const sanctag_tagger *tg, uint32_t tok)
{
    const sanctagp_token *t = &tg->tk.v[tok];
    const unsigned char *w = (const unsigned char *)tg->tk.arena + t->norm_off;
    unsigned key = t->norm_len ? t->norm_len * 37u + w[0] * 7u + w[t->norm_len - 1] : 0;
    return (uint32_t *)&tg->nf.fhead[key & (FORM_BUCKETS - 1)];
}

static int add_form(sanctag_tagger *tg, uint32_t tok, uint32_t ntok, uint32_t from,
                    const sanctagp_nprop *what, int acronym)
{
    sanctagp_namefind *nf = &tg->nf;
    uint32_t *head = form_bucket(tg, tok);
    for (uint32_t i = *head; i; i = nf->f[i - 1].next) {
        sanctagp_nform *f = &nf->f[i - 1];
        if (f->ntok != ntok || !same_tokens(&tg->tk, f->tok, tok, ntok))
            continue;
        if (!same_person(nf, &f->what, what))
            f->ambiguous = 1; /* two names share it: leave it untagged */
        return 0;
    }
    if (nf->nf >= MAX_FORMS)
        return 0;
    if (sanctagp_grow((void **)&nf->f, &nf->fcap, nf->nf + 1, sizeof *nf->f))
        return SANCTAG_E_NOMEM;
    nf->f[nf->nf++] = (sanctagp_nform){tok, ntok, from, *what, 0, (uint8_t)acronym, *head};
    *head = (uint32_t)nf->nf;
    return 0;
}

/* The parts of the person's name at tokens [a, b) that may stand for it later:
 * every run of its words that begins or ends it ("Zulkifli", "Hasan"; "Kim",
 * "Jong Un"; "Suu Kyi"); the usage of the name's country (family name first
 * or last) only orders them. A part that is a cue word ("Presiden") or one
 * letter is no short form. */
static int person_forms(sanctag_tagger *tg, uint32_t a, uint32_t b, const sanctagp_nprop *what,
                        int full)
{
    const sanctagp_token *v = tg->tk.v;
    uint32_t w[MAX_RUN], nw = 0;
    for (uint32_t k = a; k < b && nw < MAX_RUN; k++)
        if (v[k].kind == TK_WORD && v[k].cls != TC_NONE)
            w[nw++] = k;
    if (nw == 0 || w[nw - 1] - w[0] + 1 != nw)
        return 0; /* only names of plain consecutive words */
    for (uint32_t len = full ? nw : nw - 1; len >= 1 && len <= nw; len--) {
        for (int side = 0; side < 2; side++) {
            uint32_t s = side ? w[nw - len] : w[0];
            if (side && len == nw)
                break;
            unsigned r = roles(tg, s);
            if (len == 1 && (v[s].norm_len < 2 || plain_common(r) ||
                             (r & ~(CUE_PERSON_GIVEN | CUE_PERSON_FIRST | CUE_COMMON))))
                continue;
            int rc = add_form(tg, s, len, b, what, 0);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* 1 when the acronym's letters are the initials of the words of [a, b),
 * where function words may be left out and a word may give up to three
 * letters ("Badan Narkotika Nasional (BNN)", not "Bantuan Likuiditas Bank
 * Indonesia (BLBI)" for "Bank Indonesia"). */
static int letters_agree(sanctag_tagger *tg, uint32_t a, uint32_t b, const char *acr,
                         size_t alen, int depth)
{
    if (alen == 0)
        return a == b;
    if (a == b || depth > 32)
        return 0;
    const sanctagp_token *t = &tg->tk.v[a];
    const char *w = tg->tk.arena + t->norm_off;
    if (t->kind != TK_WORD)
        return letters_agree(tg, a + 1, b, acr, alen, depth + 1);
    if ((roles(tg, a) & (CUE_ORG_CONNECTOR | CUE_PERSON_CONNECTOR)) &&
        letters_agree(tg, a + 1, b, acr, alen, depth + 1))
        return 1;
    for (size_t k = 1; k <= 3 && k <= alen && k <= t->norm_len; k++) {
        if (w[k - 1] != acr[k - 1])
            break;
        if (letters_agree(tg, a + 1, b, acr + k, alen - k, depth + 1))
            return 1;
    }
    return 0;
}

/* 1 when the acronym's letters are the initials of the words of the
 * gazetteer name `w` (canonical names are often in another language: "Biro
 * Umum Pengintaian (RGB)" is the Reconnaissance General Bureau), a word giving
 * up to three letters and a word in lower case ("of", "dan") none or one. */
static int name_letters_agree(const char *w, const char *acr, size_t alen, int depth)
{
    while (*w == ' ' || *w == '-' || *w == ',' || *w == '.')
        w++;
    if (!*w || alen == 0)
        return !*w && alen == 0;
    if (depth > 32)
        return 0;
    const char *next = w;
    while (*next && *next != ' ' && *next != '-')
        next++;
    if (*w >= 'a' && *w <= 'z' && name_letters_agree(next, acr, alen, depth + 1))
        return 1;
    for (size_t k = 1; k <= 3 && k <= alen && w + k <= next; k++) {
        char c = w[k - 1];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != acr[k - 1])
            break;
        if (name_letters_agree(next, acr + k, alen - k, depth + 1))
            return 1;
    }
    return 0;
}

/* "Name (XYZ)" with XYZ's letters agreeing with the name as written or, for a
 * gazetteer entity, with its canonical name: XYZ names the same thing from
 * there on. */
static int acronym_form(sanctag_tagger *tg, uint32_t a, uint32_t b, const sanctagp_nprop *what)
{
    const sanctagp_tokens *tk = &tg->tk;
    const sanctagp_token *v = tk->v;
    if (b - a < 2 || b + 2 >= tk->n || v[b].kind != TK_PUNCT || tk->arena[v[b].norm_off] != '(' ||
        v[b + 1].kind != TK_WORD || v[b + 1].cls != TC_UPPER || v[b + 1].norm_len < 2 ||
        v[b + 2].kind != TK_PUNCT || tk->arena[v[b + 2].norm_off] != ')' || tg->nf.mask[b + 1])
        return 0;
    const char *acr = tk->arena + v[b + 1].norm_off;
    sanctag_entity e;
    if (!letters_agree(tg, a, b, acr, v[b + 1].norm_len, 0) &&
        (what->entity == SANCTAG_NO_ENTITY || sanctag_gazetteer_entity(tg->gz, what->entity, &e) ||
         !name_letters_agree(e.name, acr, v[b + 1].norm_len, 0)))
        return 0;
    return add_form(tg, b + 1, 1, b + 1, what, 1);
}

/* The unambiguous form written at tokens [a, a + ntok) after its full name
 * (anywhere in the document when `before` is set), or NULL. */
static const sanctagp_nform *find_form_at(const sanctag_tagger *tg, uint32_t a, uint32_t ntok,
                                          int before)
{
    const sanctagp_namefind *nf = &tg->nf;
    if (!nf->nf)
        return NULL;
    for (uint32_t k = *form_bucket(tg, a); k; k = nf->f[k - 1].next) {
        const sanctagp_nform *f = &nf->f[k - 1];
        if (!f->ambiguous && (before || a >= f->from) && f->ntok == ntok &&
            same_tokens(&tg->tk, f->tok, a, ntok))
            return f;
    }
    return NULL;
}

static const sanctagp_nform *find_form(const sanctag_tagger *tg, uint32_t a, uint32_t ntok)
{
    return find_form_at(tg, a, ntok, 0);
}

/* The full name, found from context, that a one-word name found from context
 * is part of, even when written before it ("Hawking mengatakan ... Stephen
 * Hawking"): the word is no name of its own, or it would make the part
 * ambiguous. NULL when there is none. */
static const sanctagp_nform *one_word_part(const sanctag_tagger *tg, const sanctagp_nprop *p)
{
    if (p->ntok != 1 || p->label != SANCTAGP_NAME_PERSON)
        return NULL;
    const sanctagp_nform *f = find_form_at(tg, p->tok, 1, 1);
    return f && !f->acronym && f->what.ntok > 1 && f->what.label == p->label ? f : NULL;
}

/* The forms of every full name: gazetteer spans and derived proposals. */
int sanctagp_nf_collect_forms(sanctag_tagger *tg)
{
    sanctagp_namefind *nf = &tg->nf;
    int rc = 0, place;
    nf->nf = 0;
    memset(nf->fhead, 0, sizeof nf->fhead);
    for (size_t i = 0; i < tg->n_spans && !rc; i++) {
        const sanctag_span *s = &tg->spans[i];
        if (s->flags & (SANCTAG_SPAN_SUPPRESSOR | SANCTAG_SPAN_NESTED))
            continue;
        int l = sanctagp_nf_span_label(tg, i, &place);
        sanctagp_nprop what = new_prop(s->first_token, s->ntokens, l < 0 ? 0 : l, 1.0f);
        what.entity = s->entity;
        if (l == SANCTAGP_NAME_PERSON)
            rc = person_forms(tg, s->first_token, s->first_token + s->ntokens, &what, 0);
        else if (l == SANCTAGP_NAME_ORG)
            rc = acronym_form(tg, s->first_token, s->first_token + s->ntokens, &what);
    }
    /* names of several words first, so that a one-word name can be found
     * to be a part of one */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0, n = nf->n; i < n && !rc; i++) {
            sanctagp_nprop what = nf->p[i];
            if ((what.ntok == 1) != pass)
                continue;
            if (find_form(tg, what.tok, what.ntok) || one_word_part(tg, &what))
                continue; /* itself a short form of an earlier name: "kata Zulkifli" */
            if (what.label == SANCTAGP_NAME_PERSON)
                rc = person_forms(tg, what.tok, what.tok + what.ntok, &what, 1);
            else
                rc = acronym_form(tg, what.tok, what.tok + what.ntok, &what);
        }
    return rc;
}

/* Later mentions of the forms: a whole capitalised run (titles and stop
 * words trimmed) equal to an unambiguous form. */
int sanctagp_nf_resolve_forms(sanctag_tagger *tg)
{
    sanctagp_namefind *nf = &tg->nf;
    const sanctagp_token *v = tg->tk.v;
    size_t n = tg->tk.n;
    /* a name found from context that is part of an earlier full name is that
     * name: "kata Budi" after "Budi Sulistiyo" */
    for (size_t i = 0; i < nf->n; i++) {
        sanctagp_nprop *p = &nf->p[i];
        const sanctagp_nform *f = find_form(tg, p->tok, p->ntok);
        f = f ? f : one_word_part(tg, p);
        if (f && !f->acronym && f->what.label == p->label && !same_owner(nf, &f->what, p)) {
            uint32_t tok = p->tok, ntok = p->ntok;
            *p = f->what;
            p->tok = tok;
            p->ntok = ntok;
            p->absorb = 0;
            p->named_country = UINT32_MAX;
            p->propagated = 1;
        }
    }
    for (size_t j = 0; j < nf->ncapw;) {
        size_t i = nf->capw[j++];
        if (nf->mask[i])
            continue;
        size_t b = i + 1;
        while (b < n && b - i < MAX_RUN && !nf->mask[b] && !(v[b].flags & TF_SENT_START) &&
               is_cap(&v[b]))
            b++;
        size_t a = i;
        while (a + 1 < b && (roles(tg, a) & (CUE_PERSON_TITLE | CUE_STOP)))
            a++;
        const sanctagp_nform *f = find_form(tg, (uint32_t)a, (uint32_t)(b - a));
        if (f && (!f->acronym || v[a].cls == TC_UPPER)) {
            sanctagp_nprop p = f->what;
            p.tok = (uint32_t)a;
            p.ntok = f->ntok;
            p.absorb = 0;
            p.named_country = f->acronym ? p.named_country : UINT32_MAX;
            p.propagated = f->acronym ? 2 : 1;
            if (sanctagp_nf_propose(tg, p, NULL))
                return SANCTAG_E_NOMEM;
        }
        while (j < nf->ncapw && nf->capw[j] < b)
            j++;
    }
    return 0;
}
