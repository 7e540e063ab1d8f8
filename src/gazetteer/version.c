/* version.c - the content version: a hash of every entity and alias row, so
 * equal content gives an equal version whoever built it: FNV-1a over every
 * entity (ordered by key) and every alias (ordered by entity key and text),
 * each column's text followed by 0x1f and each row by 0x1e, the bytes
 *   SELECT key, label, name, country, valid_from, valid_to, listed, programs,
 *          list_source, list_ref, listed_on, attrs FROM entity ORDER BY key
 *   SELECT e.key, a.text, a.lang, a.kind, a.case_policy, a.accents FROM alias a
 *          JOIN entity e ON e.id = a.entity_id ORDER BY e.key, a.text
 * give, then the links applied (curated key, list entity key) by curated key
 * when any is. From the rows read once (rows.h): only the aliases of one entity are
 * ever compared. The hash, a byte at a time, runs on a thread of its own
 * while the matcher is compiled (refresh.c). */
#include "util/hash.h"
#include "gazetteer/rows.h"

#include <stdlib.h>
#include <string.h>

/* a row's columns, each followed by 0x1f, then 0x1e */
static uint64_t fnv_row(uint64_t h, const char *p, const uint32_t *len, int n)
{
    for (int i = 0; i < n; i++) {
        h = sanctagp_fnv1a(h, p, len[i]);
        h = (h ^ 0x1f) * 0x100000001b3ull;
        p += len[i] + 1;
    }
    return (h ^ 0x1e) * 0x100000001b3ull;
}

/* alias text in SQLite's BINARY order: memcmp, then the shorter first */
static int galias_text_cmp(const sanctagp_rows *g, uint32_t x, uint32_t y)
{
    const sanctagp_rowalias *a = &g->al[x], *b = &g->al[y];
    uint32_t n = a->len[AC_TEXT] < b->len[AC_TEXT] ? a->len[AC_TEXT] : b->len[AC_TEXT];
    int c = memcmp(g->buf + a->off, g->buf + b->off, n);
    return c ? c : (a->len[AC_TEXT] > b->len[AC_TEXT]) - (a->len[AC_TEXT] < b->len[AC_TEXT]);
}

/* an alias's text, for sorting the aliases of an entity that has many */
typedef struct vtext {
    const char *p;
    uint32_t len, idx;
} vtext;

static int vtext_cmp(const void *x, const void *y)
{
    const vtext *a = x, *b = y;
    int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Sorts order[b..e) (alias indices of one entity) by text. */
static int sort_texts(const sanctagp_rows *g, uint32_t *order, size_t b, size_t e)
{
    if (e - b <= 16) {
        for (size_t i = b + 1; i < e; i++) {
            uint32_t x = order[i];
            size_t k = i;
            while (k > b && galias_text_cmp(g, order[k - 1], x) > 0) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = x;
        }
        return 0;
    }
    vtext *t = malloc((e - b) * sizeof *t);
    if (!t)
        return SANCTAG_E_NOMEM;
    for (size_t i = b; i < e; i++)
        t[i - b] = (vtext){g->buf + g->al[order[i]].off, g->al[order[i]].len[AC_TEXT], order[i]};
    qsort(t, e - b, sizeof *t, vtext_cmp);
    for (size_t i = b; i < e; i++)
        order[i] = t[i - b].idx;
    free(t);
    return 0;
}

int sanctagp_rows_version(const sanctagp_rows *g, uint64_t *ret)
{
    size_t n = g->nent;
    int rc = 0;
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);   /* by entity index */
    uint32_t *start = calloc(n + 1, sizeof *start);        /* aliases per rank, summed */
    uint32_t *order = malloc((g->nal ? g->nal : 1) * sizeof *order);
    if (!rank || !start || !order || g->nal >= UINT32_MAX) {
        rc = SANCTAG_E_NOMEM;
        goto out;
    }
    for (size_t r = 0; r < n; r++)
        rank[g->by_key[r]] = (uint32_t)r;
    /* aliases by their entity's rank (a counting sort), then by text; those
     * of no entity are left out, as the join leaves them out */
    size_t nal = 0;
    for (size_t i = 0; i < g->nal; i++)
        if (g->al[i].ent != ROWS_NONE) {
            start[rank[g->al[i].ent] + 1]++;
            nal++;
        }
    for (size_t r = 0; r < n; r++)
        start[r + 1] += start[r];
    for (size_t i = 0; i < g->nal; i++)
        if (g->al[i].ent != ROWS_NONE)
            order[start[rank[g->al[i].ent]]++] = (uint32_t)i;
    /* start[r] is now where rank r + 1 begins: each entity's aliases by text */
    for (size_t r = 0, b = 0; r < n; b = start[r++])
        if (start[r] - b > 1 && (rc = sort_texts(g, order, b, start[r])))
            goto out;
    uint64_t h = 0xcbf29ce484222325ull;
    /* rows in key order are all over memory: fetch a few ahead */
    enum { AHEAD = 8 };
    for (size_t r = 0; r < n; r++) {
        if (r + 2 * AHEAD < n)
            __builtin_prefetch(&g->ent[g->by_key[r + 2 * AHEAD]]);
        if (r + AHEAD < n)
            __builtin_prefetch(g->buf + g->ent[g->by_key[r + AHEAD]].off);
        const sanctagp_rowent *e = &g->ent[g->by_key[r]];
        h = fnv_row(h, g->buf + e->off, e->len, EC_N);
    }
    for (size_t i = 0; i < nal; i++) {
        if (i + 3 * AHEAD < nal)
            __builtin_prefetch(&g->al[order[i + 3 * AHEAD]]);
        if (i + 2 * AHEAD < nal) {
            const sanctagp_rowalias *f = &g->al[order[i + 2 * AHEAD]];
            __builtin_prefetch(g->buf + f->off);
            __builtin_prefetch(&g->ent[f->ent]);
        }
        if (i + AHEAD < nal)
            __builtin_prefetch(g->buf + g->ent[g->al[order[i + AHEAD]].ent].off);
        const sanctagp_rowalias *a = &g->al[order[i]];
        const sanctagp_rowent *e = &g->ent[a->ent];
        h = sanctagp_fnv1a(h, g->buf + e->off, e->len[EC_KEY]); /* e.key first, as in the join */
        h = (h ^ 0x1f) * 0x100000001b3ull;
        h = fnv_row(h, g->buf + a->off, a->len, AC_N);
    }
    /* the links applied (rows.h), in their order (by curated key), when
     * there are any: links of which one end is absent change nothing */
    for (size_t i = 0; i < g->nlinks; i++) {
        const sanctagp_rowent *c = &g->ent[g->links[i].cur], *l = &g->ent[g->links[i].list];
        h = sanctagp_fnv1a(h, g->buf + c->off, c->len[EC_KEY]);
        h = (h ^ 0x1f) * 0x100000001b3ull;
        h = sanctagp_fnv1a(h, g->buf + l->off, l->len[EC_KEY]);
        h = (h ^ 0x1e) * 0x100000001b3ull;
    }
    *ret = h;
out:
    free(rank);
    free(start);
    free(order);
    return rc;
}
