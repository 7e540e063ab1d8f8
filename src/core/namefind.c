/* namefind.c - people and organisations outside the gazetteer (issue 17),
 * after gazetteer matching, over the tokens no span covers:
 *   1. capitalised runs (with the connecting words a name may hold) are cut
 *      at the gazetteer's cue words: an organisation head ("PT",
 *      "Universitas") or tail ("FC", "Tbk") makes an ORG, taking in a place
 *      or country right after it ("Universitas Indonesia"); a title, role or
 *      speech verb before the run ("Presiden", "pelatih", "kata") a PERSON;
 *   2. parts of a person's full name written earlier in the document
 *      ("Zulkifli" after "Zulkifli Hasan", "Suu Kyi", "Kim"), and acronyms
 *      in parentheses whose letters agree with the ORG name right before them,
 *      resolve to that name unless two names of the document share the part;
 *   3. a statistical model, when the gazetteer has one, proposes names for
 *      the tokens still uncovered (core/names_model.h).
 * A name found so gets a key derived from its written form, so the same name
 * has the same key in every document ("name:person:zulkifli-hasan"). */
#include <stdlib.h>
#include <string.h>

#include "core/namefind_int.h"
#include "util/mem.h"


static const char *const label_names[] = {"PERSON", "ORG"};

void sanctagp_namefind_release(sanctagp_namefind *nf)
{
    free(nf->p);
    free(nf->f);
    free(nf->arena);
    free(nf->owner);
    free(nf->mask);
    free(nf->role);
    free(nf->capw);
    free(nf->lab);
}

/* token i is joined to the one before by a hyphen alone: "Jae-in", "Tae-yong" */
static int glued(const sanctagp_token *v, size_t i, const char *text)
{
    if (i == 0 || v[i].kind != TK_WORD || v[i - 1].kind != TK_WORD)
        return 0;
    if (v[i].start == v[i - 1].end + 1 && text[v[i - 1].end] == '-')
        return 1;
    /* detokenised copy (IndoSum) spaces the hyphen of a syllable name: "Choe
     * Myong - nam", "Moon Jae - in"; a short syllable in lower case after a
     * short one capitalised, so that "Jakarta - Presiden ..." stays apart */
    return v[i].start == v[i - 1].end + 3 && memcmp(text + v[i - 1].end, " - ", 3) == 0 &&
           v[i].cls == TC_LOWER && v[i].end - v[i].start <= 5 && v[i - 1].cls == TC_TITLE &&
           v[i - 1].end - v[i - 1].start <= 6;
}

static int arena_put(sanctagp_namefind *nf, const char *s, size_t n)
{
    if (sanctagp_grow((void **)&nf->arena, &nf->acap, nf->alen + n + 1, 1))
        return SANCTAG_E_NOMEM;
    memcpy(nf->arena + nf->alen, s, n);
    nf->alen += n;
    nf->arena[nf->alen] = 0;
    return 0;
}

/* The derived key ("name:person:" and the normalised tokens joined by '-')
 * and the written name of tokens [a, b) into the arena: p->key, p->name. */
static int derive_key(sanctag_tagger *tg, sanctagp_nprop *p, const char *text)
{
    sanctagp_namefind *nf = &tg->nf;
    const sanctagp_tokens *tk = &tg->tk;
    const char *pre = p->label == SANCTAGP_NAME_PERSON ? "name:person:" : "name:org:";
    p->key = (uint32_t)nf->alen;
    int rc = arena_put(nf, pre, strlen(pre));
    for (uint32_t k = p->tok; k < p->tok + p->ntok && !rc; k++) {
        const sanctagp_token *t = &tk->v[k];
        if (t->kind != TK_WORD)
            continue;
        if (k > p->tok)
            rc = arena_put(nf, "-", 1);
        rc = rc ? rc : arena_put(nf, tk->arena + t->norm_off, t->norm_len);
    }
    if (rc || (rc = arena_put(nf, "", 0)))
        return rc;
    nf->alen++; /* keep the NUL */
    p->name = (uint32_t)nf->alen;
    for (uint32_t k = p->tok; k < p->tok + p->ntok && !rc; k++) {
        const sanctagp_token *t = &tk->v[k];
        if (k > p->tok && !glued(tk->v, k, text) && t->kind == TK_WORD)
            rc = arena_put(nf, " ", 1);
        else if (k > p->tok && glued(tk->v, k, text))
            rc = arena_put(nf, "-", 1);
        rc = rc ? rc : arena_put(nf, text + t->start, t->end - t->start);
    }
    if (!rc && !(rc = arena_put(nf, "", 0)))
        nf->alen++;
    return rc;
}

/* Proposes tokens [tok, tok + ntok) unless a span or proposal has one of them. */
int sanctagp_nf_propose(sanctag_tagger *tg, sanctagp_nprop p, const char *text)
{
    sanctagp_namefind *nf = &tg->nf;
    for (uint32_t k = p.tok; k < p.tok + p.ntok; k++)
        if (nf->mask[k] && !(p.absorb && nf->owner[k] == p.absorb))
            return 0;
    if (p.entity == SANCTAG_NO_ENTITY && p.key == UINT32_MAX && derive_key(tg, &p, text))
        return SANCTAG_E_NOMEM;
    if (sanctagp_grow((void **)&nf->p, &nf->cap, nf->n + 1, sizeof *nf->p))
        return SANCTAG_E_NOMEM;
    nf->p[nf->n++] = p;
    memset(nf->mask + p.tok, 1, p.ntok);
    return 0;
}

/* The label of span `si` (index into tg->spans) as SANCTAGP_NAME_*, -1 for
 * other labels; *is_place for COUNTRY and LOCATION. */
int sanctagp_nf_span_label(sanctag_tagger *tg, size_t si, int *is_place)
{
    const sanctagp_matcher *m = &tg->gz->m;
    sanctagp_namefind *nf = &tg->nf;
    uint32_t e = tg->spans[si].entity;
    /* each entity's label is compared once a tagger: nf->lab[e] is
     * SANCTAGP_NAME_* + 2, | 8 for a place, 0 until then */
    uint8_t c = e < nf->nlab ? nf->lab[e] : 0;
    if (!c) {
        const char *l = sanctagp_str(m, m->ent[e].label);
        int place = strcmp(l, "COUNTRY") == 0 || strcmp(l, "LOCATION") == 0;
        int code = strcmp(l, "PERSON") == 0 ? SANCTAGP_NAME_PERSON
                   : strcmp(l, "ORG") == 0  ? SANCTAGP_NAME_ORG
                                            : -1;
        c = (uint8_t)((code + 2) | (place << 3));
        if (e < nf->nlab)
            nf->lab[e] = c;
    }
    *is_place = c >> 3;
    return (c & 7) - 2;
}

