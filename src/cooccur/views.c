/* views.c - sorted, scored, filtered views of the table for the writers:
 * node and period order by key, node totals over all periods, the pairs and
 * entity rows the output filters keep, in output order, with NPMI. */
#include <math.h>
#include <string.h>

#include "cooccur/cooccur_int.h"

static const sanctagp_cooc *g_sort_c; /* qsort context (writers are not reentrant) */
static const view *g_sort_v;
static int g_sort_npmi;

static int cmp_node_key(const void *x, const void *y)
{
    return strcmp(g_sort_c->nodes.keys[*(const uint32_t *)x],
                  g_sort_c->nodes.keys[*(const uint32_t *)y]);
}

static int cmp_period_key(const void *x, const void *y)
{
    return strcmp(g_sort_c->periods.keys[*(const uint32_t *)x],
                  g_sort_c->periods.keys[*(const uint32_t *)y]);
}

static int cmp_prow(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    const pair_row *ra = &g_sort_c->pairs[a->row], *rb = &g_sort_c->pairs[b->row];
    const view *v = g_sort_v;
    if (ra->period != rb->period)
        return v->period_rank[ra->period] < v->period_rank[rb->period] ? -1 : 1;
    if (g_sort_npmi && a->npmi != b->npmi)
        return a->npmi > b->npmi ? -1 : 1;
    if (ra->count != rb->count)
        return ra->count > rb->count ? -1 : 1;
    if (!g_sort_npmi && a->npmi != b->npmi)
        return a->npmi > b->npmi ? -1 : 1;
    if (a->a != b->a)
        return v->node_rank[a->a] < v->node_rank[b->a] ? -1 : 1;
    if (a->b != b->b)
        return v->node_rank[a->b] < v->node_rank[b->b] ? -1 : 1;
    return 0;
}

/* Entity rows by (period, key); with g_sort_npmi == 2 by (period, count desc, key). */
static int cmp_erow(const void *x, const void *y)
{
    const ent_row *a = &g_sort_c->ents[*(const uint32_t *)x],
                  *b = &g_sort_c->ents[*(const uint32_t *)y];
    const view *v = g_sort_v;
    if (a->period != b->period)
        return v->period_rank[a->period] < v->period_rank[b->period] ? -1 : 1;
    if (g_sort_npmi == 2 && a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->node != b->node)
        return v->node_rank[a->node] < v->node_rank[b->node] ? -1 : 1;
    return 0;
}

void sanctagp_cooc_view_release(view *v)
{
    free(v->node_rank);
    free(v->period_rank);
    free(v->node_order);
    free(v->period_order);
    free(v->n_count);
    free(v->n_docs);
    free(v->n_first);
    free(v->n_last);
    free(v->p);
    free(v->e);
    memset(v, 0, sizeof *v);
}

static uint64_t ent_count(const sanctagp_cooc *c, uint32_t period, uint32_t node)
{
    long r = sanctagp_cooc_imap_find(&c->entmap, period, node);
    return r < 0 ? 0 : c->ents[r].count;
}

static int key_in(const sanctagp_cooc *c, char **keys, size_t n, uint32_t node)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], c->nodes.keys[node]) == 0)
            return 1;
    return 0;
}

/* Whether the output filters --with/--without keep a pair (b = a for an entity row). */
static int keys_keep(const sanctagp_cooc *c, const sanctagp_cooc_out *o, uint32_t a, uint32_t b)
{
    if (!o)
        return 1;
    if (o->nwith && !key_in(c, o->with, o->nwith, a) && !key_in(c, o->with, o->nwith, b))
        return 0;
    return !key_in(c, o->without, o->nwithout, a) && !key_in(c, o->without, o->nwithout, b);
}

/* NPMI rounded to 6 decimals, as every format writes it (-0 becomes 0). */
static double npmi6(double v)
{
    double r = round(v * 1e6) / 1e6;
    return r == 0 ? 0 : r;
}

static int view_alloc(const sanctagp_cooc *c, view *v)
{
    memset(v, 0, sizeof *v);
    size_t nn = c->nodes.n, npd = c->periods.n;
    v->node_rank = calloc(nn + 1, sizeof *v->node_rank);
    v->node_order = calloc(nn + 1, sizeof *v->node_order);
    v->period_rank = calloc(npd + 1, sizeof *v->period_rank);
    v->period_order = calloc(npd + 1, sizeof *v->period_order);
    v->n_count = calloc(nn + 1, sizeof *v->n_count);
    v->n_docs = calloc(nn + 1, sizeof *v->n_docs);
    v->n_first = calloc(nn + 1, sizeof *v->n_first);
    v->n_last = calloc(nn + 1, sizeof *v->n_last);
    v->p = malloc((c->npairs + 1) * sizeof *v->p);
    v->e = malloc((c->nents + 1) * sizeof *v->e);
    if (!v->node_rank || !v->node_order || !v->period_rank || !v->period_order || !v->n_count ||
        !v->n_docs || !v->n_first || !v->n_last || !v->p || !v->e) {
        sanctagp_cooc_view_release(v);
        return SANCTAG_E_NOMEM;
    }
    return 0;
}

