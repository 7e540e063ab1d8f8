/* json.c - the json format: writes the output record of a tagged document
 * (docs/DESIGN.md, "Output contract") straight into a buffer, field for
 * field, without building a Jansson tree per span; entities already rendered
 * come from the emitter's memo. */
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "util/json.h"

#define PUT(s) sanctagp_buf_put(out, s, sizeof(s) - 1)

static int put_str(sanctagp_buf *out, const char *s)
{
    return sanctagp_json_put_string(out, s, strlen(s));
}

/* a Jansson value, compact */
static int put_json(sanctagp_buf *out, json_t *v)
{
    if (json_is_string(v)) /* the same bytes as Jansson's, without its dump machinery */
        return sanctagp_json_put_string(out, json_string_value(v), json_string_length(v));
    return sanctagp_put_jansson(out, v);
}

static int offref_cmp(const void *x, const void *y)
{
    const size_t *a = *(size_t *const *)x, *b = *(size_t *const *)y;
    return (*a > *b) - (*a < *b);
}

/* ---- rendered entities --------------------------------------------------- */

struct ecache_slot {
    uint32_t ent1;      /* entity index + 1, 0 = empty */
    uint32_t off, lena, lenb;
};

/* an open-addressing table of entity index -> rendered bytes in `arena`;
 * valid for the one gazetteer of its emitter */
struct sanctagp_ecache {
    struct ecache_slot *v;
    size_t cap, used;
    sanctagp_buf arena;
};

#define ECACHE_MAX_BYTES (64u << 20) /* past this, render without keeping */

void sanctagp_ecache_free(sanctagp_ecache *c)
{
    if (!c)
        return;
    free(c->v);
    sanctagp_buf_release(&c->arena);
    free(c);
}

/* The fields an entity gives each span: A (label, entity, name, except for
 * ORG the entity's country as "country", and for every label the entity's
 * country as "entity_country") follows "text"; B (the sanctions listing)
 * follows "alias". See DESIGN.md "Countries of a span". */
static int render_entity(sanctagp_buf *out, const sanctag_entity *e, const char *records,
                         size_t *ret_lena, size_t *ret_lenb)
{
    size_t l0 = out->len;
    int rc = 0;
    rc |= PUT(",\"label\":");
    rc |= put_str(out, e->label);
    rc |= PUT(",\"entity\":");
    rc |= put_str(out, e->key);
    rc |= PUT(",\"name\":");
    rc |= put_str(out, e->name);
    if (*e->country && strcmp(e->label, "ORG") != 0) {
        rc |= PUT(",\"country\":");
        rc |= put_str(out, e->country);
    }
    if (*e->country) {
        rc |= PUT(",\"entity_country\":");
        rc |= put_str(out, e->country);
    }
    size_t l1 = out->len;
    if (e->listed) {
        rc |= PUT(",\"sanctions\":{\"listed\":true,\"programs\":");
        json_t *progs = *e->programs ? json_loads(e->programs, 0, NULL) : NULL;
        if (progs && json_is_array(progs))
            rc |= put_json(out, progs);
        else
            rc |= PUT("[]");
        json_decref(progs);
        if (*e->list_source) {
            rc |= PUT(",\"source\":");
            rc |= put_str(out, e->list_source);
        }
        if (*e->list_ref) {
            rc |= PUT(",\"ref\":");
            rc |= put_str(out, e->list_ref);
        }
        if (*e->listed_on) {
            rc |= PUT(",\"listed_on\":");
            rc |= put_str(out, e->listed_on);
        }
        /* every list record behind the entity (links merge several) */
        json_t *recs = records && *records ? json_loads(records, 0, NULL) : NULL;
        if (recs && json_is_array(recs)) {
            rc |= PUT(",\"records\":");
            rc |= put_json(out, recs);
        }
        json_decref(recs);
        rc |= PUT("}");
    }
    *ret_lena = l1 - l0;
    *ret_lenb = out->len - l1;
    return rc;
}

static size_t ecache_home(const sanctagp_ecache *c, uint32_t idx)
{
    return (idx * 0x9E3779B1u) & (c->cap - 1);
}

static sanctagp_ecache *ecache_new(void)
{
    sanctagp_ecache *c = calloc(1, sizeof *c);
    if (c) {
        c->cap = 256;
        if (!(c->v = calloc(c->cap, sizeof *c->v))) {
            free(c);
            c = NULL;
        }
    }
    return c;
}

