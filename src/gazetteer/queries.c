/* queries.c - a gazetteer opened to be asked (queries.h), alias shapes and
 * case policies as shown, `gaz build`'s counts, and `gaz lookup`: which
 * entities a name resolves to and why. `gaz stats` is stats.c. */
#include "gazetteer/links.h"
#include "gazetteer/queries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sanctagp_gazq_close(sanctagp_gazq *q)
{
    if (!q)
        return;
    sqlite3_finalize(q->by_key);
    sqlite3_finalize(q->by_norm);
    sqlite3_finalize(q->aliases);
    sqlite3_finalize(q->reason);
    sqlite3_finalize(q->dropped);
    sqlite3_close(q->db);
    sanctag_tagger_free(q->tg);
    sanctag_gazetteer_unref(q->gz);
    free(q->path);
    free(q);
}

int sanctagp_gazq_open(const char *path, sanctagp_gazq **ret, sanctag_error *err)
{
    sanctagp_gazq *q = calloc(1, sizeof *q);
    if (!q || !(q->path = strdup(path))) {
        free(q);
        return sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    }
    int rc = sanctagp_db_open(path, DB_READ, &q->db, err);
    if (rc)
        goto fail;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT DISTINCT e.id, e.key, e.label, e.name, e.country, e.valid_from, "
                           "e.valid_to, e.listed, e.programs, e.list_source, e.list_ref, "
                           "e.listed_on, s.name, e.origin "
                           "FROM entity e JOIN source s ON s.id = e.source_id WHERE e.key = ?",
                           -1, &q->by_key, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(q->db,
                           "SELECT DISTINCT e.key FROM alias a JOIN entity e ON e.id = a.entity_id "
                           "WHERE a.norm = ? ORDER BY e.id",
                           -1, &q->by_norm, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(q->db,
                           "SELECT a.text, a.lang, a.kind, a.case_policy, s.name, a.origin "
                           "FROM alias a JOIN source s ON s.id = a.source_id "
                           "WHERE a.entity_id = ? ORDER BY a.id",
                           -1, &q->aliases, NULL) != SQLITE_OK) {
        rc = sanctagp_error_set(err, SANCTAG_E_DB, path, 0, 0, -1, "%s: %s", path,
                                sqlite3_errmsg(q->db));
        goto fail;
    }
    /* a gazetteer no list was imported into since the policy may lack the table */
    if (sqlite3_prepare_v2(q->db,
                           "SELECT p.action, p.rule, p.evidence FROM alias_policy p JOIN entity "
                           "e ON e.key = p.entity_key WHERE e.id = ? AND p.text = ?",
                           -1, &q->reason, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(q->db,
                           "SELECT p.text, p.entity_key, s.name, p.rule, p.evidence FROM "
                           "alias_policy p JOIN source s ON s.id = p.source_id WHERE p.norm = ? "
                           "AND p.action = 'dropped' ORDER BY p.id",
                           -1, &q->dropped, NULL) != SQLITE_OK) {
        sqlite3_finalize(q->reason);
        q->reason = NULL;
        q->dropped = NULL;
    }
    if ((rc = sanctag_gazetteer_open(path, 0, &q->gz, err)))
        goto fail;
    q->tg = sanctag_tagger_new(q->gz);
    *ret = q;
    return 0;
fail:
    sanctagp_gazq_close(q);
    return rc;
}

void sanctagp_db_counts(sqlite3 *db, long long *ret_entities, long long *ret_aliases,
                        long long *ret_sources)
{
    sqlite3_stmt *st;
    *ret_entities = *ret_aliases = *ret_sources = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM entity), (SELECT count(*) FROM "
                           "alias), (SELECT count(*) FROM source)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *ret_entities = sqlite3_column_int64(st, 0);
        *ret_aliases = sqlite3_column_int64(st, 1);
        *ret_sources = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
}

void sanctagp_alias_shape(sanctagp_tokens *tk, const char *alias, const char *stored,
                          char *policy, size_t cap, size_t *ret_ntok, int *ret_break)
{
    size_t len = strlen(alias);
    *ret_ntok = 0;
    *ret_break = 0;
    int ok = sanctagp_utf8_check(alias, len, NULL) == 0 && sanctagp_tokenize(tk, alias, len) == 0;
    if (ok) {
        *ret_ntok = tk->n;
        for (size_t i = 1; i < tk->n; i++)
            if (tk->v[i].flags & TF_SENT_START)
                *ret_break = 1;
    }
    if (strcmp(stored, "auto") != 0) {
        snprintf(policy, cap, "%s", stored);
        return;
    }
    int p = ok ? sanctagp_auto_policy(tk) : POL_FOLD;
    snprintf(policy, cap, "auto (%s)", p == POL_EXACT ? "exact" : p == POL_CAP ? "cap" : "fold");
}

const char *sanctagp_policy_shown(const char *alias, const char *stored, char *buf, size_t cap)
{
    sanctagp_tokens tk;
    size_t ntok;
    int brk;
    memset(&tk, 0, sizeof tk);
    sanctagp_alias_shape(&tk, alias, stored, buf, cap, &ntok, &brk);
    sanctagp_tokens_release(&tk);
    return buf;
}

/* ---- lookup ---------------------------------------------------------------- */

static const char *txt(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static json_t *alias_rows(sanctagp_gazq *q, sqlite3_int64 eid)
{
    sqlite3_stmt *st = q->aliases;
    json_t *arr = json_array();
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, eid);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char pb[32];
        json_t *a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "alias", txt(st, 0), "lang",
                              txt(st, 1), "kind", txt(st, 2), "case",
                              sanctagp_policy_shown(txt(st, 0), txt(st, 3), pb, sizeof pb),
                              "source", txt(st, 4), "origin", txt(st, 5));
        sqlite3_stmt *r = q->reason;
        if (a && r) {
            sqlite3_reset(r);
            sqlite3_bind_int64(r, 1, eid);
            sqlite3_bind_text(r, 2, txt(st, 0), -1, SQLITE_TRANSIENT);
            if (sqlite3_step(r) == SQLITE_ROW)
                json_object_set_new(a, "policy",
                                    json_pack("{s:s,s:s,s:s}", "action", txt(r, 0), "rule",
                                              txt(r, 1), "evidence", txt(r, 2)));
            sqlite3_reset(r);
        }
        json_array_append_new(arr, a);
    }
    return arr;
}