/* order[] = 0..n-1 sorted by `cmp`; rank[] its inverse. */
static void order_keys(uint32_t *order, uint32_t *rank, size_t n,
                       int (*cmp)(const void *, const void *))
{
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    sort_n(order, n, sizeof *order, cmp);
    for (size_t i = 0; i < n; i++)
        rank[order[i]] = (uint32_t)i;
}

/* Node totals over all periods. */
static void node_totals(const sanctagp_cooc *c, view *v)
{
    for (size_t i = 0; i < c->nents; i++) {
        const ent_row *e = &c->ents[i];
        v->n_count[e->node] += e->count;
        v->n_docs[e->node] += e->docs;
        seen(&v->n_first[e->node], &v->n_last[e->node], e->first, e->last);
    }
}

/* The pairs the filters keep, oriented by key and scored. */
static void pick_pairs(const sanctagp_cooc *c, const sanctagp_cooc_out *o, uint64_t min, view *v)
{
    for (size_t i = 0; i < c->npairs; i++) {
        const pair_row *r = &c->pairs[i];
        if (r->count < min)
            continue;
        if (!keys_keep(c, o, r->a, r->b))
            continue;
        prow *p = &v->p[v->np++];
        p->row = (uint32_t)i;
        /* a < b by key, but a --with key comes first (one that is not meets it in b) */
        int sw = v->node_rank[r->a] > v->node_rank[r->b];
        if (o && o->nwith && key_in(c, o->with, o->nwith, sw ? r->a : r->b) &&
            !key_in(c, o->with, o->nwith, sw ? r->b : r->a))
            sw = !sw;
        p->a = sw ? r->b : r->a;
        p->b = sw ? r->a : r->b;
        p->ca = ent_count(c, r->period, p->a);
        p->cb = ent_count(c, r->period, p->b);
        p->npmi = npmi6(sanctagp_npmi(r->count, p->ca, p->cb, c->p_units[r->period]));
    }
}

static uint32_t prow_period(const sanctagp_cooc *c, const void *row)
{
    return c->pairs[((const prow *)row)->row].period;
}

static uint32_t erow_period(const sanctagp_cooc *c, const void *row)
{
    return c->ents[*(const uint32_t *)row].period;
}

/* Keeps the first `top` of each period's run of rows[0..n) (rows of `size`
 * bytes, sorted by period); returns the new length. */
static size_t keep_top(const sanctagp_cooc *c, void *rows, size_t n, size_t size,
                       uint32_t (*period_of)(const sanctagp_cooc *, const void *), uint64_t top)
{
    char *b = rows;
    size_t w = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && period_of(c, b + i * size) != period_of(c, b + (i - 1) * size))
            run = 0;
        if (run++ < top) {
            if (w != i)
                memcpy(b + w * size, b + i * size, size);
            w++;
        }
    }
    return w;
}

int sanctagp_cooc_view_build(const sanctagp_cooc *c, const sanctagp_cooc_out *o, int entity_sort,
                             view *v)
{
    if (view_alloc(c, v))
        return SANCTAG_E_NOMEM;
    g_sort_c = c;
    g_sort_v = v;
    order_keys(v->node_order, v->node_rank, c->nodes.n, cmp_node_key);
    order_keys(v->period_order, v->period_rank, c->periods.n, cmp_period_key);
    node_totals(c, v);
    uint64_t min = o && o->min_count > 1 ? o->min_count : 1;
    pick_pairs(c, o, min, v);
    g_sort_npmi = o && o->sort_npmi;
    sort_n(v->p, v->np, sizeof *v->p, cmp_prow);
    if (o && o->top)
        v->np = keep_top(c, v->p, v->np, sizeof *v->p, prow_period, o->top);
    for (size_t i = 0; i < c->nents; i++) {
        if (entity_sort) {
            if (c->ents[i].count < min)
                continue;
            if (!keys_keep(c, o, c->ents[i].node, c->ents[i].node))
                continue;
        }
        v->e[v->ne++] = (uint32_t)i;
    }
    g_sort_npmi = entity_sort ? 2 : 0;
    sort_n(v->e, v->ne, sizeof *v->e, cmp_erow);
    if (entity_sort && o && o->top)
        v->ne = keep_top(c, v->e, v->ne, sizeof *v->e, erow_period, o->top);
    return 0;
}

static int cmp_prow_ab(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    const view *v = g_sort_v;
    if (a->a != b->a)
        return v->node_rank[a->a] < v->node_rank[b->a] ? -1 : 1;
    if (a->b != b->b)
        return v->node_rank[a->b] < v->node_rank[b->b] ? -1 : 1;
    uint32_t pa = g_sort_c->pairs[a->row].period, pb = g_sort_c->pairs[b->row].period;
    return v->period_rank[pa] < v->period_rank[pb] ? -1 : v->period_rank[pa] > v->period_rank[pb];
}

void sanctagp_cooc_view_sort_edges(const sanctagp_cooc *c, view *v)
{
    g_sort_c = c;
    g_sort_v = v;
    sort_n(v->p, v->np, sizeof *v->p, cmp_prow_ab);
}

const char *sanctagp_cooc_node_name(const sanctagp_cooc *c, uint32_t n)
{
    const char *s = c->ni[n].name;
    if (s)
        return s;
    return c->o.by == COOC_BY_COUNTRY ? c->nodes.keys[n] : "";
}