/* Doubles the table. Returns 0 or SANCTAG_E_NOMEM. */
static int ecache_rehash(sanctagp_ecache *c)
{
    size_t nc = c->cap * 2;
    struct ecache_slot *nv = calloc(nc, sizeof *nv);
    if (!nv)
        return SANCTAG_E_NOMEM;
    for (size_t k = 0; k < c->cap; k++) {
        if (!c->v[k].ent1)
            continue;
        size_t j = ((c->v[k].ent1 - 1) * 0x9E3779B1u) & (nc - 1);
        while (nv[j].ent1)
            j = (j + 1) & (nc - 1);
        nv[j] = c->v[k];
    }
    free(c->v);
    c->v = nv;
    c->cap = nc;
    return 0;
}

/* Where entity `idx`'s rendered fields are: in the emitter's memo, or, when it
 * cannot keep them, freshly rendered into `tmp`. Returns 0, 1 for an entity
 * index out of range, or SANCTAG_E_NOMEM. */
static int entity_json(sanctagp_emitter *em, uint32_t idx, sanctagp_buf *tmp, const char **ret_a,
                       size_t *ret_lena, size_t *ret_lenb)
{
    sanctag_entity e;
    sanctagp_ecache *c = em->memo;
    if (c) {
        size_t i = ecache_home(c, idx);
        while (c->v[i].ent1) {
            if (c->v[i].ent1 == idx + 1) {
                *ret_a = c->arena.p + c->v[i].off;
                *ret_lena = c->v[i].lena;
                *ret_lenb = c->v[i].lenb;
                return 0;
            }
            i = (i + 1) & (c->cap - 1);
        }
    }
    if (sanctag_gazetteer_entity(em->gz, idx, &e))
        return 1;
    if (!c)
        em->memo = c = ecache_new(); /* without one, render every time */
    if (c && c->arena.len < ECACHE_MAX_BYTES) {
        if (c->used * 2 >= c->cap && ecache_rehash(c))
            return SANCTAG_E_NOMEM;
        size_t off = c->arena.len, la, lb;
        if (render_entity(&c->arena, &e, sanctag_gazetteer_entity_records(em->gz, idx), &la, &lb))
            return SANCTAG_E_NOMEM;
        size_t i = ecache_home(c, idx);
        while (c->v[i].ent1)
            i = (i + 1) & (c->cap - 1);
        c->v[i] = (struct ecache_slot){idx + 1, (uint32_t)off, (uint32_t)la, (uint32_t)lb};
        c->used++;
        *ret_a = c->arena.p + off;
        *ret_lena = la;
        *ret_lenb = lb;
        return 0;
    }
    tmp->len = 0;
    if (render_entity(tmp, &e, sanctag_gazetteer_entity_records(em->gz, idx), ret_lena,
                      ret_lenb))
        return SANCTAG_E_NOMEM;
    *ret_a = tmp->p;
    return 0;
}

/* The fields of a name no gazetteer entity has (SANCTAG_SPAN_DERIVED): its
 * derived key as "entity", then after "alias" how it was found and a score. */
static int derived_json(const sanctag_tagger *tg, const sanctag_span *s, sanctagp_buf *tmp,
                        const char **ret_a, size_t *ret_lena, size_t *ret_lenb)
{
    sanctag_entity e;
    sanctag_name nm;
    if (sanctag_tagger_span_entity(tg, s, &e) || sanctag_tagger_span_name(tg, s, &nm))
        return 1;
    tmp->len = 0;
    if (render_entity(tmp, &e, NULL, ret_lena, ret_lenb))
        return SANCTAG_E_NOMEM;
    sanctagp_buf *out = tmp;
    /* two decimals without snprintf (a thousand instructions a span) */
    int c = nm.score >= 0.995 ? 100 : nm.score <= 0.005 ? 1 : (int)(nm.score * 100 + 0.5);
    char score[8] = "1";
    if (c < 100) {
        score[0] = '0';
        score[1] = '.';
        score[2] = (char)('0' + c / 10);
        score[3] = (char)('0' + c % 10);
        score[4] = 0;
    }
    int rc = PUT(",\"found\":");
    rc |= put_str(out, nm.found);
    rc |= PUT(",\"score\":");
    rc |= sanctagp_buf_put(out, score, strlen(score));
    if (rc)
        return SANCTAG_E_NOMEM;
    *ret_lenb = tmp->len - *ret_lena;
    *ret_a = tmp->p;
    return 0;
}