json_t *sanctagp_gazq_dropped(sanctagp_gazq *q, const char *norm)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = q->dropped;
    if (!arr || !st)
        return arr;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s}", "alias", txt(st, 0), "key",
                                             txt(st, 1), "source", txt(st, 2), "rule",
                                             txt(st, 3), "evidence", txt(st, 4)));
    sqlite3_reset(st);
    return arr;
}

/* Entities the compiled matcher reaches for the whole of `name`, exactly as the
 * tagger would: appended to `keys` as {key: matches_as_typed}. */
static void matcher_keys(const sanctag_gazetteer *gz, const char *name, json_t *keys)
{
    const sanctagp_matcher *m = &gz->m;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    size_t len = strlen(name);
    if (sanctagp_utf8_check(name, len, NULL) || sanctagp_tokenize(&tk, name, len) || tk.n == 0)
        goto out;
    sanctagp_matcher_resolve(m, &tk);
    uint32_t state = 0;
    for (size_t i = 0; i < tk.n; i++) {
        if (tk.v[i].id == 0 || (state = sanctagp_matcher_step(m, state, tk.v[i].id)) == 0)
            goto out;
    }
    for (uint32_t k = sanctagp_acc_begin(m, state); k < sanctagp_acc_end(m, state); k++) {
        const sanctagp_accept *a = &m->accept[k];
        const char *key = sanctagp_str(m, m->ent[a->entity].key);
        int ok = sanctagp_accept_ok(a, tk.v, (uint32_t)tk.n);
        json_t *prev = json_object_get(keys, key);
        if (!prev || (ok && !json_is_true(prev)))
            json_object_set_new(keys, key, json_boolean(ok));
    }
out:
    sanctagp_tokens_release(&tk);
}

/* Not an alias: an entity key ("country:KP"), else a surface form as text has
 * it ("Korut,", "sanksi DK PBB"): the mentions the tagger finds. Into `keys`
 * as {key: true}, and into `found` as {key: null (by its key) or the
 * mention's text}. */
static void other_keys(sanctagp_gazq *q, const char *name, json_t *keys, json_t *found)
{
    sqlite3_stmt *st = q->by_key;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        json_object_set_new(keys, name, json_true());
        json_object_set_new(found, name, json_null());
        return;
    }
    size_t nsp = 0;
    const sanctag_span *sp = NULL;
    if (q->tg && sanctag_tagger_tag(q->tg, name, strlen(name), 0, NULL) == 0)
        sp = sanctag_tagger_spans(q->tg, &nsp);
    for (size_t k = 0; k < nsp; k++) {
        sanctag_entity ent;
        if ((sp[k].flags & SANCTAG_SPAN_SUPPRESSOR) ||
            sanctag_gazetteer_entity(q->gz, sp[k].entity, &ent) || json_object_get(keys, ent.key))
            continue;
        json_object_set_new(keys, ent.key, json_true());
        json_object_set_new(found, ent.key,
                            json_stringn(name + sp[k].start, sp[k].end - sp[k].start));
    }
}

