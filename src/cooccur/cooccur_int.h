/* cooccur_int.h - private to src/cooccur/: the table every file of the layer
 * shares (interning maps, rows, the counting state), the sorted views the
 * writers read, and the helpers more than one file needs. The layer's
 * interface is cooccur.h; nothing outside src/cooccur/ includes this. */
#ifndef SANCTAG_COOCCUR_INT_H
#define SANCTAG_COOCCUR_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cooccur/cooccur.h"
#include "util/error.h"
#include "util/mem.h"

#define GROW(arr, cap, need) sanctagp_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

static inline char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* qsort() that accepts an empty (possibly NULL) array. */
static inline void sort_n(void *base, size_t n, size_t size,
                          int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* Widens [*first, *last] to include [f, l]; 0 = no date. */
static inline void seen(int32_t *first, int32_t *last, int32_t f, int32_t l)
{
    if (f && (!*first || f < *first))
        *first = f;
    if (l && l > *last)
        *last = l;
}

static inline const char *opt_str(const char *s)
{
    return s ? s : "";
}

/* ------------------------------------------------------------------------- */
/* Interning maps (table.c)                                                   */

/* String interning: keys[i] is the i-th distinct string added (owned).
 * Invariant: slot[] has a power-of-two size >= 2 * n; slot value 0 is empty,
 * otherwise index + 1. */
typedef struct strmap {
    char **keys;
    size_t n, cap;
    uint32_t *slot;
    size_t nslot;
} strmap;

/* Map from a pair of 64-bit integers to a row index (same invariant). */
typedef struct imap {
    uint64_t *kx, *ky;
    uint32_t *val;
    size_t nslot, n;
} imap;

/* Index of `s`, or -1. */
long sanctagp_cooc_strmap_find(const strmap *m, const char *s);
/* Row index for (x, y), or -1. */
long sanctagp_cooc_imap_find(const imap *m, uint64_t x, uint64_t y);

/* ------------------------------------------------------------------------- */
/* The table (table.c)                                                        */

typedef struct node_info {
    char *name, *label, *country; /* NULL when never seen */
} node_info;

/* Counts of one node in one period. */
typedef struct ent_row {
    uint32_t period, node;
    uint64_t count, docs;
    int32_t first, last; /* yyyymmdd, 0 = no dated unit */
} ent_row;

/* Counts of one unordered pair in one period. Invariant: a < b (node index). */
typedef struct pair_row {
    uint32_t period, a, b;
    uint64_t count, docs;
    int32_t first, last;
} pair_row;

typedef struct mention {
    uint32_t node, sentence, tf, te;
} mention;

struct sanctagp_cooc {
    sanctagp_cooc_opts o;
    sanctagp_cooc_totals t;
    char **labelv; /* parsed o.labels */
    size_t nlabel;
    strmap nodes;
    node_info *ni;
    size_t ni_cap;
    strmap periods;
    uint64_t *p_units, *p_docs;
    size_t pu_cap, pd_cap;
    imap entmap;
    ent_row *ents;
    size_t nents, ents_cap;
    imap pairmap;
    pair_row *pairs;
    size_t npairs, pairs_cap;
    strmap gaz;
    uint64_t conflicts;
    sanctagp_cooc_conflict conflict_ex[4]; /* the first conflicts (owned strings) */
    size_t nconflict_ex;
    uint64_t doc_no; /* documents listed so far */
    size_t unit_limit; /* most distinct nodes in one unit (0: none) */
    sanctagp_cooc_doc_sink sink;
    void *sink_data;
    /* the document being counted */
    int in_doc;
    json_t *d_id;
    char *d_date_raw;
    int32_t d_ymd;
    uint32_t d_period;
    mention *m;
    size_t nm, m_cap;
    uint64_t *k1, *k2; /* scratch keys */
    size_t k1_cap, k2_cap;
    sanctagp_cooc_docent *de;
    size_t de_cap;
    sanctagp_cooc_docpair *dp;
    size_t dp_cap;
};

/* Node `key` (added when new); name/label/country keep the smallest value
 * seen, differences count as conflicts. */
int sanctagp_cooc_node_get(sanctagp_cooc *c, const char *key, const char *name,
                           const char *label, const char *country, uint32_t *ret);
/* Period `key` (added when new, with zero counts). */
int sanctagp_cooc_period_get(sanctagp_cooc *c, const char *key, uint32_t *ret);
/* Adds counts to the row of (period, node) / (period, {a, b}). */
int sanctagp_cooc_ent_add(sanctagp_cooc *c, uint32_t period, uint32_t node, uint64_t count,
                          uint64_t docs, int32_t first, int32_t last);
int sanctagp_cooc_pair_add(sanctagp_cooc *c, uint32_t period, uint32_t a, uint32_t b,
                           uint64_t count, uint64_t docs, int32_t first, int32_t last);

/* ------------------------------------------------------------------------- */
/* Dates (dates.c)                                                            */

/* Writes yyyymmdd `ymd` as "YYYY-MM-DD". */
void sanctagp_cooc_ymd_str(int32_t ymd, char out[16]);
/* Parses "YYYY-MM-DD" (as written by ymd_str) into yyyymmdd; 0 if not. */
int32_t sanctagp_cooc_ymd_parse(const char *s);
/* `buf` holding "YYYY-MM-DD", or NULL for 0. */
const char *sanctagp_cooc_date_or_null(int32_t ymd, char buf[16]);
/* First and last day of a period key; 0 for "all"/"unknown"/bad keys. */
void sanctagp_cooc_period_bounds(const char *key, int32_t *ret_first, int32_t *ret_last);

/* ------------------------------------------------------------------------- */
/* The self-description of JSONL and SQLite outputs (meta.c)                  */

extern const char *const sanctagp_cooc_window_names[3];
extern const char *const sanctagp_cooc_by_names[2];
extern const char *const sanctagp_cooc_period_names[5];

/* The meta object (new reference), or NULL when out of memory. */
json_t *sanctagp_cooc_meta_json(const sanctagp_cooc *c, const sanctagp_cooc_out *o);
/* Reads the counting options of a meta object; `src` names it in errors. */
int sanctagp_cooc_opts_from_meta(json_t *m, sanctagp_cooc_opts *o, const char *src,
                                 sanctag_error *err);
/* Adds a meta object's totals and gazetteer versions to `c`. Returns 0, -1
 * when the totals are missing, or SANCTAG_E_NOMEM. */
int sanctagp_cooc_merge_totals(sanctagp_cooc *c, json_t *m);
/* o[field] as a non-negative integer: 0, or -1 when missing or not one. */
int sanctagp_cooc_json_uint(json_t *o, const char *field, uint64_t *ret);

/* ------------------------------------------------------------------------- */
/* Sorted, scored views for output (views.c)                                  */

/* A pair row oriented by key (a < b) and scored. */
typedef struct prow {
    uint32_t row, a, b;
    uint64_t ca, cb;
    double npmi; /* rounded to 6 decimals */
} prow;

typedef struct view {
    uint32_t *node_rank, *period_rank;
    uint32_t *node_order, *period_order; /* indexes sorted by key */
    uint64_t *n_count, *n_docs;
    int32_t *n_first, *n_last;
    prow *p; /* kept pairs, output order */
    size_t np;
    uint32_t *e; /* entity rows, (period, key) order */
    size_t ne;
} view;

/* Builds the view. `o` NULL = no filters. `entity_sort`: 0 entity rows by
 * (period, key) unfiltered; 1 by (period, count desc, key) with the filters. */
int sanctagp_cooc_view_build(const sanctagp_cooc *c, const sanctagp_cooc_out *o, int entity_sort,
                             view *v);
void sanctagp_cooc_view_release(view *v);
/* Re-sorts v->p by (a, b, period): each edge's periods together. */
void sanctagp_cooc_view_sort_edges(const sanctagp_cooc *c, view *v);
/* The name written for node `n` (by country, an unnamed node is its code). */
const char *sanctagp_cooc_node_name(const sanctagp_cooc *c, uint32_t n);

#endif
