/* emitfast.c - writes the output record of a tagged document straight into a
 * buffer: the contract of DESIGN.md, field for field in the order
 * sanctagp_doc_json() documents, without building a Jansson tree per span. */
#include <stdlib.h>
#include <string.h>

#include "output/emit.h"
#include "output/jsonfast.h"

#define PUT(s) sanctagp_buf_put(out, s, sizeof(s) - 1)

static int put_str(sanctagp_buf *out, const char *s)
{
    return sanctagp_json_put_string(out, s, strlen(s));
}

/* "key": JSON value of a Jansson object, compact */
static int dump_cb(const char *s, size_t n, void *data)
{
    return sanctagp_buf_append(data, s, n) ? -1 : 0;
}

static int put_json(sanctagp_buf *out, json_t *v)
{
    if (json_is_string(v)) /* the same bytes as Jansson's, without its dump machinery */
        return sanctagp_json_put_string(out, json_string_value(v), json_string_length(v));
    return json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) ? SANCTAG_E_NOMEM
                                                                               : 0;
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

struct sanctagp_ecache {
    const sanctag_gazetteer *gz;
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

/* The fields an entity gives each span: A (label, entity, name and, except
 * for ORG, country) follows "text"; B (the sanctions listing) follows "alias". */
static int render_entity(sanctagp_buf *out, const sanctag_entity *e, size_t *ret_lena,
                         size_t *ret_lenb)
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
        rc |= PUT("}");
    }
    *ret_lena = l1 - l0;
    *ret_lenb = out->len - l1;
    return rc;
}

/* Where entity `idx`'s rendered fields are: in the tagger's memo, or, when it
 * cannot keep them, freshly rendered into `tmp`. Returns 0, 1 for an entity
 * index out of range, or SANCTAG_E_NOMEM. */
static int entity_json(const sanctag_tagger *tg, const sanctag_gazetteer *gz, uint32_t idx,
                       sanctagp_buf *tmp, const char **ret_a, size_t *ret_lena, size_t *ret_lenb)
{
    sanctag_entity e;
    sanctagp_ecache **cp = sanctagp_tagger_ecache(tg);
    sanctagp_ecache *c = *cp;
    if (c && c->gz == gz) {
        size_t i = (idx * 0x9E3779B1u) & (c->cap - 1);
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
    if (sanctag_gazetteer_entity(gz, idx, &e))
        return 1;
    if (!c || c->gz != gz) {
        sanctagp_ecache_free(c);
        *cp = c = calloc(1, sizeof *c);
        if (c) {
            c->gz = gz;
            c->cap = 256;
            if (!(c->v = calloc(c->cap, sizeof *c->v))) {
                free(c);
                *cp = c = NULL;
            }
        }
    }
    if (c && c->arena.len < ECACHE_MAX_BYTES) {
        if (c->used * 2 >= c->cap) {
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
        }
        size_t off = c->arena.len, la, lb;
        if (render_entity(&c->arena, &e, &la, &lb))
            return SANCTAG_E_NOMEM;
        size_t i = (idx * 0x9E3779B1u) & (c->cap - 1);
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
    if (render_entity(tmp, &e, ret_lena, ret_lenb))
        return SANCTAG_E_NOMEM;
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

int sanctagp_doc_write(sanctagp_buf *out, const sanctag_tagger *tg, const sanctag_gazetteer *gz,
                       json_t *id, json_t *extra, const char *text, size_t len,
                       const sanctagp_emit_opts *o)
{
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
    if (extra) {
        static const char *const reserved[] = {"id", "offsets", "spans", "sentences",
                                               "gazetteer", "error"};
        const char *k;
        json_t *v;
        json_object_foreach(extra, k, v)
        {
            int skip = 0;
            for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
                skip |= strcmp(k, reserved[i]) == 0;
            if (skip)
                continue;
            rc |= PUT(",");
            rc |= put_str(out, k);
            rc |= PUT(":");
            rc |= put_json(out, v);
        }
    }
    rc |= PUT(",\"offsets\":");
    rc |= put_str(out, sanctagp_offset_names[o->unit]);
    rc |= PUT(",\"spans\":[");
    int first = 1;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *ea;
        size_t la, lb;
        int er = entity_json(tg, gz, sp[i].entity, &tmp, &ea, &la, &lb);
        if (er == 1)
            continue;
        if (er) {
            rc = er;
            break;
        }
        rc |= first ? PUT("{\"start\":") : PUT(",{\"start\":");
        first = 0;
        rc |= sanctagp_json_put_uint(out, OFF(2 * i));
        rc |= PUT(",\"end\":");
        rc |= sanctagp_json_put_uint(out, OFF(2 * i + 1));
        rc |= PUT(",\"text\":");
        rc |= sanctagp_json_put_string(out, text + sp[i].start, sp[i].end - sp[i].start);
        rc |= sanctagp_buf_put(out, ea, la);
        if (sp[i].named_country != UINT32_MAX) {
            /* an ORG takes the country named inside it: "Kementerian Luar Negeri AS" */
            sanctag_entity ent, ce;
            if (sanctag_gazetteer_entity(gz, sp[i].entity, &ent) == 0 &&
                strcmp(ent.label, "ORG") == 0 &&
                sanctag_gazetteer_entity(gz, sp[i].named_country, &ce) == 0 && *ce.country) {
                rc |= PUT(",\"country\":");
                rc |= put_str(out, ce.country);
            }
        }
        rc |= PUT(",\"alias\":{\"kind\":");
        rc |= put_str(out, sp[i].alias_kind);
        if (*sp[i].alias_lang) {
            rc |= PUT(",\"lang\":");
            rc |= put_str(out, sp[i].alias_lang);
        }
        rc |= PUT("}");
        rc |= sanctagp_buf_put(out, ea + la, lb);
        if (sp[i].flags & SANCTAG_SPAN_NESTED)
            rc |= PUT(",\"nested\":true");
        if (sp[i].flags & SANCTAG_SPAN_AMBIGUOUS)
            rc |= PUT(",\"ambiguous\":true");
        if (sp[i].flags & SANCTAG_SPAN_PROPAGATED)
            rc |= PUT(",\"propagated\":true");
        if (sp[i].flags & SANCTAG_SPAN_SUPPRESSOR)
            rc |= PUT(",\"suppressor\":true");
        if (o->sentences) {
            rc |= PUT(",\"sentence\":");
            rc |= sanctagp_json_put_uint(out, sp[i].sentence);
        }
        rc |= PUT("}");
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
    rc |= put_str(out, gz ? sanctag_gazetteer_version(gz) : "");
    rc |= PUT("}}\n");
#undef OFF
    if (conv != conv_small)
        free(conv);
    sanctagp_buf_release(&tmp);
    return rc ? SANCTAG_E_NOMEM : 0;
}