/* A word of a person's name: capitalised and no acronym ("KPK") unless the
 * whole run is written in capitals. */
static int person_word(const sanctagp_token *t, int caps_run)
{
    return t->kind == TK_WORD && t->norm_len >= 2 &&
           (t->cls == TC_TITLE || t->cls == TC_MIXED || (caps_run && t->cls == TC_UPPER));
}

/* Token i is the punctuation character c. */
static int punct_is(const sanctag_tagger *tg, size_t i, const char *text, char c)
{
    const sanctagp_token *t = &tg->tk.v[i];
    return i < tg->tk.n && t->kind == TK_PUNCT && t->end - t->start == 1 && text[t->start] == c;
}

/* A speech verb no span covers at token b, after a run: "... mengatakan". */
static int verb_after(sanctag_tagger *tg, size_t b)
{
    return b < tg->tk.n && !tg->nf.owner[b] && (roles(tg, b) & CUE_PERSON_AFTER);
}

/* An age right after a run at token b, as the news gives a person's:
 * "Satoshi Katsudara, 56, dan ..." or "Budi Santoso (45)"; two digits, so a
 * score ("Persib (2)") is none. */
static int age_after(sanctag_tagger *tg, size_t a, size_t b, const char *text)
{
    if (b + 2 >= tg->tk.n)
        return 0;
    int paren = punct_is(tg, b, text, '(');
    if (!paren && !punct_is(tg, b, text, ','))
        return 0;
    const sanctagp_token *t = &tg->tk.v[b + 1];
    if (t->kind != TK_WORD || t->end - t->start != 2 || text[t->start] < '1' ||
        text[t->start] > '9' || text[t->start + 1] < '0' || text[t->start + 1] > '9')
        return 0;
    if (!punct_is(tg, b + 2, text, paren ? ')' : ','))
        return 0;
    /* not a table of points: "Nottingham Forest (45), Blackburn Rovers (44)" */
    return !(paren && a >= 2 && punct_is(tg, a - 1, text, ',') &&
             punct_is(tg, a - 2, text, ')'));
}

/* The run at token a stands after a comma that ends a title's phrase, where
 * the news names the holder in apposition: "asisten manajer Brasil, Adenor
 * Leonardo Bacchi", "Hakim Pengadilan Tinggi Shah Alam, Azmi Ariffin". The
 * phrase is at most six words or spans back to the title, with no other
 * punctuation or sentence start between. */
static int title_before_comma(sanctag_tagger *tg, uint32_t a, const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    if (a < 2 || !punct_is(tg, a - 1, text, ','))
        return 0;
    for (uint32_t q = a - 2, steps = 0; steps < 6; q--, steps++) {
        if (v[q].kind != TK_WORD)
            return 0;
        if (!tg->nf.owner[q] && (roles(tg, q) & CUE_PERSON_TITLE))
            return 1;
        if ((v[q].flags & TF_SENT_START) || q == 0)
            return 0;
    }
    return 0;
}

/* Token k ends in a title glued to it, as credit lines run together
 * ("Pewarta: Bayu SaputraEditor: ..."): no word of a name. */
