/* count.c - counting one document at a time: its date and period, the
 * mentions kept (label and country selection), and at doc_end the units,
 * nodes and pairs added to the table and the document's listing; NPMI. */
#include <math.h>
#include <string.h>

#include "cooccur/cooccur_int.h"

int sanctagp_cooc_doc_begin(sanctagp_cooc *c, json_t *id, const char *date_raw, int date_ok)
{
    json_decref(c->d_id);
    free(c->d_date_raw);
    c->d_id = id ? json_incref(id) : NULL;
    c->d_date_raw = NULL;
    c->nm = 0;
    c->d_ymd = 0;
    c->in_doc = 1;
    if (date_raw) {
        int32_t ymd = 0;
        int st = sanctagp_cooc_parse_date(date_raw, strlen(date_raw), c->o.date_order, &ymd);
        if (st == COOC_DATE_OK) {
            c->d_ymd = ymd;
            c->t.dated++;
        } else if (st == COOC_DATE_AMBIGUOUS) {
            c->t.ambiguous_dates++;
        } else {
            c->t.unparsed_dates++;
        }
        if (c->o.documents && !(c->d_date_raw = xstrdup(date_raw)))
            return SANCTAG_E_NOMEM;
    } else if (date_ok) {
        c->t.undated++;
    } else {
        c->t.unparsed_dates++; /* a date field that is not a string */
    }
    char key[16];
    sanctagp_cooc_period_key(c->o.period, c->d_ymd, key);
    return sanctagp_cooc_period_get(c, key, &c->d_period);
}

static int label_selected(const sanctagp_cooc *c, const char *label)
{
    if (!c->nlabel)
        return 1;
    for (size_t i = 0; i < c->nlabel; i++)
        if (label && strcmp(c->labelv[i], label) == 0)
            return 1;
    return 0;
}

