/* rows.c - the entity and alias rows read once into memory, and the one
 * compile path: from those rows into a matcher (rows.h says why one). */
#include "util/mem.h"
#include "gazetteer/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sanctagp_rows_free(sanctagp_rows *g)
{
    free(g->buf);
    free(g->ent);
    free(g->al);
    free(g->by_key);
    free(g->dense);
    free(g->links);
    free(g->merged);
    free(g->first_link);
    sanctagp_cues_free(g->cues);
    memset(g, 0, sizeof *g);
}

/* Appends columns i0..i0+n-1 of the current row, each NUL-terminated; their
 * lengths go to len[]. */
static int rows_cols(sanctagp_rows *g, sqlite3_stmt *st, int i0, int n, uint32_t *len)
{
    for (int i = 0; i < n; i++) {
        const unsigned char *t = sqlite3_column_text(st, i0 + i);
        size_t l = (size_t)sqlite3_column_bytes(st, i0 + i);
        if (l >= UINT32_MAX)
            return SANCTAG_E_TOOBIG;
        if (g->n + l + 1 > g->cap) {
            size_t nc = g->cap ? g->cap : 1 << 16;
            while (nc < g->n + l + 1)
                nc *= 2;
            char *q = realloc(g->buf, nc);
            if (!q)
                return SANCTAG_E_NOMEM;
            g->buf = q;
            g->cap = nc;
        }
        if (l)
            memcpy(g->buf + g->n, t, l);
        g->buf[g->n + l] = 0;
        g->n += l + 1;
        len[i] = (uint32_t)l;
    }
    return 0;
}

