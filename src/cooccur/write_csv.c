/* write_csv.c - the CSV output: one row per pair (or per entity with
 * --entities) and period, RFC 4180 quoting. */
#include <stdio.h>
#include <string.h>

#include "cooccur/cooccur_int.h"

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The node columns: ",key,name,label,country". */
static void csv_node(FILE *f, const sanctagp_cooc *c, uint32_t n)
{
    fputc(',', f);
    csv_field(f, c->nodes.keys[n]);
    fputc(',', f);
    csv_field(f, sanctagp_cooc_node_name(c, n));
    fputc(',', f);
    csv_field(f, opt_str(c->ni[n].label));
    fputc(',', f);
    csv_field(f, opt_str(c->ni[n].country));
}

/* The last columns, "first_seen,last_seen\n" (empty when undated). */
static void csv_seen(FILE *f, int32_t first, int32_t last)
{
    char b[16];
    fputs(opt_str(sanctagp_cooc_date_or_null(first, b)), f);
    fputc(',', f);
    fputs(opt_str(sanctagp_cooc_date_or_null(last, b)), f);
    fputc('\n', f);
}

static void csv_entities(FILE *f, const sanctagp_cooc *c, const view *v)
{
    fputs("period,key,name,label,country,count,documents,units,total_documents,"
          "first_seen,last_seen\n", f);
    for (size_t i = 0; i < v->ne; i++) {
        const ent_row *e = &c->ents[v->e[i]];
        csv_field(f, c->periods.keys[e->period]);
        csv_node(f, c, e->node);
        fprintf(f, ",%llu,%llu,%llu,%llu,", (unsigned long long)e->count,
                (unsigned long long)e->docs, (unsigned long long)c->p_units[e->period],
                (unsigned long long)c->p_docs[e->period]);
        csv_seen(f, e->first, e->last);
    }
}

static void csv_pairs(FILE *f, const sanctagp_cooc *c, const view *v)
{
    fputs("period,a,a_name,a_label,a_country,b,b_name,b_label,b_country,count,documents,"
          "a_count,b_count,units,total_documents,npmi,first_seen,last_seen\n", f);
    for (size_t i = 0; i < v->np; i++) {
        const prow *p = &v->p[i];
        const pair_row *r = &c->pairs[p->row];
        csv_field(f, c->periods.keys[r->period]);
        csv_node(f, c, p->a);
        csv_node(f, c, p->b);
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%.6f,", (unsigned long long)r->count,
                (unsigned long long)r->docs, (unsigned long long)p->ca,
                (unsigned long long)p->cb, (unsigned long long)c->p_units[r->period],
                (unsigned long long)c->p_docs[r->period], p->npmi);
        csv_seen(f, r->first, r->last);
    }
}

int sanctagp_cooc_write_csv(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o, int entities)
{
    view v;
    if (sanctagp_cooc_view_build(c, o, entities, &v))
        return SANCTAG_E_NOMEM;
    if (entities)
        csv_entities(f, c, &v);
    else
        csv_pairs(f, c, &v);
    sanctagp_cooc_view_release(&v);
    return ferror(f) ? SANCTAG_E_IO : 0;
}