int sanctagp_cooc_doc_mention(sanctagp_cooc *c, const char *key, const char *name,
                              const char *label, const char *country, uint32_t sentence,
                              uint32_t tok_first, uint32_t tok_end)
{
    if (!key || !*key)
        return 0;
    if (!label_selected(c, label)) {
        c->t.mentions_unlabelled++;
        return 0;
    }
    uint32_t node;
    int rc;
    if (c->o.by == COOC_BY_COUNTRY) {
        if (!country || !*country) {
            c->t.mentions_no_country++;
            return 0;
        }
        /* the node is named after a COUNTRY entity of that code, when one is seen */
        int is_country = label && strcmp(label, "COUNTRY") == 0;
        rc =
            sanctagp_cooc_node_get(c, country, is_country ? name : NULL, "COUNTRY", country, &node);
    } else {
        rc = sanctagp_cooc_node_get(c, key, name, label, country, &node);
    }
    if (rc)
        return rc;
    if (GROW(c->m, c->m_cap, c->nm + 1))
        return SANCTAG_E_NOMEM;
    mention *m = &c->m[c->nm++];
    m->node = node;
    m->sentence = sentence;
    m->tf = tok_first;
    m->te = tok_end > tok_first ? tok_end : tok_first + 1;
    c->t.mentions++;
    return 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static int cmp_mention_tf(const void *x, const void *y)
{
    const mention *a = x, *b = y;
    if (a->tf != b->tf)
        return a->tf < b->tf ? -1 : 1;
    return a->node < b->node ? -1 : a->node > b->node;
}

/* Sorts k[0..n) and removes duplicates; returns the new length. */
static size_t sort_unique(uint64_t *k, size_t n)
{
    if (n < 2)
        return n;
    sort_n(k, n, sizeof *k, cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (k[i] != k[w - 1])
            k[w++] = k[i];
    return w;
}

static int cmp_docent(const void *x, const void *y)
{
    return strcmp(((const sanctagp_cooc_docent *)x)->key, ((const sanctagp_cooc_docent *)y)->key);
}

static int cmp_docpair(const void *x, const void *y)
{
    const sanctagp_cooc_docpair *a = x, *b = y;
    int r = strcmp(a->a, b->a);
    return r ? r : strcmp(a->b, b->b);
}

/* k1: one key per (unit, node) mentioned, sorted and unique; *ret_nk keys. */
static int unit_keys(sanctagp_cooc *c, uint64_t nsentences, size_t *ret_nk, sanctag_error *err)
{
    int sent = c->o.window == COOC_WIN_SENTENCE;
    if (GROW(c->k1, c->k1_cap, c->nm + 1))
        return SANCTAG_E_NOMEM;
    for (size_t i = 0; i < c->nm; i++) {
        if (sent && c->m[i].sentence >= nsentences)
            return sanctagp_error_set(
                err, SANCTAG_E_FORMAT, NULL, 0, 0, -1,
                "span sentence index %u is out of range (the document has %llu sentences)",
                c->m[i].sentence, (unsigned long long)nsentences);
        c->k1[i] = sent ? ((uint64_t)c->m[i].sentence << 32 | c->m[i].node) : c->m[i].node;
    }
    *ret_nk = sort_unique(c->k1, c->nm);
    return 0;
}

/* k2: one key per (unit, pair) co-occurring, sorted; *ret_np keys. Token
 * windows pair mentions at most `tokens` apart, once a document; the other
 * windows pair all nodes of a unit (duplicates = several sentences). */
static int pair_keys(sanctagp_cooc *c, size_t nk, size_t *ret_np)
{
    size_t np = 0;
    if (c->o.window == COOC_WIN_TOKENS) {
        sort_n(c->m, c->nm, sizeof *c->m, cmp_mention_tf);
        for (size_t i = 0; i < c->nm; i++) {
            uint64_t limit = (uint64_t)c->m[i].te + c->o.tokens;
            for (size_t j = i + 1; j < c->nm && c->m[j].tf <= limit; j++) {
                uint32_t a = c->m[i].node, b = c->m[j].node;
                if (a == b)
                    continue;
                if (GROW(c->k2, c->k2_cap, np + 1))
                    return SANCTAG_E_NOMEM;
                c->k2[np++] = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
            }
        }
        np = sort_unique(c->k2, np);
    } else {
        /* all pairs within each unit: k1 is sorted by unit, then node */
        for (size_t s = 0; s < nk;) {
            size_t e = s;
            while (e < nk && (c->k1[e] >> 32) == (c->k1[s] >> 32))
                e++;
            size_t g = e - s;
            if (g > 1 && GROW(c->k2, c->k2_cap, np + g * (g - 1) / 2))
                return SANCTAG_E_NOMEM;
            for (size_t i = s; i < e; i++)
                for (size_t j = i + 1; j < e; j++) {
                    uint32_t a = (uint32_t)c->k1[i], b = (uint32_t)c->k1[j];
                    c->k2[np++] = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
                }
            s = e;
        }
        sort_n(c->k2, np, sizeof *c->k2, cmp_u64); /* duplicates = several sentences */
    }
    *ret_np = np;
    return 0;
}

/* Nodes: units = number of (unit, node) keys; documents = 1. Lists them in
 * c->de when documents are listed (*ret_nde). */
static int add_nodes(sanctagp_cooc *c, uint32_t per, int32_t ymd, size_t nk, size_t *ret_nde)
{
    int rc;
    for (size_t i = 0; i < nk; i++)
        c->k1[i] = (uint32_t)c->k1[i];
    sort_n(c->k1, nk, sizeof *c->k1, cmp_u64);
    size_t nde = 0;
    for (size_t s = 0; s < nk;) {
        size_t e = s;
        while (e < nk && c->k1[e] == c->k1[s])
            e++;
        uint32_t node = (uint32_t)c->k1[s];
        if ((rc = sanctagp_cooc_ent_add(c, per, node, e - s, 1, ymd, ymd)))
            return rc;
        if (c->o.documents) {
            if (GROW(c->de, c->de_cap, nde + 1))
                return SANCTAG_E_NOMEM;
            c->de[nde].key = c->nodes.keys[node];
            c->de[nde++].units = e - s;
        }
        s = e;
    }
    *ret_nde = nde;
    return 0;
}

/* Pairs: units = number of (unit, pair) keys; documents = 1. Lists them in
 * c->dp when documents are listed (*ret_ndp). */
static int add_pairs(sanctagp_cooc *c, uint32_t per, int32_t ymd, size_t np, size_t *ret_ndp)
{
    int rc;
    size_t ndp = 0;
    for (size_t s = 0; s < np;) {
        size_t e = s;
        while (e < np && c->k2[e] == c->k2[s])
            e++;
        uint32_t a = (uint32_t)(c->k2[s] >> 32), b = (uint32_t)c->k2[s];
        if ((rc = sanctagp_cooc_pair_add(c, per, a, b, e - s, 1, ymd, ymd)))
            return rc;
        if (c->o.documents) {
            if (GROW(c->dp, c->dp_cap, ndp + 1))
                return SANCTAG_E_NOMEM;
            const char *ka = c->nodes.keys[a], *kb = c->nodes.keys[b];
            int sw = strcmp(ka, kb) > 0;
            c->dp[ndp].a = sw ? kb : ka;
            c->dp[ndp].b = sw ? ka : kb;
            c->dp[ndp++].units = e - s;
        }
        s = e;
    }
    *ret_ndp = ndp;
    return 0;
}

/* Hands the document's listing (c->de, c->dp) to the sink. */
static int list_document(sanctagp_cooc *c, uint64_t units, const char *error, size_t nde,
                         size_t ndp, sanctag_error *err)
{
    int rc;
    sort_n(c->de, nde, sizeof *c->de, cmp_docent);
    sort_n(c->dp, ndp, sizeof *c->dp, cmp_docpair);
    char date[16];
    sanctagp_cooc_doc d = {
        .doc = ++c->doc_no,
        .id = c->d_id,
        .date = sanctagp_cooc_date_or_null(c->d_ymd, date),
        .date_raw = c->d_date_raw,
        .period = c->periods.keys[c->d_period],
        .units = units,
        .error = error,
        .nent = nde,
        .npair = ndp,
        .ent = c->de,
        .pair = c->dp,
    };
    if ((rc = c->sink(c->sink_data, &d)))
        sanctagp_error_set(err, rc, NULL, 0, 0, -1, "cannot write the document listing");
    return rc;
}

void sanctagp_cooc_set_unit_limit(sanctagp_cooc *c, size_t limit)
{
    c->unit_limit = limit;
}

/* Whether the units of k1[0..nk) (sorted by unit, then node) stay within
 * the unit limit: at most `limit` distinct nodes in any unit, and, for
 * sentence windows, at most as many pairs over all sentences as one unit of
 * `limit` nodes has (else many large sentences add up to the same memory).
 * Fills `err` when not. */
static int units_fit(const sanctagp_cooc *c, size_t nk, sanctag_error *err)
{
    size_t limit = c->unit_limit, most = 0;
    uint64_t pairs = 0, max_pairs = (uint64_t)limit * (limit - 1) / 2;
    if (!limit)
        return 1;
    for (size_t s = 0; s < nk;) {
        size_t e = s;
        while (e < nk && (c->k1[e] >> 32) == (c->k1[s] >> 32))
            e++;
        most = e - s > most ? e - s : most;
        pairs += (uint64_t)(e - s) * (e - s - 1) / 2;
        s = e;
    }
    if (most > limit)
        sanctagp_error_set(err, SANCTAG_E_TOOBIG, NULL, 0, 0, -1,
                           "one %s has %zu distinct entities, more than the limit of %zu: "
                           "counted as a document without entities",
                           c->o.window == COOC_WIN_SENTENCE ? "sentence" : "document", most,
                           limit);
    else if (pairs > max_pairs)
        sanctagp_error_set(err, SANCTAG_E_TOOBIG, NULL, 0, 0, -1,
                           "its sentences have %llu entity pairs, more than the %llu of one "
                           "unit of %zu entities (the limit): counted as a document without "
                           "entities",
                           (unsigned long long)pairs, (unsigned long long)max_pairs, limit);
    return most <= limit && pairs <= max_pairs;
}

int sanctagp_cooc_doc_end(sanctagp_cooc *c, uint64_t nsentences, const char *error,
                          sanctag_error *err)
{
    if (!c->in_doc)
        return SANCTAG_E_INVALID;
    c->in_doc = 0;
    int sent = c->o.window == COOC_WIN_SENTENCE;
    if (error)
        c->nm = 0;
    size_t nk = 0, np = 0, nde = 0, ndp = 0;
    int rc, toobig = 0;
    if ((rc = unit_keys(c, nsentences, &nk, err)))
        return rc;
    if (!units_fit(c, nk, err)) {
        error = sanctag_status_name(SANCTAG_E_TOOBIG);
        toobig = 1;
        c->t.mentions -= c->nm; /* counted as they came; none of them is */
        c->nm = nk = 0;
    }
    uint64_t units = sent ? (error ? 0 : nsentences) : 1;
    int32_t ymd = c->d_ymd;
    uint32_t per = c->d_period;
    c->t.documents++;
    if (error)
        c->t.error_documents++;
    c->t.units += units;
    c->p_units[per] += units;
    c->p_docs[per] += 1;
    if ((rc = pair_keys(c, nk, &np)) || (rc = add_nodes(c, per, ymd, nk, &nde)) ||
        (rc = add_pairs(c, per, ymd, np, &ndp)))
        return rc;
    if (c->o.documents && c->sink && (rc = list_document(c, units, error, nde, ndp, err)))
        return rc;
    return toobig ? SANCTAG_E_TOOBIG : 0;
}

double sanctagp_npmi(uint64_t cxy, uint64_t cx, uint64_t cy, uint64_t n)
{
    if (!cxy || !cx || !cy || !n)
        return 0;
    if (cxy >= n)
        return 1; /* every unit has both: perfect co-occurrence (the limit) */
    double lxy = log((double)cxy), ln = log((double)n);
    double pmi = lxy + ln - log((double)cx) - log((double)cy);
    double v = pmi / (ln - lxy);
    if (v > 1)
        v = 1;
    if (v < -1)
        v = -1;
    return v;
}