static int glued_title(sanctag_tagger *tg, uint32_t k, const char *text)
{
    const sanctagp_token *t = &tg->tk.v[k];
    if (t->cls != TC_MIXED)
        return 0;
    uint32_t p = t->end;
    while (p > t->start + 1 && !(text[p - 1] >= 'A' && text[p - 1] <= 'Z'))
        p--;
    char w[24];
    size_t n = t->end - (p - 1);
    if (p <= t->start + 1 || n < 2 || n >= sizeof w)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = text[p - 1 + i];
        w[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    return (sanctagp_cues_get(tg->gz->cues, w, n) & CUE_PERSON_TITLE) != 0;
}

/* Token k is a short acronym that may name a body in an office's title
 * ("Sekjen FFI", "Ketua PGPI"): three to six capitals, no cue word, no Roman
 * numeral ("Kelas III"), and the name after it ([name, end)) two words, the
 * first a first name (first-names.tsv; the lexicon's given names hold body
 * words such as "sekuritas"). Without the last checks a review found a
 * fifth of what the rule added wrong: the body's own name taken for the
 * person's ("Direktur RS Permata Jonggol", "Direktur MNC Sekuritas",
 * "Ketua KBA Pekayon Eko Purwanto"); two capitals are mostly initials
 * ("Presiden BJ Habibie"). */
static int body_acronym(sanctag_tagger *tg, uint32_t k, uint32_t name, uint32_t end)
{
    const sanctagp_token *t = &tg->tk.v[k];
    if (t->kind != TK_WORD || t->cls != TC_UPPER || t->norm_len < 3 || t->norm_len > 6 ||
        roles(tg, k) || end != name + 2 || name >= tg->tk.n || tg->tk.v[name].cls != TC_TITLE ||
        !(roles(tg, name) & CUE_PERSON_FIRST))
        return 0;
    const char *w = tg->tk.arena + t->norm_off;
    for (size_t i = 0; i < t->norm_len; i++)
        if (!strchr("ivxlcdm", w[i]))
            return 1;
    return 0;
}

/* The words [h, e) can be a person's name (`caps`: the name is written in
 * capitals): capitalised words, connectors ("bin") and glued parts, none a
 * common word or one of the cue roles `refuse`, none with a credit title
 * glued on. */
static int person_words(sanctag_tagger *tg, uint32_t h, uint32_t e, int caps, unsigned refuse,
                        const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    for (uint32_t k = h; k < e; k++) {
        unsigned r = roles(tg, k);
        if (glued(v, k, text) || (r & CUE_PERSON_CONNECTOR))
            continue;
        if (!person_word(&v[k], caps) || glued_title(tg, k, text) || (r & refuse) ||
            plain_common(r))
            return 0;
    }
    return 1;
}

/* The run [a, b), its name at [h, e), as a person when `title` (a cue
 * makes it one) or what follows it does; `loose` and `split` as in
 * classify_run. */
static int person_run(sanctag_tagger *tg, uint32_t a, uint32_t h, uint32_t e, uint32_t b,
                      int title, int loose, int split, const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    sanctagp_namefind *nf = &tg->nf;
    /* a name is also known by what follows it: a speech verb ("Budi Sulistiyo
     * menyebutkan"), an age ("Satoshi Katsudara, 56,") */
    int after = 0, given = 0;
    if (!title && e == b && (verb_after(tg, b) || age_after(tg, a, b, text)))
        title = after = loose = 1;
    /* and by its first word alone, a given name that starts names (and is
     * no common word), before one or two more plain name words: "Michael
     * Phelps", "Siti Nurbaya" */
    if (!title && e == b && e - h >= 2 && e - h <= 3 && h == a &&
        (roles(tg, h) & (CUE_PERSON_FIRST | CUE_COMMON)) == CUE_PERSON_FIRST)
        title = given = loose = 1;
    /* a body or place right after it continues the title: "Ketua Umum PAN" */
    if (!title || e - h > 4 || (e == b && b < tg->tk.n && nf->owner[b]))
        return 0;
    /* an acronym after the name makes it an organisation's ("Direktur Riset
     * Indonesia Presidential Studies (IPS)", "Ketua Umum Persaudaraan Alumni
     * (PA)"), unless it starts with a given name: the initials news gives a
     * suspect ("tersangka Andi Agustinus (AA)") */
    if (e == b && b + 2 < tg->tk.n && punct_is(tg, b, text, '(') && v[b + 1].kind == TK_WORD &&
        v[b + 1].cls == TC_UPPER && v[b + 1].norm_len >= 2 && punct_is(tg, b + 2, text, ')') &&
        !(roles(tg, h) & CUE_PERSON_GIVEN))
        return 0;
    /* right after an organisation's or place's name, the words may end that
     * name ("PT Pertamina Lubricants Nugroho Setyo mengatakan"): by what
     * follows alone, a person there starts with a given name */
    if (after && h == a && a > 0 && nf->mask[a - 1] && !(roles(tg, h) & CUE_PERSON_GIVEN))
        return 0;
    if (given && ((a > 0 && (nf->mask[a - 1] || (roles(tg, a - 1) & CUE_NONPERSON_BEFORE))) ||
                  (b + 2 < tg->tk.n && punct_is(tg, b, text, '(') &&
                   v[b + 1].kind == TK_WORD && v[b + 1].cls == TC_UPPER)))
        return 0; /* it may end a name before it, be a place's ("di George Town"), a
                     * vessel's ("kapal tanker Adrian Darya") or a body's: "(XYZ)" */
    for (uint32_t k = h + 1; given && k < e; k++)
        if (glued(v, k, text) && v[k].cls != TC_LOWER)
            return 0; /* a pair of names, "Prabowo-Gibran"; not "Jae-in" */
    /* a word in capitals after a title-case name ends it: "Editor: Budisantoso
     * Budiman COPYRIGHT (c) ANTARA" */
    while (e - h >= 3 && v[e - 1].kind == TK_WORD && v[e - 1].cls == TC_UPPER &&
           v[e - 1].norm_len >= 3 && v[e - 2].cls == TC_TITLE)
        e--;
    int caps = 1;
    for (uint32_t k = h; k < e; k++)
        caps &= v[k].kind != TK_WORD || v[k].cls == TC_UPPER;
    /* one word is a person only if a personal name ("ujar Budi"; not "kata
     * KPK", "Menteri Keuangan", "pelatih Chelsea"), or a plain name word right
     * after a speech verb ("kata Sutiyoso", "imbuh Sanchez") */
    int speech = h == a && a > 0 && !nf->owner[a - 1] &&
                 (roles(tg, a - 1) & (CUE_PERSON_VERB | CUE_PERSON_PREP | CUE_PERSON_TITLE)) ==
                     CUE_PERSON_VERB &&
                 v[h].cls == TC_TITLE && v[h].norm_len >= 3 &&
                 !(roles(tg, h) & (CUE_COMMON | CUE_OFFICE | CUE_STOP | CUE_ORG_HEAD | CUE_ORG_TAIL |
                                   CUE_PERSON_TITLE));
    if (e - h == 1 && (caps || !((roles(tg, h) & CUE_PERSON_GIVEN) || speech)))
        return 0;
    if (caps && split)
        return 0; /* "Sekretaris Jenderal PB PSOI": a body in capitals */
    /* a cue at a distance or after the name takes plain names only: words
     * written as titles ("dr Aru Ariadno, SpPD-KGEH, menegaskan"), and no
     * run that continues a name before it over a short lower-case word
     * ("Current Opinion in Food Science menjelaskan") */
    if (loose) {
        if (h == a && a >= 2 && v[a - 1].kind == TK_WORD && v[a - 1].cls == TC_LOWER &&
            v[a - 1].end - v[a - 1].start <= 3 &&
            !(roles(tg, a - 1) & (CUE_PERSON_TITLE | CUE_PERSON_VERB | CUE_PERSON_PREP)) &&
            (is_cap(&v[a - 2]) || nf->mask[a - 2]))
            return 0;
        for (uint32_t k = h; k < e; k++)
            if (v[k].kind == TK_WORD && v[k].cls != TC_TITLE &&
                !(glued(v, k, text) && v[k].cls == TC_LOWER))
                return 0;
    }
    if (!person_words(tg, h, e, caps, CUE_STOP | CUE_ORG_HEAD | CUE_ORG_TAIL | CUE_OFFICE, text))
        return 0;
    return sanctagp_nf_propose(tg, new_prop(h, e - h, SANCTAGP_NAME_PERSON, given ? 0.75f : 0.85f), text);
}

/* The capitalised run [a, b) (trimmed of stop words and titles) as a name
 * from context, if a cue makes it one; `split` when the run is the part of a
 * longer one from a title inside it on. */
static int classify_run(sanctag_tagger *tg, uint32_t a, uint32_t b, const char *text, int split)
{
    const sanctagp_token *v = tg->tk.v;
    sanctagp_namefind *nf = &tg->nf;
    uint32_t h = a;
    int title = 0, loose = 0; /* loose: a cue at a distance or after the name */
    int titled = 0;           /* a title (not a verb or preposition) leads in */
    /* one word, no span after it ("Universitas Indonesia"), is a name only after
     * a title, role or speech verb or before a speech verb (most runs: a
     * capital after a full stop, a lone capitalised word), checked first */
    if (b - a == 1 && (b == tg->tk.n || !nf->owner[b]) && !verb_after(tg, b) &&
        ((v[a].flags & TF_SENT_START) ||
         (!nf->owner[a - 1] && !(roles(tg, a - 1) & (CUE_PERSON_TITLE | CUE_PERSON_VERB | CUE_PERSON_PREP)))))
        return 0;
    /* titles and stop words lead in: "Direktur Utama PT ...", "Menurut Presiden ..." */
    for (; h < b; h++) {
        unsigned r = roles(tg, h);
        if (r & CUE_ORG_HEAD)
            break;
        if (r & (CUE_PERSON_TITLE | CUE_PERSON_VERB | CUE_PERSON_PREP))
            title = 1, titled |= (r & CUE_PERSON_TITLE) != 0;
        else if (!(r & CUE_STOP))
            break;
    }
    if (h == b)
        return 0;
    uint32_t e = b;
    while (e > h + 1 && (roles(tg, e - 1) & (CUE_STOP | CUE_ORG_CONNECTOR | CUE_PERSON_CONNECTOR)))
        e--;
    /* an organisation: a head first, or a tail last; a head inside the run
     * starts it ("Saham PT ...", "Direktur Utama PT ...") */
    for (uint32_t k = h + 1; k + 1 < e && !(roles(tg, h) & CUE_ORG_HEAD); k++)
        if ((roles(tg, k) & CUE_ORG_HEAD) && v[k].cls != TC_LOWER)
            h = k;
    int head = (roles(tg, h) & CUE_ORG_HEAD) != 0;
    int tail = e - h >= 2 && (roles(tg, e - 1) & CUE_ORG_TAIL);
    if (head || tail) {
        /* a name by its tail starts after the last title or connector: "Managing
         * Director dan Co-Founder Emerald Media" is "Emerald Media"; a title
         * word right before the tail is part of the name ("Pro Duta FC") */
        for (uint32_t k = e - 1; !head && k > h; k--)
            if ((roles(tg, k - 1) & (CUE_PERSON_TITLE | CUE_ORG_CONNECTOR)) && e - k >= 2) {
                h = k;
                break;
            }
        sanctagp_nprop p = new_prop(h, e - h, SANCTAGP_NAME_ORG, 0.9f);
        uint32_t nx = e;
        int place = 0;
        if (head && e == b && nx < tg->tk.n && nf->owner[nx] &&
            !(v[nx].flags & TF_SENT_START) && sanctagp_nf_span_label(tg, nf->owner[nx] - 1, &place) < 0 &&
            place) {
            /* a country or place ends it: "Universitas Indonesia", "Bank Rakyat Indonesia" */
            const sanctag_span *s = &tg->spans[nf->owner[nx] - 1];
            const sanctagp_matcher *m = &tg->gz->m;
            p.absorb = nf->owner[nx];
            p.ntok = s->first_token + s->ntokens - h;
            if (strcmp(sanctagp_str(m, m->ent[s->entity].label), "COUNTRY") == 0)
                p.named_country = s->entity;
        }
        if (!head && h == a && a > 0 && nf->owner[a - 1] && !(v[a].flags & TF_SENT_START) &&
            sanctagp_nf_span_label(tg, nf->owner[a - 1] - 1, &place) < 0 && place) {
            /* a place starts it: "Dalian Global Unity Shipping Co Ltd" */
            const sanctag_span *s = &tg->spans[nf->owner[a - 1] - 1];
            p.absorb = nf->owner[a - 1];
            p.tok = s->first_token;
            p.ntok = e - s->first_token;
        }
        if (p.ntok >= 2)
            return sanctagp_nf_propose(tg, p, text);
        return 0;
    }
    /* after a title, the words of the office (common or office words, a body's
     * acronym) lead in to a person: "Menteri Luar Negeri Retno Marsudi",
     * "Sekjen FFI Edy Prasetyo" */
    while (title && h < e &&
           (plain_common(roles(tg, h)) || (roles(tg, h) & CUE_OFFICE) ||
            (titled && h + 1 < e && body_acronym(tg, h, h + 1, e))))
        h++;
    if (h == e)
        return 0;
    /* a person: after a title, role or speech verb, in or before the run,
     * or before a place or body that follows one ("Presiden AS Donald Trump") */
    if (!title && a > 0 && !(v[a].flags & TF_SENT_START)) {
        uint32_t q = a - 1;
        if (nf->owner[q]) {
            const sanctag_span *s = &tg->spans[nf->owner[q] - 1];
            int place, l = sanctagp_nf_span_label(tg, nf->owner[q] - 1, &place);
            q = (place || l == SANCTAGP_NAME_ORG) && s->first_token > 0 &&
                        !(v[s->first_token].flags & TF_SENT_START)
                    ? s->first_token - 1
                    : UINT32_MAX;
        }
        /* the office may name a body for a place: "Wakil Duta Besar Korut untuk
         * PBB Choe Myong-nam" (a lower-case word of three to five letters and
         * a place or body before the body, twice at most) */
        for (int hop = 0; hop < 2 && nf->owner[a - 1] && q != UINT32_MAX && q >= 2 &&
                          !nf->owner[q] &&
                          !(roles(tg, q) & (CUE_PERSON_TITLE | CUE_PERSON_VERB | CUE_PERSON_PREP |
                                            CUE_ORG_HEAD | CUE_ORG_TAIL | CUE_ORG_CONNECTOR)) &&
                          v[q].kind == TK_WORD && v[q].cls == TC_LOWER &&
                          v[q].end - v[q].start >= 2 && v[q].end - v[q].start <= 5 &&
                          nf->owner[q - 1];
             hop++) {
            const sanctag_span *s = &tg->spans[nf->owner[q - 1] - 1];
            int place, l = sanctagp_nf_span_label(tg, nf->owner[q - 1] - 1, &place);
            q = (place || l == SANCTAGP_NAME_ORG) && s->first_token > 0 &&
                        !(v[s->first_token].flags & TF_SENT_START)
                    ? s->first_token - 1
                    : UINT32_MAX;
        }
        /* and the words of the office before it, back to its title: "Menteri
         * Luar Negeri AS ...", "Direktur Utama PLN ..." */
        int skipped = 0;
        for (; skipped < 3 && q != UINT32_MAX && q > 0 && !nf->owner[q] &&
               !(v[q].flags & TF_SENT_START) && v[q].cls != TC_LOWER &&
               !(roles(tg, q) & CUE_PERSON_TITLE) &&
               (plain_common(roles(tg, q)) || (roles(tg, q) & CUE_OFFICE) ||
                body_acronym(tg, q, a, b));
             skipped++)
            q--;
        title = q != UINT32_MAX && !nf->owner[q] &&
                (roles(tg, q) & (skipped ? CUE_PERSON_TITLE
                                         : CUE_PERSON_TITLE | CUE_PERSON_VERB | CUE_PERSON_PREP)) !=
                    0;
        /* a credit line ("Editor: Yuniman Farid") or a holder in apposition */
        if (!title && ((a >= 2 && punct_is(tg, a - 1, text, ':') && !nf->owner[a - 2] &&
                        ((roles(tg, a - 2) & CUE_PERSON_TITLE) || glued_title(tg, a - 2, text))) ||
                       title_before_comma(tg, a, text)))
            title = loose = 1;
    }
    /* a title inside ends the name ("Rizki Nugraha Editor"), and may start
     * another ("Kapolres Sukamaju AKBP Ridwan Hakiki"); when nothing made the
     * words before it a name, the name starts there ("Komandan Wilayah
     * Gabungan Marianas Laksamana Muda Shoshana Chatfield") */
    uint32_t rest = 0, end = b;
    for (uint32_t k = h + 1; k < e; k++)
        if (roles(tg, k) & CUE_PERSON_TITLE) {
            if (!title)
                return classify_run(tg, k, b, text, 1);
            rest = k;
            e = k;
            /* "Presiden Budi Santoso dan Menteri ...": the name ends before "dan" */
            while (e > h + 1 && tg->tk.v[e - 1].cls == TC_LOWER &&
                   (roles(tg, e - 1) & (CUE_STOP | CUE_ORG_CONNECTOR | CUE_PERSON_CONNECTOR)))
                e--;
            b = e; /* what follows is no place the name continues into */
            break;
        }
    int rc = person_run(tg, a, h, e, b, title, loose, split, text);
    return rc || !rest ? rc : classify_run(tg, rest, end, text, 1);
}

/* The cue table is larger than the caches hold beside the matcher's trie,
 * and most of the cost of a name rule is waiting on it: the table memory of
 * the capitalised word ROLE_AHEAD words on, and of the word before it, is
 * fetched while this one's run is classified (roles() of a run looks up its
 * words and the word before it). */
#define ROLE_AHEAD 8

static void prefetch_roles(const sanctag_tagger *tg, size_t i)
{
    const sanctagp_token *v = tg->tk.v;
    const sanctagp_cues *c = tg->gz->cues;
    sanctagp_cues_prefetch(c, tg->tk.arena + v[i].norm_off, v[i].norm_len);
    if (i > 0 && v[i - 1].kind == TK_WORD)
        sanctagp_cues_prefetch(c, tg->tk.arena + v[i - 1].norm_off, v[i - 1].norm_len);
}

/* [a, b) could be one person's full name on its own: two or three plain
 * title-case words, none with a cue role but a given or first name's. */
static int plain_full_name(sanctag_tagger *tg, uint32_t a, uint32_t b)
{
    const sanctagp_token *v = tg->tk.v;
    if (b - a < 2 || b - a > 3)
        return 0;
    for (uint32_t k = a; k < b; k++) {
        unsigned r = roles(tg, k);
        if (v[k].kind != TK_WORD || v[k].cls != TC_TITLE || v[k].norm_len < 2 ||
            plain_common(r) ||
            (r & ~(unsigned)(CUE_PERSON_GIVEN | CUE_PERSON_FIRST | CUE_COMMON)))
            return 0;
    }
    return 1;
}

/* classify_run, and when it finds no name in [a, b) that is two full names
 * joined by a lower-case organisation connector ("dan"), each name on its
 * own: "Joko Widodo dan Jusuf Kalla" is one run, and the first-name rule
 * takes two or three words only. Both parts must be plain full names
 * (plain_full_name) and one start with a first name; each then needs the
 * evidence one name needs, and when the first is found a person the second
 * is one too. Nothing else is split: "Academy of Motion Picture Arts", "Dirjen
 * Peternakan dan Kesehatan Hewan". */
static int classify_run_pairs(sanctag_tagger *tg, uint32_t a, uint32_t b, const char *text)
{
    size_t before = tg->nf.n;
    int rc = classify_run(tg, a, b, text, 0);
    if (rc || tg->nf.n != before || b - a < 5 || b - a > 7)
        return rc;
    const sanctagp_token *v = tg->tk.v;
    for (uint32_t k = a + 2; k + 2 < b && k <= a + 3; k++) {
        unsigned r = roles(tg, k);
        if (v[k].kind != TK_WORD || v[k].cls != TC_LOWER ||
            (r & (CUE_ORG_CONNECTOR | CUE_PERSON_CONNECTOR)) != CUE_ORG_CONNECTOR)
            continue;
        if (!plain_full_name(tg, a, k) || !plain_full_name(tg, k + 1, b) ||
            !((roles(tg, a) | roles(tg, k + 1)) & CUE_PERSON_FIRST))
            return 0;
        size_t mid = tg->nf.n;
        if ((rc = classify_run(tg, a, k, text, 0)))
            return rc;
        size_t right = tg->nf.n;
        if ((rc = classify_run(tg, k + 1, b, text, 0)))
            return rc;
        /* a name joined to a person's is another person's ("Gareth Bale dan
         * Marco Asensio"): the first part found as a whole person, the second
         * not. (Only that way round: the second part is never found from a
         * first name, as a short lower-case word before it marks it loose,
         * and proposals stay in token order for list_names.) */
        int left_person = right == mid + 1 && tg->nf.p[mid].tok == a &&
                          tg->nf.p[mid].ntok == k - a &&
                          tg->nf.p[mid].label == SANCTAGP_NAME_PERSON;
        if (left_person && tg->nf.n == right &&
            !(b + 2 < tg->tk.n && punct_is(tg, b, text, '(') && v[b + 1].kind == TK_WORD &&
              v[b + 1].cls == TC_UPPER))
            return sanctagp_nf_propose(
                tg, new_prop(k + 1, b - k - 1, SANCTAGP_NAME_PERSON, 0.7f), text);
        return 0;
    }
    return 0;
}

/* A list of names ("Lionel Messi, Luis Suarez, Ousmane Dembele dan Gerard
 * Pique"): items joined by commas and lower-case organisation connectors
 * ("dan"). An item is a person found already (a span or a proposal), a
 * plain full name (plain_full_name) not yet a name, or one capitalised word
 * (a short form, "Neymar": kept in the list, never proposed); anything else
 * ends the list. A list of three items or more with two persons makes its
 * plain full names persons too: a list of people is one of people. */
#define LIST_ITEMS 64
enum { ITEM_NONE, ITEM_PERSON, ITEM_NAME, ITEM_WORD };

/* The list item starting at token j (one of ITEM_*), its end in *end. */
static int list_item(sanctag_tagger *tg, uint32_t j, uint32_t first, size_t nprops,
                     uint32_t *end)
{
    const sanctagp_token *v = tg->tk.v;
    sanctagp_namefind *nf = &tg->nf;
    size_t n = tg->tk.n;
    if (j >= n || (j != first && (v[j].flags & TF_SENT_START)))
        return ITEM_NONE;
    if (nf->mask[j] && !nf->owner[j]) {
        /* a proposal: context_names() made them in token order */
        size_t lo = 0, hi = nprops;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (nf->p[mid].tok < j)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nprops || nf->p[lo].tok != j)
            return ITEM_NONE;
        *end = nf->p[lo].tok + nf->p[lo].ntok;
        return nf->p[lo].label == SANCTAGP_NAME_PERSON ? ITEM_PERSON : ITEM_NONE;
    }
    if (nf->owner[j]) {
        const sanctag_span *s = &tg->spans[nf->owner[j] - 1];
        int place;
        *end = s->first_token + s->ntokens;
        return s->first_token == j && !(s->flags & SANCTAG_SPAN_NESTED) &&
                       sanctagp_nf_span_label(tg, nf->owner[j] - 1, &place) ==
                           SANCTAGP_NAME_PERSON
                   ? ITEM_PERSON
                   : ITEM_NONE;
    }
    if (nf->mask[j] || !is_cap(&v[j]))
        return ITEM_NONE;
    /* a list starts no run in its middle ("kiper I Made Wirawan, ...") */
    if (j == first && j > 0 && !nf->mask[j - 1] && is_cap(&v[j - 1]) &&
        !(v[j].flags & TF_SENT_START))
        return ITEM_NONE;
    uint32_t e = j + 1;
    while (e < n && e - j <= 3 && !nf->mask[e] && (is_cap(&v[e]) || glued(v, e, tg->nf.text)) &&
           !(v[e].flags & TF_SENT_START))
        e++; /* "Yoon Ji - sung" is no plain full name, not "Yoon Ji" */
    *end = e;
    if (e - j == 1)
        return v[j].cls == TC_TITLE ? ITEM_WORD : ITEM_NONE;
    return plain_full_name(tg, j, e) ? ITEM_NAME : ITEM_NONE;
}

