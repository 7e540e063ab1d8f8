/* diff.c - snapshots of a source's entities before and after an import, and
 * the diff between them that the import reports. */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- snapshots and the diff ---------------------------------------------------------- */

static const char *const sf_names[SF_N] = {"label",     "name",      "country",    "listed",
                                           "programs",  "list_ref",  "listed_on",  "valid_from",
                                           "valid_to",  "attrs"};

void sanctagp_snapset_free(snapset *s)
{
    free(s->v);
    free(s->al);
    for (sblock *b = s->strings, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    memset(s, 0, sizeof *s);
}

/* A copy of a (n1 bytes), then, when b is not NULL, a tab and b (n2 bytes),
 * NUL-terminated, in the snapshot's blocks; NULL when out of memory. */
static const char *snap_str(snapset *s, const char *a, size_t n1, const char *b, size_t n2)
{
    if (!b && n1 == 0)
        return "";
    size_t need = n1 + (b ? 1 + n2 : 0) + 1;
    sblock *k = s->strings;
    if (!k || k->cap - k->used < need) {
        size_t cap = need > (1 << 20) ? need : (size_t)1 << 20;
        sblock *nk = malloc(sizeof *nk + cap);
        if (!nk)
            return NULL;
        nk->next = k;
        nk->used = 0;
        nk->cap = cap;
        s->strings = k = nk;
    }
    char *o = k->data + k->used;
    memcpy(o, a, n1);
    if (b) {
        o[n1] = '\t';
        memcpy(o + n1 + 1, b, n2);
    }
    o[need - 1] = 0;
    k->used += need;
    return o;
}

const char *sanctagp_coltext(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static const char *snap_col(snapset *s, sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return snap_str(s, t ? t : "", t ? (size_t)sqlite3_column_bytes(st, i) : 0, NULL, 0);
}

static int snap_key_cmp(const void *x, const void *y)
{
    return strcmp(((const snap *)x)->key, ((const snap *)y)->key);
}

/* entity rowid -> index in the sorted snapshot */
typedef struct snap_id {
    sqlite3_int64 id;
    size_t at;
} snap_id;

static int snap_id_cmp(const void *x, const void *y)
{
    sqlite3_int64 a = ((const snap_id *)x)->id, b = ((const snap_id *)y)->id;
    return (a > b) - (a < b);
}

typedef struct snap_alias {
    size_t at;   /* the entity's index */
    size_t tlen; /* bytes of the text before the tab */
    const char *s;
} snap_alias;

/* by entity, then text as SQLite's BINARY collation orders it */
static int snap_alias_cmp(const void *x, const void *y)
{
    const snap_alias *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    int c = memcmp(a->s, b->s, a->tlen < b->tlen ? a->tlen : b->tlen);
    return c ? c : (a->tlen > b->tlen) - (a->tlen < b->tlen);
}

/* The source's entities ordered by key, with their aliases ordered by text
 * when `full` (otherwise only key, label and name, for a source that did
 * not exist before: its entities are all new and nothing is compared). Rows
 * are read in table order and sorted here: the same order "ORDER BY e.key"
 * and "ORDER BY e.key, a.text" give, without SQLite sorting a copy of every
 * row first. */
int sanctagp_snapshot(sqlite3 *db, const char *db_path, const char *source, int full,
                      snapset *ret, sanctag_error *err)
{
    static const char q1_full[] =
        "SELECT e.id, e.key, e.label, e.name, e.country, e.listed, e.programs, e.list_ref, "
        "e.listed_on, e.valid_from, e.valid_to, e.attrs FROM entity e JOIN source s ON "
        "s.id = e.source_id WHERE s.name = ?1";
    static const char q1_names[] =
        "SELECT e.id, e.key, e.label, e.name FROM entity e JOIN source s ON "
        "s.id = e.source_id WHERE s.name = ?1";
    static const char q2[] =
        "SELECT a.entity_id, a.text, a.kind FROM alias a JOIN entity e ON e.id = a.entity_id "
        "JOIN source s ON s.id = e.source_id WHERE s.name = ?1";
    snapset S;
    memset(&S, 0, sizeof S);
    size_t cap = 0;
    snap_id *ids = NULL;
    snap_alias *as = NULL;
    size_t nas = 0, ascap = 0;
    sqlite3_stmt *st = NULL;
    int rc = 0, s;
    if (sqlite3_prepare_v2(db, full ? q1_full : q1_names, -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    int nf = full ? SF_N : SF_NAME + 1;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (S.n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            snap *nv = realloc(S.v, nc * sizeof *nv);
            if (!nv)
                goto nomem;
            S.v = nv;
            cap = nc;
        }
        snap *e = &S.v[S.n];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        if (!(e->key = snap_col(&S, st, 1)))
            goto nomem;
        for (int k = 0; k < SF_N; k++)
            if (!(e->f[k] = k < nf ? snap_col(&S, st, k + 2) : ""))
                goto nomem;
        S.n++;
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (S.n > 1)
        qsort(S.v, S.n, sizeof *S.v, snap_key_cmp);
    if (!full || S.n == 0) {
        *ret = S;
        return 0;
    }
    if (!(ids = malloc(S.n * sizeof *ids)))
        goto nomem;
    for (size_t i = 0; i < S.n; i++)
        ids[i] = (snap_id){S.v[i].id, i};
    qsort(ids, S.n, sizeof *ids, snap_id_cmp);
    if (sqlite3_prepare_v2(db, q2, -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        size_t lo = 0, hi = S.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ids[mid].id < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == S.n || ids[lo].id != id)
            continue;
        if (nas == ascap) {
            size_t nc = ascap ? ascap * 2 : 256;
            snap_alias *na = realloc(as, nc * sizeof *na);
            if (!na)
                goto nomem;
            as = na;
            ascap = nc;
        }
        const char *t = sanctagp_coltext(st, 1), *k = sanctagp_coltext(st, 2);
        size_t tlen = strlen(t);
        const char *str = snap_str(&S, t, tlen, k, strlen(k));
        if (!str)
            goto nomem;
        as[nas++] = (snap_alias){ids[lo].at, tlen, str};
    }
    if (s != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (nas > 1)
        qsort(as, nas, sizeof *as, snap_alias_cmp);
    if (nas && !(S.al = malloc(nas * sizeof *S.al)))
        goto nomem;
    for (size_t i = 0; i < nas; i++) {
        S.al[i] = as[i].s;
        snap *e = &S.v[as[i].at];
        if (!e->nal)
            e->al = &S.al[i];
        e->nal++;
    }
    free(ids);
    free(as);
    *ret = S;
    return 0;
nomem:
    rc = sanctagp_error_set(err, SANCTAG_E_NOMEM, db_path, 0, 0, -1, "out of memory");
    goto fail;
dberr:
    rc = sanctagp_error_set(err, SANCTAG_E_DB, db_path, 0, 0, -1, "%s: database error: %s",
                            db_path, sqlite3_errmsg(db));
fail:
    sqlite3_finalize(st);
    free(ids);
    free(as);
    sanctagp_snapset_free(&S);
    return rc;
}

static json_t *snap_entry(const snap *e)
{
    return json_pack("{s:s,s:s,s:s}", "key", e->key, "label", e->f[SF_LABEL], "name",
                     e->f[SF_NAME]);
}

/* Compares two alias lists (sorted by text): texts added, removed, and kind changes. */
static void alias_diff(const snap *a, const snap *b, json_t *entry)
{
    json_t *added = json_array(), *removed = json_array(), *kinds = json_array();
    size_t i = 0, j = 0;
    while (i < a->nal || j < b->nal) {
        const char *x = i < a->nal ? a->al[i] : NULL, *y = j < b->nal ? b->al[j] : NULL;
        size_t xl = x ? strcspn(x, "\t") : 0, yl = y ? strcspn(y, "\t") : 0;
        int c;
        if (!x)
            c = 1;
        else if (!y)
            c = -1;
        else {
            size_t ml = xl < yl ? xl : yl;
            c = memcmp(x, y, ml);
            if (!c)
                c = (xl > yl) - (xl < yl);
        }
        if (c < 0) {
            json_array_append_new(removed, json_stringn(x, xl));
            i++;
        } else if (c > 0) {
            json_array_append_new(added, json_stringn(y, yl));
            j++;
        } else {
            if (strcmp(x + xl, y + yl) != 0)
                json_array_append_new(kinds, json_pack("{s:s%,s:s,s:s}", "alias", x, xl, "old",
                                                       x + xl + 1, "new", y + yl + 1));
            i++;
            j++;
        }
    }
    if (json_array_size(added))
        json_object_set(entry, "aliases_added", added);
    if (json_array_size(removed))
        json_object_set(entry, "aliases_removed", removed);
    if (json_array_size(kinds))
        json_object_set(entry, "aliases_kind", kinds);
    json_decref(added);
    json_decref(removed);
    json_decref(kinds);
}

/* True when an entity's alias lists differ in a text or a kind: exactly when
 * alias_diff() reports something. */
static int aliases_differ(const snap *a, const snap *b)
{
    if (a->nal != b->nal)
        return 1;
    for (size_t i = 0; i < a->nal; i++)
        if (strcmp(a->al[i], b->al[i]) != 0)
            return 1;
    return 0;
}

/* Fills report's "added", "removed", "changed" and "unchanged"; with
 * `counts_only` the first three are the numbers of entities, not lists. */
void sanctagp_snap_diff(const snapset *A, const snapset *B, int counts_only, json_t *report)
{
    const snap *a = A->v, *b = B->v;
    size_t na = A->n, nb = B->n;
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    long unchanged = 0, nadded = 0, nremoved = 0, nchanged = 0;
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].key, b[j].key);
        if (counts_only) {
            if (c < 0) {
                nremoved++;
                i++;
            } else if (c > 0) {
                nadded++;
                j++;
            } else {
                int same = !aliases_differ(&a[i], &b[j]);
                for (int k = 0; k < SF_N && same; k++)
                    same = strcmp(a[i].f[k], b[j].f[k]) == 0;
                if (same)
                    unchanged++;
                else
                    nchanged++;
                i++;
                j++;
            }
            continue;
        }
        if (c < 0) {
            json_array_append_new(removed, snap_entry(&a[i++]));
            continue;
        }
        if (c > 0) {
            json_array_append_new(added, snap_entry(&b[j++]));
            continue;
        }
        json_t *entry = snap_entry(&b[j]);
        json_t *changes = json_array();
        for (int k = 0; k < SF_N; k++)
            if (strcmp(a[i].f[k], b[j].f[k]) != 0)
                json_array_append_new(changes, json_pack("{s:s,s:s,s:s}", "field", sf_names[k],
                                                         "old", a[i].f[k], "new", b[j].f[k]));
        if (json_array_size(changes))
            json_object_set(entry, "changes", changes);
        json_decref(changes);
        alias_diff(&a[i], &b[j], entry);
        if (json_object_size(entry) > 3)
            json_array_append_new(changed, entry);
        else {
            json_decref(entry);
            unchanged++;
        }
        i++;
        j++;
    }
    if (counts_only) {
        json_decref(added);
        json_decref(removed);
        json_decref(changed);
        added = json_integer(nadded);
        removed = json_integer(nremoved);
        changed = json_integer(nchanged);
    }
    json_object_set_new(report, "added", added);
    json_object_set_new(report, "removed", removed);
    json_object_set_new(report, "changed", changed);
    json_object_set_new(report, "unchanged", json_integer(unchanged));
}