/* Offsets in the requested unit. Spans come sorted by start; without nesting
 * their ends interleave in order too, and one forward sweep converts them all
 * (sentences in a second sweep); otherwise the offsets are sorted first. */
static int convert_offsets(const sanctag_span *sp, size_t n, const sanctag_sentence *se, size_t ns,
                           const char *text, int unit, size_t *conv)
{
    size_t nref = 2 * n + 2 * ns;
    for (size_t i = 0; i < n; i++) {
        conv[2 * i] = sp[i].start;
        conv[2 * i + 1] = sp[i].end;
    }
    for (size_t i = 0; i < ns; i++) {
        conv[2 * n + 2 * i] = se[i].start;
        conv[2 * n + 2 * i + 1] = se[i].end;
    }
    int sorted = 1;
    for (size_t i = 1; i < 2 * n && sorted; i++)
        sorted = conv[i - 1] <= conv[i];
    for (size_t i = 2 * n + 1; i < nref && sorted; i++)
        sorted = conv[i - 1] <= conv[i];
    if (sorted) {
        size_t cb = 0, cu = 0;
        for (size_t i = 0; i < 2 * n; i++)
            conv[i] = sanctagp_offset_convert(text, conv[i], unit, &cb, &cu);
        cb = cu = 0;
        for (size_t i = 2 * n; i < nref; i++)
            conv[i] = sanctagp_offset_convert(text, conv[i], unit, &cb, &cu);
        return 0;
    }
    size_t **refs = malloc(nref * sizeof *refs);
    if (!refs)
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < nref; i++)
        refs[i] = &conv[i];
    qsort(refs, nref, sizeof *refs, offref_cmp);
    size_t cb = 0, cu = 0;
    for (size_t i = 0; i < nref; i++)
        *refs[i] = sanctagp_offset_convert(text, *refs[i], unit, &cb, &cu);
    free(refs);
    return 0;
}

/* Input fields passed through (--keep), after "id", never over the contract's own. */
static int put_extra(sanctagp_buf *out, json_t *extra)
{
    const char *k;
    json_t *v;
    int rc = 0;
    json_object_foreach(extra, k, v)
    {
        if (sanctagp_contract_field(k))
            continue;
        rc |= PUT(",");
        rc |= put_str(out, k);
        rc |= PUT(":");
        rc |= put_json(out, v);
    }
    return rc;
}

/* One span object (after a comma unless `first`): [start, end) in the output unit;
 * the entity's rendered fields are ea[0, la) and ea[la, la + lb). */
static int put_span(sanctagp_buf *out, const sanctagp_emitter *em, const sanctag_span *s,
                    size_t start, size_t end, const char *text, const char *ea, size_t la,
                    size_t lb, int first)
{
    int rc = first ? PUT("{\"start\":") : PUT(",{\"start\":");
    rc |= sanctagp_json_put_uint(out, start);
    rc |= PUT(",\"end\":");
    rc |= sanctagp_json_put_uint(out, end);
    rc |= PUT(",\"text\":");
    rc |= sanctagp_json_put_string(out, text + s->start, s->end - s->start);
    rc |= sanctagp_buf_put(out, ea, la);
    sanctag_entity ent, ce;
    if (s->named_country != UINT32_MAX &&
        sanctag_gazetteer_entity(em->gz, s->named_country, &ce) == 0 && *ce.country) {
        /* an ORG's "country" is the country named inside it ("Kementerian Luar
         * Negeri AS" -> US), as annotation guidelines give ORG:XX; every label
         * carries it as "named_country". A derived span has named_country only
         * when it is an ORG ("Universitas Indonesia"). */
        if ((s->flags & SANCTAG_SPAN_DERIVED) ||
            (sanctag_gazetteer_entity(em->gz, s->entity, &ent) == 0 &&
             strcmp(ent.label, "ORG") == 0)) {
            rc |= PUT(",\"country\":");
            rc |= put_str(out, ce.country);
        }
        rc |= PUT(",\"named_country\":");
        rc |= put_str(out, ce.country);
    }
    rc |= PUT(",\"alias\":{\"kind\":");
    rc |= put_str(out, s->alias_kind);
    if (*s->alias_lang) {
        rc |= PUT(",\"lang\":");
        rc |= put_str(out, s->alias_lang);
    }
    rc |= PUT("}");
    rc |= sanctagp_buf_put(out, ea + la, lb);
    if (s->flags & SANCTAG_SPAN_NESTED)
        rc |= PUT(",\"nested\":true");
    if (s->flags & SANCTAG_SPAN_AMBIGUOUS)
        rc |= PUT(",\"ambiguous\":true");
    if (s->flags & SANCTAG_SPAN_PROPAGATED)
        rc |= PUT(",\"propagated\":true");
    if (s->flags & SANCTAG_SPAN_SUPPRESSOR)
        rc |= PUT(",\"suppressor\":true");
    if (em->o.sentences) {
        rc |= PUT(",\"sentence\":");
        rc |= sanctagp_json_put_uint(out, s->sentence);
    }
    rc |= PUT("}");
    return rc;
}