/* The token after the separator at j (",", a connector, or both), or 0. */
static uint32_t list_sep(sanctag_tagger *tg, uint32_t j, const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    size_t n = tg->tk.n;
    int comma = punct_is(tg, j, text, ',');
    if (comma)
        j++;
    if (j < n && v[j].kind == TK_WORD && v[j].cls == TC_LOWER &&
        (roles(tg, j) & (CUE_ORG_CONNECTOR | CUE_PERSON_CONNECTOR)) == CUE_ORG_CONNECTOR)
        return j + 1;
    return comma ? j : 0;
}

/* The lists that start in [from, upto] (at *done or later), tokens in order;
 * *done is then where the last one ended. */
static int lists_in(sanctag_tagger *tg, uint32_t from, uint32_t upto, size_t nprops,
                    uint32_t *done, const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    size_t n = tg->tk.n;
    uint32_t at[LIST_ITEMS], to[LIST_ITEMS];
    uint32_t i = from > *done ? from : *done;
    while (i <= upto && i < n) {
        if (v[i].kind != TK_WORD || !(v[i].flags & TF_FIRST_UPPER)) {
            i++; /* every item starts with a capital */
            continue;
        }
        int kind[LIST_ITEMS], np = 0, nn = 0;
        size_t k = 0;
        uint32_t j = i, end = 0;
        while (k < LIST_ITEMS && (kind[k] = list_item(tg, j, i, nprops, &end)) != ITEM_NONE) {
            at[k] = j;
            to[k] = end;
            np += kind[k] == ITEM_PERSON;
            nn += kind[k] == ITEM_NAME;
            k++;
            if (!(j = list_sep(tg, end, text)))
                break;
        }
        /* the first name of a short list may be a phrase the list is in
         * apposition to: "bintang veteran Liga Primer Inggris, Michael
         * Essien dan Didier Zokora" */
        if (k >= 3 && np >= 2 && nn)
            for (size_t q = k >= 4 ? 0 : 1; q < k; q++)
                if (kind[q] == ITEM_NAME) {
                    int rc = sanctagp_nf_propose(
                        tg, new_prop(at[q], to[q] - at[q], SANCTAGP_NAME_PERSON, 0.7f), text);
                    if (rc)
                        return rc;
                }
        i = k ? to[k - 1] : i + 1;
    }
    *done = i;
    return 0;
}

