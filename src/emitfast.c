/* emitfast.c - writes the output record of a tagged document straight into a
 * buffer: the contract of DESIGN.md, field for field in the order
 * sanctagp_doc_json() documents, without building a Jansson tree per span. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "jsonfast.h"

#define PUT(s) sanctagp_buf_append(out, s, sizeof(s) - 1)

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
    return json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) ? SANCTAG_E_NOMEM
                                                                               : 0;
}

static int offref_cmp(const void *x, const void *y)
{
    const size_t *a = *(size_t *const *)x, *b = *(size_t *const *)y;
    return (*a > *b) - (*a < *b);
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

    /* offsets in the requested unit, converted in one forward sweep */
    size_t nref = 2 * n + 2 * ns;
    size_t *conv = NULL, **refs = NULL;
    if (o->unit != OFF_BYTE && nref) {
        conv = malloc(nref * sizeof *conv);
        refs = malloc(nref * sizeof *refs);
        if (!conv || !refs) {
            free(conv);
            free(refs);
            return SANCTAG_E_NOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            conv[2 * i] = sp[i].start;
            conv[2 * i + 1] = sp[i].end;
        }
        for (size_t i = 0; i < ns; i++) {
            conv[2 * n + 2 * i] = se[i].start;
            conv[2 * n + 2 * i + 1] = se[i].end;
        }
        for (size_t i = 0; i < nref; i++)
            refs[i] = &conv[i];
        /* spans come sorted by start already; ends and sentences interleave */
        qsort(refs, nref, sizeof *refs, offref_cmp);
        size_t cb = 0, cu = 0;
        for (size_t i = 0; i < nref; i++)
            *refs[i] = sanctagp_offset_convert(text, *refs[i], o->unit, &cb, &cu);
        free(refs);
    }
#define OFF(i) (conv ? conv[i] : ((i) < 2 * n ? ((i) % 2 ? sp[(i) / 2].end : sp[(i) / 2].start) \
                                              : ((i) % 2 ? se[((i) - 2 * n) / 2].end           \
                                                         : se[((i) - 2 * n) / 2].start)))

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
        sanctag_entity e;
        if (sanctag_gazetteer_entity(gz, sp[i].entity, &e))
            continue;
        rc |= first ? PUT("{\"start\":") : PUT(",{\"start\":");
        first = 0;
        rc |= sanctagp_json_put_uint(out, OFF(2 * i));
        rc |= PUT(",\"end\":");
        rc |= sanctagp_json_put_uint(out, OFF(2 * i + 1));
        rc |= PUT(",\"text\":");
        rc |= sanctagp_json_put_string(out, text + sp[i].start, sp[i].end - sp[i].start);
        rc |= PUT(",\"label\":");
        rc |= put_str(out, e.label);
        rc |= PUT(",\"entity\":");
        rc |= put_str(out, e.key);
        rc |= PUT(",\"name\":");
        rc |= put_str(out, e.name);
        const char *cc = e.country;
        if (strcmp(e.label, "ORG") == 0) {
            sanctag_entity ce;
            cc = (sp[i].named_country != UINT32_MAX &&
                  sanctag_gazetteer_entity(gz, sp[i].named_country, &ce) == 0)
                     ? ce.country
                     : "";
        }
        if (*cc) {
            rc |= PUT(",\"country\":");
            rc |= put_str(out, cc);
        }
        rc |= PUT(",\"alias\":{\"kind\":");
        rc |= put_str(out, sp[i].alias_kind);
        if (*sp[i].alias_lang) {
            rc |= PUT(",\"lang\":");
            rc |= put_str(out, sp[i].alias_lang);
        }
        rc |= PUT("}");
        if (e.listed) {
            rc |= PUT(",\"sanctions\":{\"listed\":true,\"programs\":");
            json_t *progs = *e.programs ? json_loads(e.programs, 0, NULL) : NULL;
            if (progs && json_is_array(progs))
                rc |= put_json(out, progs);
            else
                rc |= PUT("[]");
            json_decref(progs);
            if (*e.list_source) {
                rc |= PUT(",\"source\":");
                rc |= put_str(out, e.list_source);
            }
            if (*e.list_ref) {
                rc |= PUT(",\"ref\":");
                rc |= put_str(out, e.list_ref);
            }
            if (*e.listed_on) {
                rc |= PUT(",\"listed_on\":");
                rc |= put_str(out, e.listed_on);
            }
            rc |= PUT("}");
        }
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
    free(conv);
    return rc ? SANCTAG_E_NOMEM : 0;
}