int sanctagp_doc_write(sanctagp_buf *out, sanctagp_emitter *em, const sanctag_tagger *tg,
                       json_t *id, json_t *extra, const char *text, size_t len)
{
    const sanctagp_emit_opts *o = &em->o;
    size_t n, ns = 0;
    const sanctag_span *sp = sanctag_tagger_spans(tg, &n);
    const sanctag_sentence *se = o->sentences ? sanctag_tagger_sentences(tg, &ns) : NULL;
    (void)len;
    int rc = 0;

    size_t nref = 2 * n + 2 * ns;
    size_t conv_small[256], *conv = NULL;
    if (o->unit != OFF_BYTE && nref) {
        conv = nref <= 256 ? conv_small : malloc(nref * sizeof *conv);
        if (!conv || convert_offsets(sp, n, se, ns, text, o->unit, conv)) {
            if (conv != conv_small)
                free(conv);
            return SANCTAG_E_NOMEM;
        }
    }
#define OFF(i) (conv ? conv[i] : ((i) < 2 * n ? ((i) % 2 ? sp[(i) / 2].end : sp[(i) / 2].start) \
                                              : ((i) % 2 ? se[((i) - 2 * n) / 2].end           \
                                                         : se[((i) - 2 * n) / 2].start)))
    sanctagp_buf tmp = {0};

    rc |= PUT("{\"id\":");
    rc |= put_json(out, id ? id : json_null());
    if (extra)
        rc |= put_extra(out, extra);
    rc |= PUT(",\"offsets\":");
    rc |= put_str(out, sanctagp_offset_names[o->unit]);
    rc |= PUT(",\"spans\":[");
    int first = 1;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *ea;
        size_t la, lb;
        sanctag_name nm;
        int derived = sanctag_tagger_span_name(tg, &sp[i], &nm) == 0;
        int er = derived ? derived_json(tg, &sp[i], &tmp, &ea, &la, &lb)
                         : entity_json(em, sp[i].entity, &tmp, &ea, &la, &lb);
        if (er == 1)
            continue;
        if (er) {
            rc = er;
            break;
        }
        rc |= put_span(out, em, &sp[i], OFF(2 * i), OFF(2 * i + 1), text, ea, la, lb, first);
        first = 0;
    }
    rc |= PUT("]");
    if (o->sentences) {
        rc |= PUT(",\"sentences\":[");
        for (size_t i = 0; i < ns; i++) {
            rc |= i ? PUT(",[") : PUT("[");
            rc |= sanctagp_json_put_uint(out, OFF(2 * n + 2 * i));
            rc |= PUT(",");
            rc |= sanctagp_json_put_uint(out, OFF(2 * n + 2 * i + 1));
            rc |= PUT("]");
        }
        rc |= PUT("]");
    }
    rc |= PUT(",\"gazetteer\":{\"version\":");
    rc |= put_str(out, em->gz ? sanctag_gazetteer_version(em->gz) : "");
    rc |= PUT("}}\n");
#undef OFF
    if (conv != conv_small)
        free(conv);
    sanctagp_buf_release(&tmp);
    return rc ? SANCTAG_E_NOMEM : 0;
}