/* The list around a person [tok, end) a separator follows, if any: from
 * where the words before it could still be items and separators. */
static int list_around(sanctag_tagger *tg, uint32_t tok, uint32_t end, size_t nprops,
                       uint32_t *done, const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    if (end >= tg->tk.n || tok < *done || !list_sep(tg, end, text))
        return 0;
    uint32_t s = tok;
    while (s > 0 && tok - s < 4 * LIST_ITEMS && !(v[s].flags & TF_SENT_START)) {
        uint32_t u = s - 1;
        if (!tg->nf.mask[u] && !punct_is(tg, u, text, ',') &&
            !(v[u].kind == TK_WORD &&
              ((v[u].flags & TF_FIRST_UPPER) || (roles(tg, u) & CUE_ORG_CONNECTOR))))
            break;
        s = u;
    }
    return lists_in(tg, s, tok, nprops, done, text);
}

/* Finds the lists of names around the persons found so far (the list's
 * items can only be read from where it starts, and most documents have
 * none: only where a person is followed by a separator). */
static int list_names(sanctag_tagger *tg, const char *text)
{
    sanctagp_namefind *nf = &tg->nf;
    size_t persons = 0;
    for (size_t i = 0; i < nf->n; i++)
        persons += nf->p[i].label == SANCTAGP_NAME_PERSON;
    for (size_t i = 0; i < tg->n_spans && persons < 2; i++) {
        int place;
        persons += sanctagp_nf_span_label(tg, i, &place) == SANCTAGP_NAME_PERSON;
    }
    if (persons < 2)
        return 0;
    size_t nprops = nf->n;
    uint32_t done = 0;
    int rc = 0;
    for (size_t i = 0; i < nprops && !rc; i++)
        if (nf->p[i].label == SANCTAGP_NAME_PERSON)
            rc = list_around(tg, nf->p[i].tok, nf->p[i].tok + nf->p[i].ntok, nprops, &done,
                             text);
    done = 0; /* the spans, in their own order */
    for (size_t i = 0; i < tg->n_spans && !rc; i++) {
        const sanctag_span *sp = &tg->spans[i];
        int place;
        if (!(sp->flags & SANCTAG_SPAN_NESTED) &&
            sanctagp_nf_span_label(tg, i, &place) == SANCTAGP_NAME_PERSON)
            rc = list_around(tg, sp->first_token, sp->first_token + sp->ntokens, nprops, &done,
                             text);
    }
    return rc;
}

