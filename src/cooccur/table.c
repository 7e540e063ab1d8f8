/* table.c - the co-occurrence table: string interning (node keys, period
 * keys, gazetteer versions), the (period, node) and (period, pair) row maps,
 * and the rows' counts, which only ever add up. See cooccur.h for the model. */
#include <string.h>
#include <strings.h>

#include "cooccur/cooccur_int.h"
#include "util/hash.h"

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_str(const char *s)
{
    return mix64(sanctagp_fnv1a(SANCTAGP_FNV1A_SEED, s, strlen(s)));
}

static void strmap_release(strmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

static int strmap_rehash(strmap *m, size_t nslot)
{
    uint32_t *ns = calloc(nslot, sizeof *ns);
    if (!ns)
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        size_t h = (size_t)hash_str(m->keys[i]) & (nslot - 1);
        while (ns[h])
            h = (h + 1) & (nslot - 1);
        ns[h] = (uint32_t)(i + 1);
    }
    free(m->slot);
    m->slot = ns;
    m->nslot = nslot;
    return 0;
}

long sanctagp_cooc_strmap_find(const strmap *m, const char *s)
{
    if (!m->nslot)
        return -1;
    size_t h = (size_t)hash_str(s) & (m->nslot - 1);
    while (m->slot[h]) {
        uint32_t i = m->slot[h] - 1;
        if (strcmp(m->keys[i], s) == 0)
            return i;
        h = (h + 1) & (m->nslot - 1);
    }
    return -1;
}

/* Index of `s`, added when new (*ret_new = 1). Returns 0 or SANCTAG_E_NOMEM. */
static int strmap_intern(strmap *m, const char *s, uint32_t *ret_i, int *ret_new)
{
    long f = sanctagp_cooc_strmap_find(m, s);
    if (ret_new)
        *ret_new = f < 0;
    if (f >= 0) {
        *ret_i = (uint32_t)f;
        return 0;
    }
    if (m->n >= UINT32_MAX - 1)
        return SANCTAG_E_TOOBIG;
    if ((m->n + 1) * 2 > m->nslot && strmap_rehash(m, m->nslot ? m->nslot * 2 : 64))
        return SANCTAG_E_NOMEM;
    if (GROW(m->keys, m->cap, m->n + 1))
        return SANCTAG_E_NOMEM;
    char *k = xstrdup(s);
    if (!k)
        return SANCTAG_E_NOMEM;
    m->keys[m->n] = k;
    size_t h = (size_t)hash_str(s) & (m->nslot - 1);
    while (m->slot[h])
        h = (h + 1) & (m->nslot - 1);
    m->slot[h] = (uint32_t)(m->n + 1);
    *ret_i = (uint32_t)m->n++;
    return 0;
}

static void imap_release(imap *m)
{
    free(m->kx);
    free(m->ky);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static size_t imap_hash(uint64_t x, uint64_t y)
{
    return (size_t)mix64(x * 0x9e3779b97f4a7c15ULL ^ mix64(y));
}

static int imap_rehash(imap *m, size_t nslot)
{
    uint64_t *kx = malloc(nslot * sizeof *kx), *ky = malloc(nslot * sizeof *ky);
    uint32_t *val = calloc(nslot, sizeof *val);
    if (!kx || !ky || !val) {
        free(kx);
        free(ky);
        free(val);
        return SANCTAG_E_NOMEM;
    }
    for (size_t i = 0; i < m->nslot; i++) {
        if (!m->val[i])
            continue;
        size_t h = imap_hash(m->kx[i], m->ky[i]) & (nslot - 1);
        while (val[h])
            h = (h + 1) & (nslot - 1);
        kx[h] = m->kx[i];
        ky[h] = m->ky[i];
        val[h] = m->val[i];
    }
    imap_release(m);
    m->kx = kx;
    m->ky = ky;
    m->val = val;
    m->nslot = nslot;
    return 0;
}

long sanctagp_cooc_imap_find(const imap *m, uint64_t x, uint64_t y)
{
    if (!m->nslot)
        return -1;
    size_t h = imap_hash(x, y) & (m->nslot - 1);
    while (m->val[h]) {
        if (m->kx[h] == x && m->ky[h] == y)
            return m->val[h] - 1;
        h = (h + 1) & (m->nslot - 1);
    }
    return -1;
}

/* Inserts (x, y) -> `row` (the key must be new). */
static int imap_put(imap *m, uint64_t x, uint64_t y, uint32_t row)
{
    if ((m->n + 1) * 2 > m->nslot) {
        size_t ns = m->nslot ? m->nslot * 2 : 256;
        size_t n = m->n;
        if (imap_rehash(m, ns))
            return SANCTAG_E_NOMEM;
        m->n = n;
    }
    size_t h = imap_hash(x, y) & (m->nslot - 1);
    while (m->val[h])
        h = (h + 1) & (m->nslot - 1);
    m->kx[h] = x;
    m->ky[h] = y;
    m->val[h] = row + 1;
    m->n++;
    return 0;
}

static int parse_labels(sanctagp_cooc *c)
{
    const char *s = c->o.labels;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n) {
            char **nv = realloc(c->labelv, (c->nlabel + 1) * sizeof *nv);
            if (!nv)
                return SANCTAG_E_NOMEM;
            c->labelv = nv;
            char *l = malloc(n + 1);
            if (!l)
                return SANCTAG_E_NOMEM;
            memcpy(l, s, n);
            l[n] = 0;
            c->labelv[c->nlabel++] = l;
        }
        s += n + (e ? 1 : 0);
    }
    return 0;
}