uint32_t sanctagp_rows_find(const sanctagp_rows *g, sqlite3_int64 id)
{
    if (g->dense) {
        if (id < g->id0 || (sqlite3_uint64)(id - g->id0) >= g->ndense)
            return ROWS_NONE;
        uint32_t v = g->dense[id - g->id0];
        return v ? v - 1 : ROWS_NONE;
    }
    size_t lo = 0, hi = g->nent;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->ent[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->nent && g->ent[lo].id == id ? (uint32_t)lo : ROWS_NONE;
}

int sanctagp_rows_read(sqlite3 *db, const char *path, int key_order, sanctagp_rows *g,
                       sanctag_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, s;
    memset(g, 0, sizeof *g);
    if (sqlite3_prepare_v2(db,
                           "SELECT id, key, label, name, country, valid_from, valid_to, listed, "
                           "programs, list_source, list_ref, listed_on, attrs, listed > 0, "
                           "listed <= 0 FROM entity ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (g->nent >= ROWS_NONE ||
            sanctagp_grow((void **)&g->ent, &g->entcap, g->nent + 1, sizeof *g->ent))
            goto nomem;
        sanctagp_rowent *e = &g->ent[g->nent];
        e->id = sqlite3_column_int64(st, 0);
        e->off = g->n;
        if ((rc = rows_cols(g, st, 1, EC_N, e->len)))
            goto fail;
        e->listed = sqlite3_column_int(st, 1 + EC_LISTED);
        e->pass = sqlite3_column_type(st, 13) != SQLITE_NULL && sqlite3_column_int(st, 13) ? 0
                  : sqlite3_column_type(st, 14) != SQLITE_NULL && sqlite3_column_int(st, 14) ? 1
                                                                                             : -1;
        if (g->nent && e->id <= g->ent[g->nent - 1].id)
            goto changed; /* not in id order */
        g->nent++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    /* ids are usually dense: then an id's entity is one look-up away, not a
     * binary search missing the cache at every step */
    if (g->nent) {
        sqlite3_uint64 span = (sqlite3_uint64)(g->ent[g->nent - 1].id - g->ent[0].id) + 1;
        if (span <= (sqlite3_uint64)g->nent * 4 + 1024 &&
            (g->dense = calloc((size_t)span, sizeof *g->dense))) {
            g->id0 = g->ent[0].id;
            g->ndense = (size_t)span;
            for (size_t i = 0; i < g->nent; i++)
                g->dense[g->ent[i].id - g->id0] = (uint32_t)i + 1;
        }
    }

    if (sqlite3_prepare_v2(db,
                           "SELECT entity_id, text, lang, kind, case_policy, accents FROM alias "
                           "ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (sanctagp_grow((void **)&g->al, &g->alcap, g->nal + 1, sizeof *g->al))
            goto nomem;
        sanctagp_rowalias *a = &g->al[g->nal];
        a->ent = sanctagp_rows_find(g, sqlite3_column_int64(st, 0));
        a->off = g->n;
        if ((rc = rows_cols(g, st, 1, AC_N, a->len)))
            goto fail;
        g->nal++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = sanctagp_rows_links(db, path, g, err)))
        goto fail;
    if ((rc = sanctagp_cues_read(db, &g->cues)))
        goto nomem;

    if (!key_order)
        return 0;
    /* entities in key order */
    if (g->nent && !(g->by_key = malloc(g->nent * sizeof *g->by_key)))
        goto nomem;
    if (sqlite3_prepare_v2(db, "SELECT id FROM entity ORDER BY key", -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    size_t r = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t i = sanctagp_rows_find(g, sqlite3_column_int64(st, 0));
        if (i == ROWS_NONE || r == g->nent)
            goto changed;
        g->by_key[r++] = i;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    if (r != g->nent)
        goto changed;
    sqlite3_finalize(st);
    return 0;
changed:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1,
                            "%s: entity table changed while it was read", path);
    goto fail;
nomem:
    rc = SANCTAG_E_NOMEM;
    goto fail;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot read gazetteer: %s",
                            path, sqlite3_errmsg(db));
fail:
    if (rc != SANCTAG_E_DB)
        sanctagp_error_set(err, rc, path, 0, 0, -1, "%s: cannot read gazetteer: %s", path,
                           sanctag_status_name(rc));
    sqlite3_finalize(st);
    sanctagp_rows_free(g);
    return rc;
}

/* ---- the matcher from rows ---------------------------------------------- */

/* One alias into the matcher: `ent` its entity's index; kind, lang, policy
 * and accents as the alias table holds them. Returns 0 when the alias is
 * left out (a weak one without `weak`; one with no tokens, which can never
 * match: import checks report those). */
static int compile_alias(sanctagp_mbuild *b, uint32_t ent, int weak, const char *text,
                         const char *kind_name, const char *lang, const char *policy,
                         const char *accents)
{
    int kind = sanctagp_kind_from_name(kind_name);
    if (kind < 0)
        kind = KIND_NAME;
    if (kind == KIND_WEAK && !weak)
        return 0;
    int rc = sanctagp_mbuild_alias(b, ent, text, strlen(text), kind, lang, policy,
                                   strcmp(accents, "strict") != 0);
    if (rc == SANCTAG_E_FORMAT || rc == SANCTAG_E_TOOBIG || rc == SANCTAG_E_UTF8 ||
        rc == SANCTAG_E_INVALID)
        rc = 0;
    return rc;
}

int sanctagp_compile_failed(int rc, const char *path, sanctag_error *err)
{
    if (rc && rc != SANCTAG_E_DB && err && !err->code)
        sanctagp_error_set(err, rc, path, 0, 0, -1, "%s: cannot compile matcher: %s", path,
                           sanctag_status_name(rc));
    return rc;
}

/* Which entities the matcher holds and in which order, and which aliases in
 * which order: entities by id; the aliases of listed entities, then those of
 * the others, each in alias order: a listed entity wins an alias it shares
 * with an unlisted one (the span is then marked ambiguous), as every mention
 * of a sanctioned name must carry its listing. Links (links.c) make a curated
 * entity listed with its list records, and the aliases of a list entity
 * merged into it name it: the list entity stays in the matcher (entity
 * indexes and the API see it) but no alias names it, so an alias both have
 * is no ambiguity. */
int sanctagp_rows_compile(const sanctagp_rows *g, int weak, sanctagp_mbuild *b)
{
    uint32_t *map = calloc(g->nent ? g->nent : 1, sizeof *map); /* entity index -> matcher's + 1 */
    int8_t *pass = malloc(g->nent ? g->nent : 1);
    if (!map || !pass) {
        free(map);
        free(pass);
        return SANCTAG_E_NOMEM;
    }
    int rc = sanctagp_mbuild_cues(b, g->cues);
    for (size_t i = 0; i < g->nent && !rc; i++) {
        const sanctagp_rowent *e = &g->ent[i];
        if (e->id <= 0 || e->id > (sqlite3_int64)UINT32_MAX - 1)
            continue;
        uint32_t idx;
        rc = sanctagp_links_entity(g, (uint32_t)i, b, &idx);
        map[i] = idx + 1;
        pass[i] = (int8_t)sanctagp_links_pass(g, (uint32_t)i);
    }
    for (int p = 0; p < 2 && !rc; p++)
        for (size_t i = 0; i < g->nal && !rc; i++) {
            const sanctagp_rowalias *a = &g->al[i];
            uint32_t t = a->ent;
            if (t != ROWS_NONE && g->merged && g->merged[t] != ROWS_NONE)
                t = g->merged[t];
            if (t == ROWS_NONE || pass[t] != p || !map[t])
                continue;
            const char *q = g->buf + a->off;
            rc = compile_alias(b, map[t] - 1, weak, q, sanctagp_rows_col(q, a->len, AC_KIND),
                               sanctagp_rows_col(q, a->len, AC_LANG), sanctagp_rows_col(q, a->len, AC_CASE),
                               sanctagp_rows_col(q, a->len, AC_ACCENTS));
        }
    free(map);
    free(pass);
    return rc;
}

int sanctagp_db_compile(sqlite3 *db, const char *path, int weak, const char *version,
                        void **ret_image, size_t *ret_size, sanctag_error *err)
{
    sanctagp_rows g;
    int rc = sanctagp_rows_read(db, path, 0, &g, err);
    if (rc)
        return rc;
    sanctagp_mbuild *b = sanctagp_mbuild_new();
    rc = b ? sanctagp_rows_compile(&g, weak, b) : SANCTAG_E_NOMEM;
    sanctagp_rows_free(&g);
    if (!rc)
        rc = sanctagp_mbuild_finish(b, version, ret_image, ret_size);
    sanctagp_mbuild_free(b);
    return sanctagp_compile_failed(rc, path, err);
}