/* Calls classify_run on every maximal capitalised run of uncovered tokens. */
static int context_names(sanctag_tagger *tg, const char *text)
{
    const sanctagp_token *v = tg->tk.v;
    const uint32_t *owner = tg->nf.owner;
    const uint32_t *cap = tg->nf.capw;
    size_t n = tg->tk.n, ncap = tg->nf.ncapw;
    for (size_t j = 0; j < ncap && j < ROLE_AHEAD; j++)
        prefetch_roles(tg, cap[j]);
    size_t ahead = ROLE_AHEAD; /* the next capitalised word to prefetch for */
    for (size_t j = 0; j < ncap;) {
        for (; ahead < ncap && ahead < j + ROLE_AHEAD; ahead++)
            prefetch_roles(tg, cap[ahead]);
        size_t i = cap[j], b = i + 1;
        while (b < n && b - i < MAX_RUN && !owner[b] && !(v[b].flags & TF_SENT_START)) {
            if (is_cap(&v[b]) || glued(v, b, text))
                b++;
            else if (b + 1 < n && !owner[b + 1] && is_cap(&v[b + 1]) &&
                     !(v[b + 1].flags & TF_SENT_START) &&
                     (roles(tg, b) & (CUE_ORG_CONNECTOR | CUE_PERSON_CONNECTOR)))
                b += 2;
            else
                break;
        }
        int rc = classify_run_pairs(tg, (uint32_t)i, (uint32_t)b, text);
        if (rc)
            return rc;
        while (j < ncap && cap[j] < b)
            j++;
    }
    return 0;
}