sanctagp_cooc *sanctagp_cooc_new(const sanctagp_cooc_opts *o)
{
    sanctagp_cooc *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->o = *o;
    c->unit_limit = SANCTAGP_COOC_UNIT_LIMIT;
    if (parse_labels(c)) {
        sanctagp_cooc_free(c);
        return NULL;
    }
    return c;
}

void sanctagp_cooc_free(sanctagp_cooc *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nlabel; i++)
        free(c->labelv[i]);
    free(c->labelv);
    for (size_t i = 0; i < c->nodes.n; i++) {
        free(c->ni[i].name);
        free(c->ni[i].label);
        free(c->ni[i].country);
    }
    free(c->ni);
    for (size_t i = 0; i < c->nconflict_ex; i++) {
        free((char *)c->conflict_ex[i].key);
        free((char *)c->conflict_ex[i].a);
        free((char *)c->conflict_ex[i].b);
    }
    strmap_release(&c->nodes);
    strmap_release(&c->periods);
    strmap_release(&c->gaz);
    free(c->p_units);
    free(c->p_docs);
    imap_release(&c->entmap);
    imap_release(&c->pairmap);
    free(c->ents);
    free(c->pairs);
    json_decref(c->d_id);
    free(c->d_date_raw);
    free(c->m);
    free(c->k1);
    free(c->k2);
    free(c->de);
    free(c->dp);
    free(c);
}

const sanctagp_cooc_opts *sanctagp_cooc_options(const sanctagp_cooc *c)
{
    return &c->o;
}

sanctagp_cooc_totals *sanctagp_cooc_totals_of(sanctagp_cooc *c)
{
    return &c->t;
}

void sanctagp_cooc_set_sink(sanctagp_cooc *c, sanctagp_cooc_doc_sink fn, void *data)
{
    c->sink = fn;
    c->sink_data = data;
}

size_t sanctagp_cooc_node_count(const sanctagp_cooc *c)
{
    return c->nodes.n;
}

size_t sanctagp_cooc_pair_count(const sanctagp_cooc *c)
{
    return c->npairs;
}

size_t sanctagp_cooc_period_count(const sanctagp_cooc *c)
{
    return c->periods.n;
}

int sanctagp_cooc_documents_listed(const sanctagp_cooc *c)
{
    return c->o.documents;
}

uint64_t sanctagp_cooc_conflicts(const sanctagp_cooc *c)
{
    return c->conflicts;
}

/* The part of key `k` after its "prefix:", or all of it. */
static const char *key_tail(const char *k)
{
    const char *colon = strchr(k, ':');
    return colon ? colon + 1 : k;
}

const char *sanctagp_cooc_suggest_node(const sanctagp_cooc *c, const char *key)
{
    const char *tail = key_tail(key);
    for (size_t i = 0; i < c->nodes.n; i++) {
        const char *k = c->nodes.keys[i];
        if (strcasecmp(k, key) == 0 || strcasecmp(key_tail(k), key) == 0 ||
            strcasecmp(k, tail) == 0)
            return k;
    }
    return NULL;
}

int sanctagp_cooc_has_node(const sanctagp_cooc *c, const char *key)
{
    return sanctagp_cooc_strmap_find(&c->nodes, key) >= 0;
}

int sanctagp_cooc_add_gazetteer(sanctagp_cooc *c, const char *version)
{
    uint32_t i;
    if (!version || !*version)
        return 0;
    return strmap_intern(&c->gaz, version, &i, NULL);
}

/* Keeps the first few conflicts as examples for the caller's warning. */
static int conflict_note(sanctagp_cooc *c, const char *key, const char *field, const char *a,
                         const char *b)
{
    size_t n = c->nconflict_ex;
    if (n >= sizeof c->conflict_ex / sizeof *c->conflict_ex)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(c->conflict_ex[i].key, key) == 0 && strcmp(c->conflict_ex[i].field, field) == 0)
            return 0; /* one example per entity and field */
    sanctagp_cooc_conflict *x = &c->conflict_ex[n];
    x->field = field; /* a literal */
    if (!(x->key = xstrdup(key)) || !(x->a = xstrdup(a)) || !(x->b = xstrdup(b))) {
        free((char *)x->key);
        free((char *)x->a);
        memset(x, 0, sizeof *x);
        return SANCTAG_E_NOMEM;
    }
    c->nconflict_ex++;
    return 0;
}

