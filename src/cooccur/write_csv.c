/* write_csv.c - the CSV output: one row per pair (or per entity with
 * --entities) and period. Text cells go through util's one cell writer
 * (sanctagp_csv_cell: RFC 4180 quoting, and a cell a spreadsheet would
 * evaluate, such as a list name =HYPERLINK(...), gets a leading single quote
 * as OWASP recommends; README "CSV and spreadsheets"). */
#include <stdio.h>
#include <string.h>

#include "cooccur/cooccur_int.h"
#include "util/csv.h"

/* Appends ",cell" (no comma when `first`). Returns 0 or -1 (no memory). */
static int cell(sanctagp_buf *b, const char *s, int first)
{
    if (!first && sanctagp_buf_append(b, ",", 1))
        return -1;
    return sanctagp_csv_cell(b, s, strlen(s), ',');
}

/* Appends ",n" for each of the `k` numbers (never neutralised: numbers). */
static int nums(sanctagp_buf *b, const uint64_t *v, size_t k)
{
    char t[24];
    for (size_t i = 0; i < k; i++) {
        int n = snprintf(t, sizeof t, ",%llu", (unsigned long long)v[i]);
        if (sanctagp_buf_append(b, t, (size_t)n))
            return -1;
    }
    return 0;
}

/* The node columns: ",key,name,label,country". */
static int csv_node(sanctagp_buf *b, const sanctagp_cooc *c, uint32_t n)
{
    return cell(b, c->nodes.keys[n], 0) || cell(b, sanctagp_cooc_node_name(c, n), 0) ||
           cell(b, opt_str(c->ni[n].label), 0) || cell(b, opt_str(c->ni[n].country), 0);
}

/* The last columns, "first_seen,last_seen\n" (empty when undated), then the
 * row goes to `f` and the buffer is emptied. */
static int csv_seen(sanctagp_buf *b, FILE *f, int32_t first, int32_t last)
{
    char d1[16], d2[16];
    if (cell(b, opt_str(sanctagp_cooc_date_or_null(first, d1)), 0) ||
        cell(b, opt_str(sanctagp_cooc_date_or_null(last, d2)), 0) ||
        sanctagp_buf_append(b, "\n", 1))
        return -1;
    fwrite(b->p, 1, b->len, f);
    b->len = 0;
    return 0;
}

static int csv_entities(sanctagp_buf *b, FILE *f, const sanctagp_cooc *c, const view *v)
{
    fputs("period,key,name,label,country,count,documents,units,total_documents,"
          "first_seen,last_seen\n", f);
    for (size_t i = 0; i < v->ne; i++) {
        const ent_row *e = &c->ents[v->e[i]];
        if (cell(b, c->periods.keys[e->period], 1) || csv_node(b, c, e->node) ||
            nums(b, (const uint64_t[]){e->count, e->docs, c->p_units[e->period],
                                       c->p_docs[e->period]}, 4) ||
            csv_seen(b, f, e->first, e->last))
            return -1;
    }
    return 0;
}

static int csv_pairs(sanctagp_buf *b, FILE *f, const sanctagp_cooc *c, const view *v)
{
    fputs("period,a,a_name,a_label,a_country,b,b_name,b_label,b_country,count,documents,"
          "a_count,b_count,units,total_documents,npmi,first_seen,last_seen\n", f);
    char npmi[32];
    for (size_t i = 0; i < v->np; i++) {
        const prow *p = &v->p[i];
        const pair_row *r = &c->pairs[p->row];
        int n = snprintf(npmi, sizeof npmi, ",%.6f", p->npmi);
        if (cell(b, c->periods.keys[r->period], 1) || csv_node(b, c, p->a) ||
            csv_node(b, c, p->b) ||
            nums(b, (const uint64_t[]){r->count, r->docs, p->ca, p->cb, c->p_units[r->period],
                                       c->p_docs[r->period]}, 6) ||
            sanctagp_buf_append(b, npmi, (size_t)n) || csv_seen(b, f, r->first, r->last))
            return -1;
    }
    return 0;
}

int sanctagp_cooc_write_csv(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o, int entities)
{
    view v;
    if (sanctagp_cooc_view_build(c, o, entities, &v))
        return SANCTAG_E_NOMEM;
    sanctagp_buf row = {0};
    int rc = entities ? csv_entities(&row, f, c, &v) : csv_pairs(&row, f, c, &v);
    sanctagp_buf_release(&row);
    sanctagp_cooc_view_release(&v);
    if (rc)
        return SANCTAG_E_NOMEM;
    return ferror(f) ? SANCTAG_E_IO : 0;
}
