/* write_jsonl.c - the JSON Lines output: a meta line, then period, entity and
 * pair records, then the document listing (also the sink that spools it). */
#include <stdio.h>

#include "cooccur/cooccur_int.h"

static json_t *jdate(int32_t ymd)
{
    char b[16];
    const char *s = sanctagp_cooc_date_or_null(ymd, b);
    return s ? json_string(s) : json_null();
}

static json_t *jstr_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static int put_json(FILE *f, json_t *j)
{
    if (!j)
        return SANCTAG_E_NOMEM;
    int rc = json_dumpf(j, f, JSON_COMPACT | JSON_REAL_PRECISION(15)) ? SANCTAG_E_IO : 0;
    json_decref(j);
    if (!rc && fputc('\n', f) == EOF)
        rc = SANCTAG_E_IO;
    return rc;
}

#define JINT(v) json_integer((json_int_t)(v))

/* A record of type `type` in period `period`: the fields every record starts with. */
static json_t *record_json(const char *type, const char *period)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "period", json_string(period));
    return o;
}

/* The node fields: `key_field` = the key, then <prefix>name, <prefix>label,
 * <prefix>country. */
static void node_fields(json_t *o, const sanctagp_cooc *c, uint32_t n, const char *key_field,
                        const char *prefix)
{
    char name[16];
    json_object_set_new(o, key_field, json_string(c->nodes.keys[n]));
    snprintf(name, sizeof name, "%sname", prefix);
    json_object_set_new(o, name, json_string(sanctagp_cooc_node_name(c, n)));
    snprintf(name, sizeof name, "%slabel", prefix);
    json_object_set_new(o, name, jstr_or_null(c->ni[n].label));
    snprintf(name, sizeof name, "%scountry", prefix);
    json_object_set_new(o, name, jstr_or_null(c->ni[n].country));
}

static void seen_fields(json_t *o, int32_t first, int32_t last)
{
    json_object_set_new(o, "first_seen", jdate(first));
    json_object_set_new(o, "last_seen", jdate(last));
}

static json_t *period_json(const sanctagp_cooc *c, uint32_t p)
{
    const char *key = c->periods.keys[p];
    int32_t first, last;
    sanctagp_cooc_period_bounds(key, &first, &last);
    json_t *o = record_json("period", key);
    if (!o)
        return NULL;
    json_object_set_new(o, "start", jdate(first));
    json_object_set_new(o, "end", jdate(last));
    json_object_set_new(o, "units", JINT(c->p_units[p]));
    json_object_set_new(o, "documents", JINT(c->p_docs[p]));
    return o;
}

static json_t *entity_json(const sanctagp_cooc *c, const ent_row *e)
{
    json_t *o = record_json("entity", c->periods.keys[e->period]);
    if (!o)
        return NULL;
    node_fields(o, c, e->node, "key", "");
    json_object_set_new(o, "count", JINT(e->count));
    json_object_set_new(o, "documents", JINT(e->docs));
    seen_fields(o, e->first, e->last);
    return o;
}

static json_t *pair_json(const sanctagp_cooc *c, const prow *p)
{
    const pair_row *r = &c->pairs[p->row];
    json_t *o = record_json("pair", c->periods.keys[r->period]);
    if (!o)
        return NULL;
    node_fields(o, c, p->a, "a", "a_");
    node_fields(o, c, p->b, "b", "b_");
    json_object_set_new(o, "count", JINT(r->count));
    json_object_set_new(o, "documents", JINT(r->docs));
    json_object_set_new(o, "a_count", JINT(p->ca));
    json_object_set_new(o, "b_count", JINT(p->cb));
    json_object_set_new(o, "units", JINT(c->p_units[r->period]));
    json_object_set_new(o, "total_documents", JINT(c->p_docs[r->period]));
    json_object_set_new(o, "npmi", json_real(p->npmi));
    seen_fields(o, r->first, r->last);
    return o;
}

int sanctagp_cooc_doc_sink_jsonl(void *file, const sanctagp_cooc_doc *d)
{
    json_t *o = json_object(), *ents = json_array(), *pairs = json_array();
    if (!o || !ents || !pairs) {
        json_decref(o);
        json_decref(ents);
        json_decref(pairs);
        return SANCTAG_E_NOMEM;
    }
    json_object_set_new(o, "type", json_string("document"));
    json_object_set_new(o, "doc", JINT(d->doc));
    json_object_set(o, "id", d->id ? d->id : json_null());
    json_object_set_new(o, "date", d->date ? json_string(d->date) : json_null());
    json_object_set_new(o, "date_raw", d->date_raw ? json_string(d->date_raw) : json_null());
    json_object_set_new(o, "period", json_string(d->period));
    json_object_set_new(o, "units", JINT(d->units));
    json_object_set_new(o, "error", d->error ? json_string(d->error) : json_null());
    for (size_t i = 0; i < d->nent; i++)
        json_array_append_new(ents, json_pack("[sI]", d->ent[i].key, (json_int_t)d->ent[i].units));
    for (size_t i = 0; i < d->npair; i++)
        json_array_append_new(pairs, json_pack("[ssI]", d->pair[i].a, d->pair[i].b,
                                               (json_int_t)d->pair[i].units));
    json_object_set_new(o, "entities", ents);
    json_object_set_new(o, "pairs", pairs);
    return put_json(file, o);
}

/* The first line: the meta object, typed "meta". */
static int put_meta(FILE *f, const sanctagp_cooc *c, const sanctagp_cooc_out *o)
{
    json_t *m = sanctagp_cooc_meta_json(c, o);
    if (!m)
        return SANCTAG_E_NOMEM;
    json_t *typed = json_object();
    if (typed) {
        json_object_set_new(typed, "type", json_string("meta"));
        json_object_update(typed, m);
    }
    json_decref(m);
    return put_json(f, typed);
}

/* The document records, spooled while counting, go last. */
static int copy_spool(FILE *f, FILE *doc_spool)
{
    char buf[65536];
    size_t n;
    int rc = 0;
    if (fflush(doc_spool) || fseek(doc_spool, 0, SEEK_SET))
        rc = SANCTAG_E_IO;
    while (!rc && (n = fread(buf, 1, sizeof buf, doc_spool)) > 0)
        if (fwrite(buf, 1, n, f) != n)
            rc = SANCTAG_E_IO;
    if (!rc && ferror(doc_spool))
        rc = SANCTAG_E_IO;
    return rc;
}

int sanctagp_cooc_write_jsonl(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o,
                              FILE *doc_spool)
{
    view v;
    if (sanctagp_cooc_view_build(c, o, 0, &v))
        return SANCTAG_E_NOMEM;
    int rc = put_meta(f, c, o);
    for (size_t i = 0; !rc && i < c->periods.n; i++)
        rc = put_json(f, period_json(c, v.period_order[i]));
    for (size_t i = 0; !rc && i < v.ne; i++)
        rc = put_json(f, entity_json(c, &c->ents[v.e[i]]));
    for (size_t i = 0; !rc && i < v.np; i++)
        rc = put_json(f, pair_json(c, &v.p[i]));
    if (!rc && doc_spool)
        rc = copy_spool(f, doc_spool);
    sanctagp_cooc_view_release(&v);
    if (!rc && ferror(f))
        rc = SANCTAG_E_IO;
    return rc;
}