size_t sanctagp_cooc_conflict_examples(const sanctagp_cooc *c, const sanctagp_cooc_conflict **ret)
{
    *ret = c->conflict_ex;
    return c->nconflict_ex;
}

/* Keeps the smallest non-empty value: commutative, so merge order does not
 * matter. Different values are counted as conflicts, the first few of them
 * with node `key` and `what` (a literal: "name", "label", "country"). */
static int meta_set(sanctagp_cooc *c, const char *key, const char *what, char **field,
                    const char *v)
{
    if (!v || !*v)
        return 0;
    if (!*field) {
        *field = xstrdup(v);
        return *field ? 0 : SANCTAG_E_NOMEM;
    }
    int cmp = strcmp(v, *field);
    if (cmp == 0)
        return 0;
    c->conflicts++;
    int rc = conflict_note(c, key, what, cmp < 0 ? v : *field, cmp < 0 ? *field : v);
    if (rc)
        return rc;
    if (cmp < 0) {
        char *n = xstrdup(v);
        if (!n)
            return SANCTAG_E_NOMEM;
        free(*field);
        *field = n;
    }
    return 0;
}

int sanctagp_cooc_node_get(sanctagp_cooc *c, const char *key, const char *name, const char *label,
                    const char *country, uint32_t *ret)
{
    int isnew, rc = strmap_intern(&c->nodes, key, ret, &isnew);
    if (rc)
        return rc;
    if (isnew) {
        if (GROW(c->ni, c->ni_cap, c->nodes.n))
            return SANCTAG_E_NOMEM;
        memset(&c->ni[*ret], 0, sizeof c->ni[*ret]);
    }
    node_info *ni = &c->ni[*ret];
    if ((rc = meta_set(c, key, "name", &ni->name, name)) ||
        (rc = meta_set(c, key, "label", &ni->label, label)) ||
        (rc = meta_set(c, key, "country", &ni->country, country)))
        return rc;
    return 0;
}

int sanctagp_cooc_period_get(sanctagp_cooc *c, const char *key, uint32_t *ret)
{
    int isnew, rc = strmap_intern(&c->periods, key, ret, &isnew);
    if (rc)
        return rc;
    if (isnew) {
        if (GROW(c->p_units, c->pu_cap, c->periods.n) || GROW(c->p_docs, c->pd_cap, c->periods.n))
            return SANCTAG_E_NOMEM;
        c->p_units[*ret] = c->p_docs[*ret] = 0;
    }
    return 0;
}

/* Row of (x, y) in `map`, appended zeroed to *rows (n rows of `size` bytes)
 * when new (*ret_new = 1). */
static int row_get(imap *map, void **rows, size_t *n, size_t *cap, size_t size, uint64_t x,
                   uint64_t y, long *ret, int *ret_new)
{
    long r = sanctagp_cooc_imap_find(map, x, y);
    *ret_new = r < 0;
    if (r < 0) {
        if (*n >= UINT32_MAX - 1)
            return SANCTAG_E_TOOBIG;
        if (sanctagp_grow(rows, cap, *n + 1, size) || imap_put(map, x, y, (uint32_t)*n))
            return SANCTAG_E_NOMEM;
        r = (long)(*n)++;
        memset((char *)*rows + (size_t)r * size, 0, size);
    }
    *ret = r;
    return 0;
}

int sanctagp_cooc_ent_add(sanctagp_cooc *c, uint32_t period, uint32_t node, uint64_t count,
                          uint64_t docs, int32_t first, int32_t last)
{
    long r;
    int isnew, rc = row_get(&c->entmap, (void **)&c->ents, &c->nents, &c->ents_cap,
                            sizeof *c->ents, period, node, &r, &isnew);
    if (rc)
        return rc;
    ent_row *e = &c->ents[r];
    if (isnew) {
        e->period = period;
        e->node = node;
    }
    e->count += count;
    e->docs += docs;
    seen(&e->first, &e->last, first, last);
    return 0;
}

int sanctagp_cooc_pair_add(sanctagp_cooc *c, uint32_t period, uint32_t a, uint32_t b,
                           uint64_t count, uint64_t docs, int32_t first, int32_t last)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    long r;
    int isnew, rc = row_get(&c->pairmap, (void **)&c->pairs, &c->npairs, &c->pairs_cap,
                            sizeof *c->pairs, period, (uint64_t)a << 32 | b, &r, &isnew);
    if (rc)
        return rc;
    pair_row *p = &c->pairs[r];
    if (isnew) {
        p->period = period;
        p->a = a;
        p->b = b;
    }
    p->count += count;
    p->docs += docs;
    seen(&p->first, &p->last, first, last);
    return 0;
}