/* The least score of a model name kept: on the dev splits of the training
 * corpora (idner_news_2k dev, NERGrit valid; never the test sets) the model
 * alone has PERSON precision 0.94 at 0.92 and 0.97 at 0.96 (recall 0.26),
 * chosen so that a model name is as trustworthy as the rules' (sanctag.h,
 * SANCTAG_TAG_NAMES_MODEL). A person scored 0.90 or more whose words pass the
 * rules' word checks is kept too: with the rules beside it, PERSON precision
 * on those dev splits stays where it is at 0.96 (0.914 and 0.838 against
 * 0.908 and 0.787) while recall rises (0.579 -> 0.670, 0.225 -> 0.390). */
#define MODEL_MIN_SCORE 0.96
#define MODEL_MIN_SCORE_PERSON 0.90

static int model_sink(void *arg, uint32_t tok, uint32_t ntok, int label, double score)
{
    sanctag_tagger *tg = arg;
    if (score < (label == SANCTAGP_NAME_PERSON ? MODEL_MIN_SCORE_PERSON : MODEL_MIN_SCORE))
        return 0;
    if (tok >= tg->tk.n || ntok == 0 || ntok > tg->tk.n - tok || ntok > MAX_RUN ||
        (label != SANCTAGP_NAME_PERSON && label != SANCTAGP_NAME_ORG))
        return 0;
    /* below the ORG threshold, a person's words pass the rules' word checks:
     * no cue or common word, no capitals in a title-case name, no credit title
     * glued on ("Jimly Asshiddiqie Nilai", "Siti Zulaikha COPYRIGHT", "Vinny
     * Shoffa SalmaEditor") */
    if (label == SANCTAGP_NAME_PERSON && score < MODEL_MIN_SCORE) {
        const sanctagp_token *v = tg->tk.v;
        int caps = 1;
        for (uint32_t k = tok; k < tok + ntok; k++)
            caps &= v[k].kind != TK_WORD || v[k].cls == TC_UPPER;
        if (!person_words(tg, tok, tok + ntok, caps,
                          CUE_STOP | CUE_ORG_HEAD | CUE_ORG_TAIL | CUE_OFFICE | CUE_PERSON_TITLE,
                          tg->nf.text))
            return 0;
    }
    sanctagp_nprop p = new_prop(tok, ntok, label, (float)score);
    p.found = FOUND_MODEL;
    return sanctagp_nf_propose(tg, p, tg->nf.text);
}