/* The links of entity `key` (links.h) into o's "links"; for a curated
 * entity the links make listed, the listing the tagger gives its spans
 * (every record behind it) as o's "sanctions". */
static void linked_listing(sanctagp_gazq *q, const char *key, json_t *o)
{
    json_t *links = NULL;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctagp_links_of(q->db, q->path, key, &links, &e) || !json_array_size(links)) {
        json_decref(links);
        return;
    }
    json_object_set_new(o, "links", links);
    uint32_t n = q->gz ? sanctag_gazetteer_entity_count(q->gz) : 0;
    for (uint32_t i = 0; i < n; i++) {
        sanctag_entity ent;
        if (sanctag_gazetteer_entity(q->gz, i, &ent) || strcmp(ent.key, key) != 0)
            continue;
        const char *rj = sanctag_gazetteer_entity_records(q->gz, i);
        json_t *recs = rj && *rj ? json_loads(rj, 0, NULL) : NULL;
        if (ent.listed && recs) {
            json_t *progs = json_loads(ent.programs, 0, NULL);
            json_object_set_new(o, "sanctions",
                                json_pack("{s:b,s:o,s:s,s:s,s:s,s:O}", "listed", 1, "programs",
                                          progs ? progs : json_array(), "source",
                                          ent.list_source, "ref", ent.list_ref, "listed_on",
                                          ent.listed_on, "records", recs));
        }
        json_decref(recs);
        break;
    }
}

/* The entity of the by_key row `st`; `how` and `fb` as in sanctagp_gazq_lookup(). */
static json_t *entity_json(sanctagp_gazq *q, sqlite3_stmt *st, json_t *how, json_t *fb)
{
    json_t *o = json_pack("{s:s,s:s,s:s}", "key", txt(st, 1), "label", txt(st, 2), "name",
                          txt(st, 3));
    /* true: the tagger matches the name as typed; false: only in another
     * letter case (case policy); null: not by the matcher (weak alias).
     * Found otherwise: "found_by" says how (absent: as an alias). */
    if (!fb)
        json_object_set(o, "matches_as_typed", how);
    else if (json_is_null(fb))
        json_object_set_new(o, "found_by", json_string("key"));
    else
        json_object_set_new(o, "found_by", json_pack("{s:O}", "mention", fb));
    static const char *const opt[] = {NULL, NULL, NULL, NULL, "country", "valid_from",
                                      "valid_to"};
    for (int k = 4; k <= 6; k++)
        if (*txt(st, k))
            json_object_set_new(o, opt[k], json_string(txt(st, k)));
    if (sqlite3_column_int(st, 7)) {
        json_t *progs = json_loads(txt(st, 8), 0, NULL);
        json_object_set_new(o, "sanctions",
                            json_pack("{s:b,s:o,s:s,s:s,s:s}", "listed", 1, "programs",
                                      progs ? progs : json_array(), "source", txt(st, 9), "ref",
                                      txt(st, 10), "listed_on", txt(st, 11)));
    }
    linked_listing(q, txt(st, 1), o);
    json_object_set_new(o, "source", json_string(txt(st, 12)));
    if (*txt(st, 13))
        json_object_set_new(o, "origin", json_string(txt(st, 13)));
    json_object_set_new(o, "aliases", alias_rows(q, sqlite3_column_int64(st, 0)));
    return o;
}

json_t *sanctagp_gazq_lookup(sanctagp_gazq *q, const char *name, const char *norm)
{
    /* what the tagger would match, then aliases it would not (weak ones) */
    json_t *keys = json_object();
    json_t *found = json_object(); /* key -> null (its key) or the mention's text */
    json_t *res = json_array();
    if (!keys || !found || !res) {
        json_decref(keys);
        json_decref(found);
        json_decref(res);
        return NULL;
    }
    matcher_keys(q->gz, name, keys);
    sqlite3_reset(q->by_norm);
    sqlite3_bind_text(q->by_norm, 1, norm, -1, SQLITE_STATIC);
    while (sqlite3_step(q->by_norm) == SQLITE_ROW)
        if (!json_object_get(keys, txt(q->by_norm, 0)))
            json_object_set_new(keys, txt(q->by_norm, 0), json_null());
    if (json_object_size(keys) == 0)
        other_keys(q, name, keys, found);
    const char *key;
    json_t *how;
    json_object_foreach(keys, key, how)
    {
        sqlite3_reset(q->by_key);
        sqlite3_bind_text(q->by_key, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(q->by_key) == SQLITE_ROW)
            json_array_append_new(res,
                                  entity_json(q, q->by_key, how, json_object_get(found, key)));
    }
    json_decref(keys);
    json_decref(found);
    return res;
}