static int prop_cmp(const void *x, const void *y)
{
    const sanctagp_nprop *a = x, *b = y;
    return (a->tok > b->tok) - (a->tok < b->tok);
}

/* The proposals become spans, merged in order (they start where no span
 * does: sanctagp_nf_propose() takes only uncovered tokens, and a place span it takes in
 * is dropped). */
static int emit_props(sanctag_tagger *tg)
{
    sanctagp_namefind *nf = &tg->nf;
    size_t w = 0;
    for (size_t i = 0; i < tg->n_spans; i++) {
        int gone = 0;
        for (size_t k = 0; k < nf->n && !gone; k++)
            gone = nf->p[k].absorb == i + 1;
        if (!gone)
            tg->spans[w++] = tg->spans[i];
    }
    tg->n_spans = w;
    qsort(nf->p, nf->n, sizeof *nf->p, prop_cmp);
    for (size_t k = 0; k < nf->n; k++) {
        const sanctagp_nprop *p = &nf->p[k];
        unsigned fl = (p->propagated ? SANCTAG_SPAN_PROPAGATED : 0) |
                      (p->entity == SANCTAG_NO_ENTITY ? SANCTAG_SPAN_DERIVED : 0);
        const char *kind = p->propagated == 2 ? "acronym" : p->propagated ? "short" : "name";
        if (sanctagp_emit_span(tg, p->tok, p->ntok, p->entity, kind, fl, p->named_country))
            return SANCTAG_E_NOMEM;
    }
    if (sanctagp_merge_spans(tg, w))
        return SANCTAG_E_NOMEM;
    /* keep only the derived ones, for sanctag_tagger_span_name() */
    w = 0;
    for (size_t k = 0; k < nf->n; k++)
        if (nf->p[k].entity == SANCTAG_NO_ENTITY)
            nf->p[w++] = nf->p[k];
    nf->n = w;
    return 0;
}

int sanctagp_names_find(sanctag_tagger *tg, const char *text, int propagate, int model)
{
    sanctagp_namefind *nf = &tg->nf;
    size_t n = tg->tk.n;
    nf->n = nf->nf = nf->alen = 0;
    nf->text = text;
    if (sanctagp_grow((void **)&nf->owner, &nf->owner_cap, n, sizeof *nf->owner) ||
        sanctagp_grow((void **)&nf->mask, &nf->mask_cap, n, 1) ||
        sanctagp_grow((void **)&nf->role, &nf->role_cap, n, sizeof *nf->role) ||
        sanctagp_grow((void **)&nf->capw, &nf->capw_cap, n + 1, sizeof *nf->capw))
        return SANCTAG_E_NOMEM;
    memset(nf->role, 0xFF, n * sizeof *nf->role);
    if (!nf->lab && tg->gz->m.h->n_entities && /* best effort: without it, labels are compared */
        (nf->lab = calloc(tg->gz->m.h->n_entities, 1)))
        nf->nlab = tg->gz->m.h->n_entities;
    memset(nf->owner, 0, n * sizeof *nf->owner);
    memset(nf->mask, 0, n);
    for (size_t i = 0; i < tg->n_spans; i++) {
        const sanctag_span *s = &tg->spans[i];
        memset(nf->mask + s->first_token, 1, s->ntokens);
        for (uint32_t k = s->first_token; k < s->first_token + s->ntokens; k++)
            if (!nf->owner[k] || !(s->flags & SANCTAG_SPAN_NESTED))
                nf->owner[k] = (uint32_t)i + 1;
    }
    /* the capitalised words no span covers: where names may begin */
    const sanctagp_token *t = tg->tk.v;
    const uint8_t *mask = nf->mask;
    uint32_t *capw = nf->capw;
    size_t ncapw = 0; /* in a register: a store to capw[] might alias nf->ncapw */
    for (size_t i = 0; i < n; i++) {
        capw[ncapw] = (uint32_t)i;
        ncapw += !mask[i] & (t[i].kind == TK_WORD) & ((t[i].flags & TF_FIRST_UPPER) != 0);
    }
    nf->ncapw = ncapw;
    int rc = context_names(tg, text);
    if (!rc)
        rc = list_names(tg, text);
    if (!rc && propagate && !(rc = sanctagp_nf_collect_forms(tg)) && nf->nf)
        rc = sanctagp_nf_resolve_forms(tg);
    if (!rc && model && tg->gz->ner_propose)
        rc = tg->gz->ner_propose(tg->gz->ner_model, &tg->tk, nf->mask, model_sink, tg);
    if (!rc && nf->n)
        rc = emit_props(tg);
    return rc;
}

int sanctag_tagger_span_name(const sanctag_tagger *tg, const sanctag_span *s, sanctag_name *ret)
{
    if (!tg || !s || !ret || !(s->flags & SANCTAG_SPAN_DERIVED))
        return SANCTAG_E_INVALID;
    const sanctagp_namefind *nf = &tg->nf;
    size_t lo = 0, hi = nf->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (nf->p[mid].tok < s->first_token)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == nf->n || nf->p[lo].tok != s->first_token || nf->p[lo].ntok != s->ntokens)
        return SANCTAG_E_INVALID;
    const sanctagp_nprop *p = &nf->p[lo];
    ret->key = nf->arena + p->key;
    ret->label = label_names[p->label];
    ret->name = nf->arena + p->name;
    ret->found = p->found == FOUND_MODEL ? "model" : "context";
    ret->score = p->score;
    return 0;
}

int sanctag_tagger_span_entity(const sanctag_tagger *tg, const sanctag_span *s,
                               sanctag_entity *ret)
{
    if (!tg || !s || !ret)
        return SANCTAG_E_INVALID;
    if (!(s->flags & SANCTAG_SPAN_DERIVED))
        return sanctag_gazetteer_entity(tg->gz, s->entity, ret);
    sanctag_name nm;
    int rc = sanctag_tagger_span_name(tg, s, &nm);
    if (rc)
        return rc;
    *ret = (sanctag_entity){.key = nm.key, .label = nm.label, .name = nm.name, .country = "",
                            .listed = 0, .programs = "", .list_source = "", .list_ref = "",
                            .listed_on = ""};
    return 0;
}
